/* The root device by its file system: UUID=<uuid> or LABEL=<label>, read from the ext2/3/4
 * superblock of every block device (no blkid in the guest); and its disk's read-ahead. */
#define _GNU_SOURCE
#include "init.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SB_OFFSET 1024
#define SB_MAGIC 0x38  /* le16 0xEF53 */
#define SB_UUID 0x68   /* 16 bytes */
#define SB_LABEL 0x78  /* 16 bytes, NUL-padded */

int ext_superblock_matches(const unsigned char *sb, size_t len, const char *spec)
{
    if (len < SB_LABEL + 16 || sb[SB_MAGIC] != 0x53 || sb[SB_MAGIC + 1] != 0xEF)
        return 0;
    if (strncmp(spec, "UUID=", 5) == 0) {
        const char *u = spec + 5;
        if (!is_uuid(u))
            return 0;
        char text[37];
        snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                 sb[SB_UUID], sb[SB_UUID + 1], sb[SB_UUID + 2], sb[SB_UUID + 3], sb[SB_UUID + 4],
                 sb[SB_UUID + 5], sb[SB_UUID + 6], sb[SB_UUID + 7], sb[SB_UUID + 8], sb[SB_UUID + 9],
                 sb[SB_UUID + 10], sb[SB_UUID + 11], sb[SB_UUID + 12], sb[SB_UUID + 13], sb[SB_UUID + 14],
                 sb[SB_UUID + 15]);
        for (int i = 0; i < 36; i++)
            if (tolower((unsigned char)u[i]) != text[i])
                return 0;
        return 1;
    }
    if (strncmp(spec, "LABEL=", 6) == 0) {
        const char *l = spec + 6;
        size_t n = strlen(l);
        if (n == 0 || n > 16 || memcmp(sb + SB_LABEL, l, n) != 0)
            return 0;
        return n == 16 || sb[SB_LABEL + n] == '\0';
    }
    return 0;
}

int find_block_device(int (*matches)(const char *name, const void *arg), const void *arg, char *dev, size_t devlen)
{
    DIR *d = opendir("/sys/class/block");
    if (!d)
        return 0;
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d))) {
        if (e->d_name[0] == '.' || strlen(e->d_name) > 32)
            continue;
        found = matches(e->d_name, arg);
        if (found)
            snprintf(dev, devlen, "/dev/%.32s", e->d_name);
    }
    closedir(d);
    return found;
}

/* Whether block device `name` holds the ext2/3/4 file system `spec` names. */
static int holds_root(const char *name, const void *spec)
{
    char path[64];
    snprintf(path, sizeof path, "/dev/%.32s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return 0;
    unsigned char sb[SB_LABEL + 16];
    int found = pread(fd, sb, sizeof sb, SB_OFFSET) == (ssize_t)sizeof sb &&
                ext_superblock_matches(sb, sizeof sb, spec);
    close(fd);
    return found;
}

int find_root(const char *spec, char *dev, size_t devlen)
{
    return find_block_device(holds_root, spec, dev, devlen);
}

/*
 * The root disk reads ahead READ_AHEAD_KB at a time instead of the kernel's 128 KiB: a program
 * starts by faulting in its libraries and data files, each fault a disk request, and fewer,
 * larger ones pay (hello-java's first line 0.08 s sooner under emulation, docs/benchmarks.md).
 * A partition reads through its disk's queue (/sys/class/block/vda2/../queue). Best effort: a
 * root without such a queue (a device-mapper target) keeps the kernel's setting.
 */
#define READ_AHEAD_KB 2048

void root_read_ahead(const char *dev)
{
    const char *name = strrchr(dev, '/');
    name = name ? name + 1 : dev;
    char path[128];
    snprintf(path, sizeof path, "/sys/class/block/%s/partition", name);
    int partition = access(path, F_OK) == 0;
    snprintf(path, sizeof path, "/sys/class/block/%s/%squeue/read_ahead_kb", name, partition ? "../" : "");
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        debug("read-ahead of %s: %s: %s", dev, path, strerror(errno));
        return;
    }
    char now[24] = "";
    ssize_t n = read(fd, now, sizeof now - 1);
    long kb = n > 0 ? strtol(now, NULL, 10) : 0;
    if (kb < READ_AHEAD_KB) {
        char want[24];
        int len = snprintf(want, sizeof want, "%d", READ_AHEAD_KB);
        if (pwrite(fd, want, (size_t)len, 0) != len)
            debug("read-ahead of %s: write %s: %s", dev, path, strerror(errno));
        else
            debug("read-ahead of %s: %ld KiB -> %d KiB", dev, kb, READ_AHEAD_KB);
    }
    close(fd);
}
