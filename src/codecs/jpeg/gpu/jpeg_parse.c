/*
 * Parser of baseline / extended sequential Huffman JPEG streams for the GPU
 * decoder (see jpeg_parse.h). Checks follow libjpeg-turbo's where libjpeg
 * stops with an error; where libjpeg only warns about a stream that breaks
 * the rules (e.g. a sequential scan with Ss/Se/Ah/Al not 0/63/0/0, garbage
 * between markers), this parser refuses it as CORRUPT_DATA.
 */
#include "codecs/jpeg/gpu/jpeg_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parser state: tables as currently defined, frame and restart interval. */
typedef struct parse_state {
    const uint8_t *data;
    size_t size;
    size_t pos;
    pxc_jpeg_huff_dec_table tables[PXC_HD_HUFF_NUM_TABLES];
    uint8_t huff_defined[PXC_HD_HUFF_NUM_TABLES];
    uint8_t huff_bad[PXC_HD_HUFF_NUM_TABLES];      /* counts that libjpeg refuses */
    uint8_t huff_dc_ok[PXC_HD_HUFF_NUM_TABLES];    /* every symbol <= 15 (usable as a DC table) */
    uint16_t quant[4][64];
    uint8_t quant_defined[4];
    int have_sof;
    uint32_t restart_interval;
    int ncomp;
    int comp_id[PXC_JPEG_MAX_COMPONENTS], comp_h[PXC_JPEG_MAX_COMPONENTS], comp_v[PXC_JPEG_MAX_COMPONENTS];
    int comp_tq[PXC_JPEG_MAX_COMPONENTS];
    uint32_t width, height;
    int sof;
    int jfif, adobe, adobe_transform;
} parse_state;

int pxc_jpeg_build_huff_table(const uint8_t bits[16], const uint8_t *vals, int nvals, pxc_jpeg_huff_dec_table *t)
{
    memset(t, 0, sizeof(*t));
    int total = 0, maxlen = 0;
    for (int l = 1; l <= 16; l++) {
        total += bits[l - 1];
        if (bits[l - 1]) maxlen = l;
    }
    if (total > 256 || total > nvals) return -1;
    memcpy(t->huffval, vals, (size_t)total);
    int32_t code = 0;
    int k = 0;
    for (int l = 1; l <= 16; l++) {
        t->valoffset[l] = k - code;
        for (int i = 0; i < bits[l - 1]; i++) {
            if (l <= PXC_HD_HUFF_LOOKUP_BITS) {
                int shift = PXC_HD_HUFF_LOOKUP_BITS - l;
                uint32_t first = (uint32_t)code << shift;
                for (uint32_t e = 0; e < (1u << shift); e++)
                    t->lookup[first + e] = (uint16_t)((l << 8) | vals[k]);
            }
            code++;
            k++;
        }
        t->maxcode[l] = bits[l - 1] ? code - 1 : -1;
        /* libjpeg: the next code must still fit in l bits (no all-ones code) */
        if (l <= maxlen && code >= ((int32_t)1 << l)) return -1;
        code <<= 1;
    }
    t->maxcode[0] = -1;
    t->maxcode[17] = -1;
    return 0;
}

static const char *marker_name(int m, char buf[16])
{
    switch (m) {
    case 0xC4: return "DHT";
    case 0xDB: return "DQT";
    case 0xDD: return "DRI";
    case 0xDA: return "SOS";
    case 0xFE: return "COM";
    default:
        if (m >= 0xE0 && m <= 0xEF) {
            snprintf(buf, 16, "APP%d", m - 0xE0);
            return buf;
        }
        if (m >= 0xC0 && m <= 0xCF) {
            snprintf(buf, 16, "SOF%d", m - 0xC0);
            return buf;
        }
        snprintf(buf, 16, "0x%02X", m);
        return buf;
    }
}

