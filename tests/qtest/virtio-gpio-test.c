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
#include "qobject/qjson.h"
#include "qapi/error.h"
#include "libqos/qgraph.h"
#include "libqos/pci.h"
#include "libqos/virtio-gpio.h"
#include "libqos/virtio-pci.h"
#include "standard-headers/linux/pci_regs.h"
#include "standard-headers/linux/virtio_config.h"
#include "standard-headers/linux/virtio_pci.h"
#include "standard-headers/linux/virtio_ids.h"
#include "virtio-gpio-cases.h"

#define PCI_SLOT_HP 0x06

static void *vgpio_before(GString *cmd_line, void *arg)
{
    g_string_append(cmd_line, " " VGPIO_OBJECT " ");
    return arg;
}

static void vgpio_run_case(void *obj, void *data, QGuestAllocator *alloc)
{
    const VGpioCase *c = data;
    VGpio t;

    vgpio_init_node(&t, global_qtest, obj, alloc);
    c->fn(&t);
}

/*
 * Set up the virtio-gpio-pci hot-plugged at PCI_SLOT_HP as a driver would:
 * @t gets its device and queues
 */
static QVirtioPCIDevice *vgpio_hp_setup(QPCIBus *bus, QGuestAllocator *alloc,
                                        VGpio *t)
{
    QVirtioPCIDevice *hp = virtio_pci_new(bus, &(QPCIAddress) {
                                              .devfn = QPCI_DEVFN(PCI_SLOT_HP,
                                                                  0) });

    g_assert_nonnull(hp);
    g_assert_cmpuint(hp->vdev.device_type, ==, VIRTIO_ID_GPIO);
    qvirtio_pci_device_enable(hp);
    t->vdev = &hp->vdev;
    qvirtio_start_device(t->vdev);
    qvirtio_set_features(t->vdev, qvirtio_get_features(t->vdev));
    t->reqq = qvirtqueue_setup(t->vdev, alloc, 0);
    t->evtq = qvirtqueue_setup(t->vdev, alloc, 1);
    qvirtio_set_driver_ok(t->vdev);
    return hp;
}

static void vgpio_hp_teardown(QVirtioPCIDevice *hp, VGpio *t,
                              QGuestAllocator *alloc)
{
    qvirtqueue_cleanup(t->vdev->bus, t->reqq, alloc);
    qvirtqueue_cleanup(t->vdev->bus, t->evtq, alloc);
    qvirtio_pci_destructor(&hp->obj);
    g_free(hp);
}

/* QEMU's resident memory in KiB */
static long vgpio_rss_kib(QTestState *qts)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", qtest_pid(qts));
    g_autofree char *status = NULL;
    const char *rss;

    g_assert_true(g_file_get_contents(path, &status, NULL, NULL));
    rss = strstr(status, "VmRSS:");
    g_assert_nonnull(rss);
    return g_ascii_strtoll(rss + strlen("VmRSS:"), NULL, 10);
}

/*
 * Hot-plug a virtio-gpio-pci on a backend of its own, drive it as a guest
 * would (an output, an irq armed with its buffer queued, an edge
 * latched on another line) and unplug it, VGPIO_CYCLES times.  Each new
 * device starts clean: the backend was handed back with nothing left of
 * the old one, and no old eventq buffer comes back.
 */
