/*
 * Video types of pixcodec._pixcodec, thin wrappers over the C video API
 * (pixcodec/video.h); pixcodec/video.py builds the seed's demuxer and decoder
 * classes and VideoReader on them.
 *
 * - _Demuxer: pxc_demuxer over a file or bytes; packets come back as tuples.
 * - _VideoDecoder: pxc_video_decoder (send packet / receive frame).
 * - _Frame: one decoded frame (a reference to a pxc_video_frame): facts,
 *   surface planes as _ArrayView objects, conversion into pixcodec.Image.
 * - _ArrayView: a 2-D strided array over a frame's memory (which it keeps
 *   alive) or over a host copy it owns; buffer protocol, __array_interface__
 *   (__cuda_array_interface__ for device memory), __dlpack__ / __dlpack_device__.
 *
 * The GIL is released around demuxing, decoding and conversion. A demuxer or
 * decoder is used by one thread at a time: each object serialises its calls
 * with its own lock.
 */
#include <stdint.h>
#include <string.h>

#include "ext.h"
#include "pythread.h"

#define DETAIL_MAX 512

/* Takes @p lock, releasing the GIL while waiting for another thread to finish. */
static void lock_take(PyThread_type_lock lock)
{
    if (!PyThread_acquire_lock(lock, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS
        PyThread_acquire_lock(lock, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
}

/* ======================================================================= handles */

/* The head shared by _Demuxer and _VideoDecoder: a C handle used by one thread at a time. */
typedef struct {
    PyObject_HEAD
    PyObject *module;      /* strong reference: keeps the context alive */
    PyThread_type_lock lock;
} HandleObject;

static HandleObject *handle_alloc(PyTypeObject *type)
{
    HandleObject *self = (HandleObject *)type->tp_alloc(type, 0);
    if (!self) return NULL;
    self->module = Py_NewRef(PyType_GetModuleByDef(type, &pxc_module_def));
    self->lock = PyThread_allocate_lock();
    if (!self->lock) {
        Py_DECREF(self);
        PyErr_NoMemory();
        return NULL;
    }
    return self;
}

static int handle_traverse(HandleObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->module);
    return 0;
}

/* Second half of a dealloc, after the type's own handle is destroyed. */
static void handle_free(HandleObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    if (self->lock) PyThread_free_lock(self->lock);
    Py_XDECREF(self->module);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

/* Runs CALL (a pxc_status expression) under the object's lock without the GIL, setting STATUS and,
 * on an error, copying ERRTEXT (the handle's detail, valid until its next call) into DETAIL. */
#define LOCKED_CALL(obj, status, detail, call, errtext)                              \
    do {                                                                             \
        lock_take((obj)->lock);                                                      \
        Py_BEGIN_ALLOW_THREADS                                                       \
        (status) = (call);                                                           \
        if ((status) < 0) snprintf((detail), sizeof(detail), "%s", (errtext));       \
        Py_END_ALLOW_THREADS                                                         \
        PyThread_release_lock((obj)->lock);                                          \
    } while (0)

/* ======================================================================= demuxer */

typedef struct {
    HandleObject h;
    pxc_demuxer *dmx;
    Py_buffer source;      /* bytes the demuxer borrows (open from memory) */
    int has_source;
} DemuxerObject;

static PyObject *demuxer_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *kw[] = {"source", "is_path", NULL};
    PyObject *source;
    int is_path = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "Op:_Demuxer", kw, &source, &is_path)) return NULL;
    module_state *st = pxc_state_of_type(type);
    if (!st) return NULL;
    DemuxerObject *self = (DemuxerObject *)handle_alloc(type);
    if (!self) return NULL;
    pxc_status s;
    char detail[DETAIL_MAX] = "";
    if (is_path) {
        PyObject *bytes = NULL;
        if (!PyUnicode_FSConverter(source, &bytes)) {
            Py_DECREF(self);
            return NULL;
        }
        const char *path = PyBytes_AS_STRING(bytes);
        Py_BEGIN_ALLOW_THREADS
        s = pxc_demuxer_open_file(st->ctx, path, &self->dmx);
        if (s != PXC_OK) snprintf(detail, sizeof detail, "%s", pxc_context_last_error(st->ctx));
        Py_END_ALLOW_THREADS
        Py_DECREF(bytes);
    } else {
        if (PyObject_GetBuffer(source, &self->source, PyBUF_SIMPLE) < 0) {
            Py_DECREF(self);
            return NULL;
        }
        self->has_source = 1;
        const void *data = self->source.buf;
        size_t size = (size_t)self->source.len;
        Py_BEGIN_ALLOW_THREADS
        s = pxc_demuxer_open_memory(st->ctx, data, size, PXC_MEMORY_BORROW, &self->dmx);
        if (s != PXC_OK) snprintf(detail, sizeof detail, "%s", pxc_context_last_error(st->ctx));
        Py_END_ALLOW_THREADS
    }
    if (s != PXC_OK) {
        Py_DECREF(self);
        return pxc_raise(st, s, detail);
    }
    return (PyObject *)self;
}

static void demuxer_dealloc(DemuxerObject *self)
{
    PyObject_GC_UnTrack(self);
    /* without the GIL: FFmpeg's threads may be logging through a callback that takes it */
    pxc_demuxer *dmx = self->dmx;
    Py_BEGIN_ALLOW_THREADS
    pxc_demuxer_destroy(dmx);
    Py_END_ALLOW_THREADS
    if (self->has_source) PyBuffer_Release(&self->source);
    handle_free(&self->h);
}

static module_state *state_of(PyObject *module)
{
    return pxc_state_of_module(module);
}

static PyObject *color_items(PyObject *d, const pxc_video_color *c)
{
    PyObject *v = Py_BuildValue("{s:i,s:i,s:i,s:O}", "matrix", c->matrix, "primaries", c->primaries, "transfer",
                                c->transfer, "full_range", c->full_range ? Py_True : Py_False);
    if (!v || PyDict_SetItemString(d, "color", v) < 0) {
        Py_XDECREF(v);
        Py_DECREF(d);
        return NULL;
    }
    Py_DECREF(v);
    return d;
}

