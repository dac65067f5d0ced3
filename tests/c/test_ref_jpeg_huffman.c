/*
 * CPU reference of the GPU JPEG Huffman decoder (huffman_ref.c, running the
 * kernels' per-thread code) against libjpeg-turbo's jpeg_read_coefficients:
 * baseline JPEGs written here with libjpeg (sizes, gray / YCbCr 4:4:4, 4:2:2,
 * 4:2:0, 4:1:1 / CMYK / YCCK, qualities, optimised tables, restart
 * intervals, patterns) must give exactly the same coefficients for every
 * subsequence size; unsupported variants are refused with a message; truncated
 * and corrupted streams give an error or, where libjpeg decodes them without
 * error or corrupting warning, the same coefficients; never a crash.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "codecs/jpeg/gpu/decode_ref.h"
#include "codecs/jpeg/gpu/huffman_ref.h"
#include "test.h"

/* ---- libjpeg error handling ------------------------------------------------ */

/* libjpeg error manager: errors longjmp, corrupting warnings are counted. */
typedef struct test_jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int bad_warnings;
} test_jerr;

static void jerr_exit(j_common_ptr c)
{
    test_jerr *e = (test_jerr *)c->err;
    longjmp(e->jump, 1);
}

static void jerr_message(j_common_ptr c, int level)
{
    test_jerr *e = (test_jerr *)c->err;
    if (level >= 0) return;
    switch (c->err->msg_code) {
    case JWRN_HUFF_BAD_CODE:
    case JWRN_HIT_MARKER:
    case JWRN_MUST_RESYNC:
    case JWRN_JPEG_EOF:
    case JWRN_NOT_SEQUENTIAL:
    case JWRN_BOGUS_PROGRESSION:
        e->bad_warnings++;
        break;
    default:
        break;
    }
}

/* ---- making test JPEGs ------------------------------------------------------- */

enum { CS_GRAY, CS_444, CS_422, CS_420, CS_411, CS_CMYK, CS_YCCK, CS_COUNT };
static const char *cs_names[CS_COUNT] = {"gray", "444", "422", "420", "411", "cmyk", "ycck"};

enum { RST_NONE, RST_1, RST_7, RST_ROWS, RST_COUNT };
enum { PAT_GRADIENT, PAT_NOISE, PAT_PHOTO, PAT_COUNT };
enum { MODE_BASELINE, MODE_PROGRESSIVE, MODE_ARITH, MODE_MULTISCAN };

/* Parameters of one test image. */
typedef struct img_params {
    int w, h, cs, quality, optimize, rst, pattern, mode;
} img_params;

