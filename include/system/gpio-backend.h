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
#define GPIO_BACKEND_DEFAULT_NGPIO 8

/*
 * The monitor sends GPIO_LINE_CHANGED at most once per line in 100 ms
 * (monitor/monitor.c); a backend sends at most GPIO_EVENT_BURST of them
 * in GPIO_EVENT_INTERVAL_NS, whatever its number of lines, and holds the
 * others back until the next interval.  Either way the last state of
 * every line reaches the client.
 */
#define GPIO_EVENT_INTERVAL_NS (100 * SCALE_MS)
#define GPIO_EVENT_BURST 64

/* Edges a line reports to its frontend (bit mask) */
#define GPIO_EDGE_RISING  (1 << 0)
#define GPIO_EDGE_FALLING (1 << 1)
#define GPIO_EDGE_BOTH    (GPIO_EDGE_RISING | GPIO_EDGE_FALLING)

/* What the guest configures on a line, with gpio_backend_configure() */
typedef struct GpioLineConfig {
    GpioDirection dir;
    bool output_value;      /* driven while dir == out, kept otherwise */
    GpioIrqType irq_type;   /* interrupt trigger; none on an output */
} GpioLineConfig;

typedef struct GpioLine {
    /* Fixed when the backend opens */
    char *name;             /* NULL when the line has no name */
    GpioLineAccess access;  /* what the guest may change */
    /* The guest's: changed by gpio_backend_configure() only */
    GpioLineConfig config;
    /* The level outside: changed by gpio_backend_set_input_level() only */
    bool input_level;
    /* The frontend's: gpio_backend_irq_signal() */
    bool irq_active;
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

/* A recording of the lines (backends/gpio-record.c) */
typedef struct GpioRecorder GpioRecorder;

/* A stimulus (backends/gpio-stimulus.c) */
typedef struct GpioStimulus GpioStimulus;

/* A step of a stimulus: set @line to @value @time ns after it started */
typedef struct GpioStep {
    int64_t time;
    uint16_t line;
    bool value;
} GpioStep;

/* A line in the migration stream */
typedef struct GpioLineMig {
    uint8_t dir;
    uint8_t output_value;
    uint8_t input_level;
    uint8_t irq_type;
} GpioLineMig;

struct GpioBackendClass {
    ObjectClass parent_class;

    /*
     * Called by user_creatable_complete(): set up the lines (call
     * gpio_backend_set_lines()) and connect to the outside.  Return
     * false and set @errp on failure.
     */
    bool (*open)(GpioBackend *s, Error **errp);

    /*
     * Apply the guest's new configuration of @line (s->lines[line].config,
     * which gpio_backend_configure() has checked) to the outside; @old is
     * the previous one.  Optional.  Return 0, or a negative errno and the
     * change is undone.
     */
    int (*line_config)(GpioBackend *s, unsigned line,
                       const GpioLineConfig *old);

    /*
     * Read the level of an input @line outside, changing no state.
     * Optional: by default lines[].input_level.  Return 0 or a negative
     * errno.
     */
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
    char *record;           /* "record" property: a VCD file */

    /*< private >*/
    uint16_t mig_ngpio;         /* the lines, as the migration stream has */
    GpioLineMig *mig_lines;     /* them */
    GHashTable *line_names;     /* name -> line number */
    QEMUTimer *event_timer;     /* sends the GPIO_LINE_CHANGED held back */
    int64_t event_window;       /* when the current interval ends */
    unsigned event_count;       /* events sent in the current interval */
    unsigned event_cursor;      /* the line the next held one is after */
    unsigned long *event_held;  /* lines with a change held back */
    GpioRecorder *recorder;     /* the recording under way, or NULL */
    QTAILQ_HEAD(, GpioStimulus) stimuli;    /* the stimuli playing */
    Error *stimulus_blocker;    /* migration blocker while one plays */
    const GpioBackendFrontend *fe;
    void *fe_opaque;
    DeviceState *fe_dev;        /* the frontend */
    DeviceState *fe_named;      /* the device users name the frontend by */
    QTAILQ_ENTRY(GpioBackend) next;     /* in the list of opened backends */
};

/*
 * Every function below is called with the BQL held, from the main loop
 * or from a vCPU thread that handles a guest's request.
 */

/**
 * gpio_backend_set_lines: create the lines of a backend
 * @s: the backend, from its open hook
 * @ngpio: the number of lines, 1 to GPIO_BACKEND_MAX_LINES
 * @errp: pointer to a NULL-initialized error object
 *
 * For subclasses: create @ngpio lines, inputs with no interrupt, named
 * from the "names" property, with the access the "input-only" and
 * "read-only" properties give.
 *
 * Returns: true on success, false with @errp set if a property does not
 * fit @ngpio lines.
 */
bool gpio_backend_set_lines(GpioBackend *s, unsigned ngpio, Error **errp);

/**
 * gpio_backend_line_by_name: find a line by its name
 * @s: the backend
 * @name: the line's name
 *
 * Returns: the line's number, or -1 if no line has that name.
 */
int gpio_backend_line_by_name(GpioBackend *s, const char *name);

/**
 * gpio_backend_parse_line: find a line given by number or name
 * @s: the backend
 * @arg: a decimal line number or, if it does not start with a digit, a
 *     line name
 * @errp: pointer to a NULL-initialized error object
 *
 * The monitor, the gpio-chardev protocol and the device tree consumers
 * all take a line so.
 *
 * Returns: the line's number, or -1 with @errp set (a bad number, a
 * number out of range, an unknown name).
 */
int gpio_backend_parse_line(GpioBackend *s, const char *arg, Error **errp);

/**
 * gpio_backend_parse_lines: parse a list of lines
 * @list: elements of comma-separated line numbers, ranges "first-last"
 *     or, if @lookup is given, names
 * @max: the number of lines: every number must be below it
 * @lookup: turns a name into a line number, or -1; may be NULL
 * @opaque: passed to @lookup
 * @errp: pointer to a NULL-initialized error object
 *
 * Each line may appear once.
 *
 * Returns: the lines in the order given, or NULL with @errp set.
 */
GArray *gpio_backend_parse_lines(strList *list, unsigned max,
                                 int (*lookup)(void *opaque, const char *name),
                                 void *opaque, Error **errp);

/**
 * gpio_backend_class_add_ngpio: add the "ngpio" property
 * @oc: the class of a backend whose user chooses the number of lines
 * @offset: where its uint16_t is in the instance
 *
 * The property can be set, 1 to GPIO_BACKEND_MAX_LINES, until the
 * backend is opened.  The subclass's instance_init sets the default
 * (GPIO_BACKEND_DEFAULT_NGPIO), its open hook passes the value to
 * gpio_backend_set_lines().
 */
void gpio_backend_class_add_ngpio(ObjectClass *oc, size_t offset);

/**
 * gpio_backend_class_add_list: add a "str list" property
 * @oc: the class
 * @name: the property's name
 * @offset: where its strList * is in the instance
 * @desc: the property's description
 *
 * The property can be set until the backend is opened.
 */
void gpio_backend_class_add_list(ObjectClass *oc, const char *name,
                                 size_t offset, const char *desc);

/**
 * gpio_backend_set_input_level: the level of a line outside QEMU
 * @s: the backend
 * @line: the line, below s->ngpio
 * @level: its level now
 *
 * The one way to change s->lines[@line].input_level: the subclass calls
 * it when it learns the level (an edge event of a host chip, a message
 * of its peer), the monitor when the host sets a simulated input.  If
 * the level changed and the line is not an output, the frontend hears
 * of the edge.
 */
void gpio_backend_set_input_level(GpioBackend *s, unsigned line, bool level);

/* For the frontend */

/* The line state, for the frontend's own VMStateDescription */
extern const VMStateDescription vmstate_gpio_backend;

/**
 * gpio_backend_post_load: bring the outside up to date after a migration
 * @s: the backend, whose line state the frontend's migration loaded
 * @errp: pointer to a NULL-initialized error object
 *
 * Returns: true on success, false with @errp set if the backend cannot
 * configure its lines as the stream has them.
 */
bool gpio_backend_post_load(GpioBackend *s, Error **errp);

/**
 * gpio_backend_attach: attach a frontend
 * @s: the backend, opened
 * @dev: the frontend
 * @named: the device users create and name, whose id the monitor takes
 *     for the controller: @dev itself, or the device that embeds it
 *     (virtio-gpio-pci for the virtio-gpio device it holds)
 * @fe: the frontend's callbacks
 * @opaque: passed to @fe's callbacks
 * @errp: pointer to a NULL-initialized error object
 *
 * Returns: true on success, false with @errp set if another frontend
 * uses the backend.
 */
bool gpio_backend_attach(GpioBackend *s, DeviceState *dev,
                         DeviceState *named, const GpioBackendFrontend *fe,
                         void *opaque, Error **errp);

/**
 * gpio_backend_detach: detach the frontend
 * @s: the backend
 *
 * Sends the GPIO_LINE_CHANGED events held back first, as they name the
 * device.
 */
void gpio_backend_detach(GpioBackend *s);

/**
 * gpio_backend_reset: return every line to its initial state
 * @s: the backend
 *
 * Inputs, output value 0, no interrupt; the input levels are kept.
 */
void gpio_backend_reset(GpioBackend *s);

/**
 * gpio_backend_configure: the guest configures a line
 * @s: the backend
 * @line: the line, below s->ngpio
 * @cfg: the configuration the guest asks for
 *
 * Every rule of a line's configuration is applied here, for every
 * frontend:
 *
 * - direction none releases the line: its output value and interrupt
 *   trigger are cleared as well; a value set while the line is released
 *   is kept, for when it becomes an output;
 * - an output has no interrupt trigger, so a line cannot become an
 *   output while it has one, nor get one while it is an output;
 * - the line's access: an input-only line cannot become an output or
 *   take an output value, the guest changes nothing on a read-only line
 *   (releasing it, or asking for what it has, succeeds and changes
 *   nothing).
 *
 * The outside (the subclass's line_config hook) then applies it; the
 * monitor hears of a change of direction or of a driven value.
 *
 * Returns: 0, -EINVAL for an output with an interrupt trigger, -EPERM if
 * the line's access forbids the change, or the negative errno with which
 * the outside refused it.  On failure the line is unchanged.
 */
int gpio_backend_configure(GpioBackend *s, unsigned line,
                           const GpioLineConfig *cfg);

/**
 * gpio_backend_get_value: the level a line reads
 * @s: the backend
 * @line: the line, below s->ngpio
 * @value: where to store the level: an output's value, an input's level
 *
 * Returns: 0, or the negative errno of the outside's failure to read it.
 */
int gpio_backend_get_value(GpioBackend *s, unsigned line, bool *value);

/**
 * gpio_backend_irq_signal: the frontend's interrupt for a line
 * @s: the backend
 * @line: the line, below s->ngpio
 * @active: true when the frontend delivers an interrupt for @line, false
 *     when the guest is ready for the next one
 *
 * For the recording; the backend clears it when the line's interrupt
 * trigger is switched off.
 */
void gpio_backend_irq_signal(GpioBackend *s, unsigned line, bool active);

/* For the monitor */

/**
 * gpio_backend_id: how the monitor names a backend
 * @s: the backend
 *
 * Returns: its id, or its QOM path when it is a device's own; the caller
 * frees it.
 */
char *gpio_backend_id(GpioBackend *s);

/**
 * gpio_backend_next: walk the opened backends
 * @s: NULL for the first, else the one before
 *
 * Returns: the next backend in the order they were opened, NULL at the
 * end.
 */
GpioBackend *gpio_backend_next(GpioBackend *s);

/**
 * gpio_backend_find_by_user: the backend of a device
 * @id: a device's id
 *
 * Returns: the backend the device with that id uses, or NULL.
 */
GpioBackend *gpio_backend_find_by_user(const char *id);

/**
 * gpio_backend_get_frontend: the frontend of a backend
 * @s: the backend
 *
 * Returns: the frontend device, NULL when none is attached.
 */
DeviceState *gpio_backend_get_frontend(GpioBackend *s);

/**
 * gpio_backend_get_device: the device users name the frontend by
 * @s: the backend
 *
 * Returns: that device (see gpio_backend_attach()), NULL when no
 * frontend is attached.
 */
DeviceState *gpio_backend_get_device(GpioBackend *s);

/**
 * gpio_backend_irq_state: the frontend's view of a line's interrupt
 * @s: the backend
 * @line: the line
 * @info: its query-gpio entry, whose irq members are filled in
 */
void gpio_backend_irq_state(GpioBackend *s, unsigned line,
                            GpioLineInfo *info);

/**
 * gpio_set_line: gpio-set with the line given by number or name
 * @id: as gpio-set's @id
 * @line: as gpio_backend_parse_line()'s @arg
 * @value: the level
 * @errp: pointer to a NULL-initialized error object
 *
 * For HMP's gpio_set.
 */
void gpio_set_line(const char *id, const char *line, bool value, Error **errp);

/* Recording the lines to a VCD file (backends/gpio-record.c) */

/**
 * gpio_record_start: record the lines of a backend
 * @s: the backend, opened
 * @path: the VCD file to write
 * @errp: pointer to a NULL-initialized error object
 *
 * Returns: true on success, false with @errp set if @s is recording
 * already or the file cannot be written.
 */
bool gpio_record_start(GpioBackend *s, const char *path, Error **errp);

/**
 * gpio_record_stop: stop the recording of a backend, if any
 * @s: the backend
 */
void gpio_record_stop(GpioBackend *s);

/**
 * gpio_record_line: write the changes of a line to the recording, if any
 * @s: the backend
 * @line: the line, below s->ngpio
 */
void gpio_record_line(GpioBackend *s, unsigned line);

/**
 * gpio_record_path: the file a backend records to
 * @s: the backend
 *
 * Returns: the path, or NULL when @s is not recording.
 */
const char *gpio_record_path(GpioBackend *s);

/* Stimuli (backends/gpio-stimulus.c) */

/**
 * gpio_stimulus_start: play input changes on the VM clock
 * @s: the backend, opened
 * @name: the stimulus's name, unique in @s
 * @steps: GpioStep, in time order; the stimulus takes a reference
 * @period: ns from the start of one time through the steps to the next
 * @repeat: how many more times to play the steps after the first
 * @forever: play them until the stimulus is cancelled
 * @errp: pointer to a NULL-initialized error object
 *
 * The steps due at once are played before the function returns; the
 * others on a QEMU_CLOCK_VIRTUAL timer.  GPIO_STIMULUS_DONE is sent when
 * the stimulus ends, and migration is blocked while a stimulus plays.
 *
 * Returns: true on success, false with @errp set for a name in use, no
 * steps, a line out of range or set by another stimulus, steps out of
 * order, a bad period or a migration under way.
 */
bool gpio_stimulus_start(GpioBackend *s, const char *name, GArray *steps,
                         int64_t period, uint64_t repeat, bool forever,
                         Error **errp);

/**
 * gpio_stimulus_find: a stimulus of a backend by its name
 * @s: the backend
 * @name: the stimulus's name
 *
 * Returns: the stimulus, or NULL.
 */
GpioStimulus *gpio_stimulus_find(GpioBackend *s, const char *name);

/**
 * gpio_stimulus_next: walk the stimuli of a backend
 * @s: the backend
 * @st: NULL for the first, else the one before
 *
 * Returns: the next stimulus, NULL at the end.
 */
GpioStimulus *gpio_stimulus_next(GpioBackend *s, GpioStimulus *st);

/**
 * gpio_stimulus_info: a stimulus, for query-gpio-stimuli
 * @st: the stimulus
 *
 * Returns: its state; the caller frees it.
 */
GpioStimulusInfo *gpio_stimulus_info(GpioStimulus *st);

/**
 * gpio_stimulus_cancel: stop a stimulus and free it
 * @st: the stimulus
 *
 * The lines keep the levels it set.
 */
void gpio_stimulus_cancel(GpioStimulus *st);

/**
 * gpio_stimulus_cancel_all: stop every stimulus of a backend
 * @s: the backend
 */
void gpio_stimulus_cancel_all(GpioBackend *s);

/**
 * gpio_vcd_steps: the steps of a VCD file for a backend's lines
 * @s: the backend
 * @path: the file
 * @errp: pointer to a NULL-initialized error object
 *
 * A scalar variable named after a line (or "lineN"), or after it with
 * "_in" (which wins), sets the line; other variables, and x and z
 * values, are ignored.  Times count from the file's first.
 *
 * Returns: the steps, or NULL with @errp set (with the line of the
 * file) if the file cannot be read, is malformed or sets no line.
 */
GArray *gpio_vcd_steps(GpioBackend *s, const char *path, Error **errp);

#endif
