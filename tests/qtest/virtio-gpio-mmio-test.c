/*
 * QTest for virtio-gpio-device on virtio-mmio (the microvm machine)
 *
 * Runs the shared virtio-gpio test cases through virtio-mmio, plus the
 * configurations the qos test does not cover: the embedded default
 * backend, VIRTIO_GPIO_F_IRQ turned off and two devices in one VM.
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qobject/qdict.h"
#include "libqtest.h"
#include "standard-headers/linux/virtio_config.h"
#include "standard-headers/linux/virtio_gpio.h"
#include "standard-headers/linux/virtio_ids.h"
#include "virtio-gpio-cases.h"

static void test_case(const void *data)
{
    const VGpioCase *c = data;
    QTestState *qts = vgpio_mmio_start(VGPIO_OBJECT " -device "
                                       "virtio-gpio-device," VGPIO_DEVICE_OPTS);
    VGpioMMIO m = { 0 };

    vgpio_mmio_setup(&m, qts, 0, "gpio0");
    c->fn(&m.t);
    vgpio_mmio_teardown(&m);
    qtest_quit(qts);
}

/* With no backend named, the device makes its own: 8 lines, no names */
static void test_default_backend(void)
{
    QTestState *qts = vgpio_mmio_start("-device virtio-gpio-device,id=g");
    VGpioMMIO m = { 0 };
    QDict *resp;
    uint8_t value;

    vgpio_mmio_setup(&m, qts, 0, "g");
    g_assert_cmpuint(qvirtio_config_readw(m.t.vdev, 0), ==, 8);
    g_assert_cmpuint(qvirtio_config_readl(m.t.vdev, 4), ==, 0);
    vgpio_gpio_set(&m.t, "g", 7, true);
    g_assert_cmpuint(vgpio_request(&m.t, VIRTIO_GPIO_MSG_GET_VALUE, 7, 0,
                                   &value), ==, VIRTIO_GPIO_STATUS_OK);
    g_assert_cmpuint(value, ==, 1);

    resp = vgpio_line_info(&m.t, "g", 7);
    g_assert_false(qdict_haskey(resp, "name"));
    qobject_unref(resp);
    vgpio_mmio_teardown(&m);
    qtest_quit(qts);
}

/* VIRTIO_GPIO_F_IRQ off: one queue, irq messages fail */
static void test_irq_off(void)
{
    QTestState *qts = vgpio_mmio_start("-device virtio-gpio-device,id=g,"
                                       "irq=off");
    VGpioMMIO m = { 0 };

    vgpio_mmio_setup(&m, qts, 0, "g");
    g_assert_false(m.t.vdev->features & (1ull << VIRTIO_GPIO_F_IRQ));
    g_assert_null(m.t.evtq);
    g_assert_cmpuint(vgpio_request(&m.t, VIRTIO_GPIO_MSG_IRQ_TYPE, 0,
                                   VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, NULL),
                     ==, VIRTIO_GPIO_STATUS_ERR);
    g_assert_cmpuint(vgpio_request(&m.t, VIRTIO_GPIO_MSG_IRQ_TYPE, 0,
                                   VIRTIO_GPIO_IRQ_TYPE_NONE, NULL),
                     ==, VIRTIO_GPIO_STATUS_ERR);
    vgpio_mmio_teardown(&m);
    qtest_quit(qts);
}