/* Pixel value of channel ch at (x, y) for a pattern (deterministic). */
static uint8_t pixel(const img_params *p, int x, int y, int ch, uint32_t *rng)
{
    switch (p->pattern) {
    case PAT_GRADIENT:
        return (uint8_t)((x * 255 / (p->w > 1 ? p->w - 1 : 1) * (ch + 1) + y * 255 / (p->h > 1 ? p->h - 1 : 1)) / (ch + 2));
    case PAT_NOISE:
        return (uint8_t)(pxc_test_rand(rng) >> 4);
    default: {
        int v = 128 + ((x * (ch + 3) + y * 7) % 97) - 48 + (int)((x / 13 + y / 11 + ch) % 5) * 20 +
                (int)(pxc_test_rand(rng) % 24) - 12;
        if (((x / 32) + (y / 24)) % 3 == 0) v = 255 - v;
        return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
    }
}

/* Compresses an image with libjpeg; returns a malloc'ed JPEG (NULL: libjpeg refused). */
static uint8_t *make_jpeg(const img_params *p, size_t *size)
{
    struct jpeg_compress_struct c;
    test_jerr e;
    memset(&e, 0, sizeof(e));
    c.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = jerr_exit;
    e.pub.emit_message = jerr_message;
    unsigned char *volatile out = NULL;
    unsigned long out_size = 0;
    int comps = p->cs == CS_GRAY ? 1 : (p->cs == CS_CMYK || p->cs == CS_YCCK) ? 4 : 3;
    uint8_t *row = (uint8_t *)malloc((size_t)p->w * (size_t)comps);
    if (setjmp(e.jump)) {
        jpeg_destroy_compress(&c);
        free(row);
        free(out);
        return NULL;
    }
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, (unsigned char **)&out, &out_size);
    c.image_width = (JDIMENSION)p->w;
    c.image_height = (JDIMENSION)p->h;
    c.input_components = comps;
    c.in_color_space = comps == 1 ? JCS_GRAYSCALE : comps == 4 ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&c);
    if (p->cs == CS_YCCK) jpeg_set_colorspace(&c, JCS_YCCK);
    jpeg_set_quality(&c, p->quality, TRUE);
    c.optimize_coding = p->optimize ? TRUE : FALSE;
    c.dct_method = JDCT_ISLOW;
    int hs = 1, vs = 1;
    if (p->cs == CS_422) hs = 2;
    if (p->cs == CS_420) hs = vs = 2;
    if (p->cs == CS_411) hs = 4;
    if (p->cs == CS_YCCK) hs = vs = 2;
    c.comp_info[0].h_samp_factor = hs;
    c.comp_info[0].v_samp_factor = vs;
    if (p->rst == RST_1) c.restart_interval = 1;
    if (p->rst == RST_7) c.restart_interval = 7;
    if (p->rst == RST_ROWS) c.restart_in_rows = 1;
    jpeg_scan_info scans[4];
    if (p->mode == MODE_PROGRESSIVE) jpeg_simple_progression(&c);
    if (p->mode == MODE_ARITH) c.arith_code = TRUE;
    if (p->mode == MODE_MULTISCAN) {
        for (int i = 0; i < comps; i++) {
            scans[i].comps_in_scan = 1;
            scans[i].component_index[0] = i;
            scans[i].Ss = 0;
            scans[i].Se = 63;
            scans[i].Ah = 0;
            scans[i].Al = 0;
        }
        c.scan_info = scans;
        c.num_scans = comps;
    }
    jpeg_start_compress(&c, TRUE);
    uint32_t rng = 12345u + (uint32_t)p->w * 31u + (uint32_t)p->h;
    while (c.next_scanline < c.image_height) {
        int y = (int)c.next_scanline;
        for (int x = 0; x < p->w; x++)
            for (int ch = 0; ch < comps; ch++) row[(size_t)x * (size_t)comps + (size_t)ch] = pixel(p, x, y, ch, &rng);
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    *size = out_size;
    return out;
}

/* ---- comparison with libjpeg ------------------------------------------------- */

static void free_coefs(pxc_jpeg_coefs *c)
{
    for (int i = 0; i < PXC_JPEG_MAX_COMPONENTS; i++) {
        free(c->comp[i].coef);
        c->comp[i].coef = NULL;
    }
}

static pxc_jpeg_colorspace cs_of(J_COLOR_SPACE s)
{
    switch (s) {
    case JCS_GRAYSCALE: return PXC_JPEG_CS_GRAY;
    case JCS_RGB: return PXC_JPEG_CS_RGB;
    case JCS_CMYK: return PXC_JPEG_CS_CMYK;
    case JCS_YCCK: return PXC_JPEG_CS_YCCK;
    default: return PXC_JPEG_CS_YCBCR;
    }
}

/*
 * Reads the coefficients with libjpeg. Returns 1 when libjpeg decoded without
 * error and without corrupting warning (0 otherwise). With ours != NULL the
 * geometry and every coefficient are compared; *mismatch counts differences.
 */