/* Reads the marker at ps->pos (0xFF, fill 0xFF bytes, the code) into *m. */
static pxc_status read_marker(parse_state *ps, int *m, pxc_err *err)
{
    if (ps->pos >= ps->size)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "JPEG data ends at offset %zu where a marker was expected",
                           ps->pos);
    if (ps->data[ps->pos] != 0xFF)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "expected a JPEG marker at offset %zu but found byte 0x%02X", ps->pos, ps->data[ps->pos]);
    size_t p = ps->pos + 1;
    while (p < ps->size && ps->data[p] == 0xFF) p++;
    if (p >= ps->size)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "JPEG data ends inside a marker at offset %zu", ps->pos);
    *m = ps->data[p];
    if (*m == 0)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "stuffed byte 0xFF00 outside the entropy-coded data at offset %zu",
                           ps->pos);
    ps->pos = p + 1;
    return PXC_OK;
}

/* Reads the length of the marker segment of marker m at ps->pos; *body / *len: its contents. */
static pxc_status read_segment(parse_state *ps, int m, const uint8_t **body, size_t *len, pxc_err *err)
{
    char nb[16];
    if (ps->size - ps->pos < 2)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "JPEG data ends inside the length of the %s marker at offset %zu",
                           marker_name(m, nb), ps->pos);
    size_t l = pxc_rd_be16(ps->data + ps->pos);
    if (l < 2)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "%s marker at offset %zu has length %zu (less than 2)",
                           marker_name(m, nb), ps->pos, l);
    if (l > ps->size - ps->pos)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "%s marker segment at offset %zu (%zu bytes) runs past the end of the data (%zu bytes)",
                           marker_name(m, nb), ps->pos, l, ps->size);
    *body = ps->data + ps->pos + 2;
    *len = l - 2;
    ps->pos += l;
    return PXC_OK;
}

/* APPn / COM: skipped; JFIF APP0 and Adobe APP14 are recorded like libjpeg does. */
static void do_app(parse_state *ps, int m, const uint8_t *b, size_t len)
{
    if (m == 0xE0 && len >= 14 && memcmp(b, "JFIF", 5) == 0) ps->jfif = 1;
    if (m == 0xEE && len >= 12 && memcmp(b, "Adobe", 5) == 0) {
        ps->adobe = 1;
        ps->adobe_transform = b[11];
    }
}

/* DQT: 8- or 16-bit tables, stored in natural order. */
static pxc_status do_dqt(parse_state *ps, const uint8_t *b, size_t len, pxc_err *err)
{
    size_t p = 0;
    while (p < len) {
        int pq = b[p] >> 4, tq = b[p] & 15;
        p++;
        if (pq > 1) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "DQT: table precision %d (only 0 and 1 exist)", pq);
        if (tq > 3) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "DQT: table number %d (0..3 allowed)", tq);
        size_t need = pq ? 128 : 64;
        if (len - p < need)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "DQT: table %d needs %zu bytes, the marker has %zu left", tq,
                               need, len - p);
        for (int i = 0; i < 64; i++) {
            uint16_t v = pq ? pxc_rd_be16(b + p + 2 * (size_t)i) : b[p + (size_t)i];
            ps->quant[tq][pxc_hd_jpeg_natural(i)] = v;
        }
        ps->quant_defined[tq] = 1;
        p += need;
    }
    return PXC_OK;
}

/* DHT: builds the decode tables (impossible ones are flagged and refused when a scan uses them). */
static pxc_status do_dht(parse_state *ps, const uint8_t *b, size_t len, pxc_err *err)
{
    size_t p = 0;
    while (p < len) {
        if (len - p < 17)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "DHT: table header needs 17 bytes, the marker has %zu left",
                               len - p);
        int tc = b[p] >> 4, th = b[p] & 15;
        if (tc > 1 || th > 3)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "DHT: bad table class/number byte 0x%02X", b[p]);
        const uint8_t *bits = b + p + 1;
        int count = 0;
        for (int i = 0; i < 16; i++) count += bits[i];
        p += 17;
        if (count > 256 || (size_t)count > len - p)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "DHT: table with %d symbols (at most 256, %zu bytes left)",
                               count, len - p);
        int idx = tc ? 4 + th : th;
        ps->huff_bad[idx] = pxc_jpeg_build_huff_table(bits, b + p, count, &ps->tables[idx]) != 0;
        int dc_ok = 1;
        for (int i = 0; i < count; i++)
            if (b[p + (size_t)i] > 15) dc_ok = 0;
        ps->huff_dc_ok[idx] = (uint8_t)dc_ok;
        ps->huff_defined[idx] = 1;
        p += (size_t)count;
    }
    return PXC_OK;
}

