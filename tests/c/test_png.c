/* PNG through the public API: round trips, 16-bit output, truncation, CRC errors, limits. */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>

#include "test.h"

static pxc_context *ctx;
static pxc_decoder *dec;
static pxc_encoder *enc;

/* ---- helpers ----------------------------------------------------------- */

static uint32_t crc32_png(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Appends one chunk (length, type, data, CRC) at @p out; returns its size. */
static size_t put_chunk(uint8_t *out, const char *type, const uint8_t *data, uint32_t len)
{
    put_be32(out, len);
    memcpy(out + 4, type, 4);
    if (len) memcpy(out + 8, data, len);
    put_be32(out + 8 + len, crc32_png(out + 4, (size_t)len + 4));
    return (size_t)len + 12;
}

/* Offset of the first chunk of @p type, or 0. */
static size_t find_chunk(const uint8_t *png, size_t size, const char *type)
{
    size_t pos = 8;
    while (pos + 12 <= size) {
        if (memcmp(png + pos + 4, type, 4) == 0) return pos;
        pos += (size_t)get_be32(png + pos) + 12;
    }
    return 0;
}

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    return pxc_test_rand(&rng_state);
}

static pxc_image *make_image(uint32_t w, uint32_t h, pxc_color_spec color, pxc_sample_type type)
{
    pxc_image *img = pxc_test_new_image(ctx, w, h, color, type);
    if (!img) return NULL;
    const pxc_image_desc *rd = pxc_image_get_desc(img);
    uint8_t *data = pxc_image_data(img);
    const size_t n = (size_t)w * rd->num_channels;
    for (uint32_t y = 0; y < h; y++) {
        for (size_t i = 0; i < n; i++) {
            if (type == PXC_SAMPLE_U16)
                ((uint16_t *)(void *)(data + y * rd->row_stride))[i] = (uint16_t)rnd();
            else
                data[y * rd->row_stride + i] = (uint8_t)rnd();
        }
    }
    return img;
}

static uint8_t *encode(const pxc_image *img, size_t *size)
{
    void *out = NULL;
    *size = 0;
    pxc_status st = pxc_encode(enc, img, "png", NULL, &out, size);
    CHECK_MSG(st == PXC_OK, "encode: %s", pxc_encoder_last_error(enc));
    return out;
}

/* Decodes @p data; enable_color = 0 gives the stream's own colours. */
static pxc_status decode(const uint8_t *data, size_t size, int enable_color, pxc_color_spec color,
                         pxc_sample_type type, pxc_image **out)
{
    pxc_code_stream *s = NULL;
    *out = NULL;
    pxc_status st = pxc_code_stream_from_memory(ctx, data, size, PXC_MEMORY_BORROW, &s);
    if (st != PXC_OK) return st;
    pxc_decode_params p;
    pxc_decode_params_default(&p);
    p.enable_color_conversion = enable_color;
    p.color_spec = color;
    p.sample_type = type;
    st = pxc_decode(dec, s, &p, out);
    pxc_code_stream_destroy(s);
    return st;
}

static uint32_t sample_at(const pxc_image *img, uint32_t x, uint32_t y, uint32_t c)
{
    const pxc_image_desc *d = pxc_image_get_desc(img);
    const uint8_t *row = (const uint8_t *)pxc_image_data(img) + y * d->row_stride;
    const size_t i = (size_t)x * d->num_channels + c;
    return d->sample_type == PXC_SAMPLE_U16 ? ((const uint16_t *)(const void *)row)[i] : row[i];
}

/* ---- round trips -------------------------------------------------------- */

