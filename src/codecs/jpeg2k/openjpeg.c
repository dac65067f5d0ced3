/*
 * JPEG 2000 through OpenJPEG (libopenjp2 2.5): decoding of J2K/HTJ2K code
 * streams and JP2 files, encoding of J2K and JP2.
 *
 * Decoding: OpenJPEG reads from a memory stream over job->data, decodes
 * every component as 32-bit integers (charged to the budget up front), and
 * this file assembles the output rows: signed samples are shifted to
 * unsigned by adding 2^(prec-1) (as opj_decompress does for PNM output),
 * coarser components are replicated (jpeg2k.h), sYCC is turned into RGB
 * with the sYCC equations opj_decompress uses unless YCbCr was asked for,
 * and samples are scaled to the output type:
 *   u16: round(v * 65535 / (2^prec - 1));
 *   u8:  round(v * 255 / (2^prec - 1)) for prec <= 8, and the high byte of
 *        the 16-bit value for deeper samples (the core's 16 -> 8 rule).
 * Errors and warnings of OpenJPEG go to the job's error text and the log.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openjpeg.h>

#include "jpeg2k.h"
#include "core/convert.h"

/* ---- messages ------------------------------------------------------------ */

typedef struct j2k_msg {
    pxc_context *ctx;
    char first_error[160];
} j2k_msg;

static void copy_msg(char *dst, size_t n, const char *src)
{
    pxc_strlcpy(dst, src, n);
    size_t len = strlen(dst);
    while (len && (dst[len - 1] == '\n' || dst[len - 1] == ' ')) dst[--len] = '\0';
    for (char *p = dst; *p; p++)
        if (*p == '\n') *p = ' '; /* one line of detail text */
}

/* OpenJPEG has no error codes; failed allocations are told by their texts
   ("Not enough memory ...", "Failed to allocate ..."). */
static bool opj_says_oom(const char *msg)
{
    return strstr(msg, "memory") != NULL || strstr(msg, "allocate") != NULL;
}

static void on_error(const char *msg, void *user)
{
    j2k_msg *m = user;
    if (!m->first_error[0]) copy_msg(m->first_error, sizeof(m->first_error), msg);
    pxc_log(m->ctx, PXC_LOG_DEBUG, "jpeg2k: OpenJPEG error: %s", msg);
}

static void on_warning(const char *msg, void *user)
{
    j2k_msg *m = user;
    char t[160];
    copy_msg(t, sizeof(t), msg);
    pxc_log(m->ctx, PXC_LOG_WARNING, "jpeg2k: %s", t);
}

static void on_info(const char *msg, void *user)
{
    (void)msg;
    (void)user;
}

static void set_handlers(opj_codec_t *codec, j2k_msg *m)
{
    opj_set_error_handler(codec, on_error, m);
    opj_set_warning_handler(codec, on_warning, m);
    opj_set_info_handler(codec, on_info, m);
}

/* ---- memory read stream --------------------------------------------------- */

typedef struct mem_in {
    const uint8_t *data;
    size_t size, pos;
} mem_in;

static OPJ_SIZE_T in_read(void *buf, OPJ_SIZE_T n, void *user)
{
    mem_in *m = user;
    if (m->pos >= m->size) return (OPJ_SIZE_T)-1;
    size_t left = m->size - m->pos;
    if (n > left) n = left;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return n;
}

static OPJ_OFF_T in_skip(OPJ_OFF_T n, void *user)
{
    mem_in *m = user;
    if (n < 0) {
        if ((uint64_t)-n > m->pos) return -1;
        m->pos -= (size_t)-n;
        return n;
    }
    size_t left = m->size - m->pos;
    if ((uint64_t)n > left) n = (OPJ_OFF_T)left;
    m->pos += (size_t)n;
    return n;
}

static OPJ_BOOL in_seek(OPJ_OFF_T n, void *user)
{
    mem_in *m = user;
    if (n < 0 || (uint64_t)n > m->size) return OPJ_FALSE;
    m->pos = (size_t)n;
    return OPJ_TRUE;
}

/* ---- memory write stream -------------------------------------------------- */

typedef struct mem_out {
    pxc_outbuf *out;
    size_t base, pos;   /* positions relative to base (the outbuf size at start) */
    pxc_err *err;
    bool failed;
} mem_out;

