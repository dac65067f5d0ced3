/*
 * webp.libwebp: WebP decoding and encoding with libwebp (CPU).
 *
 * Still images are decoded with WebPDecode() and libwebp's defaults, which
 * are dwebp's (fancy upsampling of the 4:2:0 chroma, no dithering), so the
 * pixels equal dwebp's output. RGB, BGR, RGBA and BGRA 8-bit output is
 * written by libwebp straight into the output buffer; gray, gray+alpha and
 * 16-bit output go through a scratch image and pxc_convert_image().
 *
 * Animations are decoded with WebPAnimDecoder (libwebpdemux), which
 * composites each frame on the canvas (blending, disposal) as a player shows
 * it; frame N is the result of N + 1 steps. The composited canvas is RGBA.
 *
 * libwebp allocates on its own; an estimate of its working memory (the
 * decoded planes and canvases) is charged to the image budget up front, so
 * the per-image byte limit refuses large images before libwebp starts.
 *
 * Encoding: lossy VP8 at pxc_encode_params.quality (0..100), or lossless
 * VP8L with the option webp:lossless=1 (quality then sets the effort of the
 * lossless search and the pixels are kept exactly, including the colour of
 * fully transparent pixels). 16-bit input keeps its high byte; gray input is
 * stored as RGB (WebP has no gray mode).
 */
#include <stdio.h>
#include <string.h>

#include <webp/decode.h>
#include <webp/demux.h>
#include <webp/encode.h>

#include "webp.h"
#include "core/convert.h"

/* ---- errors ------------------------------------------------------------- */

static pxc_status webp_vp8_fail(pxc_err *err, VP8StatusCode vs, const char *where)
{
    switch (vs) {
    case VP8_STATUS_OK: return PXC_OK;
    case VP8_STATUS_NOT_ENOUGH_DATA:
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "WebP: data ends before the image is complete (%s)", where);
    case VP8_STATUS_BITSTREAM_ERROR:
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "WebP: damaged bitstream (%s)", where);
    case VP8_STATUS_UNSUPPORTED_FEATURE:
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "WebP: the stream uses a feature libwebp does not support (%s)", where);
    case VP8_STATUS_OUT_OF_MEMORY:
        return pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "WebP: libwebp ran out of memory (%s)",
                           where);
    case VP8_STATUS_INVALID_PARAM:
        return pxc_err_set(err, PXC_ERROR_INTERNAL, "WebP: libwebp refused a parameter (%s)",
                           where);
    case VP8_STATUS_USER_ABORT:
        /* pixcodec never aborts a decode; libwebp reports a failed allocation in its
         * output set-up this way */
        return pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "WebP: libwebp could not set up its output (%s)",
                           where);
    default:
        return pxc_err_set(err, PXC_ERROR_INTERNAL, "WebP: libwebp status %d (%s)", (int)vs,
                           where);
    }
}

/* ---- decoding ----------------------------------------------------------- */

/* libwebp's output mode for 8-bit output written in place, or MODE_LAST. */
static WEBP_CSP_MODE direct_mode(pxc_color_spec c)
{
    switch (c) {
    case PXC_COLOR_RGB: return MODE_RGB;
    case PXC_COLOR_BGR: return MODE_BGR;
    case PXC_COLOR_RGBA: return MODE_RGBA;
    case PXC_COLOR_BGRA: return MODE_BGRA;
    default: return MODE_LAST;
    }
}

/* Estimated libwebp working memory for one still image or one animation. */
static size_t webp_work_estimate(const pxc_image_info *info, bool animated)
{
    const size_t px = (size_t)info->width * info->height; /* < 2^32 (parse) */
    size_t n;
    if (animated) {
        n = px * 4 * 2 + px * 4; /* two canvases plus one frame */
    } else if (info->chroma_subsampling == PXC_CSS_444) {
        n = px * 4; /* VP8L keeps the ARGB image */
    } else {
        n = (size_t)info->width * 64 + (info->num_channels == 4 ? px : 0); /* rows, alpha plane */
    }
    return n;
}

