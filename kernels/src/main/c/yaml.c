/* The YAML subset cloud-config uses (the accepted forms are listed in docs/cloud.md): block
 * mappings and sequences by indentation, plain, single- and double-quoted scalars on one
 * line, literal (|) and folded (>) block scalars, flow sequences of scalars ([a, "b"]) and
 * comments. Anchors, aliases, tags, flow mappings, multi-line plain or quoted scalars and
 * several documents are refused with the line they are on. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <stdlib.h>
#include <string.h>

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

static int col(const struct line *l)
{
    return (int)l->off;
}

static char at(const struct line *l, size_t i)
{
    return i < l->len ? l->s[i] : '\0';
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

static struct ynode *node(struct parser *p, enum ytype t, int line)
{
    if (++p->nodes > MAX_NODES) {
        set_err(p->err, "more than %d values", MAX_NODES);
        return NULL;
    }
    struct ynode *y = calloc(1, sizeof *y);
    if (!y)
        set_err(p->err, "out of memory");
    else {
        y->type = t;
        y->line = line + 1;
    }
    return y;
}

static struct ynode *scalar(struct parser *p, int line, const char *s, size_t n)
{
    struct ynode *y = node(p, Y_SCALAR, line);
    if (y && !(y->value = malloc(n + 1))) {
        free(y);
        set_err(p->err, "out of memory");
        return NULL;
    }
    if (y) {
        memcpy(y->value, s, n);
        y->value[n] = '\0';
        y->len = n;
    }
    return y;
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

static int hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A quoted scalar starting at s[i] (the quote); *end is set past the closing quote. */
static struct ynode *quoted(struct parser *p, int ln, const struct line *l, size_t i, size_t *end)
{
    char q = l->s[i];
    char *buf = malloc(l->len * 4 + 1);
    size_t o = 0;
    if (!buf) {
        set_err(p->err, "out of memory");
        return NULL;
    }
    for (i++; i < l->len; i++) {
        char c = l->s[i];
        if (c == q && q == '\'' && at(l, i + 1) == '\'') {
            buf[o++] = '\'';
            i++;
        } else if (c == q) {
            *end = i + 1;
            struct ynode *y = scalar(p, ln, buf, o);
            free(buf);
            return y;
        } else if (c == '\\' && q == '"') {
            char e = at(l, ++i);
            static const char FROM[] = "\\\"/ntr0abefv ", TO[] = "\\\"/\n\t\r\0\a\b\033\f\v ";
            const char *k = e ? strchr(FROM, e) : NULL;
            int digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
            if (k) {
                buf[o++] = TO[k - FROM];
            } else if (digits && i + (size_t)digits < l->len) {
                uint32_t cp = 0;
                for (int d = 1; d <= digits; d++) {
                    int h = hex(l->s[i + (size_t)d]);
                    if (h < 0)
                        goto bad;
                    cp = cp << 4 | (uint32_t)h;
                }
                i += (size_t)digits;
                if (cp < 0x80 || e == 'x') {
                    buf[o++] = (char)cp;
                } else if (cp < 0x800) {
                    buf[o++] = (char)(0xC0 | cp >> 6);
                    buf[o++] = (char)(0x80 | (cp & 0x3F));
                } else if (cp < 0x10000) {
                    buf[o++] = (char)(0xE0 | cp >> 12);
                    buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    buf[o++] = (char)(0x80 | (cp & 0x3F));
                } else if (cp < 0x110000) {
                    buf[o++] = (char)(0xF0 | cp >> 18);
                    buf[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                    buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    buf[o++] = (char)(0x80 | (cp & 0x3F));
                } else {
                    goto bad;
                }
            } else {
                goto bad;
            }
        } else {
            buf[o++] = c;
        }
    }
    free(buf);
    set_err(p->err, "line %d: a quoted value must end on its line", ln + 1);
    return NULL;
bad:
    free(buf);
    set_err(p->err, "line %d: bad escape in a double-quoted value", ln + 1);
    return NULL;
}

/* Only spaces or a comment from i on? */
static int rest_blank(const struct line *l, size_t i)
{
    while (i < l->len && l->s[i] == ' ')
        i++;
    return i == l->len || l->s[i] == '#';
}

/* A literal or folded block scalar whose header is at l->s[i]; its lines follow, indented
 * deeper than parent. */
static struct ynode *block(struct parser *p, int ln, const struct line *l, size_t i, int parent)
{
    int folded = l->s[i] == '>';
    char chomp = 'c';
    for (i++; i < l->len && l->s[i] != ' ' && l->s[i] != '#'; i++) {
        if (l->s[i] == '-' || l->s[i] == '+')
            chomp = l->s[i];
        else if (!(l->s[i] >= '1' && l->s[i] <= '9')) {
            set_err(p->err, "line %d: bad block scalar header", ln + 1);
            return NULL;
        }
    }
    if (!rest_blank(l, i)) {
        set_err(p->err, "line %d: text after a block scalar header", ln + 1);
        return NULL;
    }
    size_t total = 0;
    int first = ln + 1, last = ln, indent = -1;
    for (int k = first; k < p->n; k++) {
        const struct line *b = &p->lines[k];
        size_t sp = 0;
        while (sp < b->len && b->s[sp] == ' ')
            sp++;
        if (sp == b->len) {
            total += 1;
            continue;
        }
        if ((int)sp <= parent || (indent >= 0 && (int)sp < indent))
            break;
        if (indent < 0)
            indent = (int)sp;
        total += b->len + 1;
        last = k;
    }
    char *buf = malloc(total + 2);
    if (!buf) {
        set_err(p->err, "out of memory");
        return NULL;
    }
    size_t o = 0;
    int trailing = 0;
    for (int k = first; k < p->n && (k <= last || indent < 0 || chomp == '+'); k++) {
        const struct line *b = &p->lines[k];
        size_t sp = 0;
        while (sp < b->len && b->s[sp] == ' ')
            sp++;
        if (sp == b->len) {
            if (k > last && chomp != '+')
                break;
            buf[o++] = '\n';
            trailing++;
            continue;
        }
        if (k > last)
            break;
        if (folded && o > 0 && trailing == 0 && buf[o - 1] == '\n')
            buf[o - 1] = ' ';
        trailing = 0;
        memcpy(buf + o, b->s + indent, b->len - (size_t)indent);
        o += b->len - (size_t)indent;
        buf[o++] = '\n';
    }
    p->cur = (indent < 0 ? first : last + 1);
    if (chomp == '+') {
        while (p->cur < p->n && p->lines[p->cur].len == 0)
            p->cur++;
    } else {
        while (o > 0 && buf[o - 1] == '\n')
            o--;
        if (chomp == 'c' && o > 0)
            buf[o++] = '\n';
    }
    struct ynode *y = scalar(p, ln, buf, o);
    free(buf);
    return y;
}

/* The value written after "key:" or "- " at l->s[i], on line ln; parent is the indentation of
 * what owns it (block scalars go deeper). Consumes its lines. */
static struct ynode *inline_value(struct parser *p, int ln, int parent, size_t i)
{
    const struct line *l = &p->lines[ln];
    char c = at(l, i);
    if (c == '|' || c == '>')
        return block(p, ln, l, i, parent);
    p->cur = ln + 1;
    if (c == '&' || c == '*' || c == '!') {
        set_err(p->err, "line %d: anchors, aliases and tags (&, *, !) are not accepted", ln + 1);
        return NULL;
    }
    if (c == '{') {
        set_err(p->err, "line %d: flow mappings ({...}) are not accepted; write one key a line",
                ln + 1);
        return NULL;
    }
    size_t end;
    if (c == '"' || c == '\'') {
        struct ynode *y = quoted(p, ln, l, i, &end);
        if (y && !rest_blank(l, end)) {
            yaml_free(y);
            set_err(p->err, "line %d: text after a quoted value", ln + 1);
            return NULL;
        }
        return y;
    }
    if (c == '[') {
        struct ynode *seq = node(p, Y_SEQ, ln), **tail = seq ? &seq->child : NULL;
        for (i++; seq;) {
            while (at(l, i) == ' ')
                i++;
            if (at(l, i) == ']' && seq->child == NULL && rest_blank(l, i + 1))
                return seq;
            struct ynode *item;
            if (at(l, i) == '"' || at(l, i) == '\'') {
                item = quoted(p, ln, l, i, &end);
            } else {
                end = i;
                while (end < l->len && !strchr(",[]{}#", l->s[end]))
                    end++;
                size_t e = end;
                while (e > i && l->s[e - 1] == ' ')
                    e--;
                item = e > i ? scalar(p, ln, l->s + i, e - i) : NULL;
                if (e == i)
                    set_err(p->err, "line %d: an empty item in [...]", ln + 1);
            }
            if (!item)
                break;
            *tail = item;
            tail = &item->next;
            i = end;
            while (at(l, i) == ' ')
                i++;
            if (at(l, i) == ']' && rest_blank(l, i + 1))
                return seq;
            if (at(l, i) != ',') {
                set_err(p->err, "line %d: a [...] sequence must hold plain or quoted values and end "
                        "on its line", ln + 1);
                break;
            }
            i++;
        }
        yaml_free(seq);
        return NULL;
    }
    end = i;
    while (end < l->len && !(l->s[end] == '#' && end > i && l->s[end - 1] == ' ')) {
        if (l->s[end] == ':' && (end + 1 == l->len || l->s[end + 1] == ' ')) {
            set_err(p->err, "line %d: a plain value holds \": \"; quote it", ln + 1);
            return NULL;
        }
        end++;
    }
    while (end > i && l->s[end - 1] == ' ')
        end--;
    return scalar(p, ln, l->s + i, end - i);
}

static struct ynode *parse_block(struct parser *p, int indent, int depth);

static int is_item(const struct line *l)
{
    return at(l, l->off) == '-' && (l->off + 1 == l->len || l->s[l->off + 1] == ' ');
}

static struct ynode *parse_seq(struct parser *p, int indent, int depth)
{
    struct ynode *seq = node(p, Y_SEQ, p->cur), **tail = seq ? &seq->child : NULL;
    int ln;
    while (seq && (ln = next_content(p)) >= 0 && col(&p->lines[ln]) == indent &&
           is_item(&p->lines[ln])) {
        struct line *l = &p->lines[ln];
        size_t i = l->off + 1;
        while (i < l->len && l->s[i] == ' ')
            i++;
        struct ynode *item;
        if (rest_blank(l, i)) {
            p->cur = ln + 1;
            int next = next_content(p);
            if (next >= 0 && col(&p->lines[next]) > indent)
                item = parse_block(p, col(&p->lines[next]), depth + 1);
            else
                item = scalar(p, ln, "", 0);
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
    struct ynode *map = node(p, Y_MAP, p->cur), **tail = map ? &map->child : NULL;
    int ln;
    while (map && (ln = next_content(p)) >= 0 && col(&p->lines[ln]) >= indent) {
        struct line *l = &p->lines[ln];
        if (col(l) > indent || is_item(l)) {
            set_err(p->err, "line %d: unexpected indentation or \"- \" (expected a key at column %d)",
                    ln + 1, indent + 1);
            break;
        }
        char c = at(l, l->off);
        size_t colon;
        struct ynode *k = NULL;
        if (c == '"' || c == '\'') {
            k = quoted(p, ln, l, l->off, &colon);
            if (!k)
                break;
            if (at(l, colon) != ':') {
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
            k = scalar(p, ln, l->s + l->off, e - l->off);
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
        if (rest_blank(l, i)) {
            p->cur = ln + 1;
            int next = next_content(p);
            if (next >= 0 && col(&p->lines[next]) > indent)
                v = parse_block(p, col(&p->lines[next]), depth + 1);
            else if (next >= 0 && col(&p->lines[next]) == indent && is_item(&p->lines[next]))
                v = depth < MAX_DEPTH ? parse_seq(p, indent, depth + 1) : NULL;
            else
                v = scalar(p, ln, "", 0);
        } else {
            v = inline_value(p, ln, indent, i);
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
    char c = at(l, l->off);
    if (c != '"' && c != '\'' && key_end(l) > l->off)
        return parse_map(p, indent, depth);
    if (c == '"' || c == '\'') {
        size_t end;
        struct ynode *k = quoted(p, ln, l, l->off, &end);
        int is_key = k && at(l, end) == ':';
        yaml_free(k);
        p->err[0] = '\0';
        if (is_key)
            return parse_map(p, indent, depth);
    }
    return inline_value(p, ln, indent - 1, l->off);
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
        if (at(l, l->off) == '\t' && !is_blank(l)) {
            set_err(err, "line %d: a tab in the indentation (indent with spaces)", p.n);
            free(p.lines);
            return NULL;
        }
        i += len + 1;
    }
    struct ynode *root = NULL;
    int ln = next_content(&p);
    if (ln >= 0 && p.lines[ln].len >= 3 && memcmp(p.lines[ln].s, "---", 3) == 0 &&
        rest_blank(&p.lines[ln], 3)) {
        p.cur++;
        ln = next_content(&p);
    }
    if (ln >= 0 && at(&p.lines[ln], 0) == '%') {
        set_err(err, "line %d: directives (%%YAML, %%TAG) are not accepted", ln + 1);
    } else if (ln < 0) {
        root = node(&p, Y_MAP, 0);
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
