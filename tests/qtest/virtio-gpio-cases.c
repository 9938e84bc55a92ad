/*
 * Test cases for the virtio-gpio device, shared by its qos test
 * (virtio-gpio-pci) and its microvm test (virtio-gpio-device)
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qapi/error.h"
#include "qobject/qdict.h"
#include "qobject/qjson.h"
#include "qobject/qlist.h"
#include "standard-headers/linux/virtio_config.h"
#include "standard-headers/linux/virtio_gpio.h"
#include "virtio-gpio-cases.h"

static const char names_block[] = "button\0led\0\0reset\0\0\0\0";

static void test_config(VGpio *t)
{
    g_assert_cmpuint(qvirtio_config_readw(t->vdev, 0), ==, VGPIO_NGPIO);
    g_assert_cmpuint(qvirtio_config_readw(t->vdev, 2), ==, 0);
    g_assert_cmpuint(qvirtio_config_readl(t->vdev, 4), ==,
                     sizeof(names_block));
    g_assert(t->vdev->features & (1ull << VIRTIO_GPIO_F_IRQ));
    g_assert(t->vdev->features & (1ull << VIRTIO_F_VERSION_1));
}

static void test_names(VGpio *t)
{
    struct virtio_gpio_request req = {
        .type = cpu_to_le16(VIRTIO_GPIO_MSG_GET_NAMES),
    };
    size_t size = sizeof(names_block);
    /* one spare byte: the used length must still be exactly 1 + size */
    g_autofree uint8_t *resp = g_malloc(size + 2);
    uint64_t req_addr = guest_alloc(t->alloc, sizeof(req));
    uint64_t resp_addr = guest_alloc(t->alloc, size + 2);
    uint32_t head, len = 0;

    memset(resp, 0xaa, size + 2);
    qtest_memwrite(t->qts, req_addr, &req, sizeof(req));
    qtest_memwrite(t->qts, resp_addr, resp, size + 2);
    head = qvirtqueue_add(t->qts, t->reqq, req_addr, sizeof(req), false, true);
    qvirtqueue_add(t->qts, t->reqq, resp_addr, size + 2, true, false);
    qvirtqueue_kick(t->qts, t->vdev, t->reqq, head);
    vgpio_wait_used(t, t->reqq, head, &len);
    g_assert_cmpuint(len, ==, 1 + size);
    qtest_memread(t->qts, resp_addr, resp, size + 2);
    g_assert_cmpuint(resp[0], ==, VIRTIO_GPIO_STATUS_OK);
    g_assert(memcmp(resp + 1, names_block, size) == 0);
    g_assert_cmpuint(resp[1 + size], ==, 0xaa);
}

static void test_direction(VGpio *t)
{
    QDict *ev;
    g_autofree char *dir = NULL;

    /* lines start as inputs */
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_DIRECTION, 5), ==,
                     VIRTIO_GPIO_DIRECTION_IN);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 5,
                 VIRTIO_GPIO_DIRECTION_OUT);
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_DIRECTION, 5), ==,
                     VIRTIO_GPIO_DIRECTION_OUT);
    ev = vgpio_line_changed(t);
    g_assert_cmpint(qdict_get_int(qdict_get_qdict(ev, "data"), "line"), ==, 5);
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(ev, "data"), "direction"),
                    ==, "out");
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(ev, "data"), "device"),
                    ==, t->id);
    qobject_unref(ev);
    dir = vgpio_line_str(t, 5, "direction");
    g_assert_cmpstr(dir, ==, "out");

    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 5,
                 VIRTIO_GPIO_DIRECTION_NONE);
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_DIRECTION, 5), ==,
                     VIRTIO_GPIO_DIRECTION_NONE);
    ev = vgpio_line_changed(t);
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(ev, "data"), "direction"),
                    ==, "none");
    qobject_unref(ev);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 5,
                 VIRTIO_GPIO_DIRECTION_IN);
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_DIRECTION, 5), ==,
                     VIRTIO_GPIO_DIRECTION_IN);
}

