/* JPEG 2000 through the public API: round trips for every encoder setting, 8 and 16-bit,
 * truncation at every length, corrupt headers, limits, the conformance corpus. */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>

#include "test.h"

static pxc_context *ctx;
static pxc_decoder *dec;
static pxc_encoder *enc;

static uint32_t rng_state = 777;
static uint32_t rnd(void)
{
    return pxc_test_rand(&rng_state);
}

/* Smooth gradient plus noise (compresses like a photo, exercises every bit). */
static pxc_image *make_image(uint32_t w, uint32_t h, pxc_color_spec color, pxc_sample_type type)
{
    pxc_image *img = pxc_test_new_image(ctx, w, h, color, type);
    if (!img) return NULL;
    const pxc_image_desc *rd = pxc_image_get_desc(img);
    uint8_t *data = pxc_image_data(img);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            for (uint32_t c = 0; c < rd->num_channels; c++) {
                const uint32_t v = (x * 3 + y * 2 + c * 40 + (rnd() & 15)) & 255;
                if (type == PXC_SAMPLE_U16) {
                    uint16_t *r = (uint16_t *)(data + (size_t)y * rd->row_stride);
                    r[(size_t)x * rd->num_channels + c] = (uint16_t)(v * 257 + (rnd() & 255));
                } else {
                    data[(size_t)y * rd->row_stride + (size_t)x * rd->num_channels + c] = (uint8_t)v;
                }
            }
    return img;
}

static void params_default(pxc_decode_params *p, pxc_color_spec color, pxc_sample_type type)
{
    pxc_decode_params_default(p);
    p->color_spec = color;
    p->sample_type = type;
}

/* log10 without libm (the tests link no maths library): x = m * 2^e, ln m by the atanh series. */
static double log10_(double x)
{
    if (x <= 0) return -1e9;
    int e = 0;
    while (x >= 2) { x /= 2; e++; }
    while (x < 1) { x *= 2; e--; }
    const double t = (x - 1) / (x + 1), t2 = t * t;
    double term = t, sum = 0;
    for (int k = 1; k < 60; k += 2) {
        sum += term / k;
        term *= t2;
    }
    return (2 * sum + e * 0.69314718055994531) / 2.30258509299404568;
}

/* PSNR of b against a (same desc), in dB; 999 when equal. */
static double psnr(const pxc_image *a, const pxc_image *b)
{
    const pxc_image_desc *da = pxc_image_get_desc(a), *db = pxc_image_get_desc(b);
    if (da->width != db->width || da->height != db->height || da->num_channels != db->num_channels ||
        da->sample_type != db->sample_type)
        return -1;
    const bool u16 = da->sample_type == PXC_SAMPLE_U16;
    const double top = u16 ? 65535.0 : 255.0;
    double se = 0;
    size_t n = 0;
    for (uint32_t y = 0; y < da->height; y++) {
        const uint8_t *ra = (const uint8_t *)pxc_image_data(a) + (size_t)y * da->row_stride;
        const uint8_t *rb = (const uint8_t *)pxc_image_data(b) + (size_t)y * db->row_stride;
        for (size_t k = 0; k < (size_t)da->width * da->num_channels; k++, n++) {
            const double va = u16 ? ((const uint16_t *)ra)[k] : ra[k];
            const double vb = u16 ? ((const uint16_t *)rb)[k] : rb[k];
            se += (va - vb) * (va - vb);
        }
    }
    if (se == 0) return 999;
    return 10 * log10_(top * top / (se / (double)n));
}

/* Encodes, decodes back to the same colour and type, returns the PSNR (-1 on failure). */
static double round_trip(const pxc_image *src, const pxc_encode_params *ep, uint8_t **bytes, size_t *nbytes)
{
    const pxc_image_desc *d = pxc_image_get_desc(src);
    void *data = NULL;
    size_t size = 0;
    pxc_status st = pxc_encode(enc, src, "jpeg2k", ep, &data, &size);
    CHECK_MSG(st == PXC_OK, "encode: %s", pxc_encoder_last_error(enc));
    if (st != PXC_OK) return -1;
    pxc_decode_params p;
    params_default(&p, d->color_spec, d->sample_type);
    pxc_image *out = NULL;
    st = pxc_test_decode(ctx, dec, data, size, &p, &out);
    CHECK_MSG(st == PXC_OK, "decode: %s", pxc_test_detail);
    double q = out ? psnr(src, out) : -1;
    pxc_image_destroy(out);
    if (bytes) {
        *bytes = data;
        *nbytes = size;
    } else {
        pxc_free(data);
    }
    return q;
}

