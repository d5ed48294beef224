/* A reader of FAT12/16/32 volumes as `cloud-localds -f vfat` (mkfs.vfat) writes them: the
 * label, and regular files found by path through long (VFAT) names or 8.3 names. Cluster
 * chains are followed a bounded number of steps; every number read is checked. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 8

struct fat {
    const struct volume *v;
    uint32_t bps, spc, first_fat, fat_bytes, root_start, root_entries, data_start;
    uint32_t clusters, root_cluster;
    int bits;
};

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
    return le16(p) | le16(p + 2) << 16;
}

static int fat_open(const struct volume *v, struct fat *f, unsigned char bs[512])
{
    memset(f, 0, sizeof *f);
    f->v = v;
    if (v->read(v->ctx, 0, bs, 512) < 0 || bs[510] != 0x55 || bs[511] != 0xAA)
        return -1;
    f->bps = le16(bs + 11);
    f->spc = bs[13];
    uint32_t reserved = le16(bs + 14), nfats = bs[16];
    f->root_entries = le16(bs + 17);
    uint32_t total = le16(bs + 19) ? le16(bs + 19) : le32(bs + 32);
    uint32_t fatsz = le16(bs + 22) ? le16(bs + 22) : le32(bs + 36);
    if ((f->bps != 512 && f->bps != 1024 && f->bps != 2048 && f->bps != 4096) || f->spc == 0 ||
        (f->spc & (f->spc - 1)) || reserved == 0 || nfats == 0 || nfats > 4 || fatsz == 0 ||
        total == 0 || fatsz > (1u << 24))
        return -1;
    f->first_fat = reserved;
    f->fat_bytes = fatsz * f->bps;
    f->root_start = reserved + nfats * fatsz;
    uint32_t root_sectors = (f->root_entries * 32 + f->bps - 1) / f->bps;
    f->data_start = f->root_start + root_sectors;
    if (f->data_start >= total || (uint64_t)total * f->bps > v->size)
        return -1;
    f->clusters = (total - f->data_start) / f->spc;
    f->bits = f->clusters < 4085 ? 12 : f->clusters < 65525 ? 16 : 32;
    if (f->bits == 32) {
        f->root_cluster = le32(bs + 44);
        if (f->root_entries != 0)
            return -1;
    } else if (f->root_entries == 0) {
        return -1;
    }
    return 0;
}

/* The FAT's entry for cluster c; 0 (free, so a broken chain) when unreadable. */
static uint32_t next_cluster(const struct fat *f, uint32_t c)
{
    uint64_t off = f->bits == 12 ? c + c / 2 : (uint64_t)c * (uint32_t)(f->bits / 8);
    unsigned char b[4] = { 0 };
    if (off + (f->bits == 32 ? 4 : 2) > f->fat_bytes ||
        f->v->read(f->v->ctx, (uint64_t)f->first_fat * f->bps + off, b, f->bits == 32 ? 4 : 2) < 0)
        return 0;
    if (f->bits == 12)
        return (c & 1) ? le16(b) >> 4 : le16(b) & 0xFFF;
    if (f->bits == 16)
        return le16(b);
    return le32(b) & 0x0FFFFFFF;
}

static int is_end(const struct fat *f, uint32_t c)
{
    return c >= (f->bits == 12 ? 0xFF8u : f->bits == 16 ? 0xFFF8u : 0x0FFFFFF8u);
}

/* Reads up to n bytes of the chain starting at cluster c (0: FAT12/16's root) into buf. */
static int read_chain(const struct fat *f, uint32_t c, unsigned char *buf, size_t n)
{
    if (c == 0 && f->bits != 32) {
        size_t root = (size_t)f->root_entries * 32;
        return f->v->read(f->v->ctx, (uint64_t)f->root_start * f->bps, buf, n < root ? n : root) < 0
                   ? -1
                   : 0;
    }
    size_t csize = (size_t)f->spc * f->bps, done = 0;
    for (uint32_t steps = 0; done < n; steps++) {
        if (c < 2 || c >= f->clusters + 2 || steps > f->clusters)
            return -1;
        size_t take = n - done < csize ? n - done : csize;
        uint64_t at = ((uint64_t)f->data_start + (uint64_t)(c - 2) * f->spc) * f->bps;
        if (f->v->read(f->v->ctx, at, buf + done, take) < 0)
            return -1;
        done += take;
        if (done < n) {
            c = next_cluster(f, c);
            if (is_end(f, c))
                return -1;
        }
    }
    return 0;
}

/* The size in bytes of the directory at cluster c, its chain followed (bounded). */
static size_t dir_size(const struct fat *f, uint32_t c)
{
    if (c == 0 && f->bits != 32)
        return (size_t)f->root_entries * 32;
    size_t n = 0, csize = (size_t)f->spc * f->bps;
    for (uint32_t steps = 0; c >= 2 && c < f->clusters + 2 && steps <= f->clusters; steps++) {
        n += csize;
        if (n > (1 << 20))
            return 1 << 20;
        c = next_cluster(f, c);
        if (is_end(f, c))
            break;
    }
    return n;
}

