/*
 * Decompression bombs and limits.
 *
 * Every case is a tiny hand-built file (a few KB; the page-chain and zTXt/iCCP
 * cases are larger) that declares a huge image, a huge number of pages or
 * tiles, or a chunk that inflates to many megabytes. Each case runs in a child
 * process so that its peak memory (ru_maxrss) is its own, so that a crash or a
 * hang (alarm) is caught and reported, and so that an address-space limit
 * turns any large allocation made before the limit check into a visible
 * failure even when the allocation is never touched.
 *
 * For each case: the info call must stay cheap and either report the declared
 * size or fail with a clear error; the decode must fail with the expected
 * status, naming the limit ("max_pixels" / "max_bytes_per_image") where the
 * context's limits are what refuses it; memory growth and time must stay small.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

#define MIB ((uint64_t)1 << 20)

/* ---- byte buffer ---------------------------------------------------------- */

typedef struct buf {
    uint8_t *d;
    size_t n, cap;
} buf;

static void b_grow(buf *b, size_t more)
{
    if (b->n + more <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + more) cap *= 2;
    uint8_t *d = realloc(b->d, cap);
    if (!d) {
        fprintf(stderr, "test_bombs: out of memory building a test file\n");
        exit(2);
    }
    b->d = d;
    b->cap = cap;
}
static void b_bytes(buf *b, const void *p, size_t n)
{
    b_grow(b, n);
    memcpy(b->d + b->n, p, n);
    b->n += n;
}
static void b_fill(buf *b, uint8_t v, size_t n)
{
    b_grow(b, n);
    memset(b->d + b->n, v, n);
    b->n += n;
}
static void b_u8(buf *b, unsigned v)
{
    uint8_t c = (uint8_t)v;
    b_bytes(b, &c, 1);
}
static void b_str(buf *b, const char *s) { b_bytes(b, s, strlen(s)); }
static void b_be16(buf *b, unsigned v)
{
    b_u8(b, v >> 8);
    b_u8(b, v);
}
static void b_be32(buf *b, uint32_t v)
{
    b_be16(b, v >> 16);
    b_be16(b, v & 0xFFFF);
}
static void b_le16(buf *b, unsigned v)
{
    b_u8(b, v);
    b_u8(b, v >> 8);
}
static void b_le32(buf *b, uint32_t v)
{
    b_le16(b, v & 0xFFFF);
    b_le16(b, v >> 16);
}
static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* ---- deflate: a zlib stream of zeros that inflates ~1000:1 ---------------- */

typedef struct bitw {
    buf *b;
    uint32_t acc;
    int nbits;
} bitw;

static void bw_bits(bitw *w, uint32_t v, int n) /* LSB first, as deflate header fields */
{
    for (int i = 0; i < n; i++) {
        w->acc |= ((v >> i) & 1u) << w->nbits;
        if (++w->nbits == 8) {
            b_u8(w->b, w->acc);
            w->acc = 0;
            w->nbits = 0;
        }
    }
}
static void bw_code(bitw *w, uint32_t code, int len) /* Huffman codes go MSB first */
{
    for (int i = len - 1; i >= 0; i--) bw_bits(w, (code >> i) & 1u, 1);
}
static void bw_flush(bitw *w)
{
    if (w->nbits) b_u8(w->b, w->acc);
    w->acc = 0;
    w->nbits = 0;
}

/*
 * Appends a zlib stream that inflates to 1 + 258 * matches zero bytes: one
 * dynamic Huffman block whose literal/length code has 285 (length 258) = "0",
 * literal 0 = "10", end of block = "11", and whose one distance code (1) is
 * "0", so each 258-byte match costs two zero bits.
 */
static void b_zlib_zeros(buf *b, uint32_t matches)
{
    b_u8(b, 0x78);
    b_u8(b, 0x01);
    bitw w = {b, 0, 0};
    bw_bits(&w, 1, 1);  /* BFINAL */
    bw_bits(&w, 2, 2);  /* dynamic Huffman */
    bw_bits(&w, 29, 5); /* HLIT: 286 literal/length codes */
    bw_bits(&w, 0, 5);  /* HDIST: 1 distance code */
    bw_bits(&w, 14, 4); /* HCLEN: 18 code length codes */
    /* order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1: 18 -> 1 bit, 2 -> 2 bits, 1 -> 2 bits */
    static const uint8_t cl[18] = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2};
    for (int i = 0; i < 18; i++) bw_bits(&w, cl[i], 3);
    /* code length codes: 18 = "0", 1 = "10", 2 = "11" */
    bw_code(&w, 3, 2);                           /* literal 0: length 2 */
    bw_code(&w, 0, 1), bw_bits(&w, 138 - 11, 7); /* 138 zeros (1..138) */
    bw_code(&w, 0, 1), bw_bits(&w, 117 - 11, 7); /* 117 zeros (139..255) */
    bw_code(&w, 3, 2);                           /* 256: length 2 */
    bw_code(&w, 0, 1), bw_bits(&w, 28 - 11, 7);  /* 257..284: zeros */
    bw_code(&w, 2, 2);                           /* 285: length 1 */
    bw_code(&w, 2, 2);                           /* distance 0: length 1 */
    bw_code(&w, 2, 2);                           /* literal 0 */
    uint64_t zero_bits = (uint64_t)matches * 2;
    while (zero_bits && w.nbits) bw_bits(&w, 0, 1), zero_bits--;
    b_fill(b, 0, (size_t)(zero_bits / 8)); /* whole bytes of matches at once */
    bw_bits(&w, 0, (int)(zero_bits % 8));
    bw_code(&w, 3, 2); /* end of block */
    bw_flush(&w);
    const uint64_t total = 1 + (uint64_t)258 * matches;
    b_be32(b, (uint32_t)((total % 65521) << 16 | 1)); /* Adler-32 of zeros */
}

