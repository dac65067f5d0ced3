/*
 * pixcodec._pixcodec: module set-up (multi-phase initialisation with module
 * state and heap types), the shared context, errors and small helpers.
 */
#include "ext.h"

module_state *pxc_state_of_module(PyObject *module)
{
    return (module_state *)PyModule_GetState(module);
}

module_state *pxc_state_of_type(PyTypeObject *type)
{
    PyObject *m = PyType_GetModuleByDef(type, &pxc_module_def);
    return m ? pxc_state_of_module(m) : NULL;
}

const char *pxc_status_name(pxc_status s)
{
    switch (s) {
    case PXC_OK: return "OK";
    case PXC_ERROR_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case PXC_ERROR_OUT_OF_MEMORY: return "OUT_OF_MEMORY";
    case PXC_ERROR_UNSUPPORTED_FORMAT: return "UNSUPPORTED_FORMAT";
    case PXC_ERROR_UNSUPPORTED_FEATURE: return "UNSUPPORTED_FEATURE";
    case PXC_ERROR_CORRUPT_DATA: return "CORRUPT_DATA";
    case PXC_ERROR_TRUNCATED_DATA: return "TRUNCATED_DATA";
    case PXC_ERROR_LIMIT_EXCEEDED: return "LIMIT_EXCEEDED";
    case PXC_ERROR_BACKEND_UNAVAILABLE: return "BACKEND_UNAVAILABLE";
    case PXC_ERROR_IO: return "IO";
    case PXC_ERROR_INVALID_OPTION: return "INVALID_OPTION";
    case PXC_ERROR_INTERNAL: return "INTERNAL";
    case PXC_ERROR_EMPTY_INPUT: return "EMPTY_INPUT";
    case PXC_ERROR_NOT_PROCESSED: return "NOT_PROCESSED";
    }
    return "UNKNOWN";
}

PyObject *pxc_raise(module_state *st, pxc_status status, const char *detail)
{
    const char *text = (detail && *detail) ? detail : pxc_strerror(status);
    PyObject *msg = PyUnicode_FromFormat("%s: %s", pxc_strerror(status), text);
    PyObject *exc = msg ? PyObject_CallOneArg(st->Error, msg) : NULL;
    Py_XDECREF(msg);
    if (!exc) return NULL;
    PyObject *code = PyLong_FromLong(status);
    PyObject *name = PyUnicode_FromString(pxc_status_name(status));
    PyObject *det = PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "replace");
    if (code && name && det && PyObject_SetAttrString(exc, "status", code) == 0 &&
        PyObject_SetAttrString(exc, "status_name", name) == 0 && PyObject_SetAttrString(exc, "detail", det) == 0)
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_XDECREF(code);
    Py_XDECREF(name);
    Py_XDECREF(det);
    Py_DECREF(exc);
    return NULL;
}

static PyObject *mod_as_image(PyObject *module, PyObject *args, PyObject *kwargs)
{
    return pxc_as_image(module, args, kwargs);
}

static PyObject *mod_codec_lookup(PyObject *module, PyObject *arg)
{
    const char *name = PyUnicode_AsUTF8(arg);
    if (!name) return NULL;
    const char *c = pxc_codec_lookup(name);
    if (!c) Py_RETURN_NONE;
    return PyUnicode_FromString(c);
}

static PyObject *mod_codec_for_path(PyObject *module, PyObject *arg)
{
    PyObject *bytes = NULL;
    if (!PyUnicode_FSConverter(arg, &bytes)) return NULL;
    const char *c = pxc_codec_for_path(PyBytes_AS_STRING(bytes));
    Py_DECREF(bytes);
    if (!c) Py_RETURN_NONE;
    return PyUnicode_FromString(c);
}

static PyObject *mod_codecs(PyObject *module, PyObject *unused)
{
    PyObject *list = PyList_New(0);
    for (size_t i = 0; list && i < pxc_codec_count(); i++) {
        const char *name = pxc_codec_name(i);
        for (size_t j = 0;; j++) {
            pxc_implementation_info ii;
            if (pxc_codec_implementation(name, j, &ii) != PXC_OK) break;
            PyObject *t = Py_BuildValue("(ssiiiiz)", name, ii.name, (int)ii.kind, ii.can_decode, ii.can_encode,
                                        ii.available, ii.unavailable_reason);
            if (!t || PyList_Append(list, t) != 0) {
                Py_XDECREF(t);
                Py_CLEAR(list);
                break;
            }
            Py_DECREF(t);
        }
    }
    return list;
}

static PyObject *mod_gpu_device_count(PyObject *m, PyObject *unused)
{
    (void)m;
    (void)unused;
    return PyLong_FromLong(pxc_gpu_device_count());
}

static PyObject *mod_gpu_unavailable_reason(PyObject *m, PyObject *unused)
{
    (void)m;
    (void)unused;
    const char *why = pxc_gpu_unavailable_reason();
    if (!why) Py_RETURN_NONE;
    return PyUnicode_FromString(why);
}