static void test_value(VGpio *t)
{
    g_autofree char *dir = NULL;
    QDict *ev, *data;

    /* an input reads the external level */
    vgpio_gpio_set(t, t->id, 1, false);
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_VALUE, 1), ==, 0);
    vgpio_gpio_set(t, t->id, 1, true);
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_VALUE, 1), ==, 1);
    vgpio_gpio_set(t, t->id, 1, false);

    /* a value set on an input is kept, and driven once it is an output */
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 1);
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_VALUE, 1), ==, 0);
    g_assert_true(vgpio_line_bool(t, 1, "output-value"));
    g_assert_null(qtest_qmp_event_ref(t->qts, "GPIO_LINE_CHANGED"));
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_OUT);
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_VALUE, 1), ==, 1);
    ev = vgpio_line_changed(t);
    data = qdict_get_qdict(ev, "data");
    g_assert_cmpint(qdict_get_int(data, "line"), ==, 1);
    g_assert_cmpstr(qdict_get_str(data, "name"), ==, "led");
    g_assert_cmpstr(qdict_get_str(data, "direction"), ==, "out");
    g_assert_true(qdict_get_bool(data, "value"));
    qobject_unref(ev);
    g_assert_true(vgpio_line_bool(t, 1, "value"));

    /* the host's level does not change what an output drives */
    vgpio_gpio_set(t, t->id, 1, false);
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_VALUE, 1), ==, 1);

    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 0);
    ev = vgpio_line_changed(t);
    g_assert_false(qdict_get_bool(qdict_get_qdict(ev, "data"), "value"));
    qobject_unref(ev);
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_VALUE, 1), ==, 0);
    g_assert_false(vgpio_line_bool(t, 1, "value"));

    /* direction none forgets the value */
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 1);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_NONE);
    g_assert_false(vgpio_line_bool(t, 1, "output-value"));
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_OUT);
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_VALUE, 1), ==, 0);

    /*
     * A value set on a released line is kept too: Linux requests an
     * output line again with SET_VALUE, then SET_DIRECTION out.  A
     * second release forgets it.
     */
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_NONE);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 1);
    g_assert_true(vgpio_line_bool(t, 1, "output-value"));
    dir = vgpio_line_str(t, 1, "direction");
    g_assert_cmpstr(dir, ==, "none");
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_OUT);
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_VALUE, 1), ==, 1);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_NONE);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 1);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_NONE);
    g_assert_false(vgpio_line_bool(t, 1, "output-value"));
}

/* A guest toggling an output quickly: one event now, one at the end */
static void test_event_rate(VGpio *t)
{
    QDict *ev;
    int i;

    /* (what the device start-up sent) */
    qtest_clock_step(t->qts, VGPIO_EVENT_INTERVAL_NS);
    qobject_unref(qtest_qmp(t->qts, "{'execute': 'query-gpio'}"));
    vgpio_drop_line_changed(t);

    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 6,
                 VIRTIO_GPIO_DIRECTION_OUT);
    ev = qtest_qmp_eventwait_ref(t->qts, "GPIO_LINE_CHANGED");
    g_assert_cmpint(qdict_get_int(qdict_get_qdict(ev, "data"), "line"), ==, 6);
    g_assert_false(qdict_get_bool(qdict_get_qdict(ev, "data"), "value"));
    qobject_unref(ev);

    for (i = 1; i <= 9; i++) {
        vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_VALUE, 6, i & 1);
    }
    /* the state is there at once; the event is held back */
    g_assert_true(vgpio_line_bool(t, 6, "value"));
    g_assert_null(qtest_qmp_event_ref(t->qts, "GPIO_LINE_CHANGED"));
    qtest_clock_step(t->qts, VGPIO_EVENT_INTERVAL_NS / 2);
    g_assert_true(vgpio_line_bool(t, 6, "value"));
    g_assert_null(qtest_qmp_event_ref(t->qts, "GPIO_LINE_CHANGED"));

    /* at the end of the interval: one event with the last state */
    ev = vgpio_line_changed(t);
    g_assert_cmpint(qdict_get_int(qdict_get_qdict(ev, "data"), "line"), ==, 6);
    g_assert_true(qdict_get_bool(qdict_get_qdict(ev, "data"), "value"));
    qobject_unref(ev);
    g_assert_true(vgpio_line_bool(t, 6, "value"));
    g_assert_null(qtest_qmp_event_ref(t->qts, "GPIO_LINE_CHANGED"));

    /* other lines have their own interval */
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 7,
                 VIRTIO_GPIO_DIRECTION_OUT);
    ev = qtest_qmp_eventwait_ref(t->qts, "GPIO_LINE_CHANGED");
    g_assert_cmpint(qdict_get_int(qdict_get_qdict(ev, "data"), "line"), ==, 7);
    qobject_unref(ev);

    /* a quiet line reports its next change at once */
    qtest_clock_step(t->qts, VGPIO_EVENT_INTERVAL_NS);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_VALUE, 6, 0);
    ev = qtest_qmp_eventwait_ref(t->qts, "GPIO_LINE_CHANGED");
    g_assert_false(qdict_get_bool(qdict_get_qdict(ev, "data"), "value"));
    qobject_unref(ev);
}

