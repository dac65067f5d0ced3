/*
 * The GPU decoding backend: NVIDIA's hardware decoder (NVDEC) through the
 * ffnvcodec headers, which load the driver's libcuda.so.1 and libnvcuvid.so.1
 * at run time (nothing of them is linked).
 *
 * NVDEC's own parser takes the packets (Annex-B for H.264 / HEVC, as the
 * demuxer gives them; AV1 / VP9 / VP8 / MPEG frames as stored) and calls back:
 *  - sequence: the stream's format; checked against the decoder's caps (codec,
 *    chroma, bit depth, size); the hardware decoder is created, reconfigured
 *    when only the size changes within what it was created for, or re-created;
 *  - decode: a picture to decode (queued on the hardware);
 *  - display: a picture in presentation order: mapped, copied into a surface
 *    buffer of our own (pxc_vpool) and unmapped at once, so the hardware's
 *    surfaces never wait for the caller; the frame owns its buffer until its
 *    last reference goes (the seed's mem_type 0 semantics).
 * Packet timestamps go through the parser as sequence numbers; each number
 * maps back to the packet's pts and duration.
 *
 * Every call into the driver runs with the device's primary context current
 * (the one the CUDA runtime, the conversion kernels and other libraries use),
 * so frames can be handed to CuPy / PyTorch without copies.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/cuda_rt.h"
#include "video/decoder_internal.h"
#include "video/gpu/vconv.h"

#ifdef PXC_HAVE_CUDA

static void nvdec_log(void *logctx, const char *fmt, ...)
{
    char *out = logctx;
    if (!out) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, 160, fmt, ap);
    va_end(ap);
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == ' ')) out[--n] = 0;
}
#define FFNV_LOG_FUNC(logctx, msg, ...) nvdec_log((logctx), (msg), __VA_ARGS__)
#define FFNV_DEBUG_LOG_FUNC(logctx, msg, ...)
#include <ffnvcodec/dynlink_loader.h>

/* ---- the driver's libraries, loaded once per process ------------------------------------ */

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static CudaFunctions *cu;
static CuvidFunctions *cv;
static char load_why[320];

static void load(void)
{
    const char *why = pxc_cuda_unavailable_reason();
    if (why) {
        snprintf(load_why, sizeof load_why, "%s", why);
        return;
    }
    char msg[160] = "";
    if (cuda_load_functions(&cu, msg) < 0) {
        snprintf(load_why, sizeof load_why, "cannot use the CUDA driver library libcuda.so.1 (%s)", msg);
        return;
    }
    msg[0] = 0;
    if (cuvid_load_functions(&cv, msg) < 0) {
        snprintf(load_why, sizeof load_why,
                 "cannot use NVIDIA's video decoding library libnvcuvid.so.1, part of the NVIDIA driver (%s)", msg);
        cuda_free_functions(&cu);
        return;
    }
    CUresult r = cu->cuInit(0);
    if (r != CUDA_SUCCESS) {
        const char *s = NULL;
        cu->cuGetErrorString(r, &s);
        snprintf(load_why, sizeof load_why, "the CUDA driver did not start: %s", s ? s : "unknown error");
        cuvid_free_functions(&cv);
        cuda_free_functions(&cu);
    }
}

/* NULL when NVDEC can be used, else why not. */
static const char *nvdec_unavailable(void)
{
    pthread_once(&load_once, load);
    return cu && cv ? NULL : load_why;
}

static const char *cu_text(CUresult r)
{
    const char *s = NULL;
    if (cu && cu->cuGetErrorString(r, &s) != CUDA_SUCCESS) s = NULL;
    return s ? s : "unknown CUDA error";
}

static bool codec_of(pxc_video_codec c, cudaVideoCodec *out)
{
    switch (c) {
    case PXC_VIDEO_CODEC_H264: *out = cudaVideoCodec_H264; return true;
    case PXC_VIDEO_CODEC_HEVC: *out = cudaVideoCodec_HEVC; return true;
    case PXC_VIDEO_CODEC_AV1: *out = cudaVideoCodec_AV1; return true;
    case PXC_VIDEO_CODEC_VP9: *out = cudaVideoCodec_VP9; return true;
    case PXC_VIDEO_CODEC_VP8: *out = cudaVideoCodec_VP8; return true;
    case PXC_VIDEO_CODEC_MPEG1: *out = cudaVideoCodec_MPEG1; return true;
    case PXC_VIDEO_CODEC_MPEG2: *out = cudaVideoCodec_MPEG2; return true;
    default: return false;
    }
}

static const char *chroma_name(cudaVideoChromaFormat c)
{
    switch (c) {
    case cudaVideoChromaFormat_Monochrome: return "4:0:0";
    case cudaVideoChromaFormat_420: return "4:2:0";
    case cudaVideoChromaFormat_422: return "4:2:2";
    case cudaVideoChromaFormat_444: return "4:4:4";
    }
    return "unknown chroma";
}

