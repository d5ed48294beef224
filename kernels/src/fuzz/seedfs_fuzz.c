/* libFuzzer target: a seed drive's file system as the guest reads it (iso9660.c, fat.c): the
 * input is the whole volume; the label and the seed's files are read from it as in seeds.c. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <stdlib.h>
#include <string.h>

static const char *const PATHS[] = { "user-data", "meta-data", "network-config",
                                     "openstack/latest/meta_data.json", "openstack/latest/user_data" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct membuf m = { data, size };
    struct volume v = { volume_mem_read, &m, size };
    char label[33];
    for (int fs = 0; fs < 2; fs++) {
        if ((fs == 0 ? iso_label(&v, label) : fat_label(&v, label)) < 0)
            continue;
        if (strlen(label) > 32)
            abort();
        for (size_t i = 0; i < sizeof PATHS / sizeof PATHS[0]; i++) {
            char *out = NULL, err[ERR_LEN] = "";
            size_t len = 0;
            int r = fs == 0 ? iso_read(&v, PATHS[i], 64 * 1024, &out, &len, err)
                            : fat_read(&v, PATHS[i], 64 * 1024, &out, &len, err);
            if ((r < 0 && err[0] == '\0') || (r > 0 && (len > 64 * 1024 || out[len] != '\0')))
                abort();
            free(out);
        }
    }
    return 0;
}
