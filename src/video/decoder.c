/*
 * The public video decoder: argument checks, backend choice, drain and
 * discontinuity bookkeeping, exact-seek skipping and frame limits. The
 * decoding itself is a backend's (decoder_internal.h).
 */
#include <stdlib.h>
#include <string.h>

#include "video/decoder_internal.h"

struct pxc_video_decoder {
    pxc_context *ctx;
    const pxc_vdec_backend *backend;
    void *impl;
    pxc_vdec_shared *shared;
    pxc_video_decoder_settings settings;
    uint8_t *extradata;          /* the settings' copy */
    bool draining;               /* a drain was asked for; only a discontinuity or flush takes packets again */
    int64_t skip_before_pts;     /* INT64_MIN: none */
    pxc_last_error last_error;
    pxc_vdec_open_args open_args;
    pxc_video_info stream;       /* the demuxer's facts (open_args.stream points here when known) */
    /* AUTO on the GPU: the packets sent before the GPU accepted the stream's format, kept so that
       the CPU can take over if the GPU's own parser finds the stream beyond it */
    pxc_packet *replay;
    size_t n_replay, replay_bytes;
    size_t replay_pos;           /* after a fall back: the next kept packet to feed the CPU */
    bool replay_off;             /* too much to keep: no more falling back */
    bool replaying;              /* fell back: kept packets are still to be fed to the CPU */
    bool eos_after_replay;       /* a drain asked for while replaying */
    pxc_err lost;                /* why the CPU decoder could not take over (impl NULL since) */
};

#define REPLAY_MAX_PACKETS 256
#define REPLAY_MAX_BYTES ((size_t)64 << 20)

void pxc_video_decoder_default_settings(pxc_video_decoder_settings *s)
{
    if (!s) return;
    memset(s, 0, sizeof(*s));
    s->struct_size = sizeof(*s);
    s->codec = PXC_VIDEO_CODEC_H264;
    s->backend = PXC_VIDEO_BACKEND_AUTO;
    s->device_id = 0;
}

int pxc_video_codec_supported(pxc_video_codec codec, uint32_t bit_depth, pxc_video_backend backend, int device_id)
{
    if ((unsigned)backend > PXC_VIDEO_BACKEND_GPU) return 0;
    const char *why = NULL;
    if (backend != PXC_VIDEO_BACKEND_CPU && pxc_vdec_backend_nvdec.supported(codec, bit_depth, device_id, &why))
        return 1;
    if (backend == PXC_VIDEO_BACKEND_GPU) return 0;
    return pxc_vdec_backend_cpu.supported(codec, bit_depth, device_id, &why) ? 1 : 0;
}

static void replay_clear(pxc_video_decoder *dec)
{
    for (size_t i = 0; i < dec->n_replay; i++) free((void *)dec->replay[i].data);
    free(dec->replay);
    dec->replay = NULL;
    dec->n_replay = dec->replay_bytes = dec->replay_pos = 0;
    dec->replaying = false;
    dec->eos_after_replay = false;
}

/* Whether packets must be kept for a possible fall back to the CPU. */
static bool replay_wanted(const pxc_video_decoder *dec)
{
    return dec->settings.backend == PXC_VIDEO_BACKEND_AUTO && dec->backend->committed && !dec->replay_off &&
           !dec->backend->committed(dec->impl);
}

/* Keeps a copy of @p pkt; false when it could not (over the bounds or out of memory). */
static bool replay_keep(pxc_video_decoder *dec, const pxc_packet *pkt)
{
    if (dec->n_replay >= REPLAY_MAX_PACKETS || dec->replay_bytes + pkt->size > REPLAY_MAX_BYTES) return false;
    pxc_packet *list = realloc(dec->replay, (dec->n_replay + 1) * sizeof(*list));
    if (!list) return false;
    dec->replay = list;
    uint8_t *copy = malloc(pkt->size ? pkt->size : 1);
    if (!copy) return false;
    memcpy(copy, pkt->data, pkt->size);
    list[dec->n_replay] = *pkt;
    list[dec->n_replay].data = copy;
    dec->n_replay++;
    dec->replay_bytes += pkt->size;
    return true;
}

