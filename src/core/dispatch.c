/*
 * Backend selection shared by decoders and encoders: the allowed backend
 * list, splitting a batch by load hints, and the per-sample chain of
 * implementations with fallback.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *pxc_backend_kind_name(pxc_backend_kind kind)
{
    switch (kind) {
    case PXC_BACKEND_CPU_ONLY: return "cpu_only";
    case PXC_BACKEND_GPU_ONLY: return "gpu_only";
    case PXC_BACKEND_HYBRID_CPU_GPU: return "hybrid_cpu_gpu";
    case PXC_BACKEND_HW_GPU_ONLY: return "hw_gpu_only";
    }
    return NULL;
}

const char *pxc_impl_unavailable_reason(const pxc_codec_impl *impl)
{
    return impl->unavailable_reason ? impl->unavailable_reason() : NULL;
}

pxc_status pxc_backend_set_init(pxc_backend_set *set, const pxc_backend *list, size_t n, pxc_err *e)
{
    memset(set, 0, sizeof(*set));
    if (n == 0) {
        set->all = true;
        for (int k = 0; k < PXC_BACKEND_KIND_COUNT; k++)
            set->list[set->count++] = (pxc_backend){(pxc_backend_kind)k, 1.0f};
        return PXC_OK;
    }
    if (!list) return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "backends is NULL with num_backends %zu", n);
    if (n > PXC_BACKEND_KIND_COUNT)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "%zu backends given; each kind may appear once", n);
    for (size_t i = 0; i < n; i++) {
        if (!pxc_backend_kind_name(list[i].kind))
            return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "backend %zu has an invalid kind %d", i,
                               (int)list[i].kind);
        if (!(list[i].load_hint >= 0.0f && list[i].load_hint <= 1.0f))
            return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT,
                               "backend %zu (%s) has load_hint %g; it must be within [0, 1]", i,
                               pxc_backend_kind_name(list[i].kind), (double)list[i].load_hint);
        for (size_t j = 0; j < i; j++)
            if (list[j].kind == list[i].kind)
                return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "backend kind %s is listed twice",
                                   pxc_backend_kind_name(list[i].kind));
        set->list[set->count++] = list[i];
    }
    return PXC_OK;
}

static bool kind_allowed(const pxc_backend_set *set, pxc_backend_kind k)
{
    for (size_t i = 0; i < set->count; i++)
        if (set->list[i].kind == k) return true;
    return false;
}

pxc_status pxc_backend_set_check_available(const pxc_backend_set *set, bool encode, pxc_err *e)
{
    char why[PXC_DETAIL_MAX] = "";
    size_t used = 0;
    for (size_t b = 0; b < set->count; b++) {
        pxc_backend_kind k = set->list[b].kind;
        const char *reason = NULL;
        for (size_t i = 0; i < pxc_registry_count(); i++) {
            const pxc_codec_def *c = pxc_registry_get(i);
            for (size_t j = 0; j < c->num_impls; j++) {
                const pxc_codec_impl *impl = c->impls[j];
                if (impl->kind != k || !(encode ? impl->encode != NULL : impl->decode != NULL)) continue;
                const char *r = pxc_impl_unavailable_reason(impl);
                if (!r) return PXC_OK;
                reason = r;
            }
        }
        if (!reason) reason = "this build of pixcodec has no implementation of this kind";
        int w = snprintf(why + used, sizeof(why) - used, "%s%s: %s", used ? "; " : "",
                         pxc_backend_kind_name(k), reason);
        if (w > 0) used = used + (size_t)w >= sizeof(why) ? sizeof(why) - 1 : used + (size_t)w;
    }
    return pxc_err_set(e, PXC_ERROR_BACKEND_UNAVAILABLE, "no allowed backend can %s here (%s)",
                       encode ? "encode" : "decode", why);
}

void pxc_backend_set_split(const pxc_backend_set *set, size_t count, uint8_t *assignment)
{
    size_t next = 0;
    for (size_t b = 0; b < set->count && next < count; b++) {
        size_t remaining = count - next;
        size_t take = (b + 1 == set->count || set->all)
                          ? remaining
                          : (size_t)lround((double)set->list[b].load_hint * (double)remaining);
        if (take > remaining) take = remaining;
        for (size_t i = 0; i < take; i++) assignment[next++] = (uint8_t)b;
    }
    while (next < count) assignment[next++] = (uint8_t)(set->count - 1);
}

size_t pxc_backend_set_chain(const pxc_backend_set *set, size_t first, const pxc_codec_def *codec,
                             const pxc_codec_impl **out, size_t max)
{
    size_t n = 0;
    if (set->all) {
        for (size_t j = 0; j < codec->num_impls && n < max; j++) out[n++] = codec->impls[j];
        return n;
    }
    for (size_t step = 0; step < set->count; step++) {
        /* the sample's own backend first, then the others in the caller's order */
        size_t b = step == 0 ? first : (step <= first ? step - 1 : step);
        pxc_backend_kind k = set->list[b].kind;
        for (size_t j = 0; j < codec->num_impls && n < max; j++)
            if (codec->impls[j]->kind == k && kind_allowed(set, k)) out[n++] = codec->impls[j];
    }
    return n;
}

bool pxc_status_allows_fallback(pxc_status s)
{
    switch (s) {
    case PXC_ERROR_UNSUPPORTED_FEATURE:
    case PXC_ERROR_BACKEND_UNAVAILABLE:
    case PXC_ERROR_OUT_OF_MEMORY:
    case PXC_ERROR_INTERNAL:
        return true;
    default:
        return false;
    }
}

pxc_status pxc_struct_copy(void *dst, size_t dst_size, const void *src, const char *what, pxc_err *e)
{
    if (!src) return PXC_OK;
    size_t n = *(const size_t *)src;
    if (n < sizeof(size_t) || n > dst_size)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "%s have a bad struct_size %zu (at most %zu)", what, n,
                           dst_size);
    memcpy(dst, src, n);
    *(size_t *)dst = dst_size;
    return PXC_OK;
}

pxc_status pxc_coder_init(pxc_coder *c, pxc_context *ctx, int device_id, const pxc_backend *backends, size_t n,
                          const char *options, bool encode, pxc_err *e)
{
    memset(c, 0, sizeof(*c));
    if (device_id < -1)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "device_id %d is invalid (-1 = current device)", device_id);
    c->ctx = ctx;
    c->device_id = device_id;
    if (pxc_backend_set_init(&c->backends, backends, n, e) != PXC_OK ||
        pxc_backend_set_check_available(&c->backends, encode, e) != PXC_OK ||
        pxc_options_parse(options, encode ? PXC_OPT_ENCODE : PXC_OPT_DECODE, &c->opts, e) != PXC_OK)
        return e->status;
    pxc_last_error_init(&c->last_error);
    return PXC_OK;
}

void pxc_coder_cleanup(pxc_coder *c)
{
    pxc_options_free(c->opts);
    pxc_last_error_destroy(&c->last_error);
}

void pxc_batch_fail_all(pxc_sample_status *statuses, size_t count, const pxc_err *e)
{
    for (size_t i = 0; i < count; i++) {
        statuses[i].status = e->status;
        pxc_strlcpy(statuses[i].detail, e->msg, sizeof(statuses[i].detail));
    }
}
