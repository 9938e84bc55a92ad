/*
 * QEMU GPIO backend with simulated lines
 *
 * Each line has an external level that the host sets from the monitor
 * (gpio-set) and that the line reads while it is an input, as in
 * Linux's gpio-sim.
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "qom/object.h"
#include "system/gpio-backend.h"

OBJECT_DECLARE_SIMPLE_TYPE(GpioDummy, GPIO_DUMMY)

struct GpioDummy {
    GpioBackend parent;
    uint16_t ngpio;
};

static void gpio_dummy_open(GpioBackend *b, Error **errp)
{
    GpioDummy *s = GPIO_DUMMY(b);

    gpio_backend_set_lines(b, s->ngpio, errp);
}

static void gpio_dummy_get_ngpio(Object *obj, Visitor *v, const char *name,
                                 void *opaque, Error **errp)
{
    visit_type_uint16(v, name, &GPIO_DUMMY(obj)->ngpio, errp);
}

static void gpio_dummy_set_ngpio(Object *obj, Visitor *v, const char *name,
                                 void *opaque, Error **errp)
{
    GpioDummy *s = GPIO_DUMMY(obj);
    uint16_t value;

    if (GPIO_BACKEND(obj)->opened) {
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
    s->ngpio = value;
}

static void gpio_dummy_init(Object *obj)
{
    GPIO_DUMMY(obj)->ngpio = 8;
}

static void gpio_dummy_class_init(ObjectClass *oc, void *data)
{
    GpioBackendClass *k = GPIO_BACKEND_CLASS(oc);

    k->open = gpio_dummy_open;
    k->host_settable = true;

    object_class_property_add(oc, "ngpio", "uint16",
                              gpio_dummy_get_ngpio, gpio_dummy_set_ngpio,
                              NULL, NULL);
    object_class_property_set_description(oc, "ngpio",
                                          "Number of lines (default 8)");
}

static const TypeInfo gpio_dummy_info = {
    .name = TYPE_GPIO_DUMMY,
    .parent = TYPE_GPIO_BACKEND,
    .instance_size = sizeof(GpioDummy),
    .instance_init = gpio_dummy_init,
    .class_init = gpio_dummy_class_init,
};

static void register_types(void)
{
    type_register_static(&gpio_dummy_info);
}

type_init(register_types);
