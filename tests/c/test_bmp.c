/*
 * BMP codec tests through the public API: round trips of every colour and
 * sample type the encoder takes, hand-built files of every depth, header
 * version and compression the decoder reads (expected pixels computed here,
 * independently of the codec), RLE streams, truncation at every length and
 * corrupt headers.
 */
#include <stdint.h>

#include "test.h"

static pxc_context *ctx;
static pxc_decoder *dec;
static pxc_encoder *enc;

/* ---- small helpers ------------------------------------------------------ */

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

typedef struct buf {
    uint8_t *d;
    size_t n, cap;
} buf;

static void put(buf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->d = realloc(b->d, b->cap);
    }
    memcpy(b->d + b->n, p, n);
    b->n += n;
}
static void put8(buf *b, uint32_t v)
{
    uint8_t x = (uint8_t)v;
    put(b, &x, 1);
}
static void put16(buf *b, uint32_t v)
{
    put8(b, v);
    put8(b, v >> 8);
}
static void put32(buf *b, uint32_t v)
{
    put16(b, v);
    put16(b, v >> 16);
}
static void set32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Decodes with colour conversion to @p color / @p type; *out NULL on error. */
static pxc_status decode_to(const uint8_t *data, size_t size, pxc_color_spec color, pxc_sample_type type,
                            pxc_image **out)
{
    pxc_decode_params p;
    pxc_decode_params_default(&p);
    p.color_spec = color;
    p.sample_type = type;
    return pxc_test_decode(ctx, dec, data, size, &p, out);
}

static pxc_status info_of(const uint8_t *data, size_t size, pxc_image_info *info)
{
    return pxc_test_info(ctx, data, size, info);
}

/* Compares an 8-bit HWC image with an expected packed array. */
static int image_equals(const pxc_image *img, const uint8_t *expect, uint32_t w, uint32_t h, uint32_t ch)
{
    const pxc_image_desc *d = pxc_image_get_desc(img);
    if (d->width != w || d->height != h || d->num_channels != ch) return 0;
    const uint8_t *p = pxc_image_data(img);
    size_t es = pxc_sample_size(d->sample_type);
    for (uint32_t y = 0; y < h; y++)
        if (memcmp(p + y * d->row_stride, expect + (size_t)y * w * ch * es, (size_t)w * ch * es) != 0) return 0;
    return 1;
}

/* Decodes to RGB (or RGBA) U8 and compares. */
static void expect_pixels(const char *what, const uint8_t *file, size_t size, pxc_color_spec color,
                          const uint8_t *expect, uint32_t w, uint32_t h)
{
    pxc_image *img;
    pxc_status st = decode_to(file, size, color, PXC_SAMPLE_U8, &img);
    CHECK_MSG(st == PXC_OK, "%s: decode failed: %d %s", what, (int)st, pxc_test_detail);
    if (st != PXC_OK) return;
    CHECK_MSG(image_equals(img, expect, w, h, pxc_color_spec_channels(color)), "%s: pixels differ", what);
    pxc_image_destroy(img);
}

/* ---- a BMP writer for test files --------------------------------------- */

typedef struct bmp_spec {
    uint32_t info_size;     /* 12, 16, 40, 52, 56, 64, 108, 124 */
    int32_t width, height;  /* height < 0: top-down */
    uint16_t planes;        /* 0 = 1 */
    uint16_t bpp;
    uint32_t compression;
    uint32_t masks[4];
    int masks_after;        /* masks written after a 40-byte header (3 or 4) */
    const uint8_t (*pal)[3];
    uint32_t pal_count;     /* entries written */
    uint32_t clr_used;
    int64_t offset;         /* -1 = right after the palette */
} bmp_spec;

static void build_bmp(buf *b, const bmp_spec *s, const uint8_t *pix, size_t pix_size)
{
    b->n = 0;
    size_t entry = s->info_size == 12 ? 3 : 4;
    size_t head = 14 + s->info_size + 4u * (size_t)s->masks_after + entry * s->pal_count;
    uint32_t off = s->offset >= 0 ? (uint32_t)s->offset : (uint32_t)head;
    put8(b, 'B');
    put8(b, 'M');
    put32(b, (uint32_t)(head + pix_size));
    put32(b, 0);
    put32(b, off);
    size_t start = b->n;
    put32(b, s->info_size);
    if (s->info_size == 12) {
        put16(b, (uint32_t)s->width);
        put16(b, (uint32_t)s->height);
        put16(b, s->planes ? s->planes : 1);
        put16(b, s->bpp);
    } else {
        put32(b, (uint32_t)s->width);
        put32(b, (uint32_t)s->height);
        put16(b, s->planes ? s->planes : 1);
        put16(b, s->bpp);
        if (s->info_size >= 40) {
            put32(b, s->compression);
            put32(b, (uint32_t)pix_size);
            put32(b, 2835);
            put32(b, 2835);
            put32(b, s->clr_used);
            put32(b, 0);
        }
        if (s->info_size >= 52 && s->info_size != 64)
            for (int i = 0; i < (s->info_size >= 56 ? 4 : 3); i++) put32(b, s->masks[i]);
        while (b->n - start < s->info_size) put8(b, 0);
    }
    for (int i = 0; i < s->masks_after; i++) put32(b, s->masks[i]);
    for (uint32_t i = 0; i < s->pal_count; i++) {
        put8(b, s->pal[i][2]);
        put8(b, s->pal[i][1]);
        put8(b, s->pal[i][0]);
        if (entry == 4) put8(b, 0);
    }
    while (b->n < off) put8(b, 0);
    if (pix_size) put(b, pix, pix_size);
}

