/*
 * Decoder and Encoder types of pixcodec._pixcodec. They take already
 * normalised arguments from the Python layer (pixcodec/__init__.py) and run
 * the library's batch calls with the GIL released.
 */
#include <stdio.h>
#include <string.h>

#include "ext.h"

typedef struct {
    PyObject_HEAD
    pxc_decoder *dec;
    pxc_encoder *enc;
    PyObject *module;
} CoderObject;

/* backends: a sequence of (kind, load_hint) with kind 0..3; fills @p out (at most 4). */
static int parse_backends(PyObject *seq, pxc_backend *out, size_t *n)
{
    *n = 0;
    if (seq == Py_None) return 0;
    PyObject *fast = PySequence_Fast(seq, "backends must be a sequence of (kind, load_hint)");
    if (!fast) return -1;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(fast);
    if (len > PXC_BACKEND_KIND_COUNT) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_ValueError, "%zd backends given; each backend kind may be listed once", len);
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        int kind;
        float hint;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(fast, i), "if", &kind, &hint)) {
            Py_DECREF(fast);
            return -1;
        }
        out[i].kind = (pxc_backend_kind)kind;
        out[i].load_hint = hint;
    }
    *n = (size_t)len;
    Py_DECREF(fast);
    return 0;
}

static int coder_init(CoderObject *self, PyObject *args, PyObject *kwargs, int encoder)
{
    static char *kw[] = {"device_id", "backends", "options", NULL};
    int device_id = -1;
    PyObject *backends = Py_None;
    const char *options = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|iOz", kw, &device_id, &backends, &options)) return -1;
    pxc_backend list[PXC_BACKEND_KIND_COUNT];
    size_t n;
    if (parse_backends(backends, list, &n) < 0) return -1;
    PyObject *module = PyType_GetModuleByDef(Py_TYPE(self), &pxc_module_def);
    if (!module) return -1;
    module_state *st = pxc_state_of_module(module);
    if (self->dec || self->enc) {
        PyErr_SetString(PyExc_RuntimeError, "already initialised");
        return -1;
    }
    pxc_status s;
    if (encoder) {
        pxc_encoder_settings es;
        pxc_encoder_default_settings(&es);
        es.device_id = device_id;
        es.backends = n ? list : NULL;
        es.num_backends = n;
        if (options) es.options = options;
        s = pxc_encoder_create(st->ctx, &es, &self->enc);
    } else {
        pxc_decoder_settings ds;
        pxc_decoder_default_settings(&ds);
        ds.device_id = device_id;
        ds.backends = n ? list : NULL;
        ds.num_backends = n;
        if (options) ds.options = options;
        s = pxc_decoder_create(st->ctx, &ds, &self->dec);
    }
    if (s != PXC_OK) {
        pxc_raise(st, s, pxc_context_last_error(st->ctx));
        return -1;
    }
    self->module = Py_NewRef(module);
    return 0;
}

static int decoder_init(CoderObject *self, PyObject *args, PyObject *kwargs)
{
    return coder_init(self, args, kwargs, 0);
}

static int encoder_init(CoderObject *self, PyObject *args, PyObject *kwargs)
{
    return coder_init(self, args, kwargs, 1);
}

