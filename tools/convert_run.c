/*
 * pixcodec convert, the work: probe, decode in batches, encode in batches,
 * write each output atomically.
 */
#include "convert.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* SIGINT / SIGTERM: finish the batch in flight (so that no temporary file is
 * left behind), then stop. A second signal acts as usual. */
static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void catch_signals(bool on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    if (on) {
        sa.sa_handler = on_signal;
        sa.sa_flags = SA_RESETHAND;
    } else {
        sa.sa_handler = SIG_DFL;
    }
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int convert_stop_signal(void)
{
    return (int)stop_signal;
}

/* One input of the batch being converted. */
typedef struct item {
    size_t input;                 /* index into plan->inputs */
    pxc_code_stream *stream;
    pxc_image_info info;
    pxc_color_spec color;         /* decode target */
    pxc_sample_type type;
    pxc_image *image;
    void *encoded;                /* pxc_free() */
    size_t encoded_size;
    bool failed;
} item;

/* Decode parameters that let the target hold the result (see cmd_convert.c's help). */
static void choose_output(const convert_plan *plan, item *it)
{
    const pxc_image_info *info = &it->info;
    pxc_color_spec cs = info->color_spec;
    uint32_t ch = info->num_channels;
    bool alpha, gray;

    switch (cs) {
    case PXC_COLOR_GRAY:
        gray = true; alpha = false; break;
    case PXC_COLOR_GRAY_ALPHA:
        gray = true; alpha = true; break;
    case PXC_COLOR_RGBA:
    case PXC_COLOR_BGRA:
        gray = false; alpha = true; break;
    case PXC_COLOR_PALETTE:
        gray = false; alpha = ch == 4 || ch == 2; break;
    case PXC_COLOR_CMYK:
    case PXC_COLOR_YCCK:
    case PXC_COLOR_RGB:
    case PXC_COLOR_BGR:
    case PXC_COLOR_YCBCR:
        gray = false; alpha = false; break;
    default:
        gray = ch <= 2; alpha = ch == 2 || ch == 4; break;
    }
    if (plan->force_gray) {
        gray = true;
        alpha = false;
    }
    if (!plan->target.alpha)
        alpha = false;
    if (gray && !plan->target.gray)
        gray = false;
    if (gray)
        it->color = alpha ? PXC_COLOR_GRAY_ALPHA : PXC_COLOR_GRAY;
    else
        it->color = alpha ? PXC_COLOR_RGBA : PXC_COLOR_RGB;
    it->type = (plan->want_16bit && plan->target.u16 && info->precision > 8) ? PXC_SAMPLE_U16
                                                                              : PXC_SAMPLE_U8;
}

static void fail(item *it, const convert_plan *plan, pxc_status st, const char *detail)
{
    it->failed = true;
    cli_report(plan->inputs.paths[it->input], st, detail);
}

/* Opens and probes every item; failures are reported and marked. */
static void probe_items(cli_session *s, const convert_plan *plan, item *items, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        item *it = &items[i];
        const char *path = plan->inputs.paths[it->input];
        pxc_status st = pxc_code_stream_from_file(s->ctx, path, &it->stream);
        if (st != PXC_OK) {
            it->stream = NULL;
            fail(it, plan, st, pxc_context_last_error(s->ctx));
            continue;
        }
        memset(&it->info, 0, sizeof(it->info));
        it->info.struct_size = sizeof(it->info);
        st = pxc_code_stream_get_info(it->stream, &it->info);
        if (st != PXC_OK) {
            fail(it, plan, st, pxc_code_stream_last_error(it->stream));
            continue;
        }
        choose_output(plan, it);
    }
}

