/* WebP through the public API: round trips, alpha, animation, truncation, damaged headers, limits. */
#include <stdbool.h>
#include <stdint.h>

#include "test.h"

static pxc_context *ctx;
static pxc_decoder *dec;
static pxc_encoder *enc;          /* lossy (default options) */
static pxc_encoder *enc_lossless; /* webp:lossless=1 */

/* ---- helpers ----------------------------------------------------------- */

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put_le24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint32_t rng_state = 4242;
static uint32_t rnd(void)
{
    return pxc_test_rand(&rng_state);
}

/* An image filled with noise (noise = true) or a smooth gradient. */
static pxc_image *make_image(uint32_t w, uint32_t h, pxc_color_spec color, pxc_sample_type type,
                             bool noise)
{
    pxc_image *img = pxc_test_new_image(ctx, w, h, color, type);
    if (!img) return NULL;
    const pxc_image_desc *rd = pxc_image_get_desc(img);
    uint8_t *data = pxc_image_data(img);
    const uint32_t nc = rd->num_channels;
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            for (uint32_t c = 0; c < nc; c++) {
                uint32_t g = x * 2 + y * (c + 1);
                uint32_t v = noise ? rnd() & 0xFFFF : (g > 255 ? 255 : g) * 257;
                const size_t i = (size_t)x * nc + c;
                if (type == PXC_SAMPLE_U16)
                    ((uint16_t *)(void *)(data + y * rd->row_stride))[i] = (uint16_t)v;
                else
                    data[y * rd->row_stride + i] = (uint8_t)(v >> 8);
            }
        }
    }
    return img;
}

static uint8_t *encode_with(pxc_encoder *e, const pxc_image *img, float quality, size_t *size)
{
    void *out = NULL;
    *size = 0;
    pxc_encode_params p;
    pxc_encode_params_default(&p);
    p.quality = quality;
    pxc_status st = pxc_encode(e, img, "webp", &p, &out, size);
    CHECK_MSG(st == PXC_OK, "encode: %s", pxc_encoder_last_error(e));
    return out;
}

static pxc_status decode(const uint8_t *data, size_t size, pxc_color_spec color,
                         pxc_sample_type type, uint32_t index, pxc_image **out)
{
    pxc_decode_params p;
    pxc_decode_params_default(&p);
    p.color_spec = color;
    p.sample_type = type;
    p.image_index = index;
    return pxc_test_decode(ctx, dec, data, size, &p, out);
}

static uint32_t sample_at(const pxc_image *img, uint32_t x, uint32_t y, uint32_t c)
{
    const pxc_image_desc *d = pxc_image_get_desc(img);
    const uint8_t *row = (const uint8_t *)pxc_image_data(img) + y * d->row_stride;
    const size_t i = (size_t)x * d->num_channels + c;
    return d->sample_type == PXC_SAMPLE_U16 ? ((const uint16_t *)(const void *)row)[i] : row[i];
}

/* Offset of the first chunk @p fourcc after the RIFF header, or 0. */
static size_t find_chunk(const uint8_t *w, size_t size, const char *fourcc)
{
    size_t pos = 12;
    while (pos + 8 <= size) {
        if (memcmp(w + pos, fourcc, 4) == 0) return pos;
        const uint32_t len = get_le32(w + pos + 4);
        pos += 8 + (size_t)len + (len & 1u);
    }
    return 0;
}

/* ---- round trips -------------------------------------------------------- */

