/* The memory-stall watch: an application whose pages no longer fit in the guest's
 * memory does not always meet the kernel's out-of-memory killer. Without swap, the
 * kernel evicts the pages it can read again (the program's own code, its mapped
 * files) and the program faults them back in, for ever: the guest spins at full CPU
 * and the application makes almost no progress, silently. The kernel's pressure stall
 * information (PSI, /proc/pressure/memory) counts the time every runnable task waited
 * on memory ("full"). Measured under TCG (docs/reliability.md): hello-java at 84M on
 * Debian's kernel, which never ends, stalls 33-35% of the time, steadily; the same at
 * 96M peaks at 7% while the JVM starts. When the stall is at least STALL_PERCENT of
 * every SAMPLE_MS for STALL_MS, the init says so on the console, once. It warns and
 * does not kill: a program that is slow for want of memory still works, and a kill
 * would be the worse mistake. A kernel without PSI (linux-mini) is not watched. */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SAMPLE_MS 5000
#define STALL_PERCENT 20
#define STALL_MS 20000

int psi_full_total(const char *text, unsigned long long *total)
{
    const char *line = text;
    while (line && *line) {
        if (strncmp(line, "full ", 5) == 0) {
            const char *t = strstr(line, " total=");
            const char *end = strchr(line, '\n');
            if (!t || (end && t > end))
                return -1;
            char *after;
            errno = 0;
            unsigned long long v = strtoull(t + 7, &after, 10);
            if (errno || after == t + 7 || (*after && *after != '\n'))
                return -1;
            *total = v;
            return 0;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return -1;
}

static int read_full_total(int fd, unsigned long long *total)
{
    char buf[256];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    return psi_full_total(buf, total);
}

void memwatch_open(struct memwatch *w)
{
    *w = (struct memwatch){ .fd = -1 };
    int fd = open("/proc/pressure/memory", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    unsigned long long total;
    if (read_full_total(fd, &total) < 0) {
        close(fd);
        return;
    }
    w->fd = fd;
    w->last_total = total;
    w->last_ms = now_ms();
    debug("memory-stall watch: on (PSI)");
}

int memwatch_timeout(const struct memwatch *w)
{
    if (w->fd < 0)
        return -1;
    long long left = w->last_ms + SAMPLE_MS - now_ms();
    return left < 0 ? 0 : (int)left;
}

void memwatch_sample(struct memwatch *w)
{
    if (w->fd < 0)
        return;
    long long now = now_ms();
    if (now < w->last_ms + SAMPLE_MS)
        return;
    unsigned long long total;
    if (read_full_total(w->fd, &total) < 0) {
        close(w->fd);
        w->fd = -1;
        return;
    }
    /* total is in microseconds, the interval in milliseconds. */
    unsigned long long stalled_us = total - w->last_total;
    unsigned long long interval_us = (unsigned long long)(now - w->last_ms) * 1000;
    if (stalled_us * 100 >= interval_us * STALL_PERCENT) {
        if (!w->stalled_since_ms)
            w->stalled_since_ms = w->last_ms;
        w->stalled_us += stalled_us;
    } else {
        w->stalled_since_ms = 0;
        w->stalled_us = 0;
    }
    w->last_total = total;
    w->last_ms = now;
    if (w->stalled_since_ms && now - w->stalled_since_ms >= STALL_MS) {
        long long span = now - w->stalled_since_ms;
        say("jcap-init: warning: the application has waited on memory %llu%% of the last %lld s: the guest's"
            " memory is too small for it (without swap, its pages are read back from the disk again and again,"
            " and it may never finish); give the VM more memory",
            w->stalled_us / 10 / (unsigned long long)span, span / 1000);
        close(w->fd);
        w->fd = -1;
    }
}