/* The primary context of @p device_id, retained (release with cuDevicePrimaryCtxRelease). */
static pxc_status retain_context(int device_id, CUcontext *ctx, CUdevice *dev, pxc_err *e)
{
    int n = pxc_cuda_device_count();
    if (device_id < 0 || device_id >= n)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "device_id %d: this machine has %d CUDA device%s",
                           device_id, n, n == 1 ? "" : "s");
    CUresult r = cu->cuDeviceGet(dev, device_id);
    if (r == CUDA_SUCCESS) r = cu->cuDevicePrimaryCtxRetain(ctx, *dev);
    if (r != CUDA_SUCCESS)
        return pxc_err_set(e, PXC_ERROR_BACKEND_UNAVAILABLE, "cannot use CUDA device %d: %s", device_id, cu_text(r));
    return PXC_OK;
}

/* Asks the hardware whether it decodes @p codec at this chroma and depth (and size, when not 0). */
static bool caps_allow(cudaVideoCodec codec, cudaVideoChromaFormat chroma, unsigned depth, unsigned w, unsigned h,
                       CUVIDDECODECAPS *caps, char *why, size_t why_size)
{
    memset(caps, 0, sizeof(*caps));
    caps->eCodecType = codec;
    caps->eChromaFormat = chroma;
    caps->nBitDepthMinus8 = depth >= 8 ? depth - 8 : 0;
    if (!cv->cuvidGetDecoderCaps) {
        snprintf(why, why_size, "this driver cannot report its video decoder's capabilities (cuvidGetDecoderCaps)");
        return false;
    }
    CUresult r = cv->cuvidGetDecoderCaps(caps);
    if (r != CUDA_SUCCESS) {
        snprintf(why, why_size, "the video decoder's capabilities could not be read: %s", cu_text(r));
        return false;
    }
    if (!caps->bIsSupported) {
        snprintf(why, why_size, "this GPU's video decoder does not decode %s %u-bit video", chroma_name(chroma), depth);
        return false;
    }
    if (w && h) {
        if (w > caps->nMaxWidth || h > caps->nMaxHeight) {
            snprintf(why, why_size, "%u x %u is larger than this GPU's video decoder takes (%u x %u)", w, h,
                     caps->nMaxWidth, caps->nMaxHeight);
            return false;
        }
        if (w < caps->nMinWidth || h < caps->nMinHeight) {
            snprintf(why, why_size, "%u x %u is smaller than this GPU's video decoder takes (%u x %u)", w, h,
                     caps->nMinWidth, caps->nMinHeight);
            return false;
        }
        if (caps->nMaxMBCount && ((w + 15) / 16) * ((h + 15) / 16) > caps->nMaxMBCount) {
            snprintf(why, why_size, "%u x %u has more macroblocks than this GPU's video decoder takes (%u)", w, h,
                     caps->nMaxMBCount);
            return false;
        }
    }
    return true;
}

static cudaVideoChromaFormat chroma_to_cuda(pxc_video_chroma c)
{
    switch (c) {
    case PXC_VIDEO_CHROMA_400: return cudaVideoChromaFormat_Monochrome;
    case PXC_VIDEO_CHROMA_422: return cudaVideoChromaFormat_422;
    case PXC_VIDEO_CHROMA_444: return cudaVideoChromaFormat_444;
    default: return cudaVideoChromaFormat_420;
    }
}

/* ---- one decoder ------------------------------------------------------------------------- */

#define TS_RING 512          /* packets whose timestamps can be in flight (far beyond any reorder depth) */
#define QUEUE_MAX 80         /* decoded frames waiting; a parse adds at most one surface set (<= 34) */
#define QUEUE_SEND_LIMIT 8   /* above this, a sent packet is kept until frames are taken */
#define MAX_SURFACES 32

typedef struct nvdec {
    pxc_vdec_shared *shared;
    pxc_context *ctx;
    pxc_vpool *pool;
    int device_id;
    CUdevice dev;
    CUcontext cuctx;
    bool ctx_retained;
    CUvideoctxlock lock;
    CUvideoparser parser;
    CUvideodecoder decoder;
    void *stream;
    cudaVideoCodec codec;
    pxc_video_codec pxc_codec;
    uint32_t max_width, max_height;   /* the settings' largest frame */
    bool zero_latency;
    bool decode_only;                 /* pictures are not mapped: frames without pixels */
    const uint8_t *extradata;
    size_t extradata_size;

    /* the hardware decoder's configuration */
    cudaVideoChromaFormat chroma;
    unsigned depth;
    unsigned created_w, created_h;    /* ulMaxWidth / ulMaxHeight it was created with */
    unsigned surfaces;
    unsigned target_w, target_h;      /* mapped picture size (display size rounded up to even) */
    uint32_t width, height;           /* display size */
    pxc_surface_format format;
    pxc_video_chroma pxc_chroma;
    pxc_video_color color;

    /* timestamps and picture facts */
    struct {
        int64_t pts, duration;
    } ts[TS_RING];
    uint64_t ts_next;
    bool intra[MAX_SURFACES * 2 + 2];
    bool failed[MAX_SURFACES * 2 + 2];

    /* output */
    pxc_video_frame *queue[QUEUE_MAX];
    int qhead, qlen;
    int corrupt;                      /* pictures that failed to decode, not yet reported */

    /* errors raised inside the callbacks of the current parse */
    pxc_err cb_err;
    pxc_err refused;                  /* why the last sequence was refused (its pictures are not decoded) */
    bool committed;                   /* a sequence was accepted */
    int area_left, area_top;          /* display area offset in the coded picture */
    int last_idx;                     /* the last picture displayed (decode_only waits for it at the end) */

    /* backpressure and drain */
    uint8_t *pending;
    size_t pending_size, pending_cap;
    int64_t pending_pts, pending_duration;
    bool has_pending;
    bool eos_wanted, eos_sent;
    bool fed_extradata;
} nvdec;

