/* A Capstan package's program: prints $GREETING, in capitals with --shout. OSv runs it as a PIE. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *greeting = getenv("GREETING");
    char line[128];
    snprintf(line, sizeof line, "%s from a Capstan package!", greeting ? greeting : "Hello");
    if (argc > 1 && strcmp(argv[1], "--shout") == 0) {
        for (char *c = line; *c; c++) {
            *c = (char) toupper((unsigned char) *c);
        }
    }
    puts(line);
    return 0;
}
