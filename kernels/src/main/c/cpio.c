/* The newc cpio receiver: streams entries from a socket into a folder without
 * ever following a symbolic link and without holding a whole file in memory. */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUF_SIZE 65536
#define HDR_SIZE 110
#define NAME_MAX_LEN 4096

/* The input side: a 64 KiB buffer; every byte that enters it is counted and checksummed. */
struct rx {
    int fd;
    int idle_ms;
    size_t pos, len;
    uint64_t bytes;
    uint32_t crc;
    int eof;
    unsigned char buf[BUF_SIZE];
};

static struct rx g_rx;

/* Reads more into the buffer (compacting it first); 0 on EOF, -1 on error. */
static int rx_more(struct rx *r, char *err)
{
    if (r->eof)
        return 0;
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    for (;;) {
        struct pollfd p = { r->fd, POLLIN, 0 };
        int pr = poll(&p, 1, r->idle_ms);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr < 0) {
            set_err(err, "poll: %s", strerror(errno));
            return -1;
        }
        if (pr == 0) {
            set_err(err, "no data for %d s after %llu bytes", r->idle_ms / 1000,
                    (unsigned long long)r->bytes);
            return -1;
        }
        ssize_t n = read(r->fd, r->buf + r->len, BUF_SIZE - r->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            set_err(err, "read after %llu bytes: %s", (unsigned long long)r->bytes,
                    strerror(errno));
            return -1;
        }
        if (n == 0) {
            r->eof = 1;
            return 0;
        }
        r->crc = crc32_update(r->crc, r->buf + r->len, (size_t)n);
        r->bytes += (uint64_t)n;
        r->len += (size_t)n;
        return 1;
    }
}

/* Makes at least want bytes available (want <= BUF_SIZE); 0 if EOF came first. */
static int rx_need(struct rx *r, size_t want, char *err)
{
    while (r->len - r->pos < want) {
        int m = rx_more(r, err);
        if (m <= 0)
            return m;
    }
    return 1;
}

static int rx_short(struct rx *r, char *err)
{
    set_err(err, "cpio stream ended inside an entry after %llu bytes",
            (unsigned long long)r->bytes);
    return -1;
}

static int rx_read(struct rx *r, void *dst, size_t n, char *err)
{
    char *d = dst;
    while (n > 0) {
        size_t want = n < BUF_SIZE ? n : BUF_SIZE;
        int m = rx_need(r, want, err);
        if (m < 0)
            return -1;
        if (m == 0)
            return rx_short(r, err);
        memcpy(d, r->buf + r->pos, want);
        r->pos += want;
        d += want;
        n -= want;
    }
    return 0;
}

/* Passes n bytes to out_fd (or drops them when out_fd < 0) in chunks of up to 64 KiB. */
static int rx_copy(struct rx *r, int out_fd, uint64_t n, const char *name, char *err)
{
    while (n > 0) {
        size_t want = n < BUF_SIZE ? (size_t)n : BUF_SIZE;
        if (r->len - r->pos < want) {
            int m = rx_need(r, want, err);
            if (m < 0)
                return -1;
            if (m == 0 && r->len == r->pos)
                return rx_short(r, err);
        }
        size_t chunk = r->len - r->pos;
        if (chunk > want)
            chunk = want;
        if (out_fd >= 0 && write_all(out_fd, r->buf + r->pos, chunk) < 0) {
            set_err(err, "write %s: %s", name, strerror(errno));
            return -1;
        }
        r->pos += chunk;
        n -= chunk;
    }
    return 0;
}

static int rx_pad(struct rx *r, uint64_t len, char *err)
{
    return rx_copy(r, -1, (4 - len % 4) % 4, "padding", err);
}

