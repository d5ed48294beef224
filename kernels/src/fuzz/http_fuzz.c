/* libFuzzer target: a metadata service's answer (http.c) and the JSON it may hold (json.c). */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1), *body = NULL;
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    size_t len = 0;
    int st = http_parse_response(buf, size, "Metadata-Flavor: Google", &body, &len);
    if (st >= 0 && (st > 999 || body < buf || body + len != buf + size))
        abort();
    char out[64];
    if (json_string(buf, size, "uuid", out, sizeof out) && strlen(out) >= sizeof out)
        abort();
    free(buf);
    return 0;
}
