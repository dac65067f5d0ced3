/* Video demuxer through the public API: clips made at run time with the ffmpeg
 * CLI (H.264 8/10-bit, HEVC, VP9, AV1 in MP4, MKV, WebM, TS, AVI, IVF and raw
 * Annex-B), compared with ffprobe: stream info, frame counts, packet
 * timestamps and key flags, Annex-B packets, seeking by frame number and by
 * timestamp with B-frames, open GOPs and a variable frame rate (the target
 * frame decoded by libavcodec from where a seek lands, compared with a decode
 * from the start), memory input, errors.
 * Exits 77 (ctest SKIP) when ffmpeg or ffprobe is missing. */
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>

#include "test.h"

#define SKIP_CODE 77
#define MAX_PKTS 4096

static pxc_context *ctx;
static char dir[64];

/* ---- helpers ----------------------------------------------------------- */

static bool have_tool(const char *name)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "%s -version >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

static bool have_encoder(const char *name)
{
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "ffmpeg -hide_banner -encoders 2>/dev/null | grep -q ' %s '", name);
    return system(cmd) == 0;
}

static const char *path_of(const char *name)
{
    static char p[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
    return p[i];
}

/* Runs ffmpeg with @p args writing @p name in the temp dir; false when it fails. */
static bool make_clip(const char *name, const char *args)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "ffmpeg -nostdin -hide_banner -loglevel error -y %s '%s' >/dev/null 2>&1", args,
             path_of(name));
    if (system(cmd) != 0) {
        fprintf(stderr, "note: could not make %s (ffmpeg %s)\n", name, args);
        return false;
    }
    return true;
}

/* Packets as ffprobe sees them, in decode order. */
typedef struct probe_pkts {
    int n;
    int64_t pts[MAX_PKTS], dts[MAX_PKTS];
    bool key[MAX_PKTS];
} probe_pkts;

#define NOTS INT64_MIN

static int64_t parse_ts(const char *s)
{
    return (s[0] == 'N' || s[0] == '\0') ? NOTS : strtoll(s, NULL, 10);
}

static bool probe_packets(const char *name, probe_pkts *pp)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             "ffprobe -v error -select_streams v:0 -show_entries packet=pts,dts,flags -of csv=p=0 '%s'",
             path_of(name));
    FILE *f = popen(cmd, "r");
    if (!f) return false;
    char line[256];
    pp->n = 0;
    while (fgets(line, sizeof(line), f) && pp->n < MAX_PKTS) {
        char *a = strtok(line, ",\n"), *b = a ? strtok(NULL, ",\n") : NULL, *c = b ? strtok(NULL, ",\n") : NULL;
        if (!c) continue;
        pp->pts[pp->n] = parse_ts(a);
        pp->dts[pp->n] = parse_ts(b);
        pp->key[pp->n] = c[0] == 'K';
        pp->n++;
    }
    return pclose(f) == 0;
}

/* One ffprobe stream entry (e.g. "nb_read_packets" with -count_packets) as text. */
static bool probe_value(const char *name, const char *extra, const char *entry, char *out, size_t outsz)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "ffprobe -v error %s -select_streams v:0 -show_entries %s -of csv=p=0 '%s'", extra,
             entry, path_of(name));
    FILE *f = popen(cmd, "r");
    if (!f) return false;
    out[0] = '\0';
    char *got = fgets(out, (int)outsz, f);
    pclose(f);
    if (!got) return false;
    out[strcspn(out, ",\r\n")] = '\0';
    return true;
}

static int64_t probe_count(const char *name)
{
    char v[64];
    if (!probe_value(name, "-count_packets", "stream=nb_read_packets", v, sizeof(v))) return -1;
    return strtoll(v, NULL, 10);
}

/* What the demuxer gives, in decode order. */
typedef struct our_pkts {
    int n;
    int64_t pts[MAX_PKTS], dts[MAX_PKTS];
    size_t size[MAX_PKTS];
    bool key[MAX_PKTS];
    bool annexb_ok;
} our_pkts;

static bool starts_annexb(const uint8_t *d, size_t n)
{
    return (n >= 3 && d[0] == 0 && d[1] == 0 && d[2] == 1) ||
           (n >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 1);
}

static void read_all(pxc_demuxer *dmx, our_pkts *op, bool annexb)
{
    pxc_packet pkt;
    pxc_packet_init(&pkt);
    op->n = 0;
    op->annexb_ok = true;
    for (;;) {
        pxc_status st = pxc_demuxer_read_packet(dmx, &pkt);
        CHECK_MSG(st == PXC_OK, "read_packet: %s", pxc_demuxer_last_error(dmx));
        if (st != PXC_OK || pkt.size == 0 || op->n >= MAX_PKTS) break;
        op->pts[op->n] = pkt.pts;
        op->dts[op->n] = pkt.dts;
        op->size[op->n] = pkt.size;
        op->key[op->n] = (pkt.flags & PXC_PACKET_KEY) != 0;
        if (annexb && !starts_annexb(pkt.data, pkt.size)) op->annexb_ok = false;
        op->n++;
    }
}

static pxc_demuxer *open_clip(const char *name, pxc_video_info *info)
{
    pxc_demuxer *dmx = NULL;
    pxc_status st = pxc_demuxer_open_file(ctx, path_of(name), &dmx);
    CHECK_MSG(st == PXC_OK, "open %s: %s", name, pxc_context_last_error(ctx));
    if (st != PXC_OK) return NULL;
    memset(info, 0, sizeof(*info));
    info->struct_size = sizeof(*info);
    CHECK_OK(pxc_demuxer_get_info(dmx, info));
    return dmx;
}

