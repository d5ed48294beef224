/* The receiver's input: a 64 KiB buffer over the connection; every byte
 * that enters it is counted and checksummed. */
#define _GNU_SOURCE
#include "receive.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

uint64_t rx_clock_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Reads more into the buffer (compacting it first); 0 on EOF, -1 on error. A socket is read
 * without waiting first: under a steady stream bytes are nearly always queued, and one system
 * call instead of poll and read is guest CPU saved per read (TCG makes every call dear). */
int rx_more(struct rx *r, char *err)
{
    if (r->eof)
        return 0;
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    for (;;) {
        uint64_t t0 = rx_clock_ns();
        ssize_t n = -1;
        errno = EAGAIN;
        if (!r->not_socket) {
            n = recv(r->fd, r->buf + r->len, BUF_SIZE - r->len, MSG_DONTWAIT);
            if (n < 0 && errno == ENOTSOCK) {
                r->not_socket = 1; /* --extract reads a pipe or file: poll, then read */
                errno = EAGAIN;
            }
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = { r->fd, POLLIN, 0 };
            int pr = poll(&p, 1, r->idle_ms);
            uint64_t t1 = rx_clock_ns();
            r->ns_wait += t1 - t0;
            t0 = t1;
            if (pr < 0 && errno == EINTR)
                continue;
            if (pr < 0) {
                set_err(err, "poll: %s", strerror(errno));
                return -1;
            }
            if (pr == 0) {
                set_err(err, "no data for %d s after %llu bytes", r->idle_ms / 1000,
                        (unsigned long long)r->bytes);
                return -1;
            }
            n = read(r->fd, r->buf + r->len, BUF_SIZE - r->len);
        }
        uint64_t t2 = rx_clock_ns();
        r->ns_read += t2 - t0;
        if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (n < 0) {
            set_err(err, "read after %llu bytes: %s", (unsigned long long)r->bytes,
                    strerror(errno));
            return -1;
        }
        if (n == 0) {
            r->eof = 1;
            return 0;
        }
        xxh64_update(&r->sum, r->buf + r->len, (size_t)n);
        r->ns_sum += rx_clock_ns() - t2;
        r->bytes += (uint64_t)n;
        r->len += (size_t)n;
        return 1;
    }
}

/* Makes at least want bytes available (want <= BUF_SIZE); 0 if EOF came first. */
int rx_need(struct rx *r, size_t want, char *err)
{
    while (r->len - r->pos < want) {
        int m = rx_more(r, err);
        if (m <= 0)
            return m;
    }
    return 1;
}

static int rx_short(struct rx *r, char *err)
{
    set_err(err, "cpio stream ended inside an entry after %llu bytes",
            (unsigned long long)r->bytes);
    return -1;
}

int rx_read(struct rx *r, void *dst, size_t n, char *err)
{
    char *d = dst;
    while (n > 0) {
        size_t want = n < BUF_SIZE ? n : BUF_SIZE;
        int m = rx_need(r, want, err);
        if (m < 0)
            return -1;
        if (m == 0)
            return rx_short(r, err);
        memcpy(d, r->buf + r->pos, want);
        r->pos += want;
        d += want;
        n -= want;
    }
    return 0;
}

/* Passes n bytes to out_fd (or drops them when out_fd < 0) in chunks of up to BUF_SIZE. */
int rx_copy(struct rx *r, int out_fd, uint64_t n, const char *name, char *err)
{
    while (n > 0) {
        size_t want = n < BUF_SIZE ? (size_t)n : BUF_SIZE;
        if (r->len - r->pos < want) {
            int m = rx_need(r, want, err);
            if (m < 0)
                return -1;
            if (m == 0 && r->len == r->pos)
                return rx_short(r, err);
        }
        size_t chunk = r->len - r->pos;
        if (chunk > want)
            chunk = want;
        uint64_t t0 = rx_clock_ns();
        if (out_fd >= 0 && write_all(out_fd, r->buf + r->pos, chunk) < 0) {
            set_err(err, "write %s: %s", name, strerror(errno));
            return -1;
        }
        r->ns_write += rx_clock_ns() - t0;
        r->pos += chunk;
        n -= chunk;
    }
    return 0;
}

int rx_pad(struct rx *r, uint64_t len, char *err)
{
    return rx_copy(r, -1, (4 - len % 4) % 4, "padding", err);
}
