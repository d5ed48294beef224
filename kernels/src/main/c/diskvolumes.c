/* Disk volumes (`jcap run --volume NAME:/data`, docs/guest-protocol.md "Disk volumes"): a disk the host
 * attaches with a serial of its choosing, holding an ext2/3/4 file system, mounted on a folder of
 * the image before the application starts and unmounted after it ended, so that what the
 * application wrote there is on the disk, clean, when the guest powers off. */
#define _GNU_SOURCE
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* How long a volume's disk may take to appear after the root's (its driver is the root's). */
#define VOLUME_WAIT_MS 5000
#define SERIAL_MAX 20 /* virtio-blk's serial is at most 20 bytes */

static int serial_ok(const char *s, size_t n)
{
    if (n == 0 || n > SERIAL_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

int disk_volume_parse(char *value, struct disk_volume *out)
{
    char *mode = strchr(value, ' ');
    if (!mode || !serial_ok(value, (size_t)(mode - value)))
        return -1;
    *mode++ = '\0';
    char *path = strchr(mode, ' ');
    if (!path)
        return -1;
    *path++ = '\0';
    if (strcmp(mode, "rw") != 0 && strcmp(mode, "ro") != 0)
        return -1;
    if (!volume_path_ok(path))
        return -1;
    out->serial = value;
    out->read_only = mode[1] == 'o';
    out->path = path;
    return 0;
}

/* Whether block device `name` is a virtio disk whose serial is `serial` (/sys/class/block/NAME/serial). */
static int has_serial(const char *name, const void *serial)
{
    char path[96], text[SERIAL_MAX + 2] = "";
    snprintf(path, sizeof path, "/sys/class/block/%.32s/serial", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ' || text[n - 1] == '\0'))
        n--;
    return n > 0 && (size_t)n == strlen(serial) && memcmp(text, serial, (size_t)n) == 0;
}

/* Whether the folder holds nothing but lost+found (and a copy-up that failed): a volume mounted
 * for the first time. */
static int fresh(int dir)
{
    int fd = dup(dir);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    int empty = 1;
    struct dirent *e;
    while (empty && (e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 && strcmp(e->d_name, "lost+found") != 0
            && strcmp(e->d_name, COPY_UP_STAGING) != 0)
            empty = 0;
    closedir(d);
    return empty;
}

void mount_disk_volumes(const struct app *a)
{
    for (int i = 0; i < a->diskc; i++) {
        const struct disk_volume *v = &a->disks[i];
        char dev[64];
        long long end = now_ms() + VOLUME_WAIT_MS;
        while (!find_block_device(has_serial, v->serial, dev, sizeof dev)) {
            if (now_ms() >= end)
                fatal("volume %s: no disk with serial %s appeared within %d s", v->path, v->serial,
                      VOLUME_WAIT_MS / 1000);
            sleep_ms(20);
            modules_poll();
        }
        volume_make_under_tmp(v->path);
        struct stat st;
        /* lstat: a link named as a mount point would put the volume wherever it points. */
        if (lstat(v->path, &st) < 0 || !S_ISDIR(st.st_mode))
            fatal("volume %s: the image has no folder there to mount the volume on (add an empty folder %s to the"
                  " image's files)", v->path, v->path);
        /* The image's folder, still readable through this once the volume hides it (copy-up, which
         * only a read-write volume gets). */
        int image_dir = v->read_only ? -1 : open(v->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        unsigned long flags = MS_NOSUID | MS_NODEV | (v->read_only ? MS_RDONLY : 0);
        int mounted = mount(dev, v->path, "ext4", flags, NULL);
        if (mounted < 0 && errno == EROFS && v->read_only) {
            /* A volume whose guest was stopped outright has a journal to replay, which a read-only
             * disk cannot take: mount it as its blocks are, without the last writes. */
            mounted = mount(dev, v->path, "ext4", flags, "norecovery");
            if (mounted == 0)
                say("jcap-init: volume %s was not unmounted cleanly (its guest was stopped outright): mounted"
                    " read-only without replaying its journal, so its last writes may be missing; mount it"
                    " read-write once to recover them", v->path);
        }
        if (mounted < 0)
            fatal("volume %s: mount %s (%s, %s): %s%s", v->path, dev, v->serial, v->read_only ? "ro" : "rw",
                  strerror(errno), errno == EINVAL ? " (the volume holds no ext2/3/4 file system)" : "");
        if (!v->read_only) {
            /* A new volume takes the mount point's owner, mode and files, as Docker's does, so that
             * an application running as another user may write there and finds its defaults. */
            int dir = open(v->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (dir >= 0 && fresh(dir)) {
                if (fchown(dir, st.st_uid, st.st_gid) < 0 || fchmod(dir, st.st_mode & 07777) < 0)
                    fatal("volume %s: give it the folder's owner and mode: %s", v->path, strerror(errno));
                if (image_dir >= 0) {
                    copy_up(image_dir, dir, v->path);
                    debug("volume %s: new, the image's files copied onto it", v->path);
                }
            }
            if (dir >= 0)
                close(dir);
        }
        if (image_dir >= 0)
            close(image_dir);
        debug("volume %s: %s (serial %s) mounted %s", v->path, dev, v->serial,
              v->read_only ? "read-only" : "read-write");
    }
}

void unmount_disk_volumes(const struct app *a)
{
    for (int i = a->diskc - 1; i >= 0; i--) {
        const char *path = a->disks[i].path;
        if (umount2(path, 0) == 0) {
            debug("volume %s: unmounted", path);
            continue;
        }
        /* Still busy (a process that outlived SIGKILL's wait): read-only at least, so the file
         * system is clean on the disk. */
        int why = errno;
        if (mount(NULL, path, NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
            say("jcap-init: volume %s: unmount: %s; remount read-only: %s", path, strerror(why), strerror(errno));
        else
            debug("volume %s: unmount: %s; remounted read-only", path, strerror(why));
    }
}
