/* libFuzzer target: the YAML subset parser (yaml.c) alone: a tree or an error, never both. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <stdlib.h>
#include <string.h>

static void walk(const struct ynode *n, int depth)
{
    if (depth > 40)
        abort();
    for (; n; n = n->next) {
        if ((n->type == Y_SCALAR) != (n->value != NULL) || (n->value && n->value[n->len] != '\0'))
            abort();
        walk(n->child, depth + 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[ERR_LEN] = "";
    struct ynode *root = yaml_parse((const char *)data, size, err);
    if (!root && err[0] == '\0')
        abort();
    walk(root, 0);
    yaml_free(root);
    return 0;
}
