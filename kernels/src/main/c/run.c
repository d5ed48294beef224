/* Run mode: mount the image's root, switch to it, start the application, power
 * off when it exits. */
#define _GNU_SOURCE
#include "init.h"
#include "cloud.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEVICE_WAIT_MS 5000
#define DHCP_TIMEOUT_MS 6000
#define MAX_BUTTONS 8

static void container_basics(const struct cmdline *c);
static void put_etc_file(const struct cmdline *c, const char *path, const char *text);

static const char *const KEPT[] = { "dev", "proc", "sys", "tmp" };

/* Every image ships these empty; on a read-only root nothing can be created. */
static void check_mount_points(const struct cmdline *c)
{
    for (size_t i = 0; i < sizeof KEPT / sizeof KEPT[0]; i++) {
        char path[32];
        snprintf(path, sizeof path, "/newroot/%s", KEPT[i]);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            continue;
        if (c->rw && errno == ENOENT && mkdir(path, 0755) == 0)
            continue;
        fatal("the root file system has no /%s folder; images must ship empty /dev /proc /sys "
              "/tmp folders", KEPT[i]);
    }
}

/* Frees the initramfs' memory: removes what lives on its file system only. */
static void remove_tree(int dfd, dev_t dev)
{
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
            continue;
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                remove_tree(sub, dev);
            unlinkat(dfd, e->d_name, AT_REMOVEDIR);
        } else {
            unlinkat(dfd, e->d_name, 0);
        }
    }
    closedir(d);
}

/* The root's device: jcap.root itself, or the block device whose file system has its UUID or
 * label, waiting for it (and loading the modules of devices that appear meanwhile). */
static void root_device(const struct cmdline *c, char *dev, size_t devlen)
{
    if (strncmp(c->root, "/dev/", 5) == 0) {
        if (wait_for_path(c->root, DEVICE_WAIT_MS) < 0)
            fatal("root device %s did not appear within %d s (is its disk driver among the modules?)",
                  c->root, DEVICE_WAIT_MS / 1000);
        snprintf(dev, devlen, "%s", c->root);
        return;
    }
    long long started = now_ms(), end = started + DEVICE_WAIT_MS;
    while (!find_root(c->root, dev, devlen)) {
        if (now_ms() >= end)
            fatal("no disk with the root file system %s appeared within %d s (its disk driver may be "
                  "missing from the image's kernel modules)", c->root, DEVICE_WAIT_MS / 1000);
        sleep_ms(20);
        modules_poll();
    }
    debug("root %s is %s, found in %lld ms", c->root, dev, now_ms() - started);
}

static void switch_root(const struct cmdline *c)
{
    char dev[64];
    root_device(c, dev, sizeof dev);
    root_read_ahead(dev);
    mkdir("/newroot", 0755);
    unsigned long flags = c->rw ? 0 : MS_RDONLY;
    if (mount(dev, "/newroot", c->fs, flags, NULL) < 0)
        fatal("mount %s (%s, %s) on /newroot: %s", dev, c->fs, c->rw ? "rw" : "ro",
              strerror(errno));
    check_mount_points(c);
    for (int i = 0; i < 3; i++) {
        char from[16], to[32];
        snprintf(from, sizeof from, "/%s", KEPT[i]);
        snprintf(to, sizeof to, "/newroot/%s", KEPT[i]);
        if (mount(from, to, NULL, MS_MOVE, NULL) < 0)
            fatal("move %s to %s: %s", from, to, strerror(errno));
    }
    struct stat st;
    int rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd >= 0 && fstat(rootfd, &st) == 0)
        remove_tree(rootfd, st.st_dev);
    if (chdir("/newroot") < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 ||
        chdir("/") < 0)
        fatal("switch root to %s: %s", c->root, strerror(errno));
    volumes_keep_image_tmp();
    if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
        fatal("mount tmpfs on /tmp: %s", strerror(errno));
    container_basics(c);
    debug("root %s mounted %s", c->root, c->rw ? "read-write" : "read-only");
}

/* Puts text at an /etc path the way runtimes do: on a writable root the file
 * itself, on a read-only one a file on /dev's tmpfs bind-mounted over the
 * image's own (which must exist: nothing can be created on a read-only root;
 * jcap adds empty ones to container images). Never through a symbolic link. */