/* The line numbers of the one controller query-gpio @args returns */
static GString *vgpio_query_lines(VGpio *t, const char *args)
{
    QDict *resp = qtest_qmp(t->qts, "{'execute': 'query-gpio', "
                            "'arguments': %p}",
                            qobject_from_json(args, &error_abort));
    QList *list = qdict_get_qlist(resp, "return");
    QDict *c = qobject_to(QDict, qlist_peek(list));
    GString *lines = g_string_new(NULL);
    QListEntry *e;

    g_assert_cmpint(qlist_size(list), ==, 1);
    QLIST_FOREACH_ENTRY(qdict_get_qlist(c, "lines"), e) {
        QDict *l = qobject_to(QDict, qlist_entry_obj(e));

        g_string_append_printf(lines, "%s%" PRId64, lines->len ? "," : "",
                               qdict_get_int(l, "line"));
    }
    qobject_unref(resp);
    return lines;
}

/* query-gpio of one controller, and of a range of its lines */
static void test_query_args(VGpio *t)
{
    QDict *resp = qtest_qmp(t->qts, "{'execute': 'query-gpio'}");
    g_autofree char *path = g_strdup(qdict_get_str(vgpio_controller(resp,
                                                                    t->id),
                                                   "qom-path"));
    static const struct {
        const char *args;
        const char *lines;
    } ok[] = {
        { "{'id': 'gpiobe0'}", "0,1,2,3,4,5,6,7" },
        { "{'id': 'gpiobe0', 'first': 3, 'count': 2}", "3,4" },
        { "{'id': 'gpiobe0', 'first': 6, 'count': 10}", "6,7" },
        { "{'id': 'gpiobe0', 'count': 0}", "" },
        { "{'id': 'gpiobe0', 'first': 7}", "7" },
    };
    static const VGpioQmpError bad[] = {
        { "{'execute': 'query-gpio', 'arguments': "
          "{'id': 'gpiobe0', 'first': 8}}",
          "line 8 is out of range (the backend has 8 lines)" },
        { "{'execute': 'query-gpio', 'arguments': {'id': 'nosuch'}}",
          "'nosuch' is neither a gpio backend nor a device using one" },
    };
    unsigned i;

    qobject_unref(resp);
    for (i = 0; i < ARRAY_SIZE(ok); i++) {
        g_autoptr(GString) lines = vgpio_query_lines(t, ok[i].args);

        g_assert_cmpstr(lines->str, ==, ok[i].lines);
    }
    /* by the device's id and by QOM paths: the same controller */
    {
        g_autofree char *by_dev = g_strdup_printf("{'id': '%s', 'first': 2, "
                                                  "'count': 1}", t->id);
        g_autofree char *by_path = g_strdup_printf("{'id': '%s', 'first': 2, "
                                                   "'count': 1}", path);
        g_autoptr(GString) a = vgpio_query_lines(t, by_dev);
        g_autoptr(GString) b = vgpio_query_lines(t, by_path);
        g_autoptr(GString) c = vgpio_query_lines(t, "{'id': "
                                                 "'/objects/gpiobe0', "
                                                 "'count': 1}");

        g_assert_cmpstr(a->str, ==, "2");
        g_assert_cmpstr(b->str, ==, "2");
        g_assert_cmpstr(c->str, ==, "0");
    }
    vgpio_qmp_assert_errors(t->qts, t->id, bad, ARRAY_SIZE(bad));
}

