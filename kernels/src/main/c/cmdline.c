/* The jcap.* parameters of the kernel command line. */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int set_value(char *dst, size_t cap, const char *key, const char *v, char *err)
{
    if (strlen(v) >= cap || v[0] == '\0') {
        set_err(err, "bad kernel parameter jcap.%s=%s (empty or longer than %zu characters)",
                key, v, cap - 1);
        return -1;
    }
    strcpy(dst, v);
    return 0;
}

/* A decimal number from min to max, the whole of v. */
static int parse_int(const char *v, long min, long max, int *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || n < min || n > max)
        return -1;
    *out = (int)n;
    return 0;
}

/* A file system UUID as mke2fs takes it: 8-4-4-4-12 lower- or upper-case hex digits. */
int is_uuid(const char *v)
{
    for (int i = 0; i < 36; i++) {
        char ch = v[i];
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? ch != '-' : !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
            return 0;
    }
    return v[36] == '\0';
}

static int parse_param(struct cmdline *c, const char *key, const char *v, char *err)
{
    if (strcmp(key, "mode") == 0) {
        if (strcmp(v, "build") == 0)
            c->build = 1;
        else if (strcmp(v, "run") == 0)
            c->build = 0;
        else
            goto bad;
    } else if (strcmp(key, "port") == 0) {
        if (parse_int(v, 1, 65535, &c->port) < 0)
            goto bad;
    } else if (strcmp(key, "accept") == 0) {
        if (parse_int(v, 1, 86400, &c->accept_s) < 0)
            goto bad;
    } else if (strcmp(key, "part") == 0) {
        if (parse_int(v, 1, 128, &c->part) < 0)
            goto bad;
    } else if (strcmp(key, "inodes") == 0) {
        if (parse_int(v, 1, 1 << 30, &c->inodes) < 0)
            goto bad;
    } else if (strcmp(key, "disk") == 0) {
        if (strncmp(v, "/dev/", 5) != 0)
            goto bad;
        return set_value(c->disk, sizeof c->disk - 1, key, v, err);
    } else if (strcmp(key, "root") == 0) {
        if (strncmp(v, "/dev/", 5) != 0 && !(strncmp(v, "UUID=", 5) == 0 && is_uuid(v + 5)) &&
            !(strncmp(v, "LABEL=", 6) == 0 && v[6] != '\0' && strlen(v + 6) <= 16))
            goto bad;
        return set_value(c->root, sizeof c->root, key, v, err);
    } else if (strcmp(key, "uuid") == 0) {
        if (!is_uuid(v))
            goto bad;
        return set_value(c->uuid, sizeof c->uuid, key, v, err);
    } else if (strcmp(key, "modules") == 0) {
        if (strcmp(v, "devices") == 0)
            c->all_modules = 0;
        else if (strcmp(v, "all") == 0)
            c->all_modules = 1;
        else
            goto bad;
    } else if (strcmp(key, "fs") == 0) {
        if (strcmp(v, "ext4") != 0 && strcmp(v, "ext2") != 0)
            goto bad;
        return set_value(c->fs, sizeof c->fs, key, v, err);
    } else if (strcmp(key, "rw") == 0) {
        c->rw = strcmp(v, "1") == 0;
    } else if (strcmp(key, "net") == 0) {
        if (strcmp(v, "dhcp") == 0)
            c->net = NET_DHCP;
        else if (strcmp(v, "none") == 0)
            c->net = NET_NONE;
        else if (strcmp(v, "static") == 0)
            c->net = NET_STATIC;
        else
            goto bad;
    } else if (strcmp(key, "debug") == 0) {
        c->debug = strcmp(v, "1") == 0;
    } else if (strcmp(key, "incremental") == 0) {
        if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
            goto bad;
        c->incremental = v[0] == '1';
    } else if (strcmp(key, "drop_summary") == 0) {
        c->drop_summary = strcmp(v, "1") == 0;
    } else if (strcmp(key, "stall_power_off") == 0) {
        c->stall_power_off = strcmp(v, "1") == 0;
    } else if (strcmp(key, "seed") == 0) {
        if (strcmp(v, "none") == 0)
            c->no_seed = 1;
        else if (strcmp(v, "scan") == 0)
            c->no_seed = 0;
        else
            goto bad;
    }
    return 0;
bad:
    set_err(err, "bad kernel parameter jcap.%s=%s (see docs/guest-protocol.md)", key, v);
    return -1;
}

/* Parses a kernel command line (NUL-terminated, cut into tokens in place) into c. */
int parse_cmdline(char *buf, struct cmdline *c, char *err)
{
    memset(c, 0, sizeof *c);
    c->port = 10000;
    c->accept_s = 600;
    c->part = 1;
    strcpy(c->disk, "/dev/vda");
    strcpy(c->fs, "ext4");
    strcpy(c->root, "/dev/vda1");
    c->net = NET_DHCP;

    char *save = NULL;
    for (char *tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
        if (strcmp(tok, "--") == 0)
            break;
        if (strncmp(tok, "jcap.", 5) != 0)
            continue;
        char *eq = strchr(tok, '=');
        if (!eq)
            continue;
        *eq = '\0';
        if (parse_param(c, tok + 5, eq + 1, err) < 0)
            return -1;
    }
    return 0;
}

int read_cmdline(struct cmdline *c, char *err)
{
    char buf[4096];
    int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_err(err, "open /proc/cmdline: %s", strerror(errno));
        return -1;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) {
        set_err(err, "read /proc/cmdline: %s", strerror(errno));
        return -1;
    }
    buf[n] = '\0';
    return parse_cmdline(buf, c, err);
}