/* ---- PNG ------------------------------------------------------------------ */

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static void png_chunk(buf *b, const char *type, const uint8_t *data, size_t n)
{
    b_be32(b, (uint32_t)n);
    size_t at = b->n;
    b_bytes(b, type, 4);
    if (n) b_bytes(b, data, n);
    b_be32(b, crc32_of(b->d + at, n + 4));
}

static void png_start(buf *b, uint32_t w, uint32_t h, unsigned ct)
{
    b_bytes(b, "\x89PNG\r\n\x1a\n", 8);
    uint8_t ihdr[13] = {0};
    ihdr[0] = (uint8_t)(w >> 24), ihdr[1] = (uint8_t)(w >> 16), ihdr[2] = (uint8_t)(w >> 8), ihdr[3] = (uint8_t)w;
    ihdr[4] = (uint8_t)(h >> 24), ihdr[5] = (uint8_t)(h >> 16), ihdr[6] = (uint8_t)(h >> 8), ihdr[7] = (uint8_t)h;
    ihdr[8] = 8;
    ihdr[9] = (uint8_t)ct;
    png_chunk(b, "IHDR", ihdr, sizeof(ihdr));
}

/* w x h RGB declared; an IDAT holding a zlib header and a stored block cut after @p data bytes. */
static buf make_png_big(uint32_t w, uint32_t h, size_t data)
{
    buf b = {0};
    png_start(&b, w, h, 2);
    buf z = {0};
    b_u8(&z, 0x78), b_u8(&z, 0x01);
    b_u8(&z, 0x00); /* stored, not final */
    b_le16(&z, 0xFFFF), b_le16(&z, 0x0000);
    b_fill(&z, 0, data);
    png_chunk(&b, "IDAT", z.d, z.n);
    free(z.d);
    return b; /* no IEND: the data ends */
}

/* 1 x 1 gray image with an ancillary chunk (zTXt or iCCP) that inflates to ~258 * matches bytes. */
static buf make_png_inflating(const char *type, uint32_t matches)
{
    buf b = {0};
    png_start(&b, 1, 1, 0);
    buf c = {0};
    b_str(&c, type[0] == 'z' ? "Comment" : "icc");
    b_u8(&c, 0); /* end of keyword / profile name */
    b_u8(&c, 0); /* compression method 0 */
    b_zlib_zeros(&c, matches);
    png_chunk(&b, type, c.d, c.n);
    free(c.d);
    /* one row: filter 0, pixel 0, as a stored block */
    static const uint8_t idat[] = {0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01};
    png_chunk(&b, "IDAT", idat, sizeof(idat));
    png_chunk(&b, "IEND", NULL, 0);
    return b;
}

/* ---- JPEG ----------------------------------------------------------------- */

/* Baseline JPEG header for w x h with @p ncomp 4:4:4 components; then @p data zero bytes of scan, no EOI. */
static buf make_jpeg(unsigned w, unsigned h, int ncomp, size_t data)
{
    buf b = {0};
    b_be16(&b, 0xFFD8);
    b_be16(&b, 0xFFDB), b_be16(&b, 67), b_u8(&b, 0); /* DQT: all ones */
    b_fill(&b, 1, 64);
    b_be16(&b, 0xFFC0), b_be16(&b, (unsigned)(8 + 3 * ncomp)), b_u8(&b, 8);
    b_be16(&b, h), b_be16(&b, w), b_u8(&b, (unsigned)ncomp);
    for (int c = 0; c < ncomp; c++) b_u8(&b, (unsigned)(c + 1)), b_u8(&b, 0x11), b_u8(&b, 0);
    /* DHT: DC table 0 and AC table 0, each one 1-bit code for symbol 0 (DC diff 0 / EOB) */
    for (int cls = 0; cls < 2; cls++) {
        b_be16(&b, 0xFFC4), b_be16(&b, 2 + 1 + 16 + 1), b_u8(&b, (unsigned)(cls << 4));
        b_u8(&b, 1);
        b_fill(&b, 0, 15);
        b_u8(&b, 0);
    }
    b_be16(&b, 0xFFDA), b_be16(&b, (unsigned)(6 + 2 * ncomp)), b_u8(&b, (unsigned)ncomp);
    for (int c = 0; c < ncomp; c++) b_u8(&b, (unsigned)(c + 1)), b_u8(&b, 0x00);
    b_u8(&b, 0), b_u8(&b, 63), b_u8(&b, 0);
    b_fill(&b, 0, data); /* every block is two zero bits: DC diff 0, EOB */
    return b;
}

/*
 * Progressive gray w x h (w and h multiples of 8): a DC scan (one zero bit per
 * block), then @p scans identical AC scans, each ended by end-of-band runs of
 * 32767 blocks (16 bytes a scan), then EOI. libjpeg accepts the repeated
 * first scans; each one walks every block of the image.
 */
