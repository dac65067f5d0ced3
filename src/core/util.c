/* Error detail, limits, budgets, output buffers, logging and small helpers. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

void pxc_err_clear(pxc_err *e)
{
    e->status = PXC_OK;
    e->msg[0] = '\0';
}

pxc_status pxc_err_set(pxc_err *e, pxc_status s, const char *fmt, ...)
{
    if (!e) return s;
    if (e->status == PXC_OK || e->msg[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
    }
    e->status = s;
    return s;
}

void pxc_err_prefix(pxc_err *e, const char *fmt, ...)
{
    char prefix[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    char tmp[PXC_DETAIL_MAX];
    size_t n = strlen(prefix);
    if (n > sizeof(tmp) - 3) n = sizeof(tmp) - 3;
    memcpy(tmp, prefix, n);
    tmp[n++] = ':';
    tmp[n++] = ' ';
    pxc_strlcpy(tmp + n, e->msg, sizeof(tmp) - n);
    memcpy(e->msg, tmp, sizeof(tmp));
}

pxc_status pxc_limits_check_dims(const pxc_limits *lim, uint64_t width, uint64_t height, pxc_err *e)
{
    if (width == 0 || height == 0)
        return pxc_err_set(e, PXC_ERROR_CORRUPT_DATA, "image has zero size (%llu x %llu)",
                           (unsigned long long)width, (unsigned long long)height);
    if (width > UINT32_MAX || height > UINT32_MAX)
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED, "image size %llu x %llu is too large",
                           (unsigned long long)width, (unsigned long long)height);
    uint64_t px = width * height;
    if (lim && lim->max_pixels && px > lim->max_pixels)
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED,
                           "image of %llu x %llu = %llu pixels exceeds the limit of %llu pixels "
                           "(raise pxc_context_settings.max_pixels)",
                           (unsigned long long)width, (unsigned long long)height,
                           (unsigned long long)px, (unsigned long long)lim->max_pixels);
    return PXC_OK;
}

void pxc_budget_init(pxc_budget *b, const pxc_limits *lim)
{
    b->max = lim ? lim->max_bytes : 0;
    b->used = 0;
}

pxc_status pxc_budget_take(pxc_budget *b, size_t n, pxc_err *e)
{
    if (!b) return PXC_OK;
    if (b->max && (n > b->max || b->used > b->max - n))
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED,
                           "needs %llu more bytes with %llu in use, over the limit of %llu bytes "
                           "per image (raise pxc_context_settings.max_bytes_per_image)",
                           (unsigned long long)n, (unsigned long long)b->used,
                           (unsigned long long)b->max);
    b->used += n;
    return PXC_OK;
}

void pxc_budget_give(pxc_budget *b, size_t n)
{
    if (!b) return;
    b->used = n > b->used ? 0 : b->used - n;
}

void *pxc_budget_malloc(pxc_budget *b, size_t n, pxc_err *e)
{
    if (pxc_budget_take(b, n, e) != PXC_OK) return NULL;
    void *p = malloc(n ? n : 1);
    if (!p) {
        pxc_budget_give(b, n);
        pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory allocating %zu bytes", n);
    }
    return p;
}

void *pxc_budget_calloc(pxc_budget *b, size_t count, size_t size, pxc_err *e)
{
    size_t n;
    if (!pxc_mul_size(count, size, &n)) {
        pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED, "allocation of %zu x %zu bytes overflows", count, size);
        return NULL;
    }
    void *p = pxc_budget_malloc(b, n, e);
    if (p) memset(p, 0, n);
    return p;
}

void pxc_budget_free(pxc_budget *b, void *p, size_t n)
{
    if (!p) return;
    free(p);
    pxc_budget_give(b, n);
}

void pxc_outbuf_init(pxc_outbuf *o, pxc_budget *budget)
{
    memset(o, 0, sizeof(*o));
    o->budget = budget;
}

uint8_t *pxc_outbuf_reserve(pxc_outbuf *o, size_t extra, pxc_err *e)
{
    size_t need;
    if (!pxc_add_size(o->size, extra, &need)) {
        pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED, "output size overflows");
        return NULL;
    }
    if (need > o->capacity) {
        size_t cap = o->capacity ? o->capacity : 4096;
        while (cap < need) {
            if (cap > SIZE_MAX / 2) {
                cap = need;
                break;
            }
            cap *= 2;
        }
        if (pxc_budget_take(o->budget, cap - o->capacity, e) != PXC_OK) return NULL;
        uint8_t *p = realloc(o->data, cap);
        if (!p) {
            pxc_budget_give(o->budget, cap - o->capacity);
            pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory growing the output to %zu bytes", cap);
            return NULL;
        }
        o->data = p;
        o->capacity = cap;
    }
    return o->data + o->size;
}

pxc_status pxc_outbuf_append(pxc_outbuf *o, const void *data, size_t n, pxc_err *e)
{
    if (n == 0) return PXC_OK;
    uint8_t *dst = pxc_outbuf_reserve(o, n, e);
    if (!dst) return e ? e->status : PXC_ERROR_OUT_OF_MEMORY;
    memcpy(dst, data, n);
    o->size += n;
    return PXC_OK;
}

uint8_t *pxc_outbuf_release(pxc_outbuf *o, size_t *size)
{
    uint8_t *p = o->data;
    *size = o->size;
    pxc_budget_give(o->budget, o->capacity);
    o->data = NULL;
    o->size = o->capacity = 0;
    return p;
}

void pxc_outbuf_free(pxc_outbuf *o)
{
    free(o->data);
    pxc_budget_give(o->budget, o->capacity);
    o->data = NULL;
    o->size = o->capacity = 0;
}

void pxc_log(const pxc_context *ctx, pxc_log_level level, const char *fmt, ...)
{
    if (!ctx || !ctx->settings.log_callback || level > ctx->settings.log_level) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ctx->settings.log_callback(ctx->settings.log_user_data, level, msg);
}

void pxc_strlcpy(char *dst, const char *src, size_t dst_size)
{
    size_t n = strlen(src);
    if (n >= dst_size) n = dst_size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

int pxc_strcasecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || ca == 0) return ca - cb;
    }
}

void pxc_last_error_init(pxc_last_error *le)
{
    pthread_mutex_init(&le->lock, NULL);
    le->text[0] = '\0';
}

void pxc_last_error_destroy(pxc_last_error *le)
{
    pthread_mutex_destroy(&le->lock);
}

pxc_status pxc_last_error_store(pxc_last_error *le, const pxc_err *e)
{
    pthread_mutex_lock(&le->lock);
    if (e->status == PXC_OK)
        le->text[0] = '\0';
    else
        memcpy(le->text, e->msg, sizeof(le->text));
    pthread_mutex_unlock(&le->lock);
    return e->status;
}

const char *pxc_last_error_get(const pxc_last_error *le)
{
    return le->text;
}

void pxc_fourcc_name(const uint8_t *t, char out[12])
{
    bool printable = true;
    for (int i = 0; i < 4; i++)
        if (t[i] < 0x20 || t[i] > 0x7E) printable = false;
    if (printable) {
        memcpy(out, t, 4);
        out[4] = '\0';
        return;
    }
    static const char hex[] = "0123456789abcdef";
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 4; i++) {
        out[2 + 2 * i] = hex[t[i] >> 4];
        out[3 + 2 * i] = hex[t[i] & 15];
    }
    out[10] = '\0';
}

pxc_status pxc_open_regular_file(const char *path, int *fd, uint64_t *size, pxc_err *e)
{
    *fd = -1;
    *size = 0;
    if (!path || !*path) return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "file path is %s", path ? "empty" : "NULL");
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0) return pxc_err_set(e, PXC_ERROR_IO, "cannot open '%s': %s", path, strerror(errno));
    struct stat st;
    memset(&st, 0, sizeof(st));
    if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
        int err = errno;
        close(f);
        return pxc_err_set(e, PXC_ERROR_IO, "cannot read '%s': %s", path,
                           S_ISDIR(st.st_mode) ? "it is a directory" : (err ? strerror(err) : "not a regular file"));
    }
    *fd = f;
    *size = (uint64_t)st.st_size;
    return PXC_OK;
}
