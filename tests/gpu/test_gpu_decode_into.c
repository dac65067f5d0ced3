/*
 * Decoding into device images (ctest label "gpu"; exits 77, skipped, without a usable GPU):
 * pxc_decode_into an image in device memory gives the samples the CPU decoder writes to host
 * memory, for every backend (the GPU JPEG decoders write device memory themselves; the CPU
 * decoder's host result is uploaded), for interleaved and planar layouts (planar is staged on
 * the host, then uploaded), conversions the kernels do not do (16-bit, gray+alpha) and gray /
 * 4:4:4 / 4:2:0 JPEGs; a device image of the wrong shape is refused.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"

/* A JPEG of a smooth test pattern written by pixcodec's CPU encoder. */
static void *make_jpeg(pxc_context *ctx, uint32_t w, uint32_t h, pxc_color_spec color, pxc_chroma_subsampling css,
                       size_t *size)
{
    pxc_image *img = pxc_test_new_image(ctx, w, h, color, PXC_SAMPLE_U8);
    if (!img) return NULL;
    const uint32_t ch = pxc_color_spec_channels(color);
    uint8_t *px = pxc_image_data(img);
    const size_t stride = pxc_image_get_desc(img)->row_stride;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            for (uint32_t c = 0; c < ch; c++)
                px[y * stride + x * ch + c] = (uint8_t)((x * (c + 1) * 3 + y * (5 - c) + ((x ^ y) & 7) * 9) & 255);
    pxc_encoder_settings es;
    pxc_encoder_default_settings(&es);
    pxc_backend cpu = {PXC_BACKEND_CPU_ONLY, 1.0f};
    es.backends = &cpu;
    es.num_backends = 1;
    pxc_encoder *enc = NULL;
    void *data = NULL;
    CHECK_OK(pxc_encoder_create(ctx, &es, &enc));
    pxc_encode_params ep;
    pxc_encode_params_default(&ep);
    ep.quality = 90;
    ep.chroma_subsampling = css;
    if (enc) CHECK_OK(pxc_encode(enc, img, "jpeg", &ep, &data, size));
    pxc_encoder_destroy(enc);
    pxc_image_destroy(img);
    return data;
}

/* The same image back on the host, rows packed; NULL on error. */
static pxc_image *to_host(pxc_context *ctx, const pxc_image *img)
{
    pxc_image *h = NULL;
    CHECK_OK(pxc_image_copy(ctx, img, PXC_BUFFER_HOST, -1, NULL, &h));
    return h;
}

static int same_samples(const pxc_image *a, const pxc_image *b)
{
    const pxc_image_desc *da = pxc_image_get_desc(a), *db = pxc_image_get_desc(b);
    if (da->width != db->width || da->height != db->height || da->num_channels != db->num_channels ||
        da->sample_type != db->sample_type || da->layout != db->layout)
        return 0;
    const size_t es = da->sample_type == PXC_SAMPLE_U16 ? 2 : 1;
    const int planar = da->layout == PXC_LAYOUT_CHW;
    const size_t planes = planar ? da->num_channels : 1, rows = da->height;
    const size_t row_bytes = (size_t)da->width * es * (planar ? 1 : da->num_channels);
    for (size_t p = 0; p < planes; p++)
        for (size_t y = 0; y < rows; y++)
            if (memcmp((const uint8_t *)pxc_image_data(a) + p * da->plane_stride + y * da->row_stride,
                       (const uint8_t *)pxc_image_data(b) + p * db->plane_stride + y * db->row_stride, row_bytes))
                return 0;
    return 1;
}

