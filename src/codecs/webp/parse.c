/*
 * WebP: probe, header parsing and the codec definition.
 *
 * parse() walks the RIFF container itself (RIFF/WEBP, then a VP8, VP8L or
 * VP8X chunk; for VP8X files the chunks that follow, counting the ANMF frames
 * of an animation) so that every error names the chunk and byte at fault, and
 * then asks libwebp's WebPGetFeatures() for the same facts as a cross-check.
 * Nothing is decoded and nothing large is allocated.
 *
 * Reported: width x height (the canvas for VP8X files), 3 or 4 channels
 * (RGB / RGBA), 8-bit samples, 4:2:0 chroma for lossy streams (VP8 always is)
 * and 4:4:4 for lossless ones, and the frame count of an animation. EXIF
 * orientation is not applied (dwebp and libwebp ignore it); orientation is 1.
 */
#include <string.h>

#include <webp/decode.h>

#include "webp.h"

static bool webp_probe(const uint8_t *data, size_t size)
{
    if (size < 4 || memcmp(data, "RIFF", 4) != 0) return false;
    /* A cut file shorter than the RIFF header is still claimed, so parse() can say so. */
    if (size < 12) return true;
    return memcmp(data + 8, "WEBP", 4) == 0;
}

static uint32_t rd_le24(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
}

/* Dimensions coded in a VP8 (lossy) key frame header: 10 bytes at @p p. */
static pxc_status vp8_dims(const uint8_t *p, uint32_t len, size_t at, uint32_t *w, uint32_t *h,
                           pxc_err *err)
{
    if (len < 10)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "WebP: 'VP8 ' chunk at byte %zu holds %u bytes, fewer than the 10 of a "
                           "key frame header",
                           at, len);
    if (p[0] & 1)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "WebP: 'VP8 ' chunk at byte %zu does not start with a key frame", at);
    if (p[3] != 0x9D || p[4] != 0x01 || p[5] != 0x2A)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "WebP: 'VP8 ' chunk at byte %zu: start code is %02x %02x %02x instead of "
                           "9d 01 2a",
                           at, p[3], p[4], p[5]);
    *w = pxc_rd_le16(p + 6) & 0x3FFFu;
    *h = pxc_rd_le16(p + 8) & 0x3FFFu;
    if (*w == 0 || *h == 0)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "WebP: 'VP8 ' chunk at byte %zu declares a %u x %u frame", at, *w, *h);
    return PXC_OK;
}

/* Dimensions and alpha hint of a VP8L (lossless) header: 5 bytes at @p p. */
static pxc_status vp8l_dims(const uint8_t *p, uint32_t len, size_t at, uint32_t *w, uint32_t *h,
                            bool *alpha, pxc_err *err)
{
    if (len < 5)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "WebP: 'VP8L' chunk at byte %zu holds %u bytes, fewer than the 5 of its "
                           "header",
                           at, len);
    if (p[0] != 0x2F)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "WebP: 'VP8L' chunk at byte %zu: signature byte is 0x%02x instead of 0x2f",
                           at, p[0]);
    const uint32_t bits = pxc_rd_le32(p + 1);
    *w = (bits & 0x3FFFu) + 1;
    *h = ((bits >> 14) & 0x3FFFu) + 1;
    *alpha = (bits >> 28) & 1u;
    if ((bits >> 29) != 0)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "WebP: 'VP8L' chunk at byte %zu has version %u (only 0 is defined)", at,
                           bits >> 29);
    return PXC_OK;
}

/* Status for a chunk whose payload passes the end of the RIFF data. */
static pxc_status chunk_overrun(const uint8_t *t, size_t at, uint32_t len, size_t end, size_t size,
                                pxc_err *err)
{
    char name[12];
    pxc_fourcc_name(t, name);
    if (end >= size)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "WebP: file ends at byte %zu, inside chunk '%s' (%u bytes at byte %zu)",
                           size, name, len, at);
    return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                       "WebP: chunk '%s' at byte %zu declares %u bytes, passing the end of the RIFF "
                       "data at byte %zu",
                       name, at, len, end);
}

