/* The YAML subset parser's shared parts: yaml.c reads the structure (mappings, sequences),
 * yamlscalar.c the scalars. */
#ifndef JCAP_YAMLPARSE_H
#define JCAP_YAMLPARSE_H

#include "cloud.h"

#define MAX_DEPTH 32
#define MAX_NODES 100000

struct line {
    const char *s;
    size_t len;
    size_t off; /* where its content starts (moved past "- " for a sequence item) */
};

struct parser {
    struct line *lines;
    int n, cur, nodes;
    char *err;
};


char yp_at(const struct line *l, size_t i);
/* Only spaces or a comment from i on? */
int yp_rest_blank(const struct line *l, size_t i);
struct ynode *yp_node(struct parser *p, enum ytype t, int line);
struct ynode *yp_scalar(struct parser *p, int line, const char *s, size_t n);
/* A quoted scalar starting at s[i] (the quote); *end is set past the closing quote. */
struct ynode *yp_quoted(struct parser *p, int ln, const struct line *l, size_t i, size_t *end);
/* The value written after "key:" or "- " at l->s[i], on line ln; parent is the indentation of
 * what owns it (block scalars go deeper). Consumes its lines. */
struct ynode *yp_inline_value(struct parser *p, int ln, int parent, size_t i);

#endif