/* SOF0 / SOF1: 8-bit precision, 1, 3 or 4 components, sampling factors 1..4. */
static pxc_status do_sof(parse_state *ps, int m, const uint8_t *b, size_t len, pxc_err *err)
{
    if (ps->have_sof) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "a second SOF marker (SOF%d)", m - 0xC0);
    if (len < 6) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "SOF%d marker too short (%zu bytes)", m - 0xC0, len);
    int prec = b[0];
    ps->height = pxc_rd_be16(b + 1);
    ps->width = pxc_rd_be16(b + 3);
    int n = b[5];
    if (prec != 8)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "%d-bit JPEG sample precision is not supported by the GPU decoder (8-bit only)", prec);
    if (len != 6 + 3 * (size_t)n)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "SOF%d marker length %zu does not match %d components",
                           m - 0xC0, len + 2, n);
    if (ps->height == 0)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "JPEG height 0 in SOF (height defined by a DNL marker) is not supported");
    if (ps->width == 0) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "JPEG width 0 in SOF");
    if (n == 0) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "SOF with 0 components");
    if (n != 1 && n != 3 && n != 4)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "JPEG with %d components is not supported by the GPU decoder (1, 3 or 4)", n);
    for (int i = 0; i < n; i++) {
        const uint8_t *c = b + 6 + 3 * i;
        ps->comp_id[i] = c[0];
        ps->comp_h[i] = c[1] >> 4;
        ps->comp_v[i] = c[1] & 15;
        ps->comp_tq[i] = c[2];
        if (ps->comp_h[i] < 1 || ps->comp_h[i] > 4 || ps->comp_v[i] < 1 || ps->comp_v[i] > 4)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "component %d has sampling factors %dx%d (1..4 allowed)",
                               c[0], ps->comp_h[i], ps->comp_v[i]);
        if (ps->comp_tq[i] > 3)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "component %d uses quantisation table %d (0..3 allowed)",
                               c[0], ps->comp_tq[i]);
        for (int j = 0; j < i; j++)
            if (ps->comp_id[j] == c[0])
                return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "two components with the same id %d", c[0]);
    }
    ps->ncomp = n;
    ps->sof = m;
    ps->have_sof = 1;
    return PXC_OK;
}

/* The colour space libjpeg's default_decompress_parms picks. */
static pxc_jpeg_colorspace pick_colorspace(const parse_state *ps)
{
    if (ps->ncomp == 1) return PXC_JPEG_CS_GRAY;
    if (ps->ncomp == 3) {
        if (ps->jfif) return PXC_JPEG_CS_YCBCR;
        if (ps->adobe) return ps->adobe_transform == 0 ? PXC_JPEG_CS_RGB : PXC_JPEG_CS_YCBCR;
        if (ps->comp_id[0] == 82 && ps->comp_id[1] == 71 && ps->comp_id[2] == 66) return PXC_JPEG_CS_RGB;
        return PXC_JPEG_CS_YCBCR;
    }
    if (ps->adobe) return ps->adobe_transform == 0 ? PXC_JPEG_CS_CMYK : PXC_JPEG_CS_YCCK;
    return PXC_JPEG_CS_CMYK;
}

static uint32_t div_up(uint32_t a, uint32_t b) { return (uint32_t)(((uint64_t)a + b - 1) / b); }

