/* XXH64 (seed 0), the stream's checksum: as its specification (xxhash_spec.md) defines it and
 * `xxhsum -H1` prints it. Four lanes of one multiply, add and rotate per 8 bytes: about a fifth of
 * the guest time of a table-driven CRC-32 under TCG, where every table load is an emulated memory
 * access (docs/benchmarks-stream.md). */
#include "init.h"

#include <string.h>

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull

static uint64_t rotl(uint64_t x, int r)
{
    return x << r | x >> (64 - r);
}

static uint64_t lane_round(uint64_t acc, uint64_t lane)
{
    return rotl(acc + lane * P2, 31) * P1;
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8); /* x86-64: little-endian, as the specification reads lanes */
    return v;
}

static uint32_t le32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

void xxh64_init(struct xxh64 *h)
{
    h->v[0] = P1 + P2;
    h->v[1] = P2;
    h->v[2] = 0;
    h->v[3] = -P1;
    h->total = 0;
    h->held = 0;
}

static void stripe(struct xxh64 *h, const unsigned char *p)
{
    h->v[0] = lane_round(h->v[0], le64(p));
    h->v[1] = lane_round(h->v[1], le64(p + 8));
    h->v[2] = lane_round(h->v[2], le64(p + 16));
    h->v[3] = lane_round(h->v[3], le64(p + 24));
}

void xxh64_update(struct xxh64 *h, const unsigned char *p, size_t n)
{
    h->total += n;
    if (h->held) {
        size_t take = 32 - h->held < n ? 32 - h->held : n;
        memcpy(h->buf + h->held, p, take);
        h->held += take;
        p += take;
        n -= take;
        if (h->held < 32)
            return;
        stripe(h, h->buf);
        h->held = 0;
    }
    uint64_t v0 = h->v[0], v1 = h->v[1], v2 = h->v[2], v3 = h->v[3];
    for (; n >= 32; p += 32, n -= 32) {
        v0 = lane_round(v0, le64(p));
        v1 = lane_round(v1, le64(p + 8));
        v2 = lane_round(v2, le64(p + 16));
        v3 = lane_round(v3, le64(p + 24));
    }
    h->v[0] = v0, h->v[1] = v1, h->v[2] = v2, h->v[3] = v3;
    memcpy(h->buf, p, n);
    h->held = n;
}

static uint64_t merge(uint64_t acc, uint64_t v)
{
    return (acc ^ lane_round(0, v)) * P1 + P4;
}

uint64_t xxh64_digest(const struct xxh64 *h)
{
    uint64_t acc;
    if (h->total >= 32) {
        acc = rotl(h->v[0], 1) + rotl(h->v[1], 7) + rotl(h->v[2], 12) + rotl(h->v[3], 18);
        for (int i = 0; i < 4; i++)
            acc = merge(acc, h->v[i]);
    } else {
        acc = P5;
    }
    acc += h->total;
    const unsigned char *p = h->buf;
    size_t n = h->held;
    for (; n >= 8; p += 8, n -= 8)
        acc = rotl(acc ^ lane_round(0, le64(p)), 27) * P1 + P4;
    if (n >= 4) {
        acc = rotl(acc ^ (uint64_t)le32(p) * P1, 23) * P2 + P3;
        p += 4;
        n -= 4;
    }
    for (; n > 0; p++, n--)
        acc = rotl(acc ^ *p * P5, 11) * P1;
    acc ^= acc >> 33;
    acc *= P2;
    acc ^= acc >> 29;
    acc *= P3;
    acc ^= acc >> 32;
    return acc;
}
