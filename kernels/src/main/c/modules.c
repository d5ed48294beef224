/* Kernel modules at boot: loaded by the aliases of the devices present (the table of modtab.c),
 * or all in the order of load-order. */
#define _GNU_SOURCE
#include "init.h"
#include "modtab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_PLAN 128

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
        if (modtab_words(line, w, 2) == 0 || w[0][0] == '#')
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
