/*
 * JPEG on the CPU with libjpeg-turbo (libjpeg API): decode baseline,
 * extended and progressive 8-bit JPEG in every subsampling, gray, RGB,
 * CMYK and YCCK; encode from gray, RGB, BGR, RGBA, BGRA.
 */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "core/convert.h"
#include "jpeg.h"

/* ---- error handling: libjpeg errors and chosen warnings end in longjmp ---- */

typedef struct turbo_err {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    pxc_status status;
    bool strict;
    int max_scans;
    pxc_context *ctx;
    char msg[JMSG_LENGTH_MAX];
} turbo_err;

/* jpeg.h; also used by the GPU decoders' coefficient reader (gpu/decode_ref.c) */
pxc_status pxc_jpeg_status_of(int code)
{
    switch (code) {
    case JERR_OUT_OF_MEMORY: return PXC_ERROR_OUT_OF_MEMORY;
    case JERR_NO_BACKING_STORE:
    case JERR_IMAGE_TOO_BIG: return PXC_ERROR_LIMIT_EXCEEDED;
    case JERR_BAD_PRECISION:
    case JERR_SOF_UNSUPPORTED:
    case JERR_NOT_COMPILED:
    case JERR_NOTIMPL:
    case JERR_ARITH_NOTIMPL:
    case JERR_CONVERSION_NOTIMPL:
    case JERR_FRACT_SAMPLE_NOTIMPL: return PXC_ERROR_UNSUPPORTED_FEATURE;
    case JERR_INPUT_EMPTY:
    case JERR_INPUT_EOF:
    case JWRN_JPEG_EOF: return PXC_ERROR_TRUNCATED_DATA;
    default: return PXC_ERROR_CORRUPT_DATA;
    }
}

static void on_error_exit(j_common_ptr c)
{
    turbo_err *e = (turbo_err *)c->err;
    c->err->format_message(c, e->msg);
    e->status = pxc_jpeg_status_of(c->err->msg_code);
    if (c->err->msg_code == JERR_NO_BACKING_STORE)
        snprintf(e->msg, sizeof(e->msg), "decoding needs more working memory than the per-image limit allows "
                                         "(raise pxc_context_settings.max_bytes_per_image)");
    longjmp(e->jump, 1);
}

bool pxc_jpeg_corrupting_warning(int code)
{
    switch (code) {
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_HIT_MARKER:
    case JWRN_NOT_SEQUENTIAL:
    case JWRN_BOGUS_PROGRESSION:
        return true;
    default:
        return false;
    }
}

static void on_message(j_common_ptr c, int level)
{
    if (level >= 0) return; /* trace messages */
    turbo_err *e = (turbo_err *)c->err;
    int code = c->err->msg_code;
    c->err->num_warnings++;
    if (code == JWRN_JPEG_EOF || (e->strict && pxc_jpeg_corrupting_warning(code))) {
        c->err->format_message(c, e->msg);
        e->status = pxc_jpeg_status_of(code);
        if (code == JWRN_JPEG_EOF) snprintf(e->msg, sizeof(e->msg), "the data ends before the image does");
        longjmp(e->jump, 1);
    }
    char text[JMSG_LENGTH_MAX];
    c->err->format_message(c, text);
    pxc_log(e->ctx, PXC_LOG_WARNING, "jpeg: %s", text);
}

static void init_err(turbo_err *e, pxc_context *ctx)
{
    memset(e, 0, sizeof(*e));
    jpeg_std_error(&e->pub);
    e->pub.error_exit = on_error_exit;
    e->pub.emit_message = on_message;
    e->ctx = ctx;
    e->strict = true;
    e->max_scans = PXC_JPEG_DEFAULT_MAX_SCANS;
}

/* Progress monitor: refuses progressive files with absurd scan counts. */
typedef struct turbo_progress {
    struct jpeg_progress_mgr pub;
    turbo_err *err;
} turbo_progress;

static void on_progress(j_common_ptr c)
{
    turbo_progress *p = (turbo_progress *)c->progress;
    if (!c->is_decompressor) return;
    j_decompress_ptr d = (j_decompress_ptr)c;
    if (d->input_scan_number > p->err->max_scans) {
        p->err->status = PXC_ERROR_LIMIT_EXCEEDED;
        snprintf(p->err->msg, sizeof(p->err->msg),
                 "progressive JPEG has more than %d scans (raise the decoder option jpeg:max_scans)",
                 p->err->max_scans);
        longjmp(p->err->jump, 1);
    }
}

/* ---- decode ---- */

