/* The root device by its file system: UUID=<uuid> or LABEL=<label>, read from the ext2/3/4
 * superblock of every block device (no blkid in the guest). */
#define _GNU_SOURCE
#include "init.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
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

int find_root(const char *spec, char *dev, size_t devlen)
{
    DIR *d = opendir("/sys/class/block");
    if (!d)
        return 0;
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d))) {
        if (e->d_name[0] == '.' || strlen(e->d_name) > 32)
            continue;
        char path[64];
        snprintf(path, sizeof path, "/dev/%.32s", e->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
            continue;
        unsigned char sb[SB_LABEL + 16];
        found = pread(fd, sb, sizeof sb, SB_OFFSET) == (ssize_t)sizeof sb &&
                ext_superblock_matches(sb, sizeof sb, spec);
        close(fd);
        if (found)
            snprintf(dev, devlen, "%s", path);
    }
    closedir(d);
    return found;
}