static pxc_status webp_decode_still(pxc_decode_job *job, uint8_t *scratch, size_t scratch_stride,
                                    pxc_color_spec scratch_color)
{
    pxc_err *err = job->err;
    const pxc_image_info *info = job->info;
    WebPDecoderConfig config;
    if (!WebPInitDecoderConfig(&config))
        return pxc_err_set(err, PXC_ERROR_INTERNAL, "WebP: libwebp version mismatch");
    VP8StatusCode vs = WebPGetFeatures(job->data, job->size, &config.input);
    if (vs != VP8_STATUS_OK) return webp_vp8_fail(err, vs, "reading the headers");
    if ((uint32_t)config.input.width != info->width ||
        (uint32_t)config.input.height != info->height)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "WebP: image size changed after parsing");

    /* dwebp's defaults: fancy upsampling on, no dithering, no threads. */
    config.options.no_fancy_upsampling = 0;
    config.options.dithering_strength = 0;
    config.options.alpha_dithering_strength = 0;
    config.options.use_threads = 0;

    uint8_t *dst = scratch ? scratch : job->out;
    const size_t stride = scratch ? scratch_stride : job->out_stride;
    const pxc_color_spec color = scratch ? scratch_color : job->out_color;
    const size_t bpp = pxc_color_spec_channels(color);
    config.output.colorspace = direct_mode(color);
    config.output.is_external_memory = 1;
    config.output.width = (int)info->width;
    config.output.height = (int)info->height;
    config.output.u.RGBA.rgba = dst;
    config.output.u.RGBA.stride = (int)stride;
    config.output.u.RGBA.size = stride * (info->height - 1) + (size_t)info->width * bpp;

    vs = WebPDecode(job->data, job->size, &config);
    WebPFreeDecBuffer(&config.output);
    if (vs != VP8_STATUS_OK) return webp_vp8_fail(err, vs, "decoding the image");
    return PXC_OK;
}

/* Frames composited x canvas pixels allowed for one animation frame, in units of max_pixels. */
#define PXC_WEBP_ANIM_WORK 8

/* Composites frames 0..image_index and copies the canvas (RGBA) to @p dst. */
static pxc_status webp_decode_anim(pxc_decode_job *job, uint8_t *dst, size_t dst_stride,
                                   pxc_color_spec dst_color)
{
    pxc_err *err = job->err;
    const uint32_t index = job->params ? job->params->image_index : 0;
    WebPAnimDecoderOptions o;
    if (!WebPAnimDecoderOptionsInit(&o))
        return pxc_err_set(err, PXC_ERROR_INTERNAL, "WebP: libwebpdemux version mismatch");
    o.color_mode = dst_color == PXC_COLOR_BGRA ? MODE_BGRA : MODE_RGBA;
    o.use_threads = 0;
    WebPData wd = {job->data, job->size};
    WebPAnimDecoder *ad = WebPAnimDecoderNew(&wd, &o);
    if (!ad)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "WebP: libwebpdemux cannot read the animation's chunks");
    pxc_status st = PXC_OK;
    WebPAnimInfo ai;
    if (!WebPAnimDecoderGetInfo(ad, &ai) || ai.canvas_width != job->info->width ||
        ai.canvas_height != job->info->height) {
        st = pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                         "WebP: libwebpdemux reads a different canvas than the headers");
        goto done;
    }
    if (index >= ai.frame_count) {
        st = pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT,
                         "WebP: frame %u asked for; the animation has %u frames", index,
                         ai.frame_count);
        goto done;
    }
    /* libwebpdemux redraws the whole canvas for every frame, so frame k costs
       (k + 1) x the canvas however small the frames are: bound that work, so
       that a small file of many tiny frames on a large canvas cannot make a
       decode run for minutes. */
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    pxc_context_get_settings(job->ctx, &cs);
    const uint64_t work = (uint64_t)ai.canvas_width * ai.canvas_height * ((uint64_t)index + 1);
    if (cs.max_pixels && work / PXC_WEBP_ANIM_WORK > cs.max_pixels) {
        st = pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED,
                         "WebP: frame %u of an animation on a %u x %u canvas composites %llu pixels, more than "
                         "%d x the limit of %llu pixels (raise pxc_context_settings.max_pixels)",
                         index, ai.canvas_width, ai.canvas_height, (unsigned long long)work, PXC_WEBP_ANIM_WORK,
                         (unsigned long long)cs.max_pixels);
        goto done;
    }
    uint8_t *canvas = NULL;
    int timestamp = 0;
    for (uint32_t i = 0; i <= index; i++) {
        if (!WebPAnimDecoderGetNext(ad, &canvas, &timestamp)) {
            st = pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                             "WebP: frame %u of %u of the animation cannot be decoded", i + 1,
                             ai.frame_count);
            goto done;
        }
    }
    const size_t w = job->info->width, h = job->info->height;
    const pxc_color_spec src_color = o.color_mode == MODE_BGRA ? PXC_COLOR_BGRA : PXC_COLOR_RGBA;
    pxc_convert_image(canvas, w * 4, src_color, PXC_SAMPLE_U8, dst, dst_stride, dst_color,
                      job->out_type, w, h);
