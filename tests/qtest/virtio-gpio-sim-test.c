/*
 * QTest testcase for recording GPIO lines and playing stimuli on the VM
 * clock, with virtio-gpio as the frontend
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
#include "libqos/virtio-gpio.h"
#include "virtio-gpio-cases.h"

/* The lines of VGPIO_OBJECT as the recording names them */
static const char *const line_names[VGPIO_NGPIO] = {
    "button", "led", "line2", "reset", "line4", "line5", "line6", "line7",
};

/*
 * qos-test reuses the QEMU of the test before when the command line is
 * the same; a recording, a stimulus or the clock of one test must not
 * reach the next: name the VM after the test.
 */
static void *sim_before(GString *cmd_line, void *arg)
{
    g_string_append_printf(cmd_line, " " VGPIO_OBJECT " -name %s ",
                           (const char *)arg);
    return arg;
}

static char *sim_tmpfile(const char *name)
{
    g_autofree char *dir = g_dir_make_tmp("vgpio-sim-XXXXXX", NULL);

    g_assert(dir);
    return g_build_filename(dir, name, NULL);
}

static void sim_rmfile(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);

    unlink(path);
    rmdir(dir);
}

/*
 * The VM clock as the test last stepped it: qtest has no command to read
 * it, and only the test steps it.  0 until the first step of a test.
 */
static int64_t sim_clock;

static void sim_init(VGpio *t, void *obj, QGuestAllocator *alloc)
{
    vgpio_init_node(t, global_qtest, obj, alloc);
    sim_clock = 0;
}

static int64_t sim_now(VGpio *t)
{
    if (!sim_clock) {
        sim_clock = qtest_clock_step(t->qts, 1);
    }
    return sim_clock;
}

/* Step the VM clock to @when */
static void sim_step_to(VGpio *t, int64_t when)
{
    int64_t now = sim_now(t);

    g_assert_cmpint(when, >=, now);
    if (when > now) {
        sim_clock = qtest_clock_step(t->qts, when - now);
        g_assert_cmpint(sim_clock, ==, when);
    }
}

static void sim_step(VGpio *t, int64_t ns)
{
    sim_step_to(t, sim_now(t) + ns);
}

static bool sim_input(VGpio *t, unsigned line)
{
    return vgpio_line_bool(t, line, "input");
}

/*
 * The file the recording of VGPIO_OBJECT starts with, at @start, with
 * every line an input at level 0 (the format of backends/gpio-record.c:
 * wire w of line l has identifier '!' + 3 * l + w)
 */
static void sim_vcd_header(GString *s, int64_t start)
{
    static const char *const suffix[] = { "", "_in", "_irq" };
    int l, w;

    g_string_append(s, "$comment QEMU gpio backend gpiobe0 (gpio-dummy), "
                    "8 lines $end\n$timescale 1ns $end\n"
                    "$scope module gpiobe0 $end\n");
    for (l = 0; l < VGPIO_NGPIO; l++) {
        for (w = 0; w < 3; w++) {
            g_string_append_printf(s, "$var wire 1 %c %s%s $end\n",
                                   '!' + 3 * l + w, line_names[l], suffix[w]);
        }
    }
    g_string_append_printf(s, "$upscope $end\n$enddefinitions $end\n"
                           "#%" PRId64 "\n$dumpvars\n", start);
    for (l = 0; l < VGPIO_NGPIO; l++) {
        for (w = 0; w < 3; w++) {
            g_string_append_printf(s, "0%c\n", '!' + 3 * l + w);
        }
    }
    g_string_append(s, "$end\n");
}

static void sim_vcd_change(GString *s, int64_t time, unsigned line,
                           unsigned wire, char value)
{
    if (time >= 0) {
        g_string_append_printf(s, "#%" PRId64 "\n", time);
    }
    g_string_append_printf(s, "%c%c\n", value, '!' + 3 * line + wire);
}

static void sim_assert_file(const char *path, const char *want)
{
    g_autofree char *got = NULL;

    g_assert_true(g_file_get_contents(path, &got, NULL, NULL));
    g_assert_cmpstr(got, ==, want);
}

