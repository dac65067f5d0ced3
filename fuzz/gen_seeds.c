/* Writes the generated seed corpora of the fuzz targets with the library's own
 * encoders: gen_seeds OUTDIR makes OUTDIR/<target>/ for every target. Decode
 * seeds carry the 4-byte option trailer of fuzz_common.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pixcodec/pixcodec.h>
#include <tiffio.h>
#include <unistd.h>

static const char *outdir;
static int failures;

static void mkdir_p(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        perror(path);
        exit(1);
    }
}

static void write_seed(const char *target, const char *name, const void *a, size_t na, const uint8_t *trailer,
                       size_t nt)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", outdir, target);
    mkdir_p(path);
    snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(a, 1, na, f) != na || (nt && fwrite(trailer, 1, nt, f) != nt) || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

/* trailers: default; u16 + CHW + decode_into + colour off; gray output + fancy + reduce 1 + second decode */
static const uint8_t trailers[3][4] = {{0x03, 0x10, 0x00, 0x80}, {0x2e, 0x12, 0x04, 0x41}, {0x03, 0x3c, 0x05, 0xc3}};

static void make_image(pxc_context *ctx, uint32_t w, uint32_t h, uint32_t ch, pxc_sample_type t, pxc_image **img)
{
    static const pxc_color_spec cs[4] = {PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA, PXC_COLOR_RGB, PXC_COLOR_RGBA};
    pxc_image_desc d;
    pxc_image_desc_init(&d);
    d.width = w;
    d.height = h;
    d.num_channels = ch;
    d.sample_type = t;
    d.color_spec = cs[ch - 1];
    if (pxc_image_create(ctx, &d, NULL, img) != PXC_OK) exit(1);
    const pxc_image_desc *r = pxc_image_get_desc(*img);
    uint8_t *p = pxc_image_data(*img);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w * ch; x++) {
            unsigned v = (x * 7u + y * 13u + ((x / ch + y) & 8u) * 20u) & 0xffu;
            if (t == PXC_SAMPLE_U16) {
                uint16_t s = (uint16_t)(v * 257u ^ (x * 3u));
                memcpy(p + y * r->row_stride + x * 2u, &s, 2);
            } else {
                p[y * r->row_stride + x] = (uint8_t)v;
            }
        }
}

static void seed(pxc_context *ctx, const char *codec, const char *target, const char *name, uint32_t w, uint32_t h,
                 uint32_t ch, pxc_sample_type t, const pxc_encode_params *ep, const char *options, int ntrailers)
{
    pxc_encoder_settings es;
    pxc_encoder *enc = NULL;
    pxc_encoder_default_settings(&es);
    es.options = options;
    if (pxc_encoder_create(ctx, &es, &enc) != PXC_OK) {
        fprintf(stderr, "gen_seeds: encoder(%s): %s\n", options ? options : "", pxc_context_last_error(ctx));
        exit(1);
    }
    pxc_image *img = NULL;
    make_image(ctx, w, h, ch, t, &img);
    void *out = NULL;
    size_t n = 0;
    if (pxc_encode(enc, img, codec, ep, &out, &n) != PXC_OK) {
        fprintf(stderr, "gen_seeds: %s/%s: %s\n", target, name, pxc_encoder_last_error(enc));
        failures++;
    } else {
        for (int i = 0; i < ntrailers; i++) {
            char fname[256];
            snprintf(fname, sizeof(fname), "%s-t%d", name, i);
            write_seed(target, fname, out, n, trailers[i], 4);
            if (i == 0) write_seed("generic", fname, out, n, trailers[i], 4);
        }
    }
    pxc_free(out);
    pxc_image_destroy(img);
    pxc_encoder_destroy(enc);
}