static int libjpeg_compare(const uint8_t *buf, size_t size, const pxc_jpeg_coefs *ours, long *mismatch)
{
    struct jpeg_decompress_struct d;
    test_jerr e;
    memset(&e, 0, sizeof(e));
    d.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = jerr_exit;
    e.pub.emit_message = jerr_message;
    volatile long bad = 0;
    if (setjmp(e.jump)) {
        jpeg_destroy_decompress(&d);
        if (mismatch) *mismatch += bad;
        return 0;
    }
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, buf, (unsigned long)size);
    jpeg_read_header(&d, TRUE);
    jvirt_barray_ptr *arrays = jpeg_read_coefficients(&d);
    if (ours) {
        if (ours->width != d.image_width || ours->height != d.image_height ||
            ours->num_components != d.num_components || ours->colorspace != cs_of(d.jpeg_color_space) ||
            ours->adobe != (int)d.saw_Adobe_marker || ours->max_h_samp != d.max_h_samp_factor ||
            ours->max_v_samp != d.max_v_samp_factor || ours->restart_interval != d.restart_interval) {
            fprintf(stderr, "geometry differs: %ux%u n%d cs%d/%d adobe %d\n", ours->width, ours->height,
                    ours->num_components, (int)ours->colorspace, (int)d.jpeg_color_space, ours->adobe);
            bad++;
        }
        for (int c = 0; c < d.num_components && c < ours->num_components; c++) {
            jpeg_component_info *ci = &d.comp_info[c];
            const pxc_jpeg_component *oc = &ours->comp[c];
            if (oc->h_samp != ci->h_samp_factor || oc->v_samp != ci->v_samp_factor ||
                oc->width != ci->downsampled_width || oc->height != ci->downsampled_height ||
                oc->width_in_blocks != ci->width_in_blocks || oc->height_in_blocks != ci->height_in_blocks) {
                fprintf(stderr, "component %d geometry differs\n", c);
                bad++;
                continue;
            }
            for (int k = 0; k < 64; k++)
                if (!ci->quant_table || oc->quant[k] != ci->quant_table->quantval[k]) {
                    bad++;
                    break;
                }
            uint32_t bw = (ci->width_in_blocks + (uint32_t)ci->h_samp_factor - 1) / (uint32_t)ci->h_samp_factor *
                          (uint32_t)ci->h_samp_factor;
            uint32_t bh = (ci->height_in_blocks + (uint32_t)ci->v_samp_factor - 1) / (uint32_t)ci->v_samp_factor *
                          (uint32_t)ci->v_samp_factor;
            if (bw > oc->padded_blocks_w) bw = oc->padded_blocks_w;
            if (bh > oc->padded_blocks_h) bh = oc->padded_blocks_h;
            for (uint32_t by = 0; by < bh; by++) {
                JBLOCKARRAY rows = d.mem->access_virt_barray((j_common_ptr)&d, arrays[c], by, 1, FALSE);
                for (uint32_t bx = 0; bx < bw; bx++) {
                    const int16_t *ob = oc->coef + ((size_t)by * oc->padded_blocks_w + bx) * 64;
                    for (int k = 0; k < 64; k++)
                        if (ob[k] != rows[0][bx][k]) {
                            if (bad < 5)
                                fprintf(stderr, "coef differs: comp %d block (%u,%u) k %d: %d vs %d\n", c, bx, by, k,
                                        ob[k], rows[0][bx][k]);
                            bad++;
                        }
                }
            }
        }
    }
    jpeg_finish_decompress(&d);
    int ok = e.bad_warnings == 0;
    jpeg_destroy_decompress(&d);
    if (mismatch) *mismatch += bad;
    return ok;
}

/* ---- tests --------------------------------------------------------------------- */

/*
 * libjpeg's pixels of buf (ISLOW, fancy upsampling on or off) in RGB, or as stored for gray and
 * CMYK / YCCK (CMYK out), into out (malloc'ed, *nch samples per pixel); NULL on error.
 */
