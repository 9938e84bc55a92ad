/*
 * QEMU GPIO backend: chosen lines of a host GPIO chip, through libgpiod
 *
 * The lines are requested from the kernel in one line request, under a
 * consumer label that names QEMU, and follow what the guest configures:
 * direction, driven value and edge detection.  Edge events are read from
 * the request's file descriptor in the main loop; level interrupts are
 * derived by the device from the edges and the current value.
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <gpiod.h>
#include <glib-unix.h>
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qapi/error.h"
#include "qom/object.h"
#include "system/gpio-backend.h"
#include "trace.h"

#define TYPE_GPIO_HOST "gpio-host"
OBJECT_DECLARE_SIMPLE_TYPE(GpioHost, GPIO_HOST)

#define GPIO_HOST_EVENTS 64

struct GpioHost {
    GpioBackend parent;

    char *chip_name;
    strList *line_list;
    char *consumer;

    struct gpiod_chip *chip;
    char *chip_path;
    struct gpiod_line_request *req;
    struct gpiod_edge_event_buffer *events;
    unsigned *offsets;          /* host offset of each line */
    int *line_of;               /* line of each host offset, or -1 */
    unsigned chip_lines;
    int fd;
};

static bool gpio_host_try_open(GpioHost *s, const char *path, Error **errp)
{
    s->chip = gpiod_chip_open(path);
    if (!s->chip) {
        switch (errno) {
        case ENOENT:
            error_setg(errp, "no GPIO chip '%s'", path);
            break;
        case ENOTTY:
        case EINVAL:
        case ENODEV:
            /* libgpiod's checks: not a GPIO character device */
            error_setg(errp, "'%s' is not a GPIO chip", path);
            break;
        default:
            /* EACCES, EPERM, EBUSY, ...: say what the kernel said */
            error_setg_errno(errp, errno, "cannot open GPIO chip '%s'", path);
            break;
        }
        return false;
    }
    s->chip_path = g_strdup(path);
    return true;
}

/* The chip by path, by name (gpiochipN) or by label */
static bool gpio_host_open_chip(GpioHost *s, Error **errp)
{
    g_autofree char *dev = NULL;
    g_autoptr(GDir) dir = NULL;
    const char *entry;

    if (strchr(s->chip_name, '/')) {
        return gpio_host_try_open(s, s->chip_name, errp);
    }
    dev = g_strdup_printf("/dev/%s", s->chip_name);
    if (g_str_has_prefix(s->chip_name, "gpiochip") &&
        access(dev, F_OK) == 0) {
        return gpio_host_try_open(s, dev, errp);
    }
    dir = g_dir_open("/dev", 0, NULL);
    while (dir && (entry = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;
        struct gpiod_chip *chip;
        struct gpiod_chip_info *info;
        bool match;

        if (!g_str_has_prefix(entry, "gpiochip")) {
            continue;
        }
        path = g_strdup_printf("/dev/%s", entry);
        chip = gpiod_chip_open(path);
        info = chip ? gpiod_chip_get_info(chip) : NULL;
        match = info && !strcmp(gpiod_chip_info_get_label(info),
                                s->chip_name);
        if (info) {
            gpiod_chip_info_free(info);
        }
        if (match) {
            s->chip = chip;
            s->chip_path = g_steal_pointer(&path);
            return true;
        }
        if (chip) {
            gpiod_chip_close(chip);
        }
    }
    error_setg(errp, "no GPIO chip '%s' (not a path, a gpiochipN name or "
               "the label of a chip)", s->chip_name);
    return false;
}

static int gpio_host_lookup_name(void *opaque, const char *name)
{
    GpioHost *s = opaque;

    return gpiod_chip_get_line_offset_from_name(s->chip, name);
}

/* The host's settings for @line, from what the guest configured */
static struct gpiod_line_settings *gpio_host_settings(GpioHost *s,
                                                      unsigned line)
{
    static const enum gpiod_line_edge edges[GPIO_IRQ_TYPE__MAX] = {
        [GPIO_IRQ_TYPE_NONE] = GPIOD_LINE_EDGE_NONE,
        [GPIO_IRQ_TYPE_EDGE_RISING] = GPIOD_LINE_EDGE_RISING,
        [GPIO_IRQ_TYPE_EDGE_FALLING] = GPIOD_LINE_EDGE_FALLING,
        [GPIO_IRQ_TYPE_EDGE_BOTH] = GPIOD_LINE_EDGE_BOTH,
        /* a level follows from both edges and the value */
        [GPIO_IRQ_TYPE_LEVEL_HIGH] = GPIOD_LINE_EDGE_BOTH,
        [GPIO_IRQ_TYPE_LEVEL_LOW] = GPIOD_LINE_EDGE_BOTH,
    };
    struct gpiod_line_settings *ls = gpiod_line_settings_new();
    GpioLine *l = &s->parent.lines[line];

    if (!ls) {
        return NULL;
    }
    if (l->access == GPIO_LINE_ACCESS_READ_ONLY) {
        /* never change a read-only line: take it as it is */
        gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_AS_IS);
    } else if (l->config.dir == GPIO_DIRECTION_OUT) {
        /* always with a direction: Linux 6.10+ ignores changes without */
        gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_OUTPUT);
        gpiod_line_settings_set_output_value(ls, l->config.output_value ?
                                             GPIOD_LINE_VALUE_ACTIVE :
                                             GPIOD_LINE_VALUE_INACTIVE);
    } else {
        gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_INPUT);
        gpiod_line_settings_set_edge_detection(ls,
                                               edges[l->config.irq_type]);
    }
    return ls;
}