static void cb_fail(nvdec *d, pxc_status st, const char *fmt, ...)
{
    if (d->cb_err.status != PXC_OK) return;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pxc_err_set(&d->cb_err, st, "%s", msg);
}

/* A sequence the decoder does not take: the hardware decoder goes (its geometry is another stream's) and
 * the reason stays, so that the sequence's pictures report it. Returns 0 for the parser. */
static int refuse(nvdec *d, pxc_status st, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cb_fail(d, st, "%s", msg);
    pxc_err_clear(&d->refused);
    pxc_err_set(&d->refused, st, "%s", msg);
    if (d->decoder) cv->cuvidDestroyDecoder(d->decoder);
    d->decoder = NULL;
    return 0;
}

static unsigned round16(unsigned v)
{
    return v > UINT32_MAX - 15 ? v : (v + 15) & ~15u;
}

static int CUDAAPI on_sequence(void *ud, CUVIDEOFORMAT *f)
{
    nvdec *d = ud;
    const unsigned depth = 8u + f->bit_depth_luma_minus8;
    const unsigned cw = f->coded_width, ch = f->coded_height;
    int left = f->display_area.left, top = f->display_area.top;
    int right = f->display_area.right, bottom = f->display_area.bottom;
    if (right <= left || bottom <= top || right > (int)cw || bottom > (int)ch || left < 0 || top < 0) {
        left = top = 0;
        right = (int)cw;
        bottom = (int)ch;
    }
    const uint32_t w = (uint32_t)(right - left), h = (uint32_t)(bottom - top);
    char why[240];
    CUVIDDECODECAPS caps;
    if (f->bit_depth_chroma_minus8 != f->bit_depth_luma_minus8)
        return refuse(d, PXC_ERROR_UNSUPPORTED_FEATURE, "the GPU decoder does not take different luma and chroma bit depths");
    if (f->chroma_format == cudaVideoChromaFormat_422)
        return refuse(d, PXC_ERROR_UNSUPPORTED_FEATURE, "the GPU decoder has no 4:2:2 output surface");
    if (!caps_allow(f->codec, f->chroma_format, depth, cw, ch, &caps, why, sizeof why))
        return refuse(d, PXC_ERROR_UNSUPPORTED_FEATURE, "cannot decode this %s stream on the GPU: %s",
                      pxc_video_codec_name(d->pxc_codec), why);
    /* limits: the context's and the settings' */
    pxc_err le;
    pxc_err_clear(&le);
    if ((d->max_width && w > d->max_width) || (d->max_height && h > d->max_height))
        return refuse(d, PXC_ERROR_LIMIT_EXCEEDED,
                      "picture of %u x %u exceeds the decoder's largest size %u x %u (max_width / max_height)", w, h,
                      d->max_width, d->max_height);
    if (pxc_limits_check_dims(&d->ctx->limits, w, h, &le) != PXC_OK) return refuse(d, le.status, "%s", le.msg);
    cudaVideoSurfaceFormat out;
    pxc_surface_format pf;
    if (f->chroma_format == cudaVideoChromaFormat_444) {
        out = depth > 8 ? cudaVideoSurfaceFormat_YUV444_16Bit : cudaVideoSurfaceFormat_YUV444;
        pf = depth > 8 ? PXC_SURFACE_YUV444_16 : PXC_SURFACE_YUV444;
    } else {
        out = depth > 8 ? cudaVideoSurfaceFormat_P016 : cudaVideoSurfaceFormat_NV12;
        pf = depth > 8 ? PXC_SURFACE_P016 : PXC_SURFACE_NV12;
    }
    if (!(caps.nOutputFormatMask & (1u << out)))
        return refuse(d, PXC_ERROR_UNSUPPORTED_FEATURE, "this GPU's video decoder cannot output %s %u-bit surfaces",
                      chroma_name(f->chroma_format), depth);
    unsigned surfaces = f->min_num_decode_surfaces + 3u;
    if (surfaces > MAX_SURFACES) surfaces = MAX_SURFACES;
    if (surfaces < 2) surfaces = 2;
    const unsigned tw = (w + 1) & ~1u, th = (h + 1) & ~1u;
    /* the display area grown to the even target where the coded picture has the room */
    if ((unsigned)right < cw && (w & 1)) right++;
    if ((unsigned)bottom < ch && (h & 1)) bottom++;

    /* the largest coded size this stream may reach: the settings' (display sizes grown to whole
       macroblocks), and for AV1 the sequence header's own maximum */
    unsigned max_w = cw > round16(d->max_width) ? cw : round16(d->max_width);
    unsigned max_h = ch > round16(d->max_height) ? ch : round16(d->max_height);
    if (f->codec == cudaVideoCodec_AV1 && f->seqhdr_data_length > 0) {
        const CUVIDEOFORMATEX *x = (const CUVIDEOFORMATEX *)f;
        if (x->av1.max_width > max_w) max_w = x->av1.max_width;
        if (x->av1.max_height > max_h) max_h = x->av1.max_height;
    }
    if (max_w > caps.nMaxWidth) max_w = cw;
    if (max_h > caps.nMaxHeight) max_h = ch;

    CUresult r = CUDA_SUCCESS;
    const bool same_kind = d->decoder && d->chroma == f->chroma_format && d->depth == depth;
    bool ready = false;
    if (same_kind && d->surfaces == surfaces && d->target_w == tw && d->target_h == th && cw <= d->created_w &&
        ch <= d->created_h && d->width == w && d->height == h && d->area_left == left && d->area_top == top) {
        ready = true; /* the same stream again (after a flush, or a repeated sequence header): nothing to change */
    } else if (same_kind && cw <= d->created_w && ch <= d->created_h && surfaces <= d->surfaces) {
        CUVIDRECONFIGUREDECODERINFO rc;
        memset(&rc, 0, sizeof(rc));
        rc.ulWidth = cw;
        rc.ulHeight = ch;
        rc.ulTargetWidth = tw;
        rc.ulTargetHeight = th;
        rc.ulNumDecodeSurfaces = d->surfaces;
        rc.display_area.left = (short)left;
        rc.display_area.top = (short)top;
        rc.display_area.right = (short)right;
        rc.display_area.bottom = (short)bottom;
        r = cv->cuvidReconfigureDecoder(d->decoder, &rc);
        if (r == CUDA_SUCCESS) {
            surfaces = d->surfaces;
            ready = true;
        } /* else: a new decoder below */
    }
    if (!ready) {
        if (d->decoder) {
            cv->cuvidDestroyDecoder(d->decoder);
            d->decoder = NULL;
        }
        CUVIDDECODECREATEINFO ci;
        memset(&ci, 0, sizeof(ci));
        ci.ulWidth = cw;
        ci.ulHeight = ch;
        ci.ulNumDecodeSurfaces = surfaces;
        ci.CodecType = f->codec;
        ci.ChromaFormat = f->chroma_format;
        ci.ulCreationFlags = cudaVideoCreate_PreferCUVID;
        ci.bitDepthMinus8 = depth - 8;
        /* room to reconfigure for larger pictures later without re-creating */
        ci.ulMaxWidth = max_w;
        ci.ulMaxHeight = max_h;
        ci.display_area.left = (short)left;
        ci.display_area.top = (short)top;
        ci.display_area.right = (short)right;
        ci.display_area.bottom = (short)bottom;
        ci.OutputFormat = out;
        /* fields woven into frames, as the CPU decoder gives them (no deinterlacing filter) */
        ci.DeinterlaceMode = cudaVideoDeinterlaceMode_Weave;
        ci.ulTargetWidth = tw;
        ci.ulTargetHeight = th;
        ci.ulNumOutputSurfaces = 2;
        ci.vidLock = d->lock;
        r = cv->cuvidCreateDecoder(&d->decoder, &ci);
        if (r != CUDA_SUCCESS) {
            d->decoder = NULL;
            return refuse(d, PXC_ERROR_BACKEND_UNAVAILABLE, "cannot create the GPU video decoder (%s %u-bit %u x %u): %s",
                          chroma_name(f->chroma_format), depth, cw, ch, cu_text(r));
        }
        d->created_w = (unsigned)ci.ulMaxWidth;
        d->created_h = (unsigned)ci.ulMaxHeight;
        d->surfaces = surfaces;
    }
    pxc_err_clear(&d->refused);
    d->area_left = left;
    d->area_top = top;
    d->chroma = f->chroma_format;
    d->depth = depth;
    d->target_w = tw;
    d->target_h = th;
    d->width = w;
    d->height = h;
    d->format = pf;
    d->pxc_chroma = f->chroma_format == cudaVideoChromaFormat_444 ? PXC_VIDEO_CHROMA_444
                    : f->chroma_format == cudaVideoChromaFormat_Monochrome ? PXC_VIDEO_CHROMA_400
                                                                           : PXC_VIDEO_CHROMA_420;
    d->color.matrix = f->video_signal_description.matrix_coefficients;
    d->color.primaries = f->video_signal_description.color_primaries;
    d->color.transfer = f->video_signal_description.transfer_characteristics;
    d->color.full_range = f->video_signal_description.video_full_range_flag ? 1 : 0;
    d->committed = true;
    return (int)surfaces;
}

