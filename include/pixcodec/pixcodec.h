/**
 * @file pixcodec.h
 * @brief pixcodec: decode and encode images on the CPU and GPU.
 *
 * Include this header for the whole API:
 * - context.h  thread pool, limits, logging
 * - image.h    image descriptions, image info, image buffers
 * - stream.h   code streams from memory or files
 * - backend.h  backend kinds and batch splitting
 * - decoder.h  decode one or a batch
 * - encoder.h  encode one or a batch, to memory or files
 * - codecs.h   what this build supports
 */
#ifndef PIXCODEC_PIXCODEC_H
#define PIXCODEC_PIXCODEC_H

#include "export.h"
#include "status.h"
#include "context.h"
#include "image.h"
#include "stream.h"
#include "backend.h"
#include "decoder.h"
#include "encoder.h"
#include "codecs.h"
#include "video.h"

#if !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
/**
 * @brief Detail text of the last error of any handle (C11):
 *        pxc_last_error(ctx), pxc_last_error(dec), pxc_last_error(enc),
 *        pxc_last_error(stream). Never NULL.
 */
#define pxc_last_error(handle)                                        \
    _Generic((handle),                                                \
        pxc_context *: pxc_context_last_error,                        \
        const pxc_context *: pxc_context_last_error,                  \
        pxc_decoder *: pxc_decoder_last_error,                        \
        const pxc_decoder *: pxc_decoder_last_error,                  \
        pxc_encoder *: pxc_encoder_last_error,                        \
        const pxc_encoder *: pxc_encoder_last_error,                  \
        pxc_code_stream *: pxc_code_stream_last_error,                \
        const pxc_code_stream *: pxc_code_stream_last_error,          \
        pxc_demuxer *: pxc_demuxer_last_error,                        \
        const pxc_demuxer *: pxc_demuxer_last_error,                  \
        pxc_video_decoder *: pxc_video_decoder_last_error,            \
        const pxc_video_decoder *: pxc_video_decoder_last_error)(handle)
#endif

#endif /* PIXCODEC_PIXCODEC_H */
