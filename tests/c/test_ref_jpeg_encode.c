/*
 * Tests the CPU reference of the GPU JPEG encoder (encode_ref.c / encode_math.h) against
 * libjpeg-turbo itself:
 *  (a) the quantised coefficients of pxc_jpeg_ref_encode_coefs equal, one for one and including
 *      the dummy blocks that complete MCUs, those libjpeg-turbo's own encoder (jpeg_write_scanlines,
 *      JDCT_ISLOW, jpeg_set_quality(q, TRUE), same sampling) codes, read back with
 *      jpeg_read_coefficients;
 *  (b) pxc_jpeg_write_coefs's stream decodes (jpeg_read_scanlines) to exactly the pixels of
 *      libjpeg-turbo's own stream, and whether the bytes are identical is counted.
 * Images are made here: gradients, noise and photo-like patterns, gray, RGB, BGR, RGBA, BGRA and
 * RGB coded as gray; 4:4:4, 4:2:2, 4:2:0, 4:4:0, 4:1:1; several qualities; Huffman optimisation
 * and progressive mode on and off.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "codecs/jpeg/gpu/encode_ref.h"
#include "test.h"

/* ---- libjpeg error handling for the test's own encodes and decodes ---- */

/* Error manager that jumps back to the test on any libjpeg error. */
typedef struct t_jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
} t_jerr;

/* error_exit: keeps the message and jumps back. */
static void t_error_exit(j_common_ptr c)
{
    t_jerr *e = (t_jerr *)c->err;
    c->err->format_message(c, e->msg);
    longjmp(e->jump, 1);
}

/* ---- test images ---- */

/* Deterministic 32-bit pseudo-random numbers (xorshift). */
static uint32_t rnd(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* Fills w x h pixels of ch channels (rows stride bytes apart): pattern 0 gradients, 1 noise,
 * 2 photo-like (smooth shading, a few hard-edged shapes, mild noise). */
static void make_image(uint8_t *px, size_t stride, uint32_t w, uint32_t h, int ch, int pattern, uint32_t seed)
{
    uint32_t s = seed * 2654435761u + 12345u;
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            uint8_t *p = px + (size_t)y * stride + (size_t)x * (size_t)ch;
            for (int c = 0; c < ch; c++) {
                int v;
                if (pattern == 0) {
                    v = (int)((x * 255u) / (w > 1 ? w - 1 : 1) * (uint32_t)(c + 1) / 3u +
                              (y * 255u) / (h > 1 ? h - 1 : 1) * (uint32_t)(3 - c) / 4u) & 255;
                } else if (pattern == 1) {
                    v = (int)(rnd(&s) >> 24);
                } else {
                    int dx = (int)x - (int)w / 3, dy = (int)y - (int)h / 2;
                    int r2 = dx * dx + dy * dy, rr = (int)(w * w + h * h) / 20 + 1;
                    v = 60 + (int)((x * 97u + y * 53u) % 120u) / 2 + c * 25;
                    if (r2 < rr) v = 220 - c * 60 - r2 * 40 / rr;            /* a shaded disc */
                    if (x > w / 2 && y > h / 3 && y < h / 3 + h / 4 + 1) v = 20 + c * 10; /* a dark bar */
                    v += (int)(rnd(&s) % 9u) - 4;
                    if (v < 0) v = 0;
                    if (v > 255) v = 255;
                }
                p[c] = (uint8_t)v;
            }
        }
    }
}

/* ---- libjpeg-turbo's own encode and decodes ---- */

/* One encode's settings. */
typedef struct enc_case {
    int in_channels, bgr, gray_out, h_samp, v_samp, quality, optimize, progressive;
} enc_case;

