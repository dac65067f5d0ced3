/*
 * PNM codec tests through the public API: round trips of every colour and
 * sample type (P5, P6, P7), hand-written P1..P7 files with comments, maxval
 * scaling, PAM tuple types, ASCII and header errors, truncation at every
 * length and the pixel limit.
 */
#include <stdint.h>

#include "test.h"

static pxc_context *ctx;
static pxc_decoder *dec;
static pxc_encoder *enc;

static uint32_t rng_state = 777;
static uint32_t rnd(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static pxc_status decode_to(const void *data, size_t size, pxc_color_spec color, pxc_sample_type type,
                            pxc_image **out)
{
    pxc_decode_params p;
    pxc_decode_params_default(&p);
    p.color_spec = color;
    p.sample_type = type;
    return pxc_test_decode(ctx, dec, data, size, &p, out);
}

static pxc_status info_of(const void *data, size_t size, pxc_image_info *info)
{
    return pxc_test_info(ctx, data, size, info);
}

/* Sample i of row y (u8 or u16). */
static uint32_t sample(const pxc_image *img, uint32_t y, size_t i)
{
    const pxc_image_desc *d = pxc_image_get_desc(img);
    const uint8_t *row = (const uint8_t *)pxc_image_data(img) + y * d->row_stride;
    return d->sample_type == PXC_SAMPLE_U16 ? ((const uint16_t *)row)[i] : row[i];
}

/* Decodes a text file (len from strlen unless given) and compares with expected samples. */
static void expect_samples(const char *what, const char *file, size_t len, pxc_color_spec color,
                           pxc_sample_type type, const uint32_t *expect, uint32_t w, uint32_t h)
{
    if (!len) len = strlen(file);
    pxc_image *img;
    pxc_status st = decode_to(file, len, color, type, &img);
    CHECK_MSG(st == PXC_OK, "%s: decode failed: %d %s", what, (int)st, pxc_test_detail);
    if (st != PXC_OK) return;
    const pxc_image_desc *d = pxc_image_get_desc(img);
    CHECK_MSG(d->width == w && d->height == h, "%s: size %ux%u", what, d->width, d->height);
    const uint32_t n = pxc_color_spec_channels(color);
    int ok = 1;
    for (uint32_t y = 0; y < h && ok; y++)
        for (size_t i = 0; i < (size_t)w * n; i++)
            if (sample(img, y, i) != expect[(size_t)y * w * n + i]) {
                CHECK_MSG(0, "%s: row %u sample %zu is %u, expected %u", what, y, i, sample(img, y, i),
                          expect[(size_t)y * w * n + i]);
                ok = 0;
                break;
            }
    pxc_image_destroy(img);
}

static void expect_status(const char *what, const void *file, size_t len, pxc_status want)
{
    if (!len) len = strlen(file);
    pxc_image *img;
    pxc_status st = decode_to(file, len, PXC_COLOR_RGB, PXC_SAMPLE_U8, &img);
    CHECK_MSG(st == want, "%s: got %d (%s), expected %d", what, (int)st, pxc_test_detail, (int)want);
    CHECK_MSG(st == PXC_OK || pxc_test_detail[0] != '\0', "%s: no detail text", what);
    pxc_image_destroy(img);
}

static uint32_t scale(uint32_t v, uint32_t maxval, uint32_t out_max)
{
    return (uint32_t)((2ull * v * out_max + maxval) / (2ull * maxval));
}

/* ---- round trips ---------------------------------------------------------- */

static void test_roundtrip(void)
{
    static const pxc_color_spec colors[] = {PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA, PXC_COLOR_RGB,
                                            PXC_COLOR_BGR,  PXC_COLOR_RGBA,       PXC_COLOR_BGRA};
    static const char magic[] = {'5', '7', '6', '6', '7', '7'};
    static const pxc_color_spec stored[] = {PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA, PXC_COLOR_RGB,
                                            PXC_COLOR_RGB,  PXC_COLOR_RGBA,       PXC_COLOR_RGBA};
    for (size_t ci = 0; ci < sizeof(colors) / sizeof(colors[0]); ci++) {
        for (int t = 0; t < 2; t++) {
            const pxc_color_spec color = colors[ci];
            const pxc_sample_type type = t ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
            const uint32_t w = 7, h = 4, nc = pxc_color_spec_channels(color);
            pxc_image_desc d;
            pxc_image_desc_init(&d);
            d.width = w;
            d.height = h;
            d.num_channels = nc;
            d.sample_type = type;
            d.color_spec = color;
            pxc_image *src = NULL;
            CHECK_OK(pxc_image_create(ctx, &d, NULL, &src));
            if (!src) continue;
            const pxc_image_desc *sd = pxc_image_get_desc(src);
            uint8_t *p = pxc_image_data(src);
            for (uint32_t y = 0; y < h; y++)
                for (size_t i = 0; i < (size_t)w * nc; i++) {
                    if (t)
                        ((uint16_t *)(p + y * sd->row_stride))[i] = (uint16_t)rnd();
                    else
                        p[y * sd->row_stride + i] = (uint8_t)rnd();
                }
            void *data = NULL;
            size_t size = 0;
            const char *names[] = {"pnm", ".pgm", "ppm", ".PPM", "pam", ".pam"};
            pxc_status st = pxc_encode(enc, src, names[ci], NULL, &data, &size);
            CHECK_MSG(st == PXC_OK, "encode %s: %s", pxc_color_spec_name(color), pxc_encoder_last_error(enc));
            if (st != PXC_OK) {
                pxc_image_destroy(src);
                continue;
            }
            const uint8_t *bytes = data;
            CHECK(bytes[0] == 'P' && bytes[1] == (uint8_t)magic[ci]);
            pxc_image_info info;
            CHECK_OK(info_of(data, size, &info));
            CHECK(strcmp(info.codec, "pnm") == 0);
            CHECK(info.width == w && info.height == h && info.num_channels == nc);
            CHECK(info.color_spec == stored[ci]);
            CHECK(info.sample_type == type && info.precision == (t ? 16u : 8u));
            CHECK(info.chroma_subsampling == (nc <= 2 ? PXC_CSS_GRAY : PXC_CSS_444));
            CHECK(info.num_images == 1);
            /* exact size: header + samples */
            CHECK(size > (size_t)w * h * nc * (t ? 2 : 1));

            pxc_image *out;
            st = decode_to(data, size, color, type, &out);
            CHECK_MSG(st == PXC_OK, "decode back %s: %s", pxc_color_spec_name(color), pxc_test_detail);
            if (st == PXC_OK) {
                int same = 1;
                for (uint32_t y = 0; y < h; y++)
                    for (size_t i = 0; i < (size_t)w * nc; i++)
                        if (sample(src, y, i) != sample(out, y, i)) same = 0;
                CHECK_MSG(same, "round trip %s type %d differs", pxc_color_spec_name(color), t);
                pxc_image_destroy(out);
            }
            pxc_free(data);
            pxc_image_destroy(src);
        }
    }
}

/* ---- reading ------------------------------------------------------------- */

static void test_formats(void)
{
    /* plain PBM: 1 = black, whitespace optional between bits, comments */
    {
        const char *f = "P1\n# a comment\n5 2 # size\n10110\n0 1 0 0\n# inside the data\n1";
        const uint32_t e[] = {0, 255, 0, 0, 255, 255, 0, 255, 255, 0};
        expect_samples("P1", f, 0, PXC_COLOR_GRAY, PXC_SAMPLE_U8, e, 5, 2);
        pxc_image_info info;
        CHECK_OK(info_of(f, strlen(f), &info));
        CHECK(info.precision == 1 && info.color_spec == PXC_COLOR_GRAY && info.num_channels == 1);
    }
    /* binary PBM, widths with and without padding */
    for (uint32_t w = 1; w <= 17; w += 4) {
        const uint32_t h = 3;
        char f[128];
        int n = snprintf(f, sizeof(f), "P4\n%u %u\n", w, h);
        uint32_t e[17 * 3];
        const uint32_t rb = (w + 7) / 8;
        for (uint32_t y = 0; y < h; y++) {
            memset(f + n + y * rb, 0, rb);
            for (uint32_t x = 0; x < w; x++) {
                uint32_t bit = rnd() & 1;
                if (bit) f[n + y * rb + x / 8] |= (char)(0x80 >> (x % 8));
                e[y * w + x] = bit ? 0 : 65535;
            }
            /* padding bits set: ignored */
            if (w % 8) f[n + y * rb + rb - 1] |= (char)(0xFF >> (w % 8));
        }
        expect_samples("P4", f, (size_t)n + rb * h, PXC_COLOR_GRAY, PXC_SAMPLE_U16, e, w, h);
    }
    /* plain PGM with maxval 3 to 8 and 16 bits */
    {
        const char *f = "P2\n3 2\n3\n0 1 2\n3 2 0\n";
        uint32_t e8[6], e16[6];
        const uint32_t v[] = {0, 1, 2, 3, 2, 0};
        for (int i = 0; i < 6; i++) e8[i] = scale(v[i], 3, 255), e16[i] = scale(v[i], 3, 65535);
        expect_samples("P2 maxval 3", f, 0, PXC_COLOR_GRAY, PXC_SAMPLE_U8, e8, 3, 2);
        expect_samples("P2 maxval 3 to 16 bits", f, 0, PXC_COLOR_GRAY, PXC_SAMPLE_U16, e16, 3, 2);
        CHECK(e8[1] == 85 && e16[1] == 21845);
    }
    /* plain PPM, 16-bit maxval, tabs and CRLF */
    {
        const char *f = "P3\r\n2\t1\r\n1000\r\n0 500 1000\t999 1 7\r\n";
        const uint32_t v[] = {0, 500, 1000, 999, 1, 7};
        uint32_t e8[6], e16[6];
        for (int i = 0; i < 6; i++) e8[i] = scale(v[i], 1000, 255), e16[i] = scale(v[i], 1000, 65535);
        expect_samples("P3 maxval 1000", f, 0, PXC_COLOR_RGB, PXC_SAMPLE_U8, e8, 2, 1);
        expect_samples("P3 maxval 1000 16-bit", f, 0, PXC_COLOR_RGB, PXC_SAMPLE_U16, e16, 2, 1);
        pxc_image_info info;
        CHECK_OK(info_of(f, strlen(f), &info));
        CHECK(info.sample_type == PXC_SAMPLE_U16 && info.precision == 10 && info.color_spec == PXC_COLOR_RGB);
    }
    /* binary PGM, maxval 100 (8-bit samples) and 65535 / 4095 (16-bit, big-endian) */
    {
        char f[64];
        int n = snprintf(f, sizeof(f), "P5 4 1 100\n");
        const uint8_t v[] = {0, 33, 67, 100};
        memcpy(f + n, v, 4);
        uint32_t e[4];
        for (int i = 0; i < 4; i++) e[i] = scale(v[i], 100, 255);
        expect_samples("P5 maxval 100", f, (size_t)n + 4, PXC_COLOR_GRAY, PXC_SAMPLE_U8, e, 4, 1);

        n = snprintf(f, sizeof(f), "P5\n3 1\n65535\n");
        const uint16_t w16[] = {0, 0x1234, 0xFFFF};
        for (int i = 0; i < 3; i++) f[n + 2 * i] = (char)(w16[i] >> 8), f[n + 2 * i + 1] = (char)w16[i];
        uint32_t e16[3], e8[3];
        for (int i = 0; i < 3; i++) e16[i] = w16[i], e8[i] = scale(w16[i], 65535, 255);
        expect_samples("P5 16-bit", f, (size_t)n + 6, PXC_COLOR_GRAY, PXC_SAMPLE_U16, e16, 3, 1);
        expect_samples("P5 16-bit to 8", f, (size_t)n + 6, PXC_COLOR_GRAY, PXC_SAMPLE_U8, e8, 3, 1);
        CHECK(e8[1] == 18); /* 0x1234 * 255 / 65535 = 18.1 */

        n = snprintf(f, sizeof(f), "P5\n2 1\n4095\n");
        const uint16_t w12[] = {4095, 2048};
        for (int i = 0; i < 2; i++) f[n + 2 * i] = (char)(w12[i] >> 8), f[n + 2 * i + 1] = (char)w12[i];
        const uint32_t e12[] = {65535, scale(2048, 4095, 65535)};
        expect_samples("P5 12-bit", f, (size_t)n + 4, PXC_COLOR_GRAY, PXC_SAMPLE_U16, e12, 2, 1);
        pxc_image_info info;
        CHECK_OK(info_of(f, (size_t)n + 4, &info));
        CHECK(info.precision == 12 && info.sample_type == PXC_SAMPLE_U16);
    }
    /* binary PPM read as gray, BGR and RGBA */
    {
        char f[64];
        int n = snprintf(f, sizeof(f), "P6\n#c\n2 1\n#c\n255\n");
        const uint8_t v[] = {10, 20, 30, 200, 100, 50};
        memcpy(f + n, v, 6);
        const uint32_t bgr[] = {30, 20, 10, 50, 100, 200};
        expect_samples("P6 to BGR", f, (size_t)n + 6, PXC_COLOR_BGR, PXC_SAMPLE_U8, bgr, 2, 1);
        const uint32_t rgba[] = {10, 20, 30, 255, 200, 100, 50, 255};
        expect_samples("P6 to RGBA", f, (size_t)n + 6, PXC_COLOR_RGBA, PXC_SAMPLE_U8, rgba, 2, 1);
        const uint32_t gray[] = {(10 * 19595u + 20 * 38470u + 30 * 7471u + 0x8000u) >> 16,
                                 (200 * 19595u + 100 * 38470u + 50 * 7471u + 0x8000u) >> 16};
        expect_samples("P6 to gray", f, (size_t)n + 6, PXC_COLOR_GRAY, PXC_SAMPLE_U8, gray, 2, 1);
    }
    /* comment right after maxval ends the header at its newline */
    {
        char f[64];
        int n = snprintf(f, sizeof(f), "P5 2 1 255#done\n");
        f[n] = 7;
        f[n + 1] = 9;
        const uint32_t e[] = {7, 9};
        expect_samples("comment after maxval", f, (size_t)n + 2, PXC_COLOR_GRAY, PXC_SAMPLE_U8, e, 2, 1);
    }
    /* two images in one file: the first is decoded */
    {
        char f[64];
        int n = snprintf(f, sizeof(f), "P5\n2 1\n255\n");
        f[n] = 1;
        f[n + 1] = 2;
        int m = snprintf(f + n + 2, sizeof(f) - (size_t)n - 2, "P5\n1 1\n255\n");
        f[n + 2 + m] = 3;
        const uint32_t e[] = {1, 2};
        expect_samples("concatenated images", f, (size_t)(n + 3 + m), PXC_COLOR_GRAY, PXC_SAMPLE_U8, e, 2, 1);
        pxc_image_info info;
        CHECK_OK(info_of(f, (size_t)(n + 3 + m), &info));
        CHECK(info.num_images == 1);
    }
}

static void test_pam(void)
{
    struct {
        const char *header;
        uint32_t depth;
        pxc_color_spec color;
    } ok[] = {
        {"P7\nWIDTH 2\nHEIGHT 1\nDEPTH 1\nMAXVAL 1\nTUPLTYPE BLACKANDWHITE\nENDHDR\n", 1, PXC_COLOR_GRAY},
        {"P7\n# comment\nWIDTH 2\nHEIGHT 1\nDEPTH 1\nMAXVAL 255\nTUPLTYPE GRAYSCALE\nENDHDR\n", 1, PXC_COLOR_GRAY},
        {"P7\nMAXVAL 255\nDEPTH 3\n\nHEIGHT 1\n  WIDTH   2  \nTUPLTYPE RGB\nENDHDR\n", 3, PXC_COLOR_RGB},
        {"P7\nWIDTH 2\nHEIGHT 1\nDEPTH 2\nMAXVAL 1\nTUPLTYPE BLACKANDWHITE_ALPHA\nENDHDR\n", 2,
         PXC_COLOR_GRAY_ALPHA},
        {"P7\nWIDTH 2\nHEIGHT 1\nDEPTH 2\nMAXVAL 255\nTUPLTYPE GRAYSCALE_ALPHA\nENDHDR\n", 2, PXC_COLOR_GRAY_ALPHA},
        {"P7\nWIDTH 2\nHEIGHT 1\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n", 4, PXC_COLOR_RGBA},
        {"P7\nWIDTH 2\nHEIGHT 1\nDEPTH 4\nMAXVAL 255\nENDHDR\n", 4, PXC_COLOR_RGBA},
        {"P7\nWIDTH 2\nHEIGHT 1\nDEPTH 3\nMAXVAL 255\nTUPLTYPE RGB\r\nENDHDR\r\n", 3, PXC_COLOR_RGB},
    };
    for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++) {
        char f[256];
        size_t n = strlen(ok[k].header);
        memcpy(f, ok[k].header, n);
        const int bw = strstr(ok[k].header, "MAXVAL 1\n") != NULL;
        uint32_t e[8];
        for (uint32_t i = 0; i < 2 * ok[k].depth; i++) {
            uint8_t v = (uint8_t)(bw ? rnd() & 1 : rnd());
            f[n + i] = (char)v;
            e[i] = bw ? v * 255u : v;
        }
        pxc_image_info info;
        CHECK_OK(info_of(f, n + 2 * ok[k].depth, &info));
        CHECK_MSG(info.num_channels == ok[k].depth && info.color_spec == ok[k].color, "PAM case %zu", k);
        expect_samples(ok[k].header, f, n + 2 * ok[k].depth, ok[k].color, PXC_SAMPLE_U8, e, 2, 1);
    }
    /* 16-bit RGBA PAM to U16 and U8 */
    {
        char f[128];
        int n = snprintf(f, sizeof(f), "P7\nWIDTH 1\nHEIGHT 1\nDEPTH 4\nMAXVAL 65535\nTUPLTYPE RGB_ALPHA\nENDHDR\n");
        const uint8_t px[8] = {0x12, 0x34, 0xFF, 0xFF, 0x00, 0x80, 0x80, 0x00};
        memcpy(f + n, px, 8);
        const uint32_t e16[] = {0x1234, 0xFFFF, 0x0080, 0x8000};
        expect_samples("PAM 16-bit", f, (size_t)n + 8, PXC_COLOR_RGBA, PXC_SAMPLE_U16, e16, 1, 1);
        const uint32_t e8[] = {scale(0x1234, 65535, 255), 255, scale(0x80, 65535, 255), scale(0x8000, 65535, 255)};
        expect_samples("PAM 16-bit to 8", f, (size_t)n + 8, PXC_COLOR_RGBA, PXC_SAMPLE_U8, e8, 1, 1);
    }
    struct {
        const char *what, *file;
        pxc_status want;
    } bad[] = {
        {"unknown tuple type", "P7\nWIDTH 1\nHEIGHT 1\nDEPTH 4\nMAXVAL 255\nTUPLTYPE CMYK\nENDHDR\n....",
         PXC_ERROR_UNSUPPORTED_FEATURE},
        {"depth 5 without a type", "P7\nWIDTH 1\nHEIGHT 1\nDEPTH 5\nMAXVAL 255\nENDHDR\n.....",
         PXC_ERROR_UNSUPPORTED_FEATURE},
        {"tuple type against depth", "P7\nWIDTH 1\nHEIGHT 1\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB\nENDHDR\n....",
         PXC_ERROR_CORRUPT_DATA},
        {"missing MAXVAL", "P7\nWIDTH 1\nHEIGHT 1\nDEPTH 1\nENDHDR\n.", PXC_ERROR_CORRUPT_DATA},
        {"missing ENDHDR", "P7\nWIDTH 1\nHEIGHT 1\nDEPTH 1\nMAXVAL 255\n", PXC_ERROR_TRUNCATED_DATA},
        {"unknown keyword", "P7\nWIDTH 1\nHEIGHT 1\nDEPTH 1\nMAXVAL 255\nCOLOUR blue\nENDHDR\n.",
         PXC_ERROR_CORRUPT_DATA},
        {"bad number", "P7\nWIDTH 1x\nHEIGHT 1\nDEPTH 1\nMAXVAL 255\nENDHDR\n.", PXC_ERROR_CORRUPT_DATA},
        {"depth 0", "P7\nWIDTH 1\nHEIGHT 1\nDEPTH 0\nMAXVAL 255\nENDHDR\n.", PXC_ERROR_CORRUPT_DATA},
        {"maxval 0", "P7\nWIDTH 1\nHEIGHT 1\nDEPTH 1\nMAXVAL 0\nENDHDR\n.", PXC_ERROR_CORRUPT_DATA},
        {"sample above maxval", "P7\nWIDTH 1\nHEIGHT 1\nDEPTH 1\nMAXVAL 1\nENDHDR\n\x02", PXC_ERROR_CORRUPT_DATA},
        {"XV thumbnail", "P7 332\n#XVVERSION:Version 2.28\n#END_OF_COMMENTS\n1 1 255\n.", PXC_ERROR_UNSUPPORTED_FEATURE},
        {"short raster", "P7\nWIDTH 2\nHEIGHT 1\nDEPTH 3\nMAXVAL 255\nENDHDR\n.....", PXC_ERROR_TRUNCATED_DATA},
    };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) expect_status(bad[k].what, bad[k].file, 0, bad[k].want);
}