static int CUDAAPI on_decode(void *ud, CUVIDPICPARAMS *pp)
{
    nvdec *d = ud;
    if (!d->decoder) {
        if (d->refused.status != PXC_OK) cb_fail(d, d->refused.status, "%s", d->refused.msg);
        else cb_fail(d, PXC_ERROR_CORRUPT_DATA, "a picture came before the stream's sequence header");
        return 0;
    }
    const int idx = pp->CurrPicIdx;
    if (idx < 0 || idx >= (int)(sizeof(d->intra) / sizeof(d->intra[0]))) {
        cb_fail(d, PXC_ERROR_INTERNAL, "the GPU parser gave picture index %d", idx);
        return 0;
    }
    d->intra[idx] = pp->intra_pic_flag != 0;
    CUresult r = cv->cuvidDecodePicture(d->decoder, pp);
    d->failed[idx] = r != CUDA_SUCCESS;
    return 1;
}

/* Queues a frame for receive (on_display checked the room). */
static void push(nvdec *d, pxc_video_frame *f)
{
    d->queue[(d->qhead + d->qlen) % QUEUE_MAX] = f;
    d->qlen++;
}

/* Whether the hardware reports picture @p idx as failed (only H.264 / HEVC report; others say nothing). */
static bool decode_failed(nvdec *d, int idx)
{
    CUVIDGETDECODESTATUS ds;
    memset(&ds, 0, sizeof(ds));
    return cv->cuvidGetDecodeStatus(d->decoder, idx, &ds) == CUDA_SUCCESS && ds.decodeStatus == cuvidDecodeStatus_Error;
}

