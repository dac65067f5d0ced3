/* Encoder targets: the input picks an image and the encode parameters, the
 * image is encoded and the result decoded back. An encode that succeeds but
 * whose output the library cannot decode, or whose size changed, is reported
 * as a crash; so is a lossless encode (PNG, PNM, TIFF, BMP and lossless WebP
 * of 8-bit images, reversible JPEG 2000) that does not decode to exactly the
 * source samples.
 *
 * Built once per encoder (PXC_FUZZ_ENCODER = "jpeg", ...: fuzz_encode_<codec>,
 * the codec bits of h0 ignored) and once for all of them (fuzz_encode, h0
 * picks the codec).
 *
 * Input: [h0 .. h9][pixel bytes, repeated to fill the image]
 *   h0: codec (jpeg png bmp pnm jpeg2k tiff webp), bit3 CHW source, bit4 BGR/BGRA colour
 *   h1, h2: width, height 1..48
 *   h3: bits0-1 channels-1, bit2 u16, bits3-7 precision (u16 only, 0 = 16)
 *   h4: quality 0..100
 *   h5: bits0-3 chroma subsampling, bit4 progressive, bit5 optimised Huffman,
 *       bit6 jpeg2k reversible, bit7 MCT YCC
 *   h6: jpeg2k code block width/height exponents (4 << 0..7 each)
 *   h7: bits0-2 jpeg2k resolutions 1..8, bit3 J2K/JP2, bits4-7 progression order
 *   h8: png compression level, tiff compression, webp lossless
 *   h9: webp method, target PSNR
 */
#include "fuzz_common.h"

#define HDR 10

#ifndef PXC_FUZZ_ENCODER
static const char *const codecs[7] = {"jpeg", "png", "bmp", "pnm", "jpeg2k", "tiff", "webp"};
#endif

/* Whether this encode is meant to keep every sample exactly. */
static int is_lossless(const char *codec, const pxc_image_desc *d, const pxc_encode_params *ep, uint8_t h8)
{
    const int u8 = d->sample_type == PXC_SAMPLE_U8;
    if (!strcmp(codec, "png") || !strcmp(codec, "pnm") || !strcmp(codec, "tiff")) return 1;
    if (!strcmp(codec, "bmp")) return u8;
    if (!strcmp(codec, "webp")) return u8 && ((h8 >> 6) & 1);
    if (!strcmp(codec, "jpeg2k")) return ep->jpeg2k_reversible;
    return 0;
}

/* Compares two images of the same description row by row (strides may differ). */
static int same_samples(const pxc_image *a, const pxc_image *b)
{
    const pxc_image_desc *da = pxc_image_get_desc(a), *db = pxc_image_get_desc(b);
    if (da->width != db->width || da->height != db->height || da->num_channels != db->num_channels ||
        da->sample_type != db->sample_type || da->layout != db->layout)
        return 0;
    const int chw = da->layout == PXC_LAYOUT_CHW;
    const size_t row = (size_t)da->width * (chw ? 1 : da->num_channels) * (da->sample_type == PXC_SAMPLE_U16 ? 2 : 1);
    const uint8_t *pa = (const uint8_t *)pxc_image_data(a), *pb = (const uint8_t *)pxc_image_data(b);
    for (uint32_t c = 0; c < (chw ? da->num_channels : 1u); c++)
        for (uint32_t y = 0; y < da->height; y++)
            if (memcmp(pa + c * da->plane_stride + y * da->row_stride, pb + c * db->plane_stride + y * db->row_stride,
                       row) != 0)
                return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HDR) return 0;
    const uint8_t *h = data;
    pxc_context *ctx = pxc_fuzz_context();
#ifdef PXC_FUZZ_ENCODER
    const char *codec = PXC_FUZZ_ENCODER;
#else
    const char *codec = codecs[(h[0] & 7) % 7];