typedef struct decode_state {
    struct jpeg_decompress_struct cinfo;
    turbo_err err;
    turbo_progress progress;
    JSAMPROW *rows;
    size_t rows_size;
    uint8_t *scratch;
    size_t scratch_size;
    pxc_budget *budget;
} decode_state;

static J_COLOR_SPACE direct_space(pxc_color_spec c)
{
    switch (c) {
    case PXC_COLOR_GRAY: return JCS_GRAYSCALE;
    case PXC_COLOR_RGB: return JCS_EXT_RGB;
    case PXC_COLOR_BGR: return JCS_EXT_BGR;
    case PXC_COLOR_RGBA: return JCS_EXT_RGBA;
    case PXC_COLOR_BGRA: return JCS_EXT_BGRA;
    case PXC_COLOR_YCBCR: return JCS_YCbCr;
    case PXC_COLOR_CMYK: return JCS_CMYK;
    default: return JCS_UNKNOWN;
    }
}

/* Runs after setjmp; any libjpeg error longjmps back to turbo_decode. */
static pxc_status decode_body(decode_state *s, pxc_decode_job *job)
{
    j_decompress_ptr ci = &s->cinfo;
    jpeg_create_decompress(ci);
    ci->progress = &s->progress.pub;
    /* working memory above this makes libjpeg ask for a backing store, which is refused */
    if (job->budget->max) {
        uint64_t left = job->budget->max - job->budget->used;
        ci->mem->max_memory_to_use = (long)(left > (uint64_t)0x7fffffff ? 0x7fffffff : left);
    }
    jpeg_mem_src(ci, job->data, (unsigned long)job->size);
    jpeg_read_header(ci, TRUE);

    bool cmyk_src = ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK;
    pxc_color_spec produce; /* what libjpeg writes */
    if (cmyk_src)
        produce = PXC_COLOR_CMYK;
    else if (job->out_color == PXC_COLOR_GRAY_ALPHA)
        produce = PXC_COLOR_GRAY;
    else if (job->out_color == PXC_COLOR_CMYK)
        return pxc_err_set(job->err, PXC_ERROR_UNSUPPORTED_FEATURE, "cannot produce CMYK from a %s JPEG",
                           ci->jpeg_color_space == JCS_GRAYSCALE ? "gray" : "three-component");
    else
        produce = job->out_color;
    if (produce == PXC_COLOR_YCBCR && ci->jpeg_color_space != JCS_YCbCr) produce = PXC_COLOR_RGB;
    ci->out_color_space = direct_space(produce);
    ci->do_fancy_upsampling = pxc_options_get_int(job->opts, "jpeg", "jpeg.turbo", "fancy_upsampling") ? TRUE : FALSE;
    ci->dct_method = JDCT_ISLOW;
    jpeg_start_decompress(ci);

    if (ci->output_width != job->info->width || ci->output_height != job->info->height)
        return pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA, "frame is %ux%u but the headers said %ux%u",
                           ci->output_width, ci->output_height, job->info->width, job->info->height);

    const uint32_t w = ci->output_width, h = ci->output_height;
    const bool direct = produce == job->out_color && job->out_type == PXC_SAMPLE_U8;
    if (direct) {
        if (!pxc_mul_size(h, sizeof(JSAMPROW), &s->rows_size) ||
            !(s->rows = pxc_budget_malloc(job->budget, s->rows_size, job->err)))
            return job->err->status;
        for (uint32_t y = 0; y < h; y++) s->rows[y] = job->out + (size_t)y * job->out_stride;
        while (ci->output_scanline < h)
            jpeg_read_scanlines(ci, s->rows + ci->output_scanline, h - ci->output_scanline);
    } else {
        /* decode a few rows at a time into scratch and convert them */
        const uint32_t batch = ci->rec_outbuf_height > 0 ? (uint32_t)ci->rec_outbuf_height : 1;
        size_t row_bytes;
        if (!pxc_mul_size(w, (size_t)ci->output_components, &row_bytes) ||
            !pxc_mul_size(row_bytes, batch, &s->scratch_size) ||
            !(s->scratch = pxc_budget_malloc(job->budget, s->scratch_size, job->err)))
            return job->err->status ? job->err->status : pxc_err_set(job->err, PXC_ERROR_LIMIT_EXCEEDED, "row too large");
        s->rows_size = batch * sizeof(JSAMPROW);
        if (!(s->rows = pxc_budget_malloc(job->budget, s->rows_size, job->err))) return job->err->status;
        for (uint32_t i = 0; i < batch; i++) s->rows[i] = s->scratch + i * row_bytes;
        /* libjpeg hands CMYK over as stored; Adobe files store it inverted, which the
         * conversion assumes, so other files are inverted here first */
        const bool invert = cmyk_src && !ci->saw_Adobe_marker && job->out_color != PXC_COLOR_CMYK;
        while (ci->output_scanline < h) {
            uint32_t y0 = ci->output_scanline;
            uint32_t got = jpeg_read_scanlines(ci, s->rows, batch);
            for (uint32_t i = 0; i < got; i++) {
                if (invert)
                    for (size_t k = 0; k < row_bytes; k++) s->rows[i][k] = (JSAMPLE)(255 - s->rows[i][k]);
                pxc_convert_row(s->rows[i], produce, PXC_SAMPLE_U8, job->out + (size_t)(y0 + i) * job->out_stride,
                                job->out_color, job->out_type, w);
            }
        }
    }
    jpeg_finish_decompress(ci);
    return PXC_OK;
}

