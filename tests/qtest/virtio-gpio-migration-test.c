/*
 * QTest for the live migration of virtio-gpio (virtio-gpio-device on
 * microvm), with the gpio-dummy and gpio-chardev backends
 *
 * The test plays the guest driver on the source, migrates to a second
 * QEMU over a unix socket and goes on driving the same virtqueues on the
 * destination: the irqs armed, the edges latched and the eventq buffers
 * queued on the source must behave on the destination as if nothing had
 * happened.
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "libqtest.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qjson.h"
#include "virtio-gpio-cases.h"

#define MIGRATION_TIMEOUT_US (60 * G_USEC_PER_SEC)

typedef struct Migration {
    char *dir;
    char *uri;
} Migration;

static void mig_init(Migration *m)
{
    m->dir = g_dir_make_tmp("vgpio-migration-XXXXXX", NULL);
    g_assert(m->dir);
    m->uri = g_strdup_printf("unix:%s/migration.sock", m->dir);
}

static void mig_cleanup(Migration *m)
{
    g_autofree char *sock = g_strdup_printf("%s/migration.sock", m->dir);

    unlink(sock);
    g_assert_cmpint(rmdir(m->dir), ==, 0);
    g_free(m->dir);
    g_free(m->uri);
}

/* Start the destination: the same machine, waiting for the migration */
static QTestState *mig_dest(Migration *m, const char *devices)
{
    g_autofree char *args = g_strdup_printf("%s -incoming %s", devices,
                                            m->uri);

    return vgpio_mmio_start(args);
}

/* Migrate @from to m->uri; returns the final status of the migration */
static char *migrate(QTestState *from, Migration *m)
{
    gint64 deadline = g_get_monotonic_time() + MIGRATION_TIMEOUT_US;

    qtest_qmp_assert_success(from, "{'execute': 'migrate', 'arguments': "
                             "{'uri': %s}}", m->uri);
    for (;;) {
        QDict *rsp = qtest_qmp_assert_success_ref(from, "{'execute': "
                                                  "'query-migrate'}");
        g_autofree char *status = g_strdup(qdict_get_try_str(rsp, "status"));

        qobject_unref(rsp);
        if (status && (!strcmp(status, "completed") ||
                       !strcmp(status, "failed"))) {
            return g_steal_pointer(&status);
        }
        g_assert(g_get_monotonic_time() < deadline);
        g_usleep(10 * 1000);
    }
}

/*
 * The lines of controller @id in query-gpio, as JSON, without the irq
 * counters (they count what happened in one QEMU, and do not migrate)
 */
static char *query_lines(QTestState *qts, const char *id)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-gpio'}");
    QList *list = qdict_get_qlist(rsp, "return");
    QListEntry *e, *l;
    char *json = NULL;

    QLIST_FOREACH_ENTRY(list, e) {
        QDict *c = qobject_to(QDict, qlist_entry_obj(e));

        if (!g_strcmp0(qdict_get_try_str(c, "device"), id)) {
            QList *lines = qdict_get_qlist(c, "lines");
            GString *s;

            QLIST_FOREACH_ENTRY(lines, l) {
                QDict *line = qobject_to(QDict, qlist_entry_obj(l));

                qdict_del(line, "irq-edges");
                qdict_del(line, "irq-events");
            }
            s = qobject_to_json(QOBJECT(lines));

            json = g_string_free(s, false);
        }
    }
    qobject_unref(rsp);
    g_assert(json);
    return json;
}

/* Go on driving the device of @v on @to, the destination */
static void mig_switch(VGpioMMIO *v, QTestState *to)
{
    v->t.qts = to;
    v->dev.qts = to;
}

/*
 * The source state: line 0 edge-rising armed (buffer queued); line 1
 * edge-both masked with an edge latched; line 2 an output driving 1;
 * line 3 level-high armed while low; line 4 an input at 1; line 5
 * edge-falling armed; line 6 level-low masked while active (the guest
 * has not unmasked it again yet).
 */
