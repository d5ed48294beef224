/* Exits with the status given as its first argument, after saying so. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int status = argc > 1 ? atoi(argv[1]) : 1;
    printf("exiting with status %d\n", status);
    return status;
}
