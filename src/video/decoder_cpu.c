/*
 * The CPU decoding backend: libavcodec with frame threads (AV1 through its
 * libdav1d wrapper). A packet libavcodec cannot take yet (EAGAIN) is kept
 * and fed again from receive, so callers never see EAGAIN.
 */
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/pixdesc.h>

#include "video/decoder_internal.h"

typedef struct cpu_dec {
    AVCodecContext *avctx;
    AVPacket *pending;           /* a packet libavcodec refused with EAGAIN (empty when none) */
    bool has_pending;
    bool pending_discard;        /* the pending packet may be dropped if non-reference */
    bool eos_wanted;             /* a drain was asked for: send the NULL packet once pending is in */
    bool eos_sent;
    AVFrame *frame;
    pxc_vdec_shared *shared;
    uint64_t max_pixels;         /* 0: none */
    uint32_t max_width, max_height;
    _Atomic uint64_t refused;    /* last picture size refused by get_buffer (w << 32 | h), 0 when none */
} cpu_dec;

/* The decoders tried for a codec, in order. */
static const AVCodec *find_decoder(pxc_video_codec codec)
{
    if (codec == PXC_VIDEO_CODEC_AV1) {
        static const char *const names[] = {"libdav1d", "libaom-av1", "av1"};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            const AVCodec *c = avcodec_find_decoder_by_name(names[i]);
            if (c) return c;
        }
        return NULL;
    }
    enum AVCodecID id = pxc_video_codec_to_av(codec);
    return id == AV_CODEC_ID_NONE ? NULL : avcodec_find_decoder(id);
}

static bool cpu_supported(pxc_video_codec codec, uint32_t bit_depth, int device_id, const char **why)
{
    (void)device_id;
    if (bit_depth != 0 && bit_depth != 8 && bit_depth != 10 && bit_depth != 12) {
        *why = "only 8, 10 and 12-bit streams are decoded";
        return false;
    }
    if (pxc_video_codec_to_av(codec) == AV_CODEC_ID_NONE) {
        *why = "unknown codec";
        return false;
    }
    pxc_video_init_once();
    if (!find_decoder(codec)) {
        *why = "this FFmpeg build has no decoder for it";
        return false;
    }
    return true;
}

/* Refuses pictures over the limits before their memory is allocated. */
static int get_buffer(AVCodecContext *avctx, AVFrame *frame, int flags)
{
    cpu_dec *d = avctx->opaque;
    const uint64_t w = (uint64_t)(frame->width > 0 ? frame->width : 0);
    const uint64_t h = (uint64_t)(frame->height > 0 ? frame->height : 0);
    if ((d->max_pixels && w * h > d->max_pixels) || (d->max_width && w > d->max_width) ||
        (d->max_height && h > d->max_height)) {
        atomic_store(&d->refused, (w << 32) | h);
        return AVERROR(ERANGE);
    }
    return avcodec_default_get_buffer2(avctx, frame, flags);
}

static void cpu_close(void *impl)
{
    cpu_dec *d = impl;
    if (!d) return;
    avcodec_free_context(&d->avctx);
    av_packet_free(&d->pending);
    av_frame_free(&d->frame);
    pxc_vdec_shared_unref(d->shared);
    free(d);
}