static void test_monitor(VGpio *t)
{
    static const VGpioQmpError bad[] = {
        { "{'execute': 'gpio-set', 'arguments': "
          "{'id': 'nosuch', 'line': 0, 'value': true}}",
          "'nosuch' is neither a gpio backend nor a device using one" },
        { "{'execute': 'gpio-set', 'arguments': "
          "{'id': '%s', 'line': 8, 'value': true}}",
          "line 8 is out of range (the backend has 8 lines)" },
        { "{'execute': 'gpio-set', 'arguments': "
          "{'id': '%s', 'line': -1, 'value': true}}",
          "Parameter 'line' expects uint16_t" },
        { "{'execute': 'gpio-set', 'arguments': "
          "{'id': '%s', 'value': true}}",
          "give either 'line' or 'name'" },
        { "{'execute': 'gpio-set', 'arguments': "
          "{'id': '%s', 'line': 0, 'name': 'led', 'value': true}}",
          "give either 'line' or 'name'" },
        { "{'execute': 'gpio-set', 'arguments': "
          "{'id': '%s', 'name': 'nosuch', 'value': true}}",
          "no line is named 'nosuch'" },
    };
    char *out;

    /* by name, by backend id */
    qtest_qmp_assert_success(t->qts, "{'execute': 'gpio-set', 'arguments': "
                             "{'id': 'gpiobe0', 'name': 'reset', "
                             "'value': true}}");
    g_assert_true(vgpio_line_bool(t, 3, "input"));
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_VALUE, 3), ==, 1);

    vgpio_qmp_assert_errors(t->qts, t->id, bad, ARRAY_SIZE(bad));

    /* HMP */
    out = qtest_hmp(t->qts, "gpio_set %s button 1", t->id);
    g_assert_cmpstr(out, ==, "");
    g_free(out);
    g_assert_true(vgpio_line_bool(t, 0, "input"));
    out = qtest_hmp(t->qts, "gpio_set %s 0 0", t->id);
    g_assert_cmpstr(out, ==, "");
    g_free(out);
    g_assert_false(vgpio_line_bool(t, 0, "input"));
    out = qtest_hmp(t->qts, "gpio_set %s 9 1", t->id);
    g_assert(strstr(out, "line 9 is out of range"));
    g_free(out);
    out = qtest_hmp(t->qts, "gpio_set %s 0 2", t->id);
    g_assert(strstr(out, "value must be 0 or 1"));
    g_free(out);
    out = qtest_hmp(t->qts, "gpio_set nosuch 0 1");
    g_assert(strstr(out, "'nosuch' is neither a gpio backend"));
    g_free(out);
    out = qtest_hmp(t->qts, "info gpio");
    g_assert(strstr(out, "gpiobe0 (gpio-dummy), device gpio0"));
    g_assert(g_regex_match_simple("\\n +3 reset +in +1 +0 +1 +none "
                                  "+masked +0 +read-write\\r?\\n", out, 0, 0));
    g_free(out);
}

static void test_irq_edge(VGpio *t)
{
    static const struct {
        uint32_t type;
        bool rising, falling;
    } types[] = {
        { VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, true, false },
        { VIRTIO_GPIO_IRQ_TYPE_EDGE_FALLING, false, true },
        { VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH, true, true },
    };
    int i;

    for (i = 0; i < ARRAY_SIZE(types); i++) {
        vgpio_irq_setup(t, 0, types[i].type, false);

        /* a rising edge while unmasked */
        vgpio_gpio_set(t, t->id, 0, true);
        if (types[i].rising) {
            g_assert_cmpuint(vgpio_irq_wait(t, 0), ==,
                             VIRTIO_GPIO_IRQ_STATUS_VALID);
            g_assert_cmpint(vgpio_irq_unmask(t, 0), ==, VGPIO_IRQ_HELD);
        } else {
            vgpio_irq_none(t);
        }
        /* a falling edge while unmasked */
        vgpio_gpio_set(t, t->id, 0, false);
        if (types[i].falling) {
            g_assert_cmpuint(vgpio_irq_wait(t, 0), ==,
                             VIRTIO_GPIO_IRQ_STATUS_VALID);
        } else {
            vgpio_irq_none(t);
            vgpio_gpio_set(t, t->id, 0, true);
            g_assert_cmpuint(vgpio_irq_wait(t, 0), ==,
                             VIRTIO_GPIO_IRQ_STATUS_VALID);
            vgpio_gpio_set(t, t->id, 0, false);
        }

        /* masked now: several edges latch as one */
        g_assert_false(vgpio_line_bool(t, 0, "irq-latched"));
        vgpio_gpio_set(t, t->id, 0, true);
        vgpio_gpio_set(t, t->id, 0, false);
        vgpio_gpio_set(t, t->id, 0, true);
        vgpio_gpio_set(t, t->id, 0, false);
        vgpio_irq_none(t);
        g_assert_true(vgpio_line_bool(t, 0, "irq-latched"));
        g_assert_cmpint(vgpio_irq_unmask(t, 0), ==,
                        VIRTIO_GPIO_IRQ_STATUS_VALID);
        g_assert_false(vgpio_line_bool(t, 0, "irq-latched"));
        g_assert_cmpint(vgpio_irq_unmask(t, 0), ==, VGPIO_IRQ_HELD);

        /* disabling gives the buffer back */
        vgpio_irq_enable(t, 0, VIRTIO_GPIO_IRQ_TYPE_NONE);
        g_assert_cmpuint(vgpio_irq_wait(t, 0), ==,
                         VIRTIO_GPIO_IRQ_STATUS_INVALID);
        g_assert_false(vgpio_line_bool(t, 0, "irq-unmasked"));
    }
}

