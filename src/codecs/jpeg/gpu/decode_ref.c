/*
 * Coefficient reader (libjpeg-turbo's jpeg_read_coefficients -> pxc_jpeg_coefs) and the CPU
 * reference of the GPU JPEG decode kernels (IDCT, upsampling, colour conversion).
 */
#include "codecs/jpeg/gpu/decode_ref.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "codecs/jpeg/jpeg.h"

/* ---- libjpeg error handling: errors and corrupting warnings end in longjmp ---- */

/* libjpeg error manager that jumps back to pxc_jpeg_coefs_read_turbo with a status and text. */
typedef struct coefs_err {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    pxc_status status;
    char msg[JMSG_LENGTH_MAX];
} coefs_err;

/* error_exit: keeps libjpeg's message and jumps out instead of exit(). */
static void coefs_error_exit(j_common_ptr c)
{
    coefs_err *e = (coefs_err *)c->err;
    c->err->format_message(c, e->msg);
    e->status = pxc_jpeg_status_of(c->err->msg_code);
    longjmp(e->jump, 1);
}

/* emit_message: warnings that mean wrong coefficients (corrupt entropy data, early end) are errors;
 * other warnings and trace messages are ignored. */
static void coefs_emit_message(j_common_ptr c, int level)
{
    if (level >= 0) return;
    coefs_err *e = (coefs_err *)c->err;
    int code = c->err->msg_code;
    c->err->num_warnings++;
    if (code == JWRN_JPEG_EOF || pxc_jpeg_corrupting_warning(code)) {
        c->err->format_message(c, e->msg);
        e->status = pxc_jpeg_status_of(code);
        longjmp(e->jump, 1);
    }
}

/* Progress monitor that refuses progressive streams with absurd scan counts. */
typedef struct coefs_progress {
    struct jpeg_progress_mgr pub;
    coefs_err *err;
} coefs_progress;

/* progress_monitor: stops after PXC_JPEG_DEFAULT_MAX_SCANS scans. */
static void coefs_on_progress(j_common_ptr c)
{
    coefs_progress *p = (coefs_progress *)c->progress;
    if (!c->is_decompressor) return;
    j_decompress_ptr d = (j_decompress_ptr)c;
    if (d->input_scan_number > PXC_JPEG_DEFAULT_MAX_SCANS) {
        p->err->status = PXC_ERROR_LIMIT_EXCEEDED;
        snprintf(p->err->msg, sizeof(p->err->msg), "progressive JPEG has more than %d scans",
                 PXC_JPEG_DEFAULT_MAX_SCANS);
        longjmp(p->err->jump, 1);
    }
}

/* ---- coefficient reader ---- */

/* Everything the reader owns while libjpeg may jump out. */
typedef struct coefs_state {
    struct jpeg_decompress_struct cinfo;
    coefs_err err;
    coefs_progress progress;
} coefs_state;

/* Maps libjpeg's jpeg_color_space to ours; -1 when we have none for it. */
static int coefs_colorspace(J_COLOR_SPACE cs)
{
    switch (cs) {
    case JCS_GRAYSCALE: return PXC_JPEG_CS_GRAY;
    case JCS_YCbCr: return PXC_JPEG_CS_YCBCR;
    case JCS_RGB: return PXC_JPEG_CS_RGB;
    case JCS_CMYK: return PXC_JPEG_CS_CMYK;
    case JCS_YCCK: return PXC_JPEG_CS_YCCK;
    default: return -1;
    }
}