static pxc_status cpu_open(const pxc_vdec_open_args *a, void **impl, pxc_err *e)
{
    const pxc_video_decoder_settings *s = a->settings;
    const AVCodec *codec = find_decoder(s->codec);
    if (!codec)
        return pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FEATURE, "this FFmpeg build has no %s decoder",
                           pxc_video_codec_name(s->codec));
    cpu_dec *d = calloc(1, sizeof(*d));
    if (!d) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory creating a video decoder");
    d->shared = pxc_vdec_shared_ref(a->shared);
    d->max_pixels = a->ctx->limits.max_pixels;
    d->max_width = s->max_width;
    d->max_height = s->max_height;
    atomic_init(&d->refused, 0);
    d->avctx = avcodec_alloc_context3(codec);
    d->pending = av_packet_alloc();
    d->frame = av_frame_alloc();
    if (!d->avctx || !d->pending || !d->frame) {
        cpu_close(d);
        return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory creating a video decoder");
    }
    AVCodecContext *c = d->avctx;
    if (s->extradata_size) {
        c->extradata = av_mallocz(s->extradata_size + AV_INPUT_BUFFER_PADDING_SIZE);
        if (!c->extradata) {
            cpu_close(d);
            return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory copying the extradata");
        }
        memcpy(c->extradata, s->extradata, s->extradata_size);
        c->extradata_size = (int)s->extradata_size;
    }
    c->opaque = d;
    c->get_buffer2 = get_buffer;
#if FF_API_THREAD_SAFE_CALLBACKS
    /* get_buffer is thread-safe (an atomic store besides the default allocator);
       saying so keeps libavcodec from warning about it at every open */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    c->thread_safe_callbacks = 1;
#pragma GCC diagnostic pop
#endif
    /*
     * H.264 streams whose SPS has no bitstream_restriction do not say how many
     * frames may be reordered; libavcodec then starts with no reordering delay
     * and drops the frames it meets too late (B-frames after a second I frame,
     * say), unless a demuxer probed the delay first. Strict compliance makes it
     * take the delay the level allows, as a conforming decoder does.
     */
    if (codec->id == AV_CODEC_ID_H264 && !s->zero_latency) c->strict_std_compliance = FF_COMPLIANCE_STRICT;
    c->thread_count = a->threads;
    /* frame threads add a delay of one frame per thread; zero_latency keeps slice threads only */
    c->thread_type = s->zero_latency ? FF_THREAD_SLICE : FF_THREAD_FRAME | FF_THREAD_SLICE;
    /*
     * libavcodec's own decoders allocate pictures through get_buffer, which
     * refuses them with a clear error; the AV1 wrappers allocate their own,
     * so they get the limit itself (their refusal reads as corrupt data).
     */
    if (codec->id == AV_CODEC_ID_AV1 && d->max_pixels && d->max_pixels < (uint64_t)INT64_MAX)
        c->max_pixels = (int64_t)d->max_pixels;
    int r = avcodec_open2(c, codec, NULL);
    if (r < 0) {
        cpu_close(d);
        pxc_video_av_error(e, r, "cannot open the decoder");
        return e->status;
    }
    *impl = d;
    return PXC_OK;
}

/* Sets @p e for an FFmpeg decoding error, naming a picture refused for its size. */
static pxc_status decode_error(cpu_dec *d, int r, const char *what, pxc_err *e)
{
    const uint64_t refused = atomic_exchange(&d->refused, 0);
    if (refused)
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED,
                           "picture of %u x %u exceeds the limits (pxc_context_settings.max_pixels %llu, "
                           "max_width / max_height %u x %u)", (unsigned)(refused >> 32), (unsigned)(refused & 0xffffffffu),
                           (unsigned long long)d->max_pixels, d->max_width, d->max_height);
    return pxc_video_av_error(e, r, what);
}

/* Sends the pending packet, telling libavcodec (per packet: frame threads copy
   skip_frame with each one) whether it may drop it when no picture refers to it. */
static int send_pending(cpu_dec *d)
{
    d->avctx->skip_frame = d->pending_discard ? AVDISCARD_NONREF : AVDISCARD_DEFAULT;
    return avcodec_send_packet(d->avctx, d->pending);
}

