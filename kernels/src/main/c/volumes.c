/* Container images' Volumes (docs/containers.md): the root is read-only, so each `volume` folder
 * of the configuration gets a tmpfs, writable, with the folder's own mode and owner (redis's
 * VOLUME /data belongs to its redis user). What the image holds in the folder is hidden, not
 * copied as Docker copies it into a new volume; the host warns at build time. */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* The image's /tmp, under the tmpfs the init mounts there: -1 when it has none. */
static int g_image_tmp = -1;

void volumes_keep_image_tmp(void)
{
    g_image_tmp = open("/tmp", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/*
 * A volume under /tmp: the image's folder is hidden by the fresh /tmp tmpfs, so it is made there
 * again, each missing folder on the way with the mode and owner the image gives it (lstat'ed
 * under the tmpfs, never following a link), before the volume's own tmpfs goes on top.
 */
void volume_make_under_tmp(const char *path)
{
    if (g_image_tmp < 0 || strncmp(path, "/tmp/", 5) != 0)
        return;
    char part[4096];
    size_t len = strlen(path);
    if (len >= sizeof part)
        return;
    for (size_t end = 5; end <= len; end++) {
        if (path[end] != '/' && path[end] != '\0')
            continue;
        memcpy(part, path, end);
        part[end] = '\0';
        struct stat image, here;
        if (lstat(part, &here) == 0)
            continue;
        if (fstatat(g_image_tmp, part + 5, &image, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(image.st_mode))
            return;
        if (mkdir(part, 0700) < 0 || chown(part, image.st_uid, image.st_gid) < 0
            || chmod(part, image.st_mode & 07777) < 0)
            fatal("volume %s: make %s on /tmp's tmpfs: %s", path, part, strerror(errno));
    }
}

int volume_path_ok(const char *path)
{
    if (path[0] != '/' || path[1] == '\0')
        return 0;
    for (const char *p = path; *p;) {
        const char *start = ++p; /* past the '/' */
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - start);
        if (len == 0 || (len == 1 && start[0] == '.') || (len == 2 && start[0] == '.' && start[1] == '.'))
            return 0;
    }
    return 1;
}

void mount_volumes(const struct app *a)
{
    for (int i = 0; i < a->volumec; i++) {
        const char *path = a->volumes[i];
        volume_make_under_tmp(path);
        struct stat st;
        /* lstat: a link named as a volume would put the tmpfs wherever it points. */
        if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
            fatal("volume %s: the root file system has no folder there (the host adds one for each of the image's"
                  " Volumes)", path);
        char options[96];
        snprintf(options, sizeof options, "mode=%o,uid=%u,gid=%u", (unsigned)(st.st_mode & 07777),
                 (unsigned)st.st_uid, (unsigned)st.st_gid);
        if (mount("volume", path, "tmpfs", MS_NODEV, options) < 0)
            fatal("volume %s: mount tmpfs: %s", path, strerror(errno));
        debug("volume %s: tmpfs, %s", path, options);
    }
}
