/* Cloud-init data for run mode (docs/guest-protocol.md, "Cloud-init data"): where it is read
 * from (seed drives, metadata services), the formats it comes in and what of it is applied.
 * Kept apart from init.h: every parser here takes untrusted bytes and has a fuzz target. */
#ifndef JCAP_CLOUD_H
#define JCAP_CLOUD_H

#include <stddef.h>
#include <stdint.h>

#define CLOUD_FILE_MAX (1 << 20) /* user-data, meta-data and the rest: 1 MiB each at most */

/* A volume read by offset: a block device, or bytes in memory (fuzzing, tests).
 * read returns 0 when all n bytes at off were read, -1 otherwise. */
struct volume {
    int (*read)(void *ctx, uint64_t off, void *buf, size_t n);
    void *ctx;
    uint64_t size;
};
struct membuf {
    const void *data;
    size_t size;
};
int volume_mem_read(void *ctx, uint64_t off, void *buf, size_t n); /* ctx: a struct membuf */

/* iso9660.c, fat.c: the volume label (trailing spaces cut) and files by path ("a/b/c",
 * case-insensitive). label: 0 when the volume is of this type, -1 when not. read: 1 with the
 * file's bytes (malloc'ed, NUL added), 0 when there is no such file, -1 with err set. */
int iso_label(const struct volume *v, char label[33]);
int iso_read(const struct volume *v, const char *path, size_t max, char **out, size_t *len,
             char *err);
int fat_label(const struct volume *v, char label[12]);
int fat_read(const struct volume *v, const char *path, size_t max, char **out, size_t *len,
             char *err);

/* decode.c: base64 (whitespace skipped) and gzip (RFC 1952 around RFC 1951's deflate).
 * 0 with a malloc'ed result (NUL added), -1 with err set. */
int base64_decode(const char *in, size_t n, char **out, size_t *len, char *err);
int gunzip(const unsigned char *in, size_t n, size_t max, char **out, size_t *len, char *err);

/* yaml.c: the YAML subset cloud-config uses (see docs/cloud.md). */
enum ytype { Y_SCALAR, Y_MAP, Y_SEQ };
struct ynode {
    enum ytype type;
    char *key;   /* in a mapping: the key */
    char *value; /* a scalar's text */
    size_t len;  /* its length (it may hold NUL bytes from escapes) */
    int line;
    struct ynode *child, *next;
};
struct ynode *yaml_parse(const char *text, size_t n, char *err);
void yaml_free(struct ynode *n);
const struct ynode *yaml_get(const struct ynode *map, const char *key);

/* json.c: the string value of the first "key" at any depth of a JSON text; 1 found, 0 not. */
int json_string(const char *text, size_t n, const char *key, char *out, size_t outlen);

/* cloudconfig.c: what the data asks for. */
struct cloud_file {
    char *path, *content, *owner;
    size_t len;
    int mode; /* -1: 0644 */
    int append;
};
struct cloud_config {
    char hostname[256];
    char instance_id[128];
    char **env; /* NAME=value */
    int envc;
    char **argv; /* jcap: cmdline, split into words; NULL: keep the command */
    int argc;
    struct cloud_file *files;
    int nfiles;
    char ignored[256]; /* keys seen but not honoured, comma-separated */
    int network_config; /* a network-config was given (not applied) */
};
/* cloudjcap.c: the jcap: mapping of a #cloud-config document into c; -1 with err on bad data. */
int cloud_jcap_keys(struct cloud_config *c, const struct ynode *j, char *err);

/* Adds user-data (#cloud-config, multipart MIME, gzip) to c; -1 with err set on bad data. */
int cloud_user_data(struct cloud_config *c, const char *data, size_t n, char *err);
/* Adds meta-data (YAML, or JSON with "json" set) to c. */
int cloud_meta_data(struct cloud_config *c, const char *data, size_t n, int json, char *err);
void cloud_config_free(struct cloud_config *c);

/* mime.c: calls part() for each part of a multipart/mixed message with its content type
 * (lower case) and its body, base64 already decoded; -1 with err set. data is not changed. */
int mime_parts(const char *data, size_t n,
               int (*part)(void *ctx, const char *type, const char *body, size_t len, char *err),
               void *ctx, char *err);

/* http.c: one HTTP/1.0 request to addr:80 within timeout_ms. Returns the status with the body
 * (malloc'ed, NUL added; at most max bytes), -1 with err set when nothing answered.
 * headers: extra request header lines, each ending in \r\n. want_header: when not NULL, the
 * answer must carry this header line (e.g. "Metadata-Flavor: Google") or counts as a 0 status. */
int http_request(const char *method, const char *host, const char *path, const char *headers,
                 const char *want_header, int timeout_ms, size_t max, char **body, size_t *len,
                 char *err);
/* The status and body of a response held in buf (parsing only; for fuzzing). */
int http_parse_response(char *buf, size_t n, const char *want_header, char **body, size_t *len);

/* seeds.c, imds.c: the sources; each returns 1 when it gave data, 0 when absent. */
int seed_drives(struct cloud_config *c, char *source, size_t srclen);
int metadata_services(struct cloud_config *c, int budget_ms, int first_ms, char *source,
                      size_t srclen);

/* cloudinit.c: the run path's one hook. */
struct app;
struct cmdline;
void cloud_init(const struct cmdline *cmd, struct app *a);

#endif
