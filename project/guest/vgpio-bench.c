/*
 * vgpio-bench: the guest side of project/bench.py.  Times GPIO character
 * device (uAPI v2) operations and counts edge events, the way an
 * application drives a virtio GPIO chip.
 *
 *   vgpio-bench ops CHIP get|set|setget NLINES COUNT
 *       Requests lines 0..NLINES-1 (inputs for get, outputs otherwise),
 *       runs 100 untimed operations, then COUNT timed ones, each one
 *       ioctl on all NLINES lines (setget: a set then a get, timed as one
 *       pair; set alternates the values so every set is a change).
 *       Prints: ops op=.. lines=.. n=.. ops_s=.. mean_us=.. p50_us=..
 *       p99_us=.. max_us=..
 *
 *   vgpio-bench events CHIP LINE WAIT_S IDLE_MS
 *       Requests LINE as an input with both edges, prints "ready", waits
 *       at most WAIT_S seconds for the first event, then counts events
 *       until none came for IDLE_MS.  Prints: events n=.. gaps=..
 *       span_s=.. rate=.. irq2read_p50_us=.. irq2read_p99_us=..
 *       (gaps: events the kernel dropped, from the sequence numbers;
 *       irq2read: kernel timestamp of the event to its read(2)).
 *
 *   vgpio-bench echo CHIP IN OUT COUNT
 *       IN as an input with both edges, OUT as an output at 0; prints
 *       "ready"; on each event on IN sets OUT to IN's edge (rising: 1,
 *       falling: 0), COUNT times.  The host times the round trip.
 *
 *   vgpio-bench toggle PULL RATE SECONDS
 *       Writes pull-up and pull-down in turn to PULL, the sysfs "pull"
 *       attribute of a gpio-sim line, RATE times a second for SECONDS
 *       (starting with pull-up): edges made inside the guest, with no
 *       device in the way, for the events floor.  Prints: toggle n=..
 *       s=..
 *
 * Exit status 0, or 1 with a message on stderr.
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "vgpio-bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* p in [0, 100]: nearest-rank percentile of sorted v[n] */
static double pct_us(const uint64_t *v, unsigned n, double p)
{
    unsigned i = n ? (unsigned)((p / 100.0) * n + 0.999999) : 0;

    if (!n) {
        return 0;
    }
    i = i ? i - 1 : 0;
    return v[i < n ? i : n - 1] / 1000.0;
}

static int request(const char *chip, unsigned nlines, const unsigned *offs,
                   uint64_t flags, uint64_t out_values)
{
    struct gpio_v2_line_request req;
    int fd = open(chip, O_RDWR | O_CLOEXEC);
    unsigned i;

    if (fd < 0) {
        die(chip);
    }
    memset(&req, 0, sizeof(req));
    for (i = 0; i < nlines; i++) {
        req.offsets[i] = offs[i];
    }
    req.num_lines = nlines;
    req.config.flags = flags;
    if (flags & GPIO_V2_LINE_FLAG_OUTPUT) {
        req.config.num_attrs = 1;
        req.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
        req.config.attrs[0].attr.values = out_values;
        req.config.attrs[0].mask = (1ull << nlines) - 1;
    }
    strcpy(req.consumer, "vgpio-bench");
    if (ioctl(fd, GPIO_V2_GET_LINE_IOCTL, &req) < 0) {
        die("GPIO_V2_GET_LINE_IOCTL");
    }
    close(fd);
    return req.fd;
}

static void set_values(int fd, uint64_t mask, uint64_t bits)
{
    struct gpio_v2_line_values v = { .bits = bits, .mask = mask };

    if (ioctl(fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &v) < 0) {
        die("GPIO_V2_LINE_SET_VALUES_IOCTL");
    }
}

static uint64_t get_values(int fd, uint64_t mask)
{
    struct gpio_v2_line_values v = { .mask = mask };

    if (ioctl(fd, GPIO_V2_LINE_GET_VALUES_IOCTL, &v) < 0) {
        die("GPIO_V2_LINE_GET_VALUES_IOCTL");
    }
    return v.bits;
}

static int bench_ops(const char *chip, const char *op, unsigned nlines,
                     unsigned count)
{
    unsigned offs[GPIO_V2_LINES_MAX], i;
    uint64_t mask = (1ull << nlines) - 1, *t, start = 0, total;
    int get = !strcmp(op, "get"), set = !strcmp(op, "set");
    int setget = !strcmp(op, "setget");
    double sum = 0;
    int fd;

    if ((!get && !set && !setget) || !nlines || nlines > 63 || !count) {
        fprintf(stderr, "vgpio-bench: bad ops arguments\n");
        return 1;
    }
    for (i = 0; i < nlines; i++) {
        offs[i] = i;
    }
    fd = request(chip, nlines, offs,
                 get ? GPIO_V2_LINE_FLAG_INPUT : GPIO_V2_LINE_FLAG_OUTPUT, 0);
    t = calloc(count, sizeof(*t));
    if (!t) {
        die("calloc");
    }
    for (i = 0; i < count + 100; i++) {
        uint64_t t0 = now_ns(), bits = (i & 1) ? mask : 0;

        if (get) {
            get_values(fd, mask);
        } else {
            set_values(fd, mask, bits);
            if (setget && get_values(fd, mask) != bits) {
                fprintf(stderr, "vgpio-bench: read back %llx, set %llx\n",
                        (unsigned long long)get_values(fd, mask),
                        (unsigned long long)bits);
                return 1;
            }
        }
        if (i == 99) {
            start = now_ns();
        }
        if (i >= 100) {
            t[i - 100] = now_ns() - t0;
        }
    }
    total = now_ns() - start;
    close(fd);
    for (i = 0; i < count; i++) {
        sum += t[i];
    }
    qsort(t, count, sizeof(*t), cmp_u64);
    printf("ops op=%s lines=%u n=%u ops_s=%.0f mean_us=%.1f p50_us=%.1f "
           "p99_us=%.1f max_us=%.1f\n", op, nlines, count,
           count / (total / 1e9), sum / count / 1000.0, pct_us(t, count, 50),
           pct_us(t, count, 99), t[count - 1] / 1000.0);
    free(t);
    return 0;
}