/* Encodes with jpeg_write_scanlines as src/codecs/jpeg/turbo.c does; *out is malloc'ed. */
static int turbo_encode(const uint8_t *px, size_t stride, uint32_t w, uint32_t h, const enc_case *k,
                        unsigned char **out, unsigned long *out_size)
{
    struct jpeg_compress_struct ci;
    t_jerr je;
    memset(&ci, 0, sizeof(ci));
    ci.err = jpeg_std_error(&je.pub);
    je.pub.error_exit = t_error_exit;
    *out = NULL;
    *out_size = 0;
    if (setjmp(je.jump)) {
        fprintf(stderr, "libjpeg encode: %s\n", je.msg);
        jpeg_destroy_compress(&ci);
        free(*out);
        *out = NULL;
        return 0;
    }
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, out, out_size);
    ci.image_width = w;
    ci.image_height = h;
    ci.input_components = k->in_channels;
    ci.in_color_space = k->in_channels == 1 ? JCS_GRAYSCALE
                        : k->in_channels == 3 ? (k->bgr ? JCS_EXT_BGR : JCS_EXT_RGB)
                                              : (k->bgr ? JCS_EXT_BGRA : JCS_EXT_RGBA);
    jpeg_set_defaults(&ci);
    const int gray = k->gray_out || k->in_channels == 1;
    if (gray && k->in_channels != 1) jpeg_set_colorspace(&ci, JCS_GRAYSCALE);
    jpeg_set_quality(&ci, k->quality, TRUE);
    ci.dct_method = JDCT_ISLOW;
    ci.optimize_coding = k->optimize ? TRUE : FALSE;
    if (!gray) {
        ci.comp_info[0].h_samp_factor = k->h_samp;
        ci.comp_info[0].v_samp_factor = k->v_samp;
        for (int c = 1; c < 3; c++) ci.comp_info[c].h_samp_factor = ci.comp_info[c].v_samp_factor = 1;
    }
    if (k->progressive) jpeg_simple_progression(&ci);
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < ci.image_height) {
        JSAMPROW row = (JSAMPROW)(px + (size_t)ci.next_scanline * stride);
        jpeg_write_scanlines(&ci, &row, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    return 1;
}

/* Coefficient comparison counts. */
typedef struct coef_stats {
    uint64_t coefs, mismatched, blocks, dummy_blocks, geometry_errors;
} coef_stats;

/* Reads the coefficients of a JPEG with jpeg_read_coefficients and compares them, the geometry and
 * the quantisation tables with ours (every block of the padded grid). Returns 1 when all equal. */
static int compare_coefs(const unsigned char *jpg, unsigned long size, const pxc_jpeg_coefs *ours,
                         coef_stats *st, const char *what)
{
    struct jpeg_decompress_struct di;
    t_jerr je;
    memset(&di, 0, sizeof(di));
    di.err = jpeg_std_error(&je.pub);
    je.pub.error_exit = t_error_exit;
    if (setjmp(je.jump)) {
        fprintf(stderr, "%s: libjpeg read_coefficients: %s\n", what, je.msg);
        jpeg_destroy_decompress(&di);
        st->geometry_errors++;
        return 0;
    }
    jpeg_create_decompress(&di);
    jpeg_mem_src(&di, jpg, size);
    jpeg_read_header(&di, TRUE);
    jvirt_barray_ptr *arrays = jpeg_read_coefficients(&di);
    int ok = 1;
    if (di.num_components != ours->num_components || di.max_h_samp_factor != ours->max_h_samp ||
        di.max_v_samp_factor != ours->max_v_samp) {
        fprintf(stderr, "%s: %d components %dx%d max sampling, ours %d %dx%d\n", what, di.num_components,
                di.max_h_samp_factor, di.max_v_samp_factor, ours->num_components, ours->max_h_samp,
                ours->max_v_samp);
        st->geometry_errors++;
        ok = 0;
    }
    for (int i = 0; ok && i < di.num_components; i++) {
        const jpeg_component_info *ti = &di.comp_info[i];
        const pxc_jpeg_component *oc = &ours->comp[i];
        const uint32_t tw = (uint32_t)((ti->width_in_blocks + (JDIMENSION)ti->h_samp_factor - 1) /
                                       (JDIMENSION)ti->h_samp_factor * (JDIMENSION)ti->h_samp_factor);
        const uint32_t th = (uint32_t)((ti->height_in_blocks + (JDIMENSION)ti->v_samp_factor - 1) /
                                       (JDIMENSION)ti->v_samp_factor * (JDIMENSION)ti->v_samp_factor);
        if (ti->h_samp_factor != oc->h_samp || ti->v_samp_factor != oc->v_samp ||
            ti->width_in_blocks != oc->width_in_blocks || ti->height_in_blocks != oc->height_in_blocks ||
            ti->downsampled_width != oc->width || ti->downsampled_height != oc->height ||
            tw != oc->padded_blocks_w || th != oc->padded_blocks_h) {
            fprintf(stderr, "%s: component %d geometry differs: libjpeg %dx%d %ux%u blocks %ux%u (%ux%u), ours %dx%d "
                    "%ux%u blocks %ux%u (%ux%u)\n", what, i, ti->h_samp_factor, ti->v_samp_factor,
                    ti->downsampled_width, ti->downsampled_height, ti->width_in_blocks, ti->height_in_blocks, tw, th,
                    oc->h_samp, oc->v_samp, oc->width, oc->height, oc->width_in_blocks, oc->height_in_blocks,
                    oc->padded_blocks_w, oc->padded_blocks_h);
            st->geometry_errors++;
            ok = 0;
            break;
        }
        for (int k = 0; k < 64; k++)
            if (ti->quant_table->quantval[k] != oc->quant[k]) {
                fprintf(stderr, "%s: component %d quantisation step %d: libjpeg %u ours %u\n", what, i, k,
                        ti->quant_table->quantval[k], oc->quant[k]);
                st->geometry_errors++;
                ok = 0;
                break;
            }
        uint64_t bad_here = 0;
        for (uint32_t by = 0; by < th; by++) {
            JBLOCKARRAY row = di.mem->access_virt_barray((j_common_ptr)&di, arrays[i], by, 1, FALSE);
            for (uint32_t bx = 0; bx < tw; bx++) {
                const int16_t *o = oc->coef + ((size_t)by * oc->padded_blocks_w + bx) * 64;
                int bad_block = 0;
                for (int k = 0; k < 64; k++) {
                    st->coefs++;
                    if (row[0][bx][k] != o[k]) {
                        st->mismatched++;
                        if (bad_here++ < 3)
                            fprintf(stderr, "%s: component %d block (%u,%u)%s coef %d: libjpeg %d ours %d\n", what, i,
                                    bx, by, (bx >= oc->width_in_blocks || by >= oc->height_in_blocks) ? " (dummy)" : "",
                                    k, row[0][bx][k], o[k]);
                        bad_block = 1;
                    }
                }
                st->blocks++;
                if (bx >= oc->width_in_blocks || by >= oc->height_in_blocks) st->dummy_blocks++;
                if (bad_block) ok = 0;
            }
        }
    }
    jpeg_finish_decompress(&di);
    jpeg_destroy_decompress(&di);
    return ok;
}

/* Decodes a JPEG with jpeg_read_scanlines (JDCT_ISLOW, RGB or gray out); *px is malloc'ed. */
static int turbo_decode(const unsigned char *jpg, unsigned long size, uint8_t **px, size_t *px_size)
{
    struct jpeg_decompress_struct di;
    t_jerr je;
    memset(&di, 0, sizeof(di));
    di.err = jpeg_std_error(&je.pub);
    je.pub.error_exit = t_error_exit;
    *px = NULL;
    if (setjmp(je.jump)) {
        fprintf(stderr, "libjpeg decode: %s\n", je.msg);
        jpeg_destroy_decompress(&di);
        free(*px);
        *px = NULL;
        return 0;
    }
    jpeg_create_decompress(&di);
    jpeg_mem_src(&di, jpg, size);
    jpeg_read_header(&di, TRUE);
    di.out_color_space = di.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    di.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&di);
    const size_t row = (size_t)di.output_width * (size_t)di.output_components;
    *px_size = row * di.output_height;
    *px = (uint8_t *)malloc(*px_size);
    while (di.output_scanline < di.output_height) {
        JSAMPROW r = *px + (size_t)di.output_scanline * row;
        jpeg_read_scanlines(&di, &r, 1);
    }
    jpeg_finish_decompress(&di);
    jpeg_destroy_decompress(&di);
    return 1;
}

