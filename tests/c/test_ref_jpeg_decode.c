/*
 * CPU reference of the GPU JPEG decode stages (src/codecs/jpeg/gpu/decode_ref.c, decode_math.h)
 * against libjpeg-turbo itself: JPEGs of many sizes, subsamplings, colour spaces, qualities and
 * codings are built in memory with libjpeg's compressor, then decoded both by
 * pxc_jpeg_coefs_read_turbo + pxc_jpeg_ref_decode and by jpeg_read_scanlines (JDCT_ISLOW, fancy
 * upsampling on and off, the matching out_color_space); the samples must be equal. Also checks
 * coefficient streams with out-of-range values (the IDCT's range limiter) and that corrupt or
 * truncated data gives a clean error.
 *
 * libjpeg-turbo's SIMD IDCT saturates where its C code wraps (only for coefficients no 8-bit
 * encoder produces), so the test runs itself a second time with JSIMD_FORCENONE=1: there the
 * out-of-range streams must match exactly as well.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jpeglib.h>
#include <jerror.h>

#include "codecs/jpeg/gpu/decode_ref.h"
#include "test.h"

/* ---- libjpeg error handling for the test's own compress / decompress calls ---- */

/* Error manager that jumps back to the caller with libjpeg's message. */
typedef struct t_err {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
} t_err;

/* error_exit: formats the message and jumps back. */
static void t_error_exit(j_common_ptr c)
{
    t_err *e = (t_err *)c->err;
    c->err->format_message(c, e->msg);
    longjmp(e->jump, 1);
}

/* emit_message: silent (the test looks at results, not warnings). */
static void t_emit(j_common_ptr c, int level)
{
    (void)c;
    (void)level;
}

/* ---- test images ---- */

/* How the encoded test image is built. */
typedef struct enc_cfg {
    uint32_t w, h;
    J_COLOR_SPACE jcs; /* colour space stored in the JPEG */
    int hs[4], vs[4];  /* sampling factors; 0: libjpeg's default for jcs */
    int quality;
    int baseline;      /* force_baseline for the quantisation tables */
    int progressive, restart, arith, optimize;
    int no_adobe;      /* CMYK without Adobe marker */
    int content;       /* 0 gradient, 1 noise, 2 photo-like */
} enc_cfg;

/* A scan script encode_pixels uses when set (run_unrefined). */
static const jpeg_scan_info *g_scans;
static int g_num_scans;

static uint32_t rng_state = 12345;

/* Fills w x h pixels of nch samples with the content kind of @p cfg. */
static void make_pixels(const enc_cfg *cfg, int nch, uint8_t *px)
{
    for (uint32_t y = 0; y < cfg->h; y++)
        for (uint32_t x = 0; x < cfg->w; x++)
            for (int c = 0; c < nch; c++) {
                int v;
                if (cfg->content == 0) {
                    v = (int)((x * 255u) / (cfg->w > 1 ? cfg->w - 1 : 1) + (y * 3u) + (uint32_t)c * 60u) & 255;
                    if (c == 1) v = (int)((y * 255u) / (cfg->h > 1 ? cfg->h - 1 : 1));
                } else if (cfg->content == 1) {
                    v = (int)(pxc_test_rand(&rng_state) & 255u);
                } else {
                    /* smooth waves, a hard-edged disc and a little noise */
                    int dx = (int)x - (int)cfg->w / 2, dy = (int)y - (int)cfg->h / 3;
                    int disc = dx * dx + dy * dy < (int)(cfg->w * cfg->w / 16) ? 90 : 0;
                    v = 128 + (int)(((x * 7 + y * 3 + (uint32_t)c * 50) % 160)) - 80 + disc - 45 +
                        (int)(pxc_test_rand(&rng_state) % 9) - 4;
                    if ((x / 5 + y / 7) % 11 == 0) v = c == 2 ? 250 : 5;
                    v = v < 0 ? 0 : (v > 255 ? 255 : v);
                }
                px[((size_t)y * cfg->w + x) * (size_t)nch + (size_t)c] = (uint8_t)v;
            }
}

/* Compresses the nch-sample pixels px as @p cfg says; returns the JPEG (malloc'ed by libjpeg) or
 * NULL with libjpeg's message in @p why. */
