/*
 * QEMU GPIO backend driven by an external program over a chardev
 *
 * The lines are simulated lines, as in gpio-dummy, but their input
 * levels come from a peer (a test script, a board model, a bridge to
 * real hardware) that speaks a line-based text protocol over any
 * chardev, and the peer hears about every change the guest makes.
 * docs/interop/gpio-chardev.rst describes the protocol.
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "qapi/qapi-visit-gpio.h"
#include "chardev/char-fe.h"
#include "qom/object.h"
#include "system/gpio-backend.h"
#include "trace.h"

OBJECT_DECLARE_SIMPLE_TYPE(GpioChardev, GPIO_CHARDEV)

#define GPIO_CHARDEV_VERSION 1

/* The longest command, without its newline */
#define GPIO_CHARDEV_CMD_MAX 255

/*
 * Output waiting for a peer that does not read: beyond this, events are
 * dropped (and the peer resynchronised later), and commands wait.
 */
#define GPIO_CHARDEV_OUT_MAX (64 * KiB)

struct GpioChardev {
    GpioBackend parent;

    uint16_t ngpio;             /* "ngpio" property */

    CharFrontend chr;
    char *chr_name;
    bool connected;

    /* received bytes not processed yet */
    uint8_t in[4096];
    size_t in_len;
    size_t in_pos;

    /* the command being received */
    char cmd[GPIO_CHARDEV_CMD_MAX + 1];
    size_t cmd_len;
    bool cmd_too_long;
    int cmd_bad_byte;           /* first non-printable byte, or -1 */

    /* output not written yet: out->str[out_pos..] */
    GString *out;
    size_t out_pos;
    guint watch;
    bool overflow;              /* events were dropped */
};

static size_t gpio_chardev_pending(GpioChardev *s)
{
    return s->out->len - s->out_pos;
}

static void G_GNUC_PRINTF(2, 3) gpio_chardev_printf(GpioChardev *s,
                                                    const char *fmt, ...)
{
    va_list ap;

    if (s->out_pos && s->out_pos == s->out->len) {
        g_string_truncate(s->out, 0);
        s->out_pos = 0;
    }
    va_start(ap, fmt);
    g_string_append_vprintf(s->out, fmt, ap);
    va_end(ap);
}

static void gpio_chardev_line(GpioChardev *s, unsigned line)
{
    GpioLine *l = &s->parent.lines[line];

    gpio_chardev_printf(s, "LINE %u dir=%s value=%d input=%d irq=%s name=%s\n",
                        line, GpioDirection_str(l->config.dir),
                        l->config.output_value, l->input_level,
                        GpioIrqType_str(l->config.irq_type), l->name ?: "");
}

static void gpio_chardev_dump(GpioChardev *s, const char *head)
{
    unsigned i;

    gpio_chardev_printf(s, "%s\n", head);
    for (i = 0; i < s->parent.ngpio; i++) {
        gpio_chardev_line(s, i);
    }
    gpio_chardev_printf(s, "END\n");
}

static gboolean gpio_chardev_writable(void *do_not_use, GIOCondition cond,
                                      void *opaque);

/* Write what the chardev takes now; wait for the rest without blocking */
static void gpio_chardev_flush(GpioChardev *s)
{
    while (s->connected && !s->watch) {
        size_t len = gpio_chardev_pending(s);
        int ret;

        if (!len) {
            if (!s->overflow) {
                break;
            }
            /* the peer caught up: give it the state it missed */
            trace_gpio_chardev_resync(s);
            s->overflow = false;
            gpio_chardev_dump(s, "OVERFLOW");
            continue;
        }
        ret = qemu_chr_fe_write(&s->chr, (uint8_t *)s->out->str + s->out_pos,
                                len);
        if (ret > 0) {
            s->out_pos += ret;
            if (s->out_pos >= 4096 && s->out_pos * 2 >= s->out->len) {
                /* a peer that keeps up only just: drop what it has read */
                g_string_erase(s->out, 0, s->out_pos);
                s->out_pos = 0;
            }
            continue;
        }
        if (ret < 0 && errno != EAGAIN) {
            /* the connection is gone; CHR_EVENT_CLOSED follows */
            g_string_truncate(s->out, 0);
            s->out_pos = 0;
            break;
        }
        s->watch = qemu_chr_fe_add_watch(&s->chr, G_IO_OUT | G_IO_HUP,
                                         gpio_chardev_writable, s);
        if (!s->watch) {
            /* the chardev cannot tell when it is writable: drop */
            g_string_truncate(s->out, 0);
            s->out_pos = 0;
            break;
        }
    }
}