/* ---- quantiser check ---- */

/* Compares the reciprocal quantiser with plain rounded division ((|v| + d/2) / d, sign restored)
 * over every 16-bit |v| (the DCT's outputs are 16-bit) and steps 1..255; returns how many results differ (for the report: libjpeg-turbo
 * uses the reciprocal form, which test (a) shows equal to the library). */
static uint64_t quantiser_vs_division(void)
{
    uint64_t diff = 0;
    for (unsigned q = 1; q <= 255; q++) {
        pxc_jpeg_qdiv d = pxc_jpeg_quant_divisor(q);
        const int32_t dv = (int32_t)q * 8;
        for (int32_t v = -32767; v <= 32767; v++) {
            int32_t a = v < 0 ? -v : v;
            int32_t t = (a + dv / 2) / dv;
            if (v < 0) t = -t;
            if (pxc_jpeg_quantize(v, d) != t) diff++;
        }
    }
    return diff;
}

/* ---- the sweep ---- */

int main(void)
{
    static const uint32_t sizes[][2] = {{1, 1}, {8, 8}, {7, 5}, {17, 9}, {33, 31}, {640, 481}};
    /* in_channels, bgr, gray_out */
    static const int inputs[][3] = {{1, 0, 0}, {3, 0, 0}, {3, 1, 0}, {4, 0, 0}, {4, 1, 0}, {3, 0, 1}};
    static const char *input_names[] = {"gray", "RGB", "BGR", "RGBA", "BGRA", "RGB->gray"};
    static const int samplings[][2] = {{1, 1}, {2, 1}, {2, 2}, {1, 2}, {4, 1}};
    static const int qualities[] = {1, 50, 75, 95, 100};
    const int nsizes = (int)(sizeof(sizes) / sizeof(sizes[0]));

    coef_stats cs;
    memset(&cs, 0, sizeof(cs));
    uint64_t encodes = 0, coef_ok = 0, streams = 0, pixels_equal = 0, bytes_equal = 0, pixel_values = 0,
             pixel_diffs = 0, errors = 0;
    uint32_t seed = 1;

    for (int si = 0; si < nsizes; si++) {
        const uint32_t w = sizes[si][0], h = sizes[si][1];
        const int big = w * h > 100000;
        for (int ii = 0; ii < 6; ii++) {
            const int ch = inputs[ii][0];
            const size_t stride = (size_t)w * (size_t)ch + 3; /* rows not packed */
            uint8_t *px = (uint8_t *)malloc(stride * h);
            const int gray = inputs[ii][2] || ch == 1;
            for (int pat = 0; pat < 3; pat++) {
                if (big && pat != (ii % 3)) continue; /* the big image: one pattern per input */
                make_image(px, stride, w, h, ch, pat, seed++);
                for (int ssi = 0; ssi < (gray ? 1 : 5); ssi++) {
                    for (int qi = 0; qi < 5; qi++) {
                        enc_case k;
                        k.in_channels = ch;
                        k.bgr = inputs[ii][1];
                        k.gray_out = inputs[ii][2];
                        k.h_samp = samplings[ssi][0];
                        k.v_samp = samplings[ssi][1];
                        k.quality = qualities[qi];
                        char what[160];
                        snprintf(what, sizeof(what), "%ux%u %s pattern %d sampling %dx%d q%d", w, h, input_names[ii],
                                 pat, k.h_samp, k.v_samp, k.quality);

                        pxc_jpeg_coefs ours;
                        pxc_err err;
                        pxc_err_clear(&err);
                        pxc_status st = pxc_jpeg_ref_encode_coefs(px, stride, w, h, ch, k.bgr, k.gray_out, k.h_samp,
                                                                  k.v_samp, k.quality, &ours, &err);
                        CHECK_MSG(st == PXC_OK, "%s: reference encode: %s", what, err.msg);
                        if (st) {
                            errors++;
                            continue;
                        }
                        for (int mode = 0; mode < 4; mode++) {
                            k.optimize = mode & 1;
                            k.progressive = (mode >> 1) & 1;
                            char whatm[200];
                            snprintf(whatm, sizeof(whatm), "%s opt %d prog %d", what, k.optimize, k.progressive);
                            unsigned char *ref = NULL;
                            unsigned long ref_size = 0;
                            encodes++;
                            if (!turbo_encode(px, stride, w, h, &k, &ref, &ref_size)) {
                                CHECK_MSG(0, "%s: libjpeg encode failed", whatm);
                                errors++;
                                continue;
                            }
                            /* (a) coefficients */
                            int cok = compare_coefs(ref, ref_size, &ours, &cs, whatm);
                            CHECK_MSG(cok, "%s: coefficients differ from libjpeg-turbo's", whatm);
                            coef_ok += (uint64_t)cok;

                            /* (b) our entropy coding */
                            pxc_outbuf ob;
                            pxc_outbuf_init(&ob, NULL);
                            pxc_err_clear(&err);
                            st = pxc_jpeg_write_coefs(&ours, k.optimize, k.progressive, &ob, &err);
                            CHECK_MSG(st == PXC_OK, "%s: write_coefs: %s", whatm, err.msg);
                            if (st == PXC_OK) {
                                streams++;
                                if (ob.size == ref_size && memcmp(ob.data, ref, ref_size) == 0) bytes_equal++;
                                uint8_t *a = NULL, *b = NULL;
                                size_t an = 0, bn = 0;
                                int da = turbo_decode(ref, ref_size, &a, &an);
                                int db = turbo_decode(ob.data, ob.size, &b, &bn);
                                CHECK_MSG(da && db, "%s: decode failed", whatm);
                                if (da && db) {
                                    uint64_t nd = 0;
                                    if (an != bn)
                                        nd = an > bn ? an : bn;
                                    else
                                        for (size_t i = 0; i < an; i++) nd += a[i] != b[i];
                                    pixel_values += an;
                                    pixel_diffs += nd;
                                    CHECK_MSG(nd == 0, "%s: %llu decoded values differ", whatm, (unsigned long long)nd);
                                    pixels_equal += nd == 0;
                                } else {
                                    errors++;
                                }
                                free(a);
                                free(b);
                            } else {
                                errors++;
                            }
                            pxc_outbuf_free(&ob);
                            free(ref);
                        }
                        pxc_jpeg_enc_coefs_free(&ours);
                    }
                }
            }
            free(px);
        }
    }

    /* argument checks */
    {
        pxc_jpeg_coefs c;
        pxc_err err;
        uint8_t one[4] = {1, 2, 3, 4};
        uint16_t l[64], cq[64];
        pxc_err_clear(&err);
        CHECK_STATUS(pxc_jpeg_quant_tables(0, l, cq, &err), PXC_ERROR_INVALID_ARGUMENT);
        pxc_err_clear(&err);
        CHECK_STATUS(pxc_jpeg_ref_encode_coefs(one, 3, 1, 1, 3, 0, 0, 3, 1, 75, &c, &err), PXC_OK);
        pxc_jpeg_enc_coefs_free(&c);
        pxc_err_clear(&err);
        CHECK_STATUS(pxc_jpeg_ref_encode_coefs(one, 3, 1, 1, 3, 0, 0, 4, 4, 75, &c, &err),
                     PXC_ERROR_UNSUPPORTED_FEATURE);
        pxc_err_clear(&err);
        CHECK_STATUS(pxc_jpeg_ref_encode_coefs(one, 3, 1, 1, 2, 0, 0, 1, 1, 75, &c, &err), PXC_ERROR_INVALID_ARGUMENT);
        pxc_err_clear(&err);
        CHECK_STATUS(pxc_jpeg_ref_encode_coefs(one, 3, 1, 1, 3, 0, 0, 1, 1, 75, &c, &err), PXC_OK);
        c.colorspace = PXC_JPEG_CS_CMYK;
        pxc_outbuf ob;
        pxc_outbuf_init(&ob, NULL);
        pxc_err_clear(&err);
        CHECK_STATUS(pxc_jpeg_write_coefs(&c, 0, 0, &ob, &err), PXC_ERROR_UNSUPPORTED_FEATURE);
        CHECK(strstr(err.msg, "YCbCr") != NULL);
        pxc_outbuf_free(&ob);
        pxc_jpeg_enc_coefs_free(&c);
    }

    uint64_t qdiff = quantiser_vs_division();
    printf("quantiser: reciprocal form (what libjpeg-turbo runs) vs plain rounded division: %llu of %llu results "
           "differ\n", (unsigned long long)qdiff, 255ull * 65535ull);
    printf("summary: %llu libjpeg-turbo encodes; (a) coefficients: %llu/%llu streams equal, %llu coefficients "
           "in %llu blocks (%llu dummy) compared, %llu differ, %llu geometry/table errors; (b) %llu streams from "
           "write_coefs: %llu decode to identical pixels (%llu of %llu values differ), %llu byte-identical to "
           "libjpeg-turbo's; %llu other errors\n",
           (unsigned long long)encodes, (unsigned long long)coef_ok, (unsigned long long)encodes,
           (unsigned long long)cs.coefs, (unsigned long long)cs.blocks, (unsigned long long)cs.dummy_blocks,
           (unsigned long long)cs.mismatched, (unsigned long long)cs.geometry_errors, (unsigned long long)streams,
           (unsigned long long)pixels_equal, (unsigned long long)pixel_diffs, (unsigned long long)pixel_values,
           (unsigned long long)bytes_equal, (unsigned long long)errors);
    CHECK(cs.mismatched == 0 && cs.geometry_errors == 0 && errors == 0);
    return pxc_test_summary("test_ref_jpeg_encode");
}
