/*
 * Internal helpers shared by the core and the codecs: error detail, checked
 * size arithmetic, per-image allocation budgets, growable output buffers and
 * logging. Nothing here is exported.
 */
#ifndef PXC_CORE_UTIL_H
#define PXC_CORE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pixcodec/pixcodec.h"

#if defined(__GNUC__)
#  define PXC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#  define PXC_UNUSED __attribute__((unused))
#else
#  define PXC_PRINTF(f, a)
#  define PXC_UNUSED
#endif

/* ---- error detail ------------------------------------------------------ */

/** Status plus the sentence that explains it. */
typedef struct pxc_err {
    pxc_status status;
    char msg[PXC_DETAIL_MAX];
} pxc_err;

/** Clears @p e to PXC_OK with empty text. */
void pxc_err_clear(pxc_err *e);

/** Sets status and formatted text (when @p e has none yet) and returns @p s. NULL @p e allowed. */
pxc_status pxc_err_set(pxc_err *e, pxc_status s, const char *fmt, ...) PXC_PRINTF(3, 4);

/** Prepends "prefix: " to the text of @p e. */
void pxc_err_prefix(pxc_err *e, const char *fmt, ...) PXC_PRINTF(2, 3);

/* ---- checked arithmetic ----------------------------------------------- */

/** *out = a * b; false on overflow. */
static inline bool pxc_mul_size(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/** *out = a + b; false on overflow. */
static inline bool pxc_add_size(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

/** *out = a * b * c; false on overflow. */
static inline bool pxc_mul3_size(size_t a, size_t b, size_t c, size_t *out)
{
    size_t t;
    return pxc_mul_size(a, b, &t) && pxc_mul_size(t, c, out);
}

/* ---- limits and budgets ----------------------------------------------- */

/** Limits of a context, copied into every job. 0 = unlimited. */
typedef struct pxc_limits {
    uint64_t max_pixels;
    uint64_t max_bytes;
} pxc_limits;

/**
 * Checks width x height against the pixel limit (and that neither is 0).
 * Error text names the limit and how to raise it.
 */
pxc_status pxc_limits_check_dims(const pxc_limits *lim, uint64_t width, uint64_t height, pxc_err *e);

/**
 * Opens @p path for reading (O_CLOEXEC) and checks that it is a regular file.
 * On success *fd is the open descriptor (the caller closes it) and *size the
 * file's size; on failure e says why (INVALID_ARGUMENT for an empty path, IO
 * for the rest, naming the path) and nothing is left open.
 */
pxc_status pxc_open_regular_file(const char *path, int *fd, uint64_t *size, pxc_err *e);

/**
 * Allocation budget of one image: every allocation a decode or encode makes
 * for one image goes through it, so the per-image byte limit covers working
 * memory as well as the output.
 */
typedef struct pxc_budget {
    uint64_t max;   /* 0 = unlimited */
    uint64_t used;
} pxc_budget;

void pxc_budget_init(pxc_budget *b, const pxc_limits *lim);

/** Reserves @p n bytes against the budget (no allocation). */
pxc_status pxc_budget_take(pxc_budget *b, size_t n, pxc_err *e);
/** Returns @p n reserved bytes. */
void pxc_budget_give(pxc_budget *b, size_t n);

/** malloc through the budget; NULL with @p e set on failure or when over budget. */
void *pxc_budget_malloc(pxc_budget *b, size_t n, pxc_err *e);
/** calloc(count, size) through the budget, overflow-checked. */
void *pxc_budget_calloc(pxc_budget *b, size_t count, size_t size, pxc_err *e);
/** Frees a block of @p n bytes obtained from pxc_budget_malloc/calloc. Accepts NULL. */
void pxc_budget_free(pxc_budget *b, void *p, size_t n);

/* ---- growable output -------------------------------------------------- */

/** Growable byte buffer for encoders; the bytes are malloc'ed (pxc_free() frees them). */
typedef struct pxc_outbuf {
    uint8_t *data;
    size_t size;
    size_t capacity;
    pxc_budget *budget;  /* may be NULL */
} pxc_outbuf;

void pxc_outbuf_init(pxc_outbuf *o, pxc_budget *budget);
/** Makes room for @p extra more bytes and returns where they go (size not changed). */
uint8_t *pxc_outbuf_reserve(pxc_outbuf *o, size_t extra, pxc_err *e);
pxc_status pxc_outbuf_append(pxc_outbuf *o, const void *data, size_t n, pxc_err *e);
/** Hands the bytes to the caller (reset to empty). */
uint8_t *pxc_outbuf_release(pxc_outbuf *o, size_t *size);
void pxc_outbuf_free(pxc_outbuf *o);

/* ---- logging ---------------------------------------------------------- */

void pxc_log(const pxc_context *ctx, pxc_log_level level, const char *fmt, ...) PXC_PRINTF(3, 4);

/* ---- small string helpers --------------------------------------------- */

/** Bounded copy that always terminates (dst_size > 0). */
void pxc_strlcpy(char *dst, const char *src, size_t dst_size);

/** Case-insensitive ASCII comparison. */
int pxc_strcasecmp(const char *a, const char *b);

/** A four-byte tag (PNG chunk type, RIFF FourCC) for error text: the characters when all are
 *  printable ASCII, else "0x" and 8 hex digits. */
void pxc_fourcc_name(const uint8_t *tag, char out[12]);

/* ---- byte readers ----------------------------------------------------- */

static inline uint16_t pxc_rd_be16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint16_t pxc_rd_le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t pxc_rd_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint32_t pxc_rd_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

#endif /* PXC_CORE_UTIL_H */