/*
 * Feeds the kept packets to the backend from replay_pos on, until one is refused for now (the
 * backend holds one already: frames must be received first) or all are in. The last error of a
 * packet's decoding is left in @p e.
 */
static void replay_feed(pxc_video_decoder *dec, pxc_err *e)
{
    while (dec->replay_pos < dec->n_replay) {
        pxc_err r;
        pxc_err_clear(&r);
        dec->backend->send(dec->impl, &dec->replay[dec->replay_pos], false, &r);
        if (r.status == PXC_ERROR_INVALID_ARGUMENT) return; /* not taken: after the next frames */
        dec->replay_pos++;
        if (r.status != PXC_OK) *e = r;
    }
    const bool eos = dec->eos_after_replay;
    replay_clear(dec);
    if (eos) dec->backend->send_eos(dec->impl, e);
}

/*
 * Whether @p st from the GPU backend means its parser refused the stream (beyond the GPU's caps, or no
 * hardware decoder could be created for it) before accepting any of it, with every packet kept.
 */
static bool gpu_refused(const pxc_video_decoder *dec, pxc_status st)
{
    return (st == PXC_ERROR_UNSUPPORTED_FEATURE || st == PXC_ERROR_BACKEND_UNAVAILABLE) && dec->replay &&
           !dec->replay_off && dec->backend->committed && !dec->backend->committed(dec->impl);
}

/*
 * The GPU's parser found the stream beyond the GPU before accepting it: the CPU decoder takes
 * over and gets the packets sent so far again (what it cannot take at once is fed from
 * pxc_video_decoder_receive_frame). Leaves the status of the caller's packet in @p e.
 */
static void fall_back_to_cpu(pxc_video_decoder *dec, pxc_err *e)
{
    dec->backend->close(dec->impl);
    dec->impl = NULL;
    dec->backend = &pxc_vdec_backend_cpu;
    pxc_err_clear(e);
    if (dec->backend->open(&dec->open_args, &dec->impl, e) != PXC_OK) {
        dec->impl = NULL;
        dec->lost = *e;
        replay_clear(dec);
        return;
    }
    dec->replay_pos = 0;
    dec->replaying = true;
    replay_feed(dec, e);
}