/* The configuration of every line, as the guest has set it */
static struct gpiod_line_config *gpio_host_config(GpioHost *s)
{
    struct gpiod_line_config *lc = gpiod_line_config_new();
    unsigned i;

    for (i = 0; lc && i < s->parent.ngpio; i++) {
        struct gpiod_line_settings *ls = gpio_host_settings(s, i);
        int ret = ls ? gpiod_line_config_add_line_settings(lc, &s->offsets[i],
                                                           1, ls) : -1;

        gpiod_line_settings_free(ls);
        if (ret < 0) {
            gpiod_line_config_free(lc);
            return NULL;
        }
    }
    return lc;
}

static void gpio_host_read_events(void *opaque)
{
    GpioHost *s = opaque;
    int n, i;

    n = gpiod_line_request_read_edge_events(s->req, s->events,
                                            GPIO_HOST_EVENTS);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        /* the fd is non-blocking: nothing more to read for now */
        return;
    }
    if (n < 0) {
        /* the chip went away: the line requests fail from now on */
        warn_report("gpio-host: reading the events of '%s' failed: %s; "
                    "no more interrupts from it", s->chip_path,
                    strerror(errno));
        qemu_set_fd_handler(s->fd, NULL, NULL, NULL);
        s->fd = -1;
        return;
    }
    for (i = 0; i < n; i++) {
        struct gpiod_edge_event *ev =
            gpiod_edge_event_buffer_get_event(s->events, i);
        unsigned offset = gpiod_edge_event_get_line_offset(ev);
        bool level = gpiod_edge_event_get_event_type(ev) ==
                     GPIOD_EDGE_EVENT_RISING_EDGE;
        int line = offset < s->chip_lines ? s->line_of[offset] : -1;

        trace_gpio_host_edge(s, offset, line, level,
                             gpiod_edge_event_get_timestamp_ns(ev),
                             gpiod_edge_event_get_global_seqno(ev));
        if (line < 0) {
            continue;
        }
        /*
         * An edge says the line was at the other level just before, even
         * if the chip only reports the edges of one kind (an edge-rising
         * trigger) or dropped events: the backend sees both changes.
         */
        gpio_backend_set_input_level(&s->parent, line, !level);
        gpio_backend_set_input_level(&s->parent, line, level);
    }
}

static int gpio_host_get_input(GpioBackend *b, unsigned line, bool *level)
{
    GpioHost *s = GPIO_HOST(b);
    enum gpiod_line_value v;

    v = gpiod_line_request_get_value(s->req, s->offsets[line]);
    if (v == GPIOD_LINE_VALUE_ERROR) {
        trace_gpio_host_error(s, s->offsets[line], errno);
        return -errno;
    }
    *level = v == GPIOD_LINE_VALUE_ACTIVE;
    return 0;
}

static int gpio_host_line_config(GpioBackend *b, unsigned line,
                                 const GpioLineConfig *old)
{
    GpioHost *s = GPIO_HOST(b);
    GpioLineConfig *l = &b->lines[line].config;
    struct gpiod_line_config *lc;
    int ret;

    if (l->dir == old->dir && l->irq_type == old->irq_type &&
        (l->dir != GPIO_DIRECTION_OUT ||
         l->output_value == old->output_value)) {
        /*
         * Nothing the host sees has changed: the value of a line that is
         * not an output is only kept for when it becomes one.  On a chip
         * behind a slow bus every call below is a transfer.
         */
        return 0;
    }
    if (l->dir == GPIO_DIRECTION_OUT && old->dir == GPIO_DIRECTION_OUT &&
        l->irq_type == old->irq_type) {
        ret = gpiod_line_request_set_value(s->req, s->offsets[line],
                                           l->output_value ?
                                           GPIOD_LINE_VALUE_ACTIVE :
                                           GPIOD_LINE_VALUE_INACTIVE);
    } else {
        lc = gpio_host_config(s);
        ret = lc ? gpiod_line_request_reconfigure_lines(s->req, lc) : -1;
        gpiod_line_config_free(lc);
    }
    if (ret < 0) {
        ret = -errno;
        trace_gpio_host_error(s, s->offsets[line], -ret);
        return ret;
    }
    return 0;
}

