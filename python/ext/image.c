/*
 * pixcodec.Image: decoded pixels or pixels to encode, in host (or device)
 * memory. Host images export the buffer protocol, __array_interface__ and
 * DLPack (kDLCPU); device images __cuda_array_interface__ and DLPack (kDLCUDA).
 */
#include <stdint.h>
#include <string.h>

#include "ext.h"

/* ---- construction ---- */

static void fill_geometry(ImageObject *self)
{
    const pxc_image_desc *d = pxc_image_get_desc(self->img);
    pxc_array_geometry *g = &self->geom;
    const Py_ssize_t es = (Py_ssize_t)pxc_sample_size(d->sample_type);
    g->data = pxc_image_data(self->img);
    g->ndim = 3;
    g->itemsize = es;
    g->shape[0] = d->height;
    g->shape[1] = d->width;
    g->shape[2] = d->num_channels;
    g->strides[0] = (Py_ssize_t)d->row_stride;
    g->strides[1] = (Py_ssize_t)d->num_channels * es;
    g->strides[2] = es;
    g->on_device = d->buffer_kind == PXC_BUFFER_DEVICE;
    g->device_id = d->device_id;
}

static ImageObject *image_alloc(PyObject *module)
{
    module_state *st = pxc_state_of_module(module);
    ImageObject *self = (ImageObject *)st->ImageType->tp_alloc(st->ImageType, 0);
    if (!self) return NULL;
    self->module = Py_NewRef(module);
    return self;
}

PyObject *pxc_image_wrap(PyObject *module, pxc_image *img)
{
    ImageObject *self = image_alloc(module);
    if (!self) {
        pxc_image_destroy(img);
        return NULL;
    }
    self->img = img;
    fill_geometry(self);
    return (PyObject *)self;
}

static int image_traverse(ImageObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->module);
    Py_VISIT(self->source);
    if (self->has_view) Py_VISIT(self->view.obj);
    return 0;
}