static PyMethodDef module_methods[] = {
    {"gpu_device_count", mod_gpu_device_count, METH_NOARGS,
     "gpu_device_count() -> int\n--\n\nCUDA devices pixcodec can use (0 without GPU support, driver or device)."},
    {"gpu_unavailable_reason", mod_gpu_unavailable_reason, METH_NOARGS,
     "gpu_unavailable_reason() -> str or None\n--\n\nWhy no GPU can be used, or None when one can."},
    {"as_image", (PyCFunction)(void (*)(void))mod_as_image, METH_VARARGS | METH_KEYWORDS,
     "as_image(source_buffer, cuda_stream=0) -> Image\n--\n\n"
     "Wraps an object's memory as an Image without copying and keeps the object alive.\n"
     "Accepts __cuda_array_interface__, the buffer protocol, __array_interface__ or __dlpack__;\n"
     "layout HWC (or HW), uint8 or uint16."},
    {"codec_lookup", mod_codec_lookup, METH_O, "Canonical codec name for a name or '.ext', or None."},
    {"codec_for_path", mod_codec_for_path, METH_O, "Codec for a path's extension ('jpeg' without one), or None."},
    {"codecs", mod_codecs, METH_NOARGS,
     "List of (codec, implementation, backend kind, can_decode, can_encode, available, reason)."},
    {NULL, NULL, 0, NULL},
};

static int module_exec(PyObject *m)
{
    module_state *st = pxc_state_of_module(m);
    st->Error = PyErr_NewExceptionWithDoc(
        "pixcodec.Error",
        "A decode, encode or I/O failure reported by the pixcodec library.\n\n"
        "Attributes: status (the library's status code), status_name (e.g. 'CORRUPT_DATA')\n"
        "and detail (what was wrong with which input).",
        PyExc_RuntimeError, NULL);
    if (!st->Error || PyModule_AddObjectRef(m, "Error", st->Error) < 0) return -1;
    st->ImageType = (PyTypeObject *)PyType_FromModuleAndSpec(m, &pxc_image_spec, NULL);
    if (!st->ImageType || PyModule_AddType(m, st->ImageType) < 0) return -1;
    st->DecoderType = (PyTypeObject *)PyType_FromModuleAndSpec(m, &pxc_decoder_spec, NULL);
    if (!st->DecoderType || PyModule_AddType(m, st->DecoderType) < 0) return -1;
    st->EncoderType = (PyTypeObject *)PyType_FromModuleAndSpec(m, &pxc_encoder_spec, NULL);
    if (!st->EncoderType || PyModule_AddType(m, st->EncoderType) < 0) return -1;
    if (pxc_video_module_init(m, st) < 0) return -1;
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    pxc_status s = pxc_context_create(&cs, &st->ctx);
    if (s != PXC_OK) {
        pxc_raise(st, s, "cannot create the pixcodec context");
        return -1;
    }
    if (PyModule_AddIntConstant(m, "num_threads", pxc_context_num_threads(st->ctx)) < 0 ||
        PyModule_AddStringConstant(m, "library_version", pxc_version()) < 0)
        return -1;
    return 0;
}

static int module_traverse(PyObject *m, visitproc visit, void *arg)
{
    module_state *st = pxc_state_of_module(m);
    Py_VISIT(st->Error);
    Py_VISIT(st->ImageType);
    Py_VISIT(st->DecoderType);
    Py_VISIT(st->EncoderType);
    Py_VISIT(st->DemuxerType);
    Py_VISIT(st->VideoDecoderType);
    Py_VISIT(st->FrameType);
    Py_VISIT(st->ArrayViewType);
    return 0;
}

static int module_clear(PyObject *m)
{
    module_state *st = pxc_state_of_module(m);
    Py_CLEAR(st->Error);
    Py_CLEAR(st->ImageType);
    Py_CLEAR(st->DecoderType);
    Py_CLEAR(st->EncoderType);
    Py_CLEAR(st->DemuxerType);
    Py_CLEAR(st->VideoDecoderType);
    Py_CLEAR(st->FrameType);
    Py_CLEAR(st->ArrayViewType);
    return 0;
}

static void module_free(void *m)
{
    module_state *st = pxc_state_of_module((PyObject *)m);
    module_clear((PyObject *)m);
    /* every image, decoder and encoder holds a reference to the module, so none is left */
    pxc_context_destroy(st->ctx);
    st->ctx = NULL;
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
    {0, NULL},
};

PyModuleDef pxc_module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "pixcodec._pixcodec",
    .m_doc = "C extension of pixcodec: images, decoders and encoders over the pixcodec C library.",
    .m_size = sizeof(module_state),
    .m_methods = module_methods,
    .m_slots = module_slots,
    .m_traverse = module_traverse,
    .m_clear = module_clear,
    .m_free = module_free,
};

PyMODINIT_FUNC PyInit__pixcodec(void)
{
    return PyModuleDef_Init(&pxc_module_def);
}
