/*
 * The GPU JPEG decoders. Both run dequantisation, IDCT, upsampling and colour
 * conversion in CUDA kernels (decode_kernels.cu, the arithmetic of
 * decode_math.h; decode_ref.c runs the same stages on the CPU, and the tests
 * find it equal to libjpeg-turbo's own decode, sample for sample, in both
 * upsampling modes). They differ in how the coefficients are found:
 *
 *  - jpeg.cuda_hybrid (HYBRID_CPU_GPU): entropy decoding on the CPU with
 *    libjpeg-turbo's coefficient API (any JPEG it reads: baseline, extended,
 *    progressive; gray, YCbCr, RGB, CMYK, YCCK; every sampling), then the
 *    coefficients are uploaded;
 *  - jpeg.cuda (GPU_ONLY): our parser (jpeg_parse.c) and the parallel Huffman
 *    decoder (huffman.h, huffman_kernels.cu) on the GPU, writing the
 *    coefficient grids the decode kernels read, without a trip through the
 *    host. Sequential Huffman JPEG only; anything else (progressive,
 *    arithmetic coding) is declined as unsupported with the reason, so a
 *    backend list that also allows HYBRID_CPU_GPU falls back to it.
 *
 * Both are listed after jpeg.turbo, so the default backend list decodes on
 * the CPU; they run when GPU_ONLY or HYBRID_CPU_GPU is asked for (or the CPU
 * decoder fails in a way that allows falling back).
 */
#include <stdlib.h>
#include <string.h>

#include "codecs/jpeg/jpeg.h"
#include "core/convert.h"
#include "cuda/cuda_rt.h"
#include "decode_math.h"
#include "decode_ref.h"
#include "huffman_ref.h"
#include "jpeg_parse.h"

static const char *cuda_unavailable(void)
{
    return pxc_cuda_unavailable_reason();
}

/* What the kernels write for a job (as turbo.c's `produce`), or false with the reason. */
static bool output_space(const pxc_decode_job *job, pxc_color_spec *produce, pxc_jpeg_out_space *space,
                         pxc_err *why)
{
    const pxc_image_info *info = job->info;
    const bool cmyk_src = info->color_spec == PXC_COLOR_CMYK || info->color_spec == PXC_COLOR_YCCK;
    pxc_color_spec p;
    if (cmyk_src)
        p = PXC_COLOR_CMYK;
    else if (job->out_color == PXC_COLOR_GRAY_ALPHA)
        p = PXC_COLOR_GRAY;
    else if (job->out_color == PXC_COLOR_CMYK) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "cannot produce CMYK from a %s JPEG",
                    info->num_channels == 1 ? "gray" : "three-component");
        return false;
    } else
        p = job->out_color;
    if (p == PXC_COLOR_YCBCR && info->color_spec != PXC_COLOR_YCBCR) p = PXC_COLOR_RGB;
    switch (p) {
    case PXC_COLOR_GRAY: *space = PXC_JPEG_OUT_GRAY; break;
    case PXC_COLOR_RGB: *space = PXC_JPEG_OUT_RGB; break;
    case PXC_COLOR_BGR: *space = PXC_JPEG_OUT_BGR; break;
    case PXC_COLOR_RGBA: *space = PXC_JPEG_OUT_RGBA; break;
    case PXC_COLOR_BGRA: *space = PXC_JPEG_OUT_BGRA; break;
    case PXC_COLOR_YCBCR: *space = PXC_JPEG_OUT_YCBCR; break;
    case PXC_COLOR_CMYK: *space = PXC_JPEG_OUT_CMYK; break;
    default:
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "the GPU JPEG decoder cannot produce colour spec %s",
                    pxc_color_spec_name(p));
        return false;
    }
    *produce = p;
    return true;
}