static void test_irq_level(VGpio *t)
{
    /* level high */
    vgpio_irq_setup(t, 2, VIRTIO_GPIO_IRQ_TYPE_LEVEL_HIGH, false);
    vgpio_gpio_set(t, t->id, 2, true);
    g_assert_cmpuint(vgpio_irq_wait(t, 2), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    /* still active when unmasked: notified again */
    g_assert_cmpint(vgpio_irq_unmask(t, 2), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    /* not latched while masked */
    vgpio_gpio_set(t, t->id, 2, false);
    g_assert_false(vgpio_line_bool(t, 2, "irq-latched"));
    g_assert_cmpint(vgpio_irq_unmask(t, 2), ==, VGPIO_IRQ_HELD);
    vgpio_irq_none(t);
    vgpio_irq_enable(t, 2, VIRTIO_GPIO_IRQ_TYPE_NONE);
    g_assert_cmpuint(vgpio_irq_wait(t, 2), ==,
                     VIRTIO_GPIO_IRQ_STATUS_INVALID);

    /* level low, active from the start */
    vgpio_gpio_set(t, t->id, 2, false);
    vgpio_irq_enable(t, 2, VIRTIO_GPIO_IRQ_TYPE_LEVEL_LOW);
    g_assert_cmpint(vgpio_irq_unmask(t, 2), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_gpio_set(t, t->id, 2, true);
    g_assert_cmpint(vgpio_irq_unmask(t, 2), ==, VGPIO_IRQ_HELD);
    vgpio_gpio_set(t, t->id, 2, true);
    vgpio_irq_none(t);
    vgpio_gpio_set(t, t->id, 2, false);
    g_assert_cmpuint(vgpio_irq_wait(t, 2), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    /* a pulse while masked is not latched */
    vgpio_gpio_set(t, t->id, 2, true);
    vgpio_gpio_set(t, t->id, 2, false);
    vgpio_gpio_set(t, t->id, 2, true);
    g_assert_cmpint(vgpio_irq_unmask(t, 2), ==, VGPIO_IRQ_HELD);
    /* a new trigger that is active at once fires at once */
    vgpio_irq_enable(t, 2, VIRTIO_GPIO_IRQ_TYPE_LEVEL_HIGH);
    g_assert_cmpuint(vgpio_irq_wait(t, 2), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_irq_enable(t, 2, VIRTIO_GPIO_IRQ_TYPE_NONE);
    vgpio_irq_none(t);
}

static void vgpio_qmp_ok(VGpio *t, const char *cmd)
{
    qtest_qmp_assert_success(t->qts, "{'execute': %s}", cmd);
}

/* Nothing is delivered while the VM is stopped; edges wait for it */
static void test_irq_stopped(VGpio *t)
{
    int64_t edges, events[2];

    vgpio_irq_setup(t, 0, VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH, false);
    vgpio_irq_setup(t, 2, VIRTIO_GPIO_IRQ_TYPE_LEVEL_HIGH, false);
    edges = vgpio_line_int(t, 0, "irq-edges");
    events[0] = vgpio_line_int(t, 0, "irq-events");
    events[1] = vgpio_line_int(t, 2, "irq-events");

    vgpio_qmp_ok(t, "stop");
    vgpio_gpio_set(t, t->id, 0, true);
    vgpio_gpio_set(t, t->id, 0, false);
    vgpio_gpio_set(t, t->id, 2, true);
    vgpio_irq_none(t);
    g_assert_true(vgpio_line_bool(t, 0, "irq-latched"));
    g_assert_true(vgpio_line_bool(t, 0, "irq-unmasked"));

    vgpio_qmp_ok(t, "cont");
    g_assert_cmpuint(vgpio_irq_wait(t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_cmpuint(vgpio_irq_wait(t, 2), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_false(vgpio_line_bool(t, 0, "irq-latched"));
    vgpio_irq_none(t);

    /* the counters: two edges, merged into one interrupt */
    g_assert_cmpint(vgpio_line_int(t, 0, "irq-edges") - edges, ==, 2);
    g_assert_cmpint(vgpio_line_int(t, 0, "irq-events") - events[0], ==, 1);
    g_assert_cmpint(vgpio_line_int(t, 2, "irq-events") - events[1], ==, 1);
}

static void test_irq_invalid(VGpio *t)
{
    g_autofree char *type = NULL;

    /* a buffer for a line whose irq is not enabled */
    g_assert_cmpint(vgpio_irq_unmask(t, 4), ==,
                    VIRTIO_GPIO_IRQ_STATUS_INVALID);
    /* a buffer for a line out of range */
    g_assert_cmpint(vgpio_irq_unmask(t, VGPIO_NGPIO), ==,
                    VIRTIO_GPIO_IRQ_STATUS_INVALID);
    g_assert_cmpint(vgpio_irq_unmask(t, 0xffff), ==,
                    VIRTIO_GPIO_IRQ_STATUS_INVALID);

    /* a second buffer for a line comes back, the first stays */
    vgpio_irq_setup(t, 4, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);
    vgpio_irq_queue(t, 4);
    g_assert_cmpuint(vgpio_irq_wait(t, 4), ==,
                     VIRTIO_GPIO_IRQ_STATUS_INVALID);
    g_assert_true(vgpio_line_bool(t, 4, "irq-unmasked"));

    /* direction none gives the buffer back and disables the irq */
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 4,
                 VIRTIO_GPIO_DIRECTION_NONE);
    g_assert_cmpuint(vgpio_irq_wait(t, 4), ==,
                     VIRTIO_GPIO_IRQ_STATUS_INVALID);
    type = vgpio_line_str(t, 4, "irq-type");
    g_assert_cmpstr(type, ==, "none");

    /* a latched edge is discarded when the irq is disabled */
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 4,
                 VIRTIO_GPIO_DIRECTION_IN);
    vgpio_gpio_set(t, t->id, 4, false);
    vgpio_irq_enable(t, 4, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING);
    vgpio_gpio_set(t, t->id, 4, true);
    g_assert_true(vgpio_line_bool(t, 4, "irq-latched"));
    vgpio_irq_enable(t, 4, VIRTIO_GPIO_IRQ_TYPE_NONE);
    g_assert_false(vgpio_line_bool(t, 4, "irq-latched"));
    vgpio_irq_enable(t, 4, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING);
    g_assert_cmpint(vgpio_irq_unmask(t, 4), ==, VGPIO_IRQ_HELD);

    /* no irq on an output; no output while an irq is enabled */
    vgpio_req_err(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 4,
                  VIRTIO_GPIO_DIRECTION_OUT);
    vgpio_irq_enable(t, 4, VIRTIO_GPIO_IRQ_TYPE_NONE);
    g_assert_cmpuint(vgpio_irq_wait(t, 4), ==,
                     VIRTIO_GPIO_IRQ_STATUS_INVALID);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 4,
                 VIRTIO_GPIO_DIRECTION_OUT);
    vgpio_req_err(t, VIRTIO_GPIO_MSG_IRQ_TYPE, 4,
                  VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_IRQ_TYPE, 4, VIRTIO_GPIO_IRQ_TYPE_NONE);
}

static void test_bad_requests(VGpio *t)
{
    static const uint32_t bad_irq_types[] = { 5, 6, 7, 9, 12, 0x100,
                                              0xffffffff };
    uint16_t type;
    int i;

    for (type = VIRTIO_GPIO_MSG_GET_DIRECTION;
         type <= VIRTIO_GPIO_MSG_IRQ_TYPE; type++) {
        vgpio_req_err(t, type, VGPIO_NGPIO, 0);
        vgpio_req_err(t, type, 0xffff, 0);
    }
    vgpio_req_err(t, 0, 0, 0);
    vgpio_req_err(t, 7, 0, 0);
    vgpio_req_err(t, 0xffff, 0, 0);
    vgpio_req_err(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 0, 3);
    vgpio_req_err(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 0, 0x102);
    vgpio_req_err(t, VIRTIO_GPIO_MSG_SET_VALUE, 0, 2);
    vgpio_req_err(t, VIRTIO_GPIO_MSG_SET_VALUE, 0, 0x80000001);
    for (i = 0; i < ARRAY_SIZE(bad_irq_types); i++) {
        vgpio_req_err(t, VIRTIO_GPIO_MSG_IRQ_TYPE, 0, bad_irq_types[i]);
    }
    /* state is untouched */
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_DIRECTION, 0), ==,
                     VIRTIO_GPIO_DIRECTION_IN);
    g_assert_false(vgpio_line_bool(t, 0, "output-value"));
}

static void test_reset(VGpio *t)
{
    g_autofree char *dir = NULL, *type = NULL;

    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_VALUE, 6, 1);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 6,
                 VIRTIO_GPIO_DIRECTION_OUT);
    vgpio_irq_setup(t, 7, VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH, false);
    g_assert_true(vgpio_line_bool(t, 7, "irq-unmasked"));

    qvirtio_reset(t->vdev);

    dir = vgpio_line_str(t, 6, "direction");
    g_assert_cmpstr(dir, ==, "in");
    g_assert_false(vgpio_line_bool(t, 6, "output-value"));
    type = vgpio_line_str(t, 7, "irq-type");
    g_assert_cmpstr(type, ==, "none");
    g_assert_false(vgpio_line_bool(t, 7, "irq-unmasked"));
    /* an edge after reset goes nowhere, and QEMU is fine */
    vgpio_gpio_set(t, t->id, 7, true);
    g_assert_false(vgpio_line_bool(t, 7, "irq-latched"));
}

/*
 * Device resets with irqs armed, an edge latched and an output driven,
 * VGPIO_CYCLES times: each reset clears the line state and the irq state,
 * and no eventq buffer of before the reset ever comes back.
 */
static void test_reset_cycles(VGpio *t)
{
    QVirtQueue *reqq = t->reqq, *evtq = t->evtq;
    int i;

    for (i = 0; i < VGPIO_CYCLES; i++) {
        g_autofree char *dir = NULL;

        vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_VALUE, 6, 1);
        vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 6,
                     VIRTIO_GPIO_DIRECTION_OUT);
        vgpio_irq_setup(t, 7, VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH, i & 1);
        vgpio_req_ok(t, VIRTIO_GPIO_MSG_IRQ_TYPE, 5,
                     VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH);
        vgpio_gpio_set(t, t->id, 5, !vgpio_line_bool(t, 5, "input"));
        g_assert_true(vgpio_line_bool(t, 5, "irq-latched"));
        g_assert_true(vgpio_line_bool(t, 7, "irq-unmasked"));

        qvirtio_reset(t->vdev);
        dir = vgpio_line_str(t, 6, "direction");
        g_assert_cmpstr(dir, ==, "in");
        g_assert_false(vgpio_line_bool(t, 5, "irq-latched"));
        g_assert_false(vgpio_line_bool(t, 7, "irq-unmasked"));

        /* the driver sets the device up again, on new queues */
        if (t->reqq != reqq) {
            qvirtqueue_cleanup(t->vdev->bus, t->reqq, t->alloc);
            qvirtqueue_cleanup(t->vdev->bus, t->evtq, t->alloc);
        }
        qvirtio_start_device(t->vdev);
        qvirtio_set_features(t->vdev, t->vdev->features);
        t->reqq = qvirtqueue_setup(t->vdev, t->alloc, 0);
        t->evtq = qvirtqueue_setup(t->vdev, t->alloc, 1);
        qvirtio_set_driver_ok(t->vdev);
        vgpio_gpio_set(t, t->id, 7, !(i & 1));
        vgpio_irq_none(t);
    }
    qvirtqueue_cleanup(t->vdev->bus, t->reqq, t->alloc);
    qvirtqueue_cleanup(t->vdev->bus, t->evtq, t->alloc);
    t->reqq = reqq;
    t->evtq = evtq;
}

