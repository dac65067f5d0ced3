/*
 * Context, decoder and encoder set-up shared by the commands.
 */
#include "cli.h"

#include <string.h>

bool cli_session_open(cli_session *s, const cli_common *c, bool want_decoder, bool want_encoder)
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
        return false;
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
            cli_report("cannot create the decoder", st, pxc_context_last_error(s->ctx));
            cli_session_close(s);
            return false;
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
            cli_report("cannot create the encoder", st, pxc_context_last_error(s->ctx));
            cli_session_close(s);
            return false;
        }
    }
    threads = pxc_context_num_threads(s->ctx);
    if (threads < 1)
        threads = 1;
    s->batch = c->batch > 0 ? (size_t)c->batch : (size_t)threads * 4;
    return true;
}

void cli_session_close(cli_session *s)
{
    pxc_decoder_destroy(s->dec);
    pxc_encoder_destroy(s->enc);
    pxc_context_destroy(s->ctx);
    memset(s, 0, sizeof(*s));
}