static pxc_status create(pxc_context *ctx, const pxc_video_decoder_settings *in, const uint8_t *extradata,
                         size_t extradata_size, bool extradata_given, const pxc_video_info *stream,
                         pxc_video_decoder **out)
{
    if (out) *out = NULL;
    if (!ctx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_video_init_once();
    pxc_err e;
    pxc_err_clear(&e);
    if (!out) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "pxc_video_decoder_create: out is NULL");
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    pxc_video_decoder_settings s;
    pxc_video_decoder_default_settings(&s);
    if (pxc_struct_copy(&s, sizeof(s), in, "pxc_video_decoder_settings", &e) != PXC_OK)
        return pxc_last_error_store(&ctx->last_error, &e);
    if (extradata_given) {
        s.extradata = extradata;
        s.extradata_size = extradata_size;
    }
    if (s.num_threads < 0 || s.num_threads > 256)
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "num_threads must be 0..256 (got %d)", s.num_threads);
    else if (s.extradata_size && !s.extradata)
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "extradata is NULL but extradata_size is %zu", s.extradata_size);
    else if (s.extradata_size > (64u << 20))
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "extradata of %zu bytes is implausibly large", s.extradata_size);
    else if ((unsigned)s.backend > PXC_VIDEO_BACKEND_GPU)
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "unknown backend %d", (int)s.backend);
    else if (s.backend != PXC_VIDEO_BACKEND_CPU && s.device_id < 0)
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "device_id must be 0 or more (got %d)", s.device_id);
    if (e.status != PXC_OK) return pxc_last_error_store(&ctx->last_error, &e);

    pxc_video_decoder *dec = calloc(1, sizeof(*dec));
    if (!dec) return PXC_ERROR_OUT_OF_MEMORY;
    pxc_last_error_init(&dec->last_error);
    dec->ctx = ctx;
    dec->backend = &pxc_vdec_backend_cpu;
    dec->skip_before_pts = INT64_MIN;
    if (stream) dec->stream = *stream;
    if (s.extradata_size) {
        dec->extradata = malloc(s.extradata_size);
        if (!dec->extradata) {
            pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory copying the extradata");
            goto fail;
        }
        memcpy(dec->extradata, s.extradata, s.extradata_size);
        s.extradata = dec->extradata;
    } else {
        s.extradata = NULL;
    }
    dec->settings = s;
    dec->shared = pxc_vdec_shared_new(ctx);
    if (!dec->shared) {
        pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory creating a video decoder");
        goto fail;
    }
    pxc_vdec_open_args a = {.ctx = ctx, .shared = dec->shared, .settings = &dec->settings,
                            .threads = s.num_threads, .stream = stream ? &dec->stream : NULL};
    if (a.threads == 0) {
        /* frame threads: one more than the context's cores, as libavcodec's own
           automatic choice, so that the cores stay busy while the caller converts
           or hands on a frame between sends */
        const int n = pxc_context_num_threads(ctx);
        a.threads = n > 1 ? n + 1 : 1;
    }
    if (a.threads < 1) a.threads = 1;
    dec->open_args = a;
    if (s.backend != PXC_VIDEO_BACKEND_CPU) {
        /* the GPU where it exists and takes the stream; under AUTO the CPU otherwise */
        pxc_status st = pxc_vdec_backend_nvdec.open(&a, &dec->impl, &e);
        if (st == PXC_OK) {
            dec->backend = &pxc_vdec_backend_nvdec;
        } else if (s.backend == PXC_VIDEO_BACKEND_GPU) {
            dec->impl = NULL;
            char why[PXC_DETAIL_MAX];
            snprintf(why, sizeof why, "%s", e.msg);
            pxc_err_clear(&e);
            pxc_err_set(&e, st, "the GPU video decoder cannot be used: %s", why);
            goto fail;
        } else {
            dec->impl = NULL;
            pxc_err_clear(&e);
        }
    }
    if (!dec->impl) {
        const char *why = NULL;
        if (!pxc_vdec_backend_cpu.supported(s.codec, 8, s.device_id, &why)) {
            pxc_err_set(&e, PXC_ERROR_UNSUPPORTED_FEATURE, "cannot decode %s video on the cpu: %s",
                        pxc_video_codec_name(s.codec), why ? why : "no decoder");
            goto fail;
        }
        if (pxc_vdec_backend_cpu.open(&a, &dec->impl, &e) != PXC_OK) {
            dec->impl = NULL;
            goto fail;
        }
    }
    *out = dec;
    return PXC_OK;
fail:
    pxc_video_decoder_destroy(dec);
    return pxc_last_error_store(&ctx->last_error, &e);
}

pxc_status pxc_video_decoder_create(pxc_context *ctx, const pxc_video_decoder_settings *s, pxc_video_decoder **out)
{
    return create(ctx, s, NULL, 0, false, NULL, out);
}

