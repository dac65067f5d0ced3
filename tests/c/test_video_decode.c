/*
 * Video decoding, frames and conversion, compared with the ffmpeg command-line
 * tool on clips it makes at run time (x264 / x265 / libvpx-vp9 / libaom-av1).
 *
 * Packets come from libavformat directly (so that this test does not depend
 * on pixcodec's demuxer); pxc_video_decoder_create_for() is checked on top
 * when the demuxer opens the clip.
 *
 * Tolerances:
 * - surfaces: bit-exact with `ffmpeg -f rawvideo -pix_fmt <the stream's format>`
 *   (same libavcodec decoders underneath), NV12 de-interleaved, P016 shifted back;
 * - RGB conversions: within 1 per sample of `ffmpeg -vf scale=...` with the same
 *   matrix, range and scaler flags (same libswscale; slice threading may round
 *   differently);
 * - other RGB layouts (BGR, RGBA, planar, 16-bit): exact permutations of the
 *   RGB / RGB48 result, alpha opaque;
 * - crops: within 1 of the whole-frame conversion cropped.
 * Exit code 77 (skipped) when the ffmpeg tool is missing.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavformat/avformat.h>

#include "test.h"

static pxc_context *ctx;
static char dir[256];

/* ---- helpers --------------------------------------------------------------- */

/* Runs a shell command (output to dir/ffmpeg.log); true on exit status 0. */
#define sh(...) pxc_test_sh(dir, __VA_ARGS__)

#define FF "ffmpeg -hide_banner -nostdin -loglevel error -y"
/* the scaler flags pixcodec uses for each filter */
#define SWS_FLAGS "bilinear" ACCURATE_FLAGS

typedef struct packets {
    size_t n;
    uint8_t **data;
    size_t *size;
    int64_t *pts, *dts;
    uint32_t *flags;
    uint8_t *extra;
    size_t extra_size;
    pxc_video_codec codec;
} packets;

static pxc_video_codec codec_of(enum AVCodecID id)
{
    switch (id) {
    case AV_CODEC_ID_H264: return PXC_VIDEO_CODEC_H264;
    case AV_CODEC_ID_HEVC: return PXC_VIDEO_CODEC_HEVC;
    case AV_CODEC_ID_VP9: return PXC_VIDEO_CODEC_VP9;
    case AV_CODEC_ID_AV1: return PXC_VIDEO_CODEC_AV1;
    case AV_CODEC_ID_MPEG4: return PXC_VIDEO_CODEC_MPEG4;
    default: return PXC_VIDEO_CODEC_UNKNOWN;
    }
}

/* Reads every packet of the best video stream of a file (format NULL: probed). */
static bool load_packets(const char *path, const char *format, packets *p)
{
    memset(p, 0, sizeof(*p));
    AVFormatContext *fc = NULL;
    if (avformat_open_input(&fc, path, format ? av_find_input_format(format) : NULL, NULL) < 0) return false;
    if (avformat_find_stream_info(fc, NULL) < 0) {
        avformat_close_input(&fc);
        return false;
    }
    int si = av_find_best_stream(fc, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (si < 0) {
        avformat_close_input(&fc);
        return false;
    }
    AVCodecParameters *par = fc->streams[si]->codecpar;
    p->codec = codec_of(par->codec_id);
    if (par->extradata_size > 0) {
        p->extra = malloc((size_t)par->extradata_size);
        memcpy(p->extra, par->extradata, (size_t)par->extradata_size);
        p->extra_size = (size_t)par->extradata_size;
    }
    AVPacket *pkt = av_packet_alloc();
    size_t cap = 0;
    while (av_read_frame(fc, pkt) >= 0) {
        if (pkt->stream_index == si) {
            if (p->n == cap) {
                cap = cap ? cap * 2 : 64;
                p->data = realloc(p->data, cap * sizeof(*p->data));
                p->size = realloc(p->size, cap * sizeof(*p->size));
                p->pts = realloc(p->pts, cap * sizeof(*p->pts));
                p->dts = realloc(p->dts, cap * sizeof(*p->dts));
                p->flags = realloc(p->flags, cap * sizeof(*p->flags));
            }
            p->data[p->n] = malloc((size_t)pkt->size);
            memcpy(p->data[p->n], pkt->data, (size_t)pkt->size);
            p->size[p->n] = (size_t)pkt->size;
            p->pts[p->n] = pkt->pts == AV_NOPTS_VALUE ? INT64_MIN : pkt->pts;
            p->dts[p->n] = pkt->dts == AV_NOPTS_VALUE ? INT64_MIN : pkt->dts;
            p->flags[p->n] = (pkt->flags & AV_PKT_FLAG_KEY) ? PXC_PACKET_KEY : 0;
            p->n++;
        }
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
    avformat_close_input(&fc);
    return p->n > 0;
}

static void free_packets(packets *p)
{
    for (size_t i = 0; i < p->n; i++) free(p->data[i]);
    free(p->data);
    free(p->size);
    free(p->pts);
    free(p->dts);
    free(p->flags);
    free(p->extra);
    memset(p, 0, sizeof(*p));
}

static void packet_at(const packets *p, size_t i, pxc_packet *pk)
{
    pxc_packet_init(pk);
    pk->data = p->data[i];
    pk->size = p->size[i];
    pk->pts = p->pts[i];
    pk->dts = p->dts[i];
    pk->flags = p->flags[i];
}

typedef struct frames {
    size_t n, cap;
    pxc_video_frame **f;
} frames;

static void frames_push(frames *fs, pxc_video_frame *f)
{
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 32;
        fs->f = realloc(fs->f, fs->cap * sizeof(*fs->f));
    }
    fs->f[fs->n++] = f;
}

static void frames_free(frames *fs)
{
    for (size_t i = 0; i < fs->n; i++) pxc_video_frame_release(fs->f[i]);
    free(fs->f);
    memset(fs, 0, sizeof(*fs));
}

/* Receives every ready frame; returns the status that ended the loop. */
static pxc_status receive_all(pxc_video_decoder *dec, frames *fs)
{
    for (;;) {
        pxc_video_frame *f = NULL;
        pxc_status st = pxc_video_decoder_receive_frame(dec, &f);
        if (st != PXC_OK) return st;
        frames_push(fs, f);
    }
}

/* Sends packets [from, to) (@p burst at a time between receives), then drains. False on any error. */
static bool decode_range(pxc_video_decoder *dec, const packets *p, size_t from, size_t to, int burst, frames *fs)
{
    bool ok = true;
    for (size_t i = from; i < to;) {
        for (int b = 0; b < burst && i < to; b++, i++) {
            pxc_packet pk;
            packet_at(p, i, &pk);
            pxc_status st = pxc_video_decoder_send_packet(dec, &pk);
            CHECK_MSG(st == PXC_OK, "send packet %zu: %s (%s)", i, pxc_strerror(st), pxc_video_decoder_last_error(dec));
            if (st != PXC_OK) ok = false;
        }
        pxc_status st = receive_all(dec, fs);
        CHECK_MSG(st == PXC_NEED_MORE_INPUT, "receive: %s (%s)", pxc_strerror(st), pxc_video_decoder_last_error(dec));
        if (st != PXC_NEED_MORE_INPUT) ok = false;
    }
    CHECK_OK(pxc_video_decoder_send_packet(dec, NULL));
    pxc_status st = receive_all(dec, fs);
    CHECK_MSG(st == PXC_END_OF_STREAM, "drain: %s (%s)", pxc_strerror(st), pxc_video_decoder_last_error(dec));
    return ok && st == PXC_END_OF_STREAM;
}

static pxc_video_decoder *new_decoder(const packets *p, int threads)
{
    pxc_video_decoder_settings s;
    pxc_video_decoder_default_settings(&s);
    s.codec = p->codec;
    s.extradata = p->extra;
    s.extradata_size = p->extra_size;
    s.num_threads = threads;
    pxc_video_decoder *dec = NULL;
    pxc_status st = pxc_video_decoder_create(ctx, &s, &dec);
    CHECK_MSG(st == PXC_OK, "create: %s", pxc_context_last_error(ctx));
    return dec;
}

/* What the reference raw file holds per frame. */
typedef struct ref_format {
    const char *pix_fmt; /* for ffmpeg */
    int bps;             /* 1 or 2 */
    int sx, sy;          /* chroma shifts */
    bool gray;
} ref_format;

static size_t ref_frame_size(const ref_format *r, int w, int h)
{
    size_t y = (size_t)w * (size_t)h * (size_t)r->bps;
    if (r->gray) return y;
    size_t cw = (size_t)((w + (1 << r->sx) - 1) >> r->sx), ch = (size_t)((h + (1 << r->sy) - 1) >> r->sy);
    return y + 2 * cw * ch * (size_t)r->bps;
}

static unsigned ref_get(const ref_format *r, const uint8_t *plane, size_t pitch, int x, int y)
{
    const uint8_t *p = plane + (size_t)y * pitch + (size_t)x * (size_t)r->bps;
    return r->bps == 2 ? (unsigned)(p[0] | (p[1] << 8)) : p[0];
}

static unsigned surf_get(const pxc_video_surface *s, int plane, int x, int y)
{
    const uint8_t *p = s->planes[plane] + (size_t)y * s->pitch[plane] + (size_t)x * s->bytes_per_sample;
    return s->bytes_per_sample == 2 ? *(const uint16_t *)(const void *)p : p[0];
}

/* Compares a frame's surface with one frame of ffmpeg's raw output; returns the number of mismatches. */
static size_t compare_surface(pxc_video_frame *f, const ref_format *r, const uint8_t *ref, const char *what,
                              size_t index)
{
    pxc_video_surface s;
    memset(&s, 0, sizeof(s));
    s.struct_size = sizeof(s);
    pxc_status st = pxc_video_frame_surface(f, &s);
    CHECK_MSG(st == PXC_OK, "%s frame %zu: surface: %s", what, index, pxc_context_last_error(ctx));
    if (st != PXC_OK) return 1;
    const int w = (int)s.width, h = (int)s.height;
    const int shift = s.bytes_per_sample == 2 ? 16 - (int)s.bit_depth : 0;
    const size_t ypitch = (size_t)w * (size_t)r->bps;
    const int cw = (w + (1 << r->sx) - 1) >> r->sx, ch = (h + (1 << r->sy) - 1) >> r->sy;
    const size_t cpitch = (size_t)cw * (size_t)r->bps;
    const uint8_t *ry = ref, *ru = ref + ypitch * (size_t)h, *rv = ru + cpitch * (size_t)ch;
    size_t bad = 0;
    const unsigned low_mask = (1u << shift) - 1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            unsigned v = surf_get(&s, 0, x, y);
            if ((v >> shift) != ref_get(r, ry, ypitch, x, y) || (v & low_mask)) bad++;
        }
    const unsigned neutral = 128u << (s.bytes_per_sample == 2 ? 8 : 0);
    if (s.format == PXC_SURFACE_NV12 || s.format == PXC_SURFACE_P016) {
        for (int y = 0; y < (h + 1) / 2; y++)
            for (int x = 0; x < (w + 1) / 2; x++)
                for (int c = 0; c < 2; c++) {
                    unsigned v = surf_get(&s, 1, 2 * x + c, y);
                    if (r->gray) {
                        if (v != neutral) bad++;
                    } else if ((v >> shift) != ref_get(r, c ? rv : ru, cpitch, x, y) || (v & low_mask)) {
                        bad++;
                    }
                }
    } else {
        for (int c = 1; c <= 2; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    unsigned v = surf_get(&s, c, x, y);
                    if ((v >> shift) != ref_get(r, c == 2 ? rv : ru, cpitch, x >> r->sx, y >> r->sy) ||
                        (v & low_mask))
                        bad++;
                }
    }
    CHECK_MSG(bad == 0, "%s frame %zu: %zu samples differ from ffmpeg's decode", what, index, bad);
    return bad;
}

