/*
 * Allocation-failure test: for every n along a decode (and an encode) of each
 * format, the n-th allocation fails. Every run must end either in PXC_OK with
 * the reference pixels (the failure was not reached, or was handled), or in
 * an error status with a detail text and no image, with no leaked block and
 * no crash. Also one pxc_decode_batch of 3 streams, n along the whole batch.
 *
 * The malloc family is replaced for the whole process (failmalloc.h), so the
 * library and the codec libraries underneath are covered. Each input's runs
 * happen in a forked child so that a crash is reported with its (input, n)
 * and the remaining n values still run; after a round that went wrong the
 * child stops (its heap may be damaged) and a fresh one goes on.
 *
 * Environment: PXC_ALLOC_FAIL_ONLY=<label> runs one input; with
 * PXC_ALLOC_FAIL_N=<n> as well, one round in this process (for a debugger).
 * Under valgrind, keep its malloc out of the executable's replacements:
 *   valgrind --soname-synonyms=somalloc=nouserintercepts --leak-check=full test_alloc_fail
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <dlfcn.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "failmalloc.h"
#include "test.h"

static pxc_context *ctx;
static pxc_decoder *dec;
static pxc_encoder *enc;

/*
 * Known bugs. A round that goes wrong (crash, hang, leak, wrong result or
 * wrong status) is not counted as a failure when an entry matches its input
 * label (prefix), the kind of fault, and the library whose code made the
 * allocation that failed (and n, where given); it is counted and printed
 * under the entry's reason instead. Anything else is a failure.
 */
enum { B_CRASH = 1, B_LEAK = 2, B_WRONG = 4, B_STATUS = 8 };

typedef struct known_bug {
    const char *label;   /* prefix of the input label */
    const char *lib;     /* substring of the library that made the failing allocation */
    int kinds;           /* B_* faults this entry covers */
    long n;              /* 0 = any n */
    const char *reason;
} known_bug;

static const known_bug known_bugs[] = {
    {"decode tiff/", "libtiff.so", B_CRASH, 0,
     "libtiff 4.5.0 _TIFFMergeFields (tif_dirinfo.c): a failed realloc of the field array (1232 bytes, "
     "_TIFFCheckRealloc under TIFFSetField in TIFFReadDirectory) leaves tif_fields NULL; SIGSEGV later"},
    {"encode tiff/", "libtiff.so", B_CRASH, 0,
     "libtiff 4.5.0 _TIFFMergeFields: same failed field-array realloc under TIFFSetField in "
     "tiff_libtiff_encode; SIGSEGV in TIFFClose -> TIFFFlush"},
    {"decode tiff/rgba", "libtiff.so", B_WRONG, 0,
     "libtiff 4.5.0 setExtraSamples: the malloc(2) of the ExtraSamples array fails silently "
     "(_TIFFsetShortArray returns nothing), the tag is lost, PXC_OK with alpha not un-premultiplied"},
    {"encode tiff/rgba", "libtiff.so", B_WRONG, 0,
     "libtiff 4.5.0 setExtraSamples: the malloc(2) fails silently; the file is written without "
     "ExtraSamples, PXC_OK with a stream that decodes to other pixels"},
    {"decode webp/rgba", "libwebp.so", B_CRASH, 0,
     "libwebp 1.2.4: a failed malloc(512) while decoding the alpha plane (under WebPDecode) ends in SIGSEGV"},
    {"encode webp/rgba", "libwebp.so", B_WRONG, 0,
     "libwebp 1.2.4: a failed malloc(560) in the alpha/lossless encoder is swallowed, WebPEncode "
     "succeeds with a stream that decodes to other pixels"},
    {"decode jpeg2k/", "libopenjp2.so", B_CRASH | B_LEAK | B_WRONG, 0,
     "OpenJPEG 2.5.0: failed allocations inside opj_decode crash (e.g. malloc(192) under opj_decode), "
     "hang the thread pool, leak, or are swallowed (PXC_OK with wrong pixels, malloc(16) in the tile decoder)"},
    {"encode jpeg2k/", "libopenjp2.so", B_CRASH | B_LEAK | B_WRONG, 0,
     "OpenJPEG 2.5.0: failed allocations inside opj_start_compress/opj_encode crash or double free "
     "(opj_procedure_list_add_procedure frees the list on a failed realloc and leaves the pointer: "
     "heap corruption), leak, or are swallowed"},
    {NULL, NULL, 0, 0, NULL},
};