static int hex8(const unsigned char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        unsigned char ch = p[i];
        int d;
        if (ch >= '0' && ch <= '9')
            d = ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            d = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            d = ch - 'A' + 10;
        else
            return -1;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

/* A copy of a name for messages: printable ASCII only, shortened. */
static const char *shown(const char *name)
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

static void parent_reset(void)
{
    if (g_parent_fd >= 0)
        close(g_parent_fd);
    g_parent_fd = -1;
    g_parent[0] = '\0';
}

/* Opens folder rel (normalised, "" for the root) under root_fd one component at a
 * time with O_NOFOLLOW, creating missing components with mode 0755. */
static int open_parent(int root_fd, const char *rel, const char *name, char *err)
{
    if (g_parent_fd >= 0 && strcmp(rel, g_parent) == 0)
        return g_parent_fd;
    parent_reset();
    int fd = dup(root_fd);
    if (fd < 0) {
        set_err(err, "dup: %s", strerror(errno));
        return -1;
    }
    char path[NAME_MAX_LEN + 1];
    strcpy(path, rel);
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
            size_t upto = (size_t)(c - path) + strlen(c);
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
    strcpy(g_parent, rel);
    g_parent_fd = fd;
    return fd;
}

/* Makes room for a file or symbolic link: an old file or link goes, a folder stays. */
static int clear_leaf(int dir, const char *leaf, const char *name, char *err)
{
    struct stat st;
    if (fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return 0;
    if (S_ISDIR(st.st_mode)) {
        set_err(err, "refused entry \"%s\": a folder already exists there", shown(name));
        return -1;
    }
    if (unlinkat(dir, leaf, 0) < 0) {
        set_err(err, "replace \"%s\": %s", shown(name), strerror(errno));
        return -1;
    }
    return 0;
}

struct entry {
    const char *name; /* as in the archive, for messages */
    uint32_t mode, uid, gid, mtime, size;
};

static int lenient;

static int owner(int rc, const struct entry *e, char *err)
{
    if (rc < 0 && !(lenient && errno == EPERM)) {
        set_err(err, "set owner of \"%s\": %s", shown(e->name), strerror(errno));
        return -1;
    }
    return 0;
}

static int finish_fd(int fd, const struct entry *e, char *err)
{
    if (owner(fchown(fd, e->uid, e->gid), e, err) < 0)
        return -1;
    if (fchmod(fd, e->mode & 07777) < 0) {
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

static void apply_dir_times(int root_fd)
{
    for (size_t i = 0; i < g_ndirs; i++) {
        struct timespec t[2] = { { g_dirs[i].mtime, 0 }, { g_dirs[i].mtime, 0 } };
        int fd = g_dirs[i].rel[0]
                     ? openat(root_fd, g_dirs[i].rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                     : dup(root_fd);
        if (fd >= 0) {
            futimens(fd, t);
            close(fd);
        }
        free(g_dirs[i].rel);
    }
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
    int rc = finish_fd(fd, e, err);
    close(fd);
    remember_dir(rel, e->mtime);
    return rc;
}

static int make_file(struct rx *r, int dir, const char *leaf, const struct entry *e, char *err)
{
    if (clear_leaf(dir, leaf, e->name, err) < 0)
        return -1;
    int fd = openat(dir, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        set_err(err, "create \"%s\": %s", shown(e->name), strerror(errno));
        return -1;
    }
    int rc = rx_copy(r, fd, e->size, shown(e->name), err);
    if (rc == 0)
        rc = finish_fd(fd, e, err);
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
    if (clear_leaf(dir, leaf, e->name, err) < 0)
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

static int one_entry(struct rx *r, int root_fd, struct entry *e, char *err)
{
    static char rel[NAME_MAX_LEN + 1];
    if (normalise(e->name, rel, err) < 0)
        return -1;
    uint32_t type = e->mode & 0170000;
    if (type != 0040000 && type != 0100000 && type != 0120000) {
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
        set_err(err, "refused entry \"%s\": the root can only be a folder", shown(e->name));
        return -1;
    }
    int dir = open_parent(root_fd, parent, e->name, err);
    if (dir < 0)
        return -1;
    if (type == 0040000)
        return make_dir(r, root_fd, rel, dir, leaf, e, err);
    if (type == 0100000)
        return make_file(r, dir, leaf, e, err);
    return make_link(r, dir, leaf, e, err);
}

int cpio_receive(int in_fd, int root_fd, int idle_timeout_ms, int lenient_owner,
                 struct rx_summary *s, char *err)
{
    struct rx *r = &g_rx;
    r->fd = in_fd;
    r->idle_ms = idle_timeout_ms;
    r->pos = r->len = 0;
    r->bytes = 0;
    r->crc = 0;
    r->eof = 0;
    lenient = lenient_owner;
    parent_reset();
    static char name[NAME_MAX_LEN + 1];
    uint64_t entries = 0;
    int rc = -1;
    for (;;) {
        int m = rx_need(r, HDR_SIZE, err);
        if (m < 0)
            goto out;
        if (m == 0) {
            if (r->bytes == 0) {
                rc = RX_EMPTY;
                goto out;
            }
            set_err(err, "cpio stream ended after %llu bytes without the TRAILER!!! entry",
                    (unsigned long long)r->bytes);
            goto out;
        }
        unsigned char *h = r->buf + r->pos;
        uint32_t f[13];
        int bad = memcmp(h, "070701", 6) != 0;
        for (int i = 0; i < 13 && !bad; i++)
            bad = hex8(h + 6 + 8 * i, &f[i]) < 0;
        if (bad) {
            set_err(err, "malformed cpio header at byte %llu (expected newc magic 070701)",
                    (unsigned long long)(r->bytes - (r->len - r->pos)));
            goto out;
        }
        r->pos += HDR_SIZE;
        struct entry e = { name, f[1], f[2], f[3], f[5], f[6] };
        uint32_t namesize = f[11];
        if (namesize < 2 || namesize > NAME_MAX_LEN) {
            set_err(err, "malformed cpio header: name size %u", namesize);
            goto out;
        }
        if (rx_read(r, name, namesize, err) < 0 || rx_pad(r, HDR_SIZE + namesize, err) < 0)
            goto out;
        if (name[namesize - 1] != '\0') {
            set_err(err, "malformed cpio header: name not terminated");
            goto out;
        }
        if (strcmp(name, "TRAILER!!!") == 0) {
            if (rx_copy(r, -1, e.size, "trailer", err) < 0)
                goto out;
            break;
        }
        if (one_entry(r, root_fd, &e, err) < 0 || rx_pad(r, e.size, err) < 0)
            goto out;
        entries++;
    }
    /* Bytes after the trailer are counted and checksummed, nothing more. */
    for (;;) {
        r->pos = r->len;
        int m = rx_more(r, err);
        if (m < 0)
            goto out;
        if (m == 0)
            break;
    }
    apply_dir_times(root_fd);
    s->entries = entries;
    s->bytes = r->bytes;
    s->crc = r->crc;
    rc = RX_OK;
out:
    parent_reset();
    if (rc != RX_OK)
        apply_dir_times(-1);
    return rc;
}
