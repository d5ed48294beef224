/* Writes archive entries into the target folder without ever following a
 * symbolic link. */
#define _GNU_SOURCE
#include "receive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A copy of a name for messages: printable ASCII only, shortened. */
const char *shown(const char *name)
{
    static char out[200];
    size_t i = 0;
    for (; name[i] && i < sizeof out - 4; i++)
        out[i] = (name[i] >= 32 && name[i] < 127) ? name[i] : '?';
    if (name[i]) {
        memcpy(out + i, "...", 3);
        i += 3;
    }
    out[i] = '\0';
    return out;
}

/* "/a//./b/c" -> "a/b/c" in out; refuses relative names and ".." components. */
static int normalise(const char *name, char *out, char *err)
{
    if (name[0] != '/') {
        set_err(err, "refused entry \"%s\": not an absolute path", shown(name));
        return -1;
    }
    size_t o = 0;
    const char *p = name;
    while (*p) {
        while (*p == '/')
            p++;
        const char *start = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - start);
        if (len == 0 || (len == 1 && start[0] == '.'))
            continue;
        if (len == 2 && start[0] == '.' && start[1] == '.') {
            set_err(err, "refused entry \"%s\": it has a .. component", shown(name));
            return -1;
        }
        if (o > 0)
            out[o++] = '/';
        memcpy(out + o, start, len);
        o += len;
    }
    out[o] = '\0';
    return 0;
}

/* The open parent folder of the previous entry: archives list siblings together. */
static char g_parent[NAME_MAX_LEN + 1];
static int g_parent_fd = -1;
/* That folder has the set-group-ID bit: a file created in it takes the folder's group. */
static int g_parent_setgid;
/* Files are created by root: they are 0:0 unless the folder says otherwise. */
static int g_root;
static mode_t g_umask;

void parent_reset(void)
{
    if (g_parent_fd >= 0)
        close(g_parent_fd);
    g_parent_fd = -1;
    g_parent[0] = '\0';
}

/* Where folder rel goes on below folder prev ("" the root: any folder), or -1 if it does not. */
static long rest_below(const char *rel, const char *prev)
{
    size_t n = strlen(prev);
    if (n == 0)
        return 0;
    return strncmp(rel, prev, n) == 0 && rel[n] == '/' ? (long)n + 1 : -1;
}

/* Opens folder rel (normalised, "" for the root) under root_fd one component at a
 * time with O_NOFOLLOW, creating missing components with mode 0755. A folder below the
 * previous entry's is opened from that one: a tree listed from the top costs one level
 * per folder, not its whole depth (a chain of d folders cost d^2 calls). */
int open_parent(int root_fd, const char *rel, const char *name, char *err)
{
    if (g_parent_fd >= 0 && strcmp(rel, g_parent) == 0)
        return g_parent_fd;
    long rest = g_parent_fd >= 0 ? rest_below(rel, g_parent) : -1;
    int fd;
    if (rest >= 0) {
        fd = g_parent_fd;
        g_parent_fd = -1;
        g_parent[0] = '\0';
    } else {
        parent_reset();
        rest = 0;
        fd = dup(root_fd);
        if (fd < 0) {
            set_err(err, "dup: %s", strerror(errno));
            return -1;
        }
    }
    char path[NAME_MAX_LEN + 1];
    strcpy(path, rel + rest);
    char *save = NULL;
    for (char *c = strtok_r(path, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT) {
            if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
                set_err(err, "create folder for \"%s\": %s", shown(name), strerror(errno));
                close(fd);
                return -1;
            }
            next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (next >= 0)
                fchmod(next, 0755);
        }
        if (next < 0) {
            int e = errno;
            struct stat st;
            size_t upto = (size_t)rest + (size_t)(c - path) + strlen(c);
            char parent[NAME_MAX_LEN + 2];
            snprintf(parent, sizeof parent, "/%.*s", (int)upto, rel);
            if ((e == ELOOP || e == ENOTDIR) && fstatat(fd, c, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                const char *what = S_ISLNK(st.st_mode) ? "is a symbolic link" : "is not a folder";
                set_err(err, "refused entry \"%s\": its parent %s %s", shown(name), parent, what);
            } else {
                set_err(err, "open folder %s for \"%s\": %s", parent, shown(name), strerror(e));
            }
            close(fd);
            return -1;
        }
        close(fd);
        fd = next;
    }
    struct stat st;
    g_parent_setgid = fstat(fd, &st) < 0 || (st.st_mode & S_ISGID) != 0;
    strcpy(g_parent, rel);
    g_parent_fd = fd;
    return fd;
}