static void test_round_trip(void)
{
    static const pxc_color_spec colors[] = {PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA, PXC_COLOR_RGB,
                                            PXC_COLOR_BGR,  PXC_COLOR_RGBA,       PXC_COLOR_BGRA};
    static const pxc_color_spec stored[] = {PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA, PXC_COLOR_RGB,
                                            PXC_COLOR_RGB,  PXC_COLOR_RGBA,       PXC_COLOR_RGBA};
    for (size_t ci = 0; ci < sizeof(colors) / sizeof(colors[0]); ci++) {
        for (int t = 0; t < 2; t++) {
            const pxc_sample_type type = t ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
            const uint32_t w = 13, h = 7;
            pxc_image *src = make_image(w, h, colors[ci], type);
            if (!src) continue;
            const uint32_t nc = pxc_color_spec_channels(colors[ci]);
            const bool bgr = colors[ci] == PXC_COLOR_BGR || colors[ci] == PXC_COLOR_BGRA;
            size_t size = 0;
            uint8_t *png = encode(src, &size);
            if (!png) {
                pxc_image_destroy(src);
                continue;
            }
            CHECK(size > 8 && memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);

            /* the header says what was stored */
            pxc_code_stream *s = NULL;
            CHECK_OK(pxc_code_stream_from_memory(ctx, png, size, PXC_MEMORY_BORROW, &s));
            pxc_image_info info;
            memset(&info, 0, sizeof(info));
            info.struct_size = sizeof(info);
            CHECK_OK(pxc_code_stream_get_info(s, &info));
            CHECK(strcmp(info.codec, "png") == 0);
            CHECK(info.width == w && info.height == h);
            CHECK(info.num_channels == nc);
            CHECK(info.color_spec == stored[ci]);
            CHECK(info.sample_type == type);
            CHECK(info.precision == (t ? 16u : 8u));
            CHECK(info.chroma_subsampling == (nc <= 2 ? PXC_CSS_GRAY : PXC_CSS_444));
            CHECK(info.progressive == 0 && info.num_images == 1 && info.orientation == 1);
            pxc_code_stream_destroy(s);

            /* native decode: exactly the samples written (BGR comes back as RGB) */
            pxc_image *out = NULL;
            pxc_status st = decode(png, size, 0, PXC_COLOR_RGB, type, &out);
            CHECK_MSG(st == PXC_OK, "color %zu type %d: %s", ci, t, pxc_decoder_last_error(dec));
            if (out) {
                const pxc_image_desc *od = pxc_image_get_desc(out);
                CHECK(od->num_channels == nc && od->sample_type == type);
                CHECK(od->color_spec == stored[ci]);
                int bad = 0;
                for (uint32_t y = 0; y < h; y++)
                    for (uint32_t x = 0; x < w; x++)
                        for (uint32_t c = 0; c < nc; c++) {
                            const uint32_t sc = bgr && c < 3 ? 2 - c : c;
                            if (sample_at(out, x, y, c) != sample_at(src, x, y, sc)) bad++;
                        }
                CHECK_MSG(bad == 0, "color %zu type %d: %d samples differ", ci, t, bad);
                pxc_image_destroy(out);
            }

            /* converted decode to the source's own colours (colour images only) */
            if (nc >= 3) {
                st = decode(png, size, 1, colors[ci], type, &out);
                CHECK_OK(st);
                if (out) {
                    int bad = 0;
                    for (uint32_t y = 0; y < h; y++)
                        for (uint32_t x = 0; x < w; x++)
                            for (uint32_t c = 0; c < nc; c++)
                                if (sample_at(out, x, y, c) != sample_at(src, x, y, c)) bad++;
                    CHECK_MSG(bad == 0, "color %zu type %d: %d samples differ", ci, t, bad);
                    pxc_image_destroy(out);
                }
            }

            /* the other sample type: 8 -> 16 is v * 257, 16 -> 8 keeps the high byte */
            const pxc_sample_type other = t ? PXC_SAMPLE_U8 : PXC_SAMPLE_U16;
            st = decode(png, size, 0, PXC_COLOR_RGB, other, &out);
            CHECK_OK(st);
            if (out) {
                int bad = 0;
                for (uint32_t y = 0; y < h; y++)
                    for (uint32_t x = 0; x < w; x++)
                        for (uint32_t c = 0; c < nc; c++) {
                            const uint32_t sc = bgr && c < 3 ? 2 - c : c;
                            const uint32_t v = sample_at(src, x, y, sc);
                            if (sample_at(out, x, y, c) != (t ? v >> 8 : v * 257u)) bad++;
                        }
                CHECK_MSG(bad == 0, "color %zu type %d: %d converted samples differ", ci, t, bad);
                pxc_image_destroy(out);
            }
            pxc_free(png);
            pxc_image_destroy(src);
        }
    }
}

