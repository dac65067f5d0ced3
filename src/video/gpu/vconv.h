/*
 * Conversion and resizing of decoded video surfaces (NV12, P016, YUV444,
 * YUV444_16) on the GPU, and their CPU references.
 *
 * The per-pixel arithmetic lives in PXC_HD functions (vconv_math.h) shared by
 * the kernels (vconv_kernels.cu) and the references (vconv_ref.c), so the
 * reference tested on machines without a GPU runs the kernels' own code.
 *
 * What they compute is what the CPU conversion (src/video/convert.c,
 * libswscale with params->accurate set) gives, within 1: chroma interpolated
 * at every pixel (centred chroma siting, as libswscale assumes), the matrix
 * and range of the job, crop, then scaling of the cropped rectangle with the
 * job's filter.
 */
#ifndef PXC_VIDEO_GPU_VCONV_H
#define PXC_VIDEO_GPU_VCONV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A surface: pxc_surface_format values (0 NV12, 1 P016, 2 YUV444, 3 YUV444_16). */
typedef struct pxc_vconv_surface {
    int format;
    uint32_t width, height;      /* luma size */
    uint32_t bit_depth;          /* 8, 10, 12; 16-bit formats hold the samples in their high bits */
    const uint8_t *planes[3];    /* NV12 / P016: Y, interleaved CbCr; YUV444*: Y, Cb, Cr */
    size_t pitch[3];             /* bytes */
} pxc_vconv_surface;

/* An RGB-family output. */
typedef struct pxc_vconv_out {
    uint8_t *data;
    uint32_t width, height;
    uint32_t channels;           /* 3, or 4 (alpha opaque: 255 / 65535) */
    int u16;                     /* 16-bit samples (else 8-bit) */
    int planar;                  /* CHW: channels planes of height rows (R, G, B), plane_stride apart */
    int bgr;                     /* interleaved B, G, R(, A) order (else R, G, B(, A)) */
    size_t row_stride;           /* bytes */
    size_t plane_stride;         /* bytes; planar only */
} pxc_vconv_out;

/* pxc_video_filter values */
enum { PXC_VCONV_BILINEAR = 0, PXC_VCONV_AREA = 1, PXC_VCONV_BICUBIC = 2, PXC_VCONV_NEAREST = 3 };

typedef struct pxc_vconv_job {
    pxc_vconv_surface src;
    /* the rectangle of src converted, right / bottom exclusive, inside the surface */
    uint32_t crop_left, crop_top, crop_right, crop_bottom;
    int filter;                  /* the resize filter; as in libswscale it also upsamples 4:2:0 chroma (even at 1:1) */
    int matrix;                  /* resolved ISO 23091-2 value: 1, 4, 5, 6, 7, 9, 10 */
    int full_range;              /* 0 limited, 1 full (resolved) */
    pxc_vconv_out dst;
} pxc_vconv_job;

/* A surface-to-surface resize (same format, range untouched), of the crop rectangle. */
typedef struct pxc_vresize_job {
    pxc_vconv_surface src;
    uint32_t crop_left, crop_top, crop_right, crop_bottom;
    int filter;
    pxc_vconv_surface dst;       /* same format and bit depth; planes writable */
} pxc_vresize_job;

/* The job surface of a pixcodec surface (its planes and pitches, whatever memory they are in). */
struct pxc_video_surface;
void pxc_vconv_surface_of(pxc_vconv_surface *v, const struct pxc_video_surface *s);

/* NULL when the job can be done (by both the kernels and the reference), else why not (static text). */
const char *pxc_vconv_check(const pxc_vconv_job *j);
const char *pxc_vresize_check(const pxc_vresize_job *j);

/* CPU references (host pointers). The job must have passed the check. */
void pxc_vconv_ref(const pxc_vconv_job *j);
void pxc_vresize_ref(const pxc_vresize_job *j);

/* Kernel launchers (device pointers), ordered on cuda_stream (a cudaStream_t). They return the
   CUDA error of the launch (0: queued). Only in builds with CUDA (PXC_HAVE_CUDA). */
int pxc_vconv_launch(const pxc_vconv_job *j, void *cuda_stream);
int pxc_vresize_launch(const pxc_vresize_job *j, void *cuda_stream);
/* Fills @p rows rows of @p count 16-bit words, @p pitch bytes apart (2-byte aligned), with @p value:
   the neutral chroma of monochrome pictures (0x8080: two 8-bit samples; 0x8000: one 16-bit sample). */
int pxc_vfill16_launch(void *ptr, size_t pitch, uint32_t count, uint32_t rows, uint16_t value, void *cuda_stream);

#ifdef __cplusplus
}
#endif

#endif /* PXC_VIDEO_GPU_VCONV_H */