/* A change the guest made: tell the peer, or drop it if it is behind */
static void G_GNUC_PRINTF(2, 3) gpio_chardev_event(GpioChardev *s,
                                                   const char *fmt, ...)
{
    va_list ap;

    if (!s->connected) {
        return;
    }
    if (s->overflow || gpio_chardev_pending(s) >= GPIO_CHARDEV_OUT_MAX) {
        if (!s->overflow) {
            trace_gpio_chardev_overflow(s, gpio_chardev_pending(s));
        }
        s->overflow = true;
        return;
    }
    va_start(ap, fmt);
    g_string_append_vprintf(s->out, fmt, ap);
    va_end(ap);
    gpio_chardev_flush(s);
}

static void G_GNUC_PRINTF(2, 3) gpio_chardev_error(GpioChardev *s,
                                                   const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    trace_gpio_chardev_error(s, msg);
    gpio_chardev_printf(s, "ERR %s\n", msg);
}

/* A line given by number or by name; replies ERR if there is none */
static bool gpio_chardev_parse_line(GpioChardev *s, const char *arg,
                                    unsigned *line)
{
    Error *err = NULL;
    int i = gpio_backend_parse_line(&s->parent, arg, &err);

    if (i < 0) {
        gpio_chardev_error(s, "%s", error_get_pretty(err));
        error_free(err);
        return false;
    }
    *line = i;
    return true;
}

static void gpio_chardev_cmd_set(GpioChardev *s, char **argv, int argc)
{
    unsigned line;
    bool level;

    if (argc != 3) {
        gpio_chardev_error(s, "usage: SET <line> <0|1>");
        return;
    }
    if (!gpio_chardev_parse_line(s, argv[1], &line)) {
        return;
    }
    if (strcmp(argv[2], "0") && strcmp(argv[2], "1")) {
        gpio_chardev_error(s, "bad level '%s' (0 or 1)", argv[2]);
        return;
    }
    level = argv[2][0] == '1';
    gpio_backend_set_input_level(&s->parent, line, level);
    gpio_chardev_printf(s, "OK\n");
}

static void gpio_chardev_cmd_get(GpioChardev *s, char **argv, int argc)
{
    unsigned line;

    if (argc == 1) {
        unsigned i;

        for (i = 0; i < s->parent.ngpio; i++) {
            gpio_chardev_line(s, i);
        }
    } else if (argc == 2) {
        if (!gpio_chardev_parse_line(s, argv[1], &line)) {
            return;
        }
        gpio_chardev_line(s, line);
    } else {
        gpio_chardev_error(s, "usage: GET [<line>]");
        return;
    }
    gpio_chardev_printf(s, "OK\n");
}

static void gpio_chardev_command(GpioChardev *s)
{
    char *argv[4];
    char *p, *save = NULL;
    int argc = 0;

    s->cmd[s->cmd_len] = 0;
    if (s->cmd_too_long) {
        gpio_chardev_error(s, "command too long (more than %d bytes)",
                           GPIO_CHARDEV_CMD_MAX);
        return;
    }
    if (s->cmd_bad_byte >= 0) {
        gpio_chardev_error(s, "non-printable byte 0x%02x in command",
                           s->cmd_bad_byte);
        return;
    }
    trace_gpio_chardev_command(s, s->cmd);
    for (p = strtok_r(s->cmd, " \t", &save); p && argc < ARRAY_SIZE(argv);
         p = strtok_r(NULL, " \t", &save)) {
        argv[argc++] = p;
    }
    if (argc == 0) {
        return;                 /* an empty line */
    }
    if (p) {
        gpio_chardev_error(s, "too many arguments");
    } else if (!g_ascii_strcasecmp(argv[0], "SET")) {
        gpio_chardev_cmd_set(s, argv, argc);
    } else if (!g_ascii_strcasecmp(argv[0], "GET")) {
        gpio_chardev_cmd_get(s, argv, argc);
    } else if (!g_ascii_strcasecmp(argv[0], "HELLO")) {
        if (argc != 1) {
            gpio_chardev_error(s, "usage: HELLO");
            return;
        }
        gpio_chardev_printf(s, "HELLO qemu-gpio %d ngpio=%u\nOK\n",
                            GPIO_CHARDEV_VERSION, s->parent.ngpio);
    } else {
        gpio_chardev_error(s, "unknown command '%s'", argv[0]);
    }
}

