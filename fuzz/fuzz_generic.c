/* Generic target: probe the input as any format, then decode it as a batch of
 * the input split into 2 or 3 streams (plus the whole input as the first
 * sample). Trailer as in fuzz_common.h; t2 bits 2-7 and t3 place the split points. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pxc_fuzz_opts o;
    pxc_fuzz_take_trailer(data, &size, &o);
    pxc_context *ctx = pxc_fuzz_context();

    size_t cut[4];
    size_t a = size * (size_t)(o.t2 >> 2) / 64, b = size * (size_t)o.t3 / 256;
    if (a > b) { size_t t = a; a = b; b = t; }
    size_t nparts = (o.t3 & 1) ? 3 : 2;
    cut[0] = 0;
    if (nparts == 3) { cut[1] = a; cut[2] = b; cut[3] = size; }
    else { cut[1] = b; cut[2] = size; }

    pxc_code_stream *streams[4] = {NULL, NULL, NULL, NULL};
    size_t count = 0;
    if (pxc_code_stream_from_memory(ctx, size ? data : NULL, size, PXC_MEMORY_COPY, &streams[count]) == PXC_OK) {
        pxc_image_info info;
        memset(&info, 0, sizeof(info));
        info.struct_size = sizeof(info);
        (void)pxc_code_stream_get_info(streams[count], &info);
        count++;
    }
    for (size_t i = 0; i < nparts; i++) {
        size_t len = cut[i + 1] - cut[i];
        if (pxc_code_stream_from_memory(ctx, len ? data + cut[i] : NULL, len, PXC_MEMORY_COPY, &streams[count]) ==
            PXC_OK)
            count++;
    }
    if (count) {
        pxc_decoder *dec = pxc_fuzz_decoder(o.options);
        pxc_image *images[4] = {NULL, NULL, NULL, NULL};
        pxc_sample_status statuses[4];
        (void)pxc_decode_batch(dec, count, streams, &o.params, images, statuses);
        for (size_t i = 0; i < count; i++) {
            if (images[i]) pxc_fuzz_consume(images[i]);
            pxc_image_destroy(images[i]);
        }
        pxc_decoder_destroy(dec);
    }
    for (size_t i = 0; i < count; i++) pxc_code_stream_destroy(streams[i]);
    return 0;
}