static pxc_status cpu_send(void *impl, const pxc_packet *pkt, bool discard_nonref, pxc_err *e)
{
    cpu_dec *d = impl;
    pxc_err earlier;
    pxc_err_clear(&earlier);
    if (d->has_pending) {
        /* an earlier packet is still waiting: it goes first */
        int r = send_pending(d);
        if (r == AVERROR(EAGAIN))
            return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT,
                               "the previous packet is still pending: receive frames until "
                               "PXC_NEED_MORE_INPUT, then send this packet again");
        av_packet_unref(d->pending);
        d->has_pending = false;
        /* its error is reported, and this packet is taken all the same */
        if (r < 0) decode_error(d, r, "cannot decode the previous packet", &earlier);
    }
    AVPacket *p = d->pending;
    int r = av_new_packet(p, (int)pkt->size);
    if (r < 0) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory copying a packet of %zu bytes", pkt->size);
    memcpy(p->data, pkt->data, pkt->size);
    p->pts = pkt->pts == INT64_MIN ? AV_NOPTS_VALUE : pkt->pts;
    p->dts = pkt->dts == INT64_MIN ? AV_NOPTS_VALUE : pkt->dts;
    p->duration = pkt->duration;
    if (pkt->flags & PXC_PACKET_KEY) p->flags |= AV_PKT_FLAG_KEY;
    d->pending_discard = discard_nonref;
    r = send_pending(d);
    if (r == AVERROR(EAGAIN)) { /* kept; receive feeds it */
        d->has_pending = true;
    } else {
        av_packet_unref(p);
        if (r < 0) return decode_error(d, r, "cannot decode the packet", e);
    }
    if (earlier.status != PXC_OK) *e = earlier;
    return earlier.status;
}

static pxc_status cpu_send_eos(void *impl, pxc_err *e)
{
    (void)e;
    cpu_dec *d = impl;
    d->eos_wanted = true;
    return PXC_OK;
}

static pxc_status cpu_receive(void *impl, pxc_video_frame **out, pxc_err *e)
{
    cpu_dec *d = impl;
    for (int round = 0; round < 3; round++) {
        if (d->has_pending) {
            int r = send_pending(d);
            if (r != AVERROR(EAGAIN)) {
                av_packet_unref(d->pending);
                d->has_pending = false;
                if (r < 0) return decode_error(d, r, "cannot decode a packet", e);
            }
        }
        if (!d->has_pending && d->eos_wanted && !d->eos_sent) {
            int r = avcodec_send_packet(d->avctx, NULL);
            if (r < 0 && r != AVERROR_EOF && r != AVERROR(EAGAIN)) return decode_error(d, r, "cannot drain", e);
            if (r != AVERROR(EAGAIN)) d->eos_sent = true;
        }
        int r = avcodec_receive_frame(d->avctx, d->frame);
        if (r == AVERROR(EAGAIN)) {
            /* libavcodec wants input: feed what is pending (or the drain) and ask again */
            if (d->has_pending || (d->eos_wanted && !d->eos_sent)) continue;
            return PXC_NEED_MORE_INPUT;
        }
        if (r == AVERROR_EOF) return PXC_END_OF_STREAM;
        if (r < 0) return decode_error(d, r, "cannot decode", e);
        pxc_video_frame *f = pxc_vframe_new_cpu(d->shared, d->frame, e);
        av_frame_unref(d->frame);
        if (!f) return e->status;
        *out = f;
        return PXC_OK;
    }
    return pxc_err_set(e, PXC_ERROR_INTERNAL, "libavcodec neither takes input nor gives output");
}

static void cpu_flush(void *impl)
{
    cpu_dec *d = impl;
    av_packet_unref(d->pending);
    d->has_pending = false;
    d->eos_wanted = d->eos_sent = false;
    atomic_store(&d->refused, 0);
    avcodec_flush_buffers(d->avctx);
}

const pxc_vdec_backend pxc_vdec_backend_cpu = {
    .name = "cpu",
    .open = cpu_open,
    .close = cpu_close,
    .send = cpu_send,
    .send_eos = cpu_send_eos,
    .receive = cpu_receive,
    .flush = cpu_flush,
    .supported = cpu_supported,
};
