/**
 * @file decoder.h
 * @brief Decoding one code stream or a batch into images.
 *
 * Thread rules: a decoder may be used from several threads at once. Batch
 * calls run on the context's thread pool; every sample ends with its own
 * status and detail, so one bad input never costs the others.
 */
#ifndef PIXCODEC_DECODER_H
#define PIXCODEC_DECODER_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "status.h"
#include "context.h"
#include "image.h"
#include "stream.h"
#include "backend.h"

PXC_BEGIN_DECLS

typedef struct pxc_decoder pxc_decoder;

typedef struct pxc_decoder_settings {
    size_t struct_size;           /**< sizeof(pxc_decoder_settings) */
    int device_id;                /**< GPU to use, -1 (default) = current device */
    const pxc_backend *backends;  /**< allowed backends in priority order; NULL/0 = all available */
    size_t num_backends;
    /**
     * Options, space separated: "[module]:key=value". module is a codec name
     * ("jpeg"), an implementation name ("jpeg.turbo") or empty for every codec
     * that knows the key. Unknown modules or keys are an error naming them.
     * Default ":fancy_upsampling=0". NULL = default.
     */
    const char *options;
} pxc_decoder_settings;

/** @brief Defaults: all backends, device -1, options ":fancy_upsampling=0". */
PXC_API void pxc_decoder_default_settings(pxc_decoder_settings *settings);

/**
 * @brief Creates a decoder.
 * @return PXC_OK; PXC_ERROR_INVALID_OPTION for a bad options string;
 *         PXC_ERROR_BACKEND_UNAVAILABLE when none of the allowed backends has any
 *         implementation that can run here (the detail says why for each);
 *         PXC_ERROR_INVALID_ARGUMENT. Details in pxc_context_last_error().
 * @param[out] out owned by the caller (pxc_decoder_destroy()).
 */
PXC_API pxc_status pxc_decoder_create(pxc_context *ctx, const pxc_decoder_settings *settings,
                                      pxc_decoder **out);

/** @brief Destroys a decoder. Accepts NULL. */
PXC_API void pxc_decoder_destroy(pxc_decoder *dec);

typedef struct pxc_decode_params {
    size_t struct_size;              /**< sizeof(pxc_decode_params) */
    /** Rotate/flip by the EXIF (or TIFF) orientation; default 1. */
    int apply_exif_orientation;
    /**
     * Default 1: convert to @ref color_spec. 0: return the file's own
     * components (gray, gray+alpha, RGB, RGBA, YCbCr, CMYK for CMYK and YCCK
     * JPEGs), palettes expanded.
     */
    int enable_color_conversion;
    /** Output colours when converting: RGB (default), BGR, RGBA, BGRA, GRAY or GRAY_ALPHA. */
    pxc_color_spec color_spec;
    /** PXC_SAMPLE_U8 (default; deeper sources are scaled down) or PXC_SAMPLE_U16
     *  (samples scaled to the full 16-bit range: 8-bit sources are multiplied by 257). */
    pxc_sample_type sample_type;
    /** HWC (default) or CHW. */
    pxc_layout layout;
    /**
     * Default 0. 1: the output sample type follows the source, ignoring
     * @ref sample_type: U16 for sources deeper than 8 bits, U8 otherwise.
     */
    int allow_any_depth;
    /**
     * Which image of a multi-image stream to decode (TIFF page, animation
     * frame), from 0 (default). Past the last image is PXC_ERROR_INVALID_ARGUMENT.
     */
    uint32_t image_index;
} pxc_decode_params;

/** @brief Fills @p params with the defaults above. */
PXC_API void pxc_decode_params_default(pxc_decode_params *params);

/**
 * @brief Describes the image a decode of @p stream with @p params will produce
 *        (size after orientation, channels, type, layout, packed strides).
 *        Use it to allocate an output buffer for pxc_decode_into().
 */
PXC_API pxc_status pxc_decoder_output_desc(pxc_decoder *dec, pxc_code_stream *stream,
                                           const pxc_decode_params *params, pxc_image_desc *desc);

/**
 * @brief Decodes one stream into a new image.
 * @param params NULL for defaults.
 * @param[out] out new image owned by the caller (pxc_image_destroy()); NULL on error.
 */
PXC_API pxc_status pxc_decode(pxc_decoder *dec, pxc_code_stream *stream,
                              const pxc_decode_params *params, pxc_image **out);

/**
 * @brief Decodes one stream into a caller-supplied image whose width, height,
 *        channels, sample type and layout match pxc_decoder_output_desc()
 *        (strides may be larger than packed).
 */
PXC_API pxc_status pxc_decode_into(pxc_decoder *dec, pxc_code_stream *stream,
                                   const pxc_decode_params *params, pxc_image *image);

/** Longest per-sample detail text, including the NUL. */
#define PXC_DETAIL_MAX 256

/** @brief Outcome of one sample of a batch. */
typedef struct pxc_sample_status {
    pxc_status status;
    pxc_backend_kind backend;    /**< backend that produced the result (valid when status is PXC_OK) */
    char detail[PXC_DETAIL_MAX]; /**< empty on success; what went wrong otherwise */
} pxc_sample_status;

/**
 * @brief Decodes a batch on the context's threads.
 * @param streams @p count streams (an entry may be NULL: that sample fails with INVALID_ARGUMENT).
 * @param params NULL for defaults; the same parameters apply to every sample.
 * @param[in,out] images @p count entries. A NULL entry receives a new image
 *        (owned by the caller) or stays NULL on failure; a non-NULL entry is a
 *        caller-supplied image decoded into as with pxc_decode_into().
 * @param[out] statuses @p count entries, one per sample (required).
 * @return PXC_OK when every sample succeeded, the first failing sample's status
 *         otherwise, or PXC_ERROR_INVALID_ARGUMENT for bad arguments (then no
 *         sample was processed).
 */
PXC_API pxc_status pxc_decode_batch(pxc_decoder *dec, size_t count, pxc_code_stream *const *streams,
                                    const pxc_decode_params *params, pxc_image **images,
                                    pxc_sample_status *statuses);

/**
 * @brief Detail text of the decoder's last failed call; never NULL. With
 *        several threads on one decoder use the batch statuses instead.
 */
PXC_API const char *pxc_decoder_last_error(const pxc_decoder *dec);

PXC_END_DECLS

#endif /* PIXCODEC_DECODER_H */
