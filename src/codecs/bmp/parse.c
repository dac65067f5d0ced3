/*
 * BMP: probe, header parsing and the codec definition.
 *
 * Accepted layouts: BITMAPFILEHEADER ("BM") followed by a BITMAPCOREHEADER
 * (12 bytes, OS/2 1.x), an OS/2 2.x header (16 or 64 bytes), a
 * BITMAPINFOHEADER (40), its V2/V3 extensions (52/56), BITMAPV4HEADER (108)
 * or BITMAPV5HEADER (124).
 */
#include <string.h>

#include "bmp_internal.h"
#include "core/codec.h"

extern const pxc_codec_impl pxc_bmp_native;

static bool bmp_probe(const uint8_t *data, size_t size)
{
    return size >= 2 && data[0] == 'B' && data[1] == 'M';
}

/* True when the set bits of m form one run. */
static bool mask_contiguous(uint32_t m)
{
    if (m == 0) return true;
    uint32_t s = m >> __builtin_ctz(m);
    return (s & (s + 1u)) == 0;
}

static const char *channel_name(int c)
{
    static const char *const names[4] = {"red", "green", "blue", "alpha"};
    return names[c];
}

static pxc_status check_masks(pxc_bmp_header *h, pxc_err *err)
{
    for (int c = 0; c < 4; c++) {
        uint32_t m = h->mask[c];
        if (!mask_contiguous(m))
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "BMP: %s bit field mask 0x%08X is not one contiguous run of bits",
                               channel_name(c), m);
        if (h->bit_count < 32 && (m >> h->bit_count) != 0)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "BMP: %s bit field mask 0x%08X does not fit in %u-bit pixels",
                               channel_name(c), m, h->bit_count);
        for (int d = 0; d < c; d++)
            if (m & h->mask[d])
                return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                   "BMP: %s and %s bit field masks overlap (0x%08X, 0x%08X)",
                                   channel_name(d), channel_name(c), h->mask[d], m);
    }
    return PXC_OK;
}

static void default_masks(pxc_bmp_header *h)
{
    if (h->bit_count == 16) {
        h->mask[0] = 0x7C00u;
        h->mask[1] = 0x03E0u;
        h->mask[2] = 0x001Fu;
    } else {
        h->mask[0] = 0x00FF0000u;
        h->mask[1] = 0x0000FF00u;
        h->mask[2] = 0x000000FFu;
    }
}