typedef struct VGpioDesc {
    uint32_t len;
    bool write;
} VGpioDesc;

/*
 * Queue a malformed chain: the device must mark itself broken
 * (DEVICE_NEEDS_RESET), keep its line state and QEMU must keep running.
 */
static void vgpio_malformed(VGpio *t, QVirtQueue *vq, const VGpioDesc *d,
                            int n)
{
    uint64_t addr[4];
    uint32_t head = 0;
    QDict *resp;
    int i;

    /* some state that must survive */
    vgpio_gpio_set(t, t->id, 3, true);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_VALUE, 5, 1);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 5,
                 VIRTIO_GPIO_DIRECTION_OUT);

    for (i = 0; i < n; i++) {
        uint8_t req[8] = { VIRTIO_GPIO_MSG_GET_NAMES };

        addr[i] = guest_alloc(t->alloc, MAX(d[i].len, 8));
        qtest_memwrite(t->qts, addr[i], req, sizeof(req));
        if (i == 0) {
            head = qvirtqueue_add(t->qts, vq, addr[i], d[i].len, d[i].write,
                                  i + 1 < n);
        } else {
            qvirtqueue_add(t->qts, vq, addr[i], d[i].len, d[i].write,
                           i + 1 < n);
        }
    }
    qvirtqueue_kick(t->qts, t->vdev, vq, head);
    VGPIO_WAIT_FOR(t->vdev->bus->get_status(t->vdev) &
                   VIRTIO_CONFIG_S_NEEDS_RESET, VGPIO_TIMEOUT_US);

    resp = qtest_qmp(t->qts, "{'execute': 'query-status'}");
    g_assert_true(qdict_get_bool(qdict_get_qdict(resp, "return"), "running"));
    qobject_unref(resp);
    g_assert_true(vgpio_line_bool(t, 3, "input"));
    g_assert_true(vgpio_line_bool(t, 5, "value"));
}