static bool cuda_can_decode(const pxc_decode_job *job, pxc_err *why)
{
    pxc_color_spec produce;
    pxc_jpeg_out_space space;
    if (job->info->precision != 8) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "the GPU JPEG decoder handles 8-bit JPEG only");
        return false;
    }
    return output_space(job, &produce, &space, why);
}

#ifdef PXC_HAVE_CUDA

/* Bits of compacted scan data per thread of the Huffman decoder: short enough for tens of
 * thousands of threads on a photo, long enough that synchronisation stays a small part. */
#define GPU_HUFFMAN_SUBSEQUENCE_BITS 512

/* Device buffers of one decode. */
typedef struct dec_buffers {
    void *coef[PXC_JPEG_MAX_COMPONENTS];
    void *planes[PXC_JPEG_MAX_COMPONENTS];
    void *quant;
    void *out;
    void *huff_input, *huff_scratch; /* GPU Huffman decoding: staged input and scratch */
    void *result;                    /* its result word */
} dec_buffers;

static void free_buffers(dec_buffers *b)
{
    for (int i = 0; i < PXC_JPEG_MAX_COMPONENTS; i++) {
        pxc_cuda_free(b->coef[i]);
        pxc_cuda_free(b->planes[i]);
    }
    pxc_cuda_free(b->quant);
    pxc_cuda_free(b->out);
    pxc_cuda_free(b->huff_input);
    pxc_cuda_free(b->huff_scratch);
}

/*
 * Describes the decode of @p c to the kernels in *img and allocates its device buffers:
 * coefficient grids (uploaded from c->comp[i].coef where those are set; else left for the
 * Huffman kernels), quantisation tables, planes and the interleaved output.
 */
static pxc_status prepare_image(const pxc_jpeg_coefs *c, pxc_jpeg_out_space space, int fancy, size_t channels,
                                dec_buffers *b, pxc_jpeg_gpu_image *img, void *stream, pxc_err *e)
{
    memset(img, 0, sizeof(*img));
    img->width = c->width;
    img->height = c->height;
    img->num_components = c->num_components;
    img->colorspace = c->colorspace;
    img->max_h_samp = c->max_h_samp;
    img->max_v_samp = c->max_v_samp;
    img->space = space;
    img->fancy = fancy;
    img->out_stride = (size_t)c->width * channels;
    pxc_status st = pxc_cuda_malloc(&b->quant, sizeof(uint16_t) * 64 * (size_t)c->num_components, e);
    if (st == PXC_OK) st = pxc_cuda_malloc(&b->out, img->out_stride * c->height, e);
    for (int i = 0; i < c->num_components && st == PXC_OK; i++) {
        const pxc_jpeg_component *k = &c->comp[i];
        pxc_jpeg_gpu_component *g = &img->comp[i];
        const size_t coef_bytes = (size_t)k->padded_blocks_w * k->padded_blocks_h * 64 * sizeof(int16_t);
        g->blocks_w = k->padded_blocks_w;
        g->blocks_h = k->padded_blocks_h;
        g->plane_stride = (size_t)k->padded_blocks_w * 8;
        g->width = k->width;
        g->height = k->height;
        g->h_samp = k->h_samp;
        g->v_samp = k->v_samp;
        st = pxc_cuda_malloc(&b->coef[i], coef_bytes, e);
        if (st == PXC_OK) st = pxc_cuda_malloc(&b->planes[i], g->plane_stride * (size_t)k->padded_blocks_h * 8, e);
        if (st == PXC_OK && k->coef)
            st = pxc_cuda_copy_2d(b->coef[i], coef_bytes, k->coef, coef_bytes, coef_bytes, 1, PXC_CUDA_H2D, stream, e);
        if (st == PXC_OK)
            st = pxc_cuda_copy_2d((uint16_t *)b->quant + 64 * i, 128, k->quant, 128, 128, 1, PXC_CUDA_H2D, stream, e);
        g->coef = (const int16_t *)b->coef[i];
        g->quant = (const uint16_t *)b->quant + 64 * i;
        g->plane = (uint8_t *)b->planes[i];
    }
    img->out = (uint8_t *)b->out;
    return st;
}

