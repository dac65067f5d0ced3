/*
 * Options strings: "[module]:key=value ..." validated against the keys the
 * codecs declare. module is empty (every codec that knows the key), a codec
 * name, an alias, or an implementation name ("jpeg.turbo").
 */
#ifndef PXC_CORE_OPTIONS_H
#define PXC_CORE_OPTIONS_H

#include <stdbool.h>
#include "util.h"

typedef enum pxc_option_type {
    PXC_OPT_INT = 0,
    PXC_OPT_BOOL = 1,   /* 0/1, true/false, yes/no, on/off */
    PXC_OPT_FLOAT = 2
} pxc_option_type;

typedef enum pxc_option_use {
    PXC_OPT_DECODE = 1,
    PXC_OPT_ENCODE = 2
} pxc_option_use;

typedef struct pxc_option_def {
    const char *key;          /* NULL ends a list */
    pxc_option_type type;
    int use;                  /* PXC_OPT_DECODE | PXC_OPT_ENCODE */
    double min, max;          /* accepted range */
    double def;               /* default */
    const char *help;
} pxc_option_def;

typedef struct pxc_options pxc_options;

/**
 * Parses and validates @p text for decoders (use = PXC_OPT_DECODE) or
 * encoders. NULL/"" gives an empty set. Errors name the bad module, key or value.
 */
pxc_status pxc_options_parse(const char *text, int use, pxc_options **out, pxc_err *err);
void pxc_options_free(pxc_options *opts);

/**
 * Value of @p key for codec @p codec_name and implementation @p impl_name
 * (most specific wins: implementation, then codec or alias, then empty
 * module), or the key's declared default. Keys must be declared by the codec.
 */
double pxc_options_get(const pxc_options *opts, const char *codec_name, const char *impl_name,
                       const char *key);

static inline int pxc_options_get_int(const pxc_options *opts, const char *codec, const char *impl,
                                      const char *key)
{
    return (int)pxc_options_get(opts, codec, impl, key);
}

#endif /* PXC_CORE_OPTIONS_H */
