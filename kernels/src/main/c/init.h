/* jcap-init: the guest's PID 1 (see docs/guest-protocol.md). */
#ifndef JCAP_INIT_H
#define JCAP_INIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ERR_LEN 512

enum net_mode { NET_DHCP, NET_NONE, NET_STATIC };

/* The jcap.* parameters of the kernel command line. */
struct cmdline {
    int build;
    int port;
    int accept_s; /* build mode: seconds to wait for the stream's connection */
    int inodes;   /* build mode: the inodes mke2fs makes at least (0: its default) */
    int part;     /* build mode: the number of the root partition on the disk (jcap.part) */
    char disk[64];
    char fs[16];
    char root[64]; /* /dev/<name>, UUID=<uuid> or LABEL=<label> */
    char uuid[40]; /* build mode: the file system UUID to make (empty: a random one) */
    int all_modules; /* jcap.modules=all: every module of load-order, devices or not */
    int rw;
    enum net_mode net;
    int debug;
    int incremental; /* build mode: mount the disk's file system instead of making one (jcap.incremental=1) */
    int drop_summary; /* build mode, fault injection: print the summary, never send it */
    int stall_power_off; /* fault injection: never power off, as a kernel locked up in its shutdown */
    int no_seed; /* run mode: jcap.seed=none, the host attached no cloud-init seed: no drive is scanned */
};

/* cmdline.c: parse_cmdline takes the text of /proc/cmdline (cut in place);
 * read_cmdline reads it. -1 with err set on a bad jcap.* value. */
int parse_cmdline(char *buf, struct cmdline *c, char *err);
int is_uuid(const char *v);

