/*
 * CUDA kernels of the video surface conversion (colour, crop, resize into RGB-family images) and
 * the surface-to-surface resize. The arithmetic is the PXC_HD code of vconv_math.h, the same that
 * the CPU references (vconv_ref.c) run and that tests/c/test_ref_video_convert.c checks against
 * libswscale. One thread per output pixel (per output sample of a plane for the resize), each
 * computing its own filter taps; the plan (axes, offsets, colour) is a kernel parameter.
 */
#include <cuda_runtime.h>

#include "video/gpu/vconv_math.h"

/* CUDA block: 32 x 8 output pixels. */
#define PXC_VCONV_BX 32
#define PXC_VCONV_BY 8

/* One-pass conversion (whole frame, crop, or crop resized at even offsets): pixel (x, y). */
__global__ void __launch_bounds__(PXC_VCONV_BX * PXC_VCONV_BY)
pxc_vconv_onepass_kernel(const __grid_constant__ pxc_vconv_plan p)
{
    const uint32_t x = blockIdx.x * PXC_VCONV_BX + threadIdx.x;
    const uint32_t y = blockIdx.y * PXC_VCONV_BY + threadIdx.y;
    if (x >= p.dst.width || y >= p.dst.height) return;
    uint32_t rgb[3];
    pxc_vconv_onepass_pixel(&p, (int32_t)x, (int32_t)y, rgb);
    pxc_vconv_store(&p.dst, x, y, rgb);
}

/* Two-pass conversion (a 4:2:0 crop at an odd offset, resized): pixel (x, y). */
__global__ void __launch_bounds__(PXC_VCONV_BX * PXC_VCONV_BY)
pxc_vconv_twostage_kernel(const __grid_constant__ pxc_vconv_plan p)
{
    const uint32_t x = blockIdx.x * PXC_VCONV_BX + threadIdx.x;
    const uint32_t y = blockIdx.y * PXC_VCONV_BY + threadIdx.y;
    if (x >= p.dst.width || y >= p.dst.height) return;
    uint32_t rgb[3];
    pxc_vconv_twostage_pixel(&p, (int32_t)x, (int32_t)y, rgb);
    pxc_vconv_store(&p.dst, x, y, rgb);
}

/* Surface resize: blockIdx.z 0 is the luma plane (sample (x, y)), 1 the chroma (both components of sample (x, y)). */
__global__ void __launch_bounds__(PXC_VCONV_BX * PXC_VCONV_BY)
pxc_vresize_kernel(const __grid_constant__ pxc_vresize_plan p)
{
    const uint32_t x = blockIdx.x * PXC_VCONV_BX + threadIdx.x;
    const uint32_t y = blockIdx.y * PXC_VCONV_BY + threadIdx.y;
    pxc_vconv_taps tx, ty;
    if (blockIdx.z == 0) {
        if (x >= p.dst.width || y >= p.dst.height) return;
        pxc_vconv_axis_taps(&p.lx, (int32_t)x, &tx);
        pxc_vconv_axis_taps(&p.ly, (int32_t)y, &ty);
        pxc_vresize_luma(&p, x, y, &tx, &ty);
    } else {
        if (x >= p.cw || y >= p.ch) return;
        pxc_vconv_axis_taps(&p.cx, (int32_t)x, &tx);
        pxc_vconv_axis_taps(&p.cy, (int32_t)y, &ty);
        pxc_vresize_chroma(&p, x, y, &tx, &ty);
    }
}

/* See vconv.h. */
extern "C" int pxc_vconv_launch(const pxc_vconv_job *j, void *cuda_stream)
{
    if (!j || pxc_vconv_check(j)) return (int)cudaErrorInvalidValue;
    pxc_vconv_plan p;
    if (!pxc_vconv_plan_job(j, &p)) return (int)cudaErrorInvalidValue;
    cudaStream_t stream = (cudaStream_t)cuda_stream;
    dim3 block(PXC_VCONV_BX, PXC_VCONV_BY);
    dim3 grid((p.dst.width + PXC_VCONV_BX - 1) / PXC_VCONV_BX, (p.dst.height + PXC_VCONV_BY - 1) / PXC_VCONV_BY);
    (void)cudaGetLastError(); /* an earlier call's error is not this launch's */
    if (p.mode == PXC_VCONV_TWOSTAGE) pxc_vconv_twostage_kernel<<<grid, block, 0, stream>>>(p);
    else pxc_vconv_onepass_kernel<<<grid, block, 0, stream>>>(p);
    return (int)cudaGetLastError();
}

/* See vconv.h. */
extern "C" int pxc_vresize_launch(const pxc_vresize_job *j, void *cuda_stream)
{
    if (!j || pxc_vresize_check(j)) return (int)cudaErrorInvalidValue;
    for (int i = 0; i < (pxc_vconv_is420(j->dst.format) ? 2 : 3); i++)
        if (!j->dst.planes[i]) return (int)cudaErrorInvalidValue;
    pxc_vresize_plan p;
    if (!pxc_vresize_plan_job(j, &p)) return (int)cudaErrorInvalidValue;
    cudaStream_t stream = (cudaStream_t)cuda_stream;
    dim3 block(PXC_VCONV_BX, PXC_VCONV_BY);
    dim3 grid((p.dst.width + PXC_VCONV_BX - 1) / PXC_VCONV_BX, (p.dst.height + PXC_VCONV_BY - 1) / PXC_VCONV_BY, 2);
    (void)cudaGetLastError();
    pxc_vresize_kernel<<<grid, block, 0, stream>>>(p);
    return (int)cudaGetLastError();
}

__global__ void __launch_bounds__(PXC_VCONV_BX * PXC_VCONV_BY)
pxc_vfill16_kernel(uint8_t *ptr, size_t pitch, uint32_t count, uint32_t rows, uint16_t value)
{
    const uint32_t x = blockIdx.x * PXC_VCONV_BX + threadIdx.x;
    const uint32_t y = blockIdx.y * PXC_VCONV_BY + threadIdx.y;
    if (x >= count || y >= rows) return;
    reinterpret_cast<uint16_t *>(ptr + (size_t)y * pitch)[x] = value;
}

/* See vconv.h. */
extern "C" int pxc_vfill16_launch(void *ptr, size_t pitch, uint32_t count, uint32_t rows, uint16_t value,
                                  void *cuda_stream)
{
    if (!ptr || (pitch & 1) || ((uintptr_t)ptr & 1)) return (int)cudaErrorInvalidValue;
    if (!count || !rows) return 0;
    dim3 block(PXC_VCONV_BX, PXC_VCONV_BY);
    dim3 grid((count + PXC_VCONV_BX - 1) / PXC_VCONV_BX, (rows + PXC_VCONV_BY - 1) / PXC_VCONV_BY);
    (void)cudaGetLastError();
    pxc_vfill16_kernel<<<grid, block, 0, (cudaStream_t)cuda_stream>>>((uint8_t *)ptr, pitch, count, rows, value);
    return (int)cudaGetLastError();
}