static unsigned char *encode_pixels(const enc_cfg *cfg, const uint8_t *px, int nch, unsigned long *size, char *why)
{
    struct jpeg_compress_struct ci;
    t_err e;
    unsigned char *buf = NULL;
    *size = 0;
    memset(&ci, 0, sizeof(ci));
    ci.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = t_error_exit;
    e.pub.emit_message = t_emit;
    if (setjmp(e.jump)) {
        strcpy(why, e.msg);
        jpeg_destroy_compress(&ci);
        free(buf);
        return NULL;
    }
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, &buf, size);
    ci.image_width = cfg->w;
    ci.image_height = cfg->h;
    ci.input_components = nch;
    ci.in_color_space = nch == 1 ? JCS_GRAYSCALE : (nch == 4 ? JCS_CMYK : JCS_RGB);
    jpeg_set_defaults(&ci);
    jpeg_set_colorspace(&ci, cfg->jcs);
    if (cfg->no_adobe) ci.write_Adobe_marker = FALSE;
    jpeg_set_quality(&ci, cfg->quality, cfg->baseline ? TRUE : FALSE);
    for (int c = 0; c < ci.num_components; c++) {
        if (cfg->hs[c]) ci.comp_info[c].h_samp_factor = cfg->hs[c];
        if (cfg->vs[c]) ci.comp_info[c].v_samp_factor = cfg->vs[c];
    }
    ci.dct_method = JDCT_ISLOW;
    ci.optimize_coding = cfg->optimize ? TRUE : FALSE;
    ci.arith_code = cfg->arith ? TRUE : FALSE;
    ci.restart_interval = (unsigned int)cfg->restart;
    if (cfg->progressive) jpeg_simple_progression(&ci);
    if (g_scans) {
        ci.scan_info = g_scans;
        ci.num_scans = g_num_scans;
    }
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < ci.image_height) {
        JSAMPROW row = (JSAMPROW)(px + (size_t)ci.next_scanline * cfg->w * (size_t)nch);
        jpeg_write_scanlines(&ci, &row, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    return buf;
}

/* Encodes the image described by @p cfg; returns the JPEG (malloc'ed by libjpeg) or NULL with
 * libjpeg's message in @p why (for sampling combinations libjpeg refuses). */
static unsigned char *encode(const enc_cfg *cfg, unsigned long *size, char *why)
{
    int nch = cfg->jcs == JCS_GRAYSCALE ? 1 : (cfg->jcs == JCS_CMYK || cfg->jcs == JCS_YCCK) ? 4 : 3;
    uint8_t *px = (uint8_t *)malloc((size_t)cfg->w * cfg->h * (size_t)nch);
    if (!px) return NULL;
    make_pixels(cfg, nch, px);
    unsigned char *jpg = encode_pixels(cfg, px, nch, size, why);
    free(px);
    return jpg;
}

/* libjpeg's out_color_space for one of our output spaces. */
static J_COLOR_SPACE libjpeg_space(pxc_jpeg_out_space s)
{
    switch (s) {
    case PXC_JPEG_OUT_GRAY: return JCS_GRAYSCALE;
    case PXC_JPEG_OUT_RGB: return JCS_EXT_RGB;
    case PXC_JPEG_OUT_BGR: return JCS_EXT_BGR;
    case PXC_JPEG_OUT_RGBA: return JCS_EXT_RGBA;
    case PXC_JPEG_OUT_BGRA: return JCS_EXT_BGRA;
    case PXC_JPEG_OUT_YCBCR: return JCS_YCbCr;
    case PXC_JPEG_OUT_CMYK: return JCS_CMYK;
    }
    return JCS_UNKNOWN;
}

static const char *space_name(pxc_jpeg_out_space s)
{
    static const char *names[] = {"GRAY", "RGB", "BGR", "RGBA", "BGRA", "YCBCR", "CMYK"};
    return (int)s >= 0 && (int)s < PXC_JPEG_OUT_SPACE_COUNT ? names[s] : "?";
}

/* Decodes with libjpeg-turbo's jpeg_read_scanlines into out (w * channels per row); 0 on success. */
static int libjpeg_decode(const unsigned char *jpg, unsigned long size, pxc_jpeg_out_space s, int fancy,
                          uint8_t *out, char *why)
{
    struct jpeg_decompress_struct ci;
    t_err e;
    memset(&ci, 0, sizeof(ci));
    ci.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = t_error_exit;
    e.pub.emit_message = t_emit;
    if (setjmp(e.jump)) {
        strcpy(why, e.msg);
        jpeg_destroy_decompress(&ci);
        return -1;
    }
    jpeg_create_decompress(&ci);
    jpeg_mem_src(&ci, jpg, size);
    jpeg_read_header(&ci, TRUE);
    ci.out_color_space = libjpeg_space(s);
    ci.dct_method = JDCT_ISLOW;
    ci.do_fancy_upsampling = fancy ? TRUE : FALSE;
    jpeg_start_decompress(&ci);
    const size_t row = (size_t)ci.output_width * (size_t)ci.output_components;
    while (ci.output_scanline < ci.output_height) {
        JSAMPROW r = out + (size_t)ci.output_scanline * row;
        jpeg_read_scanlines(&ci, &r, 1);
    }
    jpeg_finish_decompress(&ci);
    jpeg_destroy_decompress(&ci);
    return 0;
}

static int n_images, n_compared, n_exact;

/* Compares our decode of jpg with libjpeg's in every output space of its colour space and both
 * upsampling modes. exact_required 0: differences are reported, not failures. */
static void compare_jpeg(const char *name, const unsigned char *jpg, unsigned long size, int exact_required)
{
    pxc_jpeg_coefs c;
    pxc_err err;
    memset(&err, 0, sizeof(err));
    pxc_status st = pxc_jpeg_coefs_read_turbo(jpg, size, &c, &err);
    CHECK_MSG(st == PXC_OK, "%s: coefs_read_turbo: %d %s", name, (int)st, err.msg);
    if (st != PXC_OK) return;
    n_images++;
    static const pxc_jpeg_out_space all[] = {PXC_JPEG_OUT_GRAY, PXC_JPEG_OUT_RGB,  PXC_JPEG_OUT_BGR,
                                             PXC_JPEG_OUT_RGBA, PXC_JPEG_OUT_BGRA, PXC_JPEG_OUT_YCBCR,
                                             PXC_JPEG_OUT_CMYK};
    const size_t cap = (size_t)c.width * c.height * 4;
    uint8_t *a = (uint8_t *)malloc(cap), *b = (uint8_t *)malloc(cap);
    for (size_t si = 0; si < sizeof(all) / sizeof(all[0]); si++) {
        pxc_jpeg_out_space s = all[si];
        if (!pxc_jpeg_out_space_ok(c.colorspace, s)) {
            memset(&err, 0, sizeof(err));
            CHECK(pxc_jpeg_ref_decode(&c, s, 1, b, (size_t)c.width * 4, &err) == PXC_ERROR_UNSUPPORTED_FEATURE);
            continue;
        }
        const size_t nch = (size_t)pxc_jpeg_out_channels(s);
        for (int fancy = 1; fancy >= 0; fancy--) {
            char why[JMSG_LENGTH_MAX] = "";
            memset(a, 0xAB, cap);
            memset(b, 0xCD, cap);
            int lr = libjpeg_decode(jpg, size, s, fancy, a, why);
            CHECK_MSG(lr == 0, "%s %s: libjpeg refused: %s", name, space_name(s), why);
            memset(&err, 0, sizeof(err));
            st = pxc_jpeg_ref_decode(&c, s, fancy, b, (size_t)c.width * nch, &err);
            CHECK_MSG(st == PXC_OK, "%s %s: ref_decode: %s", name, space_name(s), err.msg);
            if (lr != 0 || st != PXC_OK) continue;
            size_t n = (size_t)c.width * c.height * nch, ndiff = 0, first = 0;
            int maxd = 0;
            for (size_t i = 0; i < n; i++) {
                int d = abs((int)a[i] - (int)b[i]);
                if (d) {
                    if (!ndiff) first = i;
                    ndiff++;
                    maxd = d > maxd ? d : maxd;
                }
            }
            n_compared++;
            if (!ndiff) n_exact++;
            if (ndiff) {
                size_t px = first / nch;
                fprintf(stderr,
                        "%s%s %s fancy=%d: %zu of %zu samples differ, max %d; first at x=%zu y=%zu ch %zu: "
                        "libjpeg %d ours %d\n",
                        exact_required ? "" : "(informational) ", name, space_name(s), fancy, ndiff, n, maxd,
                        px % c.width, px / c.width, first % nch, a[first], b[first]);
            }
            if (exact_required) CHECK_MSG(ndiff == 0, "%s %s fancy=%d not exact", name, space_name(s), fancy);
        }
    }
    free(a);
    free(b);
    pxc_jpeg_coefs_free(&c);
}

/* Encodes @p cfg, checks the coefficient reader's metadata, and compares all modes. */
static void run_cfg(const enc_cfg *cfg)
{
    char name[200], why[JMSG_LENGTH_MAX] = "";
    snprintf(name, sizeof(name), "%ux%u cs%d s%dx%d,%dx%d,%dx%d,%dx%d q%d%s%s%s%s%s c%d", cfg->w, cfg->h,
             (int)cfg->jcs, cfg->hs[0], cfg->vs[0], cfg->hs[1], cfg->vs[1], cfg->hs[2], cfg->vs[2], cfg->hs[3],
             cfg->vs[3], cfg->quality, cfg->baseline ? "" : " ext", cfg->progressive ? " prog" : "",
             cfg->restart ? " rst" : "", cfg->arith ? " arith" : "", cfg->optimize ? " opt" : "", cfg->content);
    unsigned long size;
    unsigned char *jpg = encode(cfg, &size, why);
    if (!jpg) {
        /* arithmetic coding may be compiled out; everything else must encode */
        CHECK_MSG(cfg->arith, "%s: libjpeg cannot encode: %s", name, why);
        if (cfg->arith) printf("note: %s skipped: %s\n", name, why);
        return;
    }
    pxc_jpeg_coefs c;
    pxc_err err;
    memset(&err, 0, sizeof(err));
    if (pxc_jpeg_coefs_read_turbo(jpg, size, &c, &err) == PXC_OK) {
        CHECK(c.width == cfg->w && c.height == cfg->h);
        CHECK(c.progressive == (cfg->progressive ? 1 : 0));
        CHECK(c.unrefined == 0); /* libjpeg's progression refines every coefficient */
        CHECK(c.restart_interval == (uint32_t)cfg->restart);
        int want_cs = cfg->jcs == JCS_GRAYSCALE ? PXC_JPEG_CS_GRAY
                      : cfg->jcs == JCS_YCbCr   ? PXC_JPEG_CS_YCBCR
                      : cfg->jcs == JCS_RGB     ? PXC_JPEG_CS_RGB
                      : cfg->jcs == JCS_CMYK    ? PXC_JPEG_CS_CMYK
                                                : PXC_JPEG_CS_YCCK;
        CHECK_MSG((int)c.colorspace == want_cs, "%s: colour space %d", name, (int)c.colorspace);
        if (cfg->jcs == JCS_CMYK || cfg->jcs == JCS_YCCK || cfg->jcs == JCS_RGB)
            CHECK(c.adobe == (cfg->no_adobe ? 0 : 1));
        for (int i = 0; i < c.num_components; i++) {
            const pxc_jpeg_component *k = &c.comp[i];
            uint32_t mcux = (c.width + 8u * (uint32_t)c.max_h_samp - 1) / (8u * (uint32_t)c.max_h_samp);
            uint32_t mcuy = (c.height + 8u * (uint32_t)c.max_v_samp - 1) / (8u * (uint32_t)c.max_v_samp);
            CHECK(k->padded_blocks_w == mcux * (uint32_t)k->h_samp);
            CHECK(k->padded_blocks_h == mcuy * (uint32_t)k->v_samp);
            CHECK(k->width_in_blocks == (k->width + 7) / 8 && k->height_in_blocks == (k->height + 7) / 8);
            /* blocks outside the coded area are zero */
            int nonzero = 0;
            for (uint32_t by = 0; by < k->padded_blocks_h; by++)
                for (uint32_t bx = 0; bx < k->padded_blocks_w; bx++)
                    if (bx >= k->width_in_blocks || by >= k->height_in_blocks)
                        for (int j = 0; j < 64; j++)
                            nonzero |= k->coef[((size_t)by * k->padded_blocks_w + bx) * 64 + (size_t)j] != 0;
            CHECK(!nonzero);
        }
        pxc_jpeg_coefs_free(&c);
    }
    compare_jpeg(name, jpg, size, 1);
    free(jpg);
}

/* ---- out-of-range coefficients written with jpeg_write_coefficients ---- */

/* A w x h gray or YCbCr (h2v2) JPEG whose coefficients are random values up to +-amp with
 * quantisers q (all 64), built with jpeg_write_coefficients; NULL on failure. */
static unsigned char *encode_raw_coefs(uint32_t w, uint32_t h, int ncomp, int amp, int q, unsigned long *size)
{
    struct jpeg_compress_struct ci;
    t_err e;
    unsigned char *buf = NULL;
    *size = 0;
    memset(&ci, 0, sizeof(ci));
    ci.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = t_error_exit;
    e.pub.emit_message = t_emit;
    if (setjmp(e.jump)) {
        fprintf(stderr, "encode_raw_coefs: %s\n", e.msg);
        jpeg_destroy_compress(&ci);
        free(buf);
        return NULL;
    }
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, &buf, size);
    ci.image_width = w;
    ci.image_height = h;
    ci.input_components = ncomp;
    ci.in_color_space = ncomp == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&ci);
    unsigned int table[64];
    for (int i = 0; i < 64; i++) table[i] = (unsigned int)q;
    jpeg_add_quant_table(&ci, 0, table, 100, FALSE);
    jpeg_add_quant_table(&ci, 1, table, 100, FALSE);
    ci.optimize_coding = TRUE;
    jvirt_barray_ptr arrays[3];
    for (int c = 0; c < ncomp; c++) {
        jpeg_component_info *k = &ci.comp_info[c];
        int maxh = ncomp == 1 ? 1 : 2, maxv = maxh;
        uint32_t cw = (w * (uint32_t)k->h_samp_factor + (uint32_t)maxh - 1) / (uint32_t)maxh;
        uint32_t ch = (h * (uint32_t)k->v_samp_factor + (uint32_t)maxv - 1) / (uint32_t)maxv;
        uint32_t bw = (cw + 7) / 8, bh = (ch + 7) / 8;
        bw = (bw + (uint32_t)k->h_samp_factor - 1) / (uint32_t)k->h_samp_factor * (uint32_t)k->h_samp_factor;
        bh = (bh + (uint32_t)k->v_samp_factor - 1) / (uint32_t)k->v_samp_factor * (uint32_t)k->v_samp_factor;
        arrays[c] = (*ci.mem->request_virt_barray)((j_common_ptr)&ci, JPOOL_IMAGE, TRUE, bw, bh,
                                                   (JDIMENSION)k->v_samp_factor);
    }
    (*ci.mem->realize_virt_arrays)((j_common_ptr)&ci);
    for (int c = 0; c < ncomp; c++) {
        jpeg_component_info *k = &ci.comp_info[c];
        int maxh = ncomp == 1 ? 1 : 2;
        uint32_t cw = (w * (uint32_t)k->h_samp_factor + (uint32_t)maxh - 1) / (uint32_t)maxh;
        uint32_t ch = (h * (uint32_t)k->v_samp_factor + (uint32_t)maxh - 1) / (uint32_t)maxh;
        uint32_t bw = ((cw + 7) / 8 + (uint32_t)k->h_samp_factor - 1) / (uint32_t)k->h_samp_factor *
                      (uint32_t)k->h_samp_factor;
        uint32_t bh = ((ch + 7) / 8 + (uint32_t)k->v_samp_factor - 1) / (uint32_t)k->v_samp_factor *
                      (uint32_t)k->v_samp_factor;
        for (uint32_t by = 0; by < bh; by++) {
            JBLOCKARRAY rows = (*ci.mem->access_virt_barray)((j_common_ptr)&ci, arrays[c], by, 1, TRUE);
            for (uint32_t bx = 0; bx < bw; bx++)
                for (int j = 0; j < 64; j++) {
                    int v = (int)(pxc_test_rand(&rng_state) % (uint32_t)(2 * amp + 1)) - amp;
                    /* some sparse blocks, some with only low frequencies */
                    if ((bx + by) % 3 == 1 && j > 10) v = 0;
                    if ((bx + by) % 5 == 2 && j > 0) v = 0;
                    rows[0][bx][j] = (JCOEF)v;
                }
        }
    }
    jpeg_write_coefficients(&ci, arrays);
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    return buf;
}

