/* Which network interface run mode configures: the first (by name) whose link comes up. */
#define _GNU_SOURCE
#include "init.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_NICS 8

/* The modalias of network cards of every kind jcap's kernels drive: PCI class 02 (network), virtio
 * device 1, Hyper-V's network channel, Xen's virtual interface. */
static const char *const CARDS[] = { "pci:*bc02sc*", "virtio:d00000001v*",
                                     "vmbus:635161f83edfc546913ff2d2f965ed0e", "xen:vif" };

static int read_small(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

int network_card_present(char *modalias, size_t len)
{
    DIR *buses = opendir("/sys/bus");
    if (!buses)
        return 0;
    int found = 0;
    struct dirent *b;
    while (!found && (b = readdir(buses))) {
        char path[600];
        snprintf(path, sizeof path, "/sys/bus/%s/devices", b->d_name);
        DIR *devices = b->d_name[0] == '.' ? NULL : opendir(path);
        struct dirent *d;
        while (devices && !found && (d = readdir(devices))) {
            snprintf(path, sizeof path, "/sys/bus/%s/devices/%s/modalias", b->d_name, d->d_name);
            if (d->d_name[0] == '.' || read_small(path, modalias, len) < 0)
                continue;
            for (size_t i = 0; i < sizeof CARDS / sizeof CARDS[0] && !found; i++)
                found = fnmatch(CARDS[i], modalias, 0) == 0;
        }
        if (devices)
            closedir(devices);
    }
    closedir(buses);
    return found;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* The interfaces besides lo, sorted by name. */
static int interfaces(char names[][IFNAME_LEN], int max)
{
    DIR *d = opendir("/sys/class/net");
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while (n < max && (e = readdir(d)))
        if (e->d_name[0] != '.' && strcmp(e->d_name, "lo") != 0 && strlen(e->d_name) < IFNAME_LEN)
            memcpy(names[n++], e->d_name, strlen(e->d_name) + 1);
    closedir(d);
    qsort(names, (size_t)n, IFNAME_LEN, by_name);
    return n;
}

int nic_choose(char *ifname, int wait_ms)
{
    char modalias[256];
    long long start = now_ms(), end = start + wait_ms;
    char names[MAX_NICS][IFNAME_LEN];
    int n = interfaces(names, MAX_NICS);
    /* A card's interface appears when its driver binds; wait for one only when a card is there. */
    while (n == 0 && now_ms() < end && network_card_present(modalias, sizeof modalias)) {
        sleep_ms(20);
        modules_poll();
        n = interfaces(names, MAX_NICS);
    }
    if (n == 0) {
        if (network_card_present(modalias, sizeof modalias))
            say("jcap-init: no driver of this kernel took the network card %s; continuing without network",
                modalias);
        return -1;
    }
    char err[ERR_LEN];
    for (int i = 0; i < n; i++)
        if (if_up(names[i], err) < 0)
            debug("%s", err);
    do {
        for (int i = 0; i < n; i++) {
            char path[64], carrier[8];
            snprintf(path, sizeof path, "/sys/class/net/%s/carrier", names[i]);
            if (read_small(path, carrier, sizeof carrier) == 0 && strcmp(carrier, "1") == 0) {
                memcpy(ifname, names[i], IFNAME_LEN);
                debug("%s has a link after %lld ms", ifname, now_ms() - start);
                return 0;
            }
        }
        sleep_ms(10);
    } while (now_ms() < end);
    memcpy(ifname, names[0], IFNAME_LEN);
    debug("no interface has a link within %d ms: trying %s", wait_ms, ifname);
    return 0;
}