/* 16-bit output of a 16-bit gray image in every output colour. */
static void test_u16_output(void)
{
    pxc_image *src = make_image(5, 3, PXC_COLOR_GRAY, PXC_SAMPLE_U16);
    if (!src) return;
    size_t size = 0;
    uint8_t *png = encode(src, &size);
    static const pxc_color_spec outs[] = {PXC_COLOR_RGB, PXC_COLOR_BGR, PXC_COLOR_RGBA,
                                          PXC_COLOR_BGRA, PXC_COLOR_GRAY};
    for (size_t i = 0; png && i < sizeof(outs) / sizeof(outs[0]); i++) {
        pxc_image *out = NULL;
        CHECK_OK(decode(png, size, 1, outs[i], PXC_SAMPLE_U16, &out));
        if (!out) continue;
        const pxc_image_desc *d = pxc_image_get_desc(out);
        int bad = 0;
        for (uint32_t y = 0; y < 3; y++)
            for (uint32_t x = 0; x < 5; x++) {
                const uint32_t g = sample_at(src, x, y, 0);
                for (uint32_t c = 0; c < d->num_channels; c++) {
                    const uint32_t expect = c == 3 ? 65535u : g;
                    if (sample_at(out, x, y, c) != expect) bad++;
                }
            }
        CHECK_MSG(bad == 0, "u16 output %zu: %d samples differ", i, bad);
        pxc_image_destroy(out);
    }
    pxc_free(png);
    pxc_image_destroy(src);
}

/* Decodes into caller images whose rows are padded, and compares with packed decodes. */
static void check_padded_decode(const uint8_t *png, size_t size, const char *what)
{
    static const pxc_color_spec outs[] = {PXC_COLOR_RGB, PXC_COLOR_BGRA, PXC_COLOR_GRAY};
    for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
        for (int t = 0; t < 2; t++) {
            pxc_image *packed = NULL;
            const pxc_sample_type type = t ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
            CHECK_OK(decode(png, size, 1, outs[i], type, &packed));
            if (!packed) continue;
            pxc_image_desc d = *pxc_image_get_desc(packed);
            d.row_stride += 24;
            uint8_t *buf = calloc(d.row_stride, d.height);
            pxc_image *padded = NULL;
            CHECK_OK(pxc_image_create(ctx, &d, buf, &padded));
            pxc_code_stream *s = NULL;
            CHECK_OK(pxc_code_stream_from_memory(ctx, png, size, PXC_MEMORY_BORROW, &s));
            pxc_decode_params p;
            pxc_decode_params_default(&p);
            p.color_spec = outs[i];
            p.sample_type = type;
            pxc_status st = pxc_decode_into(dec, s, &p, padded);
            CHECK_MSG(st == PXC_OK, "%s: decode_into: %s", what, pxc_decoder_last_error(dec));
            int bad = 0, pad = 0;
            const size_t used = d.width * d.num_channels * pxc_sample_size(type);
            for (uint32_t y = 0; st == PXC_OK && y < d.height; y++) {
                for (uint32_t x = 0; x < d.width; x++)
                    for (uint32_t c = 0; c < d.num_channels; c++)
                        if (sample_at(padded, x, y, c) != sample_at(packed, x, y, c)) bad++;
                for (size_t k = used; k < d.row_stride; k++)
                    if (buf[y * d.row_stride + k] != 0) pad++;
            }
            CHECK_MSG(bad == 0 && pad == 0, "%s: output %zu type %d: %d samples differ, %d padding "
                      "bytes written", what, i, t, bad, pad);
            pxc_code_stream_destroy(s);
            pxc_image_destroy(padded);
            pxc_image_destroy(packed);
            free(buf);
        }
    }
}