/* Packs pixel values (top row first) into BMP rows of @p bpp bits, padded to 4 bytes. */
static uint8_t *pack_rows(const uint32_t *v, uint32_t w, uint32_t h, uint32_t bpp, int top_down, size_t *size)
{
    size_t stride = ((size_t)w * bpp + 31) / 32 * 4;
    uint8_t *out = calloc(stride * h, 1);
    for (uint32_t y = 0; y < h; y++) {
        uint8_t *row = out + (top_down ? y : h - 1 - y) * stride;
        for (uint32_t x = 0; x < w; x++) {
            uint32_t px = v[(size_t)y * w + x];
            if (bpp < 8) {
                uint32_t bit = x * bpp;
                row[bit / 8] |= (uint8_t)(px << (8 - bpp - bit % 8));
            } else {
                for (uint32_t k = 0; k < bpp / 8; k++) row[(size_t)x * (bpp / 8) + k] = (uint8_t)(px >> (8 * k));
            }
        }
    }
    *size = stride * h;
    return out;
}

static uint8_t scale8(uint32_t v, uint32_t mask)
{
    if (!mask) return 0;
    uint32_t shift = (uint32_t)__builtin_ctz(mask), bits = (uint32_t)__builtin_popcount(mask);
    uint64_t max = bits >= 32 ? 0xFFFFFFFFull : (1ull << bits) - 1;
    uint64_t f = (v & mask) >> shift;
    return (uint8_t)((2 * f * 255 + max) / (2 * max));
}

/* ---- encoder round trips ----------------------------------------------- */

static pxc_image *make_image(uint32_t w, uint32_t h, pxc_color_spec color, pxc_sample_type type)
{
    pxc_image_desc d;
    pxc_image_desc_init(&d);
    d.width = w;
    d.height = h;
    d.num_channels = pxc_color_spec_channels(color);
    d.sample_type = type;
    d.color_spec = color;
    pxc_image *img = NULL;
    if (pxc_image_create(ctx, &d, NULL, &img) != PXC_OK) return NULL;
    const pxc_image_desc *r = pxc_image_get_desc(img);
    uint8_t *p = pxc_image_data(img);
    for (uint32_t y = 0; y < h; y++)
        for (size_t i = 0; i < (size_t)w * d.num_channels; i++) {
            if (type == PXC_SAMPLE_U8)
                p[y * r->row_stride + i] = (uint8_t)rnd();
            else
                ((uint16_t *)(p + y * r->row_stride))[i] = (uint16_t)rnd();
        }
    return img;
}

static void test_roundtrip(void)
{
    static const pxc_color_spec colors[] = {PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA, PXC_COLOR_RGB,
                                            PXC_COLOR_BGR,  PXC_COLOR_RGBA,       PXC_COLOR_BGRA};
    for (size_t ci = 0; ci < sizeof(colors) / sizeof(colors[0]); ci++) {
        for (int t = 0; t < 2; t++) {
            pxc_color_spec color = colors[ci];
            pxc_sample_type type = t ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
            for (uint32_t w = 1; w <= 7; w += 3) {
                const uint32_t h = 5;
                pxc_image *src = make_image(w, h, color, type);
                CHECK(src != NULL);
                if (!src) continue;
                void *data = NULL;
                size_t size = 0;
                pxc_status st = pxc_encode(enc, src, ci % 2 ? ".dib" : "bmp", NULL, &data, &size);
                CHECK_MSG(st == PXC_OK, "encode %s type %d: %s", pxc_color_spec_name(color), t,
                          pxc_encoder_last_error(enc));
                if (st != PXC_OK) {
                    pxc_image_destroy(src);
                    continue;
                }
                const int alpha = color == PXC_COLOR_GRAY_ALPHA || color == PXC_COLOR_RGBA || color == PXC_COLOR_BGRA;
                pxc_image_info info;
                CHECK_OK(info_of(data, size, &info));
                CHECK(strcmp(info.codec, "bmp") == 0);
                CHECK(info.width == w && info.height == h);
                CHECK(info.num_channels == (alpha ? 4u : 3u));
                CHECK(info.color_spec == (alpha ? PXC_COLOR_RGBA : PXC_COLOR_RGB));
                CHECK(info.sample_type == PXC_SAMPLE_U8 && info.precision == 8);
                /* 24-bit: 14 + 40 + rows; 32-bit: 14 + 108 + rows */
                size_t stride = alpha ? 4u * w : (3u * w + 3u) / 4u * 4u;
                CHECK(size == (alpha ? 122u : 54u) + stride * h);

                pxc_image *out;
                st = decode_to(data, size, color, type, &out);
                CHECK_MSG(st == PXC_OK, "decode back %s: %s", pxc_color_spec_name(color), pxc_test_detail);
                if (st == PXC_OK) {
                    const pxc_image_desc *sd = pxc_image_get_desc(src), *od = pxc_image_get_desc(out);
                    const uint8_t *a = pxc_image_data(src), *b = pxc_image_data(out);
                    int same = 1;
                    for (uint32_t y = 0; y < h; y++)
                        for (size_t i = 0; i < (size_t)w * sd->num_channels; i++) {
                            uint32_t va, vb;
                            if (type == PXC_SAMPLE_U8) {
                                va = a[y * sd->row_stride + i];
                                vb = b[y * od->row_stride + i];
                            } else {
                                /* 16-bit input is stored as its high byte */
                                va = (((const uint16_t *)(a + y * sd->row_stride))[i] >> 8) * 257u;
                                vb = ((const uint16_t *)(b + y * od->row_stride))[i];
                            }
                            if (va != vb) same = 0;
                        }
                    CHECK_MSG(same, "round trip %s type %d width %u differs", pxc_color_spec_name(color), t, w);
                    pxc_image_destroy(out);
                }
                pxc_free(data);
                pxc_image_destroy(src);
            }
        }
    }
}

/* ---- palette images -------------------------------------------------------- */