static buf make_jpeg_scans(unsigned w, unsigned h, unsigned scans)
{
    buf b = {0};
    b_be16(&b, 0xFFD8);
    b_be16(&b, 0xFFDB), b_be16(&b, 67), b_u8(&b, 0);
    b_fill(&b, 1, 64);
    b_be16(&b, 0xFFC2), b_be16(&b, 11), b_u8(&b, 8), b_be16(&b, h), b_be16(&b, w), b_u8(&b, 1);
    b_u8(&b, 1), b_u8(&b, 0x11), b_u8(&b, 0);
    /* DC table 0: symbol 0 = "0"; AC table 0: symbol 0xE0 (EOB run 2^14 + 14 bits) = "0" */
    for (int cls = 0; cls < 2; cls++) {
        b_be16(&b, 0xFFC4), b_be16(&b, 2 + 1 + 16 + 1), b_u8(&b, (unsigned)(cls << 4));
        b_u8(&b, 1);
        b_fill(&b, 0, 15);
        b_u8(&b, cls ? 0xE0 : 0);
    }
    const size_t blocks = (size_t)(w / 8) * (h / 8);
    b_be16(&b, 0xFFDA), b_be16(&b, 8), b_u8(&b, 1), b_u8(&b, 1), b_u8(&b, 0x00);
    b_u8(&b, 0), b_u8(&b, 0), b_u8(&b, 0);
    b_fill(&b, 0, (blocks + 7) / 8);
    const size_t runs = (blocks + 32766) / 32767;
    for (unsigned s = 0; s < scans; s++) {
        b_be16(&b, 0xFFDA), b_be16(&b, 8), b_u8(&b, 1), b_u8(&b, 1), b_u8(&b, 0x00);
        b_u8(&b, 1), b_u8(&b, 63), b_u8(&b, 0);
        /* JPEG packs bits MSB first: per run "0" (the code) then 14 one bits (32767 blocks) */
        uint32_t acc = 0;
        int nbits = 0;
        for (size_t r = 0; r <= runs; r++) {
            const int n = r < runs ? 15 : (8 - nbits) & 7; /* last round: pad with ones */
            const uint32_t v = r < runs ? 0x3FFFu : 0xFFu;
            for (int i = n - 1; i >= 0; i--) {
                acc = acc << 1 | ((v >> i) & 1u);
                if (++nbits == 8) {
                    b_u8(&b, acc);
                    if ((acc & 0xFF) == 0xFF) b_u8(&b, 0); /* byte stuffing */
                    acc = 0;
                    nbits = 0;
                }
            }
        }
    }
    b_be16(&b, 0xFFD9);
    return b;
}

/* ---- BMP / PNM ------------------------------------------------------------ */

static buf make_bmp(uint32_t w, uint32_t h, size_t data)
{
    buf b = {0};
    const uint64_t row = ((uint64_t)w * 3 + 3) & ~(uint64_t)3;
    const uint64_t image = row * h;
    b_str(&b, "BM");
    b_le32(&b, (uint32_t)(54 + data));
    b_le32(&b, 0);
    b_le32(&b, 54);
    b_le32(&b, 40);
    b_le32(&b, w);
    b_le32(&b, h);
    b_le16(&b, 1), b_le16(&b, 24);
    b_le32(&b, 0);                                                  /* BI_RGB */
    b_le32(&b, image > UINT32_MAX ? 0 : (uint32_t)image);            /* image size */
    b_le32(&b, 2835), b_le32(&b, 2835), b_le32(&b, 0), b_le32(&b, 0);
    b_fill(&b, 0x80, data);
    return b;
}

static buf make_pnm(uint32_t w, uint32_t h, size_t data)
{
    buf b = {0};
    char hdr[64];
    snprintf(hdr, sizeof(hdr), "P6\n%u %u\n255\n", w, h);
    b_str(&b, hdr);
    b_fill(&b, 0x80, data);
    return b;
}

/* ---- JPEG 2000 ------------------------------------------------------------ */

/* Raw code stream: SOC, SIZ (1 component, 8-bit), COD, QCD, then a tile part with @p data zero bytes. */
static buf make_j2k_n(uint32_t w, uint32_t h, uint32_t tw, uint32_t th, unsigned ncomp, size_t data)
{
    buf b = {0};
    b_be16(&b, 0xFF4F);
    b_be16(&b, 0xFF51), b_be16(&b, 38 + 3 * ncomp), b_be16(&b, 0);
    b_be32(&b, w), b_be32(&b, h), b_be32(&b, 0), b_be32(&b, 0);
    b_be32(&b, tw), b_be32(&b, th), b_be32(&b, 0), b_be32(&b, 0);
    b_be16(&b, ncomp);
    for (unsigned c = 0; c < ncomp; c++) b_u8(&b, 7), b_u8(&b, 1), b_u8(&b, 1);
    /* COD: LRCP, 1 layer, no MCT, 5 decompositions, 64x64 code blocks, 5/3 reversible */
    b_be16(&b, 0xFF52), b_be16(&b, 12), b_u8(&b, 0), b_u8(&b, 0), b_be16(&b, 1), b_u8(&b, 0);
    b_u8(&b, 5), b_u8(&b, 4), b_u8(&b, 4), b_u8(&b, 0), b_u8(&b, 1);
    /* QCD: no quantisation, guard bits 2, 16 subbands */
    b_be16(&b, 0xFF5C), b_be16(&b, 3 + 16), b_u8(&b, 0x40);
    for (int i = 0; i < 16; i++) b_u8(&b, 8 << 3);
    if (data) {
        b_be16(&b, 0xFF90), b_be16(&b, 10), b_be16(&b, 0);
        b_be32(&b, (uint32_t)(12 + 2 + data)); /* Psot: the tile part claims its bytes */
        b_u8(&b, 0), b_u8(&b, 1);
        b_be16(&b, 0xFF93);
        b_fill(&b, 0, data);
    } else {
        b_be16(&b, 0xFFD9);
    }
    return b;
}