static OPJ_SIZE_T out_write(void *buf, OPJ_SIZE_T n, void *user)
{
    mem_out *m = user;
    size_t end;
    if (!pxc_add_size(m->base + m->pos, n, &end)) goto fail;
    if (end > m->out->size) {
        if (!pxc_outbuf_reserve(m->out, end - m->out->size, m->err)) goto fail;
        m->out->size = end;
    }
    memcpy(m->out->data + m->base + m->pos, buf, n);
    m->pos += n;
    return n;
fail:
    m->failed = true;
    return (OPJ_SIZE_T)-1;
}

static OPJ_OFF_T out_skip(OPJ_OFF_T n, void *user)
{
    mem_out *m = user;
    if (n < 0 && (uint64_t)-n > m->pos) return -1;
    m->pos = (size_t)((OPJ_OFF_T)m->pos + n);
    return n;
}

static OPJ_BOOL out_seek(OPJ_OFF_T n, void *user)
{
    mem_out *m = user;
    if (n < 0) return OPJ_FALSE;
    m->pos = (size_t)n;
    return OPJ_TRUE;
}

/* OpenJPEG threads for one image: the context's count; 0 (no worker thread at all)
 * for a single-threaded context. */
static int thread_count(pxc_context *ctx)
{
    int n = pxc_context_num_threads(ctx);
    return n <= 1 ? 0 : n;
}

/* ---- decoding --------------------------------------------------------------- */

/* Per-channel state for assembling rows. */
typedef struct chan {
    const OPJ_INT32 *data;
    uint32_t w, h;
    int32_t add, maxv;
    uint32_t prec;
    uint32_t *xmap;   /* output column -> component column */
} chan;

static inline int32_t clampi(int32_t v, int32_t hi)
{
    return v < 0 ? 0 : (v > hi ? hi : v);
}

/* Scales v in [0, maxv] (prec bits) to the output type. */
static inline uint32_t scale16(uint32_t v, uint32_t prec, uint32_t maxv)
{
    if (prec == 16) return v;
    return (uint32_t)(((uint64_t)v * 65535u * 2u + maxv) / (2u * (uint64_t)maxv));
}

static inline uint32_t scale8(uint32_t v, uint32_t prec, uint32_t maxv)
{
    if (prec == 8) return v;
    if (prec < 8) return (v * 255u * 2u + maxv) / (2u * maxv);
    return scale16(v, prec, maxv) >> 8;
}

/* sYCC -> RGB on integer samples of one precision (the equations of the sYCC
   specification, truncated toward zero as opj_decompress does). */
static inline void ycc_to_rgb(int32_t *px, int32_t maxv, int32_t offset)
{
    const double cb = (double)(px[1] - offset), cr = (double)(px[2] - offset);
    const int32_t r = px[0] + (int32_t)(1.402 * cr);
    const int32_t g = px[0] - (int32_t)(0.344 * cb + 0.714 * cr);
    const int32_t b = px[0] + (int32_t)(1.772 * cb);
    px[0] = clampi(r, maxv);
    px[1] = clampi(g, maxv);
    px[2] = clampi(b, maxv);
}

static pxc_status fail_opj(pxc_decode_job *job, const j2k_msg *m, pxc_status st, const char *what)
{
    if (m->first_error[0])
        return pxc_err_set(job->err, st, "JPEG 2000: %s: %s", what, m->first_error);
    return pxc_err_set(job->err, st, "JPEG 2000: %s", what);
}

/* Truncation or damage: a code stream that does not end with EOC (ff d9) was cut short,
   otherwise OpenJPEG's texts tell which. */
static pxc_status classify(const pxc_decode_job *job, const j2k_msg *m)
{
    const char *e = m->first_error;
    if (opj_says_oom(e)) return PXC_ERROR_OUT_OF_MEMORY;
    if (job->size < 2 || job->data[job->size - 2] != 0xFF || job->data[job->size - 1] != 0xD9)
        return PXC_ERROR_TRUNCATED_DATA;
    if (strstr(e, "truncat") || strstr(e, "end of") || strstr(e, "Stream too short") ||
        strstr(e, "not enough") || strstr(e, "Not enough") || strstr(e, "EOC"))
        return PXC_ERROR_TRUNCATED_DATA;
    return PXC_ERROR_CORRUPT_DATA;
}

