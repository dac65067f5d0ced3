/*
 * pixcodec video info FILE... [--json]: what each video holds.
 * pixcodec video frames FILE -o DIR [--every N] [--format png] ...: decodes a
 * video and writes frames as images, encoding them in batches on all cores.
 * pixcodec video decode FILE... [--rgb] [--repeat N]: decode speed.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void print_video_help(FILE *f)
{
    fprintf(f,
        "Usage: %s video COMMAND [OPTIONS] ...\n"
        "\n"
        "Commands:\n"
        "  info [--json] FILE...    codec, size, bit depth, chroma, frame rate, duration,\n"
        "                           frame count, colour description and rotation\n"
        "  frames FILE -o DIR       decode FILE and write its frames as images into DIR\n"
        "  decode FILE...           decode every frame (optionally to RGB) and report the speed\n"
        "\n"
        "'%s video COMMAND --help' shows a command's options.\n",
        CLI_NAME, CLI_NAME);
}

static void print_info_help(FILE *f)
{
    fprintf(f,
        "Usage: %s video info [--json] FILE...\n"
        "\n"
        "Prints what each video holds: container, codec, width x height, bit depth,\n"
        "chroma format, average frame rate, time base, duration, number of frames\n"
        "(counted from the packets in the file), colour matrix / primaries / transfer /\n"
        "range (H.273 codes) and display rotation.\n"
        "\n"
        "Options:\n"
        "      --json               print one JSON array with an object per file\n"
        "  -h, --help               show this help\n",
        CLI_NAME);
}

static void print_frames_help(FILE *f)
{
    fprintf(f,
        "Usage: %s video frames FILE -o DIR [OPTIONS]\n"
        "\n"
        "Decodes FILE and writes frames as DIR/frame_NNNNNN.EXT (NNNNNN: the frame number\n"
        "in presentation order, from 0), as 8-bit RGB (16-bit with --rgb48). Files are written atomically; a progress bar is\n"
        "shown when stderr is a terminal.\n"
        "\n"
        "Options:\n"
        "  -o, --output DIR         output directory (created when missing)\n"
        "      --every N            write every N-th frame (default 1)\n"
        "      --start N            first frame to write (default 0; decoding seeks to it)\n"
        "      --count N            write at most N frames (default all)\n"
        "  -f, --format FMT         png (default), jpeg, bmp, pnm, tiff, webp, jpeg2k\n"
        "  -q, --quality Q          encode quality 0..100 for lossy formats (default 95)\n"
        "      --rgb48              convert to 16-bit RGB (formats that hold 16 bits)\n"
        "  -t, --threads N          threads for decoding and encoding (default: all cores)\n"
        "  -h, --help               show this help\n",
        CLI_NAME);
}

static void print_decode_help(FILE *f)
{
    fprintf(f,
        "Usage: %s video decode [OPTIONS] FILE...\n"
        "\n"
        "Demuxes and decodes every frame of each FILE on the CPU and prints frames per\n"
        "second (a benchmark: nothing is written).\n"
        "\n"
        "Options:\n"
        "      --rgb                also convert every frame to 8-bit RGB\n"
        "      --repeat N           decode each file N times (default 1)\n"
        "  -t, --threads N          decoding threads (default: all cores)\n"
        "  -h, --help               show this help\n",
        CLI_NAME);
}

static const char *chroma_name(pxc_video_chroma c)
{
    switch (c) {
    case PXC_VIDEO_CHROMA_400: return "4:0:0";
    case PXC_VIDEO_CHROMA_420: return "4:2:0";
    case PXC_VIDEO_CHROMA_422: return "4:2:2";
    default: return "4:4:4";
    }
}

static bool open_video(pxc_context *ctx, const char *file, pxc_demuxer **dmx, pxc_video_info *info)
{
    pxc_status st = pxc_demuxer_open_file(ctx, file, dmx);
    if (st != PXC_OK) {
        cli_report(file, st, pxc_context_last_error(ctx));
        *dmx = NULL;
        return false;
    }
    memset(info, 0, sizeof(*info));
    info->struct_size = sizeof(*info);
    st = pxc_demuxer_get_info(*dmx, info);
    if (st != PXC_OK) {
        cli_report(file, st, pxc_demuxer_last_error(*dmx));
        pxc_demuxer_destroy(*dmx);
        *dmx = NULL;
        return false;
    }
    return true;
}

/* Opens a video and a CPU decoder for its stream; false after reporting a failure
   (nothing left open). */