static void image_dealloc(ImageObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    pxc_image_destroy(self->img);
    if (self->has_view) PyBuffer_Release(&self->view);
    if (self->dl && self->dl->deleter) self->dl->deleter(self->dl);
    Py_XDECREF(self->source);
    Py_XDECREF(self->module);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static const pxc_image_desc *desc_of(ImageObject *self)
{
    return pxc_image_get_desc(self->img);
}

static int is_device(ImageObject *self)
{
    return desc_of(self)->buffer_kind == PXC_BUFFER_DEVICE;
}

/* ---- attributes ---- */

static const char *dtype_name(ImageObject *self)
{
    return desc_of(self)->sample_type == PXC_SAMPLE_U16 ? "uint16" : "uint8";
}

static PyObject *image_get_dtype(ImageObject *self, void *c)
{
    return pxc_numpy_dtype(self->geom.itemsize);
}

static PyObject *image_get_height(ImageObject *self, void *c) { return PyLong_FromSsize_t(self->geom.shape[0]); }
static PyObject *image_get_width(ImageObject *self, void *c) { return PyLong_FromSsize_t(self->geom.shape[1]); }
static PyObject *image_get_ndim(ImageObject *self, void *c) { return PyLong_FromLong(3); }

static PyObject *image_get_shape(ImageObject *self, void *c)
{
    return pxc_shape_tuple(&self->geom);
}

static PyObject *image_get_strides(ImageObject *self, void *c)
{
    return pxc_strides_tuple(&self->geom);
}

static PyObject *image_get_precision(ImageObject *self, void *c)
{
    const pxc_image_desc *d = desc_of(self);
    return PyLong_FromLong(d->precision ? (long)d->precision : (long)(8 * pxc_sample_size(d->sample_type)));
}

/* ImageBufferKind from the Python layer when it is importable, else the plain number. */
static PyObject *image_get_buffer_kind(ImageObject *self, void *c)
{
    long kind = is_device(self) ? 1 : 2; /* STRIDED_DEVICE, STRIDED_HOST */
    PyObject *pkg = PyImport_ImportModule("pixcodec");
    PyObject *enum_type = pkg ? PyObject_GetAttrString(pkg, "ImageBufferKind") : NULL;
    Py_XDECREF(pkg);
    if (!enum_type) {
        PyErr_Clear();
        return PyLong_FromLong(kind);
    }
    PyObject *v = PyObject_CallFunction(enum_type, "l", kind);
    Py_DECREF(enum_type);
    return v;
}

static PyObject *image_get_color_spec(ImageObject *self, void *c)
{
    return PyUnicode_FromString(pxc_color_spec_name(desc_of(self)->color_spec));
}

static PyObject *image_get_array_interface(ImageObject *self, void *c)
{
    if (is_device(self)) {
        PyErr_SetString(PyExc_AttributeError,
                        "__array_interface__: this image is in device memory; use cpu() or __cuda_array_interface__");
        return NULL;
    }
    return pxc_array_interface(&self->geom, 0, 0);
}

static PyObject *image_get_cuda_array_interface(ImageObject *self, void *c)
{
    if (!is_device(self)) {
        PyErr_SetString(PyExc_AttributeError,
                        "__cuda_array_interface__: this image is in host memory; use cuda() for a device copy");
        return NULL;
    }
    return pxc_array_interface(&self->geom, self->cuda_stream, 1);
}

/* ---- DLPack export ---- */

static PyObject *image_dlpack(ImageObject *self, PyObject *args, PyObject *kwargs)
{
    if (pxc_dlpack_check_args(args, kwargs, &self->geom) < 0) return NULL;
    return pxc_dlpack_export((PyObject *)self, &self->geom);
}

static PyObject *image_dlpack_device(ImageObject *self, PyObject *unused)
{
    return pxc_dlpack_device(&self->geom);
}

/* A copy of the image in host or device memory, ordered on the image's CUDA stream. */
static PyObject *image_copy_to(ImageObject *self, pxc_buffer_kind kind, int device_id)
{
    module_state *st = pxc_state_of_module(self->module);
    pxc_image *copy = NULL;
    pxc_status s;
    Py_BEGIN_ALLOW_THREADS
    s = pxc_image_copy(st->ctx, self->img, kind, device_id, (void *)(intptr_t)self->cuda_stream, &copy);
    Py_END_ALLOW_THREADS
    if (s != PXC_OK) return pxc_raise(st, s, pxc_context_last_error(st->ctx));
    return pxc_image_wrap(self->module, copy);
}

static PyObject *image_cpu(ImageObject *self, PyObject *unused)
{
    if (!is_device(self)) return Py_NewRef(self);
    return image_copy_to(self, PXC_BUFFER_HOST, -1);
}

static PyObject *image_cuda(ImageObject *self, PyObject *unused)
{
    if (is_device(self)) return Py_NewRef(self);
    return image_copy_to(self, PXC_BUFFER_DEVICE, -1);
}

/* numpy.asarray() ends here only when the buffer protocol and the array interface did not
 * apply, i.e. for device images: say so instead of making an object array. */
static PyObject *image_array(ImageObject *self, PyObject *args, PyObject *kwargs)
{
    if (is_device(self)) {
        PyErr_SetString(PyExc_TypeError,
                        "this image is in device memory; use cpu() for a host copy, or a CUDA array library "
                        "(__cuda_array_interface__ / DLPack)");
        return NULL;
    }
    PyObject *np = PyImport_ImportModule("numpy");
    if (!np) return NULL;
    PyObject *view = PyMemoryView_FromObject((PyObject *)self);
    PyObject *asarray = view ? PyObject_GetAttrString(np, "asarray") : NULL;
    PyObject *call_args = asarray ? PyTuple_Pack(1, view) : NULL;
    PyObject *arr = NULL;
    if (call_args) {
        PyObject *dtype = args && PyTuple_GET_SIZE(args) > 0 ? PyTuple_GET_ITEM(args, 0)
                          : (kwargs ? PyDict_GetItemString(kwargs, "dtype") : NULL);
        PyObject *kw = (dtype && dtype != Py_None) ? Py_BuildValue("{s:O}", "dtype", dtype) : NULL;
        arr = PyObject_Call(asarray, call_args, kw);
        Py_XDECREF(kw);
    }
    Py_XDECREF(call_args);
    Py_XDECREF(asarray);
    Py_XDECREF(view);
    Py_DECREF(np);
    return arr;
}

static PyObject *image_repr(ImageObject *self)
{
    return PyUnicode_FromFormat("<pixcodec.Image %zdx%zdx%zd %s %s>", self->geom.shape[0], self->geom.shape[1],
                                self->geom.shape[2], dtype_name(self), is_device(self) ? "device" : "host");
}

/* ---- buffer protocol (host images) ---- */

static int image_getbuffer(ImageObject *self, Py_buffer *view, int flags)
{
    if (is_device(self)) {
        PyErr_SetString(PyExc_BufferError, "this image is in device memory; use cpu() first");
        return -1;
    }
    if ((flags & PyBUF_WRITABLE) && self->geom.readonly) {
        PyErr_SetString(PyExc_BufferError, "this image wraps read-only memory");
        return -1;
    }
    return pxc_fill_buffer((PyObject *)self, &self->geom, view, flags);
}

static void image_releasebuffer(ImageObject *self, Py_buffer *view)
{
    (void)self;
    (void)view;
}

/* ---- as_image ---- */

/* Builds a description from an array-like's geometry; raises ValueError naming the problem. */
static int desc_from_array(int ndim, const Py_ssize_t *shape, const Py_ssize_t *strides_or_null, Py_ssize_t itemsize,
                           pxc_image_desc *d)
{
    if (ndim != 2 && ndim != 3) {
        PyErr_Format(PyExc_ValueError, "as_image: expected an HWC (3-D) or HW (2-D) array, got %d dimensions", ndim);
        return -1;
    }
    Py_ssize_t h = shape[0], w = shape[1], c = ndim == 3 ? shape[2] : 1;
    if (h <= 0 || w <= 0 || c <= 0) {
        PyErr_Format(PyExc_ValueError, "as_image: empty array (shape %zd x %zd x %zd)", h, w, c);
        return -1;
    }
    if (c > 4) {
        PyErr_Format(PyExc_ValueError,
                     "as_image: %zd channels; layout must be HWC with 1 to 4 channels (is the array CHW?)", c);
        return -1;
    }
    if (h > UINT32_MAX || w > UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "as_image: array too large");
        return -1;
    }
    Py_ssize_t row = w * c * itemsize;
    Py_ssize_t s0 = strides_or_null ? strides_or_null[0] : row;
    Py_ssize_t s1 = strides_or_null ? strides_or_null[1] : c * itemsize;
    Py_ssize_t s2 = (strides_or_null && ndim == 3) ? strides_or_null[2] : itemsize;
    if ((c > 1 && s2 != itemsize) || (w > 1 && s1 != c * itemsize) || (h > 1 && (s0 < row || s0 % itemsize))) {
        PyErr_Format(PyExc_ValueError,
                     "as_image: pixels must be contiguous within each row (HWC layout, rows may be padded); got "
                     "strides (%zd, %zd, %zd) bytes for shape (%zd, %zd, %zd) of %zd-byte samples",
                     s0, s1, s2, h, w, c, itemsize);
        return -1;
    }
    pxc_image_desc_init(d);
    d->width = (uint32_t)w;
    d->height = (uint32_t)h;
    d->num_channels = (uint32_t)c;
    d->sample_type = itemsize == 2 ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
    d->row_stride = h > 1 ? (size_t)s0 : (size_t)row;
    return 0;
}

