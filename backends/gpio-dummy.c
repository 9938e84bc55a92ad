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
#include "qom/object.h"
#include "system/gpio-backend.h"

OBJECT_DECLARE_SIMPLE_TYPE(GpioDummy, GPIO_DUMMY)

struct GpioDummy {
    GpioBackend parent;

    uint16_t ngpio;             /* "ngpio" property */
};

static bool gpio_dummy_open(GpioBackend *b, Error **errp)
{
    return gpio_backend_set_lines(b, GPIO_DUMMY(b)->ngpio, errp);
}

static void gpio_dummy_init(Object *obj)
{
    GPIO_DUMMY(obj)->ngpio = GPIO_BACKEND_DEFAULT_NGPIO;
}

static void gpio_dummy_class_init(ObjectClass *oc, const void *data)
{
    GpioBackendClass *k = GPIO_BACKEND_CLASS(oc);

    k->open = gpio_dummy_open;
    k->host_settable = true;
    gpio_backend_class_add_ngpio(oc, offsetof(GpioDummy, ngpio));
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
