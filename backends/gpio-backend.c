/*
 * QEMU GPIO backend: the state of a set of GPIO lines
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/error-report.h"
#include "qemu/bitmap.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qapi/qapi-visit-common.h"
#include "qapi/qapi-events-gpio.h"
#include "qom/object_interfaces.h"
#include "hw/qdev-core.h"
#include "migration/vmstate.h"
#include "system/gpio-backend.h"
#include "system/qtest.h"
#include "trace.h"

/* The owner's id or QOM path, for events and the monitor */
char *gpio_backend_id(GpioBackend *s)
{
    Object *obj = OBJECT(s);

    if (obj->parent == object_get_objects_root()) {
        return g_strdup(object_get_canonical_path_component(obj));
    }
    return object_get_canonical_path(obj);
}

/* Every opened backend, in the order they were opened */
static QTAILQ_HEAD(, GpioBackend) gpio_backends =
    QTAILQ_HEAD_INITIALIZER(gpio_backends);

/* The id of each device using a backend -> that backend */
static GHashTable *gpio_backend_users;

GpioBackend *gpio_backend_next(GpioBackend *s)
{
    return s ? QTAILQ_NEXT(s, next) : QTAILQ_FIRST(&gpio_backends);
}

GpioBackend *gpio_backend_find_by_user(const char *id)
{
    return gpio_backend_users ? g_hash_table_lookup(gpio_backend_users, id)
                              : NULL;
}

DeviceState *gpio_backend_get_frontend(GpioBackend *s)
{
    return s->fe_dev;
}

DeviceState *gpio_backend_get_device(GpioBackend *s)
{
    return s->fe_named;
}

void gpio_backend_irq_state(GpioBackend *s, unsigned line,
                            GpioLineInfo *info)
{
    if (s->fe) {
        s->fe->irq_state(s->fe_opaque, line, info);
    }
}

/* A line as it is when the backend opens and after a reset */
static const GpioLineConfig gpio_line_config_initial = {
    .dir = GPIO_DIRECTION_IN,
    .output_value = false,
    .irq_type = GPIO_IRQ_TYPE_NONE,
};

static bool gpio_line_config_equal(const GpioLineConfig *a,
                                   const GpioLineConfig *b)
{
    return a->dir == b->dir && a->output_value == b->output_value &&
           a->irq_type == b->irq_type;
}

static bool gpio_backend_parse_one(const char *item, unsigned max,
                                   int (*lookup)(void *, const char *),
                                   void *opaque, GArray *out,
                                   unsigned long *seen, Error **errp)
{
    const char *dash = strchr(item, '-');
    unsigned first, last, i;
    int n = -1;

    if (!g_ascii_isdigit(item[0]) && lookup) {
        n = lookup(opaque, item);
    }
    if (g_ascii_isdigit(item[0]) && dash &&
        qemu_strtoui(dash + 1, NULL, 10, &last) == 0) {
        g_autofree char *head = g_strndup(item, dash - item);

        if (qemu_strtoui(head, NULL, 10, &first) < 0 || first > last) {
            error_setg(errp, "bad range of lines '%s'", item);
            return false;
        }
    } else if (qemu_strtoui(item, NULL, 10, &first) == 0) {
        last = first;
    } else if (n >= 0) {
        first = last = n;
    } else {
        error_setg(errp, lookup ? "no line is named '%s'" :
                   "bad line number '%s'", item);
        return false;
    }
    if (last >= max) {
        error_setg(errp, "line %u is out of range (%u lines)", last, max);
        return false;
    }
    for (i = first; i <= last; i++) {
        if (test_and_set_bit(i, seen)) {
            error_setg(errp, "line %u is given twice", i);
            return false;
        }
        g_array_append_val(out, i);
    }
    return true;
}