/* Runs after setjmp; libjpeg errors longjmp back to pxc_jpeg_coefs_read_turbo. Fills *out. */
static pxc_status coefs_read_body(coefs_state *s, const uint8_t *data, size_t size, pxc_jpeg_coefs *out,
                                  pxc_err *err)
{
    j_decompress_ptr ci = &s->cinfo;
    jpeg_create_decompress(ci);
    ci->progress = &s->progress.pub;
    jpeg_mem_src(ci, data, (unsigned long)size);
    jpeg_read_header(ci, TRUE);

    int cs = coefs_colorspace(ci->jpeg_color_space);
    if (cs < 0 || pxc_jpeg_colorspace_components((pxc_jpeg_colorspace)cs) != ci->num_components)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "JPEG with %d components in libjpeg colour space %d is not supported "
                           "(gray, YCbCr, RGB, CMYK or YCCK only)",
                           ci->num_components, (int)ci->jpeg_color_space);
    if (ci->data_precision != 8)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE, "%d-bit JPEG is not supported (8-bit only)",
                           ci->data_precision);

    jvirt_barray_ptr *arrays = jpeg_read_coefficients(ci);

    out->width = ci->image_width;
    out->height = ci->image_height;
    out->num_components = ci->num_components;
    out->colorspace = (pxc_jpeg_colorspace)cs;
    out->adobe = ci->saw_Adobe_marker ? 1 : 0;
    out->max_h_samp = ci->max_h_samp_factor;
    out->max_v_samp = ci->max_v_samp_factor;
    out->progressive = ci->progressive_mode ? 1 : 0;
    /* libjpeg's smoothing_ok looks at coef_bits of the first ten coefficients (libjpeg-turbo 2.1;
     * six before): 0 = fully refined, -1 = never sent, > 0 = bits still missing */
    out->unrefined = 0;
    if (ci->progressive_mode && ci->coef_bits)
        for (int c = 0; c < ci->num_components; c++)
            for (int k = 0; k < 10; k++)
                if (ci->coef_bits[c][k] != 0) out->unrefined = 1;
    out->restart_interval = ci->restart_interval;

    for (int c = 0; c < ci->num_components; c++) {
        jpeg_component_info *ip = &ci->comp_info[c];
        pxc_jpeg_component *oc = &out->comp[c];
        oc->h_samp = ip->h_samp_factor;
        oc->v_samp = ip->v_samp_factor;
        oc->width = ip->downsampled_width;
        oc->height = ip->downsampled_height;
        oc->width_in_blocks = ip->width_in_blocks;
        oc->height_in_blocks = ip->height_in_blocks;
        /* the MCU grid; also the size of libjpeg's coefficient arrays (jdcoefct.c) */
        oc->padded_blocks_w = (ip->width_in_blocks + (uint32_t)ip->h_samp_factor - 1) /
                              (uint32_t)ip->h_samp_factor * (uint32_t)ip->h_samp_factor;
        oc->padded_blocks_h = (ip->height_in_blocks + (uint32_t)ip->v_samp_factor - 1) /
                              (uint32_t)ip->v_samp_factor * (uint32_t)ip->v_samp_factor;
        /* a component that never appeared in a scan has no table: libjpeg then multiplies by zero */
        for (int k = 0; k < 64; k++) oc->quant[k] = ip->quant_table ? ip->quant_table->quantval[k] : 0;

        size_t n;
        if (!pxc_mul3_size(oc->padded_blocks_w, oc->padded_blocks_h, 64 * sizeof(int16_t), &n))
            return pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "component %d has too many blocks", c);
        oc->coef = (int16_t *)calloc(1, n ? n : 1);
        if (!oc->coef)
            return pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "cannot allocate %zu bytes of coefficients", n);
        for (uint32_t by = 0; by < ip->height_in_blocks; by += (uint32_t)ip->v_samp_factor) {
            JBLOCKARRAY rows = (*ci->mem->access_virt_barray)((j_common_ptr)ci, arrays[c], by,
                                                              (JDIMENSION)ip->v_samp_factor, FALSE);
            for (uint32_t r = 0; r < (uint32_t)ip->v_samp_factor && by + r < ip->height_in_blocks; r++) {
                int16_t *dst = oc->coef + (size_t)(by + r) * oc->padded_blocks_w * 64;
                for (uint32_t bx = 0; bx < ip->width_in_blocks; bx++)
                    for (int k = 0; k < 64; k++) dst[(size_t)bx * 64 + (size_t)k] = rows[r][bx][k];
            }
        }
    }
    jpeg_finish_decompress(ci);
    return PXC_OK;
}

