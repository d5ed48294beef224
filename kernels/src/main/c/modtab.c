/* The module table: modules.alias and modules.dep (made by the host from the modules' modinfo)
 * parsed, and the files a device's modalias needs planned, dependencies first. */
#define _GNU_SOURCE
#include "init.h"
#include "modtab.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_INDEX_BYTES (4 << 20)

struct modtab *modtab_new(void)
{
    return calloc(1, sizeof(struct modtab));
}

void modtab_free(struct modtab *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->ndeps; i++)
        free(t->deps[i].deps);
    free(t->aliases);
    free(t->deps);
    free(t->abuf);
    free(t->dbuf);
    free(t);
}

/* The module name of a file name; 0 when it is not NAME.ko of a sane length. */
static int module_name(const char *file, char *name, size_t cap)
{
    size_t len = strlen(file);
    if (len < 4 || len - 3 >= cap || strcmp(file + len - 3, ".ko") != 0 || strchr(file, '/'))
        return 0;
    for (size_t i = 0; i < len - 3; i++)
        name[i] = file[i] == '-' ? '_' : file[i];
    name[len - 3] = '\0';
    return 1;
}

static struct dep *dep_by_name(const struct modtab *t, const char *module)
{
    char name[64];
    size_t len = strlen(module);
    if (len >= sizeof name)
        return NULL;
    for (size_t i = 0; i <= len; i++)
        name[i] = module[i] == '-' ? '_' : module[i];
    for (int i = 0; i < t->ndeps; i++)
        if (strcmp(t->deps[i].name, name) == 0)
            return &t->deps[i];
    return NULL;
}

struct dep *dep_by_file(const struct modtab *t, const char *file)
{
    for (int i = 0; i < t->ndeps; i++)
        if (strcmp(t->deps[i].file, file) == 0)
            return &t->deps[i];
    return NULL;
}

/* Splits s into words at spaces and tabs (in place); returns how many, at most max. */
int modtab_words(char *s, char **w, int max)
{
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(s, " \t\r", &save); tok && n < max; tok = strtok_r(NULL, " \t\r", &save))
        w[n++] = tok;
    return n;
}

int modtab_parse(struct modtab *t, char *aliases, char *deps, char *err)
{
    int line = 0;
    char *save = NULL;
    for (char *l = strtok_r(deps, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        l += strspn(l, " \t\r");
        if (l[0] == '#' || l[0] == '\0')
            continue;
        char *colon = strchr(l, ':');
        char *w[2];
        if (!colon) {
            set_err(err, "modules.dep line %d: no ':' after the module file", line);
            return -1;
        }
        *colon = '\0';
        struct dep d = { 0 };
        if (modtab_words(l, w, 2) != 1 || !module_name(w[0], d.name, sizeof d.name)) {
            set_err(err, "modules.dep line %d: expected one NAME.ko before ':'", line);
            return -1;
        }
        d.file = w[0];
        char *rest = colon + 1;
        int cap = 1;
        for (char *p = rest; *p; p++)
            cap += *p == ' ' || *p == '\t';
        d.deps = calloc((size_t)cap, sizeof *d.deps);
        struct dep *grown = d.deps ? realloc(t->deps, (size_t)(t->ndeps + 1) * sizeof *t->deps) : NULL;
        if (!grown) {
            free(d.deps);
            set_err(err, "modules.dep: out of memory");
            return -1;
        }
        t->deps = grown;
        char **dw = (char **)d.deps;
        d.ndeps = modtab_words(rest, dw, cap);
        char name[64];
        for (int i = 0; i < d.ndeps; i++) {
            if (!module_name(d.deps[i], name, sizeof name)) {
                set_err(err, "modules.dep line %d: dependency \"%.64s\" is not a NAME.ko", line, d.deps[i]);
                free(d.deps);
                return -1;
            }
        }
        t->deps[t->ndeps++] = d;
    }
    for (int i = 0; i < t->ndeps; i++)
        for (int j = 0; j < t->deps[i].ndeps; j++)
            if (!dep_by_file(t, t->deps[i].deps[j])) {
                set_err(err, "modules.dep: %s depends on %.64s, which has no line of its own", t->deps[i].file,
                        t->deps[i].deps[j]);
                return -1;
            }
    line = 0;
    save = NULL;
    for (char *l = strtok_r(aliases, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        char *w[4];
        int n = modtab_words(l, w, 4);
        if (n == 0 || w[0][0] == '#')
            continue;
        if (n != 3 || strcmp(w[0], "alias") != 0) {
            set_err(err, "modules.alias line %d: expected \"alias PATTERN MODULE\"", line);
            return -1;
        }
        struct alias *grown = realloc(t->aliases, (size_t)(t->naliases + 1) * sizeof *t->aliases);
        if (!grown) {
            set_err(err, "modules.alias: out of memory");
            return -1;
        }
        t->aliases = grown;
        t->aliases[t->naliases++] = (struct alias){ w[1], w[2] };
    }
    return 0;
}

static char *slurp(const char *path, char *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_err(err, "open %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(MAX_INDEX_BYTES + 1);
    size_t len = 0;
    ssize_t n = 0;
    while (buf && len < MAX_INDEX_BYTES && (n = read(fd, buf + len, MAX_INDEX_BYTES - len)) > 0)
        len += (size_t)n;
    close(fd);
    if (!buf || n < 0 || len == MAX_INDEX_BYTES) {
        set_err(err, "read %s: %s", path, !buf ? "out of memory" : n < 0 ? strerror(errno) : "larger than 4 MiB");
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

struct modtab *modtab_load(const char *dir, char *err)
{
    char apath[256], dpath[256];
    snprintf(apath, sizeof apath, "%s/modules.alias", dir);
    snprintf(dpath, sizeof dpath, "%s/modules.dep", dir);
    if (access(apath, F_OK) < 0)
        return NULL;
    struct modtab *t = modtab_new();
    if (!t || !(t->abuf = slurp(apath, err)) || !(t->dbuf = slurp(dpath, err)) ||
        modtab_parse(t, t->abuf, t->dbuf, err) < 0) {
        if (!t)
            set_err(err, "out of memory");
        modtab_free(t);
        return NULL;
    }
    return t;
}

static int add_file(const char **out, int n, int max, const char *file)
{
    for (int i = 0; i < n; i++)
        if (strcmp(out[i], file) == 0)
            return n;
    if (n < max)
        out[n++] = file;
    return n;
}

/* Whether pattern's literal beginning (up to its first wildcard) can begin text: a cheap test
 * before fnmatch, which most patterns fail at their first characters. */
static int prefix_fits(const char *pattern, const char *text)
{
    for (; *pattern && *pattern != '*' && *pattern != '?' && *pattern != '[' && *pattern != '\\'; pattern++, text++)
        if (*pattern != *text)
            return 0;
    return 1;
}

int modtab_plan(const struct modtab *t, const char *modalias, const char **out, int n, int max)
{
    for (int i = 0; i < t->naliases; i++) {
        if (!prefix_fits(t->aliases[i].pattern, modalias) || fnmatch(t->aliases[i].pattern, modalias, 0) != 0)
            continue;
        const struct dep *d = dep_by_name(t, t->aliases[i].module);
        if (!d)
            continue;
        for (int j = 0; j < d->ndeps; j++)
            n = add_file(out, n, max, d->deps[j]);
        n = add_file(out, n, max, d->file);
    }
    return n;
}