static pxc_status copy_out(nvdec *d, const CUVIDPARSERDISPINFO *di, pxc_err *e)
{
    const int idx = di->picture_index;
    pxc_video_frame_info info;
    memset(&info, 0, sizeof(info));
    info.struct_size = sizeof(info);
    info.width = d->width;
    info.height = d->height;
    info.bit_depth = d->depth;
    info.chroma = d->pxc_chroma;
    info.color = d->color;
    const uint64_t seq = (uint64_t)di->timestamp;
    if (seq < d->ts_next && d->ts_next - seq <= TS_RING) {
        info.pts = d->ts[seq % TS_RING].pts;
        info.duration = d->ts[seq % TS_RING].duration;
    } else {
        info.pts = INT64_MIN;
    }
    info.key_frame = d->intra[idx] ? 1 : 0;

    pxc_video_frame *f = NULL;
    if (d->decode_only) { /* nothing mapped or copied: the picture's facts only (errors found if known by now) */
        if (decode_failed(d, idx)) {
            d->corrupt++;
            return PXC_OK;
        }
        d->last_idx = idx;
        pxc_status st = pxc_vframe_new_bare(d->shared, &info, PXC_BUFFER_DEVICE, d->device_id, &f, e);
        if (st == PXC_OK) push(d, f);
        return st;
    }
    CUVIDPROCPARAMS pp;
    memset(&pp, 0, sizeof(pp));
    pp.progressive_frame = di->progressive_frame;
    pp.top_field_first = di->top_field_first;
    pp.unpaired_field = di->repeat_first_field < 0;
    pp.output_stream = (CUstream)d->stream;
    unsigned long long dptr = 0;
    unsigned int pitch = 0;
    CUresult r = cv->cuvidMapVideoFrame(d->decoder, idx, &dptr, &pitch, &pp);
    if (r != CUDA_SUCCESS) return pxc_err_set(e, PXC_ERROR_INTERNAL, "cannot map a decoded picture: %s", cu_text(r));
    /* asked once mapped: the picture is decoded by then (before, the answer is mostly "in progress") */
    if (decode_failed(d, idx)) {
        cv->cuvidUnmapVideoFrame(d->decoder, dptr);
        d->corrupt++;
        return PXC_OK;
    }
    pxc_video_surface s;
    pxc_status st = pxc_vframe_new_pooled(d->shared, d->pool, &info, d->format, d->depth, &f, &s, e);
    if (st == PXC_OK) {
        const size_t bps = s.bytes_per_sample;
        const bool nv = s.num_planes == 2;
        for (uint32_t p = 0; p < s.num_planes && st == PXC_OK; p++) {
            const size_t cols = nv && p ? ((size_t)d->width + 1) & ~(size_t)1 : d->width;
            if (p && d->pxc_chroma == PXC_VIDEO_CHROMA_400) {
                /* monochrome: neutral chroma, as the CPU decoder gives it (what NVDEC writes there is
                   not specified) */
                st = pxc_cuda_error(pxc_vfill16_launch((void *)s.planes[p], s.pitch[p], (uint32_t)(cols * bps / 2),
                                                       s.plane_height[p], bps == 1 ? 0x8080 : 0x8000, d->stream),
                                    "filling the neutral chroma of a monochrome picture", e);
                continue;
            }
            const uint8_t *src = (const uint8_t *)(uintptr_t)dptr + (size_t)pitch * d->target_h * p;
            st = pxc_cuda_copy_2d((void *)s.planes[p], s.pitch[p], src, pitch, cols * bps, s.plane_height[p],
                                  PXC_CUDA_D2D, d->stream, e);
        }
        st = pxc_cuda_stream_finish(d->stream, st, e);
    }
    cv->cuvidUnmapVideoFrame(d->decoder, dptr);
    if (st != PXC_OK) {
        pxc_video_frame_release(f);
        return st;
    }
    push(d, f);
    return PXC_OK;
}

