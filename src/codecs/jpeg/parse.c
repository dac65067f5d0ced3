/*
 * JPEG: probing and header parsing (SOF, APP1 Exif orientation, APP14 Adobe)
 * without entropy decoding.
 */
#include <string.h>

#include "core/convert.h"
#include "jpeg.h"

static bool jpeg_probe(const uint8_t *d, size_t n)
{
    return n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF;
}

pxc_chroma_subsampling pxc_jpeg_subsampling(int ncomp, const int *h, const int *v)
{
    if (ncomp == 1) return PXC_CSS_GRAY;
    for (int i = 1; i < ncomp; i++)
        if (h[i] != 1 || v[i] != 1) return PXC_CSS_UNKNOWN;
    static const struct { int h, v; pxc_chroma_subsampling css; } map[] = {
        {1, 1, PXC_CSS_444}, {2, 1, PXC_CSS_422}, {2, 2, PXC_CSS_420}, {1, 2, PXC_CSS_440},
        {4, 1, PXC_CSS_411}, {4, 2, PXC_CSS_410}, {2, 4, PXC_CSS_410V},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].h == h[0] && map[i].v == v[0]) return map[i].css;
    return PXC_CSS_UNKNOWN;
}

static pxc_status jpeg_parse(const uint8_t *d, size_t n, pxc_image_info *info, pxc_err *err)
{
    size_t pos = 2;
    bool have_sof = false, adobe = false, jfif = false, cut = false;
    int adobe_transform = -1;
    int ncomp = 0, hs[4] = {0}, vs[4] = {0}, ids[4] = {0};
    for (;;) {
        /* find the next marker, skipping fill bytes */
        if (pos >= n) break;
        while (pos < n && d[pos] != 0xFF) pos++; /* extraneous bytes, tolerated as libjpeg does */
        if (pos >= n) break;
        while (pos < n && d[pos] == 0xFF) pos++;
        if (pos >= n) break;
        uint8_t m = d[pos++];
        if (m == 0xD9) break;                          /* EOI */
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue; /* TEM, RSTn: no length */
        if (pos + 2 > n) {
            cut = true;
            break;
        }
        size_t len = pxc_rd_be16(d + pos);
        if (len < 2) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "marker 0x%02x has a bad length %zu", m, len);
        if (pos + len > n) {
            cut = true;
            break;
        }
        const uint8_t *seg = d + pos + 2;
        size_t slen = len - 2;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (have_sof) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "more than one frame header (SOF)");
            if (slen < 6) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "frame header too short (%zu bytes)", slen);
            int precision = seg[0];
            uint32_t height = pxc_rd_be16(seg + 1), width = pxc_rd_be16(seg + 3);
            ncomp = seg[5];
            if (ncomp < 1 || ncomp > 4)
                return pxc_err_set(err, ncomp == 0 ? PXC_ERROR_CORRUPT_DATA : PXC_ERROR_UNSUPPORTED_FEATURE,
                                   "frame has %d components (1 to 4 are supported)", ncomp);
            if (slen < 6 + 3 * (size_t)ncomp)
                return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "frame header too short for %d components", ncomp);
            for (int c = 0; c < ncomp; c++) {
                ids[c] = seg[6 + 3 * c];
                hs[c] = seg[7 + 3 * c] >> 4;
                vs[c] = seg[7 + 3 * c] & 15;
                if (hs[c] < 1 || hs[c] > 4 || vs[c] < 1 || vs[c] > 4)
                    return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "component %d has sampling factors %dx%d",
                                       c, hs[c], vs[c]);
            }
            if (width == 0) return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "frame width is 0");
            if (height == 0)
                return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                                   "frame height 0 (height given by a DNL marker) is not supported");
            info->width = width;
            info->height = height;
            info->precision = (uint32_t)precision;
            info->sample_type = precision > 8 ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
            info->num_channels = (uint32_t)ncomp;
            info->progressive = (m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE);
            have_sof = true;
        } else if (m == 0xE1 && slen >= 14 && memcmp(seg, "Exif\0", 5) == 0) {
            info->orientation = pxc_exif_orientation(seg + 6, slen - 6);
        } else if (m == 0xEE && slen >= 12 && memcmp(seg, "Adobe", 5) == 0) {
            adobe = true;
            adobe_transform = seg[11];
        } else if (m == 0xE0 && slen >= 5 && memcmp(seg, "JFIF\0", 5) == 0) {
            jfif = true;
        } else if (m == 0xDA) {
            break; /* start of scan: everything we need comes before it */
        }
        pos += len;
    }
    if (!have_sof) {
        cut = cut || pos >= n;
        return pxc_err_set(err, cut ? PXC_ERROR_TRUNCATED_DATA : PXC_ERROR_CORRUPT_DATA,
                           "no frame header (SOF) before %s", cut ? "the end of the data" : "the first scan");
    }
    info->chroma_subsampling = pxc_jpeg_subsampling(ncomp, hs, vs);
    /* colour model, following libjpeg's rules (jdapimin.c default_decompress_parms) */
    switch (ncomp) {
    case 1: info->color_spec = PXC_COLOR_GRAY; break;
    case 3:
        if (jfif)
            info->color_spec = PXC_COLOR_YCBCR;
        else if (adobe)
            info->color_spec = adobe_transform == 0 ? PXC_COLOR_RGB : PXC_COLOR_YCBCR;
        else if (ids[0] == 'R' && ids[1] == 'G' && ids[2] == 'B')
            info->color_spec = PXC_COLOR_RGB;
        else
            info->color_spec = PXC_COLOR_YCBCR;
        break;
    case 4:
        info->color_spec = (adobe && adobe_transform == 2) ? PXC_COLOR_YCCK : PXC_COLOR_CMYK;
        break;
    default: /* 2 components: no standard meaning */
        info->color_spec = PXC_COLOR_UNKNOWN;
        break;
    }
    info->num_images = 1;
    return PXC_OK;
}

