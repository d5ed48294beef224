/* Container images' Volumes (docs/containers.md): the root is read-only, so each `volume` folder
 * of the configuration gets a tmpfs, writable, with the folder's own mode and owner (redis's
 * VOLUME /data belongs to its redis user). What the image holds in the folder is hidden, not
 * copied as Docker copies it into a new volume; the host warns at build time. */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

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