/* Decodes @p clip and compares every frame's surface with ffmpeg's raw decode in @p r's format. */
static void check_clip_surfaces(const char *clip, const char *format, const ref_format *r,
                                pxc_surface_format expect, uint32_t depth, pxc_video_chroma chroma, int burst)
{
    char path[512], raw[512];
    snprintf(path, sizeof(path), "%s/%s", dir, clip);
    snprintf(raw, sizeof(raw), "%s/%s.%s.yuv", dir, clip, r->pix_fmt);
    packets p;
    if (!load_packets(path, format, &p)) {
        CHECK_MSG(0, "%s: cannot read its packets", clip);
        return;
    }
    if (!sh(FF " -i %s -fps_mode passthrough -f rawvideo -pix_fmt %s %s", path, r->pix_fmt, raw)) {
        CHECK_MSG(0, "%s: ffmpeg could not decode it", clip);
        free_packets(&p);
        return;
    }
    size_t ref_size = 0;
    uint8_t *ref = pxc_test_read_file(raw, &ref_size);
    pxc_video_decoder *dec = new_decoder(&p, 0);
    frames fs = {0};
    if (dec && ref) {
        decode_range(dec, &p, 0, p.n, burst, &fs);
        size_t off = 0, bad_frames = 0;
        for (size_t i = 0; i < fs.n; i++) {
            pxc_video_frame_info info;
            memset(&info, 0, sizeof(info));
            info.struct_size = sizeof(info);
            CHECK_OK(pxc_video_frame_get_info(fs.f[i], &info));
            CHECK_MSG(info.bit_depth == depth && info.chroma == chroma, "%s: depth %u chroma %d", clip, info.bit_depth,
                      (int)info.chroma);
            pxc_video_surface s;
            memset(&s, 0, sizeof(s));
            s.struct_size = sizeof(s);
            CHECK_OK(pxc_video_frame_surface(fs.f[i], &s));
            CHECK_MSG(s.format == expect, "%s: surface format %d, expected %d", clip, (int)s.format, (int)expect);
            size_t fsz = ref_frame_size(r, (int)info.width, (int)info.height);
            if (off + fsz > ref_size) {
                CHECK_MSG(0, "%s: more frames than ffmpeg's decode (%zu)", clip, i);
                break;
            }
            if (compare_surface(fs.f[i], r, ref + off, clip, i)) bad_frames++;
            off += fsz;
        }
        CHECK_MSG(off == ref_size, "%s: %zu frames decoded, ffmpeg's decode has %zu bytes more", clip, fs.n,
                  ref_size - off);
        printf("  %-24s %zu frames, %zu differ\n", clip, fs.n, bad_frames);
    }
    frames_free(&fs);
    pxc_video_decoder_destroy(dec);
    free(ref);
    free_packets(&p);
}

/*
 * Max abs difference between an image's samples and a packed reference (u8 or
 * u16 LE): interleaved like the image, or for planar images ffmpeg's gbrp
 * planes (G, B, R).
 */
static char worst_at[128];

static unsigned max_diff(const pxc_image *img, const uint8_t *ref)
{
    const pxc_image_desc *d = pxc_image_get_desc(img);
    const uint8_t *data = pxc_image_data(img);
    const size_t es = pxc_sample_size(d->sample_type);
    const bool planar = d->layout == PXC_LAYOUT_CHW;
    const size_t row = planar ? d->width : (size_t)d->width * d->num_channels;
    const size_t plane = row * d->height;
    static const int ff_plane[3] = {2, 0, 1}; /* R, G, B in gbrp */
    unsigned m = 0;
    for (uint32_t c = 0; c < (planar ? d->num_channels : 1); c++)
        for (uint32_t y = 0; y < d->height; y++)
            for (size_t i = 0; i < row; i++) {
                const uint8_t *src = data + c * d->plane_stride + y * d->row_stride;
                const size_t ri = (planar ? (size_t)ff_plane[c] * plane : 0) + (size_t)y * row + i;
                unsigned a, b;
                if (es == 2) {
                    a = ((const uint16_t *)(const void *)src)[i];
                    b = (unsigned)(ref[ri * 2] | (ref[ri * 2 + 1] << 8));
                } else {
                    a = src[i];
                    b = ref[ri];
                }
                unsigned df = a > b ? a - b : b - a;
                if (df > m) {
                    m = df;
                    snprintf(worst_at, sizeof(worst_at), "channel %u, row %u, sample %zu: %u vs %u", c, y, i, a, b);
                }
            }
    return m;
}

/* Conversions run twice: libswscale's fast paths (the default, ffmpeg's own
   flags without the two below) and params.accurate = 1 (the flags with them). */
static int accurate_mode;
#define ACCURATE_FLAGS "+accurate_rnd+full_chroma_int"

static pxc_image *convert(pxc_video_frame *f, pxc_video_format fmt, void (*tweak)(pxc_video_convert_params *, void *),
                          void *arg)
{
    pxc_video_convert_params p;
    pxc_video_convert_params_default(&p);
    p.format = fmt;
    p.accurate = accurate_mode;
    if (tweak) tweak(&p, arg);
    pxc_image *img = NULL;
    pxc_status st = pxc_video_frame_convert(f, &p, &img);
    CHECK_MSG(st == PXC_OK, "convert format %d: %s (%s)", (int)fmt, pxc_strerror(st), pxc_context_last_error(ctx));
    return img;
}

/* Compares the RGB conversion of every frame with an ffmpeg filter chain's rgb24 / rgb48le output. */
static void check_rgb(const char *what, const frames *fs, const char *clip, const char *vf, const char *pix_fmt,
                      pxc_video_format fmt, void (*tweak)(pxc_video_convert_params *, void *), void *arg)
{
    char path[512], raw[512];
    snprintf(path, sizeof(path), "%s/%s", dir, clip);
    snprintf(raw, sizeof(raw), "%s/rgb.raw", dir);
    /* the filter chains name the accurate flags; the fast mode drops them */
    char chain[1024];
    size_t o = 0;
    for (const char *q = vf; *q && o + 1 < sizeof(chain);) {
        if (!accurate_mode && !strncmp(q, ACCURATE_FLAGS, strlen(ACCURATE_FLAGS))) {
            q += strlen(ACCURATE_FLAGS);
            continue;
        }
        chain[o++] = *q++;
    }
    chain[o] = '\0';
    if (!sh(FF " -i %s -fps_mode passthrough -vf '%s,format=%s' -f rawvideo %s", path, chain, pix_fmt, raw)) {
        CHECK_MSG(0, "%s: ffmpeg failed", what);
        return;
    }
    size_t size = 0;
    uint8_t *ref = pxc_test_read_file(raw, &size);
    size_t off = 0;
    unsigned worst = 0;
    for (size_t i = 0; i < fs->n && ref; i++) {
        pxc_image *img = convert(fs->f[i], fmt, tweak, arg);
        if (!img) break;
        size_t n = pxc_image_size_bytes(img);
        if (off + n > size) {
            CHECK_MSG(0, "%s: ffmpeg gave fewer frames / bytes", what);
            pxc_image_destroy(img);
            break;
        }
        unsigned m = max_diff(img, ref + off);
        CHECK_MSG(m <= 1, "%s: frame %zu differs by %u at %s", what, i, m, worst_at);
        if (m > worst) worst = m;
        off += n;
        pxc_image_destroy(img);
    }
    CHECK_MSG(off == size, "%s: sizes differ (%zu of %zu bytes compared)", what, off, size);
    CHECK_MSG(worst <= 1, "%s: max difference %u from ffmpeg (tolerance 1)", what, worst);
    printf("  %-40s max diff %u\n", what, worst);
    free(ref);
}

