/* libFuzzer target: multipart MIME user-data (mime.c): each part's type and body. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <stdlib.h>
#include <string.h>

static int part(void *ctx, const char *type, const char *body, size_t len, char *err)
{
    (void)err;
    if (strlen(type) >= 128)
        abort();
    /* Touch every byte, so that ASan sees a body that runs past its buffer. */
    size_t *sum = ctx;
    for (size_t i = 0; i < len; i++)
        *sum += (unsigned char)body[i];
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[ERR_LEN] = "";
    size_t sum = 0;
    if (mime_parts((const char *)data, size, part, &sum, err) < 0 && err[0] == '\0')
        abort();
    return 0;
}
