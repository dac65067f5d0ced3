/*
 * CPU reference of the GPU JPEG encoder (see encode_ref.h): the kernels'
 * per-sample and per-block functions of encode_math.h run in loops, the
 * quantisation tables of a quality setting, and entropy coding of the
 * coefficients with libjpeg-turbo's jpeg_write_coefficients.
 */
#include "codecs/jpeg/gpu/encode_ref.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

/* ---- libjpeg error handling: errors end in a longjmp with the message kept ---- */

/* libjpeg error manager whose error_exit jumps back to the caller. */
typedef struct enc_jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    pxc_status status;
    char msg[JMSG_LENGTH_MAX];
} enc_jerr;

/* error_exit: keeps libjpeg's message and jumps back. */
static void enc_error_exit(j_common_ptr c)
{
    enc_jerr *e = (enc_jerr *)c->err;
    c->err->format_message(c, e->msg);
    if (!e->status)
        e->status = c->err->msg_code == JERR_OUT_OF_MEMORY ? PXC_ERROR_OUT_OF_MEMORY : PXC_ERROR_INTERNAL;
    longjmp(e->jump, 1);
}

/* emit_message: warnings and traces are not printed (an encoder from valid parameters makes none). */
static void enc_emit_message(j_common_ptr c, int level)
{
    if (level < 0) c->err->num_warnings++;
}

/* Sets up e as the error manager of a libjpeg object. */
static struct jpeg_error_mgr *enc_jerr_init(enc_jerr *e)
{
    memset(e, 0, sizeof(*e));
    jpeg_std_error(&e->pub);
    e->pub.error_exit = enc_error_exit;
    e->pub.emit_message = enc_emit_message;
    return &e->pub;
}

/* ---- quantisation tables ---- */

pxc_status pxc_jpeg_quant_tables(int quality, uint16_t luma[64], uint16_t chroma[64], pxc_err *err)
{
    if (quality < 1 || quality > 100)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "JPEG quality %d is outside 1..100", quality);
    struct jpeg_compress_struct ci;
    enc_jerr je;
    memset(&ci, 0, sizeof(ci));
    ci.err = enc_jerr_init(&je);
    pxc_status st = PXC_OK;
    if (setjmp(je.jump) == 0) {
        jpeg_create_compress(&ci);
        ci.in_color_space = JCS_YCbCr;
        ci.input_components = 3;
        jpeg_set_defaults(&ci);
        jpeg_set_quality(&ci, quality, TRUE);
        for (int i = 0; i < 64; i++) {
            luma[i] = ci.quant_tbl_ptrs[0]->quantval[i];
            chroma[i] = ci.quant_tbl_ptrs[1]->quantval[i];
        }
    } else {
        st = pxc_err_set(err, je.status, "libjpeg quantisation tables: %s", je.msg);
    }
    jpeg_destroy_compress(&ci);
    return st;
}

/* ---- geometry ---- */

/* ceil(a / b) for b > 0. */
static uint32_t div_up(uint64_t a, uint64_t b)
{
    return (uint32_t)((a + b - 1) / b);
}

