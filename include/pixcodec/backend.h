/**
 * @file backend.h
 * @brief Backends: where a codec implementation runs, and how a batch is split.
 */
#ifndef PIXCODEC_BACKEND_H
#define PIXCODEC_BACKEND_H

#include <stddef.h>
#include "export.h"

PXC_BEGIN_DECLS

typedef enum pxc_backend_kind {
    PXC_BACKEND_CPU_ONLY = 0,       /**< everything on CPU threads */
    PXC_BACKEND_GPU_ONLY = 1,       /**< everything on the GPU (CUDA kernels) */
    PXC_BACKEND_HYBRID_CPU_GPU = 2, /**< entropy coding on the CPU, the rest on the GPU */
    PXC_BACKEND_HW_GPU_ONLY = 3     /**< fixed-function hardware engines of the GPU */
} pxc_backend_kind;

#define PXC_BACKEND_KIND_COUNT 4

/**
 * @brief One allowed backend.
 *
 * Backends listed for a decoder or encoder are in priority order. A batch is
 * split in that order: the first backend takes load_hint of the samples
 * (rounded to the nearest whole sample), the next takes load_hint of what
 * remains, and so on; the last backend takes everything left. A sample a
 * backend cannot or fails to handle falls back to the other allowed backends.
 */
typedef struct pxc_backend {
    pxc_backend_kind kind;
    float load_hint;   /**< 0..1, default 1 */
} pxc_backend;

/** @brief "cpu_only", "gpu_only", "hybrid_cpu_gpu", "hw_gpu_only" (static), or NULL. */
PXC_API const char *pxc_backend_kind_name(pxc_backend_kind kind);

/**
 * @brief Number of CUDA devices pixcodec can use: 0 when this build has no GPU
 *        support, or the machine has no NVIDIA driver or device.
 */
PXC_API int pxc_gpu_device_count(void);

/**
 * @brief NULL when a CUDA device can be used; otherwise why not (static text:
 *        no GPU support in this build, no driver, driver too old, no device).
 */
PXC_API const char *pxc_gpu_unavailable_reason(void);

/**
 * @brief The device whose memory @p ptr points to.
 * @return PXC_OK with *device_id set for device (or managed) memory;
 *         PXC_ERROR_INVALID_ARGUMENT for host memory; PXC_ERROR_BACKEND_UNAVAILABLE
 *         when no GPU can be used (see pxc_gpu_unavailable_reason()).
 */
PXC_API pxc_status pxc_gpu_pointer_device(const void *ptr, int *device_id);

PXC_END_DECLS

#endif /* PIXCODEC_BACKEND_H */