/* Sample size of a struct/buffer format or numpy typestr; 0 (ValueError raised) when unsupported. */
static Py_ssize_t sample_size_of(const char *fmt, int typestr)
{
    if (typestr) {
        if (!strcmp(fmt, "|u1") || !strcmp(fmt, "<u1") || !strcmp(fmt, ">u1")) return 1;
        if (!strcmp(fmt, "<u2") || !strcmp(fmt, "=u2")) return 2;
    } else {
        if (fmt[0] == '@' || fmt[0] == '=' || fmt[0] == '<') fmt++;
        if (!strcmp(fmt, "B")) return 1;
        if (!strcmp(fmt, "H")) return 2;
    }
    PyErr_Format(PyExc_ValueError, "as_image: element type '%s' is not supported; use uint8 or uint16", fmt);
    return 0;
}

static PyObject *finish(PyObject *module, ImageObject *self, pxc_image_desc *d, void *data)
{
    module_state *st = pxc_state_of_module(module);
    pxc_status s = pxc_image_create(st->ctx, d, data, &self->img);
    if (s != PXC_OK) {
        Py_DECREF(self);
        return pxc_raise(st, s, pxc_context_last_error(st->ctx));
    }
    fill_geometry(self);
    return (PyObject *)self;
}

/* Reads (shape, typestr, data, strides) from an __array_interface__ / __cuda_array_interface__ dict. */
static PyObject *from_interface(PyObject *module, PyObject *source, PyObject *iface, int device, long long stream)
{
    if (!PyDict_Check(iface)) {
        PyErr_SetString(PyExc_TypeError, "as_image: the array interface is not a dict");
        return NULL;
    }
    PyObject *shape = PyDict_GetItemString(iface, "shape");
    PyObject *ts = PyDict_GetItemString(iface, "typestr");
    PyObject *data = PyDict_GetItemString(iface, "data");
    PyObject *strides = PyDict_GetItemString(iface, "strides");
    if (!shape || !PyTuple_Check(shape) || !ts || !PyUnicode_Check(ts) || !data || !PyTuple_Check(data) ||
        PyTuple_GET_SIZE(data) < 1) {
        PyErr_SetString(PyExc_ValueError, "as_image: the array interface lacks shape, typestr or a data pointer");
        return NULL;
    }
    Py_ssize_t es = sample_size_of(PyUnicode_AsUTF8(ts), 1);
    if (!es) return NULL;
    int ndim = (int)PyTuple_GET_SIZE(shape);
    Py_ssize_t sh[3] = {0, 0, 0}, st[3] = {0, 0, 0};
    if (ndim != 2 && ndim != 3) return desc_from_array(ndim, sh, NULL, es, NULL) ? NULL : NULL;
    for (int i = 0; i < ndim; i++) sh[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(shape, i));
    int have_strides = strides && strides != Py_None;
    if (have_strides) {
        if (!PyTuple_Check(strides) || PyTuple_GET_SIZE(strides) != ndim) {
            PyErr_SetString(PyExc_ValueError, "as_image: strides do not match the shape");
            return NULL;
        }
        for (int i = 0; i < ndim; i++) st[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(strides, i));
    }
    if (PyErr_Occurred()) return NULL;
    void *ptr = PyLong_AsVoidPtr(PyTuple_GET_ITEM(data, 0));
    if (PyErr_Occurred()) return NULL;
    int readonly = PyTuple_GET_SIZE(data) > 1 ? PyObject_IsTrue(PyTuple_GET_ITEM(data, 1)) : 0;
    if (readonly < 0) return NULL;
    if (!ptr) {
        PyErr_SetString(PyExc_ValueError, "as_image: the array interface has a NULL data pointer");
        return NULL;
    }
    pxc_image_desc d;
    if (desc_from_array(ndim, sh, have_strides ? st : NULL, es, &d) < 0) return NULL;
    if (device) {
        d.buffer_kind = PXC_BUFFER_DEVICE;
        d.device_id = -1;
        /* the real device where a GPU can be used; without one nothing is ever read from the
         * pointer, and the image says device 0 */
        pxc_status ps = pxc_gpu_pointer_device(ptr, &d.device_id);
        if (ps == PXC_ERROR_INVALID_ARGUMENT) {
            PyErr_SetString(PyExc_ValueError,
                            "as_image: __cuda_array_interface__ points to host memory, not device memory");
            return NULL;
        }
    }
    ImageObject *self = image_alloc(module);
    if (!self) return NULL;
    self->source = Py_NewRef(source);
    self->cuda_stream = stream;
    self->geom.readonly = readonly;
    return finish(module, self, &d, ptr);
}

