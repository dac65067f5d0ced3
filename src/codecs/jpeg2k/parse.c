/*
 * JPEG 2000: probe, header parsing and the codec definition.
 *
 * parse() walks the JP2 boxes up to the contiguous code stream box (reading
 * the colour specification box on the way) and reads the SIZ marker segment
 * of the code stream itself; it never touches tile data. Pixels are decoded
 * by openjpeg.c. The channel and geometry rules are in jpeg2k.h.
 */
#include <string.h>

#include "jpeg2k.h"

static const uint8_t jp2_signature[12] = {0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A};

static bool j2k_probe(const uint8_t *data, size_t size)
{
    if (size >= 12 && memcmp(data, jp2_signature, 12) == 0) return true;
    return size >= 4 && data[0] == 0xFF && data[1] == 0x4F && data[2] == 0xFF && data[3] == 0x51;
}

/* Reads the colr box inside jp2h [p, end). */
static void read_jp2h(const uint8_t *p, const uint8_t *end, pxc_j2k_header *h)
{
    while (end - p >= 8) {
        uint64_t len = pxc_rd_be32(p);
        const uint8_t *type = p + 4;
        size_t hdr = 8;
        if (len == 1) {
            if (end - p < 16) return;
            len = ((uint64_t)pxc_rd_be32(p + 8) << 32) | pxc_rd_be32(p + 12);
            hdr = 16;
        } else if (len == 0) {
            len = (uint64_t)(end - p);
        }
        if (len < hdr || len > (uint64_t)(end - p)) return;
        if (memcmp(type, "colr", 4) == 0 && h->enumcs < 0 && len >= hdr + 7 && p[hdr] == 1)
            h->enumcs = (int)pxc_rd_be32(p + hdr + 3);
        if (memcmp(type, "pclr", 4) == 0 && len >= hdr + 3) {
            const uint32_t npc = p[hdr + 2];
            if (npc >= 1 && len >= hdr + 3 + npc) {
                h->pclr_cols = npc;
                for (uint32_t i = 0; i < npc && i < 4; i++) h->pclr_b[i] = p[hdr + 3 + i];
            }
        }
        p += len;
    }
}

static pxc_status find_codestream(const uint8_t *d, size_t size, pxc_j2k_header *h, pxc_err *err)
{
    size_t pos = 0;
    bool have_jp2h = false;
    while (pos < size) {
        if (size - pos < 8)
            return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                               "JPEG 2000: JP2 file ends at byte %zu inside a box header, before the "
                               "code stream box (jp2c)", size);
        uint64_t len = pxc_rd_be32(d + pos);
        const uint8_t *type = d + pos + 4;
        size_t hdr = 8;
        if (len == 1) {
            if (size - pos < 16)
                return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                                   "JPEG 2000: JP2 file ends inside an extended box header at byte %zu", pos);
            len = ((uint64_t)pxc_rd_be32(d + pos + 8) << 32) | pxc_rd_be32(d + pos + 12);
            hdr = 16;
        } else if (len == 0) {
            len = size - pos;
        }
        if (len < hdr)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "JPEG 2000: JP2 box at byte %zu declares length %llu (less than its header)",
                               pos, (unsigned long long)len);
        if (memcmp(type, "jp2c", 4) == 0) {
            if (!have_jp2h)
                return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                   "JPEG 2000: JP2 code stream box comes before the header box (jp2h)");
            h->cs_offset = pos + hdr;
            return PXC_OK;
        }
        if (len > size - pos)
            return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                               "JPEG 2000: JP2 file ends at byte %zu inside box '%.4s' (%llu bytes at byte %zu)",
                               size, (const char *)type, (unsigned long long)len, pos);
        if (memcmp(type, "jp2h", 4) == 0) {
            have_jp2h = true;
            read_jp2h(d + pos + hdr, d + pos + len, h);
        }
        pos += (size_t)len;
    }
    return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                       "JPEG 2000: JP2 file ends at byte %zu before its code stream box (jp2c)", size);
}