/* ---- clips ----------------------------------------------------------------- */

static bool make_clips(void)
{
    const char *src = "-f lavfi -i testsrc2=size=%s:rate=25";
    char in[128];
    bool ok = true;
#define SRC(size) (snprintf(in, sizeof(in), src, size), in)
    /* 8-bit H.264 with B-frames, odd-ish size, BT.709 limited, two GOPs */
    ok &= sh(FF " %s -frames:v 24 -c:v libx264 -preset veryfast -bf 3 -g 12 -pix_fmt yuv420p "
                "-colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv %s/h264.mkv",
             SRC("642x362"), dir);
    /* full range BT.601 */
    ok &= sh(FF " %s -frames:v 6 -c:v libx264 -preset veryfast -pix_fmt yuv420p -colorspace bt470bg "
                "-color_range pc %s/h264_full.mkv", SRC("320x240"), dir);
    ok &= sh(FF " %s -frames:v 8 -c:v libx264 -preset veryfast -bf 2 -pix_fmt yuv420p10le %s/h264_10.mkv",
             SRC("320x240"), dir);
    ok &= sh(FF " %s -frames:v 6 -c:v libx264 -preset veryfast -pix_fmt yuv444p %s/h264_444.mkv", SRC("321x241"), dir);
    ok &= sh(FF " %s -frames:v 6 -c:v libx264 -preset veryfast -pix_fmt yuv422p %s/h264_422.mkv", SRC("320x240"), dir);
    /* monochrome: x264 tags it full range and libavcodec's H.264 decoder gives 4:2:0 with neutral chroma;
       x265's comes out as gray */
    ok &= sh(FF " %s -frames:v 6 -c:v libx264 -preset veryfast -pix_fmt gray %s/h264_gray.mkv", SRC("320x240"), dir);
    ok &= sh(FF " %s -frames:v 6 -c:v libx265 -preset ultrafast -x265-params log-level=error -pix_fmt gray "
                "-color_range tv %s/hevc_gray.mkv", SRC("320x240"), dir);
    ok &= sh(FF " %s -frames:v 8 -c:v libx265 -preset ultrafast -x265-params log-level=error -pix_fmt yuv420p "
                "%s/hevc.mkv", SRC("322x242"), dir);
    ok &= sh(FF " %s -frames:v 8 -c:v libx265 -preset ultrafast -x265-params log-level=error -pix_fmt yuv420p10le "
                "%s/hevc_10.mkv", SRC("320x240"), dir);
    ok &= sh(FF " %s -frames:v 8 -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -pix_fmt yuv420p %s/vp9.webm",
             SRC("320x240"), dir);
    ok &= sh(FF " %s -frames:v 6 -c:v libaom-av1 -cpu-used 8 -usage realtime -pix_fmt yuv420p %s/av1.mkv",
             SRC("192x108"), dir);
    /* a raw H.264 stream whose size changes in the middle */
    ok &= sh(FF " %s -frames:v 5 -c:v libx264 -preset veryfast -bf 2 -pix_fmt yuv420p %s/part1.h264", SRC("320x240"),
             dir);
    ok &= sh(FF " %s -frames:v 5 -c:v libx264 -preset veryfast -bf 2 -pix_fmt yuv420p %s/part2.h264", SRC("176x144"),
             dir);
    ok &= sh("(cat %s/part1.h264 %s/part2.h264 > %s/resize.h264)", dir, dir, dir);
#undef SRC
    return ok;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_surfaces(void)
{
    static const ref_format yuv420 = {"yuv420p", 1, 1, 1, false};
    static const ref_format yuvj420 = {"yuvj420p", 1, 1, 1, false};
    static const ref_format yuv420_10 = {"yuv420p10le", 2, 1, 1, false};
    static const ref_format yuv444 = {"yuv444p", 1, 0, 0, false};
    static const ref_format yuv422 = {"yuv422p", 1, 1, 0, false};
    static const ref_format gray = {"gray", 1, 0, 0, true};
    check_clip_surfaces("h264.mkv", NULL, &yuv420, PXC_SURFACE_NV12, 8, PXC_VIDEO_CHROMA_420, 1);
    check_clip_surfaces("h264.mkv", NULL, &yuv420, PXC_SURFACE_NV12, 8, PXC_VIDEO_CHROMA_420, 3); /* pending packets */
    check_clip_surfaces("h264_full.mkv", NULL, &yuvj420, PXC_SURFACE_NV12, 8, PXC_VIDEO_CHROMA_420, 1);
    check_clip_surfaces("h264_10.mkv", NULL, &yuv420_10, PXC_SURFACE_P016, 10, PXC_VIDEO_CHROMA_420, 1);
    check_clip_surfaces("h264_444.mkv", NULL, &yuv444, PXC_SURFACE_YUV444, 8, PXC_VIDEO_CHROMA_444, 1);
    check_clip_surfaces("h264_422.mkv", NULL, &yuv422, PXC_SURFACE_YUV444, 8, PXC_VIDEO_CHROMA_422, 1);
    check_clip_surfaces("h264_gray.mkv", NULL, &gray, PXC_SURFACE_NV12, 8, PXC_VIDEO_CHROMA_420, 1);
    check_clip_surfaces("hevc_gray.mkv", NULL, &gray, PXC_SURFACE_NV12, 8, PXC_VIDEO_CHROMA_400, 1);
    check_clip_surfaces("hevc.mkv", NULL, &yuv420, PXC_SURFACE_NV12, 8, PXC_VIDEO_CHROMA_420, 1);
    check_clip_surfaces("hevc_10.mkv", NULL, &yuv420_10, PXC_SURFACE_P016, 10, PXC_VIDEO_CHROMA_420, 1);
    check_clip_surfaces("vp9.webm", NULL, &yuv420, PXC_SURFACE_NV12, 8, PXC_VIDEO_CHROMA_420, 1);
    check_clip_surfaces("av1.mkv", NULL, &yuv420, PXC_SURFACE_NV12, 8, PXC_VIDEO_CHROMA_420, 1);
}

/* A resolution change mid-stream: frames come out at each part's size, equal to each part's own decode. */
static void test_resolution_change(void)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/resize.h264", dir);
    packets p;
    if (!load_packets(path, "h264", &p)) {
        CHECK_MSG(0, "resize.h264: no packets");
        return;
    }
    static const ref_format yuv420 = {"yuv420p", 1, 1, 1, false};
    CHECK(sh(FF " -i %s/part1.h264 -f rawvideo -pix_fmt yuv420p %s/part1.yuv", dir, dir));
    CHECK(sh(FF " -i %s/part2.h264 -f rawvideo -pix_fmt yuv420p %s/part2.yuv", dir, dir));
    size_t n1 = 0, n2 = 0;
    char r1[512], r2[512];
    snprintf(r1, sizeof(r1), "%s/part1.yuv", dir);
    snprintf(r2, sizeof(r2), "%s/part2.yuv", dir);
    uint8_t *ref1 = pxc_test_read_file(r1, &n1), *ref2 = pxc_test_read_file(r2, &n2);
    pxc_video_decoder *dec = new_decoder(&p, 0);
    frames fs = {0};
    if (dec && ref1 && ref2) {
        decode_range(dec, &p, 0, p.n, 1, &fs);
        CHECK_MSG(fs.n == 10, "resize.h264: %zu frames, expected 10", fs.n);
        for (size_t i = 0; i < fs.n && i < 10; i++) {
            pxc_video_frame_info info;
            memset(&info, 0, sizeof(info));
            info.struct_size = sizeof(info);
            CHECK_OK(pxc_video_frame_get_info(fs.f[i], &info));
            const uint32_t ew = i < 5 ? 320 : 176, eh = i < 5 ? 240 : 144;
            CHECK_MSG(info.width == ew && info.height == eh, "frame %zu is %ux%u", i, info.width, info.height);
            if (info.width != ew || info.height != eh) continue;
            size_t fsz = ref_frame_size(&yuv420, (int)ew, (int)eh);
            const uint8_t *ref = i < 5 ? ref1 + fsz * i : ref2 + fsz * (i - 5);
            if ((i < 5 && fsz * (i + 1) > n1) || (i >= 5 && fsz * (i - 4) > n2)) continue;
            compare_surface(fs.f[i], &yuv420, ref, "resize.h264", i);
            pxc_image *img = convert(fs.f[i], PXC_VIDEO_FORMAT_RGB, NULL, NULL);
            if (img) CHECK(pxc_image_get_desc(img)->width == ew);
            pxc_image_destroy(img);
        }
        printf("  resolution change: %zu frames\n", fs.n);
    }
    frames_free(&fs);
    pxc_video_decoder_destroy(dec);
    free(ref1);
    free(ref2);
    free_packets(&p);
}

typedef struct rgb_args {
    int matrix, full_range;
    uint32_t l, t, r, b, w, h;
    pxc_video_filter filter;
} rgb_args;