static pxc_status j2k_decode(pxc_decode_job *job)
{
    pxc_j2k_header h;
    if (pxc_j2k_read_header(job->data, job->size, &h, job->err) != PXC_OK) return job->err->status;
    const int reduce = pxc_options_get_int(job->opts, "jpeg2k", "jpeg2k.openjpeg", "reduce");
    pxc_j2k_reduce_grid(&h, reduce);
    if (h.width != job->info->width || h.height != job->info->height)
        return pxc_err_set(job->err, PXC_ERROR_INTERNAL, "JPEG 2000: header changed since it was parsed");

    /* OpenJPEG holds every component as 32-bit integers, plus about as much again
       for code blocks while decoding: charge twice that up front. */
    uint64_t samples = 0;
    for (uint32_t i = 0; i < h.num_comps; i++) {
        /* the SIZ sampling of components past the used ones is not stored: count full size */
        const uint32_t dx = i < h.used_comps ? h.dx[i] : 1, dy = i < h.used_comps ? h.dy[i] : 1;
        samples += (uint64_t)(pxc_j2k_ceildiv(h.x1, dx) - pxc_j2k_ceildiv(h.x0, dx)) *
                   (pxc_j2k_ceildiv(h.y1, dy) - pxc_j2k_ceildiv(h.y0, dy));
    }
    /* OpenJPEG also sets up coding parameters for every tile-component when it reads
       the main header (about 5 KB each, measured with OpenJPEG 2.5): a tiny file
       declaring 65535 tiles of 16 components would take over a gigabyte. */
    const uint64_t need64 = samples * 8u + (uint64_t)h.num_tiles * h.num_comps * PXC_J2K_TILE_COMP_BYTES;
    if (need64 > SIZE_MAX)
        return pxc_err_set(job->err, PXC_ERROR_LIMIT_EXCEEDED, "JPEG 2000: image too large to decode here");
    const size_t reserved = (size_t)need64;
    if (pxc_budget_take(job->budget, reserved, job->err) != PXC_OK) {
        pxc_err_prefix(job->err, "JPEG 2000: %u components of %u x %u need %zu bytes of decoder memory",
                       h.num_comps, h.x1 - h.x0, h.y1 - h.y0, reserved);
        return job->err->status;
    }

    pxc_status st = PXC_OK;
    j2k_msg msg = {.ctx = job->ctx};
    mem_in in = {.data = job->data, .size = job->size, .pos = 0};
    opj_codec_t *codec = NULL;
    opj_image_t *img = NULL;
    uint32_t *maps = NULL;
    size_t maps_size = 0;
    int32_t *row = NULL;
    size_t row_size = 0;
    uint8_t *native = NULL;
    size_t native_size = 0;

    opj_stream_t *stream = opj_stream_create(1u << 16, OPJ_TRUE);
    if (!stream) {
        st = pxc_err_set(job->err, PXC_ERROR_OUT_OF_MEMORY, "JPEG 2000: cannot create an OpenJPEG stream");
        goto done;
    }
    opj_stream_set_user_data(stream, &in, NULL);
    opj_stream_set_user_data_length(stream, job->size);
    opj_stream_set_read_function(stream, in_read);
    opj_stream_set_skip_function(stream, in_skip);
    opj_stream_set_seek_function(stream, in_seek);

    codec = opj_create_decompress(h.jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
    if (!codec) {
        st = pxc_err_set(job->err, PXC_ERROR_OUT_OF_MEMORY, "JPEG 2000: cannot create an OpenJPEG decoder");
        goto done;
    }
    set_handlers(codec, &msg);
    opj_dparameters_t dp;
    opj_set_default_decoder_parameters(&dp);
    dp.cp_reduce = (OPJ_UINT32)reduce;
    if (!opj_setup_decoder(codec, &dp)) {
        st = fail_opj(job, &msg, PXC_ERROR_INTERNAL, "decoder setup failed");
        goto done;
    }
    opj_decoder_set_strict_mode(codec, OPJ_TRUE);
    opj_codec_set_threads(codec, thread_count(job->ctx));
    if (!opj_read_header(stream, codec, &img) || !img) {
        if (reduce > 0 && strstr(msg.first_error, "resolutions to remove"))
            st = fail_opj(job, &msg, PXC_ERROR_INVALID_OPTION, "jpeg2k:reduce is too large for this image");
        else
            st = fail_opj(job, &msg, classify(job, &msg), "cannot read the main header");
        goto done;
    }
    if (!opj_decode(codec, stream, img) || !opj_end_decompress(codec, stream)) {
        const pxc_status cls = classify(job, &msg);
        st = fail_opj(job, &msg, cls,
                      cls == PXC_ERROR_TRUNCATED_DATA
                          ? "data ends without the end-of-code-stream marker (ff d9), decoding failed"
                          : "decoding failed");
        goto done;
    }
    if (img->numcomps < h.used_comps) {
        st = pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA, "JPEG 2000: decoder returned %u components, %u expected",
                         img->numcomps, h.used_comps);
        goto done;
    }

    const uint32_t nc = h.used_comps, W = h.width, H = h.height;
    chan ch[4];
    memset(ch, 0, sizeof(ch));
    if (!pxc_mul3_size(W, nc, sizeof(uint32_t), &maps_size) ||
        !(maps = pxc_budget_malloc(job->budget, maps_size, job->err))) {
        st = job->err->status ? job->err->status : pxc_err_set(job->err, PXC_ERROR_LIMIT_EXCEEDED, "too wide");
        goto done;
    }
    const uint32_t gx0 = pxc_j2k_ceildiv(h.x0, h.dxm), gy0 = pxc_j2k_ceildiv(h.y0, h.dym);
    for (uint32_t c = 0; c < nc; c++) {
        const opj_image_comp_t *cp = &img->comps[c];
        if (!cp->data || cp->w == 0 || cp->h == 0 || cp->prec != h.prec[c] || cp->dx != h.dx[c] ||
            cp->dy != h.dy[c]) {
            st = pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA,
                             "JPEG 2000: component %u was not decoded as its SIZ entry describes", c);
            goto done;
        }
        ch[c].data = cp->data;
        ch[c].w = cp->w;
        ch[c].h = cp->h;
        ch[c].prec = cp->prec;
        ch[c].maxv = (int32_t)((1u << cp->prec) - 1u);
        ch[c].add = cp->sgnd ? (int32_t)(1u << (cp->prec - 1)) : 0;
        ch[c].xmap = maps + (size_t)c * W;
        const uint32_t cx0 = pxc_j2k_ceildiv(h.x0, cp->dx);
        for (uint32_t x = 0; x < W; x++) {
            uint64_t X = ((uint64_t)gx0 + x) * h.dxm;
            uint64_t i = X / cp->dx;
            i = i > cx0 ? i - cx0 : 0;
            ch[c].xmap[x] = (uint32_t)(i < cp->w ? i : cp->w - 1);
        }
    }
    /* sYCC: all three at one precision, else treated as stored */
    const bool ycc_in = h.ycc && ch[0].prec == ch[1].prec && ch[1].prec == ch[2].prec;
    const bool to_rgb = ycc_in && job->out_color != PXC_COLOR_YCBCR;
    pxc_color_spec native_color;
    switch (nc) {
    case 1: native_color = PXC_COLOR_GRAY; break;
    case 2: native_color = PXC_COLOR_GRAY_ALPHA; break;
    case 3: native_color = job->info->color_spec == PXC_COLOR_YCBCR && !to_rgb ? PXC_COLOR_YCBCR : PXC_COLOR_RGB; break;
    default: native_color = PXC_COLOR_RGBA; break;
    }
    if (native_color != job->out_color && !pxc_can_convert(native_color, job->out_color)) {
        st = pxc_err_set(job->err, PXC_ERROR_UNSUPPORTED_FEATURE, "JPEG 2000: cannot produce %s from %s",
                         pxc_color_spec_name(job->out_color), pxc_color_spec_name(native_color));
        goto done;
    }
    const size_t es = pxc_sample_size(job->out_type);
    row_size = (size_t)W * nc * sizeof(int32_t);
    if (!(row = pxc_budget_malloc(job->budget, row_size, job->err))) {
        st = job->err->status;
        goto done;
    }
    const bool direct = native_color == job->out_color;
    if (!direct) {
        native_size = (size_t)W * nc * es;
        if (!(native = pxc_budget_malloc(job->budget, native_size, job->err))) {
            st = job->err->status;
            goto done;
        }
    }
    const bool u16 = job->out_type == PXC_SAMPLE_U16;
    for (uint32_t y = 0; y < H; y++) {
        const uint64_t Y = ((uint64_t)gy0 + y) * h.dym;
        for (uint32_t c = 0; c < nc; c++) {
            const opj_image_comp_t *cp = &img->comps[c];
            uint64_t j = Y / cp->dy;
            const uint32_t cy0 = pxc_j2k_ceildiv(h.y0, cp->dy);
            j = j > cy0 ? j - cy0 : 0;
            if (j >= cp->h) j = cp->h - 1;
            const OPJ_INT32 *src = ch[c].data + (size_t)j * cp->w;
            const uint32_t *xm = ch[c].xmap;
            const int32_t add = ch[c].add, maxv = ch[c].maxv;
            int32_t *dst = row + c;
            for (uint32_t x = 0; x < W; x++) dst[(size_t)x * nc] = clampi(src[xm[x]] + add, maxv);
        }
        if (to_rgb) {
            const int32_t offset = (int32_t)(1u << (ch[0].prec - 1));
            for (uint32_t x = 0; x < W; x++) ycc_to_rgb(row + (size_t)x * nc, ch[0].maxv, offset);
        }
        uint8_t *out_row = direct ? job->out + (size_t)y * job->out_stride : native;
        const size_t n = (size_t)W * nc;
        if (u16) {
            uint16_t *o = (uint16_t *)out_row;
            for (size_t k = 0; k < n; k++) {
                const chan *cc = &ch[k % nc];
                o[k] = (uint16_t)scale16((uint32_t)row[k], cc->prec, (uint32_t)cc->maxv);
            }
        } else {
            bool all8 = true;
            for (uint32_t c = 0; c < nc; c++) all8 = all8 && ch[c].prec == 8;
            if (all8) {
                for (size_t k = 0; k < n; k++) out_row[k] = (uint8_t)row[k];
            } else {
                for (size_t k = 0; k < n; k++) {
                    const chan *cc = &ch[k % nc];
                    out_row[k] = (uint8_t)scale8((uint32_t)row[k], cc->prec, (uint32_t)cc->maxv);
                }
            }
        }
        if (!direct)
            pxc_convert_row(native, native_color, job->out_type, job->out + (size_t)y * job->out_stride,
                            job->out_color, job->out_type, W);
    }

