/*
 * Thread pool: a list of open loops; workers take indices from the first
 * loop that has any left. Indices are claimed with an atomic counter so a
 * loop of many small items costs one lock per worker, not per item.
 */
#include "threadpool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

typedef struct pxc_loop {
    void (*fn)(void *arg, size_t index);
    void *arg;
    size_t count;
    atomic_size_t next;      /* next index to claim */
    size_t done;             /* indices finished (under pool lock) */
    int active;              /* workers inside this loop (under pool lock) */
    pthread_cond_t finished; /* signalled when done == count and active == 0 */
    struct pxc_loop *next_loop;
} pxc_loop;

struct pxc_pool {
    pthread_mutex_t lock;
    pthread_cond_t work;
    pxc_loop *loops;        /* open loops, oldest first */
    bool shutdown;
    int num_workers;
    pthread_t *threads;
};

/* Runs indices of @p loop until none are left; returns how many it ran. */
static size_t drain(pxc_loop *loop)
{
    size_t ran = 0;
    for (;;) {
        size_t i = atomic_fetch_add_explicit(&loop->next, 1, memory_order_relaxed);
        if (i >= loop->count) break;
        loop->fn(loop->arg, i);
        ran++;
    }
    return ran;
}

static pxc_loop *first_open(pxc_pool *pool)
{
    for (pxc_loop *l = pool->loops; l; l = l->next_loop)
        if (atomic_load_explicit(&l->next, memory_order_relaxed) < l->count) return l;
    return NULL;
}

static void *worker_main(void *p)
{
    pxc_pool *pool = p;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        pxc_loop *loop = NULL;
        while (!pool->shutdown && (loop = first_open(pool)) == NULL)
            pthread_cond_wait(&pool->work, &pool->lock);
        if (pool->shutdown) break;
        loop->active++;
        pthread_mutex_unlock(&pool->lock);
        size_t ran = drain(loop);
        pthread_mutex_lock(&pool->lock);
        loop->done += ran;
        loop->active--;
        if (loop->done == loop->count && loop->active == 0) pthread_cond_signal(&loop->finished);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

pxc_status pxc_pool_create(int num_workers, pxc_pool **out)
{
    *out = NULL;
    pxc_pool *pool = calloc(1, sizeof(*pool));
    if (!pool) return PXC_ERROR_OUT_OF_MEMORY;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->work, NULL);
    if (num_workers > 0) {
        pool->threads = calloc((size_t)num_workers, sizeof(pthread_t));
        if (!pool->threads) {
            pxc_pool_destroy(pool);
            return PXC_ERROR_OUT_OF_MEMORY;
        }
        for (int i = 0; i < num_workers; i++) {
            if (pthread_create(&pool->threads[i], NULL, worker_main, pool) != 0) {
                pxc_pool_destroy(pool);
                return PXC_ERROR_OUT_OF_MEMORY;
            }
            pool->num_workers++;
        }
    }
    *out = pool;
    return PXC_OK;
}

void pxc_pool_destroy(pxc_pool *pool)
{
    if (!pool) return;
    pthread_mutex_lock(&pool->lock);
    pool->shutdown = true;
    pthread_cond_broadcast(&pool->work);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->num_workers; i++) pthread_join(pool->threads[i], NULL);
    free(pool->threads);
    pthread_cond_destroy(&pool->work);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}

void pxc_pool_run(pxc_pool *pool, size_t count, void (*fn)(void *arg, size_t index), void *arg)
{
    if (count == 0) return;
    if (!pool || pool->num_workers == 0 || count == 1) {
        for (size_t i = 0; i < count; i++) fn(arg, i);
        return;
    }
    pxc_loop loop = {.fn = fn, .arg = arg, .count = count};
    atomic_init(&loop.next, 0);
    pthread_cond_init(&loop.finished, NULL);

    pthread_mutex_lock(&pool->lock);
    pxc_loop **tail = &pool->loops;
    while (*tail) tail = &(*tail)->next_loop;
    *tail = &loop;
    pthread_cond_broadcast(&pool->work);
    loop.active++;
    pthread_mutex_unlock(&pool->lock);

    size_t ran = drain(&loop);

    pthread_mutex_lock(&pool->lock);
    loop.done += ran;
    loop.active--;
    while (loop.done < loop.count || loop.active > 0) pthread_cond_wait(&loop.finished, &pool->lock);
    for (pxc_loop **p = &pool->loops; *p; p = &(*p)->next_loop) {
        if (*p == &loop) {
            *p = loop.next_loop;
            break;
        }
    }
    pthread_mutex_unlock(&pool->lock);
    pthread_cond_destroy(&loop.finished);
}