static void coder_dealloc(CoderObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    pxc_decoder_destroy(self->dec);
    pxc_encoder_destroy(self->enc);
    Py_XDECREF(self->module);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static int check_ready(CoderObject *self)
{
    if (!self->module) {
        PyErr_SetString(PyExc_RuntimeError, "the decoder or encoder was not initialised");
        return -1;
    }
    return 0;
}

/* (index, status, status_name, detail) for a failed sample. */
static int append_failure(PyObject *failures, Py_ssize_t i, const pxc_sample_status *s)
{
    PyObject *t = Py_BuildValue("(nisN)", i, (int)s->status, pxc_status_name(s->status),
                                PyUnicode_DecodeUTF8(s->detail, (Py_ssize_t)strlen(s->detail), "replace"));
    if (!t) return -1;
    int r = PyList_Append(failures, t);
    Py_DECREF(t);
    return r;
}

/*
 * decode(items, from_files, apply_exif, color, any_depth) -> (list of Image|None, failures)
 * items: bytes-like objects (from_files false) or file system paths (true).
 */
static PyObject *decoder_decode(CoderObject *self, PyObject *args)
{
    PyObject *items;
    int from_files, apply_exif, color, any_depth;
    unsigned int image_index = 0;
    if (!PyArg_ParseTuple(args, "Opppp|I:decode", &items, &from_files, &apply_exif, &color, &any_depth, &image_index))
        return NULL;
    if (check_ready(self) < 0) return NULL;
    module_state *st = pxc_state_of_module(self->module);
    PyObject *fast = PySequence_Fast(items, "decode expects a list");
    if (!fast) return NULL;
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    Py_buffer *views = PyMem_Calloc((size_t)n + 1, sizeof(Py_buffer));
    PyObject **paths = PyMem_Calloc((size_t)n + 1, sizeof(PyObject *));
    pxc_code_stream **streams = PyMem_Calloc((size_t)n + 1, sizeof(*streams));
    pxc_image **images = PyMem_Calloc((size_t)n + 1, sizeof(*images));
    pxc_sample_status *stats = PyMem_Calloc((size_t)n + 1, sizeof(*stats));
    PyObject *result = NULL, *out = NULL, *failures = NULL;
    Py_ssize_t got_views = 0;
    if (!views || !paths || !streams || !images || !stats) {
        PyErr_NoMemory();
        goto done;
    }
    /* gather the inputs while holding the GIL */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
        pxc_status s;
        if (from_files) {
            if (!PyUnicode_FSConverter(item, &paths[i])) goto done;
            s = pxc_code_stream_from_file(st->ctx, PyBytes_AS_STRING(paths[i]), &streams[i]);
        } else {
            if (PyUnicode_Check(item) || !PyObject_CheckBuffer(item)) {
                PyErr_Format(PyExc_TypeError,
                             "decode: item %zd is %.80s; expected bytes, bytearray, memoryview or a uint8 array "
                             "(use read() for file names)",
                             i, Py_TYPE(item)->tp_name);
                goto done;
            }
            if (PyObject_GetBuffer(item, &views[i], PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) goto done;
            got_views = i + 1;
            if (views[i].itemsize != 1) {
                PyErr_Format(PyExc_TypeError, "decode: item %zd has %zd-byte elements; expected bytes (uint8)", i,
                             views[i].itemsize);
                goto done;
            }
            s = pxc_code_stream_from_memory(st->ctx, views[i].buf, (size_t)views[i].len, PXC_MEMORY_BORROW,
                                            &streams[i]);
        }
        if (s != PXC_OK) {
            /* this sample fails on its own (e.g. a missing file); the others still decode */
            stats[i].status = s;
            snprintf(stats[i].detail, sizeof(stats[i].detail), "%s", pxc_context_last_error(st->ctx));
            streams[i] = NULL;
        }
    }
    pxc_decode_params p;
    pxc_decode_params_default(&p);
    p.apply_exif_orientation = apply_exif;
    p.enable_color_conversion = color;
    p.allow_any_depth = any_depth;
    p.image_index = image_index;
    /* samples whose stream could not be made keep their own status */
    pxc_sample_status *run = PyMem_Calloc((size_t)n + 1, sizeof(*run));
    if (!run) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    pxc_decode_batch(self->dec, (size_t)n, streams, &p, images, run);
    Py_END_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++)
        if (streams[i]) stats[i] = run[i];
    PyMem_Free(run);

    out = PyList_New(n);
    failures = PyList_New(0);
    if (!out || !failures) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (stats[i].status == PXC_OK && images[i]) {
            PyObject *img = pxc_image_wrap(self->module, images[i]);
            images[i] = NULL;
            if (!img) goto done;
            PyList_SET_ITEM(out, i, img);
        } else {
            PyList_SET_ITEM(out, i, Py_NewRef(Py_None));
            if (append_failure(failures, i, &stats[i]) < 0) goto done;
        }
    }
    result = Py_BuildValue("(OO)", out, failures);
done:
    Py_XDECREF(out);
    Py_XDECREF(failures);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (images) pxc_image_destroy(images[i]);
        if (streams) pxc_code_stream_destroy(streams[i]);
        if (paths) Py_XDECREF(paths[i]);
    }
    for (Py_ssize_t i = 0; i < got_views; i++)
        if (views[i].obj) PyBuffer_Release(&views[i]);
    PyMem_Free(views);
    PyMem_Free(paths);
    PyMem_Free(streams);
    PyMem_Free(images);
    PyMem_Free(stats);
    Py_DECREF(fast);
    return result;
}