static char *sim_recording(VGpio *t)
{
    QDict *resp = qtest_qmp(t->qts, "{'execute': 'query-gpio', "
                            "'arguments': {'id': 'gpiobe0', 'count': 0}}");
    QDict *c = vgpio_controller(resp, "gpiobe0");
    char *path = g_strdup(qdict_get_try_str(c, "recording"));

    qobject_unref(resp);
    return path;
}

/*
 * A scripted sequence in qtest's virtual time gives exactly this file:
 * the guest driving an output and releasing it, the host setting an
 * input, an interrupt delivered and the guest ready for the next.
 */
static void test_record(void *obj, void *data, QGuestAllocator *alloc)
{
    g_autofree char *path = sim_tmpfile("rec.vcd");
    g_autofree char *got_path = NULL;
    g_autofree char *hmp = NULL;
    g_autofree char *want_hmp = NULL;
    g_autoptr(GString) want = g_string_new(NULL);
    VGpio t;
    int64_t t0;

    sim_init(&t, obj, alloc);
    t0 = sim_now(&t);
    qtest_qmp_assert_success(t.qts, "{'execute': 'gpio-record-start', "
                             "'arguments': {'id': 'gpio0', 'path': %s}}",
                             path);
    got_path = sim_recording(&t);
    g_assert_cmpstr(got_path, ==, path);
    hmp = qtest_hmp(t.qts, "info gpio");
    want_hmp = g_strdup_printf("gpiobe0 (gpio-dummy), device gpio0, "
                               "recording to %s:\r\n", path);
    g_assert_true(g_str_has_prefix(hmp, want_hmp));
    sim_vcd_header(want, t0);

    /* the guest drives led high: the value counts once it is an output */
    sim_step_to(&t, t0 + 1000);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 1);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_OUT);
    sim_vcd_change(want, t0 + 1000, 1, 0, '1');

    /* the host presses the button */
    sim_step_to(&t, t0 + 1500);
    vgpio_gpio_set(&t, "gpiobe0", 0, true);
    sim_vcd_change(want, t0 + 1500, 0, 0, '1');
    sim_vcd_change(want, -1, 0, 1, '1');

    /* the host sets an output's input level: only _in changes */
    vgpio_gpio_set(&t, "gpiobe0", 1, true);
    sim_vcd_change(want, -1, 1, 1, '1');

    /* a falling edge interrupt, armed with nothing recorded */
    vgpio_irq_setup(&t, 0, VIRTIO_GPIO_IRQ_TYPE_EDGE_FALLING, true);
    sim_step_to(&t, t0 + 3500);
    vgpio_gpio_set(&t, "gpiobe0", 0, false);
    g_assert_cmpuint(vgpio_irq_wait(&t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    sim_vcd_change(want, t0 + 3500, 0, 0, '0');
    sim_vcd_change(want, -1, 0, 1, '0');
    sim_vcd_change(want, -1, 0, 2, '1');

    /* the guest is ready for the next */
    sim_step_to(&t, t0 + 6500);
    g_assert_cmpint(vgpio_irq_unmask(&t, 0), ==, VGPIO_IRQ_HELD);
    sim_vcd_change(want, t0 + 6500, 0, 2, '0');

    /* the guest releases led: high impedance */
    sim_step_to(&t, t0 + 10500);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_NONE);
    sim_vcd_change(want, t0 + 10500, 1, 0, 'z');

    /* what the file has so far is complete when the VM stops */
    qtest_qmp_assert_success(t.qts, "{'execute': 'stop'}");
    sim_assert_file(path, want->str);
    qtest_qmp_assert_success(t.qts, "{'execute': 'cont'}");

    /* stopping writes the end time */
    sim_step_to(&t, t0 + 20000);
    qtest_qmp_assert_success(t.qts, "{'execute': 'gpio-record-stop', "
                             "'arguments': {'id': 'gpiobe0'}}");
    g_string_append_printf(want, "#%" PRId64 "\n", t0 + 20000);
    sim_assert_file(path, want->str);
    g_assert_null(sim_recording(&t));

    /* nothing is written after the stop */
    vgpio_gpio_set(&t, "gpiobe0", 0, true);
    sim_assert_file(path, want->str);
    sim_rmfile(path);
}