done:
    WebPAnimDecoderDelete(ad);
    return st;
}

static pxc_status webp_libwebp_decode(pxc_decode_job *job)
{
    pxc_err *err = job->err;
    const pxc_image_info *info = job->info;
    const bool animated = info->num_images > 1 ||
                          (job->size >= 21 && memcmp(job->data + 12, "VP8X", 4) == 0 &&
                           (job->data[20] & PXC_WEBP_FLAG_ANIMATION));
    if (job->out_type != PXC_SAMPLE_U8 && job->out_type != PXC_SAMPLE_U16)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "WebP: unknown output sample type %d",
                           (int)job->out_type);
    if (!pxc_can_convert(PXC_COLOR_RGBA, job->out_color))
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "WebP: cannot produce %s output (RGB, BGR, RGBA, BGRA, gray or "
                           "gray+alpha only)",
                           pxc_color_spec_name(job->out_color));

    const size_t work = webp_work_estimate(info, animated);
    pxc_status st = pxc_budget_take(job->budget, work, err);
    if (st != PXC_OK) {
        pxc_err_prefix(err, "WebP: libwebp working memory (%zu bytes)", work);
        return st;
    }

    if (animated) {
        st = webp_decode_anim(job, job->out, job->out_stride, job->out_color);
        pxc_budget_give(job->budget, work);
        return st;
    }

    uint8_t *scratch = NULL;
    size_t scratch_size = 0, scratch_stride = 0;
    pxc_color_spec scratch_color = PXC_COLOR_UNKNOWN;
    if (job->out_type != PXC_SAMPLE_U8 || direct_mode(job->out_color) == MODE_LAST) {
        /* Decode to the nearest 8-bit form libwebp writes, then convert. */
        switch (job->out_color) {
        case PXC_COLOR_BGR: scratch_color = PXC_COLOR_BGR; break;
        case PXC_COLOR_BGRA: scratch_color = PXC_COLOR_BGRA; break;
        case PXC_COLOR_RGBA:
        case PXC_COLOR_GRAY_ALPHA: scratch_color = PXC_COLOR_RGBA; break;
        default: scratch_color = PXC_COLOR_RGB; break;
        }
        const size_t ch = pxc_color_spec_channels(scratch_color);
        if (!pxc_mul_size(info->width, ch, &scratch_stride) ||
            !pxc_mul_size(scratch_stride, info->height, &scratch_size)) {
            st = pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "WebP: %u x %u image is too large",
                             info->width, info->height);
            goto done;
        }
        scratch = pxc_budget_malloc(job->budget, scratch_size, err);
        if (!scratch) {
            st = err->status != PXC_OK ? err->status : PXC_ERROR_OUT_OF_MEMORY;
            pxc_err_prefix(err, "WebP: scratch image of %zu bytes", scratch_size);
            goto done;
        }
    }
    st = webp_decode_still(job, scratch, scratch_stride, scratch_color);
    if (st == PXC_OK && scratch)
        pxc_convert_image(scratch, scratch_stride, scratch_color, PXC_SAMPLE_U8, job->out,
                          job->out_stride, job->out_color, job->out_type, info->width,
                          info->height);
