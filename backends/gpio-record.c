/*
 * QEMU GPIO backend: record the lines to a VCD file
 *
 * The file is a value change dump (IEEE 1364, section 18) that waveform
 * viewers such as GTKWave and PulseView open, timed in ns of
 * QEMU_CLOCK_VIRTUAL: it stops with the VM and is deterministic under
 * -icount.  Each line has three wires, named after the line (or "lineN"
 * when it has no name):
 *
 *   NAME      the line's level: the value the guest drives on an output,
 *             the input level on an input, z while the guest has
 *             released the line
 *   NAME_in   the input level the host, the peer or the host chip sets
 *   NAME_irq  1 from an interrupt the frontend delivers for the line
 *             until the guest is ready for the next (or disables it)
 *
 * The file is written as the lines change, through stdio's buffer, and
 * is complete at every flush: when the recording stops, when QEMU exits
 * and when the VM stops.
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/notify.h"
#include "qapi/error.h"
#include "system/gpio-backend.h"
#include "system/runstate.h"
#include "system/system.h"
#include "trace.h"

/* The wires of a line, in the order of their VCD identifiers */
enum {
    GPIO_WIRE_LEVEL,
    GPIO_WIRE_INPUT,
    GPIO_WIRE_IRQ,
    GPIO_WIRES
};

struct GpioRecorder {
    FILE *f;
    char *path;
    int64_t time;               /* the time last written */
    char *value;                /* the value last written, per wire */
    Notifier exit;
    VMChangeStateEntry *vmstate;
};

/* The VCD identifier of a wire: base 94 in the printable characters */
static void gpio_record_id(unsigned wire, char *buf)
{
    do {
        *buf++ = '!' + wire % 94;
        wire /= 94;
    } while (wire);
    *buf = '\0';
}

static char gpio_record_level(GpioLine *l)
{
    switch (l->config.dir) {
    case GPIO_DIRECTION_OUT:
        return '0' + l->config.output_value;
    case GPIO_DIRECTION_IN:
        return '0' + l->input_level;
    default:
        return 'z';
    }
}

/* Write the time of the VM clock if it moved since the last one */
static void gpio_record_time(GpioRecorder *r)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    if (now > r->time) {
        fprintf(r->f, "#%" PRId64 "\n", now);
        r->time = now;
    }
}

static void gpio_record_wire(GpioRecorder *r, unsigned wire, char value)
{
    char id[8];

    if (r->value[wire] == value) {
        return;
    }
    gpio_record_time(r);
    r->value[wire] = value;
    gpio_record_id(wire, id);
    fprintf(r->f, "%c%s\n", value, id);
}

/* A line may have changed: write the wires that did */
void gpio_record_line(GpioBackend *s, unsigned line)
{
    GpioRecorder *r = s->recorder;
    GpioLine *l = &s->lines[line];
    unsigned wire = line * GPIO_WIRES;

    if (!r) {
        return;
    }
    gpio_record_wire(r, wire + GPIO_WIRE_LEVEL, gpio_record_level(l));
    gpio_record_wire(r, wire + GPIO_WIRE_INPUT, '0' + l->input_level);
    gpio_record_wire(r, wire + GPIO_WIRE_IRQ, '0' + l->irq_active);
    if (ferror(r->f)) {
        g_autofree char *id = gpio_backend_id(s);

        error_report("gpio backend '%s': recording to '%s' stopped: "
                     "write error", id, r->path);
        gpio_record_stop(s);
    }
}

/* Write the time of the end and what is buffered */
static void gpio_record_flush(GpioRecorder *r)
{
    gpio_record_time(r);
    fflush(r->f);
}

static void gpio_record_exit(Notifier *n, void *data)
{
    GpioRecorder *r = container_of(n, GpioRecorder, exit);

    gpio_record_flush(r);
}

static void gpio_record_vm_state(void *opaque, bool running, RunState state)
{
    if (!running) {
        gpio_record_flush(opaque);
    }
}

