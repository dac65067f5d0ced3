/*
 * A fixed pool of worker threads running parallel loops. Several loops
 * (from several calling threads) may run at once; the calling thread works
 * on its own loop too, so a pool of N-1 workers keeps N cores busy.
 */
#ifndef PXC_CORE_THREADPOOL_H
#define PXC_CORE_THREADPOOL_H

#include <stddef.h>
#include "pixcodec/status.h"

typedef struct pxc_pool pxc_pool;

/* Starts @p num_workers threads (0 allowed: everything runs on the caller). */
pxc_status pxc_pool_create(int num_workers, pxc_pool **out);
void pxc_pool_destroy(pxc_pool *pool);

/* Calls fn(arg, i) for i in [0, count) on the pool and the caller; returns when all are done. */
void pxc_pool_run(pxc_pool *pool, size_t count, void (*fn)(void *arg, size_t index), void *arg);

#endif