/* The key frame to decode from for the packet at decode index t (reference rule). */
static int expected_key(const our_pkts *op, int t)
{
    int first = -1;
    for (int i = t; i >= 0; i--) {
        if (!op->key[i]) continue;
        first = i;
        if (op->pts[i] <= op->pts[t]) return i;
    }
    return first >= 0 ? first : 0;
}

/* Decode index of frame number f (presentation order). */
static int decode_index_of_frame(const our_pkts *op, int f)
{
    for (int i = 0; i < op->n; i++) {
        int rank = 0;
        for (int j = 0; j < op->n; j++)
            if (op->pts[j] < op->pts[i] || (op->pts[j] == op->pts[i] && j < i)) rank++;
        if (rank == f) return i;
    }
    return -1;
}

/* Whether every packet (decode order) has the same presentation rank in both lists. */
static bool same_order(const our_pkts *a, const our_pkts *b, const char *name)
{
    bool ok = a->n == b->n;
    for (int i = 0; ok && i < a->n; i++) {
        int r1 = 0, r2 = 0;
        for (int j = 0; j < a->n; j++) {
            r1 += a->pts[j] < a->pts[i];
            r2 += b->pts[j] < b->pts[i];
        }
        if (r1 != r2) {
            fprintf(stderr, "%s: packet %d is frame %d, in the reference frame %d\n", name, i, r1, r2);
            ok = false;
        }
    }
    return ok;
}

/* Seeks to frame f (and to its pts + 1 by timestamp), checks where the demuxer lands. */
static void check_seek(pxc_demuxer *dmx, const our_pkts *op, int f, const char *name)
{
    int t = decode_index_of_frame(op, f);
    CHECK(t >= 0);
    if (t < 0) return;
    int k = expected_key(op, t);
    for (int variant = 0; variant < 4; variant++) {
        pxc_seek_mode mode = (variant & 1) ? PXC_SEEK_PREVIOUS_KEY : PXC_SEEK_EXACT;
        pxc_seek_by by = (variant & 2) ? PXC_SEEK_BY_TIMESTAMP : PXC_SEEK_BY_FRAME;
        int64_t target = by == PXC_SEEK_BY_FRAME ? f : op->pts[t];
        int64_t tpts = 0;
        pxc_status st = pxc_demuxer_seek(dmx, target, by, mode, &tpts);
        CHECK_MSG(st == PXC_OK, "%s: seek frame %d variant %d: %s", name, f, variant, pxc_demuxer_last_error(dmx));
        if (st != PXC_OK) continue;
        CHECK_MSG(tpts == (mode == PXC_SEEK_EXACT ? op->pts[t] : op->pts[k]),
                  "%s: frame %d variant %d: target pts %lld", name, f, variant, (long long)tpts);
        pxc_packet pkt;
        pxc_packet_init(&pkt);
        CHECK_OK(pxc_demuxer_read_packet(dmx, &pkt));
        /* the TS parser may give a frame one leading zero byte more after a seek */
        size_t slack = strstr(name, ".ts") ? 1 : 0;
        CHECK_MSG(pkt.size + slack >= op->size[k] && pkt.size <= op->size[k] + slack && pkt.pts == op->pts[k] &&
                      pkt.dts == op->dts[k],
                  "%s: frame %d (decode %d) variant %d: landed on pts %lld dts %lld size %zu, expected key %d pts %lld",
                  name, f, t, variant, (long long)pkt.pts, (long long)pkt.dts, pkt.size, k, (long long)op->pts[k]);
        CHECK(pkt.flags & PXC_PACKET_DISCONTINUITY);
        CHECK(k == 0 || (pkt.flags & PXC_PACKET_KEY));
        CHECK(pkt.skip_before_pts == (mode == PXC_SEEK_EXACT ? op->pts[t] : INT64_MIN));
        /* reading on goes through the stream in decode order */
        int i = k + 1;
        for (; i < op->n && i <= t + 2; i++) {
            CHECK_OK(pxc_demuxer_read_packet(dmx, &pkt));
            CHECK_MSG(pkt.pts == op->pts[i] && pkt.size + slack >= op->size[i] && pkt.size <= op->size[i] + slack &&
                          !(pkt.flags & PXC_PACKET_DISCONTINUITY),
                      "%s: after seek to %d, packet %d differs", name, f, i);
        }
    }
}

/* ---- decoding after a seek (libavcodec as an independent decoder) ------------------ */

typedef struct decoded {
    int n;
    int64_t pts[MAX_PKTS];
    uint32_t sum[MAX_PKTS];
} decoded;

/* A checksum of a frame's luma plane. */
static uint32_t luma_sum(const AVFrame *f)
{
    int bps = f->format == AV_PIX_FMT_YUV420P10LE || f->format == AV_PIX_FMT_YUV444P10LE ? 2 : 1;
    uint32_t h = 2166136261u;
    for (int y = 0; y < f->height; y++) {
        const uint8_t *row = f->data[0] + (ptrdiff_t)y * f->linesize[0];
        for (int x = 0; x < f->width * bps; x++) h = (h ^ row[x]) * 16777619u;
    }
    return h;
}

/*
 * Decodes packets from the demuxer's current position (with a fresh decoder)
 * until a frame of pts @p until comes out (INT64_MIN: to the end); records every
 * frame. Returns false on a decoder error.
 */
