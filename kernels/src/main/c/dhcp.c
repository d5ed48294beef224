/* A minimal DHCP client: DISCOVER, OFFER, REQUEST, ACK on a UDP socket bound to
 * the interface, with the BOOTP broadcast flag so that replies reach us before
 * the interface has an address. No renewal: the lease is taken for the VM's life. */
#define _GNU_SOURCE
#include "init.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

enum { DISCOVER = 1, OFFER = 2, REQUEST = 3, ACK = 5, NAK = 6 };

struct dhcp_msg {
    uint8_t op, htype, hlen, hops;
    uint32_t xid;
    uint16_t secs, flags;
    uint32_t ciaddr, yiaddr, siaddr, giaddr;
    uint8_t chaddr[16];
    uint8_t sname[64];
    uint8_t file[128];
    uint8_t cookie[4];
    uint8_t options[308];
} __attribute__((packed));

static const uint8_t COOKIE[4] = { 99, 130, 83, 99 };

static size_t build(struct dhcp_msg *m, int type, uint32_t xid, const uint8_t mac[6],
                    uint32_t want, uint32_t server)
{
    memset(m, 0, sizeof *m);
    m->op = 1;
    m->htype = 1;
    m->hlen = 6;
    m->xid = xid;
    m->flags = htons(0x8000);
    memcpy(m->chaddr, mac, 6);
    memcpy(m->cookie, COOKIE, 4);
    uint8_t *o = m->options;
    *o++ = 53, *o++ = 1, *o++ = (uint8_t)type;
    *o++ = 61, *o++ = 7, *o++ = 1;
    memcpy(o, mac, 6), o += 6;
    if (type == REQUEST) {
        *o++ = 50, *o++ = 4;
        memcpy(o, &want, 4), o += 4;
        *o++ = 54, *o++ = 4;
        memcpy(o, &server, 4), o += 4;
    }
    *o++ = 55, *o++ = 6, *o++ = 1, *o++ = 3, *o++ = 6, *o++ = 54, *o++ = 26, *o++ = 121;
    *o++ = 255;
    return sizeof *m; /* at least the 300 bytes old BOOTP relays expect */
}

/* Option 121 (RFC 3442): width, the significant octets of the destination, the router; a
 * width over 32 or a truncated entry makes the whole option invalid (0 routes). */
static int classless_routes(const uint8_t *v, size_t n, struct route *out, int max)
{
    int count = 0;
    size_t i = 0;
    while (i < n) {
        unsigned width = v[i++];
        size_t octets = (width + 7) / 8;
        if (width > 32 || i + octets + 4 > n)
            return 0;
        uint8_t dst[4] = { 0 };
        memcpy(dst, v + i, octets);
        i += octets;
        uint32_t mask = width == 0 ? 0 : htonl(0xffffffffu << (32 - width));
        struct route r;
        memcpy(&r.dst, dst, 4);
        r.dst &= mask;
        r.mask = mask;
        memcpy(&r.gateway, v + i, 4);
        i += 4;
        if (count < max)
            out[count++] = r;
    }
    return count;
}

int dhcp_parse_reply(const void *reply, size_t len, uint32_t xid, const uint8_t mac[6],
                     struct lease *l)
{
    const struct dhcp_msg *m = reply;
    if (len < offsetof(struct dhcp_msg, options) || m->op != 2 || m->xid != xid ||
        memcmp(m->chaddr, mac, 6) != 0 || memcmp(m->cookie, COOKIE, 4) != 0)
        return -1;
    memset(l, 0, sizeof *l);
    l->addr = m->yiaddr;
    int type = -1;
    const uint8_t *o = m->options, *end = (const uint8_t *)m + len;
    while (o < end && *o != 255) {
        if (*o == 0) {
            o++;
            continue;
        }
        if (o + 2 > end || o + 2 + o[1] > end)
            break;
        uint8_t code = o[0], n = o[1];
        const uint8_t *v = o + 2;
        if (code == 53 && n == 1)
            type = v[0];
        else if (code == 1 && n == 4)
            memcpy(&l->mask, v, 4);
        else if (code == 3 && n >= 4)
            memcpy(&l->router, v, 4);
        else if (code == 54 && n == 4)
            memcpy(&l->server, v, 4);
        else if (code == 6)
            for (int i = 0; i + 4 <= n && l->ndns < 3; i += 4)
                memcpy(&l->dns[l->ndns++], v + i, 4);
        else if (code == 26 && n == 2 && ((v[0] << 8) | v[1]) >= 68)
            l->mtu = (v[0] << 8) | v[1];
        else if (code == 121)
            l->nroutes = classless_routes(v, n, l->routes, LEASE_ROUTES);
        o += 2 + n;
    }
    return type;
}

