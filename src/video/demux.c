/*
 * Video demuxer: libavformat over a file or a memory buffer, the best video
 * stream, a frame index built by one scan of the packets at open, Annex-B
 * packets for H.264 / HEVC and frame-accurate seeking.
 *
 * Frame index. At open every packet of the video stream is read once
 * (av_read_frame) and its pts, dts, duration, size, byte position and key
 * flag recorded; the demuxer then goes back to the first packet. The number
 * of frames is the number of packets found, never the header's estimate, and
 * frame numbers are the packets sorted by pts (presentation order).
 *
 * Timestamps. Containers that give pts and dts are used as they are. Packets
 * without pts (raw Annex-B streams, AVI) get timestamps from the index:
 * - H.264 / HEVC: the picture order count of each packet (libavcodec's parser)
 *   gives the presentation order, restarting at each key frame whose POC does
 *   not grow (an IDR). Frame k in that order gets as pts the container dts of
 *   packet k + reorder delay (AVI), or k frame periods with dts in decode
 *   order shifted back by the reorder delay (raw streams). This is right with
 *   B-frames and B-pyramids, where guessing from dts (AVFMT_FLAG_GENPTS) is not.
 * - other codecs: AVFMT_FLAG_GENPTS, then pts = dts; a missing dts continues
 *   from its neighbours by one frame period.
 * The frame period is the packets' own duration, else one period of the
 * stream's frame rate (25 per second when none is known).
 *
 * Seeking. The index gives the target frame's packet and the key frame to
 * decode from: the latest key frame, in decode order, at or before the target
 * packet whose own pts is not after the target's (so that open-GOP leading
 * pictures are decoded from the key frame before). The demuxer is then
 * positioned on that exact packet: streams with container timestamps by a
 * timestamp seek backwards followed by reading forward to the packet (matched
 * on pts, and dts and position where known); streams without timestamps by a byte seek
 * to the packet's position. When either fails to land on the packet the
 * container is reopened and read forward to it, which is always right.
 */
#include "video/video_common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/bsf.h>
#include <libavformat/avformat.h>
#include <libavutil/display.h>
#include <libavutil/mathematics.h>

#define DMX_IO_BUFFER 32768
/* Most packets indexed in one stream (about 15 days at 25 frames per second). */
#define DMX_MAX_PACKETS ((size_t)1 << 25)

/* Bytes the demuxer reads: a file descriptor or memory. */
typedef struct dmx_source {
    const uint8_t *data; /* memory sources */
    void *owned;         /* PXC_MEMORY_COPY */
    int fd;              /* file sources; -1 for memory */
    int64_t size;
    int64_t pos;
    bool at_end;         /* a read reached the end, or a seek went beyond it */
} dmx_source;

/* One packet of the video stream, in decode order. */
typedef struct dmx_entry {
    int64_t cpts, cdts;   /* as the container gave them (AV_NOPTS_VALUE: none) */
    int64_t pts, dts;     /* complete: synthesised where the container had none */
    int64_t pos;          /* byte position (-1: unknown) */
    int64_t duration;
    int32_t size;
    bool key;
} dmx_entry;

struct pxc_demuxer {
    pxc_context *ctx;
    dmx_source src;
    char *path;             /* file name for probing; NULL for memory */
    AVIOContext *pb;
    AVFormatContext *fmt;
    AVStream *st;
    int sidx;
    enum AVCodecID codec_id;
    AVBSFContext *bsf;      /* mp4toannexb for avcC / hvcC streams */
    bool bsf_drained;       /* NULL sent to the filter */
    AVPacket *in;           /* packet from the container */
    AVPacket *out;          /* packet handed to the caller */
    dmx_entry *ent;
    size_t n, cap;
    size_t *order;          /* frame number -> decode index */
    bool synth;             /* timestamps come from the index */
    bool byte_seek;         /* no container timestamps: position packets by byte */
    size_t next;            /* decode index of the next packet from the container */
    bool pending;           /* `in` already holds packet `next` */
    bool eof;               /* no more packets from the container */
    bool discont;
    int64_t skip_pts;
    pxc_video_info info;
    pxc_last_error last_error;
};

/* ---- I/O ------------------------------------------------------------------ */

static int src_read(void *opaque, uint8_t *buf, int n)
{
    dmx_source *s = opaque;
    if (n <= 0) return AVERROR(EINVAL);
    if (s->pos >= s->size) {
        s->at_end = true;
        return AVERROR_EOF;
    }
    int64_t left = s->size - s->pos;
    size_t want = (size_t)(left < n ? left : n);
    if (s->fd >= 0) {
        ssize_t r;
        do {
            r = pread(s->fd, buf, want, (off_t)s->pos);
        } while (r < 0 && errno == EINTR);
        if (r < 0) return AVERROR(errno ? errno : EIO);
        if (r == 0) return AVERROR_EOF; /* the file shrank */
        s->pos += r;
        s->at_end = s->at_end || s->pos >= s->size;
        return (int)r;
    }
    memcpy(buf, s->data + s->pos, want);
    s->pos += (int64_t)want;
    s->at_end = s->at_end || s->pos >= s->size;
    return (int)want;
}

static int64_t src_seek(void *opaque, int64_t offset, int whence)
{
    dmx_source *s = opaque;
    int64_t base;
    switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE:
        return s->size;
    case SEEK_SET:
        base = 0;
        break;
    case SEEK_CUR:
        base = s->pos;
        break;
    case SEEK_END:
        base = s->size;
        break;
    default:
        return AVERROR(EINVAL);
    }
    int64_t to;
    if (__builtin_add_overflow(base, offset, &to) || to < 0) return AVERROR(EINVAL);
    if (to > s->size) s->at_end = true;
    s->pos = to;
    return to;
}

/* Demuxers that would open further files or URLs (playlists, references) are refused: the demuxer reads
 * the one file or buffer it was given. */