static void test_strides(void)
{
    /* encode from a buffer with padded rows */
    const uint32_t w = 11, h = 6, stride = 11 * 3 + 5;
    uint8_t *buf = malloc((size_t)stride * h);
    if (!buf) return;
    for (size_t i = 0; i < (size_t)stride * h; i++) buf[i] = (uint8_t)rnd();
    pxc_image_desc d;
    pxc_image_desc_init(&d);
    d.width = w;
    d.height = h;
    d.num_channels = 3;
    d.sample_type = PXC_SAMPLE_U8;
    d.color_spec = PXC_COLOR_BGR;
    d.row_stride = stride;
    pxc_image *src = NULL;
    CHECK_OK(pxc_image_create(ctx, &d, buf, &src));
    size_t size = 0;
    uint8_t *png = src ? encode(src, &size) : NULL;
    if (png) {
        pxc_image *out = NULL;
        CHECK_OK(decode(png, size, 1, PXC_COLOR_BGR, PXC_SAMPLE_U8, &out));
        int bad = 0;
        for (uint32_t y = 0; out && y < h; y++)
            for (uint32_t x = 0; x < w * 3; x++)
                if (sample_at(out, x / 3, y, x % 3) != buf[y * stride + x]) bad++;
        CHECK_MSG(bad == 0, "strided encode: %d samples differ", bad);
        pxc_image_destroy(out);
        check_padded_decode(png, size, "encoded BGR");
    }
    pxc_free(png);
    pxc_image_destroy(src);
    free(buf);

    static const char *const names[] = {"basi0g04.png", "basi2c16.png", "basi3p02.png",
                                        "basi4a08.png", "tbwn3p08.png"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/png/%s", PXC_CORPUS_DIR, names[i]);
        size_t fsize = 0;
        uint8_t *data = pxc_test_read_file(path, &fsize);
        if (!data) continue;
        check_padded_decode(data, fsize, names[i]);
        free(data);
    }
}

/* ---- damaged input ------------------------------------------------------ */

static void check_every_truncation(const uint8_t *png, size_t size, const char *what)
{
    for (size_t n = 0; n < size; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        if (!copy) return;
        memcpy(copy, png, n);
        pxc_image *out = NULL;
        pxc_status st = decode(copy, n, 1, PXC_COLOR_RGBA, PXC_SAMPLE_U8, &out);
        pxc_status expect = n == 0 ? PXC_ERROR_EMPTY_INPUT
                            : n < 4 ? PXC_ERROR_UNSUPPORTED_FORMAT
                                    : PXC_ERROR_TRUNCATED_DATA;
        CHECK_MSG(st == expect, "%s cut to %zu of %zu bytes: status %d (%s), expected %d", what, n,
                  size, (int)st, pxc_decoder_last_error(dec), (int)expect);
        CHECK(out == NULL);
        if (st == PXC_ERROR_TRUNCATED_DATA) CHECK(pxc_decoder_last_error(dec)[0] != '\0');
        pxc_image_destroy(out);
        free(copy);
    }
}

static void test_truncation(void)
{
    pxc_image *src = make_image(6, 5, PXC_COLOR_RGBA, PXC_SAMPLE_U8);
    if (!src) return;
    size_t size = 0;
    uint8_t *png = encode(src, &size);
    if (png) check_every_truncation(png, size, "encoded RGBA");
    pxc_free(png);
    pxc_image_destroy(src);

    /* interlaced and palette files from the conformance corpus, when it is there */
    static const char *const names[] = {"basi0g01.png", "basi3p04.png", "basi6a16.png",
                                        "basn3p08.png", "tbrn2c08.png"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/png/%s", PXC_CORPUS_DIR, names[i]);
        size_t fsize = 0;
        uint8_t *data = pxc_test_read_file(path, &fsize);
        if (!data) continue;
        check_every_truncation(data, fsize, names[i]);
        free(data);
    }
}

