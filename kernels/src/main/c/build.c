/* Build mode: format the disk, receive the image over TCP, make it bootable. */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEVICE_WAIT_MS 5000
#define IDLE_TIMEOUT_MS (120 * 1000)
#define TOOL_TIMEOUT_S 600
#define FWCFG_TOKEN "opt/io.jcap/token"
#define TOKEN_MAX 128
#define TOKEN_WAIT_MS 10000

/* Runs a tool; on failure the error names it with its status and output. */
static void run_tool(const char *what, char *const argv[])
{
    char out[1024], err[ERR_LEN] = "";
    long long start = now_ms();
    int st = run_capture(argv, out, sizeof out, TOOL_TIMEOUT_S, err);
    if (st < 0)
        fatal("%s failed: %s", what, err);
    one_line(out);
    if (st != 0)
        fatal("%s failed: status %d: %s", what, st, out);
    debug("%s done in %lld ms%s%s", what, now_ms() - start, out[0] ? ": " : "", out);
}

#ifndef GRND_INSECURE
#define GRND_INSECURE 0x0004
#endif

/* mke2fs asks libuuid for random UUIDs, which waits about a second a UUID when
 * the kernel's random pool is not ready yet (the usual case early under TCG,
 * without RDRAND or a virtio-rng device). Non-blocking kernel randomness is good
 * enough for a file system UUID and directory hash seed. */
static void new_uuid(char out[37])
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, GRND_INSECURE) != (ssize_t)sizeof b &&
        getrandom(b, sizeof b, GRND_NONBLOCK) != (ssize_t)sizeof b) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, b, sizeof b) != (ssize_t)sizeof b)
            fatal("no random bytes for a file system UUID: %s", strerror(errno));
        close(fd);
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
}

static void format_disk(const struct cmdline *c, const char *part)
{
    char uuid[37], seed[37], ext[80], inodes[16];
    if (c->uuid[0])
        snprintf(uuid, sizeof uuid, "%.36s", c->uuid);
    else
        new_uuid(uuid);
    new_uuid(seed);
    int ext4 = strcmp(c->fs, "ext4") == 0;
    snprintf(ext, sizeof ext, "%shash_seed=%s", ext4 ? "lazy_itable_init=0," : "", seed);
    char *argv[20] = { "/sbin/mke2fs", "-q", "-F", "-t", (char *)c->fs, "-b", "4096",
                       "-L", "jcaproot", "-U", uuid, "-E", ext };
    int n = 13;
    if (c->inodes > 0) {
        snprintf(inodes, sizeof inodes, "%d", c->inodes);
        argv[n++] = "-N";
        argv[n++] = inodes;
    }
    if (ext4) {
        argv[n++] = "-O";
        argv[n++] = "^64bit,^metadata_csum";
    }
    argv[n++] = (char *)part;
    argv[n] = NULL;
    debug("mke2fs -t %s -U %s -E %s%s%s%s %s", c->fs, uuid, ext, c->inodes > 0 ? " -N " : "",
          c->inodes > 0 ? inodes : "", ext4 ? " -O ^64bit,^metadata_csum" : "", part);
    run_tool("mke2fs", argv);
}

static int listen_on(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        fatal("socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 4) < 0)
        fatal("listen on port %d: %s", port, strerror(errno));
    return fd;
}

static int accept_one(int lfd, long long end, int accept_s)
{
    for (;;) {
        long long left = end - now_ms();
        if (left <= 0)
            fatal("no connection within %d s", accept_s);
        struct pollfd p = { lfd, POLLIN, 0 };
        int r = poll(&p, 1, (int)left);
        if (r <= 0)
            continue;
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0)
            return fd;
        if (errno != EINTR && errno != ECONNABORTED)
            fatal("accept: %s", strerror(errno));
    }
}

/* The build's token: what the host put in fw_cfg (docs/guest-protocol.md, "The stream's token").
 * Absent (a host that starts the builder itself, without jcap), any connection is taken. */
static char *token;
static size_t token_len;

static void read_token(void)
{
    char err[ERR_LEN] = "";
    int found = fwcfg_read(FWCFG_TOKEN, TOKEN_MAX, &token, &token_len, err);
    if (found < 0)
        fatal("the stream's token (fw_cfg %s): %s", FWCFG_TOKEN, err);
    if (found == 0)
        debug("no stream token in fw_cfg: any connection may send the stream");
}

/* 1 when the connection's first bytes are the token, read within TOKEN_WAIT_MS; 0 when it closed
 * before its first byte (one the host abandoned); -1 for other bytes, or too few in time. The
 * bytes are compared in constant time and never printed. */
static int token_check(int fd)
{
    char got[TOKEN_MAX];
    size_t have = 0;
    long long end = now_ms() + TOKEN_WAIT_MS;
    while (have < token_len) {
        long long left = end - now_ms();
        struct pollfd p = { fd, POLLIN, 0 };
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return -1;
        ssize_t n = recv(fd, got + have, token_len - have, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0 && have == 0)
            return 0;
        if (n <= 0)
            return -1;
        have += (size_t)n;
    }
    unsigned char diff = 0;
    for (size_t i = 0; i < token_len; i++)
        diff |= (unsigned char)(got[i] ^ token[i]);
    return diff == 0 ? 1 : -1;
}

/* Accepts until a connection brings data: a connection that closes before its
 * first byte is one the host abandoned (QEMU accepts on the host side early),
 * and one that does not start with the build's token is not the host's. */