static uint32_t new_xid(const uint8_t mac[6])
{
    uint32_t x;
    if (getrandom(&x, sizeof x, GRND_NONBLOCK) == (ssize_t)sizeof x)
        return x;
    x = (uint32_t)now_ms();
    for (int i = 0; i < 6; i++)
        x = x * 31 + mac[i];
    return x;
}

static int open_socket(const char *ifname, char *err)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        set_err(err, "dhcp socket: %s", strerror(errno));
        return -1;
    }
    int one = 1;
    struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(68) };
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) < 0 ||
        bind(fd, (struct sockaddr *)&me, sizeof me) < 0) {
        set_err(err, "dhcp socket on %s: %s", ifname, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int dhcp_obtain(const char *ifname, int timeout_ms, struct lease *l, char *err)
{
    uint8_t mac[6];
    if (if_up(ifname, err) < 0 || if_get_mac(ifname, mac, err) < 0)
        return -1;
    int fd = open_socket(ifname, err);
    if (fd < 0)
        return -1;
    uint32_t xid = new_xid(mac);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(67),
                              .sin_addr.s_addr = htonl(INADDR_BROADCAST) };
    struct dhcp_msg out, in;
    struct lease offer = { 0 };
    int state = DISCOVER, requests = 0, rc = -1;
    long long end = now_ms() + timeout_ms;
    while (rc < 0 && now_ms() < end) {
        if (state == REQUEST && ++requests > 3) {
            state = DISCOVER;
            requests = 0;
        }
        size_t n = build(&out, state, xid, mac, offer.addr, offer.server);
        if (sendto(fd, &out, n, 0, (struct sockaddr *)&to, sizeof to) < 0) {
            set_err(err, "dhcp send on %s: %s", ifname, strerror(errno));
            break;
        }
        long long wait_end = now_ms() + 1000;
        if (wait_end > end)
            wait_end = end;
        for (;;) {
            long long left = wait_end - now_ms();
            if (left <= 0)
                break;
            struct pollfd p = { fd, POLLIN, 0 };
            if (poll(&p, 1, (int)left) <= 0)
                continue;
            ssize_t got = recv(fd, &in, sizeof in, 0);
            if (got <= 0)
                continue;
            struct lease reply;
            int type = dhcp_parse_reply(&in, (size_t)got, xid, mac, &reply);
            if (state == DISCOVER && type == OFFER && reply.addr && reply.server) {
                offer = reply;
                state = REQUEST;
                requests = 0;
                break;
            }
            if (state == REQUEST && type == ACK && reply.addr == offer.addr) {
                *l = reply;
                if (!l->server)
                    l->server = offer.server;
                rc = 0;
                break;
            }
            if (state == REQUEST && type == NAK) {
                state = DISCOVER;
                break;
            }
        }
    }
    close(fd);
    if (rc < 0 && !err[0])
        set_err(err, "no DHCP lease on %s within %d ms", ifname, timeout_ms);
    return rc;
}

/* Applies the lease: the MTU, the address, then the routes. With classless static routes
 * (option 121) the router option is ignored (RFC 3442); routes on the link go first, so that a
 * gateway outside the subnet (GCE gives a /32 address) is reachable when its route is added;
 * a router outside the subnet gets a host route on the link for the same reason. */
int dhcp_apply(const char *ifname, const struct lease *l, char *err)
{
    uint32_t mask = l->mask ? l->mask : htonl(0xffffff00u);
    if (l->mtu && if_set_mtu(ifname, l->mtu, err) < 0)
        return -1;
    if (if_set_ipv4(ifname, l->addr, mask, err) < 0)
        return -1;
    if (l->nroutes > 0) {
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < l->nroutes; i++) {
                const struct route *r = &l->routes[i];
                if ((pass == 0) == (r->gateway == 0) &&
                    route_add(ifname, r->dst, r->mask, r->gateway, err) < 0)
                    return -1;
            }
        return 0;
    }
    if (!l->router)
        return 0;
    if ((l->router & mask) != (l->addr & mask) && route_add(ifname, l->router, 0xffffffffu, 0, err) < 0)
        return -1;
    return route_add_default(ifname, l->router, err);
}