int gpio_backend_parse_line(GpioBackend *s, const char *arg, Error **errp)
{
    unsigned line;
    int i;

    if (!g_ascii_isdigit(arg[0])) {
        i = gpio_backend_line_by_name(s, arg);
        if (i < 0) {
            error_setg(errp, "no line is named '%s'", arg);
        }
        return i;
    }
    if (qemu_strtoui(arg, NULL, 10, &line) < 0) {
        error_setg(errp, "bad line number '%s'", arg);
        return -1;
    }
    if (line >= s->ngpio) {
        error_setg(errp, "line %u is out of range (%u lines)", line, s->ngpio);
        return -1;
    }
    return line;
}

GArray *gpio_backend_parse_lines(strList *list, unsigned max,
                                 int (*lookup)(void *opaque, const char *name),
                                 void *opaque, Error **errp)
{
    g_autoptr(GArray) out = g_array_new(false, false, sizeof(unsigned));
    g_autofree unsigned long *seen = bitmap_new(max);

    for (; list; list = list->next) {
        g_auto(GStrv) items = g_strsplit(list->value, ",", -1);
        char **item;

        for (item = items; *item; item++) {
            if (!gpio_backend_parse_one(g_strstrip(*item), max, lookup,
                                        opaque, out, seen, errp)) {
                return NULL;
            }
        }
    }
    return g_steal_pointer(&out);
}

int gpio_backend_line_by_name(GpioBackend *s, const char *name)
{
    gpointer line;

    if (!s->line_names ||
        !g_hash_table_lookup_extended(s->line_names, name, NULL, &line)) {
        return -1;
    }
    return GPOINTER_TO_UINT(line);
}

static int gpio_backend_lookup_name(void *opaque, const char *name)
{
    return gpio_backend_line_by_name(opaque, name);
}

/* Give the lines of @list the access @access */
static bool gpio_backend_set_access(GpioBackend *s, strList *list,
                                    GpioLineAccess access, Error **errp)
{
    g_autoptr(GArray) lines = NULL;
    unsigned i;

    lines = gpio_backend_parse_lines(list, s->ngpio, gpio_backend_lookup_name,
                                     s, errp);
    if (!lines) {
        error_prepend(errp, "%s: ", GpioLineAccess_str(access));
        return false;
    }
    for (i = 0; i < lines->len; i++) {
        GpioLine *l = &s->lines[g_array_index(lines, unsigned, i)];

        if (l->access != GPIO_LINE_ACCESS_READ_WRITE) {
            error_setg(errp, "line %u is both input-only and read-only",
                       g_array_index(lines, unsigned, i));
            return false;
        }
        l->access = access;
    }
    return true;
}

/* The clock the monitor throttles events by (monitor_get_event_clock()) */
static QEMUClockType gpio_backend_event_clock(void)
{
    return qtest_enabled() ? QEMU_CLOCK_VIRTUAL : QEMU_CLOCK_REALTIME;
}

static void gpio_backend_send_changed(GpioBackend *s, unsigned line)
{
    g_autofree char *id = gpio_backend_id(s);
    DeviceState *dev = gpio_backend_get_device(s);
    GpioLine *l = &s->lines[line];

    qapi_event_send_gpio_line_changed(id, dev ? dev->id : NULL, line, l->name,
                                      l->config.dir, l->config.output_value);
    s->event_count++;
}

/* Whether the current interval has room for one more event */
static bool gpio_backend_event_room(GpioBackend *s)
{
    int64_t now = qemu_clock_get_ns(gpio_backend_event_clock());

    if (now >= s->event_window) {
        s->event_window = now + GPIO_EVENT_INTERVAL_NS;
        s->event_count = 0;
    }
    return s->event_count < GPIO_EVENT_BURST;
}

/* A new interval: send the changes held back, as many as it has room for */
static void gpio_backend_event_timer(void *opaque)
{
    GpioBackend *s = opaque;
    unsigned long line;

    while (gpio_backend_event_room(s)) {
        /* in line order, from where the last interval stopped */
        line = find_next_bit(s->event_held, s->ngpio, s->event_cursor);
        if (line >= s->ngpio) {
            line = find_first_bit(s->event_held, s->ngpio);
            if (line >= s->ngpio) {
                return;
            }
        }
        clear_bit(line, s->event_held);
        s->event_cursor = line + 1;
        gpio_backend_send_changed(s, line);
    }
    timer_mod(s->event_timer, s->event_window);
}