/* SOS: the single scan; fills the header's tables and layout and the geometry. */
static pxc_status do_sos(parse_state *ps, const uint8_t *b, size_t len, pxc_jpeg_header *hdr, pxc_jpeg_coefs *geom,
                         pxc_err *err)
{
    if (!ps->have_sof) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "SOS marker before any SOF marker");
    if (len < 1) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "empty SOS marker");
    int ns = b[0];
    if (len != 4 + 2 * (size_t)ns)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "SOS marker length %zu does not match %d components", len + 2, ns);
    if (ns < 1 || ns > ps->ncomp)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "SOS with %d components in a %d-component frame", ns, ps->ncomp);
    if (ns != ps->ncomp)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "multi-scan sequential JPEG (first scan has %d of %d components) is not supported by the GPU "
                           "decoder", ns, ps->ncomp);
    int scan_comp[PXC_JPEG_MAX_COMPONENTS], td[PXC_JPEG_MAX_COMPONENTS], ta[PXC_JPEG_MAX_COMPONENTS];
    for (int i = 0; i < ns; i++) {
        int id = b[1 + 2 * i];
        int c = -1;
        for (int j = 0; j < ps->ncomp; j++)
            if (ps->comp_id[j] == id) c = j;
        if (c < 0) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "SOS names component id %d, not in the frame", id);
        for (int j = 0; j < i; j++)
            if (scan_comp[j] == c) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "SOS names component id %d twice", id);
        scan_comp[i] = c;
        td[i] = b[2 + 2 * i] >> 4;
        ta[i] = b[2 + 2 * i] & 15;
        if (td[i] > 3 || ta[i] > 3)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "SOS: component %d uses Huffman tables %d/%d (0..3 allowed)",
                               id, td[i], ta[i]);
        if (!ps->huff_defined[td[i]] || !ps->huff_defined[4 + ta[i]])
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "SOS: component %d uses Huffman table DC %d / AC %d which no DHT defined", id, td[i], ta[i]);
        if (ps->huff_bad[td[i]] || ps->huff_bad[4 + ta[i]])
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "Huffman table DC %d / AC %d has impossible code lengths", td[i], ta[i]);
        if (!ps->huff_dc_ok[td[i]])
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "Huffman table DC %d has a symbol above 15", td[i]);
        if (!ps->quant_defined[ps->comp_tq[c]])
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "component %d uses quantisation table %d which no DQT defined",
                               id, ps->comp_tq[c]);
    }
    const uint8_t *t = b + 1 + 2 * ns;
    if (t[0] != 0 || t[1] != 63 || t[2] != 0)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "SOS parameters Ss=%d Se=%d Ah=%d Al=%d are not those of a sequential scan (0, 63, 0, 0)",
                           t[0], t[1], t[2] >> 4, t[2] & 15);

    /* geometry */
    memset(geom, 0, sizeof(*geom));
    geom->width = ps->width;
    geom->height = ps->height;
    geom->num_components = ps->ncomp;
    geom->colorspace = pick_colorspace(ps);
    geom->adobe = ps->adobe;
    geom->progressive = 0;
    geom->restart_interval = ps->restart_interval;
    int mh = 1, mv = 1;
    for (int c = 0; c < ps->ncomp; c++) {
        if (ps->comp_h[c] > mh) mh = ps->comp_h[c];
        if (ps->comp_v[c] > mv) mv = ps->comp_v[c];
    }
    geom->max_h_samp = mh;
    geom->max_v_samp = mv;
    uint32_t mcus_x = div_up(ps->width, 8u * (uint32_t)mh), mcus_y = div_up(ps->height, 8u * (uint32_t)mv);
    for (int c = 0; c < ps->ncomp; c++) {
        pxc_jpeg_component *pc = &geom->comp[c];
        pc->h_samp = ps->comp_h[c];
        pc->v_samp = ps->comp_v[c];
        pc->width = div_up(ps->width * (uint32_t)pc->h_samp, (uint32_t)mh);
        pc->height = div_up(ps->height * (uint32_t)pc->v_samp, (uint32_t)mv);
        pc->width_in_blocks = div_up(ps->width * (uint32_t)pc->h_samp, 8u * (uint32_t)mh);
        pc->height_in_blocks = div_up(ps->height * (uint32_t)pc->v_samp, 8u * (uint32_t)mv);
        pc->padded_blocks_w = mcus_x * (uint32_t)pc->h_samp;
        pc->padded_blocks_h = mcus_y * (uint32_t)pc->v_samp;
        memcpy(pc->quant, ps->quant[ps->comp_tq[c]], sizeof(pc->quant));
        pc->coef = NULL;
    }

    /* tables and layout */
    memcpy(hdr->tables, ps->tables, sizeof(hdr->tables));
    pxc_jpeg_huff_layout *L = &hdr->layout;
    memset(L, 0, sizeof(*L));
    L->num_components = (uint32_t)ps->ncomp;
    L->restart_interval = ps->restart_interval;
    for (int c = 0; c < ps->ncomp; c++) L->comp_pitch[c] = geom->comp[c].padded_blocks_w;
    if (ns == 1) {
        int c = scan_comp[0];
        L->mcus_per_row = geom->comp[c].width_in_blocks;
        L->mcu_rows = geom->comp[c].height_in_blocks;
        L->blocks_per_mcu = 1;
        L->blk_comp[0] = (uint8_t)c;
        L->blk_dc[0] = (uint8_t)td[0];
        L->blk_ac[0] = (uint8_t)(4 + ta[0]);
        L->comp_mcu_w[c] = 1;
        L->comp_mcu_h[c] = 1;
    } else {
        L->mcus_per_row = mcus_x;
        L->mcu_rows = mcus_y;
        uint32_t n = 0;
        for (int i = 0; i < ns; i++) {
            int c = scan_comp[i];
            L->comp_mcu_w[c] = (uint32_t)ps->comp_h[c];
            L->comp_mcu_h[c] = (uint32_t)ps->comp_v[c];
            for (int y = 0; y < ps->comp_v[c]; y++)
                for (int x = 0; x < ps->comp_h[c]; x++) {
                    if (n >= PXC_HD_HUFF_MAX_BLOCKS)
                        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                           "the sampling factors make an MCU of more than %d blocks",
                                           PXC_HD_HUFF_MAX_BLOCKS);
                    L->blk_comp[n] = (uint8_t)c;
                    L->blk_dx[n] = (uint8_t)x;
                    L->blk_dy[n] = (uint8_t)y;
                    L->blk_dc[n] = (uint8_t)td[i];
                    L->blk_ac[n] = (uint8_t)(4 + ta[i]);
                    n++;
                }
        }
        L->blocks_per_mcu = n;
    }
    L->total_mcus = L->mcus_per_row * L->mcu_rows;
    hdr->scan_components = ns;
    return PXC_OK;
}

