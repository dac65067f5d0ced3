/*
 * PNM: probe, header parsing and the codec definition.
 *
 * P1/P4 (PBM), P2/P5 (PGM), P3/P6 (PPM) headers are whitespace separated
 * decimal fields; a comment runs from '#' to the end of the line and may
 * stand wherever whitespace may. The raster starts after the single
 * whitespace character that ends the last field. P7 (PAM) headers are lines
 * of "KEYWORD value" ending with ENDHDR.
 *
 * A file may hold several images one after the other; the header of the
 * first is parsed, num_images is reported as 1 and the first is decoded.
 */
#include <string.h>

#include "core/codec.h"
#include "pnm_internal.h"

extern const pxc_codec_impl pxc_pnm_native;

static bool is_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool pnm_probe(const uint8_t *data, size_t size)
{
    if (size < 2 || data[0] != 'P' || data[1] < '1' || data[1] > '7') return false;
    return size == 2 || is_ws(data[2]) || data[2] == '#';
}

static const char *const pnm_kind[8] = {"", "PBM", "PGM", "PPM", "PBM", "PGM", "PPM", "PAM"};

/* Skips whitespace and comments. TRUNCATED when the data ends first. */
static pxc_status skip_space(const uint8_t *d, size_t size, size_t *pos, const char *what, const char *kind,
                             pxc_err *err)
{
    size_t p = *pos;
    for (;;) {
        if (p >= size)
            return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "%s: the header ends before the %s", kind, what);
        if (d[p] == '#') {
            while (p < size && d[p] != '\n' && d[p] != '\r') p++;
        } else if (is_ws(d[p])) {
            p++;
        } else {
            break;
        }
    }
    *pos = p;
    return PXC_OK;
}

/* Reads one unsigned decimal header field and the character that ends it. */
static pxc_status read_field(const uint8_t *d, size_t size, size_t *pos, const char *what, const char *kind,
                             bool last, uint32_t *out, pxc_err *err)
{
    pxc_status st = skip_space(d, size, pos, what, kind, err);
    if (st != PXC_OK) return st;
    size_t p = *pos;
    if (d[p] < '0' || d[p] > '9')
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "%s: expected a number for the %s, found '%c'", kind,
                           what, (d[p] >= 32 && d[p] < 127) ? d[p] : '?');
    uint64_t v = 0;
    while (p < size && d[p] >= '0' && d[p] <= '9') {
        v = v * 10 + (uint64_t)(d[p] - '0');
        if (v > UINT32_MAX)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "%s: the %s is too large", kind, what);
        p++;
    }
    if (p >= size)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "%s: the header ends inside the %s", kind, what);
    if (!is_ws(d[p]) && d[p] != '#')
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "%s: unexpected character '%c' after the %s", kind,
                           (d[p] >= 32 && d[p] < 127) ? d[p] : '?', what);
    if (last) {
        /* exactly one whitespace character (or a comment line) ends the header */
        if (d[p] == '#') {
            while (p < size && d[p] != '\n' && d[p] != '\r') p++;
            if (p >= size)
                return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "%s: the header ends inside a comment", kind);
        }
        p++;
    }
    *pos = p;
    *out = (uint32_t)v;
    return PXC_OK;
}

/* ---- PAM ---- */

typedef struct pam_fields {
    uint32_t width, height, depth, maxval;
    bool has_width, has_height, has_depth, has_maxval;
    char tupltype[64];
} pam_fields;

static pxc_status pam_number(const char *key, const uint8_t *v, size_t n, uint32_t *out, pxc_err *err)
{
    if (n == 0) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "PAM: %s has no value", key);
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "PAM: %s value \"%.*s\" is not a number", key,
                               (int)(n < 32 ? n : 32), (const char *)v);
        x = x * 10 + (uint64_t)(v[i] - '0');
        if (x > UINT32_MAX) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "PAM: %s is too large", key);
    }
    *out = (uint32_t)x;
    return PXC_OK;
}

