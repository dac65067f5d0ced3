/*
 * TIFF through the public API: round trips of every written type and
 * compression, multi-page files, the Orientation tag, truncation at every
 * length, damaged headers and limits. Reference files are built here byte
 * by byte (little-endian classic TIFF, uncompressed strips).
 */
#include <stdbool.h>
#include <stdint.h>

#include "test.h"

static pxc_context *ctx;
static pxc_decoder *dec;

/* ---- a minimal TIFF writer ------------------------------------------------ */

typedef struct tbuf {
    uint8_t d[1 << 16];
    size_t n;
} tbuf;

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v & 0xFFFF);
    put16(p + 2, v >> 16);
}

typedef struct tag {
    uint16_t id, type; /* 3 SHORT, 4 LONG */
    uint32_t count, value;
} tag;

typedef struct page_spec {
    uint32_t w, h;
    uint16_t spp, bps, photometric, orientation, sample_format;
    const uint8_t *pixels; /* w*h*spp*(bps/8) bytes, little-endian for 16 bits */
} page_spec;

/*
 * Appends one page (pixel data, then its IFD) and returns the offset of the
 * IFD's "next" field so that the caller can chain pages. *ifd_at receives the
 * IFD offset.
 */
static size_t add_page(tbuf *b, const page_spec *p, uint32_t *ifd_at)
{
    const size_t bytes = (size_t)p->w * p->h * p->spp * (p->bps / 8);
    const uint32_t data_at = (uint32_t)b->n;
    memcpy(b->d + b->n, p->pixels, bytes);
    b->n += bytes;
    uint32_t bps_at = 0;
    if (p->spp > 2) { /* BitsPerSample array */
        bps_at = (uint32_t)b->n;
        for (uint16_t i = 0; i < p->spp; i++) put16(b->d + b->n + 2 * i, p->bps);
        b->n += 2u * p->spp;
    }
    if (b->n & 1) b->d[b->n++] = 0;
    tag tags[12];
    int nt = 0;
    tags[nt++] = (tag){256, 4, 1, p->w};
    tags[nt++] = (tag){257, 4, 1, p->h};
    tags[nt++] = p->spp > 2 ? (tag){258, 3, p->spp, bps_at}
                            : (tag){258, 3, p->spp, p->spp == 2 ? (uint32_t)p->bps | ((uint32_t)p->bps << 16) : p->bps};
    tags[nt++] = (tag){259, 3, 1, 1};
    tags[nt++] = (tag){262, 3, 1, p->photometric};
    tags[nt++] = (tag){273, 4, 1, data_at};
    if (p->orientation) tags[nt++] = (tag){274, 3, 1, p->orientation};
    tags[nt++] = (tag){277, 3, 1, p->spp};
    tags[nt++] = (tag){278, 4, 1, p->h};
    tags[nt++] = (tag){279, 4, 1, (uint32_t)bytes};
    if (p->sample_format) tags[nt++] = (tag){339, 3, 1, p->sample_format};
    *ifd_at = (uint32_t)b->n;
    uint8_t *q = b->d + b->n;
    put16(q, (uint32_t)nt);
    for (int i = 0; i < nt; i++) {
        uint8_t *e = q + 2 + 12 * i;
        put16(e, tags[i].id);
        put16(e + 2, tags[i].type);
        put32(e + 4, tags[i].count);
        if (tags[i].type == 3 && tags[i].count == 1) {
            put16(e + 8, tags[i].value);
            put16(e + 10, 0);
        } else {
            put32(e + 8, tags[i].value);
        }
    }
    const size_t next_at = b->n + 2 + 12 * (size_t)nt;
    put32(b->d + next_at, 0);
    b->n = next_at + 4;
    return next_at;
}

/* Builds a file of @p count pages. */
static void build(tbuf *b, const page_spec *pages, int count)
{
    memcpy(b->d, "II*\0", 4);
    b->n = 8;
    size_t link = 4; /* where the offset of the next IFD goes */
    for (int i = 0; i < count; i++) {
        uint32_t ifd;
        const size_t next = add_page(b, &pages[i], &ifd);
        put32(b->d + link, ifd);
        link = next;
    }
}

