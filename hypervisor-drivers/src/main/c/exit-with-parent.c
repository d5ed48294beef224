/*
 * jcap-exit-with-parent PARENT_PID PROGRAM [ARG...]   (PROGRAM found on the PATH like execvp)
 *
 * Runs PROGRAM (QEMU) so that it dies with the jcap JVM, however the JVM ends (SIGKILL too):
 * the parent-death signal is set to SIGKILL, then PROGRAM replaces this process. QEMU 7.2 has
 * no "-run-with exit-with-parent=on"; this is the same thing from outside.
 *
 * The kernel sends the signal when the *thread* that forked this process ends, so jcap forks
 * it from one thread that lives as long as the JVM (see ExitWithParent.java). If the JVM died
 * before the signal was set, this process has already been re-parented: getppid() no longer
 * names PARENT_PID, and PROGRAM is not started at all.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: jcap-exit-with-parent PARENT_PID PROGRAM [ARG...]\n");
        return 125;
    }
    char *end;
    errno = 0;
    long parent = strtol(argv[1], &end, 10);
    if (errno != 0 || *end != '\0' || parent <= 0) {
        fprintf(stderr, "jcap-exit-with-parent: not a process id: %s\n", argv[1]);
        return 125;
    }
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
        fprintf(stderr, "jcap-exit-with-parent: prctl(PR_SET_PDEATHSIG): %s\n", strerror(errno));
        return 125;
    }
    if (getppid() != (pid_t) parent) {
        fprintf(stderr, "jcap-exit-with-parent: process %ld ended before %s started\n", parent, argv[2]);
        return 125;
    }
    execvp(argv[2], argv + 2);
    fprintf(stderr, "jcap-exit-with-parent: cannot run %s: %s\n", argv[2], strerror(errno));
    return 127;
}
