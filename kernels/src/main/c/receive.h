/* Internals of the cpio receiver: the input buffer and the entry writer. */
#ifndef JCAP_RECEIVE_H
#define JCAP_RECEIVE_H

#include "init.h"

/* 64 KiB: 1 MiB made the checksum (then a CRC-32) slower under TCG (~0.38 s against ~0.25 s for
 * 118 MB), and the stream no faster (docs/benchmarks-stream.md). */
#define BUF_SIZE 65536
#define NAME_MAX_LEN 4096

/* The input side: a BUF_SIZE buffer; every byte that enters it is counted and checksummed. */
struct rx {
    int fd;
    int idle_ms;
    size_t pos, len;
    uint64_t bytes;
    struct xxh64 sum;
    int eof;
    int not_socket; /* the input is a pipe or file (--extract): poll before each read */
    /* Where the receive's time went, for the debug line (docs/benchmarks-stream.md):
     * waiting for data, reading it, checksumming it, writing files. */
    uint64_t ns_wait, ns_read, ns_sum, ns_write;
    unsigned char buf[BUF_SIZE];
};

uint64_t rx_clock_ns(void);

int rx_more(struct rx *r, char *err);
int rx_need(struct rx *r, size_t want, char *err);
int rx_read(struct rx *r, void *dst, size_t n, char *err);
int rx_copy(struct rx *r, int out_fd, uint64_t n, const char *name, char *err);
int rx_pad(struct rx *r, uint64_t len, char *err);

/* One archive entry's header fields. */
struct entry {
    const char *name; /* as in the archive, for messages */
    uint32_t mode, uid, gid, mtime, size;
    uint32_t ino, nlink; /* names of one file share ino; nlink > 1 (links.c) */
    uint32_t rdev_major, rdev_minor; /* a removal is the character device 0:0 */
    uint32_t check; /* newc's c_check: SPARSE_MARK for a file sent with holes (sparse.c) */
};

const char *shown(const char *name);
void entries_begin(int lenient_owner);
int entry_create(struct rx *r, int root_fd, const struct entry *e, char *err);
void entries_end(int root_fd);
int leaf_clear(int dir, const char *leaf, const char *name, char *err);

/* sparse.c: a regular file's bytes, sent as they are or with holes. */
#define SPARSE_MARK 1
int rx_file_data(struct rx *r, int fd, const struct entry *e, char *err);

/* links.c: the further names of a hard-linked file. */
int link_known(const struct entry *e);
int link_remember(int dir, const char *leaf, const char *rel, const struct entry *e, char *err);
int link_create(int root_fd, int dir, const char *leaf, const struct entry *e, char *err);
void link_forget(dev_t dev, ino_t ino);
void links_reset(void);
/* removals.c */
int entries_removals_allowed(void);
int entry_remove(int dir, const char *leaf, const struct entry *e, char *err);
int open_parent(int root_fd, const char *rel, const char *name, char *err);
void parent_reset(void);

#endif
