/**
 * @file image.h
 * @brief Image description, image information and image buffers.
 *
 * An image is a block of samples in host (or, later, device) memory described
 * by a pxc_image_desc: size, channels, sample type, layout (interleaved HWC or
 * planar CHW), colour spec and strides. Images are either allocated by
 * pixcodec or wrap a caller-supplied buffer that pixcodec never frees.
 */
#ifndef PIXCODEC_IMAGE_H
#define PIXCODEC_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "export.h"
#include "status.h"
#include "context.h"

PXC_BEGIN_DECLS

/** Sample (element) type of an image. */
typedef enum pxc_sample_type {
    PXC_SAMPLE_U8 = 0,   /**< unsigned 8-bit */
    PXC_SAMPLE_U16 = 1   /**< unsigned 16-bit, host byte order */
} pxc_sample_type;

/** Memory layout of an image. */
typedef enum pxc_layout {
    PXC_LAYOUT_HWC = 0,  /**< interleaved: row after row, channels of a pixel side by side */
    PXC_LAYOUT_CHW = 1   /**< planar: one full plane per channel */
} pxc_layout;

/** What the channels of an image mean. */
typedef enum pxc_color_spec {
    PXC_COLOR_UNKNOWN = 0,
    PXC_COLOR_GRAY = 1,        /**< 1 channel */
    PXC_COLOR_GRAY_ALPHA = 2,  /**< 2 channels */
    PXC_COLOR_RGB = 3,         /**< 3 channels */
    PXC_COLOR_BGR = 4,         /**< 3 channels */
    PXC_COLOR_RGBA = 5,        /**< 4 channels */
    PXC_COLOR_BGRA = 6,        /**< 4 channels */
    PXC_COLOR_YCBCR = 7,       /**< 3 channels, full range (JFIF) */
    PXC_COLOR_CMYK = 8,        /**< 4 channels, as stored in the file (Adobe files store them inverted) */
    PXC_COLOR_YCCK = 9,        /**< 4 channels; reported by image info only */
    PXC_COLOR_PALETTE = 10     /**< indexed colour; reported by image info only */
} pxc_color_spec;

/** Chroma subsampling of a code stream (names as in the JPEG world: horizontal x vertical). */
typedef enum pxc_chroma_subsampling {
    PXC_CSS_444 = 0,
    PXC_CSS_422 = 1,
    PXC_CSS_420 = 2,
    PXC_CSS_440 = 3,
    PXC_CSS_411 = 4,
    PXC_CSS_410 = 5,
    PXC_CSS_GRAY = 6,
    PXC_CSS_410V = 7,
    PXC_CSS_UNKNOWN = 8   /**< any other sampling factors */
} pxc_chroma_subsampling;

/** Where an image's samples live. */
typedef enum pxc_buffer_kind {
    PXC_BUFFER_HOST = 0,
    PXC_BUFFER_DEVICE = 1
} pxc_buffer_kind;

/** Longest codec name, including the terminating NUL. */
#define PXC_CODEC_NAME_MAX 16

/**
 * @brief What a code stream holds, read from its headers without decoding pixels.
 */
typedef struct pxc_image_info {
    size_t struct_size;              /**< sizeof(pxc_image_info), set by the caller */
    char codec[PXC_CODEC_NAME_MAX];  /**< "jpeg", "png", "bmp", "pnm", ... */
    uint32_t width;                  /**< as stored, before EXIF orientation */
    uint32_t height;
    uint32_t num_channels;           /**< channels as stored (palette: 3, or 4 with transparency) */
    pxc_sample_type sample_type;     /**< smallest type that holds the samples */
    uint32_t precision;              /**< significant bits per sample (1..16) */
    pxc_chroma_subsampling chroma_subsampling;
    pxc_color_spec color_spec;       /**< colour model as stored */
    int orientation;                 /**< EXIF orientation 1..8 (1 = none or absent) */
    uint32_t num_images;             /**< images (pages, frames) in the stream; 1 for single images */
    int progressive;                 /**< 1 for progressive JPEG / interlaced PNG */
} pxc_image_info;

/**
 * @brief Describes an image buffer.
 *
 * HWC: sample (y, x, c) is at data + y*row_stride + (x*num_channels + c)*sample_size.
 * CHW: sample (c, y, x) is at data + c*plane_stride + y*row_stride + x*sample_size.
 * Strides are in bytes; 0 means tightly packed.
 */