static void vgpio_hotplug(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioPCIDevice *dev = obj;
    QPCIBus *bus = dev->pdev->bus;
    QTestState *qts = bus->qts;
    long rss[2] = { 0 };
    int i;

    if (bus->not_hotpluggable) {
        g_test_skip("pci bus does not support hotplug");
        return;
    }
    qtest_qmp_assert_success(qts, "{'execute': 'object-add', 'arguments': "
                             "{'qom-type': 'gpio-dummy', 'id': 'hpbe'}}");
    for (i = 0; i < VGPIO_CYCLES; i++) {
        QVirtioPCIDevice *hp;
        VGpio t = { .qts = qts, .alloc = alloc, .id = "hpbe" };
        g_autofree char *dir = NULL;
        QDict *err;

        qtest_qmp_device_add(qts, "virtio-gpio-pci", "gpio1",
                             "{'addr': %s, 'gpio': 'hpbe'}",
                             stringify(PCI_SLOT_HP));
        g_assert_false(vgpio_line_bool(&t, 7, "irq-unmasked"));
        g_assert_false(vgpio_line_bool(&t, 5, "irq-latched"));
        g_assert_false(vgpio_line_bool(&t, 6, "output-value"));

        hp = vgpio_hp_setup(bus, alloc, &t);

        vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 6, 1);
        vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 6,
                     VIRTIO_GPIO_DIRECTION_OUT);
        g_assert_true(vgpio_line_bool(&t, 6, "output-value"));
        vgpio_irq_setup(&t, 7, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);
        vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 5,
                     VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH);
        vgpio_gpio_set(&t, "hpbe", 5, !vgpio_line_bool(&t, 5, "input"));
        g_assert_true(vgpio_line_bool(&t, 5, "irq-latched"));

        vgpio_hp_teardown(hp, &t, alloc);
        qpci_unplug_acpi_device_test(qts, "gpio1", PCI_SLOT_HP);
        /*
         * Part of an unplugged device is freed after an RCU grace period;
         * on a loaded host those frees can lag behind 100 quick cycles and
         * make the RSS grow with no leak.  A failed device_add drains the
         * pending RCU callbacks (qmp_device_add): fail one each cycle.
         */
        err = qtest_qmp_assert_failure_ref(qts, "{'execute': 'device_add', "
                                           "'arguments': {'driver': "
                                           "'virtio-gpio-pci', 'id': 'gpio1', "
                                           "'gpio': 'no-such-backend'}}");
        qobject_unref(err);

        /* the backend is free again, its lines as after a reset */
        dir = vgpio_line_str(&t, 6, "direction");
        g_assert_cmpstr(dir, ==, "in");
        if (i == 9 || i == VGPIO_CYCLES - 1) {
            rss[i == 9 ? 0 : 1] = vgpio_rss_kib(qts);
        }
    }
    /* nothing holds the backend any more */
    qtest_qmp_assert_success(qts, "{'execute': 'object-del', 'arguments': "
                             "{'id': 'hpbe'}}");
    g_test_message("QEMU RSS after 10 hot-plug cycles %ld KiB, after %d "
                   "%ld KiB", rss[0], VGPIO_CYCLES, rss[1]);
    /*
     * A coarse bound; the sanitizer build's leak check is the fine one
     * (and its RSS grows anyway: ASan keeps freed memory in quarantine).
     */
    if (!getenv("VGPIO_SANITIZERS")) {
        g_assert_cmpint(rss[1] - rss[0], <, 4096);
    }
}

/* Misconfigurations are refused with a clear error */
static void vgpio_config_errors(void *obj, void *data, QGuestAllocator *alloc)
{
    static const VGpioQmpError bad[] = {
        { "{'execute': 'object-add', 'arguments': "
          "{'qom-type': 'gpio-dummy', 'id': 'x', 'ngpio': 0}}",
          "property 'ngpio' must be between 1 and 65535" },
        { "{'execute': 'object-add', 'arguments': "
          "{'qom-type': 'gpio-dummy', 'id': 'x', 'ngpio': 2, "
          "'names': ['a', 'b', 'c']}}",
          "3 names given for 2 lines" },
        { "{'execute': 'object-add', 'arguments': "
          "{'qom-type': 'gpio-dummy', 'id': 'x', 'names': ['a', 'a']}}",
          "line name 'a' is used twice" },
        { "{'execute': 'object-add', 'arguments': "
          "{'qom-type': 'gpio-dummy', 'id': 'x', 'names': ['caf\\u00e9']}}",
          "line name 'caf\xc3\xa9' is not printable ASCII" },
        { "{'execute': 'object-del', 'arguments': {'id': 'gpiobe0'}}",
          "object 'gpiobe0' is in use, can not be deleted" },
    };
    QTestState *qts = global_qtest;
    QDict *err;

    vgpio_qmp_assert_errors(qts, "gpio0", bad, ARRAY_SIZE(bad));

    /*
     * One backend, one device.  arm virt's pcie.0 takes no hot-plugged
     * device, so there the device never gets as far as its backend; the
     * x86 machines check the backend.
     */
    err = qtest_qmp_assert_failure_ref(qts, "{'execute': 'device_add', "
                                       "'arguments': {'driver': "
                                       "'virtio-gpio-pci', 'id': 'gpio2', "
                                       "'gpio': 'gpiobe0'}}");
    if (strcmp(qtest_get_arch(), "aarch64")) {
        g_assert(strstr(qdict_get_str(err, "desc"),
                        "gpio backend 'gpiobe0' is already in use"));
    } else {
        g_assert(strstr(qdict_get_str(err, "desc"),
                        "does not support hotplugging"));
    }
    qobject_unref(err);
}

