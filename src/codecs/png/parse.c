/*
 * PNG: probe, header parsing and the codec definition.
 *
 * parse() reads IHDR itself and walks the chunk headers that precede the
 * first IDAT (PLTE, tRNS, eXIf matter here); it never inflates anything. The
 * pixels are decoded by the implementations (spng.c).
 */
#include <string.h>

#include "png.h"
#include "core/convert.h"

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

/*
 * The first four signature bytes are enough to claim the stream: a file
 * whose line endings were rewritten by a text-mode transfer keeps them, and
 * parse() can then say what happened instead of "unknown format".
 */
static bool png_probe(const uint8_t *data, size_t size)
{
    return size >= 4 && memcmp(data, png_signature, 4) == 0;
}

/* CRC-32 of the PNG specification (ISO 3309, reflected, polynomial 0xEDB88320). */
static uint32_t png_crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static bool chunk_type_valid(const uint8_t *t)
{
    for (int i = 0; i < 4; i++) {
        const uint8_t ch = t[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))) return false;
    }
    return true;
}

static pxc_status check_signature(const uint8_t *d, size_t size, pxc_err *err)
{
    const size_t n = size < 8 ? size : 8;
    if (memcmp(d, png_signature, n) != 0) {
        const bool crlf_damaged = n == 8 && memcmp(d, png_signature, 4) == 0 &&
                                  (memcmp(d + 4, "\r\r\x1a\r", 4) == 0 ||
                                   memcmp(d + 4, "\n\n\x1a\n", 4) == 0 ||
                                   memcmp(d + 4, "\n\x1a\n", 3) == 0 ||
                                   memcmp(d + 4, "\r\n\x1a\r\n", 4) == 0);
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "PNG: signature is %02x %02x %02x %02x %02x %02x %02x %02x instead of "
                           "89 50 4e 47 0d 0a 1a 0a%s",
                           d[0], n > 1 ? d[1] : 0, n > 2 ? d[2] : 0, n > 3 ? d[3] : 0,
                           n > 4 ? d[4] : 0, n > 5 ? d[5] : 0, n > 6 ? d[6] : 0,
                           n > 7 ? d[7] : 0,
                           crlf_damaged ? " (line endings were converted by a text-mode transfer)"
                                        : "");
    }
    if (size < 8)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "PNG: file ends after %zu bytes, inside the 8-byte signature", size);
    return PXC_OK;
}

static const char *depths_for(uint8_t color_type)
{
    switch (color_type) {
    case PXC_PNG_GRAY: return "1, 2, 4, 8 or 16";
    case PXC_PNG_PALETTE: return "1, 2, 4 or 8";
    default: return "8 or 16";
    }
}

static bool depth_allowed(uint8_t color_type, uint8_t depth)
{
    switch (color_type) {
    case PXC_PNG_GRAY: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case PXC_PNG_PALETTE: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case PXC_PNG_RGB:
    case PXC_PNG_GRAY_ALPHA:
    case PXC_PNG_RGBA: return depth == 8 || depth == 16;
    default: return false;
    }
}

