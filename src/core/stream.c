/* Code streams from memory or files, probed lazily and once. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static pxc_code_stream *stream_new(pxc_context *ctx)
{
    pxc_code_stream *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->ctx = ctx;
    pthread_mutex_init(&s->probe_lock, NULL);
    pxc_last_error_init(&s->last_error);
    pxc_err_clear(&s->probe_err);
    return s;
}

pxc_status pxc_code_stream_from_memory(pxc_context *ctx, const void *data, size_t size,
                                       pxc_memory_mode mode, pxc_code_stream **out)
{
    if (!out) return PXC_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (!ctx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    if ((!data && size) || (mode != PXC_MEMORY_BORROW && mode != PXC_MEMORY_COPY)) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT,
                    !data ? "code stream data is NULL with size %zu" : "invalid memory mode (size %zu)", size);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    pxc_code_stream *s = stream_new(ctx);
    if (!s) return PXC_ERROR_OUT_OF_MEMORY;
    if (mode == PXC_MEMORY_COPY && size) {
        s->owned = malloc(size);
        if (!s->owned) {
            pxc_code_stream_destroy(s);
            pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory copying a code stream of %zu bytes", size);
            return pxc_last_error_store(&ctx->last_error, &e);
        }
        memcpy(s->owned, data, size);
        s->data = s->owned;
    } else {
        s->data = data;
    }
    s->size = size;
    *out = s;
    return PXC_OK;
}

pxc_status pxc_code_stream_from_file(pxc_context *ctx, const char *path, pxc_code_stream **out)
{
    if (!out) return PXC_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (!ctx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    int fd;
    uint64_t file_size;
    if (pxc_open_regular_file(path, &fd, &file_size, &e) != PXC_OK) return pxc_last_error_store(&ctx->last_error, &e);
    pxc_code_stream *s = stream_new(ctx);
    if (!s || !(s->path = strdup(path))) {
        close(fd);
        pxc_code_stream_destroy(s);
        return PXC_ERROR_OUT_OF_MEMORY;
    }
    size_t size = (size_t)file_size;
    if (size > 0) {
        void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            s->mapped = m;
            s->mapped_size = size;
            s->data = m;
        } else {
            /* e.g. a file system without mmap: read it */
            s->owned = malloc(size);
            size_t got = 0;
            while (s->owned && got < size) {
                ssize_t r = read(fd, (uint8_t *)s->owned + got, size - got);
                if (r < 0 && errno == EINTR) continue;
                if (r <= 0) break;
                got += (size_t)r;
            }
            if (!s->owned || got != size) {
                pxc_status fail = s->owned ? PXC_ERROR_IO : PXC_ERROR_OUT_OF_MEMORY;
                close(fd);
                pxc_code_stream_destroy(s);
                pxc_err_set(&e, fail, "cannot read '%s'", path);
                return pxc_last_error_store(&ctx->last_error, &e);
            }
            s->data = s->owned;
        }
    }
    close(fd);
    s->size = size;
    *out = s;
    return PXC_OK;
}

void pxc_code_stream_destroy(pxc_code_stream *s)
{
    if (!s) return;
    if (s->mapped) munmap(s->mapped, s->mapped_size);
    free(s->owned);
    free(s->path);
    pthread_mutex_destroy(&s->probe_lock);
    pxc_last_error_destroy(&s->last_error);
    free(s);
}

pxc_status pxc_code_stream_probe(pxc_code_stream *s, pxc_err *e)
{
    pthread_mutex_lock(&s->probe_lock);
    if (!s->probed) {
        pxc_err *pe = &s->probe_err;
        pxc_err_clear(pe);
        memset(&s->info, 0, sizeof(s->info));
        if (s->size == 0) {
            pxc_err_set(pe, PXC_ERROR_EMPTY_INPUT, "the code stream is empty (0 bytes)");
        } else if (!(s->codec = pxc_registry_probe(s->data, s->size))) {
            pxc_err_set(pe, PXC_ERROR_UNSUPPORTED_FORMAT,
                        "no codec recognises the data (%zu bytes starting %02x %02x %02x %02x)", s->size,
                        s->data[0], s->size > 1 ? s->data[1] : 0, s->size > 2 ? s->data[2] : 0,
                        s->size > 3 ? s->data[3] : 0);
        } else {
            s->info.struct_size = sizeof(s->info);
            s->info.orientation = 1;
            s->info.num_images = 1;
            pxc_strlcpy(s->info.codec, s->codec->name, sizeof(s->info.codec));
            if (s->codec->parse(s->data, s->size, &s->info, pe) != PXC_OK) {
                if (pe->status == PXC_OK) pxc_err_set(pe, PXC_ERROR_INTERNAL, "parse failed without a reason");
                size_t nl = strlen(s->codec->name);
                if (strncasecmp(pe->msg, s->codec->name, nl) != 0) pxc_err_prefix(pe, "%s", s->codec->name);
            } else if (s->info.orientation < 1 || s->info.orientation > 8) {
                s->info.orientation = 1;
            }
        }
        s->probed = true;
    }
    pthread_mutex_unlock(&s->probe_lock);
    if (s->probe_err.status != PXC_OK && e) *e = s->probe_err;
    return s->probe_err.status;
}

pxc_status pxc_code_stream_get_info(pxc_code_stream *s, pxc_image_info *info)
{
    if (!s) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    if (!info || info->struct_size < sizeof(size_t) || info->struct_size > sizeof(*info)) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "info is NULL or its struct_size is not set");
        return pxc_last_error_store(&s->last_error, &e);
    }
    pxc_status st = pxc_code_stream_probe(s, &e);
    pxc_last_error_store(&s->last_error, &e);
    if (st != PXC_OK) return st;
    size_t n = info->struct_size;
    memcpy(info, &s->info, n);
    info->struct_size = n;
    return PXC_OK;
}

const void *pxc_code_stream_data(const pxc_code_stream *s, size_t *size)
{
    if (!s) {
        if (size) *size = 0;
        return NULL;
    }
    if (size) *size = s->size;
    return s->data;
}

const char *pxc_code_stream_path(const pxc_code_stream *s)
{
    return s ? s->path : NULL;
}

const char *pxc_code_stream_last_error(const pxc_code_stream *s)
{
    return s ? pxc_last_error_get(&s->last_error) : "no code stream (NULL)";
}
