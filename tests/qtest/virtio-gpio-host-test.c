/*
 * QTest testcase for the gpio-host backend of virtio-gpio
 *
 * Most of these tests need a real kernel GPIO chip that the test can
 * drive: a gpio-sim chip, given by the environment:
 *   VGPIO_HOST_CHIP  the chip's path (/dev/gpiochipN), 8 lines named
 *                    button, led, "", reset, then unnamed
 *   VGPIO_SIM_DEV    its gpio-sim device name, for "gpio-sim.sh"
 * Without them those tests are skipped.  project/run-host-tests.sh runs
 * them in a Linux guest with gpio-sim.
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest-single.h"
#include "qemu/module.h"
#include "qemu/bswap.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qjson.h"
#include "libqos/qgraph.h"
#include "libqos/virtio-gpio.h"
#include "standard-headers/linux/virtio_gpio.h"
#include "virtio-gpio-utils.h"

#define HOST_TIMEOUT_US (30 * 1000 * 1000)

typedef struct HostTest {
    const char *opts;       /* gpio-host options after chip= */
    const char *extra;      /* more command line */
} HostTest;

static const char *host_chip(void)
{
    return getenv("VGPIO_HOST_CHIP");
}

static void *host_before(GString *cmd_line, void *arg)
{
    const HostTest *ht = arg;

    if (host_chip() && ht->opts) {
        g_string_append_printf(cmd_line, " -object gpio-host,id=gpiobe0,"
                               "chip=%s,%s %s ", host_chip(), ht->opts,
                               ht->extra ?: "");
    } else {
        g_string_append(cmd_line, " " VGPIO_OBJECT " ");
    }
    return arg;
}

static bool host_start(VGpio *t, void *obj, QGuestAllocator *alloc)
{
    if (!host_chip() || !getenv("VGPIO_SIM_DEV")) {
        g_test_skip("no gpio-sim chip (VGPIO_HOST_CHIP, VGPIO_SIM_DEV)");
        return false;
    }
    vgpio_init_node(t, global_qtest, obj, alloc);
    return true;
}

/* The host's gpioinfo says @what (input, output, ...) for @offset */
static bool line_is(unsigned offset, const char *what)
{
    g_autofree char *info = vgpio_host_sh("gpioinfo -c %s %u", host_chip(),
                                    offset);
    g_autofree char *re = g_strdup_printf("\\s%s(\\s|$)", what);

    return g_regex_match_simple(re, info, G_REGEX_MULTILINE, 0);
}

static void wait_line_bool(VGpio *t, unsigned line, const char *key,
                           bool value)
{
    VGPIO_WAIT_FOR(vgpio_line_bool(t, line, key) == value, HOST_TIMEOUT_US);
}

static void test_lines(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;
    QDict *resp, *c;
    QList *lines;
    g_autofree char *info = NULL;
    static const char *const names[] = { "led", "reset", NULL, NULL };
    QListEntry *e;
    int i = 0;

    if (!host_start(&t, obj, alloc)) {
        return;
    }
    resp = qtest_qmp(t.qts, "{'execute': 'query-gpio'}");
    c = qobject_to(QDict, qlist_peek(qdict_get_qlist(resp, "return")));
    g_assert_cmpstr(qdict_get_str(c, "type"), ==, "gpio-host");
    lines = qdict_get_qlist(c, "lines");
    QLIST_FOREACH_ENTRY(lines, e) {
        QDict *l = qobject_to(QDict, qlist_entry_obj(e));

        g_assert_cmpint(i, <, ARRAY_SIZE(names));
        g_assert_cmpstr(qdict_get_try_str(l, "name"), ==, names[i]);
        i++;
    }
    g_assert_cmpint(i, ==, 4);
    qobject_unref(resp);

    /* the host sees who holds which line (quoted if the line is named) */
    info = vgpio_host_sh("gpioinfo -c %s", host_chip());
    g_assert(g_regex_match_simple("line +1:.*consumer=\"?qemu:gpiobe0", info,
                                  G_REGEX_MULTILINE, 0));
    g_assert(g_regex_match_simple("line +5:.*consumer=\"?qemu:gpiobe0", info,
                                  G_REGEX_MULTILINE, 0));
    g_assert_false(g_regex_match_simple("line +0:.*qemu:gpiobe0", info,
                                        G_REGEX_MULTILINE, 0));
    g_assert_false(g_regex_match_simple("line +2:.*qemu:gpiobe0", info,
                                        G_REGEX_MULTILINE, 0));

    /* guest line 1 is host line 3 */
    vgpio_sim_pull(3, true);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 1), ==, 1);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 0), ==, 0);
    vgpio_sim_pull(3, false);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 1), ==, 0);
}