pxc_status pxc_jpeg_coefs_read_turbo(const uint8_t *data, size_t size, pxc_jpeg_coefs *out, pxc_err *err)
{
    if (!out) return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "pxc_jpeg_coefs_read_turbo: out is NULL");
    memset(out, 0, sizeof(*out));
    if (!data || size == 0)
        return pxc_err_set(err, PXC_ERROR_EMPTY_INPUT, "pxc_jpeg_coefs_read_turbo: no JPEG data");
    coefs_state *s = (coefs_state *)calloc(1, sizeof(*s));
    if (!s) return pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "cannot allocate the JPEG decompressor");
    jpeg_std_error(&s->err.pub);
    s->err.pub.error_exit = coefs_error_exit;
    s->err.pub.emit_message = coefs_emit_message;
    s->progress.pub.progress_monitor = coefs_on_progress;
    s->progress.err = &s->err;
    s->cinfo.err = &s->err.pub;
    pxc_status st;
    if (setjmp(s->err.jump) == 0)
        st = coefs_read_body(s, data, size, out, err);
    else
        st = pxc_err_set(err, s->err.status, "jpeg: %s", s->err.msg);
    jpeg_destroy_decompress(&s->cinfo);
    free(s);
    if (st != PXC_OK) pxc_jpeg_coefs_free(out);
    return st;
}

void pxc_jpeg_coefs_free(pxc_jpeg_coefs *c)
{
    if (!c) return;
    for (int i = 0; i < PXC_JPEG_MAX_COMPONENTS; i++) free(c->comp[i].coef);
    memset(c, 0, sizeof(*c));
}

/* ---- reference decode ---- */

/* Checks that the geometry of @p c is what libjpeg would derive, so that no stage reads outside
 * a component's blocks. */
static pxc_status ref_check_geometry(const pxc_jpeg_coefs *c, pxc_err *err)
{
    if (c->width == 0 || c->height == 0)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "image has zero size (%u x %u)", c->width, c->height);
    if (c->num_components < 1 || c->num_components > PXC_JPEG_MAX_COMPONENTS ||
        pxc_jpeg_colorspace_components(c->colorspace) != c->num_components)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "%d components do not fit colour space %d",
                           c->num_components, (int)c->colorspace);
    if (c->max_h_samp < 1 || c->max_h_samp > 4 || c->max_v_samp < 1 || c->max_v_samp > 4)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "bad maximum sampling factors %dx%d", c->max_h_samp,
                           c->max_v_samp);
    int mh = 0, mv = 0;
    for (int i = 0; i < c->num_components; i++) {
        mh = c->comp[i].h_samp > mh ? c->comp[i].h_samp : mh;
        mv = c->comp[i].v_samp > mv ? c->comp[i].v_samp : mv;
    }
    if (mh != c->max_h_samp || mv != c->max_v_samp)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT,
                           "maximum sampling factors %dx%d are not the components' maximum %dx%d", c->max_h_samp,
                           c->max_v_samp, mh, mv);
    for (int i = 0; i < c->num_components; i++) {
        const pxc_jpeg_component *k = &c->comp[i];
        if (k->h_samp < 1 || k->h_samp > c->max_h_samp || k->v_samp < 1 || k->v_samp > c->max_v_samp)
            return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "component %d has bad sampling factors %dx%d", i,
                               k->h_samp, k->v_samp);
        if (c->max_h_samp % k->h_samp || c->max_v_samp % k->v_samp)
            return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                               "component %d: sampling %dx%d does not divide the maximum %dx%d "
                               "(fractional upsampling, which libjpeg does not implement either)",
                               i, k->h_samp, k->v_samp, c->max_h_samp, c->max_v_samp);
        uint64_t w = ((uint64_t)c->width * (uint64_t)k->h_samp + (uint64_t)c->max_h_samp - 1) / (uint64_t)c->max_h_samp;
        uint64_t h = ((uint64_t)c->height * (uint64_t)k->v_samp + (uint64_t)c->max_v_samp - 1) / (uint64_t)c->max_v_samp;
        if (k->width != w || k->height != h)
            return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "component %d is %ux%u samples, expected %llux%llu", i,
                               k->width, k->height, (unsigned long long)w, (unsigned long long)h);
        if ((uint64_t)k->padded_blocks_w * 8 < w || (uint64_t)k->padded_blocks_h * 8 < h || !k->coef)
            return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "component %d has %ux%u blocks for %ux%u samples", i,
                               k->padded_blocks_w, k->padded_blocks_h, k->width, k->height);
    }
    return PXC_OK;
}

