/*
 * pixcodec convert IN... -o OUT: the command line, the output format and the
 * output names. The batches themselves run in convert_run.c.
 */
#include "convert.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static void print_help(FILE *f)
{
    fprintf(f,
        "Usage: %s convert [OPTIONS] IN... -o OUT\n"
        "\n"
        "Converts images. OUT is a file when there is exactly one input file and OUT is\n"
        "not an existing directory and does not end in '/'; otherwise OUT is a directory\n"
        "(created if missing) that receives one file per input, named after the input\n"
        "with the new extension. An input that is a directory stands for its regular,\n"
        "non-hidden files (not recursive). Inputs run in batches of --batch files that\n"
        "are decoded and encoded on all threads; each output is written to a temporary\n"
        "file and renamed into place, so no half-written output is ever left.\n"
        "\n"
        "Output format: --format, else OUT's extension (a file OUT only).\n"
        "Channels: gray stays gray where the format stores gray (JPEG, PNG, PNM; BMP\n"
        "gets RGB); alpha is kept where the format stores it (PNG: RGBA or gray+alpha,\n"
        "BMP: RGBA) and dropped otherwise (JPEG, PNM); everything else (RGB, YCbCr,\n"
        "CMYK, palettes) becomes RGB, or RGBA for palettes with transparency.\n"
        "Samples are 8-bit unless --16bit is given, the input has more than 8 bits and\n"
        "the format stores 16-bit samples (PNG, PNM).\n"
        "\n"
        "Options:\n"
        "  -o, --output OUT         output file or directory (required)\n"
        "  -f, --format FMT         jpeg, png, bmp, pnm, jpeg2k, tiff, webp (those this build\n"
        "                           has: see `pixcodec codecs`) or an extension (jpg, ppm, ...)\n"
        "  -q, --quality Q          quality 0..100 for lossy formats (default 95)\n"
        "      --subsampling S      JPEG chroma subsampling: 444 (default), 422, 420, 440,\n"
        "                           411 or gray (gray also decodes the input as gray)\n"
        "      --progressive        progressive JPEG\n"
        "      --optimize           optimized Huffman tables (JPEG)\n"
        "      --backend B[,B...]   allowed backends in priority order: cpu, gpu, hybrid,\n"
        "                           hw, each optionally KIND:LOAD_HINT (0..1); repeatable;\n"
        "                           default all available\n"
        "  -j, --threads N          worker threads, 0 = all cores (default 0)\n"
        "      --batch N            inputs per batch (default 4 x threads)\n"
        "      --options STR        decoder options, \"[module]:key=value ...\"\n"
        "                           (default here ':fancy_upsampling=1', smooth chroma\n"
        "                           upsampling as djpeg and Pillow do)\n"
        "      --encoder-options STR  encoder options, e.g. 'png:compression_level=9'\n"
        "      --16bit              keep 16-bit samples where the input and format have them\n"
        "      --no-exif            do not apply the EXIF orientation\n"
        "      --page N             decode page (or frame) N of multi-image inputs, from 0\n"
        "  -v, --verbose            print 'IN -> OUT' for every converted file\n"
        "  -h, --help               show this help\n"
        "\n"
        "Errors: one line per failed input on stderr (\"%s: IN: <status>: <detail>\");\n"
        "the other inputs are still converted. An output that would replace one of the\n"
        "inputs, or that two inputs would share, is refused. Exit status 1 when any\n"
        "input failed, 2 for a wrong command line, 0 otherwise. A progress bar is drawn\n"
        "on stderr when it is a terminal. Ctrl-C (SIGINT) or SIGTERM stops after the\n"
        "batch in flight has been written (exit status 128 + the signal); a second one\n"
        "stops at once.\n",
        CLI_NAME, CLI_NAME);
}

/* What each output format stores; formats missing here get RGB, 8-bit. */
static const convert_target known_targets[] = {
    {"jpeg", "jpg", true, false, false},
    {"png", "png", true, true, true},
    {"bmp", "bmp", false, true, false},
    {"pnm", "pnm", true, false, true},
    {"jpeg2k", "jp2", true, true, true},
    {"tiff", "tif", true, true, true},
    {"webp", "webp", false, true, false},
};