/* util.c */
extern int g_debug;
extern int g_stall_power_off;
void console_open(void);
/* jcap run -i: the console's echo off, its line editing and end of file kept (util.c). */
void console_without_echo(void);
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void set_err(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void set_conn(int fd);
void finish_conn(int fd, int timeout_ms);
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void power_off(void);
int write_all(int fd, const void *buf, size_t len);
long long now_ms(void);
void sleep_ms(int ms);
int read_cmdline(struct cmdline *c, char *err);
void mount_basics(void);
int wait_for_path(const char *path, int timeout_ms);
int run_capture(char *const argv[], char *out, size_t outlen, int timeout_s, char *err);
void one_line(char *s);

/* exec.c: after a failed exec of NAME (errno err), prints JCAP-ERROR exec ... naming what
 * exec needed: a #! interpreter or an ELF loader that is missing, for a file that is there. */
void explain_exec(const char *name, int err);

/* modules.c: kernel modules, loaded by the aliases of the devices present
 * (modules.alias, modules.dep) or all in the order of load-order */
struct modtab;
/* Reads dir's modules.alias and modules.dep; NULL when dir has no modules.alias. */
struct modtab *modtab_load(const char *dir, char *err);
/* The module files to load for one device's modalias, dependencies first, appended to out
 * (at most max, no file twice); returns the new count. */
int modtab_plan(const struct modtab *t, const char *modalias, const char **out, int n, int max);
/* Parses the two files' text (modified in place, kept by t); -1 with err set on a bad line. */
int modtab_parse(struct modtab *t, char *aliases, char *deps, char *err);
struct modtab *modtab_new(void);
void modtab_free(struct modtab *t);
/* Boot: loads modules for the devices present until no new one appears (or all, or by load-order). */
void load_modules(int all);
/* Loads the modules of devices that appeared since; call it while waiting for a device. */
void modules_poll(void);

/* rootdev.c: a block device by its ext2/3/4 file system's UUID or label */
/* 1 with /dev/<name> in dev when spec (UUID=... or LABEL=...) names a device present, 0 when not. */
int find_root(const char *spec, char *dev, size_t devlen);
/* 1 with /dev/<name> in dev for the first block device whose name `matches` (given arg), 0 when none. */
int find_block_device(int (*matches)(const char *name, const void *arg), const void *arg, char *dev, size_t devlen);
/* Whether an ext superblock (1024 bytes read at offset 1024) has this UUID= or LABEL= spec. */
int ext_superblock_matches(const unsigned char *sb, size_t len, const char *spec);
/* Raises the read-ahead of the disk that holds dev (/dev/<name>) to 2 MiB; best effort. */
void root_read_ahead(const char *dev);

/* nic.c */
#define IFNAME_LEN 16
/* Whether a network card is present (its modalias in modalias). */
int network_card_present(char *modalias, size_t len);
/* The interface to configure: the first by name whose link is up within wait_ms, else the first;
 * -1 when there is none (a card without a driver is reported on the console). */
int nic_choose(char *ifname, int wait_ms);

/* net.c */
int if_up(const char *ifname, char *err);
int if_set_ipv4(const char *ifname, uint32_t addr, uint32_t mask, char *err);
int route_add_default(const char *ifname, uint32_t gateway, char *err);
/* A route to dst/mask via gateway, or on the link when gateway is 0. */
int route_add(const char *ifname, uint32_t dst, uint32_t mask, uint32_t gateway, char *err);
int if_set_mtu(const char *ifname, int mtu, char *err);
int if_get_mac(const char *ifname, uint8_t mac[6], char *err);
int net_static(const char *ifname, char *err);
int net_loopback(char *err);

/* dhcp.c */
#define LEASE_ROUTES 16
struct route {
    uint32_t dst, mask, gateway; /* network byte order; gateway 0: on the link */
};
struct lease {
    uint32_t addr, mask, router, server;
    uint32_t dns[3];
    int ndns;
    int mtu;                 /* option 26; 0: none */
    struct route routes[LEASE_ROUTES]; /* option 121 (RFC 3442), which overrides the router */
    int nroutes;
};
int dhcp_obtain(const char *ifname, int timeout_ms, struct lease *l, char *err);
int dhcp_apply(const char *ifname, const struct lease *l, char *err);
/* The DHCP message type of a reply of len bytes (at most 548), with its lease in l;
 * -1 when it is not a DHCP answer to transaction xid of mac. */
int dhcp_parse_reply(const void *reply, size_t len, uint32_t xid, const uint8_t mac[6],
                     struct lease *l);

/* cpio.c */
struct rx_summary {
    uint64_t entries;
    uint64_t bytes;
    uint64_t xxh64;
    /* Milliseconds spent waiting for data, reading, checksumming and writing files (debug line). */
    uint64_t ms_wait, ms_read, ms_sum, ms_write;
};
#define RX_OK 0
#define RX_ERROR (-1)
#define RX_EMPTY 1
/* Receives a newc stream from in_fd into the folder root_fd until EOF. */
int cpio_receive(int in_fd, int root_fd, int idle_timeout_ms, int lenient_owner,
                 struct rx_summary *s, char *err);
/* removals.c: whether cpio_receive honours removals (character devices 0:0): an
 * incremental build's stream onto the previous build's file system. Off unless set. */
void entries_allow_removals(int allow);

/* crc32.c */
uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n);

/* xxh64.c: the stream's checksum, XXH64 with seed 0, fed in pieces of any size. */
struct xxh64 {
    uint64_t v[4];
    uint64_t total;
    unsigned char buf[32];
    size_t held;
};
void xxh64_init(struct xxh64 *h);
void xxh64_update(struct xxh64 *h, const unsigned char *p, size_t n);
uint64_t xxh64_digest(const struct xxh64 *h);

/* A disk volume setting (`disk_volume SERIAL rw|ro PATH`): the disk with that virtio serial,
 * mounted on PATH. */
struct disk_volume {
    const char *serial;
    int read_only;
    const char *path;
};

/* config.c: the application to start (docs/guest-protocol.md, run mode) */
struct app {
    char **argv, **envp;
    int argc, envc;
    const char *cwd;
    const char *user; /* "UID GID[ G1,G2...]" or NULL: stay root */
    int stop_signal;  /* what the first power button press sends (SIGTERM unless set) */
    char **volumes;   /* folders that get a writable tmpfs (container images' Volumes) */
    int volumec;
    struct disk_volume *disks; /* disks mounted on folders (jcap run --volume), run-time settings only */
    int diskc;
    const char *exit_tag; /* the run's tag, printed after JCAP-EXIT's status; NULL: none */
    int interactive;      /* the host passes input to the console (jcap run -i): read it without echo */
};
void read_config(struct app *a);
/* One parsed settings file (`key value` lines); argv, envp and cwd point into buf.
 * -1 with err set on a bad line; argv and envp are malloc'ed either way (free them). */