static buf make_j2k(uint32_t w, uint32_t h, uint32_t tw, uint32_t th, size_t data)
{
    return make_j2k_n(w, h, tw, th, 1, data);
}

/* ---- TIFF ----------------------------------------------------------------- */

typedef struct tiff_entry {
    uint16_t tag, type;
    uint32_t count, value;
} tiff_entry;

/* Writes an IFD at the end of @p b (word aligned) and returns its offset; next = 0. */
static uint32_t tiff_ifd(buf *b, const tiff_entry *e, int n, uint32_t next)
{
    if (b->n & 1) b_u8(b, 0);
    uint32_t at = (uint32_t)b->n;
    b_le16(b, (unsigned)n);
    for (int i = 0; i < n; i++) {
        b_le16(b, e[i].tag), b_le16(b, e[i].type), b_le32(b, e[i].count);
        if (e[i].type == 3 && e[i].count == 1)
            b_le16(b, e[i].value), b_le16(b, 0);
        else
            b_le32(b, e[i].value);
    }
    b_le32(b, next);
    return at;
}

/* Gray 8-bit w x h in one uncompressed strip of @p data bytes (the strip byte count says w * h). */
static uint32_t tiff_image_ifd(buf *b, uint32_t w, uint32_t h, uint32_t strip_at, uint32_t next)
{
    const uint64_t bytes = (uint64_t)w * h;
    tiff_entry e[] = {
        {256, 4, 1, w},          {257, 4, 1, h},          {258, 3, 1, 8},
        {259, 3, 1, 1},          {262, 3, 1, 1},          {273, 4, 1, strip_at},
        {277, 3, 1, 1},          {278, 4, 1, h},
        {279, 4, 1, bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes},
    };
    return tiff_ifd(b, e, (int)(sizeof(e) / sizeof(e[0])), next);
}

static buf make_tiff(uint32_t w, uint32_t h, size_t data)
{
    buf b = {0};
    b_str(&b, "II*");
    b_u8(&b, 0);
    b_le32(&b, 8);
    const uint32_t ifd_size = 2 + 9 * 12 + 4;
    tiff_image_ifd(&b, w, h, 8 + ifd_size, 0);
    b_fill(&b, 0x80, data);
    return b;
}

/* A 1 x 1 first page followed by a chain of @p pages - 1 empty 6-byte IFDs. */
static buf make_tiff_pages(uint32_t pages)
{
    buf b = {0};
    b_str(&b, "II*");
    b_u8(&b, 0);
    b_le32(&b, 8);
    const uint32_t ifd_size = 2 + 9 * 12 + 4;
    const uint32_t strip = 8 + ifd_size, chain = strip + 2;
    tiff_image_ifd(&b, 1, 1, strip, pages > 1 ? chain : 0);
    b_u8(&b, 0x80), b_u8(&b, 0);
    for (uint32_t i = 1; i < pages; i++) {
        b_le16(&b, 0);
        b_le32(&b, i + 1 < pages ? (uint32_t)b.n + 4 : 0);
    }
    return b;
}

/* Page 0 declares 100000 x 100000; its next IFD is an empty one that links back to page 0. */
static buf make_tiff_loop(void)
{
    buf b = {0};
    b_str(&b, "II*");
    b_u8(&b, 0);
    b_le32(&b, 8);
    const uint32_t ifd_size = 2 + 9 * 12 + 4;
    const uint32_t strip = 8 + ifd_size, second = strip + 16;
    tiff_image_ifd(&b, 100000, 100000, strip, second);
    b_fill(&b, 0x80, 16);
    b_le16(&b, 0);
    b_le32(&b, 8); /* back to the first IFD */
    return b;
}

/* ---- WebP ----------------------------------------------------------------- */

static void vp8l_header(buf *b, uint32_t w, uint32_t h)
{
    b_u8(b, 0x2F);
    b_le32(b, (w - 1) | (h - 1) << 14); /* no alpha, version 0 */
}

static void riff_finish(buf *b)
{
    put_le32(b->d + 4, (uint32_t)(b->n - 8));
}

static void webp_chunk_vp8l(buf *b, uint32_t w, uint32_t h, size_t data)
{
    b_str(b, "VP8L");
    b_le32(b, (uint32_t)(5 + data));
    vp8l_header(b, w, h);
    b_fill(b, 0, data);
    if ((5 + data) & 1) b_u8(b, 0);
}

static buf make_webp_vp8l(uint32_t w, uint32_t h, size_t data)
{
    buf b = {0};
    b_str(&b, "RIFF"), b_le32(&b, 0), b_str(&b, "WEBP");
    webp_chunk_vp8l(&b, w, h, data);
    riff_finish(&b);
    return b;
}

