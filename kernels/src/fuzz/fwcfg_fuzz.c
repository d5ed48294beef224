/* libFuzzer target: the run-time settings as the guest reads them from fw_cfg
 * (fwcfg_lookup in fwcfg.c) and parses them (parse_settings in config.c).
 * The input plays the device: every read takes the next bytes of it, whatever
 * key is selected, and a read past its end gives zeros, as QEMU's does. */
#define _GNU_SOURCE
#include "init.h"

#include <stdlib.h>
#include <string.h>

struct device {
    const uint8_t *data;
    size_t size, pos;
};

static void dev_select(void *ctx, uint16_t key)
{
    (void)ctx;
    (void)key;
}

static void dev_read(void *ctx, void *buf, size_t n)
{
    struct device *d = ctx;
    size_t left = d->size - d->pos;
    size_t take = n < left ? n : left;
    memcpy(buf, d->data + d->pos, take);
    memset((char *)buf + take, 0, n - take);
    d->pos += take;
}

/* Written apart from the init's own check (volume_path_ok), component by component. */
static int plain_folder(const char *path)
{
    char copy[65536];
    if (path[0] != '/' || strlen(path) < 2 || strlen(path) >= sizeof copy || path[strlen(path) - 1] == '/'
        || strstr(path, "//"))
        return 0;
    strcpy(copy, path);
    char *save = NULL;
    for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save))
        if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct device d = { data, size, 0 };
    struct fwcfg_io io = { dev_select, dev_read, &d };
    char err[ERR_LEN] = "";
    char *buf = NULL;
    size_t len = 0;
    /* The guest allows 1 MiB (CONFIG_MAX in config.c); less keeps runs fast. */
    int found = fwcfg_lookup(&io, FWCFG_SETTINGS, 64 * 1024, &buf, &len, err);
    if (found < 0 && err[0] == '\0')
        abort();
    if (found <= 0)
        return 0;
    struct settings s;
    if (parse_settings(buf, len, "fuzz", &s, err) == 0) {
        for (int i = 0; i < s.envc; i++)
            if (!strchr(s.envp[i], '=') || s.envp[i][0] == '=')
                abort();
        if (s.stop_signal < 0 || s.stop_signal > 64)
            abort();
        for (int i = 0; i < s.volumec; i++)
            if (!plain_folder(s.volumes[i]))
                abort(); /* a volume is an absolute folder other than / without empty, . or .. parts */
    } else if (err[0] == '\0') {
        abort();
    }
    free(s.argv);
    free(s.envp);
    free(s.volumes);
    free(buf);
    return 0;
}