static void test_crc(void)
{
    pxc_image *src = make_image(8, 8, PXC_COLOR_RGB, PXC_SAMPLE_U8);
    if (!src) return;
    size_t size = 0;
    uint8_t *png = encode(src, &size);
    pxc_image_destroy(src);
    if (!png) return;
    uint8_t *bad = malloc(size + 64);
    if (!bad) {
        pxc_free(png);
        return;
    }

    /* IDAT CRC */
    const size_t idat = find_chunk(png, size, "IDAT");
    CHECK(idat != 0);
    memcpy(bad, png, size);
    const size_t crc_at = idat + 8 + get_be32(png + idat);
    bad[crc_at] ^= 0x01;
    pxc_image *out = NULL;
    CHECK_STATUS(decode(bad, size, 1, PXC_COLOR_RGB, PXC_SAMPLE_U8, &out), PXC_ERROR_CORRUPT_DATA);
    CHECK(strstr(pxc_decoder_last_error(dec), "checksum") != NULL);
    pxc_image_destroy(out);

    /* a bit flipped inside the compressed data: caught by the CRC as well */
    memcpy(bad, png, size);
    bad[idat + 10] ^= 0x40;
    CHECK_STATUS(decode(bad, size, 1, PXC_COLOR_RGB, PXC_SAMPLE_U8, &out), PXC_ERROR_CORRUPT_DATA);
    pxc_image_destroy(out);

    /* IHDR CRC: the header is refused before any decoding */
    memcpy(bad, png, size);
    bad[29] ^= 0x80;
    pxc_code_stream *s = NULL;
    CHECK_OK(pxc_code_stream_from_memory(ctx, bad, size, PXC_MEMORY_BORROW, &s));
    pxc_image_info info;
    memset(&info, 0, sizeof(info));
    info.struct_size = sizeof(info);
    CHECK_STATUS(pxc_code_stream_get_info(s, &info), PXC_ERROR_CORRUPT_DATA);
    CHECK(strstr(pxc_code_stream_last_error(s), "IHDR CRC") != NULL);
    pxc_code_stream_destroy(s);

    /* an ancillary chunk with a wrong CRC is an error too */
    const uint8_t text[] = "Comment\0damaged";
    memcpy(bad, png, 33);
    size_t n = 33 + put_chunk(bad + 33, "tEXt", text, sizeof(text) - 1);
    bad[n - 1] ^= 0x01;
    memcpy(bad + n, png + 33, size - 33);
    n += size - 33;
    CHECK_STATUS(decode(bad, n, 1, PXC_COLOR_RGB, PXC_SAMPLE_U8, &out), PXC_ERROR_CORRUPT_DATA);
    pxc_image_destroy(out);
    /* ... and fine with the right one */
    bad[33 + 12 + sizeof(text) - 2] ^= 0x01;
    CHECK_OK(decode(bad, n, 1, PXC_COLOR_RGB, PXC_SAMPLE_U8, &out));
    pxc_image_destroy(out);

    free(bad);
    pxc_free(png);
}

/* A PNG whose IHDR declares @p w x @p h RGB, with a tiny IDAT. */
static size_t make_declared(uint8_t *out, uint32_t w, uint32_t h)
{
    memcpy(out, "\x89PNG\r\n\x1a\n", 8);
    uint8_t ihdr[13] = {0};
    put_be32(ihdr, w);
    put_be32(ihdr + 4, h);
    ihdr[8] = 8;
    ihdr[9] = 2;
    size_t n = 8 + put_chunk(out + 8, "IHDR", ihdr, 13);
    /* zlib stream of one stored block holding "\0\0\0\0" */
    static const uint8_t z[] = {0x78, 0x01, 0x01, 0x04, 0x00, 0xFB, 0xFF, 0, 0, 0, 0, 0x00, 0x04, 0x00, 0x01};
    n += put_chunk(out + n, "IDAT", z, sizeof(z));
    n += put_chunk(out + n, "IEND", NULL, 0);
    return n;
}

