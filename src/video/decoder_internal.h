/*
 * Internal interface of the video decoder, its frames and their conversion.
 *
 * decoder.c owns the public decoder API: argument checks, backend choice,
 * the drain / discontinuity / exact-seek rules and the frame limits. The work
 * itself is done by a backend (pxc_vdec_backend): decoder_cpu.c (libavcodec)
 * today; a GPU backend implements the same table. Frames carry a small table
 * of their own (pxc_vframe_ops) so that a backend whose frames live elsewhere
 * (device memory) can provide its own surface and conversion.
 *
 * State shared by a decoder and the frames it made (pxc_vdec_shared) is
 * reference counted: frames may outlive their decoder.
 */
#ifndef PXC_VIDEO_DECODER_INTERNAL_H
#define PXC_VIDEO_DECODER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <libavutil/frame.h>

#include "video/video_common.h"

/* ---- shared decoder state ------------------------------------------------ */

/* Cached scaler contexts per decoder (conversion of consecutive frames reuses them). */
#define PXC_VDEC_SWS_SLOTS 4

typedef struct pxc_sws_key {
    int src_format, src_w, src_h;
    int dst_format, dst_w, dst_h;
    int flags;
    int matrix;     /* SWS_CS_* / AVColorSpace value given to sws_getCoefficients() */
    int src_range;  /* 1 full, 0 limited */
} pxc_sws_key;

typedef struct pxc_sws_slot {
    pxc_sws_key key;
    struct SwsContext *sws; /* NULL: empty slot */
    bool in_use;
    uint64_t last_used;
} pxc_sws_slot;

typedef struct pxc_vdec_shared {
    atomic_int refs;
    pxc_context *ctx;       /* outlives the decoder and its frames (context rule) */
    int threads;            /* threads for conversion (the context's count) */
    pthread_mutex_t sws_lock;
    uint64_t sws_tick;
    pxc_sws_slot sws[PXC_VDEC_SWS_SLOTS];
} pxc_vdec_shared;

pxc_vdec_shared *pxc_vdec_shared_new(pxc_context *ctx);
pxc_vdec_shared *pxc_vdec_shared_ref(pxc_vdec_shared *s);
void pxc_vdec_shared_unref(pxc_vdec_shared *s);

/*
 * A scaler for @p key: an idle cached one, or a new one (NULL with @p e set on
 * failure). Give it back with pxc_vdec_sws_release(); until then no other
 * thread gets it.
 */
struct SwsContext *pxc_vdec_sws_acquire(pxc_vdec_shared *s, const pxc_sws_key *key, pxc_err *e);
void pxc_vdec_sws_release(pxc_vdec_shared *s, const pxc_sws_key *key, struct SwsContext *sws);

/* ---- frames ----------------------------------------------------------------- */

typedef struct pxc_vframe_ops {
    /* Fills the frame's surface (called once, under the frame's lock). */
    pxc_status (*build_surface)(pxc_video_frame *f, pxc_video_surface *out, pxc_err *e);
    /* Converts into a validated host image. */
    pxc_status (*convert)(pxc_video_frame *f, const pxc_video_convert_params *p, pxc_image *dst, pxc_err *e);
    /* Frees what the backend attached to the frame (priv, av). */
    void (*free_priv)(pxc_video_frame *f);
    /* Resizes into a new frame of the same kind (resolved parameters); NULL: the libswscale path of
       CPU frames (convert.c). */
    pxc_status (*resize)(pxc_video_frame *f, const pxc_video_convert_params *p, pxc_video_frame **out, pxc_err *e);
} pxc_vframe_ops;

struct pxc_video_frame {
    atomic_int refs;
    const pxc_vframe_ops *ops;
    pxc_vdec_shared *shared;     /* one reference */
    pxc_video_frame_info info;
    AVFrame *av;                 /* CPU frames: the decoded picture (one reference) */
    void *priv;                  /* other backends' data */
    /* surface, built on first request */
    pthread_mutex_t surface_lock;
    atomic_bool surface_ready;
    pxc_video_surface surface;
    uint8_t *surface_buf;        /* NULL when the surface points into av */
    int device_id;               /* the device holding the surface; -1: host memory */
};

/* CPU frame operations (frame.c for the surface, convert.c for the conversion). */
extern const pxc_vframe_ops pxc_vframe_cpu_ops;
pxc_status pxc_vframe_cpu_surface(pxc_video_frame *f, pxc_video_surface *out, pxc_err *e);
pxc_status pxc_vframe_cpu_convert(pxc_video_frame *f, const pxc_video_convert_params *p, pxc_image *dst,
                                  pxc_err *e);

/*
 * Wraps a decoded AVFrame (its reference is moved into the frame; @p av is
 * left empty) in a new CPU frame with one reference. NULL when out of memory
 * or when the pixel format is not a planar YUV / gray format (e set).
 */
pxc_video_frame *pxc_vframe_new_cpu(pxc_vdec_shared *shared, AVFrame *av, pxc_err *e);