pxc_status pxc_jpeg_enc_geometry(uint32_t width, uint32_t height, int in_channels, int gray_out, int h_samp,
                                 int v_samp, int quality, pxc_jpeg_coefs *out, pxc_err *err)
{
    if (!out) return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "no output coefficient structure");
    memset(out, 0, sizeof(*out));
    if (width == 0 || height == 0 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "JPEG image size %ux%u is outside 1..%ld", width,
                           height, (long)JPEG_MAX_DIMENSION);
    if (in_channels != 1 && in_channels != 3 && in_channels != 4)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "%d input channels (1, 3 or 4 expected)", in_channels);
    const int gray = gray_out || in_channels == 1;
    if (!gray) {
        if (h_samp < 1 || h_samp > 4 || v_samp < 1 || v_samp > 4)
            return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "luma sampling %dx%d is outside 1..4", h_samp, v_samp);
        if (h_samp * v_samp + 2 > C_MAX_BLOCKS_IN_MCU)
            return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                               "luma sampling %dx%d makes MCUs of more than %d blocks", h_samp, v_samp,
                               C_MAX_BLOCKS_IN_MCU);
    }
    uint16_t luma[64], chroma[64];
    pxc_status st = pxc_jpeg_quant_tables(quality, luma, chroma, err);
    if (st) return st;

    out->width = width;
    out->height = height;
    out->num_components = gray ? 1 : 3;
    out->colorspace = gray ? PXC_JPEG_CS_GRAY : PXC_JPEG_CS_YCBCR;
    out->max_h_samp = gray ? 1 : h_samp;
    out->max_v_samp = gray ? 1 : v_samp;
    const uint32_t mh = (uint32_t)out->max_h_samp, mv = (uint32_t)out->max_v_samp;
    const uint32_t mcus_x = div_up(width, 8u * mh), mcus_y = div_up(height, 8u * mv);
    for (int i = 0; i < out->num_components; i++) {
        pxc_jpeg_component *c = &out->comp[i];
        c->h_samp = i == 0 ? (int)mh : 1;
        c->v_samp = i == 0 ? (int)mv : 1;
        const uint32_t h = (uint32_t)c->h_samp, v = (uint32_t)c->v_samp;
        c->width = div_up((uint64_t)width * h, mh);
        c->height = div_up((uint64_t)height * v, mv);
        c->width_in_blocks = div_up((uint64_t)width * h, 8u * mh);
        c->height_in_blocks = div_up((uint64_t)height * v, 8u * mv);
        /* one component alone is coded in MCUs of one block (no padding beyond whole blocks) */
        c->padded_blocks_w = out->num_components == 1 ? c->width_in_blocks : mcus_x * h;
        c->padded_blocks_h = out->num_components == 1 ? c->height_in_blocks : mcus_y * v;
        memcpy(c->quant, i == 0 ? luma : chroma, sizeof(c->quant));
        c->coef = NULL;
    }
    return PXC_OK;
}

void pxc_jpeg_enc_image_from_coefs(const pxc_jpeg_coefs *c, const uint8_t *pixels, size_t stride,
                                   int in_channels, int bgr, pxc_jpeg_gpu_enc_image *img)
{
    memset(img, 0, sizeof(*img));
    img->pixels = pixels;
    img->stride = stride;
    img->width = c->width;
    img->height = c->height;
    img->in_channels = in_channels;
    img->bgr = bgr;
    img->num_components = c->num_components;
    img->max_h_samp = c->max_h_samp;
    img->max_v_samp = c->max_v_samp;
    for (int i = 0; i < c->num_components && i < 3; i++) {
        img->comp[i].h_samp = c->comp[i].h_samp;
        img->comp[i].v_samp = c->comp[i].v_samp;
        img->comp[i].width_in_blocks = c->comp[i].width_in_blocks;
        img->comp[i].height_in_blocks = c->comp[i].height_in_blocks;
        img->comp[i].padded_blocks_w = c->comp[i].padded_blocks_w;
        img->comp[i].padded_blocks_h = c->comp[i].padded_blocks_h;
    }
}

void pxc_jpeg_enc_coefs_free(pxc_jpeg_coefs *c)
{
    if (!c) return;
    for (int i = 0; i < PXC_JPEG_MAX_COMPONENTS; i++) {
        free(c->comp[i].coef);
        c->comp[i].coef = NULL;
    }
}

/* ---- the reference encode ---- */