/* Offset of the first IFD entry with tag @p id, or 0. */
static size_t find_tag(const tbuf *b, uint16_t id)
{
    const uint32_t ifd = b->d[4] | (b->d[5] << 8) | (b->d[6] << 16) | ((uint32_t)b->d[7] << 24);
    const uint32_t n = b->d[ifd] | (b->d[ifd + 1] << 8);
    for (uint32_t i = 0; i < n; i++) {
        const size_t e = ifd + 2 + 12 * (size_t)i;
        if ((b->d[e] | (b->d[e + 1] << 8)) == id) return e;
    }
    return 0;
}

static uint8_t gray_px[64 * 64 * 4];

static void fill_pattern(uint32_t seed)
{
    for (size_t i = 0; i < sizeof(gray_px); i++) gray_px[i] = (uint8_t)(i * 7 + seed * 31 + (i >> 5));
}

static pxc_decode_params params_for(pxc_color_spec c, pxc_sample_type t)
{
    pxc_decode_params p;
    pxc_decode_params_default(&p);
    p.color_spec = c;
    p.sample_type = t;
    return p;
}

/* ---- round trips ------------------------------------------------------------ */

static void test_round_trip(void)
{
    static const pxc_color_spec colors[] = {PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA, PXC_COLOR_RGB,
                                            PXC_COLOR_BGR,  PXC_COLOR_RGBA,       PXC_COLOR_BGRA};
    const uint32_t w = 41, h = 29;
    for (int comp = 0; comp <= 2; comp++) {
        char opts[40];
        snprintf(opts, sizeof(opts), "tiff:compression=%d", comp);
        pxc_encoder_settings es;
        pxc_encoder_default_settings(&es);
        es.options = opts;
        pxc_encoder *enc = NULL;
        CHECK_OK(pxc_encoder_create(ctx, &es, &enc));
        if (!enc) continue;
        for (size_t ci = 0; ci < sizeof(colors) / sizeof(colors[0]); ci++) {
            for (int t = 0; t <= 1; t++) {
                const pxc_color_spec c = colors[ci];
                const pxc_sample_type type = t ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
                pxc_image_desc d;
                pxc_image_desc_init(&d);
                d.width = w;
                d.height = h;
                d.num_channels = pxc_color_spec_channels(c);
                d.sample_type = type;
                d.color_spec = c;
                pxc_image *img = NULL;
                CHECK_OK(pxc_image_create(ctx, &d, NULL, &img));
                if (!img) continue;
                const size_t n = pxc_image_size_bytes(img);
                uint8_t *px = pxc_image_data(img);
                /* smooth content so that compression has something to do */
                for (size_t i = 0; i < n; i++) px[i] = (uint8_t)((i / 3) % 251 + (i % 7));
                void *data = NULL;
                size_t size = 0;
                CHECK_OK(pxc_encode(enc, img, "tiff", NULL, &data, &size));
                if (data) {
                    pxc_image_info info;
                    CHECK_OK(pxc_test_info(ctx, data, size, &info));
                    CHECK(strcmp(info.codec, "tiff") == 0);
                    CHECK(info.width == w && info.height == h && info.num_images == 1);
                    CHECK(info.num_channels == d.num_channels);
                    CHECK(info.precision == (t ? 16u : 8u));
                    pxc_decode_params p = params_for(c, type);
                    pxc_image *out = NULL;
                    CHECK_OK(pxc_test_decode(ctx, dec, data, size, &p, &out));
                    if (out) {
                        CHECK(pxc_image_size_bytes(out) == n);
                        CHECK_MSG(memcmp(pxc_image_data(out), px, n) == 0, "comp %d colour %d type %d",
                                  comp, (int)c, t);
                        pxc_image_destroy(out);
                    }
                    if (comp == 0) CHECK(size > n); /* stored: pixels plus the headers */
                    pxc_free(data);
                }
                pxc_image_destroy(img);
            }
        }
        pxc_encoder_destroy(enc);
    }
    /* a bad option value is refused */
    pxc_encoder_settings es;
    pxc_encoder_default_settings(&es);
    es.options = "tiff:compression=9";
    pxc_encoder *bad = NULL;
    CHECK_STATUS(pxc_encoder_create(ctx, &es, &bad), PXC_ERROR_INVALID_OPTION);
    pxc_encoder_destroy(bad);
}

/* ---- hand-built files ---------------------------------------------------------- */