static void test_palette(void)
{
    static const uint32_t sizes[] = {12, 16, 40, 64, 108, 124};
    for (uint32_t bpp = 1; bpp <= 8; bpp *= 2) {
        for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
            for (int td = 0; td < 2; td++) {
                uint32_t isz = sizes[si];
                if (isz == 12 && (bpp == 2 || td)) continue; /* core headers: 1/4/8-bit, bottom-up */
                const uint32_t w = 11, h = 4, n = 1u << bpp;
                uint8_t pal[256][3];
                for (uint32_t i = 0; i < n; i++)
                    for (int c = 0; c < 3; c++) pal[i][c] = (uint8_t)rnd();
                pal[0][0] = 1; /* never gray */
                pal[0][1] = 2;
                uint32_t idx[44];
                uint8_t expect[44 * 3];
                for (uint32_t i = 0; i < w * h; i++) {
                    idx[i] = rnd() % n;
                    memcpy(expect + 3 * i, pal[idx[i]], 3);
                }
                size_t ps;
                uint8_t *pix = pack_rows(idx, w, h, bpp, td, &ps);
                bmp_spec s = {.info_size = isz, .width = (int32_t)w, .height = td ? -(int32_t)h : (int32_t)h,
                              .bpp = (uint16_t)bpp, .pal = (const uint8_t (*)[3])pal, .pal_count = n,
                              .offset = -1};
                buf b = {0};
                build_bmp(&b, &s, pix, ps);
                pxc_image_info info;
                CHECK_OK(info_of(b.d, b.n, &info));
                CHECK(info.color_spec == PXC_COLOR_PALETTE && info.num_channels == 3);
                char what[64];
                snprintf(what, sizeof(what), "palette %u-bit header %u top-down %d", bpp, isz, td);
                expect_pixels(what, b.d, b.n, PXC_COLOR_RGB, expect, w, h);
                free(pix);
                free(b.d);
            }
        }
    }

    /* gray palette: reported as gray, decodes exactly to gray */
    {
        const uint32_t w = 6, h = 3;
        uint8_t pal[4][3] = {{0, 0, 0}, {90, 90, 90}, {200, 200, 200}, {255, 255, 255}};
        uint32_t idx[18];
        uint8_t expect[18];
        for (uint32_t i = 0; i < w * h; i++) {
            idx[i] = rnd() % 4;
            expect[i] = pal[idx[i]][0];
        }
        size_t ps;
        uint8_t *pix = pack_rows(idx, w, h, 8, 0, &ps);
        bmp_spec s = {.info_size = 40, .width = (int32_t)w, .height = (int32_t)h, .bpp = 8,
                      .pal = (const uint8_t (*)[3])pal, .pal_count = 4, .clr_used = 4, .offset = -1};
        buf b = {0};
        build_bmp(&b, &s, pix, ps);
        pxc_image_info info;
        CHECK_OK(info_of(b.d, b.n, &info));
        CHECK(info.color_spec == PXC_COLOR_GRAY && info.num_channels == 1 &&
              info.chroma_subsampling == PXC_CSS_GRAY);
        expect_pixels("gray palette", b.d, b.n, PXC_COLOR_GRAY, expect, w, h);
        /* indices past the palette are black */
        idx[0] = 7;
        expect[0] = 0;
        free(pix);
        pix = pack_rows(idx, w, h, 8, 0, &ps);
        build_bmp(&b, &s, pix, ps);
        expect_pixels("index past the palette", b.d, b.n, PXC_COLOR_GRAY, expect, w, h);
        free(pix);
        free(b.d);
    }
}

/* ---- direct colour -------------------------------------------------------- */

typedef struct mask_case {
    const char *name;
    uint32_t info_size, bpp, compression;
    uint32_t masks[4];      /* as written in the file */
    uint32_t eff[4];        /* masks the decoder should use */
    int masks_after;
} mask_case;

