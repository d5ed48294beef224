/* libFuzzer target: the module index parser and planner (modtab_parse, modtab_plan in
 * modules.c). The input is modules.alias, a NUL, then modules.dep. */
#include "init.h"

#include <stdlib.h>
#include <string.h>

static const char *const DEVICES[] = { "pci:v00001AF4d00001004sv00001AF4sd00000008bc01sc00i00",
                                       "virtio:d00000008v00001AF4", "scsi:t-0x00", "xen:vbd", "" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t alen = nul ? (size_t)(nul - data) : size;
    size_t dlen = nul ? size - alen - 1 : 0;
    char *aliases = malloc(alen + 1), *deps = malloc(dlen + 1);
    struct modtab *t = modtab_new();
    if (!aliases || !deps || !t)
        abort();
    memcpy(aliases, data, alen);
    aliases[alen] = '\0';
    if (dlen)
        memcpy(deps, nul + 1, dlen);
    deps[dlen] = '\0';
    char err[ERR_LEN] = "";
    if (modtab_parse(t, aliases, deps, err) < 0) {
        if (err[0] == '\0')
            abort(); /* a refusal always says why */
    } else {
        for (size_t i = 0; i < sizeof DEVICES / sizeof DEVICES[0]; i++) {
            const char *plan[8];
            int n = modtab_plan(t, DEVICES[i], plan, 0, 8);
            if (n < 0 || n > 8)
                abort();
            for (int j = 0; j < n; j++)
                if (strlen(plan[j]) < 4 || strcmp(plan[j] + strlen(plan[j]) - 3, ".ko") != 0)
                    abort();
        }
    }
    modtab_free(t);
    free(aliases);
    free(deps);
    return 0;
}