static void test_lossless_round_trip(void)
{
    static const pxc_color_spec colors[] = {PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA, PXC_COLOR_RGB,
                                            PXC_COLOR_BGR,  PXC_COLOR_RGBA,       PXC_COLOR_BGRA};
    for (size_t ci = 0; ci < sizeof(colors) / sizeof(colors[0]); ci++) {
        for (int t = 0; t < 2; t++) {
            const pxc_sample_type type = t ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
            const pxc_color_spec color = colors[ci];
            const uint32_t w = 19, h = 11, nc = pxc_color_spec_channels(color);
            pxc_image *src = make_image(w, h, color, type, true);
            if (!src) continue;
            size_t size = 0;
            uint8_t *webp = encode_with(enc_lossless, src, 75, &size);
            if (!webp) {
                pxc_image_destroy(src);
                continue;
            }
            CHECK(size > 12 && memcmp(webp, "RIFF", 4) == 0 && memcmp(webp + 8, "WEBP", 4) == 0);
            pxc_image_info info;
            CHECK_OK(pxc_test_info(ctx, webp, size, &info));
            CHECK(strcmp(info.codec, "webp") == 0);
            CHECK(info.width == w && info.height == h);
            CHECK(info.chroma_subsampling == PXC_CSS_444);
            CHECK(info.num_images == 1);
            CHECK(info.sample_type == PXC_SAMPLE_U8 && info.precision == 8);
            const bool alpha = color == PXC_COLOR_GRAY_ALPHA || color == PXC_COLOR_RGBA ||
                               color == PXC_COLOR_BGRA;
            CHECK(info.num_channels == (alpha ? 4u : 3u));

            pxc_image *out = NULL;
            CHECK_OK(decode(webp, size, color, type, 0, &out));
            if (out) {
                int bad = 0;
                for (uint32_t y = 0; y < h; y++)
                    for (uint32_t x = 0; x < w; x++)
                        for (uint32_t c = 0; c < nc; c++) {
                            uint32_t a = sample_at(src, x, y, c), b = sample_at(out, x, y, c);
                            /* 16-bit sources keep their high byte; decoding to 16 bit gives v * 257 */
                            if (type == PXC_SAMPLE_U16) a = (a >> 8) * 257;
                            if (a != b) bad++;
                        }
                CHECK_MSG(bad == 0, "%s %s: %d samples differ after a lossless round trip",
                          pxc_color_spec_name(color), t ? "u16" : "u8", bad);
                pxc_image_destroy(out);
            }
            pxc_free(webp);
            pxc_image_destroy(src);
        }
    }
}

/* Mean squared error over the first @p channels (PSNR 30 dB = MSE 65.0). */
static double mse_rgb(const pxc_image *a, const pxc_image *b, uint32_t channels)
{
    const pxc_image_desc *d = pxc_image_get_desc(a);
    double se = 0;
    size_t n = 0;
    for (uint32_t y = 0; y < d->height; y++)
        for (uint32_t x = 0; x < d->width; x++)
            for (uint32_t c = 0; c < channels; c++) {
                const double e = (double)sample_at(a, x, y, c) - (double)sample_at(b, x, y, c);
                se += e * e;
                n++;
            }
    return se / (double)n;
}

static void test_lossy_round_trip(void)
{
    const uint32_t w = 64, h = 48;
    pxc_image *src = make_image(w, h, PXC_COLOR_RGB, PXC_SAMPLE_U8, false);
    if (!src) return;
    double prev = 0;
    static const float qualities[] = {30, 75, 95};
    for (size_t qi = 0; qi < 3; qi++) {
        size_t size = 0;
        uint8_t *webp = encode_with(enc, src, qualities[qi], &size);
        if (!webp) continue;
        CHECK(find_chunk(webp, size, "VP8 ") != 0);
        pxc_image_info info;
        CHECK_OK(pxc_test_info(ctx, webp, size, &info));
        CHECK(info.chroma_subsampling == PXC_CSS_420 && info.num_channels == 3);
        pxc_image *out = NULL;
        CHECK_OK(decode(webp, size, PXC_COLOR_RGB, PXC_SAMPLE_U8, 0, &out));
        if (out) {
            const double m = mse_rgb(src, out, 3);
            CHECK_MSG(m < 65.0, "quality %.0f: MSE %.2f (bound 65, i.e. PSNR 30 dB)", qualities[qi], m);
            CHECK_MSG(qi == 0 || m <= prev * 1.1, "quality %.0f: MSE %.2f above %.2f of a lower quality",
                      qualities[qi], m, prev);
            prev = m;
            pxc_image_destroy(out);
        }
        pxc_free(webp);
    }
    pxc_image_destroy(src);
}

