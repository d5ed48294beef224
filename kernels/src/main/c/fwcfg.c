/* QEMU's firmware configuration device (fw_cfg), read through its x86 I/O
 * ports as firmware reads it: a 16-bit selector at 0x510, data bytes at 0x511.
 * No kernel module is needed (Debian's kernels build qemu_fw_cfg as a module
 * only), so every kernel jcap boots can take run-time settings.
 *
 * Key 0x0000 reads the signature "QEMU"; key 0x0019 the file directory: a
 * big-endian 32-bit count, then per file a big-endian 32-bit size, 16-bit
 * key, 16 reserved bits and a 56-byte NUL-padded name. */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>

#define PORT_SELECTOR 0x510
#define PORT_DATA 0x511
#define KEY_SIGNATURE 0x0000
#define KEY_FILE_DIR 0x0019
#define NAME_LEN 56
/* More would mean a corrupt directory; QEMU has a few dozen at most. */
#define MAX_FILES 4096

/* The device's two operations; fwcfg_lookup walks the directory through them. */
static void port_select(void *ctx, uint16_t key)
{
    (void)ctx;
    outw(key, PORT_SELECTOR);
}

static void port_read(void *ctx, void *buf, size_t n)
{
    (void)ctx;
    unsigned char *p = buf;
    for (size_t i = 0; i < n; i++)
        p[i] = inb(PORT_DATA);
}

static uint32_t read_be32(const struct fwcfg_io *io)
{
    unsigned char b[4];
    io->read(io->ctx, b, 4);
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint16_t read_be16(const struct fwcfg_io *io)
{
    unsigned char b[2];
    io->read(io->ctx, b, 2);
    return (uint16_t)(b[0] << 8 | b[1]);
}

int fwcfg_read(const char *name, size_t max, char **out, size_t *len, char *err)
{
    if (ioperm(PORT_SELECTOR, 2, 1) < 0) {
        set_err(err, "ioperm 0x%x: %s", PORT_SELECTOR, strerror(errno));
        return -1;
    }
    struct fwcfg_io io = { port_select, port_read, NULL };
    int rc = fwcfg_lookup(&io, name, max, out, len, err);
    ioperm(PORT_SELECTOR, 2, 0);
    return rc;
}

int fwcfg_lookup(const struct fwcfg_io *io, const char *name, size_t max, char **out,
                 size_t *len, char *err)
{
    int found = 0;
    char signature[4];
    io->select(io->ctx, KEY_SIGNATURE);
    io->read(io->ctx, signature, sizeof signature);
    if (memcmp(signature, "QEMU", 4) != 0)
        return 0;
    io->select(io->ctx, KEY_FILE_DIR);
    uint32_t count = read_be32(io);
    if (count > MAX_FILES) {
        set_err(err, "the fw_cfg directory claims %u files", count);
        return -1;
    }
    uint32_t size = 0;
    uint16_t key = 0;
    for (uint32_t i = 0; i < count && !found; i++) {
        char entry[NAME_LEN + 1];
        size = read_be32(io);
        key = read_be16(io);
        read_be16(io);
        io->read(io->ctx, entry, NAME_LEN);
        entry[NAME_LEN] = '\0';
        found = strcmp(entry, name) == 0;
    }
    if (!found)
        return 0;
    if (size > max) {
        set_err(err, "%s has %u bytes, more than the %zu allowed", name, size, max);
        return -1;
    }
    char *buf = malloc((size_t)size + 1);
    if (!buf) {
        set_err(err, "out of memory for %u bytes", size);
        return -1;
    }
    io->select(io->ctx, key);
    io->read(io->ctx, buf, size);
    buf[size] = '\0';
    *out = buf;
    *len = size;
    return 1;
}
