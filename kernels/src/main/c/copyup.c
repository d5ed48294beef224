/* Copy-up (docs/guest-protocol.md "Disk volumes"): a volume mounted for the first time on a folder
 * that holds files in the image gets those files first, as a new Docker volume gets its mount
 * point's, so that an application finds its defaults (a configuration, an empty database) there
 * and keeps what it changes. Owners, modes, times and symbolic links are kept; hard links become
 * separate copies. The source is the image's folder, read through a descriptor opened before the
 * volume was mounted over it; nothing else runs yet, and the volume holds only lost+found.
 * The copy is made in a folder of its own on the volume (COPY_UP_STAGING), synced, and only then
 * moved into place: a copy that fails (a volume too small) leaves the volume new, with nothing
 * but that folder, which the next run removes before it tries again. */
#define _GNU_SOURCE
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

/* Two descriptors per level are open while a level is copied: well within the init's 1024. */
#define COPY_DEPTH_MAX 256

/* The entry's owner, mode (not a link's: it has none) and times, from the image's. */
static void keep_attributes(int dir, const char *name, const struct stat *st, const char *vol)
{
    struct timespec times[2] = {st->st_atim, st->st_mtim};
    if (fchownat(dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0
        || (!S_ISLNK(st->st_mode) && fchmodat(dir, name, st->st_mode & 07777, 0) < 0)
        || utimensat(dir, name, times, AT_SYMLINK_NOFOLLOW) < 0)
        fatal("volume %s: copy the image's %s: its owner, mode or times: %s", vol, name, strerror(errno));
}

static void copy_file(int src, int dst, const char *name, const struct stat *st, const char *vol)
{
    int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int out = in < 0 ? -1 : openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0)
        fatal("volume %s: copy the image's %s: %s", vol, name, strerror(errno));
    for (off_t left = st->st_size; left > 0;) {
        ssize_t n = sendfile(out, in, NULL, left > (1 << 30) ? (1 << 30) : (size_t)left);
        if (n <= 0)
            fatal("volume %s: copy the image's %s: %s", vol, name, n < 0 ? strerror(errno) : "it got shorter");
        left -= n;
    }
    close(in);
    if (close(out) < 0)
        fatal("volume %s: copy the image's %s: %s", vol, name, strerror(errno));
}

static void copy_link(int src, int dst, const char *name, const struct stat *st, const char *vol)
{
    char target[PATH_MAX];
    ssize_t n = readlinkat(src, name, target, sizeof target - 1);
    if (n < 0 || (size_t)n != (size_t)st->st_size)
        fatal("volume %s: copy the image's link %s: %s", vol, name, n < 0 ? strerror(errno) : "it changed");
    target[n] = '\0';
    if (symlinkat(target, dst, name) < 0)
        fatal("volume %s: copy the image's link %s: %s", vol, name, strerror(errno));
}

/* The names in folder `dir` but . and .., malloc'ed; *count set. Read whole, so that no listing
 * stays open while the tree below is copied. */
static char **list_names(int dir, size_t *count, const char *vol)
{
    int fd = dup(dir);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d)
        fatal("volume %s: read the image's folder: %s", vol, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = realloc(names, cap * sizeof *names);
        }
        if (!names || !(names[n++] = strdup(e->d_name)))
            fatal("volume %s: out of memory", vol);
    }
    closedir(d);
    *count = n;
    return names;
}

static void copy_tree(int src, int dst, const char *vol, int depth)
{
    if (depth > COPY_DEPTH_MAX)
        fatal("volume %s: the image's folder is more than %d levels deep to copy onto a new volume", vol,
              COPY_DEPTH_MAX);
    size_t count;
    char **names = list_names(src, &count, vol);
    for (size_t i = 0; i < count; i++) {
        const char *name = names[i];
        struct stat st;
        if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            fatal("volume %s: copy the image's %s: %s", vol, name, strerror(errno));
        if (S_ISDIR(st.st_mode)) {
            if (mkdirat(dst, name, 0700) < 0)
                fatal("volume %s: copy the image's folder %s: %s", vol, name, strerror(errno));
            int from = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            int to = from < 0 ? -1 : openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (to < 0)
                fatal("volume %s: copy the image's folder %s: %s", vol, name, strerror(errno));
            copy_tree(from, to, vol, depth + 1);
            close(from);
            close(to);
        } else if (S_ISREG(st.st_mode)) {
            copy_file(src, dst, name, &st, vol);
        } else if (S_ISLNK(st.st_mode)) {
            copy_link(src, dst, name, &st, vol);
        } else {
            free(names[i]); /* an image holds no device, pipe or socket */
            continue;
        }
        /* After a folder's entries, so that their making leaves its times as the image's. */
        keep_attributes(dst, name, &st, vol);
        free(names[i]);
    }
    free(names);
}

/* Removes entry `name` of `dir` and everything below it, never following a link; none is fine. */
static void remove_tree(int dir, const char *name, const char *vol, int depth)
{
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT)
            return;
        fatal("volume %s: remove %s: %s", vol, name, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        int sub = depth > COPY_DEPTH_MAX ? -1 : openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0)
            fatal("volume %s: remove %s: %s", vol, name, depth > COPY_DEPTH_MAX ? "too deep" : strerror(errno));
        size_t count;
        char **names = list_names(sub, &count, vol);
        for (size_t i = 0; i < count; i++) {
            remove_tree(sub, names[i], vol, depth + 1);
            free(names[i]);
        }
        free(names);
        close(sub);
    }
    if (unlinkat(dir, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
        fatal("volume %s: remove %s: %s", vol, name, strerror(errno));
}

void copy_up(int image_dir, int volume_dir, const char *vol)
{
    struct stat st;
    if (fstat(image_dir, &st) < 0)
        fatal("volume %s: read the image's folder: %s", vol, strerror(errno));
    remove_tree(volume_dir, COPY_UP_STAGING, vol, 0); /* what a copy that failed left */
    int staging = mkdirat(volume_dir, COPY_UP_STAGING, 0700) < 0 ? -1
                  : openat(volume_dir, COPY_UP_STAGING, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (staging < 0)
        fatal("volume %s: make %s: %s", vol, COPY_UP_STAGING, strerror(errno));
    copy_tree(image_dir, staging, vol, 0);
    /* The bytes on the disk before the names move (delayed allocation writes them last): a guest
     * stopped outright later must not leave the copies without their contents. */
    if (syncfs(staging) < 0)
        fatal("volume %s: sync the image's files copied onto it: %s", vol, strerror(errno));
    size_t count;
    char **names = list_names(staging, &count, vol);
    for (size_t i = 0; i < count; i++) {
        /* An image's lost+found replaces the volume's (empty: the volume is new). */
        if (renameat(staging, names[i], volume_dir, names[i]) < 0)
            fatal("volume %s: move the image's %s into place: %s", vol, names[i], strerror(errno));
        free(names[i]);
    }
    free(names);
    close(staging);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    if (unlinkat(volume_dir, COPY_UP_STAGING, AT_REMOVEDIR) < 0 || futimens(volume_dir, times) < 0)
        fatal("volume %s: finish the copy of the image's files: %s", vol, strerror(errno));
    if (syncfs(volume_dir) < 0)
        fatal("volume %s: sync the image's files copied onto it: %s", vol, strerror(errno));
}