/* Lossy colour with an alpha plane: the alpha is coded losslessly. */
static void test_alpha(void)
{
    const uint32_t w = 40, h = 24;
    pxc_image *src = make_image(w, h, PXC_COLOR_RGBA, PXC_SAMPLE_U8, false);
    if (!src) return;
    uint8_t *data = pxc_image_data(src);
    const size_t stride = pxc_image_get_desc(src)->row_stride;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) data[y * stride + x * 4 + 3] = (uint8_t)(1 + (x * 7 + y * 5) % 255);
    size_t size = 0;
    uint8_t *webp = encode_with(enc, src, 90, &size);
    if (webp) {
        CHECK(find_chunk(webp, size, "VP8X") != 0 && find_chunk(webp, size, "ALPH") != 0);
        pxc_image_info info;
        CHECK_OK(pxc_test_info(ctx, webp, size, &info));
        CHECK(info.num_channels == 4 && info.color_spec == PXC_COLOR_RGBA);
        CHECK(info.chroma_subsampling == PXC_CSS_420);
        static const pxc_color_spec outs[] = {PXC_COLOR_RGBA, PXC_COLOR_BGRA, PXC_COLOR_GRAY_ALPHA};
        for (int k = 0; k < 3; k++) {
            pxc_image *out = NULL;
            CHECK_OK(decode(webp, size, outs[k], PXC_SAMPLE_U8, 0, &out));
            if (!out) continue;
            const uint32_t ac = outs[k] == PXC_COLOR_GRAY_ALPHA ? 1 : 3;
            int bad = 0;
            for (uint32_t y = 0; y < h; y++)
                for (uint32_t x = 0; x < w; x++)
                    if (sample_at(out, x, y, ac) != sample_at(src, x, y, 3)) bad++;
            CHECK_MSG(bad == 0, "%d alpha samples differ", bad);
            if (outs[k] == PXC_COLOR_RGBA) CHECK(mse_rgb(src, out, 3) < 65.0);
            pxc_image_destroy(out);
        }
        /* RGB output drops the alpha; the colours equal those of the RGBA decode */
        pxc_image *rgba = NULL, *rgb = NULL;
        CHECK_OK(decode(webp, size, PXC_COLOR_RGBA, PXC_SAMPLE_U8, 0, &rgba));
        CHECK_OK(decode(webp, size, PXC_COLOR_RGB, PXC_SAMPLE_U16, 0, &rgb));
        if (rgba && rgb) {
            int bad = 0;
            for (uint32_t y = 0; y < h; y++)
                for (uint32_t x = 0; x < w; x++)
                    for (uint32_t c = 0; c < 3; c++)
                        if (sample_at(rgba, x, y, c) * 257 != sample_at(rgb, x, y, c)) bad++;
            CHECK(bad == 0);
        }
        pxc_image_destroy(rgba);
        pxc_image_destroy(rgb);
        pxc_free(webp);
    }
    pxc_image_destroy(src);
}

/* ---- animation -------------------------------------------------------- */

/* A solid opaque RGB image encoded losslessly; returns the VP8L chunk (header included). */
static uint8_t *solid_vp8l(uint32_t w, uint32_t h, uint8_t r, uint8_t g, uint8_t b, size_t *chunk_size)
{
    *chunk_size = 0;
    pxc_image *img = make_image(w, h, PXC_COLOR_RGB, PXC_SAMPLE_U8, false);
    if (!img) return NULL;
    uint8_t *data = pxc_image_data(img);
    const size_t stride = pxc_image_get_desc(img)->row_stride;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            data[y * stride + x * 3] = r;
            data[y * stride + x * 3 + 1] = g;
            data[y * stride + x * 3 + 2] = b;
        }
    size_t size = 0;
    uint8_t *webp = encode_with(enc_lossless, img, 75, &size);
    pxc_image_destroy(img);
    if (!webp) return NULL;
    uint8_t *chunk = NULL;
    const size_t pos = find_chunk(webp, size, "VP8L");
    CHECK(pos == 12);
    if (pos) {
        const uint32_t len = get_le32(webp + pos + 4);
        *chunk_size = 8 + (size_t)len + (len & 1u);
        chunk = malloc(*chunk_size);
        memcpy(chunk, webp + pos, *chunk_size);
    }
    pxc_free(webp);
    return chunk;
}