#endif

    pxc_image_desc desc;
    pxc_image_desc_init(&desc);
    desc.width = 1u + h[1] % 48u;
    desc.height = 1u + h[2] % 48u;
    desc.num_channels = 1u + (h[3] & 3u);
    desc.sample_type = (h[3] & 4) ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
    if (desc.sample_type == PXC_SAMPLE_U16 && (h[3] >> 3) != 0) desc.precision = 1u + ((h[3] >> 3) & 15u);
    desc.layout = (h[0] & 8) ? PXC_LAYOUT_CHW : PXC_LAYOUT_HWC;
    static const pxc_color_spec by_channels[2][4] = {
        {PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA, PXC_COLOR_RGB, PXC_COLOR_RGBA},
        {PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA, PXC_COLOR_BGR, PXC_COLOR_BGRA}};
    desc.color_spec = by_channels[(h[0] >> 4) & 1][desc.num_channels - 1];

    pxc_image *img = NULL;
    if (pxc_image_create(ctx, &desc, NULL, &img) != PXC_OK) return 0;
    {
        uint8_t *px = (uint8_t *)pxc_image_data(img);
        size_t n = pxc_image_size_bytes(img), plen = size - HDR;
        for (size_t i = 0; i < n; i++) px[i] = plen ? data[HDR + i % plen] : (uint8_t)i;
        if (desc.sample_type == PXC_SAMPLE_U16 && desc.precision && desc.precision < 16) {
            /* p significant bits: samples span the whole 16-bit range, a p-bit value v
               stored as round(v * 65535 / (2^p - 1)), as the decoders return them */
            uint16_t *s = (uint16_t *)px;
            const uint32_t maxv = (1u << desc.precision) - 1u;
            for (size_t i = 0; i < n / 2; i++)
                s[i] = (uint16_t)(((s[i] & maxv) * 65535u * 2u + maxv) / (2u * maxv));
        }
    }

    pxc_encode_params ep;
    pxc_encode_params_default(&ep);
    ep.quality = (float)(h[4] % 101);
    ep.chroma_subsampling = (pxc_chroma_subsampling)((h[5] & 15) % 9);
    ep.jpeg_progressive = (h[5] >> 4) & 1;
    ep.jpeg_optimized_huffman = (h[5] >> 5) & 1;
    ep.jpeg2k_reversible = (h[5] >> 6) & 1;
    ep.mct_mode = (h[5] & 0x80) ? PXC_MCT_YCC : PXC_MCT_RGB;
    ep.jpeg2k_code_block_width = 4 << (h[6] & 7);
    ep.jpeg2k_code_block_height = 4 << ((h[6] >> 3) & 7);
    ep.jpeg2k_num_resolutions = 1 + (h[7] & 7);
    ep.jpeg2k_bitstream_type = (h[7] & 8) ? PXC_JPEG2K_JP2 : PXC_JPEG2K_J2K;
    ep.jpeg2k_prog_order = (pxc_jpeg2k_prog_order)((h[7] >> 4) % 5);
    ep.target_psnr = (float)(20 + h[9] % 61);

    char options[128];
    snprintf(options, sizeof(options), "png:compression_level=%d tiff:compression=%d webp:lossless=%d webp:method=%d",
             h[8] % 10, (h[8] >> 4) % 3, (h[8] >> 6) & 1, (h[9] >> 5) % 7);
    pxc_encoder_settings es;
    pxc_encoder_default_settings(&es);
    es.options = options;
    pxc_encoder *enc = NULL;
    if (pxc_encoder_create(ctx, &es, &enc) != PXC_OK) {
        fprintf(stderr, "fuzz: encoder_create(\"%s\"): %s\n", options, pxc_context_last_error(ctx));
        abort();
    }

    void *out = NULL;
    size_t out_size = 0;
    if (pxc_encode(enc, img, codec, &ep, &out, &out_size) == PXC_OK) {
        pxc_code_stream *st = NULL;
        if (pxc_code_stream_from_memory(ctx, out, out_size, PXC_MEMORY_COPY, &st) != PXC_OK) abort();
        pxc_decoder *dec = pxc_fuzz_decoder(NULL);
        pxc_decode_params dp;
        pxc_decode_params_default(&dp);
        dp.color_spec = desc.color_spec; /* the source's own colour, type and layout */
        dp.sample_type = desc.sample_type;
        dp.layout = desc.layout;
        pxc_image *back = NULL;
        pxc_status s = pxc_decode(dec, st, &dp, &back);
        if (s != PXC_OK) {
            fprintf(stderr, "fuzz: %s encode of %ux%u, %u channel(s), %s succeeded but its output does not decode: %s\n",
                    codec, desc.width, desc.height, desc.num_channels,
                    desc.sample_type == PXC_SAMPLE_U16 ? "u16" : "u8", pxc_decoder_last_error(dec));
            abort();
        }
        const pxc_image_desc *bd = pxc_image_get_desc(back);
        if (bd->width != desc.width || bd->height != desc.height) {
            fprintf(stderr, "fuzz: %s round trip changed the size %ux%u -> %ux%u\n", codec, desc.width, desc.height,
                    bd->width, bd->height);
            abort();
        }
        pxc_fuzz_consume(back);
        if (is_lossless(codec, &desc, &ep, h[8]) && !same_samples(img, back)) {
            fprintf(stderr, "fuzz: lossless %s round trip of %ux%u, %u channel(s), %s%s changed the samples\n", codec,
                    desc.width, desc.height, desc.num_channels, desc.sample_type == PXC_SAMPLE_U16 ? "u16" : "u8",
                    desc.layout == PXC_LAYOUT_CHW ? ", CHW" : "");
            abort();
        }
        pxc_image_destroy(back);
        pxc_decoder_destroy(dec);
        pxc_code_stream_destroy(st);
    }
    pxc_free(out);
    pxc_encoder_destroy(enc);
    pxc_image_destroy(img);
    return 0;
}