done:
    if (scratch) pxc_budget_free(job->budget, scratch, scratch_size);
    pxc_budget_give(job->budget, work);
    return st;
}

/* ---- encoding ----------------------------------------------------------- */

static bool webp_libwebp_can_encode(const pxc_encode_job *job, pxc_err *why)
{
    const pxc_image_desc *d = job->desc;
    if (!pxc_color_is_plain(d->color_spec)) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE,
                    "WebP: cannot store %s images (gray, gray+alpha, RGB, BGR, RGBA or BGRA only)",
                    pxc_color_spec_name(d->color_spec));
        return false;
    }
    if (d->sample_type != PXC_SAMPLE_U8 && d->sample_type != PXC_SAMPLE_U16) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "WebP: unknown sample type %d",
                    (int)d->sample_type);
        return false;
    }
    if (d->width > PXC_WEBP_MAX_DIM || d->height > PXC_WEBP_MAX_DIM) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE,
                    "WebP: %u x %u is too large; width and height must be at most %u", d->width,
                    d->height, PXC_WEBP_MAX_DIM);
        return false;
    }
    return true;
}

static int webp_write_out(const uint8_t *data, size_t size, const WebPPicture *pic)
{
    pxc_encode_job *job = pic->custom_ptr;
    return pxc_outbuf_append(job->out, data, size, job->err) == PXC_OK;
}

static const char *webp_enc_error(WebPEncodingError e)
{
    switch (e) {
    case VP8_ENC_ERROR_OUT_OF_MEMORY: return "out of memory";
    case VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY: return "out of memory for the bitstream";
    case VP8_ENC_ERROR_NULL_PARAMETER: return "missing parameter";
    case VP8_ENC_ERROR_INVALID_CONFIGURATION: return "invalid configuration";
    case VP8_ENC_ERROR_BAD_DIMENSION: return "bad picture dimensions";
    case VP8_ENC_ERROR_PARTITION0_OVERFLOW: return "partition 0 is larger than 512 KiB";
    case VP8_ENC_ERROR_PARTITION_OVERFLOW: return "a partition is larger than 16 MiB";
    case VP8_ENC_ERROR_BAD_WRITE: return "writing the output failed";
    case VP8_ENC_ERROR_FILE_TOO_BIG: return "the file would exceed 4 GiB";
    case VP8_ENC_ERROR_USER_ABORT: return "aborted";
    default: return "unknown error";
    }
}

