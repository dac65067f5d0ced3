/*
 * Context, decoder and encoder set-up shared by the commands.
 */
#include "cli.h"

#include <string.h>

/* A bad options string is a command-line mistake (exit 2); anything else is a failure. */
static int setup_failed(cli_session *s, const char *command, const char *what, pxc_status st)
{
    const char *detail = pxc_context_last_error(s->ctx);
    int rc = CLI_EXIT_FAILURE;
    if (st == PXC_ERROR_INVALID_OPTION) {
        cli_usage_error(command, "%s: %s: %s", what, pxc_strerror(st), detail);
        rc = CLI_EXIT_USAGE;
    } else {
        cli_report(what, st, detail);
    }
    cli_session_close(s);
    return rc;
}

int cli_session_open(cli_session *s, const char *command, const cli_common *c, bool want_decoder,
                     bool want_encoder)
{
    pxc_context_settings cs;
    pxc_status st;
    int threads;

    memset(s, 0, sizeof(*s));
    pxc_context_default_settings(&cs);
    cs.num_threads = c->threads;
    st = pxc_context_create(&cs, &s->ctx);
    if (st != PXC_OK) {
        cli_report("cannot create a context", st, NULL);
        s->ctx = NULL;
        return CLI_EXIT_FAILURE;
    }
    if (want_decoder) {
        pxc_decoder_settings ds;
        pxc_decoder_default_settings(&ds);
        if (c->backends.count) {
            ds.backends = c->backends.list;
            ds.num_backends = c->backends.count;
        }
        if (c->dec_options)
            ds.options = c->dec_options;
        st = pxc_decoder_create(s->ctx, &ds, &s->dec);
        if (st != PXC_OK) {
            s->dec = NULL;
            return setup_failed(s, command, "cannot create the decoder", st);
        }
    }
    if (want_encoder) {
        pxc_encoder_settings es;
        pxc_encoder_default_settings(&es);
        if (c->backends.count) {
            es.backends = c->backends.list;
            es.num_backends = c->backends.count;
        }
        if (c->enc_options)
            es.options = c->enc_options;
        st = pxc_encoder_create(s->ctx, &es, &s->enc);
        if (st != PXC_OK) {
            s->enc = NULL;
            return setup_failed(s, command, "cannot create the encoder", st);
        }
    }
    threads = pxc_context_num_threads(s->ctx);
    if (threads < 1)
        threads = 1;
    s->batch = c->batch > 0 ? (size_t)c->batch : (size_t)threads * 4;
    return CLI_EXIT_OK;
}

void cli_session_close(cli_session *s)
{
    pxc_decoder_destroy(s->dec);
    pxc_encoder_destroy(s->enc);
    pxc_context_destroy(s->ctx);
    memset(s, 0, sizeof(*s));
}
