/*
 * jpeg_batch: JPEG decode throughput of pixcodec against bare TurboJPEG.
 *
 *   jpeg_batch [--reps N] [--batch N] [--threads N] [--limit N] [--rows LIST] PATH...
 *
 * PATH is a JPEG file or a folder (every *.jpg / *.jpeg in it). All files are
 * read into memory first; nothing is read from disk while timing.
 *
 * Rows (each one pass over every image; passes of all rows are interleaved
 * round-robin, --reps times, and the best and median pass are reported):
 *   tj_fast     TurboJPEG, 1 thread, TJFLAG_FASTUPSAMPLE (matches pixcodec's
 *               default fancy_upsampling=0)
 *   tj_fancy    TurboJPEG, 1 thread, TurboJPEG defaults (smooth upsampling)
 *   pxc_fast    pixcodec pxc_decode, one image at a time, context of 1 thread,
 *               default options
 *   pxc_fancy   same with options ":fancy_upsampling=1"
 *   batch_fast  pixcodec pxc_decode_batch, context of --threads threads
 *               (0 = all online cores), --batch images per call
 *   batch_fancy same with ":fancy_upsampling=1"
 *   reuse_fast  pxc_decode_batch as batch_fast, but into caller-supplied
 *               images wrapping --batch buffers that are allocated once and
 *               reused for every call (the zero-allocation way to run batches)
 *   reuse_fancy same with ":fancy_upsampling=1"
 *
 * Every row decodes to packed 8-bit RGB and pays its own header parse. All rows
 * but reuse_* allocate a fresh output buffer per image and free it after use
 * (TurboJPEG: malloc/free around tjDecompress2; pixcodec: pxc_decode or
 * pxc_decode_batch allocates, pxc_image_destroy frees). A batch holds all its
 * outputs at once, so batch_* ask the allocator for --batch buffers per call.
 * pixcodec code streams are created from memory (PXC_MEMORY_BORROW) and
 * destroyed inside the timed loop. Each timed batch_* pass is preceded by one
 * untimed pxc_decode_batch call, so that it measures the steady state of a
 * stream of batches rather than the first batch after single-image work.
 * Minor page faults per image are reported too (getrusage, whole process).
 *
 * Before timing, every image is decoded once by TurboJPEG and once by pixcodec
 * with both upsampling settings and the outputs are compared byte for byte
 * (this pass doubles as the warm-up).
 *
 * Lines starting with "@@ " are for bench/run.sh: "@@ key value".
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <turbojpeg.h>

#include <pixcodec/pixcodec.h>

typedef struct photo {
    char *path;
    uint8_t *data;
    size_t size;
    int width, height;
} photo;

typedef struct photo_set {
    photo *v;
    size_t n, cap;
    size_t loaded; /* files read (n may be cut by --limit) */
    double megapixels; /* sum over the set */
} photo_set;

static volatile unsigned sink; /* keeps the decoded pixels observable */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "jpeg_batch: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    exit(1);
}

/* ---- loading ----------------------------------------------------------- */

static void add_file(photo_set *set, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open %s: %s", path, strerror(errno));
    if (fseek(f, 0, SEEK_END) != 0) die("cannot seek %s%s", path, "");
    long len = ftell(f);
    if (len <= 0) die("%s is empty or unreadable%s", path, "");
    rewind(f);
    uint8_t *data = malloc((size_t)len);
    if (!data || fread(data, 1, (size_t)len, f) != (size_t)len) die("cannot read %s%s", path, "");
    fclose(f);
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 256;
        set->v = realloc(set->v, set->cap * sizeof(*set->v));
        if (!set->v) die("out of memory%s%s", "", "");
    }
    photo *p = &set->v[set->n++];
    memset(p, 0, sizeof(*p));
    p->path = strdup(path);
    p->data = data;
    p->size = (size_t)len;
}