static void test_round_trips(void)
{
    const pxc_color_spec colors[] = {PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA, PXC_COLOR_RGB, PXC_COLOR_RGBA,
                                     PXC_COLOR_BGR, PXC_COLOR_BGRA};
    for (int t = 0; t < 2; t++)
        for (size_t c = 0; c < sizeof(colors) / sizeof(colors[0]); c++)
            for (int bs = 0; bs < 2; bs++) {
                pxc_image *img = make_image(37, 29, colors[c], t ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8);
                pxc_encode_params ep;
                pxc_encode_params_default(&ep);
                ep.jpeg2k_reversible = 1;
                ep.jpeg2k_bitstream_type = bs ? PXC_JPEG2K_JP2 : PXC_JPEG2K_J2K;
                double q = round_trip(img, &ep, NULL, NULL);
                CHECK_MSG(q == 999, "lossless %s %d-bit %s: PSNR %.2f", pxc_color_spec_name(colors[c]),
                          t ? 16 : 8, bs ? "JP2" : "J2K", q);
                /* lossy, default rate control: target PSNR 50 dB */
                ep.jpeg2k_reversible = 0;
                q = round_trip(img, &ep, NULL, NULL);
                CHECK_MSG(q > 40, "lossy %s %d-bit: PSNR %.2f", pxc_color_spec_name(colors[c]), t ? 16 : 8, q);
                pxc_image_destroy(img);
            }

    /* every progression order, MCT both ways, code block sizes, resolutions */
    pxc_image *img = make_image(70, 50, PXC_COLOR_RGB, PXC_SAMPLE_U8);
    for (int po = 0; po < 5; po++)
        for (int mct = 0; mct < 2; mct++) {
            pxc_encode_params ep;
            pxc_encode_params_default(&ep);
            ep.jpeg2k_reversible = 1;
            ep.jpeg2k_prog_order = (pxc_jpeg2k_prog_order)po;
            ep.mct_mode = mct ? PXC_MCT_YCC : PXC_MCT_RGB;
            double q = round_trip(img, &ep, NULL, NULL);
            CHECK_MSG(q == 999, "progression %d mct %d: PSNR %.2f", po, mct, q);
        }
    const int blocks[][2] = {{4, 4}, {16, 16}, {32, 32}, {64, 64}, {32, 128}, {1024, 4}, {128, 16}};
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        for (int nres = 1; nres <= 6; nres += 5) {
            pxc_encode_params ep;
            pxc_encode_params_default(&ep);
            ep.jpeg2k_reversible = 1;
            ep.jpeg2k_code_block_width = blocks[i][0];
            ep.jpeg2k_code_block_height = blocks[i][1];
            ep.jpeg2k_num_resolutions = nres;
            double q = round_trip(img, &ep, NULL, NULL);
            CHECK_MSG(q == 999, "code block %dx%d, %d resolutions: PSNR %.2f", blocks[i][0], blocks[i][1],
                      nres, q);
        }
    /* quality maps to a compression ratio: lower quality, smaller file, lower PSNR */
    size_t prev = SIZE_MAX;
    double prevq = 1000;
    for (int qi = 0; qi < 3; qi++) {
        const float qs[] = {90, 60, 30};
        pxc_encode_params ep;
        pxc_encode_params_default(&ep);
        ep.quality = qs[qi];
        uint8_t *bytes = NULL;
        size_t n = 0;
        double q = round_trip(img, &ep, &bytes, &n);
        CHECK_MSG(n < prev && q <= prevq && q > 10, "quality %.0f: %zu bytes, PSNR %.2f", qs[qi], n, q);
        prev = n;
        prevq = q;
        pxc_free(bytes);
    }
    /* target PSNR is honoured roughly */
    pxc_encode_params ep;
    pxc_encode_params_default(&ep);
    ep.target_psnr = 30;
    double q = round_trip(img, &ep, NULL, NULL);
    CHECK_MSG(q > 28 && q < 40, "target PSNR 30: got %.2f", q);
    /* invalid settings are refused with a reason */
    pxc_encode_params_default(&ep);
    ep.jpeg2k_code_block_width = 48;
    void *data = NULL;
    size_t size = 0;
    CHECK(pxc_encode(enc, img, "jpeg2k", &ep, &data, &size) != PXC_OK);
    CHECK(strstr(pxc_encoder_last_error(enc), "code block") != NULL);
    pxc_encode_params_default(&ep);
    ep.jpeg2k_code_block_width = 128;
    ep.jpeg2k_code_block_height = 64;
    CHECK(pxc_encode(enc, img, "jpeg2k", &ep, &data, &size) != PXC_OK);
    pxc_image_destroy(img);

    /* 16-bit output of an 8-bit file: v * 257; 8-bit output of a 16-bit file: high byte */
    img = make_image(9, 7, PXC_COLOR_GRAY, PXC_SAMPLE_U16);
    pxc_encode_params_default(&ep);
    ep.jpeg2k_reversible = 1;
    CHECK_OK(pxc_encode(enc, img, ".j2k", &ep, &data, &size));
    pxc_decode_params p;
    params_default(&p, PXC_COLOR_GRAY, PXC_SAMPLE_U8);
    pxc_image *out = NULL;
    CHECK_OK(pxc_test_decode(ctx, dec, data, size, &p, &out));
    if (out) {
        const uint16_t *s = pxc_image_data(img);
        const uint8_t *o = pxc_image_data(out);
        bool ok = true;
        for (int i = 0; i < 9; i++) ok = ok && o[i] == s[i] >> 8;
        CHECK(ok);
    }
    pxc_image_info info;
    CHECK_OK(pxc_test_info(ctx, data, size, &info));
    CHECK(strcmp(info.codec, "jpeg2k") == 0 && info.width == 9 && info.height == 7 && info.precision == 16 &&
          info.sample_type == PXC_SAMPLE_U16 && info.color_spec == PXC_COLOR_GRAY);
    pxc_image_destroy(out);
    pxc_free(data);
    pxc_image_destroy(img);
}