static void *vgpio_access_before(GString *cmd_line, void *arg)
{
    g_string_append(cmd_line, " " VGPIO_OBJECT ",input-only=0-1,"
                    "read-only=reset ");
    return arg;
}

static void vgpio_assert_access(VGpio *t, unsigned line, const char *access)
{
    QDict *info = vgpio_line_info(t, "gpio0", line);

    g_assert_cmpstr(qdict_get_str(info, "access"), ==, access);
    qobject_unref(info);
}

/* input-only and read-only lines: what the guest may not do fails */
static void vgpio_access(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;
    g_autofree char *hmp = NULL;
    unsigned i;

    vgpio_init_node(&t, global_qtest, obj, alloc);
    vgpio_assert_access(&t, 0, "input-only");
    vgpio_assert_access(&t, 1, "input-only");
    vgpio_assert_access(&t, 2, "read-write");
    vgpio_assert_access(&t, 3, "read-only");
    hmp = qtest_hmp(t.qts, "info gpio");
    g_assert(strstr(hmp, "read-only"));
    g_assert(strstr(hmp, "input-only"));

    /* input-only: an input with interrupts, never an output */
    for (i = 0; i < 2; i++) {
        vgpio_req_err(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, i,
                      VIRTIO_GPIO_DIRECTION_OUT);
        vgpio_req_err(&t, VIRTIO_GPIO_MSG_SET_VALUE, i, 1);
        /* (the value it has: nothing changes) */
        vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, i, 0);
        g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_DIRECTION, i), ==,
                         VIRTIO_GPIO_DIRECTION_IN);
        vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, i,
                     VIRTIO_GPIO_DIRECTION_IN);
        vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, i,
                     VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH);
        vgpio_gpio_set(&t, "gpio0", i, true);
        g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, i), ==, 1);
        vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, i,
                     VIRTIO_GPIO_IRQ_TYPE_NONE);
        vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, i,
                     VIRTIO_GPIO_DIRECTION_NONE);
        g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_DIRECTION, i), ==,
                         VIRTIO_GPIO_DIRECTION_NONE);
    }

    /* read-only: reads work; requests that change nothing succeed */
    vgpio_gpio_set(&t, "gpio0", 3, true);
    /* (the monitor round trip took the events of lines 0 and 1) */
    vgpio_drop_line_changed(&t);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 3), ==, 1);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 3,
                 VIRTIO_GPIO_DIRECTION_IN);
    vgpio_req_err(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 3,
                  VIRTIO_GPIO_DIRECTION_OUT);
    vgpio_req_err(&t, VIRTIO_GPIO_MSG_SET_VALUE, 3, 1);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 3, 0);
    vgpio_req_err(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 3,
                  VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING);
    vgpio_req_err(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 3,
                  VIRTIO_GPIO_IRQ_TYPE_LEVEL_HIGH);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 3, VIRTIO_GPIO_IRQ_TYPE_NONE);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 3,
                 VIRTIO_GPIO_DIRECTION_NONE);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_DIRECTION, 3), ==,
                     VIRTIO_GPIO_DIRECTION_IN);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 3), ==, 1);
    /* the monitor sees no change of the guest's */
    g_assert_null(qtest_qmp_event_ref(t.qts, "GPIO_LINE_CHANGED"));

    /* other lines are as usual */
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 2, 1);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 2,
                 VIRTIO_GPIO_DIRECTION_OUT);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 2), ==, 1);
}

