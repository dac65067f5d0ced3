/*
 * Files, paths, error reports and JSON strings for the pixcodec tool.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

cli_progress *cli_active_progress = NULL;

void cli_report(const char *what, pxc_status status, const char *detail)
{
    if (cli_active_progress)
        cli_progress_clear(cli_active_progress);
    if (detail && *detail)
        fprintf(stderr, "%s: %s: %s: %s\n", CLI_NAME, what, pxc_strerror(status), detail);
    else
        fprintf(stderr, "%s: %s: %s\n", CLI_NAME, what, pxc_strerror(status));
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    if (cli_active_progress)
        cli_progress_clear(cli_active_progress);
    fprintf(stderr, "%s: ", CLI_NAME);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* ---- inputs ------------------------------------------------------------- */

static bool inputs_push(cli_inputs *in, const char *path)
{
    const struct stat *stp = NULL;
    struct stat st;
    char *copy;

    if (in->count == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 16;
        char **paths = realloc(in->paths, cap * sizeof(*paths));
        if (!paths)
            return false;
        in->paths = paths;
        dev_t *dev = realloc(in->dev, cap * sizeof(*dev));
        if (!dev)
            return false;
        in->dev = dev;
        ino_t *ino = realloc(in->ino, cap * sizeof(*ino));
        if (!ino)
            return false;
        in->ino = ino;
        bool *exists = realloc(in->exists, cap * sizeof(*exists));
        if (!exists)
            return false;
        in->exists = exists;
        in->cap = cap;
    }
    copy = strdup(path);
    if (!copy)
        return false;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        stp = &st;
    in->paths[in->count] = copy;
    in->dev[in->count] = stp ? stp->st_dev : 0;
    in->ino[in->count] = stp ? stp->st_ino : 0;
    in->exists[in->count] = stp != NULL;
    in->count++;
    return true;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

bool cli_inputs_add(cli_inputs *in, const char *operand)
{
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    bool ok = true;

    if (!cli_is_dir(operand))
        return inputs_push(in, operand);
    d = opendir(operand);
    if (!d)
        return inputs_push(in, operand);   /* reported when it is opened */
    while ((e = readdir(d)) != NULL) {
        char *full;
        struct stat st;
        size_t dl = strlen(operand);
        if (e->d_name[0] == '.')
            continue;
        full = malloc(dl + strlen(e->d_name) + 2);
        if (!full) {
            ok = false;
            break;
        }
        sprintf(full, "%s%s%s", operand, (dl && operand[dl - 1] == '/') ? "" : "/", e->d_name);
        if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(full);
            continue;
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nn = realloc(names, nc * sizeof(*nn));
            if (!nn) {
                free(full);
                ok = false;
                break;
            }
            names = nn;
            cap = nc;
        }
        names[n++] = full;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), compare_names);
    for (i = 0; i < n; i++) {
        if (ok && !inputs_push(in, names[i]))
            ok = false;
        free(names[i]);
    }
    free(names);
    return ok;
}

void cli_inputs_free(cli_inputs *in)
{
    size_t i;
    for (i = 0; i < in->count; i++)
        free(in->paths[i]);
    free(in->paths);
    free(in->dev);
    free(in->ino);
    free(in->exists);
    memset(in, 0, sizeof(*in));
}

/* ---- files and paths ----------------------------------------------------- */