static void test_gray_and_formats(void)
{
    static tbuf b;
    fill_pattern(1);
    /* 16-bit RGB little-endian */
    page_spec p = {5, 4, 3, 16, 2, 0, 0, gray_px};
    build(&b, &p, 1);
    pxc_image_info info;
    CHECK_OK(pxc_test_info(ctx, b.d, b.n, &info));
    CHECK(info.color_spec == PXC_COLOR_RGB && info.precision == 16 && info.sample_type == PXC_SAMPLE_U16);
    pxc_decode_params dp = params_for(PXC_COLOR_RGB, PXC_SAMPLE_U16);
    pxc_image *out = NULL;
    CHECK_OK(pxc_test_decode(ctx, dec, b.d, b.n, &dp, &out));
    if (out) {
        CHECK(memcmp(pxc_image_data(out), gray_px, 5 * 4 * 6) == 0);
        pxc_image_destroy(out);
    }
    /* min-is-white 8-bit gray is inverted */
    page_spec mw = {6, 3, 1, 8, 0, 0, 0, gray_px};
    build(&b, &mw, 1);
    dp = params_for(PXC_COLOR_GRAY, PXC_SAMPLE_U8);
    CHECK_OK(pxc_test_decode(ctx, dec, b.d, b.n, &dp, &out));
    if (out) {
        const uint8_t *o = pxc_image_data(out);
        bool ok = true;
        for (int i = 0; i < 18; i++) ok = ok && o[i] == 255 - gray_px[i];
        CHECK(ok);
        pxc_image_destroy(out);
    }
    /* 32-bit float is refused by name */
    page_spec fl = {4, 4, 1, 32, 1, 0, 3, gray_px};
    build(&b, &fl, 1);
    CHECK_STATUS(pxc_test_info(ctx, b.d, b.n, &info), PXC_ERROR_UNSUPPORTED_FEATURE);
    CHECK(strstr(pxc_test_detail, "floating-point") != NULL);
}

static void test_multipage(void)
{
    static tbuf b;
    static uint8_t pix[3][8 * 6];
    page_spec pages[3];
    for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 48; k++) pix[i][k] = (uint8_t)(k * (i + 1) + 40 * i);
        pages[i] = (page_spec){8, 6, 1, 8, 1, 0, 0, pix[i]};
    }
    build(&b, pages, 3);
    pxc_image_info info;
    CHECK_OK(pxc_test_info(ctx, b.d, b.n, &info));
    CHECK(info.num_images == 3);
    for (uint32_t i = 0; i < 4; i++) {
        pxc_decode_params p = params_for(PXC_COLOR_GRAY, PXC_SAMPLE_U8);
        p.image_index = i;
        pxc_image *out = NULL;
        if (i < 3) {
            CHECK_OK(pxc_test_decode(ctx, dec, b.d, b.n, &p, &out));
            if (out) {
                CHECK_MSG(memcmp(pxc_image_data(out), pix[i], 48) == 0, "page %u", i);
                pxc_image_destroy(out);
            }
        } else {
            CHECK_STATUS(pxc_test_decode(ctx, dec, b.d, b.n, &p, &out), PXC_ERROR_INVALID_ARGUMENT);
        }
    }
    /* a page of another size decodes at its own size */
    pages[2].w = 6;
    pages[2].h = 8;
    build(&b, pages, 3);
    pxc_decode_params p = params_for(PXC_COLOR_GRAY, PXC_SAMPLE_U8);
    p.image_index = 2;
    pxc_image *out = NULL;
    CHECK_OK(pxc_test_decode(ctx, dec, b.d, b.n, &p, &out));
    CHECK(out && pxc_image_get_desc(out)->width == 6 && pxc_image_get_desc(out)->height == 8);
    CHECK(out && memcmp(pxc_image_data(out), pix[2], 48) == 0);
    pxc_image_destroy(out);
    /* an IFD loop (page 1 points back to page 0) counts each page once */
    pages[2].w = 8;
    pages[2].h = 6;
    build(&b, pages, 2);
    const uint32_t first = b.d[4] | (b.d[5] << 8) | (b.d[6] << 16) | ((uint32_t)b.d[7] << 24);
    put32(b.d + b.n - 4, first);
    CHECK_OK(pxc_test_info(ctx, b.d, b.n, &info));
    CHECK(info.num_images == 2);
}

