/* The application's configuration: /.jcap/config baked into the image, merged
 * with the run-time settings the host may pass for one run (fw_cfg entry
 * opt/io.jcap/config). Both use the same `key value` lines. */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONFIG_MAX (1 << 20)
#define IMAGE_CONFIG "/.jcap/config"
#define RUN_SETTINGS "run-time settings (fw_cfg " FWCFG_SETTINGS ")"

static char **grow(char **v, int n)
{
    char **g = realloc(v, (size_t)(n + 2) * sizeof *v);
    if (!g)
        fatal("out of memory reading the configuration");
    return g;
}

static struct disk_volume *grow_disks(struct disk_volume *v, int n)
{
    struct disk_volume *g = realloc(v, (size_t)(n + 1) * sizeof *v);
    if (!g)
        fatal("out of memory reading the configuration");
    return g;
}

static int parse_id(const char **p, unsigned *out);

/* A run's exit tag: what the host gave, 16 to 64 lowercase hexadecimal digits. */
static int exit_tag_ok(const char *tag)
{
    size_t n = strlen(tag);
    if (n < 16 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((tag[i] >= '0' && tag[i] <= '9') || (tag[i] >= 'a' && tag[i] <= 'f')))
            return 0;
    return 1;
}

int parse_settings(char *buf, size_t len, const char *source, struct settings *s, char *err)
{
    memset(s, 0, sizeof *s);
    if (strlen(buf) != len) {
        set_err(err, "%s holds a NUL byte", source);
        return -1;
    }
    int lineno = 0;
    for (char *line = buf; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        if (line[0] != '\0' && line[0] != '#') {
            char *value = strchr(line, ' ');
            if (value)
                *value++ = '\0';
            else
                value = line + strlen(line);
            if (strcmp(line, "arg") == 0) {
                s->argv = grow(s->argv, s->argc);
                s->argv[s->argc++] = value;
            } else if (strcmp(line, "env") == 0) {
                if (!strchr(value, '=') || value[0] == '=') {
                    set_err(err, "%s line %d: env needs NAME=value, got \"%s\"", source, lineno,
                            value);
                    return -1;
                }
                s->envp = grow(s->envp, s->envc);
                s->envp[s->envc++] = value;
            } else if (strcmp(line, "cwd") == 0) {
                s->cwd = value;
            } else if (strcmp(line, "user") == 0) {
                unsigned u, g, groups[USER_MAX_GROUPS];
                int n;
                if (parse_user(value, &u, &g, groups, &n) < 0) {
                    set_err(err, "%s line %d: user needs UID GID[ G1,G2...], got \"%s\"", source,
                            lineno, value);
                    return -1;
                }
                s->user = value;
            } else if (strcmp(line, "stop_signal") == 0) {
                unsigned sig;
                const char *p = value;
                if (parse_id(&p, &sig) < 0 || *p != '\0' || sig < 1 || sig > 64) {
                    set_err(err, "%s line %d: stop_signal needs a signal number from 1 to 64, got \"%s\"",
                            source, lineno, value);
                    return -1;
                }
                s->stop_signal = (int)sig;
            } else if (strcmp(line, "exit_tag") == 0) {
                if (!exit_tag_ok(value)) {
                    set_err(err, "%s line %d: exit_tag needs 16 to 64 lowercase hexadecimal digits, got \"%s\"",
                            source, lineno, value);
                    return -1;
                }
                s->exit_tag = value;
            } else if (strcmp(line, "interactive") == 0) {
                if (strcmp(value, "1") != 0) {
                    set_err(err, "%s line %d: interactive needs 1, got \"%s\"", source, lineno, value);
                    return -1;
                }
                s->interactive = 1;
            } else if (strcmp(line, "volume") == 0) {
                if (!volume_path_ok(value)) {
                    set_err(err, "%s line %d: volume needs an absolute folder other than /, without empty, . or"
                            " .. parts, got \"%s\"", source, lineno, value);
                    return -1;
                }
                s->volumes = grow(s->volumes, s->volumec);
                s->volumes[s->volumec++] = value;
            } else if (strcmp(line, "disk_volume") == 0) {
                s->disks = grow_disks(s->disks, s->diskc);
                if (disk_volume_parse(value, &s->disks[s->diskc]) < 0) {
                    set_err(err, "%s line %d: disk_volume needs SERIAL rw|ro FOLDER (SERIAL: 1 to 20 of a-z, 0-9"
                            " and -; FOLDER as for volume)", source, lineno);
                    return -1;
                }
                s->diskc++;
            } else {
                set_err(err, "%s line %d: unknown key \"%s\" (expected arg, env, cwd, user, stop_signal,"
                        " volume, disk_volume, exit_tag or interactive)",
                        source, lineno, line);
                return -1;
            }
        }
        line = next;
    }
    return 0;
}

/* One decimal ID below 2^32 at *p, advancing *p past it. */
static int parse_id(const char **p, unsigned *out)
{
    unsigned long long v = 0;
    const char *q = *p;
    if (*q < '0' || *q > '9')
        return -1;
    for (; *q >= '0' && *q <= '9'; q++) {
        v = v * 10 + (unsigned)(*q - '0');
        if (v > 0xFFFFFFFFull)
            return -1;
    }
    *out = (unsigned)v;
    *p = q;
    return 0;
}