/* Finds name in the directory at cluster dir; 1 with the 32-byte entry in found. */
static int find_entry(const struct fat *f, uint32_t dir, const char *name, unsigned char found[32],
                      char *err)
{
    size_t n = dir_size(f, dir);
    unsigned char *d = malloc(n ? n : 1);
    if (!d || read_chain(f, dir, d, n) < 0) {
        free(d);
        set_err(err, "vfat: cannot read a directory");
        return -1;
    }
    char lfn[261] = "";
    int have_lfn = 0;
    int r = 0;
    for (size_t p = 0; p + 32 <= n && d[p] != 0; p += 32) {
        const unsigned char *e = d + p;
        if (e[0] == 0xE5) {
            have_lfn = 0;
            continue;
        }
        if (e[11] == 0x0F) {
            int seq = e[0] & 0x1F;
            if (seq < 1 || seq > 20)
                continue;
            if (e[0] & 0x40) {
                memset(lfn, 0, sizeof lfn);
                have_lfn = 1;
            }
            static const int at[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
            for (int i = 0; i < 13; i++) {
                unsigned ch = le16(e + at[i]);
                if (ch == 0 || ch == 0xFFFF)
                    break;
                lfn[(seq - 1) * 13 + i] = ch < 128 && ch ? (char)ch : '?';
            }
            continue;
        }
        if (e[11] & 0x08) { /* the volume label */
            have_lfn = 0;
            continue;
        }
        char shortname[13];
        size_t o = 0;
        for (int i = 0; i < 8 && e[i] != ' '; i++)
            shortname[o++] = (char)e[i];
        if (e[8] != ' ') {
            shortname[o++] = '.';
            for (int i = 8; i < 11 && e[i] != ' '; i++)
                shortname[o++] = (char)e[i];
        }
        shortname[o] = '\0';
        int match = (have_lfn && strcasecmp(lfn, name) == 0) || strcasecmp(shortname, name) == 0;
        have_lfn = 0;
        if (match) {
            memcpy(found, e, 32);
            r = 1;
            break;
        }
    }
    free(d);
    return r;
}

int fat_label(const struct volume *v, char label[12])
{
    struct fat f;
    unsigned char bs[512];
    if (fat_open(v, &f, bs) < 0)
        return -1;
    int sig = f.bits == 32 ? 66 : 38;
    memset(label, 0, 12);
    if (bs[sig] == 0x29)
        memcpy(label, bs + sig + 5, 11);
    /* mkfs.fat writes the label into the root folder too; that one wins, as in blkid. */
    size_t n = dir_size(&f, f.bits == 32 ? f.root_cluster : 0);
    unsigned char *d = malloc(n ? n : 1);
    if (d && read_chain(&f, f.bits == 32 ? f.root_cluster : 0, d, n) == 0) {
        for (size_t p = 0; p + 32 <= n && d[p] != 0; p += 32)
            if (d[p] != 0xE5 && d[p + 11] != 0x0F && (d[p + 11] & 0x08)) {
                memcpy(label, d + p, 11);
                break;
            }
    }
    free(d);
    for (int i = 10; i >= 0 && (label[i] == ' ' || label[i] == '\0'); i--)
        label[i] = '\0';
    for (int i = 0; i < 11; i++)
        if (label[i] != '\0' && (label[i] < 32 || label[i] > 126))
            label[i] = '?';
    return 0;
}

int fat_read(const struct volume *v, const char *path, size_t max, char **out, size_t *len,
             char *err)
{
    struct fat f;
    unsigned char bs[512];
    if (fat_open(v, &f, bs) < 0) {
        set_err(err, "vfat: not a FAT file system");
        return -1;
    }
    unsigned char e[32];
    uint32_t dir = f.bits == 32 ? f.root_cluster : 0;
    int is_dir = 1;
    char part[256];
    const char *p = path;
    for (int depth = 0; *p; depth++) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || n >= sizeof part || depth >= MAX_DEPTH || !is_dir)
            return 0;
        memcpy(part, p, n);
        part[n] = '\0';
        int r = find_entry(&f, dir, part, e, err);
        if (r <= 0)
            return r;
        dir = le16(e + 26) | (f.bits == 32 ? le16(e + 20) << 16 : 0);
        is_dir = (e[11] & 0x10) != 0;
        p = slash ? slash + 1 : p + n;
    }
    if (is_dir)
        return 0;
    uint32_t size = le32(e + 28);
    if (size > max) {
        set_err(err, "%s is larger than %zu bytes", path, max);
        return -1;
    }
    char *buf = malloc((size_t)size + 1);
    if (!buf || (size > 0 && read_chain(&f, dir, (unsigned char *)buf, size) < 0)) {
        free(buf);
        set_err(err, "vfat: cannot read %s (a broken cluster chain)", path);
        return -1;
    }
    buf[size] = '\0';
    *out = buf;
    *len = size;
    return 1;
}
