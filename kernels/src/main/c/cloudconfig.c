/* What cloud-init data asks for: #cloud-config documents (plain, gzip'ed or in multipart
 * MIME) and meta-data, gathered into a struct cloud_config before anything is applied.
 * The keys honoured and the YAML subset accepted are listed in docs/cloud.md. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void note_ignored(struct cloud_config *c, const char *what)
{
    if (!what[0])
        what = "\"\"";
    size_t n = strlen(what), have = strlen(c->ignored);
    for (const char *p = c->ignored; (p = strstr(p, what)); p += n)
        if ((p == c->ignored || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
            return;
    if (have + n + 3 < sizeof c->ignored)
        snprintf(c->ignored + have, sizeof c->ignored - have, "%s%s", have ? ", " : "", what);
}

static int text_of(const struct ynode *v, const char *key, char *err)
{
    if (v->type != Y_SCALAR || strlen(v->value) != v->len) {
        set_err(err, "line %d: %s must be a single text value", v->line, key);
        return -1;
    }
    return 0;
}

static int set_hostname_from(struct cloud_config *c, const struct ynode *v, const char *key,
                             char *err)
{
    if (text_of(v, key, err) < 0)
        return -1;
    if (v->len == 0 || v->len >= sizeof c->hostname) {
        set_err(err, "line %d: %s must have 1 to %zu characters", v->line, key,
                sizeof c->hostname - 1);
        return -1;
    }
    snprintf(c->hostname, sizeof c->hostname, "%s", v->value);
    return 0;
}

static int is_true(const char *s)
{
    return strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 || strcasecmp(s, "on") == 0;
}

/* One write_files entry; its content is decoded here. */
static int write_file(struct cloud_config *c, const struct ynode *f, char *err)
{
    if (f->type != Y_MAP) {
        set_err(err, "line %d: a write_files entry must be a mapping (path:, content:, ...)",
                f->line);
        return -1;
    }
    const struct ynode *path = yaml_get(f, "path"), *content = yaml_get(f, "content");
    const struct ynode *enc = yaml_get(f, "encoding"), *perm = yaml_get(f, "permissions");
    const struct ynode *owner = yaml_get(f, "owner"), *append = yaml_get(f, "append");
    for (const struct ynode *k = f->child; k; k = k->next)
        if (k->type != Y_SCALAR) {
            set_err(err, "line %d: write_files' %s must be a single value", k->line, k->key);
            return -1;
        }
    if (!path || path->value[0] != '/') {
        set_err(err, "line %d: a write_files entry needs an absolute path", f->line);
        return -1;
    }
    const char *e = enc ? enc->value : "text/plain";
    const char *data = content ? content->value : "";
    size_t len = content ? content->len : 0;
    char *decoded = NULL, *inflated = NULL;
    int b64 = 0, gz = 0;
    if (strcasecmp(e, "b64") == 0 || strcasecmp(e, "base64") == 0)
        b64 = 1;
    else if (strcasecmp(e, "gz") == 0 || strcasecmp(e, "gzip") == 0)
        gz = 1;
    else if (strcasecmp(e, "gz+b64") == 0 || strcasecmp(e, "gz+base64") == 0 ||
             strcasecmp(e, "gzip+b64") == 0 || strcasecmp(e, "gzip+base64") == 0)
        b64 = gz = 1;
    else if (strcasecmp(e, "text/plain") != 0) {
        set_err(err, "line %d: unknown encoding \"%s\" (expected b64, gzip, gz+b64 or text/plain)",
                enc->line, e);
        return -1;
    }
    char sub[ERR_LEN];
    if (b64 && base64_decode(data, len, &decoded, &len, sub) < 0) {
        set_err(err, "write_files %s: %s", path->value, sub);
        return -1;
    }
    if (decoded)
        data = decoded;
    if (gz && gunzip((const unsigned char *)data, len, CLOUD_FILE_MAX, &inflated, &len, sub) < 0) {
        free(decoded);
        set_err(err, "write_files %s: %s", path->value, sub);
        return -1;
    }
    int mode = -1;
    if (perm) {
        char *end;
        long m = strtol(perm->value, &end, 8);
        if (perm->len == 0 || *end || m < 0 || m > 07777) {
            free(decoded);
            free(inflated);
            set_err(err, "line %d: permissions \"%s\" is not an octal mode such as '0644'",
                    perm->line, perm->value);
            return -1;
        }
        mode = (int)m;
    }
    struct cloud_file *g = realloc(c->files, (size_t)(c->nfiles + 1) * sizeof *g);
    char *copy = malloc(len + 1);
    if (!g || !copy) {
        free(g == c->files ? NULL : g);
        free(copy);
        free(decoded);
        free(inflated);
        set_err(err, "out of memory");
        return -1;
    }
    c->files = g;
    memcpy(copy, inflated ? inflated : data, len);
    copy[len] = '\0';
    free(decoded);
    free(inflated);
    c->files[c->nfiles++] = (struct cloud_file){ strdup(path->value), copy,
                                                 owner ? strdup(owner->value) : NULL, len, mode,
                                                 append && is_true(append->value) };
    return 0;
}

