/**
 * @file stream.h
 * @brief Code streams: encoded bytes from memory or a file, probed lazily.
 *
 * Creating a code stream does not read the headers; the first
 * pxc_code_stream_get_info() (or a decode) probes the registered codecs and
 * parses the headers, and the result is kept for later calls.
 * A code stream may be read by several threads at once once it has been
 * probed; probing itself is serialised internally.
 */
#ifndef PIXCODEC_STREAM_H
#define PIXCODEC_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "status.h"
#include "context.h"
#include "image.h"

PXC_BEGIN_DECLS

typedef struct pxc_code_stream pxc_code_stream;

/** How a memory code stream holds its bytes. */
typedef enum pxc_memory_mode {
    PXC_MEMORY_BORROW = 0, /**< keep the caller's pointer; the bytes must outlive the stream */
    PXC_MEMORY_COPY = 1    /**< copy the bytes; the caller may free them at once */
} pxc_memory_mode;

/**
 * @brief Code stream over bytes in memory.
 * @param data may be NULL only when @p size is 0 (an empty stream fails at probing).
 * @param[out] out new stream, owned by the caller (pxc_code_stream_destroy()).
 */
PXC_API pxc_status pxc_code_stream_from_memory(pxc_context *ctx, const void *data, size_t size,
                                               pxc_memory_mode mode, pxc_code_stream **out);

/**
 * @brief Code stream over a file (memory-mapped; read into memory where mapping fails).
 * @return PXC_ERROR_IO with the path and the system's reason when it cannot be opened.
 */
PXC_API pxc_status pxc_code_stream_from_file(pxc_context *ctx, const char *path,
                                             pxc_code_stream **out);

/** @brief Destroys a stream. Accepts NULL. */
PXC_API void pxc_code_stream_destroy(pxc_code_stream *stream);

/**
 * @brief Probes (first call only) and returns what the stream holds.
 * @param[out] info caller-owned; set info->struct_size = sizeof(*info) first.
 * @return PXC_OK, PXC_ERROR_UNSUPPORTED_FORMAT, PXC_ERROR_CORRUPT_DATA,
 *         PXC_ERROR_TRUNCATED_DATA, PXC_ERROR_EMPTY_INPUT, PXC_ERROR_LIMIT_EXCEEDED ...
 *         with details in pxc_code_stream_last_error().
 */
PXC_API pxc_status pxc_code_stream_get_info(pxc_code_stream *stream, pxc_image_info *info);

/** @brief The stream's bytes (valid while the stream lives). */
PXC_API const void *pxc_code_stream_data(const pxc_code_stream *stream, size_t *size);

/** @brief The file path for file streams, NULL for memory streams. */
PXC_API const char *pxc_code_stream_path(const pxc_code_stream *stream);

/** @brief Detail text of the stream's last error; never NULL. */
PXC_API const char *pxc_code_stream_last_error(const pxc_code_stream *stream);

PXC_END_DECLS

#endif /* PIXCODEC_STREAM_H */