static void gpio_chardev_cmd_reset(GpioChardev *s)
{
    s->cmd_len = 0;
    s->cmd_too_long = false;
    s->cmd_bad_byte = -1;
}

/*
 * Run the received commands while the peer reads the replies; the
 * replies to what came in one read go out in one write.
 */
static void gpio_chardev_process(GpioChardev *s)
{
    while (s->in_pos < s->in_len &&
           gpio_chardev_pending(s) < GPIO_CHARDEV_OUT_MAX) {
        uint8_t c = s->in[s->in_pos++];

        if (c == '\n') {
            if (s->cmd_len && s->cmd[s->cmd_len - 1] == '\r') {
                s->cmd_len--;
            }
            gpio_chardev_command(s);
            gpio_chardev_cmd_reset(s);
            if (gpio_chardev_pending(s) >= GPIO_CHARDEV_OUT_MAX) {
                gpio_chardev_flush(s);
            }
        } else if (s->cmd_len == GPIO_CHARDEV_CMD_MAX) {
            s->cmd_too_long = true;
        } else {
            if ((c < 0x20 && c != '\t' && c != '\r') || c > 0x7e) {
                if (s->cmd_bad_byte < 0) {
                    s->cmd_bad_byte = c;
                }
            }
            s->cmd[s->cmd_len++] = c;
        }
    }
    gpio_chardev_flush(s);
    if (s->in_pos == s->in_len) {
        s->in_pos = s->in_len = 0;
        qemu_chr_fe_accept_input(&s->chr);
    }
}

static gboolean gpio_chardev_writable(void *do_not_use, GIOCondition cond,
                                      void *opaque)
{
    GpioChardev *s = opaque;

    s->watch = 0;
    gpio_chardev_flush(s);
    gpio_chardev_process(s);
    return G_SOURCE_REMOVE;
}

static int gpio_chardev_can_read(void *opaque)
{
    GpioChardev *s = opaque;

    return s->connected && !s->in_len ? sizeof(s->in) : 0;
}

static void gpio_chardev_read(void *opaque, const uint8_t *buf, int size)
{
    GpioChardev *s = opaque;

    size_t room;

    memmove(s->in, s->in + s->in_pos, s->in_len - s->in_pos);
    s->in_len -= s->in_pos;
    s->in_pos = 0;
    room = sizeof(s->in) - s->in_len;
    if (size > room) {
        /* only a chardev that ignores can_read gets here */
        trace_gpio_chardev_error(s, "input dropped");
        size = room;
        s->cmd_too_long = true;
    }
    memcpy(s->in + s->in_len, buf, size);
    s->in_len += size;
    gpio_chardev_process(s);
}

static void gpio_chardev_disconnect(GpioChardev *s)
{
    if (s->watch) {
        g_source_remove(s->watch);
        s->watch = 0;
    }
    s->connected = false;
    s->overflow = false;
    g_string_truncate(s->out, 0);
    s->out_pos = 0;
    s->in_len = s->in_pos = 0;
    gpio_chardev_cmd_reset(s);
}

static void gpio_chardev_event_cb(void *opaque, QEMUChrEvent event)
{
    GpioChardev *s = opaque;
    g_autofree char *hello = NULL;

    switch (event) {
    case CHR_EVENT_OPENED:
        trace_gpio_chardev_connected(s, true);
        gpio_chardev_disconnect(s);
        s->connected = true;
        hello = g_strdup_printf("HELLO qemu-gpio %d ngpio=%u",
                                GPIO_CHARDEV_VERSION, s->parent.ngpio);
        gpio_chardev_dump(s, hello);
        gpio_chardev_flush(s);
        qemu_chr_fe_accept_input(&s->chr);
        break;
    case CHR_EVENT_CLOSED:
        trace_gpio_chardev_connected(s, false);
        gpio_chardev_disconnect(s);
        break;
    default:
        break;
    }
}