static int CUDAAPI on_display(void *ud, CUVIDPARSERDISPINFO *di)
{
    nvdec *d = ud;
    if (!di) {
        /* the end: with decode_only, wait for the last picture (mapping waits for its decoding), so that
           the decoding is over when the last frame has been handed out */
        if (d->decode_only && d->decoder && d->last_idx >= 0) {
            CUVIDPROCPARAMS pp;
            memset(&pp, 0, sizeof(pp));
            pp.progressive_frame = 1;
            pp.output_stream = (CUstream)d->stream;
            unsigned long long dptr = 0;
            unsigned int pitch = 0;
            if (cv->cuvidMapVideoFrame(d->decoder, d->last_idx, &dptr, &pitch, &pp) == CUDA_SUCCESS)
                cv->cuvidUnmapVideoFrame(d->decoder, dptr);
        }
        d->last_idx = -1;
        return 1;
    }
    const int idx = di->picture_index;
    if (idx < 0 || idx >= (int)(sizeof(d->failed) / sizeof(d->failed[0])) || !d->decoder) return 1;
    if (d->failed[idx]) {
        d->corrupt++;
        return 1;
    }
    if (d->qlen >= QUEUE_MAX) {
        cb_fail(d, PXC_ERROR_INTERNAL, "more than %d decoded frames waiting", QUEUE_MAX);
        return 0;
    }
    pxc_err e;
    pxc_err_clear(&e);
    if (copy_out(d, di, &e) != PXC_OK) {
        cb_fail(d, e.status, "%s", e.msg);
        return 0;
    }
    return 1;
}

/* ---- context handling ------------------------------------------------------------------- */

static pxc_status enter(nvdec *d, pxc_err *e)
{
    CUresult r = cu->cuCtxPushCurrent(d->cuctx);
    if (r != CUDA_SUCCESS)
        return pxc_err_set(e, PXC_ERROR_INTERNAL, "cannot make the GPU decoder's context current: %s", cu_text(r));
    if (pxc_cuda_use_device(d->device_id, e) != PXC_OK) {
        CUcontext popped;
        cu->cuCtxPopCurrent(&popped);
        return e->status;
    }
    return PXC_OK;
}

static void leave(nvdec *d)
{
    (void)d;
    CUcontext popped;
    cu->cuCtxPopCurrent(&popped);
}

static pxc_status make_parser(nvdec *d, pxc_err *e)
{
    CUVIDPARSERPARAMS pp;
    memset(&pp, 0, sizeof(pp));
    pp.CodecType = d->codec;
    pp.ulMaxNumDecodeSurfaces = 1; /* raised by the sequence callback's return value */
    pp.ulClockRate = 0;
    pp.ulMaxDisplayDelay = d->zero_latency ? 0 : 2;
    pp.pUserData = d;
    pp.pfnSequenceCallback = on_sequence;
    pp.pfnDecodePicture = on_decode;
    pp.pfnDisplayPicture = on_display;
    CUresult r = cv->cuvidCreateVideoParser(&d->parser, &pp);
    if (r != CUDA_SUCCESS) {
        d->parser = NULL;
        return pxc_err_set(e, PXC_ERROR_BACKEND_UNAVAILABLE, "cannot create the GPU video parser: %s", cu_text(r));
    }
    d->fed_extradata = false;
    return PXC_OK;
}

static void drop_queue(nvdec *d)
{
    while (d->qlen) {
        pxc_video_frame_release(d->queue[d->qhead]);
        d->qhead = (d->qhead + 1) % QUEUE_MAX;
        d->qlen--;
    }
    d->qhead = 0;
}

static void nvdec_close(void *impl)
{
    nvdec *d = impl;
    if (!d) return;
    if (d->ctx_retained) {
        pxc_err e;
        pxc_err_clear(&e);
        const bool in = enter(d, &e) == PXC_OK;
        if (d->parser) cv->cuvidDestroyVideoParser(d->parser);
        drop_queue(d);
        if (d->decoder) cv->cuvidDestroyDecoder(d->decoder);
        if (d->lock) cv->cuvidCtxLockDestroy(d->lock);
        pxc_cuda_stream_destroy(d->stream);
        if (in) leave(d);
        cu->cuDevicePrimaryCtxRelease(d->dev);
    }
    pxc_vpool_unref(d->pool);
    free(d->pending);
    free(d);
}

static bool nvdec_supported(pxc_video_codec codec, uint32_t bit_depth, int device_id, const char **why)
{
    static _Thread_local char buf[320];
    const char *u = nvdec_unavailable();
    if (u) {
        *why = u;
        return false;
    }
    cudaVideoCodec c;
    if (!codec_of(codec, &c)) {
        *why = "the GPU decoder does not take this codec";
        return false;
    }
    pxc_err e;
    pxc_err_clear(&e);
    CUcontext ctx;
    CUdevice dev;
    if (retain_context(device_id, &ctx, &dev, &e) != PXC_OK) {
        snprintf(buf, sizeof buf, "%s", e.msg);
        *why = buf;
        return false;
    }
    bool ok = false;
    if (cu->cuCtxPushCurrent(ctx) == CUDA_SUCCESS) {
        CUVIDDECODECAPS caps;
        ok = caps_allow(c, cudaVideoChromaFormat_420, bit_depth ? bit_depth : 8, 0, 0, &caps, buf, sizeof buf);
        CUcontext popped;
        cu->cuCtxPopCurrent(&popped);
    } else {
        snprintf(buf, sizeof buf, "cannot make device %d's context current", device_id);
    }
    cu->cuDevicePrimaryCtxRelease(dev);
    if (!ok) *why = buf;
    return ok;
}