/*
 * Tell the monitor about a change of the guest's.  The monitor throttles
 * each line; this bounds the backend's total, so that a guest cycling
 * through thousands of lines cannot flood the monitor either.  A change
 * held back goes out with the line's state when it is sent.
 */
static void gpio_backend_emit_changed(GpioBackend *s, unsigned line)
{
    if (test_bit(line, s->event_held)) {
        return;
    }
    if (!(s->event_timer && timer_pending(s->event_timer)) &&
        gpio_backend_event_room(s)) {
        gpio_backend_send_changed(s, line);
        return;
    }
    if (!s->event_timer) {
        /* now: the monitor's clock is known once the accelerator is */
        s->event_timer = timer_new_ns(gpio_backend_event_clock(),
                                      gpio_backend_event_timer, s);
    }
    set_bit(line, s->event_held);
    timer_mod_anticipate(s->event_timer, s->event_window);
}

/* Send what is held back now, e.g. before the device goes away */
static void gpio_backend_flush_events(GpioBackend *s)
{
    unsigned long line;

    for (line = find_first_bit(s->event_held, s->ngpio); line < s->ngpio;
         line = find_next_bit(s->event_held, s->ngpio, line + 1)) {
        clear_bit(line, s->event_held);
        gpio_backend_send_changed(s, line);
    }
    if (s->event_timer) {
        timer_del(s->event_timer);
    }
}

bool gpio_backend_set_lines(GpioBackend *s, unsigned ngpio, Error **errp)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    strList *n = s->names;
    unsigned i;

    if (ngpio == 0 || ngpio > GPIO_BACKEND_MAX_LINES) {
        error_setg(errp, "the number of lines must be between 1 and %d",
                   GPIO_BACKEND_MAX_LINES);
        return false;
    }
    if (s->names && QAPI_LIST_LENGTH(s->names) > ngpio) {
        error_setg(errp, "%zu names given for %u lines",
                   (size_t)QAPI_LIST_LENGTH(s->names), ngpio);
        return false;
    }
    for (; n; n = n->next) {
        const char *p;

        for (p = n->value; *p; p++) {
            if (*p < 0x20 || *p > 0x7e) {
                error_setg(errp, "line name '%s' is not printable ASCII",
                           n->value);
                return false;
            }
        }
        if (*n->value && !g_hash_table_add(seen, n->value)) {
            error_setg(errp, "line name '%s' is used twice", n->value);
            return false;
        }
    }

    s->ngpio = ngpio;
    s->lines = g_new0(GpioLine, ngpio);
    s->mig_lines = g_new0(GpioLineMig, ngpio);
    s->event_held = bitmap_new(ngpio);
    /* a peer may name the line of every edge: look names up in O(1) */
    s->line_names = g_hash_table_new(g_str_hash, g_str_equal);
    for (i = 0, n = s->names; i < ngpio; i++) {
        if (n) {
            s->lines[i].name = *n->value ? g_strdup(n->value) : NULL;
            n = n->next;
        }
        if (s->lines[i].name) {
            /* unique: checked above */
            g_hash_table_insert(s->line_names, s->lines[i].name,
                                GUINT_TO_POINTER(i));
        }
        s->lines[i].config = gpio_line_config_initial;
    }
    return gpio_backend_set_access(s, s->input_only,
                                   GPIO_LINE_ACCESS_INPUT_ONLY, errp) &&
           gpio_backend_set_access(s, s->read_only,
                                   GPIO_LINE_ACCESS_READ_ONLY, errp);
}

