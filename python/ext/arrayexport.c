/*
 * Array export helpers shared by Image (image.c) and the video views (video.c):
 * DLPack capsules, __dlpack__ argument checks, __array_interface__ dicts and
 * numpy dtypes, for any strided array of unsigned 8- or 16-bit samples.
 */
#include <stdint.h>
#include <string.h>

#include "ext.h"

typedef struct {
    DLManagedTensor tensor;
    int64_t shape[PXC_EXPORT_MAX_DIMS];
    int64_t strides[PXC_EXPORT_MAX_DIMS];
} exported_tensor;

static void exported_deleter(DLManagedTensor *t)
{
    PyGILState_STATE g = PyGILState_Ensure();
    Py_XDECREF((PyObject *)t->manager_ctx);
    PyMem_RawFree(t);
    PyGILState_Release(g);
}

static void capsule_destructor(PyObject *capsule)
{
    /* a consumer renames the capsule to "used_dltensor" and takes over the deleter */
    if (PyCapsule_IsValid(capsule, "dltensor")) {
        DLManagedTensor *t = PyCapsule_GetPointer(capsule, "dltensor");
        if (t && t->deleter) t->deleter(t);
    }
}

int pxc_dlpack_check_args(PyObject *args, PyObject *kwargs, const pxc_array_geometry *g)
{
    static char *kw[] = {"stream", "max_version", "dl_device", "copy", NULL};
    PyObject *stream = Py_None, *max_version = Py_None, *dl_device = Py_None, *copy = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O$OOO:__dlpack__", kw, &stream, &max_version, &dl_device, &copy))
        return -1;
    if (copy == Py_True) {
        PyErr_SetString(PyExc_BufferError, "__dlpack__: copy=True is not supported; the export is always zero-copy");
        return -1;
    }
    if (dl_device != Py_None) {
        /* the consumer names the device it wants the tensor on: only the array's own (no copies here) */
        const int want_type = g->on_device ? (int)kDLCUDA : (int)kDLCPU;
        const int want_id = g->on_device ? (g->device_id < 0 ? 0 : g->device_id) : 0;
        int type = -1, id = -1;
        if (!PyTuple_Check(dl_device) || !PyArg_ParseTuple(dl_device, "ii", &type, &id)) {
            PyErr_Clear();
            PyErr_Format(PyExc_TypeError, "__dlpack__: dl_device must be a (device_type, device_id) tuple, got %R",
                         dl_device);
            return -1;
        }
        if (type != want_type || id != want_id) {
            PyErr_Format(PyExc_BufferError,
                         "__dlpack__: the array is on device (%d, %d), not (%d, %d); copy it first (cpu() / cuda())",
                         want_type, want_id, type, id);
            return -1;
        }
    }
    return 0;
}

PyObject *pxc_dlpack_export(PyObject *owner, const pxc_array_geometry *g)
{
    if (g->ndim < 1 || g->ndim > PXC_EXPORT_MAX_DIMS || (g->itemsize != 1 && g->itemsize != 2)) {
        PyErr_SetString(PyExc_BufferError, "__dlpack__: unsupported array geometry");
        return NULL;
    }
    for (int i = 0; i < g->ndim; i++) {
        if (g->strides[i] % g->itemsize != 0) {
            PyErr_SetString(PyExc_BufferError, "__dlpack__: a stride is not a whole number of samples");
            return NULL;
        }
    }
    exported_tensor *e = PyMem_RawCalloc(1, sizeof(*e));
    if (!e) return PyErr_NoMemory();
    for (int i = 0; i < g->ndim; i++) {
        e->shape[i] = g->shape[i];
        e->strides[i] = g->strides[i] / g->itemsize;
    }
    DLTensor *t = &e->tensor.dl_tensor;
    t->data = g->data;
    t->device.device_type = g->on_device ? kDLCUDA : kDLCPU;
    t->device.device_id = g->on_device ? (g->device_id < 0 ? 0 : g->device_id) : 0;
    t->ndim = g->ndim;
    t->dtype.code = kDLUInt;
    t->dtype.bits = (uint8_t)(8 * g->itemsize);
    t->dtype.lanes = 1;
    t->shape = e->shape;
    t->strides = e->strides;
    e->tensor.manager_ctx = Py_NewRef(owner);
    e->tensor.deleter = exported_deleter;
    PyObject *cap = PyCapsule_New(&e->tensor, "dltensor", capsule_destructor);
    if (!cap) exported_deleter(&e->tensor);
    return cap;
}

