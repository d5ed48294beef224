/* The scalars of the YAML subset (yaml.c has the whole list): plain, single- and double-quoted on
 * one line, literal (|) and folded (>) block scalars, flow sequences of scalars on one line. */
#define _GNU_SOURCE
#include "yamlparse.h"
#include "init.h"

#include <stdlib.h>
#include <string.h>

char yp_at(const struct line *l, size_t i)
{
    return i < l->len ? l->s[i] : '\0';
}

struct ynode *yp_node(struct parser *p, enum ytype t, int line)
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

struct ynode *yp_scalar(struct parser *p, int line, const char *s, size_t n)
{
    struct ynode *y = yp_node(p, Y_SCALAR, line);
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

static int hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                      : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A quoted scalar starting at s[i] (the quote); *end is set past the closing quote. */
struct ynode *yp_quoted(struct parser *p, int ln, const struct line *l, size_t i, size_t *end)
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
        if (c == q && q == '\'' && yp_at(l, i + 1) == '\'') {
            buf[o++] = '\'';
            i++;
        } else if (c == q) {
            *end = i + 1;
            struct ynode *y = yp_scalar(p, ln, buf, o);
            free(buf);
            return y;
        } else if (c == '\\' && q == '"') {
            char e = yp_at(l, ++i);
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
int yp_rest_blank(const struct line *l, size_t i)
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
    if (!yp_rest_blank(l, i)) {
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
    struct ynode *y = yp_scalar(p, ln, buf, o);
    free(buf);
    return y;
}

/* The value written after "key:" or "- " at l->s[i], on line ln; parent is the indentation of
 * what owns it (block scalars go deeper). Consumes its lines. */
struct ynode *yp_inline_value(struct parser *p, int ln, int parent, size_t i)
{
    const struct line *l = &p->lines[ln];
    char c = yp_at(l, i);
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
        struct ynode *y = yp_quoted(p, ln, l, i, &end);
        if (y && !yp_rest_blank(l, end)) {
            yaml_free(y);
            set_err(p->err, "line %d: text after a quoted value", ln + 1);
            return NULL;
        }
        return y;
    }
    if (c == '[') {
        struct ynode *seq = yp_node(p, Y_SEQ, ln), **tail = seq ? &seq->child : NULL;
        for (i++; seq;) {
            while (yp_at(l, i) == ' ')
                i++;
            if (yp_at(l, i) == ']' && seq->child == NULL && yp_rest_blank(l, i + 1))
                return seq;
            struct ynode *item;
            if (yp_at(l, i) == '"' || yp_at(l, i) == '\'') {
                item = yp_quoted(p, ln, l, i, &end);
            } else {
                end = i;
                while (end < l->len && !strchr(",[]{}#", l->s[end]))
                    end++;
                size_t e = end;
                while (e > i && l->s[e - 1] == ' ')
                    e--;
                item = e > i ? yp_scalar(p, ln, l->s + i, e - i) : NULL;
                if (e == i)
                    set_err(p->err, "line %d: an empty item in [...]", ln + 1);
            }
            if (!item)
                break;
            *tail = item;
            tail = &item->next;
            i = end;
            while (yp_at(l, i) == ' ')
                i++;
            if (yp_at(l, i) == ']' && yp_rest_blank(l, i + 1))
                return seq;
            if (yp_at(l, i) != ',') {
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
    return yp_scalar(p, ln, l->s + i, end - i);
}

