/**
 * @file codecs.h
 * @brief What this build of pixcodec can do: codecs, their implementations
 *        and whether each can run on this machine.
 */
#ifndef PIXCODEC_CODECS_H
#define PIXCODEC_CODECS_H

#include <stddef.h>
#include "export.h"
#include "backend.h"
#include "status.h"

PXC_BEGIN_DECLS

/** @brief Number of registered codecs. */
PXC_API size_t pxc_codec_count(void);

/** @brief Name of codec @p index ("jpeg", ...), NULL past the end. Static string. */
PXC_API const char *pxc_codec_name(size_t index);

/** @brief One implementation of a codec, as reported by pxc_codec_implementation(). */
typedef struct pxc_implementation_info {
    const char *name;        /**< "jpeg.turbo", ... (static) */
    pxc_backend_kind kind;
    int priority;            /**< lower runs first */
    int can_decode;
    int can_encode;
    int available;           /**< 1 when it can run on this machine */
    const char *unavailable_reason; /**< static text when available == 0, else NULL */
} pxc_implementation_info;

/**
 * @brief Implementation @p index of codec @p codec (a name or extension).
 * @return PXC_OK, or PXC_ERROR_INVALID_ARGUMENT past the end / unknown codec.
 */
PXC_API pxc_status pxc_codec_implementation(const char *codec, size_t index, pxc_implementation_info *out);

PXC_END_DECLS

#endif /* PIXCODEC_CODECS_H */
