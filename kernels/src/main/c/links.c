/* Hard links in the cpio stream (docs/guest-protocol.md, build mode): newc gives every name of
 * one file the same inode number and a link count above 1. jcap's host sends the bytes with the
 * first name and none with the others, so the first name is written as a file and remembered,
 * and each further name becomes link(2) of it. The first name is reached again from the root one
 * component at a time without following a link, and must still be the very file received, so a
 * link can name nothing but a file of this stream inside the root. */
#define _GNU_SOURCE
#include "receive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bounds the memory a stream of hard-linked files takes in the builder guest. */
#define LINK_NAMES_MAX (16u << 20)

/* The first name of a hard-linked file: its header (further names must agree) and what it became. */
struct first_name {
    uint32_t ino, mode, uid, gid;
    dev_t st_dev;
    ino_t st_ino; /* 0 once the file was replaced while it had no other name */
    char *rel;    /* normalised, relative to the root */
};

static struct first_name *g_table; /* open addressing by the stream's inode number */
static size_t g_cap, g_used, g_name_bytes;

static size_t slot_of(uint32_t ino)
{
    size_t i = (size_t)(ino * 2654435761u) & (g_cap - 1);
    while (g_table[i].rel && g_table[i].ino != ino)
        i = (i + 1) & (g_cap - 1);
    return i;
}

static struct first_name *find(uint32_t ino)
{
    if (!g_cap)
        return NULL;
    struct first_name *f = &g_table[slot_of(ino)];
    return f->rel ? f : NULL;
}

static int grow(void)
{
    size_t cap = g_cap ? g_cap * 2 : 256;
    struct first_name *old = g_table, *table = calloc(cap, sizeof *table);
    if (!table)
        return -1;
    size_t old_cap = g_cap;
    g_table = table;
    g_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].rel)
            g_table[slot_of(old[i].ino)] = old[i];
    free(old);
    return 0;
}

int link_known(const struct entry *e)
{
    return e->nlink > 1 && find(e->ino) != NULL;
}

int link_remember(int dir, const char *leaf, const char *rel, const struct entry *e, char *err)
{
    struct stat st;
    if (fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        set_err(err, "stat \"%s\": %s", shown(e->name), strerror(errno));
        return -1;
    }
    size_t len = strlen(rel) + 1;
    if (g_name_bytes + len > LINK_NAMES_MAX) {
        set_err(err, "refused entry \"%s\": the names of hard-linked files exceed %u bytes", shown(e->name),
                LINK_NAMES_MAX);
        return -1;
    }
    if ((g_used + 1) * 2 > g_cap && grow() < 0) {
        set_err(err, "remember hard link \"%s\": out of memory", shown(e->name));
        return -1;
    }
    char *copy = strdup(rel);
    if (!copy) {
        set_err(err, "remember hard link \"%s\": out of memory", shown(e->name));
        return -1;
    }
    g_table[slot_of(e->ino)] = (struct first_name){ e->ino, e->mode, e->uid, e->gid, st.st_dev, st.st_ino, copy };
    g_used++;
    g_name_bytes += len;
    return 0;
}

void link_forget(dev_t dev, ino_t ino)
{
    for (size_t i = 0; i < g_cap; i++)
        if (g_table[i].rel && g_table[i].st_ino == ino && g_table[i].st_dev == dev)
            g_table[i].st_ino = 0;
}

/* Opens folder rel (normalised) under root_fd without following links or creating anything. */
static int open_existing(int root_fd, const char *rel)
{
    int fd = dup(root_fd);
    char path[NAME_MAX_LEN + 1];
    strcpy(path, rel);
    char *save = NULL;
    for (char *c = strtok_r(path, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
        int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        close(fd);
        fd = next;
    }
    return fd;
}

int link_create(int root_fd, int dir, const char *leaf, const struct entry *e, char *err)
{
    struct first_name *f = find(e->ino);
    if (e->size != 0) {
        set_err(err, "refused hard link \"%s\": inode %u came first as \"/%s\", which carries its data; a further"
                " name carries none (this one has %u bytes)", shown(e->name), e->ino, f->rel, e->size);
        return -1;
    }
    if (e->mode != f->mode || e->uid != f->uid || e->gid != f->gid) {
        set_err(err, "refused hard link \"%s\": its mode %o and owner %u:%u differ from inode %u's first name"
                " \"/%s\" (%o, %u:%u)", shown(e->name), e->mode, e->uid, e->gid, e->ino, f->rel, f->mode, f->uid,
                f->gid);
        return -1;
    }
    char parent[NAME_MAX_LEN + 1] = "";
    const char *slash = strrchr(f->rel, '/');
    const char *first_leaf = slash ? slash + 1 : f->rel;
    if (slash) {
        memcpy(parent, f->rel, (size_t)(slash - f->rel));
        parent[slash - f->rel] = '\0';
    }
    int from = open_existing(root_fd, parent);
    struct stat st;
    if (from < 0 || fstatat(from, first_leaf, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode)
        || st.st_ino != f->st_ino || st.st_dev != f->st_dev || f->st_ino == 0) {
        set_err(err, "refused hard link \"%s\": inode %u's first name \"/%s\" no longer holds the file received"
                " there (it was replaced or removed)", shown(e->name), e->ino, f->rel);
        if (from >= 0)
            close(from);
        return -1;
    }
    struct stat here;
    int rc = 0;
    /* The same name again: it already is that file. */
    if (fstatat(dir, leaf, &here, AT_SYMLINK_NOFOLLOW) == 0 && here.st_ino == st.st_ino && here.st_dev == st.st_dev)
        goto out;
    if (leaf_clear(dir, leaf, e->name, err) < 0) {
        rc = -1;
        goto out;
    }
    /* flags 0: a symbolic link is never followed (only regular files are linked anyway). */
    if (linkat(from, first_leaf, dir, leaf, 0) < 0) {
        set_err(err, "create hard link \"%s\" to \"/%s\": %s", shown(e->name), f->rel, strerror(errno));
        rc = -1;
    }
out:
    close(from);
    return rc;
}

void links_reset(void)
{
    for (size_t i = 0; i < g_cap; i++)
        free(g_table[i].rel);
    free(g_table);
    g_table = NULL;
    g_cap = g_used = g_name_bytes = 0;
}
