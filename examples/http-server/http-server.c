/* A tiny static HTTP server for jcap's instance examples and tests.
 *   GET /          a fixed greeting
 *   GET /env/NAME  the value of the environment variable NAME (404 when unset)
 *   GET /quit      answers, then exits 0
 * It listens on the port given as its first argument (default 8080) and
 * exits 0 on SIGTERM, which is what the guest init sends on a graceful stop. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_term(int sig) {
    (void)sig;
    stopping = 1;
}

static void reply(int fd, int status, const char *reason, const char *body) {
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n", status, reason, strlen(body));
    if (write(fd, head, (size_t)n) < 0 || write(fd, body, strlen(body)) < 0)
        perror("http-server: write");
}

/* Reads the request head; returns the path of a GET, or NULL. */
static char *read_path(int fd, char *buf, size_t size) {
    size_t len = 0;
    while (len < size - 1 && !strstr(buf, "\r\n\r\n")) {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
    }
    if (strncmp(buf, "GET /", 5) != 0)
        return NULL;
    char *path = buf + 4;
    path[strcspn(path, " \r\n")] = '\0';
    return path;
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 8080;
    struct sigaction sa = { .sa_handler = on_term };
    sigaction(SIGTERM, &sa, NULL);
    int server = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    if (server < 0 || bind(server, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(server, 16) < 0) {
        perror("http-server: listen");
        return 1;
    }
    printf("http-server: listening on port %d\n", port);
    fflush(stdout);
    while (!stopping) {
        int fd = accept(server, NULL, NULL);
        if (fd < 0)
            continue;
        char buf[4096] = "";
        char *path = read_path(fd, buf, sizeof buf);
        int quit = 0;
        if (!path) {
            reply(fd, 400, "Bad Request", "only GET is served\n");
        } else if (strcmp(path, "/") == 0) {
            reply(fd, 200, "OK", "Hello from jcap's http-server!\n");
        } else if (strncmp(path, "/env/", 5) == 0) {
            const char *value = getenv(path + 5);
            char body[1024];
            snprintf(body, sizeof body, "%s\n", value ? value : "");
            if (value)
                reply(fd, 200, "OK", body);
            else
                reply(fd, 404, "Not Found", "no such variable\n");
        } else if (strcmp(path, "/quit") == 0) {
            reply(fd, 200, "OK", "bye\n");
            quit = 1;
        } else {
            reply(fd, 404, "Not Found", "not found\n");
        }
        printf("http-server: GET %s\n", path ? path : "(bad request)");
        fflush(stdout);
        close(fd);
        if (quit)
            return 0;
    }
    printf("http-server: SIGTERM, exiting\n");
    return 0;
}