int parse_user(const char *value, unsigned *uid, unsigned *gid, unsigned *groups, int *ngroups)
{
    const char *p = value;
    *ngroups = 0;
    if (parse_id(&p, uid) < 0 || *p++ != ' ' || parse_id(&p, gid) < 0)
        return -1;
    if (*p == '\0')
        return 0;
    if (*p++ != ' ')
        return -1;
    for (;;) {
        if (*ngroups == USER_MAX_GROUPS || parse_id(&p, &groups[*ngroups]) < 0)
            return -1;
        (*ngroups)++;
        if (*p == '\0')
            return 0;
        if (*p++ != ',')
            return -1;
    }
}

static char *read_image_config(size_t *len)
{
    int fd = open(IMAGE_CONFIG, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fatal("open %s: %s", IMAGE_CONFIG, strerror(errno));
    char *buf = malloc(CONFIG_MAX + 1);
    if (!buf)
        fatal("out of memory reading %s", IMAGE_CONFIG);
    size_t n = 0;
    ssize_t got;
    while (n < CONFIG_MAX && (got = read(fd, buf + n, CONFIG_MAX - n)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            fatal("read %s: %s", IMAGE_CONFIG, strerror(errno));
        n += (size_t)got;
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The length of the name part of an env entry, '=' included. */
static size_t env_key_len(const char *entry)
{
    return (size_t)(strchr(entry, '=') - entry) + 1;
}

static void set_env(struct app *a, char *entry)
{
    size_t key = env_key_len(entry);
    for (int i = 0; i < a->envc; i++) {
        if (strncmp(a->envp[i], entry, key) == 0) {
            a->envp[i] = entry;
            return;
        }
    }
    a->envp = grow(a->envp, a->envc);
    a->envp[a->envc++] = entry;
}

static int has_env(const struct app *a, const char *prefix)
{
    for (int i = 0; i < a->envc; i++)
        if (strncmp(a->envp[i], prefix, strlen(prefix)) == 0)
            return 1;
    return 0;
}

/* Run-time settings replace the whole command line when they have an arg line,
 * add or replace environment variables by name, and replace cwd. */
void read_config(struct app *a)
{
    memset(a, 0, sizeof *a);
    size_t len;
    char *buf = read_image_config(&len);
    char err[ERR_LEN] = "";
    struct settings image;
    if (parse_settings(buf, len, IMAGE_CONFIG, &image, err) < 0)
        fatal("%s", err);
    if (image.argc == 0)
        fatal("%s has no arg line: nothing to run", IMAGE_CONFIG);
    if (image.diskc > 0)
        fatal("%s: disk_volume is a setting of one run, not of the image", IMAGE_CONFIG);
    a->argv = image.argv;
    a->argc = image.argc;
    a->cwd = image.cwd ? image.cwd : "/";
    a->user = image.user;
    a->stop_signal = image.stop_signal ? image.stop_signal : SIGTERM;
    a->exit_tag = image.exit_tag;
    a->volumes = image.volumes;
    a->volumec = image.volumec;
    for (int i = 0; i < image.envc; i++)
        set_env(a, image.envp[i]);

    char *run = NULL;
    size_t run_len = 0;
    int found = fwcfg_read(FWCFG_SETTINGS, CONFIG_MAX, &run, &run_len, err);
    if (found < 0)
        fatal("read %s: %s", RUN_SETTINGS, err);
    if (found > 0) {
        struct settings over;
        if (parse_settings(run, run_len, RUN_SETTINGS, &over, err) < 0)
            fatal("%s", err);
        if (over.argc > 0) {
            a->argv = over.argv;
            a->argc = over.argc;
        }
        for (int i = 0; i < over.envc; i++)
            set_env(a, over.envp[i]);
        if (over.cwd)
            a->cwd = over.cwd;
        if (over.user)
            a->user = over.user;
        if (over.stop_signal)
            a->stop_signal = over.stop_signal;
        if (over.exit_tag)
            a->exit_tag = over.exit_tag;
        a->interactive = over.interactive;
        a->disks = over.disks;
        a->diskc = over.diskc;
        /* A run's volumes come on top of the image's. */
        for (int i = 0; i < over.volumec; i++) {
            a->volumes = grow(a->volumes, a->volumec);
            a->volumes[a->volumec++] = over.volumes[i];
        }
        debug("%s: %d args, %d env, cwd %s", RUN_SETTINGS, over.argc, over.envc,
              over.cwd ? "set" : "kept");
    }
    a->argv = grow(a->argv, a->argc);
    a->argv[a->argc] = NULL;
    a->envp = grow(a->envp, a->envc + 2);
    if (!has_env(a, "PATH="))
        a->envp[a->envc++] = "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
    if (!has_env(a, "HOME="))
        a->envp[a->envc++] = "HOME=/";
    a->envp[a->envc] = NULL;
}
