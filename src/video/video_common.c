/* Translations between FFmpeg's libraries and pixcodec's video types. */
#include "video/video_common.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>

static const struct {
    pxc_video_codec pxc;
    enum AVCodecID av;
    const char *name;
} codecs[] = {
    {PXC_VIDEO_CODEC_MPEG1, AV_CODEC_ID_MPEG1VIDEO, "mpeg1"},
    {PXC_VIDEO_CODEC_MPEG2, AV_CODEC_ID_MPEG2VIDEO, "mpeg2"},
    {PXC_VIDEO_CODEC_MPEG4, AV_CODEC_ID_MPEG4, "mpeg4"},
    {PXC_VIDEO_CODEC_H264, AV_CODEC_ID_H264, "h264"},
    {PXC_VIDEO_CODEC_HEVC, AV_CODEC_ID_HEVC, "hevc"},
    {PXC_VIDEO_CODEC_AV1, AV_CODEC_ID_AV1, "av1"},
    {PXC_VIDEO_CODEC_VP8, AV_CODEC_ID_VP8, "vp8"},
    {PXC_VIDEO_CODEC_VP9, AV_CODEC_ID_VP9, "vp9"},
    {PXC_VIDEO_CODEC_MJPEG, AV_CODEC_ID_MJPEG, "mjpeg"},
};
#define N_CODECS (sizeof(codecs) / sizeof(codecs[0]))

const char *pxc_video_codec_name(pxc_video_codec codec)
{
    for (size_t i = 0; i < N_CODECS; i++)
        if (codecs[i].pxc == codec) return codecs[i].name;
    return "unknown";
}

pxc_video_codec pxc_video_codec_from_av(enum AVCodecID id)
{
    for (size_t i = 0; i < N_CODECS; i++)
        if (codecs[i].av == id) return codecs[i].pxc;
    return PXC_VIDEO_CODEC_UNKNOWN;
}

enum AVCodecID pxc_video_codec_to_av(pxc_video_codec codec)
{
    for (size_t i = 0; i < N_CODECS; i++)
        if (codecs[i].pxc == codec) return codecs[i].av;
    return AV_CODEC_ID_NONE;
}

bool pxc_video_pixfmt_facts(enum AVPixelFormat fmt, pxc_video_chroma *chroma, uint32_t *bit_depth)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(fmt);
    if (!d || (d->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_HWACCEL |
                           AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_FLOAT)))
        return false;
    if (d->nb_components < 1) return false;
    *bit_depth = (uint32_t)d->comp[0].depth;
    if (d->nb_components <= 2) *chroma = PXC_VIDEO_CHROMA_400;
    else if (d->log2_chroma_w == 1 && d->log2_chroma_h == 1) *chroma = PXC_VIDEO_CHROMA_420;
    else if (d->log2_chroma_w == 1 && d->log2_chroma_h == 0) *chroma = PXC_VIDEO_CHROMA_422;
    else if (d->log2_chroma_w == 0 && d->log2_chroma_h == 0) *chroma = PXC_VIDEO_CHROMA_444;
    else return false; /* 4:1:1, 4:1:0: not offered */
    return true;
}

void pxc_video_color_from_av(pxc_video_color *c, enum AVColorSpace matrix, enum AVColorPrimaries primaries,
                             enum AVColorTransferCharacteristic transfer, enum AVColorRange range)
{
    c->matrix = (int)matrix;
    c->primaries = (int)primaries;
    c->transfer = (int)transfer;
    c->full_range = range == AVCOL_RANGE_JPEG ? 1 : 0;
}

pxc_status pxc_video_av_error(pxc_err *e, int averr, const char *what)
{
    char text[AV_ERROR_MAX_STRING_SIZE];
    if (av_strerror(averr, text, sizeof(text)) < 0) snprintf(text, sizeof(text), "FFmpeg error %d", averr);
    pxc_status st;
    switch (averr) {
    case AVERROR_INVALIDDATA:
    case AVERROR_BUG2:
        st = PXC_ERROR_CORRUPT_DATA;
        break;
    case AVERROR(ENOMEM):
        st = PXC_ERROR_OUT_OF_MEMORY;
        break;
    case AVERROR(EIO):
    case AVERROR(ENOENT):
    case AVERROR(EACCES):
    case AVERROR(EISDIR):
        st = PXC_ERROR_IO;
        break;
    case AVERROR_PATCHWELCOME:
    case AVERROR(ENOSYS):
    case AVERROR_DECODER_NOT_FOUND:
    case AVERROR_DEMUXER_NOT_FOUND:
    case AVERROR_BSF_NOT_FOUND:
        st = PXC_ERROR_UNSUPPORTED_FEATURE;
        break;
    case AVERROR_EOF:
        st = PXC_ERROR_TRUNCATED_DATA;
        break;
    case AVERROR(EINVAL):
        st = PXC_ERROR_CORRUPT_DATA; /* FFmpeg's answer to most malformed headers */
        break;
    default:
        st = PXC_ERROR_INTERNAL;
        break;
    }
    return pxc_err_set(e, st, "%s: %s", what, text);
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_av(void)
{
    const char *lvl = getenv("PXC_AV_LOG_LEVEL");
    av_log_set_level(lvl && *lvl ? atoi(lvl) : AV_LOG_FATAL);
}

void pxc_video_init_once(void)
{
    pthread_once(&init_once, init_av);
}