static pxc_status turbo_decode(pxc_decode_job *job)
{
    decode_state s;
    memset(&s, 0, sizeof(s));
    init_err(&s.err, job->ctx);
    s.err.strict = pxc_options_get_int(job->opts, "jpeg", "jpeg.turbo", "strict") != 0;
    s.err.max_scans = pxc_options_get_int(job->opts, "jpeg", "jpeg.turbo", "max_scans");
    s.progress.pub.progress_monitor = on_progress;
    s.progress.err = &s.err;
    s.budget = job->budget;
    s.cinfo.err = &s.err.pub;
    pxc_status st;
    if (setjmp(s.err.jump) == 0) {
        st = decode_body(&s, job);
    } else {
        st = pxc_err_set(job->err, s.err.status, "%s", s.err.msg);
    }
    jpeg_destroy_decompress(&s.cinfo);
    pxc_budget_free(job->budget, s.rows, s.rows_size);
    pxc_budget_free(job->budget, s.scratch, s.scratch_size);
    return st;
}

static bool turbo_can_decode(const pxc_decode_job *job, pxc_err *why)
{
    const pxc_image_info *info = job->info;
    if (info->precision != 8) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "%u-bit JPEG is not supported (8-bit only)", info->precision);
        return false;
    }
    if (info->num_channels == 2) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "two-component JPEG has no defined colour model");
        return false;
    }
    return true;
}

/* ---- encode ---- */

typedef struct turbo_dest {
    struct jpeg_destination_mgr pub;
    pxc_outbuf *out;
    turbo_err *err;
    pxc_err *job_err;
} turbo_dest;

#define DEST_CHUNK 65536

static void dest_fail(j_compress_ptr c, turbo_dest *d)
{
    d->err->status = d->job_err->status ? d->job_err->status : PXC_ERROR_OUT_OF_MEMORY;
    pxc_strlcpy(d->err->msg, d->job_err->msg[0] ? d->job_err->msg : "output buffer", sizeof(d->err->msg));
    longjmp(d->err->jump, 1);
    (void)c;
}

static void dest_init(j_compress_ptr c)
{
    turbo_dest *d = (turbo_dest *)c->dest;
    uint8_t *p = pxc_outbuf_reserve(d->out, DEST_CHUNK, d->job_err);
    if (!p) dest_fail(c, d);
    d->pub.next_output_byte = p;
    d->pub.free_in_buffer = d->out->capacity - d->out->size;
}

static boolean dest_empty(j_compress_ptr c)
{
    turbo_dest *d = (turbo_dest *)c->dest;
    d->out->size = d->out->capacity; /* the whole reserved area was filled */
    uint8_t *p = pxc_outbuf_reserve(d->out, DEST_CHUNK, d->job_err);
    if (!p) dest_fail(c, d);
    d->pub.next_output_byte = p;
    d->pub.free_in_buffer = d->out->capacity - d->out->size;
    return TRUE;
}

static void dest_term(j_compress_ptr c)
{
    turbo_dest *d = (turbo_dest *)c->dest;
    d->out->size = d->out->capacity - d->pub.free_in_buffer;
}

typedef struct encode_state {
    struct jpeg_compress_struct cinfo;
    turbo_err err;
    turbo_dest dest;
    uint8_t *row;
    size_t row_size;
} encode_state;