static const char *const jpeg_extensions[] = {".jpg", ".jpeg", ".jpe", ".jfif", ".jfi", NULL};
/* module names accepted in options strings: our own and the seed API's decoder names */
static const char *const jpeg_aliases[] = {"jpg", "nvjpeg", "libjpeg_turbo", "libjpeg-turbo", NULL};

static const pxc_option_def jpeg_options[] = {
    {"fancy_upsampling", PXC_OPT_BOOL, PXC_OPT_DECODE, 0, 1, 0,
     "smooth (triangle-filter) chroma upsampling instead of replication"},
    {"max_scans", PXC_OPT_INT, PXC_OPT_DECODE, 1, 1000000, PXC_JPEG_DEFAULT_MAX_SCANS,
     "refuse progressive files with more scans than this"},
    {"strict", PXC_OPT_BOOL, PXC_OPT_DECODE, 0, 1, 1,
     "treat corrupt entropy-coded data as an error instead of a warning"},
    {NULL, 0, 0, 0, 0, 0, NULL},
};

/* the CPU first: the GPU implementations run when their backend kinds are asked for */
static const pxc_codec_impl *const jpeg_impls[] = {&pxc_jpeg_turbo_impl, &pxc_jpeg_cuda_decoder_impl,
                                                      &pxc_jpeg_cuda_gpu_decoder_impl,
                                                      &pxc_jpeg_cuda_encoder_impl};

const pxc_codec_def pxc_codec_jpeg = {
    .name = "jpeg",
    .extensions = jpeg_extensions,
    .aliases = jpeg_aliases,
    .probe = jpeg_probe,
    .parse = jpeg_parse,
    .options = jpeg_options,
    .impls = jpeg_impls,
    .num_impls = sizeof(jpeg_impls) / sizeof(jpeg_impls[0]),
};