static void test_outputs(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;

    if (!host_start(&t, obj, alloc)) {
        return;
    }
    vgpio_sim_pull(1, false);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 1);
    g_assert_cmpint(vgpio_sim_value(1), ==, 0);   /* not an output yet */
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_OUT);
    g_assert_cmpint(vgpio_sim_value(1), ==, 1);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 0);
    g_assert_cmpint(vgpio_sim_value(1), ==, 0);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 1);
    g_assert_cmpint(vgpio_sim_value(1), ==, 1);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 1), ==, 1);
    /*
     * An input again: the pull decides (gpio-sim applies it when the pull
     * is set, not when the line becomes an input)
     */
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_IN);
    g_assert(line_is(1, "input"));
    vgpio_sim_pull(1, false);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 1), ==, 0);
    /* a reset makes it an input too */
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 6,
                 VIRTIO_GPIO_DIRECTION_OUT);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 6, 1);
    g_assert_cmpint(vgpio_sim_value(6), ==, 1);
    g_assert(line_is(6, "output"));
    qvirtio_reset(t.vdev);
    g_assert(line_is(6, "input"));
}

static void test_inputs(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;
    int i;

    if (!host_start(&t, obj, alloc)) {
        return;
    }
    for (i = 0; i < 3; i++) {
        vgpio_sim_pull(2, !(i & 1));
        g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 2), ==,
                         !(i & 1));
    }
}

