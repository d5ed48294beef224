/* Multipart MIME user-data (RFC 2046, as cloud-init's make-mime writes it): the parts of a
 * multipart/mixed message, each with its Content-Type and its body, base64 decoded when its
 * Content-Transfer-Encoding says so. Nested multiparts are not followed. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The value of header name (case-insensitive) in the header block h..h+n, copied to out. */
static int header(const char *h, size_t n, const char *name, char *out, size_t outlen)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < n;) {
        const char *eol = memchr(h + i, '\n', n - i);
        size_t len = eol ? (size_t)(eol - h - i) : n - i;
        if (len > nl && strncasecmp(h + i, name, nl) == 0 && h[i + nl] == ':') {
            size_t s = i + nl + 1, e = i + len;
            while (s < e && h[s] == ' ')
                s++;
            while (e > s && (h[e - 1] == '\r' || h[e - 1] == ' '))
                e--;
            size_t m = e - s < outlen - 1 ? e - s : outlen - 1;
            memcpy(out, h + s, m);
            out[m] = '\0';
            return 1;
        }
        i += len + 1;
    }
    return 0;
}

/* Where the header block at s ends (the blank line), and its body begins. */
static size_t headers_end(const char *s, size_t n, size_t *body)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\n')
            continue;
        if (i + 1 < n && s[i + 1] == '\n') {
            *body = i + 2;
            return i;
        }
        if (i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
            *body = i + 3;
            return i;
        }
    }
    *body = n;
    return n;
}

int mime_parts(const char *data, size_t n,
               int (*part)(void *ctx, const char *type, const char *body, size_t len, char *err),
               void *ctx, char *err)
{
    size_t body;
    size_t hend = headers_end(data, n, &body);
    char type[256], boundary[128];
    if (!header(data, hend, "Content-Type", type, sizeof type)) {
        set_err(err, "multipart user-data without a Content-Type header");
        return -1;
    }
    const char *b = strcasestr(type, "boundary=");
    if (!b) {
        set_err(err, "multipart user-data without a boundary");
        return -1;
    }
    b += 9;
    size_t bl = 0;
    int q = *b == '"';
    b += q;
    while (b[bl] && bl + 3 < sizeof boundary && (q ? b[bl] != '"' : b[bl] != ';' && b[bl] != ' '))
        bl++;
    if (bl == 0) {
        set_err(err, "multipart user-data with an empty boundary");
        return -1;
    }
    char delim[132] = "--";
    memcpy(delim + 2, b, bl);
    delim[bl + 2] = '\0';
    size_t dl = bl + 2;
    /* The delimiter counts only at the start of a line. */
    const char *p = data + body, *end = data + n;
    const char *start = NULL;
    int parts = 0;
    while (p < end) {
        const char *found = memmem(p, (size_t)(end - p), delim, dl);
        while (found && found > data + body && found[-1] != '\n')
            found = memmem(found + 1, (size_t)(end - found - 1), delim, dl);
        if (!found)
            break;
        if (start) {
            const char *stop = found;
            if (stop > start && stop[-1] == '\n')
                stop--;
            if (stop > start && stop[-1] == '\r')
                stop--;
            size_t pb, ph = headers_end(start, (size_t)(stop - start), &pb);
            char ptype[128] = "text/plain", enc[64] = "";
            header(start, ph, "Content-Type", ptype, sizeof ptype);
            header(start, ph, "Content-Transfer-Encoding", enc, sizeof enc);
            char *semi = strchr(ptype, ';');
            if (semi)
                *semi = '\0';
            for (char *c = ptype; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            const char *pbody = start + pb;
            size_t plen = pb <= (size_t)(stop - start) ? (size_t)(stop - start) - pb : 0;
            char *decoded = NULL;
            if (strcasecmp(enc, "base64") == 0) {
                if (base64_decode(pbody, plen, &decoded, &plen, err) < 0)
                    return -1;
                pbody = decoded;
            }
            int r = part(ctx, ptype, pbody, plen, err);
            free(decoded);
            if (r < 0)
                return -1;
            parts++;
        }
        p = found + dl;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return parts;
        while (p < end && *p != '\n')
            p++;
        start = p < end ? p + 1 : end;
    }
    if (parts == 0) {
        set_err(err, "multipart user-data without a part (boundary \"%s\")", delim + 2);
        return -1;
    }
    return parts;
}
