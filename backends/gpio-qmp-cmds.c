/*
 * QMP commands for GPIO lines: query-gpio, gpio-set, recordings, stimuli
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-gpio.h"
#include "hw/qdev-core.h"
#include "system/gpio-backend.h"

/*
 * A backend by its id, by the id of the device using it, or by the QOM
 * path of either.  Each is a hash table look-up (QOM paths: one per
 * path component) and, for the path of a device, a look at each backend.
 */
static GpioBackend *gpio_backend_find(const char *id, Error **errp)
{
    Object *obj = object_resolve_path_component(object_get_objects_root(), id);
    GpioBackend *s;

    if (obj && object_dynamic_cast(obj, TYPE_GPIO_BACKEND)) {
        return GPIO_BACKEND(obj);
    }
    s = gpio_backend_find_by_user(id);
    if (s) {
        return s;
    }
    obj = id[0] == '/' ? object_resolve_path(id, NULL) : NULL;
    if (obj && object_dynamic_cast(obj, TYPE_GPIO_BACKEND) &&
        GPIO_BACKEND(obj)->opened) {
        return GPIO_BACKEND(obj);
    }
    for (s = gpio_backend_next(NULL); obj && s; s = gpio_backend_next(s)) {
        if (obj == OBJECT(gpio_backend_get_frontend(s)) ||
            obj == OBJECT(gpio_backend_get_device(s))) {
            return s;
        }
    }
    error_setg(errp, "'%s' is neither a gpio backend nor a device using one",
               id);
    return NULL;
}

static bool gpio_backend_find_line(GpioBackend *s, bool has_line,
                                   uint16_t line, const char *name,
                                   unsigned *out, Error **errp)
{
    int i;

    if (has_line == !!name) {
        error_setg(errp, "give either 'line' or 'name'");
        return false;
    }
    if (has_line) {
        /* gpio_set_input() checks the range */
        *out = line;
        return true;
    }
    i = gpio_backend_line_by_name(s, name);
    if (i < 0) {
        error_setg(errp, "no line is named '%s'", name);
        return false;
    }
    *out = i;
    return true;
}

static bool gpio_backend_settable(GpioBackend *s, Error **errp)
{
    if (!GPIO_BACKEND_GET_CLASS(s)->host_settable) {
        g_autofree char *id = gpio_backend_id(s);

        error_setg(errp, "the lines of gpio backend '%s' (%s) cannot be set "
                   "from the monitor", id, object_get_typename(OBJECT(s)));
        return false;
    }
    return true;
}

/* The host sets the input level of a simulated line */
static void gpio_set_input(GpioBackend *s, unsigned line, bool level,
                           Error **errp)
{
    if (!gpio_backend_settable(s, errp)) {
        return;
    }
    if (line >= s->ngpio) {
        error_setg(errp, "line %u is out of range (the backend has %u lines)",
                   line, s->ngpio);
        return;
    }
    gpio_backend_set_input_level(s, line, level);
}

void qmp_gpio_set(const char *id, bool has_line, uint16_t line,
                  const char *name, bool value, Error **errp)
{
    GpioBackend *s = gpio_backend_find(id, errp);
    unsigned i;

    if (s && gpio_backend_find_line(s, has_line, line, name, &i, errp)) {
        gpio_set_input(s, i, value, errp);
    }
}

void gpio_set_line(const char *id, const char *line, bool value, Error **errp)
{
    GpioBackend *s = gpio_backend_find(id, errp);
    int i = s ? gpio_backend_parse_line(s, line, errp) : -1;

    if (i >= 0) {
        gpio_set_input(s, i, value, errp);
    }
}

static GpioLineInfo *gpio_line_info(GpioBackend *s, unsigned line)
{
    GpioLineInfo *info = g_new0(GpioLineInfo, 1);
    GpioLine *l = &s->lines[line];
    bool value = false;

    gpio_backend_get_value(s, line, &value);
    info->line = line;
    info->name = g_strdup(l->name);
    info->direction = l->config.dir;
    info->value = value;
    info->output_value = l->config.output_value;
    info->input = l->input_level;
    info->irq_type = l->config.irq_type;
    info->access = l->access;
    gpio_backend_irq_state(s, line, info);
    return info;
}

static GpioControllerInfo *gpio_controller_info(GpioBackend *s,
                                                unsigned first,
                                                unsigned count)
{
    GpioControllerInfo *info = g_new0(GpioControllerInfo, 1);
    DeviceState *dev = gpio_backend_get_device(s);
    unsigned end = MIN(s->ngpio, first + count);
    int i;

    info->backend = gpio_backend_id(s);
    info->type = g_strdup(object_get_typename(OBJECT(s)));
    if (dev) {
        info->device = g_strdup(dev->id);
        info->qom_path =
            object_get_canonical_path(OBJECT(gpio_backend_get_frontend(s)));
    }
    info->recording = g_strdup(gpio_record_path(s));
    for (i = end - 1; i >= (int)first; i--) {
        QAPI_LIST_PREPEND(info->lines, gpio_line_info(s, i));
    }
    return info;
}