static void put_be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void test_truncation_and_corruption(void)
{
    pxc_image *img = make_image(24, 20, PXC_COLOR_RGB, PXC_SAMPLE_U8);
    for (int bs = 0; bs < 2; bs++) {
        pxc_encode_params ep;
        pxc_encode_params_default(&ep);
        ep.jpeg2k_reversible = 1;
        ep.jpeg2k_bitstream_type = bs ? PXC_JPEG2K_JP2 : PXC_JPEG2K_J2K;
        void *data = NULL;
        size_t size = 0;
        CHECK_OK(pxc_encode(enc, img, "jpeg2k", &ep, &data, &size));
        if (!data) continue;
        int refused = 0;
        for (size_t n = 0; n < size; n++) {
            uint8_t *copy = malloc(n ? n : 1);
            memcpy(copy, data, n);
            pxc_image *out = NULL;
            pxc_status st = pxc_test_decode(ctx, dec, copy, n, NULL, &out);
            if (st != PXC_OK) {
                refused++;
                CHECK_MSG(pxc_test_detail[0] != '\0', "no detail at length %zu", n);
            }
            /* past the signature / SOC + SIZ, every cut is reported as truncation */
            if (n >= 16)
                CHECK_MSG(st == PXC_ERROR_TRUNCATED_DATA, "truncated to %zu of %zu bytes: status %d (%s)", n,
                          size, (int)st, pxc_test_detail);
            pxc_image_destroy(out);
            free(copy);
        }
        CHECK(refused == (int)size);
        /* damaged bytes after the main header: decoded or refused with a reason, never a crash */
        uint8_t *copy = malloc(size);
        for (size_t pos = 60; pos + 2 < size; pos += 7) {
            memcpy(copy, data, size);
            copy[pos] ^= 0x5A;
            copy[pos + 1] = 0xFF;
            pxc_image *out = NULL;
            pxc_status st = pxc_test_decode(ctx, dec, copy, size, NULL, &out);
            CHECK_MSG(st == PXC_OK || pxc_test_detail[0] != '\0', "damage at %zu: status %d without detail", pos,
                      (int)st);
            pxc_image_destroy(out);
        }
        free(copy);
        pxc_free(data);
    }
    pxc_image_destroy(img);

    /* hand-written main headers */
    uint8_t cs[64];
    memset(cs, 0, sizeof(cs));
    cs[0] = 0xFF; cs[1] = 0x4F; cs[2] = 0xFF; cs[3] = 0x51;
    put_be16(cs + 4, 41);         /* Lsiz for 1 component */
    put_be32(cs + 8, 100000);     /* Xsiz */
    put_be32(cs + 12, 100000);    /* Ysiz */
    put_be32(cs + 24, 100000);    /* XTsiz */
    put_be32(cs + 28, 100000);    /* YTsiz */
    put_be16(cs + 40, 1);         /* Csiz */
    cs[42] = 7; cs[43] = 1; cs[44] = 1;
    pxc_image *out = NULL;
    CHECK_STATUS(pxc_test_decode(ctx, dec, cs, 45, NULL, &out), PXC_ERROR_LIMIT_EXCEEDED);
    pxc_image_info info;
    CHECK_OK(pxc_test_info(ctx, cs, 45, &info));
    CHECK(info.width == 100000 && info.height == 100000 && info.num_channels == 1);
    /* tiny tiles: too many */
    put_be32(cs + 24, 1);
    put_be32(cs + 28, 1);
    CHECK_STATUS(pxc_test_info(ctx, cs, 45, &info), PXC_ERROR_CORRUPT_DATA);
    CHECK(strstr(pxc_test_detail, "tiles") != NULL);
    put_be32(cs + 24, 100000);
    put_be32(cs + 28, 100000);
    /* component count disagrees with the segment length */
    put_be16(cs + 40, 3);
    CHECK_STATUS(pxc_test_info(ctx, cs, 45, &info), PXC_ERROR_CORRUPT_DATA);
    put_be16(cs + 40, 0);
    CHECK_STATUS(pxc_test_info(ctx, cs, 45, &info), PXC_ERROR_CORRUPT_DATA);
    put_be16(cs + 40, 1);
    /* empty image area */
    put_be32(cs + 16, 100000);
    CHECK_STATUS(pxc_test_info(ctx, cs, 45, &info), PXC_ERROR_CORRUPT_DATA);
    put_be32(cs + 16, 0);
    /* 17-bit samples */
    cs[42] = 16;
    CHECK_STATUS(pxc_test_info(ctx, cs, 45, &info), PXC_ERROR_UNSUPPORTED_FEATURE);
    cs[42] = 7;
    /* sampling factor 0 */
    cs[43] = 0;
    CHECK_STATUS(pxc_test_info(ctx, cs, 45, &info), PXC_ERROR_CORRUPT_DATA);
    cs[43] = 1;
    /* a plausible size whose tile data is missing */
    put_be32(cs + 8, 64);
    put_be32(cs + 12, 64);
    CHECK(pxc_test_decode(ctx, dec, cs, 45, NULL, &out) != PXC_OK);
    CHECK(out == NULL);

    /* byte budget: a valid file refused up front when its decoder memory passes the limit */
    pxc_context_settings s;
    pxc_context_default_settings(&s);
    s.max_bytes_per_image = 40000;
    pxc_context *c2 = NULL;
    pxc_decoder *d2 = NULL;
    CHECK_OK(pxc_context_create(&s, &c2));
    CHECK_OK(pxc_decoder_create(c2, NULL, &d2));
    img = make_image(100, 100, PXC_COLOR_GRAY, PXC_SAMPLE_U8);
    void *data = NULL;
    size_t size = 0;
    CHECK_OK(pxc_encode(enc, img, "jpeg2k", NULL, &data, &size));
    CHECK_STATUS(pxc_test_decode(c2, d2, data, size, NULL, &out), PXC_ERROR_LIMIT_EXCEEDED);
    pxc_free(data);
    pxc_image_destroy(img);
    pxc_decoder_destroy(d2);
    pxc_context_destroy(c2);
}

