/*
 * CUDA kernels of the parallel JPEG Huffman decoder: one thread per
 * subsequence (per segment for the fallback), each calling the PXC_HD
 * per-thread functions of huffman.h that the CPU reference (huffman_ref.c)
 * runs in loops; prefix sums in a single-block chunked scan. The launcher
 * queues everything on one stream without synchronising or allocating.
 */
#include <cstddef>

#include <cuda_runtime.h>

#include "codecs/jpeg/gpu/huffman.h"

#define HUFF_THREADS 128 /* threads per block of the per-subsequence kernels */
#define SCAN_THREADS 1024 /* the single block of the scan kernel (huffman_ref.c emulates the same) */

/* Clears the result and the sync flags (round 0 counts as "changed"). */
__global__ void pxc_huff_init_kernel(pxc_jpeg_gpu_huff job)
{
    uint32_t t = blockIdx.x * blockDim.x + threadIdx.x;
    if (t == 0) *job.result = PXC_HD_HUFF_OK_RESULT;
    if (t <= job.sync_iterations) job.flags[t] = t == 0 ? 1u : 0u;
}

/* Phase 1: decode every subsequence from its guessed entry state. */
__global__ void pxc_huff_phase1_kernel(pxc_jpeg_gpu_huff job)
{
    uint32_t j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j < job.num_subseqs) pxc_hd_huff_phase1(&job, j);
}

/* One sync round. */
__global__ void pxc_huff_sync_kernel(pxc_jpeg_gpu_huff job, uint32_t iter)
{
    uint32_t j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j < job.num_subseqs) pxc_hd_huff_sync(&job, j, iter);
}

/* Sequential fallback, one thread per segment (returns at once when the rounds converged). */
__global__ void pxc_huff_fallback_kernel(pxc_jpeg_gpu_huff job)
{
    uint32_t s = blockIdx.x * blockDim.x + threadIdx.x;
    if (s < job.num_segments) pxc_hd_huff_fallback(&job, s);
}

/*
 * Exclusive segmented prefix sum over the subsequences in one block of
 * SCAN_THREADS threads: each thread folds a contiguous chunk, the chunk
 * aggregates are scanned in shared memory (Hillis-Steele), then each thread
 * writes its chunk from its carry.
 */
__global__ void __launch_bounds__(SCAN_THREADS)
    pxc_huff_segscan_kernel(pxc_jpeg_gpu_huff job, const uint32_t *in, uint32_t stride, int lanes, uint32_t *out)
{
    __shared__ uint32_t sv[4][SCAN_THREADS];
    __shared__ uint32_t sf[SCAN_THREADS];
    uint32_t t = threadIdx.x;
    uint32_t n = job.num_subseqs;
    uint32_t chunk = (n + SCAN_THREADS - 1) / SCAN_THREADS;
    uint32_t b = t * chunk, e = b + chunk;
    if (b > n) b = n;
    if (e > n) e = n;
    pxc_hd_segscan_acc own = pxc_hd_segscan_chunk(&job, in, stride, lanes, b, e);
    for (int l = 0; l < 4; l++) sv[l][t] = own.v[l];
    sf[t] = own.flag;
    __syncthreads();
    for (uint32_t d = 1; d < SCAN_THREADS; d <<= 1) {
        pxc_hd_segscan_acc x = own;
        if (t >= d) {
            pxc_hd_segscan_acc prev;
            for (int l = 0; l < 4; l++) prev.v[l] = sv[l][t - d];
            prev.flag = sf[t - d];
            x = pxc_hd_segscan_combine(prev, own, lanes);
        }
        __syncthreads();
        for (int l = 0; l < 4; l++) sv[l][t] = x.v[l];
        sf[t] = x.flag;
        __syncthreads();
        own = x;
    }
    pxc_hd_segscan_acc carry = pxc_hd_segscan_zero();
    if (t > 0) {
        for (int l = 0; l < 4; l++) carry.v[l] = sv[l][t - 1];
        carry.flag = sf[t - 1];
    }
    pxc_hd_segscan_apply(&job, in, stride, lanes, out, b, e, carry);
}

/* Phase 3: decode from the exact entry states and write the coefficients; first error wins. */
__global__ void pxc_huff_decode_kernel(pxc_jpeg_gpu_huff job)
{
    uint32_t j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= job.num_subseqs) return;
    int code = pxc_hd_huff_decode(&job, j);
    if (code) atomicMin(job.result, ((unsigned long long)j << 8) | (unsigned long long)code);
}

/* Phase 4: DC differences to values. */
__global__ void pxc_huff_dc_kernel(pxc_jpeg_gpu_huff job)
{
    uint32_t j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j < job.num_subseqs) pxc_hd_huff_dc(&job, j);
}

extern "C" int pxc_jpeg_cuda_huffman_launch(const pxc_jpeg_gpu_huff *job, void *cuda_stream)
{
    if (!job || job->num_subseqs == 0) return (int)cudaErrorInvalidValue;
    cudaStream_t s = (cudaStream_t)cuda_stream;
    pxc_jpeg_gpu_huff j = *job;
    for (int c = 0; c < PXC_JPEG_MAX_COMPONENTS; c++) {
        if (!j.coef[c] || !j.coef_bytes[c]) continue;
        cudaError_t e = cudaMemsetAsync(j.coef[c], 0, j.coef_bytes[c], s);
        if (e != cudaSuccess) return (int)e;
    }
    uint32_t n = j.num_subseqs, it = j.sync_iterations;
    unsigned grid = (n + HUFF_THREADS - 1) / HUFF_THREADS;
    unsigned seg_grid = (j.num_segments + HUFF_THREADS - 1) / HUFF_THREADS;
    pxc_huff_init_kernel<<<(it + 1 + 255) / 256, 256, 0, s>>>(j);
    pxc_huff_phase1_kernel<<<grid, HUFF_THREADS, 0, s>>>(j);
    for (uint32_t t = 1; t <= it; t++) pxc_huff_sync_kernel<<<grid, HUFF_THREADS, 0, s>>>(j, t);
    pxc_huff_fallback_kernel<<<seg_grid, HUFF_THREADS, 0, s>>>(j);
    const uint32_t *counts =
        (const uint32_t *)(const void *)((const char *)j.states[it & 1] + offsetof(pxc_jpeg_huff_state, count));
    pxc_huff_segscan_kernel<<<1, SCAN_THREADS, 0, s>>>(j, counts, 3, 1, j.block_start);
    pxc_huff_decode_kernel<<<grid, HUFF_THREADS, 0, s>>>(j);
    pxc_huff_segscan_kernel<<<1, SCAN_THREADS, 0, s>>>(j, j.dc_sum, 4, 4, j.dc_pred);
    pxc_huff_dc_kernel<<<grid, HUFF_THREADS, 0, s>>>(j);
    return (int)cudaGetLastError();
}
