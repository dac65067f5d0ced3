/*
 * JPEG through the public API: truncation at every length, byte corruption,
 * YCCK and CMYK streams written with libjpeg directly (no tool writes YCCK),
 * compared with libjpeg's own decode of the same stream.
 */
#include <stdint.h>
#include <stdio.h>

#include <jpeglib.h>

#include "test.h"

static pxc_context *ctx;
static pxc_decoder *dec;

static pxc_status decode_bytes(const void *data, size_t n, const pxc_decode_params *p, pxc_image **out)
{
    return pxc_test_decode(ctx, dec, data, n, p, out);
}

/* Writes a 4-component JPEG (CMYK input stored as CMYK or YCCK) with libjpeg. */
static unsigned char *write_four_component(J_COLOR_SPACE stored, const uint8_t *cmyk, int w, int h,
                                           unsigned long *size)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    jpeg_mem_dest(&c, &out, size);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = 4;
    c.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&c);
    jpeg_set_colorspace(&c, stored);
    jpeg_set_quality(&c, 95, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = (JSAMPROW)(cmyk + (size_t)c.next_scanline * (size_t)w * 4);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    return out;
}

/* libjpeg's own CMYK decode of a stream. */
static uint8_t *reference_cmyk(const unsigned char *data, unsigned long n, int *w, int *h)
{
    struct jpeg_decompress_struct d;
    struct jpeg_error_mgr jerr;
    d.err = jpeg_std_error(&jerr);
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, data, n);
    jpeg_read_header(&d, TRUE);
    d.out_color_space = JCS_CMYK;
    d.do_fancy_upsampling = FALSE;
    jpeg_start_decompress(&d);
    *w = (int)d.output_width;
    *h = (int)d.output_height;
    uint8_t *px = malloc((size_t)*w * (size_t)*h * 4);
    while (d.output_scanline < d.output_height) {
        JSAMPROW row = px + (size_t)d.output_scanline * (size_t)*w * 4;
        jpeg_read_scanlines(&d, &row, 1);
    }
    jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    return px;
}

static void test_four_component(void)
{
    const int w = 37, h = 21;
    uint8_t *cmyk = malloc((size_t)w * h * 4);
    for (int i = 0; i < w * h * 4; i++) cmyk[i] = (uint8_t)((i * 37) ^ (i >> 3));
    const J_COLOR_SPACE spaces[] = {JCS_CMYK, JCS_YCCK};
    for (int k = 0; k < 2; k++) {
        unsigned long n = 0;
        unsigned char *jpg = write_four_component(spaces[k], cmyk, w, h, &n);
        pxc_code_stream *st = NULL;
        CHECK_OK(pxc_code_stream_from_memory(ctx, jpg, n, PXC_MEMORY_BORROW, &st));
        pxc_image_info info = {.struct_size = sizeof(info)};
        CHECK_OK(pxc_code_stream_get_info(st, &info));
        CHECK(info.num_channels == 4);
        CHECK(info.color_spec == (k == 0 ? PXC_COLOR_CMYK : PXC_COLOR_YCCK));
        pxc_code_stream_destroy(st);

        int rw, rh;
        uint8_t *ref = reference_cmyk(jpg, n, &rw, &rh);
        /* colour conversion off: 4 channels, equal to libjpeg's CMYK output */
        pxc_decode_params p;
        pxc_decode_params_default(&p);
        p.enable_color_conversion = 0;
        pxc_image *img = NULL;
        CHECK_OK(decode_bytes(jpg, n, &p, &img));
        CHECK(img && pxc_image_get_desc(img)->num_channels == 4);
        CHECK(img && pxc_image_get_desc(img)->color_spec == PXC_COLOR_CMYK);
        CHECK(img && memcmp(pxc_image_data(img), ref, (size_t)w * h * 4) == 0);
        pxc_image_destroy(img);
        /* converted: RGB = C * K / 255 on the stored (Adobe, inverted) values */
        p.enable_color_conversion = 1;
        CHECK_OK(decode_bytes(jpg, n, &p, &img));
        int exact = 1;
        const uint8_t *rgb = img ? pxc_image_data(img) : NULL;
        for (int i = 0; rgb && i < w * h; i++)
            for (int c = 0; c < 3; c++)
                exact &= rgb[i * 3 + c] == (uint8_t)((ref[i * 4 + c] * ref[i * 4 + 3] + 127) / 255);
        CHECK(exact);
        pxc_image_destroy(img);
        free(ref);
        free(jpg);
    }
    free(cmyk);
}

/* Every prefix of a valid stream fails cleanly (or, for the full stream, succeeds). */
static void test_truncation(const char *label, const void *data, size_t n)
{
    int wrong = 0;
    for (size_t len = 0; len < n; len++) {
        pxc_image *img = NULL;
        pxc_status s = decode_bytes(data, len, NULL, &img);
        /* a cut in the last 2 bytes only loses the EOI marker: libjpeg has every pixel then */
        if (s == PXC_OK && len < n - 2) {
            wrong++;
            fprintf(stderr, "%s: prefix of %zu / %zu bytes decoded without error\n", label, len, n);
        }
        if (s != PXC_OK && img) wrong++;
        pxc_image_destroy(img);
    }
    CHECK_MSG(wrong == 0, "%s: %d prefixes misbehaved", label, wrong);
    pxc_image *img = NULL;
    CHECK_OK(decode_bytes(data, n, NULL, &img));
    pxc_image_destroy(img);
}

