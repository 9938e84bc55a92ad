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

static bool gpio_dummy_open(GpioBackend *b, Error **errp)
{
    return gpio_backend_set_lines(b, b->ngpio_prop, errp);
}

static void gpio_dummy_class_init(ObjectClass *oc, void *data)
{
    GpioBackendClass *k = GPIO_BACKEND_CLASS(oc);

    k->open = gpio_dummy_open;
    k->host_settable = true;
    gpio_backend_class_add_ngpio(oc);
}

static const TypeInfo gpio_dummy_info = {
    .name = TYPE_GPIO_DUMMY,
    .parent = TYPE_GPIO_BACKEND,
    .instance_size = sizeof(GpioBackend),
    .class_init = gpio_dummy_class_init,
};

static void register_types(void)
{
    type_register_static(&gpio_dummy_info);
}

type_init(register_types);