/* What the GPU Huffman decoder works from: the parsed headers, its plan and the staged input. */
typedef struct gpu_huffman {
    pxc_jpeg_header *hdr;
    pxc_jpeg_huff_plan plan;
    uint8_t *input; /* host copy of the staged input (plan.input_bytes; budget) */
    unsigned long long result;
} gpu_huffman;

/* Queues the Huffman decode of @p h into the coefficient grids of @p img on @p stream. */
static pxc_status huffman_on_device(const uint8_t *data, size_t size, gpu_huffman *h, const pxc_jpeg_coefs *geom,
                                    dec_buffers *b, void *stream, pxc_err *e)
{
    pxc_jpeg_huffman_stage(data, size, h->hdr, &h->plan, h->input);
    pxc_status st = pxc_cuda_malloc(&b->huff_input, h->plan.input_bytes, e);
    if (st == PXC_OK) st = pxc_cuda_malloc(&b->huff_scratch, h->plan.scratch_bytes, e);
    if (st == PXC_OK)
        st = pxc_cuda_copy_2d(b->huff_input, h->plan.input_bytes, h->input, h->plan.input_bytes, h->plan.input_bytes,
                              1, PXC_CUDA_H2D, stream, e);
    if (st != PXC_OK) return st;
    int16_t *coef[PXC_JPEG_MAX_COMPONENTS] = {NULL, NULL, NULL, NULL};
    size_t coef_bytes[PXC_JPEG_MAX_COMPONENTS] = {0, 0, 0, 0};
    for (int i = 0; i < geom->num_components; i++) {
        coef[i] = (int16_t *)b->coef[i];
        coef_bytes[i] = (size_t)geom->comp[i].padded_blocks_w * geom->comp[i].padded_blocks_h * 64 * sizeof(int16_t);
    }
    pxc_jpeg_gpu_huff job;
    pxc_jpeg_huffman_job(&h->plan, h->hdr, b->huff_input, b->huff_scratch, coef, coef_bytes, &job);
    st = pxc_cuda_error(pxc_jpeg_cuda_huffman_launch(&job, stream), "the JPEG Huffman kernels", e);
    if (st == PXC_OK)
        st = pxc_cuda_copy_2d(&h->result, sizeof(h->result), job.result, sizeof(h->result), sizeof(h->result), 1,
                              PXC_CUDA_D2H, stream, e);
    return st;
}

/* Runs the stages on @p stream and copies the pixels (channels u8 each) to dst (host memory, or
 * device memory when dst_kind is D2D); h: Huffman decoding on the GPU (the coefficients of c are
 * NULL), or NULL (c holds them). */
static pxc_status decode_on_device(const uint8_t *data, size_t size, gpu_huffman *h, const pxc_jpeg_coefs *c,
                                   pxc_jpeg_out_space space, int fancy, uint8_t *dst, size_t dst_stride,
                                   pxc_cuda_copy_kind dst_kind, size_t channels, void *stream, pxc_err *e)
{
    dec_buffers b;
    memset(&b, 0, sizeof(b));
    pxc_jpeg_gpu_image img;
    pxc_status st = prepare_image(c, space, fancy, channels, &b, &img, stream, e);
    if (st == PXC_OK && h) st = huffman_on_device(data, size, h, c, &b, stream, e);
    if (st == PXC_OK) st = pxc_cuda_error(pxc_jpeg_cuda_decode_launch(&img, stream), "the JPEG decode kernels", e);
    if (st == PXC_OK)
        st = pxc_cuda_copy_2d(dst, dst_stride, b.out, img.out_stride, img.out_stride, c->height, dst_kind, stream, e);
    st = pxc_cuda_stream_finish(stream, st, e); /* before the buffers are freed */
    free_buffers(&b);
    /* a stream the Huffman decoder found corrupt: the pixels are dropped with its message */
    if (st == PXC_OK && h) st = pxc_jpeg_huffman_result(&h->plan, h->input, h->result, e);
    return st;
}