static void tweak_args(pxc_video_convert_params *p, void *arg)
{
    const rgb_args *a = arg;
    p->matrix = a->matrix;
    p->full_range = a->full_range;
    p->crop_left = a->l;
    p->crop_top = a->t;
    p->crop_right = a->r;
    p->crop_bottom = a->b;
    p->width = a->w;
    p->height = a->h;
    p->filter = a->filter;
}

static void decode_clip(const char *clip, frames *fs)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, clip);
    packets p;
    if (!load_packets(path, NULL, &p)) {
        CHECK_MSG(0, "%s: no packets", clip);
        return;
    }
    pxc_video_decoder *dec = new_decoder(&p, 0);
    if (dec) decode_range(dec, &p, 0, p.n, 1, fs);
    pxc_video_decoder_destroy(dec); /* the frames outlive the decoder */
    free_packets(&p);
}

/* The same picture in another layout: exact permutation of the RGB (or RGB48) result. */
static void check_layouts(pxc_video_frame *f, bool deep)
{
    pxc_image *rgb = convert(f, deep ? PXC_VIDEO_FORMAT_RGB48 : PXC_VIDEO_FORMAT_RGB, NULL, NULL);
    static const struct { pxc_video_format f8, f16; int order[4]; int nc; bool planar; } lay[] = {
        {PXC_VIDEO_FORMAT_BGR, PXC_VIDEO_FORMAT_BGR48, {2, 1, 0, -1}, 3, false},
        {PXC_VIDEO_FORMAT_RGBA, PXC_VIDEO_FORMAT_RGBA64, {0, 1, 2, -1}, 4, false},
        {PXC_VIDEO_FORMAT_BGRA, PXC_VIDEO_FORMAT_BGRA64, {2, 1, 0, -1}, 4, false},
    };
    if (!rgb) return;
    const pxc_image_desc *rd = pxc_image_get_desc(rgb);
    const uint8_t *rp = pxc_image_data(rgb);
    for (size_t k = 0; k < sizeof(lay) / sizeof(lay[0]); k++) {
        pxc_image *img = convert(f, deep ? lay[k].f16 : lay[k].f8, NULL, NULL);
        if (!img) continue;
        const pxc_image_desc *d = pxc_image_get_desc(img);
        const uint8_t *ip = pxc_image_data(img);
        CHECK(d->num_channels == (uint32_t)lay[k].nc && d->layout == (lay[k].planar ? PXC_LAYOUT_CHW : PXC_LAYOUT_HWC));
        CHECK(d->sample_type == (deep ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8));
        size_t bad = 0;
        const size_t es = deep ? 2 : 1;
        for (uint32_t y = 0; y < d->height; y++)
            for (uint32_t x = 0; x < d->width; x++)
                for (int c = 0; c < lay[k].nc; c++) {
                    const uint8_t *q = lay[k].planar
                                           ? ip + (size_t)c * d->plane_stride + y * d->row_stride + x * es
                                           : ip + y * d->row_stride + ((size_t)x * (size_t)lay[k].nc + (size_t)c) * es;
                    unsigned v = deep ? *(const uint16_t *)(const void *)q : *q;
                    unsigned want;
                    if (lay[k].order[c] < 0) {
                        want = deep ? 65535u : 255u;
                    } else {
                        const uint8_t *s = rp + y * rd->row_stride + ((size_t)x * 3 + (size_t)lay[k].order[c]) * es;
                        want = deep ? *(const uint16_t *)(const void *)s : *s;
                    }
                    if (v != want) bad++;
                }
        CHECK_MSG(bad == 0, "layout %d (deep %d): %zu samples differ from the RGB result", (int)lay[k].f8, deep, bad);
        pxc_image_destroy(img);
    }
    pxc_image_destroy(rgb);
}

/* Crops against the cropped whole-frame conversion. */
/* Sample (channel c, row y, column x) of an image of any layout and sample type. */
static unsigned sample_at(const pxc_image *img, uint32_t y, uint32_t x, uint32_t c)
{
    const pxc_image_desc *d = pxc_image_get_desc(img);
    const size_t es = pxc_sample_size(d->sample_type);
    const uint8_t *p = (const uint8_t *)pxc_image_data(img) + y * d->row_stride;
    p += d->layout == PXC_LAYOUT_CHW ? c * d->plane_stride + x * es : ((size_t)x * d->num_channels + c) * es;
    return es == 2 ? *(const uint16_t *)(const void *)p : *p;
}

/* A crop in format @p fmt against the cropped whole-frame conversion in the same format. */
static void check_crop_fmt(pxc_video_frame *f, pxc_video_format fmt, uint32_t l, uint32_t t, uint32_t r, uint32_t b)
{
    pxc_image *full = convert(f, fmt, NULL, NULL);
    rgb_args a = {-1, -1, l, t, r, b, 0, 0, PXC_VIDEO_FILTER_BILINEAR};
    pxc_image *crop = convert(f, fmt, tweak_args, &a);
    if (full && crop) {
        const pxc_image_desc *cd = pxc_image_get_desc(crop);
        CHECK(cd->width == r - l && cd->height == b - t);
        unsigned worst = 0;
        for (uint32_t c = 0; c < cd->num_channels; c++)
            for (uint32_t y = 0; y < cd->height; y++)
                for (uint32_t x = 0; x < cd->width; x++) {
                    int u = (int)sample_at(crop, y, x, c), v = (int)sample_at(full, y + t, x + l, c);
                    unsigned df = (unsigned)abs(u - v);
                    if (df > worst) worst = df;
                }
        CHECK_MSG(worst <= 1, "crop (%u,%u,%u,%u) format %d: max diff %u from the whole-frame conversion", l, t, r,
                  b, (int)fmt, worst);
    }
    pxc_image_destroy(full);
    pxc_image_destroy(crop);
}

static void check_crop(pxc_video_frame *f, uint32_t l, uint32_t t, uint32_t r, uint32_t b)
{
    check_crop_fmt(f, PXC_VIDEO_FORMAT_RGB, l, t, r, b);
}

