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

/* ---- backends ------------------------------------------------------------ */

typedef struct pxc_vdec_open_args {
    pxc_context *ctx;
    pxc_vdec_shared *shared;
    const pxc_video_decoder_settings *settings;
    int threads;                 /* resolved decoding thread count */
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
} pxc_vdec_backend;

extern const pxc_vdec_backend pxc_vdec_backend_cpu;

#endif /* PXC_VIDEO_DECODER_INTERNAL_H */