/* Out-of-range IDCT output: exact with libjpeg's C code; libjpeg-turbo's SIMD differs (informational). */
static void run_range_tests(int simd)
{
    static const struct { int ncomp, amp, q; } cases[] = {
        {1, 1023, 1}, {1, 1023, 7}, {1, 300, 255}, {1, 1023, 32767}, {3, 1023, 1}, {3, 1023, 200}, {3, 60, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned long size;
        unsigned char *jpg = encode_raw_coefs(37, 29, cases[i].ncomp, cases[i].amp, cases[i].q, &size);
        CHECK(jpg != NULL);
        if (!jpg) continue;
        char name[96];
        snprintf(name, sizeof(name), "raw coefs ncomp %d amp %d q %d", cases[i].ncomp, cases[i].amp, cases[i].q);
        compare_jpeg(name, jpg, size, !simd);
        free(jpg);
    }
}

/* ---- corrupt and truncated data ---- */

static void run_bad_input(void)
{
    enc_cfg cfg = {33, 31, JCS_YCbCr, {2, 1, 1, 0}, {2, 1, 1, 0}, 75, 1, 0, 0, 0, 0, 0, 2};
    for (int prog = 0; prog < 2; prog++) {
        cfg.progressive = prog;
        cfg.restart = prog ? 0 : 2;
        unsigned long size;
        char why[JMSG_LENGTH_MAX];
        unsigned char *jpg = encode(&cfg, &size, why);
        CHECK(jpg != NULL);
        if (!jpg) return;
        pxc_jpeg_coefs c;
        pxc_err err;
        int errors = 0, oks = 0;
        /* every truncation is an error, never a crash */
        for (unsigned long n = 0; n < size; n += (n < 40 ? 1 : 1 + size / 97)) {
            memset(&err, 0, sizeof(err));
            pxc_status st = pxc_jpeg_coefs_read_turbo(jpg, n, &c, &err);
            CHECK_MSG(st != PXC_OK && err.msg[0], "truncated to %lu of %lu: status %d", n, size, (int)st);
            if (st == PXC_OK) pxc_jpeg_coefs_free(&c);
            errors++;
        }
        memset(&err, 0, sizeof(err));
        CHECK_STATUS(pxc_jpeg_coefs_read_turbo(jpg, size - 2, &c, &err), PXC_ERROR_TRUNCATED_DATA);
        /* corrupted bytes: clean error or a decode, never a crash */
        unsigned char *bad = (unsigned char *)malloc(size);
        for (int t = 0; t < 300; t++) {
            memcpy(bad, jpg, size);
            int flips = 1 + (int)(pxc_test_rand(&rng_state) % 4);
            for (int f = 0; f < flips; f++) {
                size_t pos = (size_t)(pxc_test_rand(&rng_state) % size);
                bad[pos] = (unsigned char)(t & 1 ? pxc_test_rand(&rng_state) : bad[pos] ^ (1u << (t % 8)));
            }
            memset(&err, 0, sizeof(err));
            pxc_status st = pxc_jpeg_coefs_read_turbo(bad, size, &c, &err);
            if (st == PXC_OK) {
                oks++;
                /* a stream libjpeg accepts decodes in our reference too when it is in range */
                uint8_t *px = (uint8_t *)malloc((size_t)c.width * c.height * 4);
                pxc_jpeg_out_space s = pxc_jpeg_out_space_ok(c.colorspace, PXC_JPEG_OUT_RGB) ? PXC_JPEG_OUT_RGB
                                                                                             : PXC_JPEG_OUT_CMYK;
                pxc_err e2;
                memset(&e2, 0, sizeof(e2));
                pxc_status st2 = pxc_jpeg_ref_decode(&c, s, 1, px, (size_t)c.width * 4, &e2);
                CHECK_MSG(st2 == PXC_OK || e2.msg[0], "corrupt stream: ref_decode failed without message");
                free(px);
                pxc_jpeg_coefs_free(&c);
            } else {
                CHECK_MSG(err.msg[0] != 0, "corrupt stream: error %d without message", (int)st);
                errors++;
            }
        }
        free(bad);
        printf("bad input (%s): %d errors, %d corrupted streams accepted\n", prog ? "progressive" : "baseline",
               errors, oks);
        free(jpg);
    }
    pxc_jpeg_coefs c;
    pxc_err err;
    memset(&err, 0, sizeof(err));
    static const uint8_t junk[] = "this is not a JPEG file at all";
    CHECK(pxc_jpeg_coefs_read_turbo(junk, sizeof(junk), &c, &err) != PXC_OK && err.msg[0]);
    memset(&err, 0, sizeof(err));
    CHECK_STATUS(pxc_jpeg_coefs_read_turbo(junk, 0, &c, &err), PXC_ERROR_EMPTY_INPUT);
    static const uint8_t soi_only[] = {0xFF, 0xD8, 0xFF};
    memset(&err, 0, sizeof(err));
    CHECK(pxc_jpeg_coefs_read_turbo(soi_only, sizeof(soi_only), &c, &err) != PXC_OK && err.msg[0]);
}

/* ---- the image list ---- */

static void run_all_images(void)
{
    /* sampling factor sets {Y, Cb, Cr} as h, v pairs */
    static const int samp[][6] = {
        {1, 1, 1, 1, 1, 1}, /* 4:4:4 */
        {2, 1, 1, 1, 1, 1}, /* 4:2:2 h2v1 */
        {2, 2, 1, 1, 1, 1}, /* 4:2:0 h2v2 */
        {1, 2, 1, 1, 1, 1}, /* 4:4:0 h1v2 */
        {4, 1, 1, 1, 1, 1}, /* 4:1:1 */
        {4, 2, 1, 1, 1, 1}, /* 4:1:0 */
        {2, 2, 1, 1, 2, 1}, /* Cb h2v2, Cr h1v2 */
        {2, 2, 1, 2, 2, 1}, /* Cb h2v1, Cr h1v2 */
        {4, 1, 2, 1, 1, 1}, /* Cb fancy h2v1 at ratio 2, Cr int x4 */
        {3, 2, 1, 1, 3, 1}, /* Cb int 3x2, Cr fancy h1v2 under h3 */
        {1, 2, 1, 1, 1, 2}, /* Cb h1v2, Cr full size */
        {3, 1, 1, 1, 1, 1}, /* odd factor h3 */
        {1, 3, 1, 1, 1, 1}, /* odd factor v3 */
        {2, 3, 1, 1, 1, 1}, /* int 2x3 */
        {1, 4, 1, 1, 1, 1}, /* v4 */
        {1, 1, 2, 2, 1, 1}, /* luma upsampled: Y 1x1 under Cb 2x2 */
    };
    static const uint32_t sizes[][2] = {{1, 1},  {7, 5},  {17, 9}, {33, 31}, {3, 3},  {4, 7},
                                        {2, 17}, {65, 2}, {9, 64}, {31, 33}, {640, 481}};
    static const int qual[] = {50, 95, 100, 75};
    int k = 0;
    const size_t nsamp = sizeof(samp) / sizeof(samp[0]), nsize = sizeof(sizes) / sizeof(sizes[0]);
    for (size_t si = 0; si < nsamp; si++)
        for (size_t zi = 0; zi < nsize; zi++, k++) {
            /* the large size only for the common subsamplings, to keep the run short */
            if (zi == nsize - 1 && si > 5 && si != 6) continue;
            enc_cfg cfg;
            memset(&cfg, 0, sizeof(cfg));
            cfg.w = sizes[zi][0];
            cfg.h = sizes[zi][1];
            cfg.jcs = JCS_YCbCr;
            for (int c = 0; c < 3; c++) {
                cfg.hs[c] = samp[si][2 * c];
                cfg.vs[c] = samp[si][2 * c + 1];
            }
            cfg.quality = qual[k % 4];
            cfg.baseline = 1;
            cfg.progressive = (k / 2) % 2;
            cfg.restart = k % 3 == 0 ? 1 + k % 5 : 0;
            cfg.optimize = k % 7 == 3;
            cfg.content = k % 3;
            run_cfg(&cfg);
        }
    /* gray, RGB stored, CMYK, YCCK; baseline / progressive, qualities, contents */
    for (size_t zi = 0; zi < nsize; zi++)
        for (int variant = 0; variant < 4; variant++, k++) {
            enc_cfg cfg;
            memset(&cfg, 0, sizeof(cfg));
            cfg.w = sizes[zi][0];
            cfg.h = sizes[zi][1];
            cfg.quality = qual[k % 4];
            cfg.baseline = 1;
            cfg.progressive = variant & 1;
            cfg.restart = variant == 2 ? 3 : 0;
            cfg.content = (variant + (int)zi) % 3;
            static const J_COLOR_SPACE spaces[] = {JCS_GRAYSCALE, JCS_RGB, JCS_CMYK, JCS_YCCK};
            for (int s = 0; s < 4; s++) {
                cfg.jcs = spaces[s];
                run_cfg(&cfg);
            }
        }
    /* the less common corners: subsampled RGB and CMYK, gray with factors 2x2, CMYK without Adobe
     * marker, YCCK 4:2:0 / 4:2:2, extended (16-bit tables), arithmetic coding */
    static const enc_cfg extra[] = {
        {33, 31, JCS_RGB, {2, 1, 1, 0}, {1, 1, 1, 0}, 90, 1, 0, 0, 0, 0, 0, 2},
        {33, 31, JCS_CMYK, {2, 1, 1, 2}, {2, 1, 1, 2}, 90, 1, 1, 0, 0, 0, 0, 1},
        {17, 9, JCS_GRAYSCALE, {2, 0, 0, 0}, {2, 0, 0, 0}, 80, 1, 0, 0, 0, 0, 0, 2},
        {31, 33, JCS_CMYK, {0, 0, 0, 0}, {0, 0, 0, 0}, 70, 1, 0, 0, 0, 0, 1, 2},
        {33, 31, JCS_YCCK, {2, 1, 1, 2}, {1, 1, 1, 1}, 85, 1, 1, 2, 0, 0, 0, 1},
        {65, 33, JCS_YCCK, {1, 1, 1, 1}, {1, 1, 1, 1}, 100, 1, 0, 0, 0, 0, 0, 1},
        {65, 33, JCS_YCbCr, {2, 1, 1, 0}, {2, 1, 1, 0}, 3, 0, 0, 0, 0, 0, 0, 1},
        {65, 33, JCS_YCbCr, {2, 1, 1, 0}, {2, 1, 1, 0}, 1, 0, 1, 0, 0, 0, 0, 2},
        {640, 481, JCS_YCbCr, {2, 1, 1, 0}, {2, 1, 1, 0}, 5, 0, 0, 4, 0, 0, 0, 1},
        {33, 31, JCS_YCbCr, {2, 1, 1, 0}, {2, 1, 1, 0}, 75, 1, 0, 0, 1, 0, 0, 2},
        {33, 31, JCS_YCbCr, {2, 1, 1, 0}, {1, 1, 1, 0}, 75, 1, 1, 0, 1, 0, 0, 1},
        {640, 481, JCS_YCbCr, {1, 1, 1, 0}, {1, 1, 1, 0}, 95, 1, 1, 0, 0, 1, 0, 2},
    };
    for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) run_cfg(&extra[i]);
}