static int refuse_io_open(AVFormatContext *s, AVIOContext **pb, const char *url, int flags, AVDictionary **options)
{
    (void)s;
    (void)pb;
    (void)url;
    (void)flags;
    (void)options;
    return AVERROR(EPERM);
}

/* ---- opening ------------------------------------------------------------- */

static const char *media_type_name(enum AVMediaType t)
{
    const char *s = av_get_media_type_string(t);
    return s ? s : "unknown";
}

/* Opens the container from the start of the source and selects the video stream. */
static pxc_status open_format(pxc_demuxer *dmx, pxc_err *e)
{
    if (dmx->fmt) avformat_close_input(&dmx->fmt);
    dmx->st = NULL;
    dmx->src.at_end = false;
    if (avio_seek(dmx->pb, 0, SEEK_SET) < 0)
        return pxc_err_set(e, PXC_ERROR_IO, "cannot go back to the start of the input");
    dmx->pb->eof_reached = 0;

    const AVInputFormat *ifmt = NULL;
    int r = av_probe_input_buffer2(dmx->pb, &ifmt, dmx->path ? dmx->path : "", NULL, 0, 0);
    if (r < 0 || !ifmt) {
        if (r == AVERROR(ENOMEM)) return pxc_video_av_error(e, r, "probing the container");
        if (dmx->src.size == 0) return pxc_err_set(e, PXC_ERROR_TRUNCATED_DATA, "the input is empty");
        return pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FORMAT,
                           "no container format recognised in the %lld bytes of input",
                           (long long)dmx->src.size);
    }
    static const char *const lists[] = {"concat", "hls", "dash", "webm_dash_manifest"};
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
        if (strcmp(ifmt->name, lists[i]) == 0)
            return pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FORMAT,
                               "the input is a %s list of other files or URLs, which the demuxer does not open",
                               ifmt->name);
    AVFormatContext *fmt = avformat_alloc_context();
    if (!fmt) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory allocating the demuxer");
    fmt->pb = dmx->pb;
    fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
    fmt->io_open = refuse_io_open;
    /* and no protocol either, for demuxers that open their inputs themselves (concat lists) */
    AVDictionary *opts = NULL;
    av_dict_set(&opts, "protocol_whitelist", "none", 0);
    r = avformat_open_input(&fmt, dmx->path ? dmx->path : "", ifmt, &opts);
    av_dict_free(&opts);
    if (r < 0) { /* fmt freed by avformat_open_input */
        char what[96];
        snprintf(what, sizeof(what), "reading the %s header", ifmt->name);
        pxc_video_av_error(e, r, what);
        if (r == AVERROR_INVALIDDATA || r == AVERROR_EOF) {
            /* the container is recognised but its header is incomplete: cut short if all of it was read */
            bool cut = dmx->src.at_end || dmx->pb->eof_reached;
            e->status = cut ? PXC_ERROR_TRUNCATED_DATA : PXC_ERROR_CORRUPT_DATA;
            if (cut) pxc_err_prefix(e, "the input ends before the container's header does");
        }
        return e->status;
    }
    dmx->fmt = fmt;
    r = avformat_find_stream_info(fmt, NULL);
    if (r < 0) return pxc_video_av_error(e, r, "reading the stream parameters");

    int idx = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (idx >= 0 && (fmt->streams[idx]->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
        idx = -1; /* a cover picture is no video: take another video stream if there is one */
        for (unsigned i = 0; i < fmt->nb_streams; i++) {
            const AVStream *s = fmt->streams[i];
            if (s->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && !(s->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
                idx = (int)i;
                break;
            }
        }
    }
    if (idx < 0) {
        char kinds[96] = "";
        size_t used = 0;
        for (unsigned i = 0; i < fmt->nb_streams && used + 16 < sizeof(kinds); i++) {
            int w = snprintf(kinds + used, sizeof(kinds) - used, "%s%s", used ? ", " : "",
                             media_type_name(fmt->streams[i]->codecpar->codec_type));
            if (w < 0) break;
            used += (size_t)w;
        }
        return pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FEATURE, "the %s input has no video stream (%u stream%s%s%s%s)",
                           fmt->iformat->name, fmt->nb_streams, fmt->nb_streams == 1 ? "" : "s",
                           fmt->nb_streams ? ": " : "", kinds, fmt->nb_streams ? "; e.g. audio only" : "");
    }
    for (unsigned i = 0; i < fmt->nb_streams; i++)
        fmt->streams[i]->discard = (int)i == idx ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    dmx->sidx = idx;
    dmx->st = fmt->streams[idx];
    /* H.264 / HEVC without pts are ordered by POC in the index; other codecs get libavformat's guess */
    enum AVCodecID id = dmx->st->codecpar->codec_id;
    if (id != AV_CODEC_ID_H264 && id != AV_CODEC_ID_HEVC) fmt->flags |= AVFMT_FLAG_GENPTS;
    return PXC_OK;
}

static pxc_status check_stream(pxc_demuxer *dmx, pxc_err *e)
{
    const AVCodecParameters *par = dmx->st->codecpar;
    if (par->width <= 0 || par->height <= 0)
        return pxc_err_set(e, PXC_ERROR_CORRUPT_DATA, "the %s video stream has no frame size (%d x %d)",
                           avcodec_get_name(par->codec_id), par->width, par->height);
    uint64_t px = (uint64_t)par->width * (uint64_t)par->height;
    uint64_t lim = dmx->ctx->limits.max_pixels;
    if (lim && px > lim)
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED,
                           "video frames of %d x %d = %llu pixels exceed the limit of %llu pixels "
                           "(raise pxc_context_settings.max_pixels)",
                           par->width, par->height, (unsigned long long)px, (unsigned long long)lim);
    if (dmx->st->time_base.num <= 0 || dmx->st->time_base.den <= 0)
        return pxc_err_set(e, PXC_ERROR_CORRUPT_DATA, "the video stream has an invalid time base %d/%d",
                           dmx->st->time_base.num, dmx->st->time_base.den);
    return PXC_OK;
}