/* Edge interrupts; @line of the guest is host offset @line too */
static void test_irq_edge(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;

    if (!host_start(&t, obj, alloc)) {
        return;
    }
    /* rising: the falling edge before it does not count */
    vgpio_sim_pull(0, true);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 0,
                 VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING);
    g_assert_cmpint(vgpio_irq_unmask(&t, 0), ==, VGPIO_IRQ_HELD);
    vgpio_sim_pull(0, false);
    vgpio_sim_pull(0, true);
    g_assert_cmpuint(vgpio_irq_wait(&t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_false(vgpio_line_bool(&t, 0, "irq-latched"));

    /* masked: edges are latched, and collapse into one */
    vgpio_sim_pull(0, false);
    vgpio_sim_pull(0, true);
    vgpio_sim_pull(0, false);
    vgpio_sim_pull(0, true);
    wait_line_bool(&t, 0, "irq-latched", true);
    vgpio_irq_queue(&t, 0);
    g_assert_cmpuint(vgpio_irq_wait(&t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_cmpint(vgpio_irq_unmask(&t, 0), ==, VGPIO_IRQ_HELD);
    g_assert_false(vgpio_line_bool(&t, 0, "irq-latched"));

    /* falling */
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 0, VIRTIO_GPIO_IRQ_TYPE_NONE);
    g_assert_cmpuint(vgpio_irq_wait(&t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_INVALID);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 0,
                 VIRTIO_GPIO_IRQ_TYPE_EDGE_FALLING);
    g_assert_cmpint(vgpio_irq_unmask(&t, 0), ==, VGPIO_IRQ_HELD);
    vgpio_sim_pull(0, false);
    g_assert_cmpuint(vgpio_irq_wait(&t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_cmpint(vgpio_irq_unmask(&t, 0), ==, VGPIO_IRQ_HELD);
    vgpio_sim_pull(0, true);
    vgpio_sim_pull(0, false);
    g_assert_cmpuint(vgpio_irq_wait(&t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);

    /* both */
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 0,
                 VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH);
    g_assert_cmpint(vgpio_irq_unmask(&t, 0), ==, VGPIO_IRQ_HELD);
    vgpio_sim_pull(0, true);
    g_assert_cmpuint(vgpio_irq_wait(&t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_cmpint(vgpio_irq_unmask(&t, 0), ==, VGPIO_IRQ_HELD);
    vgpio_sim_pull(0, false);
    g_assert_cmpuint(vgpio_irq_wait(&t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_cmpint(vgpio_irq_unmask(&t, 0), ==, VGPIO_IRQ_HELD);
    g_assert_false(vgpio_line_bool(&t, 0, "irq-latched"));
}

static void irq_level(VGpio *t, bool high)
{
    vgpio_sim_pull(4, !high);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_IRQ_TYPE, 4,
                 high ? VIRTIO_GPIO_IRQ_TYPE_LEVEL_HIGH :
                 VIRTIO_GPIO_IRQ_TYPE_LEVEL_LOW);
    g_assert_cmpint(vgpio_irq_unmask(t, 4), ==, VGPIO_IRQ_HELD);
    vgpio_sim_pull(4, high);
    g_assert_cmpuint(vgpio_irq_wait(t, 4), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    /* still active: again on every unmask */
    vgpio_irq_queue(t, 4);
    g_assert_cmpuint(vgpio_irq_wait(t, 4), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_sim_pull(4, !high);
    g_assert_cmpint(vgpio_irq_unmask(t, 4), ==, VGPIO_IRQ_HELD);
    vgpio_sim_pull(4, high);
    g_assert_cmpuint(vgpio_irq_wait(t, 4), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_sim_pull(4, !high);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_IRQ_TYPE, 4, VIRTIO_GPIO_IRQ_TYPE_NONE);
}

static void test_irq_level(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;

    if (!host_start(&t, obj, alloc)) {
        return;
    }
    irq_level(&t, true);
    irq_level(&t, false);
}

/* input-only=2, read-only=reset (3) */
/* How many times the host reported a reconfiguration of a watched line */
static unsigned reconfigured(const char *log)
{
    g_autofree char *out = vgpio_host_sh("cat %s", log);
    char **l, **lines = g_strsplit(out, "\n", -1);
    unsigned n = 0;

    for (l = lines; *l; l++) {
        n += strstr(*l, "reconfigured") != NULL;
    }
    g_strfreev(lines);
    return n;
}

static void wait_reconfigured(const char *log, unsigned n)
{
    VGPIO_WAIT_FOR(reconfigured(log) >= n, HOST_TIMEOUT_US);
    g_assert_cmpuint(reconfigured(log), ==, n);
}

/* The CPU time QEMU's threads have used, in ns */
static uint64_t qemu_cpu_ns(VGpio *t)
{
    g_autofree char *dir = g_strdup_printf("/proc/%d/task",
                                           qtest_pid(t->qts));
    g_autoptr(GDir) tasks = g_dir_open(dir, 0, NULL);
    const char *task;
    uint64_t ns = 0;

    g_assert_nonnull(tasks);
    while ((task = g_dir_read_name(tasks))) {
        g_autofree char *path = g_strdup_printf("%s/%s/schedstat", dir, task);
        g_autofree char *stat = NULL;

        if (g_file_get_contents(path, &stat, NULL, NULL)) {
            ns += g_ascii_strtoull(stat, NULL, 10);
        }
    }
    return ns;
}

/*
 * @n SET_VALUE requests on @line; returns the CPU time QEMU spent per
 * request, in us (with the qtest protocol's share)
 */
static double set_value_loop(VGpio *t, unsigned line, unsigned n)
{
    uint64_t start = qemu_cpu_ns(t);
    unsigned i;

    for (i = 0; i < n; i++) {
        vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_VALUE, line, i & 1);
    }
    return (qemu_cpu_ns(t) - start) / 1e3 / n;
}

#define HOST_LOOP 200

/*
 * What the host chip sees of the guest's requests: a SET_VALUE on a line
 * that is not an output only stores the value, with no call into the
 * kernel (on a chip behind a slow bus, each call is a transfer).  The
 * kernel reports every reconfiguration of a line to gpionotify.  The
 * CPU times printed are those of this run (qtest, QEMU in a TCG guest),
 * for comparison only.
 */
static void test_requests(void *obj, void *data, QGuestAllocator *alloc)
{
    g_autofree char *dir = g_dir_make_tmp("vgpio-notify-XXXXXX", NULL);
    g_autofree char *log = g_strdup_printf("%s/log", dir);
    g_autofree char *pid = NULL;
    double in_us, out_us;
    VGpio t;

    if (!host_start(&t, obj, alloc)) {
        return;
    }
    pid = vgpio_host_sh("sh -c 'gpionotify -c %s -e reconfigured 4 >%s 2>&1 "
                        "& echo $!'", host_chip(), log);
    /* gpionotify is watching once it sees the first reconfiguration */
    while (reconfigured(log) == 0) {
        vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 4,
                     VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING);
        vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 4,
                     VIRTIO_GPIO_IRQ_TYPE_NONE);
        g_usleep(10 * 1000);
    }
    g_usleep(100 * 1000);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 4,
                 VIRTIO_GPIO_DIRECTION_IN);
    wait_reconfigured(log, reconfigured(log));

    {
        unsigned before = reconfigured(log);

        in_us = set_value_loop(&t, 4, HOST_LOOP);
        /* the same direction again changes nothing either */
        vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 4,
                     VIRTIO_GPIO_DIRECTION_IN);
        /* an output: one reconfiguration, then one value per request */
        vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 4,
                     VIRTIO_GPIO_DIRECTION_OUT);
        wait_reconfigured(log, before + 1);
        out_us = set_value_loop(&t, 4, HOST_LOOP);
        g_assert_cmpint(vgpio_sim_value(4), ==, (HOST_LOOP - 1) & 1);
        g_assert_cmpuint(reconfigured(log), ==, before + 1);
    }
    g_test_message("QEMU CPU time per SET_VALUE of an input: %.1f us; of an "
                   "output: %.1f us", in_us, out_us);

    g_free(vgpio_host_sh("kill %s", pid));
    unlink(log);
    rmdir(dir);
}

static void test_access(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;

    if (!host_start(&t, obj, alloc)) {
        return;
    }
    vgpio_sim_pull(2, true);
    vgpio_sim_pull(3, true);
    vgpio_req_err(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 2,
                  VIRTIO_GPIO_DIRECTION_OUT);
    vgpio_req_err(&t, VIRTIO_GPIO_MSG_SET_VALUE, 2, 1);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 2), ==, 1);
    vgpio_req_err(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 3,
                  VIRTIO_GPIO_DIRECTION_OUT);
    vgpio_req_err(&t, VIRTIO_GPIO_MSG_SET_VALUE, 3, 1);
    vgpio_req_err(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 3,
                  VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 3,
                 VIRTIO_GPIO_DIRECTION_NONE);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 3), ==, 1);
    g_assert_cmpint(vgpio_sim_value(2), ==, 1);
    g_assert_cmpint(vgpio_sim_value(3), ==, 1);
    vgpio_sim_pull(3, false);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 3), ==, 0);
}