static void test_direct(void)
{
    static const mask_case cases[] = {
        {"16-bit 555", 40, 16, 0, {0}, {0x7C00, 0x3E0, 0x1F, 0}, 0},
        {"16-bit 565 bitfields", 40, 16, 3, {0xF800, 0x7E0, 0x1F, 0}, {0xF800, 0x7E0, 0x1F, 0}, 3},
        {"16-bit 4444 V3", 56, 16, 3, {0x0F00, 0x00F0, 0x000F, 0xF000}, {0x0F00, 0x00F0, 0x000F, 0xF000}, 0},
        {"16-bit 1555 alphabitfields", 40, 16, 6, {0x7C00, 0x3E0, 0x1F, 0x8000}, {0x7C00, 0x3E0, 0x1F, 0x8000}, 4},
        {"16-bit 565 V2", 52, 16, 3, {0xF800, 0x7E0, 0x1F, 0}, {0xF800, 0x7E0, 0x1F, 0}, 0},
        {"24-bit", 40, 24, 0, {0}, {0xFF0000, 0xFF00, 0xFF, 0}, 0},
        {"24-bit OS/2 2.x", 64, 24, 0, {0}, {0xFF0000, 0xFF00, 0xFF, 0}, 0},
        {"24-bit core", 12, 24, 0, {0}, {0xFF0000, 0xFF00, 0xFF, 0}, 0},
        {"32-bit BI_RGB (X ignored)", 40, 32, 0, {0}, {0xFF0000, 0xFF00, 0xFF, 0}, 0},
        {"32-bit V5 BI_RGB (masks ignored)", 124, 32, 0, {0xFF, 0xFF00, 0xFF0000, 0xFF000000},
         {0xFF0000, 0xFF00, 0xFF, 0}, 0},
        {"32-bit BGRA V4", 108, 32, 3, {0xFF0000, 0xFF00, 0xFF, 0xFF000000},
         {0xFF0000, 0xFF00, 0xFF, 0xFF000000}, 0},
        {"32-bit RGBA V5", 124, 32, 3, {0xFF, 0xFF00, 0xFF0000, 0xFF000000}, {0xFF, 0xFF00, 0xFF0000, 0xFF000000}, 0},
        {"32-bit 10-10-10-2 V5", 124, 32, 3, {0x3FF00000, 0xFFC00, 0x3FF, 0xC0000000},
         {0x3FF00000, 0xFFC00, 0x3FF, 0xC0000000}, 0},
        {"32-bit XBGR bitfields", 40, 32, 3, {0xFF000000, 0xFF0000, 0xFF00, 0}, {0xFF000000, 0xFF0000, 0xFF00, 0}, 3},
        {"32-bit 5-bit fields", 56, 32, 3, {0x1F << 20, 0x1F << 10, 0x1F, 0}, {0x1F << 20, 0x1F << 10, 0x1F, 0}, 0},
        {"32-bit zero masks = default", 40, 32, 3, {0, 0, 0, 0}, {0xFF0000, 0xFF00, 0xFF, 0}, 3},
        {"24-bit bitfields", 40, 24, 3, {0xFF, 0xFF00, 0xFF0000, 0}, {0xFF, 0xFF00, 0xFF0000, 0}, 3},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const mask_case *c = &cases[k];
        for (int td = 0; td < 2; td++) {
            if (td && c->info_size == 12) continue;
            const uint32_t w = 7, h = 3;
            const int alpha = c->eff[3] != 0;
            const uint32_t nc = alpha ? 4 : 3;
            uint32_t v[21];
            uint8_t expect[21 * 4];
            for (uint32_t i = 0; i < w * h; i++) {
                uint32_t x = rnd() ^ (rnd() << 16);
                if (c->bpp < 32) x &= (1u << c->bpp) - 1;
                v[i] = x;
                for (uint32_t ch = 0; ch < nc; ch++) expect[i * nc + ch] = scale8(x, c->eff[ch]);
            }
            size_t ps;
            uint8_t *pix = pack_rows(v, w, h, c->bpp, td, &ps);
            bmp_spec s = {.info_size = c->info_size, .width = (int32_t)w, .height = td ? -(int32_t)h : (int32_t)h,
                          .bpp = (uint16_t)c->bpp, .compression = c->compression, .masks_after = c->masks_after,
                          .offset = -1};
            memcpy(s.masks, c->masks, sizeof(s.masks));
            buf b = {0};
            build_bmp(&b, &s, pix, ps);
            pxc_image_info info;
            pxc_status st = info_of(b.d, b.n, &info);
            CHECK_MSG(st == PXC_OK, "%s: info %d %s", c->name, (int)st, pxc_test_detail);
            CHECK_MSG(info.num_channels == nc, "%s: %u channels", c->name, info.num_channels);
            CHECK(info.color_spec == (alpha ? PXC_COLOR_RGBA : PXC_COLOR_RGB));
            char what[96];
            snprintf(what, sizeof(what), "%s top-down %d", c->name, td);
            expect_pixels(what, b.d, b.n, alpha ? PXC_COLOR_RGBA : PXC_COLOR_RGB, expect, w, h);
            free(pix);
            free(b.d);
        }
    }
}

/* Every output colour and sample type from a palette image and a 32-bit alpha image. */
static void test_output_forms(void)
{
    static const pxc_color_spec colors[] = {PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA, PXC_COLOR_RGB,
                                            PXC_COLOR_BGR,  PXC_COLOR_RGBA,       PXC_COLOR_BGRA};
    const uint32_t w = 5, h = 3;
    for (int kind = 0; kind < 4; kind++) {
        /* kind 0: 4-bit palette, 1: 32-bit BGRA, 2: 16-bit 565, 3: 32-bit BI_RGB (X byte, no alpha) */
        uint32_t v[15];
        uint8_t rgba[15][4];
        uint8_t pal[16][3];
        for (int i = 0; i < 16; i++)
            for (int c = 0; c < 3; c++) pal[i][c] = (uint8_t)rnd();
        bmp_spec s = {.info_size = kind == 1 ? 124 : 40, .width = (int32_t)w, .height = (int32_t)h, .offset = -1};
        static const uint32_t m565[4] = {0xF800, 0x7E0, 0x1F, 0};
        static const uint32_t m8888[4] = {0xFF0000, 0xFF00, 0xFF, 0xFF000000};
        for (uint32_t i = 0; i < w * h; i++) {
            if (kind == 0) {
                v[i] = rnd() % 16;
                memcpy(rgba[i], pal[v[i]], 3);
                rgba[i][3] = 255;
            } else if (kind == 1 || kind == 3) {
                v[i] = rnd() ^ (rnd() << 16);
                for (int c = 0; c < 4; c++) rgba[i][c] = scale8(v[i], m8888[c]);
                if (kind == 3) rgba[i][3] = 255;
            } else {
                v[i] = rnd() & 0xFFFF;
                for (int c = 0; c < 3; c++) rgba[i][c] = scale8(v[i], m565[c]);
                rgba[i][3] = 255;
            }
        }
        if (kind == 0) {
            s.bpp = 4;
            s.pal = (const uint8_t (*)[3])pal;
            s.pal_count = 16;
        } else if (kind == 1) {
            s.bpp = 32;
            s.compression = 3;
            memcpy(s.masks, m8888, sizeof(s.masks));
        } else if (kind == 3) {
            s.bpp = 32;
        } else {
            s.bpp = 16;
            s.compression = 3;
            s.masks_after = 3;
            memcpy(s.masks, m565, sizeof(s.masks));
        }
        size_t ps;
        uint8_t *pix = pack_rows(v, w, h, s.bpp, 0, &ps);
        buf b = {0};
        build_bmp(&b, &s, pix, ps);
        for (size_t ci = 0; ci < sizeof(colors) / sizeof(colors[0]); ci++) {
            for (int t = 0; t < 2; t++) {
                pxc_color_spec col = colors[ci];
                pxc_image *img;
                pxc_status st = decode_to(b.d, b.n, col, t ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8, &img);
                CHECK_MSG(st == PXC_OK, "kind %d to %s: %s", kind, pxc_color_spec_name(col), pxc_test_detail);
                if (st != PXC_OK) continue;
                const pxc_image_desc *d = pxc_image_get_desc(img);
                const uint8_t *p = pxc_image_data(img);
                int ok = 1;
                for (uint32_t y = 0; y < h; y++) {
                    for (uint32_t x = 0; x < w; x++) {
                        const uint8_t *e = rgba[y * w + x];
                        uint32_t r = e[0], g = e[1], bl = e[2], a = e[3];
                        uint32_t gray = (r * 19595u + g * 38470u + bl * 7471u + 0x8000u) >> 16;
                        uint32_t want[4];
                        uint32_t n = pxc_color_spec_channels(col);
                        switch (col) {
                        case PXC_COLOR_GRAY: want[0] = gray; break;
                        case PXC_COLOR_GRAY_ALPHA: want[0] = gray; want[1] = a; break;
                        case PXC_COLOR_RGB: want[0] = r; want[1] = g; want[2] = bl; break;
                        case PXC_COLOR_BGR: want[0] = bl; want[1] = g; want[2] = r; break;
                        case PXC_COLOR_RGBA: want[0] = r; want[1] = g; want[2] = bl; want[3] = a; break;
                        default: want[0] = bl; want[1] = g; want[2] = r; want[3] = a; break;
                        }
                        for (uint32_t c = 0; c < n; c++) {
                            uint32_t got = t ? ((const uint16_t *)(p + y * d->row_stride))[x * n + c]
                                             : p[y * d->row_stride + x * n + c];
                            if (got != (t ? want[c] * 257u : want[c])) ok = 0;
                        }
                    }
                }
                CHECK_MSG(ok, "kind %d decoded to %s type %d differs", kind, pxc_color_spec_name(col), t);
                pxc_image_destroy(img);
            }
        }
        free(pix);
        free(b.d);
    }

    /* colour conversion off: the native form */
    {
        pxc_image *src = make_image(4, 4, PXC_COLOR_RGBA, PXC_SAMPLE_U8);
        void *data;
        size_t size;
        CHECK_OK(pxc_encode(enc, src, "bmp", NULL, &data, &size));
        pxc_code_stream *s;
        CHECK_OK(pxc_code_stream_from_memory(ctx, data, size, PXC_MEMORY_BORROW, &s));
        pxc_decode_params p;
        pxc_decode_params_default(&p);
        p.enable_color_conversion = 0;
        pxc_image *img = NULL;
        CHECK_OK(pxc_decode(dec, s, &p, &img));
        if (img) {
            CHECK(pxc_image_get_desc(img)->num_channels == 4);
            CHECK(memcmp(pxc_image_data(img), pxc_image_data(src), 4 * 4 * 4) == 0);
        }
        pxc_image_destroy(img);
        pxc_code_stream_destroy(s);
        pxc_free(data);
        pxc_image_destroy(src);
    }
}

