/*
 * QTest testcase for virtio-gpio-pci through libqos
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest-single.h"
#include "qemu/module.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "libqos/qgraph.h"
#include "libqos/pci.h"
#include "libqos/virtio-gpio.h"
#include "virtio-gpio-cases.h"

#define PCI_SLOT_HP 0x06

static void *vgpio_before(GString *cmd_line, void *arg)
{
    g_string_append(cmd_line, " " VGPIO_OBJECT " ");
    return arg;
}

static void vgpio_run_case(void *obj, void *data, QGuestAllocator *alloc)
{
    QVhostUserGPIO *gpio = obj;
    const VGpioCase *c = data;
    VGpio t = {
        .qts = global_qtest,
        .vdev = gpio->vdev,
        .reqq = gpio->queues[0],
        .evtq = gpio->queues[1],
        .alloc = alloc,
        .id = "gpio0",
    };

    c->fn(&t);
}

static void vgpio_hotplug(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioPCIDevice *dev = obj;
    QTestState *qts = dev->pdev->bus->qts;
    int i;

    if (dev->pdev->bus->not_hotpluggable) {
        g_test_skip("pci bus does not support hotplug");
        return;
    }
    for (i = 0; i < 3; i++) {
        qtest_qmp_device_add(qts, "virtio-gpio-pci", "gpio1",
                             "{'addr': %s}", stringify(PCI_SLOT_HP));
        qpci_unplug_acpi_device_test(qts, "gpio1", PCI_SLOT_HP);
    }
}

/* Misconfigurations are refused with a clear error */
static void vgpio_config_errors(void *obj, void *data, QGuestAllocator *alloc)
{
    QTestState *qts = global_qtest;
    QDict *err;

    err = vgpio_qmp_error(qts, "{'execute': 'object-add', 'arguments': "
                          "{'qom-type': 'gpio-dummy', 'id': 'x', "
                          "'ngpio': 0}}");
    g_assert(strstr(qdict_get_str(err, "desc"), "'ngpio' must be between"));
    qobject_unref(err);
    err = vgpio_qmp_error(qts, "{'execute': 'object-add', 'arguments': "
                          "{'qom-type': 'gpio-dummy', 'id': 'x', "
                          "'ngpio': 2, 'names': ['a', 'b', 'c']}}");
    g_assert_cmpstr(qdict_get_str(err, "desc"), ==,
                    "3 names given for 2 lines");
    qobject_unref(err);
    err = vgpio_qmp_error(qts, "{'execute': 'object-add', 'arguments': "
                          "{'qom-type': 'gpio-dummy', 'id': 'x', "
                          "'names': ['a', 'a']}}");
    g_assert_cmpstr(qdict_get_str(err, "desc"), ==,
                    "line name 'a' is used twice");
    qobject_unref(err);
    err = vgpio_qmp_error(qts, "{'execute': 'object-add', 'arguments': "
                          "{'qom-type': 'gpio-dummy', 'id': 'x', "
                          "'names': ['caf\\u00e9']}}");
    g_assert(strstr(qdict_get_str(err, "desc"), "not printable ASCII"));
    qobject_unref(err);

    /* one backend, one device */
    err = vgpio_qmp_error(qts, "{'execute': 'device_add', 'arguments': "
                          "{'driver': 'virtio-gpio-pci', 'id': 'gpio2', "
                          "'gpio': 'gpiobe0'}}");
    g_assert(strstr(qdict_get_str(err, "desc"),
                    "gpio backend 'gpiobe0' is already in use"));
    qobject_unref(err);
    err = vgpio_qmp_error(qts, "{'execute': 'object-del', 'arguments': "
                          "{'id': 'gpiobe0'}}");
    g_assert(strstr(qdict_get_str(err, "desc"),
                    "is in use, can not be deleted"));
    qobject_unref(err);
}

/* A second device with its default backend: its own, separate lines */
static void vgpio_two_devices(void *obj, void *data, QGuestAllocator *alloc)
{
    QTestState *qts = global_qtest;
    QDict *info;
    QDict *resp;

    qtest_qmp_device_add(qts, "virtio-gpio-pci", "gpio1",
                         "{'addr': %s}", stringify(PCI_SLOT_HP));
    resp = qtest_qmp(qts, "{'execute': 'gpio-set', 'arguments': "
                     "{'id': 'gpio1', 'line': 0, 'value': true}}");
    g_assert(qdict_haskey(resp, "return"));
    qobject_unref(resp);
    resp = qtest_qmp(qts, "{'execute': 'gpio-set', 'arguments': "
                     "{'id': 'gpio0', 'line': 0, 'value': false}}");
    g_assert(qdict_haskey(resp, "return"));
    qobject_unref(resp);

    info = vgpio_line_info(&(VGpio) { .qts = qts }, "gpio1", 0);
    g_assert_true(qdict_get_bool(info, "input"));
    qobject_unref(info);
    info = vgpio_line_info(&(VGpio) { .qts = qts }, "gpio0", 0);
    g_assert_false(qdict_get_bool(info, "input"));
    qobject_unref(info);
    qpci_unplug_acpi_device_test(qts, "gpio1", PCI_SLOT_HP);
}

static void register_virtio_gpio_test(void)
{
    QOSGraphTestOptions opts = {
        .before = vgpio_before,
        .edge.extra_device_opts = "gpio=gpiobe0",
    };
    const VGpioCase *c;

    for (c = vgpio_cases; c->name; c++) {
        opts.arg = (void *)c;
        qos_add_test(c->name, "virtio-gpio", vgpio_run_case, &opts);
    }
    opts.arg = NULL;
    qos_add_test("config-errors", "virtio-gpio", vgpio_config_errors, &opts);
    qos_add_test("two-devices", "virtio-gpio-pci", vgpio_two_devices, &opts);
    qos_add_test("hotplug", "virtio-gpio-pci", vgpio_hotplug, &opts);
}

libqos_init(register_virtio_gpio_test);