static pxc_status nvdec_open(const pxc_vdec_open_args *a, void **impl, pxc_err *e)
{
    *impl = NULL;
    const char *u = nvdec_unavailable();
    if (u) return pxc_err_set(e, PXC_ERROR_BACKEND_UNAVAILABLE, "%s", u);
    const pxc_video_decoder_settings *s = a->settings;
    nvdec *d = calloc(1, sizeof(*d));
    if (!d) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory creating a GPU video decoder");
    d->shared = a->shared;
    d->ctx = a->ctx;
    d->device_id = s->device_id;
    d->pxc_codec = s->codec;
    d->max_width = s->max_width;
    d->max_height = s->max_height;
    d->zero_latency = s->zero_latency != 0;
    d->decode_only = s->decode_only != 0;
    d->last_idx = -1;
    d->extradata = s->extradata;
    d->extradata_size = s->extradata_size;
    pxc_status st = PXC_OK;
    if (!codec_of(s->codec, &d->codec))
        st = pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FEATURE, "the GPU decoder does not take %s video",
                         pxc_video_codec_name(s->codec));
    if (st == PXC_OK) st = retain_context(d->device_id, &d->cuctx, &d->dev, e);
    if (st != PXC_OK) {
        free(d);
        return st;
    }
    d->ctx_retained = true;
    st = enter(d, e);
    if (st != PXC_OK) {
        cu->cuDevicePrimaryCtxRelease(d->dev);
        free(d);
        return st;
    }
    if (a->stream) {
        /* what the demuxer knows: refuse now what the hardware cannot take, before any packet */
        char why[240];
        CUVIDDECODECAPS caps;
        const pxc_video_info *i = a->stream;
        if (i->chroma == PXC_VIDEO_CHROMA_422)
            st = pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FEATURE, "the GPU decoder has no 4:2:2 output surface");
        else if (!caps_allow(d->codec, chroma_to_cuda(i->chroma), i->bit_depth ? i->bit_depth : 8, i->width,
                             i->height, &caps, why, sizeof why))
            st = pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FEATURE, "cannot decode this %s stream on the GPU: %s",
                             pxc_video_codec_name(s->codec), why);
    }
    if (st == PXC_OK) {
        d->pool = pxc_vpool_new(d->device_id);
        if (!d->pool) st = pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory creating a GPU video decoder");
    }
    if (st == PXC_OK) {
        CUresult r = cv->cuvidCtxLockCreate(&d->lock, d->cuctx);
        if (r != CUDA_SUCCESS) {
            d->lock = NULL;
            st = pxc_err_set(e, PXC_ERROR_BACKEND_UNAVAILABLE, "cannot create the GPU decoder's lock: %s", cu_text(r));
        }
    }
    /* ordered after the legacy default stream: a pool buffer a DLPack consumer gave back is written
       only once the work it queued there (PyTorch's and CuPy's default) is done */
    if (st == PXC_OK) st = pxc_cuda_stream_create_ordered(&d->stream, e);
    if (st == PXC_OK) st = make_parser(d, e);
    leave(d);
    if (st != PXC_OK) {
        nvdec_close(d);
        return st;
    }
    *impl = d;
    return PXC_OK;
}

/* Annex-B extradata (parameter sets) goes to the parser before the first packet. */
static bool annexb(const uint8_t *p, size_t n)
{
    return (n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 1) || (n >= 5 && p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 1);
}

/* Runs one packet (NULL data: the drain) through the parser; the callbacks' errors come back here. */
static pxc_status parse(nvdec *d, const uint8_t *data, size_t size, int64_t pts, int64_t duration, pxc_err *e)
{
    pxc_status st = enter(d, e);
    if (st != PXC_OK) return st;
    if (!d->parser && make_parser(d, e) != PXC_OK) { /* a flush could not re-create it */
        leave(d);
        return e->status;
    }
    pxc_err_clear(&d->cb_err);
    CUVIDSOURCEDATAPACKET pk;
    CUresult r = CUDA_SUCCESS;
    if (data && !d->fed_extradata) {
        d->fed_extradata = true;
        /* start-code extradata (H.264 / HEVC parameter sets, MPEG-1/2 sequence headers); AV1's av1C and
           VP9's vpcC are not fed (AV1 key frames carry their sequence header) */
        if (d->extradata && annexb(d->extradata, d->extradata_size)) {
            memset(&pk, 0, sizeof(pk));
            pk.payload = d->extradata;
            pk.payload_size = d->extradata_size;
            r = cv->cuvidParseVideoData(d->parser, &pk);
        }
    }
    memset(&pk, 0, sizeof(pk));
    if (data) {
        const uint64_t seq = d->ts_next++;
        d->ts[seq % TS_RING].pts = pts;
        d->ts[seq % TS_RING].duration = duration;
        pk.payload = data;
        pk.payload_size = size;
        pk.flags = CUVID_PKT_TIMESTAMP | CUVID_PKT_ENDOFPICTURE;
        pk.timestamp = (CUvideotimestamp)seq;
    } else {
        pk.flags = CUVID_PKT_ENDOFSTREAM | CUVID_PKT_NOTIFY_EOS;
    }
    if (r == CUDA_SUCCESS && d->cb_err.status == PXC_OK) r = cv->cuvidParseVideoData(d->parser, &pk);
    leave(d);
    if (d->cb_err.status != PXC_OK) {
        *e = d->cb_err;
        return e->status;
    }
    if (r != CUDA_SUCCESS)
        return pxc_err_set(e, PXC_ERROR_CORRUPT_DATA, "the GPU video parser refused the packet: %s", cu_text(r));
    return PXC_OK;
}