static bool open_decoding(pxc_context *ctx, const char *file, pxc_demuxer **dmx, pxc_video_info *info,
                          pxc_video_decoder **dec)
{
    *dec = NULL;
    if (!open_video(ctx, file, dmx, info)) return false;
    pxc_video_decoder_settings ds;
    pxc_video_decoder_default_settings(&ds);
    ds.backend = PXC_VIDEO_BACKEND_CPU;
    pxc_status st = pxc_video_decoder_create_for(ctx, *dmx, &ds, dec);
    if (st != PXC_OK) {
        cli_report(file, st, pxc_context_last_error(ctx));
        pxc_demuxer_destroy(*dmx);
        *dmx = NULL;
        *dec = NULL;
        return false;
    }
    return true;
}

/* Called with each decoded frame (in presentation order); false stops decoding. */
typedef bool (*frame_fn)(void *user, pxc_video_frame *frame);

/*
 * Feeds the demuxer's packets to the decoder and hands every frame to @p fn
 * until the stream is drained or @p fn says stop. Failures are reported as they
 * come; with @p keep_going decoding goes on after them (a damaged packet costs
 * its own frames only), else it stops at the first. Returns the number of
 * failures reported.
 */
static long for_each_frame(const char *file, pxc_demuxer *dmx, pxc_video_decoder *dec, bool keep_going, frame_fn fn,
                           void *user)
{
    long failed = 0;
    for (;;) {
        pxc_packet pkt;
        pxc_packet_init(&pkt);
        pxc_status st = pxc_demuxer_read_packet(dmx, &pkt);
        if (st != PXC_OK) {
            cli_report(file, st, pxc_demuxer_last_error(dmx));
            failed++;
            if (!keep_going) return failed;
            pkt.size = 0; /* decode what came before */
        }
        st = pxc_video_decoder_send_packet(dec, &pkt);
        if (st != PXC_OK) {
            cli_report(file, st, pxc_video_decoder_last_error(dec));
            failed++;
            if (!keep_going) return failed;
        }
        for (;;) {
            pxc_video_frame *f = NULL;
            st = pxc_video_decoder_receive_frame(dec, &f);
            if (st == PXC_NEED_MORE_INPUT) break;
            if (st == PXC_END_OF_STREAM) return failed;
            if (st != PXC_OK) {
                cli_report(file, st, pxc_video_decoder_last_error(dec));
                failed++;
                if (!keep_going) return failed;
                if (pkt.size == 0) continue; /* draining: the frames after it may still come */
                break;                       /* decoding goes on with the next packet */
            }
            bool go_on = fn(user, f);
            pxc_video_frame_release(f);
            if (!go_on) return failed;
        }
        if (pkt.size == 0) {
            /* the drain must end in END_OF_STREAM; guard against a decoder that does not say so */
            cli_error("%s: the decoder did not end the stream after the drain", file);
            return failed + 1;
        }
    }
}

static void print_info_text(const char *file, const pxc_video_info *v)
{
    printf("%s: %s in %s, %ux%u, %u-bit %s, %.3f fps, time base %d/%d, %.3f s, %" PRId64
           " frames, matrix %d primaries %d transfer %d %s range, rotation %d\n",
           file, v->codec_name, v->container, v->width, v->height, v->bit_depth, chroma_name(v->chroma),
           v->frame_rate, v->time_base_num, v->time_base_den, v->duration, v->num_frames, v->color.matrix,
           v->color.primaries, v->color.transfer, v->color.full_range ? "full" : "limited", v->rotation);
}