/* Moves what one document asked for (t) into c: the document applies whole or not at all. */
static int merge(struct cloud_config *c, struct cloud_config *t)
{
    struct cloud_file *f = realloc(c->files, (size_t)(c->nfiles + t->nfiles + 1) * sizeof *f);
    if (f)
        c->files = f;
    char **e = f ? realloc(c->env, (size_t)(c->envc + t->envc + 1) * sizeof *e) : NULL;
    if (e)
        c->env = e;
    if (!f || !e)
        return -1;
    if (t->nfiles)
        memcpy(c->files + c->nfiles, t->files, (size_t)t->nfiles * sizeof *f);
    c->nfiles += t->nfiles;
    if (t->envc)
        memcpy(c->env + c->envc, t->env, (size_t)t->envc * sizeof *e);
    c->envc += t->envc;
    if (t->argv) {
        for (int i = 0; i < c->argc; i++)
            free(c->argv[i]);
        free(c->argv);
        c->argv = t->argv;
        c->argc = t->argc;
    }
    if (t->hostname[0])
        memcpy(c->hostname, t->hostname, sizeof c->hostname);
    for (char *k = t->ignored; *k;) {
        size_t len = strcspn(k, ",");
        char what[256];
        snprintf(what, sizeof what, "%.*s", (int)len, k);
        note_ignored(c, what);
        k += len;
        k += strspn(k, ", ");
    }
    free(t->files);
    free(t->env);
    memset(t, 0, sizeof *t);
    return 0;
}

static int config_doc(struct cloud_config *c, const char *text, size_t n, char *err);

static int cloud_config_doc(struct cloud_config *c, const char *text, size_t n, char *err)
{
    struct cloud_config t;
    memset(&t, 0, sizeof t);
    int r = config_doc(&t, text, n, err);
    if (r == 0 && merge(c, &t) < 0) {
        set_err(err, "out of memory");
        r = -1;
    }
    cloud_config_free(&t);
    return r;
}