/* Flipping any single byte never crashes, and a failure never leaves an image. */
static void test_corruption(const uint8_t *data, size_t n)
{
    uint8_t *copy = malloc(n);
    int bad = 0, errors = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(copy, data, n);
        copy[i] ^= 0x5A;
        pxc_image *img = NULL;
        pxc_status s = decode_bytes(copy, n, NULL, &img);
        if (s != PXC_OK) errors++;
        if (s != PXC_OK && img) bad++;
        pxc_image_destroy(img);
    }
    CHECK(bad == 0);
    CHECK(errors > 0);
    free(copy);
}

static void *encode(uint32_t w, uint32_t h, int progressive, pxc_chroma_subsampling css, size_t *n)
{
    pxc_image_desc d;
    pxc_image_desc_init(&d);
    d.width = w;
    d.height = h;
    d.num_channels = 3;
    d.color_spec = PXC_COLOR_RGB;
    pxc_image *img = NULL;
    CHECK_OK(pxc_image_create(ctx, &d, NULL, &img));
    uint8_t *p = pxc_image_data(img);
    for (size_t i = 0; i < pxc_image_size_bytes(img); i++) p[i] = (uint8_t)(i * 13 + i / 50);
    pxc_encoder *enc = NULL;
    CHECK_OK(pxc_encoder_create(ctx, NULL, &enc));
    pxc_encode_params ep;
    pxc_encode_params_default(&ep);
    ep.jpeg_progressive = progressive;
    ep.chroma_subsampling = css;
    void *out = NULL;
    CHECK_OK(pxc_encode(enc, img, "jpeg", &ep, &out, n));
    pxc_encoder_destroy(enc);
    pxc_image_destroy(img);
    return out;
}

typedef struct log_capture {
    int warnings;
    char last[512];
} log_capture;

static void on_log(void *user, pxc_log_level level, const char *message)
{
    log_capture *c = user;
    if (level == PXC_LOG_WARNING) c->warnings++;
    snprintf(c->last, sizeof(c->last), "%s", message);
}

/* Corrupt entropy data: an error by default; with jpeg:strict=0 a logged warning and an image. */
static void test_strict_and_log(const uint8_t *data, size_t n)
{
    uint8_t *bad = malloc(n);
    memcpy(bad, data, n);
    size_t sos = 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (data[i] == 0xFF && data[i + 1] == 0xDA) sos = i;
    CHECK(sos > 0 && sos + 200 < n);
    /* Stuffed 0xFF bytes (all-ones bits are no Huffman code) near the end of the data:
     * libjpeg-turbo reports bad codes from its careful path, which it takes for the last
     * bytes of a stream; its fast path substitutes zero without a warning, so JPEG damage
     * far from the end is not always detectable (JPEG has no checksums). */
    for (size_t i = n - 120; i + 1 < n - 56; i += 2) {
        bad[i] = 0xFF;
        bad[i + 1] = 0x00;
    }
    pxc_image *img = NULL;
    CHECK_STATUS(decode_bytes(bad, n, NULL, &img), PXC_ERROR_CORRUPT_DATA);
    CHECK(strstr(pxc_decoder_last_error(dec), "Huffman") != NULL);

    log_capture cap = {0};
    pxc_context_settings s;
    pxc_context_default_settings(&s);
    s.num_threads = 1;
    s.log_callback = on_log;
    s.log_user_data = &cap;
    pxc_context *lctx = NULL;
    CHECK_OK(pxc_context_create(&s, &lctx));
    pxc_decoder_settings ds;
    pxc_decoder_default_settings(&ds);
    ds.options = "jpeg:strict=0";
    pxc_decoder *ldec = NULL;
    CHECK_OK(pxc_decoder_create(lctx, &ds, &ldec));
    pxc_code_stream *st = NULL;
    CHECK_OK(pxc_code_stream_from_memory(lctx, bad, n, PXC_MEMORY_BORROW, &st));
    CHECK_OK(pxc_decode(ldec, st, NULL, &img));
    CHECK(cap.warnings >= 1);
    CHECK(strstr(cap.last, "jpeg:") != NULL);
    pxc_image_destroy(img);
    pxc_code_stream_destroy(st);
    pxc_decoder_destroy(ldec);
    pxc_context_destroy(lctx);
    free(bad);
}

int main(void)
{
    pxc_context_settings s;
    pxc_context_default_settings(&s);
    s.num_threads = 1;
    CHECK_OK(pxc_context_create(&s, &ctx));
    CHECK_OK(pxc_decoder_create(ctx, NULL, &dec));

    test_four_component();
    size_t n;
    void *big = encode(64, 48, 0, PXC_CSS_420, &n);
    test_strict_and_log(big, n);
    pxc_free(big);
    void *base = encode(24, 16, 0, PXC_CSS_420, &n);
    test_truncation("baseline 4:2:0", base, n);
    test_corruption(base, n);
    pxc_free(base);
    void *prog = encode(24, 16, 1, PXC_CSS_422, &n);
    test_truncation("progressive 4:2:2", prog, n);
    test_corruption(prog, n);
    pxc_free(prog);

    pxc_decoder_destroy(dec);
    pxc_context_destroy(ctx);
    return pxc_test_summary("test_jpeg");
}