/* H.264 / HEVC whose extradata is avcC / hvcC: packets are length-prefixed and go through mp4toannexb. */
static pxc_status setup_bsf(pxc_demuxer *dmx, pxc_err *e)
{
    const AVCodecParameters *par = dmx->st->codecpar;
    const char *name = par->codec_id == AV_CODEC_ID_H264 ? "h264_mp4toannexb"
                       : par->codec_id == AV_CODEC_ID_HEVC ? "hevc_mp4toannexb" : NULL;
    if (!name || !par->extradata || par->extradata_size < 4) return PXC_OK;
    const uint8_t *x = par->extradata;
    if (x[0] == 0 && x[1] == 0 && (x[2] == 1 || (x[2] == 0 && x[3] == 1))) return PXC_OK; /* Annex-B already */
    const AVBitStreamFilter *f = av_bsf_get_by_name(name);
    if (!f) return pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FEATURE, "this FFmpeg has no %s filter", name);
    int r = av_bsf_alloc(f, &dmx->bsf);
    if (r >= 0) r = avcodec_parameters_copy(dmx->bsf->par_in, par);
    if (r >= 0) {
        dmx->bsf->time_base_in = dmx->st->time_base;
        r = av_bsf_init(dmx->bsf);
    }
    if (r < 0) {
        char what[64];
        snprintf(what, sizeof(what), "%s extradata", par->codec_id == AV_CODEC_ID_H264 ? "avcC" : "hvcC");
        pxc_status st = pxc_video_av_error(e, r, what);
        return st == PXC_ERROR_INTERNAL ? (e->status = PXC_ERROR_CORRUPT_DATA) : st;
    }
    return PXC_OK;
}

/* Next packet of the video stream from the container (empty packets skipped). */
static int read_container(pxc_demuxer *dmx, AVPacket *p)
{
    for (;;) {
        int r = av_read_frame(dmx->fmt, p);
        if (r < 0) return r;
        if (p->stream_index == dmx->sidx && p->size > 0) return 0;
        av_packet_unref(p);
    }
}

/* ---- the frame index -------------------------------------------------------- */

/* Saturating arithmetic for timestamps from untrusted containers. */
static int64_t sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (!__builtin_add_overflow(a, b, &r)) return r;
    return b > 0 ? INT64_MAX : INT64_MIN + 1;
}

static int64_t sat_mul(int64_t a, int64_t b)
{
    int64_t r;
    if (!__builtin_mul_overflow(a, b, &r)) return r;
    return (a > 0) == (b > 0) ? INT64_MAX : INT64_MIN + 1;
}

typedef struct sort_item {
    int64_t k1, k2;
    size_t idx;
} sort_item;

static int cmp_item(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    if (x->k1 != y->k1) return x->k1 < y->k1 ? -1 : 1;
    if (x->k2 != y->k2) return x->k2 < y->k2 ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static pxc_status grow_index(pxc_demuxer *dmx, int32_t **poc, pxc_err *e)
{
    if (dmx->n < dmx->cap) return PXC_OK;
    if (dmx->cap >= DMX_MAX_PACKETS)
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED, "the video stream has more than %zu packets",
                           DMX_MAX_PACKETS);
    size_t cap = dmx->cap ? dmx->cap * 2 : 1024;
    size_t bytes;
    if (!pxc_mul_size(cap, sizeof(dmx_entry), &bytes)) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "index size");
    dmx_entry *ne = realloc(dmx->ent, bytes);
    if (!ne) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory indexing %zu packets", cap);
    dmx->ent = ne;
    if (poc) {
        int32_t *np = realloc(*poc, cap * sizeof(int32_t));
        if (!np) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory indexing %zu packets", cap);
        *poc = np;
    }
    dmx->cap = cap;
    return PXC_OK;
}

/* One frame period in the stream time base: the packets' durations, else the frame rate, else 1/25 s. */
static int64_t frame_period(const pxc_demuxer *dmx)
{
    for (size_t i = 0; i < dmx->n; i++)
        if (dmx->ent[i].duration > 0) return dmx->ent[i].duration;
    AVRational fr = dmx->st->avg_frame_rate;
    if (fr.num <= 0 || fr.den <= 0) fr = dmx->st->r_frame_rate;
    if (fr.num <= 0 || fr.den <= 0) fr = (AVRational){25, 1};
    int64_t d = av_rescale_q(1, av_inv_q(fr), dmx->st->time_base);
    return d > 0 ? d : 1;
}

/* pts from picture order counts (H.264 / HEVC without container pts). */
static pxc_status synth_from_poc(pxc_demuxer *dmx, const int32_t *poc, pxc_err *e)
{
    size_t n = dmx->n;
    sort_item *items = malloc(n * sizeof(*items));
    if (!items) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory ordering %zu frames", n);
    int64_t epoch = 0;
    bool have_key = false;
    int32_t key_poc = 0;
    for (size_t i = 0; i < n; i++) {
        if (dmx->ent[i].key) {
            if (i > 0 && (!have_key || poc[i] <= key_poc)) epoch++;
            have_key = true;
            key_poc = poc[i];
        }
        items[i] = (sort_item){epoch, poc[i], i};
    }
    qsort(items, n, sizeof(*items), cmp_item);
    int64_t delay = 0; /* frames by which decode order runs ahead of presentation */
    for (size_t r = 0; r < n; r++) {
        int64_t ahead = (int64_t)items[r].idx - (int64_t)r;
        if (ahead > delay) delay = ahead;
    }
    int64_t dur = frame_period(dmx);
    bool have_dts = true;
    for (size_t i = 0; i < n && have_dts; i++) have_dts = dmx->ent[i].cdts != AV_NOPTS_VALUE;
    if (have_dts && n > 1 && dmx->ent[n - 1].cdts > dmx->ent[0].cdts)
        dur = sat_add(dmx->ent[n - 1].cdts, -dmx->ent[0].cdts) / (int64_t)(n - 1);
    if (dur <= 0) dur = 1;
    for (size_t r = 0; r < n; r++) {
        dmx_entry *en = &dmx->ent[items[r].idx];
        int64_t i = (int64_t)items[r].idx;
        if (have_dts) {
            /* frame r is presented when packet r + delay is decoded */
            size_t j = r + (size_t)delay;
            en->dts = en->cdts;
            en->pts = j < n ? dmx->ent[j].cdts : sat_add(dmx->ent[n - 1].cdts, sat_mul((int64_t)(j - (n - 1)), dur));
        } else {
            en->pts = sat_mul((int64_t)r, dur);
            en->dts = sat_mul(i - delay, dur);
        }
        en->duration = dur; /* constant frame rate: the only rate a stream without pts can state */
    }
    free(items);
    return PXC_OK;
}