PyObject *pxc_dlpack_device(const pxc_array_geometry *g)
{
    if (g->on_device) return Py_BuildValue("(ii)", (int)kDLCUDA, g->device_id < 0 ? 0 : g->device_id);
    return Py_BuildValue("(ii)", (int)kDLCPU, 0);
}

static PyObject *tuple_of(const Py_ssize_t *v, int n)
{
    PyObject *t = PyTuple_New(n);
    for (int i = 0; t && i < n; i++) {
        PyObject *x = PyLong_FromSsize_t(v[i]);
        if (!x) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, i, x);
    }
    return t;
}

PyObject *pxc_shape_tuple(const pxc_array_geometry *g)
{
    return tuple_of(g->shape, g->ndim);
}

PyObject *pxc_strides_tuple(const pxc_array_geometry *g)
{
    return tuple_of(g->strides, g->ndim);
}

PyObject *pxc_array_interface(const pxc_array_geometry *g, long long cuda_stream, int cuda)
{
    PyObject *shape = pxc_shape_tuple(g);
    PyObject *strides = shape ? pxc_strides_tuple(g) : NULL;
    if (!strides) {
        Py_XDECREF(shape);
        return NULL;
    }
    PyObject *d = Py_BuildValue("{s:N,s:s,s:(KO),s:N,s:i}", "shape", shape, "typestr",
                                g->itemsize == 2 ? "<u2" : "|u1", "data",
                                (unsigned long long)(uintptr_t)g->data, g->readonly ? Py_True : Py_False,
                                "strides", strides, "version", 3);
    if (d && cuda) {
        PyObject *stream = cuda_stream ? PyLong_FromLongLong(cuda_stream) : Py_NewRef(Py_None);
        if (!stream || PyDict_SetItemString(d, "stream", stream) < 0) Py_CLEAR(d);
        Py_XDECREF(stream);
    }
    return d;
}

PyObject *pxc_numpy_dtype(Py_ssize_t itemsize)
{
    const char *name = itemsize == 2 ? "uint16" : "uint8";
    PyObject *np = PyImport_ImportModule("numpy");
    if (!np) {
        PyErr_Clear();
        return PyUnicode_FromString(name);
    }
    PyObject *dt = PyObject_CallMethod(np, "dtype", "s", name);
    Py_DECREF(np);
    return dt;
}

int pxc_fill_buffer(PyObject *owner, const pxc_array_geometry *g, Py_buffer *view, int flags)
{
    if (g->on_device) {
        PyErr_SetString(PyExc_BufferError, "this array is in device memory; use cpu() first");
        return -1;
    }
    if ((flags & PyBUF_WRITABLE) && g->readonly) {
        PyErr_SetString(PyExc_BufferError, "this array is read-only");
        return -1;
    }
    /* C-contiguous when every stride is the product of the inner extents */
    int contiguous = 1;
    Py_ssize_t expect = g->itemsize, count = 1;
    for (int i = g->ndim - 1; i >= 0; i--) {
        if (g->shape[i] > 1 && g->strides[i] != expect) contiguous = 0;
        expect *= g->shape[i];
        count *= g->shape[i];
    }
    if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && !contiguous) {
        PyErr_SetString(PyExc_BufferError, "this array has padded rows; request a strided buffer");
        return -1;
    }
    view->buf = g->data;
    view->obj = Py_NewRef(owner);
    view->itemsize = g->itemsize;
    view->len = count * g->itemsize;
    view->readonly = g->readonly;
    view->format = (flags & PyBUF_FORMAT) ? (g->itemsize == 2 ? "H" : "B") : NULL;
    view->ndim = g->ndim;
    view->shape = (flags & PyBUF_ND) == PyBUF_ND ? (Py_ssize_t *)g->shape : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? (Py_ssize_t *)g->strides : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    return 0;
}