/* Reads an encode-params tuple built by the Python layer. */
static int parse_encode_params(PyObject *t, pxc_encode_params *p)
{
    pxc_encode_params_default(p);
    int mct, css, prog, opt, rev, cbw, cbh, nres, bst, order;
    if (!PyArg_ParseTuple(t, "ffiiiiiiiiii:encode params", &p->quality, &p->target_psnr, &mct, &css, &prog, &opt,
                          &rev, &cbw, &cbh, &nres, &bst, &order))
        return -1;
    p->mct_mode = (pxc_mct_mode)mct;
    p->chroma_subsampling = (pxc_chroma_subsampling)css;
    p->jpeg_progressive = prog;
    p->jpeg_optimized_huffman = opt;
    p->jpeg2k_reversible = rev;
    p->jpeg2k_code_block_width = cbw;
    p->jpeg2k_code_block_height = cbh;
    p->jpeg2k_num_resolutions = nres;
    p->jpeg2k_bitstream_type = (pxc_jpeg2k_bitstream_type)bst;
    p->jpeg2k_prog_order = (pxc_jpeg2k_prog_order)order;
    return 0;
}

/* encode(images, codec, params) -> (list of bytes|None, failures); images are pixcodec.Image. */
static PyObject *encoder_encode(CoderObject *self, PyObject *args)
{
    PyObject *items, *ptuple;
    const char *codec;
    if (!PyArg_ParseTuple(args, "OsO:encode", &items, &codec, &ptuple)) return NULL;
    if (check_ready(self) < 0) return NULL;
    module_state *st = pxc_state_of_module(self->module);
    pxc_encode_params p;
    if (parse_encode_params(ptuple, &p) < 0) return NULL;
    PyObject *fast = PySequence_Fast(items, "encode expects a list of images");
    if (!fast) return NULL;
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    const pxc_image **imgs = PyMem_Calloc((size_t)n + 1, sizeof(*imgs));
    void **data = PyMem_Calloc((size_t)n + 1, sizeof(*data));
    size_t *sizes = PyMem_Calloc((size_t)n + 1, sizeof(*sizes));
    pxc_sample_status *stats = PyMem_Calloc((size_t)n + 1, sizeof(*stats));
    PyObject *out = NULL, *failures = NULL, *result = NULL;
    if (!imgs || !data || !sizes || !stats) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
        if (!PyObject_TypeCheck(item, st->ImageType)) {
            PyErr_Format(PyExc_TypeError, "encode: item %zd is %.80s, not a pixcodec.Image", i, Py_TYPE(item)->tp_name);
            goto done;
        }
        imgs[i] = ((ImageObject *)item)->img;
    }
    pxc_status s;
    Py_BEGIN_ALLOW_THREADS
    s = pxc_encode_batch(self->enc, (size_t)n, imgs, codec, &p, data, sizes, stats);
    Py_END_ALLOW_THREADS
    if (n && s != PXC_OK && stats[0].status == PXC_ERROR_NOT_PROCESSED) {
        /* the call as a whole was refused (unknown codec, bad parameters) */
        pxc_raise(st, s, pxc_encoder_last_error(self->enc));
        goto done;
    }
    out = PyList_New(n);
    failures = PyList_New(0);
    if (!out || !failures) goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (stats[i].status == PXC_OK) {
            PyObject *b = PyBytes_FromStringAndSize(data[i], (Py_ssize_t)sizes[i]);
            if (!b) goto done;
            PyList_SET_ITEM(out, i, b);
        } else {
            PyList_SET_ITEM(out, i, Py_NewRef(Py_None));
            if (append_failure(failures, i, &stats[i]) < 0) goto done;
        }
    }
    result = Py_BuildValue("(OO)", out, failures);
done:
    Py_XDECREF(out);
    Py_XDECREF(failures);
    for (Py_ssize_t i = 0; data && i < n; i++) pxc_free(data[i]);
    PyMem_Free(imgs);
    PyMem_Free(data);
    PyMem_Free(sizes);
    PyMem_Free(stats);
    Py_DECREF(fast);
    return result;
}

