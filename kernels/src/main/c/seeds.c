/* Seed drives: a block device whose file system is labelled cidata/CIDATA (NoCloud) or
 * config-2 (OpenStack config drive), iso9660 or vfat, read directly from the device: no
 * kernel module or mount is needed. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int dev_read(void *ctx, uint64_t off, void *buf, size_t n)
{
    int fd = *(int *)ctx;
    for (size_t done = 0; done < n;) {
        ssize_t r = pread(fd, (char *)buf + done, n - done, (off_t)(off + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        done += (size_t)r;
    }
    return 0;
}

struct seed {
    int fd;
    struct volume v;
    int iso; /* 1: iso9660, 0: vfat */
};

static int seed_file(struct seed *s, const char *path, char **out, size_t *len, char *err)
{
    return s->iso ? iso_read(&s->v, path, CLOUD_FILE_MAX, out, len, err)
                  : fat_read(&s->v, path, CLOUD_FILE_MAX, out, len, err);
}

/* Opens the first block device labelled one of the labels (case-insensitive). */
static int find_seed(const char *label, struct seed *s, char *dev, size_t devlen)
{
    DIR *d = opendir("/sys/class/block");
    if (!d)
        return 0;
    struct dirent *e;
    int found = 0;
    while (!found && (e = readdir(d))) {
        if (e->d_name[0] == '.' || strncmp(e->d_name, "loop", 4) == 0 ||
            strncmp(e->d_name, "ram", 3) == 0)
            continue;
        snprintf(dev, devlen, "/dev/%s", e->d_name);
        s->fd = open(dev, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0)
            continue;
        off_t size = lseek(s->fd, 0, SEEK_END); /* a block device's size */
        if (size < 8 * 1024) {
            close(s->fd);
            continue;
        }
        s->v = (struct volume){ dev_read, &s->fd, (uint64_t)size };
        char l[33];
        if (iso_label(&s->v, l) == 0 && strcasecmp(l, label) == 0)
            found = s->iso = 1;
        else if (fat_label(&s->v, l) == 0 && strcasecmp(l, label) == 0)
            found = 1, s->iso = 0;
        else
            close(s->fd);
    }
    closedir(d);
    if (found)
        s->v.ctx = &s->fd;
    return found;
}

/* A file of the seed given to apply; a missing one is fine, a bad one is reported. */
static void use_file(struct seed *s, struct cloud_config *c, const char *dev, const char *path,
                     int (*apply)(struct cloud_config *, const char *, size_t, char *))
{
    char *data, err[ERR_LEN] = "";
    size_t len;
    int r = seed_file(s, path, &data, &len, err);
    if (r < 0)
        say("jcap-init: cloud-init: %s %s not read: %s", dev, path, err);
    if (r <= 0)
        return;
    if (apply(c, data, len, err) < 0)
        say("jcap-init: cloud-init: %s %s not applied: %s", dev, path, err);
    free(data);
}

static int meta_yaml(struct cloud_config *c, const char *d, size_t n, char *err)
{
    return cloud_meta_data(c, d, n, 0, err);
}

static int meta_json(struct cloud_config *c, const char *d, size_t n, char *err)
{
    return cloud_meta_data(c, d, n, 1, err);
}

int seed_drives(struct cloud_config *c, char *source, size_t srclen)
{
    struct seed s;
    char dev[300];
    if (find_seed("cidata", &s, dev, sizeof dev)) {
        snprintf(source, srclen, "NoCloud %s (%s)", dev, s.iso ? "iso9660" : "vfat");
        use_file(&s, c, dev, "meta-data", meta_yaml);
        use_file(&s, c, dev, "user-data", cloud_user_data);
        /* network-config: DHCP on the first NIC is what the init does; other settings are
         * not applied (docs/cloud.md). */
        char *nc;
        size_t nl;
        char err[ERR_LEN];
        if (seed_file(&s, "network-config", &nc, &nl, err) > 0) {
            free(nc);
            c->network_config = 1;
        }
        close(s.fd);
        return 1;
    }
    if (find_seed("config-2", &s, dev, sizeof dev)) {
        snprintf(source, srclen, "OpenStack config drive %s (%s)", dev, s.iso ? "iso9660" : "vfat");
        use_file(&s, c, dev, "openstack/latest/meta_data.json", meta_json);
        use_file(&s, c, dev, "openstack/latest/user_data", cloud_user_data);
        close(s.fd);
        return 1;
    }
    return 0;
}