/* Parses @p job's stream for the GPU Huffman decoder: the geometry into *c, the plan and staged
 * input into *h. Streams it cannot decode are UNSUPPORTED_FEATURE (the chain goes on). */
static pxc_status gpu_huffman_prepare(pxc_decode_job *job, gpu_huffman *h, pxc_jpeg_coefs *c)
{
    h->hdr = (pxc_jpeg_header *)malloc(sizeof(*h->hdr));
    if (!h->hdr) return pxc_err_set(job->err, PXC_ERROR_OUT_OF_MEMORY, "out of memory for the JPEG headers");
    pxc_status st = pxc_jpeg_parse(job->data, job->size, h->hdr, c, job->err);
    if (st == PXC_ERROR_UNSUPPORTED_FEATURE) {
        char why[sizeof(job->err->msg)];
        pxc_strlcpy(why, job->err->msg, sizeof(why));
        pxc_err_clear(job->err);
        return pxc_err_set(job->err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "%s (GPU Huffman decoding takes sequential Huffman-coded JPEG; HYBRID_CPU_GPU "
                           "decodes the rest with the entropy decoding on the CPU)", why);
    }
    if (st == PXC_OK)
        st = pxc_jpeg_huffman_plan(job->data, job->size, h->hdr, GPU_HUFFMAN_SUBSEQUENCE_BITS,
                                   PXC_JPEG_HUFF_SYNC_ITERATIONS, &h->plan, job->err);
    if (st == PXC_OK && !(h->input = pxc_budget_malloc(job->budget, h->plan.input_bytes, job->err)))
        st = job->err->status ? job->err->status
                              : pxc_err_set(job->err, PXC_ERROR_LIMIT_EXCEEDED, "scan data too large to stage");
    return st;
}