static void test_malformed_short_request(VGpio *t)
{
    const VGpioDesc d[] = { { 6, false }, { 2, true } };

    vgpio_malformed(t, t->reqq, d, ARRAY_SIZE(d));
}

static void test_malformed_no_response(VGpio *t)
{
    const VGpioDesc d[] = { { 8, false } };

    vgpio_malformed(t, t->reqq, d, ARRAY_SIZE(d));
}

static void test_malformed_short_response(VGpio *t)
{
    const VGpioDesc d[] = { { 8, false }, { 1, true } };

    /* GET_NAMES needs 1 + gpio_names_size bytes */
    vgpio_malformed(t, t->reqq, d, ARRAY_SIZE(d));
}

static void test_malformed_readonly_response(VGpio *t)
{
    const VGpioDesc d[] = { { 8, false }, { 64, false } };

    vgpio_malformed(t, t->reqq, d, ARRAY_SIZE(d));
}

static void test_malformed_writable_request(VGpio *t)
{
    const VGpioDesc d[] = { { 8, true }, { 64, true } };

    vgpio_malformed(t, t->reqq, d, ARRAY_SIZE(d));
}

static void test_malformed_event(VGpio *t)
{
    const VGpioDesc short_req[] = { { 1, false }, { 1, true } };

    vgpio_malformed(t, t->evtq, short_req, ARRAY_SIZE(short_req));
}