pxc_status pxc_j2k_read_header(const uint8_t *d, size_t size, pxc_j2k_header *h, pxc_err *err)
{
    memset(h, 0, sizeof(*h));
    h->enumcs = -1;
    if (size >= 12 && memcmp(d, jp2_signature, 12) == 0) {
        h->jp2 = true;
        pxc_status st = find_codestream(d, size, h, err);
        if (st != PXC_OK) return st;
    } else if (size < 4 || d[0] != 0xFF || d[1] != 0x4F) {
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "JPEG 2000: neither a JP2 signature box nor a code stream start (SOC) marker");
    }
    const uint8_t *c = d + h->cs_offset;
    const size_t n = size - h->cs_offset;
    if (n < 4)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "JPEG 2000: code stream ends after %zu bytes, before the SIZ marker", n);
    if (c[0] != 0xFF || c[1] != 0x4F)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "JPEG 2000: code stream starts with %02x %02x instead of the SOC marker ff 4f",
                           c[0], c[1]);
    if (c[2] != 0xFF || c[3] != 0x51)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "JPEG 2000: SOC is followed by %02x %02x instead of the SIZ marker ff 51", c[2], c[3]);
    if (n < 6 + 38)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "JPEG 2000: code stream ends after %zu bytes, inside the SIZ marker segment", n);
    const uint8_t *s = c + 4;
    const uint32_t lsiz = pxc_rd_be16(s);
    h->x1 = pxc_rd_be32(s + 4);
    h->y1 = pxc_rd_be32(s + 8);
    h->x0 = pxc_rd_be32(s + 12);
    h->y0 = pxc_rd_be32(s + 16);
    h->tdx = pxc_rd_be32(s + 20);
    h->tdy = pxc_rd_be32(s + 24);
    h->tx0 = pxc_rd_be32(s + 28);
    h->ty0 = pxc_rd_be32(s + 32);
    h->num_comps = pxc_rd_be16(s + 36);
    if (h->num_comps == 0 || h->num_comps > PXC_J2K_MAX_COMPONENTS)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "JPEG 2000: SIZ declares %u components (1 to 16384 allowed)", h->num_comps);
    if (lsiz != 38 + 3 * h->num_comps)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "JPEG 2000: SIZ length %u does not match its %u components (expected %u)", lsiz,
                           h->num_comps, 38 + 3 * h->num_comps);
    if (n < 4 + (size_t)lsiz)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "JPEG 2000: code stream ends after %zu bytes, inside the SIZ marker segment", n);
    if (h->x0 >= h->x1 || h->y0 >= h->y1)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "JPEG 2000: SIZ image area (%u,%u)-(%u,%u) is empty", h->x0, h->y0, h->x1, h->y1);
    if (h->tdx == 0 || h->tdy == 0 || h->tx0 > h->x0 || h->ty0 > h->y0 ||
        (uint64_t)h->tx0 + h->tdx <= h->x0 || (uint64_t)h->ty0 + h->tdy <= h->y0)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "JPEG 2000: SIZ tile grid (origin %u,%u, size %u x %u) does not cover the image "
                           "origin (%u,%u)", h->tx0, h->ty0, h->tdx, h->tdy, h->x0, h->y0);
    const uint64_t tw = ((uint64_t)h->x1 - h->tx0 + h->tdx - 1) / h->tdx;
    const uint64_t th = ((uint64_t)h->y1 - h->ty0 + h->tdy - 1) / h->tdy;
    if (tw * th > PXC_J2K_MAX_TILES)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "JPEG 2000: SIZ declares %llu x %llu tiles (at most 65535 allowed)",
                           (unsigned long long)tw, (unsigned long long)th);
    h->num_tiles = (uint32_t)(tw * th);

    /* A JP2 palette (pclr) maps the first component to pclr_cols columns; OpenJPEG applies it. */
    const uint32_t out_comps = h->pclr_cols ? h->pclr_cols : h->num_comps;
    h->used_comps = out_comps >= 5 ? 3 : out_comps;
    h->dxm = h->dym = 1;
    for (uint32_t i = 0; i < h->num_comps; i++) {
        const uint8_t *q = s + 38 + 3 * i;
        const uint32_t prec = (q[0] & 0x7F) + 1u, dx = q[1], dy = q[2];
        if (prec > 38 || dx == 0 || dy == 0)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "JPEG 2000: SIZ component %u has precision %u and sampling %u x %u", i, prec, dx,
                               dy);
        if (h->pclr_cols) {
            if (i != 0) continue;
            for (uint32_t k = 0; k < h->used_comps; k++) {
                const uint32_t pp = (h->pclr_b[k] & 0x7Fu) + 1u;
                if (pp > 16)
                    return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                                       "JPEG 2000: palette column %u has %u-bit entries (at most 16 supported)",
                                       k, pp);
                h->prec[k] = (uint8_t)pp;
                h->sgnd[k] = (h->pclr_b[k] & 0x80) != 0;
                h->dx[k] = (uint8_t)dx;
                h->dy[k] = (uint8_t)dy;
            }
            continue;
        }
        if (i >= h->used_comps) continue;
        if (prec > 16)
            return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                               "JPEG 2000: component %u has %u-bit samples (at most 16 supported)", i, prec);
        h->prec[i] = (uint8_t)prec;
        h->sgnd[i] = (q[0] & 0x80) != 0;
        h->dx[i] = (uint8_t)dx;
        h->dy[i] = (uint8_t)dy;
    }
    h->width = pxc_j2k_ceildiv(h->x1, h->dxm) - pxc_j2k_ceildiv(h->x0, h->dxm);
    h->height = pxc_j2k_ceildiv(h->y1, h->dym) - pxc_j2k_ceildiv(h->y0, h->dym);
    if (h->width == 0 || h->height == 0)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "JPEG 2000: SIZ gives an empty %u x %u image",
                           h->width, h->height);
    if (h->used_comps >= 3) {
        const bool sub = h->num_comps == 3 && h->dx[0] == 1 && h->dy[0] == 1 && h->dx[1] == 2 &&
                         h->dx[2] == 2 && h->dy[1] == h->dy[2] && (h->dy[1] == 1 || h->dy[1] == 2);
        h->ycc = h->enumcs == 18 || sub;
    }
    return PXC_OK;
}

