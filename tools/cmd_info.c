/*
 * pixcodec info FILE... [--json]: what each file holds, read from its
 * headers without decoding pixels.
 */
#include "cli.h"

#include <string.h>

static void print_help(FILE *f)
{
    fprintf(f,
        "Usage: %s info [--json] FILE...\n"
        "\n"
        "Prints what each file holds, from its headers only: codec, width x height (as\n"
        "stored, before EXIF orientation), channels, sample type and precision in bits,\n"
        "colour spec, chroma subsampling, EXIF orientation, number of images and whether\n"
        "it is progressive (interlaced for PNG). A directory stands for its files.\n"
        "\n"
        "Options:\n"
        "      --json               print one JSON array with an object per file; a file\n"
        "                           that fails gets {\"file\": ..., \"error\": ..., \"status\": ...}\n"
        "  -h, --help               show this help\n"
        "\n"
        "Exit status: 1 when any file failed (after printing the others), 2 for a wrong\n"
        "command line, 0 otherwise.\n",
        CLI_NAME);
}

static const char *css_name(pxc_chroma_subsampling css)
{
    const char *n = pxc_chroma_subsampling_name(css);
    return n ? n : "unknown";
}

static const char *color_name(pxc_color_spec c)
{
    const char *n = pxc_color_spec_name(c);
    return n ? n : "unknown";
}

static void print_text(const char *file, const pxc_image_info *info)
{
    printf("%s: %s, %ux%u, %u channel%s, %s (%u bits), %s, subsampling %s, orientation %d, "
           "%u image%s, %s\n",
           file, info->codec, info->width, info->height, info->num_channels,
           info->num_channels == 1 ? "" : "s", cli_sample_type_name(info->sample_type),
           info->precision, color_name(info->color_spec), css_name(info->chroma_subsampling),
           info->orientation, info->num_images, info->num_images == 1 ? "" : "s",
           info->progressive ? "progressive" : "sequential");
}

static void print_json(const char *file, const pxc_image_info *info)
{
    fputs("{\"file\": ", stdout);
    cli_json_string(stdout, file);
    fputs(", \"codec\": ", stdout);
    cli_json_string(stdout, info->codec);
    printf(", \"width\": %u, \"height\": %u, \"channels\": %u, \"sample_type\": ", info->width,
           info->height, info->num_channels);
    cli_json_string(stdout, cli_sample_type_name(info->sample_type));
    printf(", \"precision\": %u, \"color_spec\": ", info->precision);
    cli_json_string(stdout, color_name(info->color_spec));
    fputs(", \"chroma_subsampling\": ", stdout);
    cli_json_string(stdout, css_name(info->chroma_subsampling));
    printf(", \"orientation\": %d, \"num_images\": %u, \"progressive\": %s}", info->orientation,
           info->num_images, info->progressive ? "true" : "false");
}

static void print_json_error(const char *file, pxc_status st, const char *detail)
{
    char msg[PXC_DETAIL_MAX + 128];
    if (detail && *detail)
        snprintf(msg, sizeof(msg), "%s: %s", pxc_strerror(st), detail);
    else
        snprintf(msg, sizeof(msg), "%s", pxc_strerror(st));
    fputs("{\"file\": ", stdout);
    cli_json_string(stdout, file);
    fputs(", \"error\": ", stdout);
    cli_json_string(stdout, msg);
    printf(", \"status\": %d}", (int)st);
}

/* Probes one file; on failure reports it (stderr in text mode, an object in JSON mode). */
static bool info_one(pxc_context *ctx, const char *file, bool json)
{
    pxc_code_stream *stream = NULL;
    pxc_image_info info;
    pxc_status st;

    st = pxc_code_stream_from_file(ctx, file, &stream);
    if (st != PXC_OK) {
        const char *detail = pxc_context_last_error(ctx);
        if (json)
            print_json_error(file, st, detail);
        else
            cli_report(file, st, detail);
        return false;
    }
    memset(&info, 0, sizeof(info));
    info.struct_size = sizeof(info);
    st = pxc_code_stream_get_info(stream, &info);
    if (st != PXC_OK) {
        const char *detail = pxc_code_stream_last_error(stream);
        if (json)
            print_json_error(file, st, detail);
        else
            cli_report(file, st, detail);
        pxc_code_stream_destroy(stream);
        return false;
    }
    info.codec[sizeof(info.codec) - 1] = '\0';
    if (json)
        print_json(file, &info);
    else
        print_text(file, &info);
    pxc_code_stream_destroy(stream);
    return true;
}

enum { INFO_OPT_JSON = 1, INFO_OPT_HELP };

int cli_cmd_info(int argc, char **argv)
{
    static const cli_option options[] = {
        {"json", 0, false, INFO_OPT_JSON},
        {"help", 'h', false, INFO_OPT_HELP},
        {NULL, 0, false, 0},
    };
    cli_parser p;
    cli_inputs inputs;
    cli_common common;
    cli_session session;
    bool json = false;
    size_t failed = 0, operands = 0, i;
    int id;

    memset(&inputs, 0, sizeof(inputs));
    cli_parser_init(&p, "info", argc, argv, options);
    while ((id = cli_next_option(&p)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR:
            cli_inputs_free(&inputs);
            return CLI_EXIT_USAGE;
        case CLI_OPT_OPERAND:
            operands++;
            if (!cli_inputs_add(&inputs, p.arg)) {
                cli_error("out of memory");
                cli_inputs_free(&inputs);
                return CLI_EXIT_FAILURE;
            }
            break;
        case INFO_OPT_JSON:
            json = true;
            break;
        case INFO_OPT_HELP:
            cli_inputs_free(&inputs);
            print_help(stdout);
            return CLI_EXIT_OK;
        default:
            break;
        }
    }
    if (operands == 0) {
        cli_inputs_free(&inputs);
        return cli_usage_error("info", "no input files");
    }
    if (inputs.count == 0) {
        cli_inputs_free(&inputs);
        return cli_usage_error("info", "no input files (the directories given hold none)");
    }

    memset(&common, 0, sizeof(common));
    common.threads = 1;   /* probing runs on this thread; no pool needed */
    if (cli_session_open(&session, "info", &common, false, false) != CLI_EXIT_OK) {
        cli_inputs_free(&inputs);
        return CLI_EXIT_FAILURE;
    }
    if (json)
        fputs("[", stdout);
    for (i = 0; i < inputs.count; i++) {
        if (json)
            fputs(i ? ",\n  " : "\n  ", stdout);
        if (!info_one(session.ctx, inputs.paths[i], json))
            failed++;
    }
    if (json)
        fputs("\n]\n", stdout);
    cli_session_close(&session);
    cli_inputs_free(&inputs);
    if (fflush(stdout) != 0) {
        cli_error("cannot write the output");
        return CLI_EXIT_FAILURE;
    }
    return failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
