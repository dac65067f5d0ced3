/*
 * A bounded cache of released image buffers. Decoding a batch of large
 * images into fresh memory costs a page fault per 4 KiB of output; buffers
 * returned by pxc_image_destroy() are kept (up to the context's
 * image_cache_bytes) and handed out again for images of a similar size.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void pxc_bufcache_init(pxc_bufcache *c, uint64_t capacity)
{
    memset(c, 0, sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    c->capacity = capacity;
}

void pxc_bufcache_destroy(pxc_bufcache *c)
{
    for (size_t i = 0; i < c->count; i++) free(c->slot[i].ptr);
    c->count = 0;
    c->held = 0;
    pthread_mutex_destroy(&c->lock);
}

static void remove_slot(pxc_bufcache *c, size_t i)
{
    c->held -= c->slot[i].size;
    memmove(&c->slot[i], &c->slot[i + 1], (c->count - i - 1) * sizeof(c->slot[0]));
    c->count--;
}

void *pxc_bufcache_get(pxc_bufcache *c, size_t size, size_t *actual)
{
    *actual = size;
    if (c->capacity) {
        pthread_mutex_lock(&c->lock);
        /* best fit among buffers at most 25% larger than asked */
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < c->count; i++) {
            size_t s = c->slot[i].size;
            if (s >= size && s - size <= size / 4 && (best == SIZE_MAX || s < c->slot[best].size)) best = i;
        }
        if (best != SIZE_MAX) {
            void *p = c->slot[best].ptr;
            *actual = c->slot[best].size;
            remove_slot(c, best);
            pthread_mutex_unlock(&c->lock);
            return p;
        }
        pthread_mutex_unlock(&c->lock);
    }
    return malloc(size ? size : 1);
}

void pxc_bufcache_put(pxc_bufcache *c, void *ptr, size_t size)
{
    if (!ptr) return;
    if (!c->capacity || size > c->capacity) {
        free(ptr);
        return;
    }
    void *evicted[PXC_BUFCACHE_SLOTS];
    size_t n_evicted = 0;
    pthread_mutex_lock(&c->lock);
    while (c->count > 0 && (c->count == PXC_BUFCACHE_SLOTS || c->held + size > c->capacity)) {
        evicted[n_evicted++] = c->slot[0].ptr;
        remove_slot(c, 0);
    }
    c->slot[c->count].ptr = ptr;
    c->slot[c->count].size = size;
    c->count++;
    c->held += size;
    pthread_mutex_unlock(&c->lock);
    for (size_t i = 0; i < n_evicted; i++) free(evicted[i]);
}