static PyObject *demuxer_info(DemuxerObject *self, PyObject *unused)
{
    pxc_video_info vi;
    memset(&vi, 0, sizeof vi);
    vi.struct_size = sizeof vi;
    pxc_status s;
    char detail[DETAIL_MAX] = "";
    LOCKED_CALL(&self->h, s, detail, pxc_demuxer_get_info(self->dmx, &vi), pxc_demuxer_last_error(self->dmx));
    if (s != PXC_OK) return pxc_raise(state_of(self->h.module), s, detail);
    PyObject *d = Py_BuildValue(
        "{s:i,s:s,s:s,s:I,s:I,s:I,s:i,s:d,s:(ii),s:L,s:d,s:L,s:i,s:i}", "codec", (int)vi.codec, "codec_name",
        vi.codec_name, "container", vi.container, "width", (unsigned)vi.width, "height", (unsigned)vi.height,
        "bit_depth", (unsigned)vi.bit_depth, "chroma", (int)vi.chroma, "frame_rate", vi.frame_rate, "time_base",
        (int)vi.time_base_num, (int)vi.time_base_den, "start_pts", (long long)vi.start_pts, "duration",
        vi.duration, "num_frames", (long long)vi.num_frames, "rotation", vi.rotation, "stream_index",
        vi.stream_index);
    return d ? color_items(d, &vi.color) : NULL;
}

static PyObject *demuxer_extradata(DemuxerObject *self, PyObject *unused)
{
    size_t size = 0;
    lock_take(self->h.lock);
    const uint8_t *p = pxc_demuxer_extradata(self->dmx, &size);
    PyObject *b = PyBytes_FromStringAndSize(p ? (const char *)p : "", p ? (Py_ssize_t)size : 0);
    PyThread_release_lock(self->h.lock);
    return b;
}

/* (data: bytes, pts, dts, duration, flags, skip_before_pts); data is b"" at the end of the stream. */
static PyObject *packet_tuple(const pxc_packet *pkt)
{
    return Py_BuildValue("(y#LLLIL)", pkt->size ? (const char *)pkt->data : "", (Py_ssize_t)pkt->size,
                         (long long)pkt->pts, (long long)pkt->dts, (long long)pkt->duration, (unsigned)pkt->flags,
                         (long long)pkt->skip_before_pts);
}

static PyObject *demuxer_read(DemuxerObject *self, PyObject *unused)
{
    pxc_packet pkt;
    pxc_packet_init(&pkt);
    char detail[DETAIL_MAX] = "";
    pxc_status s;
    lock_take(self->h.lock);
    Py_BEGIN_ALLOW_THREADS
    s = pxc_demuxer_read_packet(self->dmx, &pkt);
    if (s != PXC_OK) snprintf(detail, sizeof detail, "%s", pxc_demuxer_last_error(self->dmx));
    Py_END_ALLOW_THREADS
    /* the packet's bytes belong to the demuxer until its next read: copy them under the lock */
    PyObject *r = s == PXC_OK ? packet_tuple(&pkt) : NULL;
    PyThread_release_lock(self->h.lock);
    if (s != PXC_OK) return pxc_raise(state_of(self->h.module), s, detail);
    return r;
}

static PyObject *demuxer_seek(DemuxerObject *self, PyObject *args)
{
    long long target;
    int by, mode;
    if (!PyArg_ParseTuple(args, "Lii:seek", &target, &by, &mode)) return NULL;
    if ((by != PXC_SEEK_BY_FRAME && by != PXC_SEEK_BY_TIMESTAMP) || (mode != PXC_SEEK_EXACT && mode != PXC_SEEK_PREVIOUS_KEY)) {
        PyErr_Format(PyExc_ValueError, "seek: seek_mode must be 0 or 1 and seek_criteria 0 or 1, got %d and %d", mode,
                     by);
        return NULL;
    }
    int64_t target_pts = INT64_MIN;
    char detail[DETAIL_MAX] = "";
    pxc_status s;
    LOCKED_CALL(&self->h, s, detail,
                pxc_demuxer_seek(self->dmx, (int64_t)target, (pxc_seek_by)by, (pxc_seek_mode)mode, &target_pts),
                pxc_demuxer_last_error(self->dmx));
    if (s != PXC_OK) return pxc_raise(state_of(self->h.module), s, detail);
    return PyLong_FromLongLong((long long)target_pts);
}

static PyObject *demuxer_frame_pts(DemuxerObject *self, PyObject *arg)
{
    long long n = PyLong_AsLongLong(arg);
    if (n == -1 && PyErr_Occurred()) return NULL;
    int64_t pts = 0;
    char detail[DETAIL_MAX] = "";
    pxc_status s;
    LOCKED_CALL(&self->h, s, detail, pxc_demuxer_frame_pts(self->dmx, (int64_t)n, &pts),
                pxc_demuxer_last_error(self->dmx));
    if (s != PXC_OK) return pxc_raise(state_of(self->h.module), s, detail);
    return PyLong_FromLongLong((long long)pts);
}

static PyObject *demuxer_frame_at(DemuxerObject *self, PyObject *arg)
{
    long long pts = PyLong_AsLongLong(arg);
    if (pts == -1 && PyErr_Occurred()) return NULL;
    int64_t n = 0;
    char detail[DETAIL_MAX] = "";
    pxc_status s;
    LOCKED_CALL(&self->h, s, detail, pxc_demuxer_frame_at(self->dmx, (int64_t)pts, &n),
                pxc_demuxer_last_error(self->dmx));
    if (s != PXC_OK) return pxc_raise(state_of(self->h.module), s, detail);
    return PyLong_FromLongLong((long long)n);
}

static PyObject *demuxer_seek_start(DemuxerObject *self, PyObject *arg)
{
    long long n = PyLong_AsLongLong(arg);
    if (n == -1 && PyErr_Occurred()) return NULL;
    int64_t key = 0, packet = 0;
    char detail[DETAIL_MAX] = "";
    pxc_status s;
    LOCKED_CALL(&self->h, s, detail, pxc_demuxer_seek_start(self->dmx, (int64_t)n, &key, &packet),
                pxc_demuxer_last_error(self->dmx));
    if (s != PXC_OK) return pxc_raise(state_of(self->h.module), s, detail);
    return Py_BuildValue("(LL)", (long long)key, (long long)packet);
}