/* Resolves --format FMT (a codec name or an extension). */
static bool target_from_format(const char *fmt, convert_target *t)
{
    char ext[64];
    const char *codec;
    size_t i, len = strlen(fmt);
    bool is_ext = false;

    if (len == 0 || len + 2 > sizeof(ext))
        return false;
    ext[0] = '.';
    memcpy(ext + 1, fmt[0] == '.' ? fmt + 1 : fmt, len + 1);
    codec = pxc_codec_lookup(fmt);
    if (!codec) {
        codec = pxc_codec_lookup(ext);
        is_ext = codec != NULL;
    } else if (strcasecmp(fmt, codec) != 0 && pxc_codec_lookup(ext) == codec) {
        is_ext = true;   /* "ppm", "jpg": a known extension of the codec */
    }
    if (!codec)
        return false;
    memset(t, 0, sizeof(*t));
    t->codec = codec;
    t->ext = codec;
    for (i = 0; i < sizeof(known_targets) / sizeof(known_targets[0]); i++) {
        if (strcmp(known_targets[i].codec, codec) == 0) {
            *t = known_targets[i];
            t->codec = codec;
        }
    }
    if (is_ext)
        t->ext = NULL;   /* the caller keeps the user's spelling */
    return true;
}

/* File identity of an input, for finding outputs that would replace one. */
typedef struct file_id {
    dev_t dev;
    ino_t ino;
    size_t input;
} file_id;

static int compare_ids(const void *a, const void *b)
{
    const file_id *x = a, *y = b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    if (x->ino != y->ino)
        return x->ino < y->ino ? -1 : 1;
    return x->input < y->input ? -1 : (x->input > y->input);
}

static const char *const *sort_names;

static int compare_outputs(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int r = strcmp(sort_names[x], sort_names[y]);
    return r ? r : (x < y ? -1 : (x > y));
}

/* Builds plan->outputs and refuses (NULL output, one error line) those that
 * are an input, or that an earlier input already claims. O(n log n). */
static bool plan_outputs(convert_plan *plan, const char *out, bool dir_mode, size_t *refused)
{
    cli_inputs *in = &plan->inputs;
    size_t n = in->count, nids = 0, i;
    file_id *ids = NULL;
    size_t *order = NULL;
    const char **why = NULL;
    bool ok = false;

    plan->outputs = calloc(n + 1, sizeof(*plan->outputs));
    ids = calloc(n + 1, sizeof(*ids));
    order = calloc(n + 1, sizeof(*order));
    why = calloc(n + 1, sizeof(*why));
    if (!plan->outputs || !ids || !order || !why)
        goto done;
    for (i = 0; i < n; i++) {
        plan->outputs[i] = dir_mode ? cli_output_name(out, in->paths[i], plan->target.ext)
                                    : strdup(out);
        if (!plan->outputs[i])
            goto done;
        if (in->exists[i]) {
            ids[nids].dev = in->dev[i];
            ids[nids].ino = in->ino[i];
            ids[nids].input = i;
            nids++;
        }
        order[i] = i;
    }
    qsort(ids, nids, sizeof(*ids), compare_ids);
    for (i = 0; i < n; i++) {
        struct stat st;
        file_id key, *hit;
        if (stat(plan->outputs[i], &st) != 0)
            continue;
        key.dev = st.st_dev;
        key.ino = st.st_ino;
        key.input = 0;   /* the first entry for this file */
        hit = NULL;
        for (size_t lo = 0, hi = nids; lo < hi;) {
            size_t mid = lo + (hi - lo) / 2;
            int r = compare_ids(&ids[mid], &key);
            if (r < 0) {
                lo = mid + 1;
            } else {
                if (ids[mid].dev == key.dev && ids[mid].ino == key.ino)
                    hit = &ids[mid];
                hi = mid;
            }
        }
        if (hit)
            why[i] = hit->input == i ? "is the input itself" : "is another input";
    }
    sort_names = (const char *const *)plan->outputs;
    qsort(order, n, sizeof(*order), compare_outputs);
    for (i = 1; i < n; i++) {
        if (!why[order[i]] && strcmp(plan->outputs[order[i - 1]], plan->outputs[order[i]]) == 0)
            why[order[i]] = "is also the output of an earlier input";
    }
    for (i = 0; i < n; i++) {
        if (!why[i])
            continue;
        cli_error("%s: output refused: '%s' %s; not overwriting it", in->paths[i],
                  plan->outputs[i], why[i]);
        free(plan->outputs[i]);
        plan->outputs[i] = NULL;
        (*refused)++;
    }
    ok = true;
done:
    free(ids);
    free(order);
    free(why);
    return ok;
}

