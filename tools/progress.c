/*
 * A one-line progress bar on stderr, drawn only when stderr is a terminal:
 *   [##########          ] 120/240 images
 */
#include "cli.h"

#include <unistd.h>

#define BAR_WIDTH 30

void cli_progress_init(cli_progress *p, size_t total, const char *unit)
{
    p->enabled = total > 0 && isatty(STDERR_FILENO);
    p->drawn = false;
    p->total = total;
    p->done = 0;
    p->unit = unit;
}

static void draw(cli_progress *p)
{
    char bar[BAR_WIDTH + 1];
    size_t fill = p->total ? (p->done * BAR_WIDTH) / p->total : BAR_WIDTH;
    size_t i;

    for (i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < fill ? '#' : ' ';
    bar[BAR_WIDTH] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu %s", bar, p->done, p->total, p->unit);
    fflush(stderr);
    p->drawn = true;
}

void cli_progress_update(cli_progress *p, size_t done)
{
    p->done = done > p->total ? p->total : done;
    if (p->enabled)
        draw(p);
}

void cli_progress_clear(cli_progress *p)
{
    if (p->enabled && p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        p->drawn = false;
    }
}

void cli_progress_finish(cli_progress *p)
{
    if (!p->enabled)
        return;
    draw(p);
    fputc('\n', stderr);
    fflush(stderr);
    p->drawn = false;
}
