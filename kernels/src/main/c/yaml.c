/* The YAML subset cloud-config uses (the accepted forms are listed in docs/cloud.md): block
 * mappings and sequences by indentation, plain, single- and double-quoted scalars on one
 * line, literal (|) and folded (>) block scalars, flow sequences of scalars ([a, "b"]) and
 * comments. Anchors, aliases, tags, flow mappings, multi-line plain or quoted scalars and
 * several documents are refused with the line they are on. */
#define _GNU_SOURCE
#include "yamlparse.h"
#include "init.h"

#include <stdlib.h>
#include <string.h>

static int col(const struct line *l)
{
    return (int)l->off;
}

static int is_blank(const struct line *l)
{
    size_t i = l->off;
    while (i < l->len && l->s[i] == ' ')
        i++;
    return i == l->len || l->s[i] == '#';
}

/* The next line with content, or -1. */
static int next_content(struct parser *p)
{
    while (p->cur < p->n && is_blank(&p->lines[p->cur]))
        p->cur++;
    return p->cur < p->n ? p->cur : -1;
}

void yaml_free(struct ynode *n)
{
    while (n) {
        struct ynode *next = n->next;
        yaml_free(n->child);
        free(n->key);
        free(n->value);
        free(n);
        n = next;
    }
}

const struct ynode *yaml_get(const struct ynode *map, const char *key)
{
    if (!map || map->type != Y_MAP)
        return NULL;
    for (const struct ynode *c = map->child; c; c = c->next)
        if (strcmp(c->key, key) == 0)
            return c;
    return NULL;
}

static struct ynode *parse_block(struct parser *p, int indent, int depth);

static int is_item(const struct line *l)
{
    return yp_at(l, l->off) == '-' && (l->off + 1 == l->len || l->s[l->off + 1] == ' ');
}

static struct ynode *parse_seq(struct parser *p, int indent, int depth)
{
    struct ynode *seq = yp_node(p, Y_SEQ, p->cur), **tail = seq ? &seq->child : NULL;
    int ln;
    while (seq && (ln = next_content(p)) >= 0 && col(&p->lines[ln]) == indent &&
           is_item(&p->lines[ln])) {
        struct line *l = &p->lines[ln];
        size_t i = l->off + 1;
        while (i < l->len && l->s[i] == ' ')
            i++;
        struct ynode *item;
        if (yp_rest_blank(l, i)) {
            p->cur = ln + 1;
            int next = next_content(p);
            if (next >= 0 && col(&p->lines[next]) > indent)
                item = parse_block(p, col(&p->lines[next]), depth + 1);
            else
                item = yp_scalar(p, ln, "", 0);
        } else {
            l->off = i; /* "- key: value" opens a mapping at the column of key */
            item = parse_block(p, (int)i, depth + 1);
        }
        if (!item) {
            yaml_free(seq);
            return NULL;
        }
        *tail = item;
        tail = &item->next;
    }
    return seq;
}

/* The end of a plain key at l->off ("key:" then a space or the end), or 0. */
static size_t key_end(const struct line *l)
{
    for (size_t i = l->off; i < l->len && l->s[i] != '#'; i++)
        if (l->s[i] == ':' && (i + 1 == l->len || l->s[i + 1] == ' '))
            return i;
    return 0;
}