/*
 * Fills in missing timestamps without POCs: a missing dts continues the
 * previous one by a frame period (before the first known dts: counts back
 * from it); a missing pts is the dts.
 */
static void synth_plain(pxc_demuxer *dmx)
{
    int64_t dur = frame_period(dmx);
    size_t first = dmx->n;
    for (size_t i = 0; i < dmx->n && first == dmx->n; i++)
        if (dmx->ent[i].dts != AV_NOPTS_VALUE) first = i;
    for (size_t i = 0; i < dmx->n; i++) {
        dmx_entry *en = &dmx->ent[i];
        if (en->dts == AV_NOPTS_VALUE) {
            if (first < dmx->n && i < first)
                en->dts = sat_add(dmx->ent[first].dts, -sat_mul((int64_t)(first - i), dur));
            else if (i > 0) en->dts = sat_add(dmx->ent[i - 1].dts, dur);
            else en->dts = en->pts != AV_NOPTS_VALUE ? en->pts : 0;
        }
        if (en->pts == AV_NOPTS_VALUE) en->pts = en->dts;
        if (en->dts > en->pts) en->dts = en->pts;
        if (en->duration <= 0) en->duration = dur;
    }
}

static pxc_status build_order(pxc_demuxer *dmx, pxc_err *e)
{
    size_t n = dmx->n;
    sort_item *items = malloc(n * sizeof(*items));
    dmx->order = malloc(n * sizeof(*dmx->order));
    if (!items || !dmx->order) {
        free(items);
        return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory ordering %zu frames", n);
    }
    for (size_t i = 0; i < n; i++) items[i] = (sort_item){dmx->ent[i].pts, 0, i};
    qsort(items, n, sizeof(*items), cmp_item);
    for (size_t i = 0; i < n; i++) dmx->order[i] = items[i].idx;
    free(items);
    return PXC_OK;
}

/* Reads every packet of the video stream once and builds the index (the container is left at its end). */
static pxc_status scan(pxc_demuxer *dmx, pxc_err *e)
{
    const AVCodecParameters *par = dmx->st->codecpar;
    bool poc_codec = par->codec_id == AV_CODEC_ID_H264 || par->codec_id == AV_CODEC_ID_HEVC;
    AVCodecParserContext *parser = NULL;
    AVCodecContext *pctx = NULL;
    int32_t *poc = NULL;
    bool use_poc = false;
    pxc_status st = PXC_OK;
    int r;
    while ((r = read_container(dmx, dmx->in)) >= 0) {
        AVPacket *p = dmx->in;
        if (dmx->n == 0 && poc_codec && p->pts == AV_NOPTS_VALUE) {
            /* no container pts: order the pictures by their POC */
            parser = av_parser_init(par->codec_id);
            pctx = avcodec_alloc_context3(NULL);
            if (parser && pctx && avcodec_parameters_to_context(pctx, par) >= 0) {
                parser->flags |= PARSER_FLAG_COMPLETE_FRAMES;
                use_poc = true;
            }
        }
        if ((st = grow_index(dmx, use_poc ? &poc : NULL, e)) != PXC_OK) break;
        dmx_entry *en = &dmx->ent[dmx->n];
        en->cpts = en->pts = p->pts;
        en->cdts = en->dts = p->dts;
        en->pos = p->pos;
        en->duration = p->duration > 0 ? p->duration : 0;
        en->size = p->size;
        en->key = (p->flags & AV_PKT_FLAG_KEY) != 0;
        if (use_poc) {
            uint8_t *o = NULL;
            int osize = 0;
            av_parser_parse2(parser, pctx, &o, &osize, p->data, p->size, AV_NOPTS_VALUE, AV_NOPTS_VALUE, -1);
            poc[dmx->n] = parser->output_picture_number;
        }
        dmx->n++;
        av_packet_unref(p);
    }
    av_packet_unref(dmx->in);
    av_parser_close(parser);
    avcodec_free_context(&pctx);
    if (st == PXC_OK && r != AVERROR_EOF && dmx->n == 0) st = pxc_video_av_error(e, r, "reading the first packet");
    if (st == PXC_OK && dmx->n == 0)
        st = pxc_err_set(e, PXC_ERROR_TRUNCATED_DATA, "the %s video stream holds no packets",
                         avcodec_get_name(par->codec_id));
    if (st == PXC_OK && r != AVERROR_EOF)
        pxc_log(dmx->ctx, PXC_LOG_WARNING, "video stream indexed up to packet %zu: %s", dmx->n, av_err2str(r));
    if (st == PXC_OK) {
        bool any_ts = false, all_ts = true;
        for (size_t i = 0; i < dmx->n; i++) {
            const dmx_entry *en = &dmx->ent[i];
            if (en->cpts != AV_NOPTS_VALUE || en->cdts != AV_NOPTS_VALUE) any_ts = true;
            if (en->cpts == AV_NOPTS_VALUE || en->cdts == AV_NOPTS_VALUE) all_ts = false;
        }
        dmx->synth = !all_ts;
        dmx->byte_seek = !any_ts && !(dmx->fmt->iformat->flags & AVFMT_NO_BYTE_SEEK);
        for (size_t i = 0; i < dmx->n && dmx->byte_seek; i++) dmx->byte_seek = dmx->ent[i].pos >= 0;
        if (dmx->synth) {
            bool missing_pts = false;
            for (size_t i = 0; i < dmx->n && !missing_pts; i++) missing_pts = dmx->ent[i].cpts == AV_NOPTS_VALUE;
            if (use_poc && missing_pts) st = synth_from_poc(dmx, poc, e);
            else synth_plain(dmx);
        }
    }
    free(poc);
    if (st == PXC_OK) st = build_order(dmx, e);
    return st;
}

