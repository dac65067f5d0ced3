/**
 * @file encoder.h
 * @brief Encoding images into code streams, one or a batch, to memory or files.
 *
 * Thread rules: an encoder may be used from several threads at once.
 */
#ifndef PIXCODEC_ENCODER_H
#define PIXCODEC_ENCODER_H

#include <stddef.h>
#include "export.h"
#include "status.h"
#include "context.h"
#include "image.h"
#include "backend.h"
#include "decoder.h"

PXC_BEGIN_DECLS

typedef struct pxc_encoder pxc_encoder;

typedef struct pxc_encoder_settings {
    size_t struct_size;           /**< sizeof(pxc_encoder_settings) */
    int device_id;                /**< -1 (default) = current device */
    const pxc_backend *backends;  /**< allowed backends in priority order; NULL/0 = all available */
    size_t num_backends;
    /** Options "[module]:key=value ...", e.g. "png:compression_level=9". NULL/"" = none. */
    const char *options;
} pxc_encoder_settings;

PXC_API void pxc_encoder_default_settings(pxc_encoder_settings *settings);

/** @brief Creates an encoder; errors as for pxc_decoder_create(). */
PXC_API pxc_status pxc_encoder_create(pxc_context *ctx, const pxc_encoder_settings *settings,
                                      pxc_encoder **out);

/** @brief Destroys an encoder. Accepts NULL. */
PXC_API void pxc_encoder_destroy(pxc_encoder *enc);

typedef enum pxc_mct_mode {
    PXC_MCT_YCC = 0,
    PXC_MCT_RGB = 1
} pxc_mct_mode;

typedef enum pxc_jpeg2k_bitstream_type {
    PXC_JPEG2K_J2K = 0,
    PXC_JPEG2K_JP2 = 1
} pxc_jpeg2k_bitstream_type;

typedef enum pxc_jpeg2k_prog_order {
    PXC_JPEG2K_LRCP = 0,
    PXC_JPEG2K_RLCP = 1,
    PXC_JPEG2K_RPCL = 2,
    PXC_JPEG2K_PCRL = 3,
    PXC_JPEG2K_CPRL = 4
} pxc_jpeg2k_prog_order;

/** Encode parameters; defaults follow the seed API. */
typedef struct pxc_encode_params {
    size_t struct_size;                      /**< sizeof(pxc_encode_params) */
    float quality;                           /**< 0..100, default 95 (lossy codecs) */
    float target_psnr;                       /**< dB, default 50 (JPEG 2000) */
    pxc_mct_mode mct_mode;                   /**< default PXC_MCT_RGB */
    pxc_chroma_subsampling chroma_subsampling; /**< default PXC_CSS_444 (JPEG: 444, 422, 420, 440, 411, gray) */
    int jpeg_progressive;                    /**< default 0 */
    int jpeg_optimized_huffman;              /**< default 0 */
    int jpeg2k_reversible;                   /**< default 0 */
    int jpeg2k_code_block_width;             /**< default 64 */
    int jpeg2k_code_block_height;            /**< default 64 */
    int jpeg2k_num_resolutions;              /**< default 5 */
    pxc_jpeg2k_bitstream_type jpeg2k_bitstream_type; /**< default JP2 */
    pxc_jpeg2k_prog_order jpeg2k_prog_order; /**< default RPCL */
} pxc_encode_params;

PXC_API void pxc_encode_params_default(pxc_encode_params *params);

/**
 * @brief Canonical codec name for a codec name ("jpeg") or a file extension
 *        with its leading period (".jpg", ".PPM"). NULL when unknown.
 *        Static string.
 */
PXC_API const char *pxc_codec_lookup(const char *name_or_extension);

/**
 * @brief Codec for a file path from its extension; "jpeg" when the path has
 *        none; NULL when the extension is unknown. Static string.
 */
PXC_API const char *pxc_codec_for_path(const char *path);

/**
 * @brief Encodes one image.
 * @param codec a name or extension (see pxc_codec_lookup()).
 * @param params NULL for defaults.
 * @param[out] out_data encoded bytes, owned by the caller (pxc_free()); NULL on error.
 * @param[out] out_size their count.
 */
PXC_API pxc_status pxc_encode(pxc_encoder *enc, const pxc_image *image, const char *codec,
                              const pxc_encode_params *params, void **out_data, size_t *out_size);

/**
 * @brief Encodes a batch on the context's threads; per-sample outcome in @p statuses.
 * @param[out] out_data, out_sizes @p count entries each; failed samples get NULL / 0.
 * @return as pxc_decode_batch().
 */
PXC_API pxc_status pxc_encode_batch(pxc_encoder *enc, size_t count, const pxc_image *const *images,
                                    const char *codec, const pxc_encode_params *params,
                                    void **out_data, size_t *out_sizes, pxc_sample_status *statuses);

/**
 * @brief Encodes one image into a file, atomically: the bytes go to a
 *        temporary file in the same directory that is renamed over @p path
 *        only when complete; on any error no file is left behind.
 * @param codec NULL or "" = from the path's extension ("jpeg" when it has none).
 */
PXC_API pxc_status pxc_encode_to_file(pxc_encoder *enc, const pxc_image *image, const char *path,
                                      const char *codec, const pxc_encode_params *params);

/**
 * @brief Writes bytes to @p path atomically (temporary file, fsync-free rename).
 *        Detail text goes to @p detail (may be NULL) of @p detail_size bytes.
 */
PXC_API pxc_status pxc_write_file_atomic(const char *path, const void *data, size_t size,
                                         char *detail, size_t detail_size);

/** @brief Detail text of the encoder's last failed call; never NULL. */
PXC_API const char *pxc_encoder_last_error(const pxc_encoder *enc);

PXC_END_DECLS

#endif /* PIXCODEC_ENCODER_H */