/*
 * Progressive streams whose scans leave low coefficients unrefined or unsent: the reader flags
 * them (libjpeg block-smooths them when decoding to pixels, and the GPU decoder leaves them to
 * the CPU), and without the flag the GPU stages would differ from libjpeg on them.
 */
static void run_unrefined(void)
{
    /* DC in full, then AC 1..63 of each component with the last bit never refined */
    static const jpeg_scan_info coarse_ac[] = {
        {3, {0, 1, 2, 0}, 0, 0, 0, 0}, {1, {0, 0, 0, 0}, 1, 63, 0, 1},
        {1, {1, 0, 0, 0}, 1, 63, 0, 1}, {1, {2, 0, 0, 0}, 1, 63, 0, 1}};
    /* DC and AC 1..5 only: coefficients 6..9 never sent (flagged; libjpeg-turbo 2.1 smooths these
     * only when AC 1..5 are missing too, so the flag is on the safe side here) */
    static const jpeg_scan_info low_ac[] = {
        {3, {0, 1, 2, 0}, 0, 0, 0, 0}, {1, {0, 0, 0, 0}, 1, 5, 0, 0},
        {1, {1, 0, 0, 0}, 1, 5, 0, 0}, {1, {2, 0, 0, 0}, 1, 5, 0, 0}};
    /* every coefficient, in two refinement steps: fully refined, not flagged */
    static const jpeg_scan_info refined[] = {
        {3, {0, 1, 2, 0}, 0, 0, 0, 1}, {1, {0, 0, 0, 0}, 1, 63, 0, 1}, {1, {1, 0, 0, 0}, 1, 63, 0, 1},
        {1, {2, 0, 0, 0}, 1, 63, 0, 1}, {3, {0, 1, 2, 0}, 0, 0, 1, 0}, {1, {0, 0, 0, 0}, 1, 63, 1, 0},
        {1, {1, 0, 0, 0}, 1, 63, 1, 0}, {1, {2, 0, 0, 0}, 1, 63, 1, 0}};
    const struct {
        const jpeg_scan_info *scans;
        int n, unrefined, smoothed;
    } cases[] = {{coarse_ac, 4, 1, 1}, {low_ac, 4, 1, 0}, {refined, 8, 0, 0}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enc_cfg cfg;
        memset(&cfg, 0, sizeof(cfg));
        cfg.w = 96;
        cfg.h = 80;
        cfg.jcs = JCS_YCbCr;
        cfg.quality = 60;
        cfg.content = 2;
        g_scans = cases[i].scans;
        g_num_scans = cases[i].n;
        char why[JMSG_LENGTH_MAX] = "";
        unsigned long size;
        unsigned char *jpg = encode(&cfg, &size, why);
        g_scans = NULL;
        CHECK_MSG(jpg != NULL, "scan script %zu: libjpeg cannot encode: %s", i, why);
        if (!jpg) continue;
        pxc_jpeg_coefs c;
        pxc_err err;
        memset(&err, 0, sizeof(err));
        CHECK(pxc_jpeg_coefs_read_turbo(jpg, size, &c, &err) == PXC_OK);
        CHECK_MSG(c.progressive == 1 && c.unrefined == cases[i].unrefined, "scan script %zu: unrefined %d", i,
                  c.unrefined);
        if (cases[i].unrefined) {
            /* libjpeg's block smoothing changes the pixels: our stages without it differ */
            const size_t n = (size_t)c.width * c.height * 3;
            uint8_t *a = (uint8_t *)malloc(n), *b = (uint8_t *)malloc(n);
            CHECK(libjpeg_decode(jpg, size, PXC_JPEG_OUT_RGB, 1, a, why) == 0);
            CHECK(pxc_jpeg_ref_decode(&c, PXC_JPEG_OUT_RGB, 1, b, (size_t)c.width * 3, &err) == PXC_OK);
            const int changed = memcmp(a, b, n) != 0;
            printf("scan script %zu: libjpeg's block smoothing %s\n", i, changed ? "changes pixels" : "changes nothing");
            if (cases[i].smoothed) CHECK_MSG(changed, "scan script %zu: block smoothing changed nothing", i);
            free(a);
            free(b);
        } else {
            compare_jpeg("two-step refinement", jpg, size, 1);
        }
        pxc_jpeg_coefs_free(&c);
        free(jpg);
    }
}

/* Runs the test again in a child process with libjpeg-turbo's SIMD disabled; returns its exit status. */
static int run_child_without_simd(char **argv)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) return 1;
    if (pid == 0) {
        setenv("JSIMD_FORCENONE", "1", 1);
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return 1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
    (void)argc;
    const char *force = getenv("JSIMD_FORCENONE");
    const int simd = !(force && strcmp(force, "1") == 0);
    run_all_images();
    run_unrefined();
    run_range_tests(simd);
    run_bad_input();
    printf("test_ref_jpeg_decode (%s): %d images, %d image/space/upsampling comparisons, %d exact\n",
           simd ? "libjpeg-turbo SIMD" : "libjpeg-turbo C, JSIMD_FORCENONE=1", n_images, n_compared, n_exact);
    int rc = pxc_test_summary(simd ? "test_ref_jpeg_decode" : "test_ref_jpeg_decode (no SIMD)");
    if (simd) {
        int child = run_child_without_simd(argv);
        if (child) printf("test_ref_jpeg_decode: the run without SIMD failed (exit %d)\n", child);
        rc = rc || child;
    }
    return rc;
}