/* ---- positioning ------------------------------------------------------------- */

/*
 * Whether a packet read after a seek is index entry @p en. Parsed streams
 * (TS, raw) may split the bytes between two frames differently after a seek
 * (a zero byte more or less), so the size counts only where nothing else
 * identifies the packet.
 */
static bool same_packet(const pxc_demuxer *dmx, const dmx_entry *en, const AVPacket *p)
{
    if (dmx->byte_seek) return en->pos >= 0 && p->pos == en->pos;
    if (en->pos >= 0 && p->pos >= 0) {
        if (p->pos != en->pos) return false;
    } else if (p->size != en->size) {
        return false;
    }
    /* dts may be guessed by libavformat (missing after a seek, or before one): compared only when both exist */
    if (p->dts != AV_NOPTS_VALUE && en->cdts != AV_NOPTS_VALUE && p->dts != en->cdts) return false;
    return p->pts == en->cpts;
}

/* Reopens the container and reads forward to packet k. */
static pxc_status position_by_rereading(pxc_demuxer *dmx, size_t k, pxc_err *e)
{
    int sidx = dmx->sidx;
    pxc_status st = open_format(dmx, e);
    if (st != PXC_OK) return st;
    if (dmx->sidx != sidx || dmx->st->codecpar->codec_id != dmx->codec_id)
        return pxc_err_set(e, PXC_ERROR_INTERNAL, "the input changed since it was opened");
    for (size_t i = 0; i <= k; i++) {
        av_packet_unref(dmx->in);
        int r = read_container(dmx, dmx->in);
        if (r < 0) {
            pxc_video_av_error(e, r, "reading forward to the seek target");
            pxc_err_prefix(e, "packet %zu of %zu", i, dmx->n);
            return e->status;
        }
    }
    return PXC_OK;
}

/* Makes packet k (decode order) the next one read. */
static pxc_status position_at(pxc_demuxer *dmx, size_t k, pxc_err *e)
{
    const dmx_entry *en = &dmx->ent[k];
    bool found = false;
    av_packet_unref(dmx->in);
    if (!dmx->fmt) {
        /* a reopen failed before: try again */
    } else if (dmx->byte_seek) {
        if (av_seek_frame(dmx->fmt, dmx->sidx, en->pos, AVSEEK_FLAG_BYTE) >= 0 &&
            read_container(dmx, dmx->in) >= 0 && same_packet(dmx, en, dmx->in))
            found = true;
    } else {
        int64_t ts = en->cdts != AV_NOPTS_VALUE ? en->cdts : en->cpts;
        if (en->cpts != AV_NOPTS_VALUE && en->cpts < ts) ts = en->cpts;
        if (ts != AV_NOPTS_VALUE && av_seek_frame(dmx->fmt, dmx->sidx, ts, AVSEEK_FLAG_BACKWARD) >= 0) {
            for (size_t guard = 0; guard <= dmx->n; guard++) {
                av_packet_unref(dmx->in);
                if (read_container(dmx, dmx->in) < 0) break;
                const AVPacket *p = dmx->in;
                if (same_packet(dmx, en, p)) {
                    found = true;
                    break;
                }
                if (p->dts != AV_NOPTS_VALUE && en->cdts != AV_NOPTS_VALUE && p->dts > en->cdts) break; /* past it */
            }
        }
    }
    if (!found) {
        pxc_log(dmx->ctx, PXC_LOG_DEBUG, "demuxer: seek to packet %zu of %zu by reading from the start", k, dmx->n);
        pxc_status st = position_by_rereading(dmx, k, e);
        if (st != PXC_OK) {
            /* no container left to read from until a later seek reopens it */
            avformat_close_input(&dmx->fmt);
            dmx->st = NULL;
            av_packet_unref(dmx->in);
            dmx->eof = true;
            dmx->pending = false;
            return st;
        }
    }
    if (dmx->bsf) av_bsf_flush(dmx->bsf);
    dmx->bsf_drained = false;
    dmx->next = k;
    dmx->pending = true;
    dmx->eof = false;
    return PXC_OK;
}

/* ---- info -------------------------------------------------------------------- */

static int rotation_of(const AVStream *st)
{
    size_t size = 0;
    const uint8_t *m = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (!m || size < 9 * sizeof(int32_t)) return 0;
    double ccw = av_display_rotation_get((const int32_t *)m);
    if (ccw != ccw) return 0; /* NaN: degenerate matrix */
    long cw = lround(-ccw / 90.0) * 90;
    cw %= 360;
    if (cw < 0) cw += 360;
    return (int)cw;
}