static void test_conversion(void)
{
    frames fs = {0};
    decode_clip("h264.mkv", &fs);
    rgb_args a = {-1, -1, 0, 0, 0, 0, 0, 0, PXC_VIDEO_FILTER_BILINEAR};
    check_rgb("h264 BT.709 limited (stream tags) rgb24", &fs, "h264.mkv",
              "scale=in_color_matrix=bt709:in_range=tv:flags=" SWS_FLAGS, "rgb24", PXC_VIDEO_FORMAT_RGB, NULL, NULL);
    a.matrix = 5;
    a.full_range = 1;
    check_rgb("h264 override BT.601 full rgb24", &fs, "h264.mkv",
              "scale=in_color_matrix=bt601:in_range=pc:flags=" SWS_FLAGS, "rgb24", PXC_VIDEO_FORMAT_RGB, tweak_args, &a);
    a = (rgb_args){-1, -1, 0, 0, 0, 0, 320, 180, PXC_VIDEO_FILTER_BILINEAR};
    check_rgb("h264 resize 320x180 bilinear", &fs, "h264.mkv",
              "scale=320:180:in_color_matrix=bt709:in_range=tv:flags=" SWS_FLAGS, "rgb24", PXC_VIDEO_FORMAT_RGB,
              tweak_args, &a);
    a.filter = PXC_VIDEO_FILTER_BICUBIC;
    a.w = 500;
    a.h = 400;
    check_rgb("h264 resize 500x400 bicubic", &fs, "h264.mkv",
              "scale=500:400:in_color_matrix=bt709:in_range=tv:flags=bicubic+accurate_rnd+full_chroma_int", "rgb24",
              PXC_VIDEO_FORMAT_RGB, tweak_args, &a);
    a.filter = PXC_VIDEO_FILTER_AREA;
    a.w = 161;
    a.h = 91;
    check_rgb("h264 resize 161x91 area", &fs, "h264.mkv",
              "scale=161:91:in_color_matrix=bt709:in_range=tv:flags=area+accurate_rnd+full_chroma_int", "rgb24",
              PXC_VIDEO_FORMAT_RGB, tweak_args, &a);
    a.filter = PXC_VIDEO_FILTER_NEAREST;
    a.w = 321;
    a.h = 181;
    check_rgb("h264 resize 321x181 nearest", &fs, "h264.mkv",
              "scale=321:181:in_color_matrix=bt709:in_range=tv:flags=neighbor+accurate_rnd+full_chroma_int", "rgb24",
              PXC_VIDEO_FORMAT_RGB, tweak_args, &a);
    /* crop at even offsets and resize: ffmpeg's exact crop, then the scaler */
    a = (rgb_args){-1, -1, 100, 50, 400, 300, 150, 125, PXC_VIDEO_FILTER_BILINEAR};
    check_rgb("h264 crop (100,50)-(400,300) to 150x125", &fs, "h264.mkv",
              "crop=300:250:100:50:exact=1,scale=150:125:in_color_matrix=bt709:in_range=tv:flags=" SWS_FLAGS, "rgb24",
              PXC_VIDEO_FORMAT_RGB, tweak_args, &a);
    /* crop at odd offsets and resize: the whole frame converted, cropped in RGB, then resized */
    a = (rgb_args){-1, -1, 101, 51, 401, 301, 150, 125, PXC_VIDEO_FILTER_BILINEAR};
    check_rgb("h264 crop (101,51)-(401,301) to 150x125", &fs, "h264.mkv",
              "scale=in_color_matrix=bt709:in_range=tv:flags=" SWS_FLAGS
              ",format=rgb24,crop=300:250:101:51:exact=1,scale=150:125:flags=" SWS_FLAGS,
              "rgb24", PXC_VIDEO_FORMAT_RGB, tweak_args, &a);
    /* planar output takes libswscale's planar path, whose vertical chroma filter is exact where the
       interleaved 1:1 path picks the nearest chroma row or the mean of two: compared with ffmpeg's gbrp */
    check_rgb("h264 planar rgb", &fs, "h264.mkv", "scale=in_color_matrix=bt709:in_range=tv:flags=" SWS_FLAGS, "gbrp",
              PXC_VIDEO_FORMAT_RGB_PLANAR, NULL, NULL);
    check_rgb("h264 planar rgb48", &fs, "h264.mkv", "scale=in_color_matrix=bt709:in_range=tv:flags=" SWS_FLAGS,
              "gbrp16le", PXC_VIDEO_FORMAT_RGB48_PLANAR, NULL, NULL);
    /* libswscale's fast paths differ between formats (rgba64 is not rgb48 plus alpha),
       so in that mode each format is compared with ffmpeg's own output of it */
    if (!accurate_mode) {
        static const struct { const char *pix; pxc_video_format f; } other[] = {
            {"bgr24", PXC_VIDEO_FORMAT_BGR},       {"rgba", PXC_VIDEO_FORMAT_RGBA},
            {"bgra", PXC_VIDEO_FORMAT_BGRA},       {"rgb48le", PXC_VIDEO_FORMAT_RGB48},
            {"bgr48le", PXC_VIDEO_FORMAT_BGR48},   {"rgba64le", PXC_VIDEO_FORMAT_RGBA64},
            {"bgra64le", PXC_VIDEO_FORMAT_BGRA64},
        };
        for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
            char what[64];
            snprintf(what, sizeof(what), "h264 %s", other[i].pix);
            check_rgb(what, &fs, "h264.mkv", "scale=in_color_matrix=bt709:in_range=tv:flags=" SWS_FLAGS,
                      other[i].pix, other[i].f, NULL, NULL);
        }
    }
    if (fs.n) {
        if (accurate_mode) {
            check_layouts(fs.f[0], false);
            check_layouts(fs.f[fs.n - 1], true);
        }
        check_crop(fs.f[3], 100, 50, 400, 300);
        check_crop(fs.f[3], 101, 51, 400, 301);
        check_crop(fs.f[3], 1, 1, 642, 362);
        check_crop(fs.f[3], 0, 0, 1, 1);
        check_crop(fs.f[3], 641, 361, 642, 362);
        check_crop_fmt(fs.f[3], PXC_VIDEO_FORMAT_RGB_PLANAR, 101, 51, 400, 301);
        check_crop_fmt(fs.f[3], PXC_VIDEO_FORMAT_RGB48_PLANAR, 3, 5, 641, 361);
        check_crop_fmt(fs.f[3], PXC_VIDEO_FORMAT_BGRA64, 101, 51, 400, 301);
        check_crop_fmt(fs.f[3], PXC_VIDEO_FORMAT_BGRA, 17, 9, 31, 30);
    }
    frames_free(&fs);

    decode_clip("h264_full.mkv", &fs);
    check_rgb("h264 BT.601 full (stream tags) rgb24", &fs, "h264_full.mkv",
              "scale=in_color_matrix=bt601:in_range=pc:flags=" SWS_FLAGS, "rgb24", PXC_VIDEO_FORMAT_RGB, NULL, NULL);
    a = (rgb_args){-1, 0, 0, 0, 0, 0, 0, 0, PXC_VIDEO_FILTER_BILINEAR};
    check_rgb("h264 full-range stream read as limited", &fs, "h264_full.mkv",
              "scale=in_color_matrix=bt601:in_range=tv:flags=" SWS_FLAGS, "rgb24", PXC_VIDEO_FORMAT_RGB, tweak_args, &a);
    frames_free(&fs);

    decode_clip("h264_10.mkv", &fs);
    /* untagged 320x240: BT.601 limited */
    check_rgb("h264 10-bit rgb48", &fs, "h264_10.mkv", "scale=in_color_matrix=bt601:in_range=tv:flags=" SWS_FLAGS,
              "rgb48le", PXC_VIDEO_FORMAT_RGB48, NULL, NULL);
    check_rgb("h264 10-bit rgb24", &fs, "h264_10.mkv", "scale=in_color_matrix=bt601:in_range=tv:flags=" SWS_FLAGS,
              "rgb24", PXC_VIDEO_FORMAT_RGB, NULL, NULL);
    a = (rgb_args){9, -1, 0, 0, 0, 0, 0, 0, PXC_VIDEO_FILTER_BILINEAR};
    check_rgb("h264 10-bit as BT.2020 rgb48", &fs, "h264_10.mkv",
              "scale=in_color_matrix=bt2020:in_range=tv:flags=" SWS_FLAGS, "rgb48le", PXC_VIDEO_FORMAT_RGB48,
              tweak_args, &a);
    if (fs.n && accurate_mode) {
        check_layouts(fs.f[1], true);
        check_layouts(fs.f[1], false);
    }
    frames_free(&fs);

    decode_clip("h264_gray.mkv", &fs);
    check_rgb("h264 gray (full range) rgb24", &fs, "h264_gray.mkv",
              "scale=in_color_matrix=bt601:in_range=pc:flags=" SWS_FLAGS, "rgb24", PXC_VIDEO_FORMAT_RGB, NULL, NULL);
    frames_free(&fs);
    decode_clip("hevc_gray.mkv", &fs);
    check_rgb("hevc gray rgb24", &fs, "hevc_gray.mkv", "scale=in_color_matrix=bt601:in_range=tv:flags=" SWS_FLAGS,
              "rgb24", PXC_VIDEO_FORMAT_RGB, NULL, NULL);
    check_rgb("hevc gray rgb48", &fs, "hevc_gray.mkv", "scale=in_color_matrix=bt601:in_range=tv:flags=" SWS_FLAGS,
              "rgb48le", PXC_VIDEO_FORMAT_RGB48, NULL, NULL);
    if (fs.n) check_crop(fs.f[0], 33, 17, 301, 233);
    frames_free(&fs);
    decode_clip("h264_422.mkv", &fs);
    check_rgb("h264 4:2:2 rgb24", &fs, "h264_422.mkv", "scale=in_color_matrix=bt601:in_range=tv:flags=" SWS_FLAGS,
              "rgb24", PXC_VIDEO_FORMAT_RGB, NULL, NULL);
    if (fs.n) check_crop(fs.f[0], 33, 17, 301, 233);
    frames_free(&fs);
    decode_clip("hevc_10.mkv", &fs);
    if (fs.n) check_crop(fs.f[0], 33, 17, 301, 233);
    frames_free(&fs);
}

/* convert_into: a caller's image with padded rows and planes; wrong descriptions refused. */
static void test_convert_into(void)
{
    frames fs = {0};
    decode_clip("h264_10.mkv", &fs);
    if (!fs.n) return;
    pxc_video_frame *f = fs.f[0];
    pxc_image *ref = convert(f, PXC_VIDEO_FORMAT_RGB48_PLANAR, NULL, NULL);
    pxc_image_desc d;
    pxc_image_desc_init(&d);
    d.width = 320;
    d.height = 240;
    d.num_channels = 3;
    d.sample_type = PXC_SAMPLE_U16;
    d.layout = PXC_LAYOUT_CHW;
    d.row_stride = 320 * 2 + 64;
    d.plane_stride = d.row_stride * 241;
    size_t total = 0;
    CHECK_OK(pxc_image_desc_resolve(&d, &total));
    uint8_t *buf = calloc(1, total);
    pxc_image *img = NULL;
    CHECK_OK(pxc_image_create(ctx, &d, buf, &img));
    pxc_video_convert_params p;
    pxc_video_convert_params_default(&p);
    p.format = PXC_VIDEO_FORMAT_RGB48_PLANAR;
    CHECK_OK(pxc_video_frame_convert_into(f, &p, img));
    if (ref && img) {
        const pxc_image_desc *rd = pxc_image_get_desc(ref);
        size_t bad = 0;
        for (int c = 0; c < 3; c++)
            for (uint32_t y = 0; y < 240; y++)
                if (memcmp(buf + c * d.plane_stride + y * d.row_stride,
                           (const uint8_t *)pxc_image_data(ref) + c * rd->plane_stride + y * rd->row_stride, 640))
                    bad++;
        CHECK_MSG(bad == 0, "convert_into: %zu rows differ", bad);
        /* nothing written past the rows or the planes (libswscale's planar writers store whole vectors) */
        size_t touched = 0;
        for (int c = 0; c < 3; c++)
            for (uint32_t y = 0; y < 241; y++)
                for (size_t i = y < 240 ? 640 : 0; i < d.row_stride; i++) {
                    size_t at = c * d.plane_stride + y * d.row_stride + i;
                    if (at < total && buf[at]) touched++;
                }
        CHECK_MSG(touched == 0, "convert_into: %zu bytes written outside the rows", touched);
    }
    /* wrong format for the image, wrong size, a crop outside the frame, NATIVE */
    p.format = PXC_VIDEO_FORMAT_RGB;
    CHECK_STATUS(pxc_video_frame_convert_into(f, &p, img), PXC_ERROR_INVALID_ARGUMENT);
    p.format = PXC_VIDEO_FORMAT_RGB48_PLANAR;
    p.width = 100;
    CHECK_STATUS(pxc_video_frame_convert_into(f, &p, img), PXC_ERROR_INVALID_ARGUMENT);
    CHECK(strstr(pxc_context_last_error(ctx), "destination") != NULL);
    pxc_video_convert_params_default(&p);
    p.crop_right = 400;
    p.crop_bottom = 10;
    pxc_image *out = NULL;
    CHECK_STATUS(pxc_video_frame_convert(f, &p, &out), PXC_ERROR_INVALID_ARGUMENT);
    CHECK(out == NULL);
    pxc_video_convert_params_default(&p);
    p.format = PXC_VIDEO_FORMAT_NATIVE;
    CHECK_STATUS(pxc_video_frame_convert(f, &p, &out), PXC_ERROR_INVALID_ARGUMENT);
    pxc_video_convert_params_default(&p);
    p.matrix = 3;
    CHECK_STATUS(pxc_video_frame_convert(f, &p, &out), PXC_ERROR_INVALID_ARGUMENT);
    pxc_video_convert_params_default(&p);
    p.struct_size = sizeof(p) + 8;
    CHECK_STATUS(pxc_video_frame_convert(f, &p, &out), PXC_ERROR_INVALID_ARGUMENT);
    pxc_image_destroy(img);
    pxc_image_destroy(ref);
    free(buf);
    frames_free(&fs);
}