pxc_status pxc_video_decoder_create_for(pxc_context *ctx, pxc_demuxer *dmx, const pxc_video_decoder_settings *s,
                                        pxc_video_decoder **out)
{
    if (out) *out = NULL;
    if (!ctx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    if (!dmx) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "pxc_video_decoder_create_for: demuxer is NULL");
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    pxc_video_info info;
    memset(&info, 0, sizeof(info));
    info.struct_size = sizeof(info);
    pxc_status st = pxc_demuxer_get_info(dmx, &info);
    if (st != PXC_OK) {
        pxc_err_set(&e, st, "cannot read the demuxer's stream information: %s", pxc_demuxer_last_error(dmx));
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    if (info.codec == PXC_VIDEO_CODEC_UNKNOWN) {
        pxc_err_set(&e, PXC_ERROR_UNSUPPORTED_FEATURE, "the stream's codec (%s) cannot be decoded", info.codec_name);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    pxc_video_decoder_settings settings;
    pxc_video_decoder_default_settings(&settings);
    if (pxc_struct_copy(&settings, sizeof(settings), s, "pxc_video_decoder_settings", &e) != PXC_OK)
        return pxc_last_error_store(&ctx->last_error, &e);
    settings.codec = info.codec;
    size_t size = 0;
    const uint8_t *extra = pxc_demuxer_extradata(dmx, &size);
    return create(ctx, &settings, extra, extra ? size : 0, true, &info, out);
}

void pxc_video_decoder_destroy(pxc_video_decoder *dec)
{
    if (!dec) return;
    if (dec->impl) dec->backend->close(dec->impl);
    replay_clear(dec);
    pxc_vdec_shared_unref(dec->shared);
    free(dec->extradata);
    pxc_last_error_destroy(&dec->last_error);
    free(dec);
}

const char *pxc_video_decoder_backend_name(const pxc_video_decoder *dec)
{
    return dec ? dec->backend->name : "none";
}

/* The error of every call after the CPU decoder could not take the stream over from the GPU. */
static pxc_status lost(pxc_video_decoder *dec)
{
    pxc_err le;
    pxc_err_clear(&le);
    pxc_err_set(&le, dec->lost.status != PXC_OK ? dec->lost.status : PXC_ERROR_INTERNAL,
                "the CPU decoder could not take the stream over from the GPU: %s", dec->lost.msg);
    return pxc_last_error_store(&dec->last_error, &le);
}

const char *pxc_video_decoder_last_error(const pxc_video_decoder *dec)
{
    return dec ? pxc_last_error_get(&dec->last_error) : "invalid decoder (NULL)";
}

pxc_status pxc_video_decoder_send_packet(pxc_video_decoder *dec, const pxc_packet *pkt)
{
    if (!dec) return PXC_ERROR_INVALID_ARGUMENT;
    if (!dec->impl) { /* the CPU decoder could not be opened when the GPU handed over */
        return lost(dec);
    }
    pxc_err e;
    pxc_err_clear(&e);
    if (pkt && pkt->struct_size != sizeof(*pkt)) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "packet struct_size is %zu, expected %zu (pxc_packet_init())",
                    pkt->struct_size, sizeof(*pkt));
        return pxc_last_error_store(&dec->last_error, &e);
    }
    if (pkt && pkt->size && !pkt->data) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "packet data is NULL but its size is %zu", pkt->size);
        return pxc_last_error_store(&dec->last_error, &e);
    }
    if (pkt && pkt->size > (size_t)INT32_MAX - 64) {
        pxc_err_set(&e, PXC_ERROR_LIMIT_EXCEEDED, "packet of %zu bytes is too large", pkt->size);
        return pxc_last_error_store(&dec->last_error, &e);
    }
    pxc_status st;
    if (pkt && (pkt->flags & PXC_PACKET_DISCONTINUITY)) {
        dec->backend->flush(dec->impl);
        replay_clear(dec); /* what came before the discontinuity is never decoded again */
        dec->draining = false;
        dec->skip_before_pts = INT64_MIN;
    }
    if (!pkt || !pkt->size) {
        if (dec->draining) return PXC_OK; /* a second drain request changes nothing */
        if (dec->replaying) {
            dec->eos_after_replay = true;
            dec->draining = true;
            return pxc_last_error_store(&dec->last_error, &e);
        }
        st = dec->backend->send_eos(dec->impl, &e);
        if (st == PXC_OK) dec->draining = true;
        return pxc_last_error_store(&dec->last_error, &e);
    }
    if (dec->draining) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT,
                    "the decoder is draining: flush it (or send a packet flagged PXC_PACKET_DISCONTINUITY) "
                    "before sending more packets");
        return pxc_last_error_store(&dec->last_error, &e);
    }
    /* set whatever the packet's fate: the frames after a damaged first packet are skipped all the same */
    if (pkt->skip_before_pts != INT64_MIN) dec->skip_before_pts = pkt->skip_before_pts;
    /* before an exact seek's target, pictures nothing refers to are not decoded */
    const bool discard_nonref =
        dec->skip_before_pts != INT64_MIN && pkt->pts != INT64_MIN && pkt->pts < dec->skip_before_pts;
    if (dec->replaying) { /* the CPU decoder has not taken the stream handed over yet: a packet is kept */
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT,
                    "the previous packets are still pending: receive frames until PXC_NEED_MORE_INPUT, then send "
                    "this packet again");
        return pxc_last_error_store(&dec->last_error, &e);
    }
    const bool keep = replay_wanted(dec);
    if (keep && !replay_keep(dec, pkt)) { /* too much to keep: the GPU decoder stays, come what may */
        dec->replay_off = true;
        replay_clear(dec);
    }
    dec->backend->send(dec->impl, pkt, discard_nonref, &e); /* its status is in e */
    if (keep && gpu_refused(dec, e.status))
        fall_back_to_cpu(dec, &e);
    else if (dec->replay && dec->backend->committed && dec->backend->committed(dec->impl))
        replay_clear(dec); /* the GPU took the stream: nothing to fall back for */
    return pxc_last_error_store(&dec->last_error, &e);
}