static void fill_info(pxc_demuxer *dmx)
{
    pxc_video_info *in = &dmx->info;
    const AVStream *st = dmx->st;
    const AVCodecParameters *par = st->codecpar;
    memset(in, 0, sizeof(*in));
    in->struct_size = sizeof(*in);
    in->codec = pxc_video_codec_from_av(par->codec_id);
    pxc_strlcpy(in->codec_name, in->codec == PXC_VIDEO_CODEC_UNKNOWN ? avcodec_get_name(par->codec_id)
                                                                      : pxc_video_codec_name(in->codec),
                sizeof(in->codec_name));
    pxc_strlcpy(in->container, dmx->fmt->iformat->name, sizeof(in->container));
    in->width = (uint32_t)par->width;
    in->height = (uint32_t)par->height;
    if (!pxc_video_pixfmt_facts((enum AVPixelFormat)par->format, &in->chroma, &in->bit_depth)) {
        in->chroma = PXC_VIDEO_CHROMA_420;
        in->bit_depth = par->bits_per_raw_sample > 0 && par->bits_per_raw_sample <= 16
                            ? (uint32_t)par->bits_per_raw_sample : 8;
    }
    pxc_video_color_from_av(&in->color, par->color_space, par->color_primaries, par->color_trc, par->color_range);
    AVRational fr = st->avg_frame_rate;
    if (fr.num <= 0 || fr.den <= 0) fr = st->r_frame_rate;
    in->time_base_num = st->time_base.num;
    in->time_base_den = st->time_base.den;
    const dmx_entry *first = &dmx->ent[dmx->order[0]];
    const dmx_entry *last = &dmx->ent[dmx->order[dmx->n - 1]];
    in->start_pts = first->pts;
    double tb = av_q2d(st->time_base);
    double last_dur = last->duration > 0 ? (double)last->duration : 0;
    double from_index = ((double)last->pts - (double)first->pts + last_dur) * tb;
    if (!dmx->synth && st->duration > 0 && st->duration != AV_NOPTS_VALUE) in->duration = (double)st->duration * tb;
    else if (!dmx->synth && dmx->fmt->duration > 0 && dmx->fmt->duration != AV_NOPTS_VALUE)
        in->duration = (double)dmx->fmt->duration / AV_TIME_BASE;
    else in->duration = from_index > 0 ? from_index : 0;
    /* average rate from the index (exact for variable rates), else the container's */
    double span = ((double)last->pts - (double)first->pts) * tb;
    if (last->duration > 0 && from_index > 0) in->frame_rate = (double)dmx->n / from_index;
    else if (dmx->n > 1 && span > 0) in->frame_rate = (double)(dmx->n - 1) / span;
    else if (fr.num > 0 && fr.den > 0) in->frame_rate = av_q2d(fr);
    in->num_frames = (int64_t)dmx->n;
    in->rotation = rotation_of(st);
    in->stream_index = dmx->sidx;
}

/* ---- public API ---------------------------------------------------------------- */

void pxc_packet_init(pxc_packet *pkt)
{
    if (!pkt) return;
    memset(pkt, 0, sizeof(*pkt));
    pkt->struct_size = sizeof(*pkt);
    pkt->pts = INT64_MIN;
    pkt->dts = INT64_MIN;
    pkt->skip_before_pts = INT64_MIN;
}

void pxc_demuxer_destroy(pxc_demuxer *dmx)
{
    if (!dmx) return;
    av_bsf_free(&dmx->bsf);
    avformat_close_input(&dmx->fmt);
    if (dmx->pb) {
        av_freep(&dmx->pb->buffer);
        avio_context_free(&dmx->pb);
    }
    av_packet_free(&dmx->in);
    av_packet_free(&dmx->out);
    if (dmx->src.fd >= 0) close(dmx->src.fd);
    free(dmx->src.owned);
    free(dmx->path);
    free(dmx->ent);
    free(dmx->order);
    pxc_last_error_destroy(&dmx->last_error);
    free(dmx);
}

static pxc_demuxer *demuxer_new(pxc_context *ctx)
{
    pxc_demuxer *dmx = calloc(1, sizeof(*dmx));
    if (!dmx) return NULL;
    dmx->ctx = ctx;
    dmx->src.fd = -1;
    dmx->skip_pts = INT64_MIN;
    pxc_last_error_init(&dmx->last_error);
    return dmx;
}

