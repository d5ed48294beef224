/* A starting program written by jcap init: replace it with yours, and the Capstanfile's
 * build, cmdline and files with what yours needs. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    const char *greeting = getenv("GREETING"); /* the Capstanfile's env, or jcap run -e */
    printf("%s from a jcap image!\n", greeting ? greeting : "Hello");
    return 0;
}
