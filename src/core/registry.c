/*
 * The codec registry: every codec pixcodec knows, in probing order.
 * Adding a codec = its folder under src/codecs/ plus one line here.
 */
#include <string.h>

#include "internal.h"

extern const pxc_codec_def pxc_codec_jpeg;
extern const pxc_codec_def pxc_codec_png;
extern const pxc_codec_def pxc_codec_bmp;
extern const pxc_codec_def pxc_codec_pnm;
extern const pxc_codec_def pxc_codec_tiff;
extern const pxc_codec_def pxc_codec_jpeg2k;
extern const pxc_codec_def pxc_codec_webp;

static const pxc_codec_def *const registry[] = {
    &pxc_codec_jpeg,
    &pxc_codec_png,
    &pxc_codec_bmp,
    &pxc_codec_pnm,
    &pxc_codec_tiff,
    &pxc_codec_jpeg2k,
    &pxc_codec_webp,
};

#define REGISTRY_SIZE (sizeof(registry) / sizeof(registry[0]))

size_t pxc_registry_count(void)
{
    return REGISTRY_SIZE;
}

const pxc_codec_def *pxc_registry_get(size_t index)
{
    return index < REGISTRY_SIZE ? registry[index] : NULL;
}

static bool in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (pxc_strcasecmp(*list, s) == 0) return true;
    return false;
}

const pxc_codec_def *pxc_registry_find(const char *name)
{
    if (!name || !*name) return NULL;
    for (size_t i = 0; i < REGISTRY_SIZE; i++) {
        const pxc_codec_def *c = registry[i];
        if (pxc_strcasecmp(c->name, name) == 0 || in_list(c->extensions, name) || in_list(c->aliases, name))
            return c;
    }
    return NULL;
}

const pxc_codec_def *pxc_registry_probe(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < REGISTRY_SIZE; i++)
        if (registry[i]->probe(data, size)) return registry[i];
    return NULL;
}

pxc_color_spec pxc_native_color(const pxc_image_info *info)
{
    switch (info->color_spec) {
    case PXC_COLOR_GRAY: return info->num_channels >= 2 ? PXC_COLOR_GRAY_ALPHA : PXC_COLOR_GRAY;
    case PXC_COLOR_RGB:
    case PXC_COLOR_PALETTE: return info->num_channels >= 4 ? PXC_COLOR_RGBA : PXC_COLOR_RGB;
    case PXC_COLOR_BGR: return info->num_channels >= 4 ? PXC_COLOR_BGRA : PXC_COLOR_BGR;
    case PXC_COLOR_YCCK: return PXC_COLOR_CMYK;
    case PXC_COLOR_UNKNOWN: return pxc_color_spec_channels(PXC_COLOR_RGB) == info->num_channels
                                       ? PXC_COLOR_RGB : PXC_COLOR_GRAY;
    default: return info->color_spec;
    }
}

/* ---- public queries ---- */

size_t pxc_codec_count(void)
{
    return REGISTRY_SIZE;
}

const char *pxc_codec_name(size_t index)
{
    return index < REGISTRY_SIZE ? registry[index]->name : NULL;
}

pxc_status pxc_codec_implementation(const char *codec, size_t index, pxc_implementation_info *out)
{
    const pxc_codec_def *c = pxc_registry_find(codec);
    if (!c || !out || index >= c->num_impls) return PXC_ERROR_INVALID_ARGUMENT;
    const pxc_codec_impl *impl = c->impls[index];
    out->name = impl->name;
    out->kind = impl->kind;
    out->priority = impl->priority;
    out->can_decode = impl->decode != NULL;
    out->can_encode = impl->encode != NULL;
    out->unavailable_reason = pxc_impl_unavailable_reason(impl);
    out->available = out->unavailable_reason == NULL;
    return PXC_OK;
}

const char *pxc_codec_lookup(const char *name_or_extension)
{
    const pxc_codec_def *c = pxc_registry_find(name_or_extension);
    return c ? c->name : NULL;
}

const char *pxc_codec_for_path(const char *path)
{
    if (!path) return NULL;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base) return "jpeg";
    if (dot[1] == '\0') return NULL;
    const pxc_codec_def *c = pxc_registry_find(dot);
    return c && in_list(c->extensions, dot) ? c->name : NULL;
}