static void test_record_errors(void *obj, void *data, QGuestAllocator *alloc)
{
    static const VGpioQmpError bad[] = {
        { "{'execute': 'gpio-record-start', 'arguments': "
          "{'id': 'nosuch', 'path': '/tmp/x.vcd'}}",
          "'nosuch' is neither a gpio backend nor a device using one" },
        { "{'execute': 'gpio-record-start', 'arguments': "
          "{'id': '%s', 'path': '/nonexistent/x.vcd'}}",
          "gpio backend 'gpiobe0': Could not create '/nonexistent/x.vcd': "
          "No such file or directory" },
        { "{'execute': 'gpio-record-stop', 'arguments': {'id': '%s'}}",
          "gpio backend 'gpiobe0' is not recording" },
        { "{'execute': 'qom-set', 'arguments': {'path': '/objects/gpiobe0', "
          "'property': 'record', 'value': '/tmp/x.vcd'}}",
          "property 'record' cannot be set after the backend is opened; "
          "use gpio-record-start" },
    };
    g_autofree char *path = sim_tmpfile("rec.vcd");
    g_autofree char *got = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    QDict *err;
    VGpio t;

    sim_init(&t, obj, alloc);
    vgpio_qmp_assert_errors(t.qts, t.id, bad, ARRAY_SIZE(bad));
    /* a failed start leaves nothing half-started */
    g_assert_null(sim_recording(&t));

    qtest_qmp_assert_success(t.qts, "{'execute': 'gpio-record-start', "
                             "'arguments': {'id': 'gpiobe0', 'path': %s}}",
                             path);
    g_assert_true(g_file_get_contents(path, &before, NULL, NULL));
    err = qtest_qmp_assert_failure_ref(t.qts, "{'execute': "
                                       "'gpio-record-start', 'arguments': "
                                       "{'id': 'gpio0', 'path': "
                                       "'/tmp/other.vcd'}}");
    got = g_strdup_printf("gpio backend 'gpiobe0' is already recording to "
                          "'%s'", path);
    g_assert_cmpstr(qdict_get_str(err, "desc"), ==, got);
    qobject_unref(err);
    /* the first recording goes on */
    g_assert_false(g_file_test("/tmp/other.vcd", G_FILE_TEST_EXISTS));
    g_free(got);
    got = sim_recording(&t);
    g_assert_cmpstr(got, ==, path);
    sim_step(&t, 100);
    vgpio_gpio_set(&t, "gpiobe0", 2, true);
    qtest_qmp_assert_success(t.qts, "{'execute': 'gpio-record-stop', "
                             "'arguments': {'id': 'gpio0'}}");
    g_assert_true(g_file_get_contents(path, &after, NULL, NULL));
    g_assert_true(g_str_has_prefix(after, before));
    g_assert_nonnull(strstr(after + strlen(before), "\n1'\n"));
    sim_rmfile(path);
}

/*
 * A recording for a whole run (the record property) is complete when
 * QEMU exits: the file ends with the time of the exit.  No frontend is
 * needed: the monitor sets the backend's lines.
 */
static void test_record_exit(void)
{
    g_autofree char *path = sim_tmpfile("run.vcd");
    g_autofree char *got = NULL;
    g_autofree char *tail = NULL;
    QTestState *qts = qtest_initf("-machine none -object gpio-dummy,id=g,"
                                  "ngpio=2,names=a,record=%s", path);
    int64_t end;

    qtest_clock_step(qts, 1000);
    qtest_qmp_assert_success(qts, "{'execute': 'gpio-set', 'arguments': "
                             "{'id': 'g', 'name': 'a', 'value': true}}");
    end = qtest_clock_step(qts, 500);
    qtest_quit(qts);
    g_assert_true(g_file_get_contents(path, &got, NULL, NULL));
    g_assert_nonnull(strstr(got, "$var wire 1 ! a $end\n"
                            "$var wire 1 \" a_in $end\n"));
    tail = g_strdup_printf("\n#%" PRId64 "\n1!\n1\"\n#%" PRId64 "\n",
                           end - 500, end);
    g_assert_true(g_str_has_suffix(got, tail));
    sim_rmfile(path);
}

