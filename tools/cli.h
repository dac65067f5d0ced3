/*
 * The pixcodec command-line tool: shared declarations.
 *
 * main.c        command dispatch, global help, --version, the codecs command
 * args.c        option parsing and value parsing (threads, backends, ...)
 * util.c        files, paths, error reports, JSON strings
 * progress.c    the progress bar on stderr
 * session.c     context, decoder and encoder set-up shared by the commands
 * cmd_info.c    pixcodec info
 * cmd_convert.c pixcodec convert
 * cmd_decode.c  pixcodec decode
 * cmd_video.c   pixcodec video info / frames
 */
#ifndef PIXCODEC_CLI_H
#define PIXCODEC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "pixcodec/pixcodec.h"

#define CLI_NAME "pixcodec"

/* Exit statuses. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAILURE 1   /* at least one input or the set-up failed */
#define CLI_EXIT_USAGE 2     /* wrong command line */

#if defined(__GNUC__)
#  define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define CLI_PRINTF(f, a)
#endif

/* ---- option parsing (args.c) ------------------------------------------ */

/** One option a command accepts. */
typedef struct cli_option {
    const char *long_name;   /* without the leading "--"; NULL ends a table */
    char short_name;         /* 0 for none */
    bool has_arg;
    int id;                  /* returned by cli_next_option() */
} cli_option;

/** Parser state over argv (GNU style: options and operands may mix; "--" ends options). */
typedef struct cli_parser {
    const char *command;     /* for messages: "convert" ... */
    int argc;
    char **argv;
    int index;               /* next argv entry */
    const char *pending;     /* rest of a short-option cluster ("-vq") */
    const cli_option *options;
    bool only_operands;      /* after "--" */
    /* results of the last cli_next_option() */
    const char *arg;         /* option argument, or the operand */
    const char *spelled;     /* the option as written, for messages */
} cli_parser;

#define CLI_OPT_OPERAND (-1)   /* parser returned an operand in parser->arg */
#define CLI_OPT_END (-2)       /* nothing left */
#define CLI_OPT_ERROR (-3)     /* usage error already reported */

void cli_parser_init(cli_parser *p, const char *command, int argc, char **argv,
                     const cli_option *options);
/** Next option id, CLI_OPT_OPERAND, CLI_OPT_END or CLI_OPT_ERROR. */
int cli_next_option(cli_parser *p);

/** Prints "pixcodec: <message>" plus a hint to see --help; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) CLI_PRINTF(2, 3);

/* Value parsers: false after reporting a usage error naming @p option. */
bool cli_parse_int(const char *command, const char *option, const char *text, long min, long max,
                   long *out);
bool cli_parse_float(const char *command, const char *option, const char *text, double min,
                     double max, double *out);
bool cli_parse_subsampling(const char *command, const char *text, pxc_chroma_subsampling *out);

/** Backends collected from repeated / comma-separated --backend values. */
typedef struct cli_backends {
    pxc_backend list[16];
    size_t count;
} cli_backends;

/** Adds "kind[:load_hint][,kind...]"; false after reporting a usage error. */
bool cli_parse_backends(const char *command, const char *text, cli_backends *b);

/* ---- session (session.c) ---------------------------------------------- */

/** Settings shared by the commands that decode or encode. */
typedef struct cli_common {
    int threads;             /* context threads, 0 = all cores */
    cli_backends backends;   /* empty = all available */
    const char *dec_options; /* NULL = library default */
    const char *enc_options; /* NULL = none */
    long batch;              /* inputs per batch, 0 = 4 x threads */
} cli_common;

typedef struct cli_session {
    pxc_context *ctx;
    pxc_decoder *dec;        /* NULL unless asked for */
    pxc_encoder *enc;        /* NULL unless asked for */
    size_t batch;            /* resolved batch size */
} cli_session;

/**
 * Creates the context and, when asked, a decoder and an encoder; reports failures.
 * @return CLI_EXIT_OK, CLI_EXIT_USAGE (a bad options string) or CLI_EXIT_FAILURE.
 */
int cli_session_open(cli_session *s, const char *command, const cli_common *c, bool want_decoder,
                     bool want_encoder);
void cli_session_close(cli_session *s);

/* ---- util.c -------------------------------------------------------------- */

/** "pixcodec: WHAT: <pxc_strerror(status)>: <detail>" on stderr (detail may be NULL/empty). */
void cli_report(const char *what, pxc_status status, const char *detail);
/** "pixcodec: <message>" on stderr. */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);

/** Number of inputs after expansion, their paths and what stat() said about them. */
typedef struct cli_inputs {
    char **paths;            /* owned */
    dev_t *dev;
    ino_t *ino;
    bool *exists;            /* stat() succeeded on a regular file */
    size_t count;
    size_t cap;
} cli_inputs;

/**
 * Adds one operand: a file as given, or a directory's regular, non-hidden
 * files (sorted by name, not recursive). A missing operand is still added so
 * that opening it reports the error. false only on out of memory.
 */
bool cli_inputs_add(cli_inputs *in, const char *operand);
void cli_inputs_free(cli_inputs *in);

/** Reads a whole file into memory (malloc'ed). On failure fills @p detail. */
bool cli_read_file(const char *path, void **data, size_t *size, char *detail, size_t detail_size);

/** Pointer to the last path component of @p path (after any trailing '/'). */
const char *cli_basename(const char *path);
/** malloc'ed "dir/stem<ext>" where stem is the basename without its last extension. */
char *cli_output_name(const char *dir, const char *input, const char *ext);
/** Creates @p dir and its missing parents (mode 0777 & ~umask). */
bool cli_mkdirs(const char *dir, char *detail, size_t detail_size);
/** true when @p path names an existing directory. */
bool cli_is_dir(const char *path);
/** Extension of a path ("png" from "a/b.png"), NULL when none. */
const char *cli_extension(const char *path);

/** Writes @p s as a JSON string (with quotes); invalid UTF-8 becomes U+FFFD. */
void cli_json_string(FILE *f, const char *s);

/** Monotonic clock in seconds. */
double cli_now(void);

/** Short name of a sample type ("u8", "u16"). */
const char *cli_sample_type_name(pxc_sample_type t);

/* ---- progress.c ---------------------------------------------------------- */

typedef struct cli_progress {
    bool enabled;            /* stderr is a terminal and there is something to count */
    bool drawn;              /* a bar is on screen */
    size_t total;
    size_t done;
    const char *unit;        /* "images" */
} cli_progress;

void cli_progress_init(cli_progress *p, size_t total, const char *unit);
void cli_progress_update(cli_progress *p, size_t done);
/** Erases the bar so that a message can be printed; the next update redraws it. */
void cli_progress_clear(cli_progress *p);
/** Draws the final state and ends the line. */
void cli_progress_finish(cli_progress *p);

/** The bar that is on screen now (NULL for none), cleared before cli_report()/cli_error(). */
extern cli_progress *cli_active_progress;

/* ---- commands ------------------------------------------------------------ */

int cli_cmd_info(int argc, char **argv);
int cli_cmd_convert(int argc, char **argv);
int cli_cmd_decode(int argc, char **argv);
int cli_cmd_codecs(int argc, char **argv);
int cli_cmd_video(int argc, char **argv);

#endif /* PIXCODEC_CLI_H */