/* Builds a 16 x 16 animation: red full frame, then a blue 8 x 8 frame at (4, 4), then a green
 * 2 x 2 frame at (0, 0) that is disposed to the background afterwards. */
static uint8_t *make_animation(size_t *size)
{
    size_t n1, n2, n3;
    uint8_t *f1 = solid_vp8l(16, 16, 255, 0, 0, &n1);
    uint8_t *f2 = solid_vp8l(8, 8, 0, 0, 255, &n2);
    uint8_t *f3 = solid_vp8l(2, 2, 0, 255, 0, &n3);
    if (!f1 || !f2 || !f3) {
        free(f1);
        free(f2);
        free(f3);
        return NULL;
    }
    const size_t total = 12 + 18 + 14 + 3 * 24 + n1 + n2 + n3;
    uint8_t *w = calloc(1, total);
    memcpy(w, "RIFF", 4);
    put_le32(w + 4, (uint32_t)(total - 8));
    memcpy(w + 8, "WEBP", 4);
    size_t p = 12;
    memcpy(w + p, "VP8X", 4);
    put_le32(w + p + 4, 10);
    w[p + 8] = 0x02 | 0x10; /* animation, alpha */
    put_le24(w + p + 12, 15);
    put_le24(w + p + 15, 15);
    p += 18;
    memcpy(w + p, "ANIM", 4);
    put_le32(w + p + 4, 6);
    p += 14; /* background 0, loop count 0 */
    const struct { uint32_t x, y, w, h; uint8_t flags; const uint8_t *chunk; size_t n; } fr[3] = {
        {0, 0, 16, 16, 0x02, f1, n1}, {4, 4, 8, 8, 0x02, f2, n2}, {0, 0, 2, 2, 0x03, f3, n3}};
    for (int i = 0; i < 3; i++) {
        memcpy(w + p, "ANMF", 4);
        put_le32(w + p + 4, (uint32_t)(16 + fr[i].n));
        put_le24(w + p + 8, fr[i].x / 2);
        put_le24(w + p + 11, fr[i].y / 2);
        put_le24(w + p + 14, fr[i].w - 1);
        put_le24(w + p + 17, fr[i].h - 1);
        put_le24(w + p + 20, 100);
        w[p + 23] = fr[i].flags; /* bit 1: no blending, bit 0: dispose to background */
        memcpy(w + p + 24, fr[i].chunk, fr[i].n);
        p += 24 + fr[i].n;
    }
    CHECK(p == total);
    free(f1);
    free(f2);
    free(f3);
    *size = total;
    return w;
}

static void check_pixel(const pxc_image *img, uint32_t x, uint32_t y, uint32_t r, uint32_t g,
                        uint32_t b, uint32_t a, int frame)
{
    const uint32_t got[4] = {sample_at(img, x, y, 0), sample_at(img, x, y, 1),
                             sample_at(img, x, y, 2), sample_at(img, x, y, 3)};
    CHECK_MSG(got[0] == r && got[1] == g && got[2] == b && got[3] == a,
              "frame %d pixel (%u, %u) is %u %u %u %u, expected %u %u %u %u", frame, x, y, got[0],
              got[1], got[2], got[3], r, g, b, a);
}