static void print_info_json(const char *file, const pxc_video_info *v)
{
    fputs("{\"file\": ", stdout);
    cli_json_string(stdout, file);
    fputs(", \"codec\": ", stdout);
    cli_json_string(stdout, v->codec_name);
    fputs(", \"container\": ", stdout);
    cli_json_string(stdout, v->container);
    printf(", \"width\": %u, \"height\": %u, \"bit_depth\": %u, \"chroma\": \"%s\", \"frame_rate\": %.6f, "
           "\"time_base\": [%d, %d], \"duration\": %.6f, \"num_frames\": %" PRId64
           ", \"color_matrix\": %d, \"color_primaries\": %d, \"color_transfer\": %d, \"full_range\": %s, "
           "\"rotation\": %d}",
           v->width, v->height, v->bit_depth, chroma_name(v->chroma), v->frame_rate, v->time_base_num,
           v->time_base_den, v->duration, v->num_frames, v->color.matrix, v->color.primaries, v->color.transfer,
           v->color.full_range ? "true" : "false", v->rotation);
}

enum { OPT_JSON = 1, OPT_HELP, OPT_OUTPUT, OPT_EVERY, OPT_START, OPT_COUNT, OPT_FORMAT, OPT_QUALITY, OPT_RGB48,
       OPT_THREADS, OPT_RGB, OPT_REPEAT };