/* ---- RLE ---------------------------------------------------------------- */

/* Builds an RLE file; @p idx receives the expected indices, top row first. */
static void rle_file(buf *b, int rle4, const uint8_t *stream, size_t n, uint32_t w, uint32_t h, uint8_t pal[][3])
{
    bmp_spec s = {.info_size = 40, .width = (int32_t)w, .height = (int32_t)h, .bpp = rle4 ? 4 : 8,
                  .compression = rle4 ? 2 : 1, .pal = (const uint8_t (*)[3])pal, .pal_count = 16, .clr_used = 16,
                  .offset = -1};
    build_bmp(b, &s, stream, n);
}

static void expect_indices(const char *what, const buf *b, const uint8_t *idx, uint32_t w, uint32_t h,
                           uint8_t pal[][3])
{
    uint8_t *expect = malloc((size_t)w * h * 3);
    for (uint32_t i = 0; i < w * h; i++) memcpy(expect + 3 * i, pal[idx[i]], 3);
    expect_pixels(what, b->d, b->n, PXC_COLOR_RGB, expect, w, h);
    free(expect);
}

static void test_rle(void)
{
    uint8_t pal[16][3];
    for (int i = 0; i < 16; i++) {
        pal[i][0] = (uint8_t)(i * 16 + 1);
        pal[i][1] = (uint8_t)(255 - i * 7);
        pal[i][2] = (uint8_t)(i * 3);
    }
    buf b = {0};
    /* RLE8, 6x4, rows listed bottom (file row 0) first */
    {
        static const uint8_t s[] = {
            3, 5, 0, 3, 1, 2, 9, 0, /* row 0: 5 5 5 | absolute 1 2 9 (odd: pad) */
            0, 0,                   /* end of line (row 0 was complete) */
            2, 7, 0, 2, 3, 0,       /* row 1: 7 7, delta (+3, 0) -> x=5 */
            1, 4, 0, 0,             /* 4 at x=5, end of line */
            0, 2, 1, 1,             /* row 2: delta (+1, +1) -> row 3, x=1 */
            2, 8,                   /* row 3: 8 8 at x=1..2 */
            0, 1,                   /* end of bitmap: rest of row 3 is index 0 */
        };
        /* top row first: file row 3, 2, 1, 0 */
        static const uint8_t idx[] = {
            0, 8, 8, 0, 0, 0, /* row 3 */
            0, 0, 0, 0, 0, 0, /* row 2: skipped by the delta */
            7, 7, 0, 0, 0, 4, /* row 1 */
            5, 5, 5, 1, 2, 9, /* row 0 */
        };
        rle_file(&b, 0, s, sizeof(s), 6, 4, pal);
        pxc_image_info info;
        CHECK_OK(info_of(b.d, b.n, &info));
        CHECK(info.color_spec == PXC_COLOR_PALETTE);
        expect_indices("RLE8", &b, idx, 6, 4, pal);
        /* early end of bitmap leaves whole rows at index 0 */
        static const uint8_t s2[] = {6, 3, 0, 0, 0, 1};
        static const uint8_t idx2[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 3};
        rle_file(&b, 0, s2, sizeof(s2), 6, 4, pal);
        expect_indices("RLE8 early end", &b, idx2, 6, 4, pal);
        /* no end-of-bitmap marker after complete rows */
        static const uint8_t s3[] = {6, 1, 0, 0, 6, 2, 0, 0, 6, 3, 0, 0, 6, 4};
        static const uint8_t idx3[] = {4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1};
        rle_file(&b, 0, s3, sizeof(s3), 6, 4, pal);
        expect_indices("RLE8 without end of bitmap", &b, idx3, 6, 4, pal);
    }
    /* RLE4, 7x3 */
    {
        static const uint8_t s[] = {
            4, 0x12, 0, 3, 0x34, 0x50, /* row 0: 1 2 1 2 | absolute 3 4 5 */
            0, 0,                      /* end of line */
            0, 3, 0x56, 0x70, 2, 0xAB, /* row 1: absolute 5 6 7 (2 bytes, even: no pad) | encoded a b */
            0, 2, 1, 0,                /* delta (+1, 0) -> x = 6 */
            1, 0xF0,                   /* F at x=6 */
            0, 0,                      /* end of line */
            0, 5, 0x9A, 0xBC, 0xD0, 0, /* row 2: absolute 9 a b c d (3 bytes + pad) */
            0, 1,                      /* end of bitmap */
        };
        static const uint8_t idx[] = {
            9, 10, 11, 12, 13, 0, 0,
            5, 6, 7, 10, 11, 0, 15,
            1, 2, 1, 2, 3, 4, 5,
        };
        rle_file(&b, 1, s, sizeof(s), 7, 3, pal);
        expect_indices("RLE4", &b, idx, 7, 3, pal);
    }
    /* errors */
    {
        static const struct {
            const char *what;
            int rle4;
            uint8_t s[16];
            size_t n;
            pxc_status want;
        } bad[] = {
            {"run past the row end", 0, {7, 1, 0, 1}, 4, PXC_ERROR_CORRUPT_DATA},
            {"absolute run past the row end", 0, {4, 1, 0, 3, 1, 2, 3, 0}, 8, PXC_ERROR_CORRUPT_DATA},
            {"RLE4 run past the row end", 1, {7, 0x11, 0, 1}, 4, PXC_ERROR_CORRUPT_DATA},
            {"delta past the last row", 0, {0, 2, 0, 9, 0, 1}, 6, PXC_ERROR_CORRUPT_DATA},
            {"delta past the row end", 0, {0, 2, 7, 0, 0, 1}, 6, PXC_ERROR_CORRUPT_DATA},
            {"run after the last row", 0, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 16, PXC_ERROR_CORRUPT_DATA},
            {"ends without end of bitmap", 0, {6, 1, 0, 0}, 4, PXC_ERROR_TRUNCATED_DATA},
            {"ends inside an absolute run", 0, {0, 5, 1, 2}, 4, PXC_ERROR_TRUNCATED_DATA},
            {"ends inside a delta", 0, {0, 2, 1}, 3, PXC_ERROR_TRUNCATED_DATA},
            {"empty pixel data", 0, {0}, 0, PXC_ERROR_TRUNCATED_DATA},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            uint8_t s[16];
            memcpy(s, bad[i].s, sizeof(s));
            if (i == 5) { /* four end-of-line markers then a run */
                static const uint8_t t[] = {0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 1};
                memcpy(s, t, sizeof(t));
            }
            rle_file(&b, bad[i].rle4, s, i == 5 ? 12 : bad[i].n, 6, 4, pal);
            pxc_image *img;
            pxc_status st = decode_to(b.d, b.n, PXC_COLOR_RGB, PXC_SAMPLE_U8, &img);
            CHECK_MSG(st == bad[i].want, "RLE %s: got %d (%s)", bad[i].what, (int)st, pxc_test_detail);
            CHECK(strstr(pxc_test_detail, "RLE") != NULL);
            pxc_image_destroy(img);
        }
    }
    free(b.d);
}