static struct ynode *parse_map(struct parser *p, int indent, int depth)
{
    struct ynode *map = yp_node(p, Y_MAP, p->cur), **tail = map ? &map->child : NULL;
    int ln;
    while (map && (ln = next_content(p)) >= 0 && col(&p->lines[ln]) >= indent) {
        struct line *l = &p->lines[ln];
        if (l->off == 0 && l->len >= 3 && (memcmp(l->s, "---", 3) == 0 || memcmp(l->s, "...", 3) == 0) &&
            yp_rest_blank(l, 3))
            break; /* the end of the document: yaml_parse says what follows is refused */
        if (col(l) > indent || is_item(l)) {
            set_err(p->err, "line %d: unexpected indentation or \"- \" (expected a key at column %d)",
                    ln + 1, indent + 1);
            break;
        }
        char c = yp_at(l, l->off);
        size_t colon;
        struct ynode *k = NULL;
        if (c == '"' || c == '\'') {
            k = yp_quoted(p, ln, l, l->off, &colon);
            if (!k)
                break;
            if (yp_at(l, colon) != ':') {
                yaml_free(k);
                k = NULL;
            }
        } else if (c == '?' || c == '&' || c == '*' || c == '!' || c == '{' || c == '[' ||
                   c == '%') {
            k = NULL;
            colon = 0;
        } else if ((colon = key_end(l)) > l->off) {
            size_t e = colon;
            while (e > l->off && l->s[e - 1] == ' ')
                e--;
            k = yp_scalar(p, ln, l->s + l->off, e - l->off);
        }
        if (!k) {
            if (!p->err[0])
                set_err(p->err, "line %d: expected \"key: value\"", ln + 1);
            break;
        }
        for (struct ynode *o = map->child; o; o = o->next)
            if (strcmp(o->key, k->value) == 0) {
                set_err(p->err, "line %d: key \"%s\" given twice", ln + 1, k->value);
                yaml_free(k);
                goto fail;
            }
        size_t i = colon + 1;
        while (i < l->len && l->s[i] == ' ')
            i++;
        struct ynode *v;
        if (yp_rest_blank(l, i)) {
            p->cur = ln + 1;
            int next = next_content(p);
            if (next >= 0 && col(&p->lines[next]) > indent)
                v = parse_block(p, col(&p->lines[next]), depth + 1);
            else if (next >= 0 && col(&p->lines[next]) == indent && is_item(&p->lines[next]))
                v = depth < MAX_DEPTH ? parse_seq(p, indent, depth + 1) : NULL;
            else
                v = yp_scalar(p, ln, "", 0);
        } else {
            v = yp_inline_value(p, ln, indent, i);
        }
        if (!v) {
            if (!p->err[0])
                set_err(p->err, "line %d: nested more than %d deep", ln + 1, MAX_DEPTH);
            yaml_free(k);
            break;
        }
        v->key = k->value;
        k->value = NULL;
        yaml_free(k);
        *tail = v;
        tail = &v->next;
    }
    if (!p->err[0])
        return map;
fail:
    yaml_free(map);
    return NULL;
}

static struct ynode *parse_block(struct parser *p, int indent, int depth)
{
    if (depth > MAX_DEPTH) {
        set_err(p->err, "line %d: nested more than %d deep", p->cur + 1, MAX_DEPTH);
        return NULL;
    }
    int ln = next_content(p);
    struct line *l = &p->lines[ln];
    if (is_item(l))
        return parse_seq(p, indent, depth);
    char c = yp_at(l, l->off);
    if (c != '"' && c != '\'' && key_end(l) > l->off)
        return parse_map(p, indent, depth);
    if (c == '"' || c == '\'') {
        size_t end;
        struct ynode *k = yp_quoted(p, ln, l, l->off, &end);
        int is_key = k && yp_at(l, end) == ':';
        yaml_free(k);
        p->err[0] = '\0';
        if (is_key)
            return parse_map(p, indent, depth);
    }
    return yp_inline_value(p, ln, indent - 1, l->off);
}

struct ynode *yaml_parse(const char *text, size_t n, char *err)
{
    struct parser p = { NULL, 0, 0, 0, err };
    err[0] = '\0';
    if (memchr(text, '\0', n)) {
        set_err(err, "it holds a NUL byte");
        return NULL;
    }
    size_t count = 1;
    for (size_t i = 0; i < n; i++)
        count += text[i] == '\n';
    p.lines = calloc(count, sizeof *p.lines);
    if (!p.lines) {
        set_err(err, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - text - i) : n - i;
        struct line *l = &p.lines[p.n++];
        l->s = text + i;
        l->len = len > 0 && text[i + len - 1] == '\r' ? len - 1 : len;
        while (l->off < l->len && l->s[l->off] == ' ')
            l->off++;
        if (yp_at(l, l->off) == '\t' && !is_blank(l)) {
            set_err(err, "line %d: a tab in the indentation (indent with spaces)", p.n);
            free(p.lines);
            return NULL;
        }
        i += len + 1;
    }
    struct ynode *root = NULL;
    int ln = next_content(&p);
    if (ln >= 0 && p.lines[ln].len >= 3 && memcmp(p.lines[ln].s, "---", 3) == 0 &&
        yp_rest_blank(&p.lines[ln], 3)) {
        p.cur++;
        ln = next_content(&p);
    }
    if (ln >= 0 && yp_at(&p.lines[ln], 0) == '%') {
        set_err(err, "line %d: directives (%%YAML, %%TAG) are not accepted", ln + 1);
    } else if (ln < 0) {
        root = yp_node(&p, Y_MAP, 0);
    } else {
        root = parse_block(&p, col(&p.lines[ln]), 0);
        ln = root ? next_content(&p) : -1;
        if (root && ln >= 0) {
            if (p.lines[ln].len >= 3 && (memcmp(p.lines[ln].s, "---", 3) == 0 ||
                                         memcmp(p.lines[ln].s, "...", 3) == 0))
                set_err(err, "line %d: only one document is accepted", ln + 1);
            else
                set_err(err, "line %d: unexpected indentation", ln + 1);
            yaml_free(root);
            root = NULL;
        }
    }
    free(p.lines);
    return root;
}
