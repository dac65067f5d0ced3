/*
 * pixcodec convert: the plan that cmd_convert.c builds from the command line
 * and convert_run.c carries out in batches.
 */
#ifndef PIXCODEC_CLI_CONVERT_H
#define PIXCODEC_CLI_CONVERT_H

#include "cli.h"

/** What an output format can store, which decides the decode parameters. */
typedef struct convert_target {
    const char *codec;       /* canonical codec name ("jpeg") */
    const char *ext;         /* extension for outputs in a directory, without the dot */
    bool gray;               /* stores one-channel images */
    bool alpha;              /* stores an alpha channel */
    bool u16;                /* stores 16-bit samples */
} convert_target;

typedef struct convert_plan {
    cli_inputs inputs;
    char **outputs;          /* one per input; NULL when the input is refused up front */
    convert_target target;
    pxc_encode_params enc;
    bool want_16bit;         /* --16bit */
    bool apply_exif;         /* not --no-exif */
    uint32_t image_index;    /* --page */
    bool force_gray;         /* --subsampling gray */
    bool verbose;
} convert_plan;

/**
 * Converts every input whose output is set: batches of session->batch inputs
 * are decoded with pxc_decode_batch, encoded with pxc_encode_batch and written
 * with pxc_write_file_atomic. Failures are reported one line each. SIGINT or
 * SIGTERM stops it after the batch in flight; the inputs not reached count as
 * failed.
 * @return the number of inputs that failed (refused ones excluded).
 */
size_t convert_run(cli_session *session, const convert_plan *plan);

/** The signal (SIGINT, SIGTERM) that stopped convert_run() early, 0 when none. */
int convert_stop_signal(void);

#endif /* PIXCODEC_CLI_CONVERT_H */
