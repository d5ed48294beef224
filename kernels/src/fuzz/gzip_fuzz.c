/* libFuzzer target: write_files' decoders (decode.c): gzip/deflate and base64. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = NULL, err[ERR_LEN] = "";
    size_t len = 0;
    if (gunzip(data, size, 256 * 1024, &out, &len, err) == 0) {
        if (len > 256 * 1024 || out[len] != '\0')
            abort();
        free(out);
    } else if (err[0] == '\0') {
        abort();
    }
    if (base64_decode((const char *)data, size, &out, &len, err) == 0) {
        if (len > size)
            abort();
        free(out);
    }
    return 0;
}