bool gpio_backend_attach(GpioBackend *s, DeviceState *dev,
                         DeviceState *named, const GpioBackendFrontend *fe,
                         void *opaque, Error **errp)
{
    if (s->fe_dev) {
        g_autofree char *id = gpio_backend_id(s);
        g_autofree char *user = object_get_canonical_path(OBJECT(s->fe_dev));

        error_setg(errp, "gpio backend '%s' is already in use by '%s'",
                   id, user);
        return false;
    }
    s->fe = fe;
    s->fe_opaque = opaque;
    s->fe_dev = dev;
    s->fe_named = named;
    if (named->id) {
        if (!gpio_backend_users) {
            gpio_backend_users = g_hash_table_new(g_str_hash, g_str_equal);
        }
        g_hash_table_insert(gpio_backend_users, named->id, s);
    }
    return true;
}

void gpio_backend_detach(GpioBackend *s)
{
    /* the events name the device: send them while it is there */
    gpio_backend_flush_events(s);
    if (s->fe_named->id) {
        g_hash_table_remove(gpio_backend_users, s->fe_named->id);
    }
    s->fe = NULL;
    s->fe_opaque = NULL;
    s->fe_dev = NULL;
    s->fe_named = NULL;
}

/* Apply a new configuration of @line, undo it if the outside refuses */
static int gpio_backend_update(GpioBackend *s, unsigned line,
                               const GpioLineConfig *new)
{
    GpioBackendClass *k = GPIO_BACKEND_GET_CLASS(s);
    GpioLine *l = &s->lines[line];
    GpioLineConfig old = l->config;
    int ret;

    l->config = *new;
    if (k->line_config) {
        ret = k->line_config(s, line, &old);
        if (ret < 0) {
            l->config = old;
            trace_gpio_backend_config_failed(s, line, ret);
            return ret;
        }
    }
    if (new->irq_type == GPIO_IRQ_TYPE_NONE) {
        l->irq_active = false;
    }
    gpio_record_line(s, line);
    if (old.dir != new->dir || (new->dir == GPIO_DIRECTION_OUT &&
                                old.output_value != new->output_value)) {
        gpio_backend_emit_changed(s, line);
    }
    return 0;
}

int gpio_backend_configure(GpioBackend *s, unsigned line,
                           const GpioLineConfig *cfg)
{
    GpioLine *l = &s->lines[line];
    GpioLineConfig new = *cfg;

    trace_gpio_backend_configure(s, line, new.dir, new.output_value,
                                 new.irq_type);
    if (new.dir == GPIO_DIRECTION_NONE) {
        /*
         * The spec: releasing a line discards its value and its trigger.
         * A value set on a line that is released already is kept, as on
         * an input, for when it becomes an output.
         */
        if (l->config.dir != GPIO_DIRECTION_NONE) {
            new.output_value = false;
        }
        new.irq_type = GPIO_IRQ_TYPE_NONE;
    }
    if (new.dir == GPIO_DIRECTION_OUT && new.irq_type != GPIO_IRQ_TYPE_NONE) {
        return -EINVAL;
    }
    switch (l->access) {
    case GPIO_LINE_ACCESS_READ_ONLY:
        /* releasing the line, or asking for what it is, changes nothing */
        return new.dir == GPIO_DIRECTION_NONE ||
               gpio_line_config_equal(&new, &l->config) ? 0 : -EPERM;
    case GPIO_LINE_ACCESS_INPUT_ONLY:
        if (new.dir == GPIO_DIRECTION_OUT ||
            new.output_value != l->config.output_value) {
            return -EPERM;
        }
        break;
    default:
        break;
    }
    if (gpio_line_config_equal(&new, &l->config)) {
        return 0;
    }
    return gpio_backend_update(s, line, &new);
}

int gpio_backend_get_value(GpioBackend *s, unsigned line, bool *value)
{
    GpioBackendClass *k = GPIO_BACKEND_GET_CLASS(s);
    GpioLine *l = &s->lines[line];

    if (l->config.dir == GPIO_DIRECTION_OUT &&
        l->access != GPIO_LINE_ACCESS_READ_ONLY) {
        *value = l->config.output_value;
        return 0;
    }
    if (k->get_input) {
        return k->get_input(s, line, value);
    }
    *value = l->input_level;
    return 0;
}

