/* Just enough JSON for metadata documents (OpenStack's meta_data.json, Azure's instance
 * document): the string value of a key, found at any depth by scanning. Escapes \" \\ \/ \n
 * \t \r \b \f are decoded, \uXXXX below 0x80 too (others become '?'). */
#define _GNU_SOURCE
#include "cloud.h"

#include <string.h>

/* Reads the JSON string starting at text[*i] (the quote) into out (when not NULL);
 * -1 when it does not end. */
static int string_at(const char *t, size_t n, size_t *i, char *out, size_t outlen)
{
    size_t o = 0;
    for ((*i)++; *i < n; (*i)++) {
        char c = t[*i];
        if (c == '"') {
            (*i)++;
            if (out)
                out[o] = '\0';
            return 0;
        }
        if (c == '\\') {
            if (++*i >= n)
                return -1;
            c = t[*i];
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                unsigned v = 0;
                for (int d = 0; d < 4; d++) {
                    if (++*i >= n)
                        return -1;
                    char h = t[*i];
                    int x = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                            : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                    if (x < 0)
                        return -1;
                    v = v << 4 | (unsigned)x;
                }
                c = v > 0 && v < 0x80 ? (char)v : '?';
                break;
            }
            default: break; /* \" \\ \/ and anything else: the character itself */
            }
        }
        if (out && o + 1 < outlen)
            out[o++] = c;
    }
    return -1;
}

int json_string(const char *t, size_t n, const char *key, char *out, size_t outlen)
{
    char k[128];
    for (size_t i = 0; i < n;) {
        if (t[i] != '"') {
            i++;
            continue;
        }
        if (string_at(t, n, &i, k, sizeof k) < 0)
            return 0;
        size_t j = i;
        while (j < n && (t[j] == ' ' || t[j] == '\n' || t[j] == '\r' || t[j] == '\t'))
            j++;
        if (j >= n || t[j] != ':')
            continue; /* a value, not a key */
        j++;
        while (j < n && (t[j] == ' ' || t[j] == '\n' || t[j] == '\r' || t[j] == '\t'))
            j++;
        if (strcmp(k, key) == 0 && j < n && t[j] == '"' && outlen > 0)
            return string_at(t, n, &j, out, outlen) == 0;
        i = j;
    }
    return 0;
}