/* The header: a scope named after the backend, three wires per line */
static void gpio_record_header(GpioBackend *s, GpioRecorder *r)
{
    g_autofree char *id = gpio_backend_id(s);
    const char *scope = strrchr(id, '/') ? strrchr(id, '/') + 1 : id;
    static const char *const suffix[GPIO_WIRES] = { "", "_in", "_irq" };
    unsigned i, w;
    char wire[8];

    fprintf(r->f, "$comment QEMU gpio backend %s (%s), %u lines $end\n"
            "$timescale 1ns $end\n"
            "$scope module %s $end\n",
            id, object_get_typename(OBJECT(s)), s->ngpio, scope);
    for (i = 0; i < s->ngpio; i++) {
        g_autofree char *name = s->lines[i].name ?
            g_strdup(s->lines[i].name) : g_strdup_printf("line%u", i);

        /* a reference is one word */
        g_strdelimit(name, " ", '_');
        for (w = 0; w < GPIO_WIRES; w++) {
            gpio_record_id(i * GPIO_WIRES + w, wire);
            fprintf(r->f, "$var wire 1 %s %s%s $end\n", wire, name,
                    suffix[w]);
        }
    }
    fprintf(r->f, "$upscope $end\n"
            "$enddefinitions $end\n"
            "#%" PRId64 "\n"
            "$dumpvars\n", r->time);
    for (i = 0; i < s->ngpio; i++) {
        GpioLine *l = &s->lines[i];
        char *v = &r->value[i * GPIO_WIRES];

        v[GPIO_WIRE_LEVEL] = gpio_record_level(l);
        v[GPIO_WIRE_INPUT] = '0' + l->input_level;
        v[GPIO_WIRE_IRQ] = '0' + l->irq_active;
        for (w = 0; w < GPIO_WIRES; w++) {
            gpio_record_id(i * GPIO_WIRES + w, wire);
            fprintf(r->f, "%c%s\n", v[w], wire);
        }
    }
    fprintf(r->f, "$end\n");
}

bool gpio_record_start(GpioBackend *s, const char *path, Error **errp)
{
    g_autofree char *id = gpio_backend_id(s);
    GpioRecorder *r;
    FILE *f;
    int fd;

    if (s->recorder) {
        error_setg(errp, "gpio backend '%s' is already recording to '%s'",
                   id, s->recorder->path);
        return false;
    }
    fd = qemu_create(path, O_WRONLY | O_TRUNC, 0666, errp);
    if (fd < 0) {
        error_prepend(errp, "gpio backend '%s': ", id);
        return false;
    }
    f = fdopen(fd, "w");
    if (!f) {
        error_setg_errno(errp, errno, "gpio backend '%s': cannot open '%s'",
                         id, path);
        close(fd);
        return false;
    }
    r = g_new0(GpioRecorder, 1);
    r->f = f;
    r->path = g_strdup(path);
    r->time = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    r->value = g_malloc(s->ngpio * GPIO_WIRES);
    gpio_record_header(s, r);
    if (fflush(f) == EOF) {
        error_setg_errno(errp, errno, "gpio backend '%s': cannot write '%s'",
                         id, path);
        fclose(f);
        g_free(r->value);
        g_free(r->path);
        g_free(r);
        return false;
    }
    r->exit.notify = gpio_record_exit;
    qemu_add_exit_notifier(&r->exit);
    r->vmstate = qemu_add_vm_change_state_handler(gpio_record_vm_state, r);
    s->recorder = r;
    trace_gpio_record_start(s, path);
    return true;
}

void gpio_record_stop(GpioBackend *s)
{
    GpioRecorder *r = s->recorder;

    if (!r) {
        return;
    }
    trace_gpio_record_stop(s, r->time);
    s->recorder = NULL;
    qemu_remove_exit_notifier(&r->exit);
    qemu_del_vm_change_state_handler(r->vmstate);
    gpio_record_flush(r);
    fclose(r->f);
    g_free(r->value);
    g_free(r->path);
    g_free(r);
}

const char *gpio_record_path(GpioBackend *s)
{
    return s->recorder ? s->recorder->path : NULL;
}