void gpio_backend_reset(GpioBackend *s)
{
    unsigned i;

    for (i = 0; i < s->ngpio; i++) {
        GpioLine *l = &s->lines[i];

        /* the guest changed nothing on a read-only line */
        if (l->access != GPIO_LINE_ACCESS_READ_ONLY &&
            !gpio_line_config_equal(&l->config, &gpio_line_config_initial)) {
            gpio_backend_update(s, i, &gpio_line_config_initial);
        }
    }
}

void gpio_backend_set_input_level(GpioBackend *s, unsigned line, bool level)
{
    GpioLine *l = &s->lines[line];

    if (l->input_level == level) {
        return;
    }
    trace_gpio_backend_input_level(s, line, level);
    l->input_level = level;
    gpio_record_line(s, line);
    if (s->fe && l->config.dir != GPIO_DIRECTION_OUT) {
        s->fe->input_changed(s->fe_opaque, line,
                             level ? GPIO_EDGE_RISING : GPIO_EDGE_FALLING);
    }
}

void gpio_backend_irq_signal(GpioBackend *s, unsigned line, bool active)
{
    if (s->lines[line].irq_active == active) {
        return;
    }
    s->lines[line].irq_active = active;
    gpio_record_line(s, line);
}

/*
 * Migration: the number of lines, then per line its direction, output
 * value, input level and irq trigger, one byte each, through a copy of
 * the lines in s->mig_lines.  The destination must have the same number
 * of lines and the same access policy; it keeps its own state for
 * read-only lines, which the guest cannot have changed.
 */
static int gpio_backend_pre_save(void *opaque)
{
    GpioBackend *s = opaque;
    unsigned i;

    s->mig_ngpio = s->ngpio;
    for (i = 0; i < s->ngpio; i++) {
        s->mig_lines[i] = (GpioLineMig) {
            .dir = s->lines[i].config.dir,
            .output_value = s->lines[i].config.output_value,
            .input_level = s->lines[i].input_level,
            .irq_type = s->lines[i].config.irq_type,
        };
    }
    return 0;
}

static bool gpio_backend_ngpio_valid(void *opaque, int version_id)
{
    GpioBackend *s = opaque;

    if (s->mig_ngpio != s->ngpio) {
        g_autofree char *id = gpio_backend_id(s);

        error_report("gpio backend '%s' has %u lines, the migration stream "
                     "%u", id, s->ngpio, s->mig_ngpio);
        return false;
    }
    return true;
}

/* Check every line first: a refused stream leaves the lines as they were */
static int gpio_backend_lines_post_load(void *opaque, int version_id)
{
    GpioBackend *s = opaque;
    g_autofree char *id = gpio_backend_id(s);
    unsigned i;

    for (i = 0; i < s->ngpio; i++) {
        GpioLineMig *m = &s->mig_lines[i];

        if (m->dir >= GPIO_DIRECTION__MAX || m->output_value > 1 ||
            m->input_level > 1 || m->irq_type >= GPIO_IRQ_TYPE__MAX) {
            error_report("gpio backend '%s': bad state of line %u in the "
                         "migration stream", id, i);
            return -EINVAL;
        }
        if (s->lines[i].access == GPIO_LINE_ACCESS_INPUT_ONLY &&
            m->dir == GPIO_DIRECTION_OUT) {
            error_report("gpio backend '%s': line %u is input-only here but "
                         "an output in the migration stream", id, i);
            return -EINVAL;
        }
    }
    for (i = 0; i < s->ngpio; i++) {
        GpioLineMig *m = &s->mig_lines[i];
        GpioLine *l = &s->lines[i];

        l->input_level = m->input_level;
        if (l->access != GPIO_LINE_ACCESS_READ_ONLY) {
            l->config = (GpioLineConfig) {
                .dir = m->dir,
                .output_value = m->output_value,
                .irq_type = m->irq_type,
            };
        }
        gpio_record_line(s, i);
    }
    return 0;
}