bool cli_read_file(const char *path, void **data, size_t *size, char *detail, size_t detail_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    unsigned char *buf = NULL;
    size_t cap, len = 0;

    *data = NULL;
    *size = 0;
    if (fd < 0) {
        snprintf(detail, detail_size, "cannot open '%s': %s", path, strerror(errno));
        return false;
    }
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        snprintf(detail, detail_size, "cannot read '%s': %s", path,
                 S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
        close(fd);
        return false;
    }
    cap = (S_ISREG(st.st_mode) && st.st_size > 0) ? (size_t)st.st_size : 65536;
    for (;;) {
        ssize_t got;
        if (!buf || len == cap) {
            size_t nc = buf ? cap * 2 : cap;
            unsigned char *nb = realloc(buf, nc ? nc : 1);
            if (!nb) {
                snprintf(detail, detail_size, "cannot read '%s': out of memory", path);
                free(buf);
                close(fd);
                return false;
            }
            buf = nb;
            cap = nc;
        }
        got = read(fd, buf + len, cap - len);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            snprintf(detail, detail_size, "cannot read '%s': %s", path, strerror(errno));
            free(buf);
            close(fd);
            return false;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    *data = buf;
    *size = len;
    return true;
}

const char *cli_basename(const char *path)
{
    const char *end = path + strlen(path);
    const char *s;
    while (end > path + 1 && end[-1] == '/')
        end--;
    for (s = end; s > path && s[-1] != '/'; s--)
        ;
    return s;
}

const char *cli_extension(const char *path)
{
    const char *base = cli_basename(path);
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base || dot[1] == '\0' || strchr(dot, '/'))
        return NULL;
    return dot + 1;
}

char *cli_output_name(const char *dir, const char *input, const char *ext)
{
    const char *base = cli_basename(input);
    size_t stem = strlen(base);
    const char *dot = strrchr(base, '.');
    size_t dl = strlen(dir);
    char *out;

    while (stem > 1 && base[stem - 1] == '/')
        stem--;
    if (dot && dot != base && (size_t)(dot - base) < stem)
        stem = (size_t)(dot - base);
    out = malloc(dl + 1 + stem + strlen(ext) + 2);
    if (!out)
        return NULL;
    sprintf(out, "%s%s%.*s.%s", dir, (dl && dir[dl - 1] == '/') ? "" : "/", (int)stem, base, ext);
    return out;
}

bool cli_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool cli_mkdirs(const char *dir, char *detail, size_t detail_size)
{
    char *tmp = strdup(dir);
    char *p;

    if (!tmp) {
        snprintf(detail, detail_size, "out of memory");
        return false;
    }
    for (p = tmp + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
                snprintf(detail, detail_size, "cannot create directory '%s': %s", tmp,
                         strerror(errno));
                free(tmp);
                return false;
            }
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    free(tmp);
    if (!cli_is_dir(dir)) {
        snprintf(detail, detail_size, "'%s' exists and is not a directory", dir);
        return false;
    }
    return true;
}

/* ---- JSON ---------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s, 0 when it is not valid. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        return (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (s[0] == 0xE0 && s[1] < 0xA0)
            return 0;   /* overlong */
        if (s[0] == 0xED && s[1] >= 0xA0)
            return 0;   /* surrogates */
        return 3;
    }
    if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (s[0] == 0xF0 && s[1] < 0x90)
            return 0;
        if (s[0] == 0xF4 && s[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

void cli_json_string(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");

    fputc('"', f);
    while (*s) {
        size_t n;
        switch (*s) {
        case '"': fputs("\\\"", f); s++; continue;
        case '\\': fputs("\\\\", f); s++; continue;
        case '\b': fputs("\\b", f); s++; continue;
        case '\f': fputs("\\f", f); s++; continue;
        case '\n': fputs("\\n", f); s++; continue;
        case '\r': fputs("\\r", f); s++; continue;
        case '\t': fputs("\\t", f); s++; continue;
        default: break;
        }
        if (*s < 0x20 || *s == 0x7F) {
            fprintf(f, "\\u%04x", *s);
            s++;
            continue;
        }
        n = utf8_len(s);
        if (n == 0) {
            fputs("\\ufffd", f);
            s++;
            continue;
        }
        fwrite(s, 1, n, f);
        s += n;
    }
    fputc('"', f);
}

/* ---- misc ------------------------------------------------------------- */

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

const char *cli_sample_type_name(pxc_sample_type t)
{
    switch (t) {
    case PXC_SAMPLE_U8: return "u8";
    case PXC_SAMPLE_U16: return "u16";
    default: return "unknown";
    }
}