/* Per-sample outcome of a batch call into the item (status pre-set to NOT_PROCESSED). */
static bool sample_ok(item *it, const convert_plan *plan, pxc_status batch_status,
                      const pxc_sample_status *ss, bool have_result, const char *handle_error)
{
    if (ss->status == PXC_OK && have_result)
        return true;
    if (ss->status == PXC_OK) {
        fail(it, plan, batch_status != PXC_OK ? batch_status : PXC_ERROR_INTERNAL,
             batch_status != PXC_OK ? handle_error : "the library returned no result");
    } else if (ss->status == PXC_ERROR_NOT_PROCESSED && batch_status != PXC_OK &&
               batch_status != PXC_ERROR_NOT_PROCESSED) {
        fail(it, plan, batch_status, handle_error);
    } else {
        fail(it, plan, ss->status, ss->detail);
    }
    return false;
}

static void init_statuses(pxc_sample_status *ss, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        memset(&ss[i], 0, sizeof(ss[i]));
        ss[i].status = PXC_ERROR_NOT_PROCESSED;
    }
}

/* Scratch arrays for one batch, sized for session->batch items. */
typedef struct scratch {
    item *items;
    pxc_code_stream **streams;
    pxc_image **images;
    const pxc_image **cimages;
    void **data;
    size_t *sizes;
    pxc_sample_status *statuses;
    size_t *members;
} scratch;

/* Decodes the probed items, one pxc_decode_batch per distinct set of parameters. */
static void decode_items(cli_session *s, const convert_plan *plan, scratch *w, size_t n)
{
    size_t i, j;
    for (i = 0; i < n; i++) {
        item *lead = &w->items[i];
        pxc_decode_params params;
        size_t m = 0;
        pxc_status st;

        if (lead->failed || lead->image || !lead->stream)
            continue;
        /* every not yet decoded item with the same parameters joins this call */
        for (j = i; j < n; j++) {
            item *it = &w->items[j];
            if (it->failed || it->image || !it->stream)
                continue;
            if (it->color != lead->color || it->type != lead->type)
                continue;
            w->members[m] = j;
            w->streams[m] = it->stream;
            w->images[m] = NULL;
            m++;
        }
        pxc_decode_params_default(&params);
        params.apply_exif_orientation = plan->apply_exif ? 1 : 0;
        params.image_index = plan->image_index;
        params.enable_color_conversion = 1;
        params.color_spec = lead->color;
        params.sample_type = lead->type;
        params.layout = PXC_LAYOUT_HWC;
        init_statuses(w->statuses, m);
        st = pxc_decode_batch(s->dec, m, w->streams, &params, w->images, w->statuses);
        for (j = 0; j < m; j++) {
            item *it = &w->items[w->members[j]];
            if (sample_ok(it, plan, st, &w->statuses[j], w->images[j] != NULL,
                          pxc_decoder_last_error(s->dec))) {
                it->image = w->images[j];
            } else {
                pxc_image_destroy(w->images[j]);
            }
            w->images[j] = NULL;
            /* the stream is no longer needed: release its mapping early */
            pxc_code_stream_destroy(it->stream);
            it->stream = NULL;
        }
    }
}

/* Encodes every decoded item with one pxc_encode_batch. */
static void encode_items(cli_session *s, const convert_plan *plan, scratch *w, size_t n)
{
    size_t i, m = 0;
    pxc_status st;

    for (i = 0; i < n; i++) {
        if (w->items[i].failed || !w->items[i].image)
            continue;
        w->members[m] = i;
        w->cimages[m] = w->items[i].image;
        w->data[m] = NULL;
        w->sizes[m] = 0;
        m++;
    }
    if (m == 0)
        return;
    init_statuses(w->statuses, m);
    st = pxc_encode_batch(s->enc, m, w->cimages, plan->target.codec, &plan->enc, w->data, w->sizes,
                          w->statuses);
    for (i = 0; i < m; i++) {
        item *it = &w->items[w->members[i]];
        if (sample_ok(it, plan, st, &w->statuses[i], w->data[i] != NULL,
                      pxc_encoder_last_error(s->enc))) {
            it->encoded = w->data[i];
            it->encoded_size = w->sizes[i];
        } else {
            pxc_free(w->data[i]);
        }
        w->data[i] = NULL;
        /* the pixels are no longer needed */
        pxc_image_destroy(it->image);
        it->image = NULL;
    }
}

