/*
 * QEMU GPIO backend: the state of a set of GPIO lines
 *
 * A gpio-backend holds the lines a GPIO controller device (such as
 * virtio-gpio) exposes to the guest: their names, the direction and
 * value the guest configured, and the level an input sees.  Subclasses
 * connect the lines to something: simulated lines, an external program
 * or a host GPIO chip.
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QEMU_GPIO_BACKEND_H
#define QEMU_GPIO_BACKEND_H

#include "qemu/queue.h"
#include "qemu/timer.h"
#include "qom/object.h"
#include "qapi/qapi-types-gpio.h"

#define TYPE_GPIO_BACKEND "gpio-backend"
OBJECT_DECLARE_TYPE(GpioBackend, GpioBackendClass, GPIO_BACKEND)

#define TYPE_GPIO_DUMMY "gpio-dummy"
#define TYPE_GPIO_CHARDEV "gpio-chardev"

#define GPIO_BACKEND_MAX_LINES 65535

/*
 * GPIO_LINE_CHANGED is sent at most once per line in this much time of
 * the VM's clock: a guest toggling a line cannot flood the monitor.
 * The first change after a quiet interval is sent at once; later ones
 * in the interval merge into one event with the state at its end.
 */
#define GPIO_EVENT_INTERVAL_NS (100 * SCALE_MS)

/* Edges a line reports to its frontend (bit mask) */
#define GPIO_EDGE_RISING  (1 << 0)
#define GPIO_EDGE_FALLING (1 << 1)
#define GPIO_EDGE_BOTH    (GPIO_EDGE_RISING | GPIO_EDGE_FALLING)

typedef struct GpioLine {
    char *name;             /* NULL when the line has no name */
    GpioDirection dir;      /* as the guest configured it */
    bool value;             /* value the guest set; driven while dir == out */
    bool input;             /* external level an input line reads */
    GpioIrqType irq_type;   /* irq trigger the guest enabled */
    GpioLineAccess access;  /* what the guest may change */
} GpioLine;

/*
 * The frontend (the device) registers these callbacks.  @input_changed
 * is called when the level of an input line changes; @edge is
 * GPIO_EDGE_RISING or GPIO_EDGE_FALLING.  @irq_state fills in the
 * frontend's view of a line's irq (the irq_* members) for query-gpio.
 */
typedef struct GpioBackendFrontend {
    void (*input_changed)(void *opaque, unsigned line, int edge);
    void (*irq_state)(void *opaque, unsigned line, GpioLineInfo *info);
} GpioBackendFrontend;

struct GpioBackendClass {
    ObjectClass parent_class;

    /*
     * Called by user_creatable_complete(): set up the lines (call
     * gpio_backend_set_lines()) and connect to the outside.  Return
     * false and set @errp on failure.
     */
    bool (*open)(GpioBackend *s, Error **errp);

    /*
     * Apply the guest's new configuration of @line (s->lines[line]) to
     * the outside; @old is the previous configuration.  Optional.
     * Return 0, or a negative errno and the change is undone.
     */
    int (*line_config)(GpioBackend *s, unsigned line, const GpioLine *old);

    /* Read the level of an input @line.  Optional: default lines[].input */
    int (*get_input)(GpioBackend *s, unsigned line, bool *level);

    /*
     * After a migration loaded s->lines (and the frontend its irq state):
     * bring the outside in line with them, and report input levels that
     * changed meanwhile with gpio_backend_input_changed().  Optional.
     */
    bool (*post_load)(GpioBackend *s, Error **errp);

    /*
     * Whether the host may set the input level of lines from the
     * monitor (gpio-set).  Backends connected to real lines say no.
     */
    bool host_settable;
};

struct GpioBackend {
    Object parent;

    /*< protected >*/
    bool opened;
    uint16_t ngpio;
    GpioLine *lines;
    strList *names;         /* "names" property: line names, in order */
    strList *input_only;    /* "input-only" property: lines */
    strList *read_only;     /* "read-only" property: lines */
    uint16_t ngpio_prop;    /* "ngpio" property, for the backends with one */