static void test_orientation(void)
{
    static tbuf b;
    const uint32_t w = 4, h = 3;
    uint8_t px[12];
    for (int i = 0; i < 12; i++) px[i] = (uint8_t)(10 * i + 1);
    for (uint16_t o = 1; o <= 8; o++) {
        page_spec p = {w, h, 1, 8, 1, o, 0, px};
        build(&b, &p, 1);
        pxc_image_info info;
        CHECK_OK(pxc_test_info(ctx, b.d, b.n, &info));
        CHECK(info.orientation == o);
        pxc_decode_params dp = params_for(PXC_COLOR_GRAY, PXC_SAMPLE_U8);
        pxc_image *out = NULL;
        CHECK_OK(pxc_test_decode(ctx, dec, b.d, b.n, &dp, &out));
        if (!out) continue;
        const pxc_image_desc *d = pxc_image_get_desc(out);
        const bool swap = o >= 5;
        CHECK(d->width == (swap ? h : w) && d->height == (swap ? w : h));
        const uint8_t *q = pxc_image_data(out);
        bool ok = true;
        for (uint32_t y = 0; y < d->height; y++)
            for (uint32_t x = 0; x < d->width; x++) {
                uint32_t sx, sy;
                switch (o) {
                case 1: sx = x; sy = y; break;
                case 2: sx = w - 1 - x; sy = y; break;
                case 3: sx = w - 1 - x; sy = h - 1 - y; break;
                case 4: sx = x; sy = h - 1 - y; break;
                case 5: sx = y; sy = x; break;
                case 6: sx = y; sy = h - 1 - x; break;
                case 7: sx = w - 1 - y; sy = h - 1 - x; break;
                default: sx = w - 1 - y; sy = x; break;
                }
                ok = ok && q[y * d->row_stride + x] == px[sy * w + sx];
            }
        CHECK_MSG(ok, "orientation %u", o);
        pxc_image_destroy(out);
    }
}

static void check_fails_cleanly(const uint8_t *d, size_t n, const char *what)
{
    pxc_decode_params p = params_for(PXC_COLOR_RGB, PXC_SAMPLE_U8);
    pxc_image *out = NULL;
    const pxc_status st = pxc_test_decode(ctx, dec, d, n, &p, &out);
    CHECK_MSG(st != PXC_OK && st != PXC_ERROR_INTERNAL, "%s at %zu bytes: status %d", what, n, (int)st);
    CHECK_MSG(st == PXC_OK || pxc_test_detail[0] != '\0', "%s: no detail", what);
    pxc_image_destroy(out);
}

static void test_truncation(void)
{
    static tbuf b;
    fill_pattern(3);
    page_spec p = {7, 5, 3, 8, 2, 0, 0, gray_px};
    build(&b, &p, 1);
    for (size_t n = 0; n < b.n; n++) check_fails_cleanly(b.d, n, "uncompressed");
    /* a compressed file written by pixcodec */
    pxc_encoder *enc = NULL;
    CHECK_OK(pxc_encoder_create(ctx, NULL, &enc));
    pxc_image_desc d;
    pxc_image_desc_init(&d);
    d.width = 16;
    d.height = 9;
    d.num_channels = 3;
    d.color_spec = PXC_COLOR_RGB;
    pxc_image *img = NULL;
    CHECK_OK(pxc_image_create(ctx, &d, gray_px, &img));
    void *data = NULL;
    size_t size = 0;
    if (enc && img) CHECK_OK(pxc_encode(enc, img, ".tif", NULL, &data, &size));
    if (data) {
        for (size_t n = 0; n < size; n++) check_fails_cleanly(data, n, "LZW");
        pxc_free(data);
    }
    pxc_image_destroy(img);
    pxc_encoder_destroy(enc);
}