static int receive(int lfd, int root_fd, int accept_s, struct rx_summary *s)
{
    long long end = now_ms() + (long long)accept_s * 1000;
    for (;;) {
        int fd = accept_one(lfd, end, accept_s);
        set_conn(fd);
        debug("connection accepted");
        if (send(fd, "JCAP1\n", 6, MSG_NOSIGNAL) != 6) {
            debug("banner not sent (%s); waiting for another connection", strerror(errno));
            set_conn(-1);
            close(fd);
            continue;
        }
        int checked = token ? token_check(fd) : 1;
        if (checked <= 0) {
            if (checked == 0)
                debug("connection closed before any data; waiting for another");
            else
                say("jcap-init: dropped a connection that did not start with the build's token; waiting"
                    " for the host's");
            set_conn(-1);
            close(fd);
            continue;
        }
        char err[ERR_LEN] = "";
        long long start = now_ms();
        int rc = cpio_receive(fd, root_fd, IDLE_TIMEOUT_MS, 0, s, err);
        if (rc == RX_EMPTY) {
            debug("connection closed before any data; waiting for another");
            set_conn(-1);
            close(fd);
            continue;
        }
        if (rc != RX_OK)
            fatal("%s", err);
        long long ms = now_ms() - start;
        debug("received %llu entries, %llu bytes in %lld ms (waiting for data %llu ms, reading %llu ms, "
              "checksum %llu ms, writing files %llu ms, the rest: headers, creating files, owners, modes)",
              (unsigned long long)s->entries, (unsigned long long)s->bytes, ms,
              (unsigned long long)s->ms_wait, (unsigned long long)s->ms_read,
              (unsigned long long)s->ms_sum, (unsigned long long)s->ms_write);
        return fd;
    }
}

/*
 * An incremental build replaces files on the previous build's file system: the blocks the old
 * bytes sat in are free now, but still hold them, and the host's image would keep them. Trimmed,
 * they read as zeros through the host's overlay (its drive passes discards on), and compacting
 * the image drops them. A disk without discard support only means a bigger image.
 */
/* linux/fs.h's, which musl's headers do not carry. */
struct fstrim_range {
    unsigned long long start, len, minlen;
};
#define FITRIM _IOWR('X', 121, struct fstrim_range)

static void trim_free_blocks(int root_fd)
{
    struct fstrim_range range = { 0, ULLONG_MAX, 0 };
    if (ioctl(root_fd, FITRIM, &range) < 0)
        debug("trim /mnt: %s (the freed blocks stay in the image)", strerror(errno));
    else
        debug("trimmed %llu bytes of free blocks", (unsigned long long)range.len);
}

_Noreturn void build_mode(const struct cmdline *c)
{
    char part[80];
    snprintf(part, sizeof part, "%s%d", c->disk, c->part);
    if (wait_for_path(part, DEVICE_WAIT_MS) < 0)
        fatal("partition %s did not appear within %d s (is the disk attached, partitioned, "
              "and virtio_blk in the load order?)", part, DEVICE_WAIT_MS / 1000);
    if (wait_for_path("/sys/class/net/eth0", DEVICE_WAIT_MS) < 0)
        fatal("network interface eth0 did not appear within %d s (is virtio_net in the load "
              "order?)", DEVICE_WAIT_MS / 1000);
    char err[ERR_LEN] = "";
    if (net_loopback(err) < 0 || net_static("eth0", err) < 0)
        fatal("%s", err);
    debug("network up: eth0 10.0.2.15/24 via 10.0.2.2");
    if (c->incremental)
        debug("jcap.incremental=1: keeping the file system on %s", part);
    else
        format_disk(c, part);
    entries_allow_removals(c->incremental);
    mkdir("/mnt", 0755);
    if (mount(part, "/mnt", c->fs, 0, NULL) < 0)
        fatal("mount %s (%s) on /mnt: %s", part, c->fs, strerror(errno));
    int root_fd = open("/mnt", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        fatal("open /mnt: %s", strerror(errno));
    read_token();
    int lfd = listen_on(c->port);
    say("JCAP-READY port=%d", c->port);

    struct rx_summary s;
    int fd = receive(lfd, root_fd, c->accept_s, &s);
    close(lfd);
    if (syncfs(root_fd) < 0)
        fatal("syncfs /mnt: %s", strerror(errno));
    struct stat st;
    if (fstatat(root_fd, "boot/extlinux", &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
        fatal("the image has no /boot/extlinux folder; it must hold extlinux.conf, the kernel "
              "and the initramfs");
    char *ext[] = { "/sbin/extlinux", "--install", "/mnt/boot/extlinux", NULL };
    run_tool("extlinux", ext);
    if (c->incremental)
        trim_free_blocks(root_fd);
    close(root_fd);
    /* Read-only, not unmounted: the remount writes what is left, empties the journal and marks
     * the file system clean, as an unmount does, without the unmount's eviction of every cached
     * page and inode (57-91 ms for a 118 MB image under TCG, against 6-8 ms). The disk is the
     * host's once the guest powered off. */
    if (mount(NULL, "/mnt", NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
        fatal("remount /mnt read-only: %s", strerror(errno));
    sync();

    char line[128];
    int n = snprintf(line, sizeof line, "OK entries=%llu bytes=%llu xxh64=%016llx\n",
                     (unsigned long long)s.entries, (unsigned long long)s.bytes,
                     (unsigned long long)s.xxh64);
    /* The same summary on the console first: QEMU's user network has been seen to close the
     * host's side without the last bytes when the guest powers off right after them. */
    say("JCAP-SUMMARY %.*s", n - 1, line);
    if (c->drop_summary)
        debug("jcap.drop_summary=1: the summary is not sent");
    else if (send(fd, line, (size_t)n, MSG_NOSIGNAL) != n)
        fatal("send summary: %s", strerror(errno));
    set_conn(-1);
    finish_conn(fd, 10000);
    say("JCAP-BUILD-DONE");
    power_off();
}