static void write_items(const convert_plan *plan, scratch *w, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        item *it = &w->items[i];
        const char *out = plan->outputs[it->input];
        char detail[PXC_DETAIL_MAX * 2];
        pxc_status st;

        if (it->failed || !it->encoded)
            continue;
        detail[0] = '\0';
        st = pxc_write_file_atomic(out, it->encoded, it->encoded_size, detail, sizeof(detail));
        if (st != PXC_OK) {
            fail(it, plan, st, detail);
        } else if (plan->verbose) {
            if (cli_active_progress)
                cli_progress_clear(cli_active_progress);
            printf("%s -> %s\n", plan->inputs.paths[it->input], out);
        }
        pxc_free(it->encoded);
        it->encoded = NULL;
    }
}

static void release_items(scratch *w, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        pxc_code_stream_destroy(w->items[i].stream);
        pxc_image_destroy(w->items[i].image);
        pxc_free(w->items[i].encoded);
        memset(&w->items[i], 0, sizeof(w->items[i]));
    }
}

static bool scratch_alloc(scratch *w, size_t batch)
{
    memset(w, 0, sizeof(*w));
    w->items = calloc(batch, sizeof(*w->items));
    w->streams = calloc(batch, sizeof(*w->streams));
    w->images = calloc(batch, sizeof(*w->images));
    w->cimages = calloc(batch, sizeof(*w->cimages));
    w->data = calloc(batch, sizeof(*w->data));
    w->sizes = calloc(batch, sizeof(*w->sizes));
    w->statuses = calloc(batch, sizeof(*w->statuses));
    w->members = calloc(batch, sizeof(*w->members));
    return w->items && w->streams && w->images && w->cimages && w->data && w->sizes &&
           w->statuses && w->members;
}

static void scratch_free(scratch *w)
{
    free(w->items);
    free(w->streams);
    free(w->images);
    free(w->cimages);
    free(w->data);
    free(w->sizes);
    free(w->statuses);
    free(w->members);
    memset(w, 0, sizeof(*w));
}

size_t convert_run(cli_session *s, const convert_plan *plan)
{
    const cli_inputs *in = &plan->inputs;
    cli_progress progress;
    scratch w;
    size_t failed = 0, done = 0, next = 0, pending = 0, i;

    for (i = 0; i < in->count; i++)
        if (plan->outputs[i])
            pending++;
    if (pending == 0)
        return 0;
    if (!scratch_alloc(&w, s->batch)) {
        scratch_free(&w);
        cli_error("out of memory");
        return pending;
    }
    cli_progress_init(&progress, pending, "images");
    cli_active_progress = &progress;
    cli_progress_update(&progress, 0);

    catch_signals(true);
    while (next < in->count && !stop_signal) {
        size_t n = 0;
        while (n < s->batch && next < in->count) {
            if (plan->outputs[next]) {
                memset(&w.items[n], 0, sizeof(w.items[n]));
                w.items[n].input = next;
                n++;
            }
            next++;
        }
        if (n == 0)
            break;
        probe_items(s, plan, w.items, n);
        decode_items(s, plan, &w, n);
        encode_items(s, plan, &w, n);
        write_items(plan, &w, n);
        for (i = 0; i < n; i++)
            if (w.items[i].failed)
                failed++;
        release_items(&w, n);
        done += n;
        cli_progress_update(&progress, done);
    }
    catch_signals(false);
    if (stop_signal) {
        cli_progress_clear(&progress);
        cli_active_progress = NULL;
        cli_error("interrupted: %zu of %zu inputs not converted", pending - done, pending);
        failed += pending - done;
    } else {
        cli_progress_finish(&progress);
        cli_active_progress = NULL;
    }
    scratch_free(&w);
    return failed;
}