static int gpio_chardev_line_config(GpioBackend *b, unsigned line,
                                    const GpioLineConfig *old)
{
    GpioChardev *s = GPIO_CHARDEV(b);
    GpioLineConfig *c = &b->lines[line].config;

    if (c->dir != old->dir) {
        gpio_chardev_event(s, "DIR %u %s\n", line, GpioDirection_str(c->dir));
    }
    if (c->output_value != old->output_value) {
        gpio_chardev_event(s, "VALUE %u %d\n", line, c->output_value);
    }
    if (c->irq_type != old->irq_type) {
        gpio_chardev_event(s, "IRQ %u %s\n", line,
                           GpioIrqType_str(c->irq_type));
    }
    return 0;
}

/* The state came in from a migration: the peer's view is out of date */
static bool gpio_chardev_post_load(GpioBackend *b, Error **errp)
{
    GpioChardev *s = GPIO_CHARDEV(b);

    /* after an overflow the peer gets the whole state anyway */
    if (s->connected && !s->overflow) {
        gpio_chardev_dump(s, "MIGRATED");
        gpio_chardev_flush(s);
    }
    return true;
}

static bool gpio_chardev_open(GpioBackend *b, Error **errp)
{
    GpioChardev *s = GPIO_CHARDEV(b);
    Chardev *chr;

    if (!s->chr_name) {
        error_setg(errp, "gpio-chardev needs the property 'chardev'");
        return false;
    }
    chr = qemu_chr_find(s->chr_name);
    if (!chr) {
        error_setg(errp, "Chardev '%s' not found", s->chr_name);
        return false;
    }
    if (!gpio_backend_set_lines(b, s->ngpio, errp) ||
        !qemu_chr_fe_init(&s->chr, chr, errp)) {
        return false;
    }
    qemu_chr_fe_set_handlers(&s->chr, gpio_chardev_can_read,
                             gpio_chardev_read, gpio_chardev_event_cb,
                             NULL, s, NULL, true);
    return true;
}

static void gpio_chardev_set_chardev(Object *obj, const char *value,
                                     Error **errp)
{
    GpioChardev *s = GPIO_CHARDEV(obj);

    if (GPIO_BACKEND(obj)->opened) {
        error_setg(errp, "property 'chardev' cannot be set after the "
                   "backend is opened");
        return;
    }
    g_free(s->chr_name);
    s->chr_name = g_strdup(value);
}

static char *gpio_chardev_get_chardev(Object *obj, Error **errp)
{
    GpioChardev *s = GPIO_CHARDEV(obj);
    Chardev *chr = qemu_chr_fe_get_driver(&s->chr);

    return g_strdup(chr && chr->label ? chr->label : s->chr_name);
}

static void gpio_chardev_init(Object *obj)
{
    GpioChardev *s = GPIO_CHARDEV(obj);

    s->ngpio = GPIO_BACKEND_DEFAULT_NGPIO;
    s->out = g_string_new(NULL);
    s->cmd_bad_byte = -1;
}

static void gpio_chardev_finalize(Object *obj)
{
    GpioChardev *s = GPIO_CHARDEV(obj);

    gpio_chardev_disconnect(s);
    qemu_chr_fe_deinit(&s->chr, false);
    g_string_free(s->out, true);
    g_free(s->chr_name);
}

static void gpio_chardev_class_init(ObjectClass *oc, const void *data)
{
    GpioBackendClass *k = GPIO_BACKEND_CLASS(oc);

    k->open = gpio_chardev_open;
    k->line_config = gpio_chardev_line_config;
    k->post_load = gpio_chardev_post_load;
    gpio_backend_class_add_ngpio(oc, offsetof(GpioChardev, ngpio));
    object_class_property_add_str(oc, "chardev", gpio_chardev_get_chardev,
                                  gpio_chardev_set_chardev);
    object_class_property_set_description(oc, "chardev",
                                          "The chardev of the peer");
}

static const TypeInfo gpio_chardev_info = {
    .name = TYPE_GPIO_CHARDEV,
    .parent = TYPE_GPIO_BACKEND,
    .instance_size = sizeof(GpioChardev),
    .instance_init = gpio_chardev_init,
    .instance_finalize = gpio_chardev_finalize,
    .class_init = gpio_chardev_class_init,
};

static void register_types(void)
{
    type_register_static(&gpio_chardev_info);
}

type_init(register_types);