pxc_status pxc_jpeg_ref_encode_coefs(const uint8_t *pixels, size_t stride, uint32_t width, uint32_t height,
                                     int in_channels, int bgr, int gray_out, int h_samp, int v_samp,
                                     int quality, pxc_jpeg_coefs *out, pxc_err *err)
{
    if (!pixels) return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "no input pixels");
    pxc_status st = pxc_jpeg_enc_geometry(width, height, in_channels, gray_out, h_samp, v_samp, quality, out, err);
    if (st) return st;
    if (stride < (size_t)width * (size_t)in_channels)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "row stride %zu is less than %u pixels of %d bytes",
                           stride, width, in_channels);

    pxc_jpeg_gpu_enc_image img;
    pxc_jpeg_enc_image_from_coefs(out, pixels, stride, in_channels, bgr, &img);
    uint8_t *planes[3] = {NULL, NULL, NULL};
    for (int i = 0; i < out->num_components; i++) {
        pxc_jpeg_component *c = &out->comp[i];
        const size_t pw = (size_t)c->width_in_blocks * 8, ph = (size_t)c->height_in_blocks * 8;
        const size_t nblocks = (size_t)c->padded_blocks_w * c->padded_blocks_h;
        planes[i] = (uint8_t *)malloc(pw * ph);
        c->coef = (int16_t *)malloc(nblocks * 64 * sizeof(int16_t));
        if (!planes[i] || !c->coef) {
            st = pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "no memory for a %zux%zu JPEG component", pw, ph);
            goto done;
        }
        img.comp[i].plane = planes[i];
        img.comp[i].plane_stride = pw;
        img.comp[i].coef = c->coef;
        img.comp[i].quant = c->quant;
    }

    /* stage 1: colour conversion + downsampling, one sample at a time (the sample kernel) */
    for (int i = 0; i < out->num_components; i++) {
        const pxc_jpeg_gpu_enc_comp *gc = &img.comp[i];
        for (uint32_t y = 0; y < gc->height_in_blocks * 8; y++)
            for (uint32_t x = 0; x < gc->width_in_blocks * 8; x++)
                gc->plane[(size_t)y * gc->plane_stride + x] = (uint8_t)pxc_jpeg_enc_sample(&img, i, x, y);
    }
    /* stage 2: forward DCT + quantisation, one block at a time (the block kernel) */
    for (int i = 0; i < out->num_components; i++) {
        const pxc_jpeg_gpu_enc_comp *gc = &img.comp[i];
        pxc_jpeg_qdiv div[64];
        for (int k = 0; k < 64; k++) div[k] = pxc_jpeg_quant_divisor(gc->quant[k]);
        for (uint32_t by = 0; by < gc->padded_blocks_h; by++)
            for (uint32_t bx = 0; bx < gc->padded_blocks_w; bx++)
                pxc_jpeg_enc_block(&img, i, bx, by, div, gc->coef + ((size_t)by * gc->padded_blocks_w + bx) * 64);
    }
done:
    for (int i = 0; i < 3; i++) free(planes[i]);
    if (st) pxc_jpeg_enc_coefs_free(out);
    return st;
}

/* ---- entropy coding with libjpeg-turbo ---- */

/* libjpeg destination appending to a pxc_outbuf. */
typedef struct enc_dest {
    struct jpeg_destination_mgr pub;
    pxc_outbuf *out;
    enc_jerr *jerr;
    pxc_err *err;
} enc_dest;

#define ENC_DEST_CHUNK 65536

/* Makes room for another chunk and points libjpeg at it; jumps out when the buffer cannot grow. */
static void enc_dest_grow(j_compress_ptr c)
{
    enc_dest *d = (enc_dest *)c->dest;
    uint8_t *p = pxc_outbuf_reserve(d->out, ENC_DEST_CHUNK, d->err);
    if (!p) {
        d->jerr->status = d->err && d->err->status ? d->err->status : PXC_ERROR_OUT_OF_MEMORY;
        pxc_strlcpy(d->jerr->msg, d->err && d->err->msg[0] ? d->err->msg : "the output buffer cannot grow",
                    sizeof(d->jerr->msg));
        longjmp(d->jerr->jump, 1);
    }
    d->pub.next_output_byte = p;
    d->pub.free_in_buffer = d->out->capacity - d->out->size;
}