/* File name of the library that holds @p addr ("?" when unknown). */
static const char *lib_of(void *addr)
{
    Dl_info info;
    if (!addr || !dladdr(addr, &info) || !info.dli_fname) return "?";
    const char *slash = strrchr(info.dli_fname, '/');
    return slash ? slash + 1 : info.dli_fname;
}

/* ---- results shared between the forked child and the parent ------------- */

#define MAX_EXAMPLES 4

typedef struct results {
    long cur_n;        /* n the child is running (crash attribution) */
    long tried, ok, oom, other, leaks, bad, known;
    int checks, failures;
    void *caller;      /* caller of the failed allocation of the current round */
    int round_bad;     /* B_* faults of the current round */
    int dirty;         /* a round went wrong: its heap may be damaged, go on in a fresh child */
    char round_msg[400];
    long known_hits[16];
    char examples[MAX_EXAMPLES][320];
    int n_examples;
} results;

static results *shared;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void note(const char *fmt, ...)
{
    if (shared->n_examples >= MAX_EXAMPLES) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(shared->examples[shared->n_examples++], sizeof(shared->examples[0]), fmt, ap);
    va_end(ap);
}

/* A check inside a child: a failure marks the round (judged at its end, see finish_round). */
#define CCHECK(kind, cond, ...)                                                          \
    do {                                                                                 \
        shared->checks++;                                                                \
        if (!(cond)) {                                                                   \
            if (!shared->round_bad)                                                      \
                snprintf(shared->round_msg, sizeof(shared->round_msg), __VA_ARGS__);     \
            shared->round_bad |= (kind);                                                 \
        }                                                                                \
    } while (0)

static const known_bug *find_known(const char *label, long n, int kinds)
{
    const char *lib = lib_of(shared->caller);
    for (const known_bug *k = known_bugs; k->label; k++)
        if (strncmp(label, k->label, strlen(k->label)) == 0 && strstr(lib, k->lib) && (kinds & ~k->kinds) == 0 &&
            (k->n == 0 || k->n == n))
            return k;
    return NULL;
}

/* Judges the faults of a round: a known bug, or a failure. */
static void finish_round(const char *label, long n)
{
    if (!shared->round_bad) return;
    shared->dirty = 1;
    const known_bug *k = find_known(label, n, shared->round_bad);
    if (k) {
        shared->known++;
        shared->known_hits[k - known_bugs]++;
    } else {
        shared->failures++;
        shared->bad++;
        fprintf(stderr, "%s n=%ld: FAILED (allocation made in %s): %s\n", label, n, lib_of(shared->caller),
                shared->round_msg);
    }
    shared->round_bad = 0;
}

/* ---- inputs ---------------------------------------------------------------- */

typedef struct source {
    const char *name;
    pxc_color_spec color;
    uint32_t ch;
    pxc_image *img;
} source;

static source sources[] = {
    {"rgb", PXC_COLOR_RGB, 3, NULL},
    {"gray", PXC_COLOR_GRAY, 1, NULL},
    {"rgba", PXC_COLOR_RGBA, 4, NULL},
};
#define N_SOURCES (sizeof(sources) / sizeof(sources[0]))

static const char *const formats[] = {"jpeg", "png", "bmp", "pnm", "jpeg2k", "tiff", "webp"};
#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

