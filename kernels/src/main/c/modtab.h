/* The module table the init loads drivers by: modules.alias and modules.dep parsed
 * (modtab.c), shared with the loading at boot (modules.c). Internal to those two files. */
#ifndef JCAP_MODTAB_H
#define JCAP_MODTAB_H

#define MODULES_DIR "/lib/modules"

struct alias {
    const char *pattern, *module;
};
struct dep {
    const char *file;
    char name[64]; /* the module's name: the file's without .ko, '-' as '_' */
    const char **deps;
    int ndeps;
    int tried; /* boot: loaded, or failed and not tried again */
};
struct modtab {
    struct alias *aliases;
    int naliases;
    struct dep *deps;
    int ndeps;
    char *abuf, *dbuf;
};

/* The entry of module file FILE (NAME.ko); NULL when the table has none. */
struct dep *dep_by_file(const struct modtab *t, const char *file);
/* Splits s into words at spaces and tabs (in place); returns how many, at most max. */
int modtab_words(char *s, char **w, int max);

#endif