static void test_errors(void)
{
    struct {
        const char *what, *file;
        pxc_status want;
    } bad[] = {
        {"width 0", "P5\n0 1\n255\n.", PXC_ERROR_CORRUPT_DATA},
        {"height 0", "P5\n1 0\n255\n.", PXC_ERROR_CORRUPT_DATA},
        {"maxval 0", "P5\n1 1\n0\n.", PXC_ERROR_CORRUPT_DATA},
        {"maxval 65536", "P5\n1 1\n65536\n..", PXC_ERROR_CORRUPT_DATA},
        {"negative width", "P5\n-1 1\n255\n.", PXC_ERROR_CORRUPT_DATA},
        {"width with letters", "P5\n1a 1\n255\n.", PXC_ERROR_CORRUPT_DATA},
        {"width too large", "P5\n99999999999 1\n255\n.", PXC_ERROR_CORRUPT_DATA},
        {"no whitespace after magic", "P5x 1 1 255\n.", PXC_ERROR_UNSUPPORTED_FORMAT},
        {"header ends in a comment", "P5\n1 1\n# no end", PXC_ERROR_TRUNCATED_DATA},
        {"header ends in maxval", "P5\n1 1\n255", PXC_ERROR_TRUNCATED_DATA},
        {"plain sample above maxval", "P2\n2 1\n255\n12 256\n", PXC_ERROR_CORRUPT_DATA},
        {"plain huge sample", "P2\n2 1\n255\n12 99999999999999999999\n", PXC_ERROR_CORRUPT_DATA},
        {"plain letter", "P2\n2 1\n255\n12 x\n", PXC_ERROR_CORRUPT_DATA},
        {"plain number with letters", "P3\n1 1\n255\n1 2a 3\n", PXC_ERROR_CORRUPT_DATA},
        {"plain negative", "P2\n2 1\n255\n1 -2\n", PXC_ERROR_CORRUPT_DATA},
        {"plain PBM digit 2", "P1\n3 1\n012\n", PXC_ERROR_CORRUPT_DATA},
        {"plain too few samples", "P2\n2 2\n255\n1 2 3\n", PXC_ERROR_TRUNCATED_DATA},
        {"plain PBM too few bits", "P1\n3 2\n01 1 0\n", PXC_ERROR_TRUNCATED_DATA},
        {"binary sample above maxval", "P5\n2 1\n10\n\x05\x0b", PXC_ERROR_CORRUPT_DATA},
        {"binary 16-bit sample above maxval", "P5\n1 1\n1000\n\x03\xe9", PXC_ERROR_CORRUPT_DATA},
        {"binary short raster", "P6\n2 1\n255\n12345", PXC_ERROR_TRUNCATED_DATA},
        {"PBM short raster", "P4\n9 2\n\x01\x02\x03", PXC_ERROR_TRUNCATED_DATA},
        {"not PNM", "P9\n1 1\n255\n.", PXC_ERROR_UNSUPPORTED_FORMAT},
    };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        expect_status(bad[k].what, bad[k].file, 0, bad[k].want);
        if (bad[k].want != PXC_ERROR_UNSUPPORTED_FORMAT)
            CHECK_MSG(strstr(pxc_test_detail, "PBM") || strstr(pxc_test_detail, "PGM") || strstr(pxc_test_detail, "PPM") ||
                          strstr(pxc_test_detail, "PAM") || strstr(pxc_test_detail, "PNM"),
                      "%s: detail \"%s\"", bad[k].what, pxc_test_detail);
    }
    /* sample above maxval names where */
    expect_status("where", "P2\n2 2\n9\n1 2\n3 10\n", 0, PXC_ERROR_CORRUPT_DATA);
    CHECK_MSG(strstr(pxc_test_detail, "row 1") && strstr(pxc_test_detail, "10") && strstr(pxc_test_detail, "maxval 9"),
              "detail \"%s\"", pxc_test_detail);

    /* the pixel limit is the core's */
    const char *big = "P6\n100000 100000\n255\n";
    pxc_image_info info;
    CHECK_OK(info_of(big, strlen(big), &info));
    CHECK(info.width == 100000 && info.height == 100000);
    expect_status("100000 x 100000", big, 0, PXC_ERROR_LIMIT_EXCEEDED);
    expect_status("4294967295 square", "P7\nWIDTH 4294967295\nHEIGHT 4294967295\nDEPTH 4\nMAXVAL 65535\nENDHDR\n",
                  0, PXC_ERROR_LIMIT_EXCEEDED);
    expect_status("3000 x 3000 without pixels", "P5\n3000 3000\n65535\n", 0, PXC_ERROR_TRUNCATED_DATA);
}

