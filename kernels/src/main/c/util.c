/* Console, errors, power-off, mounts, waits, child processes. */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

int g_debug;
int g_stall_power_off;
static int g_console = 2;
/* How long power-off waits for the serial port to send the console's last bytes. */
#define CONSOLE_DRAIN_MS 2000
static int g_conn = -1;

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* fds 0-2 must be open, or the first socket would become someone's stdin. */
void console_open(void)
{
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) < 0) {
            int n = open("/dev/null", O_RDWR);
            if (n >= 0 && n != fd) {
                dup2(n, fd);
                close(n);
            }
        }
    }
    int fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0)
        g_console = fd;
}

/*
 * jcap run -i: the host passes its user's input to the console. The console's line discipline
 * keeps its line editing and its end of file (^D), and echoes nothing: a terminal on the host
 * echoed the input already, and piped input must not come back in the application's output.
 * Before JCAP-START, after which the host sends its first byte.
 */
void console_without_echo(void)
{
    int fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
    struct termios t;
    if (fd < 0 || tcgetattr(fd, &t) < 0) {
        say("jcap-init: console input: %s (the console echoes it)", strerror(errno));
    } else {
        t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL | ECHOCTL | ECHOKE);
        if (tcsetattr(fd, TCSANOW, &t) < 0)
            say("jcap-init: console input: %s (the console echoes it)", strerror(errno));
    }
    if (fd >= 0)
        close(fd);
}

/* Messages are one line: the host parses the console and the connection by line. */
void one_line(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r')
            *s = ' ';
}

static void vline(const char *prefix, const char *fmt, va_list ap)
{
    char buf[1024];
    size_t n = (size_t)snprintf(buf, sizeof buf, "%s", prefix);
    vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
    one_line(buf);
    n = strlen(buf);
    buf[n++] = '\n';
    write_all(g_console, buf, n);
}

void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline("", fmt, ap);
    va_end(ap);
}

void debug(const char *fmt, ...)
{
    if (!g_debug)
        return;
    char prefix[48];
    long long t = now_ms();
    snprintf(prefix, sizeof prefix, "jcap-init [%lld.%03lld] ", t / 1000, t % 1000);
    va_list ap;
    va_start(ap, fmt);
    vline(prefix, fmt, ap);
    va_end(ap);
}

void set_err(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, ERR_LEN, fmt, ap);
    va_end(ap);
    one_line(err);
}

void set_conn(int fd)
{
    g_conn = fd;
}

/* Half-closes and waits for the host's EOF, so that what we sent is not lost
 * when the machine powers off right after (the host closes once it has read). */
void finish_conn(int fd, int timeout_ms)
{
    static char sink[4096];
    shutdown(fd, SHUT_WR);
    long long end = now_ms() + timeout_ms;
    for (;;) {
        long long left = end - now_ms();
        if (left <= 0)
            break;
        struct pollfd p = { fd, POLLIN, 0 };
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        ssize_t n = read(fd, sink, sizeof sink);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
    }
    close(fd);
}

/*
 * Waits until the serial port has sent everything written to the console: first the tty
 * driver's buffer (TIOCOUTQ), then the UART itself (the line status register's "transmitter
 * empty"; the driver's buffer being empty left bytes in the FIFO as the guest powered off, and a
 * host reading the console slowly lost the last lines). Bounded: the buffer wait gives up after
 * CONSOLE_DRAIN_MS without progress (a host still reading slowly gets everything; one that
 * stopped reading, or a lost transmit interrupt, cannot keep the guest from ending, which
 * tcdrain(), unbounded, could), the UART wait after CONSOLE_DRAIN_MS in all.
 */