static int has_jpeg_ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcasecmp(dot, ".jpg") == 0 || strcasecmp(dot, ".jpeg") == 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_path(photo_set *set, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) die("cannot stat %s: %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode)) {
        add_file(set, path);
        return;
    }
    DIR *d = opendir(path);
    if (!d) die("cannot open folder %s: %s", path, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !has_jpeg_ext(e->d_name)) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            names = realloc(names, cap * sizeof(*names));
            if (!names) die("out of memory%s%s", "", "");
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n]) die("out of memory%s%s", "", "");
        snprintf(names[n], len, "%s/%s", path, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        add_file(set, names[i]);
        free(names[i]);
    }
    free(names);
}

/* ---- the timed passes -------------------------------------------------- */

typedef struct bench {
    photo_set *set;
    tjhandle tj;
    pxc_context *ctx1, *ctxn;
    pxc_decoder *dec1_fast, *dec1_fancy, *decn_fast, *decn_fancy;
    size_t batch;
    pxc_code_stream **streams;
    pxc_image **images;
    pxc_sample_status *statuses;
    uint8_t **slots; /* reuse_*: one buffer per batch position, max image size */
} bench;

static void tj_fail(bench *b, size_t i, const char *what)
{
    fprintf(stderr, "jpeg_batch: TurboJPEG %s failed on %s: %s\n", what, b->set->v[i].path, tjGetErrorStr2(b->tj));
    exit(1);
}

static void pxc_fail(const char *what, const char *path, pxc_status st, const char *detail)
{
    fprintf(stderr, "jpeg_batch: pixcodec %s failed on %s: %s (%s)\n", what, path, pxc_strerror(st), detail);
    exit(1);
}

/* Decodes image i with TurboJPEG into a new malloc'd buffer (caller frees). */
static uint8_t *tj_decode(bench *b, size_t i, int flags)
{
    const photo *p = &b->set->v[i];
    int w, h, ss, cs;
    if (tjDecompressHeader3(b->tj, p->data, (unsigned long)p->size, &w, &h, &ss, &cs) != 0)
        tj_fail(b, i, "tjDecompressHeader3");
    uint8_t *buf = malloc((size_t)w * (size_t)h * 3);
    if (!buf) die("out of memory%s%s", "", "");
    if (tjDecompress2(b->tj, p->data, (unsigned long)p->size, buf, w, 0, h, TJPF_RGB, flags) != 0)
        tj_fail(b, i, "tjDecompress2");
    return buf;
}

static void pass_tj(bench *b, int flags)
{
    for (size_t i = 0; i < b->set->n; i++) {
        uint8_t *buf = tj_decode(b, i, flags);
        sink += buf[0];
        free(buf);
    }
}

/* Decodes image i with pxc_decode (caller destroys the image). */
static pxc_image *pxc_decode_one(bench *b, pxc_decoder *dec, pxc_context *ctx, size_t i)
{
    const photo *p = &b->set->v[i];
    pxc_code_stream *s = NULL;
    pxc_image *img = NULL;
    pxc_status st = pxc_code_stream_from_memory(ctx, p->data, p->size, PXC_MEMORY_BORROW, &s);
    if (st != PXC_OK) pxc_fail("pxc_code_stream_from_memory", p->path, st, pxc_context_last_error(ctx));
    st = pxc_decode(dec, s, NULL, &img);
    if (st != PXC_OK) pxc_fail("pxc_decode", p->path, st, pxc_decoder_last_error(dec));
    pxc_code_stream_destroy(s);
    return img;
}

static void pass_pxc_single(bench *b, pxc_decoder *dec)
{
    for (size_t i = 0; i < b->set->n; i++) {
        pxc_image *img = pxc_decode_one(b, dec, b->ctx1, i);
        sink += ((const uint8_t *)pxc_image_data(img))[0];
        pxc_image_destroy(img);
    }
}