static pxc_chroma_subsampling css_of(const pxc_j2k_header *h)
{
    if (h->used_comps < 3) return PXC_CSS_GRAY;
    if (h->dx[1] != h->dx[2] || h->dy[1] != h->dy[2] || h->dx[1] % h->dx[0] || h->dy[1] % h->dy[0])
        return PXC_CSS_UNKNOWN;
    const uint32_t rx = h->dx[1] / h->dx[0], ry = h->dy[1] / h->dy[0];
    if (rx == 1 && ry == 1) return PXC_CSS_444;
    if (rx == 2 && ry == 1) return PXC_CSS_422;
    if (rx == 2 && ry == 2) return PXC_CSS_420;
    if (rx == 1 && ry == 2) return PXC_CSS_440;
    if (rx == 4 && ry == 1) return PXC_CSS_411;
    if (rx == 4 && ry == 2) return PXC_CSS_410;
    return PXC_CSS_UNKNOWN;
}

static pxc_status j2k_parse(const uint8_t *d, size_t size, pxc_image_info *info, pxc_err *err)
{
    pxc_j2k_header h;
    pxc_status st = pxc_j2k_read_header(d, size, &h, err);
    if (st != PXC_OK) return st;
    const size_t struct_size = info->struct_size;
    memset(info, 0, sizeof(*info));
    info->struct_size = struct_size;
    pxc_strlcpy(info->codec, "jpeg2k", sizeof(info->codec));
    info->width = h.width;
    info->height = h.height;
    info->num_channels = h.used_comps;
    uint32_t prec = 0;
    for (uint32_t i = 0; i < h.used_comps; i++)
        if (h.prec[i] > prec) prec = h.prec[i];
    info->precision = prec;
    info->sample_type = prec > 8 ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
    info->chroma_subsampling = css_of(&h);
    switch (h.used_comps) {
    case 1: info->color_spec = PXC_COLOR_GRAY; break;
    case 2: info->color_spec = PXC_COLOR_GRAY_ALPHA; break;
    case 3: info->color_spec = h.ycc ? PXC_COLOR_YCBCR : PXC_COLOR_RGB; break;
    default: info->color_spec = PXC_COLOR_RGBA; break;
    }
    info->orientation = 1;
    info->num_images = 1;
    info->progressive = 0;
    return PXC_OK;
}

static const char *const j2k_extensions[] = {".jp2", ".j2k", ".j2c", ".jpc", ".jph", ".jhc", NULL};
static const char *const j2k_aliases[] = {"jpeg2000", "jp2", "j2k", "nvjpeg2k", "openjpeg", NULL};

static const pxc_option_def j2k_options[] = {
    {"reduce", PXC_OPT_INT, PXC_OPT_DECODE, 0, 32, 0,
     "resolution levels to discard when decoding (0 = full size; each level halves width and height)"},
    {NULL, PXC_OPT_INT, 0, 0, 0, 0, NULL},
};

static const pxc_codec_impl *const j2k_impls[] = {&pxc_jpeg2k_openjpeg};

/* jpeg2k:reduce makes a decode smaller than the stored size. */
static void j2k_output_size(const uint8_t *data, size_t size, const pxc_image_info *info, const pxc_options *opts,
                            uint32_t *width, uint32_t *height)
{
    (void)info;
    const int reduce = pxc_options_get_int(opts, "jpeg2k", "jpeg2k.openjpeg", "reduce");
    if (reduce <= 0) return;
    pxc_j2k_header h;
    pxc_err e;
    pxc_err_clear(&e);
    if (pxc_j2k_read_header(data, size, &h, &e) != PXC_OK) return;
    pxc_j2k_reduce_grid(&h, reduce);
    *width = h.width;
    *height = h.height;
}

const pxc_codec_def pxc_codec_jpeg2k = {
    .name = "jpeg2k",
    .extensions = j2k_extensions,
    .aliases = j2k_aliases,
    .probe = j2k_probe,
    .parse = j2k_parse,
    .options = j2k_options,
    .impls = j2k_impls,
    .num_impls = sizeof(j2k_impls) / sizeof(j2k_impls[0]),
    .output_size = j2k_output_size,
};
