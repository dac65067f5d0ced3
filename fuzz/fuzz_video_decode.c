/* Video decoder target: packets from the input through pxc_video_decoder, frames to surfaces and RGB.
 *
 * Input:  [codec][len lo][len hi][packet bytes]...[len lo][len hi][packet bytes][params]
 *   codec:  byte % 8 picks h264, hevc, av1, vp9, mpeg4, vp8, mpeg2, mjpeg
 *   each packet: a 2-byte little-endian length, then that many bytes (cut short at the end)
 *   params (the last byte, when the input has more than 3 bytes): bits 0-3 output format
 *     (1..10, others RGB), bit 4 resize to about half size, bit 5 crop at odd offsets,
 *     bit 6 convert every frame (else every third), bit 7 zero_latency decoder and a
 *     discontinuity (with exact-seek skipping) at the third packet.
 */
#include "fuzz_common.h"

static const pxc_video_codec codecs[8] = {PXC_VIDEO_CODEC_H264,  PXC_VIDEO_CODEC_HEVC, PXC_VIDEO_CODEC_AV1,
                                          PXC_VIDEO_CODEC_VP9,   PXC_VIDEO_CODEC_MPEG4, PXC_VIDEO_CODEC_VP8,
                                          PXC_VIDEO_CODEC_MPEG2, PXC_VIDEO_CODEC_MJPEG};

static void use_frame(pxc_video_frame *f, uint8_t params, unsigned index)
{
    pxc_video_surface s;
    memset(&s, 0, sizeof(s));
    s.struct_size = sizeof(s);
    if (pxc_video_frame_surface(f, &s) == PXC_OK) {
        /* touch the first and last sample of each plane */
        volatile uint8_t acc = 0;
        for (uint32_t p = 0; p < s.num_planes && p < 3; p++) {
            if (!s.plane_height[p]) continue;
            acc ^= s.planes[p][0];
            acc ^= s.planes[p][(size_t)(s.plane_height[p] - 1) * s.pitch[p] + s.width * s.bytes_per_sample / 2];
        }
        (void)acc;
    }
    if (!(params & 0x40) && index % 3) return;
    pxc_video_frame_info info;
    memset(&info, 0, sizeof(info));
    info.struct_size = sizeof(info);
    if (pxc_video_frame_get_info(f, &info) != PXC_OK) return;
    pxc_video_convert_params cp;
    pxc_video_convert_params_default(&cp);
    unsigned fmt = params & 0x0f;
    cp.format = fmt >= 1 && fmt <= 10 ? (pxc_video_format)fmt : PXC_VIDEO_FORMAT_RGB;
    if (params & 0x20 && info.width > 3 && info.height > 3) {
        cp.crop_left = 1;
        cp.crop_top = 1;
        cp.crop_right = info.width - 1;
        cp.crop_bottom = info.height - 2;
    }
    if (params & 0x10) {
        cp.width = info.width / 2 + 1;
        cp.height = info.height / 2 + 1;
        cp.filter = (pxc_video_filter)(index % 4);
    }
    pxc_image *img = NULL;
    if (pxc_video_frame_convert(f, &cp, &img) == PXC_OK) pxc_fuzz_consume(img);
    pxc_image_destroy(img);
}

static void receive_all(pxc_video_decoder *dec, uint8_t params, unsigned *count)
{
    for (int guard = 0; guard < 64; guard++) {
        pxc_video_frame *f = NULL;
        pxc_status st = pxc_video_decoder_receive_frame(dec, &f);
        if (st != PXC_OK) return;
        use_frame(f, params, (*count)++);
        pxc_video_frame_release(f);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t params = 0;
    if (size > 3) params = data[--size];
    pxc_video_decoder_settings s;
    pxc_video_decoder_default_settings(&s);
    s.codec = codecs[data[0] % 8];
    s.backend = PXC_VIDEO_BACKEND_CPU;
    s.zero_latency = params >> 7;
    pxc_video_decoder *dec = NULL;
    if (pxc_video_decoder_create(pxc_fuzz_context(), &s, &dec) != PXC_OK) return 0;
    unsigned count = 0, index = 0;
    size_t pos = 1;
    while (pos + 2 <= size) {
        size_t len = (size_t)data[pos] | ((size_t)data[pos + 1] << 8);
        pos += 2;
        if (len > size - pos) len = size - pos;
        /* a copy of exactly the packet's bytes, so that reads past it are caught */
        uint8_t *copy = malloc(len ? len : 1);
        if (!copy) break;
        memcpy(copy, data + pos, len);
        pos += len;
        pxc_packet pkt;
        pxc_packet_init(&pkt);
        pkt.data = copy;
        pkt.size = len;
        pkt.pts = index;
        pkt.dts = index;
        if (index == 2 && (params & 0x80)) {
            pkt.flags |= PXC_PACKET_DISCONTINUITY;
            pkt.skip_before_pts = 3;
        }
        index++;
        if (len) (void)pxc_video_decoder_send_packet(dec, &pkt);
        free(copy);
        receive_all(dec, params, &count);
    }
    (void)pxc_video_decoder_send_packet(dec, NULL);
    receive_all(dec, params, &count);
    pxc_video_decoder_destroy(dec);
    return 0;
}