typedef struct pxc_image_desc {
    size_t struct_size;          /**< sizeof(pxc_image_desc), set by pxc_image_desc_init() */
    uint32_t width;
    uint32_t height;
    uint32_t num_channels;       /**< 1..4 */
    pxc_sample_type sample_type;
    pxc_layout layout;
    pxc_color_spec color_spec;   /**< must agree with num_channels where it implies a count */
    size_t row_stride;           /**< bytes between rows (0: packed) */
    size_t plane_stride;         /**< CHW only: bytes between planes (0: height*row_stride) */
    pxc_buffer_kind buffer_kind;
    int device_id;               /**< device buffers only */
    /** Significant bits (0: all bits of the sample type). Samples always span the
        whole range of the sample type: a p-bit value v is held as
        round(v * (2^bits - 1) / (2^p - 1)), which is how decoders return such
        samples and what encoders expect (they keep the top p bits). */
    uint32_t precision;
} pxc_image_desc;

/** @brief Fills @p desc with zeros, the struct size, HWC layout and host memory. */
PXC_API void pxc_image_desc_init(pxc_image_desc *desc);

/** @brief Size of one sample of @p type in bytes (1 or 2; 0 for an invalid type). */
PXC_API size_t pxc_sample_size(pxc_sample_type type);

/**
 * @brief Checks a description and resolves its zero strides.
 * @param[in,out] desc on success row_stride and plane_stride hold real values.
 * @param[out] total_bytes optional: bytes the buffer must span.
 * @return PXC_OK or PXC_ERROR_INVALID_ARGUMENT (zero size, bad channel count,
 *         strides too small, sizes that overflow).
 */
PXC_API pxc_status pxc_image_desc_resolve(pxc_image_desc *desc, size_t *total_bytes);

typedef struct pxc_image pxc_image;

/**
 * @brief Creates an image.
 * @param ctx context (limits apply to allocated images).
 * @param desc description; zero strides are resolved.
 * @param data NULL: pixcodec allocates (and later frees) a zeroed buffer.
 *             Non-NULL: the image wraps the caller's buffer, which must span
 *             the bytes pxc_image_desc_resolve() reports and outlive the image;
 *             pixcodec never frees it.
 * @param[out] out new image, owned by the caller (pxc_image_destroy()).
 */
PXC_API pxc_status pxc_image_create(pxc_context *ctx, const pxc_image_desc *desc, void *data,
                                    pxc_image **out);

/** @brief Destroys an image (and its buffer if pixcodec allocated it). Accepts NULL. */
PXC_API void pxc_image_destroy(pxc_image *image);

/**
 * @brief A new image with the same samples in host or device memory.
 *
 * Device images (desc.buffer_kind PXC_BUFFER_DEVICE) are allocated by pxc_image_create on
 * desc.device_id (-1: the calling thread's current device) and need a CUDA device; without
 * one it fails with PXC_ERROR_BACKEND_UNAVAILABLE and the reason.
 * @param kind where the copy lives; @p device_id the device for PXC_BUFFER_DEVICE (-1: the
 *        source's device for a device source, else the current device).
 * @param cuda_stream a cudaStream_t (NULL: the default stream) the copy is ordered on; the
 *        call returns once a copy to the host is complete, and once a copy to the device is
 *        queued (work queued on the stream afterwards sees the samples).
 */
PXC_API pxc_status pxc_image_copy(pxc_context *ctx, const pxc_image *src, pxc_buffer_kind kind, int device_id,
                                  void *cuda_stream, pxc_image **out);

/** @brief The image's resolved description. */
PXC_API const pxc_image_desc *pxc_image_get_desc(const pxc_image *image);

/** @brief Pointer to the first sample. Owned by the image (or by the caller for wrapped buffers). */
PXC_API void *pxc_image_data(const pxc_image *image);

/** @brief Bytes the image's buffer spans. */
PXC_API size_t pxc_image_size_bytes(const pxc_image *image);

/** @brief Short name of a colour spec ("rgb", "gray", ...). Static string. */
PXC_API const char *pxc_color_spec_name(pxc_color_spec spec);

/** @brief Short name of a subsampling ("444", "420", "gray", ...). Static string. */
PXC_API const char *pxc_chroma_subsampling_name(pxc_chroma_subsampling css);

/** @brief Channels a colour spec implies (0 for UNKNOWN). */
PXC_API uint32_t pxc_color_spec_channels(pxc_color_spec spec);

PXC_END_DECLS

#endif /* PIXCODEC_IMAGE_H */