/* Everything after the source is set: container, stream, filter, index. Takes ownership of dmx. */
static pxc_status demuxer_finish_open(pxc_demuxer *dmx, pxc_demuxer **out)
{
    pxc_context *ctx = dmx->ctx;
    pxc_err e;
    pxc_err_clear(&e);
    pxc_video_init_once();
    uint8_t *buf = av_malloc(DMX_IO_BUFFER);
    if (buf) dmx->pb = avio_alloc_context(buf, DMX_IO_BUFFER, 0, &dmx->src, src_read, NULL, src_seek);
    if (!dmx->pb) av_free(buf);
    dmx->in = av_packet_alloc();
    dmx->out = av_packet_alloc();
    pxc_status st = PXC_OK;
    if (!dmx->pb || !dmx->in || !dmx->out)
        st = pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory opening a demuxer");
    if (st == PXC_OK) st = open_format(dmx, &e);
    if (st == PXC_OK) {
        dmx->codec_id = dmx->st->codecpar->codec_id;
        st = check_stream(dmx, &e);
    }
    if (st == PXC_OK) st = setup_bsf(dmx, &e);
    if (st == PXC_OK) st = scan(dmx, &e);
    if (st == PXC_OK) {
        fill_info(dmx);
        st = position_at(dmx, 0, &e);
    }
    if (st != PXC_OK) {
        if (dmx->path) pxc_err_prefix(&e, "'%s'", dmx->path);
        pxc_demuxer_destroy(dmx);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    *out = dmx;
    return PXC_OK;
}

pxc_status pxc_demuxer_open_file(pxc_context *ctx, const char *path, pxc_demuxer **out)
{
    if (!out) return PXC_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (!ctx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    int fd;
    uint64_t file_size;
    if (pxc_open_regular_file(path, &fd, &file_size, &e) != PXC_OK) return pxc_last_error_store(&ctx->last_error, &e);
    pxc_demuxer *dmx = demuxer_new(ctx);
    if (!dmx || !(dmx->path = strdup(path))) {
        close(fd);
        pxc_demuxer_destroy(dmx);
        pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory opening '%s'", path);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    dmx->src.fd = fd;
    dmx->src.size = (int64_t)file_size;
    return demuxer_finish_open(dmx, out);
}

pxc_status pxc_demuxer_open_memory(pxc_context *ctx, const void *data, size_t size, pxc_memory_mode mode,
                                   pxc_demuxer **out)
{
    if (!out) return PXC_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (!ctx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    if ((!data && size) || (mode != PXC_MEMORY_BORROW && mode != PXC_MEMORY_COPY) || size > (size_t)INT64_MAX) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT,
                    !data && size ? "video data is NULL with size %zu" : "invalid memory mode or size (size %zu)",
                    size);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    pxc_demuxer *dmx = demuxer_new(ctx);
    if (!dmx) return PXC_ERROR_OUT_OF_MEMORY;
    if (mode == PXC_MEMORY_COPY && size) {
        dmx->src.owned = malloc(size);
        if (!dmx->src.owned) {
            pxc_demuxer_destroy(dmx);
            pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory copying %zu bytes of video", size);
            return pxc_last_error_store(&ctx->last_error, &e);
        }
        memcpy(dmx->src.owned, data, size);
        dmx->src.data = dmx->src.owned;
    } else {
        dmx->src.data = data;
    }
    dmx->src.size = (int64_t)size;
    return demuxer_finish_open(dmx, out);
}

pxc_status pxc_demuxer_get_info(pxc_demuxer *dmx, pxc_video_info *info)
{
    if (!dmx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    if (!info || info->struct_size < sizeof(size_t) || info->struct_size > sizeof(*info)) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "info is NULL or its struct_size is not set");
        return pxc_last_error_store(&dmx->last_error, &e);
    }
    size_t n = info->struct_size;
    memcpy(info, &dmx->info, n);
    info->struct_size = n;
    return PXC_OK;
}

const uint8_t *pxc_demuxer_extradata(pxc_demuxer *dmx, size_t *size)
{
    const AVCodecParameters *par = !dmx ? NULL : dmx->bsf ? dmx->bsf->par_out : dmx->st ? dmx->st->codecpar : NULL;
    if (!par || !par->extradata || par->extradata_size <= 0) {
        if (size) *size = 0;
        return NULL;
    }
    if (size) *size = (size_t)par->extradata_size;
    return par->extradata;
}

/* The packet handed to the caller from dmx->out. */
static void emit(pxc_demuxer *dmx, pxc_packet *pkt)
{
    const AVPacket *o = dmx->out;
    pkt->data = o->data;
    pkt->size = (size_t)o->size;
    pkt->pts = o->pts == AV_NOPTS_VALUE ? INT64_MIN : o->pts;
    pkt->dts = o->dts == AV_NOPTS_VALUE ? INT64_MIN : o->dts;
    pkt->duration = o->duration > 0 ? o->duration : 0;
    pkt->flags = (o->flags & AV_PKT_FLAG_KEY) ? PXC_PACKET_KEY : 0;
    pkt->skip_before_pts = INT64_MIN;
    if (dmx->discont) {
        pkt->flags |= PXC_PACKET_DISCONTINUITY;
        pkt->skip_before_pts = dmx->skip_pts;
        dmx->discont = false;
    }
}

pxc_status pxc_demuxer_read_packet(pxc_demuxer *dmx, pxc_packet *pkt)
{
    if (!dmx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    if (!pkt || pkt->struct_size != sizeof(*pkt)) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "packet is NULL or not set up by pxc_packet_init()");
        return pxc_last_error_store(&dmx->last_error, &e);
    }
    av_packet_unref(dmx->out);
    pxc_packet_init(pkt);
    for (;;) {
        if (dmx->bsf) {
            int r = av_bsf_receive_packet(dmx->bsf, dmx->out);
            if (r >= 0) break;
            if (r == AVERROR_EOF) return PXC_OK;
            if (r != AVERROR(EAGAIN)) {
                pxc_video_av_error(&e, r, "converting a packet to Annex-B");
                return pxc_last_error_store(&dmx->last_error, &e);
            }
        }
        if (!dmx->pending && !dmx->eof) {
            if (dmx->next >= dmx->n) {
                dmx->eof = true;
            } else {
                int r = read_container(dmx, dmx->in);
                if (r == AVERROR_EOF) {
                    dmx->eof = true;
                } else if (r < 0) {
                    pxc_video_av_error(&e, r, "reading a packet");
                    pxc_err_prefix(&e, "packet %zu of %zu", dmx->next, dmx->n);
                    return pxc_last_error_store(&dmx->last_error, &e);
                } else {
                    dmx->pending = true;
                }
            }
        }
        if (dmx->eof) {
            if (!dmx->bsf) return PXC_OK;
            if (dmx->bsf_drained) return PXC_OK;
            dmx->bsf_drained = true;
            av_bsf_send_packet(dmx->bsf, NULL);
            continue;
        }
        /* packet dmx->next is in dmx->in */
        dmx->pending = false;
        if (dmx->synth && dmx->next < dmx->n) {
            const dmx_entry *en = &dmx->ent[dmx->next];
            dmx->in->pts = en->pts;
            dmx->in->dts = en->dts;
            if (dmx->in->duration <= 0) dmx->in->duration = en->duration;
        }
        size_t index = dmx->next++;
        if (!dmx->bsf) {
            av_packet_move_ref(dmx->out, dmx->in);
            break;
        }
        int r = av_bsf_send_packet(dmx->bsf, dmx->in);
        if (r < 0) {
            av_packet_unref(dmx->in);
            pxc_video_av_error(&e, r, "converting a packet to Annex-B");
            pxc_err_prefix(&e, "packet %zu", index);
            if (e.status == PXC_ERROR_INTERNAL) e.status = PXC_ERROR_CORRUPT_DATA;
            return pxc_last_error_store(&dmx->last_error, &e);
        }
    }
    emit(dmx, pkt);
    return PXC_OK;
}

/* Frame number of the frame presented at pts (the last at or before it); -1 when outside the stream. */
static int64_t frame_at(const pxc_demuxer *dmx, int64_t pts)
{
    const dmx_entry *first = &dmx->ent[dmx->order[0]];
    const dmx_entry *last = &dmx->ent[dmx->order[dmx->n - 1]];
    if (pts < first->pts) return -1;
    int64_t end;
    if (__builtin_add_overflow(last->pts, last->duration > 0 ? last->duration : 1, &end)) end = INT64_MAX;
    if (pts >= end) return -1;
    size_t lo = 0, hi = dmx->n; /* last frame with pts <= target */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (dmx->ent[dmx->order[mid]].pts <= pts) lo = mid;
        else hi = mid;
    }
    return (int64_t)lo;
}