static int video_info(int argc, char **argv)
{
    static const cli_option options[] = {
        {"json", 0, false, OPT_JSON},
        {"help", 'h', false, OPT_HELP},
        {NULL, 0, false, 0},
    };
    cli_parser p;
    bool json = false;
    int id, failed = 0;
    char **files = calloc((size_t)argc + 1, sizeof(char *));
    size_t nfiles = 0;
    if (!files) {
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    cli_parser_init(&p, "video info", argc, argv, options);
    while ((id = cli_next_option(&p)) != CLI_OPT_END) {
        if (id == CLI_OPT_ERROR) {
            free(files);
            return CLI_EXIT_USAGE;
        }
        if (id == OPT_HELP) {
            free(files);
            print_info_help(stdout);
            return CLI_EXIT_OK;
        }
        if (id == OPT_JSON) json = true;
        if (id == CLI_OPT_OPERAND) files[nfiles++] = (char *)p.arg;
    }
    if (nfiles == 0) {
        free(files);
        return cli_usage_error("video info", "no input files");
    }
    cli_common common;
    cli_session s;
    memset(&common, 0, sizeof(common));
    common.threads = 1;
    if (cli_session_open(&s, "video info", &common, false, false) != CLI_EXIT_OK) {
        free(files);
        return CLI_EXIT_FAILURE;
    }
    if (json) fputs("[", stdout);
    for (size_t i = 0; i < nfiles; i++) {
        pxc_demuxer *dmx;
        pxc_video_info v;
        if (!open_video(s.ctx, files[i], &dmx, &v)) {
            failed++;
            continue;
        }
        if (json) {
            fputs(i ? ",\n  " : "\n  ", stdout);
            print_info_json(files[i], &v);
        } else {
            print_info_text(files[i], &v);
        }
        pxc_demuxer_destroy(dmx);
    }
    if (json) fputs("\n]\n", stdout);
    cli_session_close(&s);
    free(files);
    if (fflush(stdout) != 0) {
        cli_error("cannot write the output");
        return CLI_EXIT_FAILURE;
    }
    return failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}

/* Frames converted and waiting to be encoded together. */
typedef struct frame_batch {
    pxc_image **images;
    int64_t *numbers;
    size_t count, cap;
} frame_batch;

typedef struct frames_job {
    const char *file, *dir, *codec, *ext;
    long every, start, count;
    double quality;
    bool rgb48;
    cli_session s;
    pxc_video_decoder *dec;
    pxc_demuxer *dmx;
    pxc_video_info info;
    frame_batch batch;
    cli_progress progress;
    long written, failed;
    int64_t decoded;
} frames_job;

/* Encodes and writes the frames of the batch (in parallel), then empties it. */
static void flush_batch(frames_job *j)
{
    frame_batch *b = &j->batch;
    if (b->count == 0) return;
    void **data = calloc(b->count, sizeof(void *));
    size_t *sizes = calloc(b->count, sizeof(size_t));
    pxc_sample_status *st = calloc(b->count, sizeof(pxc_sample_status));
    if (!data || !sizes || !st) {
        cli_error("out of memory");
        j->failed += (long)b->count;
    } else {
        pxc_encode_params ep;
        pxc_encode_params_default(&ep);
        ep.quality = (float)j->quality;
        pxc_encode_batch(j->s.enc, b->count, (const pxc_image *const *)b->images, j->codec, &ep, data, sizes, st);
        for (size_t i = 0; i < b->count; i++) {
            char path[4096], what[4200], detail[PXC_DETAIL_MAX];
            snprintf(path, sizeof(path), "%s/frame_%06" PRId64 ".%s", j->dir, b->numbers[i], j->ext);
            if (st[i].status != PXC_OK) {
                snprintf(what, sizeof(what), "%s: frame %" PRId64, j->file, b->numbers[i]);
                cli_report(what, st[i].status, st[i].detail);
                j->failed++;
                continue;
            }
            pxc_status ws = pxc_write_file_atomic(path, data[i], sizes[i], detail, sizeof(detail));
            if (ws != PXC_OK) {
                cli_report(path, ws, detail);
                j->failed++;
            } else {
                j->written++;
            }
            pxc_free(data[i]);
        }
    }
    for (size_t i = 0; i < b->count; i++) pxc_image_destroy(b->images[i]);
    b->count = 0;
    free(data);
    free(sizes);
    free(st);
    cli_progress_update(&j->progress, (size_t)(j->written + j->failed));
}

/* Handles one decoded frame: converts and queues it when it is one to write. */
static bool take_frame(void *user, pxc_video_frame *f)
{
    frames_job *j = user;
    /* frames come out in presentation order, the first one (after the exact seek) being --start */
    const int64_t n = j->start + j->decoded++;
    if (n < j->start || (n - j->start) % j->every != 0) return true;
    if (j->count >= 0 && j->written + j->failed + (long)j->batch.count >= j->count) return false;
    pxc_video_convert_params cp;
    pxc_video_convert_params_default(&cp);
    cp.format = j->rgb48 ? PXC_VIDEO_FORMAT_RGB48 : PXC_VIDEO_FORMAT_RGB;
    pxc_image *img = NULL;
    pxc_status st = pxc_video_frame_convert(f, &cp, &img);
    if (st != PXC_OK) {
        char what[4200];
        snprintf(what, sizeof(what), "%s: frame %" PRId64, j->file, n);
        cli_report(what, st, pxc_context_last_error(j->s.ctx));
        j->failed++;
        return true;
    }
    j->batch.images[j->batch.count] = img;
    j->batch.numbers[j->batch.count] = n;
    if (++j->batch.count == j->batch.cap) flush_batch(j);
    return true;
}

static int run_frames(frames_job *j)
{
    char detail[512];
    if (!cli_mkdirs(j->dir, detail, sizeof(detail))) {
        cli_error("cannot create %s: %s", j->dir, detail);
        return CLI_EXIT_FAILURE;
    }
    if (!open_decoding(j->s.ctx, j->file, &j->dmx, &j->info, &j->dec)) return CLI_EXIT_FAILURE;
    if (j->start >= j->info.num_frames) {
        cli_error("%s: --start %ld but the video has %" PRId64 " frames", j->file, j->start, j->info.num_frames);
        return CLI_EXIT_FAILURE;
    }
    pxc_status st;
    if (j->start > 0 && (st = pxc_demuxer_seek(j->dmx, j->start, PXC_SEEK_BY_FRAME, PXC_SEEK_EXACT, NULL)) != PXC_OK) {
        cli_report(j->file, st, pxc_demuxer_last_error(j->dmx));
        return CLI_EXIT_FAILURE;
    }
    long total = (long)((j->info.num_frames - j->start + j->every - 1) / j->every);
    if (j->count >= 0 && j->count < total) total = j->count;
    cli_progress_init(&j->progress, (size_t)total, "frames");
    cli_active_progress = &j->progress;

    j->failed += for_each_frame(j->file, j->dmx, j->dec, true, take_frame, j);
    flush_batch(j);
    cli_progress_finish(&j->progress);
    cli_active_progress = NULL;
    printf("%s: wrote %ld frame%s to %s", j->file, j->written, j->written == 1 ? "" : "s", j->dir);
    if (j->failed) printf(", %ld failed", j->failed);
    printf("\n");
    return j->failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}

static int video_frames(int argc, char **argv)
{
    static const cli_option options[] = {
        {"output", 'o', true, OPT_OUTPUT}, {"every", 0, true, OPT_EVERY},     {"start", 0, true, OPT_START},
        {"count", 0, true, OPT_COUNT},     {"format", 'f', true, OPT_FORMAT}, {"quality", 'q', true, OPT_QUALITY},
        {"rgb48", 0, false, OPT_RGB48},    {"threads", 't', true, OPT_THREADS}, {"help", 'h', false, OPT_HELP},
        {NULL, 0, false, 0},
    };
    const char *cmd = "video frames";
    frames_job j;
    memset(&j, 0, sizeof(j));
    j.every = 1;
    j.count = -1;
    j.quality = 95;
    const char *format = "png";
    long threads = 0;
    cli_parser p;
    int id;
    cli_parser_init(&p, cmd, argc, argv, options);
    while ((id = cli_next_option(&p)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR: return CLI_EXIT_USAGE;
        case OPT_HELP: print_frames_help(stdout); return CLI_EXIT_OK;
        case CLI_OPT_OPERAND:
            if (j.file) return cli_usage_error(cmd, "one input file only ('%s' and '%s')", j.file, p.arg);
            j.file = p.arg;
            break;
        case OPT_OUTPUT: j.dir = p.arg; break;
        case OPT_EVERY: if (!cli_parse_int(cmd, p.spelled, p.arg, 1, 1000000000L, &j.every)) return CLI_EXIT_USAGE; break;
        case OPT_START: if (!cli_parse_int(cmd, p.spelled, p.arg, 0, 2000000000L, &j.start)) return CLI_EXIT_USAGE; break;
        case OPT_COUNT: if (!cli_parse_int(cmd, p.spelled, p.arg, 0, 2000000000L, &j.count)) return CLI_EXIT_USAGE; break;
        case OPT_FORMAT: format = p.arg; break;
        case OPT_QUALITY: if (!cli_parse_float(cmd, p.spelled, p.arg, 0, 100, &j.quality)) return CLI_EXIT_USAGE; break;
        case OPT_RGB48: j.rgb48 = true; break;
        case OPT_THREADS: if (!cli_parse_int(cmd, p.spelled, p.arg, 0, 1024, &threads)) return CLI_EXIT_USAGE; break;
        default: break;
        }
    }
    if (!j.file) return cli_usage_error(cmd, "no input file");
    if (!j.dir) return cli_usage_error(cmd, "no output directory (-o DIR)");
    j.codec = pxc_codec_lookup(format);
    if (!j.codec) return cli_usage_error(cmd, "unknown image format '%s'", format);
    static const struct { const char *codec, *ext; } exts[] = {
        {"jpeg", "jpg"}, {"png", "png"}, {"bmp", "bmp"}, {"pnm", "ppm"}, {"tiff", "tif"}, {"webp", "webp"}, {"jpeg2k", "jp2"}};
    j.ext = format;
    for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
        if (!strcmp(exts[i].codec, j.codec)) j.ext = exts[i].ext;

    cli_common common;
    memset(&common, 0, sizeof(common));
    common.threads = (int)threads;
    if (cli_session_open(&j.s, cmd, &common, false, true) != CLI_EXIT_OK) return CLI_EXIT_FAILURE;
    j.batch.cap = 4 * (size_t)pxc_context_num_threads(j.s.ctx);
    if (j.batch.cap < 4) j.batch.cap = 4;
    j.batch.images = calloc(j.batch.cap, sizeof(pxc_image *));
    j.batch.numbers = calloc(j.batch.cap, sizeof(int64_t));
    int rc;
    if (!j.batch.images || !j.batch.numbers) {
        cli_error("out of memory");
        rc = CLI_EXIT_FAILURE;
    } else {
        rc = run_frames(&j);
    }
    for (size_t i = 0; i < j.batch.count; i++) pxc_image_destroy(j.batch.images[i]);
    free(j.batch.images);
    free(j.batch.numbers);
    pxc_video_decoder_destroy(j.dec);
    pxc_demuxer_destroy(j.dmx);
    cli_session_close(&j.s);
    return rc;
}

/* Counts the frames of a decode pass, converting each to RGB when asked. */
typedef struct decode_count {
    pxc_context *ctx;
    const char *file;
    bool rgb;
    long frames;
} decode_count;

static bool count_frame(void *user, pxc_video_frame *f)
{
    decode_count *c = user;
    if (c->rgb) {
        pxc_video_convert_params cp;
        pxc_video_convert_params_default(&cp);
        cp.format = PXC_VIDEO_FORMAT_RGB;
        pxc_image *img = NULL;
        pxc_status st = pxc_video_frame_convert(f, &cp, &img);
        pxc_image_destroy(img);
        if (st != PXC_OK) {
            cli_report(c->file, st, pxc_context_last_error(c->ctx));
            c->frames = -1;
            return false;
        }
    }
    c->frames++;
    return true;
}

/* Decodes one file once; returns the frame count, -1 after reporting a failure. */
static long decode_pass(pxc_context *ctx, const char *file, bool rgb)
{
    pxc_demuxer *dmx;
    pxc_video_info info;
    pxc_video_decoder *dec;
    if (!open_decoding(ctx, file, &dmx, &info, &dec)) return -1;
    decode_count c = {ctx, file, rgb, 0};
    long failed = for_each_frame(file, dmx, dec, false, count_frame, &c);
    pxc_video_decoder_destroy(dec);
    pxc_demuxer_destroy(dmx);
    return failed ? -1 : c.frames;
}

static int video_decode(int argc, char **argv)
{
    static const cli_option options[] = {
        {"rgb", 0, false, OPT_RGB}, {"repeat", 0, true, OPT_REPEAT}, {"threads", 't', true, OPT_THREADS},
        {"help", 'h', false, OPT_HELP}, {NULL, 0, false, 0},
    };
    const char *cmd = "video decode";
    bool rgb = false;
    long repeat = 1, threads = 0;
    char **files = calloc((size_t)argc + 1, sizeof(char *));
    size_t nfiles = 0;
    cli_parser p;
    int id;
    if (!files) {
        cli_error("out of memory");
        return CLI_EXIT_FAILURE;
    }
    cli_parser_init(&p, cmd, argc, argv, options);
    while ((id = cli_next_option(&p)) != CLI_OPT_END) {
        bool bad = false;
        switch (id) {
        case CLI_OPT_ERROR: bad = true; break;
        case OPT_HELP: free(files); print_decode_help(stdout); return CLI_EXIT_OK;
        case CLI_OPT_OPERAND: files[nfiles++] = (char *)p.arg; break;
        case OPT_RGB: rgb = true; break;
        case OPT_REPEAT: bad = !cli_parse_int(cmd, p.spelled, p.arg, 1, 1000000, &repeat); break;
        case OPT_THREADS: bad = !cli_parse_int(cmd, p.spelled, p.arg, 0, 1024, &threads); break;
        default: break;
        }
        if (bad) {
            free(files);
            return CLI_EXIT_USAGE;
        }
    }
    if (nfiles == 0) {
        free(files);
        return cli_usage_error(cmd, "no input files");
    }
    cli_common common;
    cli_session s;
    memset(&common, 0, sizeof(common));
    common.threads = (int)threads;
    if (cli_session_open(&s, cmd, &common, false, false) != CLI_EXIT_OK) {
        free(files);
        return CLI_EXIT_FAILURE;
    }
    int rc = CLI_EXIT_OK;
    for (size_t i = 0; i < nfiles; i++) {
        for (long r = 0; r < repeat; r++) {
            double t0 = cli_now();
            long n = decode_pass(s.ctx, files[i], rgb);
            double dt = cli_now() - t0;
            if (n < 0) {
                rc = CLI_EXIT_FAILURE;
                break;
            }
            printf("%s: pass %ld: %ld frames in %.3f s, %.1f frames/s%s\n", files[i], r + 1, n, dt,
                   dt > 0 ? (double)n / dt : 0.0, rgb ? " (with RGB conversion)" : "");
        }
    }
    cli_session_close(&s);
    free(files);
    return rc;
}

int cli_cmd_video(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        print_video_help(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    if (!strcmp(argv[1], "info")) return video_info(argc - 1, argv + 1);
    if (!strcmp(argv[1], "frames")) return video_frames(argc - 1, argv + 1);
    if (!strcmp(argv[1], "decode")) return video_decode(argc - 1, argv + 1);
    return cli_usage_error("video", "unknown video command '%s' (info, frames, decode)", argv[1]);
}