/* Drain, EOS, send-after-drain, flush and a second pass; exact seek by skip_before_pts. */
static void test_drain_flush_seek(void)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/h264.mkv", dir);
    packets p;
    if (!load_packets(path, NULL, &p)) return;
    pxc_video_decoder *dec = new_decoder(&p, 2);
    if (!dec) {
        free_packets(&p);
        return;
    }
    CHECK(strcmp(pxc_video_decoder_backend_name(dec), "cpu") == 0);
    frames a = {0}, b = {0};
    decode_range(dec, &p, 0, p.n, 1, &a);
    CHECK_MSG(a.n == 24, "%zu frames", a.n);
    pxc_video_frame *f = NULL;
    CHECK_STATUS(pxc_video_decoder_receive_frame(dec, &f), PXC_END_OF_STREAM);
    CHECK_STATUS(pxc_video_decoder_receive_frame(dec, &f), PXC_END_OF_STREAM);
    pxc_packet pk;
    packet_at(&p, 0, &pk);
    CHECK_STATUS(pxc_video_decoder_send_packet(dec, &pk), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_OK(pxc_video_decoder_flush(dec));
    decode_range(dec, &p, 0, p.n, 2, &b);
    CHECK_MSG(b.n == a.n, "second pass: %zu frames, first %zu", b.n, a.n);
    /* presentation order: increasing pts */
    for (size_t i = 1; i < a.n; i++) {
        pxc_video_frame_info x, y;
        x.struct_size = y.struct_size = sizeof(x);
        pxc_video_frame_get_info(a.f[i - 1], &x);
        pxc_video_frame_get_info(a.f[i], &y);
        CHECK_MSG(y.pts > x.pts, "frame %zu pts %lld after %lld", i, (long long)y.pts, (long long)x.pts);
    }
    /* exact seek to presentation frame 17: restart at the key frame before it, mid-stream */
    pxc_video_frame_info target;
    target.struct_size = sizeof(target);
    pxc_video_frame_get_info(a.f[17], &target);
    size_t key = 0;
    for (size_t i = 0; i < p.n; i++)
        if ((p.flags[i] & PXC_PACKET_KEY) && p.pts[i] <= target.pts) key = i;
    CHECK_MSG(key > 0, "no second key frame before frame 17 (key %zu)", key);
    CHECK_OK(pxc_video_decoder_flush(dec));
    frames c = {0};
    for (size_t i = 0; i < 5; i++) { /* some decoding before the seek */
        packet_at(&p, i, &pk);
        CHECK_OK(pxc_video_decoder_send_packet(dec, &pk));
        receive_all(dec, &c);
    }
    frames_free(&c);
    for (size_t i = key; i < p.n; i++) {
        packet_at(&p, i, &pk);
        if (i == key) {
            pk.flags |= PXC_PACKET_DISCONTINUITY;
            pk.skip_before_pts = target.pts;
        }
        CHECK_OK(pxc_video_decoder_send_packet(dec, &pk));
        receive_all(dec, &c);
    }
    CHECK_OK(pxc_video_decoder_send_packet(dec, NULL));
    CHECK_STATUS(receive_all(dec, &c), PXC_END_OF_STREAM);
    CHECK_MSG(c.n == 24 - 17, "exact seek: %zu frames, expected 7", c.n);
    for (size_t i = 0; i < c.n && 17 + i < a.n; i++) {
        pxc_video_frame_info x, y;
        x.struct_size = y.struct_size = sizeof(x);
        pxc_video_frame_get_info(c.f[i], &x);
        pxc_video_frame_get_info(a.f[17 + i], &y);
        CHECK_MSG(x.pts == y.pts, "seek frame %zu: pts %lld, expected %lld", i, (long long)x.pts, (long long)y.pts);
        pxc_image *u = convert(c.f[i], PXC_VIDEO_FORMAT_RGB, NULL, NULL);
        pxc_image *v = convert(a.f[17 + i], PXC_VIDEO_FORMAT_RGB, NULL, NULL);
        if (u && v) CHECK_MSG(memcmp(pxc_image_data(u), pxc_image_data(v), pxc_image_size_bytes(u)) == 0,
                              "seek frame %zu differs from the straight decode", i);
        pxc_image_destroy(u);
        pxc_image_destroy(v);
    }
    /* a caller that sends without receiving: refused packets (PXC_ERROR_INVALID_ARGUMENT) are sent
       again after receiving, and every frame comes out */
    CHECK_OK(pxc_video_decoder_flush(dec));
    frames g = {0};
    size_t refused = 0;
    for (size_t i = 0; i < p.n; i++) {
        packet_at(&p, i, &pk);
        pxc_status st = pxc_video_decoder_send_packet(dec, &pk);
        for (int guard = 0; st == PXC_ERROR_INVALID_ARGUMENT && guard < 3; guard++) {
            refused++;
            CHECK_STATUS(receive_all(dec, &g), PXC_NEED_MORE_INPUT);
            st = pxc_video_decoder_send_packet(dec, &pk);
        }
        CHECK_OK(st);
    }
    CHECK_OK(pxc_video_decoder_send_packet(dec, NULL));
    CHECK_STATUS(receive_all(dec, &g), PXC_END_OF_STREAM);
    CHECK_MSG(g.n == 24, "greedy sender: %zu frames", g.n);
    printf("  greedy sender: %zu packets refused until frames were received, %zu frames\n", refused, g.n);
    frames_free(&g);
    /* after reaching the end, a discontinuity restarts decoding without a flush */
    frames d = {0};
    packet_at(&p, 0, &pk);
    pk.flags |= PXC_PACKET_DISCONTINUITY;
    CHECK_OK(pxc_video_decoder_send_packet(dec, &pk));
    receive_all(dec, &d);
    decode_range(dec, &p, 1, p.n, 1, &d);
    CHECK_MSG(d.n == 24, "restart after drain: %zu frames", d.n);
    frames_free(&a);
    frames_free(&b);
    frames_free(&c);
    frames_free(&d);
    pxc_video_decoder_destroy(dec);
    free_packets(&p);
}

static bool status_ok_for_bad_input(pxc_status st)
{
    return st == PXC_OK || st == PXC_NEED_MORE_INPUT || st == PXC_ERROR_CORRUPT_DATA ||
           st == PXC_ERROR_UNSUPPORTED_FEATURE || st == PXC_ERROR_TRUNCATED_DATA;
}

/* Random and truncated packets: clear statuses, no crash, and the decoder still decodes afterwards. */
static void test_corrupt(void)
{
    static const char *const clips[] = {"h264.mkv", "hevc.mkv", "vp9.webm", "av1.mkv"};
    uint32_t rng = 99;
    for (size_t k = 0; k < sizeof(clips) / sizeof(clips[0]); k++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, clips[k]);
        packets p;
        if (!load_packets(path, NULL, &p)) continue;
        pxc_video_decoder *dec = new_decoder(&p, 2);
        if (!dec) {
            free_packets(&p);
            continue;
        }
        size_t errors = 0;
        uint8_t junk[3000];
        for (int round = 0; round < 40; round++) {
            pxc_packet pk;
            if (round % 2) {
                size_t i = (size_t)round % p.n;
                packet_at(&p, i, &pk);
                pk.size = p.size[i] / 2 + 1 > p.size[i] ? p.size[i] : p.size[i] / 2 + 1; /* truncated */
            } else {
                size_t n = 1 + pxc_test_rand(&rng) % sizeof(junk);
                for (size_t i = 0; i < n; i++) junk[i] = (uint8_t)pxc_test_rand(&rng);
                if (round % 4 == 0 && n > 4) { junk[0] = 0; junk[1] = 0; junk[2] = 1; } /* a start code */
                pxc_packet_init(&pk);
                pk.data = junk;
                pk.size = n;
            }
            pxc_status st = pxc_video_decoder_send_packet(dec, &pk);
            CHECK_MSG(status_ok_for_bad_input(st), "%s: send of a bad packet: %d", clips[k], (int)st);
            if (st < 0) {
                errors++;
                CHECK(strlen(pxc_video_decoder_last_error(dec)) > 0);
            }
            for (int guard = 0; guard < 100; guard++) {
                pxc_video_frame *f = NULL;
                st = pxc_video_decoder_receive_frame(dec, &f);
                CHECK_MSG(status_ok_for_bad_input(st), "%s: receive after a bad packet: %d", clips[k], (int)st);
                if (st < 0) errors++;
                if (f) {
                    pxc_image *img = NULL;
                    pxc_video_convert_params cp;
                    pxc_video_convert_params_default(&cp);
                    pxc_video_frame_convert(f, &cp, &img);
                    pxc_image_destroy(img);
                    pxc_video_frame_release(f);
                }
                if (st == PXC_NEED_MORE_INPUT) break;
            }
        }
        /* then the clip itself, from a discontinuity: every frame comes out */
        frames fs = {0};
        for (size_t i = 0; i < p.n; i++) {
            pxc_packet pk;
            packet_at(&p, i, &pk);
            if (i == 0) pk.flags |= PXC_PACKET_DISCONTINUITY;
            CHECK_OK(pxc_video_decoder_send_packet(dec, &pk));
            receive_all(dec, &fs);
        }
        CHECK_OK(pxc_video_decoder_send_packet(dec, NULL));
        CHECK_STATUS(receive_all(dec, &fs), PXC_END_OF_STREAM);
        CHECK_MSG(fs.n >= p.n, "%s after bad packets: %zu frames of %zu", clips[k], fs.n, p.n);
        printf("  %-10s bad packets: %zu errors reported; then %zu frames\n", clips[k], errors, fs.n);
        frames_free(&fs);
        pxc_video_decoder_destroy(dec);
        free_packets(&p);
    }
}

