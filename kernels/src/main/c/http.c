/* A minimal HTTP/1.0 client for the metadata services at 169.254.169.254: one request a
 * connection, the whole answer read until the server closes, within a deadline. HTTP/1.0 so
 * that no server answers with chunked transfer coding. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

int http_parse_response(char *buf, size_t n, const char *want_header, char **body, size_t *len)
{
    int status = 0;
    if (n < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ')
        return -1;
    for (int i = 9; i < 12; i++) {
        if (buf[i] < '0' || buf[i] > '9')
            return -1;
        status = status * 10 + buf[i] - '0';
    }
    char *end = memmem(buf, n, "\r\n\r\n", 4);
    size_t skip = 4;
    if (!end) {
        end = memmem(buf, n, "\n\n", 2);
        skip = 2;
    }
    if (!end)
        return -1;
    if (want_header) {
        size_t wl = strlen(want_header);
        int seen = 0;
        for (char *h = memchr(buf, '\n', (size_t)(end - buf)); h && h < end && !seen;
             h = memchr(h + 1, '\n', (size_t)(end - h - 1)))
            seen = (size_t)(end - h - 1) >= wl && strncasecmp(h + 1, want_header, wl) == 0;
        if (!seen)
            status = 0;
    }
    *body = end + skip;
    *len = n - (size_t)(end + skip - buf);
    return status;
}

/* Whether buf holds a whole answer by its Content-Length (a server that keeps the connection
 * open after it is not waited for). */
static int complete(const char *buf, size_t n)
{
    const char *end = memmem(buf, n, "\r\n\r\n", 4);
    if (!end)
        return 0;
    for (const char *h = buf; h && h < end; h = memchr(h, '\n', (size_t)(end - h))) {
        h += *h == '\n';
        if ((size_t)(end - h) > 15 && strncasecmp(h, "Content-Length:", 15) == 0) {
            unsigned long long want = strtoull(h + 15, NULL, 10);
            return (unsigned long long)(n - (size_t)(end + 4 - buf)) >= want;
        }
    }
    return 0;
}

static int connect_within(int fd, const struct sockaddr_in *sa, long long deadline, char *err)
{
    if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0)
        return 0;
    if (errno != EINPROGRESS) {
        set_err(err, "connect: %s", strerror(errno));
        return -1;
    }
    long long left = deadline - now_ms();
    struct pollfd p = { fd, POLLOUT, 0 };
    if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
        set_err(err, "no answer within the time allowed");
        return -1;
    }
    int e = 0;
    socklen_t el = sizeof e;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el);
    if (e) {
        set_err(err, "connect: %s", strerror(e));
        return -1;
    }
    return 0;
}

int http_request(const char *method, const char *host, const char *path, const char *headers,
                 const char *want_header, int timeout_ms, size_t max, char **body, size_t *len,
                 char *err)
{
    long long deadline = now_ms() + timeout_ms;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(80) };
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        set_err(err, "bad address %s", host);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        set_err(err, "socket: %s", strerror(errno));
        return -1;
    }
    char *req = NULL;
    int rl = asprintf(&req, "%s %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n%s%s\r\n", method, path, host,
                      headers ? headers : "", strcmp(method, "PUT") == 0 ? "Content-Length: 0\r\n" : "");
    char *buf = malloc(max + 4096 + 1);
    size_t n = 0;
    int status = -1;
    if (rl < 0 || !buf) {
        set_err(err, "out of memory");
        goto out;
    }
    if (connect_within(fd, &sa, deadline, err) < 0)
        goto out;
    for (size_t sent = 0; sent < (size_t)rl;) {
        ssize_t w = send(fd, req + sent, (size_t)rl - sent, MSG_NOSIGNAL);
        if (w < 0 && errno == EAGAIN) {
            struct pollfd p = { fd, POLLOUT, 0 };
            long long left = deadline - now_ms();
            if (left > 0 && poll(&p, 1, (int)left) > 0)
                continue;
        }
        if (w <= 0) {
            set_err(err, "send: %s", w < 0 ? strerror(errno) : "closed");
            goto out;
        }
        sent += (size_t)w;
    }
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd p = { fd, POLLIN, 0 };
        if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
            set_err(err, "%s %s: the answer did not end within %d ms", method, path, timeout_ms);
            goto out;
        }
        ssize_t r = recv(fd, buf + n, max + 4096 - n, 0);
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (r < 0) {
            set_err(err, "%s %s: %s", method, path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (complete(buf, n))
            break;
        if (n == max + 4096) {
            set_err(err, "%s %s: the answer is larger than %zu bytes", method, path, max);
            goto out;
        }
    }
    buf[n] = '\0';
    char *b;
    size_t bl;
    status = http_parse_response(buf, n, want_header, &b, &bl);
    if (status < 0) {
        set_err(err, "%s %s: not an HTTP answer", method, path);
        goto out;
    }
    if (bl > max) {
        set_err(err, "%s %s: the answer is larger than %zu bytes", method, path, max);
        status = -1;
        goto out;
    }
    memmove(buf, b, bl);
    buf[bl] = '\0';
    *body = buf;
    *len = bl;
    buf = NULL;
out:
    free(buf);
    free(req);
    close(fd);
    return status;
}
