/*
 * Option parsing for the pixcodec tool, and the parsers of option values
 * that several commands share.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    if (cli_active_progress)
        cli_progress_clear(cli_active_progress);
    fprintf(stderr, "%s: ", CLI_NAME);
    if (command)
        fprintf(stderr, "%s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (command)
        fprintf(stderr, "\nTry '%s %s --help' for more information.\n", CLI_NAME, command);
    else
        fprintf(stderr, "\nTry '%s --help' for more information.\n", CLI_NAME);
    return CLI_EXIT_USAGE;
}

void cli_parser_init(cli_parser *p, const char *command, int argc, char **argv,
                     const cli_option *options)
{
    memset(p, 0, sizeof(*p));
    p->command = command;
    p->argc = argc;
    p->argv = argv;
    p->index = 1;   /* argv[0] is the command itself */
    p->options = options;
}

static int parse_short(cli_parser *p)
{
    static char spelled[3];
    char c = *p->pending++;
    const cli_option *o;

    spelled[0] = '-';
    spelled[1] = c;
    spelled[2] = '\0';
    p->spelled = spelled;
    for (o = p->options; o->long_name; o++) {
        if (o->short_name != c)
            continue;
        if (o->has_arg) {
            if (*p->pending) {
                p->arg = p->pending;
            } else if (p->index < p->argc) {
                p->arg = p->argv[p->index++];
            } else {
                cli_usage_error(p->command, "option '-%c' needs a value", c);
                return CLI_OPT_ERROR;
            }
            p->pending = NULL;
        } else {
            p->arg = NULL;
            if (!*p->pending)
                p->pending = NULL;
        }
        return o->id;
    }
    cli_usage_error(p->command, "unknown option '-%c'", c);
    return CLI_OPT_ERROR;
}

static int parse_long(cli_parser *p, const char *word)
{
    const char *name = word + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const cli_option *o;

    p->spelled = word;
    for (o = p->options; o->long_name; o++) {
        if (strlen(o->long_name) != len || strncmp(o->long_name, name, len) != 0)
            continue;
        if (o->has_arg) {
            if (eq) {
                p->arg = eq + 1;
            } else if (p->index < p->argc) {
                p->arg = p->argv[p->index++];
            } else {
                cli_usage_error(p->command, "option '--%s' needs a value", o->long_name);
                return CLI_OPT_ERROR;
            }
        } else {
            if (eq) {
                cli_usage_error(p->command, "option '--%s' takes no value", o->long_name);
                return CLI_OPT_ERROR;
            }
            p->arg = NULL;
        }
        return o->id;
    }
    cli_usage_error(p->command, "unknown option '--%.*s'", (int)len, name);
    return CLI_OPT_ERROR;
}

int cli_next_option(cli_parser *p)
{
    const char *word;

    if (p->pending && *p->pending)
        return parse_short(p);
    p->pending = NULL;
    if (p->index >= p->argc)
        return CLI_OPT_END;
    word = p->argv[p->index++];
    if (p->only_operands || word[0] != '-' || word[1] == '\0') {
        p->arg = word;
        return CLI_OPT_OPERAND;
    }
    if (word[1] == '-') {
        if (word[2] == '\0') {
            p->only_operands = true;
            return cli_next_option(p);
        }
        return parse_long(p, word);
    }
    p->pending = word + 1;
    return parse_short(p);
}

bool cli_parse_int(const char *command, const char *option, const char *text, long min, long max,
                   long *out)
{
    char *end = NULL;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < min || v > max) {
        cli_usage_error(command, "%s: '%s' is not a whole number from %ld to %ld", option, text,
                        min, max);
        return false;
    }
    *out = v;
    return true;
}

bool cli_parse_float(const char *command, const char *option, const char *text, double min,
                     double max, double *out)
{
    char *end = NULL;
    double v;

    errno = 0;
    v = strtod(text, &end);
    if (errno || end == text || *end != '\0' || !isfinite(v) || v < min || v > max) {
        cli_usage_error(command, "%s: '%s' is not a number from %g to %g", option, text, min, max);
        return false;
    }
    *out = v;
    return true;
}