/* ---- truncation ----------------------------------------------------------- */

/* Decodes every prefix of @p file: an error (never a crash) below @p ok_from bytes. */
static void truncate_all(const char *what, const uint8_t *file, size_t size, size_t ok_from)
{
    pxc_image *full;
    CHECK_OK(decode_to(file, size, PXC_COLOR_RGBA, PXC_SAMPLE_U8, &full));
    for (size_t len = 0; len < size; len++) {
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, file, len);
        pxc_image *img;
        pxc_status st = decode_to(copy, len, PXC_COLOR_RGBA, PXC_SAMPLE_U8, &img);
        if (len >= ok_from && st == PXC_OK) {
            const pxc_image_desc *d = pxc_image_get_desc(full);
            CHECK_MSG(image_equals(img, pxc_image_data(full), d->width, d->height, 4), "%s: %zu bytes", what, len);
        } else {
            pxc_status want = len == 0 ? PXC_ERROR_EMPTY_INPUT
                              : len < 2 ? PXC_ERROR_UNSUPPORTED_FORMAT
                                        : PXC_ERROR_TRUNCATED_DATA;
            CHECK_MSG(st == want, "%s cut to %zu of %zu bytes: status %d (%s)", what, len, size, (int)st,
                      pxc_test_detail);
            CHECK_MSG(len < 2 || strstr(pxc_test_detail, "BMP") != NULL, "%s: detail \"%s\"", what, pxc_test_detail);
        }
        pxc_image_destroy(img);
        free(copy);
    }
    pxc_image_destroy(full);
}