static uint8_t *libjpeg_pixels(const uint8_t *buf, size_t size, int fancy, int *nch)
{
    struct jpeg_decompress_struct d;
    test_jerr e;
    memset(&e, 0, sizeof(e));
    d.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = jerr_exit;
    e.pub.emit_message = jerr_message;
    uint8_t *volatile out = NULL;
    if (setjmp(e.jump)) {
        jpeg_destroy_decompress(&d);
        free(out);
        return NULL;
    }
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, buf, (unsigned long)size);
    jpeg_read_header(&d, TRUE);
    d.out_color_space = d.num_components == 1 ? JCS_GRAYSCALE : d.num_components == 4 ? JCS_CMYK : JCS_RGB;
    d.dct_method = JDCT_ISLOW;
    d.do_fancy_upsampling = fancy ? TRUE : FALSE;
    jpeg_start_decompress(&d);
    *nch = d.output_components;
    const size_t row = (size_t)d.output_width * (size_t)d.output_components;
    out = (uint8_t *)malloc(row * d.output_height);
    if (!out) longjmp(e.jump, 1);
    while (d.output_scanline < d.output_height) {
        JSAMPROW r = out + (size_t)d.output_scanline * row;
        jpeg_read_scanlines(&d, &r, 1);
    }
    jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    return out;
}

/*
 * The GPU_ONLY decoder's path on the CPU: these coefficients (from the Huffman reference) through
 * the decode stages' reference must give libjpeg's own pixels, in both upsampling modes.
 */
static long n_pixel_checks;
static void check_pixels(const uint8_t *jpg, size_t size, const pxc_jpeg_coefs *co, const char *name)
{
    for (int fancy = 0; fancy < 2; fancy++) {
        int nch = 0;
        uint8_t *want = libjpeg_pixels(jpg, size, fancy, &nch);
        CHECK_MSG(want != NULL, "%s: libjpeg cannot decode the pixels", name);
        if (!want) continue;
        const pxc_jpeg_out_space space = nch == 1 ? PXC_JPEG_OUT_GRAY : nch == 4 ? PXC_JPEG_OUT_CMYK : PXC_JPEG_OUT_RGB;
        const size_t n = (size_t)co->width * co->height * (size_t)nch;
        uint8_t *got = (uint8_t *)malloc(n ? n : 1);
        pxc_err err;
        pxc_err_clear(&err);
        pxc_status st = got ? pxc_jpeg_ref_decode(co, space, fancy, got, (size_t)co->width * (size_t)nch, &err)
                            : PXC_ERROR_OUT_OF_MEMORY;
        CHECK_MSG(st == PXC_OK, "%s: decode stages: %s", name, err.msg);
        if (st == PXC_OK) {
            size_t diff = 0;
            for (size_t i = 0; i < n; i++) diff += got[i] != want[i];
            CHECK_MSG(diff == 0, "%s fancy=%d: %zu of %zu samples differ from libjpeg", name, fancy, diff, n);
            n_pixel_checks++;
        }
        free(got);
        free(want);
    }
}

static long n_images, n_decodes, n_unsupported, n_variants, n_var_err, n_var_ok, n_var_lib_only_ok;

/* Encodes p, decodes with every subsequence size, compares with libjpeg. */
static void check_image(const img_params *p)
{
    size_t size = 0;
    uint8_t *jpg = make_jpeg(p, &size);
    CHECK_MSG(jpg != NULL, "libjpeg could not write %dx%d %s", p->w, p->h, cs_names[p->cs]);
    if (!jpg) return;
    n_images++;
    static const size_t subs[] = {64, 256, 4096};
    for (int s = 0; s < 3; s++) {
        pxc_jpeg_coefs co;
        pxc_err err;
        pxc_err_clear(&err);
        /* the last size also runs without sync rounds: the sequential fallback does the work */
        pxc_status st = s == 2 && (n_images % 2) ? pxc_jpeg_huffman_decode_ref_ex(jpg, size, &co, subs[s], 0, &err)
                                                 : pxc_jpeg_huffman_decode_ref(jpg, size, &co, subs[s], &err);
        CHECK_MSG(st == PXC_OK, "%dx%d %s q%d opt%d rst%d pat%d sub %zu: %s", p->w, p->h, cs_names[p->cs], p->quality,
                  p->optimize, p->rst, p->pattern, subs[s], err.msg);
        if (st != PXC_OK) continue;
        long mismatch = 0;
        int lib_ok = libjpeg_compare(jpg, size, &co, &mismatch);
        CHECK(lib_ok);
        CHECK_MSG(mismatch == 0, "%dx%d %s q%d opt%d rst%d pat%d sub %zu: %ld differences", p->w, p->h,
                  cs_names[p->cs], p->quality, p->optimize, p->rst, p->pattern, subs[s], mismatch);
        if (s == 1) {
            char name[96];
            snprintf(name, sizeof(name), "%dx%d %s q%d opt%d rst%d pat%d", p->w, p->h, cs_names[p->cs], p->quality,
                     p->optimize, p->rst, p->pattern);
            check_pixels(jpg, size, &co, name);
        }
        n_decodes++;
        free_coefs(&co);
    }
    free(jpg);
}

