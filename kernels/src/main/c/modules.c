/* Kernel modules: loaded by the aliases of the devices present (modules.alias and modules.dep,
 * made by the host from the modules' modinfo), or all in the order of load-order. */
#define _GNU_SOURCE
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MODULES_DIR "/lib/modules"
#define MAX_INDEX_BYTES (4 << 20)
#define MAX_PLAN 128

struct alias {
    const char *pattern, *module;
};
struct dep {
    const char *file;
    char name[64]; /* the module's name: the file's without .ko, '-' as '_' */
    const char **deps;
    int ndeps;
    int tried; /* boot: loaded, or failed and not tried again */
};
struct modtab {
    struct alias *aliases;
    int naliases;
    struct dep *deps;
    int ndeps;
    char *abuf, *dbuf;
};

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

static struct dep *dep_by_file(const struct modtab *t, const char *file)
{
    for (int i = 0; i < t->ndeps; i++)
        if (strcmp(t->deps[i].file, file) == 0)
            return &t->deps[i];
    return NULL;
}

/* Splits s into words at spaces and tabs (in place); returns how many, at most max. */
static int words(char *s, char **w, int max)
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
        if (words(l, w, 2) != 1 || !module_name(w[0], d.name, sizeof d.name)) {
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
        d.ndeps = words(rest, dw, cap);
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
        int n = words(l, w, 4);
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

/* ---- at boot ---- */

static struct modtab *g_tab;
/* Devices already matched (hashes of their modalias file's path and content): a later pass or
 * a poll while waiting reads them again but matches only new ones. */
static uint64_t *g_seen;
static size_t g_nseen, g_capseen;

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return (h ^ 0xff) * 0x100000001b3ull;
}

/* 1 when this device was matched before; else remembers it (when memory allows) and returns 0. */
static int seen_before(const char *path, const char *modalias)
{
    uint64_t h = fnv1a(fnv1a(0xcbf29ce484222325ull, path), modalias);
    for (size_t i = 0; i < g_nseen; i++)
        if (g_seen[i] == h)
            return 1;
    if (g_nseen == g_capseen) {
        size_t cap = g_capseen ? 2 * g_capseen : 256;
        uint64_t *grown = realloc(g_seen, cap * sizeof *grown);
        if (!grown)
            return 0;
        g_seen = grown;
        g_capseen = cap;
    }
    g_seen[g_nseen++] = h;
    return 0;
}

/* Loads one module file; 0, or -1 with errno set. A module already there (EEXIST) is fine. */
static int load_file(const char *file)
{
    char path[320];
    snprintf(path, sizeof path, MODULES_DIR "/%s", file);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = (int)syscall(SYS_finit_module, fd, "", 0);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc < 0 && errno != EEXIST ? -1 : 0;
}

/* Plans and loads the modules of one device's modalias; returns how many were loaded. */
static int load_for(const char *modalias)
{
    const char *plan[MAX_PLAN];
    int n = modtab_plan(g_tab, modalias, plan, 0, MAX_PLAN), loaded = 0;
    for (int i = 0; i < n; i++) {
        struct dep *d = dep_by_file(g_tab, plan[i]);
        if (d->tried)
            continue;
        d->tried = 1;
        long long started = now_ms();
        if (load_file(d->file) < 0) {
            say("jcap-init: load module %s (for %s): %s", d->file, modalias, strerror(errno));
            continue;
        }
        debug("module %s loaded in %lld ms (for %s)", d->file, now_ms() - started, modalias);
        loaded++;
    }
    return loaded;
}

/* Reads the modalias of every device of one folder once; returns the modules loaded. */
static int scan_folder(const char *folder)
{
    DIR *devices = opendir(folder);
    if (!devices)
        return 0;
    int loaded = 0;
    struct dirent *d;
    while ((d = readdir(devices))) {
        if (d->d_name[0] == '.')
            continue;
        char path[900], modalias[1024];
        snprintf(path, sizeof path, "%s/%s/modalias", folder, d->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, modalias, sizeof modalias - 1);
        close(fd);
        if (n <= 0)
            continue;
        modalias[n] = '\0';
        modalias[strcspn(modalias, "\n")] = '\0';
        if (!seen_before(path, modalias))
            loaded += load_for(modalias);
    }
    closedir(devices);
    return loaded;
}

/* Every device's modalias once: bus devices (/sys/bus/ * /devices/ *) and input devices, which are
 * class devices on no bus (the power button's, for evdev); returns the modules loaded. Other
 * classes are not read: each costs a failed open a device, and no module of ours needs them. */
static int scan(void)
{
    int loaded = scan_folder("/sys/class/input");
    DIR *buses = opendir("/sys/bus");
    if (!buses)
        return loaded;
    struct dirent *b;
    while ((b = readdir(buses))) {
        char folder[600];
        snprintf(folder, sizeof folder, "/sys/bus/%s/devices", b->d_name);
        if (b->d_name[0] != '.')
            loaded += scan_folder(folder);
    }
    closedir(buses);
    return loaded;
}

/* The old way, and jcap.modules=all: every file of load-order, in order. The store keeps every
 * cloud's drivers, so a driver whose device this machine lacks (ENODEV, ENXIO: hv_vmbus off
 * Hyper-V) is noted and skipped, and so is a module that needs one skipped before (the kernel
 * answers ENOENT for its unknown symbols: hv_storvsc after hv_vmbus). A listed file that is
 * missing, or any other failure, is fatal. */
static void load_in_order(void)
{
    FILE *f = fopen(MODULES_DIR "/load-order", "re");
    if (!f) {
        if (errno != ENOENT)
            fatal("open " MODULES_DIR "/load-order: %s", strerror(errno));
        debug("no " MODULES_DIR "/load-order: no modules to load");
        return;
    }
    char line[256];
    int count = 0;
    while (fgets(line, sizeof line, f)) {
        char *w[2];
        if (words(line, w, 2) == 0 || w[0][0] == '#')
            continue;
        w[0][strcspn(w[0], "\n")] = '\0';
        if (strchr(w[0], '/'))
            fatal("module name %s in " MODULES_DIR "/load-order has a slash; list file names only", w[0]);
        char path[320];
        snprintf(path, sizeof path, MODULES_DIR "/%s", w[0]);
        if (access(path, R_OK) != 0)
            fatal("load module %s: %s", path, strerror(errno));
        long long started = now_ms();
        if (load_file(w[0]) < 0) {
            if (errno == ENODEV || errno == ENXIO || errno == ENOENT) {
                debug("module %s: %s (not this machine's device)", w[0], strerror(errno));
                continue;
            }
            fatal("load module " MODULES_DIR "/%s: %s", w[0], strerror(errno));
        }
        debug("module %s loaded in %lld ms", w[0], now_ms() - started);
        count++;
    }
    fclose(f);
    debug("loaded %d modules", count);
}

void load_modules(int all)
{
    char err[ERR_LEN] = "";
    if (!all) {
        g_tab = modtab_load(MODULES_DIR, err);
        if (!g_tab && err[0])
            fatal("%s", err);
    }
    if (!g_tab) {
        load_in_order();
        return;
    }
    long long started = now_ms();
    int total = 0, n;
    while ((n = scan()) > 0)
        total += n;
    debug("loaded %d modules for the devices present in %lld ms", total, now_ms() - started);
}

void modules_poll(void)
{
    if (g_tab)
        scan();
}
