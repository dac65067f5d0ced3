/* Decode target for one codec (PXC_FUZZ_CODEC): probe, parse and decode the
 * input as a code stream; the trailing bytes choose the decode options (fuzz_common.h). */
#include "fuzz_common.h"

#ifndef PXC_FUZZ_CODEC
#error "define PXC_FUZZ_CODEC"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pxc_fuzz_opts o;
    pxc_fuzz_take_trailer(data, &size, &o);
    pxc_context *ctx = pxc_fuzz_context();
    pxc_code_stream *st = NULL;
    /* COPY: the stream owns exactly `size` bytes, so reads past the end are caught by ASan. */
    if (pxc_code_stream_from_memory(ctx, size ? data : NULL, size, PXC_MEMORY_COPY, &st) != PXC_OK) return 0;
    pxc_image_info info;
    memset(&info, 0, sizeof(info));
    info.struct_size = sizeof(info);
    if (pxc_code_stream_get_info(st, &info) == PXC_OK && strcmp(info.codec, PXC_FUZZ_CODEC) == 0) {
        pxc_decoder *dec = pxc_fuzz_decoder(o.options);
        pxc_fuzz_decode_stream(dec, st, &o);
        /* a second decode of the same (already probed) stream with other parameters */
        if (o.t2 & 4) {
            o.params.layout = o.params.layout == PXC_LAYOUT_HWC ? PXC_LAYOUT_CHW : PXC_LAYOUT_HWC;
            o.params.enable_color_conversion = !o.params.enable_color_conversion;
            o.decode_into = !o.decode_into;
            pxc_fuzz_decode_stream(dec, st, &o);
        }
        pxc_decoder_destroy(dec);
    }
    pxc_code_stream_destroy(st);
    return 0;
}