static pxc_image *make_source(pxc_color_spec color, uint32_t ch)
{
    pxc_image_desc d;
    pxc_image_desc_init(&d);
    d.width = 17;
    d.height = 13;
    d.num_channels = ch;
    d.sample_type = PXC_SAMPLE_U8;
    d.color_spec = color;
    pxc_image *img = NULL;
    if (pxc_image_create(ctx, &d, NULL, &img) != PXC_OK) return NULL;
    const pxc_image_desc *r = pxc_image_get_desc(img);
    uint8_t *p = pxc_image_data(img);
    for (uint32_t y = 0; y < d.height; y++)
        for (uint32_t x = 0; x < d.width; x++)
            for (uint32_t c = 0; c < ch; c++)
                p[y * r->row_stride + x * ch + c] =
                    (uint8_t)(c == 3 ? 64 + 11 * x + 5 * y : 20 + 9 * x + 13 * y + 60 * c);
    return img;
}

static bool same_image(const pxc_image *a, const pxc_image *b)
{
    const pxc_image_desc *da = pxc_image_get_desc(a), *db = pxc_image_get_desc(b);
    if (da->width != db->width || da->height != db->height || da->num_channels != db->num_channels ||
        da->sample_type != db->sample_type || da->layout != db->layout)
        return false;
    size_t row = (size_t)da->width * da->num_channels * pxc_sample_size(da->sample_type);
    const uint8_t *pa = pxc_image_data(a), *pb = pxc_image_data(b);
    for (uint32_t y = 0; y < da->height; y++)
        if (memcmp(pa + y * da->row_stride, pb + y * db->row_stride, row) != 0) return false;
    return true;
}

/* ---- one decode / encode / batch run -------------------------------------- */

typedef struct dec_input {
    char label[64];
    void *data;
    size_t size;
    pxc_decode_params params;
    pxc_image *ref;
} dec_input;

typedef struct enc_input {
    char label[64];
    const char *codec;
    const pxc_image *img;
    void *ref;
    size_t ref_size;
} enc_input;

#define BATCH 3
typedef struct batch_input {
    char label[64];
    dec_input *in[BATCH];
} batch_input;

typedef enum kind { K_DECODE, K_ENCODE, K_BATCH } kind;

/* Decode with the n-th allocation failing (0: none). Returns the status. */
static pxc_status run_decode(const dec_input *in, long n, pxc_image **out, char *detail, size_t dsize)
{
    *out = NULL;
    detail[0] = '\0';
    pxc_code_stream *s = NULL;
    fm_arm(n);
    pxc_status st = pxc_code_stream_from_memory(ctx, in->data, in->size, PXC_MEMORY_COPY, &s);
    if (st == PXC_OK) {
        st = pxc_decode(dec, s, &in->params, out);
        if (st != PXC_OK) snprintf(detail, dsize, "%s", pxc_decoder_last_error(dec));
    } else {
        snprintf(detail, dsize, "%s", pxc_context_last_error(ctx));
    }
    pxc_code_stream_destroy(s);
    fm_disarm();
    return st;
}

static pxc_status run_encode(const enc_input *in, long n, void **out, size_t *out_size, char *detail,
                             size_t dsize)
{
    *out = NULL;
    *out_size = 0;
    detail[0] = '\0';
    fm_arm(n);
    pxc_status st = pxc_encode(enc, in->img, in->codec, NULL, out, out_size);
    fm_disarm();
    if (st != PXC_OK) snprintf(detail, dsize, "%s", pxc_encoder_last_error(enc));
    return st;
}

/* Batch run; *created is false when creating the streams failed (then no batch ran). */
static pxc_status run_batch(const batch_input *in, long n, pxc_image **imgs, pxc_sample_status *ss,
                            bool *created)
{
    pxc_code_stream *s[BATCH] = {NULL};
    pxc_status st = PXC_OK;
    for (int i = 0; i < BATCH; i++) imgs[i] = NULL;
    fm_arm(n);
    for (int i = 0; i < BATCH && st == PXC_OK; i++)
        st = pxc_code_stream_from_memory(ctx, in->in[i]->data, in->in[i]->size, PXC_MEMORY_COPY, &s[i]);
    *created = st == PXC_OK;
    if (st == PXC_OK) {
        for (int i = 0; i < BATCH; i++) ss[i].status = PXC_ERROR_NOT_PROCESSED;
        st = pxc_decode_batch(dec, BATCH, s, &in->in[0]->params, imgs, ss);
    } else {
        for (int i = 0; i < BATCH; i++) {
            ss[i].status = st;
            snprintf(ss[i].detail, sizeof(ss[i].detail), "%s", pxc_context_last_error(ctx));
        }
    }
    for (int i = 0; i < BATCH; i++) pxc_code_stream_destroy(s[i]);
    fm_disarm();
    return st;
}