/* Builds with a mode libjpeg writes and that we must refuse; checks status and message word. */
static void check_refused(int mode, int cs, const char *word, pxc_status expect)
{
    img_params p = {48, 40, cs, 85, 0, RST_NONE, PAT_PHOTO, mode};
    size_t size = 0;
    uint8_t *jpg = make_jpeg(&p, &size);
    if (!jpg) {
        printf("note: libjpeg cannot write mode %d; skipped\n", mode);
        return;
    }
    pxc_jpeg_coefs co;
    pxc_err err;
    pxc_err_clear(&err);
    pxc_status st = pxc_jpeg_huffman_decode_ref(jpg, size, &co, 256, &err);
    CHECK_MSG(st == expect && strstr(err.msg, word) != NULL, "mode %d: status %d, message '%s'", mode, (int)st, err.msg);
    CHECK(co.comp[0].coef == NULL);
    n_unsupported++;
    free(jpg);
}

/* Changes the SOF precision byte to 12 and expects a refusal naming 12-bit. */
static void check_12bit(void)
{
    img_params p = {16, 16, CS_GRAY, 85, 0, RST_NONE, PAT_GRADIENT, MODE_BASELINE};
    size_t size = 0;
    uint8_t *jpg = make_jpeg(&p, &size);
    CHECK(jpg != NULL);
    if (!jpg) return;
    for (size_t i = 0; i + 4 < size; i++)
        if (jpg[i] == 0xFF && jpg[i + 1] == 0xC0) {
            jpg[i + 4] = 12;
            break;
        }
    pxc_jpeg_coefs co;
    pxc_err err;
    pxc_err_clear(&err);
    pxc_status st = pxc_jpeg_huffman_decode_ref(jpg, size, &co, 256, &err);
    CHECK_MSG(st == PXC_ERROR_UNSUPPORTED_FEATURE && strstr(err.msg, "12-bit"), "status %d '%s'", (int)st, err.msg);
    n_unsupported++;
    free(jpg);
}

/* One damaged stream: an error, or (where libjpeg is fine too) the same coefficients; same status for every size. */
static void check_variant(const uint8_t *buf, size_t size)
{
    n_variants++;
    static const size_t subs[] = {64, 1024};
    pxc_status first = PXC_OK;
    for (int s = 0; s < 2; s++) {
        pxc_jpeg_coefs co;
        pxc_err err;
        pxc_err_clear(&err);
        pxc_status st = pxc_jpeg_huffman_decode_ref_ex(buf, size, &co, subs[s], s ? 0 : PXC_JPEG_HUFF_SYNC_ITERATIONS, &err);
        if (s == 0) first = st;
        CHECK_MSG(st == first, "status %d with %zu-bit subsequences, %d with 64 (%s)", (int)st, subs[s], (int)first,
                  err.msg);
        if (st == PXC_OK) {
            long mismatch = 0;
            int lib_ok = libjpeg_compare(buf, size, &co, &mismatch);
            CHECK_MSG(lib_ok, "we decoded a stream libjpeg refuses or warns about (size %zu)", size);
            CHECK_MSG(mismatch == 0, "damaged stream decoded differently from libjpeg: %ld differences", mismatch);
            free_coefs(&co);
            if (s == 0) n_var_ok++;
        } else {
            CHECK(err.msg[0] != '\0');
            CHECK(st == PXC_ERROR_CORRUPT_DATA || st == PXC_ERROR_TRUNCATED_DATA ||
                  st == PXC_ERROR_UNSUPPORTED_FEATURE || st == PXC_ERROR_EMPTY_INPUT);
            if (s == 0) {
                n_var_err++;
                if (libjpeg_compare(buf, size, NULL, NULL)) n_var_lib_only_ok++;
            }
        }
    }
}