/* Bad access lists are refused with a clear error */
static void vgpio_access_errors(void *obj, void *data, QGuestAllocator *alloc)
{
    static const struct {
        const char *args;
        const char *error;
    } bad[] = {
        { "'input-only': ['8']",
          "input-only: line 8 is out of range (8 lines)" },
        { "'read-only': ['2-9']",
          "read-only: line 9 is out of range (8 lines)" },
        { "'read-only': ['5-2']", "read-only: bad range of lines '5-2'" },
        { "'read-only': ['1-']", "read-only: no line is named '1-'" },
        { "'input-only': ['nosuch']",
          "input-only: no line is named 'nosuch'" },
        { "'input-only': ['0,1,0']", "input-only: line 0 is given twice" },
        { "'input-only': ['0-3'], 'read-only': ['b']",
          "line 1 is both input-only and read-only" },
    };
    unsigned i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        g_autofree char *args = g_strdup_printf("{'qom-type': 'gpio-dummy', "
                                                "'id': 'x', 'ngpio': 8, "
                                                "'names': ['a', 'b'], %s}",
                                                bad[i].args);
        QDict *err = qtest_qmp_assert_failure_ref(global_qtest,
                                                  "{'execute': 'object-add', "
                                                  "'arguments': %p}",
                                                  qobject_from_json(args,
                                                                &error_abort));

        g_assert_cmpstr(qdict_get_str(err, "desc"), ==, bad[i].error);
        qobject_unref(err);
    }
}

/* A second device with its default backend: its own, separate lines */
static void vgpio_two_devices(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioPCIDevice *dev = obj;
    QTestState *qts = global_qtest;
    QDict *info;

    if (dev->pdev->bus->not_hotpluggable) {
        g_test_skip("pci bus does not support hotplug");
        return;
    }

    qtest_qmp_device_add(qts, "virtio-gpio-pci", "gpio1",
                         "{'addr': %s}", stringify(PCI_SLOT_HP));
    qtest_qmp_assert_success(qts, "{'execute': 'gpio-set', 'arguments': "
                             "{'id': 'gpio1', 'line': 0, 'value': true}}");
    qtest_qmp_assert_success(qts, "{'execute': 'gpio-set', 'arguments': "
                             "{'id': 'gpio0', 'line': 0, 'value': false}}");

    info = vgpio_line_info(&(VGpio) { .qts = qts }, "gpio1", 0);
    g_assert_true(qdict_get_bool(info, "input"));
    qobject_unref(info);
    info = vgpio_line_info(&(VGpio) { .qts = qts }, "gpio0", 0);
    g_assert_false(qdict_get_bool(info, "input"));
    qobject_unref(info);
    qpci_unplug_acpi_device_test(qts, "gpio1", PCI_SLOT_HP);
}

static void vgpio_init_pci(VGpio *t, QVhostUserGPIOPCI *gpio,
                           QGuestAllocator *alloc)
{
    vgpio_init_node(t, global_qtest, &gpio->gpio, alloc);
}

/*
 * VIRTIO_F_RING_RESET: the guest resets the eventq and sets it up again.
 * The buffer the device held belongs to the old ring and is dropped, with
 * nothing pushed; the line keeps its irq type and takes a buffer of the
 * new ring, which comes back with the next edge.
 */
