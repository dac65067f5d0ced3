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

#endif /* PIXCODEC_PIXCODEC_H */