static int config_doc(struct cloud_config *c, const char *text, size_t n, char *err)
{
    char sub[ERR_LEN];
    struct ynode *root = yaml_parse(text, n, sub);
    if (!root) {
        set_err(err, "#cloud-config: %s", sub);
        return -1;
    }
    int r = 0;
    if (root->type != Y_MAP) {
        set_err(err, "#cloud-config: the document must be a mapping of keys");
        r = -1;
    }
    const struct ynode *fqdn = yaml_get(root, "fqdn");
    for (const struct ynode *k = root->type == Y_MAP ? root->child : NULL; k && r == 0; k = k->next) {
        if (strcmp(k->key, "hostname") == 0) {
            r = set_hostname_from(c, k, "hostname", sub);
        } else if (strcmp(k->key, "fqdn") == 0) {
            if (!yaml_get(root, "hostname"))
                r = set_hostname_from(c, fqdn, "fqdn", sub);
        } else if (strcmp(k->key, "write_files") == 0) {
            if (k->type != Y_SEQ && !(k->type == Y_SCALAR && k->len == 0)) {
                set_err(sub, "line %d: write_files must be a list", k->line);
                r = -1;
            }
            for (const struct ynode *f = k->type == Y_SEQ ? k->child : NULL; f && r == 0; f = f->next)
                r = write_file(c, f, sub);
        } else if (strcmp(k->key, "jcap") == 0) {
            r = cloud_jcap_keys(c, k, sub);
        } else {
            note_ignored(c, k->key);
        }
    }
    if (r < 0 && root->type == Y_MAP)
        set_err(err, "#cloud-config: %s", sub);
    yaml_free(root);
    return r;
}

static int mime_part(void *ctx, const char *type, const char *body, size_t len, char *err)
{
    struct cloud_config *c = ctx;
    if (strcmp(type, "text/cloud-config") == 0)
        return cloud_config_doc(c, body, len, err);
    char what[160];
    snprintf(what, sizeof what, "a %s part", type);
    note_ignored(c, what);
    return 0;
}

int cloud_user_data(struct cloud_config *c, const char *data, size_t n, char *err)
{
    if (n >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b) {
        char *plain;
        size_t len;
        char sub[ERR_LEN];
        if (gunzip((const unsigned char *)data, n, CLOUD_FILE_MAX, &plain, &len, sub) < 0) {
            set_err(err, "user-data: %s", sub);
            return -1;
        }
        int r = (len >= 2 && (unsigned char)plain[0] == 0x1f) ? 0 : cloud_user_data(c, plain, len, err);
        free(plain);
        return r;
    }
    if (n == 0)
        return 0;
    if (n >= 13 && strncmp(data, "#cloud-config", 13) == 0)
        return cloud_config_doc(c, data, n, err);
    if ((n >= 13 && strncasecmp(data, "Content-Type:", 13) == 0) ||
        (n >= 13 && strncasecmp(data, "MIME-Version:", 13) == 0))
        return mime_parts(data, n, mime_part, c, err) < 0 ? -1 : 0;
    note_ignored(c, n >= 2 && data[0] == '#' && data[1] == '!' ? "a user-data script"
                                                                : "user-data not starting with #cloud-config");
    return 0;
}

int cloud_meta_data(struct cloud_config *c, const char *data, size_t n, int json, char *err)
{
    if (json) {
        json_string(data, n, "uuid", c->instance_id, sizeof c->instance_id);
        json_string(data, n, "hostname", c->hostname, sizeof c->hostname);
        return 0;
    }
    char sub[ERR_LEN];
    struct ynode *root = yaml_parse(data, n, sub);
    if (!root) {
        set_err(err, "meta-data: %s", sub);
        return -1;
    }
    const struct ynode *id = yaml_get(root, "instance-id"), *host = yaml_get(root, "local-hostname");
    if (id && id->type == Y_SCALAR)
        snprintf(c->instance_id, sizeof c->instance_id, "%s", id->value);
    if (host && host->type == Y_SCALAR && host->len > 0)
        snprintf(c->hostname, sizeof c->hostname, "%s", host->value);
    yaml_free(root);
    return 0;
}

void cloud_config_free(struct cloud_config *c)
{
    for (int i = 0; i < c->envc; i++)
        free(c->env[i]);
    for (int i = 0; i < c->argc; i++)
        free(c->argv[i]);
    for (int i = 0; i < c->nfiles; i++) {
        free(c->files[i].path);
        free(c->files[i].content);
        free(c->files[i].owner);
    }
    free(c->env);
    free(c->argv);
    free(c->files);
    memset(c, 0, sizeof *c);
}