static void pass_pxc_batch(bench *b, pxc_decoder *dec, size_t count)
{
    const photo_set *set = b->set;
    for (size_t off = 0; off < count; off += b->batch) {
        size_t m = count - off < b->batch ? count - off : b->batch;
        for (size_t k = 0; k < m; k++) {
            const photo *p = &set->v[off + k];
            pxc_status st = pxc_code_stream_from_memory(b->ctxn, p->data, p->size, PXC_MEMORY_BORROW, &b->streams[k]);
            if (st != PXC_OK) pxc_fail("pxc_code_stream_from_memory", p->path, st, pxc_context_last_error(b->ctxn));
            b->images[k] = NULL;
        }
        pxc_status st = pxc_decode_batch(dec, m, b->streams, NULL, b->images, b->statuses);
        if (st != PXC_OK) {
            for (size_t k = 0; k < m; k++)
                if (b->statuses[k].status != PXC_OK)
                    pxc_fail("pxc_decode_batch", set->v[off + k].path, b->statuses[k].status, b->statuses[k].detail);
            pxc_fail("pxc_decode_batch", "the batch", st, pxc_decoder_last_error(dec));
        }
        for (size_t k = 0; k < m; k++) {
            sink += ((const uint8_t *)pxc_image_data(b->images[k]))[0];
            pxc_image_destroy(b->images[k]);
            pxc_code_stream_destroy(b->streams[k]);
        }
    }
}

/* As pass_pxc_batch, into images wrapping the preallocated slot buffers. */
static void pass_pxc_batch_reuse(bench *b, pxc_decoder *dec)
{
    const photo_set *set = b->set;
    for (size_t off = 0; off < set->n; off += b->batch) {
        size_t m = set->n - off < b->batch ? set->n - off : b->batch;
        for (size_t k = 0; k < m; k++) {
            const photo *p = &set->v[off + k];
            pxc_image_desc desc;
            pxc_status st = pxc_code_stream_from_memory(b->ctxn, p->data, p->size, PXC_MEMORY_BORROW, &b->streams[k]);
            if (st != PXC_OK) pxc_fail("pxc_code_stream_from_memory", p->path, st, pxc_context_last_error(b->ctxn));
            if ((st = pxc_decoder_output_desc(dec, b->streams[k], NULL, &desc)) != PXC_OK)
                pxc_fail("pxc_decoder_output_desc", p->path, st, pxc_decoder_last_error(dec));
            if ((st = pxc_image_create(b->ctxn, &desc, b->slots[k], &b->images[k])) != PXC_OK)
                pxc_fail("pxc_image_create", p->path, st, pxc_context_last_error(b->ctxn));
        }
        pxc_status st = pxc_decode_batch(dec, m, b->streams, NULL, b->images, b->statuses);
        if (st != PXC_OK) {
            for (size_t k = 0; k < m; k++)
                if (b->statuses[k].status != PXC_OK)
                    pxc_fail("pxc_decode_batch", set->v[off + k].path, b->statuses[k].status, b->statuses[k].detail);
            pxc_fail("pxc_decode_batch", "the batch", st, pxc_decoder_last_error(dec));
        }
        for (size_t k = 0; k < m; k++) {
            sink += b->slots[k][0];
            pxc_image_destroy(b->images[k]); /* the wrapper only: the slot stays */
            pxc_code_stream_destroy(b->streams[k]);
        }
    }
}

/* ---- byte-for-byte check ------------------------------------------------ */

/* Returns the number of images whose pixcodec output equals TurboJPEG's. */
static size_t check_equal(bench *b, int tj_flags, pxc_decoder *dec, const char *label)
{
    size_t same = 0;
    for (size_t i = 0; i < b->set->n; i++) {
        photo *p = &b->set->v[i];
        uint8_t *ref = tj_decode(b, i, tj_flags);
        pxc_image *img = pxc_decode_one(b, dec, b->ctx1, i);
        const pxc_image_desc *d = pxc_image_get_desc(img);
        size_t bytes = (size_t)p->width * (size_t)p->height * 3;
        if ((int)d->width != p->width || (int)d->height != p->height || d->num_channels != 3 ||
            d->row_stride != (size_t)p->width * 3) {
            fprintf(stderr, "jpeg_batch: %s: pixcodec made %ux%u x%u (stride %zu), TurboJPEG %dx%d x3\n", p->path,
                    d->width, d->height, d->num_channels, d->row_stride, p->width, p->height);
        } else if (memcmp(ref, pxc_image_data(img), bytes) != 0) {
            const uint8_t *a = ref, *c = pxc_image_data(img);
            size_t k = 0;
            while (a[k] == c[k]) k++;
            fprintf(stderr, "jpeg_batch: %s (%s): first difference at byte %zu (pixel %zu,%zu): TurboJPEG %u, pixcodec %u\n",
                    p->path, label, k, (k / 3) % (size_t)p->width, (k / 3) / (size_t)p->width, a[k], c[k]);
        } else {
            same++;
        }
        free(ref);
        pxc_image_destroy(img);
    }
    return same;
}

