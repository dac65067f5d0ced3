/*
 * Shared pieces of the video code: codec ids, colour and chroma facts and
 * error texts translated between FFmpeg's libraries and pixcodec's types.
 */
#ifndef PXC_VIDEO_COMMON_H
#define PXC_VIDEO_COMMON_H

#include <libavcodec/avcodec.h>
#include <libavutil/pixfmt.h>

#include <pixcodec/video.h>

#include "core/internal.h"

/** pixcodec's codec for an FFmpeg codec id (PXC_VIDEO_CODEC_UNKNOWN for others). */
pxc_video_codec pxc_video_codec_from_av(enum AVCodecID id);

/** FFmpeg's codec id for a pixcodec codec (AV_CODEC_ID_NONE for UNKNOWN or bad values). */
enum AVCodecID pxc_video_codec_to_av(pxc_video_codec codec);

/** Chroma format and bit depth of a decoded pixel format; false when it is not planar YUV/gray. */
bool pxc_video_pixfmt_facts(enum AVPixelFormat fmt, pxc_video_chroma *chroma, uint32_t *bit_depth);

/** Colour description from FFmpeg's fields (unspecified values kept as 2 / limited). */
void pxc_video_color_from_av(pxc_video_color *c, enum AVColorSpace matrix, enum AVColorPrimaries primaries,
                             enum AVColorTransferCharacteristic transfer, enum AVColorRange range);

/**
 * Sets @p e from an FFmpeg error code: the status it means (AVERROR_INVALIDDATA
 * -> CORRUPT_DATA, ENOMEM -> OUT_OF_MEMORY, EIO / ENOENT -> IO, PATCHWELCOME /
 * ENOSYS / *_NOT_FOUND -> UNSUPPORTED_FEATURE, EOF -> TRUNCATED_DATA, others
 * INTERNAL) and a text "<what>: <FFmpeg's text>". Returns the status.
 */
pxc_status pxc_video_av_error(pxc_err *e, int averr, const char *what);

/**
 * Called before any use of libavformat / libavcodec: once per process, lowers
 * FFmpeg's global log level to AV_LOG_FATAL (damaged input would otherwise
 * print to stderr; pixcodec reports errors through its own statuses), unless
 * PXC_AV_LOG_LEVEL is set in the environment (an FFmpeg level number, e.g. 32).
 */
void pxc_video_init_once(void);

#endif /* PXC_VIDEO_COMMON_H */
