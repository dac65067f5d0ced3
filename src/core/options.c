/* Options strings: "[module]:key=value ..." validated against codec declarations. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PXC_OPT_TEXT_MAX 64

typedef struct pxc_option_entry {
    char module[PXC_OPT_TEXT_MAX]; /* "" = every codec */
    const pxc_codec_def *codec;    /* module's codec (NULL for "") */
    const pxc_codec_impl *impl;    /* module names an implementation */
    char key[PXC_OPT_TEXT_MAX];
    double value;
} pxc_option_entry;

struct pxc_options {
    size_t count;
    pxc_option_entry entries[];
};

static const pxc_option_def *find_def(const pxc_codec_def *c, const char *key, int use)
{
    for (const pxc_option_def *d = c->options; d && d->key; d++)
        if (strcmp(d->key, key) == 0 && (d->use & use)) return d;
    return NULL;
}

static bool parse_value(const pxc_option_def *d, const char *text, double *out)
{
    if (d->type == PXC_OPT_BOOL) {
        static const char *const t[] = {"1", "true", "yes", "on"}, *const f[] = {"0", "false", "no", "off"};
        for (int i = 0; i < 4; i++) {
            if (pxc_strcasecmp(text, t[i]) == 0) { *out = 1; return true; }
            if (pxc_strcasecmp(text, f[i]) == 0) { *out = 0; return true; }
        }
        return false;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v)) return false;
    if (d->type == PXC_OPT_INT && v != floor(v)) return false;
    if (v < d->min || v > d->max) return false;
    *out = v;
    return true;
}

/* Finds the codec (and implementation) a module name refers to. */
static bool resolve_module(const char *module, const pxc_codec_def **codec, const pxc_codec_impl **impl)
{
    *codec = NULL;
    *impl = NULL;
    if (!*module) return true;
    for (size_t i = 0; i < pxc_registry_count(); i++) {
        const pxc_codec_def *c = pxc_registry_get(i);
        for (size_t j = 0; j < c->num_impls; j++) {
            if (pxc_strcasecmp(c->impls[j]->name, module) == 0) {
                *codec = c;
                *impl = c->impls[j];
                return true;
            }
        }
    }
    *codec = pxc_registry_find(module);
    return *codec != NULL;
}

pxc_status pxc_options_parse(const char *text, int use, pxc_options **out, pxc_err *err)
{
    *out = NULL;
    size_t max_entries = 0;
    for (const char *p = text; p && *p; p++)
        if (*p == '=') max_entries++;
    pxc_options *o = calloc(1, sizeof(*o) + max_entries * sizeof(pxc_option_entry));
    if (!o) return pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "out of memory parsing options");
    const char *p = text ? text : "";
    while (*p) {
        while (isspace((unsigned char)*p)) p++;
        if (!*p) break;
        const char *tok = p;
        while (*p && !isspace((unsigned char)*p)) p++;
        size_t len = (size_t)(p - tok);
        char buf[3 * PXC_OPT_TEXT_MAX];
        if (len >= sizeof(buf)) {
            pxc_options_free(o);
            return pxc_err_set(err, PXC_ERROR_INVALID_OPTION, "option '%.40s...' is too long", tok);
        }
        memcpy(buf, tok, len);
        buf[len] = '\0';
        char *colon = strchr(buf, ':');
        char *eq = strchr(buf, '=');
        if (!colon || !eq || eq < colon) {
            pxc_options_free(o);
            return pxc_err_set(err, PXC_ERROR_INVALID_OPTION,
                               "option '%s' is not of the form [module]:key=value", buf);
        }
        *colon = '\0';
        *eq = '\0';
        const char *module = buf, *key = colon + 1, *value = eq + 1;
        if (strlen(module) >= PXC_OPT_TEXT_MAX || strlen(key) >= PXC_OPT_TEXT_MAX || !*key) {
            pxc_options_free(o);
            return pxc_err_set(err, PXC_ERROR_INVALID_OPTION, "option '%s:%s' has a bad module or key",
                               module, key);
        }
        pxc_option_entry *ent = &o->entries[o->count];
        if (!resolve_module(module, &ent->codec, &ent->impl)) {
            pxc_options_free(o);
            return pxc_err_set(err, PXC_ERROR_INVALID_OPTION,
                               "unknown module '%s' in option '%s:%s=%s' (use a codec name such as "
                               "'jpeg', an implementation name, or nothing before the colon)",
                               module, module, key, value);
        }
        /* The key must exist for the module (or for some codec when no module is given).
         * Options of the other direction are accepted and have no effect, so one options
         * string can serve a decoder and an encoder (the seed API gives encoders the
         * decoder's default ":fancy_upsampling=0"). */
        const int any_use = PXC_OPT_DECODE | PXC_OPT_ENCODE;
        const pxc_option_def *def = NULL;
        for (size_t i = 0; i < pxc_registry_count() && !def; i++) {
            const pxc_codec_def *c = pxc_registry_get(i);
            if (!ent->codec || ent->codec == c) def = find_def(c, key, any_use);
        }
        if (!def) {
            pxc_options_free(o);
            return pxc_err_set(err, PXC_ERROR_INVALID_OPTION, "unknown option '%s'%s%s (creating %s)", key,
                               *module ? " for module " : "", module,
                               use == PXC_OPT_DECODE ? "a decoder" : "an encoder");
        }
        /* validate the value against every codec that declares the key */
        for (size_t i = 0; i < pxc_registry_count(); i++) {
            const pxc_codec_def *c = pxc_registry_get(i);
            const pxc_option_def *d = (!ent->codec || ent->codec == c) ? find_def(c, key, any_use) : NULL;
            if (d && !parse_value(d, value, &ent->value)) {
                pxc_options_free(o);
                if (d->type == PXC_OPT_BOOL)
                    return pxc_err_set(err, PXC_ERROR_INVALID_OPTION,
                                       "option '%s' expects 0 or 1, got '%s'", key, value);
                return pxc_err_set(err, PXC_ERROR_INVALID_OPTION,
                                   "option '%s' expects %s in [%g, %g], got '%s'", key,
                                   d->type == PXC_OPT_INT ? "an integer" : "a number", d->min, d->max, value);
            }
        }
        pxc_strlcpy(ent->module, module, sizeof(ent->module));
        pxc_strlcpy(ent->key, key, sizeof(ent->key));
        o->count++;
    }
    *out = o;
    return PXC_OK;
}

void pxc_options_free(pxc_options *opts)
{
    free(opts);
}

double pxc_options_get(const pxc_options *opts, const char *codec_name, const char *impl_name,
                       const char *key)
{
    const pxc_codec_def *c = pxc_registry_find(codec_name);
    const pxc_option_def *d = NULL;
    if (c) d = find_def(c, key, PXC_OPT_DECODE | PXC_OPT_ENCODE);
    double value = d ? d->def : 0;
    int best = -1; /* 0 = any module, 1 = codec, 2 = implementation; later entries win ties */
    for (size_t i = 0; opts && i < opts->count; i++) {
        const pxc_option_entry *e = &opts->entries[i];
        if (strcmp(e->key, key) != 0) continue;
        int rank;
        if (e->impl) {
            if (!impl_name || pxc_strcasecmp(e->impl->name, impl_name) != 0) continue;
            rank = 2;
        } else if (e->codec) {
            if (e->codec != c) continue;
            rank = 1;
        } else {
            rank = 0;
        }
        if (rank >= best) {
            best = rank;
            value = e->value;
        }
    }
    return value;
}
