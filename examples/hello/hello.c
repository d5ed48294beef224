/* The smallest jcap application: print a greeting and exit 0. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    const char *name = getenv("GREETING_NAME");
    printf("Hello from jcap, %s!\n", name ? name : "world");
    return 0;
}
