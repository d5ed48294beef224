/* The encodings of cloud-config's write_files: base64 (RFC 4648) and gzip (RFC 1952) with its
 * deflate data (RFC 1951), decoded here from the RFCs. Every length is bounded by the caller's
 * maximum; bad data is an error, never a crash. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <stdlib.h>
#include <string.h>

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

int base64_decode(const char *in, size_t n, char **out, size_t *len, char *err)
{
    char *buf = malloc(n / 4 * 3 + 4);
    if (!buf) {
        set_err(err, "out of memory decoding base64");
        return -1;
    }
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0, pad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        int v = b64_value(c);
        if (v < 0 || pad) {
            free(buf);
            set_err(err, "bad base64: byte %zu (0x%02x) is not in the alphabet", i, c);
            return -1;
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[o++] = (char)(acc >> bits);
        }
    }
    buf[o] = '\0';
    *out = buf;
    *len = o;
    return 0;
}

/* --- inflate ------------------------------------------------------------------------------ */

struct bits {
    const unsigned char *in;
    size_t n, pos;
    uint32_t buf;
    int count;
    int bad; /* read past the end */
};

static uint32_t take(struct bits *b, int need)
{
    while (b->count < need) {
        if (b->pos >= b->n) {
            b->bad = 1;
            return 0;
        }
        b->buf |= (uint32_t)b->in[b->pos++] << b->count;
        b->count += 8;
    }
    uint32_t v = b->buf & ((1u << need) - 1);
    b->buf >>= need;
    b->count -= need;
    return v;
}

struct huffman {
    short count[16];
    short symbol[320];
};

/* Canonical codes from code lengths; -1 when the lengths over-subscribe the code space. */
static int build(struct huffman *h, const unsigned char *lengths, int n)
{
    memset(h->count, 0, sizeof h->count);
    for (int i = 0; i < n; i++)
        h->count[lengths[i]]++;
    int room = 1;
    for (int len = 1; len < 16; len++) {
        room = room * 2 - h->count[len];
        if (room < 0)
            return -1;
    }
    short start[16];
    start[1] = 0;
    for (int len = 1; len < 15; len++)
        start[len + 1] = (short)(start[len] + h->count[len]);
    for (int i = 0; i < n; i++)
        if (lengths[i])
            h->symbol[start[lengths[i]]++] = (short)i;
    return 0;
}