/* ---- statistics and output ---------------------------------------------- */

enum {
    ROW_TJ_FAST, ROW_TJ_FANCY, ROW_PXC_FAST, ROW_PXC_FANCY, ROW_BATCH_FAST, ROW_BATCH_FANCY,
    ROW_REUSE_FAST, ROW_REUSE_FANCY, ROW_COUNT
};

static const char *const row_key[ROW_COUNT] = {"tj_fast",    "tj_fancy",    "pxc_fast",   "pxc_fancy",
                                               "batch_fast", "batch_fancy", "reuse_fast", "reuse_fancy"};

static long minor_faults(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static long parse_long(const char *opt, const char *s, long lo)
{
    char *end;
    errno = 0;
    long v = strtol(s ? s : "", &end, 10);
    if (!s || errno || *end || v < lo) die("bad value for %s: %s", opt, s ? s : "(missing)");
    return v;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: jpeg_batch [--reps N] [--batch N] [--threads N] [--limit N] [--rows LIST] PATH...\n"
            "  PATH     a JPEG file or a folder of *.jpg / *.jpeg\n"
            "  --reps   timed passes per row, best and median reported (default 7)\n"
            "  --batch  images per pxc_decode_batch call (default 64; 0 = whole set)\n"
            "  --threads  batch context threads (default 0 = all online cores)\n"
            "  --limit  use only the first N files (default all)\n"
            "  --rows   comma-separated rows to time, run in that order within each pass: tj_fast,\n"
            "           tj_fancy, pxc_fast, pxc_fancy, batch_fast, batch_fancy, reuse_fast, reuse_fancy\n"
            "           (default all, in that order)\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int reps = 7, threads = 0;
    long batch = 64, limit = 0;
    const char *rows_arg = NULL;
    photo_set set = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--reps") == 0) reps = (int)parse_long(a, argv[++i], 1);
        else if (strcmp(a, "--batch") == 0) batch = parse_long(a, argv[++i], 0);
        else if (strcmp(a, "--threads") == 0) threads = (int)parse_long(a, argv[++i], 0);
        else if (strcmp(a, "--limit") == 0) limit = parse_long(a, argv[++i], 0);
        else if (strcmp(a, "--rows") == 0) {
            if (!(rows_arg = argv[++i])) usage();
        }
        else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) usage();
        else if (a[0] == '-') usage();
        else add_path(&set, a);
    }
    if (set.n == 0) {
        fprintf(stderr, "jpeg_batch: no JPEG files given\n");
        usage();
    }
    int use[ROW_COUNT], order[ROW_COUNT], norder = 0; /* timed rows, in the order they run */
    for (int r = 0; r < ROW_COUNT; r++) {
        use[r] = rows_arg == NULL;
        if (use[r]) order[norder++] = r;
    }
    if (rows_arg) {
        char *list = strdup(rows_arg), *save = NULL;
        for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            int found = 0;
            for (int r = 0; r < ROW_COUNT; r++)
                if (strcmp(tok, row_key[r]) == 0) {
                    if (!use[r]) order[norder++] = r;
                    use[r] = found = 1;
                }
            if (!found) die("unknown row '%s'%s", tok, "");
        }
        free(list);
    }
    set.loaded = set.n;
    if (limit > 0 && (size_t)limit < set.n) set.n = (size_t)limit;

    bench b;
    memset(&b, 0, sizeof(b));
    b.set = &set;
    b.batch = batch == 0 || (size_t)batch > set.n ? set.n : (size_t)batch;
    b.tj = tjInitDecompress();
    if (!b.tj) die("tjInitDecompress failed: %s%s", tjGetErrorStr2(NULL), "");

    /* headers: sizes for the megapixel figures and the check */
    size_t bytes = 0;
    int wmin = 1 << 30, wmax = 0, hmin = 1 << 30, hmax = 0;
    int css_count[TJ_NUMSAMP] = {0};
    size_t max_image_bytes = 0;
    for (size_t i = 0; i < set.n; i++) {
        photo *p = &set.v[i];
        int ss, cs;
        if (tjDecompressHeader3(b.tj, p->data, (unsigned long)p->size, &p->width, &p->height, &ss, &cs) != 0)
            tj_fail(&b, i, "tjDecompressHeader3");
        set.megapixels += (double)p->width * (double)p->height / 1e6;
        bytes += p->size;
        if (p->width < wmin) wmin = p->width;
        if (p->width > wmax) wmax = p->width;
        if (p->height < hmin) hmin = p->height;
        if (p->height > hmax) hmax = p->height;
        if (ss >= 0 && ss < TJ_NUMSAMP) css_count[ss]++;
        size_t ib = (size_t)p->width * (size_t)p->height * 3;
        if (ib > max_image_bytes) max_image_bytes = ib;
    }

    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 1;
    pxc_status st = pxc_context_create(&cs, &b.ctx1);
    if (st != PXC_OK) die("pxc_context_create(1 thread): %s%s", pxc_strerror(st), "");
    cs.num_threads = threads;
    st = pxc_context_create(&cs, &b.ctxn);
    if (st != PXC_OK) die("pxc_context_create: %s%s", pxc_strerror(st), "");
    pxc_decoder_settings ds;
    pxc_decoder_default_settings(&ds); /* options ":fancy_upsampling=0" */
    pxc_decoder_settings ds_fancy = ds;
    ds_fancy.options = ":fancy_upsampling=1";
    if ((st = pxc_decoder_create(b.ctx1, &ds, &b.dec1_fast)) != PXC_OK ||
        (st = pxc_decoder_create(b.ctx1, &ds_fancy, &b.dec1_fancy)) != PXC_OK ||
        (st = pxc_decoder_create(b.ctxn, &ds, &b.decn_fast)) != PXC_OK ||
        (st = pxc_decoder_create(b.ctxn, &ds_fancy, &b.decn_fancy)) != PXC_OK)
        die("pxc_decoder_create: %s: %s", pxc_strerror(st), pxc_context_last_error(b.ctxn));
    b.streams = calloc(b.batch, sizeof(*b.streams));
    b.images = calloc(b.batch, sizeof(*b.images));
    b.statuses = calloc(b.batch, sizeof(*b.statuses));
    b.slots = calloc(b.batch, sizeof(*b.slots));
    if (!b.streams || !b.images || !b.statuses || !b.slots) die("out of memory%s%s", "", "");
    for (size_t k = 0; k < b.batch; k++) {
        if (!(b.slots[k] = malloc(max_image_bytes))) die("out of memory%s%s", "", "");
        memset(b.slots[k], 0, max_image_bytes); /* fault the pages in before timing */
    }
    const int nthreads = pxc_context_num_threads(b.ctxn);

    printf("photos: %zu JPEGs, %.1f MB encoded, %.1f megapixels in all (%.2f MP each on average), "
           "%dx%d .. %dx%d\n",
           set.n, (double)bytes / 1e6, set.megapixels, set.megapixels / (double)set.n, wmin, hmin, wmax, hmax);
    printf("subsampling:");
    static const char *const ss_name[TJ_NUMSAMP] = {"4:4:4", "4:2:2", "4:2:0", "gray", "4:4:0", "4:1:1"};
    for (int k = 0; k < TJ_NUMSAMP; k++)
        if (css_count[k]) printf(" %s x%d", k < 6 ? ss_name[k] : "?", css_count[k]);
    printf("\npixcodec %s; batch context: %d threads, %zu images per pxc_decode_batch call\n", pxc_version(),
           nthreads, b.batch);
    printf("@@ images %zu\n@@ megapixels %.4f\n@@ threads %d\n@@ batch %zu\n@@ reps %d\n", set.n, set.megapixels,
           nthreads, b.batch, reps);
    fflush(stdout);

    /* ---- check (and warm-up) ---- */
    size_t same_fast = check_equal(&b, TJFLAG_FASTUPSAMPLE, b.dec1_fast, "fast upsampling");
    size_t same_fancy = check_equal(&b, 0, b.dec1_fancy, "fancy upsampling");
    const int check_ok = same_fast == set.n && same_fancy == set.n;
    printf("check: pixcodec output == TurboJPEG output byte for byte: fast upsampling %zu/%zu, "
           "fancy upsampling %zu/%zu: %s\n",
           same_fast, set.n, same_fancy, set.n, check_ok ? "PASS" : "FAIL");
    printf("@@ check %s\n", check_ok ? "PASS" : "FAIL");
    fflush(stdout);
    pass_pxc_batch(&b, b.decn_fast, set.n); /* warm the pool and the allocator's arenas */
    pass_pxc_batch_reuse(&b, b.decn_fast);

    /* ---- timed passes, interleaved ---- */
    double *t[ROW_COUNT];
    long faults[ROW_COUNT] = {0};
    for (int r = 0; r < ROW_COUNT; r++) {
        t[r] = calloc((size_t)reps, sizeof(double));
        if (!t[r]) die("out of memory%s%s", "", "");
    }
    for (int rep = 0; rep < reps; rep++) {
        for (int o = 0; o < norder; o++) {
            const int r = order[o];
            /* batch_*: one untimed call first, so that every timed pass sees the
             * allocator as a stream of batches leaves it (see PERFORMANCE.md) */
            if (r == ROW_BATCH_FAST || r == ROW_BATCH_FANCY)
                pass_pxc_batch(&b, r == ROW_BATCH_FAST ? b.decn_fast : b.decn_fancy, b.batch);
            long f0 = minor_faults();
            double t0 = now_s();
            switch (r) {
            case ROW_TJ_FAST: pass_tj(&b, TJFLAG_FASTUPSAMPLE); break;
            case ROW_TJ_FANCY: pass_tj(&b, 0); break;
            case ROW_PXC_FAST: pass_pxc_single(&b, b.dec1_fast); break;
            case ROW_PXC_FANCY: pass_pxc_single(&b, b.dec1_fancy); break;
            case ROW_BATCH_FAST: pass_pxc_batch(&b, b.decn_fast, set.n); break;
            case ROW_BATCH_FANCY: pass_pxc_batch(&b, b.decn_fancy, set.n); break;
            case ROW_REUSE_FAST: pass_pxc_batch_reuse(&b, b.decn_fast); break;
            case ROW_REUSE_FANCY: pass_pxc_batch_reuse(&b, b.decn_fancy); break;
            }
            t[r][rep] = now_s() - t0;
            faults[r] += minor_faults() - f0;
        }
        fprintf(stderr, "  pass %d/%d done\n", rep + 1, reps);
    }

    double best[ROW_COUNT], med[ROW_COUNT];
    for (int r = 0; r < ROW_COUNT; r++) {
        if (!use[r]) {
            best[r] = med[r] = 0.0;
            continue;
        }
        med[r] = median(t[r], reps); /* sorts: t[r][0] is the best */
        best[r] = t[r][0];
    }
    char label[ROW_COUNT][96];
    snprintf(label[ROW_TJ_FAST], 96, "(a)  TurboJPEG, 1 thread, TJFLAG_FASTUPSAMPLE");
    snprintf(label[ROW_TJ_FANCY], 96, "(a') TurboJPEG, 1 thread, defaults (fancy)");
    snprintf(label[ROW_PXC_FAST], 96, "(b)  pixcodec pxc_decode, 1 thread, default");
    snprintf(label[ROW_PXC_FANCY], 96, "(b') pixcodec pxc_decode, 1 thread, fancy=1");
    snprintf(label[ROW_BATCH_FAST], 96, "(c)  pixcodec pxc_decode_batch, %d thr, default", nthreads);
    snprintf(label[ROW_BATCH_FANCY], 96, "(c') pixcodec pxc_decode_batch, %d thr, fancy=1", nthreads);
    snprintf(label[ROW_REUSE_FAST], 96, "(d)  same as (c), reused output buffers");
    snprintf(label[ROW_REUSE_FANCY], 96, "(d') same as (c'), reused output buffers");

    const double n = (double)set.n, mp = set.megapixels;
    printf("\n%-48s %9s %9s %8s %8s %9s %8s\n", "row (best of the timed passes, median also)", "images/s",
           "(median)", "MP/s", "(median)", "ms/image", "faults");
    for (int r = 0; r < ROW_COUNT; r++) {
        if (!use[r]) continue;
        const double fpi = (double)faults[r] / ((double)reps * n);
        printf("%-48s %9.1f %9.1f %8.1f %8.1f %9.2f %8.0f\n", label[r], n / best[r], n / med[r], mp / best[r],
               mp / med[r], 1e3 * best[r] / n, fpi);
        printf("@@ %s_faults_per_image %.1f\n", row_key[r], fpi);
        printf("@@ %s_ips_best %.3f\n@@ %s_ips_median %.3f\n", row_key[r], n / best[r], row_key[r], n / med[r]);
        printf("@@ %s_mps_best %.3f\n@@ %s_mps_median %.3f\n", row_key[r], mp / best[r], row_key[r], mp / med[r]);
    }

    static const struct {
        int num, den;
        const char *label;
        double target; /* 0: none */
    } ratios[] = {
        {ROW_PXC_FAST, ROW_TJ_FAST, "(b)/(a)   pixcodec single / TurboJPEG, fast upsampling ", 0.95},
        {ROW_PXC_FANCY, ROW_TJ_FANCY, "(b')/(a') pixcodec single / TurboJPEG, fancy upsampling", 0},
        {ROW_BATCH_FAST, ROW_TJ_FAST, "(c)/(a)   pixcodec batch / TurboJPEG 1 thread, fast    ", 1.8},
        {ROW_BATCH_FANCY, ROW_TJ_FANCY, "(c')/(a') pixcodec batch / TurboJPEG 1 thread, fancy   ", 0},
        {ROW_REUSE_FAST, ROW_TJ_FAST, "(d)/(a)   batch, reused buffers / TurboJPEG, fast      ", 0},
        {ROW_REUSE_FANCY, ROW_TJ_FANCY, "(d')/(a') batch, reused buffers / TurboJPEG, fancy     ", 0},
    };
    printf("\nratios (throughput, best passes; median passes in brackets):\n");
    for (size_t k = 0; k < sizeof(ratios) / sizeof(ratios[0]); k++) {
        const int nu = ratios[k].num, de = ratios[k].den;
        if (!use[nu] || !use[de]) continue;
        const double rb = best[de] / best[nu], rm = med[de] / med[nu];
        printf("  %s %6.3f (%.3f)", ratios[k].label, rb, rm);
        if (ratios[k].target > 0)
            printf("   target >= %.2f: %s", ratios[k].target, rb >= ratios[k].target ? "PASS" : "MISS");
        printf("\n@@ ratio_%s_%s %.4f\n", row_key[nu], row_key[de], rb);
    }
    printf("(faults: minor page faults per image, whole process, mean over the timed passes)\n");
    printf("(PASS/MISS is information only; the benchmark never fails on a timing)\n");

    for (int r = 0; r < ROW_COUNT; r++) free(t[r]);
    free(b.streams);
    free(b.images);
    free(b.statuses);
    for (size_t k = 0; k < b.batch; k++) free(b.slots[k]);
    free(b.slots);
    pxc_decoder_destroy(b.dec1_fast);
    pxc_decoder_destroy(b.dec1_fancy);
    pxc_decoder_destroy(b.decn_fast);
    pxc_decoder_destroy(b.decn_fancy);
    pxc_context_destroy(b.ctx1);
    pxc_context_destroy(b.ctxn);
    tjDestroy(b.tj);
    for (size_t i = 0; i < set.loaded; i++) {
        free(set.v[i].data);
        free(set.v[i].path);
    }
    free(set.v);
    printf("@@ sink %u\n", sink);
    return check_ok ? 0 : 3;
}