static const VMStateDescription vmstate_gpio_line = {
    .name = "gpio-line",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT8(dir, GpioLineMig),
        VMSTATE_UINT8(output_value, GpioLineMig),
        VMSTATE_UINT8(input_level, GpioLineMig),
        VMSTATE_UINT8(irq_type, GpioLineMig),
        VMSTATE_END_OF_LIST()
    },
};

const VMStateDescription vmstate_gpio_backend = {
    .name = "gpio-backend",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = gpio_backend_pre_save,
    .post_load = gpio_backend_lines_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT16(mig_ngpio, GpioBackend),
        VMSTATE_VALIDATE("ngpio", gpio_backend_ngpio_valid),
        VMSTATE_STRUCT_VARRAY_POINTER_UINT16(mig_lines, GpioBackend, ngpio,
                                             vmstate_gpio_line, GpioLineMig),
        VMSTATE_END_OF_LIST()
    },
};

bool gpio_backend_post_load(GpioBackend *s, Error **errp)
{
    GpioBackendClass *k = GPIO_BACKEND_GET_CLASS(s);

    trace_gpio_backend_post_load(s);
    return !k->post_load || k->post_load(s, errp);
}

/* The str list properties; @opaque is the field's offset */
static void gpio_backend_get_list(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    strList **field = (void *)obj + (uintptr_t)opaque;

    visit_type_strList(v, name, field, errp);
}

static void gpio_backend_set_list(Object *obj, Visitor *v, const char *name,
                                  void *opaque, Error **errp)
{
    strList **field = (void *)obj + (uintptr_t)opaque;
    strList *list;

    if (GPIO_BACKEND(obj)->opened) {
        error_setg(errp, "property '%s' cannot be set after the backend "
                   "is opened", name);
        return;
    }
    if (!visit_type_strList(v, name, &list, errp)) {
        return;
    }
    qapi_free_strList(*field);
    *field = list;
}

void gpio_backend_class_add_list(ObjectClass *oc, const char *name,
                                 size_t offset, const char *desc)
{
    object_class_property_add(oc, name, "str list", gpio_backend_get_list,
                              gpio_backend_set_list, NULL,
                              (void *)(uintptr_t)offset);
    object_class_property_set_description(oc, name, desc);
}

/* The "ngpio" property; @opaque is the field's offset */
static void gpio_backend_get_ngpio(Object *obj, Visitor *v, const char *name,
                                   void *opaque, Error **errp)
{
    uint16_t *field = (void *)obj + (uintptr_t)opaque;

    visit_type_uint16(v, name, field, errp);
}

static void gpio_backend_set_ngpio(Object *obj, Visitor *v, const char *name,
                                   void *opaque, Error **errp)
{
    GpioBackend *s = GPIO_BACKEND(obj);
    uint16_t *field = (void *)obj + (uintptr_t)opaque;
    uint16_t value;

    if (s->opened) {
        error_setg(errp, "property 'ngpio' cannot be set after the backend "
                   "is opened");
        return;
    }
    if (!visit_type_uint16(v, name, &value, errp)) {
        return;
    }
    if (value == 0) {
        error_setg(errp, "property 'ngpio' must be between 1 and %d",
                   GPIO_BACKEND_MAX_LINES);
        return;
    }
    *field = value;
}

void gpio_backend_class_add_ngpio(ObjectClass *oc, size_t offset)
{
    object_class_property_add(oc, "ngpio", "uint16",
                              gpio_backend_get_ngpio, gpio_backend_set_ngpio,
                              NULL, (void *)(uintptr_t)offset);
    object_class_property_set_description(oc, "ngpio",
                                          "Number of lines (default "
                                          stringify(GPIO_BACKEND_DEFAULT_NGPIO)
                                          ")");
}

