/*
 * Virtio GPIO device
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QEMU_VIRTIO_GPIO_H
#define QEMU_VIRTIO_GPIO_H

#include "hw/virtio/virtio.h"
#include "standard-headers/linux/virtio_gpio.h"
#include "standard-headers/linux/virtio_ids.h"
#include "system/gpio-backend.h"
#include "qom/object.h"

#define TYPE_VIRTIO_GPIO "virtio-gpio-device"
OBJECT_DECLARE_SIMPLE_TYPE(VirtIOGPIO, VIRTIO_GPIO)

#define VIRTIO_GPIO_QUEUE_SIZE 256

typedef struct VirtIOGPIOIrq {
    VirtQueueElement *elem;     /* queued eventq buffer: irq unmasked */
    bool latched;               /* an edge arrived while masked */
    uint64_t edges;             /* edges that matched the trigger */
    uint64_t events;            /* irqs delivered */
} VirtIOGPIOIrq;

struct VirtIOGPIO {
    VirtIODevice parent_obj;

    GpioBackend *backend;
    uint64_t host_features;

    VirtQueue *request_vq;
    VirtQueue *event_vq;        /* only with VIRTIO_GPIO_F_IRQ */
    struct virtio_gpio_config config;   /* little-endian, as the guest sees */
    char *names;                /* the GET_NAMES block */
    uint32_t names_size;
    VirtIOGPIOIrq *irq;         /* per line */
    bool driver_ok;             /* the guest set DRIVER_OK since the reset */
    bool ioeventfd_grabbed;     /* virtio-mmio's notifiers are ours */
    VMChangeStateEntry *vmstate;
    char *dt_node;              /* path of our device tree node, or NULL */
    uint32_t dt_phandle;
};

/*
 * Give back the eventq buffers whose irqs became pending while the device
 * could not complete them (see virtio_gpio_can_deliver()): for a
 * transport that can tell when that has changed.
 */
void virtio_gpio_deliver_pending(VirtIOGPIO *s);

/*
 * On a machine whose generated device tree describes the virtio-mmio
 * transport @s is on: add the controller node for @s (dt_node, dt_phandle)
 */
void virtio_gpio_dt_add_controller(VirtIOGPIO *s);

#endif
