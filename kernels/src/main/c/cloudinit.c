/* Run mode's one hook for cloud-init data (docs/guest-protocol.md, "Cloud-init data"): looks
 * for a source in cloud-init's order, gathers what it asks for, then applies it: hostname,
 * write_files, and jcap's own env and cmdline on top of the application's configuration. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"
#include "receive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The metadata services: all of them within this, and this for the first connection. */
#define IMDS_BUDGET_MS 10000
#define IMDS_FIRST_MS 1000

/* Where a write on the read-only root should go instead, said after its error. */
#define READ_ONLY_HINT " (the image's root is read-only: write under /tmp)"

/* Makes the folders above path; on a failure other than "exists", says which in err and
 * returns -1 (the open after it would only say ENOENT). */
static int mkdirs(char *path, char *err)
{
    for (char *p = path + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
            int e = errno;
            set_err(err, "cannot make folder %s: %s%s", shown(path), strerror(e),
                    e == EROFS ? READ_ONLY_HINT : "");
            *p = '/';
            return -1;
        }
        *p = '/';
    }
    return 0;
}

/* owner: "root", "uid", "uid:gid" or "root:root"; -1 when it names someone else. */
static int parse_owner(const char *s, uid_t *uid, gid_t *gid)
{
    char user[64] = "", group[64] = "";
    if (sscanf(s, "%63[^:]:%63s", user, group) < 1)
        return -1;
    char *end;
    /* IDs are 32 bits and (uid_t)-1 means "unchanged" to fchown: anything else, or a number
     * past it, would wrap to another ID without a word. */
    errno = 0;
    long long u = strcmp(user, "root") == 0 ? 0 : strtoll(user, &end, 10);
    if (strcmp(user, "root") != 0 && (*end || user[0] == '\0' || u < 0 || u >= 0xffffffffLL || errno))
        return -1;
    long long g = u;
    if (group[0]) {
        errno = 0;
        g = strcmp(group, "root") == 0 ? 0 : strtoll(group, &end, 10);
        if (strcmp(group, "root") != 0 && (*end || g < 0 || g >= 0xffffffffLL || errno))
            return -1;
    }
    *uid = (uid_t)u;
    *gid = (gid_t)g;
    return 0;
}

static int write_one(const struct cloud_file *f, char *err)
{
    uid_t uid = 0;
    gid_t gid = 0;
    if (f->owner && parse_owner(f->owner, &uid, &gid) < 0) {
        set_err(err, "owner \"%s\" is not root or a numeric uid:gid below 4294967295 (the init has no user database)",
                shown(f->owner));
        return -1;
    }
    if (mkdirs(f->path, err) < 0)
        return -1;
    int fd = open(f->path, O_WRONLY | O_CREAT | O_CLOEXEC | (f->append ? O_APPEND : O_TRUNC),
                  0644);
    if (fd < 0) {
        int e = errno;
        set_err(err, "%s%s", strerror(e), e == EROFS ? READ_ONLY_HINT : "");
        return -1;
    }
    int r = write_all(fd, f->content, f->len);
    if (r == 0 && f->mode >= 0)
        r = fchmod(fd, (mode_t)f->mode);
    if (r == 0 && (uid || gid))
        r = fchown(fd, uid, gid);
    if (r < 0)
        set_err(err, "%s", strerror(errno));
    close(fd);
    return r;
}

static void set_env(struct app *a, const char *entry)
{
    size_t key = (size_t)(strchr(entry, '=') - entry) + 1;
    for (int i = 0; i < a->envc; i++)
        if (strncmp(a->envp[i], entry, key) == 0) {
            a->envp[i] = (char *)entry;
            return;
        }
    char **g = realloc(a->envp, (size_t)(a->envc + 2) * sizeof *g);
    if (!g)
        fatal("out of memory applying cloud-init data");
    a->envp = g;
    a->envp[a->envc++] = (char *)entry;
    a->envp[a->envc] = NULL;
}