static bool decode_from_here(pxc_demuxer *dmx, const pxc_video_info *info, int64_t until, decoded *out)
{
    const AVCodec *c = avcodec_find_decoder(info->codec == PXC_VIDEO_CODEC_HEVC ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264);
    AVCodecContext *cc = c ? avcodec_alloc_context3(c) : NULL;
    AVPacket *ap = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    bool ok = cc && ap && fr;
    size_t xs = 0;
    const uint8_t *x = pxc_demuxer_extradata(dmx, &xs);
    if (ok && x && xs) {
        cc->extradata = av_mallocz(xs + AV_INPUT_BUFFER_PADDING_SIZE);
        if (cc->extradata) {
            memcpy(cc->extradata, x, xs);
            cc->extradata_size = (int)xs;
        }
    }
    cc->thread_count = 1;
    ok = ok && avcodec_open2(cc, c, NULL) >= 0;
    out->n = 0;
    bool done = false, draining = false;
    while (ok && !done) {
        pxc_packet pkt;
        pxc_packet_init(&pkt);
        if (!draining) {
            if (pxc_demuxer_read_packet(dmx, &pkt) != PXC_OK) {
                ok = false;
                break;
            }
        }
        if (!draining && pkt.size) {
            if (av_new_packet(ap, (int)pkt.size) < 0) {
                ok = false;
                break;
            }
            memcpy(ap->data, pkt.data, pkt.size);
            ap->pts = pkt.pts;
            ap->dts = pkt.dts;
            int r = avcodec_send_packet(cc, ap);
            av_packet_unref(ap);
            if (r < 0 && r != AVERROR_INVALIDDATA) ok = false;
        } else if (!draining) {
            draining = true;
            avcodec_send_packet(cc, NULL);
        }
        for (;;) {
            int r = avcodec_receive_frame(cc, fr);
            if (r == AVERROR(EAGAIN)) break;
            if (r < 0) {
                done = true;
                break;
            }
            if (out->n < MAX_PKTS) {
                out->pts[out->n] = fr->pts;
                out->sum[out->n] = luma_sum(fr);
                out->n++;
            }
            if (until != INT64_MIN && fr->pts == until) done = true;
            av_frame_unref(fr);
        }
    }
    av_frame_free(&fr);
    av_packet_free(&ap);
    avcodec_free_context(&cc);
    return ok;
}

/* Exact seeks, decoded: the target frame comes out, with the pixels of a decode from the start. */
static void check_seek_decodes(const char *name, const int *frames, size_t count)
{
    pxc_video_info info;
    pxc_demuxer *dmx = open_clip(name, &info);
    if (!dmx) return;
    static decoded ref, got;
    CHECK(decode_from_here(dmx, &info, INT64_MIN, &ref));
    CHECK_MSG(ref.n == info.num_frames, "%s: %d frames decoded of %lld", name, ref.n, (long long)info.num_frames);
    for (size_t i = 0; i < count; i++) {
        int64_t f = frames[i] < 0 ? info.num_frames + frames[i] : frames[i];
        if (f < 0 || f >= info.num_frames) continue;
        int64_t tpts = 0, key = -1, key_pkt = -1, key_pts = 0;
        /* pxc_demuxer_seek_start names the key frame the seek then starts from */
        CHECK_OK(pxc_demuxer_seek_start(dmx, f, &key, &key_pkt));
        CHECK_MSG(key >= 0 && key_pkt >= 0 && key_pkt < info.num_frames, "%s: seek_start(%lld) = %lld, packet %lld",
                  name, (long long)f, (long long)key, (long long)key_pkt);
        CHECK_OK(pxc_demuxer_frame_pts(dmx, key, &key_pts));
        CHECK_OK(pxc_demuxer_seek(dmx, f, PXC_SEEK_BY_FRAME, PXC_SEEK_EXACT, &tpts));
        {
            pxc_packet first;
            pxc_packet_init(&first);
            CHECK_OK(pxc_demuxer_read_packet(dmx, &first));
            CHECK_MSG((first.flags & PXC_PACKET_KEY) && first.pts == key_pts,
                      "%s: seek to %lld starts at pts %lld, seek_start said frame %lld (pts %lld)", name, (long long)f,
                      (long long)first.pts, (long long)key, (long long)key_pts);
            CHECK_OK(pxc_demuxer_seek(dmx, f, PXC_SEEK_BY_FRAME, PXC_SEEK_EXACT, &tpts));
        }
        CHECK(decode_from_here(dmx, &info, tpts, &got));
        int at = -1, ref_at = -1;
        for (int j = 0; j < got.n; j++)
            if (got.pts[j] == tpts) at = j;
        for (int j = 0; j < ref.n; j++)
            if (ref.pts[j] == tpts) ref_at = j;
        CHECK_MSG(at >= 0 && ref_at >= 0, "%s: frame %lld (pts %lld) not decoded after the seek", name, (long long)f,
                  (long long)tpts);
        if (at >= 0 && ref_at >= 0)
            CHECK_MSG(got.sum[at] == ref.sum[ref_at], "%s: frame %lld differs when decoded after a seek", name,
                      (long long)f);
        CHECK_MSG(ref_at == f, "%s: frame %lld is output %d of a decode from the start", name, (long long)f, ref_at);
    }
    pxc_demuxer_destroy(dmx);
}