static void test_limits(void)
{
    uint8_t png[128];
    const size_t n = make_declared(png, 100000, 100000);
    pxc_code_stream *s = NULL;
    CHECK_OK(pxc_code_stream_from_memory(ctx, png, n, PXC_MEMORY_BORROW, &s));
    pxc_image *out = NULL;
    pxc_decode_params p;
    pxc_decode_params_default(&p);
    CHECK_STATUS(pxc_decode(dec, s, &p, &out), PXC_ERROR_LIMIT_EXCEEDED);
    CHECK(out == NULL);
    pxc_code_stream_destroy(s);

    /* no pixel limit: the byte limit (30 GB of output) still refuses it */
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 1;
    cs.max_pixels = 0;
    pxc_context *c2 = NULL;
    pxc_decoder *d2 = NULL;
    CHECK_OK(pxc_context_create(&cs, &c2));
    CHECK_OK(pxc_decoder_create(c2, NULL, &d2));
    if (c2 && d2) {
        CHECK_OK(pxc_code_stream_from_memory(c2, png, n, PXC_MEMORY_BORROW, &s));
        CHECK_STATUS(pxc_decode(d2, s, &p, &out), PXC_ERROR_LIMIT_EXCEEDED);
        pxc_code_stream_destroy(s);
    }
    pxc_decoder_destroy(d2);
    pxc_context_destroy(c2);

    /* a 3 x 1 image with the same tiny IDAT is short of data: corrupt, not a crash */
    const size_t n2 = make_declared(png, 3, 1);
    CHECK_STATUS(decode(png, n2, 1, PXC_COLOR_RGB, PXC_SAMPLE_U8, &out), PXC_ERROR_CORRUPT_DATA);
    pxc_image_destroy(out);
}

static void test_options(void)
{
    pxc_image *src = make_image(32, 32, PXC_COLOR_GRAY, PXC_SAMPLE_U8);
    if (!src) return;
    /* a flat image compresses well at level 9 and not at all at level 0 */
    uint8_t *data = pxc_image_data(src);
    memset(data, 7, pxc_image_size_bytes(src));
    size_t sizes[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        pxc_encoder_settings es;
        pxc_encoder_default_settings(&es);
        es.options = i == 0 ? "png:compression_level=0" : "png.spng:compression_level=9";
        pxc_encoder *e = NULL;
        CHECK_OK(pxc_encoder_create(ctx, &es, &e));
        if (!e) continue;
        void *out = NULL;
        CHECK_OK(pxc_encode(e, src, ".png", NULL, &out, &sizes[i]));
        pxc_free(out);
        pxc_encoder_destroy(e);
    }
    CHECK_MSG(sizes[0] > 32 * 32 && sizes[1] < 200, "sizes %zu %zu", sizes[0], sizes[1]);
    pxc_encoder_settings es;
    pxc_encoder_default_settings(&es);
    es.options = "png:compression_level=11";
    pxc_encoder *e = NULL;
    CHECK_STATUS(pxc_encoder_create(ctx, &es, &e), PXC_ERROR_INVALID_OPTION);
    pxc_encoder_destroy(e);
    pxc_image_destroy(src);

    /* fewer significant bits than the sample type: written as sBIT */
    pxc_image_desc d;
    pxc_image_desc_init(&d);
    d.width = 4;
    d.height = 2;
    d.num_channels = 3;
    d.sample_type = PXC_SAMPLE_U16;
    d.color_spec = PXC_COLOR_RGB;
    d.precision = 12;
    pxc_image *img = NULL;
    CHECK_OK(pxc_image_create(ctx, &d, NULL, &img));
    void *out = NULL;
    size_t size = 0;
    if (img) CHECK_OK(pxc_encode(enc, img, "png", NULL, &out, &size));
    if (out) {
        const size_t at = find_chunk(out, size, "sBIT");
        CHECK(at != 0 && get_be32((uint8_t *)out + at) == 3);
        if (at) CHECK(memcmp((uint8_t *)out + at + 8, "\x0c\x0c\x0c", 3) == 0);
        pxc_image *back = NULL;
        CHECK_OK(decode(out, size, 1, PXC_COLOR_RGB, PXC_SAMPLE_U16, &back));
        pxc_image_destroy(back);
    }
    pxc_free(out);
    pxc_image_destroy(img);

    /* the codec reports one CPU implementation that decodes and encodes */
    pxc_implementation_info ii;
    CHECK_OK(pxc_codec_implementation("png", 0, &ii));
    CHECK(strcmp(ii.name, "png.spng") == 0 && ii.kind == PXC_BACKEND_CPU_ONLY);
    CHECK(ii.can_decode && ii.can_encode && ii.available);
    CHECK(strcmp(pxc_codec_lookup(".PNG"), "png") == 0);
}