/*
 * After a migration: configure the lines as the guest had them on the
 * source, then report the inputs whose level differs from the source's,
 * so that an edge the guest waits for is not lost in the move.
 */
static bool gpio_host_post_load(GpioBackend *b, Error **errp)
{
    GpioHost *s = GPIO_HOST(b);
    struct gpiod_line_config *lc = gpio_host_config(s);
    int ret = lc ? gpiod_line_request_reconfigure_lines(s->req, lc) : -1;
    unsigned i;

    gpiod_line_config_free(lc);
    if (ret < 0) {
        error_setg_errno(errp, errno, "gpio-host: cannot configure the lines "
                         "of '%s' as the migration stream has them",
                         s->chip_path);
        return false;
    }
    for (i = 0; i < b->ngpio; i++) {
        bool level;

        if (b->lines[i].config.dir != GPIO_DIRECTION_OUT &&
            gpio_host_get_input(b, i, &level) == 0) {
            gpio_backend_set_input_level(b, i, level);
        }
    }
    return true;
}

/*
 * One look at each chosen line: fail with a clear message if someone else
 * holds it, and take the host's names unless the user gave names.
 */
static bool gpio_host_scan_lines(GpioHost *s, GArray *lines, Error **errp)
{
    bool take_names = !s->parent.names;
    strList **tail = &s->parent.names;
    unsigned i;

    for (i = 0; i < lines->len; i++) {
        unsigned offset = g_array_index(lines, unsigned, i);
        struct gpiod_line_info *info = gpiod_chip_get_line_info(s->chip,
                                                                offset);
        bool used = info && gpiod_line_info_is_used(info);

        if (used) {
            error_setg(errp, "line %u of GPIO chip '%s' is busy: used by "
                       "'%s'", offset, s->chip_path,
                       gpiod_line_info_get_consumer(info) ?: "the kernel");
        } else if (take_names) {
            const char *name = info ? gpiod_line_info_get_name(info) : NULL;

            QAPI_LIST_APPEND(tail, g_strdup(name ?: ""));
        }
        gpiod_line_info_free(info);
        if (used) {
            return false;
        }
    }
    return true;
}

/* What read-only lines are (and stay) on the host */
static void gpio_host_read_only_state(GpioHost *s)
{
    unsigned i;

    for (i = 0; i < s->parent.ngpio; i++) {
        GpioLine *l = &s->parent.lines[i];
        struct gpiod_line_info *info;

        if (l->access != GPIO_LINE_ACCESS_READ_ONLY) {
            continue;
        }
        info = gpiod_chip_get_line_info(s->chip, s->offsets[i]);
        if (info && gpiod_line_info_get_direction(info) ==
            GPIOD_LINE_DIRECTION_OUTPUT) {
            l->config.dir = GPIO_DIRECTION_OUT;
        }
        gpiod_line_info_free(info);
    }
}

static bool gpio_host_open(GpioBackend *b, Error **errp)
{
    GpioHost *s = GPIO_HOST(b);
    g_autoptr(GArray) lines = NULL;
    g_autofree char *id = gpio_backend_id(b);
    struct gpiod_chip_info *info;
    struct gpiod_request_config *rc;
    struct gpiod_line_config *lc;
    unsigned i;

    if (!s->chip_name || !s->line_list) {
        error_setg(errp, "gpio-host needs the properties 'chip' and 'lines'");
        return false;
    }
    if (!gpio_host_open_chip(s, errp)) {
        return false;
    }
    info = gpiod_chip_get_info(s->chip);
    if (!info) {
        error_setg_errno(errp, errno, "cannot read GPIO chip '%s'",
                         s->chip_path);
        return false;
    }
    s->chip_lines = gpiod_chip_info_get_num_lines(info);
    gpiod_chip_info_free(info);

    lines = gpio_backend_parse_lines(s->line_list, s->chip_lines,
                                     gpio_host_lookup_name, s, errp);
    if (!lines) {
        error_prepend(errp, "lines of GPIO chip '%s': ", s->chip_path);
        return false;
    }
    if (!gpio_host_scan_lines(s, lines, errp) ||
        !gpio_backend_set_lines(b, lines->len, errp)) {
        return false;
    }
    s->offsets = g_new(unsigned, lines->len);
    s->line_of = g_new(int, s->chip_lines);
    for (i = 0; i < s->chip_lines; i++) {
        s->line_of[i] = -1;
    }
    for (i = 0; i < lines->len; i++) {
        s->offsets[i] = g_array_index(lines, unsigned, i);
        s->line_of[s->offsets[i]] = i;
    }
    gpio_host_read_only_state(s);

    rc = gpiod_request_config_new();
    lc = gpio_host_config(s);
    if (rc && lc) {
        g_autofree char *consumer = g_strdup_printf("qemu:%s", id);

        gpiod_request_config_set_consumer(rc, s->consumer ?: consumer);
        gpiod_request_config_set_event_buffer_size(rc, GPIO_HOST_EVENTS);
        s->req = gpiod_chip_request_lines(s->chip, rc, lc);
    }
    gpiod_request_config_free(rc);
    gpiod_line_config_free(lc);
    if (!s->req) {
        error_setg_errno(errp, errno, "cannot request the lines of GPIO "
                         "chip '%s'", s->chip_path);
        return false;
    }
    s->events = gpiod_edge_event_buffer_new(GPIO_HOST_EVENTS);
    if (!s->events) {
        error_setg_errno(errp, errno, "cannot allocate an event buffer");
        return false;
    }
    /*
     * Non-blocking: a wake-up with nothing to read (another reader, an
     * event the kernel dropped) must not stop the main loop.
     */
    s->fd = gpiod_line_request_get_fd(s->req);
    if (!g_unix_set_fd_nonblocking(s->fd, true, NULL)) {
        error_setg_errno(errp, errno, "cannot make the event fd of GPIO "
                         "chip '%s' non-blocking", s->chip_path);
        s->fd = -1;
        return false;
    }
    qemu_set_fd_handler(s->fd, gpio_host_read_events, NULL, s);
    return true;
}