/* Checks a frame's size against the context's pixel limit and the settings' largest size. */
static pxc_status check_frame(const pxc_video_decoder *dec, const pxc_video_frame *f, pxc_err *e)
{
    const uint32_t w = f->info.width, h = f->info.height;
    if ((dec->settings.max_width && w > dec->settings.max_width) ||
        (dec->settings.max_height && h > dec->settings.max_height))
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED,
                           "frame of %u x %u exceeds the decoder's largest size %u x %u (max_width / max_height)", w,
                           h, dec->settings.max_width, dec->settings.max_height);
    return pxc_limits_check_dims(&dec->ctx->limits, w, h, e);
}

pxc_status pxc_video_decoder_receive_frame(pxc_video_decoder *dec, pxc_video_frame **out)
{
    if (out) *out = NULL;
    if (!dec) return PXC_ERROR_INVALID_ARGUMENT;
    if (!dec->impl) { /* the CPU decoder could not be opened when the GPU handed over */
        return lost(dec);
    }
    pxc_err e;
    pxc_err_clear(&e);
    if (!out) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "pxc_video_decoder_receive_frame: out is NULL");
        return pxc_last_error_store(&dec->last_error, &e);
    }
    for (;;) {
        pxc_video_frame *f = NULL;
        if (dec->replaying) replay_feed(dec, &e);
        if (e.status != PXC_OK) return pxc_last_error_store(&dec->last_error, &e);
        pxc_status st = dec->backend->receive(dec->impl, &f, &e);
        if (st == PXC_NEED_MORE_INPUT && dec->replaying) continue;
        if (st < 0 && gpu_refused(dec, st)) { /* a kept packet or the drain reached the GPU parser */
            dec->eos_after_replay = dec->draining;
            fall_back_to_cpu(dec, &e);
            if (!dec->impl || e.status != PXC_OK) return pxc_last_error_store(&dec->last_error, &e);
            continue;
        }
        if (st != PXC_OK) {
            if (st > 0) pxc_err_clear(&e);
            pxc_last_error_store(&dec->last_error, &e);
            return st;
        }
        if (dec->skip_before_pts != INT64_MIN) {
            if (f->info.pts != INT64_MIN && f->info.pts < dec->skip_before_pts) {
                pxc_video_frame_release(f);
                continue;
            }
            dec->skip_before_pts = INT64_MIN; /* the first frame at or after the target */
        }
        if (check_frame(dec, f, &e) != PXC_OK) {
            pxc_video_frame_release(f);
            return pxc_last_error_store(&dec->last_error, &e);
        }
        if (dec->settings.decode_only && pxc_vframe_has_pixels(f)) {
            /* the CPU decoder's pictures are decoded whatever happens: their pixels are let go at once */
            pxc_video_frame *bare = NULL;
            pxc_vframe_new_bare(dec->shared, &f->info, f->device_id >= 0 ? PXC_BUFFER_DEVICE : PXC_BUFFER_HOST,
                                f->device_id, &bare, &e);
            pxc_video_frame_release(f);
            if (!bare) return pxc_last_error_store(&dec->last_error, &e);
            f = bare;
        }
        *out = f;
        pxc_last_error_store(&dec->last_error, &e);
        return PXC_OK;
    }
}

pxc_status pxc_video_decoder_flush(pxc_video_decoder *dec)
{
    if (!dec || !dec->impl) return PXC_ERROR_INVALID_ARGUMENT;
    dec->backend->flush(dec->impl);
    replay_clear(dec);
    dec->draining = false;
    dec->skip_before_pts = INT64_MIN;
    pxc_err e;
    pxc_err_clear(&e);
    return pxc_last_error_store(&dec->last_error, &e);
}