static void source_setup(VGpio *t)
{
    vgpio_irq_setup(t, 0, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);

    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_IN);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_IRQ_TYPE, 1,
                 VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH);
    vgpio_gpio_set(t, t->id, 1, true);
    vgpio_gpio_set(t, t->id, 1, false);
    g_assert_true(vgpio_line_bool(t, 1, "irq-latched"));

    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_VALUE, 2, 1);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, 2,
                 VIRTIO_GPIO_DIRECTION_OUT);

    vgpio_irq_setup(t, 3, VIRTIO_GPIO_IRQ_TYPE_LEVEL_HIGH, false);
    vgpio_gpio_set(t, t->id, 4, true);
    vgpio_irq_setup(t, 5, VIRTIO_GPIO_IRQ_TYPE_EDGE_FALLING, true);

    vgpio_irq_setup(t, 6, VIRTIO_GPIO_IRQ_TYPE_LEVEL_LOW, true);
    vgpio_gpio_set(t, t->id, 6, false);
    g_assert_cmpuint(vgpio_irq_wait(t, 6), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_irq_none(t);
}

/* On the destination, every irq goes on where it was */
static void dest_check(VGpio *t)
{
    /* what the guest set and the inputs */
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_DIRECTION, 2), ==,
                     VIRTIO_GPIO_DIRECTION_OUT);
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_VALUE, 2), ==, 1);
    g_assert_cmpuint(vgpio_get(t, VIRTIO_GPIO_MSG_GET_VALUE, 4), ==, 1);
    vgpio_irq_none(t);

    /* the latched edge: delivered once, on the next unmask */
    g_assert_cmpint(vgpio_irq_unmask(t, 1), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_cmpint(vgpio_irq_unmask(t, 1), ==, VGPIO_IRQ_HELD);

    /* the buffers queued on the source come back from the destination */
    vgpio_gpio_set(t, t->id, 0, true);
    g_assert_cmpuint(vgpio_irq_wait(t, 0), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_gpio_set(t, t->id, 3, true);
    g_assert_cmpuint(vgpio_irq_wait(t, 3), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_gpio_set(t, t->id, 5, false);
    g_assert_cmpuint(vgpio_irq_wait(t, 5), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);

    /* the level that stayed active is there at the next unmask */
    g_assert_cmpint(vgpio_irq_unmask(t, 6), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_gpio_set(t, t->id, 6, true);
    g_assert_cmpint(vgpio_irq_unmask(t, 6), ==, VGPIO_IRQ_HELD);

    /* the line 1 buffer is armed: the next edge comes through */
    vgpio_gpio_set(t, t->id, 1, true);
    g_assert_cmpuint(vgpio_irq_wait(t, 1), ==, VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_irq_none(t);

    /* and requests go on */
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_VALUE, 2, 0);
    g_assert_false(vgpio_line_bool(t, 2, "value"));
}

#define DUMMY_DEVICES VGPIO_OBJECT " -device virtio-gpio-device," \
    VGPIO_DEVICE_OPTS

static void test_migrate(void)
{
    Migration m;
    QTestState *src, *dst;
    VGpioMMIO v = { 0 };
    g_autofree char *before = NULL, *after = NULL, *status = NULL;

    mig_init(&m);
    src = vgpio_mmio_start(DUMMY_DEVICES);
    dst = mig_dest(&m, DUMMY_DEVICES);
    vgpio_mmio_setup(&v, src, 0, "gpio0");
    source_setup(&v.t);
    before = query_lines(src, "gpio0");

    status = migrate(src, &m);
    g_assert_cmpstr(status, ==, "completed");
    qtest_qmp_eventwait(dst, "RESUME");
    after = query_lines(dst, "gpio0");
    g_assert_cmpstr(after, ==, before);

    mig_switch(&v, dst);
    dest_check(&v.t);

    vgpio_mmio_teardown(&v);
    qtest_quit(src);
    qtest_quit(dst);
    mig_cleanup(&m);
}

/*
 * A destination that does not match is refused; the source goes on with
 * its state intact.
 */
static void migrate_refused(const char *dest_devices)
{
    Migration m;
    QTestState *src, *dst;
    VGpioMMIO v = { 0 };
    g_autofree char *before = NULL, *after = NULL, *status = NULL;

    mig_init(&m);
    src = vgpio_mmio_start(DUMMY_DEVICES);
    dst = mig_dest(&m, dest_devices);
    qtest_set_expected_status(dst, EXIT_FAILURE);
    vgpio_mmio_setup(&v, src, 0, "gpio0");
    source_setup(&v.t);
    before = query_lines(src, "gpio0");

    /*
     * The source may have sent everything before the destination gave
     * up: it says "completed" then.  The destination must fail.
     */
    status = migrate(src, &m);
    qtest_quit(dst);

    qtest_qmp_assert_success(src, "{'execute': 'cont'}");
    after = query_lines(src, "gpio0");
    g_assert_cmpstr(after, ==, before);
    dest_check(&v.t);

    vgpio_mmio_teardown(&v);
    qtest_quit(src);
    mig_cleanup(&m);
}

static void test_other_ngpio(void)
{
    migrate_refused("-object gpio-dummy,id=gpiobe0,ngpio=4 "
                    "-device virtio-gpio-device," VGPIO_DEVICE_OPTS);
}

static void test_input_only(void)
{
    /* line 2 is an output on the source */
    migrate_refused(VGPIO_OBJECT ",input-only=2 "
                    "-device virtio-gpio-device," VGPIO_DEVICE_OPTS);
}

static void test_irq_off(void)
{
    /* the source queued eventq buffers, the destination has no eventq */
    migrate_refused(DUMMY_DEVICES ",irq=off");
}

/*
 * gpio-chardev: the destination's peer, connected before the migration,
 * hears MIGRATED and the state of every line once it has come in.
 */
static void test_chardev(void)
{
    Migration m;
    QTestState *src, *dst;
    VGpioMMIO v = { 0 };
    VGpioPeer peer;
    g_autofree char *path = NULL, *dst_devices = NULL, *status = NULL;
    g_autofree char *line = NULL;

    mig_init(&m);
    path = g_strdup_printf("%s/peer.sock", m.dir);
    dst_devices = g_strdup_printf(
        "-chardev socket,id=sim,path=%s,server=on,wait=off "
        "-object gpio-chardev,id=gpiobe0,chardev=sim,ngpio=8,names=button,"
        "names=led,names=,names=reset -device virtio-gpio-device,"
        VGPIO_DEVICE_OPTS, path);
    src = vgpio_mmio_start(DUMMY_DEVICES);
    dst = mig_dest(&m, dst_devices);
    vgpio_peer_connect(&peer, path);
    do {
        g_free(line);
        line = vgpio_peer_readline(&peer);
    } while (strcmp(line, "END"));

    vgpio_mmio_setup(&v, src, 0, "gpio0");
    source_setup(&v.t);
    status = migrate(src, &m);
    g_assert_cmpstr(status, ==, "completed");

    vgpio_peer_expect(&peer, "MIGRATED");
    vgpio_peer_expect(&peer, "LINE 0 dir=in value=0 input=0 "
                      "irq=edge-rising name=button");
    vgpio_peer_expect(&peer, "LINE 1 dir=in value=0 input=0 "
                      "irq=edge-both name=led");
    vgpio_peer_expect(&peer, "LINE 2 dir=out value=1 input=0 irq=none name=");
    vgpio_peer_expect(&peer, "LINE 3 dir=in value=0 input=0 "
                      "irq=level-high name=reset");
    vgpio_peer_expect(&peer, "LINE 4 dir=in value=0 input=1 irq=none name=");
    vgpio_peer_expect(&peer, "LINE 5 dir=in value=0 input=1 "
                      "irq=edge-falling name=");
    vgpio_peer_expect(&peer, "LINE 6 dir=in value=0 input=0 "
                      "irq=level-low name=");
    vgpio_peer_expect(&peer, "LINE 7 dir=in value=0 input=0 irq=none name=");
    vgpio_peer_expect(&peer, "END");

    /* the peer drives the inputs of the destination now */
    mig_switch(&v, dst);
    qtest_qmp_eventwait(dst, "RESUME");
    vgpio_peer_sends(&peer, "SET button 1\n");
    vgpio_peer_expect(&peer, "OK");
    g_assert_cmpuint(vgpio_irq_wait(&v.t, 0), ==,
                     VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_cmpint(vgpio_irq_unmask(&v.t, 1), ==,
                    VIRTIO_GPIO_IRQ_STATUS_VALID);
    vgpio_req_ok(&v.t, VIRTIO_GPIO_MSG_SET_VALUE, 2, 0);
    vgpio_peer_expect(&peer, "VALUE 2 0");

    vgpio_peer_close(&peer);
    vgpio_mmio_teardown(&v);
    qtest_quit(src);
    qtest_quit(dst);
    unlink(path);
    mig_cleanup(&m);
}

/*
 * gpio-host, inside the test guest of project/run-host-tests.sh: save the
 * VM to a file with an output driven and an irq armed, quit, make an edge
 * on the chip while no QEMU runs, and restore: the destination drives the
 * output again and delivers the edge it did not see happen.
 */
static void test_host(void)
{
    const char *chip = getenv("VGPIO_HOST_CHIP");
    Migration m;
    QTestState *src, *dst;
    VGpioMMIO v = { 0 };
    g_autofree char *devices = NULL, *uri = NULL, *args = NULL;
    g_autofree char *status = NULL, *path = NULL;

    if (!chip || !getenv("VGPIO_SIM_DEV")) {
        g_test_skip("no gpio-sim chip (VGPIO_HOST_CHIP, VGPIO_SIM_DEV)");
        return;
    }
    mig_init(&m);
    path = g_strdup_printf("%s/state", m.dir);
    uri = g_strdup_printf("file:%s", path);
    devices = g_strdup_printf("-object gpio-host,id=gpiobe0,chip=%s,"
                              "lines=0-7 -device virtio-gpio-device,"
                              VGPIO_DEVICE_OPTS, chip);
    vgpio_sim_pull(0, false);
    vgpio_sim_pull(1, false);
    src = vgpio_mmio_start(devices);
    vgpio_mmio_setup(&v, src, 0, "gpio0");
    vgpio_req_ok(&v.t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 1);
    vgpio_req_ok(&v.t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_OUT);
    g_assert_cmpint(vgpio_sim_value(1), ==, 1);
    vgpio_req_ok(&v.t, VIRTIO_GPIO_MSG_SET_DIRECTION, 0,
                 VIRTIO_GPIO_DIRECTION_IN);
    vgpio_req_ok(&v.t, VIRTIO_GPIO_MSG_IRQ_TYPE, 0,
                 VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING);
    g_assert_cmpint(vgpio_irq_unmask(&v.t, 0), ==, VGPIO_IRQ_HELD);

    qtest_qmp_assert_success(src, "{'execute': 'stop'}");
    g_free(m.uri);
    m.uri = g_strdup(uri);
    status = migrate(src, &m);
    g_assert_cmpstr(status, ==, "completed");
    qtest_quit(src);

    /* nobody holds the lines: the output is gone, an edge comes */
    g_assert_cmpint(vgpio_sim_value(1), ==, 0);
    vgpio_sim_pull(0, true);

    args = g_strdup_printf("%s -incoming %s", devices, uri);
    dst = vgpio_mmio_start(args);
    mig_switch(&v, dst);
    g_assert_cmpint(vgpio_sim_value(1), ==, 1);
    g_assert_true(vgpio_line_bool(&v.t, 0, "irq-latched"));
    qtest_qmp_assert_success(dst, "{'execute': 'cont'}");
    g_assert_cmpuint(vgpio_irq_wait(&v.t, 0), ==,
                     VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_false(vgpio_line_bool(&v.t, 0, "irq-latched"));
    vgpio_irq_none(&v.t);

    vgpio_mmio_teardown(&v);
    qtest_quit(dst);
    unlink(path);
    mig_cleanup(&m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!qtest_has_machine("microvm") ||
        !qtest_has_device("virtio-gpio-device")) {
        g_test_skip("microvm or virtio-gpio-device not available");
        return g_test_run();
    }
    qtest_add_func("virtio-gpio/migration/armed-latched-queued", test_migrate);
    qtest_add_func("virtio-gpio/migration/other-ngpio", test_other_ngpio);
    qtest_add_func("virtio-gpio/migration/input-only", test_input_only);
    qtest_add_func("virtio-gpio/migration/irq-off", test_irq_off);
    qtest_add_func("virtio-gpio/migration/chardev", test_chardev);
    qtest_add_func("virtio-gpio/migration/host", test_host);
    return g_test_run();
}