static void test_errors_and_limits(void)
{
    pxc_video_decoder_settings s;
    pxc_video_decoder_default_settings(&s);
    pxc_video_decoder *dec = NULL;
    s.backend = PXC_VIDEO_BACKEND_GPU;
    const bool gpu = pxc_gpu_device_count() > 0;
    if (!gpu) {
        /* no GPU: the GPU backend is refused, naming why */
        CHECK_STATUS(pxc_video_decoder_create(ctx, &s, &dec), PXC_ERROR_BACKEND_UNAVAILABLE);
        CHECK(dec == NULL);
        CHECK(strstr(pxc_context_last_error(ctx), "GPU video decoder cannot be used") != NULL);
        CHECK(strstr(pxc_context_last_error(ctx), pxc_gpu_unavailable_reason()) != NULL);
        CHECK(pxc_video_codec_supported(PXC_VIDEO_CODEC_H264, 8, PXC_VIDEO_BACKEND_GPU, 0) == 0);
        /* AUTO runs on the CPU */
        s.backend = PXC_VIDEO_BACKEND_AUTO;
        CHECK_OK(pxc_video_decoder_create(ctx, &s, &dec));
        CHECK(strcmp(pxc_video_decoder_backend_name(dec), "cpu") == 0);
        pxc_video_decoder_destroy(dec);
        dec = NULL;
        s.backend = PXC_VIDEO_BACKEND_GPU;
    }
    s.device_id = -1;
    CHECK_STATUS(pxc_video_decoder_create(ctx, &s, &dec), PXC_ERROR_INVALID_ARGUMENT);
    s.device_id = 0;
    CHECK(pxc_video_codec_supported(PXC_VIDEO_CODEC_H264, 8, PXC_VIDEO_BACKEND_CPU, 0) == 1);
    CHECK(pxc_video_codec_supported(PXC_VIDEO_CODEC_HEVC, 10, PXC_VIDEO_BACKEND_AUTO, 0) == 1);
    CHECK(pxc_video_codec_supported(PXC_VIDEO_CODEC_AV1, 8, PXC_VIDEO_BACKEND_CPU, 0) == 1);
    CHECK(pxc_video_codec_supported(PXC_VIDEO_CODEC_VP9, 8, PXC_VIDEO_BACKEND_CPU, 0) == 1);
    CHECK(pxc_video_codec_supported(PXC_VIDEO_CODEC_UNKNOWN, 8, PXC_VIDEO_BACKEND_CPU, 0) == 0);
    CHECK(pxc_video_codec_supported(PXC_VIDEO_CODEC_H264, 9, PXC_VIDEO_BACKEND_CPU, 0) == 0);
    s.backend = PXC_VIDEO_BACKEND_AUTO;
    s.codec = PXC_VIDEO_CODEC_UNKNOWN;
    CHECK_STATUS(pxc_video_decoder_create(ctx, &s, &dec), PXC_ERROR_UNSUPPORTED_FEATURE);
    s.codec = PXC_VIDEO_CODEC_H264;
    s.struct_size = 3;
    CHECK_STATUS(pxc_video_decoder_create(ctx, &s, &dec), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(pxc_video_decoder_create(ctx, NULL, NULL), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_OK(pxc_video_decoder_create(ctx, NULL, &dec)); /* defaults: H.264, AUTO -> cpu */
    if (dec) {
        CHECK(strcmp(pxc_video_decoder_backend_name(dec), "cpu") == 0);
        pxc_packet pk;
        pxc_packet_init(&pk);
        pk.size = 10;
        CHECK_STATUS(pxc_video_decoder_send_packet(dec, &pk), PXC_ERROR_INVALID_ARGUMENT);
        pk.struct_size = 1;
        CHECK_STATUS(pxc_video_decoder_send_packet(dec, &pk), PXC_ERROR_INVALID_ARGUMENT);
        CHECK(strlen(pxc_video_decoder_last_error(dec)) > 0);
        CHECK_STATUS(pxc_video_decoder_receive_frame(dec, NULL), PXC_ERROR_INVALID_ARGUMENT);
        pxc_video_frame *f = NULL;
        CHECK_STATUS(pxc_video_decoder_receive_frame(dec, &f), PXC_NEED_MORE_INPUT);
        CHECK_OK(pxc_video_decoder_send_packet(dec, NULL));
        CHECK_STATUS(pxc_video_decoder_receive_frame(dec, &f), PXC_END_OF_STREAM);
        pxc_video_decoder_destroy(dec);
    }
    pxc_video_decoder_destroy(NULL);
    pxc_video_frame_release(NULL);
    CHECK_STATUS(pxc_video_decoder_send_packet(NULL, NULL), PXC_ERROR_INVALID_ARGUMENT);

    /* the context's pixel limit and the settings' largest size */
    char path[512];
    snprintf(path, sizeof(path), "%s/h264_10.mkv", dir);
    packets p;
    if (!load_packets(path, NULL, &p)) return;
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 2;
    cs.max_pixels = 320 * 240 - 1;
    pxc_context *small = NULL;
    CHECK_OK(pxc_context_create(&cs, &small));
    pxc_video_decoder_default_settings(&s);
    s.codec = p.codec;
    s.extradata = p.extra;
    s.extradata_size = p.extra_size;
    for (int round = 0; round < 2 && small; round++) {
        pxc_context *c = round == 0 ? small : ctx;
        if (round == 1) s.max_width = 300;
        dec = NULL;
        CHECK_OK(pxc_video_decoder_create(c, &s, &dec));
        if (!dec) continue;
        bool limited = false, got_frame = false;
        for (size_t i = 0; i <= p.n; i++) {
            pxc_packet pk;
            if (i < p.n) packet_at(&p, i, &pk);
            pxc_status st = pxc_video_decoder_send_packet(dec, i < p.n ? &pk : NULL);
            if (st == PXC_ERROR_LIMIT_EXCEEDED) limited = true;
            for (int guard = 0; guard < 50; guard++) {
                pxc_video_frame *f = NULL;
                st = pxc_video_decoder_receive_frame(dec, &f);
                if (f) got_frame = true;
                pxc_video_frame_release(f);
                if (st == PXC_ERROR_LIMIT_EXCEEDED) {
                    limited = true;
                    CHECK(strstr(pxc_video_decoder_last_error(dec), "320 x 240") != NULL ||
                          strstr(pxc_video_decoder_last_error(dec), "320x240") != NULL);
                }
                if (st == PXC_NEED_MORE_INPUT || st == PXC_END_OF_STREAM) break;
            }
        }
        CHECK_MSG(limited && !got_frame, "limit round %d: limited %d, frames %d (%s)", round, limited, got_frame,
                  pxc_video_decoder_last_error(dec));
        pxc_video_decoder_destroy(dec);
    }
    pxc_context_destroy(small);
    free_packets(&p);
}

/* Several threads converting the same frames (cached scalers, lazily built surfaces). */
typedef struct thread_arg {
    frames *fs;
    pxc_image *first;
    int bad;
} thread_arg;

static void *convert_thread(void *arg)
{
    thread_arg *t = arg;
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < t->fs->n; i++) {
            pxc_video_surface s;
            memset(&s, 0, sizeof(s));
            s.struct_size = sizeof(s);
            if (pxc_video_frame_surface(t->fs->f[i], &s) != PXC_OK) t->bad++;
            pxc_video_convert_params p;
            pxc_video_convert_params_default(&p);
            p.width = (round == 1) ? 100 : 0;
            p.height = (round == 1) ? 80 : 0;
            pxc_image *img = NULL;
            if (pxc_video_frame_convert(t->fs->f[i], &p, &img) != PXC_OK) t->bad++;
            if (i == 0 && round == 0 && t->first && img &&
                memcmp(pxc_image_data(img), pxc_image_data(t->first), pxc_image_size_bytes(img)))
                t->bad++;
            pxc_image_destroy(img);
        }
    return NULL;
}

static void test_threads(void)
{
    frames fs = {0};
    decode_clip("hevc.mkv", &fs);
    if (!fs.n) return;
    pxc_image *first = convert(fs.f[0], PXC_VIDEO_FORMAT_RGB, NULL, NULL);
    thread_arg args[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (thread_arg){&fs, first, 0};
        pthread_create(&th[i], NULL, convert_thread, &args[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK_MSG(args[i].bad == 0, "thread %d: %d failures", i, args[i].bad);
    }
    pxc_image_destroy(first);
    frames_free(&fs);
}

/* zero_latency (slice threads only): the same frames; with one packet per receive, the first frame
   comes out no later than the codec's reordering needs (here within the first 5 packets). */
static void test_zero_latency(void)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/h264.mkv", dir);
    packets p;
    if (!load_packets(path, NULL, &p)) return;
    pxc_video_decoder_settings s;
    pxc_video_decoder_default_settings(&s);
    s.codec = p.codec;
    s.extradata = p.extra;
    s.extradata_size = p.extra_size;
    s.num_threads = 4;
    s.zero_latency = 1;
    pxc_video_decoder *dec = NULL;
    CHECK_OK(pxc_video_decoder_create(ctx, &s, &dec));
    frames fs = {0};
    size_t first_at = 0;
    for (size_t i = 0; dec && i < p.n; i++) {
        pxc_packet pk;
        packet_at(&p, i, &pk);
        CHECK_OK(pxc_video_decoder_send_packet(dec, &pk));
        receive_all(dec, &fs);
        if (fs.n && !first_at) first_at = i + 1;
    }
    if (dec) {
        CHECK_OK(pxc_video_decoder_send_packet(dec, NULL));
        CHECK_STATUS(receive_all(dec, &fs), PXC_END_OF_STREAM);
    }
    CHECK_MSG(fs.n == 24, "zero latency: %zu frames", fs.n);
    CHECK_MSG(first_at >= 1 && first_at <= 5, "zero latency: first frame after %zu packets", first_at);
    printf("  zero latency: first frame after %zu packets\n", first_at);
    frames_free(&fs);
    pxc_video_decoder_destroy(dec);
    free_packets(&p);
}

/* decode_only: the same frames and facts as a normal decode, surfaces laid out without pixels, and every
   use of the missing pixels refused. */
static void check_decode_only(const char *clip, pxc_surface_format want_format)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, clip);
    packets p;
    if (!load_packets(path, NULL, &p)) return;
    frames full = {0}, bare = {0};
    pxc_video_decoder *dec = new_decoder(&p, 2);
    if (dec) decode_range(dec, &p, 0, p.n, 1, &full);
    pxc_video_decoder_destroy(dec);
    pxc_video_decoder_settings s;
    pxc_video_decoder_default_settings(&s);
    s.codec = p.codec;
    s.extradata = p.extra;
    s.extradata_size = p.extra_size;
    s.decode_only = 1;
    dec = NULL;
    CHECK_OK(pxc_video_decoder_create(ctx, &s, &dec));
    if (dec) decode_range(dec, &p, 0, p.n, 3, &bare);
    CHECK_MSG(full.n > 0 && bare.n == full.n, "decode_only %s: %zu frames, %zu decoding fully", clip, bare.n, full.n);
    for (size_t i = 0; i < bare.n && i < full.n; i++) {
        pxc_video_frame_info a = {.struct_size = sizeof(a)}, b = {.struct_size = sizeof(b)};
        CHECK_OK(pxc_video_frame_get_info(full.f[i], &a));
        CHECK_OK(pxc_video_frame_get_info(bare.f[i], &b));
        CHECK_MSG(a.pts == b.pts && a.width == b.width && a.height == b.height && a.bit_depth == b.bit_depth &&
                      a.chroma == b.chroma && a.key_frame == b.key_frame && a.color.matrix == b.color.matrix &&
                      a.color.full_range == b.color.full_range,
                  "decode_only %s frame %zu: facts differ (pts %lld / %lld)", clip, i, (long long)a.pts,
                  (long long)b.pts);
        pxc_video_surface fs = {.struct_size = sizeof(fs)}, bs = {.struct_size = sizeof(bs)};
        CHECK_OK(pxc_video_frame_surface(full.f[i], &fs));
        CHECK_OK(pxc_video_frame_surface(bare.f[i], &bs));
        CHECK_MSG(bs.format == want_format && fs.format == want_format && bs.width == fs.width &&
                      bs.height == fs.height && bs.num_planes == fs.num_planes &&
                      bs.bytes_per_sample == fs.bytes_per_sample && bs.buffer_kind == PXC_BUFFER_HOST,
                  "decode_only %s frame %zu: surface layout differs", clip, i);
        for (uint32_t k = 0; k < bs.num_planes; k++)
            CHECK_MSG(!bs.planes[k] && bs.plane_height[k] == fs.plane_height[k] &&
                          bs.pitch[k] >= (size_t)bs.width * bs.bytes_per_sample,
                      "decode_only %s frame %zu plane %u: address %p, %u rows (want %u)", clip, i, k,
                      (const void *)bs.planes[k], bs.plane_height[k], fs.plane_height[k]);
    }
    if (bare.n) {
        pxc_video_frame *f = bare.f[0], *out = NULL;
        pxc_video_convert_params cp;
        pxc_video_convert_params_default(&cp);
        cp.format = PXC_VIDEO_FORMAT_RGB;
        pxc_image *img = NULL;
        CHECK_STATUS(pxc_video_frame_convert(f, &cp, &img), PXC_ERROR_INVALID_ARGUMENT);
        CHECK_MSG(strstr(pxc_context_last_error(ctx), "decode_only") != NULL, "convert: %s", pxc_context_last_error(ctx));
        CHECK_MSG(img == NULL, "decode_only: convert made an image");
        cp.width = 64;
        cp.height = 32;
        CHECK_STATUS(pxc_video_frame_resize(f, &cp, &out), PXC_ERROR_INVALID_ARGUMENT);
        CHECK_MSG(out == NULL, "decode_only: resize made a frame");
        CHECK_STATUS(pxc_video_frame_copy(f, PXC_BUFFER_HOST, -1, &out), PXC_ERROR_INVALID_ARGUMENT);
        CHECK_MSG(out == NULL, "decode_only: copy made a frame");
    }
    printf("  decode_only %s: %zu frames with facts and no pixels\n", clip, bare.n);
    frames_free(&full);
    frames_free(&bare);
    pxc_video_decoder_destroy(dec);
    free_packets(&p);
}