/* init_destination: the first chunk. */
static void enc_dest_init(j_compress_ptr c)
{
    enc_dest_grow(c);
}

/* empty_output_buffer: the whole reserved area was filled; reserve more. */
static boolean enc_dest_empty(j_compress_ptr c)
{
    enc_dest *d = (enc_dest *)c->dest;
    d->out->size = d->out->capacity;
    enc_dest_grow(c);
    return TRUE;
}

/* term_destination: counts the bytes written into the last chunk. */
static void enc_dest_term(j_compress_ptr c)
{
    enc_dest *d = (enc_dest *)c->dest;
    d->out->size = d->out->capacity - d->pub.free_in_buffer;
}

/* Checks that c is something write_coefs can code. */
static pxc_status check_coefs(const pxc_jpeg_coefs *c, pxc_err *err)
{
    if (!c) return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "no coefficients");
    if (!((c->colorspace == PXC_JPEG_CS_GRAY && c->num_components == 1) ||
          (c->colorspace == PXC_JPEG_CS_YCBCR && c->num_components == 3)))
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "JPEG coefficient coding takes gray (1 component) or YCbCr (3 components), "
                           "not colour space %d with %d components", (int)c->colorspace, c->num_components);
    if (c->width == 0 || c->height == 0 || c->width > JPEG_MAX_DIMENSION || c->height > JPEG_MAX_DIMENSION)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "JPEG image size %ux%u is outside 1..%ld", c->width,
                           c->height, (long)JPEG_MAX_DIMENSION);
    for (int i = 0; i < c->num_components; i++) {
        const pxc_jpeg_component *p = &c->comp[i];
        if (!p->coef) return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "component %d has no coefficients", i);
        if (p->h_samp < 1 || p->h_samp > 4 || p->v_samp < 1 || p->v_samp > 4)
            return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "component %d sampling %dx%d is outside 1..4", i,
                               p->h_samp, p->v_samp);
        for (int k = 0; k < 64; k++)
            if (p->quant[k] == 0)
                return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "component %d has a quantisation step of 0", i);
    }
    return PXC_OK;
}

/* State of one write_coefs call, kept outside the setjmp frame. */
typedef struct write_state {
    struct jpeg_compress_struct ci;
    enc_jerr jerr;
    enc_dest dest;
} write_state;

