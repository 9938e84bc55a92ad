/*
 * Virtio GPIO without device tree support
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/virtio/virtio-gpio.h"

void virtio_gpio_dt_add_controller(VirtIOGPIO *s)
{
}
