/**
 * @file context.h
 * @brief The context: thread pool, limits and logging shared by decoders,
 *        encoders and code streams created from it.
 *
 * A context is thread-safe: decoders, encoders and code streams made from
 * one context may be used from several threads at once (each handle by one
 * thread at a time unless its header says otherwise). Destroy every handle
 * made from a context before destroying the context.
 */
#ifndef PIXCODEC_CONTEXT_H
#define PIXCODEC_CONTEXT_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "status.h"

PXC_BEGIN_DECLS

typedef struct pxc_context pxc_context;

typedef enum pxc_log_level {
    PXC_LOG_ERROR = 0,
    PXC_LOG_WARNING = 1,
    PXC_LOG_INFO = 2,
    PXC_LOG_DEBUG = 3
} pxc_log_level;

/**
 * @brief Log callback. May be called from any of the context's threads at
 *        once; @p message is valid only during the call.
 */
typedef void (*pxc_log_fn)(void *user_data, pxc_log_level level, const char *message);

/** Default pixel limit per image: 2^28 (e.g. 16384 x 16384). */
#define PXC_DEFAULT_MAX_PIXELS ((uint64_t)1 << 28)
/** Default size of the context's cache of released image buffers: 256 MiB. */
#define PXC_DEFAULT_IMAGE_CACHE_BYTES ((uint64_t)256 << 20)
/** Default allocation limit per image: 2 GiB. */
#define PXC_DEFAULT_MAX_BYTES ((uint64_t)2 << 30)

typedef struct pxc_context_settings {
    /** sizeof(pxc_context_settings), set by pxc_context_default_settings(). */
    size_t struct_size;
    /** Worker threads for batch work. 0 (default) = number of online cores. */
    int num_threads;
    /** Largest width*height accepted for one image (default PXC_DEFAULT_MAX_PIXELS). 0 = no limit. */
    uint64_t max_pixels;
    /** Largest number of bytes pixcodec may allocate for one image, output buffer and
     *  decoder working memory together (default PXC_DEFAULT_MAX_BYTES). 0 = no limit. */
    uint64_t max_bytes_per_image;
    /** Optional log callback (default NULL: messages are dropped). */
    pxc_log_fn log_callback;
    void *log_user_data;
    /** Messages above this level are not passed to the callback (default PXC_LOG_WARNING). */
    pxc_log_level log_level;
    /**
     * Bytes of released image buffers the context keeps to reuse for later
     * images (default PXC_DEFAULT_IMAGE_CACHE_BYTES; 0 = none). Reusing a
     * buffer saves the page faults of fresh memory, which matters for batches
     * of large images decoded again and again. The cache never holds more
     * than this; buffers are freed when the context is destroyed.
     */
    uint64_t image_cache_bytes;
} pxc_context_settings;

/** @brief Fills @p settings with the defaults above. */
PXC_API void pxc_context_default_settings(pxc_context_settings *settings);

/**
 * @brief Creates a context. @p settings may be NULL for the defaults.
 * @param[out] out receives the new context, owned by the caller (pxc_context_destroy()).
 * @return PXC_OK, PXC_ERROR_INVALID_ARGUMENT (bad settings), PXC_ERROR_OUT_OF_MEMORY.
 */
PXC_API pxc_status pxc_context_create(const pxc_context_settings *settings, pxc_context **out);

/** @brief Destroys a context and joins its threads. Accepts NULL. */
PXC_API void pxc_context_destroy(pxc_context *ctx);

/** @brief Number of worker threads the context runs (after resolving 0). */
PXC_API int pxc_context_num_threads(const pxc_context *ctx);

/** @brief The context's settings as resolved at creation. */
PXC_API pxc_status pxc_context_get_settings(const pxc_context *ctx, pxc_context_settings *out);

/**
 * @brief Detail text of the last error raised by a call on this context
 *        (including code stream creation). Never NULL (empty when there was
 *        none); valid until the next call on the context. When several threads
 *        share the context the text belongs to whichever call failed last.
 */
PXC_API const char *pxc_context_last_error(const pxc_context *ctx);

/** @brief Frees memory that pixcodec allocated and handed to the caller (e.g. encoded bytes). Accepts NULL. */
PXC_API void pxc_free(void *ptr);

PXC_END_DECLS

#endif /* PIXCODEC_CONTEXT_H */