static void vgpio_queue_reset(void *obj, void *data, QGuestAllocator *alloc)
{
    QVhostUserGPIOPCI *gpio = obj;
    QVirtioPCIDevice *dev = &gpio->pci_vdev;
    VGpio t;

    vgpio_init_pci(&t, gpio, alloc);
    g_assert_true(t.vdev->features & (1ull << VIRTIO_F_RING_RESET));
    vgpio_irq_setup(&t, 0, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);
    vgpio_irq_setup(&t, 1, VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH, false);
    vgpio_gpio_set(&t, t.id, 2, true);

    qpci_io_writew(dev->pdev, dev->bar, dev->common_cfg_offset +
                   offsetof(struct virtio_pci_common_cfg, queue_select), 1);
    qpci_io_writew(dev->pdev, dev->bar, dev->common_cfg_offset +
                   offsetof(struct virtio_pci_modern_common_cfg, queue_reset),
                   1);
    g_assert_false(vgpio_line_bool(&t, 0, "irq-unmasked"));
    g_assert_false(vgpio_line_bool(&t, 1, "irq-unmasked"));
    qvirtqueue_cleanup(t.vdev->bus, t.evtq, alloc);
    t.evtq = gpio->gpio.queues[1] = qvirtqueue_setup(t.vdev, alloc, 1);

    /* an edge with no buffer is latched, and delivered with the new one */
    vgpio_gpio_set(&t, t.id, 1, true);
    g_assert_true(vgpio_line_bool(&t, 1, "irq-latched"));
    g_assert_cmpint(vgpio_irq_unmask(&t, 1), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_cmpint(vgpio_irq_unmask(&t, 0), ==, VGPIO_IRQ_HELD);
    vgpio_irq_none(&t);
    vgpio_gpio_set(&t, t.id, 0, true);
    g_assert_cmpuint(vgpio_irq_wait(&t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    /* the requestq still works */
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 2), ==, 1);
}

/*
 * With bus mastering off, virtio-pci has the device disabled and would
 * drop a completion: an edge leaves the buffer queued and the edge
 * latched, and the irq comes when bus mastering is back on.
 */
static void vgpio_bus_master(void *obj, void *data, QGuestAllocator *alloc)
{
    QVhostUserGPIOPCI *gpio = obj;
    QPCIDevice *pdev = gpio->pci_vdev.pdev;
    uint16_t cmd = qpci_config_readw(pdev, PCI_COMMAND);
    VGpio t;

    vgpio_init_pci(&t, gpio, alloc);
    g_assert_true(cmd & PCI_COMMAND_MASTER);
    vgpio_irq_setup(&t, 0, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);
    vgpio_irq_setup(&t, 1, VIRTIO_GPIO_IRQ_TYPE_LEVEL_HIGH, false);

    qpci_config_writew(pdev, PCI_COMMAND, cmd & ~PCI_COMMAND_MASTER);
    vgpio_gpio_set(&t, t.id, 0, true);
    vgpio_gpio_set(&t, t.id, 1, true);
    g_assert_true(vgpio_line_bool(&t, 0, "irq-unmasked"));
    g_assert_true(vgpio_line_bool(&t, 0, "irq-latched"));
    g_assert_true(vgpio_line_bool(&t, 1, "irq-unmasked"));
    vgpio_irq_none(&t);

    qpci_config_writew(pdev, PCI_COMMAND, cmd);
    g_assert_cmpuint(vgpio_irq_wait(&t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_cmpuint(vgpio_irq_wait(&t, 1), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_false(vgpio_line_bool(&t, 0, "irq-latched"));
    /* and the line works on */
    g_assert_cmpint(vgpio_irq_unmask(&t, 0), ==, VGPIO_IRQ_HELD);
    vgpio_gpio_set(&t, t.id, 0, false);
    vgpio_gpio_set(&t, t.id, 0, true);
    g_assert_cmpuint(vgpio_irq_wait(&t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
}

/*
 * ioeventfd=on: a user may still have the kicks go through an ioeventfd
 * and the main loop (virtio-gpio-pci's default is off); requests and
 * interrupts work the same
 */
static void vgpio_ioeventfd(void *obj, void *data, QGuestAllocator *alloc)
{
    QVirtioPCIDevice *dev = obj;
    QPCIBus *bus = dev->pdev->bus;
    QTestState *qts = bus->qts;
    VGpio t = { .qts = qts, .alloc = alloc, .id = "gpio1" };
    QVirtioPCIDevice *hp;

    if (bus->not_hotpluggable) {
        g_test_skip("pci bus does not support hotplug");
        return;
    }
    qtest_qmp_device_add(qts, "virtio-gpio-pci", "gpio1",
                         "{'addr': %s, 'ioeventfd': true}",
                         stringify(PCI_SLOT_HP));
    hp = vgpio_hp_setup(bus, alloc, &t);

    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 2, 1);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 2,
                 VIRTIO_GPIO_DIRECTION_OUT);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 2), ==, 1);
    vgpio_irq_setup(&t, 0, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);
    vgpio_gpio_set(&t, "gpio1", 0, true);
    g_assert_cmpuint(vgpio_irq_wait(&t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);

    vgpio_hp_teardown(hp, &t, alloc);
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
    qos_add_test("queue-reset", "virtio-gpio-pci", vgpio_queue_reset, &opts);
    qos_add_test("bus-master", "virtio-gpio-pci", vgpio_bus_master, &opts);
    qos_add_test("ioeventfd", "virtio-gpio-pci", vgpio_ioeventfd, &opts);
    opts.before = vgpio_access_before;
    qos_add_test("access", "virtio-gpio", vgpio_access, &opts);
    qos_add_test("access-errors", "virtio-gpio", vgpio_access_errors, &opts);
}

libqos_init(register_virtio_gpio_test);