pxc_status pxc_bmp_read_header(const uint8_t *d, size_t size, pxc_bmp_header *h, pxc_err *err)
{
    memset(h, 0, sizeof(*h));
    if (size < 2 || d[0] != 'B' || d[1] != 'M')
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FORMAT, "BMP: the file does not start with \"BM\"");
    if (size < PXC_BMP_FILE_HEADER + 4)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "BMP: the file ends inside the file header (%zu bytes)", size);
    const uint32_t offset = pxc_rd_le32(d + 10);
    const uint32_t isz = pxc_rd_le32(d + 14);
    h->info_size = isz;
    if (isz != 12 && isz != 16 && isz != 40 && isz != 52 && isz != 56 && isz != 64 && isz != 108 &&
        isz != 124) {
        if (isz < 12)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "BMP: info header size %u is too small", isz);
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "BMP: info header of %u bytes is not a known version "
                           "(12, 16, 40, 52, 56, 64, 108 or 124)", isz);
    }
    const size_t info_end = PXC_BMP_FILE_HEADER + (size_t)isz;
    if (size < info_end)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "BMP: the file ends inside the %u-byte info header (%zu of %zu bytes)", isz,
                           size, info_end);
    const uint8_t *ih = d + PXC_BMP_FILE_HEADER;
    uint32_t planes, clr_used = 0, compression = PXC_BMP_RGB;
    int64_t w, hh;
    if (isz == 12) {
        w = pxc_rd_le16(ih + 4);
        hh = pxc_rd_le16(ih + 6);
        planes = pxc_rd_le16(ih + 8);
        h->bit_count = pxc_rd_le16(ih + 10);
    } else {
        w = (int32_t)pxc_rd_le32(ih + 4);
        hh = (int32_t)pxc_rd_le32(ih + 8);
        planes = pxc_rd_le16(ih + 12);
        h->bit_count = pxc_rd_le16(ih + 14);
        if (isz >= 40) {
            compression = pxc_rd_le32(ih + 16);
            clr_used = pxc_rd_le32(ih + 32);
        }
    }
    if (w <= 0)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "BMP: width %lld is not positive", (long long)w);
    if (hh == 0) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "BMP: height is 0");
    if (hh == INT32_MIN)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "BMP: height %lld is out of range", (long long)hh);
    h->top_down = hh < 0;
    h->width = (uint32_t)w;
    h->height = (uint32_t)(hh < 0 ? -hh : hh);
    if (planes != 1)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "BMP: %u colour planes (must be 1)", planes);

    const uint32_t bc = h->bit_count;
    if (isz == 12 && bc != 1 && bc != 4 && bc != 8 && bc != 24)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "BMP: %u bits per pixel is not valid in a BITMAPCOREHEADER file", bc);
    if (bc == 0)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "BMP: 0 bits per pixel (embedded JPEG or PNG data) is not supported");
    if (bc != 1 && bc != 2 && bc != 4 && bc != 8 && bc != 16 && bc != 24 && bc != 32)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "BMP: %u bits per pixel is not a valid depth", bc);

    /* compression against bit count; OS/2 2.x uses 3 and 4 for its own schemes */
    size_t masks_end = info_end;
    bool masks_in_file = false;
    if (isz == 64 && (compression == 3 || compression == 4))
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "BMP: OS/2 compression %u (%s) is not supported", compression,
                           compression == 3 ? "Huffman 1D" : "RLE24");
    switch (compression) {
    case PXC_BMP_RGB:
        break;
    case PXC_BMP_RLE8:
    case PXC_BMP_RLE4: {
        uint32_t need = compression == PXC_BMP_RLE8 ? 8 : 4;
        if (bc != need)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "BMP: %s compression with %u bits per pixel "
                               "(needs %u)", compression == PXC_BMP_RLE8 ? "RLE8" : "RLE4", bc, need);
        break;
    }
    case PXC_BMP_BITFIELDS:
    case PXC_BMP_ALPHABITFIELDS:
        if (bc != 16 && bc != 24 && bc != 32)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "BMP: %s compression with %u bits per pixel "
                               "(needs 16, 24 or 32)", compression == PXC_BMP_BITFIELDS ? "BI_BITFIELDS"
                               : "BI_ALPHABITFIELDS", bc);
        masks_in_file = true;
        break;
    case PXC_BMP_JPEG:
    case PXC_BMP_PNG:
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE, "BMP: embedded %s data is not supported",
                           compression == PXC_BMP_JPEG ? "JPEG" : "PNG");
    case 11:
    case 12:
    case 13:
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE, "BMP: CMYK compression %u is not supported",
                           compression);
    default:
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "BMP: unknown compression %u", compression);
    }

    if (bc >= 16) default_masks(h);
    if (masks_in_file) {
        uint32_t nmasks = compression == PXC_BMP_ALPHABITFIELDS ? 4 : 3;
        uint32_t m[4] = {0, 0, 0, 0};
        if (isz >= 52) {
            /* V2 (52 bytes) holds three masks, V3 and later (56+) four */
            const uint32_t in_header = isz >= 56 ? 4 : 3;
            for (uint32_t i = 0; i < in_header; i++) m[i] = pxc_rd_le32(ih + 40 + 4 * i);
            if (nmasks > in_header) {
                /* an alpha mask the header has no room for follows it */
                masks_end = info_end + 4u;
                if (size < masks_end)
                    return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                                       "BMP: the file ends inside the alpha bit field mask");
                m[3] = pxc_rd_le32(d + info_end);
            }
        } else {
            /* BITMAPINFOHEADER: the masks follow the header */
            masks_end = info_end + 4u * nmasks;
            if (size < masks_end)
                return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                                   "BMP: the file ends inside the bit field masks");
            for (uint32_t i = 0; i < nmasks; i++) m[i] = pxc_rd_le32(d + info_end + 4 * i);
        }
        if (m[0] | m[1] | m[2]) {
            h->mask[0] = m[0];
            h->mask[1] = m[1];
            h->mask[2] = m[2];
        }
        h->mask[3] = m[3];
        pxc_status st = check_masks(h, err);
        if (st != PXC_OK) return st;
        h->has_alpha = h->mask[3] != 0;
    }
    h->compression = compression == PXC_BMP_ALPHABITFIELDS ? PXC_BMP_BITFIELDS : compression;
    h->standard_masks = bc == 32 && h->mask[0] == 0x00FF0000u && h->mask[1] == 0x0000FF00u &&
                        h->mask[2] == 0x000000FFu && (h->mask[3] == 0 || h->mask[3] == 0xFF000000u);

    /* palette */
    const size_t pal_start = masks_end;
    if (offset < pal_start)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "BMP: pixel data offset %u points inside the headers (which end at %zu)", offset,
                           pal_start);
    h->pixel_offset = offset;
    if (bc <= 8) {
        const size_t entry = isz == 12 ? 3 : 4;
        const uint32_t max_colors = 1u << bc;
        if (clr_used > 256)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "BMP: palette of %u colours (at most 256 are possible)", clr_used);
        uint32_t count = clr_used ? clr_used : max_colors;
        const size_t room = ((size_t)offset - pal_start) / entry;
        if (room < count) {
            if (clr_used != 0 && isz != 12)
                return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                   "BMP: palette of %u colours at offset %zu overlaps the pixel data at "
                                   "offset %u", count, pal_start, offset);
            /* implied size: take the entries that fit before the pixel data */
            if (room == 0)
                return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                   "BMP: %u-bit image without a palette (pixel data at offset %u)", bc,
                                   offset);
            count = (uint32_t)room;
        }
        if (size < pal_start + (size_t)count * entry)
            return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "BMP: the file ends inside the palette "
                               "(%u colours from offset %zu)", count, pal_start);
        h->palette_count = count;
        h->gray_palette = true;
        for (uint32_t i = 0; i < count; i++) {
            const uint8_t *p = d + pal_start + (size_t)i * entry;
            h->palette[i][0] = p[2];
            h->palette[i][1] = p[1];
            h->palette[i][2] = p[0];
            if (p[0] != p[1] || p[1] != p[2]) h->gray_palette = false;
        }
    }

    /* row geometry (uncompressed): ((w * bc + 31) / 32) * 4 */
    size_t bits;
    if (!pxc_mul_size(h->width, bc, &bits) || !pxc_add_size(bits, 31, &bits))
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "BMP: width %u is too large", h->width);
    h->row_bytes = bits / 32 * 4;
    h->row_bytes_used = (bits - 31 + 7) / 8;
    return PXC_OK;
}

