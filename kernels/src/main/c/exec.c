/* Run mode: why the application's exec failed, said so that it helps (docs/guest-protocol.md). */
#define _GNU_SOURCE
#include "init.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where execvpe found NAME: itself when it has a slash, else the first PATH folder that has it. */
static int program_path(const char *name, char *out, size_t size)
{
    if (strchr(name, '/'))
        return snprintf(out, size, "%s", name) < (int)size && access(out, F_OK) == 0;
    const char *path = getenv("PATH");
    for (const char *p = path ? path : ""; *p;) {
        const char *end = strchrnul(p, ':');
        if (end > p && snprintf(out, size, "%.*s/%s", (int)(end - p), p, name) < (int)size && access(out, F_OK) == 0)
            return 1;
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* The loader an ELF program names (PT_INTERP), into OUT; 0 for a static program or another format. */
static int elf_loader(int fd, const unsigned char *head, size_t n, char *out, size_t size)
{
    if (n < sizeof(Elf64_Ehdr) || head[EI_CLASS] != ELFCLASS64)
        return 0;
    const Elf64_Ehdr *e = (const Elf64_Ehdr *)head;
    for (unsigned i = 0; i < e->e_phnum && i < 256; i++) {
        Elf64_Phdr ph;
        if (pread(fd, &ph, sizeof ph, (off_t)(e->e_phoff + (Elf64_Off)i * e->e_phentsize)) != (ssize_t)sizeof ph)
            return 0;
        if (ph.p_type != PT_INTERP)
            continue;
        if (ph.p_filesz == 0 || ph.p_filesz >= size)
            return 0;
        ssize_t got = pread(fd, out, ph.p_filesz, (off_t)ph.p_offset);
        if (got != (ssize_t)ph.p_filesz)
            return 0;
        out[got] = 0;
        return out[0] != 0;
    }
    return 0;
}

/*
 * Why exec failed, said so that it helps: the kernel's ENOENT for a file that is there means
 * that what it needs to start is missing, the interpreter its #! line names or the loader its
 * ELF header names (docs/guest-protocol.md).
 */
void explain_exec(const char *name, int err)
{
    char path[PATH_MAX], needed[PATH_MAX];
    int fd = -1;
    if ((err == ENOENT || err == ENOEXEC) && program_path(name, path, sizeof path))
        fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        say("JCAP-ERROR exec %s: %s", name, strerror(err));
        return;
    }
    unsigned char head[256];
    ssize_t n = read(fd, head, sizeof head);
    if (n < 0)
        n = 0;
    if (err == ENOEXEC) {
        say("JCAP-ERROR exec %s: %s (neither an ELF program for this machine nor a script starting with #!)",
            path, strerror(err));
    } else if (n >= 2 && head[0] == '#' && head[1] == '!') {
        size_t i = 2, j = 0;
        while (i < (size_t)n && (head[i] == ' ' || head[i] == '\t'))
            i++;
        while (i < (size_t)n && head[i] != ' ' && head[i] != '\t' && head[i] != '\n' && j + 1 < sizeof needed)
            needed[j++] = (char)head[i++];
        needed[j] = 0;
        if (j > 0 && access(needed, F_OK) < 0)
            say("JCAP-ERROR exec %s: its #! interpreter %s: %s", path, needed, strerror(errno));
        else
            say("JCAP-ERROR exec %s: %s (through its #! interpreter %s)", path, strerror(err), needed);
    } else if (elf_loader(fd, head, (size_t)n, needed, sizeof needed)) {
        if (access(needed, F_OK) < 0)
            say("JCAP-ERROR exec %s: its ELF loader %s: %s (a dynamically linked program needs its loader and"
                " shared libraries in the image)", path, needed, strerror(errno));
        else
            say("JCAP-ERROR exec %s: %s (through its ELF loader %s)", path, strerror(err), needed);
    } else {
        say("JCAP-ERROR exec %s: %s", path, strerror(err));
    }
    close(fd);
}