static pxc_status cuda_decode_with(pxc_decode_job *job, const char *impl, bool gpu_entropy)
{
    pxc_color_spec produce;
    pxc_jpeg_out_space space;
    if (!output_space(job, &produce, &space, job->err)) return job->err->status;
    const int fancy = pxc_options_get_int(job->opts, "jpeg", impl, "fancy_upsampling") ? 1 : 0;
    pxc_jpeg_coefs c;
    memset(&c, 0, sizeof(c));
    gpu_huffman h;
    memset(&h, 0, sizeof(h));
    uint8_t *scratch = NULL;
    size_t scratch_size = 0;
    void *stream = NULL;
    pxc_status st = gpu_entropy ? gpu_huffman_prepare(job, &h, &c)
                                : pxc_jpeg_coefs_read_turbo(job->data, job->size, &c, job->err);
    if (st != PXC_OK) goto done;
    if (c.unrefined) {
        st = pxc_err_set(job->err, PXC_ERROR_UNSUPPORTED_FEATURE,
                         "progressive JPEG whose scans leave low-frequency coefficients unrefined: libjpeg "
                         "smooths its blocks when decoding, which the GPU stages do not (the CPU decoder does)");
        goto done;
    }
    if (c.width != job->info->width || c.height != job->info->height) {
        st = pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA, "frame is %ux%u but the headers said %ux%u", c.width,
                         c.height, job->info->width, job->info->height);
        goto done;
    }
    const size_t channels = pxc_color_spec_channels(produce);
    const bool direct = produce == job->out_color && job->out_type == PXC_SAMPLE_U8;
    const bool invert = produce == PXC_COLOR_CMYK && !c.adobe && job->out_color != PXC_COLOR_CMYK;
    /* not direct: the kernels' pixels come to the host for the last conversion, which writes
     * job->out, or for a device output a host buffer then uploaded */
    const size_t out_row = (size_t)c.width * job->out_channels * pxc_sample_size(job->out_type);
    if (!direct) {
        size_t conv = 0;
        if (!pxc_mul_size((size_t)c.width * channels, c.height, &scratch_size) ||
            (job->out_on_device && !pxc_mul_size(out_row, c.height, &conv)) ||
            !pxc_add_size(scratch_size, conv, &scratch_size) ||
            !(scratch = pxc_budget_malloc(job->budget, scratch_size, job->err))) {
            st = job->err->status ? job->err->status
                                  : pxc_err_set(job->err, PXC_ERROR_LIMIT_EXCEEDED, "image too large");
            goto done;
        }
    }
    st = pxc_cuda_use_device(job->device_id, job->err);
    if (st == PXC_OK) st = pxc_cuda_stream_create(&stream, job->err);
    if (st == PXC_OK)
        st = decode_on_device(job->data, job->size, gpu_entropy ? &h : NULL, &c, space, fancy,
                              direct ? job->out : scratch, direct ? job->out_stride : (size_t)c.width * channels,
                              direct && job->out_on_device ? PXC_CUDA_D2D : PXC_CUDA_D2H, channels, stream,
                              job->err);
    if (st == PXC_OK && !direct) {
        const size_t row = (size_t)c.width * channels;
        uint8_t *dst = job->out_on_device ? scratch + row * c.height : job->out;
        const size_t dst_stride = job->out_on_device ? out_row : job->out_stride;
        for (uint32_t y = 0; y < c.height; y++) {
            uint8_t *r = scratch + (size_t)y * row;
            if (invert)
                for (size_t k = 0; k < row; k++) r[k] = (uint8_t)(255 - r[k]);
            pxc_convert_row(r, produce, PXC_SAMPLE_U8, dst + (size_t)y * dst_stride, job->out_color, job->out_type,
                            c.width);
        }
        if (job->out_on_device) {
            st = pxc_cuda_copy_2d(job->out, job->out_stride, dst, out_row, out_row, c.height, PXC_CUDA_H2D, stream,
                                  job->err);
            st = pxc_cuda_stream_finish(stream, st, job->err);
        }
    }
    pxc_cuda_stream_destroy(stream);
done:
    pxc_budget_free(job->budget, scratch, scratch_size);
    pxc_budget_free(job->budget, h.input, h.plan.input_bytes);
    free(h.hdr);
    pxc_jpeg_coefs_free(&c);
    return st;
}

static pxc_status cuda_hybrid_decode(pxc_decode_job *job)
{
    return cuda_decode_with(job, "jpeg.cuda_hybrid", false);
}

static pxc_status cuda_gpu_decode(pxc_decode_job *job)
{
    return cuda_decode_with(job, "jpeg.cuda", true);
}

#else

static pxc_status cuda_hybrid_decode(pxc_decode_job *job)
{
    return pxc_err_set(job->err, PXC_ERROR_BACKEND_UNAVAILABLE, "%s", cuda_unavailable());
}

static pxc_status cuda_gpu_decode(pxc_decode_job *job)
{
    return cuda_hybrid_decode(job);
}

#endif

const pxc_codec_impl pxc_jpeg_cuda_decoder_impl = {
    .name = "jpeg.cuda_hybrid",
    .kind = PXC_BACKEND_HYBRID_CPU_GPU,
    .priority = 200,
    .unavailable_reason = cuda_unavailable,
    .can_decode = cuda_can_decode,
    .decode = cuda_hybrid_decode,
    .device_output = true,
};

const pxc_codec_impl pxc_jpeg_cuda_gpu_decoder_impl = {
    .name = "jpeg.cuda",
    .kind = PXC_BACKEND_GPU_ONLY,
    .priority = 190,
    .unavailable_reason = cuda_unavailable,
    .can_decode = cuda_can_decode,
    .decode = cuda_gpu_decode,
    .device_output = true,
};