/* Finds the end of the entropy-coded data starting at ps->pos (the first marker that is not RSTn). */
static void find_ecs_end(parse_state *ps, pxc_jpeg_header *hdr)
{
    const uint8_t *d = ps->data;
    size_t q = ps->pos;
    hdr->ecs_begin = q;
    hdr->ecs_ends_at_eof = 1;
    hdr->ecs_end = ps->size;
    while (q < ps->size) {
        const uint8_t *f = (const uint8_t *)memchr(d + q, 0xFF, ps->size - q);
        if (!f) break;
        q = (size_t)(f - d);
        size_t r = q + 1;
        while (r < ps->size && d[r] == 0xFF) r++;
        if (r >= ps->size) {
            hdr->ecs_end = q;
            break;
        }
        if (d[r] == 0x00 || (d[r] >= 0xD0 && d[r] <= 0xD7)) {
            q = r + 1;
            continue;
        }
        hdr->ecs_end = q;
        hdr->ecs_ends_at_eof = 0;
        break;
    }
    ps->pos = hdr->ecs_end;
}

/* Refusals of markers the GPU decoder does not handle; PXC_OK for the others. */
static pxc_status refuse_marker(int m, pxc_err *err)
{
    if (m == 0xC2)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE, "progressive JPEG (SOF2) is not supported by the GPU decoder");
    if (m == 0xC3)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE, "lossless JPEG (SOF3) is not supported by the GPU decoder");
    if (m == 0xC5 || m == 0xC6 || m == 0xC7 || m == 0xDE || m == 0xDF)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "hierarchical JPEG (marker 0x%02X) is not supported by the GPU decoder", m);
    if ((m >= 0xC9 && m <= 0xCB) || (m >= 0xCD && m <= 0xCF) || m == 0xCC)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "arithmetic-coded JPEG (marker 0x%02X) is not supported by the GPU decoder", m);
    if (m == 0xC8) return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE, "JPEG extension marker JPG (0xC8)");
    if (m == 0xDC)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE, "DNL marker (height defined after the scan) is not "
                                                               "supported by the GPU decoder");
    return PXC_OK;
}