static bool turbo_can_encode(const pxc_encode_job *job, pxc_err *why)
{
    if (!pxc_color_is_plain(job->desc->color_spec)) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE,
                    "JPEG encodes gray, RGB, BGR, RGBA or BGRA images, not %s with %u channels",
                    pxc_color_spec_name(job->desc->color_spec), job->desc->num_channels);
        return false;
    }
    if (job->desc->width > JPEG_MAX_DIMENSION || job->desc->height > JPEG_MAX_DIMENSION) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "JPEG images are at most %ld pixels wide and high",
                    (long)JPEG_MAX_DIMENSION);
        return false;
    }
    pxc_chroma_subsampling css = job->params->chroma_subsampling;
    if (css == PXC_CSS_UNKNOWN) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "unknown chroma subsampling");
        return false;
    }
    return true;
}

static pxc_status encode_body(encode_state *s, pxc_encode_job *job)
{
    j_compress_ptr ci = &s->cinfo;
    const pxc_image_desc *d = job->desc;
    const pxc_color_spec in = d->color_spec;
    const bool gray_out = in == PXC_COLOR_GRAY || in == PXC_COLOR_GRAY_ALPHA ||
                          job->params->chroma_subsampling == PXC_CSS_GRAY;
    /* what rows libjpeg receives: the image itself when it can take it, else converted rows */
    pxc_color_spec feed = gray_out ? PXC_COLOR_GRAY : in;
    const bool convert = feed != in || d->sample_type != PXC_SAMPLE_U8;

    jpeg_create_compress(ci);
    ci->dest = &s->dest.pub;
    ci->image_width = d->width;
    ci->image_height = d->height;
    ci->input_components = (int)pxc_color_spec_channels(feed);
    ci->in_color_space = direct_space(feed);
    jpeg_set_defaults(ci);
    int q = (int)(job->params->quality + 0.5f);
    jpeg_set_quality(ci, q < 1 ? 1 : (q > 100 ? 100 : q), TRUE);
    ci->dct_method = JDCT_ISLOW;
    ci->optimize_coding = job->params->jpeg_optimized_huffman ? TRUE : FALSE;
    if (!gray_out) {
        static const int hv[][2] = {
            [PXC_CSS_444] = {1, 1}, [PXC_CSS_422] = {2, 1}, [PXC_CSS_420] = {2, 2}, [PXC_CSS_440] = {1, 2},
            [PXC_CSS_411] = {4, 1}, [PXC_CSS_410] = {4, 2}, [PXC_CSS_410V] = {2, 4}, [PXC_CSS_GRAY] = {1, 1},
        };
        ci->comp_info[0].h_samp_factor = hv[job->params->chroma_subsampling][0];
        ci->comp_info[0].v_samp_factor = hv[job->params->chroma_subsampling][1];
        for (int c = 1; c < 3; c++) ci->comp_info[c].h_samp_factor = ci->comp_info[c].v_samp_factor = 1;
    }
    if (job->params->jpeg_progressive) jpeg_simple_progression(ci);
    jpeg_start_compress(ci, TRUE);
    if (convert) {
        s->row_size = (size_t)d->width * (size_t)ci->input_components;
        if (!(s->row = pxc_budget_malloc(job->budget, s->row_size, job->err))) return job->err->status;
    }
    while (ci->next_scanline < ci->image_height) {
        const uint8_t *src = job->pixels + (size_t)ci->next_scanline * d->row_stride;
        JSAMPROW row = (JSAMPROW)src;
        if (convert) {
            pxc_convert_row(src, in, d->sample_type, s->row, feed, PXC_SAMPLE_U8, d->width);
            row = s->row;
        }
        jpeg_write_scanlines(ci, &row, 1);
    }
    jpeg_finish_compress(ci);
    return PXC_OK;
}

static pxc_status turbo_encode(pxc_encode_job *job)
{
    encode_state s;
    memset(&s, 0, sizeof(s));
    init_err(&s.err, job->ctx);
    s.cinfo.err = &s.err.pub;
    s.dest.pub.init_destination = dest_init;
    s.dest.pub.empty_output_buffer = dest_empty;
    s.dest.pub.term_destination = dest_term;
    s.dest.out = job->out;
    s.dest.err = &s.err;
    s.dest.job_err = job->err;
    pxc_status st;
    if (setjmp(s.err.jump) == 0)
        st = encode_body(&s, job);
    else
        st = pxc_err_set(job->err, s.err.status, "%s", s.err.msg);
    jpeg_destroy_compress(&s.cinfo);
    pxc_budget_free(job->budget, s.row, s.row_size);
    return st;
}

const pxc_codec_impl pxc_jpeg_turbo_impl = {
    .name = "jpeg.turbo",
    .kind = PXC_BACKEND_CPU_ONLY,
    .priority = 100,
    .unavailable_reason = NULL,
    .can_decode = turbo_can_decode,
    .decode = turbo_decode,
    .can_encode = turbo_can_encode,
    .encode = turbo_encode,
};
