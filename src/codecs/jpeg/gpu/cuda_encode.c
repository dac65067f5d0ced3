/*
 * jpeg.cuda_hybrid encoder: colour conversion, downsampling, forward DCT and
 * quantisation in CUDA kernels (encode_kernels.cu, the arithmetic of
 * encode_math.h), Huffman coding of the coefficients on the CPU with
 * libjpeg-turbo (pxc_jpeg_write_coefs). The same stages run on the CPU in
 * encode_ref.c, which the tests compare with libjpeg-turbo bit for bit.
 *
 * Listed after jpeg.turbo, so the default backend list encodes on the CPU and
 * this runs when HYBRID_CPU_GPU is asked for (or the CPU encoder fails in a
 * way that allows falling back).
 */
#include <stdlib.h>
#include <string.h>

#include "codecs/jpeg/jpeg.h"
#include "cuda/cuda_rt.h"
#include "encode_math.h"
#include "encode_ref.h"

static const char *cuda_unavailable(void)
{
    return pxc_cuda_unavailable_reason();
}

/* Luma sampling factors of each chroma subsampling (chroma 1x1). */
static bool luma_factors(pxc_chroma_subsampling css, int *h, int *v)
{
    switch (css) {
    case PXC_CSS_444: *h = 1, *v = 1; return true;
    case PXC_CSS_422: *h = 2, *v = 1; return true;
    case PXC_CSS_420: *h = 2, *v = 2; return true;
    case PXC_CSS_440: *h = 1, *v = 2; return true;
    case PXC_CSS_411: *h = 4, *v = 1; return true;
    case PXC_CSS_410: *h = 4, *v = 2; return true;
    case PXC_CSS_410V: *h = 2, *v = 4; return true;
    case PXC_CSS_GRAY: *h = 1, *v = 1; return true;
    default: return false;
    }
}

static bool cuda_can_encode(const pxc_encode_job *job, pxc_err *why)
{
    const pxc_image_desc *d = job->desc;
    const pxc_color_spec c = d->color_spec;
    if (d->sample_type != PXC_SAMPLE_U8 ||
        !(c == PXC_COLOR_GRAY || c == PXC_COLOR_RGB || c == PXC_COLOR_BGR || c == PXC_COLOR_RGBA ||
          c == PXC_COLOR_BGRA)) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE,
                    "the GPU JPEG encoder takes 8-bit gray, RGB, BGR, RGBA or BGRA images");
        return false;
    }
    if (d->width > 65500 || d->height > 65500) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "JPEG images are at most 65500 pixels wide and high");
        return false;
    }
    int h, v;
    if (!luma_factors(job->params->chroma_subsampling, &h, &v)) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "unknown chroma subsampling");
        return false;
    }
    return true;
}

#ifdef PXC_HAVE_CUDA

/* Device buffers of one encode. */
typedef struct enc_buffers {
    void *pixels;
    void *planes[3];
    void *coef[3];
    void *quant;
    size_t coef_bytes[3];
} enc_buffers;

static void free_buffers(enc_buffers *b)
{
    pxc_cuda_free(b->pixels);
    pxc_cuda_free(b->quant);
    for (int i = 0; i < 3; i++) {
        pxc_cuda_free(b->planes[i]);
        pxc_cuda_free(b->coef[i]);
    }
}

