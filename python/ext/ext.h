/* Shared declarations of the pixcodec Python extension (pixcodec._pixcodec). */
#ifndef PXC_PY_EXT_H
#define PXC_PY_EXT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pixcodec/pixcodec.h"
#include "dlpack.h"

/* Per-module state (multi-phase initialisation, heap types). */
typedef struct {
    PyObject *Error;           /* pixcodec.Error, a RuntimeError */
    PyTypeObject *ImageType;
    PyTypeObject *DecoderType;
    PyTypeObject *EncoderType;
    pxc_context *ctx;          /* shared by every decoder, encoder and image of the module */
} module_state;

extern PyModuleDef pxc_module_def;

module_state *pxc_state_of_type(PyTypeObject *type);
module_state *pxc_state_of_module(PyObject *module);

/* Raises pixcodec.Error(status, detail). Returns NULL. */
PyObject *pxc_raise(module_state *st, pxc_status status, const char *detail);
/* Name of a status ("CORRUPT_DATA", ...). */
const char *pxc_status_name(pxc_status status);

/* ---- Image (image.c) ---- */
typedef struct {
    PyObject_HEAD
    pxc_image *img;        /* owned handle (its buffer is pixcodec's or wraps the source) */
    PyObject *module;      /* strong reference: keeps the context alive */
    PyObject *source;      /* as_image: the wrapped object, kept alive */
    Py_buffer view;        /* as_image through the buffer protocol */
    int has_view;
    DLManagedTensor *dl;   /* as_image through __dlpack__: deleter called on dealloc */
    int readonly;          /* the wrapped memory must not be written through this image */
    Py_ssize_t shape[3];
    Py_ssize_t strides[3];
    long long cuda_stream;
} ImageObject;

extern PyType_Spec pxc_image_spec;
/* Takes ownership of @p img. */
PyObject *pxc_image_wrap(PyObject *module, pxc_image *img);
PyObject *pxc_as_image(PyObject *module, PyObject *args, PyObject *kwargs);

/* ---- Decoder and Encoder (coders.c) ---- */
extern PyType_Spec pxc_decoder_spec;
extern PyType_Spec pxc_encoder_spec;

#endif
