/* Interface configuration with the classic ioctls (no netlink, no tools). */
#define _GNU_SOURCE
#include "init.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdio.h>
#include <unistd.h>

static int ctl_socket(char *err)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        set_err(err, "socket: %s", strerror(errno));
    return fd;
}

static void ifr_init(struct ifreq *ifr, const char *ifname)
{
    memset(ifr, 0, sizeof *ifr);
    strncpy(ifr->ifr_name, ifname, IFNAMSIZ - 1);
}

static void put_addr(struct sockaddr *sa, uint32_t addr)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = addr;
    memcpy(sa, &sin, sizeof sin);
}

int if_up(const char *ifname, char *err)
{
    int fd = ctl_socket(err);
    if (fd < 0)
        return -1;
    struct ifreq ifr;
    ifr_init(&ifr, ifname);
    int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP;
        rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    if (rc < 0)
        set_err(err, "bring up %s: %s", ifname, strerror(errno));
    close(fd);
    return rc;
}

/* addr and mask in network byte order. */
int if_set_ipv4(const char *ifname, uint32_t addr, uint32_t mask, char *err)
{
    int fd = ctl_socket(err);
    if (fd < 0)
        return -1;
    struct ifreq ifr;
    ifr_init(&ifr, ifname);
    put_addr(&ifr.ifr_addr, addr);
    int rc = ioctl(fd, SIOCSIFADDR, &ifr);
    const char *what = "address";
    if (rc == 0) {
        ifr_init(&ifr, ifname);
        put_addr(&ifr.ifr_netmask, mask);
        rc = ioctl(fd, SIOCSIFNETMASK, &ifr);
        what = "netmask";
    }
    if (rc == 0) {
        ifr_init(&ifr, ifname);
        put_addr(&ifr.ifr_broadaddr, addr | ~mask);
        rc = ioctl(fd, SIOCSIFBRDADDR, &ifr);
        what = "broadcast address";
    }
    if (rc < 0)
        set_err(err, "set %s of %s: %s", what, ifname, strerror(errno));
    close(fd);
    return rc;
}

int route_add_default(const char *ifname, uint32_t gateway, char *err)
{
    return route_add(ifname, 0, 0, gateway, err);
}

int route_add(const char *ifname, uint32_t dst, uint32_t mask, uint32_t gateway, char *err)
{
    int fd = ctl_socket(err);
    if (fd < 0)
        return -1;
    struct rtentry rt;
    memset(&rt, 0, sizeof rt);
    put_addr(&rt.rt_dst, dst & mask);
    put_addr(&rt.rt_genmask, mask);
    put_addr(&rt.rt_gateway, gateway);
    rt.rt_flags = RTF_UP | (gateway ? RTF_GATEWAY : 0) | (mask == 0xffffffffu ? RTF_HOST : 0);
    char dev[IFNAMSIZ];
    strncpy(dev, ifname, sizeof dev - 1);
    dev[sizeof dev - 1] = '\0';
    rt.rt_dev = dev;
    int rc = ioctl(fd, SIOCADDRT, &rt);
    if (rc < 0 && errno == EEXIST)
        rc = 0;
    if (rc < 0) {
        char d[16];
        snprintf(d, sizeof d, "%s", inet_ntoa((struct in_addr){ dst & mask }));
        set_err(err, "add route to %s/%d via %s on %s: %s", d, __builtin_popcount(mask),
                gateway ? inet_ntoa((struct in_addr){ gateway }) : "the link", ifname, strerror(errno));
    }
    close(fd);
    return rc;
}

int if_set_mtu(const char *ifname, int mtu, char *err)
{
    int fd = ctl_socket(err);
    if (fd < 0)
        return -1;
    struct ifreq ifr;
    ifr_init(&ifr, ifname);
    ifr.ifr_mtu = mtu;
    int rc = ioctl(fd, SIOCSIFMTU, &ifr);
    if (rc < 0)
        set_err(err, "set the MTU of %s to %d: %s", ifname, mtu, strerror(errno));
    close(fd);
    return rc;
}

int if_get_mac(const char *ifname, uint8_t mac[6], char *err)
{
    int fd = ctl_socket(err);
    if (fd < 0)
        return -1;
    struct ifreq ifr;
    ifr_init(&ifr, ifname);
    int rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
    if (rc < 0)
        set_err(err, "read hardware address of %s: %s", ifname, strerror(errno));
    else
        memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    close(fd);
    return rc;
}

int net_loopback(char *err)
{
    if (if_set_ipv4("lo", htonl(INADDR_LOOPBACK), htonl(0xff000000u), err) < 0)
        return -1;
    return if_up("lo", err);
}

/* QEMU user networking's fixed plan: 10.0.2.15/24 via 10.0.2.2. */
int net_static(const char *ifname, char *err)
{
    if (if_up(ifname, err) < 0)
        return -1;
    if (if_set_ipv4(ifname, inet_addr("10.0.2.15"), inet_addr("255.255.255.0"), err) < 0)
        return -1;
    return route_add_default(ifname, inet_addr("10.0.2.2"), err);
}
