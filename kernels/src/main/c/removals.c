/* Removals in the stream of an incremental build: the host sends what changed since the
 * image's previous build onto the disk that build made, and names each entry gone from the
 * tree with a character device 0:0 (the whiteout overlayfs uses), deepest first. Only build
 * mode with jcap.incremental=1 honours them; everywhere else a device entry is refused. */
#define _GNU_SOURCE
#include "receive.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int g_removals;

void entries_allow_removals(int allow)
{
    g_removals = allow;
}

int entries_removals_allowed(void)
{
    return g_removals;
}

/* Removes leaf from dir (a file, a link or an empty folder), never following a link. */
int entry_remove(int dir, const char *leaf, const struct entry *e, char *err)
{
    if (e->rdev_major != 0 || e->rdev_minor != 0 || e->size != 0) {
        set_err(err, "refused removal \"%s\": a removal is the character device 0:0 without "
                "data, not %u:%u with %u bytes", shown(e->name), e->rdev_major, e->rdev_minor,
                e->size);
        return -1;
    }
    struct stat st;
    if (fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        set_err(err, "refused removal \"%s\": %s", shown(e->name), strerror(errno));
        return -1;
    }
    int folder = S_ISDIR(st.st_mode);
    /* As in leaf_clear: a freed inode number may come back for another file. */
    if (S_ISREG(st.st_mode) && st.st_nlink == 1)
        link_forget(st.st_dev, st.st_ino);
    if (unlinkat(dir, leaf, folder ? AT_REMOVEDIR : 0) < 0) {
        set_err(err, "remove \"%s\": %s%s", shown(e->name), strerror(errno),
                errno == ENOTEMPTY ? " (the host removes a folder's entries first)" : "");
        return -1;
    }
    /* The open parent of later entries may have been the folder just removed. */
    if (folder)
        parent_reset();
    return 0;
}