/* Makes room for a file or symbolic link: an old file or link goes, a folder stays. */
int leaf_clear(int dir, const char *leaf, const char *name, char *err)
{
    struct stat st;
    if (fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return 0;
    if (S_ISDIR(st.st_mode)) {
        set_err(err, "refused entry \"%s\": a folder already exists there", shown(name));
        return -1;
    }
    /* Its inode number may be given to the next file: a hard link must not take that one for it. */
    if (S_ISREG(st.st_mode) && st.st_nlink == 1)
        link_forget(st.st_dev, st.st_ino);
    if (unlinkat(dir, leaf, 0) < 0) {
        set_err(err, "replace \"%s\": %s", shown(name), strerror(errno));
        return -1;
    }
    return 0;
}

static int lenient;

static int owner(int rc, const struct entry *e, char *err)
{
    if (rc < 0 && !(lenient && errno == EPERM)) {
        set_err(err, "set owner of \"%s\": %s", shown(e->name), strerror(errno));
        return -1;
    }
    return 0;
}

/* created: a file this receive just made with its permission bits (umask 0), so that a file of
 * root's with no set-user-ID, set-group-ID or sticky bit needs no call for its owner or mode:
 * under TCG every system call is dear, and most entries are such files. */
static int finish_fd(int fd, const struct entry *e, int created, char *err)
{
    int owned = created && g_root && e->uid == 0 && e->gid == 0 && !g_parent_setgid;
    if (!owned && owner(fchown(fd, e->uid, e->gid), e, err) < 0)
        return -1;
    if ((!created || (e->mode & 07000) != 0) && fchmod(fd, e->mode & 07777) < 0) {
        set_err(err, "set mode of \"%s\": %s", shown(e->name), strerror(errno));
        return -1;
    }
    struct timespec t[2] = { { e->mtime, 0 }, { e->mtime, 0 } };
    futimens(fd, t);
    return 0;
}

/* Folder times are set after the last entry: creating children changes them. */
struct dir_time {
    char *rel;
    uint32_t mtime;
};
static struct dir_time *g_dirs;
static size_t g_ndirs, g_capdirs;

static void remember_dir(const char *rel, uint32_t mtime)
{
    if (g_ndirs == g_capdirs) {
        size_t cap = g_capdirs ? g_capdirs * 2 : 256;
        struct dir_time *n = realloc(g_dirs, cap * sizeof *n);
        if (!n)
            return;
        g_dirs = n;
        g_capdirs = cap;
    }
    char *copy = strdup(rel);
    if (copy)
        g_dirs[g_ndirs++] = (struct dir_time){ copy, mtime };
}

/* Opens folder rel under root_fd as open_parent does, creating nothing, from *prev (the folder
 * opened before, named prev_rel) when rel lies below it: by whole paths, a chain of d folders cost
 * d^2 lookups. *prev becomes rel's folder. */
static int open_below(int root_fd, const char *rel, int *prev, char *prev_rel)
{
    long rest = *prev >= 0 ? rest_below(rel, prev_rel) : -1;
    int fd = rest >= 0 ? *prev : dup(root_fd);
    if (rest < 0 && *prev >= 0)
        close(*prev);
    *prev = -1;
    prev_rel[0] = '\0';
    char path[NAME_MAX_LEN + 1];
    strcpy(path, rel + (rest >= 0 ? rest : 0));
    char *save = NULL;
    for (char *c = strtok_r(path, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
        int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        close(fd);
        fd = next;
    }
    if (fd >= 0) {
        *prev = fd;
        strcpy(prev_rel, rel);
    }
    return fd;
}

static void apply_dir_times(int root_fd)
{
    static char prev_rel[NAME_MAX_LEN + 1];
    int prev = -1;
    prev_rel[0] = '\0';
    for (size_t i = 0; i < g_ndirs; i++) {
        struct timespec t[2] = { { g_dirs[i].mtime, 0 }, { g_dirs[i].mtime, 0 } };
        int fd = root_fd >= 0 ? open_below(root_fd, g_dirs[i].rel, &prev, prev_rel) : -1;
        if (fd >= 0)
            futimens(fd, t);
        free(g_dirs[i].rel);
    }
    if (prev >= 0)
        close(prev);
    free(g_dirs);
    g_dirs = NULL;
    g_ndirs = g_capdirs = 0;
}

static int make_dir(struct rx *r, int root_fd, const char *rel, int dir, const char *leaf,
                    const struct entry *e, char *err)
{
    if (e->size != 0) {
        set_err(err, "malformed cpio entry \"%s\": a folder with %u data bytes", shown(e->name),
                e->size);
        return -1;
    }
    (void)r;
    int fd;
    if (!leaf) {
        fd = dup(root_fd);
    } else {
        if (mkdirat(dir, leaf, 0700) < 0 && errno != EEXIST) {
            set_err(err, "create folder \"%s\": %s", shown(e->name), strerror(errno));
            return -1;
        }
        fd = openat(dir, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
        set_err(err, "refused entry \"%s\": something other than a folder exists there",
                shown(e->name));
        return -1;
    }
    int rc = finish_fd(fd, e, 0, err);
    close(fd);
    remember_dir(rel, e->mtime);
    return rc;
}

static int make_file(struct rx *r, int dir, const char *leaf, const struct entry *e, char *err)
{
    /* Created at once where nothing is in the way (a fresh build: every file); what is there is
     * cleared first (an incremental build's replaced file), then the file is made. */
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(dir, leaf, flags, e->mode & 0777);
    if (fd < 0 && errno == EEXIST) {
        if (leaf_clear(dir, leaf, e->name, err) < 0)
            return -1;
        fd = openat(dir, leaf, flags, e->mode & 0777);
    }
    if (fd < 0) {
        set_err(err, "create \"%s\": %s", shown(e->name), strerror(errno));
        return -1;
    }
    int rc = rx_file_data(r, fd, e, err);
    if (rc == 0)
        rc = finish_fd(fd, e, 1, err);
    close(fd);
    return rc;
}

static int make_link(struct rx *r, int dir, const char *leaf, const struct entry *e, char *err)
{
    char target[NAME_MAX_LEN];
    if (e->size == 0 || e->size >= sizeof target) {
        set_err(err, "refused symbolic link \"%s\": target of %u bytes", shown(e->name), e->size);
        return -1;
    }
    if (rx_read(r, target, e->size, err) < 0)
        return -1;
    target[e->size] = '\0';
    if (strlen(target) != e->size) {
        set_err(err, "refused symbolic link \"%s\": target holds a NUL byte", shown(e->name));
        return -1;
    }
    if (leaf_clear(dir, leaf, e->name, err) < 0)
        return -1;
    if (symlinkat(target, dir, leaf) < 0) {
        set_err(err, "create symbolic link \"%s\": %s", shown(e->name), strerror(errno));
        return -1;
    }
    if (owner(fchownat(dir, leaf, e->uid, e->gid, AT_SYMLINK_NOFOLLOW), e, err) < 0)
        return -1;
    struct timespec t[2] = { { e->mtime, 0 }, { e->mtime, 0 } };
    utimensat(dir, leaf, t, AT_SYMLINK_NOFOLLOW);
    return 0;
}

int entry_create(struct rx *r, int root_fd, const struct entry *e, char *err)
{
    static char rel[NAME_MAX_LEN + 1];
    if (normalise(e->name, rel, err) < 0)
        return -1;
    uint32_t type = e->mode & 0170000;
    int removal = type == 0020000 && entries_removals_allowed();
    if (!removal && type != 0040000 && type != 0100000 && type != 0120000) {
        set_err(err, "refused entry \"%s\": type %06o is not a folder, file or symbolic link",
                shown(e->name), type);
        return -1;
    }
    char *slash = strrchr(rel, '/');
    const char *leaf = rel[0] ? rel : NULL;
    char parent[NAME_MAX_LEN + 1] = "";
    if (slash) {
        memcpy(parent, rel, (size_t)(slash - rel));
        parent[slash - rel] = '\0';
        leaf = slash + 1;
    }
    if (!leaf && type != 0040000) {
        set_err(err, "refused entry \"%s\": the root can only be %s", shown(e->name),
                removal ? "a folder, never removed" : "a folder");
        return -1;
    }
    int dir = open_parent(root_fd, parent, e->name, err);
    if (dir < 0)
        return -1;
    if (removal)
        return entry_remove(dir, leaf, e, err);
    if (type == 0040000)
        return make_dir(r, root_fd, rel, dir, leaf, e, err);
    if (type == 0100000 && link_known(e))
        return link_create(root_fd, dir, leaf, e, err);
    if (type == 0100000 && e->nlink > 1)
        return make_file(r, dir, leaf, e, err) < 0 ? -1 : link_remember(dir, leaf, rel, e, err);
    if (type == 0100000)
        return make_file(r, dir, leaf, e, err);
    return make_link(r, dir, leaf, e, err);
}

void entries_begin(int lenient_owner)
{
    lenient = lenient_owner;
    g_root = geteuid() == 0;
    g_umask = umask(0); /* files are created with their own permission bits */
    parent_reset();
}

/* root_fd < 0: the receive failed, only memory is released. */
void entries_end(int root_fd)
{
    parent_reset();
    links_reset();
    apply_dir_times(root_fd);
    umask(g_umask);
}