static void test_animation(void)
{
    size_t size = 0;
    uint8_t *anim = make_animation(&size);
    if (!anim) return;
    pxc_image_info info;
    CHECK_OK(pxc_test_info(ctx, anim, size, &info));
    CHECK(info.width == 16 && info.height == 16);
    CHECK_MSG(info.num_images == 3, "num_images %u", info.num_images);
    CHECK(info.num_channels == 4 && info.chroma_subsampling == PXC_CSS_444);

    pxc_image *img = NULL;
    CHECK_OK(decode(anim, size, PXC_COLOR_RGBA, PXC_SAMPLE_U8, 0, &img));
    if (img) {
        check_pixel(img, 0, 0, 255, 0, 0, 255, 0);
        check_pixel(img, 8, 8, 255, 0, 0, 255, 0);
        pxc_image_destroy(img);
    }
    CHECK_OK(decode(anim, size, PXC_COLOR_RGBA, PXC_SAMPLE_U8, 1, &img));
    if (img) {
        check_pixel(img, 0, 0, 255, 0, 0, 255, 1);
        check_pixel(img, 4, 4, 0, 0, 255, 255, 1);
        check_pixel(img, 11, 11, 0, 0, 255, 255, 1);
        check_pixel(img, 12, 12, 255, 0, 0, 255, 1);
        pxc_image_destroy(img);
    }
    CHECK_OK(decode(anim, size, PXC_COLOR_RGBA, PXC_SAMPLE_U8, 2, &img));
    if (img) {
        check_pixel(img, 0, 0, 0, 255, 0, 255, 2);
        check_pixel(img, 1, 1, 0, 255, 0, 255, 2);
        check_pixel(img, 2, 2, 255, 0, 0, 255, 2);
        check_pixel(img, 5, 5, 0, 0, 255, 255, 2);
        pxc_image_destroy(img);
    }
    /* BGR and gray output of a composited frame */
    CHECK_OK(decode(anim, size, PXC_COLOR_BGR, PXC_SAMPLE_U8, 1, &img));
    if (img) {
        CHECK(sample_at(img, 5, 5, 0) == 255 && sample_at(img, 5, 5, 2) == 0);
        CHECK(sample_at(img, 0, 0, 0) == 0 && sample_at(img, 0, 0, 2) == 255);
        pxc_image_destroy(img);
    }
    CHECK_OK(decode(anim, size, PXC_COLOR_GRAY, PXC_SAMPLE_U16, 0, &img));
    if (img) {
        CHECK(sample_at(img, 3, 3, 0) == 76u * 257u); /* BT.601 luma of pure red */
        pxc_image_destroy(img);
    }
    CHECK_STATUS(decode(anim, size, PXC_COLOR_RGBA, PXC_SAMPLE_U8, 3, &img),
                 PXC_ERROR_INVALID_ARGUMENT);
    CHECK(img == NULL);

    /* a frame that leaves the canvas */
    uint8_t *bad = malloc(size);
    memcpy(bad, anim, size);
    const size_t anmf = find_chunk(bad, size, "ANMF");
    put_le24(bad + anmf + 8, 1); /* frame 1 moves to x = 2 */
    CHECK_STATUS(pxc_test_info(ctx, bad, size, &info), PXC_ERROR_CORRUPT_DATA);
    CHECK_MSG(strstr(pxc_test_detail, "canvas") != NULL, "detail: %s", pxc_test_detail);
    free(bad);

    /* every truncation of the animation fails cleanly */
    for (size_t n = 0; n < size; n++) {
        pxc_status st = decode(anim, n, PXC_COLOR_RGB, PXC_SAMPLE_U8, 0, &img);
        CHECK_MSG(st != PXC_OK && img == NULL, "animation cut to %zu bytes decoded", n);
        if (n >= 4)
            CHECK_MSG(st == PXC_ERROR_TRUNCATED_DATA, "cut to %zu: status %d (%s)", n, (int)st,
                      pxc_test_detail);
        pxc_image_destroy(img);
    }
    free(anim);
}

/* ---- damaged and hostile files ------------------------------------------- */

