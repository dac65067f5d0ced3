/* Shared helpers of the fuzz targets: one context with modest limits, and
 * decode parameters / decoder options taken from the trailing bytes of an input.
 *
 * Decode targets read their input as   [code stream][t0 t1 t2 t3]
 *   t0: bit0 colour conversion, bit1 EXIF orientation, bit2 u16, bit3 CHW,
 *       bit4 allow_any_depth, bit5 decode_into (output_desc + own image),
 *       bits6-7 image_index 0..3
 *   t1: bits0-2 output colour (rgb bgr rgba bgra gray gray_alpha), bit3
 *       jpeg:fancy_upsampling, bit4 jpeg:strict, bits5-7 jpeg2k:reduce 0..7
 *   t2: bits0-1 jpeg:max_scans (default, 1, 8, 100); the rest is target-specific
 *   t3: target-specific (the generic target's batch split)
 * Inputs shorter than the trailer decode with default parameters.
 */
#ifndef PXC_FUZZ_COMMON_H
#define PXC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pixcodec/pixcodec.h>

#define PXC_FUZZ_TRAILER 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One context for the whole process: 1 thread, 4 Mpixel, 256 MiB per image. */
static inline pxc_context *pxc_fuzz_context(void)
{
    static pxc_context *ctx;
    if (!ctx) {
        pxc_context_settings s;
        pxc_context_default_settings(&s);
        s.num_threads = 1;
        s.max_pixels = (uint64_t)4 << 20;
        s.max_bytes_per_image = (uint64_t)256 << 20;
        s.image_cache_bytes = 0;
        if (pxc_context_create(&s, &ctx) != PXC_OK) {
            fprintf(stderr, "fuzz: cannot create the context\n");
            abort();
        }
    }
    return ctx;
}

typedef struct pxc_fuzz_opts {
    pxc_decode_params params;
    int decode_into;
    char options[160];
    uint8_t t2, t3;
} pxc_fuzz_opts;

/* Splits the trailer off *size and fills @p o from it. */
static inline void pxc_fuzz_take_trailer(const uint8_t *data, size_t *size, pxc_fuzz_opts *o)
{
    static const pxc_color_spec colors[8] = {PXC_COLOR_RGB,  PXC_COLOR_BGR,  PXC_COLOR_RGBA,
                                             PXC_COLOR_BGRA, PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA,
                                             PXC_COLOR_RGB,  PXC_COLOR_RGBA};
    static const int scans[4] = {0, 1, 8, 100};
    uint8_t t0 = 0x03, t1 = 0x10, t2 = 0, t3 = 0;
    memset(o, 0, sizeof(*o));
    if (*size >= PXC_FUZZ_TRAILER) {
        const uint8_t *t = data + *size - PXC_FUZZ_TRAILER;
        t0 = t[0]; t1 = t[1]; t2 = t[2]; t3 = t[3];
        *size -= PXC_FUZZ_TRAILER;
    }
    pxc_decode_params_default(&o->params);
    o->params.enable_color_conversion = t0 & 1;
    o->params.apply_exif_orientation = (t0 >> 1) & 1;
    o->params.sample_type = (t0 & 4) ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
    o->params.layout = (t0 & 8) ? PXC_LAYOUT_CHW : PXC_LAYOUT_HWC;
    o->params.allow_any_depth = (t0 >> 4) & 1;
    o->decode_into = (t0 >> 5) & 1;
    o->params.image_index = t0 >> 6;
    o->params.color_spec = colors[t1 & 7];
    int n = snprintf(o->options, sizeof(o->options), "jpeg:fancy_upsampling=%d jpeg:strict=%d jpeg2k:reduce=%d",
                     (t1 >> 3) & 1, (t1 >> 4) & 1, t1 >> 5);
    if (scans[t2 & 3] && n > 0 && (size_t)n < sizeof(o->options))
        snprintf(o->options + n, sizeof(o->options) - (size_t)n, " jpeg:max_scans=%d", scans[t2 & 3]);
    o->t2 = t2;
    o->t3 = t3;
}

static inline pxc_decoder *pxc_fuzz_decoder(const char *options)
{
    pxc_decoder_settings ds;
    pxc_decoder *dec = NULL;
    pxc_decoder_default_settings(&ds);
    ds.options = options;
    if (pxc_decoder_create(pxc_fuzz_context(), &ds, &dec) != PXC_OK) {
        fprintf(stderr, "fuzz: decoder_create(\"%s\"): %s\n", options ? options : "(default)", pxc_context_last_error(pxc_fuzz_context()));
        abort();
    }
    return dec;
}

/* Touches every byte of a decoded image so that uninitialised or short buffers show up. */
static inline void pxc_fuzz_consume(const pxc_image *img)
{
    const volatile uint8_t *p = (const volatile uint8_t *)pxc_image_data(img);
    size_t n = pxc_image_size_bytes(img);
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++) acc ^= p[i];
    (void)acc;
}

/* Decodes one stream with the given options, through pxc_decode or pxc_decode_into. */
static inline void pxc_fuzz_decode_stream(pxc_decoder *dec, pxc_code_stream *st, const pxc_fuzz_opts *o)
{
    if (o->decode_into) {
        pxc_image_desc desc;
        pxc_image_desc_init(&desc);
        if (pxc_decoder_output_desc(dec, st, &o->params, &desc) != PXC_OK) return;
        pxc_image *img = NULL;
        if (pxc_image_create(pxc_fuzz_context(), &desc, NULL, &img) != PXC_OK) return;
        if (pxc_decode_into(dec, st, &o->params, img) == PXC_OK) pxc_fuzz_consume(img);
        pxc_image_destroy(img);
    } else {
        pxc_image *img = NULL;
        if (pxc_decode(dec, st, &o->params, &img) == PXC_OK) pxc_fuzz_consume(img);
        pxc_image_destroy(img);
    }
}

#endif /* PXC_FUZZ_COMMON_H */
