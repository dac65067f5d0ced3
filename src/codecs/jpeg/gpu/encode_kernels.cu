/*
 * CUDA kernels of the GPU JPEG encoder: colour conversion + downsampling into
 * the component planes, then forward DCT + quantisation into the coefficient
 * buffers. All arithmetic is in encode_math.h (PXC_HD), shared with the CPU
 * reference in encode_ref.c, which is what the tests check against
 * libjpeg-turbo.
 */
#include <cuda_runtime.h>

#include "codecs/jpeg/gpu/encode_math.h"

namespace {

/* threads of a sample-kernel block (32 x 8 samples) and of a block-kernel block (JPEG blocks) */
const unsigned kSampleBlockX = 32;
const unsigned kSampleBlockY = 8;
const unsigned kDctThreads = 128;

/* One thread per sample of the plane of component blockIdx.z: colour conversion of the input
 * pixels it covers, libjpeg's edge expansion and downsampling (pxc_jpeg_enc_sample). Covers
 * width_in_blocks * 8 x height_in_blocks * 8 samples. */
__global__ void pxc_jpeg_enc_sample_kernel(pxc_jpeg_gpu_enc_image img)
{
    const int ci = (int)blockIdx.z;
    if (ci >= img.num_components) return;
    const pxc_jpeg_gpu_enc_comp *c = &img.comp[ci];
    const uint32_t x = blockIdx.x * blockDim.x + threadIdx.x;
    const uint32_t y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x >= c->width_in_blocks * 8u || y >= c->height_in_blocks * 8u) return;
    c->plane[(size_t)y * c->plane_stride + x] = (uint8_t)pxc_jpeg_enc_sample(&img, ci, x, y);
}

/* One thread per block of the padded (whole-MCU) grid of component blockIdx.y, in raster order:
 * the first 64 threads build the reciprocal quantisers in shared memory, then each thread runs
 * the forward DCT + quantisation of its block, or makes a dummy block (pxc_jpeg_enc_block). */
__global__ void pxc_jpeg_enc_block_kernel(pxc_jpeg_gpu_enc_image img)
{
    __shared__ pxc_jpeg_qdiv div[64];
    const int ci = (int)blockIdx.y;
    if (ci >= img.num_components) return; /* the whole thread block leaves together */
    const pxc_jpeg_gpu_enc_comp *c = &img.comp[ci];
    if (threadIdx.x < 64) div[threadIdx.x] = pxc_jpeg_quant_divisor(c->quant[threadIdx.x]);
    __syncthreads();
    const size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    const size_t pw = c->padded_blocks_w;
    if (idx >= pw * (size_t)c->padded_blocks_h) return;
    pxc_jpeg_enc_block(&img, ci, (uint32_t)(idx % pw), (uint32_t)(idx / pw), div, c->coef + idx * 64);
}

/* ceil(a / b) */
unsigned long long div_up(unsigned long long a, unsigned long long b)
{
    return (a + b - 1) / b;
}

} // namespace

extern "C" int pxc_jpeg_cuda_encode_launch(const pxc_jpeg_gpu_enc_image *img, void *cuda_stream)
{
    if (!img || !img->pixels || img->width == 0 || img->height == 0 ||
        (img->num_components != 1 && img->num_components != 3) || img->max_h_samp < 1 || img->max_v_samp < 1)
        return (int)cudaErrorInvalidValue;
    unsigned long long plane_w = 0, plane_h = 0, blocks = 0;
    for (int i = 0; i < img->num_components; i++) {
        const pxc_jpeg_gpu_enc_comp *c = &img->comp[i];
        if (!c->plane || !c->coef || !c->quant || c->h_samp < 1 || c->v_samp < 1 ||
            img->max_h_samp % c->h_samp != 0 || img->max_v_samp % c->v_samp != 0 ||
            c->plane_stride < (size_t)c->width_in_blocks * 8u || c->width_in_blocks == 0 ||
            c->height_in_blocks == 0 || c->padded_blocks_w < c->width_in_blocks ||
            c->padded_blocks_h < c->height_in_blocks)
            return (int)cudaErrorInvalidValue;
        const unsigned long long w = (unsigned long long)c->width_in_blocks * 8u;
        const unsigned long long h = (unsigned long long)c->height_in_blocks * 8u;
        const unsigned long long n = (unsigned long long)c->padded_blocks_w * c->padded_blocks_h;
        if (w > plane_w) plane_w = w;
        if (h > plane_h) plane_h = h;
        if (n > blocks) blocks = n;
    }
    const unsigned long long gx = div_up(plane_w, kSampleBlockX), gy = div_up(plane_h, kSampleBlockY);
    const unsigned long long gb = div_up(blocks, kDctThreads);
    if (gx > 0x7fffffffull || gy > 65535ull || gb > 0x7fffffffull) return (int)cudaErrorInvalidConfiguration;
    cudaStream_t stream = (cudaStream_t)cuda_stream;

    const dim3 sample_grid((unsigned)gx, (unsigned)gy, (unsigned)img->num_components);
    const dim3 sample_block(kSampleBlockX, kSampleBlockY, 1);
    pxc_jpeg_enc_sample_kernel<<<sample_grid, sample_block, 0, stream>>>(*img);
    cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) return (int)e;

    const dim3 block_grid((unsigned)gb, (unsigned)img->num_components, 1);
    pxc_jpeg_enc_block_kernel<<<block_grid, dim3(kDctThreads, 1, 1), 0, stream>>>(*img);
    return (int)cudaGetLastError();
}
