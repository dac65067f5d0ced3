/**
 * @file status.h
 * @brief Status codes returned by every pixcodec function.
 *
 * 0 is success, every error is negative. pxc_strerror() gives a fixed
 * English sentence for a code; the handle-level detail text
 * (pxc_context_last_error(), pxc_decoder_last_error(), ...) says which input
 * was wrong and how.
 */
#ifndef PIXCODEC_STATUS_H
#define PIXCODEC_STATUS_H

#include "export.h"

PXC_BEGIN_DECLS

typedef enum pxc_status {
    PXC_OK = 0,
    PXC_ERROR_INVALID_ARGUMENT = -1,   /**< NULL pointer, bad enum, size 0, wrong buffer size ... */
    PXC_ERROR_OUT_OF_MEMORY = -2,      /**< an allocation failed */
    PXC_ERROR_UNSUPPORTED_FORMAT = -3, /**< no registered codec recognises the data */
    PXC_ERROR_UNSUPPORTED_FEATURE = -4,/**< the codec recognises the data but cannot handle this variant */
    PXC_ERROR_CORRUPT_DATA = -5,       /**< the data violates its format */
    PXC_ERROR_TRUNCATED_DATA = -6,     /**< the data ends before the image does */
    PXC_ERROR_LIMIT_EXCEEDED = -7,     /**< a context limit (pixels, bytes) would be exceeded */
    PXC_ERROR_BACKEND_UNAVAILABLE = -8,/**< no allowed backend can run on this machine/build */
    PXC_ERROR_IO = -9,                 /**< a file could not be opened, read or written */
    PXC_ERROR_INVALID_OPTION = -10,    /**< an options string names an unknown key or bad value */
    PXC_ERROR_INTERNAL = -11,          /**< a bug in pixcodec or an underlying library */
    PXC_ERROR_EMPTY_INPUT = -12,       /**< the code stream has zero bytes */
    PXC_ERROR_NOT_PROCESSED = -13      /**< a batch sample that was not attempted */
} pxc_status;

/**
 * @brief Fixed description of a status code. Never NULL; the string is static.
 */
PXC_API const char *pxc_strerror(pxc_status status);

/**
 * @brief Library version as "major.minor.patch". Static string.
 */
PXC_API const char *pxc_version(void);

PXC_END_DECLS

#endif /* PIXCODEC_STATUS_H */