struct settings {
    char **argv, **envp;
    int argc, envc;
    const char *cwd;
    const char *user;
    int stop_signal; /* 0 when not set */
    char **volumes;  /* malloc'ed like argv */
    int volumec;
    struct disk_volume *disks; /* malloc'ed like argv */
    int diskc;
    const char *exit_tag; /* NULL when not set */
    int interactive; /* 0 when not set */
};
int parse_settings(char *buf, size_t len, const char *source, struct settings *s, char *err);
/* A `user` setting "UID GID[ G1,G2,...]" (container images' User, resolved on the host).
 * 0 with the IDs (at most max groups), -1 when malformed. */
#define USER_MAX_GROUPS 64
int parse_user(const char *value, unsigned *uid, unsigned *gid, unsigned *groups, int *ngroups);

/* volumes.c: a `volume` setting is an absolute folder other than /, without empty, . or ..
 * parts (1) or not (0); mount_volumes gives each a tmpfs with the folder's mode and owner. */
int volume_path_ok(const char *path);
void mount_volumes(const struct app *a);
/* Called before /tmp gets its tmpfs: keeps a handle on the image's own /tmp, whose folders a
 * volume under /tmp takes its mode and owner from. */
void volumes_keep_image_tmp(void);
/* A volume's folder under /tmp, which the init's /tmp tmpfs hides, made again there with the
 * image's modes and owners; nothing for other folders. */
void volume_make_under_tmp(const char *path);

/* diskvolumes.c: `SERIAL rw|ro PATH` parsed in place (0), or -1 when malformed; the volumes
 * mounted before the application starts and unmounted (else remounted read-only) after it. */
int disk_volume_parse(char *value, struct disk_volume *out);
void mount_disk_volumes(const struct app *a);
void unmount_disk_volumes(const struct app *a);
/* copyup.c: a new volume gets the files of the image's folder it is mounted on, copied into
 * COPY_UP_STAGING on the volume first (a volume holding only that and lost+found is still new). */
#define COPY_UP_STAGING ".jcap-copy-up"
void copy_up(int image_dir, int volume_dir, const char *vol);

/* fwcfg.c: QEMU's fw_cfg device. Returns 1 with the file's bytes (NUL added),
 * 0 when there is no such file (or no device), -1 with err set. */
#define FWCFG_SETTINGS "opt/io.jcap/config"
int fwcfg_read(const char *name, size_t max, char **out, size_t *len, char *err);
/* The same over any device: select a key, then read its bytes in order. */
struct fwcfg_io {
    void (*select)(void *ctx, uint16_t key);
    void (*read)(void *ctx, void *buf, size_t n);
    void *ctx;
};
int fwcfg_lookup(const struct fwcfg_io *io, const char *name, size_t max, char **out,
                 size_t *len, char *err);

/* memwatch.c: the memory-stall watch (PSI). memwatch_open leaves fd at -1 when the kernel
 * has no /proc/pressure/memory; memwatch_timeout is poll's timeout until the next sample
 * (-1: none); memwatch_sample looks at the stall when a sample is due and warns, once. */
struct memwatch {
    int fd;
    unsigned long long last_total, stalled_us;
    long long last_ms, stalled_since_ms;
};
void memwatch_open(struct memwatch *w);
int memwatch_timeout(const struct memwatch *w);
void memwatch_sample(struct memwatch *w);
/* The "full" line's total= (microseconds) of a PSI file's text: 0, or -1 when absent or malformed. */
int psi_full_total(const char *text, unsigned long long *total);

/* power.c: input devices that report the power button, and their events */
int power_buttons_open(int *fds, int max);
int power_button_pressed(int fd);

/* build.c, run.c */
_Noreturn void build_mode(const struct cmdline *c);
_Noreturn void run_mode(const struct cmdline *c);

#endif