static void test_corpus(void)
{
    const char *dir = PXC_CORPUS_DIR "/jpeg2000";
    DIR *dh = opendir(dir);
    if (!dh) {
        printf("test_jpeg2k: corpus %s absent, skipped\n", dir);
        return;
    }
    int decoded = 0, failed = 0;
    struct dirent *de;
    while ((de = readdir(dh))) {
        const char *dot = strrchr(de->d_name, '.');
        if (!dot || (strcmp(dot, ".j2k") && strcmp(dot, ".j2c") && strcmp(dot, ".jp2") && strcmp(dot, ".jph") &&
                     strcmp(dot, ".jhc")))
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        size_t size = 0;
        unsigned char *data = pxc_test_read_file(path, &size);
        if (!data) continue;
        pxc_image_info info;
        CHECK_OK(pxc_test_info(ctx, data, size, &info));
        pxc_decode_params p;
        pxc_decode_params_default(&p);
        p.allow_any_depth = 1;
        pxc_image *out = NULL;
        pxc_status st = pxc_test_decode(ctx, dec, data, size, &p, &out);
        CHECK_MSG(st == PXC_OK, "%s: %s", de->d_name, pxc_test_detail);
        if (st == PXC_OK) {
            decoded++;
            const pxc_image_desc *d = pxc_image_get_desc(out);
            CHECK(d->width == info.width && d->height == info.height);
        } else {
            failed++;
        }
        pxc_image_destroy(out);
        free(data);
    }
    closedir(dh);
    printf("test_jpeg2k: corpus: %d files decoded, %d failed\n", decoded, failed);
}

int main(void)
{
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 2;
    CHECK_OK(pxc_context_create(&cs, &ctx));
    CHECK_OK(pxc_decoder_create(ctx, NULL, &dec));
    CHECK_OK(pxc_encoder_create(ctx, NULL, &enc));
    if (!ctx || !dec || !enc) return pxc_test_summary("test_jpeg2k");

    test_round_trips();
    test_truncation_and_corruption();
    test_corpus();

    pxc_encoder_destroy(enc);
    pxc_decoder_destroy(dec);
    pxc_context_destroy(ctx);
    return pxc_test_summary("test_jpeg2k");
}
