/*
 * pixcodec decode FILE...: the benchmark mode. Reads every file into memory,
 * decodes them all --repeat times in batches, discards the pixels and prints
 * the throughput.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void print_help(FILE *f)
{
    fprintf(f,
        "Usage: %s decode [OPTIONS] FILE...\n"
        "\n"
        "Benchmark: reads all files into memory first, then decodes them --repeat\n"
        "times in batches on the context's threads and discards the pixels (8-bit RGB,\n"
        "interleaved, EXIF orientation applied: the library's default parameters).\n"
        "Prints the images decoded, the seconds spent decoding, images/s and\n"
        "megapixels/s. A directory stands for its files.\n"
        "\n"
        "Options:\n"
        "  -r, --repeat K           decode every file K times (default 1)\n"
        "  -j, --threads N          worker threads, 0 = all cores (default 0)\n"
        "      --batch N            images per batch (default 4 x threads)\n"
        "      --backend B[,B...]   allowed backends in priority order: cpu, gpu, hybrid,\n"
        "                           hw, each optionally KIND:LOAD_HINT (0..1); repeatable\n"
        "      --options STR        decoder options, \"[module]:key=value ...\" (default:\n"
        "                           the library's, ':fancy_upsampling=0')\n"
        "  -h, --help               show this help\n"
        "\n"
        "Failures are reported once per file on stderr (\"%s: FILE: <status>:\n"
        "<detail>\") and left out of later rounds; exit status 1 when any file failed,\n"
        "2 for a wrong command line, 0 otherwise.\n",
        CLI_NAME, CLI_NAME);
}

/* One file held in memory. */
typedef struct loaded {
    const char *path;
    void *data;
    pxc_code_stream *stream;
    bool failed;
} loaded;

typedef struct totals {
    uint64_t images;
    double megapixels;
} totals;

/* Decodes files[0..n) once in batches; reports (first round) and marks failures. */
static void decode_round(cli_session *s, loaded *files, size_t n, bool report, totals *t,
                         pxc_code_stream **streams, pxc_image **images, pxc_sample_status *ss,
                         size_t *which)
{
    size_t next = 0;

    while (next < n) {
        size_t m = 0, i;
        pxc_status st;
        while (m < s->batch && next < n) {
            if (!files[next].failed) {
                which[m] = next;
                streams[m] = files[next].stream;
                images[m] = NULL;
                memset(&ss[m], 0, sizeof(ss[m]));
                ss[m].status = PXC_ERROR_NOT_PROCESSED;
                m++;
            }
            next++;
        }
        if (m == 0)
            break;
        st = pxc_decode_batch(s->dec, m, streams, NULL, images, ss);
        for (i = 0; i < m; i++) {
            loaded *f = &files[which[i]];
            if (ss[i].status == PXC_OK && images[i]) {
                const pxc_image_desc *d = pxc_image_get_desc(images[i]);
                t->images++;
                if (d)
                    t->megapixels += (double)d->width * (double)d->height * 1e-6;
            } else {
                pxc_status fs = ss[i].status;
                const char *detail = ss[i].detail;
                if (fs == PXC_OK || (fs == PXC_ERROR_NOT_PROCESSED && st != PXC_OK)) {
                    fs = st != PXC_OK ? st : PXC_ERROR_INTERNAL;
                    detail = pxc_decoder_last_error(s->dec);
                }
                if (report)
                    cli_report(f->path, fs, detail);
                f->failed = true;
            }
            pxc_image_destroy(images[i]);
            images[i] = NULL;
        }
    }
}

enum { OPT_REPEAT = 1, OPT_THREADS, OPT_BATCH, OPT_BACKEND, OPT_OPTIONS, OPT_HELP };