/* ---- truncation ----------------------------------------------------------- */

/* Every prefix shorter than @p ok_from fails cleanly; longer ones may decode. */
static void truncate_all(const char *what, const uint8_t *file, size_t size, size_t ok_from)
{
    for (size_t len = 0; len < size; len++) {
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, file, len);
        pxc_image *img;
        pxc_status st = decode_to(copy, len, PXC_COLOR_RGBA, PXC_SAMPLE_U16, &img);
        if (!(len >= ok_from && st == PXC_OK)) {
            pxc_status want = len == 0 ? PXC_ERROR_EMPTY_INPUT
                              : len < 2 ? PXC_ERROR_UNSUPPORTED_FORMAT
                                        : PXC_ERROR_TRUNCATED_DATA;
            CHECK_MSG(st == want, "%s cut to %zu of %zu bytes: status %d (%s)", what, len, size, (int)st,
                      pxc_test_detail);
        }
        pxc_image_destroy(img);
        free(copy);
    }
    pxc_image *img;
    CHECK_OK(decode_to(file, size, PXC_COLOR_RGBA, PXC_SAMPLE_U16, &img));
    pxc_image_destroy(img);
}

static void test_truncation(void)
{
    static const struct {
        pxc_color_spec color;
        pxc_sample_type type;
    } forms[] = {{PXC_COLOR_GRAY, PXC_SAMPLE_U8}, {PXC_COLOR_RGB, PXC_SAMPLE_U16},
                 {PXC_COLOR_RGBA, PXC_SAMPLE_U8}, {PXC_COLOR_GRAY_ALPHA, PXC_SAMPLE_U16}};
    for (size_t k = 0; k < sizeof(forms) / sizeof(forms[0]); k++) {
        pxc_image_desc d;
        pxc_image_desc_init(&d);
        d.width = 3;
        d.height = 2;
        d.num_channels = pxc_color_spec_channels(forms[k].color);
        d.color_spec = forms[k].color;
        d.sample_type = forms[k].type;
        pxc_image *src;
        CHECK_OK(pxc_image_create(ctx, &d, NULL, &src));
        void *data;
        size_t size;
        CHECK_OK(pxc_encode(enc, src, "pnm", NULL, &data, &size));
        truncate_all("encoded", data, size, size);
        pxc_free(data);
        pxc_image_destroy(src);
    }
    const char *pbm = "P4\n10 2\n\x12\x34\x56\x78";
    truncate_all("P4", (const uint8_t *)pbm, strlen(pbm), strlen(pbm));
    /* plain files: a cut inside the last number still reads as a (smaller) number */
    const char *p2 = "P2\n# c\n3 2\n300\n1 2 3\n100 200 300\n";
    truncate_all("P2", (const uint8_t *)p2, strlen(p2), strlen(p2) - 3);
    const char *p1 = "P1\n4 2\n0101\n1100\n";
    truncate_all("P1", (const uint8_t *)p1, strlen(p1), strlen(p1) - 1);
}

int main(void)
{
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 1;
    if (pxc_context_create(&cs, &ctx) != PXC_OK) return 2;
    if (pxc_decoder_create(ctx, NULL, &dec) != PXC_OK) return 2;
    if (pxc_encoder_create(ctx, NULL, &enc) != PXC_OK) return 2;

    test_roundtrip();
    test_formats();
    test_pam();
    test_errors();
    test_truncation();

    pxc_encoder_destroy(enc);
    pxc_decoder_destroy(dec);
    pxc_context_destroy(ctx);
    return pxc_test_summary("test_pnm");
}