pxc_status pxc_jpeg_ref_decode(const pxc_jpeg_coefs *c, pxc_jpeg_out_space space, int fancy, uint8_t *out,
                               size_t out_stride, pxc_err *err)
{
    if (!c || !out) return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "pxc_jpeg_ref_decode: NULL argument");
    if ((int)space < 0 || (int)space >= PXC_JPEG_OUT_SPACE_COUNT)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "unknown output colour space %d", (int)space);
    pxc_status st = ref_check_geometry(c, err);
    if (st != PXC_OK) return st;
    if (!pxc_jpeg_out_space_ok(c->colorspace, space))
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "output colour space %d cannot be produced from JPEG colour space %d", (int)space,
                           (int)c->colorspace);
    const size_t nch = (size_t)pxc_jpeg_out_channels(space);
    if (out_stride < (size_t)c->width * nch)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "output stride %zu is below %u pixels of %zu samples",
                           out_stride, c->width, nch);

    /* stage 1: IDCT of every block of every component into planes of whole blocks */
    pxc_jpeg_planes planes;
    memset(&planes, 0, sizeof(planes));
    planes.num_components = c->num_components;
    planes.colorspace = c->colorspace;
    planes.max_h_samp = c->max_h_samp;
    planes.max_v_samp = c->max_v_samp;
    uint8_t *bufs[PXC_JPEG_MAX_COMPONENTS] = {NULL, NULL, NULL, NULL};
    st = PXC_OK;
    for (int i = 0; i < c->num_components && st == PXC_OK; i++) {
        const pxc_jpeg_component *k = &c->comp[i];
        const size_t stride = (size_t)k->padded_blocks_w * 8;
        size_t n;
        if (!pxc_mul_size(stride, (size_t)k->padded_blocks_h * 8, &n) || !(bufs[i] = (uint8_t *)malloc(n ? n : 1))) {
            st = pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "cannot allocate the plane of component %d", i);
            break;
        }
        for (uint32_t by = 0; by < k->padded_blocks_h; by++)
            for (uint32_t bx = 0; bx < k->padded_blocks_w; bx++)
                pxc_jpeg_idct_block(k->coef + ((size_t)by * k->padded_blocks_w + bx) * 64, k->quant,
                                    bufs[i] + (size_t)by * 8 * stride + (size_t)bx * 8, stride);
        planes.comp[i].data = bufs[i];
        planes.comp[i].stride = stride;
        planes.comp[i].width = k->width;
        planes.comp[i].height = k->height;
        planes.comp[i].h_samp = k->h_samp;
        planes.comp[i].v_samp = k->v_samp;
    }

    /* stage 2: upsampling and colour conversion of every output pixel */
    if (st == PXC_OK) {
        if (!pxc_jpeg_planes_ok(&planes, space)) {
            st = pxc_err_set(err, PXC_ERROR_INTERNAL, "decoded planes fail pxc_jpeg_planes_ok");
        } else {
            for (uint32_t y = 0; y < c->height; y++) {
                uint8_t *row = out + (size_t)y * out_stride;
                for (uint32_t x = 0; x < c->width; x++) pxc_jpeg_pixel(&planes, x, y, space, fancy, row + x * nch);
            }
        }
    }
    for (int i = 0; i < PXC_JPEG_MAX_COMPONENTS; i++) free(bufs[i]);
    return st;
}