static void object_add_error(const char *args, const char *error)
{
    QDict *err = qtest_qmp_assert_failure_ref(global_qtest,
                                              "{'execute': 'object-add', "
                                              "'arguments': {'qom-type': "
                                              "'gpio-host', 'id': 'x', "
                                              "'chip': %s, 'lines': [%s]}}",
                                              host_chip(), args);

    g_assert_cmpstr(qdict_get_str(err, "desc"), ==, error);
    qobject_unref(err);
}

/* Errors at object creation that need a chip */
static void test_errors(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;
    g_autofree char *range = NULL, *busy = NULL, *name = NULL;

    if (!host_start(&t, obj, alloc)) {
        return;
    }
    range = g_strdup_printf("lines of GPIO chip '%s': line 8 is out of "
                            "range (8 lines)", host_chip());
    object_add_error("6-8", range);
    name = g_strdup_printf("lines of GPIO chip '%s': no line is named "
                           "'nosuch'", host_chip());
    object_add_error("nosuch", name);
    g_free(name);
    /* gpiobe0 holds lines 0-2 */
    busy = g_strdup_printf("line 2 of GPIO chip '%s' is busy: used by "
                           "'qemu:gpiobe0'", host_chip());
    object_add_error("4,2", busy);
    /* a free line is fine, and its own consumer label shows */
    qtest_qmp_assert_success(global_qtest, "{'execute': 'object-add', 'arguments': "
                             "{'qom-type': 'gpio-host', 'id': 'x', 'chip': %s, "
                             "'lines': ['reset', '7'], 'consumer': 'second'}}",
                             host_chip());
    g_free(vgpio_host_sh("sh -c 'gpioinfo -c %s | grep -q \"line *7:.*second\"'",
                   host_chip()));

    /* the chip by its name (gpiochipN) and by its label */
    name = g_path_get_basename(host_chip());
    qtest_qmp_assert_success(global_qtest, "{'execute': 'object-add', 'arguments': "
                             "{'qom-type': 'gpio-host', 'id': 'y', 'chip': %s, "
                             "'lines': ['6']}}", name);
    qtest_qmp_assert_success(global_qtest, "{'execute': 'object-add', 'arguments': "
                             "{'qom-type': 'gpio-host', 'id': 'z', 'chip': %s, "
                             "'lines': ['5']}}", getenv("VGPIO_SIM_DEV"));
    g_free(vgpio_host_sh("sh -c 'gpioinfo -c %s | grep -q \"line *5:.*qemu:z\"'",
                   host_chip()));
}

/*
 * The chip goes away under QEMU: requests fail, QEMU stays.  The last
 * test: the chip comes back under a new number while QEMU holds the old.
 */