static void sim_start(VGpio *t, const char *steps_json)
{
    qtest_qmp_assert_success(t->qts, "{'execute': 'gpio-stimulus-start', "
                             "'arguments': %p}",
                             qobject_from_json(steps_json, &error_abort));
}

static QList *sim_stimuli(VGpio *t)
{
    QDict *resp = qtest_qmp(t->qts, "{'execute': 'query-gpio-stimuli'}");
    QList *list = qdict_get_qlist(resp, "return");

    g_assert(list);
    qobject_ref(list);
    qobject_unref(resp);
    return list;
}

static int sim_nstimuli(VGpio *t)
{
    QList *list = sim_stimuli(t);
    int n = qlist_size(list);

    qobject_unref(list);
    return n;
}

static void sim_wait_done(VGpio *t, const char *name)
{
    QDict *ev = qtest_qmp_eventwait_ref(t->qts, "GPIO_STIMULUS_DONE");
    QDict *d = qdict_get_qdict(ev, "data");

    g_assert_cmpstr(qdict_get_str(d, "backend"), ==, "gpiobe0");
    g_assert_cmpstr(qdict_get_str(d, "stimulus"), ==, name);
    qobject_unref(ev);
}

/* A key press of exactly 50 ms, and the interrupt at its end */
static void test_stimulus(void *obj, void *data, QGuestAllocator *alloc)
{
    QList *list;
    QDict *info;
    VGpio t;
    int64_t t0;

    sim_init(&t, obj, alloc);
    vgpio_irq_setup(&t, 0, VIRTIO_GPIO_IRQ_TYPE_EDGE_FALLING, false);
    t0 = sim_now(&t);
    sim_start(&t, "{'id': 'gpio0', 'stimulus': 'press', 'steps': "
              "[{'name': 'button', 'value': true}, "
              "{'delay': 50000000, 'line': 0, 'value': false}]}");
    /* the first step is played before the command returns */
    g_assert_true(sim_input(&t, 0));

    list = sim_stimuli(&t);
    g_assert_cmpint(qlist_size(list), ==, 1);
    info = qobject_to(QDict, qlist_peek(list));
    g_assert_cmpstr(qdict_get_str(info, "backend"), ==, "gpiobe0");
    g_assert_cmpstr(qdict_get_str(info, "stimulus"), ==, "press");
    g_assert_cmpint(qdict_get_int(info, "steps"), ==, 2);
    g_assert_cmpint(qdict_get_int(info, "next-step"), ==, 1);
    g_assert_cmpint(qdict_get_int(info, "next-time"), ==, t0 + 50000000);
    g_assert_cmpint(qdict_get_int(info, "repeat"), ==, 0);
    g_assert_cmpint(qlist_size(qdict_get_qlist(info, "lines")), ==, 1);
    qobject_unref(list);

    /* 1 ns early, nothing; on time, the release and its interrupt */
    sim_step_to(&t, t0 + 50000000 - 1);
    g_assert_true(sim_input(&t, 0));
    vgpio_irq_none(&t);
    sim_step_to(&t, t0 + 50000000);
    g_assert_false(sim_input(&t, 0));
    g_assert_cmpuint(vgpio_irq_wait(&t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    sim_wait_done(&t, "press");
    list = sim_stimuli(&t);
    g_assert_cmpint(qlist_size(list), ==, 0);
    qobject_unref(list);
}

/* A square wave until cancelled, and absolute times */
static void test_stimulus_repeat(void *obj, void *data,
                                 QGuestAllocator *alloc)
{
    g_autofree char *at = NULL;
    VGpio t;
    int64_t t0;
    int i;

    sim_init(&t, obj, alloc);
    t0 = sim_now(&t);
    sim_start(&t, "{'id': 'gpiobe0', 'stimulus': 'clock', 'steps': "
              "[{'line': 4, 'value': true}, "
              "{'delay': 300, 'line': 4, 'value': false}], "
              "'period': 1000, 'repeat': 0}");
    for (i = 0; i < 5; i++) {
        g_assert_true(sim_input(&t, 4));
        sim_step_to(&t, t0 + i * 1000 + 299);
        g_assert_true(sim_input(&t, 4));
        sim_step_to(&t, t0 + i * 1000 + 300);
        g_assert_false(sim_input(&t, 4));
        sim_step_to(&t, t0 + i * 1000 + 999);
        g_assert_false(sim_input(&t, 4));
        sim_step_to(&t, t0 + (i + 1) * 1000);
    }
    g_assert_true(sim_input(&t, 4));
    /* a large step plays every edge in between: it ends where it should */
    sim_step_to(&t, t0 + 100 * 1000 + 500);
    g_assert_false(sim_input(&t, 4));

    /* cancelled, the line keeps its level */
    qtest_qmp_assert_success(t.qts, "{'execute': 'gpio-stimulus-cancel', "
                             "'arguments': {'id': 'gpio0', "
                             "'stimulus': 'clock'}}");
    sim_step_to(&t, t0 + 200 * 1000);
    g_assert_false(sim_input(&t, 4));

    /* three times through, then done */
    t0 = sim_now(&t);
    sim_start(&t, "{'id': 'gpiobe0', 'stimulus': 'three', 'steps': "
              "[{'delay': 10, 'line': 5, 'value': true}, "
              "{'delay': 10, 'line': 5, 'value': false}], 'repeat': 3}");
    for (i = 0; i < 3; i++) {
        sim_step_to(&t, t0 + i * 20 + 10);
        g_assert_true(sim_input(&t, 5));
        sim_step_to(&t, t0 + i * 20 + 20);
        g_assert_false(sim_input(&t, 5));
    }
    sim_wait_done(&t, "three");

    /* absolute times */
    t0 = sim_now(&t);
    at = g_strdup_printf("{'id': 'gpiobe0', 'stimulus': 'at', 'steps': "
                         "[{'at': %" PRId64 ", 'line': 6, 'value': true}, "
                         "{'delay': 5, 'line': 6, 'value': false}]}",
                         t0 + 777);
    sim_start(&t, at);
    sim_step_to(&t, t0 + 776);
    g_assert_false(sim_input(&t, 6));
    sim_step_to(&t, t0 + 777);
    g_assert_true(sim_input(&t, 6));
    sim_step_to(&t, t0 + 782);
    g_assert_false(sim_input(&t, 6));
    sim_wait_done(&t, "at");
}

/* A stimulus waits while the VM is stopped, and blocks migration */
static void test_stimulus_stop(void *obj, void *data, QGuestAllocator *alloc)
{
    QDict *err;
    VGpio t;
    int64_t t0;

    sim_init(&t, obj, alloc);
    t0 = sim_now(&t);
    sim_start(&t, "{'id': 'gpiobe0', 'stimulus': 's', 'steps': "
              "[{'delay': 1000, 'line': 3, 'value': true}]}");
    err = qtest_qmp_assert_failure_ref(t.qts, "{'execute': 'migrate', "
                                       "'arguments': {'uri': "
                                       "'exec:cat >/dev/null'}}");
    g_assert_cmpstr(qdict_get_str(err, "desc"), ==,
                    "gpio backend 'gpiobe0' plays a stimulus");
    qobject_unref(err);

    qtest_qmp_assert_success(t.qts, "{'execute': 'stop'}");
    sim_step_to(&t, t0 + 5000);
    g_assert_false(sim_input(&t, 3));
    qtest_qmp_assert_success(t.qts, "{'execute': 'cont'}");
    sim_step(&t, 1);
    g_assert_true(sim_input(&t, 3));
    sim_wait_done(&t, "s");
    /* done: migration may go */
    g_assert_cmpint(sim_nstimuli(&t), ==, 0);
}

static void test_stimulus_errors(void *obj, void *data,
                                 QGuestAllocator *alloc)
{
    static const VGpioQmpError bad[] = {
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': 'nosuch', "
          "'stimulus': 'a', 'steps': [{'line': 0, 'value': true}]}}",
          "'nosuch' is neither a gpio backend nor a device using one" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'a'}}",
          "give either 'steps' or 'vcd'" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'a', 'steps': [{'line': 0, 'value': true}], "
          "'vcd': '/tmp/x.vcd'}}",
          "give either 'steps' or 'vcd'" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'a', 'steps': [], 'vcd': '/tmp/x.vcd'}}",
          "give either 'steps' or 'vcd'" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'a', 'steps': []}}",
          "stimulus 'a' has no steps" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'a', 'steps': [{'line': 8, 'value': true}]}}",
          "line 8 is out of range (the backend has 8 lines)" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'a', 'steps': [{'name': 'nosuch', 'value': true}]}}",
          "step 0: no line is named 'nosuch'" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'a', 'steps': [{'value': true}]}}",
          "step 0: give either 'line' or 'name'" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'a', 'steps': [{'line': 0, 'value': true, "
          "'delay': 1, 'at': 1}]}}",
          "step 0 gives both 'delay' and 'at'" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'a', 'steps': [{'line': 0, 'value': true, "
          "'at': 1}], 'repeat': 2}}",
          "step 0: a repeated stimulus takes no 'at'" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'a', 'steps': [{'line': 0, 'value': true}], "
          "'repeat': 0}}",
          "a repeated stimulus needs a period above 0" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'a', 'steps': [{'line': 0, 'value': true, "
          "'delay': 100}], 'repeat': 2, 'period': 99}}",
          "the period of stimulus 'a' is shorter than its steps" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'b', 'steps': [{'line': 1, 'value': true, "
          "'delay': 100}]}}",
          "gpio backend 'gpiobe0' has a stimulus 'b' already" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'c', 'steps': [{'line': 2, 'value': true}, "
          "{'line': 3, 'value': true, 'delay': 100}]}}",
          "line 3 of gpio backend 'gpiobe0' is set by stimulus 'b' "
          "already" },
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': '%s', "
          "'stimulus': 'a', 'vcd': '/nonexistent.vcd'}}",
          "Could not open '/nonexistent.vcd': No such file or directory" },
        { "{'execute': 'gpio-stimulus-cancel', 'arguments': {'id': '%s', "
          "'stimulus': 'nosuch'}}",
          "gpio backend 'gpiobe0' has no stimulus 'nosuch'" },
        { "{'execute': 'query-gpio-stimuli', 'arguments': "
          "{'id': 'nosuch'}}",
          "'nosuch' is neither a gpio backend nor a device using one" },
    };
    QDict *err;
    VGpio t;

    sim_init(&t, obj, alloc);
    sim_start(&t, "{'id': 'gpiobe0', 'stimulus': 'b', 'steps': "
              "[{'delay': 100000, 'line': 3, 'value': true}]}");
    vgpio_qmp_assert_errors(t.qts, t.id, bad, ARRAY_SIZE(bad));

    /* a time in the past, and steps out of order */
    sim_step(&t, 1000);
    err = qtest_qmp_assert_failure_ref(t.qts, "{'execute': "
                                       "'gpio-stimulus-start', 'arguments': "
                                       "{'id': 'gpiobe0', 'stimulus': 'a', "
                                       "'steps': [{'at': 10, 'line': 0, "
                                       "'value': true}]}}");
    g_assert_true(g_str_has_prefix(qdict_get_str(err, "desc"),
                                   "step 0: time 10 is in the past"));
    qobject_unref(err);
    err = qtest_qmp_assert_failure_ref(t.qts, "{'execute': "
                                       "'gpio-stimulus-start', 'arguments': "
                                       "{'id': 'gpiobe0', 'stimulus': 'a', "
                                       "'steps': [{'delay': 5000, 'line': 0, "
                                       "'value': true}, {'at': %" PRId64
                                       ", 'line': 0, 'value': false}]}}",
                                       sim_now(&t) + 4000);
    g_assert_cmpstr(qdict_get_str(err, "desc"), ==,
                    "step 1 comes before the one before it");
    qobject_unref(err);

    /* nothing was started by the failures */
    g_assert_cmpint(sim_nstimuli(&t), ==, 1);
    g_assert_false(sim_input(&t, 0));
    g_assert_false(sim_input(&t, 2));
}

static void sim_write(const char *path, const char *text)
{
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

/* Playing a VCD file: timescale, names, lineN, NAME_in, ignored wires */
static void test_stimulus_vcd(void *obj, void *data, QGuestAllocator *alloc)
{
    g_autofree char *path = sim_tmpfile("stim.vcd");
    g_autofree char *args = g_strdup_printf("{'id': 'gpiobe0', "
                                            "'stimulus': 'f', 'vcd': '%s'}",
                                            path);
    VGpio t;
    int64_t t0;

    sim_init(&t, obj, alloc);
    sim_write(path,
              "$date today $end\n"
              "$timescale 10 us $end\n"
              "$scope module board $end\n"
              "$var wire 1 ! button $end\n"
              "$var wire 1 \" reset $end\n"
              "$var wire 1 # reset_in $end\n"
              "$var wire 1 $ line5 $end\n"
              "$var wire 4 % bus $end\n"
              "$var wire 1 & other $end\n"
              "$upscope $end\n"
              "$enddefinitions $end\n"
              "#100\n"
              "$dumpvars\n1! 1\" 0# 0$ b0000 % x& $end\n"
              "#103\n0! 1# 1\"\n"
              "#110\n"
              "1$ b1010 % 1& z!\n"
              "#111\n0$\n");
    t0 = sim_now(&t);
    sim_start(&t, args);
    /* time 100 is the start; "reset" gives way to "reset_in" */
    g_assert_true(sim_input(&t, 0));
    g_assert_false(sim_input(&t, 3));
    g_assert_false(sim_input(&t, 5));
    sim_step_to(&t, t0 + 30000 - 1);
    g_assert_true(sim_input(&t, 0));
    sim_step_to(&t, t0 + 30000);
    g_assert_false(sim_input(&t, 0));
    g_assert_true(sim_input(&t, 3));
    sim_step_to(&t, t0 + 100000);
    g_assert_true(sim_input(&t, 5));
    /* z is no change */
    g_assert_false(sim_input(&t, 0));
    sim_step_to(&t, t0 + 110000);
    g_assert_false(sim_input(&t, 5));
    sim_wait_done(&t, "f");
    sim_rmfile(path);
}

/* A malformed file is refused with its line */
static void test_stimulus_vcd_errors(void *obj, void *data,
                                     QGuestAllocator *alloc)
{
    static const struct {
        const char *text;
        const char *error;
    } bad[] = {
        { "$timescale 3 ns $end\n", "1: bad $timescale '3ns'" },
        { "$comment a $end\n\n$timescale 1 ly $end\n",
          "3: bad $timescale '1ly'" },
        { "$var wire 1 ! button\n", "1: $var without $end" },
        { "$var wire 1 ! $end\n", "1: short $var" },
        { "$var wire x ! button $end\n", "1: bad size 'x' of $var" },
        { "$var wire 1 ! button $end\n$var wire 1 ! reset $end\n",
          "2: identifier '!' stands for two lines" },
        { "$var wire 1 ! nosuch $end\n$enddefinitions $end\n",
          "names none of the lines of the backend" },
        { "$var wire 1 ! button $end\n", "1: no $enddefinitions" },
        { "$var wire 1 ! button $end\n$enddefinitions $end\n#5\n1!\n#4\n",
          "5: time 4 goes back" },
        { "$var wire 1 ! button $end\n$enddefinitions $end\n#5\n1?\n",
          "4: undeclared identifier '?'" },
        { "$var wire 1 ! button $end\n$enddefinitions $end\n#x\n",
          "3: bad time '#x'" },
        { "$var wire 1 ! button $end\n$enddefinitions $end\n\n\nq!\n",
          "5: bad value change 'q!'" },
        { "$var wire 1 ! button $end\n$enddefinitions $end\nb01 !\n",
          "3: vector value for a line" },
        { "$var wire 1 ! button $end\nstray\n",
          "2: unexpected 'stray' in the header" },
    };
    g_autofree char *path = sim_tmpfile("bad.vcd");
    VGpio t;
    int i;

    sim_init(&t, obj, alloc);
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        g_autofree char *want = g_strdup_printf("%s%s%s", path,
                                                bad[i].error[0] == 'n' ?
                                                " " : ":", bad[i].error);
        QDict *err;

        sim_write(path, bad[i].text);
        err = qtest_qmp_assert_failure_ref(t.qts, "{'execute': "
                                           "'gpio-stimulus-start', "
                                           "'arguments': {'id': 'gpiobe0', "
                                           "'stimulus': 'f', 'vcd': %s}}",
                                           path);
        g_assert_cmpstr(qdict_get_str(err, "desc"), ==, want);
        qobject_unref(err);
    }
    /* a file that sets a line but never changes it */
    sim_write(path, "$var wire 1 ! button $end\n$enddefinitions $end\n#5\n");
    vgpio_qmp_assert_errors(t.qts, path, (VGpioQmpError[]) {
        { "{'execute': 'gpio-stimulus-start', 'arguments': {'id': 'gpiobe0', "
          "'stimulus': 'f', 'vcd': '%s'}}", "stimulus 'f' has no steps" } },
        1);
    g_assert_cmpint(sim_nstimuli(&t), ==, 0);
    sim_rmfile(path);
}

/* A recording played back sets the inputs as they were recorded */
static void test_record_replay(void *obj, void *data, QGuestAllocator *alloc)
{
    g_autofree char *path = sim_tmpfile("rec.vcd");
    g_autofree char *args = g_strdup_printf("{'id': 'gpiobe0', "
                                            "'stimulus': 'replay', "
                                            "'vcd': '%s'}", path);
    static const struct {
        int64_t delay;
        unsigned line;
        bool value;
    } seq[] = {
        { 100, 7, true }, { 1234, 0, true }, { 0, 3, true }, { 20, 0, false },
        { 5, 7, false }, { 1000000, 3, false },
    };
    VGpio t;
    int64_t t1;
    int i;

    sim_init(&t, obj, alloc);
    /* the guest drives line 3 meanwhile: the file's "reset" differs */
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 3,
                 VIRTIO_GPIO_DIRECTION_OUT);
    sim_now(&t);
    qtest_qmp_assert_success(t.qts, "{'execute': 'gpio-record-start', "
                             "'arguments': {'id': 'gpiobe0', 'path': %s}}",
                             path);
    for (i = 0; i < ARRAY_SIZE(seq); i++) {
        sim_step(&t, seq[i].delay);
        vgpio_gpio_set(&t, "gpiobe0", seq[i].line, seq[i].value);
    }
    qtest_qmp_assert_success(t.qts, "{'execute': 'gpio-record-stop', "
                             "'arguments': {'id': 'gpiobe0'}}");

    /* the levels at the start of the recording */
    vgpio_gpio_set(&t, "gpiobe0", 7, true);
    vgpio_gpio_set(&t, "gpiobe0", 0, true);
    t1 = sim_now(&t);
    sim_start(&t, args);
    g_assert_false(sim_input(&t, 7));
    g_assert_false(sim_input(&t, 0));
    for (i = 0; i < ARRAY_SIZE(seq); i++) {
        t1 += seq[i].delay;
        if (seq[i].delay) {
            sim_step_to(&t, t1 - 1);
            g_assert_cmpint(sim_input(&t, seq[i].line), !=, seq[i].value);
            sim_step_to(&t, t1);
        }
        g_assert_cmpint(sim_input(&t, seq[i].line), ==, seq[i].value);
    }
    sim_wait_done(&t, "replay");
    sim_rmfile(path);
}

static void register_virtio_gpio_sim_test(void)
{
    static const struct {
        const char *name;
        QOSTestFunc fn;
    } tests[] = {
        { "record", test_record },
        { "record-errors", test_record_errors },
        { "record-replay", test_record_replay },
        { "stimulus", test_stimulus },
        { "stimulus-repeat", test_stimulus_repeat },
        { "stimulus-stop", test_stimulus_stop },
        { "stimulus-errors", test_stimulus_errors },
        { "stimulus-vcd", test_stimulus_vcd },
        { "stimulus-vcd-errors", test_stimulus_vcd_errors },
    };
    QOSGraphTestOptions opts = {
        .before = sim_before,
        .edge.extra_device_opts = "gpio=gpiobe0",
    };
    int i;

    for (i = 0; i < ARRAY_SIZE(tests); i++) {
        g_autofree char *name = g_strdup_printf("sim/%s", tests[i].name);

        opts.arg = (void *)tests[i].name;
        qos_add_test(name, "virtio-gpio", tests[i].fn, &opts);
    }
    /* once, with no device: for the x86_64 target */
    if (!strcmp(qtest_get_arch(), "x86_64")) {
        qtest_add_func("/virtio-gpio/sim/record-exit", test_record_exit);
    }
}

libqos_init(register_virtio_gpio_sim_test);