/* Runs after setjmp; any libjpeg error jumps back to pxc_jpeg_write_coefs. */
static void write_body(write_state *s, const pxc_jpeg_coefs *c, int optimize_huffman, int progressive)
{
    j_compress_ptr ci = &s->ci;
    jpeg_create_compress(ci);
    ci->dest = &s->dest.pub;
    ci->image_width = c->width;
    ci->image_height = c->height;
    ci->input_components = c->num_components;
    ci->in_color_space = c->num_components == 1 ? JCS_GRAYSCALE : JCS_YCbCr;
    jpeg_set_defaults(ci); /* JFIF header, component ids, Huffman table choice for this colour space */
    ci->dct_method = JDCT_ISLOW;
    ci->optimize_coding = optimize_huffman ? TRUE : FALSE;
    ci->restart_interval = (unsigned int)c->restart_interval;

    /* quantisation tables as libjpeg assigns them: slot 0 for luma, the chroma components share
     * slot 1 when their tables are equal (even when luma's is equal too, as at quality 100) */
    int ntables = 0;
    int slot_of[PXC_JPEG_MAX_COMPONENTS];
    for (int i = 0; i < c->num_components; i++) {
        int slot = -1;
        for (int j = 1; j < i && slot < 0; j++)
            if (memcmp(c->comp[j].quant, c->comp[i].quant, sizeof(c->comp[i].quant)) == 0) slot = slot_of[j];
        if (slot < 0) {
            unsigned int basic[64];
            for (int k = 0; k < 64; k++) basic[k] = c->comp[i].quant[k];
            slot = ntables++;
            /* scale 100 keeps the steps as they are; no clamping to 255 */
            jpeg_add_quant_table(ci, slot, basic, 100, FALSE);
        }
        slot_of[i] = slot;
        jpeg_component_info *comp = &ci->comp_info[i];
        comp->h_samp_factor = c->comp[i].h_samp;
        comp->v_samp_factor = c->comp[i].v_samp;
        comp->quant_tbl_no = slot;
    }
    if (progressive) jpeg_simple_progression(ci);

    /* coefficient arrays as jpegtran makes them: rounded up to whole MCU rows and columns */
    jvirt_barray_ptr arrays[PXC_JPEG_MAX_COMPONENTS];
    uint32_t aw[PXC_JPEG_MAX_COMPONENTS], ah[PXC_JPEG_MAX_COMPONENTS];
    const uint32_t mh = (uint32_t)c->max_h_samp, mv = (uint32_t)c->max_v_samp;
    for (int i = 0; i < c->num_components; i++) {
        const pxc_jpeg_component *p = &c->comp[i];
        const uint32_t h = (uint32_t)p->h_samp, v = (uint32_t)p->v_samp;
        const uint32_t wib = div_up((uint64_t)c->width * h, 8u * mh);
        const uint32_t hib = div_up((uint64_t)c->height * v, 8u * mv);
        aw[i] = div_up(wib, h) * h;
        ah[i] = div_up(hib, v) * v;
        arrays[i] = ci->mem->request_virt_barray((j_common_ptr)ci, JPOOL_IMAGE, TRUE, aw[i], ah[i], (JDIMENSION)v);
    }
    jpeg_write_coefficients(ci, arrays); /* realises the arrays and writes SOI + JFIF */

    for (int i = 0; i < c->num_components; i++) {
        const pxc_jpeg_component *p = &c->comp[i];
        const uint32_t rows = ah[i] < p->padded_blocks_h ? ah[i] : p->padded_blocks_h;
        const uint32_t cols = aw[i] < p->padded_blocks_w ? aw[i] : p->padded_blocks_w;
        for (uint32_t by = 0; by < rows; by++) {
            JBLOCKARRAY row = ci->mem->access_virt_barray((j_common_ptr)ci, arrays[i], by, 1, TRUE);
            const int16_t *src = p->coef + (size_t)by * p->padded_blocks_w * 64;
            for (uint32_t bx = 0; bx < cols; bx++)
                for (int k = 0; k < 64; k++) row[0][bx][k] = (JCOEF)src[(size_t)bx * 64 + (size_t)k];
        }
    }
    jpeg_finish_compress(ci);
}

pxc_status pxc_jpeg_write_coefs(const pxc_jpeg_coefs *c, int optimize_huffman, int progressive, pxc_outbuf *out,
                                pxc_err *err)
{
    pxc_status st = check_coefs(c, err);
    if (st) return st;
    if (!out) return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "no output buffer");
    write_state *s = (write_state *)calloc(1, sizeof(*s));
    if (!s) return pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "no memory for the JPEG compressor");
    s->ci.err = enc_jerr_init(&s->jerr);
    s->dest.pub.init_destination = enc_dest_init;
    s->dest.pub.empty_output_buffer = enc_dest_empty;
    s->dest.pub.term_destination = enc_dest_term;
    s->dest.out = out;
    s->dest.jerr = &s->jerr;
    s->dest.err = err;
    if (setjmp(s->jerr.jump) == 0)
        write_body(s, c, optimize_huffman, progressive);
    else
        st = pxc_err_set(err, s->jerr.status ? s->jerr.status : PXC_ERROR_INTERNAL,
                         "JPEG entropy coding: %s", s->jerr.msg);
    jpeg_destroy_compress(&s->ci);
    free(s);
    return st;
}