/* Classifies one error outcome: OUT_OF_MEMORY, or another status with a detail. */
static void judge_error(const char *label, long n, pxc_status st, const char *detail)
{
    if (st == PXC_ERROR_OUT_OF_MEMORY) {
        shared->oom++;
    } else {
        shared->other++;
        note("n=%ld: %s (%s)", n, pxc_strerror(st), detail);
    }
    CCHECK(B_STATUS, atomic_load(&fm_injected) > 0, "%s n=%ld: error %d (%s) although no allocation failed: %s", label, n,
           (int)st, pxc_strerror(st), detail);
    /* OUT_OF_MEMORY speaks for itself; any other status must say why */
    CCHECK(B_STATUS, st == PXC_ERROR_OUT_OF_MEMORY || detail[0] != '\0', "%s n=%ld: error %d (%s) with an empty detail text",
           label, n, (int)st, pxc_strerror(st));
}

/* One (input, n) round; the leak check compares live blocks before and after. */
static void round_once(kind k, const void *input, long n)
{
    const char *label = (const char *)input; /* every input struct starts with its label */
    char detail[PXC_DETAIL_MAX + 64];
    long live0 = atomic_load(&fm_live);
    if (k == K_DECODE) {
        const dec_input *in = input;
        pxc_image *img = NULL;
        pxc_status st = run_decode(in, n, &img, detail, sizeof(detail));
        if (st == PXC_OK) {
            shared->ok++;
            CCHECK(B_WRONG, img && same_image(img, in->ref), "%s n=%ld: PXC_OK but the pixels differ from the reference",
                   label, n);
        } else {
            CCHECK(B_STATUS, img == NULL, "%s n=%ld: error %d but an image was returned", label, n, (int)st);
            judge_error(label, n, st, detail);
        }
        pxc_image_destroy(img);
    } else if (k == K_ENCODE) {
        const enc_input *in = input;
        void *out = NULL;
        size_t size = 0;
        pxc_status st = run_encode(in, n, &out, &size, detail, sizeof(detail));
        if (st == PXC_OK) {
            shared->ok++;
            if (!out || size != in->ref_size || memcmp(out, in->ref, size) != 0) {
                /* a handled failure may choose another (valid) coding: the pixels must still agree */
                bool same = false;
                if (out) {
                    pxc_image *a = NULL, *b = NULL;
                    pxc_decode_params dp;
                    pxc_decode_params_default(&dp);
                    dp.color_spec = PXC_COLOR_RGBA;
                    if (pxc_test_decode(ctx, dec, out, size, &dp, &a) == PXC_OK &&
                        pxc_test_decode(ctx, dec, in->ref, in->ref_size, &dp, &b) == PXC_OK)
                        same = same_image(a, b);
                    pxc_image_destroy(a);
                    pxc_image_destroy(b);
                }
                if (same) note("n=%ld: PXC_OK with other bytes (%zu vs %zu) that decode to the same pixels", n,
                               size, in->ref_size);
                CCHECK(B_WRONG, same, "%s n=%ld: PXC_OK but the output (%zu bytes) does not decode to the reference pixels",
                       label, n, size);
            }
        } else {
            CCHECK(B_STATUS, out == NULL && size == 0, "%s n=%ld: error %d but output returned", label, n, (int)st);
            judge_error(label, n, st, detail);
        }
        pxc_free(out);
    } else {
        const batch_input *in = input;
        pxc_image *imgs[BATCH];
        pxc_sample_status ss[BATCH];
        memset(ss, 0, sizeof(ss));
        bool created = false;
        pxc_status st = run_batch(in, n, imgs, ss, &created);
        if (!created) { /* a stream could not be created: an ordinary error */
            CCHECK(B_STATUS, imgs[0] == NULL && imgs[1] == NULL && imgs[2] == NULL, "%s n=%ld: images without a batch", label, n);
            judge_error(label, n, st, ss[0].detail);
            goto batch_done;
        }
        pxc_status first = PXC_OK;
        bool all_ok = true;
        for (int i = 0; i < BATCH; i++) {
            if (ss[i].status == PXC_OK) {
                CCHECK(B_WRONG, imgs[i] && same_image(imgs[i], in->in[i]->ref),
                       "%s n=%ld: sample %d PXC_OK but the pixels differ", label, n, i);
            } else {
                all_ok = false;
                if (first == PXC_OK) first = ss[i].status;
                CCHECK(B_STATUS, imgs[i] == NULL, "%s n=%ld: sample %d failed but has an image", label, n, i);
                CCHECK(B_STATUS, ss[i].detail[0] != '\0', "%s n=%ld: sample %d status %d with an empty detail", label, n, i,
                       (int)ss[i].status);
                CCHECK(B_STATUS, ss[i].status != PXC_ERROR_NOT_PROCESSED, "%s n=%ld: sample %d not processed", label, n, i);
            }
        }
        CCHECK(B_STATUS, st == first, "%s n=%ld: batch returned %d, first failing sample has %d", label, n, (int)st,
               (int)first);
        if (all_ok) {
            shared->ok++;
        } else {
            CCHECK(B_STATUS, atomic_load(&fm_injected) > 0, "%s n=%ld: a sample failed though no allocation failed", label, n);
            if (first == PXC_ERROR_OUT_OF_MEMORY) {
                shared->oom++;
            } else {
                shared->other++;
                for (int i = 0; i < BATCH; i++)
                    if (ss[i].status != PXC_OK) {
                        note("n=%ld sample %d: %s (%s)", n, i, pxc_strerror(ss[i].status), ss[i].detail);
                        break;
                    }
            }
        }
    batch_done:
        for (int i = 0; i < BATCH; i++) pxc_image_destroy(imgs[i]);
    }
    long live1 = atomic_load(&fm_live);
    shared->checks++;
    if (live1 != live0) {
        shared->leaks++;
        if (!shared->round_bad)
            snprintf(shared->round_msg, sizeof(shared->round_msg), "%ld block(s) leaked", live1 - live0);
        shared->round_bad |= B_LEAK;
    }
    finish_round(label, n);
    shared->tried++;
}