static void test_chip_gone(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;
    g_autofree char *gone = NULL;

    if (!host_start(&t, obj, alloc)) {
        return;
    }
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 0,
                 VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH);
    gone = vgpio_host_sh("sh -c 'echo 0 > /sys/kernel/config/gpio-sim/%s/live'",
                   getenv("VGPIO_SIM_DEV"));
    vgpio_req_err(&t, VIRTIO_GPIO_MSG_GET_VALUE, 0, 0);
    vgpio_req_err(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                  VIRTIO_GPIO_DIRECTION_OUT);
    /* refused: the line state is as it was */
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_DIRECTION, 1), ==,
                     VIRTIO_GPIO_DIRECTION_IN);
    qtest_qmp_assert_success(global_qtest, "{'execute': 'query-gpio'}");
    g_free(vgpio_host_sh("sh -c 'echo 1 > /sys/kernel/config/gpio-sim/%s/live'",
                   getenv("VGPIO_SIM_DEV")));
}

/* QEMU runs as nobody (-run-with user=): the chip is root's */
static void test_permission(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;
    g_autofree char *error = NULL;

    if (!host_start(&t, obj, alloc)) {
        return;
    }
    g_free(vgpio_host_sh("chmod 600 %s", host_chip()));
    error = g_strdup_printf("cannot open GPIO chip '%s': Permission denied",
                            host_chip());
    object_add_error("7", error);
    /* the lines it opened before it gave up root still work */
    vgpio_sim_pull(0, true);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 0), ==, 1);
}

/* Errors that need no chip; run wherever gpio-host is built */
static void test_no_chip(void *obj, void *data, QGuestAllocator *alloc)
{
    static const struct {
        const char *chip;
        const char *error;
    } bad[] = {
        { "/dev/nonexistent", "no GPIO chip '/dev/nonexistent'" },
        { "/dev/null", "'/dev/null' is not a GPIO chip" },
        { "/tmp", "'/tmp' is not a GPIO chip" },
        { "nosuchlabel", "no GPIO chip 'nosuchlabel' (not a path, a "
          "gpiochipN name or the label of a chip)" },
    };
    QDict *resp = qtest_qmp(global_qtest, "{'execute': 'qom-list-types', "
                            "'arguments': {'implements': 'gpio-backend'}}");
    g_autoptr(GString) types = qobject_to_json(qdict_get(resp, "return"));
    unsigned i;

    qobject_unref(resp);
    if (!strstr(types->str, "\"gpio-host\"")) {
        g_test_skip("QEMU is built without libgpiod");
        return;
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        QDict *err = qtest_qmp_assert_failure_ref(global_qtest,
                                                  "{'execute': 'object-add', "
                                                  "'arguments': {'qom-type': "
                                                  "'gpio-host', 'id': 'x', "
                                                  "'chip': %s, "
                                                  "'lines': ['0']}}",
                                                  bad[i].chip);

        g_assert_cmpstr(qdict_get_str(err, "desc"), ==, bad[i].error);
        qobject_unref(err);
    }
}

static const HostTest host_all = { .opts = "lines=0-7" };
static const HostTest host_mapped = { .opts = "lines=1,,3-5" };
static const HostTest host_access = {
    .opts = "lines=0-7,input-only=2,read-only=reset",
};
static const HostTest host_some = { .opts = "lines=0-2" };
static const HostTest host_nobody = {
    .opts = "lines=0", .extra = "-run-with user=65534:65534",
};
static const HostTest host_none = { };

static void register_virtio_gpio_host_test(void)
{
    QOSGraphTestOptions opts = {
        .before = host_before,
        .edge.extra_device_opts = "gpio=gpiobe0",
    };

    opts.arg = (void *)&host_mapped;
    qos_add_test("host/lines", "virtio-gpio", test_lines, &opts);
    opts.arg = (void *)&host_all;
    qos_add_test("host/outputs", "virtio-gpio", test_outputs, &opts);
    qos_add_test("host/inputs", "virtio-gpio", test_inputs, &opts);
    qos_add_test("host/irq-edge", "virtio-gpio", test_irq_edge, &opts);
    qos_add_test("host/irq-level", "virtio-gpio", test_irq_level, &opts);
    qos_add_test("host/requests", "virtio-gpio", test_requests, &opts);
    opts.arg = (void *)&host_access;
    qos_add_test("host/access", "virtio-gpio", test_access, &opts);
    opts.arg = (void *)&host_some;
    qos_add_test("host/errors", "virtio-gpio", test_errors, &opts);
    opts.arg = (void *)&host_nobody;
    qos_add_test("host/permission", "virtio-gpio", test_permission, &opts);
    opts.arg = (void *)&host_none;
    qos_add_test("host/no-chip", "virtio-gpio", test_no_chip, &opts);
    opts.arg = (void *)&host_some;
    qos_add_test("host/chip-gone", "virtio-gpio", test_chip_gone, &opts);
}

libqos_init(register_virtio_gpio_host_test);
