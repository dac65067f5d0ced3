/*
 * pixcodec: the command-line tool. Dispatches to the commands, prints the
 * global help and version, and lists the codecs of this build.
 */
#include "cli.h"

#include <string.h>

static void print_help(FILE *f)
{
    fprintf(f,
        "Usage: %s COMMAND [OPTIONS] ...\n"
        "\n"
        "Decode, encode and inspect images with pixcodec.\n"
        "\n"
        "Commands:\n"
        "  info FILE...             what each file holds (codec, size, channels, ...)\n"
        "  convert IN... -o OUT     convert images to another format (batches on all cores)\n"
        "  decode FILE...           decode files in memory and report the speed (benchmark)\n"
        "  codecs                   codecs of this build, their implementations and backends\n"
        "  video info|frames ...    what a video holds; decode a video into image files\n"
        "\n"
        "Options:\n"
        "  -h, --help               show this help; 'COMMAND --help' shows a command's help\n"
        "  -V, --version            show the tool's and the library's version\n"
        "      --list-codecs        same as the 'codecs' command\n"
        "\n"
        "Exit status: 0 when everything succeeded, 1 when an input or the set-up failed,\n"
        "2 for a wrong command line.\n",
        CLI_NAME);
}

static void print_version(void)
{
    printf("%s %d.%d.%d (library %s)\n", CLI_NAME, PXC_VERSION_MAJOR, PXC_VERSION_MINOR,
           PXC_VERSION_PATCH, pxc_version());
}

/* ---- codecs -------------------------------------------------------------- */

static void print_codecs_help(FILE *f)
{
    fprintf(f,
        "Usage: %s codecs [--json]\n"
        "\n"
        "Lists the codecs of this build with their implementations in priority order:\n"
        "backend kind, whether each decodes and encodes, and whether it can run on\n"
        "this machine (with the reason when it cannot).\n"
        "\n"
        "Options:\n"
        "      --json               print one JSON array\n"
        "  -h, --help               show this help\n",
        CLI_NAME);
}

enum { CODECS_OPT_JSON = 1, CODECS_OPT_HELP };

int cli_cmd_codecs(int argc, char **argv)
{
    static const cli_option options[] = {
        {"json", 0, false, CODECS_OPT_JSON},
        {"help", 'h', false, CODECS_OPT_HELP},
        {NULL, 0, false, 0},
    };
    cli_parser p;
    bool json = false;
    size_t n, i, j;
    int id;

    cli_parser_init(&p, "codecs", argc, argv, options);
    while ((id = cli_next_option(&p)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR:
            return CLI_EXIT_USAGE;
        case CLI_OPT_OPERAND:
            return cli_usage_error("codecs", "unexpected argument '%s'", p.arg);
        case CODECS_OPT_JSON:
            json = true;
            break;
        case CODECS_OPT_HELP:
            print_codecs_help(stdout);
            return CLI_EXIT_OK;
        default:
            break;
        }
    }

    n = pxc_codec_count();
    if (json)
        fputs("[", stdout);
    else
        printf("%-6s %-18s %-16s %-6s %-6s %s\n", "codec", "implementation", "backend", "decode",
               "encode", "status");
    for (i = 0; i < n; i++) {
        const char *name = pxc_codec_name(i);
        if (!name)
            continue;
        if (json) {
            printf("%s\n  {\"codec\": ", i ? "," : "");
            cli_json_string(stdout, name);
            fputs(", \"implementations\": [", stdout);
        }
        for (j = 0;; j++) {
            pxc_implementation_info info;
            const char *kind;
            memset(&info, 0, sizeof(info));
            if (pxc_codec_implementation(name, j, &info) != PXC_OK)
                break;
            kind = pxc_backend_kind_name(info.kind);
            if (!kind)
                kind = "unknown";
            if (json) {
                printf("%s\n    {\"name\": ", j ? "," : "");
                cli_json_string(stdout, info.name);
                fputs(", \"backend\": ", stdout);
                cli_json_string(stdout, kind);
                printf(", \"priority\": %d, \"decode\": %s, \"encode\": %s, \"available\": %s",
                       info.priority, info.can_decode ? "true" : "false",
                       info.can_encode ? "true" : "false", info.available ? "true" : "false");
                if (!info.available) {
                    fputs(", \"reason\": ", stdout);
                    cli_json_string(stdout, info.unavailable_reason ? info.unavailable_reason : "");
                }
                fputs("}", stdout);
            } else {
                printf("%-6s %-18s %-16s %-6s %-6s ", name, info.name ? info.name : "?", kind,
                       info.can_decode ? "yes" : "no", info.can_encode ? "yes" : "no");
                if (info.available)
                    printf("available\n");
                else
                    printf("unavailable: %s\n",
                           info.unavailable_reason ? info.unavailable_reason : "no reason given");
            }
        }
        if (json)
            fputs(j ? "\n  ]}" : "]}", stdout);
    }
    if (json)
        fputs(n ? "\n]\n" : "]\n", stdout);
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

/* ---- dispatch ------------------------------------------------------------ */

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } commands[] = {
        {"info", cli_cmd_info},
        {"convert", cli_cmd_convert},
        {"decode", cli_cmd_decode},
        {"codecs", cli_cmd_codecs},
        {"video", cli_cmd_video},
    };
    const char *cmd;
    size_t i;

    if (argc < 2) {
        print_help(stderr);
        return CLI_EXIT_USAGE;
    }
    cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        if (strcmp(cmd, "help") == 0 && argc > 2) {
            /* "pixcodec help convert" = "pixcodec convert --help" */
            static char help_flag[] = "--help";
            char *sub[2];
            sub[0] = argv[2];
            sub[1] = help_flag;
            for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
                if (strcmp(argv[2], commands[i].name) == 0)
                    return commands[i].run(2, sub);
            return cli_usage_error(NULL, "unknown command '%s'", argv[2]);
        }
        print_help(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        print_version();
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "--list-codecs") == 0)
        return cli_cmd_codecs(argc - 1, argv + 1);
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    if (cmd[0] == '-')
        return cli_usage_error(NULL, "unknown option '%s' (options go after the command)", cmd);
    return cli_usage_error(NULL, "unknown command '%s' (commands: info, convert, decode, codecs, video)",
                           cmd);
}
