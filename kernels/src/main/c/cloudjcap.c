/* jcap's own key of #cloud-config, "jcap:": env: (added to the application's environment) and
 * cmdline: (replaces its command), gathered into a struct cloud_config like the other keys. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int add_env(struct cloud_config *c, const char *name, const char *value, int line, char *err)
{
    if (!name[0] || strchr(name, '=') || strchr(value, '\n')) {
        set_err(err, "line %d: jcap env %s: a name without '=' and a value of one line", line, name);
        return -1;
    }
    char **g = realloc(c->env, (size_t)(c->envc + 1) * sizeof *g);
    if (!g || asprintf(&g[c->envc], "%s=%s", name, value) < 0) {
        if (g)
            c->env = g;
        set_err(err, "out of memory");
        return -1;
    }
    c->env = g;
    c->envc++;
    return 0;
}

static int add_arg(struct cloud_config *c, const char *word, size_t n)
{
    char **g = realloc(c->argv, (size_t)(c->argc + 2) * sizeof *g);
    if (!g)
        return -1;
    c->argv = g;
    if (!(g[c->argc] = strndup(word, n)))
        return -1;
    g[++c->argc] = NULL;
    return 0;
}

/* jcap: env: (a mapping, or a list of NAME=value) and cmdline: (a line split into words at
 * spaces, '...' and "..." kept together; or a list of words). */
int cloud_jcap_keys(struct cloud_config *c, const struct ynode *j, char *err)
{
    if (j->type != Y_MAP) {
        set_err(err, "line %d: jcap must be a mapping (env:, cmdline:)", j->line);
        return -1;
    }
    for (const struct ynode *k = j->child; k; k = k->next) {
        if (strcmp(k->key, "env") == 0) {
            for (const struct ynode *e = k->child; e; e = e->next) {
                if (e->type != Y_SCALAR || strlen(e->value) != e->len) {
                    set_err(err, "line %d: jcap env values must be text", e->line);
                    return -1;
                }
                char *eq = k->type == Y_SEQ ? strchr(e->value, '=') : NULL;
                if (k->type == Y_SEQ && !eq) {
                    set_err(err, "line %d: jcap env entry \"%s\" needs NAME=value", e->line,
                            e->value);
                    return -1;
                }
                if (eq)
                    *eq = '\0';
                int r = add_env(c, eq ? e->value : e->key, eq ? eq + 1 : e->value, e->line, err);
                if (eq)
                    *eq = '=';
                if (r < 0)
                    return -1;
            }
            if (k->type == Y_SCALAR && k->len > 0) {
                set_err(err, "line %d: jcap env must be a mapping of NAME: value", k->line);
                return -1;
            }
        } else if (strcmp(k->key, "cmdline") == 0) {
            for (int i = 0; i < c->argc; i++)
                free(c->argv[i]);
            free(c->argv);
            c->argv = NULL;
            c->argc = 0;
            if (k->type == Y_SEQ) {
                for (const struct ynode *w = k->child; w; w = w->next)
                    if (w->type != Y_SCALAR || add_arg(c, w->value, strlen(w->value)) < 0) {
                        set_err(err, "line %d: jcap cmdline words must be text", w->line);
                        return -1;
                    }
            } else if (k->type == Y_SCALAR) {
                for (const char *p = k->value; *p;) {
                    while (*p == ' ')
                        p++;
                    if (!*p)
                        break;
                    char q = (*p == '"' || *p == '\'') ? *p++ : ' ';
                    const char *s = p;
                    while (*p && *p != q)
                        p++;
                    if (q != ' ' && !*p) {
                        set_err(err, "line %d: jcap cmdline has an unclosed %c", k->line, q);
                        return -1;
                    }
                    if (add_arg(c, s, (size_t)(p - s)) < 0) {
                        set_err(err, "out of memory");
                        return -1;
                    }
                    if (*p)
                        p++;
                }
            } else {
                set_err(err, "line %d: jcap cmdline must be a line or a list of words", k->line);
                return -1;
            }
            if (c->argc == 0) {
                set_err(err, "line %d: jcap cmdline is empty", k->line);
                return -1;
            }
        } else {
            set_err(err, "line %d: unknown jcap key \"%s\" (expected env or cmdline)", k->line,
                    k->key);
            return -1;
        }
    }
    return 0;
}