/* Read events from @fd until @idle_ms without one (after the first) */
static int bench_events(const char *chip, unsigned line, unsigned wait_s,
                        unsigned idle_ms)
{
    struct gpio_v2_line_event ev[64];
    struct pollfd pfd;
    uint64_t n = 0, gaps = 0, first = 0, last = 0, cap = 1 << 20, nl = 0;
    uint64_t *lat = calloc(cap, sizeof(*lat));
    uint32_t seq = 0;
    int fd, timeout = wait_s * 1000;

    if (!lat) {
        die("calloc");
    }
    fd = request(chip, 1, &line, GPIO_V2_LINE_FLAG_INPUT |
                 GPIO_V2_LINE_FLAG_EDGE_RISING |
                 GPIO_V2_LINE_FLAG_EDGE_FALLING, 0);
    pfd.fd = fd;
    pfd.events = POLLIN;
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        ssize_t r;
        uint64_t t;
        unsigned i;

        r = poll(&pfd, 1, timeout);
        if (r < 0) {
            die("poll");
        }
        if (r == 0) {
            break;
        }
        r = read(fd, ev, sizeof(ev));
        if (r < 0) {
            die("read");
        }
        t = now_ns();
        for (i = 0; i < r / sizeof(ev[0]); i++) {
            if (!n) {
                first = ev[i].timestamp_ns;
            } else if (ev[i].line_seqno != seq + 1) {
                gaps += ev[i].line_seqno - seq - 1;
            }
            seq = ev[i].line_seqno;
            last = ev[i].timestamp_ns;
            if (nl < cap) {
                lat[nl++] = t - ev[i].timestamp_ns;
            }
            n++;
        }
        timeout = idle_ms;
    }
    qsort(lat, nl, sizeof(*lat), cmp_u64);
    printf("events n=%llu gaps=%llu span_s=%.3f rate=%.0f "
           "irq2read_p50_us=%.1f irq2read_p99_us=%.1f\n",
           (unsigned long long)n, (unsigned long long)gaps,
           (last - first) / 1e9,
           n > 1 && last > first ? (n - 1) / ((last - first) / 1e9) : 0.0,
           pct_us(lat, nl, 50), pct_us(lat, nl, 99));
    close(fd);
    free(lat);
    return 0;
}

static int bench_echo(const char *chip, unsigned in, unsigned out,
                      unsigned count)
{
    struct gpio_v2_line_event ev;
    int ifd, ofd;
    unsigned n = 0;

    ifd = request(chip, 1, &in, GPIO_V2_LINE_FLAG_INPUT |
                  GPIO_V2_LINE_FLAG_EDGE_RISING |
                  GPIO_V2_LINE_FLAG_EDGE_FALLING, 0);
    ofd = request(chip, 1, &out, GPIO_V2_LINE_FLAG_OUTPUT, 0);
    printf("ready\n");
    fflush(stdout);
    while (n < count) {
        if (read(ifd, &ev, sizeof(ev)) != sizeof(ev)) {
            die("read");
        }
        set_values(ofd, 1, ev.id == GPIO_V2_LINE_EVENT_RISING_EDGE);
        n++;
    }
    close(ifd);
    close(ofd);
    printf("echo n=%u\n", n);
    return 0;
}

static int bench_toggle(const char *path, unsigned rate, double seconds)
{
    static const char *const pull[] = { "pull-down\n", "pull-up\n" };
    unsigned n = rate * seconds, i;
    uint64_t t0;
    int fd;

    if (!rate || !n) {
        fprintf(stderr, "vgpio-bench: bad toggle arguments\n");
        return 1;
    }
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        die(path);
    }
    t0 = now_ns();
    for (i = 0; i < n; i++) {
        uint64_t due = t0 + (uint64_t)i * 1000000000ull / rate;
        const char *p = pull[(i + 1) & 1];

        if (now_ns() < due) {
            struct timespec ts = {
                .tv_sec = due / 1000000000ull,
                .tv_nsec = due % 1000000000ull,
            };

            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
        }
        if (pwrite(fd, p, strlen(p), 0) < 0) {
            die(path);
        }
    }
    printf("toggle n=%u s=%.3f\n", n, (now_ns() - t0) / 1e9);
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[1], "ops")) {
        return bench_ops(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
    }
    if (argc == 6 && !strcmp(argv[1], "events")) {
        return bench_events(argv[2], atoi(argv[3]), atoi(argv[4]),
                            atoi(argv[5]));
    }
    if (argc == 6 && !strcmp(argv[1], "echo")) {
        return bench_echo(argv[2], atoi(argv[3]), atoi(argv[4]),
                          atoi(argv[5]));
    }
    if (argc == 5 && !strcmp(argv[1], "toggle")) {
        return bench_toggle(argv[2], atoi(argv[3]), atof(argv[4]));
    }
    fprintf(stderr, "usage: vgpio-bench ops CHIP get|set|setget NLINES COUNT\n"
            "       vgpio-bench events CHIP LINE WAIT_S IDLE_MS\n"
            "       vgpio-bench echo CHIP IN OUT COUNT\n"
            "       vgpio-bench toggle PULL RATE SECONDS\n");
    return 2;
}