static void test_malformed_event_no_response(VGpio *t)
{
    const VGpioDesc d[] = { { 2, false } };

    vgpio_malformed(t, t->evtq, d, ARRAY_SIZE(d));
}

/*
 * After virtio_error() the device cannot complete an eventq buffer: an
 * edge leaves the buffer queued and the edge latched, for the reset the
 * guest must do, instead of a completion the core would drop.
 */
static void test_malformed_keeps_irqs(VGpio *t)
{
    const VGpioDesc d[] = { { 6, false }, { 2, true } };

    vgpio_irq_setup(t, 0, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);
    vgpio_malformed(t, t->reqq, d, ARRAY_SIZE(d));
    vgpio_gpio_set(t, t->id, 0, true);
    g_assert_true(vgpio_line_bool(t, 0, "irq-unmasked"));
    g_assert_true(vgpio_line_bool(t, 0, "irq-latched"));
    vgpio_irq_none(t);
}

const VGpioCase vgpio_cases[] = {
    { "config", test_config },
    { "names", test_names },
    { "direction", test_direction },
    { "value", test_value },
    { "event-rate", test_event_rate },
    { "monitor", test_monitor, .gpio_set = true },
    { "query-args", test_query_args },
    { "irq-edge", test_irq_edge },
    { "irq-level", test_irq_level },
    { "irq-stopped", test_irq_stopped },
    { "irq-invalid", test_irq_invalid },
    { "bad-requests", test_bad_requests },
    { "reset", test_reset },
    { "reset-cycles", test_reset_cycles },
    { "malformed/short-request", test_malformed_short_request },
    { "malformed/no-response", test_malformed_no_response },
    { "malformed/short-response", test_malformed_short_response },
    { "malformed/readonly-response", test_malformed_readonly_response },
    { "malformed/writable-request", test_malformed_writable_request },
    { "malformed/event-short-request", test_malformed_event },
    { "malformed/event-no-response", test_malformed_event_no_response },
    { "malformed/keeps-irqs", test_malformed_keeps_irqs },
    { NULL, NULL }
};
