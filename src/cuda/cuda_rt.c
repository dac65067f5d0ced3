/*
 * CUDA runtime glue (see cuda_rt.h). The runtime is linked statically; it
 * loads the driver (libcuda) on first use, so a machine without a driver or
 * device simply reports the GPU implementations unavailable.
 */
#include "cuda_rt.h"

#include <pthread.h>
#include <stdio.h>

#ifdef PXC_HAVE_CUDA
#include <cuda_runtime_api.h>
#include <dlfcn.h>

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static int probe_count;
static char probe_reason[256];

/* Whether the driver library can be loaded at all (to tell "no driver" from "driver too old"). */
static bool driver_present(void)
{
    void *h = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
    if (h) dlclose(h);
    return h != NULL;
}

/* Asks the runtime once for the devices; remembers why none can be used. */
static void probe(void)
{
    int n = 0;
    cudaError_t r = cudaGetDeviceCount(&n);
    if (r == cudaErrorInsufficientDriver && !driver_present()) {
        snprintf(probe_reason, sizeof(probe_reason),
                 "no CUDA device can be used: no NVIDIA driver is installed (libcuda.so.1 was not found)");
        n = 0;
    } else if (r != cudaSuccess) {
        snprintf(probe_reason, sizeof(probe_reason), "no CUDA device can be used: %s (%s)%s", cudaGetErrorString(r),
                 cudaGetErrorName(r),
                 r == cudaErrorInsufficientDriver ? "; pixcodec's GPU code needs a driver for CUDA 13 or later" : "");
        (void)cudaGetLastError(); /* not sticky: clear it */
        n = 0;
    } else if (n <= 0) {
        snprintf(probe_reason, sizeof(probe_reason), "no CUDA device is present");
        n = 0;
    }
    probe_count = n;
}

const char *pxc_cuda_unavailable_reason(void)
{
    pthread_once(&probe_once, probe);
    return probe_count > 0 ? NULL : probe_reason;
}

int pxc_cuda_device_count(void)
{
    pthread_once(&probe_once, probe);
    return probe_count;
}

pxc_status pxc_cuda_error(int cuda_error, const char *what, pxc_err *e)
{
    cudaError_t r = (cudaError_t)cuda_error;
    if (r == cudaSuccess) return PXC_OK;
    pxc_status st;
    switch (r) {
    case cudaErrorMemoryAllocation: st = PXC_ERROR_OUT_OF_MEMORY; break;
    case cudaErrorNoDevice:
    case cudaErrorInsufficientDriver:
    case cudaErrorNoKernelImageForDevice:
    case cudaErrorUnsupportedPtxVersion:
    case cudaErrorDevicesUnavailable:
    case cudaErrorInitializationError: st = PXC_ERROR_BACKEND_UNAVAILABLE; break;
    case cudaErrorInvalidDevice:
    case cudaErrorInvalidValue:
    case cudaErrorInvalidResourceHandle: st = PXC_ERROR_INVALID_ARGUMENT; break;
    default: st = PXC_ERROR_INTERNAL; break;
    }
    /* reported here: a later launch's cudaGetLastError() must not report it again */
    (void)cudaGetLastError();
    return pxc_err_set(e, st, "%s: CUDA error %s (%s)", what, cudaGetErrorName(r), cudaGetErrorString(r));
}

static pxc_status usable(pxc_err *e)
{
    const char *why = pxc_cuda_unavailable_reason();
    return why ? pxc_err_set(e, PXC_ERROR_BACKEND_UNAVAILABLE, "%s", why) : PXC_OK;
}

pxc_status pxc_cuda_use_device(int device_id, pxc_err *e)
{
    if (usable(e) != PXC_OK) return e->status;
    if (device_id < 0) return PXC_OK;
    if (device_id >= probe_count)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "device_id %d does not exist (this machine has %d CUDA %s)",
                           device_id, probe_count, probe_count == 1 ? "device" : "devices");
    return pxc_cuda_error(cudaSetDevice(device_id), "selecting the CUDA device", e);
}

int pxc_cuda_save_device(void)
{
    pxc_err e;
    pxc_err_clear(&e);
    int dev = -1;
    if (usable(&e) != PXC_OK || cudaGetDevice(&dev) != cudaSuccess) {
        (void)cudaGetLastError();
        return -1;
    }
    return dev;
}

void pxc_cuda_restore_device(int saved)
{
    int cur = -1;
    if (saved < 0 || (cudaGetDevice(&cur) == cudaSuccess && cur == saved)) return;
    if (cudaSetDevice(saved) != cudaSuccess) (void)cudaGetLastError();
}