static void put_etc_file(const struct cmdline *c, const char *path, const char *text)
{
    const char *target = path;
    char spare[64];
    struct stat st;
    if (!c->rw) {
        if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
            debug("%s not written: the read-only root has no such file", path);
            return;
        }
        mkdir("/dev/.jcap", 0755);
        snprintf(spare, sizeof spare, "/dev/.jcap/%s", strrchr(path, '/') + 1);
        target = spare;
    }
    int fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        debug("%s not written: %s", path, strerror(errno));
        return;
    }
    dprintf(fd, "%s", text);
    close(fd);
    if (target != path && mount(target, path, NULL, MS_BIND, NULL) < 0)
        debug("bind %s over %s: %s", target, path, strerror(errno));
}

static void write_resolv(const struct cmdline *c, const uint32_t *dns, int ndns)
{
    char text[512] = "";
    size_t n = 0;
    for (int i = 0; i < ndns && n < sizeof text - 40; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "nameserver %s\n",
                              inet_ntoa((struct in_addr){ dns[i] }));
    put_etc_file(c, "/etc/resolv.conf", text);
}

static void network(const struct cmdline *c)
{
    char err[ERR_LEN] = "";
    if (net_loopback(err) < 0)
        fatal("%s", err);
    if (c->net == NET_NONE)
        return;
    char nic[IFNAME_LEN];
    if (nic_choose(nic, DEVICE_WAIT_MS) < 0) {
        debug("no network interface: network off");
        return;
    }
    if (c->net == NET_STATIC) {
        if (net_static(nic, err) < 0)
            fatal("%s", err);
        uint32_t dns = inet_addr("10.0.2.3");
        write_resolv(c, &dns, 1);
        debug("%s 10.0.2.15/24 via 10.0.2.2 (static)", nic);
        return;
    }
    struct lease l;
    long long start = now_ms();
    if (dhcp_obtain(nic, DHCP_TIMEOUT_MS, &l, err) < 0) {
        say("jcap-init: %s; continuing without network", err);
        return;
    }
    if (dhcp_apply(nic, &l, err) < 0)
        fatal("%s", err);
    if (l.ndns > 0)
        write_resolv(c, l.dns, l.ndns);
    if (g_debug) {
        char a[16], m[16], r[16], d[16];
        snprintf(a, sizeof a, "%s", inet_ntoa((struct in_addr){ l.addr }));
        snprintf(m, sizeof m, "%s", inet_ntoa((struct in_addr){ l.mask }));
        snprintf(r, sizeof r, "%s", inet_ntoa((struct in_addr){ l.router }));
        snprintf(d, sizeof d, "%s", l.ndns ? inet_ntoa((struct in_addr){ l.dns[0] }) : "none");
        debug("dhcp lease in %lld ms: %s %s netmask %s router %s dns %s mtu %d routes %d", now_ms() - start,
              nic, a, m, r, d, l.mtu, l.nroutes);
    }
}

/* Groups first, then the group, then the user: after setuid nothing else may change. */
static void switch_user(const char *user)
{
    unsigned uid, gid, groups[USER_MAX_GROUPS];
    int n;
    gid_t list[USER_MAX_GROUPS];
    if (parse_user(user, &uid, &gid, groups, &n) < 0) {
        say("JCAP-ERROR user \"%s\" is not UID GID[ G1,G2...]", user);
        _exit(127);
    }
    for (int i = 0; i < n; i++)
        list[i] = groups[i];
    if (setgroups((size_t)n, list) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
        say("JCAP-ERROR switch to user %u:%u: %s", uid, gid, strerror(errno));
        _exit(127);
    }
}

/* What a container runtime gives every container beyond /proc, /sys and /dev:
 * /dev/pts, /dev/shm, a hostname and an /etc/hosts naming it. */