static char *gpio_host_get_chip(Object *obj, Error **errp)
{
    return g_strdup(GPIO_HOST(obj)->chip_name);
}

static void gpio_host_set_chip(Object *obj, const char *value, Error **errp)
{
    GpioHost *s = GPIO_HOST(obj);

    if (GPIO_BACKEND(obj)->opened) {
        error_setg(errp, "property 'chip' cannot be set after the backend "
                   "is opened");
        return;
    }
    g_free(s->chip_name);
    s->chip_name = g_strdup(value);
}

static char *gpio_host_get_consumer(Object *obj, Error **errp)
{
    return g_strdup(GPIO_HOST(obj)->consumer);
}

static void gpio_host_set_consumer(Object *obj, const char *value,
                                   Error **errp)
{
    GpioHost *s = GPIO_HOST(obj);

    if (GPIO_BACKEND(obj)->opened) {
        error_setg(errp, "property 'consumer' cannot be set after the "
                   "backend is opened");
        return;
    }
    g_free(s->consumer);
    s->consumer = g_strdup(value);
}

static void gpio_host_init(Object *obj)
{
    GPIO_HOST(obj)->fd = -1;
}

static void gpio_host_finalize(Object *obj)
{
    GpioHost *s = GPIO_HOST(obj);

    if (s->fd >= 0) {
        qemu_set_fd_handler(s->fd, NULL, NULL, NULL);
    }
    if (s->events) {
        gpiod_edge_event_buffer_free(s->events);
    }
    if (s->req) {
        gpiod_line_request_release(s->req);
    }
    if (s->chip) {
        gpiod_chip_close(s->chip);
    }
    g_free(s->offsets);
    g_free(s->line_of);
    g_free(s->chip_path);
    g_free(s->chip_name);
    g_free(s->consumer);
    qapi_free_strList(s->line_list);
}

static void gpio_host_class_init(ObjectClass *oc, const void *data)
{
    GpioBackendClass *k = GPIO_BACKEND_CLASS(oc);

    k->open = gpio_host_open;
    k->line_config = gpio_host_line_config;
    k->post_load = gpio_host_post_load;
    k->get_input = gpio_host_get_input;

    object_class_property_add_str(oc, "chip", gpio_host_get_chip,
                                  gpio_host_set_chip);
    object_class_property_set_description(oc, "chip",
        "The GPIO chip: a path, a name (gpiochipN) or a label");
    gpio_backend_class_add_list(oc, "lines", offsetof(GpioHost, line_list),
        "The chip's lines the guest gets, in order: offsets, ranges "
        "(first-last) or line names");
    object_class_property_add_str(oc, "consumer", gpio_host_get_consumer,
                                  gpio_host_set_consumer);
    object_class_property_set_description(oc, "consumer",
        "The consumer label of the lines on the host (default: qemu:<id>)");
}

static const TypeInfo gpio_host_info = {
    .name = TYPE_GPIO_HOST,
    .parent = TYPE_GPIO_BACKEND,
    .instance_size = sizeof(GpioHost),
    .instance_init = gpio_host_init,
    .instance_finalize = gpio_host_finalize,
    .class_init = gpio_host_class_init,
};

static void register_types(void)
{
    type_register_static(&gpio_host_info);
}

type_init(register_types);