static void enc_seed(const char *name, const uint8_t hdr[10])
{
    uint8_t buf[10 + 64];
    memcpy(buf, hdr, 10);
    for (int i = 0; i < 64; i++) buf[10 + i] = (uint8_t)(i * 37 + (i >> 3) * 11);
    write_seed("encode", name, buf, sizeof(buf), NULL, 0);
    /* the per-encoder targets ignore the codec bits: every header seeds each of them */
    static const char *const encoders[] = {"jpeg", "png", "bmp", "pnm", "jpeg2k", "tiff", "webp"};
    for (size_t i = 0; i < sizeof(encoders) / sizeof(encoders[0]); i++) {
        char target[32];
        snprintf(target, sizeof(target), "encode_%s", encoders[i]);
        write_seed(target, name, buf, sizeof(buf), NULL, 0);
    }
}

/* Writes one TIFF directory of w x h pixels with the given layout, filling the
 * samples with a pattern; tiles when tile > 0. */
static int tiff_page(TIFF *t, uint32_t w, uint32_t h, uint16_t spp, uint16_t bps, uint16_t photometric,
                     uint16_t compression, uint16_t planar, uint32_t tile, int page, int pages)
{
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, spp);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, bps);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, photometric);
    TIFFSetField(t, TIFFTAG_COMPRESSION, compression);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, planar);
    if (compression == COMPRESSION_JPEG) {
        TIFFSetField(t, TIFFTAG_JPEGQUALITY, 60);
        if (photometric == PHOTOMETRIC_YCBCR) TIFFSetField(t, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
    }
    if (pages > 1) {
        TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
        TIFFSetField(t, TIFFTAG_PAGENUMBER, (uint16_t)page, (uint16_t)pages);
    }
    if (photometric == PHOTOMETRIC_PALETTE) {
        uint16_t map[3][256];
        for (int i = 0; i < 256; i++) {
            map[0][i] = (uint16_t)(i * 257);
            map[1][i] = (uint16_t)((255 - i) * 257);
            map[2][i] = (uint16_t)((i * 7 & 255) * 257);
        }
        TIFFSetField(t, TIFFTAG_COLORMAP, map[0], map[1], map[2]);
    }
    if (spp == 4 && photometric == PHOTOMETRIC_RGB) {
        uint16_t extra = EXTRASAMPLE_UNASSALPHA;
        TIFFSetField(t, TIFFTAG_EXTRASAMPLES, 1, &extra);
    }
    if (tile) {
        TIFFSetField(t, TIFFTAG_TILEWIDTH, tile);
        TIFFSetField(t, TIFFTAG_TILELENGTH, tile);
        const tmsize_t n = TIFFTileSize(t);
        uint8_t *buf = malloc((size_t)n);
        if (!buf) return -1;
        for (uint16_t sp = 0; sp < (planar == PLANARCONFIG_SEPARATE ? spp : 1); sp++)
            for (uint32_t y = 0; y < h; y += tile)
                for (uint32_t x = 0; x < w; x += tile) {
                    for (tmsize_t i = 0; i < n; i++) buf[i] = (uint8_t)(i * 3 + x + y * 5 + sp * 60 + page * 17);
                    if (TIFFWriteTile(t, buf, x, y, 0, sp) < 0) { free(buf); return -1; }
                }
        free(buf);
    } else {
        TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, compression == COMPRESSION_JPEG ? 16u : 3u);
        const tmsize_t n = TIFFScanlineSize(t);
        uint8_t *buf = malloc((size_t)n);
        if (!buf) return -1;
        for (uint16_t sp = 0; sp < (planar == PLANARCONFIG_SEPARATE ? spp : 1); sp++)
            for (uint32_t y = 0; y < h; y++) {
                for (tmsize_t i = 0; i < n; i++) buf[i] = (uint8_t)(i * 5 + y * 3 + sp * 40 + page * 9);
                if (TIFFWriteScanline(t, buf, y, sp) < 0) { free(buf); return -1; }
            }
        free(buf);
    }
    return TIFFWriteDirectory(t) ? 0 : -1;
}

/* TIFF layouts the library's encoder does not write (tiles, pages, JPEG,
 * planar, palette, bilevel), written with libtiff, read back and stored as
 * seeds of the tiff target. */