static pxc_status features_status(VP8StatusCode vs, pxc_err *err)
{
    switch (vs) {
    case VP8_STATUS_OK: return PXC_OK;
    case VP8_STATUS_NOT_ENOUGH_DATA:
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "WebP: headers end early (libwebp)");
    case VP8_STATUS_UNSUPPORTED_FEATURE:
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "WebP: libwebp does not support a feature of the headers");
    case VP8_STATUS_OUT_OF_MEMORY:
        return pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "WebP: out of memory reading the headers");
    default:
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "WebP: libwebp refuses the headers (VP8 status %d)", (int)vs);
    }
}

static pxc_status webp_parse(const uint8_t *d, size_t size, pxc_image_info *info, pxc_err *err)
{
    if (size < 12)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "WebP: file ends after %zu bytes, inside the 12-byte RIFF header", size);
    if (memcmp(d, "RIFF", 4) != 0 || memcmp(d + 8, "WEBP", 4) != 0)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "WebP: file does not start with 'RIFF' .... 'WEBP'");
    const uint32_t riff = pxc_rd_le32(d + 4);
    if (riff < 12)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "WebP: RIFF size %u is too small for any chunk (at least 12)", riff);
    const size_t end = (size_t)riff + 8;
    if (end > size)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "WebP: file ends after %zu bytes; the RIFF header declares %zu", size, end);

    size_t pos = 12;
    if (end - pos < 8)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "WebP: RIFF data holds no chunk");
    const uint8_t *t = d + pos;
    uint32_t len = pxc_rd_le32(d + pos + 4);
    if (len > end - pos - 8) return chunk_overrun(t, pos, len, end, size, err);

    uint32_t width = 0, height = 0, frames = 1;
    bool alpha = false, lossy = false, animated = false;
    char name[12];
    pxc_status st;

    if (memcmp(t, "VP8 ", 4) == 0) {
        st = vp8_dims(d + pos + 8, len, pos, &width, &height, err);
        if (st != PXC_OK) return st;
        lossy = true;
    } else if (memcmp(t, "VP8L", 4) == 0) {
        st = vp8l_dims(d + pos + 8, len, pos, &width, &height, &alpha, err);
        if (st != PXC_OK) return st;
    } else if (memcmp(t, "VP8X", 4) == 0) {
        if (len != 10)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "WebP: 'VP8X' chunk is %u bytes long instead of 10", len);
        const uint8_t *x = d + pos + 8;
        const uint8_t flags = x[0];
        width = rd_le24(x + 4) + 1;
        height = rd_le24(x + 7) + 1;
        if ((uint64_t)width * height >= ((uint64_t)1 << 32))
            return pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED,
                               "WebP: VP8X canvas of %u x %u pixels exceeds the WebP limit of "
                               "2^32 - 1 pixels",
                               width, height);
        animated = (flags & PXC_WEBP_FLAG_ANIMATION) != 0;
        alpha = (flags & PXC_WEBP_FLAG_ALPHA) != 0;
        frames = 0;
        bool have_image = false, any_lossy = false;
        pos += 8 + (size_t)len + (len & 1u);
        while (pos < end) {
            if (end - pos < 8) {
                if (end >= size)
                    return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                                       "WebP: file ends at byte %zu, inside a chunk header", size);
                return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                   "WebP: %zu stray bytes at the end of the RIFF data (byte %zu)",
                                   end - pos, pos);
            }
            t = d + pos;
            len = pxc_rd_le32(d + pos + 4);
            if (len > end - pos - 8) return chunk_overrun(t, pos, len, end, size, err);
            const uint8_t *c = d + pos + 8;
            if (animated && memcmp(t, "ANMF", 4) == 0) {
                if (len < 16 + 8)
                    return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                       "WebP: 'ANMF' chunk at byte %zu holds %u bytes, too few "
                                       "for a frame",
                                       pos, len);
                const uint64_t fx = (uint64_t)rd_le24(c) * 2, fy = (uint64_t)rd_le24(c + 3) * 2;
                const uint64_t fw = (uint64_t)rd_le24(c + 6) + 1, fh = (uint64_t)rd_le24(c + 9) + 1;
                if (fx + fw > width || fy + fh > height)
                    return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                       "WebP: frame %u (%llu x %llu at %llu, %llu) does not fit "
                                       "the %u x %u canvas",
                                       frames + 1, (unsigned long long)fw, (unsigned long long)fh,
                                       (unsigned long long)fx, (unsigned long long)fy, width,
                                       height);
                if (memcmp(c + 16, "VP8 ", 4) == 0 || memcmp(c + 16, "ALPH", 4) == 0)
                    any_lossy = true;
                frames++;
            } else if (!animated && memcmp(t, "ALPH", 4) == 0) {
                alpha = true;
            } else if (!animated && !have_image && memcmp(t, "VP8 ", 4) == 0) {
                uint32_t w, h;
                st = vp8_dims(c, len, pos, &w, &h, err);
                if (st != PXC_OK) return st;
                if (w != width || h != height)
                    return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                       "WebP: 'VP8 ' frame is %u x %u but the VP8X canvas is %u x %u",
                                       w, h, width, height);
                have_image = true;
                any_lossy = true;
            } else if (!animated && !have_image && memcmp(t, "VP8L", 4) == 0) {
                uint32_t w, h;
                bool a;
                st = vp8l_dims(c, len, pos, &w, &h, &a, err);
                if (st != PXC_OK) return st;
                if (w != width || h != height)
                    return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                       "WebP: 'VP8L' image is %u x %u but the VP8X canvas is %u x %u",
                                       w, h, width, height);
                have_image = true;
            }
            pos += 8 + (size_t)len + (len & 1u);
        }
        if (animated && frames == 0)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "WebP: VP8X declares an animation but the file holds no 'ANMF' frame");
        if (!animated && !have_image)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                               "WebP: VP8X file holds no 'VP8 ' or 'VP8L' image chunk");
        if (!animated) frames = 1;
        lossy = any_lossy;
    } else {
        pxc_fourcc_name(t, name);
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "WebP: first chunk is '%s'; expected 'VP8 ', 'VP8L' or 'VP8X'", name);
    }

    /* libwebp must agree before anything is decoded. */
    WebPBitstreamFeatures f;
    st = features_status(WebPGetFeatures(d, size, &f), err);
    if (st != PXC_OK) return st;
    if ((uint32_t)f.width != width || (uint32_t)f.height != height)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "WebP: libwebp reads a %d x %d image where the chunks say %u x %u",
                           f.width, f.height, width, height);
    alpha = alpha || f.has_alpha;

    const size_t struct_size = info->struct_size;
    memset(info, 0, sizeof(*info));
    info->struct_size = struct_size;
    pxc_strlcpy(info->codec, "webp", sizeof(info->codec));
    info->width = width;
    info->height = height;
    info->num_channels = alpha ? 4 : 3;
    info->color_spec = alpha ? PXC_COLOR_RGBA : PXC_COLOR_RGB;
    info->sample_type = PXC_SAMPLE_U8;
    info->precision = 8;
    info->chroma_subsampling = lossy ? PXC_CSS_420 : PXC_CSS_444;
    info->orientation = 1;
    info->num_images = frames;
    info->progressive = 0;
    return PXC_OK;
}

static const char *const webp_extensions[] = {".webp", NULL};
static const char *const webp_aliases[] = {"libwebp", NULL};

static const pxc_option_def webp_options[] = {
    {"lossless", PXC_OPT_BOOL, PXC_OPT_ENCODE, 0, 1, 0,
     "1 writes lossless WebP (VP8L); 0 (default) writes lossy WebP (VP8) at the encode quality"},
    {"method", PXC_OPT_INT, PXC_OPT_ENCODE, 0, 6, 4,
     "encoder effort: 0 is fastest, 6 is smallest (libwebp's method)"},
    {NULL, PXC_OPT_INT, 0, 0, 0, 0, NULL},
};

static const pxc_codec_impl *const webp_impls[] = {&pxc_webp_libwebp};

const pxc_codec_def pxc_codec_webp = {
    .name = "webp",
    .extensions = webp_extensions,
    .aliases = webp_aliases,
    .probe = webp_probe,
    .parse = webp_parse,
    .options = webp_options,
    .impls = webp_impls,
    .num_impls = sizeof(webp_impls) / sizeof(webp_impls[0]),
};