static buf make_webp_vp8x(uint32_t w, uint32_t h, size_t data)
{
    buf b = {0};
    b_str(&b, "RIFF"), b_le32(&b, 0), b_str(&b, "WEBP");
    b_str(&b, "VP8X"), b_le32(&b, 10);
    b_u8(&b, 0), b_u8(&b, 0), b_u8(&b, 0), b_u8(&b, 0);
    b_u8(&b, (w - 1) & 0xFF), b_u8(&b, ((w - 1) >> 8) & 0xFF), b_u8(&b, (w - 1) >> 16);
    b_u8(&b, (h - 1) & 0xFF), b_u8(&b, ((h - 1) >> 8) & 0xFF), b_u8(&b, (h - 1) >> 16);
    webp_chunk_vp8l(&b, w, h, data);
    riff_finish(&b);
    return b;
}

/* ---- running a case in a child process ------------------------------------ */

enum { LIMIT_PIXELS = 1, LIMIT_BYTES = 2 };
#define ST(s) (1u << (unsigned)(-(s)))

typedef struct bomb_case {
    const char *format, *name;
    buf file;
    uint64_t max_pixels, max_bytes;     /* context settings */
    uint32_t decl_w, decl_h;            /* declared size (0: not checked by info) */
    unsigned info_ok;                   /* statuses (ST()) accepted from info besides PXC_OK */
    unsigned decode_ok;                 /* statuses (ST()) the decode may end with */
    const char *detail;                 /* text the decode's detail must hold, or NULL */
    uint32_t image_index;
    uint64_t mem_allow;                 /* allowed peak RSS growth in bytes */
    double time_allow;                  /* allowed decode time in seconds (0: the default 2 s) */
    uint64_t as_headroom;               /* address space the child may map beyond its start */
    const char *known_bug;              /* set: the case shows a known weakness and is not run */
} bomb_case;

typedef struct bomb_result {
    int info_status, decode_status;
    uint32_t info_w, info_h, info_images;
    char info_detail[200], detail[300];
    long rss_growth_kb;
    double info_s, decode_s;
} bomb_result;

static int under_valgrind(void)
{
    const char *p = getenv("LD_PRELOAD");
    return p && strstr(p, "vgpreload") != NULL;
}

/* AddressSanitizer builds (make test-sanitize): shadow memory makes RSS and address-space
 * figures meaningless, so only statuses and times are checked there. */
#if defined(__SANITIZE_ADDRESS__)
#define PXC_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PXC_TEST_ASAN 1
#endif
#endif
#ifndef PXC_TEST_ASAN
#define PXC_TEST_ASAN 0
#endif

static int memory_unmeasurable(void)
{
    return under_valgrind() || PXC_TEST_ASAN;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Caps the address space at what is mapped now plus @p headroom, so a large allocation fails. */
static void cap_address_space(uint64_t headroom)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (!f) return;
    if (fscanf(f, "%lu", &pages) != 1) pages = 0;
    fclose(f);
    if (!pages) return;
    struct rlimit rl;
    rl.rlim_cur = rl.rlim_max = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + headroom;
    setrlimit(RLIMIT_AS, &rl);
}

static void child_run(const bomb_case *c, int fd)
{
    bomb_result r;
    memset(&r, 0, sizeof(r));
    r.info_status = r.decode_status = 1;
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 1;
    cs.max_pixels = c->max_pixels;
    cs.max_bytes_per_image = c->max_bytes;
    pxc_context *ctx = NULL;
    pxc_decoder *dec = NULL;
    if (pxc_context_create(&cs, &ctx) != PXC_OK || pxc_decoder_create(ctx, NULL, &dec) != PXC_OK) _exit(3);
    if (!memory_unmeasurable()) cap_address_space(c->as_headroom);

    pxc_image_info info;
    const long rss0 = maxrss_kb();
    double t0 = now_s();
    r.info_status = pxc_test_info(ctx, c->file.d, c->file.n, &info);
    r.info_s = now_s() - t0;
    snprintf(r.info_detail, sizeof(r.info_detail), "%.199s", pxc_test_detail);
    if (r.info_status == PXC_OK) {
        r.info_w = info.width;
        r.info_h = info.height;
        r.info_images = info.num_images;
    }

    pxc_decode_params p;
    pxc_decode_params_default(&p);
    p.image_index = c->image_index;
    pxc_image *img = NULL;
    t0 = now_s();
    r.decode_status = pxc_test_decode(ctx, dec, c->file.d, c->file.n, &p, &img);
    r.decode_s = now_s() - t0;
    snprintf(r.detail, sizeof(r.detail), "%.299s", pxc_test_detail);
    r.rss_growth_kb = maxrss_kb() - rss0;
    pxc_image_destroy(img);
    pxc_decoder_destroy(dec);
    pxc_context_destroy(ctx);
    ssize_t w = write(fd, &r, sizeof(r));
    _exit(w == (ssize_t)sizeof(r) ? 0 : 4);
}

static const char *status_name(int st)
{
    switch (st) {
    case PXC_OK: return "OK";
    case PXC_ERROR_OUT_OF_MEMORY: return "OUT_OF_MEMORY";
    case PXC_ERROR_UNSUPPORTED_FORMAT: return "UNSUPPORTED_FORMAT";
    case PXC_ERROR_UNSUPPORTED_FEATURE: return "UNSUPPORTED_FEATURE";
    case PXC_ERROR_CORRUPT_DATA: return "CORRUPT_DATA";
    case PXC_ERROR_TRUNCATED_DATA: return "TRUNCATED_DATA";
    case PXC_ERROR_LIMIT_EXCEEDED: return "LIMIT_EXCEEDED";
    case PXC_ERROR_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    default: return "other";
    }
}