static PyMethodDef demuxer_methods[] = {
    {"info", (PyCFunction)demuxer_info, METH_NOARGS, "info() -> dict of the video stream's facts."},
    {"extradata", (PyCFunction)demuxer_extradata, METH_NOARGS, "extradata() -> bytes (Annex-B parameter sets)."},
    {"read", (PyCFunction)demuxer_read, METH_NOARGS,
     "read() -> (data, pts, dts, duration, flags, skip_before_pts); data is b'' at the end."},
    {"seek", (PyCFunction)demuxer_seek, METH_VARARGS,
     "seek(target, by, mode) -> pts of the frame the seek lands on (by: 0 frame, 1 pts; mode: 0 exact, 1 key)."},
    {"frame_pts", (PyCFunction)demuxer_frame_pts, METH_O, "frame_pts(n) -> pts of frame n (presentation order)."},
    {"frame_at", (PyCFunction)demuxer_frame_at, METH_O, "frame_at(pts) -> number of the frame presented at pts."},
    {"seek_start", (PyCFunction)demuxer_seek_start, METH_O,
     "seek_start(n) -> (key frame number, its packet in decode order) an exact seek to frame n starts from."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot demuxer_slots[] = {
    {Py_tp_new, demuxer_new},
    {Py_tp_dealloc, demuxer_dealloc},
    {Py_tp_traverse, handle_traverse},
    {Py_tp_methods, demuxer_methods},
    {Py_tp_doc, "_Demuxer(source, is_path)\n--\n\nThe C demuxer over a path (is_path true) or a bytes-like "
                "object it keeps (is_path false)."},
    {0, NULL},
};

PyType_Spec pxc_demuxer_spec = {
    .name = "pixcodec._pixcodec._Demuxer",
    .basicsize = sizeof(DemuxerObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_HAVE_GC,
    .slots = demuxer_slots,
};

/* ======================================================================= array view */

typedef struct {
    PyObject_HEAD
    PyObject *owner;       /* the object whose memory this views (NULL for an owned copy) */
    void *copy;            /* owned host copy (PyMem_RawFree) */
    pxc_array_geometry geom;
} ArrayViewObject;

static ArrayViewObject *view_new(module_state *st, PyObject *owner, const pxc_array_geometry *g)
{
    ArrayViewObject *v = (ArrayViewObject *)st->ArrayViewType->tp_alloc(st->ArrayViewType, 0);
    if (!v) return NULL;
    v->owner = owner ? Py_NewRef(owner) : NULL;
    v->geom = *g;
    return v;
}

static int view_traverse(ArrayViewObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->owner);
    return 0;
}

static void view_dealloc(ArrayViewObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    Py_XDECREF(self->owner);
    PyMem_RawFree(self->copy);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyObject *view_get_shape(ArrayViewObject *self, void *c) { return pxc_shape_tuple(&self->geom); }
static PyObject *view_get_strides(ArrayViewObject *self, void *c) { return pxc_strides_tuple(&self->geom); }
static PyObject *view_get_dtype(ArrayViewObject *self, void *c) { return pxc_numpy_dtype(self->geom.itemsize); }
static PyObject *view_get_ndim(ArrayViewObject *self, void *c) { return PyLong_FromLong(self->geom.ndim); }

static PyObject *view_get_ptr(ArrayViewObject *self, void *c)
{
    return PyLong_FromUnsignedLongLong((unsigned long long)(uintptr_t)self->geom.data);
}

static PyObject *view_get_device(ArrayViewObject *self, void *c)
{
    return PyUnicode_FromString(self->geom.on_device ? "cuda" : "cpu");
}

static PyObject *view_get_array_interface(ArrayViewObject *self, void *c)
{
    if (self->geom.on_device) {
        PyErr_SetString(PyExc_AttributeError,
                        "__array_interface__: this view is in device memory; use __cuda_array_interface__ or DLPack");
        return NULL;
    }
    return pxc_array_interface(&self->geom, 0, 0);
}

static PyObject *view_get_cuda_array_interface(ArrayViewObject *self, void *c)
{
    if (!self->geom.on_device) {
        PyErr_SetString(PyExc_AttributeError, "__cuda_array_interface__: this view is in host memory");
        return NULL;
    }
    return pxc_array_interface(&self->geom, 0, 1);
}

static PyObject *view_dlpack(ArrayViewObject *self, PyObject *args, PyObject *kwargs)
{
    if (pxc_dlpack_check_args(args, kwargs, &self->geom) < 0) return NULL;
    return pxc_dlpack_export((PyObject *)self, &self->geom);
}

static PyObject *view_dlpack_device(ArrayViewObject *self, PyObject *unused)
{
    return pxc_dlpack_device(&self->geom);
}

static int view_getbuffer(ArrayViewObject *self, Py_buffer *view, int flags)
{
    return pxc_fill_buffer((PyObject *)self, &self->geom, view, flags);
}

static void view_releasebuffer(ArrayViewObject *self, Py_buffer *view)
{
    (void)self;
    (void)view;
}

static PyObject *view_repr(ArrayViewObject *self)
{
    const pxc_array_geometry *g = &self->geom;
    return PyUnicode_FromFormat("<pixcodec.video.ArrayView %zdx%zd %s %s>", g->shape[0],
                                g->ndim > 1 ? g->shape[1] : (Py_ssize_t)1, g->itemsize == 2 ? "uint16" : "uint8",
                                g->on_device ? "device" : "host");
}

static PyGetSetDef view_getset[] = {
    {"shape", (getter)view_get_shape, NULL, "Extents (rows, columns).", NULL},
    {"strides", (getter)view_get_strides, NULL, "Strides in bytes, as numpy gives them.", NULL},
    {"dtype", (getter)view_get_dtype, NULL, "numpy.dtype('uint8') or ('uint16').", NULL},
    {"ndim", (getter)view_get_ndim, NULL, "Number of dimensions.", NULL},
    {"ptr", (getter)view_get_ptr, NULL, "Address of the first sample.", NULL},
    {"device", (getter)view_get_device, NULL, "'cpu' or 'cuda'.", NULL},
    {"__array_interface__", (getter)view_get_array_interface, NULL, "numpy array interface (host memory).", NULL},
    {"__cuda_array_interface__", (getter)view_get_cuda_array_interface, NULL,
     "CUDA array interface (device memory).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef view_methods[] = {
    {"__dlpack__", (PyCFunction)(void (*)(void))view_dlpack, METH_VARARGS | METH_KEYWORDS,
     "__dlpack__(stream=None) -> PyCapsule\n--\n\nExports the samples as a DLPack tensor without copying."},
    {"__dlpack_device__", (PyCFunction)view_dlpack_device, METH_NOARGS,
     "__dlpack_device__() -> (device_type, device_id): (1, 0) in host memory, (2, id) on a CUDA device."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot view_slots[] = {
    {Py_tp_dealloc, view_dealloc},
    {Py_tp_traverse, view_traverse},
    {Py_tp_repr, view_repr},
    {Py_tp_getset, view_getset},
    {Py_tp_methods, view_methods},
    {Py_bf_getbuffer, view_getbuffer},
    {Py_bf_releasebuffer, view_releasebuffer},
    {Py_tp_doc, "A strided array over a decoded frame's memory (kept alive by the view) or a host copy.\n"
                "numpy.asarray(view) and DLPack consumers see it without copying."},
    {0, NULL},
};

PyType_Spec pxc_array_view_spec = {
    .name = "pixcodec._pixcodec.ArrayView",
    .basicsize = sizeof(ArrayViewObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION | Py_TPFLAGS_HAVE_GC,
    .slots = view_slots,
};

/* ======================================================================= frame */

typedef struct {
    PyObject_HEAD
    pxc_video_frame *frame;
    PyObject *module;
    pxc_video_surface surf;
    pxc_video_frame_info info;
} FrameObject;

static PyObject *frame_wrap(PyObject *module, pxc_video_frame *frame)
{
    module_state *st = state_of(module);
    FrameObject *self = (FrameObject *)st->FrameType->tp_alloc(st->FrameType, 0);
    if (!self) {
        pxc_video_frame_release(frame);
        return NULL;
    }
    self->frame = frame;
    self->module = Py_NewRef(module);
    memset(&self->surf, 0, sizeof self->surf);
    self->surf.struct_size = sizeof self->surf;
    memset(&self->info, 0, sizeof self->info);
    self->info.struct_size = sizeof self->info;
    pxc_status s = pxc_video_frame_surface(frame, &self->surf);
    if (s == PXC_OK) s = pxc_video_frame_get_info(frame, &self->info);
    if (s != PXC_OK) {
        Py_DECREF(self);
        return pxc_raise(st, s, pxc_context_last_error(st->ctx));
    }
    return (PyObject *)self;
}

static int frame_traverse(FrameObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->module);
    return 0;
}

static void frame_dealloc(FrameObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    /* the last frame of a destroyed decoder frees the decoder's state: without the GIL, as above */
    pxc_video_frame *frame = self->frame;
    Py_BEGIN_ALLOW_THREADS
    pxc_video_frame_release(frame);
    Py_END_ALLOW_THREADS
    Py_XDECREF(self->module);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyObject *frame_info(FrameObject *self, PyObject *unused)
{
    const pxc_video_frame_info *i = &self->info;
    PyObject *d = Py_BuildValue("{s:I,s:I,s:I,s:i,s:L,s:L,s:O}", "width", (unsigned)i->width, "height",
                                (unsigned)i->height, "bit_depth", (unsigned)i->bit_depth, "chroma", (int)i->chroma,
                                "pts", (long long)i->pts, "duration", (long long)i->duration, "key_frame",
                                i->key_frame ? Py_True : Py_False);
    return d ? color_items(d, &i->color) : NULL;
}

/* Columns (in samples) of plane @p p: 4:2:0 chroma is interleaved CbCr at half resolution. */
static Py_ssize_t plane_cols(const pxc_video_surface *s, unsigned p)
{
    if (p > 0 && (s->format == PXC_SURFACE_NV12 || s->format == PXC_SURFACE_P016))
        return 2 * (((Py_ssize_t)s->width + 1) / 2);
    return (Py_ssize_t)s->width;
}

static PyObject *frame_surface(FrameObject *self, PyObject *unused)
{
    const pxc_video_surface *s = &self->surf;
    PyObject *pitch = PyTuple_New(s->num_planes), *rows = PyTuple_New(s->num_planes), *cols = PyTuple_New(s->num_planes);
    PyObject *addr = PyTuple_New(s->num_planes);
    if (!pitch || !rows || !cols || !addr) goto fail;
    for (unsigned p = 0; p < s->num_planes && p < 3; p++) {
        PyTuple_SET_ITEM(pitch, p, PyLong_FromSize_t(s->pitch[p]));
        PyTuple_SET_ITEM(rows, p, PyLong_FromUnsignedLong(s->plane_height[p]));
        PyTuple_SET_ITEM(cols, p, PyLong_FromSsize_t(plane_cols(s, p)));
        PyTuple_SET_ITEM(addr, p, PyLong_FromUnsignedLongLong((unsigned long long)(uintptr_t)s->planes[p]));
    }
    if (PyErr_Occurred()) goto fail;
    return Py_BuildValue("{s:i,s:I,s:I,s:I,s:I,s:I,s:N,s:N,s:N,s:N,s:O,s:i}", "format", (int)s->format, "width",
                         (unsigned)s->width, "height", (unsigned)s->height, "bit_depth", (unsigned)s->bit_depth,
                         "bytes_per_sample", (unsigned)s->bytes_per_sample, "num_planes", (unsigned)s->num_planes,
                         "pitch", pitch, "plane_height", rows, "plane_cols", cols, "planes", addr, "on_device",
                         s->buffer_kind == PXC_BUFFER_DEVICE ? Py_True : Py_False, "device_id", s->device_id);
fail:
    Py_XDECREF(pitch);
    Py_XDECREF(rows);
    Py_XDECREF(cols);
    Py_XDECREF(addr);
    return NULL;
}

/* A crop rectangle in luma pixels: left, top, right, bottom (right/bottom 0: the edge). */
typedef struct {
    uint32_t l, t, r, b;
} crop_rect;

static int is_420(const pxc_video_surface *s)
{
    return s->format == PXC_SURFACE_NV12 || s->format == PXC_SURFACE_P016;
}

/* Resolves right/bottom 0 to the frame's edge and checks the rectangle; -1 with ValueError. */
static int resolve_crop(const pxc_video_surface *s, crop_rect *c)
{
    if (c->r == 0) c->r = s->width;
    if (c->b == 0) c->b = s->height;
    if (c->l >= c->r || c->t >= c->b || c->r > s->width || c->b > s->height) {
        PyErr_Format(PyExc_ValueError, "crop (%u, %u, %u, %u) does not lie within the %ux%u frame", c->l, c->t,
                     c->r, c->b, (unsigned)s->width, (unsigned)s->height);
        return -1;
    }
    if (is_420(s) && ((c->l | c->t) & 1)) {
        PyErr_Format(PyExc_ValueError, "crop (%u, %u, ...): left and top must be even for a 4:2:0 surface", c->l,
                     c->t);
        return -1;
    }
    return 0;
}

static int whole_frame(const pxc_video_surface *s, const crop_rect *c)
{
    return c->l == 0 && c->t == 0 && c->r == s->width && c->b == s->height;
}

/* Geometry of plane @p p within crop @p c (resolved). */
static void plane_geometry_crop(const pxc_video_surface *s, unsigned p, const crop_rect *c, pxc_array_geometry *g)
{
    memset(g, 0, sizeof *g);
    const int sub = p > 0 && is_420(s);
    const Py_ssize_t es = s->bytes_per_sample == 2 ? 2 : 1;
    const uint32_t x0 = sub ? c->l / 2 : c->l, y0 = sub ? c->t / 2 : c->t;
    const uint32_t x1 = sub ? (c->r + 1) / 2 : c->r, y1 = sub ? (c->b + 1) / 2 : c->b;
    const Py_ssize_t per = sub ? 2 : 1; /* interleaved CbCr: two samples a chroma pixel */
    g->data = (void *)(s->planes[p] + (size_t)y0 * s->pitch[p] + (size_t)x0 * (size_t)per * (size_t)es);
    g->ndim = 2;
    g->itemsize = es;
    g->shape[0] = (Py_ssize_t)(y1 - y0);
    g->shape[1] = (Py_ssize_t)(x1 - x0) * per;
    g->strides[0] = (Py_ssize_t)s->pitch[p];
    g->strides[1] = g->itemsize;
    g->readonly = 1;
    g->on_device = s->buffer_kind == PXC_BUFFER_DEVICE;
    g->device_id = s->device_id;
}

static void plane_geometry(const pxc_video_surface *s, unsigned p, pxc_array_geometry *g)
{
    memset(g, 0, sizeof *g);
    g->data = (void *)s->planes[p];
    g->ndim = 2;
    g->itemsize = s->bytes_per_sample == 2 ? 2 : 1;
    g->shape[0] = s->plane_height[p];
    g->shape[1] = plane_cols(s, p);
    g->strides[0] = (Py_ssize_t)s->pitch[p];
    g->strides[1] = g->itemsize;
    g->readonly = 1;
    g->on_device = s->buffer_kind == PXC_BUFFER_DEVICE;
    g->device_id = s->device_id;
}

static int check_plane(module_state *st, const pxc_video_surface *s, unsigned p)
{
    if (p < s->num_planes && p < 3 && !s->planes[0]) {
        pxc_raise(st, PXC_ERROR_INVALID_ARGUMENT,
                  "the frame has no pixels: its decoder was created with decode_only (nothing is mapped)");
        return -1;
    }
    if (p >= s->num_planes || p >= 3 || !s->planes[p]) {
        PyErr_Format(PyExc_IndexError, "plane %u: the surface has %u planes", p, (unsigned)s->num_planes);
        return -1;
    }
    if ((Py_ssize_t)s->pitch[p] < plane_cols(s, p) * (s->bytes_per_sample == 2 ? 2 : 1)) {
        PyErr_Format(PyExc_ValueError, "plane %u: pitch %zu is smaller than a row", p, s->pitch[p]);
        return -1;
    }
    return 0;
}

static PyObject *frame_plane(FrameObject *self, PyObject *args)
{
    int p;
    crop_rect c = {0, 0, 0, 0};
    if (!PyArg_ParseTuple(args, "i|(IIII):plane", &p, &c.l, &c.t, &c.r, &c.b)) return NULL;
    if (p < 0) p = 3;
    if (check_plane(state_of(self->module), &self->surf, (unsigned)p) < 0 || resolve_crop(&self->surf, &c) < 0) return NULL;
    pxc_array_geometry g;
    if (whole_frame(&self->surf, &c))
        plane_geometry(&self->surf, (unsigned)p, &g);
    else
        plane_geometry_crop(&self->surf, (unsigned)p, &c, &g);
    return (PyObject *)view_new(state_of(self->module), (PyObject *)self, &g);
}

/* A host copy of planes given by their geometries, one under the other, rows of the widest. */
static PyObject *stacked_copy(module_state *st, const pxc_array_geometry *planes, unsigned n)
{
    Py_ssize_t cols = 0, rows = 0, es = planes[0].itemsize;
    for (unsigned p = 0; p < n; p++) {
        if (planes[p].shape[1] > cols) cols = planes[p].shape[1];
        rows += planes[p].shape[0];
    }
    if (planes[0].on_device) {
        PyErr_SetString(PyExc_ValueError, "this frame is in device memory: a host copy of its planes is not made here");
        return NULL;
    }
    pxc_array_geometry g = planes[0];
    g.shape[0] = rows;
    g.shape[1] = cols;
    g.strides[0] = cols * es;
    g.readonly = 0;
    ArrayViewObject *v = view_new(st, NULL, &g);
    if (!v) return NULL;
    v->copy = PyMem_RawCalloc(rows * cols > 0 ? (size_t)(rows * cols) : 1, (size_t)es);
    if (!v->copy) {
        Py_DECREF(v);
        return PyErr_NoMemory();
    }
    uint8_t *dst = v->copy;
    for (unsigned p = 0; p < n; p++) {
        const uint8_t *src = planes[p].data;
        for (Py_ssize_t y = 0; y < planes[p].shape[0]; y++, dst += cols * es)
            memcpy(dst, src + y * planes[p].strides[0], (size_t)(planes[p].shape[1] * es));
    }
    v->geom.data = v->copy;
    return (PyObject *)v;
}

static PyObject *cropped_copy(module_state *st, const pxc_video_surface *s, const crop_rect *c)
{
    pxc_array_geometry planes[3];
    for (unsigned p = 0; p < s->num_planes && p < 3; p++) plane_geometry_crop(s, p, c, &planes[p]);
    return stacked_copy(st, planes, s->num_planes < 3 ? s->num_planes : 3);
}

static PyObject *frame_resize(FrameObject *self, PyObject *args);

/* The whole surface as one 2-D array, planes one under the other, each row
 * plane_cols(plane 0 of 4:2:0, rounded up to even) samples: a view where the
 * planes lie one after the other at one pitch, else a compact host copy. */
static PyObject *frame_yuv(FrameObject *self, PyObject *args)
{
    const pxc_video_surface *s = &self->surf;
    module_state *st = state_of(self->module);
    crop_rect c = {0, 0, 0, 0};
    if (!PyArg_ParseTuple(args, "|(IIII):yuv", &c.l, &c.t, &c.r, &c.b)) return NULL;
    if (resolve_crop(s, &c) < 0) return NULL;
    Py_ssize_t es = s->bytes_per_sample == 2 ? 2 : 1, cols = 0, rows = 0;
    for (unsigned p = 0; p < s->num_planes; p++)
        if (check_plane(st, s, p) < 0) return NULL;
    if (!whole_frame(s, &c)) {
        if (s->buffer_kind != PXC_BUFFER_DEVICE) return cropped_copy(st, s, &c);
        /* in device memory: the library copies the rectangle into a new device frame */
        PyObject *sub = Py_BuildValue("II(IIII)", c.r - c.l, c.b - c.t, c.l, c.t, c.r, c.b);
        PyObject *view = sub ? frame_resize(self, sub) : NULL;
        Py_XDECREF(sub);
        return view;
    }
    for (unsigned p = 0; p < s->num_planes; p++) {
        if (plane_cols(s, p) > cols) cols = plane_cols(s, p);
        rows += s->plane_height[p];
    }
    int consecutive = 1;
    for (unsigned p = 0; p < s->num_planes; p++) {
        if (s->pitch[p] != s->pitch[0] || (Py_ssize_t)s->pitch[p] < cols * es) consecutive = 0;
        if (p > 0 && s->planes[p] != s->planes[p - 1] + s->pitch[p - 1] * s->plane_height[p - 1]) consecutive = 0;
    }
    pxc_array_geometry g;
    plane_geometry(s, 0, &g);
    g.shape[0] = rows;
    g.shape[1] = cols;
    if (consecutive) return (PyObject *)view_new(st, (PyObject *)self, &g);
    pxc_array_geometry planes[3];
    for (unsigned p = 0; p < s->num_planes && p < 3; p++) plane_geometry(s, p, &planes[p]);
    return stacked_copy(st, planes, s->num_planes < 3 ? s->num_planes : 3);
}

/* resize(width, height, crop) -> the (cropped) surface resized by the library
 * (pxc_video_frame_resize: libswscale, bilinear, the surface's own format), as
 * yuv() gives it: planes one under the other. */
static PyObject *frame_resize(FrameObject *self, PyObject *args)
{
    const pxc_video_surface *s = &self->surf;
    module_state *st = state_of(self->module);
    unsigned int w, h;
    crop_rect c = {0, 0, 0, 0};
    if (!PyArg_ParseTuple(args, "II|(IIII):resize", &w, &h, &c.l, &c.t, &c.r, &c.b)) return NULL;
    if (w == 0 || h == 0 || w > 65536 || h > 65536) {
        PyErr_Format(PyExc_ValueError, "resize: size %ux%u is out of range", w, h);
        return NULL;
    }
    if (resolve_crop(s, &c) < 0) return NULL;
    pxc_video_convert_params p;
    pxc_video_convert_params_default(&p);
    p.crop_left = c.l;
    p.crop_top = c.t;
    p.crop_right = c.r;
    p.crop_bottom = c.b;
    p.width = w;
    p.height = h;
    p.filter = PXC_VIDEO_FILTER_BILINEAR;
    pxc_video_frame *resized = NULL;
    pxc_status rc;
    char detail[DETAIL_MAX] = "";
    Py_BEGIN_ALLOW_THREADS
    rc = pxc_video_frame_resize(self->frame, &p, &resized);
    if (rc != PXC_OK) snprintf(detail, sizeof detail, "%s", pxc_context_last_error(st->ctx));
    Py_END_ALLOW_THREADS
    if (rc != PXC_OK) return pxc_raise(st, rc, detail);
    PyObject *fo = frame_wrap(self->module, resized);
    if (!fo) return NULL;
    PyObject *none = PyTuple_New(0);
    PyObject *view = none ? frame_yuv((FrameObject *)fo, none) : NULL;
    Py_XDECREF(none);
    Py_DECREF(fo);
    return view;
}

static PyObject *frame_convert(FrameObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kw[] = {"format", "crop", "width", "height", "filter", "matrix", "full_range", "accurate", NULL};
    int format = PXC_VIDEO_FORMAT_RGB, filter = PXC_VIDEO_FILTER_BILINEAR, matrix = -1, full_range = -1;
    int accurate = 0;
    unsigned int l = 0, t = 0, r = 0, b = 0, w = 0, h = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|i(IIII)IIiiip:convert", kw, &format, &l, &t, &r, &b, &w, &h,
                                     &filter, &matrix, &full_range, &accurate))
        return NULL;
    pxc_video_convert_params p;
    pxc_video_convert_params_default(&p);
    p.format = (pxc_video_format)format;
    p.crop_left = l;
    p.crop_top = t;
    p.crop_right = r;
    p.crop_bottom = b;
    p.width = w;
    p.height = h;
    p.filter = (pxc_video_filter)filter;
    p.matrix = matrix;
    p.full_range = full_range;
    p.accurate = accurate;
    module_state *st = state_of(self->module);
    pxc_image *img = NULL;
    pxc_status s;
    char detail[DETAIL_MAX] = "";
    Py_BEGIN_ALLOW_THREADS
    s = pxc_video_frame_convert(self->frame, &p, &img);
    if (s != PXC_OK) snprintf(detail, sizeof detail, "%s", pxc_context_last_error(st->ctx));
    Py_END_ALLOW_THREADS
    if (s != PXC_OK) return pxc_raise(st, s, detail);
    return pxc_image_wrap(self->module, img);
}

/* copy(device='cpu' | 'cuda', device_id=-1) -> _Frame whose surface is in that memory
 * (pxc_video_frame_copy; a host frame asked for 'cpu' is itself). */
static PyObject *frame_copy(FrameObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kw[] = {"device", "device_id", NULL};
    const char *device = "cpu";
    int device_id = -1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|si:copy", kw, &device, &device_id)) return NULL;
    pxc_buffer_kind kind;
    if (!strcmp(device, "cpu")) {
        kind = PXC_BUFFER_HOST;
    } else if (!strcmp(device, "cuda")) {
        kind = PXC_BUFFER_DEVICE;
    } else {
        PyErr_Format(PyExc_ValueError, "copy: device must be 'cpu' or 'cuda', got %R", PyTuple_GetItem(args, 0));
        return NULL;
    }
    module_state *st = state_of(self->module);
    pxc_video_frame *copy = NULL;
    pxc_status rc;
    char detail[DETAIL_MAX] = "";
    Py_BEGIN_ALLOW_THREADS
    rc = pxc_video_frame_copy(self->frame, kind, device_id, &copy);
    if (rc != PXC_OK) snprintf(detail, sizeof detail, "%s", pxc_context_last_error(st->ctx));
    Py_END_ALLOW_THREADS
    if (rc != PXC_OK) return pxc_raise(st, rc, detail);
    return frame_wrap(self->module, copy);
}

static PyMethodDef frame_methods[] = {
    {"copy", (PyCFunction)(void (*)(void))frame_copy, METH_VARARGS | METH_KEYWORDS,
     "copy(device='cpu', device_id=-1) -> _Frame with its surface in host ('cpu') or device ('cuda') memory."},
    {"info", (PyCFunction)frame_info, METH_NOARGS, "info() -> dict: display size, bit depth, colour, pts, ..."},
    {"surface", (PyCFunction)frame_surface, METH_NOARGS, "surface() -> dict: format, planes, pitches, rows, ..."},
    {"plane", (PyCFunction)frame_plane, METH_VARARGS,
     "plane(i, crop=(0, 0, 0, 0)) -> ArrayView over plane i (rows x samples), within crop (luma pixels)."},
    {"yuv", (PyCFunction)frame_yuv, METH_VARARGS,
     "yuv(crop=(0, 0, 0, 0)) -> ArrayView of all planes one under the other (a view when they are contiguous "
     "and uncropped, else a copy)."},
    {"resize", (PyCFunction)frame_resize, METH_VARARGS,
     "resize(width, height, crop=(0, 0, 0, 0)) -> ArrayView: the surface resized, bilinear (libswscale for "
     "CPU frames, the GPU kernels for frames in device memory)."},
    {"convert", (PyCFunction)(void (*)(void))frame_convert, METH_VARARGS | METH_KEYWORDS,
     "convert(format=3, crop=(0,0,0,0), width=0, height=0, filter=0, matrix=-1, full_range=-1, accurate=False)"
     " -> Image"},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot frame_slots[] = {
    {Py_tp_dealloc, frame_dealloc},
    {Py_tp_traverse, frame_traverse},
    {Py_tp_methods, frame_methods},
    {Py_tp_doc, "A decoded video frame (a reference to the C frame; views over it keep it alive)."},
    {0, NULL},
};

PyType_Spec pxc_frame_spec = {
    .name = "pixcodec._pixcodec._Frame",
    .basicsize = sizeof(FrameObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION | Py_TPFLAGS_HAVE_GC,
    .slots = frame_slots,
};

/* ======================================================================= decoder */

typedef struct {
    HandleObject h;
    pxc_video_decoder *dec;
} VDecoderObject;

static PyObject *vdecoder_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    static char *kw[] = {"demuxer", "codec", "backend", "device_id", "num_threads", "max_width",
                         "max_height", "zero_latency", "extradata", "decode_only", NULL};
    PyObject *demuxer = Py_None;
    int codec = PXC_VIDEO_CODEC_UNKNOWN, backend = PXC_VIDEO_BACKEND_AUTO, device_id = 0, threads = 0, zero = 0,
        decode_only = 0;
    unsigned int max_w = 0, max_h = 0;
    Py_buffer extra = {0};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OiiiiIIpy*p:_VideoDecoder", kw, &demuxer, &codec, &backend,
                                     &device_id, &threads, &max_w, &max_h, &zero, &extra, &decode_only))
        return NULL;
    module_state *st = pxc_state_of_type(type);
    if (!st) {
        if (extra.obj) PyBuffer_Release(&extra);
        return NULL;
    }
    if (demuxer != Py_None && !PyObject_TypeCheck(demuxer, st->DemuxerType)) {
        if (extra.obj) PyBuffer_Release(&extra);
        PyErr_Format(PyExc_TypeError, "_VideoDecoder: demuxer must be a _Demuxer or None, got %.100s",
                     Py_TYPE(demuxer)->tp_name);
        return NULL;
    }
    VDecoderObject *self = (VDecoderObject *)handle_alloc(type);
    if (!self) {
        if (extra.obj) PyBuffer_Release(&extra);
        return NULL;
    }
    pxc_video_decoder_settings s;
    pxc_video_decoder_default_settings(&s);
    s.codec = (pxc_video_codec)codec;
    s.backend = (pxc_video_backend)backend;
    s.device_id = device_id;
    s.num_threads = threads;
    s.max_width = max_w;
    s.max_height = max_h;
    s.zero_latency = zero;
    s.decode_only = decode_only;
    if (extra.obj && extra.len > 0) {
        s.extradata = extra.buf;
        s.extradata_size = (size_t)extra.len;
    }
    pxc_status rc;
    char detail[DETAIL_MAX] = "";
    if (demuxer != Py_None) {
        DemuxerObject *d = (DemuxerObject *)demuxer;
        LOCKED_CALL(&d->h, rc, detail, pxc_video_decoder_create_for(st->ctx, d->dmx, &s, &self->dec),
                    pxc_context_last_error(st->ctx));
    } else {
        Py_BEGIN_ALLOW_THREADS
        rc = pxc_video_decoder_create(st->ctx, &s, &self->dec);
        if (rc != PXC_OK) snprintf(detail, sizeof detail, "%s", pxc_context_last_error(st->ctx));
        Py_END_ALLOW_THREADS
    }
    if (extra.obj) PyBuffer_Release(&extra);
    if (rc != PXC_OK) {
        Py_DECREF(self);
        return pxc_raise(st, rc, detail);
    }
    return (PyObject *)self;
}

static void vdecoder_dealloc(VDecoderObject *self)
{
    PyObject_GC_UnTrack(self);
    /* without the GIL: closing joins FFmpeg's frame threads, which may be logging through a
     * callback that takes the GIL (PyAV installs one) */
    pxc_video_decoder *dec = self->dec;
    Py_BEGIN_ALLOW_THREADS
    pxc_video_decoder_destroy(dec);
    Py_END_ALLOW_THREADS
    handle_free(&self->h);
}

static PyObject *vdecoder_send(VDecoderObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kw[] = {"data", "pts", "dts", "duration", "flags", "skip_before_pts", NULL};
    PyObject *data = Py_None;
    long long pts = INT64_MIN, dts = INT64_MIN, duration = 0, skip = INT64_MIN;
    unsigned int flags = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OLLLIL:send", kw, &data, &pts, &dts, &duration, &flags, &skip))
        return NULL;
    Py_buffer buf = {0};
    if (data != Py_None && PyObject_GetBuffer(data, &buf, PyBUF_SIMPLE) < 0) return NULL;
    pxc_packet pkt;
    pxc_packet_init(&pkt);
    pkt.data = buf.obj ? buf.buf : NULL;
    pkt.size = buf.obj ? (size_t)buf.len : 0;
    pkt.pts = pts;
    pkt.dts = dts;
    pkt.duration = duration;
    pkt.flags = flags;
    pkt.skip_before_pts = skip;
    pxc_status s;
    char detail[DETAIL_MAX] = "";
    LOCKED_CALL(&self->h, s, detail, pxc_video_decoder_send_packet(self->dec, &pkt),
                pxc_video_decoder_last_error(self->dec));
    if (buf.obj) PyBuffer_Release(&buf);
    if (s < 0) return pxc_raise(state_of(self->h.module), s, detail);
    Py_RETURN_NONE;
}

/* A _Frame, or 1 (PXC_NEED_MORE_INPUT) / 2 (PXC_END_OF_STREAM). */
static PyObject *vdecoder_receive(VDecoderObject *self, PyObject *unused)
{
    pxc_video_frame *frame = NULL;
    pxc_status s;
    char detail[DETAIL_MAX] = "";
    LOCKED_CALL(&self->h, s, detail, pxc_video_decoder_receive_frame(self->dec, &frame),
                pxc_video_decoder_last_error(self->dec));
    if (s < 0) return pxc_raise(state_of(self->h.module), s, detail);
    if (s != PXC_OK || !frame) return PyLong_FromLong(s == PXC_OK ? PXC_NEED_MORE_INPUT : (long)s);
    return frame_wrap(self->h.module, frame);
}

static PyObject *vdecoder_flush(VDecoderObject *self, PyObject *unused)
{
    pxc_status s;
    char detail[DETAIL_MAX] = "";
    LOCKED_CALL(&self->h, s, detail, pxc_video_decoder_flush(self->dec), pxc_video_decoder_last_error(self->dec));
    if (s < 0) return pxc_raise(state_of(self->h.module), s, detail);
    Py_RETURN_NONE;
}

static PyObject *vdecoder_get_backend(VDecoderObject *self, void *c)
{
    return PyUnicode_FromString(pxc_video_decoder_backend_name(self->dec));
}

static PyGetSetDef vdecoder_getset[] = {
    {"backend", (getter)vdecoder_get_backend, NULL, "'cpu' or 'gpu': where this decoder runs.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef vdecoder_methods[] = {
    {"send", (PyCFunction)(void (*)(void))vdecoder_send, METH_VARARGS | METH_KEYWORDS,
     "send(data=None, pts, dts, duration, flags, skip_before_pts): feeds one packet (None or b'' drains)."},
    {"receive", (PyCFunction)vdecoder_receive, METH_NOARGS,
     "receive() -> _Frame, or 1 (needs more input) or 2 (drained)."},
    {"flush", (PyCFunction)vdecoder_flush, METH_NOARGS, "flush(): drops pending frames and state."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot vdecoder_slots[] = {
    {Py_tp_new, vdecoder_new},
    {Py_tp_dealloc, vdecoder_dealloc},
    {Py_tp_traverse, handle_traverse},
    {Py_tp_methods, vdecoder_methods},
    {Py_tp_getset, vdecoder_getset},
    {Py_tp_doc, "_VideoDecoder(demuxer=None, codec=255, backend=0, device_id=0, num_threads=0, max_width=0,\n"
                "max_height=0, zero_latency=False, extradata=b'', decode_only=False)\n--\n\nThe C video decoder."},
    {0, NULL},
};

PyType_Spec pxc_video_decoder_spec = {
    .name = "pixcodec._pixcodec._VideoDecoder",
    .basicsize = sizeof(VDecoderObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_HAVE_GC,
    .slots = vdecoder_slots,
};

/* ======================================================================= module functions */

static PyObject *mod_video_codec_supported(PyObject *module, PyObject *args)
{
    int codec, backend, device_id;
    unsigned int bit_depth;
    if (!PyArg_ParseTuple(args, "iIii:video_codec_supported", &codec, &bit_depth, &backend, &device_id)) return NULL;
    int ok;
    Py_BEGIN_ALLOW_THREADS
    ok = pxc_video_codec_supported((pxc_video_codec)codec, bit_depth, (pxc_video_backend)backend, device_id);
    Py_END_ALLOW_THREADS
    return PyBool_FromLong(ok);
}

static PyObject *mod_video_codec_name(PyObject *module, PyObject *arg)
{
    long codec = PyLong_AsLong(arg);
    if (codec == -1 && PyErr_Occurred()) return NULL;
    const char *name = pxc_video_codec_name((pxc_video_codec)codec);
    return PyUnicode_FromString(name ? name : "unknown");
}

static PyObject *mod_buffer_address(PyObject *module, PyObject *arg)
{
    Py_buffer b;
    if (PyObject_GetBuffer(arg, &b, PyBUF_SIMPLE) < 0) return NULL;
    PyObject *r = PyLong_FromUnsignedLongLong((unsigned long long)(uintptr_t)b.buf);
    PyBuffer_Release(&b);
    return r;
}

static PyMethodDef video_functions[] = {
    {"buffer_address", mod_buffer_address, METH_O, "buffer_address(obj) -> address of a bytes-like object's data."},
    {"video_codec_supported", mod_video_codec_supported, METH_VARARGS,
     "video_codec_supported(codec, bit_depth, backend, device_id) -> bool"},
    {"video_codec_name", mod_video_codec_name, METH_O, "video_codec_name(codec) -> 'h264', 'hevc', ..."},
    {NULL, NULL, 0, NULL},
};

static int add_type(PyObject *m, PyType_Spec *spec, PyTypeObject **slot)
{
    *slot = (PyTypeObject *)PyType_FromModuleAndSpec(m, spec, NULL);
    return (*slot && PyModule_AddType(m, *slot) == 0) ? 0 : -1;
}

int pxc_video_module_init(PyObject *m, module_state *st)
{
    if (add_type(m, &pxc_demuxer_spec, &st->DemuxerType) < 0 ||
        add_type(m, &pxc_video_decoder_spec, &st->VideoDecoderType) < 0 ||
        add_type(m, &pxc_frame_spec, &st->FrameType) < 0 || add_type(m, &pxc_array_view_spec, &st->ArrayViewType) < 0)
        return -1;
    if (PyModule_AddFunctions(m, video_functions) < 0) return -1;
    if (PyModule_AddIntConstant(m, "NEED_MORE_INPUT", PXC_NEED_MORE_INPUT) < 0 ||
        PyModule_AddIntConstant(m, "END_OF_STREAM", PXC_END_OF_STREAM) < 0 ||
        PyModule_AddIntConstant(m, "PACKET_KEY", PXC_PACKET_KEY) < 0 ||
        PyModule_AddIntConstant(m, "PACKET_DISCONTINUITY", PXC_PACKET_DISCONTINUITY) < 0)
        return -1;
    return 0;
}
