/* libFuzzer target: the newc cpio receiver (cpio_receive in cpio.c) writing into
 * a real folder, removals honoured (as in an incremental build). Each input is
 * streamed from a memfd into CAGE/root under a private temp folder, beside the file
 * CAGE/keep; afterwards CAGE must hold root and keep and nothing else (an entry that
 * escaped its root, or a removal that reached beside it, is a finding: abort), every
 * file's link count must equal its names inside root (a hard link to a file outside is
 * a finding), and the cage is removed without following links. */
#define _GNU_SOURCE
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_base[4096];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        chmod(path, 0700);
    if (remove(path) < 0 && errno != ENOENT) {
        fprintf(stderr, "cpio_fuzz: remove %s: %s\n", path, strerror(errno));
        abort();
    }
    return 0;
}

/* Folders created with mode 0 must still be entered to be emptied (when not root). */
static int open_up(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_D || flag == FTW_DNR)
        chmod(path, 0700);
    return 0;
}

static void remove_tree(const char *path)
{
    nftw(path, open_up, 16, FTW_PHYS);
    nftw(path, remove_one, 16, FTW_PHYS | FTW_DEPTH);
}

/* CAGE must hold root and keep, nothing else. */
static void check_cage(const char *cage)
{
    DIR *d = opendir(cage);
    if (!d)
        abort();
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "root") &&
            strcmp(e->d_name, "keep")) {
            fprintf(stderr, "cpio_fuzz: %s escaped its root\n", e->d_name);
            abort();
        }
    }
    closedir(d);
    char path[sizeof g_base + 32];
    struct stat st;
    snprintf(path, sizeof path, "%s/keep", cage);
    if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "cpio_fuzz: %s was removed\n", path);
        abort();
    }
    snprintf(path, sizeof path, "%s/root", cage);
    if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "cpio_fuzz: %s was removed\n", path);
        abort();
    }
}

/* Each regular file's names inside root, against its link count. */
static struct {
    ino_t ino;
    nlink_t nlink, seen;
} g_files[4096];
static size_t g_nfiles;

static int count_name(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)path;
    (void)flag;
    (void)ftw;
    if (!S_ISREG(st->st_mode) || st->st_nlink < 2)
        return 0;
    for (size_t i = 0; i < g_nfiles; i++)
        if (g_files[i].ino == st->st_ino) {
            g_files[i].seen++;
            return 0;
        }
    if (g_nfiles == sizeof g_files / sizeof g_files[0])
        return 0;
    g_files[g_nfiles].ino = st->st_ino;
    g_files[g_nfiles].nlink = st->st_nlink;
    g_files[g_nfiles++].seen = 1;
    return 0;
}

static void check_links(const char *root)
{
    g_nfiles = 0;
    nftw(root, open_up, 16, FTW_PHYS);
    nftw(root, count_name, 16, FTW_PHYS);
    for (size_t i = 0; i < g_nfiles; i++)
        if (g_files[i].seen != g_files[i].nlink) {
            fprintf(stderr, "cpio_fuzz: a file has %lu links but %lu names inside root\n",
                    (unsigned long)g_files[i].nlink, (unsigned long)g_files[i].seen);
            abort();
        }
}

static void remove_base(void)
{
    rmdir(g_base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(g_base, sizeof g_base, "%s/jcap-cpio-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(g_base)) {
        perror("cpio_fuzz: mkdtemp");
        abort();
    }
    atexit(remove_base);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char cage[sizeof g_base + 16], root[sizeof g_base + 32], keep[sizeof g_base + 32];
    snprintf(cage, sizeof cage, "%s/cage", g_base);
    snprintf(root, sizeof root, "%s/root", cage);
    snprintf(keep, sizeof keep, "%s/keep", cage);
    int kept = -1;
    if (mkdir(cage, 0700) < 0 || mkdir(root, 0700) < 0 ||
        (kept = open(keep, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
        perror("cpio_fuzz: mkdir");
        abort();
    }
    close(kept);
    int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int in = memfd_create("cpio", MFD_CLOEXEC);
    if (root_fd < 0 || in < 0 || write_all(in, data, size) < 0 || lseek(in, 0, SEEK_SET) < 0) {
        perror("cpio_fuzz: setup");
        abort();
    }
    struct rx_summary s;
    char err[ERR_LEN] = "";
    entries_allow_removals(1);
    int rc = cpio_receive(in, root_fd, 1000, 1, &s, err);
    if (getenv("JCAP_FUZZ_VERBOSE"))
        fprintf(stderr, "cpio_fuzz: rc %d, %llu entries, %s\n", rc,
                rc == RX_OK ? (unsigned long long)s.entries : 0ULL, err);
    if (rc == RX_ERROR && err[0] == '\0')
        abort(); /* a failure always says why */
    if (rc == RX_OK && s.bytes != size)
        abort(); /* every byte is counted */
    close(in);
    close(root_fd);
    check_cage(cage);
    check_links(root);
    remove_tree(cage);
    return 0;
}