pxc_status pxc_cuda_current_device(int *device_id, pxc_err *e)
{
    if (usable(e) != PXC_OK) return e->status;
    return pxc_cuda_error(cudaGetDevice(device_id), "asking for the current CUDA device", e);
}

pxc_status pxc_cuda_malloc(void **ptr, size_t n, pxc_err *e)
{
    *ptr = NULL;
    if (usable(e) != PXC_OK) return e->status;
    cudaError_t r = cudaMalloc(ptr, n ? n : 1);
    if (r != cudaSuccess) {
        *ptr = NULL;
        (void)cudaGetLastError();
        if (r == cudaErrorMemoryAllocation)
            return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of device memory allocating %zu bytes", n);
        return pxc_cuda_error(r, "allocating device memory", e);
    }
    return PXC_OK;
}

void pxc_cuda_free(void *ptr)
{
    if (ptr) cudaFree(ptr);
}

pxc_status pxc_cuda_malloc_host(void **ptr, size_t n, pxc_err *e)
{
    *ptr = NULL;
    if (usable(e) != PXC_OK) return e->status;
    cudaError_t r = cudaMallocHost(ptr, n ? n : 1);
    if (r != cudaSuccess) {
        *ptr = NULL;
        (void)cudaGetLastError();
        if (r == cudaErrorMemoryAllocation)
            return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of page-locked host memory allocating %zu bytes", n);
        return pxc_cuda_error(r, "allocating page-locked host memory", e);
    }
    return PXC_OK;
}

void pxc_cuda_free_host(void *ptr)
{
    if (ptr) cudaFreeHost(ptr);
}

pxc_status pxc_cuda_copy_2d(void *dst, size_t dst_pitch, const void *src, size_t src_pitch, size_t width_bytes,
                            size_t height, pxc_cuda_copy_kind kind, void *stream, pxc_err *e)
{
    if (usable(e) != PXC_OK) return e->status;
    if (!height || !width_bytes) return PXC_OK;
    enum cudaMemcpyKind k = kind == PXC_CUDA_H2D   ? cudaMemcpyHostToDevice
                            : kind == PXC_CUDA_D2H ? cudaMemcpyDeviceToHost
                                                   : cudaMemcpyDeviceToDevice;
    return pxc_cuda_error(
        cudaMemcpy2DAsync(dst, dst_pitch, src, src_pitch, width_bytes, height, k, (cudaStream_t)stream),
        kind == PXC_CUDA_H2D ? "copying to the device" : kind == PXC_CUDA_D2H ? "copying from the device"
                                                                                : "copying on the device",
        e);
}

pxc_status pxc_cuda_memset(void *ptr, int value, size_t n, void *stream, pxc_err *e)
{
    if (usable(e) != PXC_OK) return e->status;
    return pxc_cuda_error(cudaMemsetAsync(ptr, value, n, (cudaStream_t)stream), "clearing device memory", e);
}

pxc_status pxc_cuda_stream_sync(void *stream, pxc_err *e)
{
    if (usable(e) != PXC_OK) return e->status;
    return pxc_cuda_error(cudaStreamSynchronize((cudaStream_t)stream), "waiting for the CUDA stream", e);
}

pxc_status pxc_cuda_stream_finish(void *stream, pxc_status st, pxc_err *e)
{
    if (st == PXC_OK) return pxc_cuda_stream_sync(stream, e);
    pxc_err ignored; /* the first error stands */
    pxc_err_clear(&ignored);
    pxc_cuda_stream_sync(stream, &ignored);
    return st;
}

pxc_status pxc_cuda_stream_create(void **stream, pxc_err *e)
{
    *stream = NULL;
    if (usable(e) != PXC_OK) return e->status;
    cudaStream_t s = NULL;
    pxc_status st = pxc_cuda_error(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "creating a CUDA stream", e);
    if (st == PXC_OK) *stream = s;
    return st;
}

pxc_status pxc_cuda_stream_create_ordered(void **stream, pxc_err *e)
{
    *stream = NULL;
    if (usable(e) != PXC_OK) return e->status;
    cudaStream_t s = NULL;
    pxc_status st = pxc_cuda_error(cudaStreamCreateWithFlags(&s, cudaStreamDefault), "creating a CUDA stream", e);
    if (st == PXC_OK) *stream = s;
    return st;
}

void pxc_cuda_stream_destroy(void *stream)
{
    if (stream && stream != (void *)cudaStreamPerThread) cudaStreamDestroy((cudaStream_t)stream);
}

void *pxc_cuda_thread_stream(void)
{
    return (void *)cudaStreamPerThread;
}