static char *gpio_backend_get_record(Object *obj, Error **errp)
{
    return g_strdup(GPIO_BACKEND(obj)->record);
}

static void gpio_backend_set_record(Object *obj, const char *value,
                                    Error **errp)
{
    GpioBackend *s = GPIO_BACKEND(obj);

    if (s->opened) {
        error_setg(errp, "property 'record' cannot be set after the backend "
                   "is opened; use gpio-record-start");
        return;
    }
    g_free(s->record);
    s->record = g_strdup(value);
}

static bool gpio_backend_get_opened(Object *obj, Error **errp)
{
    return GPIO_BACKEND(obj)->opened;
}

static void gpio_backend_complete(UserCreatable *uc, Error **errp)
{
    GpioBackend *s = GPIO_BACKEND(uc);
    GpioBackendClass *k = GPIO_BACKEND_GET_CLASS(s);

    if (!k->open(s, errp)) {
        return;
    }
    assert(s->lines);
    if (s->record && !gpio_record_start(s, s->record, errp)) {
        return;
    }
    s->opened = true;
    QTAILQ_INSERT_TAIL(&gpio_backends, s, next);
}

static bool gpio_backend_can_be_deleted(UserCreatable *uc)
{
    return !GPIO_BACKEND(uc)->fe_dev;
}

static void gpio_backend_init(Object *obj)
{
    QTAILQ_INIT(&GPIO_BACKEND(obj)->stimuli);
}

static void gpio_backend_finalize(Object *obj)
{
    GpioBackend *s = GPIO_BACKEND(obj);
    unsigned i;

    if (s->opened) {
        QTAILQ_REMOVE(&gpio_backends, s, next);
    }
    gpio_stimulus_cancel_all(s);
    gpio_record_stop(s);
    for (i = 0; i < s->ngpio; i++) {
        g_free(s->lines[i].name);
    }
    g_free(s->lines);
    if (s->line_names) {
        g_hash_table_destroy(s->line_names);
    }
    if (s->event_timer) {
        timer_free(s->event_timer);
    }
    g_free(s->mig_lines);
    g_free(s->event_held);
    qapi_free_strList(s->names);
    qapi_free_strList(s->input_only);
    qapi_free_strList(s->read_only);
    g_free(s->record);
}

static void gpio_backend_class_init(ObjectClass *oc, const void *data)
{
    UserCreatableClass *ucc = USER_CREATABLE_CLASS(oc);

    ucc->complete = gpio_backend_complete;
    ucc->can_be_deleted = gpio_backend_can_be_deleted;

    object_class_property_add_bool(oc, "opened", gpio_backend_get_opened,
                                   NULL);
    gpio_backend_class_add_list(oc, "names", offsetof(GpioBackend, names),
                                "Line names, in line order");
    gpio_backend_class_add_list(oc, "input-only",
                                offsetof(GpioBackend, input_only),
                                "Lines the guest can only use as inputs");
    gpio_backend_class_add_list(oc, "read-only",
                                offsetof(GpioBackend, read_only),
                                "Lines the guest can only read");
    object_class_property_add_str(oc, "record", gpio_backend_get_record,
                                  gpio_backend_set_record);
    object_class_property_set_description(oc, "record",
                                          "Record the lines to this VCD "
                                          "file from when the backend opens");
}

static const TypeInfo gpio_backend_info = {
    .name = TYPE_GPIO_BACKEND,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(GpioBackend),
    .instance_init = gpio_backend_init,
    .instance_finalize = gpio_backend_finalize,
    .class_size = sizeof(GpioBackendClass),
    .class_init = gpio_backend_class_init,
    .abstract = true,
    .interfaces = (const InterfaceInfo[]) {
        { TYPE_USER_CREATABLE },
        { }
    }
};

static void register_types(void)
{
    type_register_static(&gpio_backend_info);
}

type_init(register_types);