/* The matrix a conversion uses: @p requested (>= 0) or the frame's, an unknown one replaced by BT.601
   below 720 lines and BT.709 from 720 lines on (convert.c). */
int pxc_video_resolve_matrix(const pxc_video_frame *f, int requested);

/* ---- frames around a surface buffer (frame_gpu.c) -------------------------------------------- */

/* Device buffers for the surfaces of one decoder's frames, reference counted (frames hold one). */
typedef struct pxc_vpool pxc_vpool;
pxc_vpool *pxc_vpool_new(int device_id);
void pxc_vpool_unref(pxc_vpool *p);
/* Sets the size of the buffers handed out from now on (idle buffers of another size are freed). */
void pxc_vpool_set_size(pxc_vpool *p, size_t bytes);

/* Compact layout of a surface in one buffer (plane offsets in s->planes until pxc_vsurface_place). */
bool pxc_vsurface_layout(pxc_surface_format format, uint32_t w, uint32_t h, pxc_video_surface *s, size_t *total);
void pxc_vsurface_place(pxc_video_surface *s, uint8_t *base);

/*
 * A new frame (one reference) whose surface of @p format, info->width x info->height, is a buffer
 * from @p pool on the pool's device (which must be current); *surf receives the surface to fill.
 */
pxc_status pxc_vframe_new_pooled(pxc_vdec_shared *shared, pxc_vpool *pool, const pxc_video_frame_info *info,
                                 pxc_surface_format format, uint32_t bit_depth, pxc_video_frame **out,
                                 pxc_video_surface *surf, pxc_err *e);

/* The surface format a frame of @p info has: NV12 / P016 for 4:2:0 and 4:0:0, YUV444 / YUV444_16 otherwise. */
pxc_surface_format pxc_vsurface_format_of(const pxc_video_frame_info *info);

/*
 * A frame without pixels (decode_only): @p info and the layout of its surface (NULL planes) in
 * @p kind memory on @p device_id. Its conversion, resize and copy fail with INVALID_ARGUMENT.
 */
pxc_status pxc_vframe_new_bare(pxc_vdec_shared *shared, const pxc_video_frame_info *info, pxc_buffer_kind kind,
                               int device_id, pxc_video_frame **out, pxc_err *e);
/* Whether @p f holds pixels (false for the frames of pxc_vframe_new_bare()). */
bool pxc_vframe_has_pixels(const pxc_video_frame *f);
/* Sets @p e to the error for using the pixels of a frame that has none; returns its status. */
pxc_status pxc_vframe_no_pixels(pxc_err *e);

/* ---- backends ------------------------------------------------------------ */

typedef struct pxc_vdec_open_args {
    pxc_context *ctx;
    pxc_vdec_shared *shared;
    const pxc_video_decoder_settings *settings;
    int threads;                 /* resolved decoding thread count */
    const pxc_video_info *stream; /* what the demuxer knows of the stream (NULL: nothing) */
} pxc_vdec_open_args;

/*
 * A decoding backend. send / receive follow the public rules except those
 * decoder.c handles (argument checks, drain bookkeeping, skipping before a
 * pts, frame limits): send never sees a NULL packet (drain is send_eos), a
 * discontinuity has already been turned into a flush.
 */
typedef struct pxc_vdec_backend {
    const char *name;            /* "cpu", "gpu" */
    pxc_status (*open)(const pxc_vdec_open_args *a, void **impl, pxc_err *e);
    void (*close)(void *impl);
    /* PXC_OK (taken or kept pending), or an error. discard_nonref: the packet is
       presented before an exact seek's target, so if no other picture refers to
       it, it need not be decoded at all (a backend may ignore this) */
    pxc_status (*send)(void *impl, const pxc_packet *pkt, bool discard_nonref, pxc_err *e);
    pxc_status (*send_eos)(void *impl, pxc_err *e);
    /* PXC_OK with *out, PXC_NEED_MORE_INPUT, PXC_END_OF_STREAM, or an error */
    pxc_status (*receive)(void *impl, pxc_video_frame **out, pxc_err *e);
    void (*flush)(void *impl);
    /* whether the codec at that depth can be decoded (availability reason in *why when not) */
    bool (*supported)(pxc_video_codec codec, uint32_t bit_depth, int device_id, const char **why);
    /* NULL, or whether the backend has accepted the stream's format: until then an
       UNSUPPORTED_FEATURE from send means the stream (seen by the backend's own parser) is beyond
       it, and decoder.c may hand the packets sent so far to another backend */
    bool (*committed)(void *impl);
} pxc_vdec_backend;

extern const pxc_vdec_backend pxc_vdec_backend_cpu;
/* NVDEC (decoder_nvdec.c); in builds without CUDA its open and supported say so. */
extern const pxc_vdec_backend pxc_vdec_backend_nvdec;

#endif /* PXC_VIDEO_DECODER_INTERNAL_H */