static pxc_status encode_on_device(pxc_encode_job *job, pxc_jpeg_coefs *c, void *stream)
{
    const pxc_image_desc *d = job->desc;
    pxc_err *e = job->err;
    const int channels = (int)d->num_channels;
    const bool bgr = d->color_spec == PXC_COLOR_BGR || d->color_spec == PXC_COLOR_BGRA;
    const size_t row_bytes = (size_t)d->width * (size_t)channels;
    enc_buffers b;
    memset(&b, 0, sizeof(b));
    pxc_jpeg_gpu_enc_image img;
    pxc_status st = pxc_cuda_malloc(&b.pixels, row_bytes * d->height, e);
    if (st == PXC_OK) st = pxc_cuda_malloc(&b.quant, sizeof(uint16_t) * 64 * (size_t)c->num_components, e);
    if (st == PXC_OK) {
        pxc_jpeg_enc_image_from_coefs(c, (const uint8_t *)b.pixels, row_bytes, channels, bgr, &img);
        for (int i = 0; i < c->num_components && st == PXC_OK; i++) {
            pxc_jpeg_component *k = &c->comp[i];
            const size_t pw = (size_t)k->width_in_blocks * 8, ph = (size_t)k->height_in_blocks * 8;
            b.coef_bytes[i] = (size_t)k->padded_blocks_w * k->padded_blocks_h * 64 * sizeof(int16_t);
            st = pxc_cuda_malloc(&b.planes[i], pw * ph, e);
            if (st == PXC_OK) st = pxc_cuda_malloc(&b.coef[i], b.coef_bytes[i], e);
            if (st == PXC_OK)
                st = pxc_cuda_copy_2d((uint16_t *)b.quant + 64 * i, 128, k->quant, 128, 128, 1, PXC_CUDA_H2D,
                                      stream, e);
            img.comp[i].plane = (uint8_t *)b.planes[i];
            img.comp[i].plane_stride = pw;
            img.comp[i].coef = (int16_t *)b.coef[i];
            img.comp[i].quant = (const uint16_t *)b.quant + 64 * i;
        }
    }
    if (st == PXC_OK)
        st = pxc_cuda_copy_2d(b.pixels, row_bytes, job->pixels, d->row_stride, row_bytes, d->height, PXC_CUDA_H2D,
                              stream, e);
    if (st == PXC_OK) st = pxc_cuda_error(pxc_jpeg_cuda_encode_launch(&img, stream), "the JPEG encode kernels", e);
    for (int i = 0; i < c->num_components && st == PXC_OK; i++) {
        if (!(c->comp[i].coef = malloc(b.coef_bytes[i]))) {
            st = pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory for %zu bytes of coefficients",
                             b.coef_bytes[i]);
            break;
        }
        st = pxc_cuda_copy_2d(c->comp[i].coef, b.coef_bytes[i], b.coef[i], b.coef_bytes[i], b.coef_bytes[i], 1,
                              PXC_CUDA_D2H, stream, e);
    }
    st = pxc_cuda_stream_finish(stream, st, e); /* before the buffers are freed */
    free_buffers(&b);
    return st;
}

static pxc_status cuda_encode(pxc_encode_job *job)
{
    const pxc_image_desc *d = job->desc;
    const pxc_encode_params *p = job->params;
    int h = 1, v = 1;
    luma_factors(p->chroma_subsampling, &h, &v);
    const int gray_out = d->color_spec == PXC_COLOR_GRAY || p->chroma_subsampling == PXC_CSS_GRAY;
    int q = (int)(p->quality + 0.5f);
    q = q < 1 ? 1 : (q > 100 ? 100 : q);
    pxc_jpeg_coefs c;
    memset(&c, 0, sizeof(c));
    pxc_status st = pxc_jpeg_enc_geometry(d->width, d->height, (int)d->num_channels, gray_out, h, v, q, &c, job->err);
    if (st != PXC_OK) return st;
    void *stream = NULL;
    st = pxc_cuda_use_device(job->device_id, job->err);
    if (st == PXC_OK) st = pxc_cuda_stream_create(&stream, job->err);
    if (st == PXC_OK) st = encode_on_device(job, &c, stream);
    pxc_cuda_stream_destroy(stream);
    if (st == PXC_OK)
        st = pxc_jpeg_write_coefs(&c, p->jpeg_optimized_huffman ? 1 : 0, p->jpeg_progressive ? 1 : 0, job->out,
                                  job->err);
    pxc_jpeg_enc_coefs_free(&c);
    return st;
}

#else

static pxc_status cuda_encode(pxc_encode_job *job)
{
    return pxc_err_set(job->err, PXC_ERROR_BACKEND_UNAVAILABLE, "%s", cuda_unavailable());
}

#endif

const pxc_codec_impl pxc_jpeg_cuda_encoder_impl = {
    .name = "jpeg.cuda_hybrid_encoder",
    .kind = PXC_BACKEND_HYBRID_CPU_GPU,
    .priority = 200,
    .unavailable_reason = cuda_unavailable,
    .can_encode = cuda_can_encode,
    .encode = cuda_encode,
};
