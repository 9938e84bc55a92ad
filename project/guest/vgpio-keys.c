/*
 * vgpio-keys: key events of a Linux input device (evdev), for the tests of
 * the device tree consumers (gpio-keys, gpio-keys-polled) of a virtio GPIO
 * chip.
 *
 *   vgpio-keys [-n COUNT] [-t TIMEOUT_S] DEVICE_OR_NAME
 *       Prints one line per EV_KEY event, "key CODE VALUE" (VALUE 1: press,
 *       0: release, 2: autorepeat), and flushes stdout after each.  Exits
 *       0 after COUNT events (default 0: never), 3 when TIMEOUT_S seconds
 *       (a decimal number; default: no limit) have passed since the start.
 *
 *   vgpio-keys -s DEVICE_OR_NAME CODE
 *       Prints the current state of key CODE, 0 or 1 (EVIOCGKEY).
 *
 * DEVICE_OR_NAME with a '/' is a device node (/dev/input/event0);
 * otherwise it is an input device name as in /sys/class/input/eventN/
 * device/name (for gpio-keys: its device tree node name, e.g.
 * "virtio-gpio-keys"), and the lowest eventN of that name is used.  With
 * -t, a name that does not exist yet is looked up again every 50 ms until
 * the timeout.  Errors: a message on stderr, exit status 1 (usage: 2).
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
    fprintf(stderr, "usage: vgpio-keys [-n COUNT] [-t TIMEOUT_S] DEVICE_OR_NAME\n"
                    "       vgpio-keys -s DEVICE_OR_NAME CODE\n");
    exit(2);
}

static void die(const char *what, const char *arg)
{
    fprintf(stderr, "vgpio-keys: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
    exit(1);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The lowest N of /sys/class/input/eventN whose device is called NAME, or -1. */
static int find_by_name(const char *name)
{
    char path[300], buf[256];
    struct dirent *e;
    int n, best = -1;
    FILE *f;
    DIR *d = opendir("/sys/class/input");

    if (!d) {
        return -1;
    }
    while ((e = readdir(d))) {
        if (sscanf(e->d_name, "event%d", &n) != 1 || (best >= 0 && n >= best)) {
            continue;
        }
        snprintf(path, sizeof(path), "/sys/class/input/%s/device/name", e->d_name);
        f = fopen(path, "r");
        if (!f) {
            continue;
        }
        if (fgets(buf, sizeof(buf), f)) {
            buf[strcspn(buf, "\n")] = 0;
            if (!strcmp(buf, name)) {
                best = n;
            }
        }
        fclose(f);
    }
    closedir(d);
    return best;
}

static int open_device(const char *arg, double deadline)
{
    char path[64];
    int n, fd;

    if (strchr(arg, '/')) {
        fd = open(arg, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            die(strerror(errno), arg);
        }
        return fd;
    }
    while ((n = find_by_name(arg)) < 0) {
        if (deadline <= 0) {
            die("no input device of that name", arg);
        }
        if (now_s() >= deadline) {
            fprintf(stderr, "vgpio-keys: timeout: no input device \"%s\"\n", arg);
            exit(3);
        }
        usleep(50000);
    }
    snprintf(path, sizeof(path), "/dev/input/event%d", n);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        die(strerror(errno), path);
    }
    return fd;
}

static long number(const char *s, long max)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 0);
    if (errno || end == s || *end || v < 0 || v > max) {
        usage();
    }
    return v;
}

int main(int argc, char **argv)
{
    long count = 0, seen = 0, code;
    double timeout = 0, deadline = 0;
    int opt, fd, state = 0, ms;
    unsigned char keys[KEY_MAX / 8 + 1];
    struct input_event ev[64];
    struct pollfd pfd;
    char *end;
    ssize_t r;
    size_t i;

    while ((opt = getopt(argc, argv, "n:t:s")) != -1) {
        switch (opt) {
        case 'n':
            count = number(optarg, 0x7fffffff);
            break;
        case 't':
            timeout = strtod(optarg, &end);
            if (end == optarg || *end || !(timeout > 0)) {
                usage();
            }
            break;
        case 's':
            state = 1;
            break;
        default:
            usage();
        }
    }
    if (optind != argc - 1 - state) {
        usage();
    }
    if (timeout > 0) {
        deadline = now_s() + timeout;
    }

    if (state) {
        code = number(argv[optind + 1], KEY_MAX);
        fd = open_device(argv[optind], deadline);
        memset(keys, 0, sizeof(keys));
        if (ioctl(fd, EVIOCGKEY(sizeof(keys)), keys) < 0) {
            die("EVIOCGKEY", strerror(errno));
        }
        printf("%d\n", (keys[code / 8] >> (code % 8)) & 1);
        return 0;
    }

    fd = open_device(argv[optind], deadline);
    pfd.fd = fd;
    pfd.events = POLLIN;
    while (count == 0 || seen < count) {
        ms = -1;
        if (deadline > 0) {
            double left = deadline - now_s();

            if (left <= 0) {
                return 3;
            }
            ms = (int)(left * 1000) + 1;
        }
        r = poll(&pfd, 1, ms);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("poll", strerror(errno));
        }
        if (r == 0) {
            continue;            /* the deadline is checked above */
        }
        r = read(fd, ev, sizeof(ev));
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            die("read", strerror(errno));
        }
        for (i = 0; i < (size_t)r / sizeof(ev[0]) && (count == 0 || seen < count); i++) {
            if (ev[i].type == EV_KEY) {
                printf("key %u %d\n", ev[i].code, ev[i].value);
                fflush(stdout);
                seen++;
            } else if (ev[i].type == EV_SYN && ev[i].code == SYN_DROPPED) {
                fprintf(stderr, "vgpio-keys: events dropped (SYN_DROPPED)\n");
            }
        }
    }
    return 0;
}
