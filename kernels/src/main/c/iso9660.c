/* A reader of ISO 9660 volumes (ECMA-119) as cloud-init seeds are written: names from the
 * Joliet supplementary descriptor when there is one, else Rock Ridge NM entries, else the
 * primary names without their ";1" version. Only what a seed needs: the label, and regular
 * files found by path. Every offset and length read from the volume is checked. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SECTOR 2048
#define MAX_DIR (1 << 20)
#define MAX_DEPTH 8

int volume_mem_read(void *ctx, uint64_t off, void *buf, size_t n)
{
    const struct membuf *m = ctx;
    if (off > m->size || n > m->size - off)
        return -1;
    memcpy(buf, (const unsigned char *)m->data + off, n);
    return 0;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct iso {
    const struct volume *v;
    int joliet;
    unsigned char root[34];
};

static int iso_open(const struct volume *v, struct iso *iso, char label[33])
{
    unsigned char d[SECTOR];
    int primary = 0;
    memset(iso, 0, sizeof *iso);
    iso->v = v;
    for (int s = 16; s < 32; s++) {
        if (v->read(v->ctx, (uint64_t)s * SECTOR, d, SECTOR) < 0 || memcmp(d + 1, "CD001", 5) != 0)
            return -1;
        if (d[0] == 255)
            break;
        if (d[0] == 1 && !primary) {
            primary = 1;
            if (label) {
                memcpy(label, d + 40, 32);
                label[32] = '\0';
                for (int i = 31; i >= 0 && (label[i] == ' ' || label[i] == '\0'); i--)
                    label[i] = '\0';
            }
            if (!iso->joliet)
                memcpy(iso->root, d + 156, 34);
        } else if (d[0] == 2 && d[88] == '%' && d[89] == '/' &&
                   (d[90] == '@' || d[90] == 'C' || d[90] == 'E')) {
            iso->joliet = 1;
            memcpy(iso->root, d + 156, 34);
        }
    }
    return primary ? 0 : -1;
}

int iso_label(const struct volume *v, char label[33])
{
    struct iso iso;
    return iso_open(v, &iso, label);
}

/* The name of the record at r (length rl) in out, lower-cased ASCII; "" for . and .. */
static void record_name(const struct iso *iso, const unsigned char *r, size_t rl, char *out,
                        size_t outlen)
{
    size_t nl = r[32];
    const unsigned char *name = r + 33;
    size_t o = 0;
    out[0] = '\0';
    if (nl == 1 && (name[0] == 0 || name[0] == 1))
        return;
    if (iso->joliet) {
        for (size_t i = 0; i + 1 < nl && o + 1 < outlen; i += 2) {
            unsigned c = (unsigned)name[i] << 8 | name[i + 1];
            out[o++] = c < 128 ? (char)c : '?';
        }
        out[o] = '\0';
    } else {
        /* Rock Ridge: an NM entry in the system use area, after the padded name. */
        size_t su = 33 + nl + ((nl & 1) ? 0 : 1);
        while (su + 4 <= rl) {
            size_t el = r[su + 2];
            if (el < 4 || su + el > rl)
                break;
            if (r[su] == 'N' && r[su + 1] == 'M' && el > 5) {
                size_t n = el - 5;
                for (size_t i = 0; i < n && o + 1 < outlen; i++)
                    out[o++] = (char)r[su + 5 + i];
                out[o] = '\0';
                return;
            }
            su += el;
        }
        for (size_t i = 0; i < nl && o + 1 < outlen && name[i] != ';'; i++)
            out[o++] = (char)name[i];
        if (o > 0 && out[o - 1] == '.')
            o--;
        out[o] = '\0';
    }
    /* A version suffix (";1") is not part of the name, in any of the three forms. */
    char *semi = strrchr(out, ';');
    if (semi && semi[1] && strspn(semi + 1, "0123456789") == strlen(semi + 1)) {
        *semi = '\0';
        o = (size_t)(semi - out);
        if (o > 0 && out[o - 1] == '.')
            out[--o] = '\0';
    }
    for (size_t i = 0; i < o; i++)
        if (out[i] == 0)
            out[i] = '?';
}

/* Finds name in the directory whose record is dir; copies the entry's record to found. */
static int find_entry(const struct iso *iso, const unsigned char *dir, const char *name,
                      unsigned char found[256], char *err)
{
    uint64_t at = (uint64_t)le32(dir + 2) * SECTOR;
    uint32_t size = le32(dir + 10);
    if (size > MAX_DIR || at + size > iso->v->size) {
        set_err(err, "iso9660: a directory lies outside the volume");
        return -1;
    }
    unsigned char sec[SECTOR];
    for (uint32_t s = 0; s < size; s += SECTOR) {
        if (iso->v->read(iso->v->ctx, at + s, sec, SECTOR) < 0) {
            set_err(err, "iso9660: cannot read a directory sector");
            return -1;
        }
        for (size_t p = 0; p + 34 <= SECTOR && sec[p] != 0;) {
            size_t rl = sec[p];
            if (rl < 34 || p + rl > SECTOR || 33 + (size_t)sec[p + 32] > rl)
                break;
            char n[256];
            record_name(iso, sec + p, rl, n, sizeof n);
            if (n[0] && strcasecmp(n, name) == 0) {
                memset(found, 0, 256);
                memcpy(found, sec + p, rl);
                return 1;
            }
            p += rl;
        }
    }
    return 0;
}

int iso_read(const struct volume *v, const char *path, size_t max, char **out, size_t *len,
             char *err)
{
    struct iso iso;
    if (iso_open(v, &iso, NULL) < 0) {
        set_err(err, "iso9660: no primary volume descriptor");
        return -1;
    }
    unsigned char rec[256];
    memcpy(rec, iso.root, 34);
    char part[256];
    const char *p = path;
    for (int depth = 0; *p; depth++) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || n >= sizeof part || depth >= MAX_DEPTH)
            return 0;
        memcpy(part, p, n);
        part[n] = '\0';
        if (!(rec[25] & 2))
            return 0;
        int r = find_entry(&iso, rec, part, rec, err);
        if (r <= 0)
            return r;
        p = slash ? slash + 1 : p + n;
    }
    if (rec[25] & 2)
        return 0;
    uint64_t at = (uint64_t)le32(rec + 2) * SECTOR;
    uint32_t size = le32(rec + 10);
    if (size > max) {
        set_err(err, "%s is larger than %zu bytes", path, max);
        return -1;
    }
    if (at + size > v->size) {
        set_err(err, "iso9660: %s lies outside the volume", path);
        return -1;
    }
    char *buf = malloc((size_t)size + 1);
    if (!buf || (size > 0 && v->read(v->ctx, at, buf, size) < 0)) {
        free(buf);
        set_err(err, "iso9660: cannot read %s", path);
        return -1;
    }
    buf[size] = '\0';
    *out = buf;
    *len = size;
    return 1;
}