int main(void)
{
    if (pxc_gpu_device_count() <= 0) {
        printf("test_gpu_decode_into: no GPU: %s; skipped\n", pxc_gpu_unavailable_reason());
        return 77;
    }
    pxc_context *ctx = NULL;
    CHECK_OK(pxc_context_create(NULL, &ctx));
    struct {
        uint32_t w, h;
        pxc_color_spec color;
        pxc_chroma_subsampling css;
    } srcs[] = {{257, 131, PXC_COLOR_RGB, PXC_CSS_420}, {64, 48, PXC_COLOR_RGB, PXC_CSS_444},
                {99, 77, PXC_COLOR_GRAY, PXC_CSS_GRAY}};
    const pxc_backend_kind kinds[] = {PXC_BACKEND_CPU_ONLY, PXC_BACKEND_HYBRID_CPU_GPU, PXC_BACKEND_GPU_ONLY};
    pxc_decoder *cpu = NULL;
    pxc_decoder_settings s;
    pxc_decoder_default_settings(&s);
    pxc_backend cpu_b = {PXC_BACKEND_CPU_ONLY, 1.0f};
    s.backends = &cpu_b;
    s.num_backends = 1;
    CHECK_OK(pxc_decoder_create(ctx, &s, &cpu));
    int compared = 0;
    for (size_t si = 0; si < sizeof(srcs) / sizeof(srcs[0]); si++) {
        size_t size = 0;
        void *jpg = make_jpeg(ctx, srcs[si].w, srcs[si].h, srcs[si].color, srcs[si].css, &size);
        if (!jpg) continue;
        for (size_t ki = 0; ki < sizeof(kinds) / sizeof(kinds[0]); ki++) {
            pxc_backend b = {kinds[ki], 1.0f};
            s.backends = &b;
            pxc_decoder *dec = NULL;
            CHECK_OK(pxc_decoder_create(ctx, &s, &dec));
            for (int variant = 0; variant < 5; variant++) {
                pxc_decode_params p;
                pxc_decode_params_default(&p);
                if (variant == 1) p.layout = PXC_LAYOUT_CHW;
                if (variant == 2) p.sample_type = PXC_SAMPLE_U16;
                if (variant == 3) p.color_spec = PXC_COLOR_GRAY_ALPHA;
                if (variant == 4) p.color_spec = PXC_COLOR_BGRA;
                pxc_image *want = NULL;
                CHECK_OK(pxc_test_decode(ctx, cpu, jpg, size, &p, &want));
                pxc_code_stream *cs = NULL;
                CHECK_OK(pxc_code_stream_from_memory(ctx, jpg, size, PXC_MEMORY_BORROW, &cs));
                pxc_image_desc d;
                CHECK_OK(pxc_decoder_output_desc(dec, cs, &p, &d));
                d.buffer_kind = PXC_BUFFER_DEVICE;
                d.device_id = 0;
                d.row_stride = 0;
                d.plane_stride = 0;
                pxc_image *dev = NULL;
                CHECK_OK(pxc_image_create(ctx, &d, NULL, &dev));
                if (dev && want) {
                    CHECK_MSG(pxc_decode_into(dec, cs, &p, dev) == PXC_OK, "source %zu backend %d variant %d: %s",
                              si, (int)kinds[ki], variant, pxc_decoder_last_error(dec));
                    pxc_image *back = to_host(ctx, dev);
                    CHECK_MSG(back && same_samples(back, want), "source %zu backend %d variant %d differs", si,
                              (int)kinds[ki], variant);
                    compared++;
                    pxc_image_destroy(back);
                }
                pxc_image_destroy(dev);
                pxc_image_destroy(want);
                pxc_code_stream_destroy(cs);
            }
            pxc_decoder_destroy(dec);
        }
        /* a device image of the wrong size is refused */
        pxc_code_stream *cs = NULL;
        CHECK_OK(pxc_code_stream_from_memory(ctx, jpg, size, PXC_MEMORY_BORROW, &cs));
        pxc_image_desc d;
        pxc_image_desc_init(&d);
        d.width = srcs[si].w + 1;
        d.height = srcs[si].h;
        d.num_channels = 3;
        d.sample_type = PXC_SAMPLE_U8;
        d.color_spec = PXC_COLOR_RGB;
        d.buffer_kind = PXC_BUFFER_DEVICE;
        d.device_id = 0;
        pxc_image *dev = NULL;
        CHECK_OK(pxc_image_create(ctx, &d, NULL, &dev));
        if (dev) CHECK_STATUS(pxc_decode_into(cpu, cs, NULL, dev), PXC_ERROR_INVALID_ARGUMENT);
        pxc_image_destroy(dev);
        pxc_code_stream_destroy(cs);
        pxc_free(jpg);
    }
    printf("test_gpu_decode_into: %d device decodes equal to the CPU decoder's host images\n", compared);
    pxc_decoder_destroy(cpu);
    pxc_context_destroy(ctx);
    return pxc_test_summary("test_gpu_decode_into");
}