    /*< private >*/
    GHashTable *line_names;     /* name -> line number */
    QEMUTimer *event_timer;     /* sends the GPIO_LINE_CHANGED held back */
    int64_t *event_next;        /* per line: when the next may be sent */
    unsigned long *event_held;  /* lines with a change held back */
    const GpioBackendFrontend *fe;
    void *fe_opaque;
    DeviceState *fe_dev;        /* the frontend */
    DeviceState *fe_named;      /* the device users name the frontend by */
    QTAILQ_ENTRY(GpioBackend) next;     /* in the list of opened backends */
};

/*
 * For subclasses: create @ngpio lines, named from the "names" property,
 * with the access the "input-only" and "read-only" properties give.
 */
bool gpio_backend_set_lines(GpioBackend *s, unsigned ngpio, Error **errp);

/* The number of the line named @name, or -1 */
int gpio_backend_line_by_name(GpioBackend *s, const char *name);

/*
 * A line of @s given by number (decimal) or, if @arg does not start with
 * a digit, by name: its number, or -1 with @errp set.  The monitor, the
 * chardev protocol and the device tree consumers all take lines so.
 */
int gpio_backend_parse_line(GpioBackend *s, const char *arg, Error **errp);

/*
 * Parse a list of lines: each element holds comma-separated line numbers,
 * ranges "first-last" or, if @lookup is given, names that @lookup turns
 * into a line number (or -1).  The numbers must be below @max; each line
 * may appear once.  Returns the lines in order, or NULL with @errp set.
 */
GArray *gpio_backend_parse_lines(strList *list, unsigned max,
                                 int (*lookup)(void *opaque, const char *name),
                                 void *opaque, Error **errp);

/*
 * For subclasses whose user chooses the number of lines: add the
 * "ngpio" property (default 8), stored in s->ngpio_prop.
 */
void gpio_backend_class_add_ngpio(ObjectClass *oc);

/*
 * For subclasses: add a "str list" property @name stored in the strList *
 * at @offset in the instance, which can be set until the backend is opened.
 */
void gpio_backend_class_add_list(ObjectClass *oc, const char *name,
                                 size_t offset, const char *desc);

/* For subclasses: the level of input @line changed outside QEMU */
void gpio_backend_input_changed(GpioBackend *s, unsigned line, bool level);

/* For the frontend */
extern const VMStateDescription vmstate_gpio_backend;
bool gpio_backend_post_load(GpioBackend *s, Error **errp);
/*
 * Attach the frontend @dev: @fe's callbacks get @opaque.  @named is the
 * device users create and name, whose id the monitor takes for the
 * controller: @dev itself, or the device that embeds it (virtio-gpio-pci
 * for the virtio-gpio device it holds).  Fails if the backend is in use.
 */
bool gpio_backend_attach(GpioBackend *s, DeviceState *dev,
                         DeviceState *named, const GpioBackendFrontend *fe,
                         void *opaque, Error **errp);
void gpio_backend_detach(GpioBackend *s);
void gpio_backend_reset(GpioBackend *s);
int gpio_backend_set_direction(GpioBackend *s, unsigned line,
                               GpioDirection dir);
int gpio_backend_set_value(GpioBackend *s, unsigned line, bool value);
int gpio_backend_get_value(GpioBackend *s, unsigned line, bool *value);
int gpio_backend_set_irq_type(GpioBackend *s, unsigned line,
                              GpioIrqType type);

/* For the monitor */

/* The backend's id, or its QOM path when it is a device's own */
char *gpio_backend_id(GpioBackend *s);
/*
 * The opened backends in the order they were opened: the first, or the
 * one after @s; NULL at the end
 */
GpioBackend *gpio_backend_next(GpioBackend *s);
/* The backend that the device with id @id uses, or NULL */
GpioBackend *gpio_backend_find_by_user(const char *id);
/* The frontend, and the device users name it by; NULL when detached */
DeviceState *gpio_backend_get_frontend(GpioBackend *s);
DeviceState *gpio_backend_get_device(GpioBackend *s);
/* The frontend's view of @line's irq, for query-gpio */
void gpio_backend_irq_state(GpioBackend *s, unsigned line,
                            GpioLineInfo *info);
bool gpio_backend_set_input(GpioBackend *s, unsigned line, bool level,
                            Error **errp);
/* gpio-set with the line by number or name (HMP's gpio_set) */
void gpio_set_line(const char *id, const char *line, bool value, Error **errp);

#endif