/* Two devices: each its own lines and interrupts */
static void test_two_devices(void)
{
    QTestState *qts = vgpio_mmio_start(
        "-object gpio-dummy,id=be-a,ngpio=4 -object gpio-dummy,id=be-b,ngpio=6 "
        "-device virtio-gpio-device,id=a,gpio=be-a "
        "-device virtio-gpio-device,id=b,gpio=be-b");
    VGpioMMIO ma = { 0 }, mb = { 0 };
    VGpioMMIO *first, *second;
    uint8_t value;

    vgpio_mmio_setup(&ma, qts, 0, "a");
    vgpio_mmio_setup(&mb, qts, 1, "b");
    /* which transport holds which device: tell them apart by ngpio */
    if (qvirtio_config_readw(ma.t.vdev, 0) == 4) {
        first = &ma;
        second = &mb;
    } else {
        first = &mb;
        second = &ma;
        first->t.id = "a";
        second->t.id = "b";
    }
    g_assert_cmpuint(qvirtio_config_readw(first->t.vdev, 0), ==, 4);
    g_assert_cmpuint(qvirtio_config_readw(second->t.vdev, 0), ==, 6);

    vgpio_gpio_set(&first->t, "a", 2, true);
    vgpio_gpio_set(&second->t, "b", 2, false);
    g_assert_cmpuint(vgpio_request(&first->t, VIRTIO_GPIO_MSG_GET_VALUE, 2, 0,
                                   &value), ==, VIRTIO_GPIO_STATUS_OK);
    g_assert_cmpuint(value, ==, 1);
    g_assert_cmpuint(vgpio_request(&second->t, VIRTIO_GPIO_MSG_GET_VALUE, 2,
                                   0, &value), ==, VIRTIO_GPIO_STATUS_OK);
    g_assert_cmpuint(value, ==, 0);
    g_assert_cmpuint(vgpio_request(&first->t, VIRTIO_GPIO_MSG_GET_VALUE, 5, 0,
                                   &value), ==, VIRTIO_GPIO_STATUS_ERR);
    g_assert_cmpuint(vgpio_request(&second->t, VIRTIO_GPIO_MSG_GET_VALUE, 5,
                                   0, &value), ==, VIRTIO_GPIO_STATUS_OK);

    /* each its own interrupts, its own eventq buffers */
    vgpio_irq_setup(&first->t, 3, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);
    vgpio_irq_setup(&second->t, 3, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);
    vgpio_gpio_set(&second->t, "b", 3, true);
    g_assert_cmpuint(vgpio_irq_wait(&second->t, 3), ==,
                     VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_irq_none(&first->t);
    vgpio_gpio_set(&first->t, "a", 3, true);
    g_assert_cmpuint(vgpio_irq_wait(&first->t, 3), ==,
                     VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_irq_none(&second->t);

    vgpio_mmio_teardown(&ma);
    vgpio_mmio_teardown(&mb);
    qtest_quit(qts);
}

/*
 * in_order=on: the event queue gives its buffers back in the order the
 * lines' interrupts come, not in the order they were queued, so the
 * device does not offer VIRTIO_F_IN_ORDER (with it negotiated, QEMU
 * would publish nothing past the first buffer still held).
 */
static void test_in_order(void)
{
    QTestState *qts = vgpio_mmio_start(VGPIO_OBJECT " -device "
                                       "virtio-gpio-device,id=gpio0,"
                                       "gpio=gpiobe0,in_order=on");
    VGpioMMIO m = { 0 };

    vgpio_mmio_setup(&m, qts, 0, "gpio0");
    g_assert_false(m.t.vdev->features & (1ull << VIRTIO_F_IN_ORDER));
    vgpio_irq_setup(&m.t, 0, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);
    vgpio_irq_setup(&m.t, 1, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);
    /* line 1's buffer, queued after line 0's, comes back first */
    vgpio_gpio_set(&m.t, "gpio0", 1, true);
    g_assert_cmpuint(vgpio_irq_wait(&m.t, 1), ==,
                     VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_gpio_set(&m.t, "gpio0", 0, true);
    g_assert_cmpuint(vgpio_irq_wait(&m.t, 0), ==,
                     VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_mmio_teardown(&m);
    qtest_quit(qts);
}

/*
 * Before DRIVER_OK the device must not complete an eventq buffer: it
 * takes the buffer, latches the edge and delivers it when the driver is
 * ready.
 */
static void test_driver_ok(void)
{
    QTestState *qts = vgpio_mmio_start(VGPIO_OBJECT " -device "
                                       "virtio-gpio-device," VGPIO_DEVICE_OPTS);
    VGpioMMIO m = { 0 };

    vgpio_mmio_setup_queues(&m, qts, 0, "gpio0");
    vgpio_irq_setup(&m.t, 0, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);
    vgpio_gpio_set(&m.t, "gpio0", 0, true);
    g_assert_true(vgpio_line_bool(&m.t, 0, "irq-latched"));
    vgpio_irq_none(&m.t);
    qvirtio_set_driver_ok(m.t.vdev);
    g_assert_cmpuint(vgpio_irq_wait(&m.t, 0), ==,
                     VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_false(vgpio_line_bool(&m.t, 0, "irq-latched"));
    vgpio_mmio_teardown(&m);
    qtest_quit(qts);
}

#define BOUND_LINES 200

/*
 * The GPIO_LINE_CHANGED events the monitor has sent so far: how many,
 * and the last direction and value of each line
 */
static unsigned line_events(QTestState *qts, int *dir_out, int *value)
{
    unsigned n = 0;
    QDict *ev;

    qobject_unref(qtest_qmp(qts, "{'execute': 'query-status'}"));
    while ((ev = qtest_qmp_event_ref(qts, "GPIO_LINE_CHANGED"))) {
        QDict *data = qdict_get_qdict(ev, "data");
        int64_t line = qdict_get_int(data, "line");

        g_assert_cmpint(line, <, BOUND_LINES);
        dir_out[line] = !strcmp(qdict_get_str(data, "direction"), "out");
        value[line] = qdict_get_bool(data, "value");
        qobject_unref(ev);
        n++;
    }
    return n;
}

/*
 * A guest changing many lines at once: the backend sends at most
 * VGPIO_EVENT_BURST events per interval, holds the rest back, and the
 * last state of every line reaches the client.
 */
static void test_event_bound(void)
{
    QTestState *qts = vgpio_mmio_start(
        "-object gpio-dummy,id=gpiobe0,ngpio=" stringify(BOUND_LINES) " "
        "-device virtio-gpio-device,id=g,gpio=gpiobe0");
    int dir_out[BOUND_LINES], value[BOUND_LINES];
    VGpioMMIO m = { 0 };
    unsigned i, n, total = 0, rounds = 0;

    vgpio_mmio_setup(&m, qts, 0, "g");
    qtest_clock_step(qts, VGPIO_EVENT_INTERVAL_NS);
    vgpio_drop_line_changed(&m.t);
    memset(dir_out, -1, sizeof(dir_out));
    memset(value, -1, sizeof(value));

    /* every line an output driving 1 */
    for (i = 0; i < BOUND_LINES; i++) {
        vgpio_req_ok(&m.t, VIRTIO_GPIO_MSG_SET_VALUE, i, 1);
        vgpio_req_ok(&m.t, VIRTIO_GPIO_MSG_SET_DIRECTION, i,
                     VIRTIO_GPIO_DIRECTION_OUT);
    }
    /* then lines sent at once and lines held back change again */
    for (i = 0; i < BOUND_LINES; i += 3) {
        vgpio_req_ok(&m.t, VIRTIO_GPIO_MSG_SET_VALUE, i, 0);
    }
    n = line_events(qts, dir_out, value);
    g_assert_cmpuint(n, ==, VGPIO_EVENT_BURST);
    for (i = 0; i < VGPIO_EVENT_BURST; i++) {
        g_assert_cmpint(dir_out[i], ==, 1);
    }

    /* each interval at most a burst more, until every line is told */
    do {
        total += n;
        qtest_clock_step(qts, VGPIO_EVENT_INTERVAL_NS);
        n = line_events(qts, dir_out, value);
        g_assert_cmpuint(n, <=, VGPIO_EVENT_BURST);
        g_assert_cmpuint(++rounds, <, 20);
    } while (n || rounds < 3);
    g_assert_cmpuint(total, >=, BOUND_LINES);
    for (i = 0; i < BOUND_LINES; i++) {
        g_assert_cmpint(dir_out[i], ==, 1);
        g_assert_cmpint(value[i], ==, i % 3 != 0);
    }
    vgpio_mmio_teardown(&m);
    qtest_quit(qts);
}

int main(int argc, char **argv)
{
    const VGpioCase *c;

    g_test_init(&argc, &argv, NULL);
    if (!qtest_has_machine("microvm") ||
        !qtest_has_device("virtio-gpio-device")) {
        g_test_skip("microvm or virtio-gpio-device not available");
        return g_test_run();
    }
    for (c = vgpio_cases; c->name; c++) {
        g_autofree char *path = g_strdup_printf("virtio-gpio/microvm/%s",
                                                c->name);

        qtest_add_data_func(path, c, test_case);
    }
    qtest_add_func("virtio-gpio/microvm/default-backend",
                   test_default_backend);
    qtest_add_func("virtio-gpio/microvm/irq-off", test_irq_off);
    qtest_add_func("virtio-gpio/microvm/two-devices", test_two_devices);
    qtest_add_func("virtio-gpio/microvm/in-order", test_in_order);
    qtest_add_func("virtio-gpio/microvm/driver-ok", test_driver_ok);
    qtest_add_func("virtio-gpio/microvm/event-bound", test_event_bound);
    return g_test_run();
}