static int decode(struct bits *b, const struct huffman *h)
{
    int code = 0, first = 0, index = 0;
    for (int len = 1; len < 16; len++) {
        code |= (int)take(b, 1);
        if (b->bad)
            return -1;
        int count = h->count[len];
        if (code - first < count)
            return h->symbol[index + code - first];
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return -1;
}

static const short LEN_BASE[29] = { 3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const short LEN_EXTRA[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                     2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const unsigned short DIST_BASE[30] = { 1,    2,    3,    4,    5,    7,     9,     13,
                                              17,   25,   33,   49,   65,   97,    129,   193,
                                              257,  385,  513,  769,  1025, 1537,  2049,  3073,
                                              4097, 6145, 8193, 12289, 16385, 24577 };
static const short DIST_EXTRA[30] = { 0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                      6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

struct out {
    unsigned char *p;
    size_t n, cap, max;
};

static int put(struct out *o, unsigned char c)
{
    if (o->n == o->cap) {
        if (o->n >= o->max)
            return -1;
        size_t cap = o->cap ? o->cap * 2 : 4096;
        if (cap > o->max)
            cap = o->max;
        unsigned char *g = realloc(o->p, cap + 1);
        if (!g)
            return -1;
        o->p = g;
        o->cap = cap;
    }
    o->p[o->n++] = c;
    return 0;
}

static const char *codes(struct bits *b, struct out *o, const struct huffman *lit,
                         const struct huffman *dist)
{
    for (;;) {
        int s = decode(b, lit);
        if (s < 0)
            return "bad literal/length code";
        if (s < 256) {
            if (put(o, (unsigned char)s) < 0)
                return "too large";
            continue;
        }
        if (s == 256)
            return NULL;
        s -= 257;
        if (s >= 29)
            return "bad length symbol";
        size_t len = (size_t)LEN_BASE[s] + take(b, LEN_EXTRA[s]);
        int d = decode(b, dist);
        if (d < 0 || d >= 30)
            return "bad distance code";
        size_t back = DIST_BASE[d] + take(b, DIST_EXTRA[d]);
        if (b->bad)
            return "truncated";
        if (back > o->n)
            return "distance too far back";
        for (size_t i = 0; i < len; i++)
            if (put(o, o->p[o->n - back]) < 0)
                return "too large";
    }
}

static const char *dynamic(struct bits *b, struct out *o)
{
    static const unsigned char ORDER[19] = { 16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                             11, 4,  12, 3, 13, 2, 14, 1, 15 };
    int nlit = (int)take(b, 5) + 257, ndist = (int)take(b, 5) + 1, ncode = (int)take(b, 4) + 4;
    if (nlit > 286 || ndist > 30)
        return "bad code counts";
    unsigned char lengths[320] = { 0 };
    for (int i = 0; i < ncode; i++)
        lengths[ORDER[i]] = (unsigned char)take(b, 3);
    struct huffman lencode, lit, dist;
    if (b->bad || build(&lencode, lengths, 19) < 0)
        return "bad code length code";
    memset(lengths, 0, sizeof lengths);
    for (int i = 0; i < nlit + ndist;) {
        int s = decode(b, &lencode);
        if (s < 0)
            return "bad code length";
        if (s < 16) {
            lengths[i++] = (unsigned char)s;
            continue;
        }
        int repeat, value = 0;
        if (s == 16) {
            if (i == 0)
                return "repeat without a length";
            value = lengths[i - 1];
            repeat = 3 + (int)take(b, 2);
        } else if (s == 17) {
            repeat = 3 + (int)take(b, 3);
        } else {
            repeat = 11 + (int)take(b, 7);
        }
        if (i + repeat > nlit + ndist)
            return "too many code lengths";
        while (repeat--)
            lengths[i++] = (unsigned char)value;
    }
    if (b->bad || lengths[256] == 0)
        return "no end-of-block code";
    if (build(&lit, lengths, nlit) < 0 || build(&dist, lengths + nlit, ndist) < 0)
        return "over-subscribed code";
    return codes(b, o, &lit, &dist);
}

static const char *fixed(struct bits *b, struct out *o)
{
    unsigned char lengths[320];
    struct huffman lit, dist;
    for (int i = 0; i < 288; i++)
        lengths[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    build(&lit, lengths, 288);
    for (int i = 0; i < 30; i++)
        lengths[i] = 5;
    build(&dist, lengths, 30);
    return codes(b, o, &lit, &dist);
}

static const char *inflate(struct bits *b, struct out *o)
{
    for (int last = 0; !last;) {
        last = (int)take(b, 1);
        int type = (int)take(b, 2);
        const char *e = NULL;
        if (b->bad)
            return "truncated";
        if (type == 0) {
            b->buf = 0;
            b->count = 0;
            if (b->pos + 4 > b->n)
                return "truncated";
            unsigned len = b->in[b->pos] | b->in[b->pos + 1] << 8;
            unsigned nlen = b->in[b->pos + 2] | b->in[b->pos + 3] << 8;
            b->pos += 4;
            if ((len ^ 0xFFFF) != nlen)
                return "bad stored block length";
            if (b->pos + len > b->n)
                return "truncated";
            for (unsigned i = 0; i < len; i++)
                if (put(o, b->in[b->pos + i]) < 0)
                    return "too large";
            b->pos += len;
        } else if (type == 1) {
            e = fixed(b, o);
        } else if (type == 2) {
            e = dynamic(b, o);
        } else {
            return "bad block type";
        }
        if (e)
            return e;
    }
    return NULL;
}

int gunzip(const unsigned char *in, size_t n, size_t max, char **out, size_t *len, char *err)
{
    if (n < 18 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8) {
        set_err(err, "not gzip data (no 1f 8b 08 header)");
        return -1;
    }
    int flags = in[3];
    size_t p = 10;
    if (flags & 4) {
        size_t x = (size_t)in[p] | (size_t)in[p + 1] << 8;
        p += 2 + x;
    }
    for (int bit = 8; bit <= 16; bit <<= 1)
        if (flags & bit) {
            while (p < n && in[p])
                p++;
            p++;
        }
    if (flags & 2)
        p += 2;
    if (p + 8 > n) {
        set_err(err, "gzip: truncated header");
        return -1;
    }
    struct bits b = { in + p, n - 8 - p, 0, 0, 0, 0 };
    struct out o = { NULL, 0, 0, max };
    const char *e = inflate(&b, &o);
    if (!e) {
        const unsigned char *t = in + n - 8;
        uint32_t crc = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
        uint32_t size = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 | (uint32_t)t[7] << 24;
        if (size != (uint32_t)o.n || crc != crc32_update(0, o.p ? o.p : (const unsigned char *)"", o.n))
            e = "its CRC-32 or size does not match the data";
    }
    if (e) {
        free(o.p);
        set_err(err, "bad gzip data: %s%s", e, strcmp(e, "too large") == 0 ? " (more than the limit)" : "");
        return -1;
    }
    if (!o.p)
        o.p = malloc(1);
    if (!o.p) {
        set_err(err, "out of memory");
        return -1;
    }
    o.p[o.n] = '\0';
    *out = (char *)o.p;
    *len = o.n;
    return 0;
}