/*
 * Every file of the conformance corpus (when present) in every output form:
 * valid files decode, and their 8-bit colour output is the high byte of the
 * 16-bit one; files named x* are refused with a detail text.
 */
static void test_corpus(void)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/png", PXC_CORPUS_DIR);
    DIR *dh = opendir(dir);
    if (!dh) {
        printf("test_png: %s not present, corpus checks skipped\n", dir);
        return;
    }
    static const pxc_color_spec outs[] = {PXC_COLOR_RGB, PXC_COLOR_BGR, PXC_COLOR_RGBA,
                                          PXC_COLOR_BGRA, PXC_COLOR_GRAY};
    int valid = 0, refused = 0;
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        const size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".png") != 0) continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        size_t size = 0;
        uint8_t *data = pxc_test_read_file(path, &size);
        if (!data) continue;
        const bool corrupt = de->d_name[0] == 'x';
        for (int native = 0; native < 2; native++) {
            for (size_t i = 0; i < (native ? 1 : sizeof(outs) / sizeof(outs[0])); i++) {
                pxc_image *o8 = NULL, *o16 = NULL;
                pxc_status s8 = decode(data, size, !native, outs[i], PXC_SAMPLE_U8, &o8);
                pxc_status s16 = decode(data, size, !native, outs[i], PXC_SAMPLE_U16, &o16);
                if (corrupt) {
                    CHECK_MSG(s8 != PXC_OK && s8 != PXC_ERROR_INTERNAL && s16 == s8,
                              "%s: status %d / %d", de->d_name, (int)s8, (int)s16);
                    CHECK(pxc_decoder_last_error(dec)[0] != '\0');
                } else {
                    CHECK_MSG(s8 == PXC_OK && s16 == PXC_OK, "%s: %s", de->d_name,
                              pxc_decoder_last_error(dec));
                }
                if (o8 && o16 && outs[i] != PXC_COLOR_GRAY) {
                    const pxc_image_desc *d = pxc_image_get_desc(o8);
                    int bad = 0;
                    for (uint32_t y = 0; y < d->height; y++)
                        for (uint32_t x = 0; x < d->width; x++)
                            for (uint32_t c = 0; c < d->num_channels; c++)
                                if (sample_at(o8, x, y, c) != sample_at(o16, x, y, c) >> 8) bad++;
                    CHECK_MSG(bad == 0, "%s: %d samples of the 8-bit output are not the high byte",
                              de->d_name, bad);
                }
                pxc_image_destroy(o8);
                pxc_image_destroy(o16);
            }
        }
        if (corrupt) refused++;
        else valid++;
        free(data);
    }
    closedir(dh);
    printf("test_png: corpus: %d valid files decoded, %d corrupt files refused\n", valid, refused);
}

int main(void)
{
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 2;
    CHECK_OK(pxc_context_create(&cs, &ctx));
    CHECK_OK(pxc_decoder_create(ctx, NULL, &dec));
    CHECK_OK(pxc_encoder_create(ctx, NULL, &enc));
    if (!ctx || !dec || !enc) return pxc_test_summary("test_png");

    test_round_trip();
    test_u16_output();
    test_strides();
    test_truncation();
    test_crc();
    test_limits();
    test_options();
    test_corpus();

    pxc_encoder_destroy(enc);
    pxc_decoder_destroy(dec);
    pxc_context_destroy(ctx);
    return pxc_test_summary("test_png");
}