done:
    pxc_budget_free(job->budget, native, native_size);
    pxc_budget_free(job->budget, row, row_size);
    pxc_budget_free(job->budget, maps, maps_size);
    if (img) opj_image_destroy(img);
    if (codec) opj_destroy_codec(codec);
    if (stream) opj_stream_destroy(stream);
    pxc_budget_give(job->budget, reserved);
    return st;
}

/* ---- encoding --------------------------------------------------------------- */

static bool pow2_in(int v, int lo, int hi)
{
    return v >= lo && v <= hi && (v & (v - 1)) == 0;
}

static bool j2k_can_encode(const pxc_encode_job *job, pxc_err *why)
{
    const pxc_image_desc *d = job->desc;
    const pxc_encode_params *p = job->params;
    switch (d->color_spec) {
    case PXC_COLOR_GRAY: case PXC_COLOR_GRAY_ALPHA: case PXC_COLOR_RGB:
    case PXC_COLOR_BGR: case PXC_COLOR_RGBA: case PXC_COLOR_BGRA:
        break;
    default:
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "JPEG 2000 encoding takes gray, gray+alpha, RGB or RGBA, not %s",
                    pxc_color_spec_name(d->color_spec));
        return false;
    }
    const int cw = p->jpeg2k_code_block_width, chh = p->jpeg2k_code_block_height;
    if (!pow2_in(cw, 4, 1024) || !pow2_in(chh, 4, 1024) || cw * chh > 4096) {
        pxc_err_set(why, PXC_ERROR_INVALID_ARGUMENT,
                    "JPEG 2000 code blocks of %d x %d: each side a power of two from 4 to 1024, at most 4096 "
                    "samples", cw, chh);
        return false;
    }
    if (p->jpeg2k_num_resolutions < 1 || p->jpeg2k_num_resolutions > 33) {
        pxc_err_set(why, PXC_ERROR_INVALID_ARGUMENT, "JPEG 2000 resolutions %d (1 to 33 allowed)",
                    p->jpeg2k_num_resolutions);
        return false;
    }
    if ((int)p->jpeg2k_prog_order < 0 || (int)p->jpeg2k_prog_order > 4 ||
        (p->jpeg2k_bitstream_type != PXC_JPEG2K_J2K && p->jpeg2k_bitstream_type != PXC_JPEG2K_JP2) ||
        (p->mct_mode != PXC_MCT_YCC && p->mct_mode != PXC_MCT_RGB)) {
        pxc_err_set(why, PXC_ERROR_INVALID_ARGUMENT,
                    "JPEG 2000: progression order %d, bitstream type %d or MCT mode %d is not defined",
                    (int)p->jpeg2k_prog_order, (int)p->jpeg2k_bitstream_type, (int)p->mct_mode);
        return false;
    }
    if (!p->jpeg2k_reversible && (p->quality < 0 || p->quality > 100 || p->target_psnr < 0)) {
        pxc_err_set(why, PXC_ERROR_INVALID_ARGUMENT, "JPEG 2000: quality %g (0..100) or target PSNR %g (>= 0)",
                    (double)p->quality, (double)p->target_psnr);
        return false;
    }
    return true;
}