static pxc_status png_parse(const uint8_t *d, size_t size, pxc_image_info *info, pxc_err *err)
{
    pxc_status st = check_signature(d, size, err);
    if (st != PXC_OK) return st;

    /* IHDR: length, type, 13 bytes of data, CRC. */
    if (size < 16)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "PNG: file ends after %zu bytes, before the IHDR chunk header", size);
    char name[12];
    if (memcmp(d + 12, "IHDR", 4) != 0) {
        pxc_fourcc_name(d + 12, name);
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "PNG: first chunk is '%s'; a PNG must start with IHDR", name);
    }
    const uint32_t ihdr_len = pxc_rd_be32(d + 8);
    if (ihdr_len != 13)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "PNG: IHDR chunk is %u bytes long instead of 13", ihdr_len);
    if (size < 33)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "PNG: file ends after %zu bytes, inside the IHDR chunk (33 bytes needed)",
                           size);
    const uint32_t crc_stored = pxc_rd_be32(d + 29);
    const uint32_t crc_computed = png_crc32(d + 12, 17);
    if (crc_stored != crc_computed)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "PNG: IHDR CRC mismatch (stored 0x%08X, computed 0x%08X)", crc_stored,
                           crc_computed);

    const uint8_t *h = d + 16;
    const uint32_t width = pxc_rd_be32(h);
    const uint32_t height = pxc_rd_be32(h + 4);
    const uint8_t depth = h[8], ct = h[9], compression = h[10], filter = h[11], interlace = h[12];

    if (width == 0 || height == 0)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "PNG: IHDR declares a %u x %u image", width,
                           height);
    if (width > PXC_PNG_MAX_DIM || height > PXC_PNG_MAX_DIM)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "PNG: IHDR declares %u x %u; width and height must be below 2^31", width,
                           height);
    if (ct != PXC_PNG_GRAY && ct != PXC_PNG_RGB && ct != PXC_PNG_PALETTE &&
        ct != PXC_PNG_GRAY_ALPHA && ct != PXC_PNG_RGBA)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "PNG: IHDR colour type %u is not defined (0, 2, 3, 4 or 6)", ct);
    if (!depth_allowed(ct, depth))
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "PNG: IHDR bit depth %u is not allowed for colour type %u (allowed: %s)",
                           depth, ct, depths_for(ct));
    if (compression != 0)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "PNG: IHDR compression method %u is not defined (only 0)", compression);
    if (filter != 0)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "PNG: IHDR filter method %u is not defined (only 0)", filter);
    if (interlace > 1)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "PNG: IHDR interlace method %u is not defined (0 or 1)", interlace);

    /* Walk the chunks up to the first IDAT. */
    size_t pos = 33;
    uint32_t plte_entries = 0;
    bool has_plte = false, has_trns = false, has_exif = false;
    int orientation = 1;
    for (;;) {
        if (size - pos < 8)
            return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                               "PNG: file ends at byte %zu, before the first IDAT chunk", size);
        const uint32_t len = pxc_rd_be32(d + pos);
        const uint8_t *type = d + pos + 4;
        pxc_fourcc_name(type, name);
        if (!chunk_type_valid(type))
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "PNG: chunk type %s at byte %zu is not four ASCII letters", name, pos);
        if (len > PXC_PNG_MAX_DIM)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "PNG: chunk '%s' at byte %zu declares length %u (at most 2^31 - 1)",
                               name, pos, len);
        if (memcmp(type, "IDAT", 4) == 0) break;
        if ((size_t)len + 12 > size - pos)
            return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                               "PNG: file ends at byte %zu, inside chunk '%s' (%u bytes at byte %zu)",
                               size, name, len, pos);
        const uint8_t *cd = d + pos + 8;

        if (memcmp(type, "IEND", 4) == 0)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "PNG: IEND at byte %zu comes before any IDAT chunk (no image data)",
                               pos);
        if (memcmp(type, "IHDR", 4) == 0)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "PNG: second IHDR chunk at byte %zu",
                               pos);
        if (memcmp(type, "PLTE", 4) == 0) {
            if (has_plte)
                return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                   "PNG: second PLTE chunk at byte %zu", pos);
            if (ct == PXC_PNG_PALETTE || ct == PXC_PNG_RGB || ct == PXC_PNG_RGBA) {
                if (len == 0 || len % 3 != 0 || len / 3 > 256)
                    return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                       "PNG: PLTE chunk of %u bytes (must be 3 to 768, a multiple "
                                       "of 3)",
                                       len);
            }
            has_plte = true;
            plte_entries = len / 3;
        } else if (memcmp(type, "tRNS", 4) == 0) {
            /* Count the alpha channel only where libspng applies the chunk. */
            if ((ct == PXC_PNG_GRAY && len == 2) || (ct == PXC_PNG_RGB && len == 6) ||
                (ct == PXC_PNG_PALETTE && has_plte && len >= 1 && len <= plte_entries))
                has_trns = true;
        } else if (memcmp(type, "eXIf", 4) == 0) {
            /* The first eXIf counts (libspng drops later ones); a damaged one fails the decode. */
            if (!has_exif && pxc_rd_be32(cd + len) == png_crc32(type, (size_t)len + 4))
                orientation = pxc_exif_orientation(cd, len);
            has_exif = true;
        } else if (!(type[0] & 0x20)) {
            return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                               "PNG: unknown critical chunk '%s' at byte %zu", name, pos);
        }
        pos += (size_t)len + 12;
    }
    if (ct == PXC_PNG_PALETTE && !has_plte)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "PNG: indexed-colour image has no PLTE chunk before its image data");

    const size_t struct_size = info->struct_size;
    memset(info, 0, sizeof(*info));
    info->struct_size = struct_size;
    pxc_strlcpy(info->codec, "png", sizeof(info->codec));
    info->width = width;
    info->height = height;
    info->sample_type = depth == 16 ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
    info->precision = ct == PXC_PNG_PALETTE ? 8 : depth;
    info->orientation = orientation >= 1 && orientation <= 8 ? orientation : 1;
    info->num_images = 1;
    info->progressive = interlace == 1;
    switch (ct) {
    case PXC_PNG_GRAY:
        /* A tRNS key adds an alpha channel: the colour model stays as stored and the
           core reads GRAY with 2 channels (RGB with 4) as gray+alpha (RGBA). */
        info->color_spec = PXC_COLOR_GRAY;
        info->num_channels = has_trns ? 2 : 1;
        info->chroma_subsampling = PXC_CSS_GRAY;
        break;
    case PXC_PNG_GRAY_ALPHA:
        info->color_spec = PXC_COLOR_GRAY_ALPHA;
        info->num_channels = 2;
        info->chroma_subsampling = PXC_CSS_GRAY;
        break;
    case PXC_PNG_RGB:
        info->color_spec = PXC_COLOR_RGB;
        info->num_channels = has_trns ? 4 : 3;
        info->chroma_subsampling = PXC_CSS_444;
        break;
    case PXC_PNG_PALETTE:
        info->color_spec = PXC_COLOR_PALETTE;
        info->num_channels = has_trns ? 4 : 3;
        info->chroma_subsampling = PXC_CSS_444;
        break;
    default: /* PXC_PNG_RGBA */
        info->color_spec = PXC_COLOR_RGBA;
        info->num_channels = 4;
        info->chroma_subsampling = PXC_CSS_444;
        break;
    }
    return PXC_OK;
}

static const char *const png_extensions[] = {".png", NULL};

static const pxc_option_def png_options[] = {
    {"compression_level", PXC_OPT_INT, PXC_OPT_ENCODE, 0, 9, 6,
     "zlib compression level of written PNGs: 0 stores (fastest), 9 is smallest"},
    {NULL, PXC_OPT_INT, 0, 0, 0, 0, NULL},
};

static const pxc_codec_impl *const png_impls[] = {&pxc_png_spng};

const pxc_codec_def pxc_codec_png = {
    .name = "png",
    .extensions = png_extensions,
    .aliases = NULL,
    .probe = png_probe,
    .parse = png_parse,
    .options = png_options,
    .impls = png_impls,
    .num_impls = sizeof(png_impls) / sizeof(png_impls[0]),
};