GpioControllerInfoList *qmp_query_gpio(const char *id, bool has_first,
                                       uint16_t first, bool has_count,
                                       uint16_t count, Error **errp)
{
    GpioControllerInfoList *head = NULL, **tail = &head;
    unsigned n = has_count ? count : UINT16_MAX + 1;
    GpioBackend *s;

    if (id) {
        s = gpio_backend_find(id, errp);
        if (!s) {
            return NULL;
        }
        if (first >= s->ngpio) {
            error_setg(errp, "line %u is out of range (the backend has %u "
                       "lines)", first, s->ngpio);
            return NULL;
        }
        QAPI_LIST_APPEND(tail, gpio_controller_info(s, first, n));
        return head;
    }
    for (s = gpio_backend_next(NULL); s; s = gpio_backend_next(s)) {
        if (first >= s->ngpio) {
            g_autofree char *name = gpio_backend_id(s);

            qapi_free_GpioControllerInfoList(head);
            error_setg(errp, "line %u is out of range (gpio backend '%s' has "
                       "%u lines)", first, name, s->ngpio);
            return NULL;
        }
        QAPI_LIST_APPEND(tail, gpio_controller_info(s, first, n));
    }
    return head;
}

void qmp_gpio_record_start(const char *id, const char *path, Error **errp)
{
    GpioBackend *s = gpio_backend_find(id, errp);

    if (s) {
        gpio_record_start(s, path, errp);
    }
}

void qmp_gpio_record_stop(const char *id, Error **errp)
{
    GpioBackend *s = gpio_backend_find(id, errp);

    if (!s) {
        return;
    }
    if (!gpio_record_path(s)) {
        g_autofree char *name = gpio_backend_id(s);

        error_setg(errp, "gpio backend '%s' is not recording", name);
        return;
    }
    gpio_record_stop(s);
}

/* The steps of gpio-stimulus-start, in ns after now */
static GArray *gpio_stimulus_steps(GpioBackend *s,
                                   GpioStimulusStepList *list, bool repeated,
                                   Error **errp)
{
    g_autoptr(GArray) steps = g_array_new(false, false, sizeof(GpioStep));
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t time = 0;
    unsigned n;

    for (n = 0; list; list = list->next, n++) {
        GpioStimulusStep *in = list->value;
        GpioStep step = { .value = in->value };
        unsigned line;

        if (in->has_delay && in->has_at) {
            error_setg(errp, "step %u gives both 'delay' and 'at'", n);
            return NULL;
        }
        if (in->has_at && repeated) {
            error_setg(errp, "step %u: a repeated stimulus takes no 'at'", n);
            return NULL;
        }
        if (in->has_at) {
            if (in->at > INT64_MAX) {
                error_setg(errp, "step %u: 'at' is out of range", n);
                return NULL;
            }
            if (in->at < now) {
                error_setg(errp, "step %u: time %" PRIu64 " is in the past "
                           "(the VM clock is at %" PRId64 ")", n, in->at, now);
                return NULL;
            }
            if ((int64_t)in->at - now < time) {
                error_setg(errp, "step %u comes before the one before it", n);
                return NULL;
            }
            time = in->at - now;
        } else if (in->delay > INT64_MAX - time) {
            error_setg(errp, "step %u: delay out of range", n);
            return NULL;
        } else {
            time += in->delay;
        }
        if (!gpio_backend_find_line(s, in->has_line, in->line, in->name,
                                    &line, errp)) {
            error_prepend(errp, "step %u: ", n);
            return NULL;
        }
        step.time = time;
        step.line = line;
        g_array_append_val(steps, step);
    }
    return g_steal_pointer(&steps);
}

void qmp_gpio_stimulus_start(const char *id, const char *stimulus,
                             bool has_steps, GpioStimulusStepList *steps,
                             const char *vcd,
                             bool has_repeat, uint64_t repeat,
                             bool has_period, uint64_t period, Error **errp)
{
    GpioBackend *s = gpio_backend_find(id, errp);
    g_autoptr(GArray) list = NULL;
    bool repeated = has_repeat && repeat != 1;

    if (!s || !gpio_backend_settable(s, errp)) {
        return;
    }
    if (has_steps == !!vcd) {
        error_setg(errp, "give either 'steps' or 'vcd'");
        return;
    }
    if (has_period && period > INT64_MAX) {
        error_setg(errp, "'period' is out of range");
        return;
    }
    list = has_steps ? gpio_stimulus_steps(s, steps, repeated, errp)
                 : gpio_vcd_steps(s, vcd, errp);
    if (!list) {
        return;
    }
    if (!has_period && list->len) {
        period = g_array_index(list, GpioStep, list->len - 1).time;
    }
    gpio_stimulus_start(s, stimulus, list, period,
                        repeat ? repeat - 1 : 0, has_repeat && !repeat, errp);
}

void qmp_gpio_stimulus_cancel(const char *id, const char *stimulus,
                              Error **errp)
{
    GpioBackend *s = gpio_backend_find(id, errp);
    GpioStimulus *st = s ? gpio_stimulus_find(s, stimulus) : NULL;

    if (s && !st) {
        g_autofree char *name = gpio_backend_id(s);

        error_setg(errp, "gpio backend '%s' has no stimulus '%s'", name,
                   stimulus);
        return;
    }
    if (st) {
        gpio_stimulus_cancel(st);
    }
}

GpioStimulusInfoList *qmp_query_gpio_stimuli(const char *id, Error **errp)
{
    GpioStimulusInfoList *head = NULL, **tail = &head;
    GpioBackend *s = NULL;
    GpioStimulus *st;

    if (id) {
        s = gpio_backend_find(id, errp);
        if (!s) {
            return NULL;
        }
    }
    for (s = s ?: gpio_backend_next(NULL); s; s = id ? NULL :
         gpio_backend_next(s)) {
        for (st = gpio_stimulus_next(s, NULL); st;
             st = gpio_stimulus_next(s, st)) {
            QAPI_LIST_APPEND(tail, gpio_stimulus_info(st));
        }
    }
    return head;
}