static pxc_status read_pam(const uint8_t *d, size_t size, pxc_pnm_header *h, pxc_err *err)
{
    pam_fields f;
    memset(&f, 0, sizeof(f));
    size_t p = 2;
    /* "P7" then the end of the line; "P7 332" is the unrelated XV thumbnail format */
    while (p < size && (d[p] == ' ' || d[p] == '\t' || d[p] == '\r')) p++;
    if (p < size && d[p] != '\n') {
        if (size - p >= 3 && memcmp(d + p, "332", 3) == 0)
            return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE, "PNM: XV thumbnail (P7 332) is not supported");
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "PAM: unexpected text after P7");
    }
    for (;;) {
        if (p >= size)
            return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "PAM: the header ends before ENDHDR");
        p++; /* the newline */
        size_t ls = p;
        while (p < size && d[p] != '\n') p++;
        if (p >= size)
            return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "PAM: the header ends before ENDHDR");
        /* line is d[ls, p) */
        size_t a = ls, b = p;
        while (a < b && is_ws(d[a])) a++;
        while (b > a && is_ws(d[b - 1])) b--;
        if (a == b || d[a] == '#') continue;
        size_t k = a;
        while (k < b && !is_ws(d[k])) k++;
        const size_t klen = k - a;
        const char *key = (const char *)d + a;
        while (k < b && is_ws(d[k])) k++;
        const uint8_t *val = d + k;
        const size_t vlen = b - k;
        pxc_status st = PXC_OK;
        if (klen == 6 && memcmp(key, "ENDHDR", 6) == 0) {
            p++;
            break;
        } else if (klen == 5 && memcmp(key, "WIDTH", 5) == 0) {
            st = pam_number("WIDTH", val, vlen, &f.width, err);
            f.has_width = true;
        } else if (klen == 6 && memcmp(key, "HEIGHT", 6) == 0) {
            st = pam_number("HEIGHT", val, vlen, &f.height, err);
            f.has_height = true;
        } else if (klen == 5 && memcmp(key, "DEPTH", 5) == 0) {
            st = pam_number("DEPTH", val, vlen, &f.depth, err);
            f.has_depth = true;
        } else if (klen == 6 && memcmp(key, "MAXVAL", 6) == 0) {
            st = pam_number("MAXVAL", val, vlen, &f.maxval, err);
            f.has_maxval = true;
        } else if (klen == 8 && memcmp(key, "TUPLTYPE", 8) == 0) {
            /* several TUPLTYPE lines are joined with spaces */
            size_t used = strlen(f.tupltype);
            if (used && used + 1 < sizeof(f.tupltype)) f.tupltype[used++] = ' ';
            size_t n = vlen < sizeof(f.tupltype) - 1 - used ? vlen : sizeof(f.tupltype) - 1 - used;
            memcpy(f.tupltype + used, val, n);
            f.tupltype[used + n] = '\0';
        } else {
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "PAM: unknown header keyword \"%.*s\"",
                               (int)(klen < 32 ? klen : 32), key);
        }
        if (st != PXC_OK) return st;
    }
    if (!f.has_width || !f.has_height || !f.has_depth || !f.has_maxval)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "PAM: the header has no %s line",
                           !f.has_width ? "WIDTH" : !f.has_height ? "HEIGHT" : !f.has_depth ? "DEPTH" : "MAXVAL");
    h->width = f.width;
    h->height = f.height;
    h->depth = f.depth;
    h->maxval = f.maxval;
    h->data_offset = p;
    if (f.depth == 0) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "PAM: DEPTH is 0");

    static const struct {
        const char *name;
        uint32_t depth;
        pxc_color_spec color;
    } types[] = {
        {"BLACKANDWHITE", 1, PXC_COLOR_GRAY},       {"GRAYSCALE", 1, PXC_COLOR_GRAY},
        {"RGB", 3, PXC_COLOR_RGB},                  {"BLACKANDWHITE_ALPHA", 2, PXC_COLOR_GRAY_ALPHA},
        {"GRAYSCALE_ALPHA", 2, PXC_COLOR_GRAY_ALPHA}, {"RGB_ALPHA", 4, PXC_COLOR_RGBA},
    };
    if (f.tupltype[0] == '\0') {
        static const pxc_color_spec by_depth[5] = {PXC_COLOR_UNKNOWN, PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA,
                                                   PXC_COLOR_RGB, PXC_COLOR_RGBA};
        if (f.depth > 4)
            return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                               "PAM: DEPTH %u without a TUPLTYPE is not supported (1 to 4)", f.depth);
        h->color = by_depth[f.depth];
        return PXC_OK;
    }
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(f.tupltype, types[i].name) != 0) continue;
        if (f.depth != types[i].depth)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "PAM: TUPLTYPE %s needs DEPTH %u, not %u",
                               types[i].name, types[i].depth, f.depth);
        h->color = types[i].color;
        return PXC_OK;
    }
    return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE, "PAM: TUPLTYPE \"%s\" is not supported", f.tupltype);
}

