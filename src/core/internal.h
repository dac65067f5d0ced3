/*
 * Definitions of the core's opaque handles, shared by the core's files only.
 */
#ifndef PXC_CORE_INTERNAL_H
#define PXC_CORE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include "codec.h"
#include "threadpool.h"
#include "util.h"

/* Per-handle last-error text, guarded so concurrent users never tear it. */
typedef struct pxc_last_error {
    pthread_mutex_t lock;
    char text[PXC_DETAIL_MAX];
} pxc_last_error;

void pxc_last_error_init(pxc_last_error *le);
void pxc_last_error_destroy(pxc_last_error *le);
/* Stores e->msg (or clears on success); returns e->status. */
pxc_status pxc_last_error_store(pxc_last_error *le, const pxc_err *e);
const char *pxc_last_error_get(const pxc_last_error *le);

/* Bounded cache of released image buffers (bufcache.c). */
#define PXC_BUFCACHE_SLOTS 256
typedef struct pxc_bufcache {
    pthread_mutex_t lock;
    uint64_t capacity;          /* bytes */
    uint64_t held;              /* bytes in the cache */
    size_t count;
    struct { void *ptr; size_t size; } slot[PXC_BUFCACHE_SLOTS]; /* oldest first */
} pxc_bufcache;

void pxc_bufcache_init(pxc_bufcache *c, uint64_t capacity);
void pxc_bufcache_destroy(pxc_bufcache *c);
/* A buffer of at least @p size bytes (contents undefined), or NULL when out of memory. */
void *pxc_bufcache_get(pxc_bufcache *c, size_t size, size_t *actual);
/* Gives a buffer obtained from pxc_bufcache_get back (kept or freed). */
void pxc_bufcache_put(pxc_bufcache *c, void *ptr, size_t size);

struct pxc_context {
    pxc_context_settings settings;
    pxc_limits limits;
    pxc_pool *pool;
    pxc_bufcache images;
    pxc_last_error last_error;
};

struct pxc_code_stream {
    pxc_context *ctx;
    const uint8_t *data;
    size_t size;
    void *owned;          /* malloc'ed copy, or NULL */
    void *mapped;         /* mmap'ed region, or NULL */
    size_t mapped_size;
    char *path;           /* file streams only */
    pthread_mutex_t probe_lock;
    bool probed;
    pxc_err probe_err;    /* result of probing, kept */
    const pxc_codec_def *codec;
    pxc_image_info info;
    pxc_last_error last_error;
};

/* Probes and parses once; thread-safe. On failure e holds the reason. */
pxc_status pxc_code_stream_probe(pxc_code_stream *s, pxc_err *e);

struct pxc_image {
    pxc_image_desc desc;
    uint8_t *data;
    size_t size;
    bool owned;          /* data came from ctx->images and goes back there */
    bool device_owned;   /* data is device memory pixcodec allocated (freed with the image) */
    size_t capacity;     /* bytes of the owned buffer (>= size) */
    pxc_context *ctx;
};

/* Creates an image owning a buffer from the context's cache; NULL when out of memory. */
pxc_image *pxc_image_new_owned(pxc_context *ctx, const pxc_image_desc *resolved, size_t total);

/* Copies the samples of host image @p src into device image @p dst of the same shape, type and
 * layout; returns once they are there. */
pxc_status pxc_image_upload(pxc_image *dst, const pxc_image *src, pxc_err *e);

/* ---- backend selection shared by decoder and encoder (dispatch.c) ---- */

typedef struct pxc_backend_set {
    pxc_backend list[PXC_BACKEND_KIND_COUNT]; /* allowed, priority order, no duplicates */
    size_t count;
    bool all;   /* created with an empty list: every backend, load hints 1 */
} pxc_backend_set;

/* Validates and copies the caller's list. */
pxc_status pxc_backend_set_init(pxc_backend_set *set, const pxc_backend *list, size_t n, pxc_err *e);

/*
 * Checks that at least one implementation of any codec is available among
 * the allowed kinds (for decode or encode); the error lists why not.
 */
pxc_status pxc_backend_set_check_available(const pxc_backend_set *set, bool encode, pxc_err *e);

/*
 * Assigns each of @p count samples its first backend (index into set->list)
 * following the load hints.
 */
void pxc_backend_set_split(const pxc_backend_set *set, size_t count, uint8_t *assignment);

/* Why an implementation cannot run here (NULL when it can). */
const char *pxc_impl_unavailable_reason(const pxc_codec_impl *impl);

/*
 * Orders the implementations of @p codec for a sample whose first backend is
 * set->list[first]: that kind first, then the other allowed kinds in order;
 * within a kind by priority. Returns how many were written to @p out (max 32).
 */
size_t pxc_backend_set_chain(const pxc_backend_set *set, size_t first, const pxc_codec_def *codec,
                             const pxc_codec_impl **out, size_t max);

/* What decoders and encoders share: context, allowed backends, options, last error. */
typedef struct pxc_coder {
    pxc_context *ctx;
    pxc_backend_set backends;
    pxc_options *opts;
    int device_id;
    pxc_last_error last_error;
} pxc_coder;

/* Validates the settings decoders and encoders share and fills @p c; on failure nothing is left to free. */
pxc_status pxc_coder_init(pxc_coder *c, pxc_context *ctx, int device_id, const pxc_backend *backends, size_t n,
                          const char *options, bool encode, pxc_err *e);
void pxc_coder_cleanup(pxc_coder *c);

/*
 * Copies a caller's versioned struct (its first member is struct_size) over
 * @p dst, which holds the defaults, after checking the size; NULL @p src keeps
 * the defaults. @p what names the struct in the error.
 */
pxc_status pxc_struct_copy(void *dst, size_t dst_size, const void *src, const char *what, pxc_err *e);

/* Gives every sample of a batch that could not start the batch's error. */
void pxc_batch_fail_all(pxc_sample_status *statuses, size_t count, const pxc_err *e);

/* Whether a failure of one implementation should try the next one. */
bool pxc_status_allows_fallback(pxc_status s);

#endif /* PXC_CORE_INTERNAL_H */