static void run_case(const bomb_case *c)
{
    if (c->known_bug) {
        printf("%-6s %-34s NOT RUN, known weakness: %s\n", c->format, c->name, c->known_bug);
        return;
    }
    const int vg = under_valgrind();
    const int unmeasured = memory_unmeasurable();
    const double slow = vg ? 30.0 : (PXC_TEST_ASAN ? 3.0 : 1.0);
    int fds[2];
    if (pipe(fds) != 0) {
        CHECK_MSG(0, "pipe: %s", strerror(errno));
        return;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        CHECK_MSG(0, "fork: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        alarm(vg ? 300 : 20); /* a hang ends the child with SIGALRM */
        child_run(c, fds[1]);
    }
    close(fds[1]);
    bomb_result r;
    size_t got = 0;
    while (got < sizeof(r)) {
        ssize_t k = read(fds[0], (char *)&r + got, sizeof(r) - got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        got += (size_t)k;
    }
    close(fds[0]);
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR) {
    }
    if (got != sizeof(r)) {
        const char *why = WIFSIGNALED(wst) ? (WTERMSIG(wst) == SIGALRM ? "hang (killed by the alarm)" : "crash")
                                           : "child failed";
        printf("%-6s %-34s %s (signal %d, exit %d)\n", c->format, c->name, why,
               WIFSIGNALED(wst) ? WTERMSIG(wst) : 0, WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
        CHECK_MSG(0, "%s %s: %s", c->format, c->name, why);
        return;
    }

    char excerpt[96];
    const char *d = r.detail;
    const char *key = strstr(d, "(raise");
    snprintf(excerpt, sizeof(excerpt), "%.90s", key ? key : d);
    printf("%-6s %-34s info %-16s decode %-16s %7.1f MB %7.4f s  %s\n", c->format, c->name,
           r.info_status == PXC_OK ? "OK" : status_name(r.info_status), status_name(r.decode_status),
           (double)r.rss_growth_kb / 1024.0, r.decode_s, excerpt);

    /* info: the declared size, or one of the accepted errors with a detail text */
    if (r.info_status == PXC_OK) {
        if (c->decl_w)
            CHECK_MSG(r.info_w == c->decl_w && r.info_h == c->decl_h, "%s %s: info reports %u x %u, declared %u x %u",
                      c->format, c->name, r.info_w, r.info_h, c->decl_w, c->decl_h);
    } else {
        CHECK_MSG((ST(r.info_status) & c->info_ok) != 0, "%s %s: info returned %s: %s", c->format, c->name,
                  status_name(r.info_status), r.info_detail);
        CHECK_MSG(r.info_detail[0] != '\0', "%s %s: info failed without a detail", c->format, c->name);
    }
    CHECK_MSG(r.info_s < 0.5 * slow, "%s %s: info took %.3f s", c->format, c->name, r.info_s);

    CHECK_MSG((ST(r.decode_status) & c->decode_ok) != 0, "%s %s: decode returned %s: %s", c->format, c->name,
              status_name(r.decode_status), r.detail);
    if (c->detail)
        CHECK_MSG(strstr(r.detail, c->detail) != NULL, "%s %s: detail lacks \"%s\": %s", c->format, c->name,
                  c->detail, r.detail);
    CHECK_MSG(r.decode_status == PXC_OK || r.detail[0] != '\0', "%s %s: decode failed without a detail", c->format,
              c->name);
    if (!unmeasured)
        CHECK_MSG((uint64_t)r.rss_growth_kb * 1024 <= c->mem_allow, "%s %s: peak memory grew by %ld KB (allowed %llu)",
                  c->format, c->name, r.rss_growth_kb, (unsigned long long)(c->mem_allow >> 10));
    double budget_s = c->time_allow > 0 ? c->time_allow : 2.0;
    const double mp = (double)c->decl_w * c->decl_h / 1e6;
    if (c->decode_ok & ST(PXC_ERROR_TRUNCATED_DATA) && mp > 0 && mp < 100) {
        /* truncated, not refused: time per declared megapixel well under a second */
        const double per_mp = 0.1 * mp;
        if (per_mp < budget_s) budget_s = per_mp > 0.25 ? per_mp : 0.25;
    }
    CHECK_MSG(r.decode_s < budget_s * slow, "%s %s: decode took %.3f s (allowed %.2f s)", c->format, c->name,
              r.decode_s, budget_s * slow);
}

/* ---- the cases ------------------------------------------------------------ */

#define MAX_CASES 64
static bomb_case cases[MAX_CASES];
static int ncases;

static bomb_case *add(const char *format, const char *name, buf file, uint32_t w, uint32_t h)
{
    if (ncases == MAX_CASES) {
        fprintf(stderr, "test_bombs: too many cases\n");
        exit(2);
    }
    bomb_case *c = &cases[ncases++];
    memset(c, 0, sizeof(*c));
    c->format = format;
    c->name = name;
    c->file = file;
    c->decl_w = w;
    c->decl_h = h;
    c->max_pixels = PXC_DEFAULT_MAX_PIXELS;
    c->max_bytes = PXC_DEFAULT_MAX_BYTES;
    c->mem_allow = 64 * MIB;
    c->as_headroom = 1024 * MIB;
    return c;
}

/* Refused by max_pixels with the default limits. */
static void add_pixels(const char *format, const char *name, buf file, uint32_t w, uint32_t h)
{
    bomb_case *c = add(format, name, file, w, h);
    c->decode_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
    c->detail = "max_pixels";
}

/* The same file with max_pixels 0 (unlimited) and 64 MiB of bytes: refused by the byte budget. */
static void add_bytes(const char *format, const char *name, buf file, uint32_t w, uint32_t h)
{
    buf copy = {0};
    b_bytes(&copy, file.d, file.n);
    bomb_case *c = add(format, name, copy, w, h);
    c->max_pixels = 0;
    c->max_bytes = 64 * MIB;
    c->decode_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
    c->detail = "max_bytes_per_image";
}

/* Limits high enough for the declared image: the decode must end quickly as truncated or corrupt. */
static void add_truncated(const char *format, const char *name, buf file, uint32_t w, uint32_t h, unsigned ch)
{
    bomb_case *c = add(format, name, file, w, h);
    c->max_pixels = 0;
    c->max_bytes = 1024 * MIB;
    c->decode_ok = ST(PXC_ERROR_TRUNCATED_DATA) | ST(PXC_ERROR_CORRUPT_DATA);
    c->mem_allow = 64 * MIB + (uint64_t)w * h * ch; /* the output buffer is allocated up front */
    c->as_headroom += (uint64_t)w * h * ch;
}

static void build_cases(void)
{
    buf f;
    /* JPEG: SOF 65000 x 65000, three components */
    f = make_jpeg(65000, 65000, 3, 64);
    add_pixels("jpeg", "SOF 65000x65000", f, 65000, 65000);
    add_bytes("jpeg", "SOF 65000x65000, bytes limit", f, 65000, 65000);
    add_truncated("jpeg", "4000x4000, 1 KB of scan", make_jpeg(4000, 4000, 3, 1024), 4000, 4000, 3);

    {
        /* progressive scan-count bombs: 2000 repeated scans are refused by jpeg:max_scans (500);
         * 450 are decoded, and must stay well under a second per declared megapixel */
        bomb_case *c = add("jpeg", "2048x2048 progressive, 2000 scans", make_jpeg_scans(2048, 2048, 2000), 2048, 2048);
        c->decode_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
        c->detail = "jpeg:max_scans";
        c = add("jpeg", "2048x2048 progressive, 450 scans", make_jpeg_scans(2048, 2048, 450), 2048, 2048);
        c->decode_ok = ST(PXC_OK);
        c->time_allow = 0.25 * 4.2;
        c->mem_allow = 64 * MIB + 2048 * 2048 * 3;
    }

    /* PNG: IHDR 100000 x 100000 RGB with a valid CRC */
    f = make_png_big(100000, 100000, 64);
    add_pixels("png", "IHDR 100000x100000", f, 100000, 100000);
    add_bytes("png", "IHDR 100000x100000, bytes limit", f, 100000, 100000);
    add_truncated("png", "4000x4000, 1 KB of IDAT", make_png_big(4000, 4000, 1024), 4000, 4000, 3);

    /* BMP: 100000 x 100000, 24-bit */
    f = make_bmp(100000, 100000, 64);
    add_pixels("bmp", "100000x100000 24-bit", f, 100000, 100000);
    add_bytes("bmp", "100000x100000 24-bit, bytes limit", f, 100000, 100000);
    add_truncated("bmp", "4000x4000, 1 KB of pixels", make_bmp(4000, 4000, 1024), 4000, 4000, 3);

    /* PNM: P6 100000 100000 255 */
    f = make_pnm(100000, 100000, 64);
    add_pixels("pnm", "P6 100000x100000", f, 100000, 100000);
    add_bytes("pnm", "P6 100000x100000, bytes limit", f, 100000, 100000);
    add_truncated("pnm", "P6 4000x4000, 1 KB of pixels", make_pnm(4000, 4000, 1024), 4000, 4000, 3);

    /* JPEG 2000 */
    f = make_j2k(100000, 100000, 100000, 100000, 0);
    add_pixels("j2k", "SIZ 100000x100000", f, 100000, 100000);
    add_bytes("j2k", "SIZ 100000x100000, bytes limit", f, 100000, 100000);
    {
        /* 1 x 1 tiles on 60000 x 60000: 3.6e9 tiles; the code stream's tile index
         * (Isot) is 16-bit, so the parser refuses more than 65535 tiles as corrupt. */
        bomb_case *c = add("j2k", "60000x60000 in 1x1 tiles", make_j2k(60000, 60000, 1, 1, 0), 0, 0);
        c->info_ok = ST(PXC_ERROR_CORRUPT_DATA);
        c->decode_ok = ST(PXC_ERROR_CORRUPT_DATA) | ST(PXC_ERROR_LIMIT_EXCEEDED);
        c->max_pixels = 0;
        c->max_bytes = 64 * MIB;
    }
    {
        /* 65535 tiles (the most the tile index allows) of 1 x 1 on a 255 x 257 image:
         * OpenJPEG keeps per-tile coding parameters for every tile and component */
        /* the decoder charges OpenJPEG's ~5 KB per tile-component to the byte budget up
         * front: 335 MB here, refused under a 256 MiB limit */
        bomb_case *c = add("j2k", "255x257 in 65535 1x1 tiles, 256 MiB", make_j2k_n(255, 257, 1, 1, 1, 0), 255, 257);
        c->max_bytes = 256 * MIB;
        c->decode_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
        c->detail = "max_bytes_per_image";
        /* 16 components: 5.4 GB of tile-components, over the default 2 GiB */
        c = add("j2k", "255x257 in 65535 tiles, 16 comps", make_j2k_n(255, 257, 1, 1, 16, 0), 255, 257);
        c->decode_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
        c->detail = "max_bytes_per_image";
    }
    add_truncated("j2k", "4000x4000, 1 KB tile part", make_j2k(4000, 4000, 4000, 4000, 1024), 4000, 4000, 3);

    /* TIFF */
    f = make_tiff(100000, 100000, 64);
    add_pixels("tiff", "100000x100000 one strip", f, 100000, 100000);
    add_bytes("tiff", "100000x100000 one strip, bytes limit", f, 100000, 100000);
    add_truncated("tiff", "4000x4000, 1 KB of strip", make_tiff(4000, 4000, 1024), 4000, 4000, 3);
    {
        /* 70000 pages in 6-byte IFDs (420 KB): more than the 65535 pages allowed */
        bomb_case *c = add("tiff", "70000-page IFD chain", make_tiff_pages(70000), 0, 0);
        c->info_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
        c->decode_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
        c->detail = "pages";
        c = add("tiff", "1000000-page IFD chain", make_tiff_pages(1000000), 0, 0);
        c->info_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
        c->decode_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
        c->detail = "pages";
    }
    {
        bomb_case *c = add("tiff", "IFD loop, 100000x100000 page 0", make_tiff_loop(), 100000, 100000);
        c->decode_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
        c->detail = "max_pixels";
    }
    {
        bomb_case *c = add("tiff", "IFD loop, decode page 5", make_tiff_loop(), 100000, 100000);
        c->image_index = 5;
        c->decode_ok = ST(PXC_ERROR_INVALID_ARGUMENT) | ST(PXC_ERROR_CORRUPT_DATA);
    }

    /* WebP: 16383 x 16383 is within the default max_pixels (2^28): use lower limits */
    f = make_webp_vp8x(16383, 16383, 64);
    {
        bomb_case *c = add("webp", "VP8X 16383x16383, max_pixels 2^24", f, 16383, 16383);
        c->max_pixels = (uint64_t)1 << 24;
        c->decode_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
        c->detail = "max_pixels";
    }
    add_bytes("webp", "VP8X 16383x16383, bytes limit", f, 16383, 16383);
    f = make_webp_vp8l(16383, 16383, 64);
    {
        bomb_case *c = add("webp", "VP8L 16383x16383, max_pixels 2^24", f, 16383, 16383);
        c->max_pixels = (uint64_t)1 << 24;
        c->decode_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
        c->detail = "max_pixels";
    }
    add_bytes("webp", "VP8L 16383x16383, bytes limit", f, 16383, 16383);
    add_truncated("webp", "VP8L 4000x4000, 1 KB", make_webp_vp8l(4000, 4000, 1024), 4000, 4000, 3);

    /* PNG ancillary chunks that inflate to ~16.9 MB (65536 two-bit matches: 16 KB of zeros)
     * and to ~2.2 GB (2 MB of zlib data) */
    static const struct { const char *type, *name, *name_budget; uint32_t matches; } anc[] = {
        {"zTXt", "zTXt inflating to 16.9 MB", "zTXt 16.9 MB, bytes limit 4 MiB", 65536},
        {"iCCP", "iCCP inflating to 16.9 MB", "iCCP 16.9 MB, bytes limit 4 MiB", 65536},
        {"zTXt", "zTXt inflating to 2.2 GB", "zTXt 2.2 GB, bytes limit 4 MiB", 8u << 20},
        {"iCCP", "iCCP inflating to 2.2 GB", "iCCP 2.2 GB, bytes limit 4 MiB", 8u << 20},
    };
    for (size_t i = 0; i < sizeof(anc) / sizeof(anc[0]); i++) {
        bomb_case *c = add("png", anc[i].name, make_png_inflating(anc[i].type, anc[i].matches), 1, 1);
        c->decode_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
        c->detail = "ancillary chunk";
        c = add("png", anc[i].name_budget, make_png_inflating(anc[i].type, anc[i].matches), 1, 1);
        c->max_bytes = 4 * MIB;
        c->decode_ok = ST(PXC_ERROR_LIMIT_EXCEEDED);
        c->detail = "max_bytes_per_image";
    }
}

static void build_more_cases(void)
{
    /* WebP 16383 x 16383 with the default limits: it passes both (2^28 pixels, 2 GiB), so the
     * 805 MB output is allocated; the garbage must still be refused quickly */
    bomb_case *c = add("webp", "VP8L 16383x16383, default limits", make_webp_vp8l(16383, 16383, 1024), 16383, 16383);
    c->decode_ok = ST(PXC_ERROR_TRUNCATED_DATA) | ST(PXC_ERROR_CORRUPT_DATA);
    c->as_headroom += (uint64_t)16383 * 16383 * 3;
    c = add("webp", "VP8X 16383x16383, default limits", make_webp_vp8x(16383, 16383, 1024), 16383, 16383);
    c->decode_ok = ST(PXC_ERROR_TRUNCATED_DATA) | ST(PXC_ERROR_CORRUPT_DATA);
    c->as_headroom += (uint64_t)16383 * 16383 * 3;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    build_cases();
    build_more_cases();
    printf("%-6s %-34s %-21s %-23s %10s %9s  %s\n", "format", "case", "info", "decode", "peak+", "time",
           "detail");
    for (int i = 0; i < ncases; i++) {
        run_case(&cases[i]);
        free(cases[i].file.d);
    }
    return pxc_test_summary("test_bombs");
}
