/*
 * Test cases for the virtio-gpio device, shared by its qos test
 * (virtio-gpio-pci) and its microvm test (virtio-gpio-device)
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TESTS_VIRTIO_GPIO_CASES_H
#define TESTS_VIRTIO_GPIO_CASES_H

#include "virtio-gpio-utils.h"

typedef void (*VGpioCaseFunc)(VGpio *t);

typedef struct VGpioCase {
    const char *name;
    VGpioCaseFunc fn;
    bool gpio_set;              /* tests gpio-set itself */
} VGpioCase;

/* Every case, NULL-terminated */
extern const VGpioCase vgpio_cases[];

#endif