pxc_status pxc_jpeg_parse(const uint8_t *data, size_t size, pxc_jpeg_header *hdr, pxc_jpeg_coefs *geom, pxc_err *err)
{
    if (!data || !hdr || !geom) return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "pxc_jpeg_parse: NULL argument");
    if (size == 0) return pxc_err_set(err, PXC_ERROR_EMPTY_INPUT, "empty JPEG data");
    memset(hdr, 0, sizeof(*hdr));
    parse_state *ps = (parse_state *)calloc(1, sizeof(*ps));
    if (!ps) return pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "out of memory for the JPEG parser");
    pxc_status st = PXC_OK;
    ps->data = data;
    ps->size = size;
    if (size < 2 || data[0] != 0xFF || data[1] != 0xD8) {
        st = size < 2 && data[0] == 0xFF
                 ? pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "JPEG data ends inside the SOI marker")
                 : pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "not a JPEG stream: no SOI marker (FF D8) at the start");
        goto done;
    }
    ps->pos = 2;
    int scan_done = 0;
    for (;;) {
        int m = 0;
        char nb[16];
        if (scan_done && ps->pos >= ps->size) {
            st = pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "JPEG data ends after the scan without an EOI marker");
            goto done;
        }
        if ((st = read_marker(ps, &m, err)) != PXC_OK) goto done;
        if ((st = refuse_marker(m, err)) != PXC_OK) goto done;
        if (m == 0xD9) {
            if (!scan_done) st = pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "EOI marker before any scan");
            goto done;
        }
        if (m == 0xD8) {
            st = pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "a second SOI marker at offset %zu", ps->pos - 2);
            goto done;
        }
        if ((m >= 0xD0 && m <= 0xD7) || m == 0x01) continue; /* parameterless, ignored like libjpeg */
        const uint8_t *b = NULL;
        size_t len = 0;
        int known = m == 0xC0 || m == 0xC1 || m == 0xC4 || m == 0xDB || m == 0xDD || m == 0xDA || m == 0xFE ||
                    (m >= 0xE0 && m <= 0xEF);
        if (!known) {
            st = pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "unknown JPEG marker 0x%02X at offset %zu", m, ps->pos - 2);
            goto done;
        }
        if ((st = read_segment(ps, m, &b, &len, err)) != PXC_OK) goto done;
        if (m == 0xC0 || m == 0xC1) {
            if (scan_done) {
                st = pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "%s marker after the scan", marker_name(m, nb));
                goto done;
            }
            st = do_sof(ps, m, b, len, err);
        } else if (m == 0xC4) {
            st = do_dht(ps, b, len, err);
        } else if (m == 0xDB) {
            st = do_dqt(ps, b, len, err);
        } else if (m == 0xDD) {
            if (len != 2) st = pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "DRI marker length %zu (4 expected)", len + 2);
            else ps->restart_interval = pxc_rd_be16(b);
        } else if (m == 0xDA) {
            if (scan_done) {
                st = pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                 "a second scan (SOS) after a scan that covered every component");
                goto done;
            }
            if ((st = do_sos(ps, b, len, hdr, geom, err)) != PXC_OK) goto done;
            find_ecs_end(ps, hdr);
            if (hdr->ecs_ends_at_eof) {
                st = pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                                 "JPEG data ends inside the entropy-coded data (no marker after %zu bytes of scan data)",
                                 hdr->ecs_end - hdr->ecs_begin);
                goto done;
            }
            scan_done = 1;
        } else {
            do_app(ps, m, b, len);
        }
        if (st != PXC_OK) goto done;
    }
done:
    if (st == PXC_OK) {
        hdr->sof = ps->sof;
        hdr->jfif = ps->jfif;
        hdr->adobe = ps->adobe;
        hdr->adobe_transform = ps->adobe_transform;
        for (int c = 0; c < ps->ncomp; c++) hdr->component_id[c] = ps->comp_id[c];
    }
    free(ps);
    return st;
}
