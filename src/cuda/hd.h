/*
 * Functions shared by CUDA kernels and their CPU references. A function
 * marked PXC_HD compiles as device and host code under nvcc and as plain
 * C (or C++) elsewhere, so that the CPU reference of a kernel runs the very
 * same arithmetic and can be tested on machines without a GPU.
 *
 * Rules for PXC_HD code: C that is also valid C++ (no designated
 * initialisers, no VLAs, no implicit void* conversions), no library calls,
 * no globals; tables as static const arrays inside the function or passed in.
 */
#ifndef PXC_CUDA_HD_H
#define PXC_CUDA_HD_H

#ifdef __CUDACC__
#define PXC_HD __host__ __device__ __forceinline__
#define PXC_HD_NOINLINE __host__ __device__
#else
#define PXC_HD static inline
#define PXC_HD_NOINLINE static
#endif

#endif /* PXC_CUDA_HD_H */