static void test_truncation(void)
{
    const uint32_t w = 23, h = 17;
    pxc_image *src = make_image(w, h, PXC_COLOR_RGBA, PXC_SAMPLE_U8, false);
    if (!src) return;
    for (int lossless = 0; lossless < 2; lossless++) {
        size_t size = 0;
        uint8_t *webp = encode_with(lossless ? enc_lossless : enc, src, 80, &size);
        if (!webp) continue;
        int bad = 0;
        for (size_t n = 0; n < size; n++) {
            pxc_image *img = NULL;
            pxc_status st = decode(webp, n, PXC_COLOR_RGBA, PXC_SAMPLE_U8, 0, &img);
            if (st == PXC_OK || img) bad++;
            if (n >= 4 && st != PXC_ERROR_TRUNCATED_DATA) {
                bad++;
                fprintf(stderr, "cut to %zu of %zu: status %d (%s)\n", n, size, (int)st,
                        pxc_test_detail);
            }
            if (n >= 12 && strstr(pxc_test_detail, "WebP") == NULL) bad++;
            pxc_image_destroy(img);
        }
        CHECK_MSG(bad == 0, "%s: %d truncated files mishandled", lossless ? "lossless" : "lossy", bad);

        /* the cut bitstream itself (RIFF size fixed up to match) is caught by libwebp */
        uint8_t *cut = malloc(size);
        memcpy(cut, webp, size);
        const size_t keep = size - 20;
        put_le32(cut + 4, (uint32_t)(keep - 8));
        const size_t img_chunk = find_chunk(cut, keep, lossless ? "VP8L" : "VP8 ");
        CHECK(img_chunk != 0);
        if (img_chunk) {
            put_le32(cut + img_chunk + 4, (uint32_t)(keep - img_chunk - 8));
            pxc_image *img = NULL;
            pxc_status st = decode(cut, keep, PXC_COLOR_RGB, PXC_SAMPLE_U8, 0, &img);
            CHECK_MSG(st == PXC_ERROR_TRUNCATED_DATA || st == PXC_ERROR_CORRUPT_DATA,
                      "cut bitstream: status %d (%s)", (int)st, pxc_test_detail);
            pxc_image_destroy(img);
        }
        free(cut);
        pxc_free(webp);
    }
    pxc_image_destroy(src);
}

static void test_corrupt_headers(void)
{
    pxc_image *src = make_image(9, 7, PXC_COLOR_RGB, PXC_SAMPLE_U8, true);
    if (!src) return;
    size_t size = 0;
    uint8_t *webp = encode_with(enc_lossless, src, 75, &size);
    pxc_image_destroy(src);
    if (!webp) return;
    pxc_image_info info;
    uint8_t *b = malloc(size + 16);

    /* chunk length past the RIFF data, with bytes after the RIFF data: corrupt */
    memcpy(b, webp, size);
    memset(b + size, 0, 16);
    put_le32(b + 16, get_le32(webp + 16) + 9);
    CHECK_STATUS(pxc_test_info(ctx, b, size + 16, &info), PXC_ERROR_CORRUPT_DATA);
    CHECK_MSG(strstr(pxc_test_detail, "VP8L") != NULL, "detail: %s", pxc_test_detail);
    /* ... and at the end of the file: truncated */
    CHECK_STATUS(pxc_test_info(ctx, b, size, &info), PXC_ERROR_TRUNCATED_DATA);
    /* a chunk length of 0xFFFFFFFF */
    put_le32(b + 16, 0xFFFFFFFFu);
    CHECK_STATUS(pxc_test_info(ctx, b, size + 16, &info), PXC_ERROR_CORRUPT_DATA);
    /* a RIFF size too small for any chunk */
    memcpy(b, webp, size);
    put_le32(b + 4, 4);
    CHECK_STATUS(pxc_test_info(ctx, b, size, &info), PXC_ERROR_CORRUPT_DATA);
    /* a RIFF size past the end of the file */
    put_le32(b + 4, (uint32_t)size + 100);
    CHECK_STATUS(pxc_test_info(ctx, b, size, &info), PXC_ERROR_TRUNCATED_DATA);
    /* damaged VP8L signature */
    memcpy(b, webp, size);
    b[20] = 0x2E;
    CHECK_STATUS(pxc_test_info(ctx, b, size, &info), PXC_ERROR_CORRUPT_DATA);
    /* unknown first chunk */
    memcpy(b, webp, size);
    memcpy(b + 12, "VP8Q", 4);
    CHECK_STATUS(pxc_test_info(ctx, b, size, &info), PXC_ERROR_CORRUPT_DATA);
    CHECK_MSG(strstr(pxc_test_detail, "VP8Q") != NULL, "detail: %s", pxc_test_detail);
    /* damaged entropy-coded data: a clean error or a decoded image, never a crash */
    for (size_t i = 25; i < size; i += 3) {
        memcpy(b, webp, size);
        b[i] ^= 0x5A;
        pxc_image *img = NULL;
        pxc_status st = decode(b, size, PXC_COLOR_RGB, PXC_SAMPLE_U8, 0, &img);
        CHECK(st == PXC_OK || st == PXC_ERROR_CORRUPT_DATA || st == PXC_ERROR_TRUNCATED_DATA);
        pxc_image_destroy(img);
    }
    free(b);
    pxc_free(webp);
}

