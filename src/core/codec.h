/*
 * The codec plug-in interface. A codec is one folder under src/codecs/ that
 * defines one pxc_codec_def (its parse.c) and one pxc_codec_impl per
 * implementation (turbo.c, spng.c, cuda.cu ...). Adding a codec means adding
 * its folder and one line in registry.c.
 *
 * Division of work between the core and an implementation:
 * - The core probes, parses (through the codec's parse), checks the limits,
 *   allocates the output and chooses the implementation.
 * - A decode implementation writes the image as stored (no orientation),
 *   interleaved (HWC), in exactly job->out_color / job->out_type, samples
 *   scaled to the full range of the output type, into job->out.
 * - The core then applies EXIF orientation and the CHW layout if asked.
 * - An encode implementation receives an interleaved (HWC) host image and
 *   appends the code stream to job->out.
 */
#ifndef PXC_CORE_CODEC_H
#define PXC_CORE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pixcodec/pixcodec.h"
#include "util.h"
#include "options.h"

/** Everything a decode implementation needs for one sample. */
typedef struct pxc_decode_job {
    pxc_context *ctx;
    const uint8_t *data;            /* the whole code stream */
    size_t size;
    const pxc_image_info *info;     /* parsed by the codec's parse() */
    const pxc_decode_params *params;
    const pxc_options *opts;        /* decoder options (validated) */
    /* what to write: info->width x info->height, HWC */
    pxc_color_spec out_color;       /* GRAY, GRAY_ALPHA, RGB, BGR, RGBA, BGRA, YCBCR or CMYK */
    uint32_t out_channels;          /* = pxc_color_spec_channels(out_color) */
    pxc_sample_type out_type;
    uint8_t *out;                   /* first row; device memory when out_on_device */
    size_t out_stride;              /* bytes between rows */
    bool out_on_device;             /* out is in device memory (given only to implementations with
                                     * device_output; the others write host memory the core uploads) */
    pxc_budget *budget;             /* for working memory */
    pxc_err *err;                   /* set on failure */
    int device_id;                  /* the decoder's GPU (-1: the calling thread's current one) */
} pxc_decode_job;

/** Everything an encode implementation needs for one image. */
typedef struct pxc_encode_job {
    pxc_context *ctx;
    const pxc_image_desc *desc;     /* resolved; layout always HWC, buffer_kind HOST, color_spec
                                     * never UNKNOWN (the core infers it from the channel count) */
    const uint8_t *pixels;          /* first row */
    const pxc_encode_params *params;
    const pxc_options *opts;        /* encoder options (validated) */
    pxc_outbuf *out;                /* append the code stream here */
    pxc_budget *budget;
    pxc_err *err;
    int device_id;                  /* the encoder's GPU (-1: the calling thread's current one) */
} pxc_encode_job;

typedef struct pxc_codec_impl {
    const char *name;          /* "<codec>.<impl>", e.g. "jpeg.turbo" */
    pxc_backend_kind kind;
    int priority;              /* lower first within the chain */
    /* NULL reason = available. May be NULL (always available). */
    const char *(*unavailable_reason)(void);
    /* Decoding: decode NULL = cannot decode. can_decode NULL = any parsed stream.
     * can_decode returns false with err set to say why it declines. */
    bool (*can_decode)(const pxc_decode_job *job, pxc_err *why);
    pxc_status (*decode)(pxc_decode_job *job);
    bool device_output;        /* decode can write job->out in device memory (out_on_device) */
    /* Encoding: same conventions. */
    bool (*can_encode)(const pxc_encode_job *job, pxc_err *why);
    pxc_status (*encode)(pxc_encode_job *job);
} pxc_codec_impl;

typedef struct pxc_codec_def {
    const char *name;                     /* "jpeg" */
    const char *const *extensions;        /* NULL-terminated, lower case with the dot; first = preferred */
    const char *const *aliases;           /* other module names accepted in options (NULL-terminated or NULL) */
    /* true when the first bytes look like this format (size may be small) */
    bool (*probe)(const uint8_t *data, size_t size);
    /* fills info from the headers without pixel work; errors say what is wrong */
    pxc_status (*parse)(const uint8_t *data, size_t size, pxc_image_info *info, pxc_err *err);
    const pxc_option_def *options;        /* terminated by an entry with key NULL; may be NULL */
    const pxc_codec_impl *const *impls;   /* in priority order */
    size_t num_impls;
    /* Optional, multi-image formats whose images differ (TIFF pages): the info of
     * image @p index (> 0), which then sizes a decode of that image. NULL = every
     * image is described by parse(). */
    pxc_status (*parse_image)(const uint8_t *data, size_t size, uint32_t index, pxc_image_info *info, pxc_err *err);
    /* Optional: the size a decode produces when the decoder's options change it
     * (e.g. JPEG 2000 resolution levels discarded); NULL = the stored size. The
     * implementation then sees this size in job->info. */
    void (*output_size)(const uint8_t *data, size_t size, const pxc_image_info *info, const pxc_options *opts,
                        uint32_t *width, uint32_t *height);
} pxc_codec_def;

/* registry.c */
size_t pxc_registry_count(void);
const pxc_codec_def *pxc_registry_get(size_t index);
/* by name, extension (".jpg") or alias; case-insensitive; NULL when unknown */
const pxc_codec_def *pxc_registry_find(const char *name_or_ext);
/* first codec whose probe accepts the data, NULL if none */
const pxc_codec_def *pxc_registry_probe(const uint8_t *data, size_t size);

/* Native colour of a parsed stream when colour conversion is off. */
pxc_color_spec pxc_native_color(const pxc_image_info *info);

#endif /* PXC_CORE_CODEC_H */