bool cli_parse_subsampling(const char *command, const char *text, pxc_chroma_subsampling *out)
{
    static const struct {
        const char *name;
        pxc_chroma_subsampling css;
    } table[] = {
        {"444", PXC_CSS_444}, {"422", PXC_CSS_422}, {"420", PXC_CSS_420},
        {"440", PXC_CSS_440}, {"411", PXC_CSS_411}, {"gray", PXC_CSS_GRAY},
        {"grey", PXC_CSS_GRAY},
    };
    size_t i;

    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strcasecmp(text, table[i].name) == 0) {
            *out = table[i].css;
            return true;
        }
    }
    cli_usage_error(command, "--subsampling: '%s' is not one of 444, 422, 420, 440, 411, gray",
                    text);
    return false;
}

/* Backend kind from "cpu", "gpu", "hybrid", "hw" or the library's full names. */
static bool backend_kind(const char *name, size_t len, pxc_backend_kind *out)
{
    static const struct {
        const char *name;
        pxc_backend_kind kind;
    } table[] = {
        {"cpu", PXC_BACKEND_CPU_ONLY},
        {"gpu", PXC_BACKEND_GPU_ONLY},
        {"hybrid", PXC_BACKEND_HYBRID_CPU_GPU},
        {"hw", PXC_BACKEND_HW_GPU_ONLY},
    };
    size_t i;
    int k;

    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strlen(table[i].name) == len && strncasecmp(name, table[i].name, len) == 0) {
            *out = table[i].kind;
            return true;
        }
    }
    for (k = 0; k < PXC_BACKEND_KIND_COUNT; k++) {
        const char *full = pxc_backend_kind_name((pxc_backend_kind)k);
        if (full && strlen(full) == len && strncasecmp(name, full, len) == 0) {
            *out = (pxc_backend_kind)k;
            return true;
        }
    }
    return false;
}

bool cli_parse_backends(const char *command, const char *text, cli_backends *b)
{
    const char *s = text;

    if (*s == '\0') {
        cli_usage_error(command, "--backend: empty value (use cpu, gpu, hybrid or hw)");
        return false;
    }
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        const char *colon = memchr(s, ':', len);
        size_t name_len = colon ? (size_t)(colon - s) : len;
        pxc_backend_kind kind;
        double hint = 1.0;
        size_t i;

        if (!backend_kind(s, name_len, &kind)) {
            cli_usage_error(command, "--backend: unknown backend '%.*s' (use cpu, gpu, hybrid or hw,"
                            " optionally with :LOAD_HINT)", (int)name_len, s);
            return false;
        }
        if (colon) {
            char buf[64];
            size_t hl = len - name_len - 1;
            if (hl >= sizeof(buf)) {
                cli_usage_error(command, "--backend: load hint '%.*s' is too long", (int)hl,
                                colon + 1);
                return false;
            }
            memcpy(buf, colon + 1, hl);
            buf[hl] = '\0';
            if (!cli_parse_float(command, "--backend load hint", buf, 0.0, 1.0, &hint))
                return false;
        }
        for (i = 0; i < b->count; i++) {
            if (b->list[i].kind == kind) {
                cli_usage_error(command, "--backend: '%.*s' is given twice", (int)name_len, s);
                return false;
            }
        }
        if (b->count >= sizeof(b->list) / sizeof(b->list[0])) {
            cli_usage_error(command, "--backend: too many backends");
            return false;
        }
        b->list[b->count].kind = kind;
        b->list[b->count].load_hint = (float)hint;
        b->count++;
        if (!comma)
            break;
        s = comma + 1;
        if (*s == '\0') {
            cli_usage_error(command, "--backend: '%s' ends with a comma", text);
            return false;
        }
    }
    return true;
}
