/* Colour, sample-type, orientation and layout conversions; EXIF orientation. */
#include "convert.h"

#include <string.h>

#include "util.h"

/* Channel positions of a colour spec: indices of R, G, B, A (-1 = absent); gray has R=G=B. */
typedef struct layout_map {
    int n;
    int r, g, b, a;
    bool gray;
    bool cmyk;
} layout_map;

static bool map_of(pxc_color_spec s, layout_map *m)
{
    switch (s) {
    case PXC_COLOR_GRAY: *m = (layout_map){1, 0, 0, 0, -1, true, false}; return true;
    case PXC_COLOR_GRAY_ALPHA: *m = (layout_map){2, 0, 0, 0, 1, true, false}; return true;
    case PXC_COLOR_RGB: *m = (layout_map){3, 0, 1, 2, -1, false, false}; return true;
    case PXC_COLOR_BGR: *m = (layout_map){3, 2, 1, 0, -1, false, false}; return true;
    case PXC_COLOR_RGBA: *m = (layout_map){4, 0, 1, 2, 3, false, false}; return true;
    case PXC_COLOR_BGRA: *m = (layout_map){4, 2, 1, 0, 3, false, false}; return true;
    case PXC_COLOR_CMYK: *m = (layout_map){4, 0, 1, 2, -1, false, true}; return true;
    default: return false;
    }
}

bool pxc_color_is_plain(pxc_color_spec c)
{
    return c == PXC_COLOR_GRAY || c == PXC_COLOR_GRAY_ALPHA || c == PXC_COLOR_RGB || c == PXC_COLOR_BGR ||
           c == PXC_COLOR_RGBA || c == PXC_COLOR_BGRA;
}

bool pxc_color_has_alpha(pxc_color_spec c)
{
    return c == PXC_COLOR_GRAY_ALPHA || c == PXC_COLOR_RGBA || c == PXC_COLOR_BGRA;
}

bool pxc_can_convert(pxc_color_spec src, pxc_color_spec dst)
{
    if (src == dst && pxc_color_spec_channels(src)) return true;
    layout_map a, b;
    return map_of(src, &a) && map_of(dst, &b) && !b.cmyk;
}

static inline uint32_t load(const void *p, size_t i, bool wide)
{
    return wide ? ((const uint16_t *)p)[i] : ((const uint8_t *)p)[i];
}

static inline void store(void *p, size_t i, bool wide, uint32_t v)
{
    if (wide)
        ((uint16_t *)p)[i] = (uint16_t)v;
    else
        ((uint8_t *)p)[i] = (uint8_t)v;
}

/* Changes depth of a sample: 16 -> 8 keeps the high byte, 8 -> 16 multiplies by 257. */
static inline uint32_t redepth(uint32_t v, bool from_wide, bool to_wide)
{
    if (from_wide == to_wide) return v;
    return to_wide ? v * 257u : v >> 8;
}

/* Fast paths for the common 8-bit conversions; false when the pair has none. */
static bool convert_row_u8(const uint8_t *src, const layout_map *s, uint8_t *dst, const layout_map *d,
                           size_t width)
{
    const size_t sn = (size_t)s->n, dn = (size_t)d->n;
    if (d->gray && !s->gray) {
        const int r = s->r, g = s->g, b = s->b;
        for (size_t x = 0; x < width; x++, src += sn, dst += dn) {
            dst[0] = (uint8_t)((src[r] * 19595u + src[g] * 38470u + src[b] * 7471u + 0x8000u) >> 16);
            if (d->a >= 0) dst[d->a] = s->a >= 0 ? src[s->a] : 255;
        }
        return true;
    }
    if (!d->gray) {
        const int r = s->r, g = s->g, b = s->b, a = s->a;
        for (size_t x = 0; x < width; x++, src += sn, dst += dn) {
            uint8_t R = src[r], G = src[g], B = src[b];
            dst[d->r] = R;
            dst[d->g] = G;
            dst[d->b] = B;
            if (d->a >= 0) dst[d->a] = a >= 0 ? src[a] : 255;
        }
        return true;
    }
    return false;
}