static pxc_status bmp_parse(const uint8_t *data, size_t size, pxc_image_info *info, pxc_err *err)
{
    pxc_bmp_header h;
    pxc_status st = pxc_bmp_read_header(data, size, &h, err);
    if (st != PXC_OK) return st;
    pxc_strlcpy(info->codec, "bmp", sizeof(info->codec));
    info->width = h.width;
    info->height = h.height;
    info->sample_type = PXC_SAMPLE_U8;
    info->precision = 8;
    info->orientation = 1;
    info->num_images = 1;
    info->progressive = 0;
    if (h.bit_count <= 8) {
        if (h.gray_palette) {
            info->color_spec = PXC_COLOR_GRAY;
            info->num_channels = 1;
            info->chroma_subsampling = PXC_CSS_GRAY;
        } else {
            info->color_spec = PXC_COLOR_PALETTE;
            info->num_channels = 3;
            info->chroma_subsampling = PXC_CSS_444;
        }
    } else {
        info->color_spec = h.has_alpha ? PXC_COLOR_RGBA : PXC_COLOR_RGB;
        info->num_channels = h.has_alpha ? 4 : 3;
        info->chroma_subsampling = PXC_CSS_444;
    }
    return PXC_OK;
}

static const char *const bmp_extensions[] = {".bmp", ".dib", NULL};
static const pxc_codec_impl *const bmp_impls[] = {&pxc_bmp_native};

const pxc_codec_def pxc_codec_bmp = {
    .name = "bmp",
    .extensions = bmp_extensions,
    .aliases = NULL,
    .probe = bmp_probe,
    .parse = bmp_parse,
    .options = NULL,
    .impls = bmp_impls,
    .num_impls = 1,
};
