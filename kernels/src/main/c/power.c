/* The ACPI power button (QMP system_powerdown, libvirt's shutdown): the
 * kernel's button driver reports it as KEY_POWER on an input device, which
 * evdev makes readable as /dev/input/eventN. Without those two modules there is
 * no device and the host stops the guest the hard way after its timeout. */
#define _GNU_SOURCE
#include "init.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>

/* From the kernel's uapi linux/input.h, which musl's headers do not carry. */
struct input_event {
    struct timeval time;
    uint16_t type;
    uint16_t code;
    int32_t value;
};
#define EV_KEY 0x01
#define KEY_POWER 116
#define KEY_MAX 0x2ff
#define EVIOCGBIT(ev, len) _IOC(_IOC_READ, 'E', 0x20 + (ev), len)

#define BITS_PER_LONG (8 * sizeof(unsigned long))

static int has_power_key(int fd)
{
    unsigned long keys[KEY_MAX / BITS_PER_LONG + 1];
    memset(keys, 0, sizeof keys);
    if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof keys), keys) < 0)
        return 0;
    return (keys[KEY_POWER / BITS_PER_LONG] >> (KEY_POWER % BITS_PER_LONG)) & 1;
}

int power_buttons_open(int *fds, int max)
{
    DIR *d = opendir("/dev/input");
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while (n < max && (e = readdir(d))) {
        if (strncmp(e->d_name, "event", 5) != 0)
            continue;
        char path[300];
        snprintf(path, sizeof path, "/dev/input/%s", e->d_name);
        int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        if (has_power_key(fd))
            fds[n++] = fd;
        else
            close(fd);
    }
    closedir(d);
    debug("%d input devices report the power button", n);
    return n;
}

int power_button_pressed(int fd)
{
    struct input_event ev[16];
    int pressed = 0;
    ssize_t n;
    while ((n = read(fd, ev, sizeof ev)) > 0) {
        for (size_t i = 0; i < (size_t)n / sizeof ev[0]; i++)
            if (ev[i].type == EV_KEY && ev[i].code == KEY_POWER && ev[i].value == 1)
                pressed = 1;
    }
    return pressed;
}
