/* The newc cpio receiver: streams entries from a socket into a folder without
 * holding a whole file in memory (docs/guest-protocol.md, build mode). */
#define _GNU_SOURCE
#include "receive.h"

#include <string.h>

#define HDR_SIZE 110

static struct rx g_rx;

static int hex8(const unsigned char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        unsigned char ch = p[i];
        int d;
        if (ch >= '0' && ch <= '9')
            d = ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            d = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            d = ch - 'A' + 10;
        else
            return -1;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

int cpio_receive(int in_fd, int root_fd, int idle_timeout_ms, int lenient_owner,
                 struct rx_summary *s, char *err)
{
    struct rx *r = &g_rx;
    r->fd = in_fd;
    r->idle_ms = idle_timeout_ms;
    r->pos = r->len = 0;
    r->bytes = 0;
    xxh64_init(&r->sum);
    r->eof = 0;
    r->not_socket = 0;
    r->ns_wait = r->ns_read = r->ns_sum = r->ns_write = 0;
    entries_begin(lenient_owner);
    static char name[NAME_MAX_LEN + 1];
    uint64_t entries = 0;
    int rc = -1;
    for (;;) {
        int m = rx_need(r, HDR_SIZE, err);
        if (m < 0)
            goto out;
        if (m == 0) {
            if (r->bytes == 0) {
                rc = RX_EMPTY;
                goto out;
            }
            set_err(err, "cpio stream ended after %llu bytes without the TRAILER!!! entry",
                    (unsigned long long)r->bytes);
            goto out;
        }
        unsigned char *h = r->buf + r->pos;
        uint32_t f[13];
        int bad = memcmp(h, "070701", 6) != 0;
        for (int i = 0; i < 13 && !bad; i++)
            bad = hex8(h + 6 + 8 * i, &f[i]) < 0;
        if (bad) {
            set_err(err, "malformed cpio header at byte %llu (expected newc magic 070701)",
                    (unsigned long long)(r->bytes - (r->len - r->pos)));
            goto out;
        }
        r->pos += HDR_SIZE;
        struct entry e = { name, f[1], f[2], f[3], f[5], f[6], f[0], f[4], f[9], f[10], f[12] };
        uint32_t namesize = f[11];
        if (namesize < 2 || namesize > NAME_MAX_LEN) {
            set_err(err, "malformed cpio header: name size %u", namesize);
            goto out;
        }
        if (rx_read(r, name, namesize, err) < 0 || rx_pad(r, HDR_SIZE + namesize, err) < 0)
            goto out;
        if (name[namesize - 1] != '\0') {
            set_err(err, "malformed cpio header: name not terminated");
            goto out;
        }
        if (strcmp(name, "TRAILER!!!") == 0) {
            if (rx_copy(r, -1, e.size, "trailer", err) < 0)
                goto out;
            break;
        }
        if (entry_create(r, root_fd, &e, err) < 0 || rx_pad(r, e.size, err) < 0)
            goto out;
        entries++;
    }
    /* Bytes after the trailer are counted and checksummed, nothing more. */
    for (;;) {
        r->pos = r->len;
        int m = rx_more(r, err);
        if (m < 0)
            goto out;
        if (m == 0)
            break;
    }
    s->entries = entries;
    s->bytes = r->bytes;
    s->xxh64 = xxh64_digest(&r->sum);
    s->ms_wait = r->ns_wait / 1000000;
    s->ms_read = r->ns_read / 1000000;
    s->ms_sum = r->ns_sum / 1000000;
    s->ms_write = r->ns_write / 1000000;
    rc = RX_OK;
out:
    entries_end(rc == RX_OK ? root_fd : -1);
    return rc;
}
