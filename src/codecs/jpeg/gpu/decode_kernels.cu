/*
 * CUDA kernels of the GPU JPEG decoder after entropy decoding: dequantisation + IDCT of every
 * 8x8 block into per-component planes, then upsampling + colour conversion of every output pixel.
 * The arithmetic is the PXC_HD code of decode_math.h, the same that the CPU reference
 * (decode_ref.c) runs and that tests/c/test_ref_jpeg_decode.c checks against libjpeg-turbo.
 */
#include <cuda_runtime.h>

#include "codecs/jpeg/gpu/decode_math.h"

/* JPEG blocks per CUDA block of the IDCT kernel; 8 threads per JPEG block. */
#define PXC_IDCT_BLOCKS_PER_CTA 32
#define PXC_IDCT_THREADS (PXC_IDCT_BLOCKS_PER_CTA * 8)

/* Pixel kernel's CUDA block: 32 x 8 output pixels. */
#define PXC_PIXEL_BX 32
#define PXC_PIXEL_BY 8

/*
 * IDCT kernel: blockIdx.y is the component, each group of 8 threads one 8x8 block of it (blocks in
 * raster order of the padded grid). Thread `lane` of a group runs pass 1 on column `lane`, the
 * group meets in shared memory, then the thread runs pass 2 on row `lane` and writes its 8 samples.
 */
__global__ void __launch_bounds__(PXC_IDCT_THREADS)
pxc_jpeg_idct_kernel(const __grid_constant__ pxc_jpeg_gpu_image img)
{
    __shared__ int32_t ws[PXC_IDCT_BLOCKS_PER_CTA * 64];
    const pxc_jpeg_gpu_component *k = &img.comp[blockIdx.y];
    const unsigned local = threadIdx.x >> 3, lane = threadIdx.x & 7u;
    const uint64_t nblocks = (uint64_t)k->blocks_w * k->blocks_h;
    const uint64_t b = (uint64_t)blockIdx.x * PXC_IDCT_BLOCKS_PER_CTA + local;
    const bool active = b < nblocks;
    int32_t *w = ws + local * 64;
    if (active) pxc_jpeg_idct_col(k->coef + b * 64, k->quant, (int)lane, w);
    __syncthreads();
    if (active) {
        const uint64_t by = b / k->blocks_w, bx = b - by * k->blocks_w;
        uint8_t *dst = k->plane + (size_t)(by * 8 + lane) * k->plane_stride + (size_t)bx * 8;
        uint8_t row[8];
        pxc_jpeg_idct_row(w + lane * 8, row);
        for (int i = 0; i < 8; i++) dst[i] = row[i];
    }
}

/* Pixel kernel: one thread per output pixel (x, y), upsampling and colour conversion. */
__global__ void __launch_bounds__(PXC_PIXEL_BX * PXC_PIXEL_BY)
pxc_jpeg_pixel_kernel(const __grid_constant__ pxc_jpeg_planes planes, uint8_t *out, size_t out_stride,
                      uint32_t width, uint32_t height, pxc_jpeg_out_space space, int fancy)
{
    const uint32_t x = blockIdx.x * PXC_PIXEL_BX + threadIdx.x;
    const uint32_t y = blockIdx.y * PXC_PIXEL_BY + threadIdx.y;
    if (x >= width || y >= height) return;
    const int nch = pxc_jpeg_out_channels(space);
    uint8_t px[4];
    pxc_jpeg_pixel(&planes, x, y, space, fancy, px);
    uint8_t *o = out + (size_t)y * out_stride + (size_t)x * (size_t)nch;
    for (int i = 0; i < nch; i++) o[i] = px[i];
}

/* See decode_math.h. */
extern "C" int pxc_jpeg_cuda_decode_launch(const pxc_jpeg_gpu_image *img, void *cuda_stream)
{
    if (!img || !img->out || img->width == 0 || img->height == 0) return (int)cudaErrorInvalidValue;
    if ((int)img->space < 0 || (int)img->space >= PXC_JPEG_OUT_SPACE_COUNT) return (int)cudaErrorInvalidValue;
    if (img->num_components < 1 || img->num_components > PXC_JPEG_MAX_COMPONENTS) return (int)cudaErrorInvalidValue;
    pxc_jpeg_planes planes;
    planes.num_components = img->num_components;
    planes.colorspace = img->colorspace;
    planes.max_h_samp = img->max_h_samp;
    planes.max_v_samp = img->max_v_samp;
    uint64_t max_blocks = 0;
    for (int c = 0; c < PXC_JPEG_MAX_COMPONENTS; c++) {
        pxc_jpeg_plane *p = &planes.comp[c];
        if (c >= img->num_components) {
            p->data = NULL;
            p->stride = 0;
            p->width = p->height = 0;
            p->h_samp = p->v_samp = 1;
            continue;
        }
        const pxc_jpeg_gpu_component *k = &img->comp[c];
        if (!k->coef || !k->quant || !k->plane || k->plane_stride < (size_t)k->blocks_w * 8 ||
            (uint64_t)k->blocks_w * 8 < k->width || (uint64_t)k->blocks_h * 8 < k->height)
            return (int)cudaErrorInvalidValue;
        p->data = k->plane;
        p->stride = k->plane_stride;
        p->width = k->width;
        p->height = k->height;
        p->h_samp = k->h_samp;
        p->v_samp = k->v_samp;
        const uint64_t n = (uint64_t)k->blocks_w * k->blocks_h;
        max_blocks = n > max_blocks ? n : max_blocks;
    }
    if (!pxc_jpeg_planes_ok(&planes, img->space)) return (int)cudaErrorInvalidValue;
    /* every output pixel must map inside each component's real samples */
    for (int c = 0; c < img->num_components; c++) {
        const pxc_jpeg_plane *p = &planes.comp[c];
        const uint64_t w = ((uint64_t)img->width * (uint64_t)p->h_samp + (uint64_t)img->max_h_samp - 1) /
                           (uint64_t)img->max_h_samp;
        const uint64_t h = ((uint64_t)img->height * (uint64_t)p->v_samp + (uint64_t)img->max_v_samp - 1) /
                           (uint64_t)img->max_v_samp;
        if (p->width != w || p->height != h) return (int)cudaErrorInvalidValue;
    }
    const size_t nch = (size_t)pxc_jpeg_out_channels(img->space);
    if (img->out_stride < (size_t)img->width * nch) return (int)cudaErrorInvalidValue;
    const uint64_t idct_ctas = (max_blocks + PXC_IDCT_BLOCKS_PER_CTA - 1) / PXC_IDCT_BLOCKS_PER_CTA;
    if (idct_ctas == 0 || idct_ctas > 0x7fffffffu) return (int)cudaErrorInvalidValue;

    cudaStream_t stream = (cudaStream_t)cuda_stream;
    dim3 idct_grid((unsigned)idct_ctas, (unsigned)img->num_components);
    pxc_jpeg_idct_kernel<<<idct_grid, PXC_IDCT_THREADS, 0, stream>>>(*img);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) return (int)e;

    dim3 pixel_block(PXC_PIXEL_BX, PXC_PIXEL_BY);
    dim3 pixel_grid((img->width + PXC_PIXEL_BX - 1) / PXC_PIXEL_BX, (img->height + PXC_PIXEL_BY - 1) / PXC_PIXEL_BY);
    pxc_jpeg_pixel_kernel<<<pixel_grid, pixel_block, 0, stream>>>(planes, img->out, img->out_stride, img->width,
                                                                   img->height, img->space, img->fancy);
    return (int)cudaGetLastError();
}
