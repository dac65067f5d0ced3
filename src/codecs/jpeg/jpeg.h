/* Internal declarations of the JPEG codec. */
#ifndef PXC_CODECS_JPEG_H
#define PXC_CODECS_JPEG_H

#include "core/codec.h"

extern const pxc_codec_impl pxc_jpeg_turbo_impl;
extern const pxc_codec_impl pxc_jpeg_cuda_encoder_impl; /* gpu/cuda_encode.c */
extern const pxc_codec_impl pxc_jpeg_cuda_decoder_impl;     /* gpu/cuda_decode.c, HYBRID_CPU_GPU */
extern const pxc_codec_impl pxc_jpeg_cuda_gpu_decoder_impl; /* gpu/cuda_decode.c, GPU_ONLY */

/* Default limit on progressive scans (hostile files with thousands of scans). */
#define PXC_JPEG_DEFAULT_MAX_SCANS 500

/* The pxc_status of a libjpeg message code (an error, or a warning treated as one). */
pxc_status pxc_jpeg_status_of(int msg_code);

/* libjpeg warnings that mean the decoded samples would be wrong (corrupt entropy-coded data). */
bool pxc_jpeg_corrupting_warning(int msg_code);

/* Maps luma sampling factors (chroma 1x1) to a subsampling; UNKNOWN for others. */
pxc_chroma_subsampling pxc_jpeg_subsampling(int ncomp, const int *h, const int *v);

#endif