void pxc_convert_row(const void *src, pxc_color_spec src_color, pxc_sample_type src_type, void *dst,
                     pxc_color_spec dst_color, pxc_sample_type dst_type, size_t width)
{
    const bool sw = src_type == PXC_SAMPLE_U16, dw = dst_type == PXC_SAMPLE_U16;
    if (src_color == dst_color) {
        size_t n = width * pxc_color_spec_channels(src_color);
        if (sw == dw) {
            memcpy(dst, src, n * (sw ? 2 : 1));
        } else {
            for (size_t i = 0; i < n; i++) store(dst, i, dw, redepth(load(src, i, sw), sw, dw));
        }
        return;
    }
    layout_map s, d;
    if (!map_of(src_color, &s) || !map_of(dst_color, &d)) return;
    if (!sw && !dw && !s.cmyk && convert_row_u8(src, &s, dst, &d, width)) return;
    const uint32_t maxv = sw ? 65535u : 255u;
    for (size_t x = 0; x < width; x++) {
        size_t si = x * (size_t)s.n, di = x * (size_t)d.n;
        uint32_t r, g, b, a = maxv;
        if (s.cmyk) {
            /* Adobe CMYK as stored (inverted): R = C * K / max */
            uint32_t k = load(src, si + 3, sw);
            r = (load(src, si + 0, sw) * k + maxv / 2) / maxv;
            g = (load(src, si + 1, sw) * k + maxv / 2) / maxv;
            b = (load(src, si + 2, sw) * k + maxv / 2) / maxv;
        } else {
            r = load(src, si + (size_t)s.r, sw);
            g = s.gray ? r : load(src, si + (size_t)s.g, sw);
            b = s.gray ? r : load(src, si + (size_t)s.b, sw);
            if (s.a >= 0) a = load(src, si + (size_t)s.a, sw);
        }
        if (d.gray) {
            uint32_t y = s.gray ? r
                                : (uint32_t)(((uint64_t)r * 19595u + (uint64_t)g * 38470u +
                                              (uint64_t)b * 7471u + 0x8000u) >> 16);
            store(dst, di, dw, redepth(y, sw, dw));
        } else {
            store(dst, di + (size_t)d.r, dw, redepth(r, sw, dw));
            store(dst, di + (size_t)d.g, dw, redepth(g, sw, dw));
            store(dst, di + (size_t)d.b, dw, redepth(b, sw, dw));
        }
        if (d.a >= 0) store(dst, di + (size_t)d.a, dw, redepth(a, sw, dw));
    }
}

void pxc_convert_image(const void *src, size_t src_stride, pxc_color_spec src_color,
                       pxc_sample_type src_type, void *dst, size_t dst_stride, pxc_color_spec dst_color,
                       pxc_sample_type dst_type, size_t width, size_t height)
{
    for (size_t y = 0; y < height; y++)
        pxc_convert_row((const uint8_t *)src + y * src_stride, src_color, src_type,
                        (uint8_t *)dst + y * dst_stride, dst_color, dst_type, width);
}

/*
 * Maps an output pixel (x, y) of an oriented image to its source pixel.
 * Orientation values follow EXIF/TIFF: 1 normal, 2 mirror horizontal,
 * 3 rotate 180, 4 mirror vertical, 5 transpose, 6 rotate 90 CW,
 * 7 transverse, 8 rotate 90 CCW (270 CW).
 */
static inline void source_of(int orientation, uint32_t w, uint32_t h, uint32_t x, uint32_t y,
                             uint32_t *sx, uint32_t *sy)
{
    switch (orientation) {
    default:
    case 1: *sx = x; *sy = y; break;
    case 2: *sx = w - 1 - x; *sy = y; break;
    case 3: *sx = w - 1 - x; *sy = h - 1 - y; break;
    case 4: *sx = x; *sy = h - 1 - y; break;
    case 5: *sx = y; *sy = x; break;
    case 6: *sx = y; *sy = h - 1 - x; break;
    case 7: *sx = w - 1 - y; *sy = h - 1 - x; break;
    case 8: *sx = w - 1 - y; *sy = x; break;
    }
}