pxc_status pxc_pnm_read_header(const uint8_t *d, size_t size, pxc_pnm_header *h, pxc_err *err)
{
    memset(h, 0, sizeof(*h));
    if (size < 2 || d[0] != 'P' || d[1] < '1' || d[1] > '7')
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FORMAT, "PNM: the file does not start with P1 to P7");
    h->format = d[1] - '0';
    const char *kind = pnm_kind[h->format];
    if (size < 3) return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "%s: the file ends after the magic number", kind);
    if (!is_ws(d[2]) && d[2] != '#')
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "%s: no whitespace after the magic number", kind);
    pxc_status st;
    if (h->format == 7) {
        st = read_pam(d, size, h, err);
        if (st != PXC_OK) return st;
    } else {
        h->plain = h->format <= 3;
        h->bitmap = h->format == 1 || h->format == 4;
        h->depth = (h->format == 3 || h->format == 6) ? 3 : 1;
        h->color = h->depth == 3 ? PXC_COLOR_RGB : PXC_COLOR_GRAY;
        size_t p = 2;
        st = read_field(d, size, &p, "width", kind, false, &h->width, err);
        if (st == PXC_OK) st = read_field(d, size, &p, "height", kind, h->bitmap, &h->height, err);
        if (st == PXC_OK && !h->bitmap) st = read_field(d, size, &p, "maxval", kind, true, &h->maxval, err);
        if (st != PXC_OK) return st;
        if (h->bitmap) h->maxval = 1;
        h->data_offset = p;
    }
    if (h->width == 0) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "%s: width is 0", kind);
    if (h->height == 0) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "%s: height is 0", kind);
    if (h->maxval == 0 || h->maxval > 65535)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "%s: maxval %u is outside 1..65535", kind, h->maxval);
    return PXC_OK;
}

static pxc_status pnm_parse(const uint8_t *data, size_t size, pxc_image_info *info, pxc_err *err)
{
    pxc_pnm_header h;
    pxc_status st = pxc_pnm_read_header(data, size, &h, err);
    if (st != PXC_OK) return st;
    pxc_strlcpy(info->codec, "pnm", sizeof(info->codec));
    info->width = h.width;
    info->height = h.height;
    info->num_channels = h.depth;
    info->sample_type = h.maxval > 255 ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
    info->precision = 32u - (uint32_t)__builtin_clz(h.maxval);
    info->color_spec = h.color;
    info->chroma_subsampling = h.depth <= 2 ? PXC_CSS_GRAY : PXC_CSS_444;
    info->orientation = 1;
    info->num_images = 1;
    info->progressive = 0;
    return PXC_OK;
}

static const char *const pnm_extensions[] = {".pnm", ".pbm", ".pgm", ".ppm", ".pam", NULL};
static const char *const pnm_aliases[] = {"pbm", "pgm", "ppm", "pam", NULL};
static const pxc_codec_impl *const pnm_impls[] = {&pxc_pnm_native};

const pxc_codec_def pxc_codec_pnm = {
    .name = "pnm",
    .extensions = pnm_extensions,
    .aliases = pnm_aliases,
    .probe = pnm_probe,
    .parse = pnm_parse,
    .options = NULL,
    .impls = pnm_impls,
    .num_impls = 1,
};