/* A VP8X header with the given canvas, followed by a tiny VP8L image. */
static size_t make_vp8x(uint8_t *w, uint32_t cw, uint32_t ch, const uint8_t *vp8l, size_t n)
{
    const size_t total = 12 + 18 + n;
    memcpy(w, "RIFF", 4);
    put_le32(w + 4, (uint32_t)(total - 8));
    memcpy(w + 8, "WEBP", 4);
    memcpy(w + 12, "VP8X", 4);
    put_le32(w + 16, 10);
    memset(w + 20, 0, 4);
    put_le24(w + 24, cw - 1);
    put_le24(w + 27, ch - 1);
    memcpy(w + 30, vp8l, n);
    return total;
}

static void test_limits(void)
{
    size_t n = 0;
    uint8_t *chunk = solid_vp8l(4, 3, 1, 2, 3, &n);
    if (!chunk) return;
    uint8_t *w = malloc(30 + n);
    pxc_image_info info;

    size_t size = make_vp8x(w, 4, 3, chunk, n);
    CHECK_OK(pxc_test_info(ctx, w, size, &info));
    pxc_image *img = NULL;
    CHECK_OK(decode(w, size, PXC_COLOR_RGB, PXC_SAMPLE_U8, 0, &img));
    if (img) CHECK(sample_at(img, 3, 2, 0) == 1 && sample_at(img, 3, 2, 2) == 3);
    pxc_image_destroy(img);

    static const uint32_t absurd[][2] = {{16777216, 16777216}, {100000, 100000}, {65536, 65536}};
    for (int i = 0; i < 3; i++) {
        size = make_vp8x(w, absurd[i][0], absurd[i][1], chunk, n);
        CHECK_STATUS(pxc_test_info(ctx, w, size, &info), PXC_ERROR_LIMIT_EXCEEDED);
        CHECK_STATUS(decode(w, size, PXC_COLOR_RGB, PXC_SAMPLE_U8, 0, &img), PXC_ERROR_LIMIT_EXCEEDED);
        CHECK(img == NULL);
    }
    /* canvas and image disagree */
    size = make_vp8x(w, 5, 3, chunk, n);
    CHECK_STATUS(pxc_test_info(ctx, w, size, &info), PXC_ERROR_CORRUPT_DATA);
    free(w);
    free(chunk);

    /* the encoder refuses what WebP cannot hold */
    pxc_image *big = make_image(16384, 1, PXC_COLOR_GRAY, PXC_SAMPLE_U8, false);
    if (big) {
        void *out = NULL;
        size_t osize = 0;
        pxc_status st = pxc_encode(enc, big, "webp", NULL, &out, &osize);
        CHECK_MSG(st != PXC_OK && out == NULL, "16384 x 1 encoded");
        CHECK_MSG(strstr(pxc_encoder_last_error(enc), "16383") != NULL, "detail: %s",
                  pxc_encoder_last_error(enc));
        pxc_image_destroy(big);
    }
}