static void test_decode_only(void)
{
    check_decode_only("h264.mkv", PXC_SURFACE_NV12);
    check_decode_only("hevc_10.mkv", PXC_SURFACE_P016);
    check_decode_only("h264_444.mkv", PXC_SURFACE_YUV444);
    check_decode_only("h264_422.mkv", PXC_SURFACE_YUV444); /* 4:2:2 comes out on 4:4:4 surfaces */
    check_decode_only("hevc_gray.mkv", PXC_SURFACE_NV12);
}

/* pxc_video_decoder_create_for() over pixcodec's demuxer, when it opens the clip. */
static void test_create_for(void)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/h264.mkv", dir);
    pxc_demuxer *dmx = NULL;
    if (pxc_demuxer_open_file(ctx, path, &dmx) != PXC_OK) {
        printf("  create_for: the demuxer does not open the clip (%s); skipped\n", pxc_context_last_error(ctx));
        return;
    }
    pxc_video_decoder *dec = NULL;
    CHECK_OK(pxc_video_decoder_create_for(ctx, dmx, NULL, &dec));
    size_t n = 0;
    for (int guard = 0; dec && guard < 1000; guard++) {
        pxc_packet pk;
        pxc_packet_init(&pk);
        if (pxc_demuxer_read_packet(dmx, &pk) != PXC_OK) break;
        pxc_status st = pxc_video_decoder_send_packet(dec, &pk);
        CHECK_MSG(st == PXC_OK, "create_for: send: %s", pxc_video_decoder_last_error(dec));
        for (;;) {
            pxc_video_frame *f = NULL;
            st = pxc_video_decoder_receive_frame(dec, &f);
            if (st != PXC_OK) break;
            n++;
            pxc_video_frame_release(f);
        }
        if (!pk.size) break;
    }
    CHECK_MSG(n == 24, "create_for: %zu frames", n);
    printf("  create_for: %zu frames through pixcodec's demuxer\n", n);
    pxc_video_decoder_destroy(dec);
    pxc_demuxer_destroy(dmx);
}

int main(void)
{
    if (system("ffmpeg -hide_banner -loglevel error -version >/dev/null 2>&1") != 0) {
        printf("test_video_decode: the ffmpeg tool is missing; skipped\n");
        return 77;
    }
    snprintf(dir, sizeof(dir), "/tmp/pxc-vdec-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 2;
    if (pxc_context_create(&cs, &ctx) != PXC_OK) return 1;
    if (!make_clips()) {
        CHECK_MSG(0, "could not make the test clips (see %s/ffmpeg.log)", dir);
    } else {
        test_errors_and_limits();
        test_surfaces();
        test_resolution_change();
        for (accurate_mode = 0; accurate_mode <= 1; accurate_mode++) test_conversion();
        accurate_mode = 0;
        test_convert_into();
        test_drain_flush_seek();
        test_corrupt();
        test_threads();
        test_zero_latency();
        test_create_for();
        test_decode_only();
    }
    pxc_context_destroy(ctx);
    if (!pxc_test_failures) {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    } else {
        fprintf(stderr, "clips kept in %s\n", dir);
    }
    return pxc_test_summary("test_video_decode");
}