static void console_drain(void)
{
    int queued = 0, last = -1;
    long long stalled_since = now_ms();
    while (ioctl(g_console, TIOCOUTQ, &queued) == 0 && queued > 0) {
        long long t = now_ms();
        if (queued != last) {
            last = queued;
            stalled_since = t;
        } else if (t - stalled_since >= CONSOLE_DRAIN_MS) {
            break;
        }
        sleep_ms(2);
    }
    long long end = now_ms() + CONSOLE_DRAIN_MS;
    unsigned int lsr = 0;
    while (ioctl(g_console, TIOCSERGETLSR, &lsr) == 0 && !(lsr & TIOCSER_TEMT) && now_ms() < end)
        sleep_ms(2);
}

_Noreturn void power_off(void)
{
    sync();
    console_drain();
    if (getpid() != 1)
        _exit(2);
    if (g_stall_power_off) {
        debug("jcap.stall_power_off=1: not powering off");
        for (;;)
            pause();
    }
    reboot(RB_POWER_OFF);
    reboot(RB_AUTOBOOT);
    for (;;)
        pause();
}

_Noreturn void fatal(const char *fmt, ...)
{
    char msg[ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    one_line(msg);
    say("JCAP-ERROR %s", msg);
    if (g_conn >= 0) {
        char line[ERR_LEN + 8];
        int n = snprintf(line, sizeof line, "ERR %s\n", msg);
        send(g_conn, line, (size_t)n, MSG_NOSIGNAL);
        /* The host may still be writing the stream: drain it so it gets to read ERR. */
        finish_conn(g_conn, 30000);
    }
    power_off();
}

static void mount_one(const char *src, const char *dst, const char *type)
{
    mkdir(dst, 0755);
    if (mount(src, dst, type, MS_NOSUID | MS_NOEXEC, NULL) < 0 && errno != EBUSY)
        fatal("mount %s on %s: %s", type, dst, strerror(errno));
}

void mount_basics(void)
{
    mkdir("/dev", 0755);
    /* devtmpfs first: it gives us /dev/console for every later message. */
    if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755") < 0 && errno != EBUSY) {
        console_open();
        fatal("mount devtmpfs on /dev: %s", strerror(errno));
    }
    console_open();
    mount_one("proc", "/proc", "proc");
    mount_one("sysfs", "/sys", "sysfs");
}

int wait_for_path(const char *path, int timeout_ms)
{
    long long end = now_ms() + timeout_ms;
    struct stat st;
    while (stat(path, &st) < 0) {
        if (now_ms() >= end)
            return -1;
        sleep_ms(20);
        modules_poll();
    }
    return 0;
}

/* Runs argv[0] with stdout and stderr captured into out (truncated to outlen).
 * Returns the exit status (128+N for signal N), or -1 with err set. */
int run_capture(char *const argv[], char *out, size_t outlen, int timeout_s, char *err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        set_err(err, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        set_err(err, "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        static char *const env[] = { "PATH=/sbin:/usr/sbin:/bin:/usr/bin", NULL };
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(p[1], 1);
        dup2(p[1], 2);
        execve(argv[0], argv, env);
        dprintf(1, "exec %s: %s", argv[0], strerror(errno));
        _exit(127);
    }
    close(p[1]);
    size_t used = 0;
    long long end = now_ms() + (long long)timeout_s * 1000;
    int timed_out = 0;
    for (;;) {
        long long left = end - now_ms();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        struct pollfd pf = { p[0], POLLIN, 0 };
        int r = poll(&pf, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            continue;
        char tmp[1024];
        ssize_t n = read(p[0], tmp, sizeof tmp);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t take = (size_t)n;
        if (used + take > outlen - 1)
            take = outlen - 1 - used;
        memcpy(out + used, tmp, take);
        used += take;
    }
    out[used] = '\0';
    close(p[0]);
    if (timed_out)
        kill(pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            set_err(err, "wait for %s: %s", argv[0], strerror(errno));
            return -1;
        }
    }
    if (timed_out) {
        set_err(err, "%s did not finish within %d s", argv[0], timeout_s);
        return -1;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