/* Counts the allocation calls of a clean run (nothing fails). */
static long count_allocs(kind k, const void *input)
{
    char detail[PXC_DETAIL_MAX + 64];
    long calls = -1;
    if (k == K_DECODE) {
        pxc_image *img = NULL;
        if (run_decode(input, 0, &img, detail, sizeof(detail)) == PXC_OK) calls = atomic_load(&fm_calls);
        pxc_image_destroy(img);
    } else if (k == K_ENCODE) {
        void *out = NULL;
        size_t size = 0;
        if (run_encode(input, 0, &out, &size, detail, sizeof(detail)) == PXC_OK) calls = atomic_load(&fm_calls);
        pxc_free(out);
    } else {
        pxc_image *imgs[BATCH];
        pxc_sample_status ss[BATCH];
        bool created = false;
        if (run_batch(input, 0, imgs, ss, &created) == PXC_OK) calls = atomic_load(&fm_calls);
        for (int i = 0; i < BATCH; i++) pxc_image_destroy(imgs[i]);
    }
    return calls;
}

/*
 * Runs n = 1..count for one input, in forked children: a child runs the n
 * values from where the last one stopped; a crash is reported with its n and
 * the next child goes on after it.
 */
static void sweep(kind k, const void *input)
{
    const char *label = (const char *)input;
    const char *only = getenv("PXC_ALLOC_FAIL_ONLY");
    if (only && strcmp(only, label) != 0) return;
    long total = count_allocs(k, input);
    long foreign = atomic_load(&fm_foreign);
    CHECK_MSG(total > 0, "%s: the clean run failed", label);
    if (total <= 0) return;
    memset(shared, 0, sizeof(*shared));
    const char *one = getenv("PXC_ALLOC_FAIL_N");
    if (only && one) { /* one round in this process, for a debugger */
        fm_caller_slot = &shared->caller;
        round_once(k, input, atol(one));
        pxc_test_checks += shared->checks;
        pxc_test_failures += shared->failures;
        printf("%s n=%s: ok %ld oom %ld other %ld leaks %ld\n", label, one, shared->ok, shared->oom,
               shared->other, shared->leaks);
        for (int i = 0; i < shared->n_examples; i++) printf("    other: %s\n", shared->examples[i]);
        return;
    }
    long crashes = 0;
    long start = 1;
    while (start <= total) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0) {
            CHECK_MSG(pid >= 0, "fork failed");
            return;
        }
        if (pid == 0) {
            for (long n = start; n <= total; n++) {
                shared->cur_n = n;
                shared->caller = NULL;
                shared->round_bad = 0;
                alarm(10); /* a hang is reported as SIGALRM */
                round_once(k, input, n);
                alarm(0);
                if (shared->dirty) _exit(3);
            }
            fflush(NULL);
            _exit(0);
        }
        int ws = 0;
        while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
        }
        if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0) break;
        /* a bad round, already judged (valgrind --error-exitcode=1 turns the 3 into a 1) */
        if (WIFEXITED(ws) && (WEXITSTATUS(ws) == 3 || (WEXITSTATUS(ws) == 1 && shared->dirty))) {
            shared->dirty = 0;
            start = shared->cur_n + 1;
            continue;
        }
        crashes++;
        shared->tried++;
        snprintf(shared->round_msg, sizeof(shared->round_msg), "%s (%s %d)",
                 WIFSIGNALED(ws) && WTERMSIG(ws) == SIGALRM ? "HANG" : "CRASH", WIFSIGNALED(ws) ? "signal" : "exit",
                 WIFSIGNALED(ws) ? WTERMSIG(ws) : WEXITSTATUS(ws));
        shared->round_bad = B_CRASH;
        finish_round(label, shared->cur_n);
        start = shared->cur_n + 1;
    }
    pxc_test_checks += shared->checks + (int)crashes;
    pxc_test_failures += shared->failures;
    printf("%-22s allocs %4ld  tried %4ld  ok %3ld  oom %3ld  other %3ld  leaks %3ld  crashes %3ld  known %3ld  "
           "FAILED %ld\n",
           label, total, shared->tried, shared->ok, shared->oom, shared->other, shared->leaks, crashes, shared->known,
           shared->bad);
    for (int i = 0; i < shared->n_examples; i++) printf("    other: %s\n", shared->examples[i]);
    if (foreign)
        printf("    + %ld allocations on a codec library's helper thread, not failed (order not reproducible)\n",
               foreign);
    for (const known_bug *kb = known_bugs; kb->label; kb++)
        if (shared->known_hits[kb - known_bugs])
            printf("    known bug, %ld run(s): %s\n", shared->known_hits[kb - known_bugs], kb->reason);
}