/* A host name as resolvers and other hosts read one: labels of letters, digits and '-' between
 * dots, 1 to 63 bytes each and not starting or ending with '-', at most 253 in all. Anything
 * else (spaces, control characters, UTF-8) is not set: the kernel would take it as it is. */
static int host_name_ok(const char *h)
{
    size_t total = strlen(h), label = 0;
    if (total > 253)
        return 0;
    for (size_t i = 0; i <= total; i++) {
        char ch = h[i];
        if (ch == '.' || ch == '\0') {
            if (label == 0 || label > 63 || h[i - 1] == '-')
                return 0;
            label = 0;
        } else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                   || (ch == '-' && label > 0)) {
            label++;
        } else {
            return 0;
        }
    }
    return 1;
}

static void apply(struct cloud_config *c, struct app *a)
{
    char err[ERR_LEN];
    if (c->hostname[0] && !host_name_ok(c->hostname)) {
        say("jcap-init: cloud-init: hostname \"%s\" not set: not a host name (labels of letters, digits and '-'"
            " between dots)", shown(c->hostname));
    } else if (c->hostname[0]) {
        char *dot = strchr(c->hostname, '.');
        size_t n = dot ? (size_t)(dot - c->hostname) : strlen(c->hostname);
        if (n == 0 || n > 64 || sethostname(c->hostname, n) < 0)
            say("jcap-init: cloud-init: hostname \"%s\" not set: %s", c->hostname,
                n == 0 || n > 64 ? "1 to 64 characters before the first dot" : strerror(errno));
        else if (dot && setdomainname(dot + 1, strlen(dot + 1)) < 0)
            say("jcap-init: cloud-init: domain name \"%s\" not set: %s", dot + 1, strerror(errno));
    }
    for (int i = 0; i < c->nfiles; i++)
        if (write_one(&c->files[i], err) < 0)
            say("jcap-init: cloud-init: write_files %s: %s", shown(c->files[i].path), err);
    for (int i = 0; i < c->envc; i++)
        set_env(a, c->env[i]);
    if (c->argv) {
        a->argv = c->argv;
        a->argc = c->argc;
    }
}

void cloud_init(const struct cmdline *cmd, struct app *a)
{
    static struct cloud_config c; /* applied strings live as long as the init */
    char source[160] = "";
    long long start = now_ms();
    /* jcap.seed=none: the host that booted the kernel attached no seed drive (a local direct
     * boot without --user-data), so the block devices are not read for one. */
    int found = cmd->no_seed ? 0 : seed_drives(&c, source, sizeof source);
    /* The services are for clouds, whose network comes from DHCP; jcap's local runs
     * (jcap.net=static, none) pass their data on a seed drive. */
    if (!found && cmd->net == NET_DHCP && access("/sys/class/net/eth0", F_OK) == 0)
        found = metadata_services(&c, IMDS_BUDGET_MS, IMDS_FIRST_MS, source, sizeof source);
    long long took = now_ms() - start;
    if (!found) {
        debug("cloud-init: no data source (%lld ms%s)", took, cmd->no_seed ? ", jcap.seed=none: no drive read" : "");
        return;
    }
    /* Both from the data: shown with printable ASCII only (shown() has one buffer, so a copy). */
    char host[200];
    snprintf(host, sizeof host, "%s", c.hostname[0] ? shown(c.hostname) : "unchanged");
    say("jcap-init: cloud-init data from %s in %lld ms: hostname %s, instance-id %s, %d files, "
        "%d env, %s", source, took, host,
        c.instance_id[0] ? shown(c.instance_id) : "none", c.nfiles, c.envc,
        c.argv ? "cmdline replaced" : "cmdline kept");
    if (c.ignored[0])
        say("jcap-init: cloud-init ignored: %s (a single-application VM has no shell, sshd "
            "or package manager)", c.ignored);
    if (c.network_config)
        say("jcap-init: cloud-init ignored: network-config (the guest's network comes from DHCP, or from "
            "jcap.net on the kernel's command line)");
    apply(&c, a);
}