static void test_corrupt(void)
{
    static tbuf b;
    fill_pattern(4);
    page_spec p = {8, 8, 1, 8, 1, 0, 0, gray_px};
    pxc_image_info info;
    pxc_decode_params dp = params_for(PXC_COLOR_GRAY, PXC_SAMPLE_U8);
    pxc_image *out = NULL;

    /* first IFD offset past the end */
    build(&b, &p, 1);
    put32(b.d + 4, (uint32_t)b.n + 100);
    CHECK(pxc_test_info(ctx, b.d, b.n, &info) != PXC_OK);
    CHECK(pxc_test_detail[0] != '\0');
    /* first IFD offset inside the header */
    put32(b.d + 4, 2);
    CHECK(pxc_test_info(ctx, b.d, b.n, &info) != PXC_OK);

    /* huge dimensions: the core's pixel limit */
    build(&b, &p, 1);
    put32(b.d + find_tag(&b, 256) + 8, 1u << 20);
    put32(b.d + find_tag(&b, 257) + 8, 1u << 20);
    put32(b.d + find_tag(&b, 278) + 8, 1u << 20);
    CHECK_STATUS(pxc_test_decode(ctx, dec, b.d, b.n, &dp, &out), PXC_ERROR_LIMIT_EXCEEDED);

    /* a strip byte count far past the end of the data: libtiff recomputes the count of a
       single uncompressed strip from the image size (with a warning), which is fine */
    build(&b, &p, 1);
    put32(b.d + find_tag(&b, 279) + 8, 0xFFFFFF00u);
    {
        const pxc_status st = pxc_test_decode(ctx, dec, b.d, b.n, &dp, &out);
        CHECK(st == PXC_OK || st == PXC_ERROR_TRUNCATED_DATA || st == PXC_ERROR_CORRUPT_DATA);
        if (out) CHECK(memcmp(pxc_image_data(out), gray_px, 64) == 0);
    }
    pxc_image_destroy(out);
    out = NULL;
    /* a strip offset past the end */
    build(&b, &p, 1);
    put32(b.d + find_tag(&b, 273) + 8, 0x7FFFFFF0u);
    CHECK_STATUS(pxc_test_decode(ctx, dec, b.d, b.n, &dp, &out), PXC_ERROR_TRUNCATED_DATA);

    /* an absurd strip: 60000 x 60000 pixels in one strip with a pixel limit raised */
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.max_pixels = 0;
    cs.max_bytes_per_image = (uint64_t)1 << 26;
    pxc_context *big = NULL;
    pxc_decoder *bdec = NULL;
    CHECK_OK(pxc_context_create(&cs, &big));
    if (big) CHECK_OK(pxc_decoder_create(big, NULL, &bdec));
    if (bdec) {
        build(&b, &p, 1);
        put32(b.d + find_tag(&b, 256) + 8, 60000);
        put32(b.d + find_tag(&b, 257) + 8, 60000);
        put32(b.d + find_tag(&b, 278) + 8, 60000);
        const pxc_status st = pxc_test_decode(big, bdec, b.d, b.n, &dp, &out);
        CHECK_MSG(st == PXC_ERROR_LIMIT_EXCEEDED, "status %d: %s", (int)st, pxc_test_detail);
        pxc_image_destroy(out);
        out = NULL;
        /* a small image whose declared strip is far larger than the budget */
        build(&b, &p, 1);
        put32(b.d + find_tag(&b, 256) + 8, 4000);
        put32(b.d + find_tag(&b, 257) + 8, 4000);
        put32(b.d + find_tag(&b, 278) + 8, 4000);
        const pxc_status st2 = pxc_test_decode(big, bdec, b.d, b.n, &dp, &out);
        CHECK_MSG(st2 != PXC_OK && st2 != PXC_ERROR_INTERNAL, "status %d: %s", (int)st2,
                  pxc_test_detail);
        pxc_image_destroy(out);
        out = NULL;
    }
    pxc_decoder_destroy(bdec);
    pxc_context_destroy(big);

    /* missing photometric, zero width */
    build(&b, &p, 1);
    put32(b.d + find_tag(&b, 256) + 8, 0);
    CHECK(pxc_test_info(ctx, b.d, b.n, &info) != PXC_OK);

    /* flipping every byte of the IFD one at a time never crashes */
    build(&b, &p, 1);
    const uint32_t ifd = b.d[4] | (b.d[5] << 8) | (b.d[6] << 16) | ((uint32_t)b.d[7] << 24);
    for (size_t i = ifd; i < b.n; i++) {
        const uint8_t keep = b.d[i];
        b.d[i] ^= 0xA5;
        const pxc_status st = pxc_test_decode(ctx, dec, b.d, b.n, &dp, &out);
        CHECK_MSG(st != PXC_ERROR_INTERNAL, "byte %zu: %s", i, pxc_test_detail);
        pxc_image_destroy(out);
        out = NULL;
        b.d[i] = keep;
    }
}

int main(void)
{
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 2;
    CHECK_OK(pxc_context_create(&cs, &ctx));
    CHECK_OK(pxc_decoder_create(ctx, NULL, &dec));
    if (!ctx || !dec) return pxc_test_summary("test_tiff");

    test_round_trip();
    test_gray_and_formats();
    test_multipage();
    test_orientation();
    test_truncation();
    test_corrupt();

    pxc_decoder_destroy(dec);
    pxc_context_destroy(ctx);
    return pxc_test_summary("test_tiff");
}