/* Truncations at many cut points and random byte corruptions of a few base images. */
static void check_damage(void)
{
    static const img_params bases[] = {
        {61, 47, CS_420, 90, 0, RST_7, PAT_PHOTO, MODE_BASELINE},
        {40, 33, CS_GRAY, 75, 1, RST_NONE, PAT_NOISE, MODE_BASELINE},
        {35, 20, CS_CMYK, 95, 0, RST_1, PAT_GRADIENT, MODE_BASELINE},
        {50, 30, CS_411, 100, 1, RST_ROWS, PAT_PHOTO, MODE_BASELINE},
    };
    uint32_t rng = 777;
    for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
        size_t size = 0;
        uint8_t *jpg = make_jpeg(&bases[b], &size);
        CHECK(jpg != NULL);
        if (!jpg) continue;
        uint8_t *v = (uint8_t *)malloc(size);
        /* truncations: 40 cut points spread over the file plus the last bytes */
        for (int i = 0; i < 40; i++) {
            size_t cut = size * (size_t)i / 40;
            check_variant(jpg, cut);
        }
        for (size_t k = 1; k <= 4 && k < size; k++) check_variant(jpg, size - k);
        /* corruptions */
        for (int i = 0; i < 90; i++) {
            memcpy(v, jpg, size);
            int nbytes = 1 + (int)(pxc_test_rand(&rng) % 3);
            for (int k = 0; k < nbytes; k++) {
                size_t at = pxc_test_rand(&rng) % size;
                uint32_t r = pxc_test_rand(&rng);
                v[at] = (r & 0x300) == 0 ? 0xFF : (r & 0x300) == 0x100 ? (uint8_t)(v[at] ^ (1u << (r & 7))) : (uint8_t)r;
            }
            check_variant(v, size);
        }
        free(v);
        free(jpg);
    }
}

int main(void)
{
    static const int sizes[][2] = {{1, 1}, {8, 8}, {17, 9}, {640, 481}, {1920, 1080}};
    static const int qualities[] = {50, 95, 100};
    int cfg = 0;
    for (int si = 0; si < 5; si++) {
        for (int cs = 0; cs < CS_COUNT; cs++)
            for (int qi = 0; qi < 3; qi++)
                for (int opt = 0; opt < 2; opt++)
                    for (int rst = 0; rst < RST_COUNT; rst++) {
                        cfg++;
                        /* small sizes: every combination; 640x481: every restart mode for each
                         * colour and quality (optimisation alternating); 1920x1080: a rotating sample */
                        if (si == 3 && opt != (cfg / 8) % 2) continue;
                        if (si == 4 && (cfg % 9) != 0) continue;
                        img_params p = {sizes[si][0], sizes[si][1], cs, qualities[qi], opt, rst,
                                        (cs + qi + rst) % PAT_COUNT, MODE_BASELINE};
                        check_image(&p);
                    }
    }
    check_refused(MODE_PROGRESSIVE, CS_420, "progressive", PXC_ERROR_UNSUPPORTED_FEATURE);
    check_refused(MODE_ARITH, CS_420, "arithmetic", PXC_ERROR_UNSUPPORTED_FEATURE);
    check_refused(MODE_MULTISCAN, CS_444, "multi-scan", PXC_ERROR_UNSUPPORTED_FEATURE);
    check_12bit();
    check_damage();
    printf("jpeg huffman ref + decode stages: %ld pixel decodes equal to libjpeg's\n", n_pixel_checks);
    printf("jpeg huffman ref: %ld images, %ld decodes equal to libjpeg, %ld refusals checked, %ld damaged variants "
           "(%ld errors [%ld of them libjpeg decodes cleanly], %ld decoded equal to libjpeg)\n",
           n_images, n_decodes, n_unsupported, n_variants, n_var_err, n_var_lib_only_ok, n_var_ok);
    return pxc_test_summary("test_ref_jpeg_huffman");
}
