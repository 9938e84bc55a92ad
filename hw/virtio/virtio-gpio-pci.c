/*
 * Virtio GPIO PCI bindings
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "hw/qdev-properties.h"
#include "hw/virtio/virtio-gpio.h"
#include "hw/virtio/virtio-pci.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "qemu/range.h"
#include "qom/object.h"

typedef struct VirtIOGPIOPCI VirtIOGPIOPCI;

#define TYPE_VIRTIO_GPIO_PCI "virtio-gpio-pci-base"
DECLARE_INSTANCE_CHECKER(VirtIOGPIOPCI, VIRTIO_GPIO_PCI,
                         TYPE_VIRTIO_GPIO_PCI)

struct VirtIOGPIOPCI {
    VirtIOPCIProxy parent_obj;
    VirtIOGPIO vdev;
    /* virtio-pci's, which we wrap */
    void (*config_write)(PCIDevice *pci_dev, uint32_t address, uint32_t val,
                         int len);
};

static const Property virtio_gpio_pci_properties[] = {
    /* off: requests are answered in the vCPU thread (see virtio-gpio.c) */
    DEFINE_PROP_BIT("ioeventfd", VirtIOPCIProxy, flags,
                    VIRTIO_PCI_FLAG_USE_IOEVENTFD_BIT, false),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       DEV_NVECTORS_UNSPECIFIED),
};

/*
 * While the guest has bus mastering off, virtio-pci has the device
 * disabled: it keeps its eventq buffers and latches edges.  Once bus
 * mastering is back on, it delivers them.
 */
static void virtio_gpio_pci_write_config(PCIDevice *pci_dev, uint32_t address,
                                         uint32_t val, int len)
{
    VirtIOGPIOPCI *dev = VIRTIO_GPIO_PCI(pci_dev);

    dev->config_write(pci_dev, address, val, len);
    if (range_covers_byte(address, len, PCI_COMMAND) &&
        (pci_dev->config[PCI_COMMAND] & PCI_COMMAND_MASTER)) {
        virtio_gpio_deliver_pending(&dev->vdev);
    }
}

static void virtio_gpio_pci_realize(VirtIOPCIProxy *vpci_dev, Error **errp)
{
    VirtIOGPIOPCI *dev = VIRTIO_GPIO_PCI(vpci_dev);
    DeviceState *vdev = DEVICE(&dev->vdev);

    if (vpci_dev->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        /* config change, requestq, eventq */
        vpci_dev->nvectors = 3;
    }
    virtio_pci_force_virtio_1(vpci_dev);
    if (!qdev_realize(vdev, BUS(&vpci_dev->bus), errp)) {
        return;
    }
    /* virtio-pci set its own when the device was plugged */
    dev->config_write = vpci_dev->pci_dev.config_write;
    vpci_dev->pci_dev.config_write = virtio_gpio_pci_write_config;
}

static void virtio_gpio_pci_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioPCIClass *k = VIRTIO_PCI_CLASS(klass);
    PCIDeviceClass *pcidev_k = PCI_DEVICE_CLASS(klass);

    k->realize = virtio_gpio_pci_realize;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    pcidev_k->vendor_id = PCI_VENDOR_ID_REDHAT_QUMRANET;
    pcidev_k->device_id = 0; /* set by virtio-pci from the virtio ID */
    pcidev_k->revision = 0x01;
    pcidev_k->class_id = PCI_CLASS_OTHERS;
    device_class_set_props(dc, virtio_gpio_pci_properties);
}

static void virtio_gpio_pci_instance_init(Object *obj)
{
    VirtIOGPIOPCI *dev = VIRTIO_GPIO_PCI(obj);

    virtio_instance_init_common(obj, &dev->vdev, sizeof(dev->vdev),
                                TYPE_VIRTIO_GPIO);
}

static const VirtioPCIDeviceTypeInfo virtio_gpio_pci_info = {
    .base_name = TYPE_VIRTIO_GPIO_PCI,
    .generic_name = "virtio-gpio-pci",
    .instance_size = sizeof(VirtIOGPIOPCI),
    .instance_init = virtio_gpio_pci_instance_init,
    .class_init = virtio_gpio_pci_class_init,
};

static void virtio_gpio_pci_register(void)
{
    virtio_pci_types_register(&virtio_gpio_pci_info);
}

type_init(virtio_gpio_pci_register)
