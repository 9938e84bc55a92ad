/*
 * QMP commands for GPIO lines: query-gpio and gpio-set
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

/* The host sets the input level of a simulated line */
static void gpio_set_input(GpioBackend *s, unsigned line, bool level,
                           Error **errp)
{
    if (!GPIO_BACKEND_GET_CLASS(s)->host_settable) {
        g_autofree char *id = gpio_backend_id(s);

        error_setg(errp, "the lines of gpio backend '%s' (%s) cannot be set "
                   "from the monitor", id, object_get_typename(OBJECT(s)));
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