static void plan_free(convert_plan *plan)
{
    size_t i;
    if (plan->outputs) {
        for (i = 0; i < plan->inputs.count; i++)
            free(plan->outputs[i]);
        free(plan->outputs);
    }
    cli_inputs_free(&plan->inputs);
    memset(plan, 0, sizeof(*plan));
}

enum {
    OPT_OUTPUT = 1, OPT_FORMAT, OPT_QUALITY, OPT_SUBSAMPLING, OPT_PROGRESSIVE, OPT_OPTIMIZE,
    OPT_BACKEND, OPT_THREADS, OPT_BATCH, OPT_OPTIONS, OPT_ENC_OPTIONS, OPT_16BIT, OPT_NO_EXIF, OPT_PAGE,
    OPT_VERBOSE, OPT_HELP
};

int cli_cmd_convert(int argc, char **argv)
{
    static const cli_option options[] = {
        {"output", 'o', true, OPT_OUTPUT},
        {"format", 'f', true, OPT_FORMAT},
        {"quality", 'q', true, OPT_QUALITY},
        {"subsampling", 0, true, OPT_SUBSAMPLING},
        {"progressive", 0, false, OPT_PROGRESSIVE},
        {"optimize", 0, false, OPT_OPTIMIZE},
        {"backend", 0, true, OPT_BACKEND},
        {"threads", 'j', true, OPT_THREADS},
        {"batch", 0, true, OPT_BATCH},
        {"options", 0, true, OPT_OPTIONS},
        {"encoder-options", 0, true, OPT_ENC_OPTIONS},
        {"16bit", 0, false, OPT_16BIT},
        {"no-exif", 0, false, OPT_NO_EXIF},
        {"page", 0, true, OPT_PAGE},
        {"verbose", 'v', false, OPT_VERBOSE},
        {"help", 'h', false, OPT_HELP},
        {NULL, 0, false, 0},
    };
    convert_plan plan;
    cli_common common;
    cli_session session;
    cli_parser p;
    const char *out = NULL, *format = NULL;
    bool dir_operand = false, dir_mode;
    size_t operands = 0, refused = 0, failed;
    double v;
    long n;
    int id, rc;

    memset(&plan, 0, sizeof(plan));
    memset(&common, 0, sizeof(common));
    pxc_encode_params_default(&plan.enc);
    plan.apply_exif = true;
    common.dec_options = ":fancy_upsampling=1";

    cli_parser_init(&p, "convert", argc, argv, options);
    while ((id = cli_next_option(&p)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR:
            goto usage;
        case CLI_OPT_OPERAND:
            operands++;
            if (cli_is_dir(p.arg))
                dir_operand = true;
            if (!cli_inputs_add(&plan.inputs, p.arg)) {
                cli_error("out of memory");
                plan_free(&plan);
                return CLI_EXIT_FAILURE;
            }
            break;
        case OPT_OUTPUT:
            if (out) {
                cli_usage_error("convert", "-o/--output is given twice");
                goto usage;
            }
            out = p.arg;
            break;
        case OPT_FORMAT:
            format = p.arg;
            break;
        case OPT_QUALITY:
            if (!cli_parse_float("convert", "--quality", p.arg, 0.0, 100.0, &v))
                goto usage;
            plan.enc.quality = (float)v;
            break;
        case OPT_SUBSAMPLING:
            if (!cli_parse_subsampling("convert", p.arg, &plan.enc.chroma_subsampling))
                goto usage;
            break;
        case OPT_PROGRESSIVE:
            plan.enc.jpeg_progressive = 1;
            break;
        case OPT_OPTIMIZE:
            plan.enc.jpeg_optimized_huffman = 1;
            break;
        case OPT_BACKEND:
            if (!cli_parse_backends("convert", p.arg, &common.backends))
                goto usage;
            break;
        case OPT_THREADS:
            if (!cli_parse_int("convert", "--threads", p.arg, 0, 4096, &n))
                goto usage;
            common.threads = (int)n;
            break;
        case OPT_BATCH:
            if (!cli_parse_int("convert", "--batch", p.arg, 1, 1 << 20, &n))
                goto usage;
            common.batch = n;
            break;
        case OPT_OPTIONS:
            common.dec_options = p.arg;
            break;
        case OPT_ENC_OPTIONS:
            common.enc_options = p.arg;
            break;
        case OPT_16BIT:
            plan.want_16bit = true;
            break;
        case OPT_NO_EXIF:
            plan.apply_exif = false;
            break;
        case OPT_PAGE:
            if (!cli_parse_int("convert", "--page", p.arg, 0, UINT32_MAX, &n))
                goto usage;
            plan.image_index = (uint32_t)n;
            break;
        case OPT_VERBOSE:
            plan.verbose = true;
            break;
        case OPT_HELP:
            plan_free(&plan);
            print_help(stdout);
            return CLI_EXIT_OK;
        default:
            break;
        }
    }

    if (operands == 0) {
        cli_usage_error("convert", "no input files");
        goto usage;
    }
    if (!out || !*out) {
        cli_usage_error("convert", "no output given (use -o OUT)");
        goto usage;
    }
    if (plan.inputs.count == 0) {
        cli_usage_error("convert", "no input files (the directories given hold none)");
        goto usage;
    }
    dir_mode = cli_is_dir(out) || out[strlen(out) - 1] == '/' || plan.inputs.count > 1 ||
               dir_operand;

    if (format) {
        if (!target_from_format(format, &plan.target)) {
            cli_usage_error("convert", "--format: unknown format '%s' (see '%s codecs')", format,
                            CLI_NAME);
            goto usage;
        }
        if (!plan.target.ext)
            plan.target.ext = format[0] == '.' ? format + 1 : format;
    } else if (dir_mode) {
        cli_usage_error("convert", "the output '%s' is a directory: give the format with --format",
                        out);
        goto usage;
    } else {
        const char *ext = cli_extension(out);
        if (!ext) {
            cli_usage_error("convert", "cannot tell the output format: '%s' has no extension "
                            "(use --format)", out);
            goto usage;
        }
        if (!target_from_format(ext, &plan.target)) {
            cli_usage_error("convert", "unknown output extension '.%s' (use --format; see '%s "
                            "codecs')", ext, CLI_NAME);
            goto usage;
        }
        if (!plan.target.ext)
            plan.target.ext = ext;
    }
    plan.force_gray = plan.enc.chroma_subsampling == PXC_CSS_GRAY;

    /* the decoder and encoder first: a bad --backend or --options creates nothing */
    rc = cli_session_open(&session, "convert", &common, true, true);
    if (rc != CLI_EXIT_OK) {
        plan_free(&plan);
        return rc;
    }
    if (dir_mode) {
        char detail[512];
        if (!cli_mkdirs(out, detail, sizeof(detail))) {
            cli_error("%s", detail);
            cli_session_close(&session);
            plan_free(&plan);
            return CLI_EXIT_FAILURE;
        }
    }
    if (!plan_outputs(&plan, out, dir_mode, &refused)) {
        cli_error("out of memory");
        cli_session_close(&session);
        plan_free(&plan);
        return CLI_EXIT_FAILURE;
    }
    failed = convert_run(&session, &plan);
    if (plan.verbose)
        fprintf(stderr, "%s: converted %zu of %zu input%s\n", CLI_NAME,
                plan.inputs.count - failed - refused, plan.inputs.count,
                plan.inputs.count == 1 ? "" : "s");
    cli_session_close(&session);
    plan_free(&plan);
    if (fflush(stdout) != 0) {
        cli_error("cannot write to standard output");
        return CLI_EXIT_FAILURE;
    }
    if (convert_stop_signal())
        return 128 + convert_stop_signal();
    return (failed || refused) ? CLI_EXIT_FAILURE : CLI_EXIT_OK;

usage:
    plan_free(&plan);
    return CLI_EXIT_USAGE;
}