/* ---- main -------------------------------------------------------------------- */

#define MAX_INPUTS 32

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    fm_caller_slot = &shared->caller;
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 1;          /* everything on the calling thread */
    cs.image_cache_bytes = 0;    /* no cached buffers between rounds */
    CHECK_OK(pxc_context_create(&cs, &ctx));
    /* The GPU implementations are consulted when a CPU one fails for lack of memory; the first
     * question loads the CUDA runtime, whose process-wide state is allocated once and kept. Ask
     * here, before any counted run, so that this one-time state is not counted as a leak. */
    (void)pxc_gpu_device_count();
    CHECK_OK(pxc_decoder_create(ctx, NULL, &dec));
    CHECK_OK(pxc_encoder_create(ctx, NULL, &enc));
    if (!ctx || !dec || !enc) return pxc_test_summary("test_alloc_fail");

    for (size_t i = 0; i < N_SOURCES; i++) {
        sources[i].img = make_source(sources[i].color, sources[i].ch);
        CHECK(sources[i].img != NULL);
        if (!sources[i].img) return pxc_test_summary("test_alloc_fail");
    }

    /* Inputs: each format's own encode of each source it takes. */
    static dec_input dins[MAX_INPUTS];
    static enc_input eins[MAX_INPUTS];
    size_t nd = 0, ne = 0;
    for (size_t f = 0; f < N_FORMATS; f++) {
        for (size_t s = 0; s < N_SOURCES; s++) {
            void *bytes = NULL;
            size_t size = 0;
            pxc_status st = pxc_encode(enc, sources[s].img, formats[f], NULL, &bytes, &size);
            if (st != PXC_OK) {
                printf("%s/%s: not encodable here (%s: %s), not tested\n", formats[f], sources[s].name,
                       pxc_strerror(st), pxc_encoder_last_error(enc));
                continue;
            }
            enc_input *e = &eins[ne++];
            snprintf(e->label, sizeof(e->label), "encode %s/%s", formats[f], sources[s].name);
            e->codec = formats[f];
            e->img = sources[s].img;
            e->ref = bytes;
            e->ref_size = size;

            dec_input *d = &dins[nd++];
            snprintf(d->label, sizeof(d->label), "decode %s/%s", formats[f], sources[s].name);
            d->data = bytes;
            d->size = size;
            pxc_decode_params_default(&d->params);
            d->params.color_spec = sources[s].color == PXC_COLOR_RGBA ? PXC_COLOR_RGBA : PXC_COLOR_RGB;
            if (sources[s].color == PXC_COLOR_GRAY) d->params.color_spec = PXC_COLOR_GRAY;
            st = pxc_test_decode(ctx, dec, bytes, size, &d->params, &d->ref);
            CHECK_MSG(st == PXC_OK, "%s: reference decode failed: %s", d->label, pxc_test_detail);
            if (st != PXC_OK) nd--;
        }
    }

    /*
     * Warm-up: a decode and an encode of every input first, so that one-time
     * allocations of the codec libraries (tables built on first use) happen
     * before live blocks are counted. Then a second clean round must be leak-free.
     */
    for (size_t i = 0; i < nd; i++) {
        pxc_image *img = NULL;
        pxc_test_decode(ctx, dec, dins[i].data, dins[i].size, &dins[i].params, &img);
        pxc_image_destroy(img);
    }
    for (size_t i = 0; i < ne; i++) {
        void *out = NULL;
        size_t size = 0;
        pxc_encode(enc, eins[i].img, eins[i].codec, NULL, &out, &size);
        pxc_free(out);
    }

    printf("n along each run; ok = PXC_OK with the reference result, oom = OUT_OF_MEMORY, other = another error\n");
    for (size_t i = 0; i < nd; i++) sweep(K_DECODE, &dins[i]);
    for (size_t i = 0; i < ne; i++) sweep(K_ENCODE, &eins[i]);

    /* A batch of three streams of different codecs (RGB sources). */
    static batch_input b;
    snprintf(b.label, sizeof(b.label), "batch jpeg+png+webp");
    const char *want[BATCH] = {"decode jpeg/rgb", "decode png/rgb", "decode webp/rgb"};
    int found = 0;
    for (int j = 0; j < BATCH; j++)
        for (size_t i = 0; i < nd; i++)
            if (strcmp(dins[i].label, want[j]) == 0) {
                b.in[j] = &dins[i];
                found++;
            }
    CHECK(found == BATCH);
    if (found == BATCH) sweep(K_BATCH, &b);

    for (size_t i = 0; i < nd; i++) pxc_image_destroy(dins[i].ref);
    for (size_t i = 0; i < ne; i++) pxc_free(eins[i].ref);
    for (size_t i = 0; i < N_SOURCES; i++) pxc_image_destroy(sources[i].img);
    pxc_encoder_destroy(enc);
    pxc_decoder_destroy(dec);
    pxc_context_destroy(ctx);
    munmap(shared, sizeof(*shared));
    return pxc_test_summary("test_alloc_fail");
}
