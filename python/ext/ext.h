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
    PyTypeObject *DemuxerType;      /* video.c */
    PyTypeObject *VideoDecoderType;
    PyTypeObject *FrameType;
    PyTypeObject *ArrayViewType;
    pxc_context *ctx;          /* shared by every decoder, encoder and image of the module */
} module_state;

extern PyModuleDef pxc_module_def;

module_state *pxc_state_of_type(PyTypeObject *type);
module_state *pxc_state_of_module(PyObject *module);

/* Raises pixcodec.Error(status, detail). Returns NULL. */
PyObject *pxc_raise(module_state *st, pxc_status status, const char *detail);
/* Name of a status ("CORRUPT_DATA", ...). */
const char *pxc_status_name(pxc_status status);

/* ---- array exports shared by Image and the video views (arrayexport.c) ---- */
#define PXC_EXPORT_MAX_DIMS 3

/* A strided array of unsigned 8- or 16-bit samples; strides in bytes. Objects
 * that export one keep it as a member, so buffer views may point into it. */
typedef struct {
    void *data;
    int ndim;
    Py_ssize_t shape[PXC_EXPORT_MAX_DIMS];
    Py_ssize_t strides[PXC_EXPORT_MAX_DIMS];
    Py_ssize_t itemsize;   /* 1 or 2 */
    int readonly;
    int on_device;         /* CUDA memory: DLPack kDLCUDA with device_id */
    int device_id;
} pxc_array_geometry;

/* Parses __dlpack__(stream=None, *, max_version=None, dl_device=None, copy=None) for the array g (copy=True
   and a dl_device other than g's own are refused); -1 with an exception. */
int pxc_dlpack_check_args(PyObject *args, PyObject *kwargs, const pxc_array_geometry *g);
/* A "dltensor" capsule over g's memory that keeps @p owner alive until the consumer is done. */
PyObject *pxc_dlpack_export(PyObject *owner, const pxc_array_geometry *g);
/* (device_type, device_id) for __dlpack_device__. */
PyObject *pxc_dlpack_device(const pxc_array_geometry *g);
/* __array_interface__ (cuda 0) or __cuda_array_interface__ (cuda 1, with the stream) dict. */
PyObject *pxc_array_interface(const pxc_array_geometry *g, long long cuda_stream, int cuda);
PyObject *pxc_shape_tuple(const pxc_array_geometry *g);
PyObject *pxc_strides_tuple(const pxc_array_geometry *g);
/* numpy.dtype('uint8' / 'uint16'), or the name when numpy is not importable. */
PyObject *pxc_numpy_dtype(Py_ssize_t itemsize);
/* Buffer protocol: fills @p view for @p owner, whose member @p g outlives the view. */
int pxc_fill_buffer(PyObject *owner, const pxc_array_geometry *g, Py_buffer *view, int flags);

/* ---- Image (image.c) ---- */
typedef struct {
    PyObject_HEAD
    pxc_image *img;        /* owned handle (its buffer is pixcodec's or wraps the source) */
    PyObject *module;      /* strong reference: keeps the context alive */
    PyObject *source;      /* as_image: the wrapped object, kept alive */
    Py_buffer view;        /* as_image through the buffer protocol */
    int has_view;
    DLManagedTensor *dl;   /* as_image through __dlpack__: deleter called on dealloc */
    pxc_array_geometry geom; /* HWC view of the pixels (readonly: the wrapped memory must not be written) */
    long long cuda_stream;
} ImageObject;

extern PyType_Spec pxc_image_spec;
/* Takes ownership of @p img. */
PyObject *pxc_image_wrap(PyObject *module, pxc_image *img);
PyObject *pxc_as_image(PyObject *module, PyObject *args, PyObject *kwargs);

/* ---- Decoder and Encoder (coders.c) ---- */
extern PyType_Spec pxc_decoder_spec;
extern PyType_Spec pxc_encoder_spec;

/* ---- video (video.c): demuxer, decoder, frames and array views over them ---- */
extern PyType_Spec pxc_demuxer_spec;
extern PyType_Spec pxc_video_decoder_spec;
extern PyType_Spec pxc_frame_spec;
extern PyType_Spec pxc_array_view_spec;
/* Adds the video types and constants to the module (module_exec). */
int pxc_video_module_init(PyObject *module, module_state *st);

#endif