/* libwebp's working memory counts against the per-image byte limit. */
static void test_budget(void)
{
    pxc_image *src = make_image(200, 150, PXC_COLOR_RGB, PXC_SAMPLE_U8, true);
    if (!src) return;
    size_t size = 0;
    uint8_t *webp = encode_with(enc_lossless, src, 75, &size);
    pxc_image_destroy(src);
    if (!webp) return;
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 1;
    cs.max_bytes_per_image = 200 * 150 * 3 + 4096; /* the output fits, the ARGB work image does not */
    pxc_context *small = NULL;
    pxc_decoder *sdec = NULL;
    CHECK_OK(pxc_context_create(&cs, &small));
    pxc_decoder_settings ds;
    pxc_decoder_default_settings(&ds);
    if (small) CHECK_OK(pxc_decoder_create(small, &ds, &sdec));
    if (sdec) {
        pxc_image *img = NULL;
        CHECK_STATUS(pxc_test_decode(small, sdec, webp, size, NULL, &img), PXC_ERROR_LIMIT_EXCEEDED);
        CHECK_MSG(strstr(pxc_test_detail, "WebP") != NULL && strstr(pxc_test_detail, "max_bytes") != NULL,
                  "detail: %s", pxc_test_detail);
        pxc_image_destroy(img);
    }
    pxc_decoder_destroy(sdec);
    pxc_context_destroy(small);
    pxc_image *img = NULL;
    CHECK_OK(pxc_test_decode(ctx, dec, webp, size, NULL, &img));
    pxc_image_destroy(img);
    pxc_free(webp);
}

static void test_names(void)
{
    CHECK(pxc_codec_lookup(".webp") && strcmp(pxc_codec_lookup(".webp"), "webp") == 0);
    CHECK(pxc_codec_lookup("libwebp") && strcmp(pxc_codec_lookup("libwebp"), "webp") == 0);
    CHECK(pxc_codec_for_path("a/b.WEBP") && strcmp(pxc_codec_for_path("a/b.WEBP"), "webp") == 0);
    /* a RIFF file of another kind is not WebP */
    static const uint8_t wav[16] = {'R', 'I', 'F', 'F', 8, 0, 0, 0, 'W', 'A', 'V', 'E', 0, 0, 0, 0};
    pxc_image_info info;
    CHECK(pxc_test_info(ctx, wav, sizeof(wav), &info) == PXC_ERROR_UNSUPPORTED_FORMAT);
}

int main(void)
{
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 1;
    CHECK_OK(pxc_context_create(&cs, &ctx));
    pxc_decoder_settings ds;
    pxc_decoder_default_settings(&ds);
    CHECK_OK(pxc_decoder_create(ctx, &ds, &dec));
    pxc_encoder_settings es;
    pxc_encoder_default_settings(&es);
    CHECK_OK(pxc_encoder_create(ctx, &es, &enc));
    es.options = "webp:lossless=1";
    CHECK_OK(pxc_encoder_create(ctx, &es, &enc_lossless));
    if (!ctx || !dec || !enc || !enc_lossless) return pxc_test_summary("test_webp");

    test_names();
    test_lossless_round_trip();
    test_lossy_round_trip();
    test_alpha();
    test_animation();
    test_truncation();
    test_corrupt_headers();
    test_limits();
    test_budget();

    pxc_encoder_destroy(enc_lossless);
    pxc_encoder_destroy(enc);
    pxc_decoder_destroy(dec);
    pxc_context_destroy(ctx);
    return pxc_test_summary("test_webp");
}