static void test_truncation(void)
{
    /* 8-bit palette, 5x3: rows of 5 + 3 padding bytes */
    {
        uint8_t pal[256][3];
        for (int i = 0; i < 256; i++) pal[i][0] = pal[i][1] = (uint8_t)i, pal[i][2] = (uint8_t)(i ^ 0x55);
        uint32_t idx[15];
        for (int i = 0; i < 15; i++) idx[i] = rnd() % 256;
        size_t ps;
        uint8_t *pix = pack_rows(idx, 5, 3, 8, 0, &ps);
        bmp_spec s = {.info_size = 40, .width = 5, .height = 3, .bpp = 8, .pal = (const uint8_t (*)[3])pal,
                      .pal_count = 256, .offset = -1};
        buf b = {0};
        build_bmp(&b, &s, pix, ps);
        truncate_all("8-bit", b.d, b.n, b.n - 3);
        free(pix);
        free(b.d);
    }
    /* 24-bit 5x3 and 32-bit BGRA V4 from the encoder */
    for (int alpha = 0; alpha < 2; alpha++) {
        pxc_image *src = make_image(5, 3, alpha ? PXC_COLOR_RGBA : PXC_COLOR_RGB, PXC_SAMPLE_U8);
        void *data;
        size_t size;
        CHECK_OK(pxc_encode(enc, src, "bmp", NULL, &data, &size));
        truncate_all(alpha ? "32-bit" : "24-bit", data, size, alpha ? size : size - 1);
        pxc_free(data);
        pxc_image_destroy(src);
    }
    /* 16-bit 565 with masks after a BITMAPINFOHEADER */
    {
        uint32_t v[6] = {0xF800, 0x7E0, 0x1F, 0xFFFF, 0, 0x1234};
        size_t ps;
        uint8_t *pix = pack_rows(v, 3, 2, 16, 1, &ps);
        bmp_spec s = {.info_size = 40, .width = 3, .height = -2, .bpp = 16, .compression = 3,
                      .masks = {0xF800, 0x7E0, 0x1F, 0}, .masks_after = 3, .offset = -1};
        buf b = {0};
        build_bmp(&b, &s, pix, ps);
        truncate_all("16-bit", b.d, b.n, b.n - 2);
        free(pix);
        free(b.d);
    }
    /* RLE8 with the end-of-bitmap marker last */
    {
        uint8_t pal[16][3] = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
        static const uint8_t s[] = {2, 1, 0, 3, 2, 1, 2, 0, 0, 0, 5, 2, 0, 0, 0, 1};
        buf b = {0};
        rle_file(&b, 0, s, sizeof(s), 5, 2, pal);
        /* the last row complete is enough: its end-of-line and the end-of-bitmap are optional */
        truncate_all("RLE8", b.d, b.n, b.n - 5);
        free(b.d);
    }
}

/* ---- corrupt headers ------------------------------------------------------ */

static void expect_status(const char *what, const buf *b, pxc_status want)
{
    pxc_image *img;
    pxc_status st = decode_to(b->d, b->n, PXC_COLOR_RGB, PXC_SAMPLE_U8, &img);
    CHECK_MSG(st == want, "%s: got %d (%s), expected %d", what, (int)st, pxc_test_detail, (int)want);
    CHECK_MSG(st == PXC_OK || pxc_test_detail[0] != '\0', "%s: no detail text", what);
    pxc_image_destroy(img);
}