static pxc_status j2k_encode(pxc_encode_job *job)
{
    const pxc_image_desc *d = job->desc;
    const pxc_encode_params *p = job->params;
    const uint32_t nc = d->num_channels, W = d->width, H = d->height;
    const bool u16 = d->sample_type == PXC_SAMPLE_U16;
    const bool bgr = d->color_spec == PXC_COLOR_BGR || d->color_spec == PXC_COLOR_BGRA;
    const uint32_t prec = u16 ? (d->precision >= 1 && d->precision <= 16 ? d->precision : 16) : 8;

    size_t need;
    if (!pxc_mul3_size((size_t)W * H, nc, sizeof(OPJ_INT32) * 2, &need))
        return pxc_err_set(job->err, PXC_ERROR_LIMIT_EXCEEDED, "JPEG 2000: image too large to encode");
    if (pxc_budget_take(job->budget, need, job->err) != PXC_OK) return job->err->status;

    pxc_status st = PXC_OK;
    j2k_msg msg = {.ctx = job->ctx};
    opj_codec_t *codec = NULL;
    opj_stream_t *stream = NULL;
    mem_out mo = {.out = job->out, .base = job->out->size, .pos = 0, .err = job->err};

    opj_image_cmptparm_t cp[4];
    memset(cp, 0, sizeof(cp));
    for (uint32_t c = 0; c < nc; c++) {
        cp[c].dx = cp[c].dy = 1;
        cp[c].w = W;
        cp[c].h = H;
        cp[c].prec = prec;
        cp[c].sgnd = 0;
    }
    opj_image_t *img = opj_image_create(nc, cp, nc >= 3 ? OPJ_CLRSPC_SRGB : OPJ_CLRSPC_GRAY);
    if (!img) {
        st = pxc_err_set(job->err, PXC_ERROR_OUT_OF_MEMORY, "JPEG 2000: cannot allocate the encoder image");
        goto done;
    }
    img->x0 = img->y0 = 0;
    img->x1 = W;
    img->y1 = H;
    if (nc == 2 || nc == 4) img->comps[nc - 1].alpha = 1;
    const size_t stride = d->row_stride ? d->row_stride : (size_t)W * nc * (u16 ? 2 : 1);
    for (uint32_t c = 0; c < nc; c++) {
        const uint32_t sc = (bgr && c < 3) ? 2 - c : c;
        OPJ_INT32 *dst = img->comps[c].data;
        const uint32_t shift = 16 - prec;
        for (uint32_t y = 0; y < H; y++) {
            const uint8_t *r = job->pixels + (size_t)y * stride;
            if (u16) {
                const uint16_t *s = (const uint16_t *)r;
                for (uint32_t x = 0; x < W; x++) dst[x] = (OPJ_INT32)(s[(size_t)x * nc + sc] >> shift);
            } else {
                for (uint32_t x = 0; x < W; x++) dst[x] = r[(size_t)x * nc + sc];
            }
            dst += W;
        }
    }

    opj_cparameters_t cpar;
    opj_set_default_encoder_parameters(&cpar);
    cpar.tcp_numlayers = 1;
    cpar.cp_disto_alloc = 1;
    cpar.tcp_rates[0] = 0;
    cpar.irreversible = p->jpeg2k_reversible ? 0 : 1;
    if (!p->jpeg2k_reversible) {
        if (p->quality != 95.0f || p->target_psnr <= 0) {
            /* quality q -> compression ratio 2^((100 - q) / 10): 100 = no truncation, 90 = 2:1,
               50 = 32:1, 0 = 1024:1 */
            const double e = (100.0 - (double)p->quality) / 10.0;
            const int ip = (int)e;
            double ratio = 1.0;
            for (int i = 0; i < ip; i++) ratio *= 2.0;
            ratio *= 1.0 + (e - ip); /* linear between powers of two */
            cpar.tcp_rates[0] = ratio <= 1.0 ? 0.0f : (float)ratio;
        } else {
            cpar.cp_disto_alloc = 0;
            cpar.cp_fixed_quality = 1;
            cpar.tcp_distoratio[0] = p->target_psnr;
        }
    }
    cpar.cblockw_init = p->jpeg2k_code_block_width;
    cpar.cblockh_init = p->jpeg2k_code_block_height;
    int nres = p->jpeg2k_num_resolutions;
    while (nres > 1 && ((1u << (nres - 1)) > W || (1u << (nres - 1)) > H)) nres--;
    if (nres != p->jpeg2k_num_resolutions)
        pxc_log(job->ctx, PXC_LOG_DEBUG, "jpeg2k: %d resolutions do not fit %u x %u; writing %d",
                p->jpeg2k_num_resolutions, W, H, nres);
    cpar.numresolution = nres;
    cpar.prog_order = (OPJ_PROG_ORDER)p->jpeg2k_prog_order;
    cpar.tcp_mct = (char)(nc >= 3 && p->mct_mode == PXC_MCT_YCC ? 1 : 0);

    codec = opj_create_compress(p->jpeg2k_bitstream_type == PXC_JPEG2K_JP2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
    if (!codec) {
        st = pxc_err_set(job->err, PXC_ERROR_OUT_OF_MEMORY, "JPEG 2000: cannot create an OpenJPEG encoder");
        goto done;
    }
    set_handlers(codec, &msg);
    if (!opj_setup_encoder(codec, &cpar, img)) {
        st = pxc_err_set(job->err,
                         opj_says_oom(msg.first_error) ? PXC_ERROR_OUT_OF_MEMORY
                                                                     : PXC_ERROR_INVALID_ARGUMENT,
                         "JPEG 2000: encoder setup failed: %s",
                         msg.first_error[0] ? msg.first_error : "parameters rejected");
        goto done;
    }
    opj_codec_set_threads(codec, thread_count(job->ctx));
    stream = opj_stream_create(1u << 20, OPJ_FALSE);
    if (!stream) {
        st = pxc_err_set(job->err, PXC_ERROR_OUT_OF_MEMORY, "JPEG 2000: cannot create an OpenJPEG stream");
        goto done;
    }
    opj_stream_set_user_data(stream, &mo, NULL);
    opj_stream_set_write_function(stream, out_write);
    opj_stream_set_skip_function(stream, out_skip);
    opj_stream_set_seek_function(stream, out_seek);
    if (!opj_start_compress(codec, img, stream) || !opj_encode(codec, stream) || !opj_end_compress(codec, stream)) {
        if (mo.failed && job->err->status != PXC_OK) {
            st = job->err->status;
        } else {
            st = pxc_err_set(job->err,
                             opj_says_oom(msg.first_error) ? PXC_ERROR_OUT_OF_MEMORY
                                                                         : PXC_ERROR_INTERNAL,
                             "JPEG 2000: encoding failed: %s",
                             msg.first_error[0] ? msg.first_error : "OpenJPEG gave no reason");
        }
        goto done;
    }

done:
    if (st != PXC_OK && job->out->size > mo.base) job->out->size = mo.base;
    if (stream) opj_stream_destroy(stream);
    if (codec) opj_destroy_codec(codec);
    if (img) opj_image_destroy(img);
    pxc_budget_give(job->budget, need);
    return st;
}

const pxc_codec_impl pxc_jpeg2k_openjpeg = {
    .name = "jpeg2k.openjpeg",
    .kind = PXC_BACKEND_CPU_ONLY,
    .priority = 0,
    .unavailable_reason = NULL,
    .can_decode = NULL,
    .decode = j2k_decode,
    .can_encode = j2k_can_encode,
    .encode = j2k_encode,
};
