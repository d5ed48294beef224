/* libFuzzer target: user-data as the guest takes it (cloudconfig.c): gzip, multipart MIME,
 * #cloud-config through the YAML subset (yaml.c), write_files' base64 and gzip (decode.c). */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cloud_config c;
    memset(&c, 0, sizeof c);
    char err[ERR_LEN] = "";
    if (cloud_user_data(&c, (const char *)data, size, err) < 0 && err[0] == '\0')
        abort();
    for (int i = 0; i < c.envc; i++)
        if (!strchr(c.env[i], '='))
            abort();
    for (int i = 0; i < c.nfiles; i++)
        if (c.files[i].path[0] != '/' || c.files[i].mode > 07777)
            abort();
    if (c.argv && (c.argc == 0 || c.argv[c.argc] != NULL))
        abort();
    cloud_config_free(&c);
    /* The same bytes as meta-data, YAML and JSON. */
    if (cloud_meta_data(&c, (const char *)data, size, 0, err) < 0 && err[0] == '\0')
        abort();
    cloud_meta_data(&c, (const char *)data, size, 1, err);
    cloud_config_free(&c);
    return 0;
}
