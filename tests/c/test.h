/* Minimal test harness for the C tests: CHECK macros and a summary line. */
#ifndef PXC_TEST_H
#define PXC_TEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pixcodec/pixcodec.h"

static int pxc_test_failures = 0;
static int pxc_test_checks = 0;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        pxc_test_checks++;                                                           \
        if (!(cond)) {                                                               \
            pxc_test_failures++;                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_MSG(cond, ...)                                                         \
    do {                                                                             \
        pxc_test_checks++;                                                           \
        if (!(cond)) {                                                               \
            pxc_test_failures++;                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                            \
            fputc('\n', stderr);                                                     \
        }                                                                            \
    } while (0)

#define CHECK_STATUS(expr, expected)                                                      \
    do {                                                                                  \
        pxc_status st_ = (expr);                                                          \
        pxc_test_checks++;                                                                \
        if (st_ != (expected)) {                                                          \
            pxc_test_failures++;                                                          \
            fprintf(stderr, "%s:%d: %s returned %d (%s), expected %d\n", __FILE__, __LINE__, \
                    #expr, (int)st_, pxc_strerror(st_), (int)(expected));                 \
        }                                                                                 \
    } while (0)

#define CHECK_OK(expr) CHECK_STATUS(expr, PXC_OK)

/* Call at the end of main(): prints the plain summary line and returns the exit code. */
static inline int pxc_test_summary(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, pxc_test_checks, pxc_test_failures);
    return pxc_test_failures ? 1 : 0;
}

/* Reads a whole file; returns NULL when it does not exist. Caller frees. */
/* Runs a shell command, its output appended to logdir/ffmpeg.log; true on exit status 0. */
static inline bool pxc_test_sh(const char *logdir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline bool pxc_test_sh(const char *logdir, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    char full[4400];
    snprintf(full, sizeof(full), "%s >>%s/ffmpeg.log 2>&1", cmd, logdir);
    int r = system(full);
    if (r != 0) fprintf(stderr, "command failed (%d): %s\n", r, cmd);
    return r == 0;
}

static inline unsigned char *pxc_test_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    fclose(f);
    if (buf) *size = (size_t)n;
    return buf;
}

/* A small linear congruential generator for test data: the next value of *state >> 8. */
static inline uint32_t pxc_test_rand(uint32_t *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

/* A new library-allocated, packed HWC image of @p color / @p type (zeroed); NULL on failure. */
static inline pxc_image *pxc_test_new_image(pxc_context *ctx, uint32_t w, uint32_t h, pxc_color_spec color,
                                            pxc_sample_type type)
{
    pxc_image_desc d;
    pxc_image_desc_init(&d);
    d.width = w;
    d.height = h;
    d.num_channels = pxc_color_spec_channels(color);
    d.sample_type = type;
    d.color_spec = color;
    pxc_image *img = NULL;
    CHECK_OK(pxc_image_create(ctx, &d, NULL, &img));
    return img;
}

/* Detail text of the last pxc_test_decode / pxc_test_info failure ("" after success). */
static char pxc_test_detail[512];

/* Decodes bytes with @p params (NULL: defaults); *out NULL on error. */
static inline pxc_status pxc_test_decode(pxc_context *ctx, pxc_decoder *dec, const void *data, size_t size,
                                         const pxc_decode_params *params, pxc_image **out)
{
    *out = NULL;
    pxc_code_stream *s = NULL;
    pxc_status st = pxc_code_stream_from_memory(ctx, data, size, PXC_MEMORY_BORROW, &s);
    if (st != PXC_OK) return st;
    st = pxc_decode(dec, s, params, out);
    snprintf(pxc_test_detail, sizeof(pxc_test_detail), "%s", st == PXC_OK ? "" : pxc_decoder_last_error(dec));
    pxc_code_stream_destroy(s);
    return st;
}

/* Reads the image info of bytes. */
static inline pxc_status pxc_test_info(pxc_context *ctx, const void *data, size_t size, pxc_image_info *info)
{
    pxc_code_stream *s = NULL;
    pxc_status st = pxc_code_stream_from_memory(ctx, data, size, PXC_MEMORY_BORROW, &s);
    if (st != PXC_OK) return st;
    memset(info, 0, sizeof(*info));
    info->struct_size = sizeof(*info);
    st = pxc_code_stream_get_info(s, info);
    snprintf(pxc_test_detail, sizeof(pxc_test_detail), "%s", st == PXC_OK ? "" : pxc_code_stream_last_error(s));
    pxc_code_stream_destroy(s);
    return st;
}

#endif