int cli_cmd_decode(int argc, char **argv)
{
    static const cli_option options[] = {
        {"repeat", 'r', true, OPT_REPEAT},
        {"threads", 'j', true, OPT_THREADS},
        {"batch", 0, true, OPT_BATCH},
        {"backend", 0, true, OPT_BACKEND},
        {"options", 0, true, OPT_OPTIONS},
        {"help", 'h', false, OPT_HELP},
        {NULL, 0, false, 0},
    };
    cli_inputs inputs;
    cli_common common;
    cli_session session;
    cli_parser p;
    loaded *files = NULL;
    pxc_code_stream **streams = NULL;
    pxc_image **images = NULL;
    pxc_sample_status *ss = NULL;
    size_t *which = NULL;
    size_t operands = 0, failed = 0, i;
    long repeat = 1, r, n;
    totals t = {0, 0.0};
    double t0, seconds;
    int id, rc = CLI_EXIT_OK;

    memset(&inputs, 0, sizeof(inputs));
    memset(&common, 0, sizeof(common));
    cli_parser_init(&p, "decode", argc, argv, options);
    while ((id = cli_next_option(&p)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR:
            goto usage;
        case CLI_OPT_OPERAND:
            operands++;
            if (!cli_inputs_add(&inputs, p.arg)) {
                cli_error("out of memory");
                cli_inputs_free(&inputs);
                return CLI_EXIT_FAILURE;
            }
            break;
        case OPT_REPEAT:
            if (!cli_parse_int("decode", "--repeat", p.arg, 1, 1000000, &repeat))
                goto usage;
            break;
        case OPT_THREADS:
            if (!cli_parse_int("decode", "--threads", p.arg, 0, 4096, &n))
                goto usage;
            common.threads = (int)n;
            break;
        case OPT_BATCH:
            if (!cli_parse_int("decode", "--batch", p.arg, 1, 1 << 20, &n))
                goto usage;
            common.batch = n;
            break;
        case OPT_BACKEND:
            if (!cli_parse_backends("decode", p.arg, &common.backends))
                goto usage;
            break;
        case OPT_OPTIONS:
            common.dec_options = p.arg;
            break;
        case OPT_HELP:
            cli_inputs_free(&inputs);
            print_help(stdout);
            return CLI_EXIT_OK;
        default:
            break;
        }
    }
    if (operands == 0) {
        cli_usage_error("decode", "no input files");
        goto usage;
    }
    if (inputs.count == 0) {
        cli_usage_error("decode", "no input files (the directories given hold none)");
        goto usage;
    }

    rc = cli_session_open(&session, "decode", &common, true, false);
    if (rc != CLI_EXIT_OK) {
        cli_inputs_free(&inputs);
        return rc;
    }
    files = calloc(inputs.count, sizeof(*files));
    streams = calloc(session.batch, sizeof(*streams));
    images = calloc(session.batch, sizeof(*images));
    ss = calloc(session.batch, sizeof(*ss));
    which = calloc(session.batch, sizeof(*which));
    if (!files || !streams || !images || !ss || !which) {
        cli_error("out of memory");
        rc = CLI_EXIT_FAILURE;
        goto done;
    }

    /* everything in memory before the clock starts */
    for (i = 0; i < inputs.count; i++) {
        char detail[PXC_DETAIL_MAX * 2];
        size_t size = 0;
        pxc_status st;
        files[i].path = inputs.paths[i];
        if (!cli_read_file(files[i].path, &files[i].data, &size, detail, sizeof(detail))) {
            cli_report(files[i].path, PXC_ERROR_IO, detail);
            files[i].failed = true;
            failed++;
            continue;
        }
        st = pxc_code_stream_from_memory(session.ctx, files[i].data, size, PXC_MEMORY_BORROW,
                                         &files[i].stream);
        if (st != PXC_OK) {
            files[i].stream = NULL;
            cli_report(files[i].path, st, pxc_context_last_error(session.ctx));
            files[i].failed = true;
            failed++;
        }
    }

    t0 = cli_now();
    for (r = 0; r < repeat; r++)
        decode_round(&session, files, inputs.count, r == 0, &t, streams, images, ss, which);
    seconds = cli_now() - t0;

    failed = 0;
    for (i = 0; i < inputs.count; i++)
        if (files[i].failed)
            failed++;
    printf("decoded %llu images (%zu file%s x %ld) in %.3f s: %.1f images/s, %.1f megapixels/s"
           " (%d threads)\n",
           (unsigned long long)t.images, inputs.count - failed,
           inputs.count - failed == 1 ? "" : "s", repeat, seconds,
           seconds > 0 ? (double)t.images / seconds : 0.0,
           seconds > 0 ? t.megapixels / seconds : 0.0, pxc_context_num_threads(session.ctx));
    if (failed) {
        fprintf(stderr, "%s: %zu of %zu file%s failed\n", CLI_NAME, failed, inputs.count,
                inputs.count == 1 ? "" : "s");
        rc = CLI_EXIT_FAILURE;
    }

done:
    if (files) {
        for (i = 0; i < inputs.count; i++) {
            pxc_code_stream_destroy(files[i].stream);
            free(files[i].data);
        }
    }
    free(files);
    free(streams);
    free(images);
    free(ss);
    free(which);
    cli_session_close(&session);
    cli_inputs_free(&inputs);
    if (fflush(stdout) != 0 && rc == CLI_EXIT_OK)
        rc = CLI_EXIT_FAILURE;
    return rc;

usage:
    cli_inputs_free(&inputs);
    return CLI_EXIT_USAGE;
}
