/*
 * The CUDA runtime as the rest of the library sees it: whether a GPU can be
 * used (and why not), device memory, copies and streams. Every function
 * exists in every build; in a build without CUDA they report that the build
 * has no GPU support. Streams are passed as void* (a cudaStream_t; NULL is
 * the legacy default stream) so that callers need no CUDA header.
 */
#ifndef PXC_CUDA_RT_H
#define PXC_CUDA_RT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

/** NULL when a CUDA device can be used, else why not (static text, stable for the process). */
const char *pxc_cuda_unavailable_reason(void);

/** Number of CUDA devices (0 when none can be used). */
int pxc_cuda_device_count(void);

/** Makes @p device_id (-1: keep the calling thread's current device) current for the calling thread. */
pxc_status pxc_cuda_use_device(int device_id, pxc_err *e);

/**
 * The calling thread's current device, to be made current again with pxc_cuda_restore_device()
 * when a public call that switched devices returns (callers such as PyTorch and CuPy keep their
 * own notion of the current device in the runtime's). -1 when no device can be used.
 */
int pxc_cuda_save_device(void);
void pxc_cuda_restore_device(int saved);

/** The device current for the calling thread. */
pxc_status pxc_cuda_current_device(int *device_id, pxc_err *e);

/** @p n bytes of device memory on the current device. */
pxc_status pxc_cuda_malloc(void **ptr, size_t n, pxc_err *e);
/** Frees device memory from pxc_cuda_malloc (NULL is fine). */
void pxc_cuda_free(void *ptr);

/** Page-locked host memory (fast, asynchronous copies). */
pxc_status pxc_cuda_malloc_host(void **ptr, size_t n, pxc_err *e);
void pxc_cuda_free_host(void *ptr);

typedef enum pxc_cuda_copy_kind {
    PXC_CUDA_H2D = 1,
    PXC_CUDA_D2H = 2,
    PXC_CUDA_D2D = 3
} pxc_cuda_copy_kind;

/** 2-D copy of @p height rows of @p width_bytes, ordered on @p stream. */
pxc_status pxc_cuda_copy_2d(void *dst, size_t dst_pitch, const void *src, size_t src_pitch, size_t width_bytes,
                            size_t height, pxc_cuda_copy_kind kind, void *stream, pxc_err *e);

/** Sets @p n bytes of device memory to @p value, ordered on @p stream. */
pxc_status pxc_cuda_memset(void *ptr, int value, size_t n, void *stream, pxc_err *e);

/** Waits for the work queued on @p stream. */
pxc_status pxc_cuda_stream_sync(void *stream, pxc_err *e);

/**
 * Ends the work of one call on @p stream: waits for it and returns the result. When @p st is
 * already an error it still waits (the queued work's buffers may only be freed afterwards) and
 * returns @p st, keeping its message in @p e.
 */
pxc_status pxc_cuda_stream_finish(void *stream, pxc_status st, pxc_err *e);

/** A new non-blocking stream on the current device. */
pxc_status pxc_cuda_stream_create(void **stream, pxc_err *e);
/**
 * A new stream on the current device ordered after the work queued before on the legacy default
 * stream, where CuPy and PyTorch queue theirs unless told otherwise: memory they were reading
 * (a frame buffer given back by a DLPack consumer) is written on it only once they are done.
 */
pxc_status pxc_cuda_stream_create_ordered(void **stream, pxc_err *e);
void pxc_cuda_stream_destroy(void *stream);

/**
 * The calling thread's own stream (cudaStreamPerThread): work ordered on it needs no stream to be
 * created first, runs beside other threads' work, and is ordered after what the legacy default stream
 * (NULL) queued before it. Valid on whichever device is current; never destroyed. NULL in a build
 * without CUDA.
 */
void *pxc_cuda_thread_stream(void);

/**
 * What memory @p ptr points to: *is_device true for device (or managed)
 * memory, with the device's id; false for host memory (pageable or pinned).
 */
pxc_status pxc_cuda_pointer_info(const void *ptr, bool *is_device, int *device_id, pxc_err *e);

/** Turns a CUDA error code (as int, from a kernel launcher) into a status and message naming @p what. */
pxc_status pxc_cuda_error(int cuda_error, const char *what, pxc_err *e);

#endif /* PXC_CUDA_RT_H */