static PyObject *from_buffer(PyObject *module, PyObject *source, long long stream)
{
    ImageObject *self = image_alloc(module);
    if (!self) return NULL;
    if (PyObject_GetBuffer(source, &self->view, PyBUF_RECORDS_RO) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    self->has_view = 1;
    self->geom.readonly = self->view.readonly;
    Py_ssize_t es = sample_size_of(self->view.format ? self->view.format : "B", 0);
    if (!es || es != self->view.itemsize) {
        if (es) PyErr_SetString(PyExc_ValueError, "as_image: buffer item size does not match its format");
        Py_DECREF(self);
        return NULL;
    }
    pxc_image_desc d;
    if (desc_from_array(self->view.ndim, self->view.shape, self->view.strides, es, &d) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    self->source = Py_NewRef(source);
    self->cuda_stream = stream;
    return finish(module, self, &d, self->view.buf);
}

static PyObject *from_dlpack(PyObject *module, PyObject *source, long long stream)
{
    PyObject *cap = PyObject_CallMethod(source, "__dlpack__", NULL);
    if (!cap) return NULL;
    DLManagedTensor *t = PyCapsule_GetPointer(cap, "dltensor");
    if (!t) {
        Py_DECREF(cap);
        return NULL;
    }
    ImageObject *self = image_alloc(module);
    if (!self) {
        Py_DECREF(cap);
        return NULL;
    }
    /* the image owns the tensor from here on */
    PyCapsule_SetName(cap, "used_dltensor");
    Py_DECREF(cap);
    self->dl = t;
    self->source = Py_NewRef(source);
    self->cuda_stream = stream;
    DLTensor *x = &t->dl_tensor;
    int device = x->device.device_type == kDLCUDA || x->device.device_type == kDLCUDAManaged;
    if (!device && x->device.device_type != kDLCPU && x->device.device_type != kDLCUDAHost) {
        PyErr_Format(PyExc_ValueError, "as_image: DLPack device type %d is not supported (CPU or CUDA only)",
                     (int)x->device.device_type);
        Py_DECREF(self);
        return NULL;
    }
    if (x->dtype.code != kDLUInt || (x->dtype.bits != 8 && x->dtype.bits != 16) || x->dtype.lanes != 1) {
        PyErr_Format(PyExc_ValueError,
                     "as_image: DLPack dtype (code %d, %d bits) is not supported; use uint8 or uint16",
                     (int)x->dtype.code, (int)x->dtype.bits);
        Py_DECREF(self);
        return NULL;
    }
    Py_ssize_t es = x->dtype.bits / 8, sh[3] = {0, 0, 0}, st[3] = {0, 0, 0};
    if (x->ndim != 2 && x->ndim != 3) {
        desc_from_array(x->ndim, sh, NULL, es, NULL);
        Py_DECREF(self);
        return NULL;
    }
    for (int i = 0; i < x->ndim; i++) {
        sh[i] = (Py_ssize_t)x->shape[i];
        if (x->strides) st[i] = (Py_ssize_t)x->strides[i] * es;
    }
    pxc_image_desc d;
    if (desc_from_array(x->ndim, sh, x->strides ? st : NULL, es, &d) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    if (device) {
        d.buffer_kind = PXC_BUFFER_DEVICE;
        d.device_id = x->device.device_id;
    }
    return finish(module, self, &d, (uint8_t *)x->data + x->byte_offset);
}

PyObject *pxc_as_image(PyObject *module, PyObject *args, PyObject *kwargs)
{
    static char *kw[] = {"source_buffer", "cuda_stream", NULL};
    PyObject *source;
    long long stream = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|L:as_image", kw, &source, &stream)) return NULL;
    module_state *st = pxc_state_of_module(module);
    if (PyObject_TypeCheck(source, st->ImageType)) return Py_NewRef(source);
    PyObject *iface = PyObject_GetAttrString(source, "__cuda_array_interface__");
    if (iface) {
        PyObject *r = from_interface(module, source, iface, 1, stream);
        Py_DECREF(iface);
        return r;
    }
    PyErr_Clear();
    if (PyObject_CheckBuffer(source)) return from_buffer(module, source, stream);
    iface = PyObject_GetAttrString(source, "__array_interface__");
    if (iface) {
        PyObject *r = from_interface(module, source, iface, 0, stream);
        Py_DECREF(iface);
        return r;
    }
    PyErr_Clear();
    if (PyObject_HasAttrString(source, "__dlpack__")) return from_dlpack(module, source, stream);
    PyErr_Format(PyExc_TypeError,
                 "as_image: %.100s has no __cuda_array_interface__, buffer protocol, __array_interface__ or "
                 "__dlpack__",
                 Py_TYPE(source)->tp_name);
    return NULL;
}

/* ---- type ---- */

static PyGetSetDef image_getset[] = {
    {"dtype", (getter)image_get_dtype, NULL, "Element type: numpy.dtype('uint8') or ('uint16').", NULL},
    {"height", (getter)image_get_height, NULL, "Rows.", NULL},
    {"width", (getter)image_get_width, NULL, "Columns.", NULL},
    {"ndim", (getter)image_get_ndim, NULL, "Number of dimensions (3: height, width, channels).", NULL},
    {"shape", (getter)image_get_shape, NULL, "(height, width, channels).", NULL},
    {"strides", (getter)image_get_strides, NULL, "Strides in bytes, as numpy gives them.", NULL},
    {"precision", (getter)image_get_precision, NULL, "Significant bits per sample.", NULL},
    {"buffer_kind", (getter)image_get_buffer_kind, NULL, "ImageBufferKind.STRIDED_HOST or STRIDED_DEVICE.", NULL},
    {"color_spec", (getter)image_get_color_spec, NULL, "What the channels mean: 'rgb', 'gray', 'rgba', ...", NULL},
    {"__array_interface__", (getter)image_get_array_interface, NULL, "numpy array interface (host images).", NULL},
    {"__cuda_array_interface__", (getter)image_get_cuda_array_interface, NULL,
     "CUDA array interface (device images).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef image_methods[] = {
    {"__dlpack__", (PyCFunction)(void (*)(void))image_dlpack, METH_VARARGS | METH_KEYWORDS,
     "__dlpack__(stream=None) -> PyCapsule\n--\n\nExports the pixels as a DLPack tensor without copying."},
    {"__dlpack_device__", (PyCFunction)image_dlpack_device, METH_NOARGS,
     "__dlpack_device__() -> (device_type, device_id)\n--\n\n(1, 0) for host images, (2, id) for device images."},
    {"__array__", (PyCFunction)(void (*)(void))image_array, METH_VARARGS | METH_KEYWORDS,
     "__array__(dtype=None) -> numpy.ndarray\n--\n\nA numpy view of a host image (a TypeError for device images)."},
    {"cpu", (PyCFunction)image_cpu, METH_NOARGS,
     "cpu() -> Image\n--\n\nThe image in host memory (itself when it is already there)."},
    {"cuda", (PyCFunction)image_cuda, METH_NOARGS,
     "cuda() -> Image\n--\n\nThe image in device memory; raises pixcodec.Error without GPU support."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot image_slots[] = {
    {Py_tp_dealloc, image_dealloc},
    {Py_tp_traverse, image_traverse},
    {Py_tp_repr, image_repr},
    {Py_tp_getset, image_getset},
    {Py_tp_methods, image_methods},
    {Py_bf_getbuffer, image_getbuffer},
    {Py_bf_releasebuffer, image_releasebuffer},
    {Py_tp_doc, "Image(...)\n--\n\nDecoded pixels or pixels to encode (height x width x channels, uint8 or uint16).\n"
                "Made by Decoder.decode/read and as_image(); numpy.asarray(image) is a zero-copy view."},
    {0, NULL},
};

PyType_Spec pxc_image_spec = {
    .name = "pixcodec.Image",
    .basicsize = sizeof(ImageObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION | Py_TPFLAGS_HAVE_GC,
    .slots = image_slots,
};
