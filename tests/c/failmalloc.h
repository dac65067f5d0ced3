/*
 * Allocation-failure injection for one test executable.
 *
 * Include this header in exactly one translation unit of a test program: it
 * defines malloc, calloc, realloc, free, posix_memalign, aligned_alloc,
 * memalign, valloc and pvalloc. Because the executable defines them, the
 * dynamic linker binds libpixcodec.so and every library it loads (libjpeg,
 * libspng, OpenJPEG, libtiff, libwebp, zlib, ...) to these definitions, which
 * forward to glibc's __libc_* functions.
 *
 * While armed, every allocation call (malloc, calloc, realloc to a non-zero
 * size, the aligned ones) is counted, and call number fm_fail_at (1-based)
 * returns NULL with errno ENOMEM. Only calls made on the thread that armed
 * are counted and failed (see fm_should_fail). fm_fail_at == 0 means "never fail" (used to
 * count the allocations of a clean run). While disarmed nothing fails and
 * nothing is counted. fm_live is the number of live blocks (successful
 * allocations minus frees of non-NULL pointers), kept at all times.
 * Counters are atomic; the tests run the library on the calling thread only.
 */
#ifndef PXC_TEST_FAILMALLOC_H
#define PXC_TEST_FAILMALLOC_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t alignment, size_t size);

static atomic_int fm_armed;        /* 1 while allocations are counted */
static atomic_long fm_fail_at;     /* 1-based call number to fail, 0 = none */
static atomic_long fm_calls;       /* allocation calls since fm_arm() */
static atomic_long fm_injected;    /* failures returned since fm_arm() */
static atomic_long fm_live;        /* live blocks, always kept */
static atomic_long fm_foreign;     /* allocation calls of other threads since fm_arm() (never failed) */
static pthread_t fm_owner;         /* the thread that armed */
/* Where the caller of the failed allocation is recorded (may point into shared memory). */
static void *volatile *fm_caller_slot;

/* Starts counting; call number @p fail_at (1-based) fails, 0 = none. */
static inline void fm_arm(long fail_at)
{
    atomic_store(&fm_calls, 0);
    atomic_store(&fm_injected, 0);
    atomic_store(&fm_foreign, 0);
    fm_owner = pthread_self();
    atomic_store(&fm_fail_at, fail_at);
    atomic_store(&fm_armed, 1);
}

/* Stops counting and failing. */
static inline void fm_disarm(void)
{
    atomic_store(&fm_armed, 0);
}

#define fm_should_fail() fm_should_fail_at(__builtin_return_address(0))

/* true when this allocation call (made from code at @p caller) must fail. */
static inline __attribute__((always_inline)) int fm_should_fail_at(void *caller)
{
    if (!atomic_load_explicit(&fm_armed, memory_order_relaxed)) return 0;
    if (!pthread_equal(pthread_self(), fm_owner)) {
        /* helper threads of a codec library run concurrently with the armed thread,
         * so their call numbers are not reproducible: counted apart, never failed */
        atomic_fetch_add(&fm_foreign, 1);
        return 0;
    }
    long n = atomic_fetch_add(&fm_calls, 1) + 1;
    long at = atomic_load(&fm_fail_at);
    if (at != 0 && n == at) {
        atomic_fetch_add(&fm_injected, 1);
        if (fm_caller_slot) *fm_caller_slot = caller;
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

static inline void *fm_track(void *p)
{
    if (p) atomic_fetch_add_explicit(&fm_live, 1, memory_order_relaxed);
    return p;
}

void *malloc(size_t size)
{
    if (fm_should_fail()) return NULL;
    return fm_track(__libc_malloc(size));
}

void *calloc(size_t count, size_t size)
{
    if (fm_should_fail()) return NULL;
    return fm_track(__libc_calloc(count, size));
}

void free(void *ptr)
{
    if (!ptr) return;
    atomic_fetch_sub_explicit(&fm_live, 1, memory_order_relaxed);
    __libc_free(ptr);
}

void *realloc(void *ptr, size_t size)
{
    if (!ptr) {
        if (fm_should_fail()) return NULL;
        return fm_track(__libc_malloc(size));
    }
    if (size == 0) { /* glibc: frees and returns NULL */
        free(ptr);
        return NULL;
    }
    if (fm_should_fail()) return NULL; /* the old block stays valid */
    return __libc_realloc(ptr, size);
}

void *memalign(size_t alignment, size_t size)
{
    if (fm_should_fail()) return NULL;
    return fm_track(__libc_memalign(alignment, size));
}

void *aligned_alloc(size_t alignment, size_t size)
{
    if (fm_should_fail()) return NULL;
    return fm_track(__libc_memalign(alignment, size));
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    if (fm_should_fail()) return ENOMEM;
    void *p = fm_track(__libc_memalign(alignment, size));
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t size)
{
    return memalign(4096, size);
}

void *pvalloc(size_t size)
{
    return memalign(4096, (size + 4095) & ~(size_t)4095);
}

#endif /* PXC_TEST_FAILMALLOC_H */