pxc_status pxc_demuxer_frame_pts(pxc_demuxer *dmx, int64_t frame_number, int64_t *pts)
{
    if (!dmx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    if (!pts || frame_number < 0 || (uint64_t)frame_number >= dmx->n) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, pts ? "frame %lld is outside the stream's %zu frames"
                                                        : "pts is NULL (frame %lld of %zu)",
                    (long long)frame_number, dmx->n);
        return pxc_last_error_store(&dmx->last_error, &e);
    }
    *pts = dmx->ent[dmx->order[frame_number]].pts;
    return PXC_OK;
}

pxc_status pxc_demuxer_frame_at(pxc_demuxer *dmx, int64_t pts, int64_t *frame_number)
{
    if (!dmx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    int64_t f = frame_number ? frame_at(dmx, pts) : -1;
    if (f < 0) {
        const dmx_entry *first = &dmx->ent[dmx->order[0]];
        const dmx_entry *last = &dmx->ent[dmx->order[dmx->n - 1]];
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT,
                    frame_number ? "pts %lld is outside the stream (frames from %lld to %lld)"
                                 : "frame_number is NULL (pts %lld; frames from %lld to %lld)",
                    (long long)pts, (long long)first->pts, (long long)last->pts);
        return pxc_last_error_store(&dmx->last_error, &e);
    }
    *frame_number = f;
    return PXC_OK;
}

/* The packet (decode order) an exact seek to packet t starts from: the latest key
   frame, in decode order at or before the target, presented no later than it. */
static size_t key_for(const pxc_demuxer *dmx, size_t t)
{
    const int64_t want = dmx->ent[t].pts;
    size_t first_key = SIZE_MAX;
    for (size_t i = t + 1; i-- > 0;) {
        if (!dmx->ent[i].key) continue;
        first_key = i;
        if (dmx->ent[i].pts <= want) return i;
    }
    return first_key != SIZE_MAX ? first_key : 0;
}

pxc_status pxc_demuxer_seek_start(pxc_demuxer *dmx, int64_t frame_number, int64_t *key_frame, int64_t *packet)
{
    if (!dmx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    if (frame_number < 0 || (uint64_t)frame_number >= dmx->n) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "frame %lld: the stream has %zu frames", (long long)frame_number,
                    dmx->n);
        return pxc_last_error_store(&dmx->last_error, &e);
    }
    const size_t k = key_for(dmx, dmx->order[frame_number]);
    if (key_frame) *key_frame = frame_at(dmx, dmx->ent[k].pts);
    if (packet) *packet = (int64_t)k;
    return PXC_OK;
}

pxc_status pxc_demuxer_seek(pxc_demuxer *dmx, int64_t target, pxc_seek_by by, pxc_seek_mode mode,
                            int64_t *target_pts)
{
    if (!dmx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    if ((by != PXC_SEEK_BY_FRAME && by != PXC_SEEK_BY_TIMESTAMP) ||
        (mode != PXC_SEEK_EXACT && mode != PXC_SEEK_PREVIOUS_KEY)) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "invalid seek mode %d or target kind %d", (int)mode, (int)by);
        return pxc_last_error_store(&dmx->last_error, &e);
    }
    int64_t f = target;
    if (by == PXC_SEEK_BY_TIMESTAMP) {
        f = frame_at(dmx, target);
        if (f < 0) {
            pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT,
                        "seek to pts %lld: outside the stream (frames from pts %lld to %lld)", (long long)target,
                        (long long)dmx->ent[dmx->order[0]].pts, (long long)dmx->ent[dmx->order[dmx->n - 1]].pts);
            return pxc_last_error_store(&dmx->last_error, &e);
        }
    } else if (f < 0 || (uint64_t)f >= dmx->n) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "seek to frame %lld: the stream has %zu frames",
                    (long long)target, dmx->n);
        return pxc_last_error_store(&dmx->last_error, &e);
    }
    size_t t = dmx->order[f];
    int64_t want = dmx->ent[t].pts;
    size_t k = key_for(dmx, t);
    pxc_status st = position_at(dmx, k, &e);
    if (st != PXC_OK) return pxc_last_error_store(&dmx->last_error, &e);
    dmx->discont = true;
    dmx->skip_pts = mode == PXC_SEEK_EXACT ? want : INT64_MIN;
    if (target_pts) *target_pts = mode == PXC_SEEK_EXACT ? want : dmx->ent[k].pts;
    return PXC_OK;
}

const char *pxc_demuxer_last_error(const pxc_demuxer *dmx)
{
    return dmx ? pxc_last_error_get(&dmx->last_error) : "demuxer is NULL";
}