static pxc_status keep(nvdec *d, const pxc_packet *pkt, pxc_err *e)
{
    if (pkt->size > d->pending_cap) {
        uint8_t *p = realloc(d->pending, pkt->size);
        if (!p) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory copying a packet of %zu bytes", pkt->size);
        d->pending = p;
        d->pending_cap = pkt->size;
    }
    memcpy(d->pending, pkt->data, pkt->size);
    d->pending_size = pkt->size;
    d->pending_pts = pkt->pts;
    d->pending_duration = pkt->duration;
    d->has_pending = true;
    return PXC_OK;
}

static pxc_status nvdec_send(void *impl, const pxc_packet *pkt, bool discard_nonref, pxc_err *e)
{
    (void)discard_nonref; /* every picture is decoded on the hardware */
    nvdec *d = impl;
    if (d->has_pending)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT,
                           "the previous packet is still pending: receive frames until PXC_NEED_MORE_INPUT, then send "
                           "this packet again");
    if (d->qlen >= QUEUE_SEND_LIMIT) return keep(d, pkt, e);
    return parse(d, pkt->data, pkt->size, pkt->pts, pkt->duration, e);
}

static pxc_status nvdec_send_eos(void *impl, pxc_err *e)
{
    (void)e;
    nvdec *d = impl;
    d->eos_wanted = true;
    return PXC_OK;
}

static pxc_status nvdec_receive(void *impl, pxc_video_frame **out, pxc_err *e)
{
    nvdec *d = impl;
    if (!d->qlen && d->has_pending) {
        d->has_pending = false;
        pxc_status st = parse(d, d->pending, d->pending_size, d->pending_pts, d->pending_duration, e);
        if (st != PXC_OK) return st;
    }
    if (d->corrupt) {
        d->corrupt--;
        return pxc_err_set(e, PXC_ERROR_CORRUPT_DATA, "a picture could not be decoded by the GPU decoder (corrupt data)");
    }
    if (!d->qlen && !d->has_pending && d->eos_wanted && !d->eos_sent) {
        d->eos_sent = true;
        pxc_status st = parse(d, NULL, 0, INT64_MIN, 0, e);
        if (st != PXC_OK) return st;
    }
    if (d->qlen) {
        *out = d->queue[d->qhead];
        d->qhead = (d->qhead + 1) % QUEUE_MAX;
        d->qlen--;
        return PXC_OK;
    }
    if (d->eos_sent) return PXC_END_OF_STREAM;
    return PXC_NEED_MORE_INPUT;
}

static void nvdec_flush(void *impl)
{
    nvdec *d = impl;
    pxc_err e;
    pxc_err_clear(&e);
    drop_queue(d);
    d->has_pending = false;
    d->eos_wanted = d->eos_sent = false;
    d->last_idx = -1;
    d->corrupt = 0;
    memset(d->failed, 0, sizeof(d->failed));
    /* a new parser (a software object); the hardware decoder is kept and reused by the next sequence */
    if (enter(d, &e) != PXC_OK) return;
    if (d->parser) cv->cuvidDestroyVideoParser(d->parser);
    d->parser = NULL;
    make_parser(d, &e);
    leave(d);
}

static bool nvdec_committed(void *impl)
{
    return ((nvdec *)impl)->committed;
}

const pxc_vdec_backend pxc_vdec_backend_nvdec = {
    .name = "gpu",
    .open = nvdec_open,
    .close = nvdec_close,
    .send = nvdec_send,
    .send_eos = nvdec_send_eos,
    .receive = nvdec_receive,
    .flush = nvdec_flush,
    .supported = nvdec_supported,
    .committed = nvdec_committed,
};

#else /* no CUDA in this build */

/* the CUDA glue's own reason (a build without CUDA) */
static pxc_status nvdec_open(const pxc_vdec_open_args *a, void **impl, pxc_err *e)
{
    (void)a;
    *impl = NULL;
    return pxc_err_set(e, PXC_ERROR_BACKEND_UNAVAILABLE, "%s", pxc_cuda_unavailable_reason());
}

static bool nvdec_supported(pxc_video_codec codec, uint32_t bit_depth, int device_id, const char **why)
{
    (void)codec;
    (void)bit_depth;
    (void)device_id;
    *why = pxc_cuda_unavailable_reason();
    return false;
}

const pxc_vdec_backend pxc_vdec_backend_nvdec = {
    .name = "gpu",
    .open = nvdec_open,
    .supported = nvdec_supported,
};

#endif