/* Opens a clip and checks it against ffprobe; returns the packets read (for further checks). */
static pxc_demuxer *check_clip(const char *name, pxc_video_codec codec, uint32_t w, uint32_t h, uint32_t depth,
                               pxc_video_chroma chroma, bool compare_ts, our_pkts *op, pxc_video_info *info)
{
    pxc_demuxer *dmx = open_clip(name, info);
    if (!dmx) return NULL;
    CHECK_MSG(info->codec == codec, "%s: codec %d (%s)", name, (int)info->codec, info->codec_name);
    CHECK_MSG(info->width == w && info->height == h, "%s: %ux%u", name, info->width, info->height);
    CHECK_MSG(info->bit_depth == depth, "%s: depth %u", name, info->bit_depth);
    CHECK_MSG(info->chroma == chroma, "%s: chroma %d", name, (int)info->chroma);
    CHECK(info->time_base_num > 0 && info->time_base_den > 0);
    CHECK(info->frame_rate > 0);
    CHECK(info->duration > 0);
    int64_t count = probe_count(name);
    CHECK_MSG(info->num_frames == count, "%s: %lld frames, ffprobe counts %lld", name, (long long)info->num_frames,
              (long long)count);
    bool annexb = codec == PXC_VIDEO_CODEC_H264 || codec == PXC_VIDEO_CODEC_HEVC;
    read_all(dmx, op, annexb);
    CHECK_MSG(op->n == info->num_frames, "%s: read %d packets of %lld", name, op->n, (long long)info->num_frames);
    CHECK_MSG(op->annexb_ok, "%s: a packet does not start with an Annex-B start code", name);
    if (annexb) {
        size_t xs = 0;
        const uint8_t *x = pxc_demuxer_extradata(dmx, &xs);
        CHECK_MSG(x && starts_annexb(x, xs), "%s: extradata is not Annex-B", name);
    }
    static probe_pkts pp;
    if (probe_packets(name, &pp)) {
        CHECK_MSG(pp.n == op->n, "%s: ffprobe shows %d packets, we read %d", name, pp.n, op->n);
        for (int i = 0; i < pp.n && i < op->n; i++) {
            CHECK_MSG(pp.key[i] == op->key[i], "%s: packet %d key %d vs ffprobe %d", name, i, op->key[i], pp.key[i]);
            if (compare_ts)
                /* ffprobe shows no dts where libavformat could not guess one yet (MKV's first packets) */
                CHECK_MSG(pp.pts[i] == op->pts[i] && (pp.dts[i] == NOTS || pp.dts[i] == op->dts[i]),
                          "%s: packet %d pts/dts %lld/%lld vs ffprobe %lld/%lld", name, i, (long long)op->pts[i],
                          (long long)op->dts[i], (long long)pp.pts[i], (long long)pp.dts[i]);
        }
    }
    /* frame numbers and pts agree; pts strictly increase in presentation order */
    int64_t prev = INT64_MIN;
    for (int64_t f = 0; f < info->num_frames; f++) {
        int64_t pts = 0, back = -1;
        CHECK_OK(pxc_demuxer_frame_pts(dmx, f, &pts));
        CHECK_OK(pxc_demuxer_frame_at(dmx, pts, &back));
        CHECK_MSG(back == f, "%s: frame %lld at pts %lld maps back to %lld", name, (long long)f, (long long)pts,
                  (long long)back);
        CHECK(pts > prev);
        if (f == 0) CHECK(pts == info->start_pts);
        prev = pts;
    }
    for (int i = 0; i < op->n; i++) CHECK_MSG(op->dts[i] <= op->pts[i], "%s: packet %d dts > pts", name, i);
    /* seeks: first, second, a few inside, last */
    int n = op->n;
    int frames[] = {0, 1, n / 3, n / 2 + 1, (2 * n) / 3 + 2, n - 2, n - 1};
    for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
        if (frames[i] >= 0 && frames[i] < n) check_seek(dmx, op, frames[i], name);
    /* out of range */
    int64_t tp;
    CHECK_STATUS(pxc_demuxer_seek(dmx, -1, PXC_SEEK_BY_FRAME, PXC_SEEK_EXACT, &tp), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(pxc_demuxer_seek(dmx, n, PXC_SEEK_BY_FRAME, PXC_SEEK_EXACT, &tp), PXC_ERROR_INVALID_ARGUMENT);
    CHECK(strlen(pxc_demuxer_last_error(dmx)) > 0);
    CHECK_STATUS(pxc_demuxer_seek(dmx, info->start_pts - 1, PXC_SEEK_BY_TIMESTAMP, PXC_SEEK_EXACT, &tp),
                 PXC_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(pxc_demuxer_frame_pts(dmx, n, &tp), PXC_ERROR_INVALID_ARGUMENT);
    /* after a failed seek the demuxer still reads from where it was */
    CHECK_OK(pxc_demuxer_seek(dmx, 0, PXC_SEEK_BY_FRAME, PXC_SEEK_EXACT, &tp));
    our_pkts *again = malloc(sizeof(*again));
    if (again) {
        read_all(dmx, again, annexb);
        CHECK_MSG(again->n == op->n, "%s: %d packets after a seek to 0", name, again->n);
        free(again);
    }
    return dmx;
}

/* ---- clips ----------------------------------------------------------------- */

#define SRC "-f lavfi -i testsrc2=size=642x362:rate=25 "

static void test_h264_containers(void)
{
    static our_pkts mp4, other;
    pxc_video_info info, oi;
    if (!have_encoder("libx264")) {
        fprintf(stderr, "note: no libx264: H.264 clips skipped\n");
        return;
    }
    if (!make_clip("h264.mp4", SRC "-frames:v 60 -c:v libx264 -bf 3 -g 12 -pix_fmt yuv420p")) return;
    pxc_demuxer *dmx =
        check_clip("h264.mp4", PXC_VIDEO_CODEC_H264, 642, 362, 8, PXC_VIDEO_CHROMA_420, true, &mp4, &info);
    CHECK(strstr(info.container, "mp4") != NULL);
    CHECK(info.num_frames == 60);
    CHECK(info.frame_rate > 24.9 && info.frame_rate < 25.1);
    CHECK(info.duration > 2.3 && info.duration < 2.5);
    CHECK(info.rotation == 0);
    /* memory input, borrowed and copied: the same packets */
    size_t size = 0;
    unsigned char *bytes = pxc_test_read_file(path_of("h264.mp4"), &size);
    CHECK(bytes != NULL);
    for (int mode = 0; bytes && mode < 2; mode++) {
        pxc_demuxer *m = NULL;
        CHECK_OK(pxc_demuxer_open_memory(ctx, bytes, size, mode ? PXC_MEMORY_COPY : PXC_MEMORY_BORROW, &m));
        if (!m) continue;
        pxc_video_info mi;
        memset(&mi, 0, sizeof(mi));
        mi.struct_size = sizeof(mi);
        CHECK_OK(pxc_demuxer_get_info(m, &mi));
        CHECK(mi.num_frames == info.num_frames && mi.width == info.width);
        if (mode) memset(bytes, 0, size); /* the copy must not need the caller's bytes */
        read_all(m, &other, true);
        CHECK(other.n == mp4.n);
        for (int i = 0; i < other.n && i < mp4.n; i++)
            CHECK(other.size[i] == mp4.size[i] && other.pts[i] == mp4.pts[i]);
        check_seek(m, &mp4, 37, "memory mp4");
        pxc_demuxer_destroy(m);
    }
    free(bytes);
    pxc_demuxer_destroy(dmx);

    /* the same bitstream in other containers: the same packets, the same presentation order */
    const char *copies[][2] = {{"h264.mkv", "-c copy"}, {"h264.ts", "-c copy"}, {"h264.avi", "-c copy"},
                               {"h264.h264", "-c copy -bsf:v h264_mp4toannexb -f h264"}};
    for (size_t c = 0; c < sizeof(copies) / sizeof(copies[0]); c++) {
        char args[256];
        snprintf(args, sizeof(args), "-i '%s' %s", path_of("h264.mp4"), copies[c][1]);
        if (!make_clip(copies[c][0], args)) continue;
        /* AVI and raw streams carry no pts: ours come from the index, not comparable with ffprobe's */
        bool ts = c < 2;
        pxc_demuxer *d =
            check_clip(copies[c][0], PXC_VIDEO_CODEC_H264, 642, 362, 8, PXC_VIDEO_CHROMA_420, ts, &other, &oi);
        CHECK(oi.num_frames == 60);
        CHECK_MSG(other.n == mp4.n, "%s: %d packets", copies[c][0], other.n);
        for (int i = 0; i < other.n && i < mp4.n; i++) {
            /* sizes equal except TS (AUD NAL units added by the muxer) */
            if (c != 1)
                CHECK_MSG(other.size[i] == mp4.size[i], "%s: packet %d size %zu vs %zu", copies[c][0], i,
                          other.size[i], mp4.size[i]);
            CHECK(other.key[i] == mp4.key[i]);
        }
        /* presentation rank of every packet is the mp4's */
        CHECK(same_order(&other, &mp4, copies[c][0]));
        if (c == 3) CHECK(strcmp(oi.container, "h264") == 0);
        pxc_demuxer_destroy(d);
    }
}

static void test_more_codecs(void)
{
    static our_pkts op;
    pxc_video_info info;
    pxc_demuxer *d;
    if (have_encoder("libx264") &&
        make_clip("h264_10.mkv", SRC "-frames:v 30 -c:v libx264 -bf 2 -g 10 -pix_fmt yuv420p10le")) {
        d = check_clip("h264_10.mkv", PXC_VIDEO_CODEC_H264, 642, 362, 10, PXC_VIDEO_CHROMA_420, true, &op, &info);
        CHECK(strstr(info.container, "matroska") != NULL);
        pxc_demuxer_destroy(d);
    }
    if (have_encoder("libx264") && make_clip("h264_444.mp4", SRC "-frames:v 20 -c:v libx264 -pix_fmt yuv444p")) {
        d = check_clip("h264_444.mp4", PXC_VIDEO_CODEC_H264, 642, 362, 8, PXC_VIDEO_CHROMA_444, true, &op, &info);
        pxc_demuxer_destroy(d);
    }
    if (have_encoder("libx265")) {
        if (make_clip("hevc.mp4", SRC "-frames:v 40 -c:v libx265 -pix_fmt yuv420p10le "
                                      "-x265-params log-level=none:keyint=15:bframes=4")) {
            d = check_clip("hevc.mp4", PXC_VIDEO_CODEC_HEVC, 642, 362, 10, PXC_VIDEO_CHROMA_420, true, &op, &info);
            pxc_demuxer_destroy(d);
            char args[256];
            snprintf(args, sizeof(args), "-i '%s' -c copy -bsf:v hevc_mp4toannexb -f hevc", path_of("hevc.mp4"));
            if (make_clip("hevc.hevc", args)) {
                static our_pkts raw;
                d = check_clip("hevc.hevc", PXC_VIDEO_CODEC_HEVC, 642, 362, 10, PXC_VIDEO_CHROMA_420, false, &raw,
                               &info);
                CHECK(same_order(&raw, &op, "hevc.hevc"));
                pxc_demuxer_destroy(d);
            }
            snprintf(args, sizeof(args), "-i '%s' -c copy", path_of("hevc.mp4"));
            if (make_clip("hevc.ts", args)) {
                d = check_clip("hevc.ts", PXC_VIDEO_CODEC_HEVC, 642, 362, 10, PXC_VIDEO_CHROMA_420, true, &op, &info);
                pxc_demuxer_destroy(d);
            }
        }
    }
    if (have_encoder("libvpx-vp9")) {
        if (make_clip("vp9.webm", SRC "-frames:v 20 -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -g 8")) {
            d = check_clip("vp9.webm", PXC_VIDEO_CODEC_VP9, 642, 362, 8, PXC_VIDEO_CHROMA_420, true, &op, &info);
            pxc_demuxer_destroy(d);
        }
        if (make_clip("vp9.ivf", SRC "-frames:v 12 -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -g 5")) {
            d = check_clip("vp9.ivf", PXC_VIDEO_CODEC_VP9, 642, 362, 8, PXC_VIDEO_CHROMA_420, true, &op, &info);
            pxc_demuxer_destroy(d);
        }
    }
    /* MPEG-4 part 2 with B-frames in AVI (no pts there) against the same stream in MP4 */
    if (make_clip("mpeg4.mp4", SRC "-frames:v 30 -c:v mpeg4 -bf 2 -g 10")) {
        static our_pkts ref;
        d = check_clip("mpeg4.mp4", PXC_VIDEO_CODEC_MPEG4, 642, 362, 8, PXC_VIDEO_CHROMA_420, true, &ref, &info);
        pxc_demuxer_destroy(d);
        char args[256];
        snprintf(args, sizeof(args), "-i '%s' -c copy", path_of("mpeg4.mp4"));
        if (make_clip("mpeg4.avi", args)) {
            d = check_clip("mpeg4.avi", PXC_VIDEO_CODEC_MPEG4, 642, 362, 8, PXC_VIDEO_CHROMA_420, false, &op, &info);
            CHECK(same_order(&op, &ref, "mpeg4.avi"));
            pxc_demuxer_destroy(d);
        }
    }
    const char *av1 = have_encoder("libaom-av1") ? "-c:v libaom-av1 -cpu-used 8 -usage realtime"
                      : have_encoder("libsvtav1") ? "-c:v libsvtav1 -preset 12" : NULL;
    if (av1) {
        char args[256];
        snprintf(args, sizeof(args), "-f lavfi -i testsrc2=size=320x240:rate=25 -frames:v 10 -g 5 %s", av1);
        if (make_clip("av1.mp4", args)) {
            d = check_clip("av1.mp4", PXC_VIDEO_CODEC_AV1, 320, 240, 8, PXC_VIDEO_CHROMA_420, true, &op, &info);
            pxc_demuxer_destroy(d);
        }
    }
}

static void test_vfr_rotation_colour(void)
{
    static our_pkts op;
    pxc_video_info info;
    pxc_demuxer *d;
    if (!have_encoder("libx264")) return;
    /* variable frame rate: gaps growing with the frame number */
    if (make_clip("vfr.mkv", SRC "-frames:v 40 -vf setpts='(N+N*N/30)/(25*TB)' -fps_mode vfr "
                                 "-c:v libx264 -bf 3 -g 10")) {
        d = check_clip("vfr.mkv", PXC_VIDEO_CODEC_H264, 642, 362, 8, PXC_VIDEO_CHROMA_420, true, &op, &info);
        /* a timestamp inside a frame's display period selects that frame */
        int64_t p5 = 0, p6 = 0, f = -1;
        CHECK_OK(pxc_demuxer_frame_pts(d, 30, &p5));
        CHECK_OK(pxc_demuxer_frame_pts(d, 31, &p6));
        CHECK(p6 - p5 > 1);
        CHECK_OK(pxc_demuxer_frame_at(d, p6 - 1, &f));
        CHECK(f == 30);
        int64_t tp = 0;
        CHECK_OK(pxc_demuxer_seek(d, p6 - 1, PXC_SEEK_BY_TIMESTAMP, PXC_SEEK_EXACT, &tp));
        CHECK(tp == p5);
        pxc_demuxer_destroy(d);
    }
    if (make_clip("vfr.mp4", SRC "-frames:v 40 -vf setpts='(N+N*N/30)/(25*TB)' -fps_mode vfr "
                                 "-c:v libx264 -bf 3 -g 10")) {
        d = check_clip("vfr.mp4", PXC_VIDEO_CODEC_H264, 642, 362, 8, PXC_VIDEO_CHROMA_420, true, &op, &info);
        pxc_demuxer_destroy(d);
    }
    /* rotation: the display matrix as ffprobe reports it (counter-clockwise degrees) */
    char args[512];
    if (make_clip("plain.mp4", SRC "-frames:v 5 -c:v libx264")) {
        snprintf(args, sizeof(args), "-i '%s' -c copy -metadata:s:v:0 rotate=90", path_of("plain.mp4"));
        if (make_clip("rot.mp4", args)) {
            char v[64];
            int ccw = 0;
            if (probe_value("rot.mp4", "", "stream_side_data=rotation", v, sizeof(v))) ccw = atoi(v);
            d = open_clip("rot.mp4", &info);
            CHECK(ccw != 0);
            CHECK_MSG(info.rotation == ((360 - ccw) % 360 + 360) % 360, "rotation %d, ffprobe %d ccw", info.rotation,
                      ccw);
            pxc_demuxer_destroy(d);
        }
    }
    /* colour tags */
    if (make_clip("full709.mp4", SRC "-frames:v 5 -c:v libx264 -color_range pc -colorspace bt709 "
                                     "-color_primaries bt709 -color_trc bt709")) {
        d = open_clip("full709.mp4", &info);
        CHECK(info.color.full_range == 1 && info.color.matrix == 1 && info.color.primaries == 1 &&
              info.color.transfer == 1);
        pxc_demuxer_destroy(d);
    }
    if (make_clip("lim601.mkv", SRC "-frames:v 5 -c:v libx264 -color_range tv -colorspace bt470bg "
                                    "-color_primaries bt470bg -color_trc smpte170m")) {
        d = open_clip("lim601.mkv", &info);
        CHECK(info.color.full_range == 0 && info.color.matrix == 5 && info.color.primaries == 5 &&
              info.color.transfer == 6);
        pxc_demuxer_destroy(d);
    }
    if (make_clip("untagged.mp4", SRC "-frames:v 5 -c:v libx264")) {
        d = open_clip("untagged.mp4", &info);
        CHECK(info.color.matrix == 2 && info.color.full_range == 0);
        pxc_demuxer_destroy(d);
    }
}

static void test_seek_decodes(void)
{
    static const int frames[] = {0, 1, 5, 11, 12, 13, 23, 30, 37, 46, -2, -1};
    const char *clips[] = {"h264.mp4", "h264.mkv", "h264.ts", "h264.avi", "h264.h264", "vfr.mkv",
                           "hevc.mp4", "hevc.hevc", "hevc.ts", "hevc_open.mkv"};
    if (have_encoder("libx265"))
        make_clip("hevc_open.mkv", SRC "-frames:v 50 -c:v libx265 -x265-params log-level=none:keyint=12:min-keyint=12:"
                                       "open-gop=1:bframes=4:scenecut=0");
    for (size_t i = 0; i < sizeof(clips) / sizeof(clips[0]); i++) {
        if (access(path_of(clips[i]), R_OK) != 0) continue;
        size_t n = sizeof(frames) / sizeof(frames[0]);
        check_seek_decodes(clips[i], frames, n);
    }
}

static void expect_open_error(const char *what, pxc_status st, pxc_status want1, pxc_status want2, pxc_demuxer *dmx)
{
    CHECK_MSG(st == want1 || st == want2, "%s: status %d (%s)", what, (int)st, pxc_context_last_error(ctx));
    CHECK(dmx == NULL);
    CHECK_MSG(strlen(pxc_context_last_error(ctx)) > 0, "%s: no detail", what);
    pxc_demuxer_destroy(dmx);
}

static void test_errors(void)
{
    pxc_demuxer *dmx = NULL;
    pxc_status st = pxc_demuxer_open_file(ctx, path_of("does-not-exist.mp4"), &dmx);
    expect_open_error("nonexistent", st, PXC_ERROR_IO, PXC_ERROR_IO, dmx);
    st = pxc_demuxer_open_file(ctx, dir, &dmx);
    expect_open_error("directory", st, PXC_ERROR_IO, PXC_ERROR_IO, dmx);
    CHECK_STATUS(pxc_demuxer_open_file(ctx, NULL, &dmx), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(pxc_demuxer_open_memory(ctx, NULL, 10, PXC_MEMORY_BORROW, &dmx), PXC_ERROR_INVALID_ARGUMENT);
    CHECK_STATUS(pxc_demuxer_open_memory(NULL, "x", 1, PXC_MEMORY_BORROW, &dmx), PXC_ERROR_INVALID_ARGUMENT);

    /* garbage */
    uint8_t junk[4096];
    uint32_t seed = 99;
    for (size_t i = 0; i < sizeof(junk); i++) junk[i] = (uint8_t)pxc_test_rand(&seed);
    st = pxc_demuxer_open_memory(ctx, junk, sizeof(junk), PXC_MEMORY_BORROW, &dmx);
    expect_open_error("garbage", st, PXC_ERROR_UNSUPPORTED_FORMAT, PXC_ERROR_CORRUPT_DATA, dmx);
    st = pxc_demuxer_open_memory(ctx, junk, 0, PXC_MEMORY_BORROW, &dmx);
    CHECK(st != PXC_OK && dmx == NULL);
    memset(junk, 0, sizeof(junk));
    st = pxc_demuxer_open_memory(ctx, junk, sizeof(junk), PXC_MEMORY_COPY, &dmx);
    CHECK(st != PXC_OK && dmx == NULL);

    /* lists of other files are not followed */
    static const char concat[] = "ffconcat version 1.0\nfile h264.ts\n";
    st = pxc_demuxer_open_memory(ctx, concat, sizeof(concat) - 1, PXC_MEMORY_BORROW, &dmx);
    expect_open_error("concat list", st, PXC_ERROR_UNSUPPORTED_FORMAT, PXC_ERROR_UNSUPPORTED_FORMAT, dmx);

    /* audio only */
    if (make_clip("sine.m4a", "-f lavfi -i sine=frequency=440:duration=0.5 -c:a aac")) {
        st = pxc_demuxer_open_file(ctx, path_of("sine.m4a"), &dmx);
        expect_open_error("audio only", st, PXC_ERROR_UNSUPPORTED_FEATURE, PXC_ERROR_UNSUPPORTED_FEATURE, dmx);
        CHECK(strstr(pxc_context_last_error(ctx), "no video stream") != NULL);
    }
    if (make_clip("sine.wav", "-f lavfi -i sine=frequency=440:duration=0.2")) {
        st = pxc_demuxer_open_file(ctx, path_of("sine.wav"), &dmx);
        expect_open_error("wav", st, PXC_ERROR_UNSUPPORTED_FEATURE, PXC_ERROR_UNSUPPORTED_FEATURE, dmx);
    }
    if (!have_encoder("libx264")) return;

    /* truncated: an MP4 whose moov comes after the media data, cut in half */
    if (make_clip("whole.mp4", SRC "-frames:v 30 -c:v libx264")) {
        size_t size = 0;
        unsigned char *bytes = pxc_test_read_file(path_of("whole.mp4"), &size);
        CHECK(bytes && size > 100);
        if (bytes) {
            st = pxc_demuxer_open_memory(ctx, bytes, size / 2, PXC_MEMORY_BORROW, &dmx);
            expect_open_error("truncated mp4", st, PXC_ERROR_TRUNCATED_DATA, PXC_ERROR_CORRUPT_DATA, dmx);
            for (size_t cut = 1; cut < 64; cut += 7) {
                st = pxc_demuxer_open_memory(ctx, bytes, cut, PXC_MEMORY_BORROW, &dmx);
                CHECK(st != PXC_OK && dmx == NULL);
            }
            free(bytes);
        }
    }
    /* truncated MKV / TS / raw: open with fewer frames (or fail cleanly), read to the end */
    const char *cuts[] = {"h264.mkv", "h264.ts", "h264.h264"};
    for (size_t c = 0; c < 3; c++) {
        size_t size = 0;
        unsigned char *bytes = pxc_test_read_file(path_of(cuts[c]), &size);
        if (!bytes) continue;
        st = pxc_demuxer_open_memory(ctx, bytes, size * 2 / 3, PXC_MEMORY_BORROW, &dmx);
        if (st == PXC_OK) {
            pxc_video_info info;
            memset(&info, 0, sizeof(info));
            info.struct_size = sizeof(info);
            CHECK_OK(pxc_demuxer_get_info(dmx, &info));
            CHECK_MSG(info.num_frames > 0 && info.num_frames < 60, "cut %s: %lld frames", cuts[c],
                      (long long)info.num_frames);
            static our_pkts op;
            read_all(dmx, &op, true);
            CHECK(op.n == info.num_frames);
            int64_t tp;
            CHECK_OK(pxc_demuxer_seek(dmx, info.num_frames - 1, PXC_SEEK_BY_FRAME, PXC_SEEK_EXACT, &tp));
            pxc_demuxer_destroy(dmx);
        } else {
            CHECK(dmx == NULL && strlen(pxc_context_last_error(ctx)) > 0);
        }
        free(bytes);
    }

    /* the pixel limit */
    pxc_context_settings s;
    pxc_context_default_settings(&s);
    s.max_pixels = 1000;
    pxc_context *small = NULL;
    CHECK_OK(pxc_context_create(&s, &small));
    if (small) {
        st = pxc_demuxer_open_file(small, path_of("whole.mp4"), &dmx);
        CHECK_STATUS(st, PXC_ERROR_LIMIT_EXCEEDED);
        CHECK(strstr(pxc_context_last_error(small), "max_pixels") != NULL);
        pxc_context_destroy(small);
    }

    /* argument checks on an open demuxer */
    if (pxc_demuxer_open_file(ctx, path_of("whole.mp4"), &dmx) == PXC_OK) {
        pxc_video_info info;
        memset(&info, 0, sizeof(info));
        CHECK_STATUS(pxc_demuxer_get_info(dmx, &info), PXC_ERROR_INVALID_ARGUMENT);
        CHECK_STATUS(pxc_demuxer_get_info(dmx, NULL), PXC_ERROR_INVALID_ARGUMENT);
        pxc_packet pkt;
        memset(&pkt, 0, sizeof(pkt));
        CHECK_STATUS(pxc_demuxer_read_packet(dmx, &pkt), PXC_ERROR_INVALID_ARGUMENT);
        CHECK_STATUS(pxc_demuxer_seek(dmx, 0, (pxc_seek_by)7, PXC_SEEK_EXACT, NULL), PXC_ERROR_INVALID_ARGUMENT);
        CHECK_STATUS(pxc_demuxer_frame_at(dmx, 0, NULL), PXC_ERROR_INVALID_ARGUMENT);
        CHECK(strlen(pxc_demuxer_last_error(dmx)) > 0);
        /* a short struct_size gets the leading fields */
        info.struct_size = offsetof(pxc_video_info, width);
        CHECK_OK(pxc_demuxer_get_info(dmx, &info));
        CHECK(info.codec == PXC_VIDEO_CODEC_H264 && info.width == 0);
        pxc_demuxer_destroy(dmx);
    }
    pxc_demuxer_destroy(NULL);
    pxc_packet_init(NULL);
    pxc_packet p;
    pxc_packet_init(&p);
    CHECK(p.struct_size == sizeof(p) && p.pts == INT64_MIN && p.dts == INT64_MIN && p.skip_before_pts == INT64_MIN);
}

int main(void)
{
    if (!have_tool("ffmpeg") || !have_tool("ffprobe")) {
        printf("SKIP: ffmpeg / ffprobe not found\n");
        return SKIP_CODE;
    }
    snprintf(dir, sizeof(dir), "/tmp/pxc-demux-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    CHECK_OK(pxc_context_create(NULL, &ctx));
    test_h264_containers();
    test_more_codecs();
    test_vfr_rotation_colour();
    test_seek_decodes();
    test_errors();
    pxc_context_destroy(ctx);
    if (!getenv("PXC_KEEP_TEMP")) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "note: could not remove %s\n", dir);
    } else {
        printf("clips kept in %s\n", dir);
    }
    return pxc_test_summary("test_video_demux");
}