/* write_files(paths, blobs) -> failures: each blob written atomically to its path, GIL released. */
static PyObject *encoder_write_files(CoderObject *self, PyObject *args)
{
    PyObject *paths, *blobs;
    if (!PyArg_ParseTuple(args, "OO:write_files", &paths, &blobs)) return NULL;
    PyObject *fp = PySequence_Fast(paths, "paths must be a list");
    PyObject *fb = fp ? PySequence_Fast(blobs, "blobs must be a list") : NULL;
    if (!fb) {
        Py_XDECREF(fp);
        return NULL;
    }
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(fp);
    PyObject *failures = NULL;
    PyObject **names = PyMem_Calloc((size_t)n + 1, sizeof(PyObject *));
    pxc_sample_status *stats = PyMem_Calloc((size_t)n + 1, sizeof(*stats));
    if (!names || !stats || PySequence_Fast_GET_SIZE(fb) != n) {
        if (names && stats) PyErr_SetString(PyExc_ValueError, "write_files: as many paths as blobs are needed");
        else PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyUnicode_FSConverter(PySequence_Fast_GET_ITEM(fp, i), &names[i])) goto done;
        if (!PyBytes_Check(PySequence_Fast_GET_ITEM(fb, i))) {
            PyErr_SetString(PyExc_TypeError, "write_files: blobs must be bytes");
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *b = PySequence_Fast_GET_ITEM(fb, i);
        stats[i].status = pxc_write_file_atomic(PyBytes_AS_STRING(names[i]), PyBytes_AS_STRING(b),
                                                (size_t)PyBytes_GET_SIZE(b), stats[i].detail, sizeof(stats[i].detail));
    }
    Py_END_ALLOW_THREADS
    failures = PyList_New(0);
    for (Py_ssize_t i = 0; failures && i < n; i++)
        if (stats[i].status != PXC_OK && append_failure(failures, i, &stats[i]) < 0) Py_CLEAR(failures);
done:
    for (Py_ssize_t i = 0; names && i < n; i++) Py_XDECREF(names[i]);
    PyMem_Free(names);
    PyMem_Free(stats);
    Py_DECREF(fp);
    Py_DECREF(fb);
    return failures;
}

static PyMethodDef decoder_methods[] = {
    {"decode", (PyCFunction)decoder_decode, METH_VARARGS,
     "decode(items, from_files, apply_exif_orientation, enable_color_conversion, allow_any_depth, image_index=0)\n--\n\n"
     "Decodes a list of byte buffers (or file paths) as one batch with the GIL released.\n"
     "Returns (images, failures): None in images where a sample failed, and failures as\n"
     "(index, status, status_name, detail) tuples."},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef encoder_methods[] = {
    {"encode", (PyCFunction)encoder_encode, METH_VARARGS,
     "encode(images, codec, params)\n--\n\nEncodes a list of Images as one batch with the GIL released.\n"
     "Returns (blobs, failures) as decode() does."},
    {"write_files", (PyCFunction)encoder_write_files, METH_VARARGS,
     "write_files(paths, blobs)\n--\n\nWrites each blob to its path atomically; returns the failures."},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot decoder_slots[] = {
    {Py_tp_init, decoder_init},
    {Py_tp_dealloc, coder_dealloc},
    {Py_tp_methods, decoder_methods},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_doc, "_Decoder(device_id=-1, backends=None, options=None)\n--\n\n"
                "Low-level decoder; use pixcodec.Decoder."},
    {0, NULL},
};

static PyType_Slot encoder_slots[] = {
    {Py_tp_init, encoder_init},
    {Py_tp_dealloc, coder_dealloc},
    {Py_tp_methods, encoder_methods},
    {Py_tp_new, PyType_GenericNew},
    {Py_tp_doc, "_Encoder(device_id=-1, backends=None, options=None)\n--\n\n"
                "Low-level encoder; use pixcodec.Encoder."},
    {0, NULL},
};

PyType_Spec pxc_decoder_spec = {
    .name = "pixcodec._pixcodec._Decoder",
    .basicsize = sizeof(CoderObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = decoder_slots,
};

PyType_Spec pxc_encoder_spec = {
    .name = "pixcodec._pixcodec._Encoder",
    .basicsize = sizeof(CoderObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = encoder_slots,
};
