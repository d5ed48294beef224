/* jcap-init: PID 1 of jcap's Linux guests, in build or run mode (docs/guest-protocol.md).
 *
 * Started as any other process than PID 1 it offers one developer command that
 * needs no VM: `jcap-init --extract DIR < stream.cpio` runs the cpio receiver
 * on stdin and prints the summary line it would send to the host (`--update DIR`: with
 * removals honoured, as in an incremental build); `jcap-init --modules DIR
 * MODALIAS...` prints the modules (of DIR's modules.alias and modules.dep) it would load for
 * those devices. */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* update: 1 honours removals, as an incremental build does on the previous build's files. */
static int extract(const char *dir, int update)
{
    int root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) {
        printf("ERR open %s: %s\n", dir, strerror(errno));
        return 1;
    }
    struct rx_summary s;
    char err[ERR_LEN] = "";
    entries_allow_removals(update);
    int rc = cpio_receive(0, root, -1, getuid() != 0, &s, err);
    if (rc == RX_EMPTY) {
        printf("ERR empty stream\n");
        return 1;
    }
    if (rc != RX_OK) {
        printf("ERR %s\n", err);
        return 1;
    }
    printf("OK entries=%llu bytes=%llu xxh64=%016llx\n", (unsigned long long)s.entries,
           (unsigned long long)s.bytes, (unsigned long long)s.xxh64);
    return 0;
}

/* Prints, for each modalias, the module files the init would load for that device, in order. */
static int plan_modules(const char *dir, int count, char **modaliases)
{
    char err[ERR_LEN] = "";
    struct modtab *t = modtab_load(dir, err);
    if (!t) {
        fprintf(stderr, "%s\n", err[0] ? err : "no modules.alias in that folder");
        return 1;
    }
    for (int i = 0; i < count; i++) {
        const char *plan[128];
        int n = modtab_plan(t, modaliases[i], plan, 0, 128);
        printf("%s:", modaliases[i]);
        for (int j = 0; j < n; j++)
            printf(" %s", plan[j]);
        printf("\n");
    }
    modtab_free(t);
    return 0;
}

int main(int argc, char **argv)
{
    if (getpid() != 1) {
        if (argc == 3 && strcmp(argv[1], "--extract") == 0)
            return extract(argv[2], 0);
        if (argc == 3 && strcmp(argv[1], "--update") == 0)
            return extract(argv[2], 1);
        if (argc >= 3 && strcmp(argv[1], "--modules") == 0)
            return plan_modules(argv[2], argc - 3, argv + 3);
        fprintf(stderr, "jcap-init runs as PID 1 of a jcap guest (see docs/guest-protocol.md);\n"
                        "for tests: jcap-init --extract DIR < stream.cpio\n"
                        "           jcap-init --update DIR < stream.cpio   (removals honoured)\n"
                        "           jcap-init --modules MODULES_DIR MODALIAS...\n");
        return 2;
    }
    mount_basics();
    struct cmdline c;
    char err[ERR_LEN] = "";
    if (read_cmdline(&c, err) < 0)
        fatal("%s", err);
    g_debug = c.debug;
    g_stall_power_off = c.stall_power_off;
    debug("jcap-init in %s mode", c.build ? "build" : "run");
    load_modules(c.all_modules);
    if (c.build)
        build_mode(&c);
    run_mode(&c);
}