static void tiff_seeds(void)
{
    static const struct {
        const char *name;
        uint32_t w, h;
        uint16_t spp, bps, photometric, compression, planar;
        uint32_t tile;
        int pages;
    } v[] = {
        {"tiled-rgb-deflate", 40, 24, 3, 8, PHOTOMETRIC_RGB, COMPRESSION_ADOBE_DEFLATE, PLANARCONFIG_CONTIG, 16, 1},
        {"tiled-planar-rgba16", 20, 20, 4, 16, PHOTOMETRIC_RGB, COMPRESSION_LZW, PLANARCONFIG_SEPARATE, 16, 1},
        {"pages3-gray", 9, 7, 1, 8, PHOTOMETRIC_MINISBLACK, COMPRESSION_PACKBITS, PLANARCONFIG_CONTIG, 0, 3},
        {"jpeg-ycbcr", 32, 32, 3, 8, PHOTOMETRIC_YCBCR, COMPRESSION_JPEG, PLANARCONFIG_CONTIG, 0, 1},
        {"jpeg-gray-tiled", 32, 16, 1, 8, PHOTOMETRIC_MINISBLACK, COMPRESSION_JPEG, PLANARCONFIG_CONTIG, 16, 1},
        {"planar-rgb", 11, 5, 3, 8, PHOTOMETRIC_RGB, COMPRESSION_NONE, PLANARCONFIG_SEPARATE, 0, 1},
        {"palette8", 10, 6, 1, 8, PHOTOMETRIC_PALETTE, COMPRESSION_LZW, PLANARCONFIG_CONTIG, 0, 1},
        {"palette4", 10, 6, 1, 4, PHOTOMETRIC_PALETTE, COMPRESSION_NONE, PLANARCONFIG_CONTIG, 0, 1},
        {"bilevel-miniswhite", 19, 4, 1, 1, PHOTOMETRIC_MINISWHITE, COMPRESSION_CCITTFAX4, PLANARCONFIG_CONTIG, 0, 1},
        {"cmyk", 6, 6, 4, 8, PHOTOMETRIC_SEPARATED, COMPRESSION_NONE, PLANARCONFIG_CONTIG, 0, 1},
    };
    char path[1024];
    snprintf(path, sizeof(path), "%s/tiff-seed.tmp", outdir);
    TIFFSetWarningHandler(NULL);
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        TIFF *t = TIFFOpen(path, "w");
        int ok = t != NULL;
        for (int pg = 0; ok && pg < v[i].pages; pg++)
            ok = tiff_page(t, v[i].w, v[i].h, v[i].spp, v[i].bps, v[i].photometric, v[i].compression, v[i].planar,
                           v[i].tile, pg, v[i].pages) == 0;
        if (t) TIFFClose(t);
        FILE *f = ok ? fopen(path, "rb") : NULL;
        uint8_t buf[1 << 16];
        size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
        if (f) fclose(f);
        unlink(path);
        if (!ok || n == 0 || n == sizeof(buf)) {
            fprintf(stderr, "gen_seeds: tiff/%s could not be written\n", v[i].name);
            failures++;
            continue;
        }
        for (int k = 0; k < 3; k++) {
            char name[64];
            snprintf(name, sizeof(name), "%s-t%d", v[i].name, k);
            write_seed("tiff", name, buf, n, trailers[k], 4);
        }
        /* the pages seed also with image_index 1 and 2 */
        if (v[i].pages > 1) {
            uint8_t t1[4] = {0x43, 0x10, 0x00, 0x80}, t2[4] = {0x83, 0x10, 0x00, 0x80};
            write_seed("tiff", "pages3-gray-page1", buf, n, t1, 4);
            write_seed("tiff", "pages3-gray-page2", buf, n, t2, 4);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_seeds OUTDIR\n");
        return 2;
    }
    outdir = argv[1];
    mkdir_p(outdir);
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 1;
    pxc_context *ctx = NULL;
    if (pxc_context_create(&cs, &ctx) != PXC_OK) return 1;
    pxc_encode_params ep;
    const pxc_sample_type U8 = PXC_SAMPLE_U8, U16 = PXC_SAMPLE_U16;

    /* jpeg */
    pxc_encode_params_default(&ep);
    ep.quality = 75;
    seed(ctx, "jpeg", "jpeg", "rgb444", 33, 17, 3, U8, &ep, NULL, 3);
    ep.chroma_subsampling = PXC_CSS_420;
    seed(ctx, "jpeg", "jpeg", "rgb420", 40, 24, 3, U8, &ep, NULL, 3);
    ep.chroma_subsampling = PXC_CSS_422;
    ep.jpeg_progressive = 1;
    seed(ctx, "jpeg", "jpeg", "rgb422-progressive", 31, 19, 3, U8, &ep, NULL, 2);
    ep.chroma_subsampling = PXC_CSS_411;
    ep.jpeg_progressive = 0;
    ep.jpeg_optimized_huffman = 1;
    seed(ctx, "jpeg", "jpeg", "rgb411-opt", 48, 16, 3, U8, &ep, NULL, 1);
    pxc_encode_params_default(&ep);
    ep.chroma_subsampling = PXC_CSS_GRAY;
    seed(ctx, "jpeg", "jpeg", "gray", 20, 20, 1, U8, &ep, NULL, 2);

    /* png */
    pxc_encode_params_default(&ep);
    seed(ctx, "png", "png", "gray8", 17, 9, 1, U8, &ep, NULL, 2);
    seed(ctx, "png", "png", "ga8", 9, 17, 2, U8, &ep, NULL, 1);
    seed(ctx, "png", "png", "rgb8", 16, 16, 3, U8, &ep, "png:compression_level=1", 3);
    seed(ctx, "png", "png", "rgba16", 11, 7, 4, U16, &ep, NULL, 2);
    seed(ctx, "png", "png", "gray16", 7, 5, 1, U16, &ep, "png:compression_level=9", 1);

    /* bmp */
    seed(ctx, "bmp", "bmp", "rgb24", 13, 7, 3, U8, &ep, NULL, 3);
    seed(ctx, "bmp", "bmp", "rgba32", 8, 8, 4, U8, &ep, NULL, 2);

    /* pnm */
    seed(ctx, "pnm", "pnm", "p5", 10, 6, 1, U8, &ep, NULL, 2);
    seed(ctx, "pnm", "pnm", "p6", 10, 6, 3, U8, &ep, NULL, 2);
    seed(ctx, "pnm", "pnm", "p6-16", 5, 4, 3, U16, &ep, NULL, 1);
    seed(ctx, "pnm", "pnm", "p7-rgba", 6, 5, 4, U8, &ep, NULL, 1);
    seed(ctx, "pnm", "pnm", "p7-ga", 6, 5, 2, U8, &ep, NULL, 1);
    {
        static const char p1[] = "P1\n# c\n4 3\n0 1 0 1\n1 0 1 0\n0 0 1 1\n";
        static const char p2[] = "P2\n3 2\n1000\n0 500 1000\n7 8 9\n";
        static const char p3[] = "P3\n2 2\n255\n255 0 0  0 255 0\n0 0 255  1 2 3\n";
        static const uint8_t p4[] = "P4\n9 2\n\xff\x80\x00\x00";
        write_seed("pnm", "p1-t0", p1, sizeof(p1) - 1, trailers[0], 4);
        write_seed("pnm", "p2-t0", p2, sizeof(p2) - 1, trailers[0], 4);
        write_seed("pnm", "p3-t0", p3, sizeof(p3) - 1, trailers[0], 4);
        write_seed("pnm", "p4-t0", p4, sizeof(p4) - 1, trailers[0], 4);
    }

    /* jpeg2k */
    pxc_encode_params_default(&ep);
    seed(ctx, "jpeg2k", "jpeg2k", "jp2-rgb", 24, 16, 3, U8, &ep, NULL, 3);
    ep.jpeg2k_bitstream_type = PXC_JPEG2K_J2K;
    ep.jpeg2k_reversible = 1;
    ep.jpeg2k_num_resolutions = 3;
    ep.jpeg2k_code_block_width = 16;
    ep.jpeg2k_code_block_height = 16;
    seed(ctx, "jpeg2k", "jpeg2k", "j2k-gray-rev", 20, 12, 1, U8, &ep, NULL, 2);
    ep.jpeg2k_prog_order = PXC_JPEG2K_LRCP;
    ep.mct_mode = PXC_MCT_YCC;
    seed(ctx, "jpeg2k", "jpeg2k", "j2k-rgba16", 9, 9, 4, U16, &ep, NULL, 2);
    ep.jpeg2k_bitstream_type = PXC_JPEG2K_JP2;
    ep.jpeg2k_reversible = 0;
    ep.quality = 40;
    seed(ctx, "jpeg2k", "jpeg2k", "jp2-ga-q40", 15, 10, 2, U8, &ep, NULL, 1);

    /* tiff */
    pxc_encode_params_default(&ep);
    seed(ctx, "tiff", "tiff", "rgb-lzw", 12, 8, 3, U8, &ep, NULL, 3);
    seed(ctx, "tiff", "tiff", "gray-none", 12, 8, 1, U8, &ep, "tiff:compression=0", 2);
    seed(ctx, "tiff", "tiff", "rgba16-deflate", 7, 5, 4, U16, &ep, "tiff:compression=2", 2);
    seed(ctx, "tiff", "tiff", "ga8", 6, 6, 2, U8, &ep, NULL, 1);
    tiff_seeds();

    /* webp */
    pxc_encode_params_default(&ep);
    ep.quality = 60;
    seed(ctx, "webp", "webp", "lossy-rgb", 20, 14, 3, U8, &ep, NULL, 3);
    seed(ctx, "webp", "webp", "lossy-rgba", 16, 16, 4, U8, &ep, NULL, 2);
    seed(ctx, "webp", "webp", "lossless-rgba", 10, 10, 4, U8, &ep, "webp:lossless=1", 2);
    seed(ctx, "webp", "webp", "lossless-rgb", 9, 13, 3, U8, &ep, "webp:lossless=1 webp:method=0", 1);

    /* encode target: h0..h9 (see fuzz_encode.c) + pixels */
    {
        static const uint8_t hdrs[][10] = {
            {0, 15, 11, 2, 80, 2, 0x1b, 0x05, 0x00, 0x00},       /* jpeg rgb 420 */
            {0, 8, 8, 0, 50, 0x16, 0x1b, 0x05, 0x00, 0x00},      /* jpeg gray progressive */
            {1, 9, 4, 3, 0, 0, 0, 0, 0x06, 0},                   /* png rgba */
            {1, 5, 5, 0x04 | 0x58, 0, 0, 0, 0, 0x09, 0},         /* png gray u16, 12-bit */
            {2, 7, 3, 2, 0, 0, 0, 0, 0, 0},                      /* bmp rgb */
            {0x12, 6, 6, 3, 0, 0, 0, 0, 0, 0},                   /* bmp bgra */
            {3, 4, 4, 1, 0, 0, 0, 0, 0, 0},                      /* pnm ga */
            {3, 5, 3, 6, 0, 0, 0, 0, 0, 0},                      /* pnm rgb u16 */
            {4, 16, 16, 2, 95, 0x40, 0x09, 0x02, 0, 30},         /* j2k reversible rgb */
            {4, 10, 7, 7, 70, 0x80, 0x12, 0x2c, 0, 10},          /* jp2 rgba u16 */
            {5, 9, 9, 2, 0, 0, 0, 0, 0x10, 0},                   /* tiff rgb lzw */
            {0x0d, 6, 5, 5, 0, 0, 0, 0, 0x20, 0},                /* tiff ga u16 deflate, CHW source */
            {6, 12, 12, 2, 75, 0, 0, 0, 0, 0x80},                /* webp lossy rgb */
            {6, 8, 8, 3, 100, 0, 0, 0, 0x40, 0},                 /* webp lossless rgba */
        };
        for (size_t i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
            char name[32];
            snprintf(name, sizeof(name), "enc-%02zu", i);
            enc_seed(name, hdrs[i]);
        }
    }
    pxc_context_destroy(ctx);
    if (failures) fprintf(stderr, "gen_seeds: %d seed(s) could not be encoded\n", failures);
    return 0;
}
