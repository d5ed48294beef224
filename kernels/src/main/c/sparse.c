/* A regular file sent with holes (docs/guest-protocol.md, "Files with holes"): the entry's
 * c_check is 1 and its data is the file's length, then its data segments, each an offset and a
 * length and that many bytes, all numbers 8 bytes big-endian. What no segment covers is a hole:
 * the receiver seeks over it, and the file system allocates nothing there. */
#define _GNU_SOURCE
#include "receive.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static uint64_t be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static int rx_sparse(struct rx *r, int fd, const struct entry *e, char *err)
{
    const char *name = shown(e->name);
    uint64_t left = e->size;
    unsigned char b[16];
    if (left < 8) {
        set_err(err, "refused file \"%s\": its hole map holds %u bytes, fewer than its length's 8",
                name, e->size);
        return -1;
    }
    if (rx_read(r, b, 8, err) < 0)
        return -1;
    left -= 8;
    uint64_t length = be64(b), end = 0;
    if (length > (uint64_t)INT64_MAX) {
        set_err(err, "refused file \"%s\": a length of %llu bytes", name, (unsigned long long)length);
        return -1;
    }
    while (left > 0) {
        if (left < 16) {
            set_err(err, "refused file \"%s\": its hole map ends inside a segment's offset and length", name);
            return -1;
        }
        if (rx_read(r, b, 16, err) < 0)
            return -1;
        left -= 16;
        uint64_t off = be64(b), len = be64(b + 8);
        if (off < end || len > length || off > length - len || len > left) {
            set_err(err, "refused file \"%s\": a data segment of %llu bytes at %llu, in a file of %llu "
                    "bytes whose previous segment ended at %llu, with %llu bytes of the entry left",
                    name, (unsigned long long)len, (unsigned long long)off, (unsigned long long)length,
                    (unsigned long long)end, (unsigned long long)left);
            return -1;
        }
        if (lseek(fd, (off_t)off, SEEK_SET) < 0) {
            set_err(err, "seek %s to %llu: %s", name, (unsigned long long)off, strerror(errno));
            return -1;
        }
        if (rx_copy(r, fd, len, name, err) < 0)
            return -1;
        left -= len;
        end = off + len;
    }
    if (ftruncate(fd, (off_t)length) < 0) {
        set_err(err, "set the length of %s to %llu: %s", name, (unsigned long long)length, strerror(errno));
        return -1;
    }
    return 0;
}

/* Writes a regular file's bytes into fd: as they come, or with holes when the entry says so. */
int rx_file_data(struct rx *r, int fd, const struct entry *e, char *err)
{
    if (e->check == SPARSE_MARK)
        return rx_sparse(r, fd, e, err);
    return rx_copy(r, fd, e->size, shown(e->name), err);
}