static void container_basics(const struct cmdline *c)
{
    mkdir("/dev/pts", 0755);
    if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620") < 0)
        debug("mount devpts on /dev/pts: %s", strerror(errno));
    mkdir("/dev/shm", 01777);
    if (mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
        debug("mount tmpfs on /dev/shm: %s", strerror(errno));
    static const char host[] = "jcap";
    if (sethostname(host, sizeof host - 1) < 0)
        debug("sethostname: %s", strerror(errno));
    put_etc_file(c, "/etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                                  "127.0.1.1\tjcap\n");
}

/*
 * The application leads a session of its own, on the console, which is not made its controlling
 * terminal: when a session leader with a controlling terminal exits, the kernel hangs the
 * terminal up and flushes what it had not sent yet, up to the serial driver's 4 KB. A host
 * reading the console slowly (a console keeper on a busy machine) then lost the application's
 * last lines, while the init's JCAP-EXIT after them came through.
 */
static _Noreturn void exec_app(const struct app *a)
{
    setsid();
    int fd = open("/dev/console", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2)
            close(fd);
    }
    if (a->user)
        switch_user(a->user);
    if (chdir(a->cwd) < 0) {
        say("JCAP-ERROR chdir %s: %s", a->cwd, strerror(errno));
        _exit(127);
    }
    for (int i = 0; i < a->envc; i++)
        if (strncmp(a->envp[i], "PATH=", 5) == 0)
            setenv("PATH", a->envp[i] + 5, 1);
    execvpe(a->argv[0], a->argv, a->envp);
    explain_exec(a->argv[0], errno);
    _exit(127);
}

static int status_of(int st)
{
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* "SIGTERM" for the signals jcap names; "signal N" for the others. */
static const char *signal_name(int sig)
{
    static char other[16];
    switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    case SIGTERM: return "SIGTERM";
    case SIGWINCH: return "SIGWINCH";
    case SIGPWR: return "SIGPWR";
    default:
        snprintf(other, sizeof other, "signal %d", sig);
        return other;
    }
}

/* Signals the application's process group (it is a session leader), or the
 * process alone when it has not called setsid yet. */
static void signal_app(pid_t pid, int sig)
{
    if (kill(-pid, sig) < 0)
        kill(pid, sig);
}

/* Reaps every child until the application exits; the power button asks it to
 * stop (stop_signal: SIGTERM, or a container image's StopSignal), a second press
 * insists (SIGKILL). Returns its status. */
static int supervise(pid_t pid, int sigchld_fd, const int *buttons, int nbuttons, int stop_signal)
{
    struct pollfd fds[1 + MAX_BUTTONS];
    fds[0] = (struct pollfd){ .fd = sigchld_fd, .events = POLLIN };
    for (int i = 0; i < nbuttons; i++)
        fds[1 + i] = (struct pollfd){ .fd = buttons[i], .events = POLLIN };
    int presses = 0;
    struct memwatch mem;
    memwatch_open(&mem);
    for (;;) {
        int st;
        pid_t p;
        while ((p = waitpid(-1, &st, WNOHANG)) > 0)
            if (p == pid)
                return status_of(st);
        if (p < 0 && errno != EINTR)
            fatal("wait for the application: %s", strerror(errno));
        if (poll(fds, (nfds_t)(1 + nbuttons), memwatch_timeout(&mem)) < 0 && errno != EINTR)
            fatal("poll: %s", strerror(errno));
        memwatch_sample(&mem);
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (read(sigchld_fd, &info, sizeof info) > 0)
                ;
        }
        for (int i = 0; i < nbuttons; i++) {
            if ((fds[1 + i].revents & POLLIN) && power_button_pressed(buttons[i])) {
                presses++;
                int sig = presses == 1 ? stop_signal : SIGKILL;
                say("jcap-init: power button: %s (%s) the application",
                    presses == 1 ? "stopping" : "killing", signal_name(sig));
                signal_app(pid, sig);
            }
        }
    }
}

_Noreturn void run_mode(const struct cmdline *c)
{
    switch_root(c);
    network(c);
    struct app a;
    read_config(&a);
    cloud_init(c, &a);
    mount_volumes(&a);
    mount_disk_volumes(&a);
    /* SIGCHLD is read from a descriptor so that one poll waits for it and the
     * power button; the application gets the mask cleared before exec. */
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0)
        fatal("block SIGCHLD: %s", strerror(errno));
    int sigchld_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sigchld_fd < 0)
        fatal("signalfd: %s", strerror(errno));
    /* Opened before JCAP-START: a host that waits for that line before it presses the power
     * button (jcap stop) knows that the press will be seen. */
    int buttons[MAX_BUTTONS];
    int nbuttons = power_buttons_open(buttons, MAX_BUTTONS);
    if (a.interactive)
        console_without_echo();
    say("JCAP-START");
    pid_t pid = fork();
    if (pid < 0)
        fatal("fork: %s", strerror(errno));
    if (pid == 0) {
        sigprocmask(SIG_UNBLOCK, &chld, NULL);
        exec_app(&a);
    }
    int status = supervise(pid, sigchld_fd, buttons, nbuttons, a.stop_signal);
    /* With the run's tag, which the application never sees: a line the application prints
     * itself cannot end the run (docs/guest-protocol.md, "Console lines the host parses"). */
    if (a.exit_tag)
        say("JCAP-EXIT %d %s", status, a.exit_tag);
    else
        say("JCAP-EXIT %d", status);
    /* What the application left behind goes now, so the root can be synced cleanly. */
    kill(-1, SIGKILL);
    int st;
    long long end = now_ms() + 1000;
    while (now_ms() < end && waitpid(-1, &st, WNOHANG) >= 0)
        sleep_ms(5);
    unmount_disk_volumes(&a);
    sync();
    if (c->rw)
        mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL);
    power_off();
}
