/* The metadata services at 169.254.169.254, in cloud-init's order after the seed drives:
 * Azure IMDS, GCE, OpenStack, EC2 (IMDSv2: a token from PUT /latest/api/token first). When
 * nothing accepts a connection there, the first probe's time-out ends the search. */
#define _GNU_SOURCE
#include "cloud.h"
#include "init.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMDS "169.254.169.254"

struct probe {
    long long deadline;
    int first_ms;
    int connected; /* something answered at IMDS */
};

/* GET (or PUT) path; the status, with the body in *body (free it) when 200. */
static int fetch(struct probe *p, const char *method, const char *path, const char *headers,
                 const char *want, char **body, size_t *len)
{
    long long left = p->deadline - now_ms();
    int t = (int)(left < 0 ? 0 : left);
    if (!p->connected && t > p->first_ms)
        t = p->first_ms;
    char err[ERR_LEN];
    *body = NULL;
    if (t <= 0)
        return -1;
    int st = http_request(method, IMDS, path, headers, want, t, CLOUD_FILE_MAX, body, len, err);
    if (st < 0) {
        debug("cloud-init: %s http://%s%s: %s", method, IMDS, path, err);
        return -1;
    }
    p->connected = 1;
    if (st != 200) {
        free(*body);
        *body = NULL;
    }
    return st;
}

static void user_data(struct cloud_config *c, const char *what, char *data, size_t len, int b64)
{
    char err[ERR_LEN];
    char *plain = NULL;
    if (b64 && base64_decode(data, len, &plain, &len, err) < 0) {
        say("jcap-init: cloud-init: %s not applied: %s", what, err);
        return;
    }
    if (cloud_user_data(c, plain ? plain : data, len, err) < 0)
        say("jcap-init: cloud-init: %s not applied: %s", what, err);
    free(plain);
}

static void one_line_copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
    dst[strcspn(dst, "\r\n")] = '\0';
}

static int azure(struct probe *p, struct cloud_config *c)
{
    static const char H[] = "Metadata: true\r\n";
    char *b;
    size_t n;
    if (fetch(p, "GET", "/metadata/instance?api-version=2021-02-01", H, NULL, &b, &n) != 200)
        return 0;
    json_string(b, n, "vmId", c->instance_id, sizeof c->instance_id);
    json_string(b, n, "name", c->hostname, sizeof c->hostname);
    free(b);
    if (fetch(p, "GET", "/metadata/instance/compute/userData?api-version=2021-01-01&format=text",
              H, NULL, &b, &n) == 200) {
        user_data(c, "Azure userData", b, n, 1);
        free(b);
    }
    return 1;
}

static int gce(struct probe *p, struct cloud_config *c)
{
    static const char H[] = "Metadata-Flavor: Google\r\n", W[] = "Metadata-Flavor: Google";
    char *b;
    size_t n;
    if (fetch(p, "GET", "/computeMetadata/v1/instance/hostname", H, W, &b, &n) != 200)
        return 0;
    one_line_copy(c->hostname, sizeof c->hostname, b);
    free(b);
    if (fetch(p, "GET", "/computeMetadata/v1/instance/id", H, W, &b, &n) == 200) {
        one_line_copy(c->instance_id, sizeof c->instance_id, b);
        free(b);
    }
    if (fetch(p, "GET", "/computeMetadata/v1/instance/attributes/user-data", H, W, &b, &n) == 200) {
        user_data(c, "GCE user-data", b, n, 0);
        free(b);
    }
    return 1;
}

static int openstack(struct probe *p, struct cloud_config *c)
{
    char *b, err[ERR_LEN];
    size_t n;
    if (fetch(p, "GET", "/openstack/latest/meta_data.json", NULL, NULL, &b, &n) != 200)
        return 0;
    cloud_meta_data(c, b, n, 1, err);
    free(b);
    if (fetch(p, "GET", "/openstack/latest/user_data", NULL, NULL, &b, &n) == 200) {
        user_data(c, "OpenStack user_data", b, n, 0);
        free(b);
    }
    return 1;
}

static int ec2(struct probe *p, struct cloud_config *c)
{
    char *b, token[256] = "", h[320] = "";
    size_t n;
    if (fetch(p, "PUT", "/latest/api/token", "X-aws-ec2-metadata-token-ttl-seconds: 300\r\n", NULL,
              &b, &n) == 200) {
        one_line_copy(token, sizeof token, b);
        free(b);
        snprintf(h, sizeof h, "X-aws-ec2-metadata-token: %s\r\n", token);
    }
    if (fetch(p, "GET", "/latest/meta-data/instance-id", h, NULL, &b, &n) != 200)
        return 0;
    one_line_copy(c->instance_id, sizeof c->instance_id, b);
    free(b);
    if (fetch(p, "GET", "/latest/meta-data/local-hostname", h, NULL, &b, &n) == 200) {
        one_line_copy(c->hostname, sizeof c->hostname, b);
        free(b);
    }
    if (fetch(p, "GET", "/latest/user-data", h, NULL, &b, &n) == 200) {
        user_data(c, "EC2 user-data", b, n, 0);
        free(b);
    }
    return 1;
}

int metadata_services(struct cloud_config *c, int budget_ms, int first_ms, char *source,
                      size_t srclen)
{
    static const struct {
        const char *name;
        int (*probe)(struct probe *, struct cloud_config *);
    } SERVICES[] = { { "Azure IMDS", azure }, { "GCE metadata server", gce },
                     { "OpenStack metadata service", openstack }, { "EC2 IMDS", ec2 } };
    struct probe p = { now_ms() + budget_ms, first_ms, 0 };
    for (size_t i = 0; i < sizeof SERVICES / sizeof SERVICES[0]; i++) {
        if (SERVICES[i].probe(&p, c)) {
            snprintf(source, srclen, "%s at http://" IMDS, SERVICES[i].name);
            return 1;
        }
        if (!p.connected)
            return 0; /* nothing listens there: no other service will answer either */
    }
    return 0;
}
