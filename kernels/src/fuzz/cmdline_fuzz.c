/* libFuzzer target: the kernel command-line parser (parse_cmdline in cmdline.c). */
#include "init.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* read_cmdline reads at most 4095 bytes of /proc/cmdline. */
    char buf[4096];
    size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1;
    memcpy(buf, data, n);
    buf[n] = '\0';
    struct cmdline c;
    char err[ERR_LEN] = "";
    if (parse_cmdline(buf, &c, err) < 0) {
        if (err[0] == '\0')
            abort(); /* a refusal always says why */
        return 0;
    }
    if (strnlen(c.disk, sizeof c.disk) == sizeof c.disk || strnlen(c.fs, sizeof c.fs) == sizeof c.fs ||
        strnlen(c.root, sizeof c.root) == sizeof c.root ||
        strnlen(c.uuid, sizeof c.uuid) == sizeof c.uuid || c.port < 1 || c.port > 65535 ||
        c.accept_s < 1 || c.inodes < 0)
        abort();
    return 0;
}
