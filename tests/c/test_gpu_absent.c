/*
 * Without a usable GPU (no GPU support in the build, no driver, or no device):
 * the library says so and why, device images and copies fail with
 * BACKEND_UNAVAILABLE naming the reason, GPU-only backends are refused while
 * the default backend list still decodes on the CPU, and host copies work.
 * Where a GPU is present this test has nothing to check (tests/gpu does) and
 * reports itself skipped.
 */
#include <string.h>

#include "test.h"

static const uint8_t tiny_pgm[] = "P5\n2 2\n255\n\x01\x02\x03\x04";

int main(void)
{
    if (pxc_gpu_device_count() > 0) {
        printf("test_gpu_absent: a GPU is present; skipped (tests/gpu covers it)\n");
        return 77;
    }
    const char *why = pxc_gpu_unavailable_reason();
    CHECK(why != NULL && strlen(why) > 10);
    printf("no GPU: %s\n", why ? why : "(null)");

    pxc_context *ctx = NULL;
    CHECK_STATUS(pxc_context_create(NULL, &ctx), PXC_OK);

    /* a device image cannot be allocated; the message says why */
    pxc_image_desc d;
    pxc_image_desc_init(&d);
    d.width = 4;
    d.height = 3;
    d.num_channels = 3;
    d.sample_type = PXC_SAMPLE_U8;
    d.color_spec = PXC_COLOR_RGB;
    d.buffer_kind = PXC_BUFFER_DEVICE;
    pxc_image *img = NULL;
    CHECK_STATUS(pxc_image_create(ctx, &d, NULL, &img), PXC_ERROR_BACKEND_UNAVAILABLE);
    CHECK(img == NULL);
    CHECK(why && strstr(pxc_context_last_error(ctx), why) != NULL);

    /* host images copy to the host; a copy to the device is refused */
    d.buffer_kind = PXC_BUFFER_HOST;
    CHECK_STATUS(pxc_image_create(ctx, &d, NULL, &img), PXC_OK);
    uint8_t *px = pxc_image_data(img);
    for (int i = 0; i < 36; i++) px[i] = (uint8_t)(i * 7);
    pxc_image *copy = NULL;
    CHECK_STATUS(pxc_image_copy(ctx, img, PXC_BUFFER_HOST, -1, NULL, &copy), PXC_OK);
    CHECK(copy && pxc_image_data(copy) != pxc_image_data(img) &&
          memcmp(pxc_image_data(copy), pxc_image_data(img), 36) == 0);
    pxc_image_destroy(copy);
    copy = NULL;
    CHECK_STATUS(pxc_image_copy(ctx, img, PXC_BUFFER_DEVICE, 0, NULL, &copy), PXC_ERROR_BACKEND_UNAVAILABLE);
    CHECK(copy == NULL);
    CHECK_STATUS(pxc_image_copy(ctx, img, (pxc_buffer_kind)7, 0, NULL, &copy), PXC_ERROR_INVALID_ARGUMENT);
    pxc_image_destroy(img);

    /* GPU-only decoders are refused with the reason; the default list decodes on the CPU */
    pxc_decoder_settings s;
    pxc_decoder_default_settings(&s);
    pxc_backend gpu[] = {{PXC_BACKEND_GPU_ONLY, 1.0f}, {PXC_BACKEND_HYBRID_CPU_GPU, 1.0f}};
    s.backends = gpu;
    s.num_backends = 2;
    pxc_decoder *dec = NULL;
    CHECK_STATUS(pxc_decoder_create(ctx, &s, &dec), PXC_ERROR_BACKEND_UNAVAILABLE);
    CHECK(dec == NULL);
    pxc_decoder_default_settings(&s);
    CHECK_STATUS(pxc_decoder_create(ctx, &s, &dec), PXC_OK);
    pxc_code_stream *cs = NULL;
    CHECK_STATUS(pxc_code_stream_from_memory(ctx, tiny_pgm, sizeof(tiny_pgm) - 1, PXC_MEMORY_BORROW, &cs), PXC_OK);
    pxc_image *out = NULL;
    CHECK_STATUS(pxc_decode(dec, cs, NULL, &out), PXC_OK);
    CHECK(out && pxc_image_get_desc(out)->buffer_kind == PXC_BUFFER_HOST);
    pxc_image_destroy(out);
    pxc_code_stream_destroy(cs);
    pxc_decoder_destroy(dec);

    pxc_context_destroy(ctx);
    return pxc_test_summary("test_gpu_absent");
}