static void test_corrupt(void)
{
    uint8_t pal[256][3];
    memset(pal, 7, sizeof(pal));
    uint8_t pix[64 * 4];
    memset(pix, 1, sizeof(pix));
    const bmp_spec good = {.info_size = 40, .width = 4, .height = 4, .bpp = 8, .pal = (const uint8_t (*)[3])pal,
                           .pal_count = 4, .clr_used = 4, .offset = -1};
    buf b = {0};
    bmp_spec s;

    s = good;
    build_bmp(&b, &s, pix, 16);
    expect_status("valid file", &b, PXC_OK);

    s = good;
    s.offset = 30; /* inside the info header */
    build_bmp(&b, &s, pix, 16);
    expect_status("offset inside the headers", &b, PXC_ERROR_CORRUPT_DATA);

    s = good;
    s.offset = 60; /* inside the 4-colour palette (54..70) */
    build_bmp(&b, &s, pix, 16);
    b.n = 86;
    expect_status("offset inside the palette", &b, PXC_ERROR_CORRUPT_DATA);

    s = good;
    build_bmp(&b, &s, pix, 16);
    set32(b.d + 10, 1000000);
    expect_status("offset past the end", &b, PXC_ERROR_TRUNCATED_DATA);
    set32(b.d + 10, 0xFFFFFFFFu);
    expect_status("offset 0xFFFFFFFF", &b, PXC_ERROR_TRUNCATED_DATA);

    s = good;
    s.clr_used = 100000;
    build_bmp(&b, &s, pix, 16);
    expect_status("palette of 100000 colours", &b, PXC_ERROR_CORRUPT_DATA);
    s.clr_used = 0xFFFFFFFFu;
    build_bmp(&b, &s, pix, 16);
    expect_status("palette of 2^32-1 colours", &b, PXC_ERROR_CORRUPT_DATA);
    s.clr_used = 200; /* more than fits before the pixel data */
    build_bmp(&b, &s, pix, 16);
    expect_status("palette overlapping the pixels", &b, PXC_ERROR_CORRUPT_DATA);

    s = good;
    s.pal_count = 0;
    s.clr_used = 0;
    build_bmp(&b, &s, pix, 16);
    expect_status("8-bit without a palette", &b, PXC_ERROR_CORRUPT_DATA);

    s = good;
    s.width = 0;
    build_bmp(&b, &s, pix, 16);
    expect_status("width 0", &b, PXC_ERROR_CORRUPT_DATA);
    s.width = -4;
    build_bmp(&b, &s, pix, 16);
    expect_status("negative width", &b, PXC_ERROR_CORRUPT_DATA);
    s = good;
    s.height = 0;
    build_bmp(&b, &s, pix, 16);
    expect_status("height 0", &b, PXC_ERROR_CORRUPT_DATA);
    s.height = INT32_MIN;
    build_bmp(&b, &s, pix, 16);
    expect_status("height INT32_MIN", &b, PXC_ERROR_CORRUPT_DATA);

    s = good;
    s.planes = 3;
    build_bmp(&b, &s, pix, 16);
    expect_status("3 planes", &b, PXC_ERROR_CORRUPT_DATA);

    s = good;
    s.bpp = 7;
    build_bmp(&b, &s, pix, 16);
    expect_status("7 bits per pixel", &b, PXC_ERROR_CORRUPT_DATA);
    s.bpp = 0;
    build_bmp(&b, &s, pix, 16);
    expect_status("0 bits per pixel", &b, PXC_ERROR_UNSUPPORTED_FEATURE);

    s = good;
    s.compression = 1; /* RLE8 */
    s.bpp = 4;
    build_bmp(&b, &s, pix, 16);
    expect_status("RLE8 with 4 bits", &b, PXC_ERROR_CORRUPT_DATA);
    s.compression = 2;
    s.bpp = 8;
    build_bmp(&b, &s, pix, 16);
    expect_status("RLE4 with 8 bits", &b, PXC_ERROR_CORRUPT_DATA);
    s.compression = 3;
    build_bmp(&b, &s, pix, 16);
    expect_status("bit fields with 8 bits", &b, PXC_ERROR_CORRUPT_DATA);
    s.compression = 4;
    build_bmp(&b, &s, pix, 16);
    expect_status("embedded JPEG", &b, PXC_ERROR_UNSUPPORTED_FEATURE);
    s.compression = 5;
    build_bmp(&b, &s, pix, 16);
    expect_status("embedded PNG", &b, PXC_ERROR_UNSUPPORTED_FEATURE);
    s.compression = 77;
    build_bmp(&b, &s, pix, 16);
    expect_status("compression 77", &b, PXC_ERROR_CORRUPT_DATA);

    bmp_spec m = {.info_size = 40, .width = 4, .height = 4, .bpp = 32, .compression = 3, .masks_after = 3,
                  .offset = -1};
    m.masks[0] = 0xFF0000;
    m.masks[1] = 0xFF00;
    m.masks[2] = 0xF0F; /* not contiguous */
    build_bmp(&b, &m, pix, 64);
    expect_status("non-contiguous mask", &b, PXC_ERROR_CORRUPT_DATA);
    m.masks[2] = 0x1FF; /* overlaps green */
    build_bmp(&b, &m, pix, 64);
    expect_status("overlapping masks", &b, PXC_ERROR_CORRUPT_DATA);
    m.bpp = 16;
    m.masks[0] = 0x1F0000; /* outside 16 bits */
    m.masks[1] = 0x7E0;
    m.masks[2] = 0x1F;
    build_bmp(&b, &m, pix, 32);
    expect_status("mask outside the pixel", &b, PXC_ERROR_CORRUPT_DATA);
    m.masks_after = 2; /* masks cut short by the end of the file */
    build_bmp(&b, &m, NULL, 0);
    b.n = 14 + 40 + 8;
    expect_status("masks cut short", &b, PXC_ERROR_TRUNCATED_DATA);

    s = good;
    build_bmp(&b, &s, pix, 16);
    set32(b.d + 14, 20);
    expect_status("20-byte info header", &b, PXC_ERROR_UNSUPPORTED_FEATURE);
    set32(b.d + 14, 4);
    expect_status("4-byte info header", &b, PXC_ERROR_CORRUPT_DATA);
    set32(b.d + 14, 0xFFFFFFF0u);
    expect_status("huge info header", &b, PXC_ERROR_UNSUPPORTED_FEATURE);
    b.d[1] = 'A';
    expect_status("BA magic", &b, PXC_ERROR_UNSUPPORTED_FORMAT);

    /* OS/2 2.x compression 3 (Huffman) */
    bmp_spec o = {.info_size = 64, .width = 4, .height = 4, .bpp = 1, .compression = 3,
                  .pal = (const uint8_t (*)[3])pal, .pal_count = 2, .offset = -1};
    build_bmp(&b, &o, pix, 16);
    expect_status("OS/2 Huffman", &b, PXC_ERROR_UNSUPPORTED_FEATURE);

    /* pixel limits are the core's: 100000 x 100000 declared, no pixel data */
    bmp_spec big = {.info_size = 40, .width = 100000, .height = 100000, .bpp = 24, .offset = -1};
    build_bmp(&b, &big, NULL, 0);
    pxc_image_info info;
    CHECK_OK(info_of(b.d, b.n, &info));
    CHECK(info.width == 100000 && info.height == 100000);
    expect_status("100000 x 100000", &b, PXC_ERROR_LIMIT_EXCEEDED);
    big.height = -100000;
    big.bpp = 1;
    big.pal = (const uint8_t (*)[3])pal;
    big.pal_count = 2;
    build_bmp(&b, &big, NULL, 0);
    expect_status("100000 x -100000 1-bit", &b, PXC_ERROR_LIMIT_EXCEEDED);
    big.width = INT32_MAX;
    big.height = INT32_MAX;
    big.bpp = 32;
    big.pal_count = 0;
    build_bmp(&b, &big, NULL, 0);
    expect_status("INT32_MAX square", &b, PXC_ERROR_LIMIT_EXCEEDED);
    /* under the limit but truncated */
    big.width = 3000;
    big.height = 3000;
    build_bmp(&b, &big, pix, 64);
    expect_status("3000 x 3000 with 64 bytes of pixels", &b, PXC_ERROR_TRUNCATED_DATA);

    free(b.d);
}

static void test_encode_declines(void)
{
    pxc_image_desc d;
    pxc_image_desc_init(&d);
    d.width = 2;
    d.height = 2;
    d.num_channels = 4;
    d.color_spec = PXC_COLOR_CMYK;
    pxc_image *img = NULL;
    CHECK_OK(pxc_image_create(ctx, &d, NULL, &img));
    void *data = NULL;
    size_t size = 0;
    pxc_status st = pxc_encode(enc, img, "bmp", NULL, &data, &size);
    CHECK(st != PXC_OK);
    CHECK(data == NULL);
    CHECK(strstr(pxc_encoder_last_error(enc), "BMP") != NULL);
    pxc_image_destroy(img);
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
    test_palette();
    test_direct();
    test_output_forms();
    test_rle();
    test_truncation();
    test_corrupt();
    test_encode_declines();

    pxc_encoder_destroy(enc);
    pxc_decoder_destroy(dec);
    pxc_context_destroy(ctx);
    return pxc_test_summary("test_bmp");
}