static pxc_status webp_libwebp_encode(pxc_encode_job *job)
{
    const pxc_image_desc *d = job->desc;
    pxc_err *err = job->err;
    if (!webp_libwebp_can_encode(job, err)) return err->status;

    const int lossless =
        job->opts ? pxc_options_get_int(job->opts, "webp", "webp.libwebp", "lossless") : 0;
    int method = job->opts ? pxc_options_get_int(job->opts, "webp", "webp.libwebp", "method") : 4;
    float quality = job->params ? job->params->quality : 95.0f;
    if (!(quality >= 0.0f)) quality = 0.0f;
    if (quality > 100.0f) quality = 100.0f;
    if (method < 0) method = 0;
    if (method > 6) method = 6;

    WebPConfig config;
    if (!WebPConfigInit(&config))
        return pxc_err_set(err, PXC_ERROR_INTERNAL, "WebP: libwebp version mismatch");
    config.quality = quality;
    config.method = method;
    config.lossless = lossless ? 1 : 0;
    config.exact = lossless ? 1 : 0;
    if (!WebPValidateConfig(&config))
        return pxc_err_set(err, PXC_ERROR_INTERNAL, "WebP: libwebp refuses the encoder settings");

    /* The form handed to libwebp: 8-bit RGB, BGR, RGBA or BGRA. */
    pxc_color_spec src_color = d->color_spec;
    if (src_color == PXC_COLOR_GRAY) src_color = PXC_COLOR_RGB;
    if (src_color == PXC_COLOR_GRAY_ALPHA) src_color = PXC_COLOR_RGBA;
    const size_t ch = pxc_color_spec_channels(src_color);
    const uint8_t *pixels = job->pixels;
    size_t stride = d->row_stride;
    uint8_t *scratch = NULL;
    size_t scratch_size = 0;
    pxc_status st = PXC_OK;

    /* libwebp's own copy of the picture (ARGB or YUV planes), charged as an estimate. */
    const size_t work = (size_t)d->width * d->height * 4 + (size_t)d->width * 64;
    st = pxc_budget_take(job->budget, work, err);
    if (st != PXC_OK) {
        pxc_err_prefix(err, "WebP: libwebp working memory (%zu bytes)", work);
        return st;
    }

    if (src_color != d->color_spec || d->sample_type != PXC_SAMPLE_U8) {
        const size_t row = (size_t)d->width * ch;
        if (!pxc_mul_size(row, d->height, &scratch_size)) {
            st = pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "WebP: %u x %u image is too large",
                             d->width, d->height);
            goto done;
        }
        scratch = pxc_budget_malloc(job->budget, scratch_size, err);
        if (!scratch) {
            st = err->status != PXC_OK ? err->status : PXC_ERROR_OUT_OF_MEMORY;
            pxc_err_prefix(err, "WebP: 8-bit copy of %zu bytes", scratch_size);
            goto done;
        }
        pxc_convert_image(job->pixels, d->row_stride, d->color_spec, d->sample_type, scratch, row,
                          src_color, PXC_SAMPLE_U8, d->width, d->height);
        pixels = scratch;
        stride = row;
    }

    WebPPicture pic;
    if (!WebPPictureInit(&pic)) {
        st = pxc_err_set(err, PXC_ERROR_INTERNAL, "WebP: libwebp version mismatch");
        goto done;
    }
    pic.use_argb = lossless ? 1 : 0;
    pic.width = (int)d->width;
    pic.height = (int)d->height;
    pic.writer = webp_write_out;
    pic.custom_ptr = job;
    int ok;
    switch (src_color) {
    case PXC_COLOR_RGB: ok = WebPPictureImportRGB(&pic, pixels, (int)stride); break;
    case PXC_COLOR_BGR: ok = WebPPictureImportBGR(&pic, pixels, (int)stride); break;
    case PXC_COLOR_RGBA: ok = WebPPictureImportRGBA(&pic, pixels, (int)stride); break;
    default: ok = WebPPictureImportBGRA(&pic, pixels, (int)stride); break;
    }
    if (!ok) {
        st = pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY,
                         "WebP: libwebp could not take the %u x %u picture (%s)", d->width,
                         d->height, webp_enc_error(pic.error_code));
    } else if (!WebPEncode(&config, &pic)) {
        if (err->status != PXC_OK) {
            st = err->status;
            pxc_err_prefix(err, "WebP: writing the stream");
        } else {
            const WebPEncodingError e = pic.error_code;
            if (e == VP8_ENC_OK)
                /* the configuration was validated above and the output writer did not
                   fail: libwebp (1.2) fails without a code when an allocation of its
                   alpha or lossless encoder fails */
                st = pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY,
                                 "WebP: libwebp encoding failed without an error code (out of memory in "
                                 "its alpha or lossless encoder)");
            else
                st = pxc_err_set(err,
                                 e == VP8_ENC_ERROR_OUT_OF_MEMORY || e == VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY
                                     ? PXC_ERROR_OUT_OF_MEMORY
                                     : PXC_ERROR_INTERNAL,
                                 "WebP: libwebp encoding failed: %s", webp_enc_error(e));
        }
    }
    WebPPictureFree(&pic);
done:
    if (scratch) pxc_budget_free(job->budget, scratch, scratch_size);
    pxc_budget_give(job->budget, work);
    return st;
}

const pxc_codec_impl pxc_webp_libwebp = {
    .name = "webp.libwebp",
    .kind = PXC_BACKEND_CPU_ONLY,
    .priority = 0,
    .unavailable_reason = NULL,
    .can_decode = NULL,
    .decode = webp_libwebp_decode,
    .can_encode = webp_libwebp_can_encode,
    .encode = webp_libwebp_encode,
};