pxc_status pxc_cuda_pointer_info(const void *ptr, bool *is_device, int *device_id, pxc_err *e)
{
    *is_device = false;
    *device_id = -1;
    if (usable(e) != PXC_OK) return e->status;
    struct cudaPointerAttributes a;
    cudaError_t r = cudaPointerGetAttributes(&a, ptr);
    if (r != cudaSuccess) {
        (void)cudaGetLastError();
        return pxc_cuda_error(r, "asking where a pointer's memory is", e);
    }
    *is_device = a.type == cudaMemoryTypeDevice || a.type == cudaMemoryTypeManaged;
    *device_id = *is_device ? a.device : -1;
    return PXC_OK;
}

#else /* no CUDA in this build */

#define NO_CUDA "this build of pixcodec has no GPU support (nvcc was not found when it was built)"

const char *pxc_cuda_unavailable_reason(void)
{
    return NO_CUDA;
}

int pxc_cuda_device_count(void)
{
    return 0;
}

static pxc_status no_cuda(pxc_err *e)
{
    return pxc_err_set(e, PXC_ERROR_BACKEND_UNAVAILABLE, NO_CUDA);
}

pxc_status pxc_cuda_error(int cuda_error, const char *what, pxc_err *e)
{
    if (!cuda_error) return PXC_OK;
    return pxc_err_set(e, PXC_ERROR_INTERNAL, "%s: CUDA error %d", what, cuda_error);
}

pxc_status pxc_cuda_use_device(int device_id, pxc_err *e)
{
    (void)device_id;
    return no_cuda(e);
}

int pxc_cuda_save_device(void)
{
    return -1;
}

void pxc_cuda_restore_device(int saved)
{
    (void)saved;
}

pxc_status pxc_cuda_current_device(int *device_id, pxc_err *e)
{
    *device_id = -1;
    return no_cuda(e);
}

pxc_status pxc_cuda_malloc(void **ptr, size_t n, pxc_err *e)
{
    (void)n;
    *ptr = NULL;
    return no_cuda(e);
}

void pxc_cuda_free(void *ptr)
{
    (void)ptr;
}

pxc_status pxc_cuda_malloc_host(void **ptr, size_t n, pxc_err *e)
{
    (void)n;
    *ptr = NULL;
    return no_cuda(e);
}

void pxc_cuda_free_host(void *ptr)
{
    (void)ptr;
}

pxc_status pxc_cuda_copy_2d(void *dst, size_t dst_pitch, const void *src, size_t src_pitch, size_t width_bytes,
                            size_t height, pxc_cuda_copy_kind kind, void *stream, pxc_err *e)
{
    (void)dst, (void)dst_pitch, (void)src, (void)src_pitch, (void)width_bytes, (void)height, (void)kind, (void)stream;
    return no_cuda(e);
}

pxc_status pxc_cuda_memset(void *ptr, int value, size_t n, void *stream, pxc_err *e)
{
    (void)ptr, (void)value, (void)n, (void)stream;
    return no_cuda(e);
}

pxc_status pxc_cuda_stream_sync(void *stream, pxc_err *e)
{
    (void)stream;
    return no_cuda(e);
}

pxc_status pxc_cuda_stream_finish(void *stream, pxc_status st, pxc_err *e)
{
    (void)stream;
    return st != PXC_OK ? st : no_cuda(e);
}

pxc_status pxc_cuda_stream_create(void **stream, pxc_err *e)
{
    *stream = NULL;
    return no_cuda(e);
}

pxc_status pxc_cuda_stream_create_ordered(void **stream, pxc_err *e)
{
    *stream = NULL;
    return no_cuda(e);
}

void pxc_cuda_stream_destroy(void *stream)
{
    (void)stream;
}

void *pxc_cuda_thread_stream(void)
{
    return NULL;
}

pxc_status pxc_cuda_pointer_info(const void *ptr, bool *is_device, int *device_id, pxc_err *e)
{
    (void)ptr;
    *is_device = false;
    *device_id = -1;
    return no_cuda(e);
}

#endif

/* ---- public ---- */

int pxc_gpu_device_count(void)
{
    return pxc_cuda_device_count();
}

const char *pxc_gpu_unavailable_reason(void)
{
    return pxc_cuda_unavailable_reason();
}

pxc_status pxc_gpu_pointer_device(const void *ptr, int *device_id)
{
    pxc_err e;
    pxc_err_clear(&e);
    bool dev = false;
    int id = -1;
    if (device_id) *device_id = -1;
    if (!ptr || !device_id) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_status st = pxc_cuda_pointer_info(ptr, &dev, &id, &e);
    if (st != PXC_OK) return st;
    if (!dev) return PXC_ERROR_INVALID_ARGUMENT;
    *device_id = id;
    return PXC_OK;
}