void pxc_orient_copy(const uint8_t *src, size_t src_stride, uint32_t width, uint32_t height,
                     uint32_t channels, pxc_sample_type type, int orientation, uint8_t *dst,
                     const pxc_image_desc *dd)
{
    const size_t es = pxc_sample_size(type);
    const size_t px = es * channels;
    const uint32_t ow = dd->width, oh = dd->height;
    if (orientation < 1 || orientation > 8) orientation = 1;
    if (dd->layout == PXC_LAYOUT_HWC && orientation == 1) {
        for (uint32_t y = 0; y < oh; y++) memcpy(dst + y * dd->row_stride, src + y * src_stride, ow * px);
        return;
    }
    for (uint32_t y = 0; y < oh; y++) {
        uint8_t *drow = dst + (size_t)y * dd->row_stride;
        for (uint32_t x = 0; x < ow; x++) {
            uint32_t sx, sy;
            source_of(orientation, width, height, x, y, &sx, &sy);
            const uint8_t *sp = src + (size_t)sy * src_stride + (size_t)sx * px;
            if (dd->layout == PXC_LAYOUT_HWC) {
                memcpy(drow + (size_t)x * px, sp, px);
            } else {
                for (uint32_t c = 0; c < channels; c++)
                    memcpy(drow + (size_t)c * dd->plane_stride + (size_t)x * es, sp + c * es, es);
            }
        }
    }
}

void pxc_planar_to_interleaved(const uint8_t *src, const pxc_image_desc *sd, uint8_t *dst,
                               size_t dst_stride)
{
    const size_t es = pxc_sample_size(sd->sample_type);
    for (uint32_t y = 0; y < sd->height; y++) {
        uint8_t *drow = dst + (size_t)y * dst_stride;
        for (uint32_t c = 0; c < sd->num_channels; c++) {
            const uint8_t *srow = src + (size_t)c * sd->plane_stride + (size_t)y * sd->row_stride;
            for (uint32_t x = 0; x < sd->width; x++)
                memcpy(drow + ((size_t)x * sd->num_channels + c) * es, srow + (size_t)x * es, es);
        }
    }
}

int pxc_exif_orientation(const uint8_t *t, size_t size)
{
    if (!t || size < 8) return 1;
    bool le;
    if (t[0] == 'I' && t[1] == 'I' && t[2] == 42 && t[3] == 0)
        le = true;
    else if (t[0] == 'M' && t[1] == 'M' && t[2] == 0 && t[3] == 42)
        le = false;
    else
        return 1;
    uint32_t ifd = le ? pxc_rd_le32(t + 4) : pxc_rd_be32(t + 4);
    if (ifd < 8 || ifd > size - 2) return 1;
    uint32_t n = le ? pxc_rd_le16(t + ifd) : pxc_rd_be16(t + ifd);
    for (uint32_t i = 0; i < n; i++) {
        size_t off = (size_t)ifd + 2 + (size_t)i * 12;
        if (off + 12 > size) break;
        const uint8_t *e = t + off;
        uint16_t tag = le ? pxc_rd_le16(e) : pxc_rd_be16(e);
        if (tag != 0x0112) continue;
        uint16_t type = le ? pxc_rd_le16(e + 2) : pxc_rd_be16(e + 2);
        uint32_t v;
        if (type == 3) /* SHORT */
            v = le ? pxc_rd_le16(e + 8) : pxc_rd_be16(e + 8);
        else if (type == 4) /* LONG */
            v = le ? pxc_rd_le32(e + 8) : pxc_rd_be32(e + 8);
        else
            return 1;
        return (v >= 1 && v <= 8) ? (int)v : 1;
    }
    return 1;
}
