/*
 * QTest for the PL061 of arm virt on a gpio-backend (-M virt,pl061-gpio=ID)
 *
 * The test plays the guest: it programs the PL061's registers and sees
 * the PL061's interrupt line, intercepted, while the monitor (gpio-set,
 * query-gpio) or a gpio-chardev peer plays the world outside.
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
#include "virtio-gpio-utils.h"

/* virt's PL061 (VIRT_GPIO) */
#define PL061_BASE      0x09030000
#define PL061_DATA(m)   (PL061_BASE + ((m) << 2))
#define PL061_DIR       (PL061_BASE + 0x400)
#define PL061_IS        (PL061_BASE + 0x404)
#define PL061_IBE       (PL061_BASE + 0x408)
#define PL061_IEV       (PL061_BASE + 0x40c)
#define PL061_IE        (PL061_BASE + 0x410)
#define PL061_RIS       (PL061_BASE + 0x414)
#define PL061_MIS       (PL061_BASE + 0x418)
#define PL061_IC        (PL061_BASE + 0x41c)

#define MIGRATION_TIMEOUT_US (60 * G_USEC_PER_SEC)

#define VIRT "-M virt,pl061-gpio=gpio0 -cpu max "
#define DUMMY "-object gpio-dummy,id=gpio0,ngpio=8,names=button,names=led "

/* The QOM path of the PL061 of backend @id, from query-gpio */
static char *pl061_path(QTestState *qts, const char *id)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-gpio'}");
    QList *list = qdict_get_qlist(rsp, "return");
    QListEntry *e;
    char *path = NULL;

    QLIST_FOREACH_ENTRY(list, e) {
        QDict *c = qobject_to(QDict, qlist_entry_obj(e));

        if (!strcmp(qdict_get_str(c, "backend"), id)) {
            path = g_strdup(qdict_get_str(c, "qom-path"));
        }
    }
    qobject_unref(rsp);
    g_assert(path);
    return path;
}

/* Start QEMU with @args and intercept the PL061's interrupt line */
static QTestState *pl061_start(const char *args)
{
    QTestState *qts = qtest_init(args);
    g_autofree char *path = pl061_path(qts, "gpio0");

    qtest_irq_intercept_out_named(qts, path, "sysbus-irq");
    return qts;
}

static uint32_t rd(QTestState *qts, uint64_t addr)
{
    return qtest_readl(qts, addr);
}

static void wr(QTestState *qts, uint64_t addr, uint32_t value)
{
    qtest_writel(qts, addr, value);
}

static char *line_str(QTestState *qts, unsigned line, const char *key)
{
    QDict *info = vgpio_query_line(qts, "gpio0", line);
    char *s = g_strdup(qdict_get_str(info, key));

    qobject_unref(info);
    return s;
}

static bool line_bool(QTestState *qts, unsigned line, const char *key)
{
    QDict *info = vgpio_query_line(qts, "gpio0", line);
    bool b = qdict_get_bool(info, key);

    qobject_unref(info);
    return b;
}

static int64_t line_int(QTestState *qts, unsigned line, const char *key)
{
    QDict *info = vgpio_query_line(qts, "gpio0", line);
    int64_t i = qdict_get_int(info, key);

    qobject_unref(info);
    return i;
}

#define assert_line_str(qts, line, key, want) do {          \
        g_autofree char *s_ = line_str(qts, line, key);     \
        g_assert_cmpstr(s_, ==, want);                      \
    } while (0)

static void gpio_set(QTestState *qts, unsigned line, bool value)
{
    qtest_qmp_assert_success(qts, "{'execute': 'gpio-set', 'arguments': "
                             "{'id': 'gpio0', 'line': %u, 'value': %i}}",
                             line, value);
}

/*
 * Directions and output values reach the backend, and the monitor hears
 * of them; a data write changes only the outputs its address selects
 */
static void test_outputs(void)
{
    QTestState *qts = pl061_start(VIRT DUMMY);
    QDict *ev;

    for (unsigned i = 0; i < 8; i++) {
        assert_line_str(qts, i, "direction", "in");
    }
    wr(qts, PL061_DIR, 0x06);
    assert_line_str(qts, 1, "direction", "out");
    assert_line_str(qts, 2, "direction", "out");
    assert_line_str(qts, 0, "direction", "in");
    ev = qtest_qmp_eventwait_ref(qts, "GPIO_LINE_CHANGED");
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(ev, "data"), "name"), ==,
                    "led");
    qobject_unref(ev);

    /* address bits 9:2 select the lines a write changes: line 1 only */
    wr(qts, PL061_DATA(0x02), 0xff);
    g_assert_true(line_bool(qts, 1, "output-value"));
    g_assert_true(line_bool(qts, 1, "value"));
    g_assert_false(line_bool(qts, 2, "output-value"));
    g_assert_cmphex(rd(qts, PL061_DATA(0xff)), ==, 0x02);
    wr(qts, PL061_DATA(0x06), 0x04);
    g_assert_false(line_bool(qts, 1, "output-value"));
    g_assert_true(line_bool(qts, 2, "output-value"));
    g_assert_cmphex(rd(qts, PL061_DATA(0xff)), ==, 0x04);
    /* the level outside does not change what an output drives */
    gpio_set(qts, 2, false);
    g_assert_cmphex(rd(qts, PL061_DATA(0xff)), ==, 0x04);

    /* an input again: it reads the level outside */
    wr(qts, PL061_DIR, 0x00);
    assert_line_str(qts, 2, "direction", "in");
    g_assert_cmphex(rd(qts, PL061_DATA(0xff)), ==, 0x00);

    /* a reset makes every line an input again */
    wr(qts, PL061_DIR, 0x80);
    assert_line_str(qts, 7, "direction", "out");
    qtest_qmp_assert_success(qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(qts, "RESET");
    assert_line_str(qts, 7, "direction", "in");
    g_assert_cmphex(rd(qts, PL061_DIR), ==, 0);
    qtest_quit(qts);
}

/*
 * Input levels set over QMP and HMP are what GPIODATA reads, masked by
 * address
 */
static void test_inputs(void)
{
    QTestState *qts = pl061_start(VIRT DUMMY);
    g_autofree char *hmp = NULL;

    g_assert_cmphex(rd(qts, PL061_DATA(0xff)), ==, 0x00);
    gpio_set(qts, 5, true);
    gpio_set(qts, 0, true);
    g_assert_cmphex(rd(qts, PL061_DATA(0xff)), ==, 0x21);
    g_assert_cmphex(rd(qts, PL061_DATA(0x20)), ==, 0x20);
    g_assert_cmphex(rd(qts, PL061_DATA(0x01)), ==, 0x01);
    g_assert_cmphex(rd(qts, PL061_DATA(0x1e)), ==, 0x00);
    gpio_set(qts, 5, false);
    g_assert_cmphex(rd(qts, PL061_DATA(0xff)), ==, 0x01);
    /* HMP: gpio_set by name, info gpio lists the backend's lines */
    g_free(qtest_hmp(qts, "gpio_set gpio0 led 1"));
    g_assert_cmphex(rd(qts, PL061_DATA(0xff)), ==, 0x03);
    hmp = qtest_hmp(qts, "info gpio");
    g_assert(strstr(hmp, "gpio0"));
    g_assert(strstr(hmp, "button"));
    g_assert(strstr(hmp, "led"));
    g_free(qtest_hmp(qts, "gpio_set gpio0 1 0"));
    /* by name too */
    qtest_qmp_assert_success(qts, "{'execute': 'gpio-set', 'arguments': "
                             "{'id': 'gpio0', 'name': 'button', "
                             "'value': false}}");
    g_assert_cmphex(rd(qts, PL061_DATA(0xff)), ==, 0x00);
    /* the levels survive a reset; the lines' configuration does not */
    gpio_set(qts, 6, true);
    qtest_qmp_assert_success(qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(qts, "RESET");
    g_assert_cmphex(rd(qts, PL061_DATA(0xff)), ==, 0x40);
    qtest_quit(qts);
}

/* One interrupt mode of the PL061, as its registers select it */
typedef struct IrqMode {
    const char *name;
    uint8_t is, ibe, iev;
    const char *irq_type;       /* what the backend is asked for */
    /* the line's level, then whether that raises the interrupt */
    bool rise_irq, fall_irq;
    bool level;
} IrqMode;

static const IrqMode irq_modes[] = {
    { "edge-rising", 0, 0, 1, "edge-rising", true, false, false },
    { "edge-falling", 0, 0, 0, "edge-falling", false, true, false },
    { "edge-both", 0, 1, 0, "edge-both", true, true, false },
    { "level-high", 1, 0, 1, "level-high", true, false, true },
    { "level-low", 1, 0, 0, "level-low", false, true, true },
};

#define LINE 3
#define BIT (1 << LINE)

/* Program line LINE for @m, masked, the line low and nothing latched */
static void irq_setup(QTestState *qts, const IrqMode *m)
{
    wr(qts, PL061_IE, 0);
    gpio_set(qts, LINE, false);
    wr(qts, PL061_IS, m->is ? BIT : 0);
    wr(qts, PL061_IBE, m->ibe ? BIT : 0);
    wr(qts, PL061_IEV, m->iev ? BIT : 0);
    wr(qts, PL061_IC, 0xff);
}

/* Every sense and edge mode raises the PL061's interrupt as it should */
static void test_irq_mode(const void *opaque)
{
    const IrqMode *m = opaque;
    QTestState *qts = pl061_start(VIRT DUMMY);
    /* the level that is active for a level mode */
    bool active = m->level && m->iev;

    irq_setup(qts, m);
    /* masked: the backend is asked for no interrupt */
    assert_line_str(qts, LINE, "irq-type", "none");
    g_assert_false(line_bool(qts, LINE, "irq-unmasked"));
    wr(qts, PL061_IE, BIT);
    assert_line_str(qts, LINE, "irq-type", m->irq_type);
    g_assert_true(line_bool(qts, LINE, "irq-unmasked"));

    if (m->level && !active) {
        /* level low, with the line low: active at once */
        g_assert_true(qtest_get_irq(qts, 0));
        g_assert_cmphex(rd(qts, PL061_MIS), ==, BIT);
        g_assert_false(line_bool(qts, LINE, "irq-latched"));
        /* clearing does not help while the level stays */
        wr(qts, PL061_IC, BIT);
        g_assert_true(qtest_get_irq(qts, 0));
        gpio_set(qts, LINE, true);
        wr(qts, PL061_IC, BIT);
        g_assert_false(qtest_get_irq(qts, 0));
        g_assert_cmphex(rd(qts, PL061_RIS), ==, 0);
        g_assert_cmpint(line_int(qts, LINE, "irq-events"), ==, 1);
        qtest_quit(qts);
        return;
    }
    g_assert_false(qtest_get_irq(qts, 0));

    /* a rising edge */
    gpio_set(qts, LINE, true);
    g_assert_cmpint(qtest_get_irq(qts, 0), ==, m->rise_irq);
    g_assert_cmphex(rd(qts, PL061_RIS), ==, m->rise_irq ? BIT : 0);
    g_assert_cmphex(rd(qts, PL061_MIS), ==, m->rise_irq ? BIT : 0);
    wr(qts, PL061_IC, BIT);
    /* a level interrupt stays while its level does */
    g_assert_cmpint(qtest_get_irq(qts, 0), ==, active);
    gpio_set(qts, LINE, false);
    if (active) {
        g_assert_true(qtest_get_irq(qts, 0));
        wr(qts, PL061_IC, BIT);
        g_assert_false(qtest_get_irq(qts, 0));
    } else {
        /* a falling edge */
        g_assert_cmpint(qtest_get_irq(qts, 0), ==, m->fall_irq);
        g_assert_cmphex(rd(qts, PL061_MIS), ==, m->fall_irq ? BIT : 0);
        wr(qts, PL061_IC, BIT);
        g_assert_false(qtest_get_irq(qts, 0));
    }
    g_assert_cmphex(rd(qts, PL061_RIS), ==, 0);
    g_assert_cmpint(line_int(qts, LINE, "irq-events"), ==,
                    m->rise_irq + m->fall_irq);
    if (!m->level) {
        g_assert_cmpint(line_int(qts, LINE, "irq-edges"), ==,
                        m->rise_irq + m->fall_irq);
    }

    /* an output has no interrupt */
    wr(qts, PL061_DIR, BIT);
    assert_line_str(qts, LINE, "irq-type", "none");
    wr(qts, PL061_DIR, 0);
    assert_line_str(qts, LINE, "irq-type", m->irq_type);
    qtest_quit(qts);
}

/*
 * A masked line latches its edge in RIS only; unmasking it raises the
 * interrupt, and the backend is asked for edges only while unmasked
 */
static void test_irq_mask(void)
{
    QTestState *qts = pl061_start(VIRT DUMMY);

    irq_setup(qts, &irq_modes[0]);
    gpio_set(qts, LINE, true);
    g_assert_false(qtest_get_irq(qts, 0));
    g_assert_cmphex(rd(qts, PL061_RIS), ==, BIT);
    g_assert_cmphex(rd(qts, PL061_MIS), ==, 0);
    g_assert_true(line_bool(qts, LINE, "irq-latched"));
    assert_line_str(qts, LINE, "irq-type", "none");
    wr(qts, PL061_IE, BIT);
    g_assert_true(qtest_get_irq(qts, 0));
    g_assert_cmphex(rd(qts, PL061_MIS), ==, BIT);
    g_assert_false(line_bool(qts, LINE, "irq-latched"));
    assert_line_str(qts, LINE, "irq-type", "edge-rising");
    /* masking it again lowers the interrupt and keeps the latch */
    wr(qts, PL061_IE, 0);
    g_assert_false(qtest_get_irq(qts, 0));
    g_assert_cmphex(rd(qts, PL061_RIS), ==, BIT);
    wr(qts, PL061_IC, BIT);
    g_assert_cmphex(rd(qts, PL061_RIS), ==, 0);
    /* two lines: the interrupt stays up until both are cleared */
    wr(qts, PL061_IEV, 0x03);
    wr(qts, PL061_IE, 0x03);
    gpio_set(qts, 0, true);
    gpio_set(qts, 1, true);
    g_assert_cmphex(rd(qts, PL061_MIS), ==, 0x03);
    wr(qts, PL061_IC, 0x01);
    g_assert_true(qtest_get_irq(qts, 0));
    wr(qts, PL061_IC, 0x02);
    g_assert_false(qtest_get_irq(qts, 0));
    qtest_quit(qts);
}

/*
 * virt's power button is PL061 line 3: it stays when the backend has 3
 * lines or fewer, and the backend's line 3 takes its place otherwise
 */
static void test_power_button(void)
{
    QTestState *qts = pl061_start(VIRT "-object gpio-dummy,id=gpio0,ngpio=3");

    g_assert_cmphex(rd(qts, PL061_DATA(0xff)), ==, 0x00);
    qtest_qmp_assert_success(qts, "{'execute': 'system_powerdown'}");
    g_assert_cmphex(rd(qts, PL061_DATA(0x08)), ==, 0x08);
    qtest_quit(qts);

    qts = pl061_start(VIRT DUMMY);
    qtest_qmp_assert_success(qts, "{'execute': 'system_powerdown'}");
    g_assert_cmphex(rd(qts, PL061_DATA(0x08)), ==, 0x00);
    gpio_set(qts, 3, true);
    g_assert_cmphex(rd(qts, PL061_DATA(0x08)), ==, 0x08);
    qtest_quit(qts);
}

/* A gpio-chardev peer sees what the guest drives and sets the inputs */
static void test_chardev(void)
{
    g_autofree char *dir = g_dir_make_tmp("pl061-gpio-XXXXXX", NULL);
    g_autofree char *sock = g_strdup_printf("%s/sim.sock", dir);
    g_autofree char *args = g_strdup_printf(
        VIRT "-chardev socket,id=sim,path=%s,server=on,wait=off "
        "-object gpio-chardev,id=gpio0,chardev=sim,ngpio=8", sock);
    QTestState *qts = pl061_start(args);
    VGpioPeer peer;
    QDict *rsp;
    char *line;

    vgpio_peer_connect(&peer, sock);
    vgpio_peer_expect(&peer, "HELLO qemu-gpio 1 ngpio=8");
    while (strcmp((line = vgpio_peer_readline(&peer)), "END")) {
        g_assert(g_str_has_prefix(line, "LINE "));
        g_assert(strstr(line, "dir=in"));
        g_free(line);
    }
    g_free(line);

    wr(qts, PL061_DIR, 0x01);
    vgpio_peer_expect(&peer, "DIR 0 out");
    wr(qts, PL061_DATA(0x01), 0x01);
    vgpio_peer_expect(&peer, "VALUE 0 1");

    vgpio_peer_sends(&peer, "SET 4 1\n");
    vgpio_peer_expect(&peer, "OK");
    g_assert_cmphex(rd(qts, PL061_DATA(0xff)), ==, 0x11);

    wr(qts, PL061_IBE, 0x10);
    wr(qts, PL061_IE, 0x10);
    vgpio_peer_expect(&peer, "IRQ 4 edge-both");
    vgpio_peer_sends(&peer, "SET 4 0\n");
    vgpio_peer_expect(&peer, "OK");
    g_assert_true(qtest_get_irq(qts, 0));
    wr(qts, PL061_IC, 0x10);
    g_assert_false(qtest_get_irq(qts, 0));
    wr(qts, PL061_IE, 0);
    vgpio_peer_expect(&peer, "IRQ 4 none");

    /* the monitor does not set the lines of a peer */
    rsp = qtest_qmp(qts, "{'execute': 'gpio-set', 'arguments': "
                    "{'id': 'gpio0', 'line': 4, 'value': true}}");
    g_assert(strstr(qdict_get_str(qdict_get_qdict(rsp, "error"), "desc"),
                    "cannot be set from the monitor"));
    qobject_unref(rsp);
    vgpio_peer_close(&peer);
    qtest_quit(qts);
    unlink(sock);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

/* The lines of gpio0 as JSON, without the counters (they do not move) */
static char *query_lines(QTestState *qts)
{
    QDict *rsp = qtest_qmp(qts, "{'execute': 'query-gpio', "
                           "'arguments': {'id': 'gpio0'}}");
    QDict *c = qobject_to(QDict, qlist_peek(qdict_get_qlist(rsp, "return")));
    QList *lines = qdict_get_qlist(c, "lines");
    QListEntry *e;
    char *json;

    QLIST_FOREACH_ENTRY(lines, e) {
        QDict *l = qobject_to(QDict, qlist_entry_obj(e));

        qdict_del(l, "irq-edges");
        qdict_del(l, "irq-events");
    }
    json = g_string_free(qobject_to_json(QOBJECT(lines)), false);
    qobject_unref(rsp);
    return json;
}

/*
 * The registers and the backend's lines move with the VM; a latched
 * interrupt is still up on the destination, and the lines' interrupt
 * configuration is the backend's there too
 */
static void test_migration(void)
{
    g_autofree char *dir = g_dir_make_tmp("pl061-gpio-XXXXXX", NULL);
    g_autofree char *sock = g_strdup_printf("%s/migration.sock", dir);
    g_autofree char *uri = g_strdup_printf("unix:%s", sock);
    g_autofree char *dest_args = g_strdup_printf(VIRT DUMMY "-incoming %s",
                                                 uri);
    QTestState *from = pl061_start(VIRT DUMMY);
    QTestState *to;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *status = NULL;

    wr(from, PL061_DIR, 0x03);
    wr(from, PL061_DATA(0x03), 0x02);
    wr(from, PL061_IBE, 0x40);
    wr(from, PL061_IE, 0x40);
    gpio_set(from, 6, true);
    gpio_set(from, 7, true);
    g_assert_true(qtest_get_irq(from, 0));
    before = query_lines(from);

    to = qtest_init(dest_args);
    qtest_qmp_assert_success(from, "{'execute': 'migrate', 'arguments': "
                             "{'uri': %s}}", uri);
    VGPIO_WAIT_FOR((status = vgpio_migration_end(from)), MIGRATION_TIMEOUT_US);
    g_assert_cmpstr(status, ==, "completed");
    qtest_qmp_eventwait(to, "RESUME");
    qtest_quit(from);

    {
        g_autofree char *path = pl061_path(to, "gpio0");

        qtest_irq_intercept_out_named(to, path, "sysbus-irq");
    }
    after = query_lines(to);
    g_assert_cmpstr(after, ==, before);
    g_assert_cmphex(rd(to, PL061_DIR), ==, 0x03);
    g_assert_cmphex(rd(to, PL061_DATA(0xff)), ==, 0xc2);
    g_assert_cmphex(rd(to, PL061_MIS), ==, 0x40);
    /* the intercepted line learns the level at the next change */
    wr(to, PL061_IC, 0x40);
    g_assert_false(qtest_get_irq(to, 0));
    gpio_set(to, 6, false);
    g_assert_true(qtest_get_irq(to, 0));
    assert_line_str(to, 6, "irq-type", "edge-both");
    qtest_quit(to);
    unlink(sock);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

/*
 * gpio-host: the lines of a gpio-sim chip of the host
 * (project/run-host-tests.sh runs this in a guest with one, and sets
 * VGPIO_HOST_CHIP and VGPIO_SIM_DEV)
 */
#define HOST_TIMEOUT_US (10 * G_USEC_PER_SEC)

static QTestState *host_start(void)
{
    g_autofree char *args = NULL;

    if (!getenv("VGPIO_HOST_CHIP") || !getenv("VGPIO_SIM_DEV")) {
        g_test_skip("no gpio-sim chip (VGPIO_HOST_CHIP, VGPIO_SIM_DEV)");
        return NULL;
    }
    args = g_strdup_printf(VIRT "-object gpio-host,id=gpio0,chip=%s,"
                           "lines=0-7", getenv("VGPIO_HOST_CHIP"));
    return pl061_start(args);
}

/* Outputs drive the host chip's lines; GPIODATA reads its pulls */
static void test_host_lines(void)
{
    QTestState *qts = host_start();

    if (!qts) {
        return;
    }
    wr(qts, PL061_DIR, 0x02);
    wr(qts, PL061_DATA(0x02), 0x02);
    g_assert_cmpint(vgpio_sim_value(1), ==, 1);
    wr(qts, PL061_DATA(0x02), 0x00);
    g_assert_cmpint(vgpio_sim_value(1), ==, 0);

    /* no interrupt asked for: a data read fetches the level */
    vgpio_sim_pull(0, true);
    g_assert_cmphex(rd(qts, PL061_DATA(0x01)), ==, 0x01);
    vgpio_sim_pull(0, false);
    g_assert_cmphex(rd(qts, PL061_DATA(0x01)), ==, 0x00);
    qtest_quit(qts);
}

/* The PL061's interrupt follows the host chip's edge events */
static void test_host_irq(void)
{
    QTestState *qts = host_start();

    if (!qts) {
        return;
    }
    vgpio_sim_pull(0, false);
    wr(qts, PL061_IEV, 0x01);
    wr(qts, PL061_IE, 0x01);
    assert_line_str(qts, 0, "irq-type", "edge-rising");
    vgpio_sim_pull(0, true);
    /* the MMIO read also takes in the interrupt line's news */
    VGPIO_WAIT_FOR((rd(qts, PL061_MIS) & 0x01) && qtest_get_irq(qts, 0),
                   HOST_TIMEOUT_US);
    wr(qts, PL061_IC, 0x01);
    g_assert_false(qtest_get_irq(qts, 0));
    /* a falling edge is not asked for */
    vgpio_sim_pull(0, false);
    g_assert_cmphex(rd(qts, PL061_RIS), ==, 0);

    wr(qts, PL061_IBE, 0x01);
    assert_line_str(qts, 0, "irq-type", "edge-both");
    vgpio_sim_pull(0, true);
    VGPIO_WAIT_FOR(rd(qts, PL061_MIS) & 0x01, HOST_TIMEOUT_US);
    wr(qts, PL061_IC, 0x01);
    vgpio_sim_pull(0, false);
    VGPIO_WAIT_FOR(rd(qts, PL061_MIS) & 0x01, HOST_TIMEOUT_US);
    g_assert_true(qtest_get_irq(qts, 0));
    wr(qts, PL061_IC, 0x01);
    g_assert_cmpint(line_int(qts, 0, "irq-events"), ==, 3);

    /* masked: the host kernel is asked for no events */
    wr(qts, PL061_IE, 0);
    assert_line_str(qts, 0, "irq-type", "none");
    qtest_quit(qts);
}

/* QEMU refuses to start with a bad pl061-gpio: the error it prints */
typedef struct StartError {
    const char *name;
    const char *args;
    const char *stderr_pattern;
} StartError;

static const StartError start_errors[] = {
    { "no-backend", "-M virt,pl061-gpio=nosuch",
      "*pl061-gpio: 'nosuch' is not a gpio backend*" },
    { "too-many-lines", "-M virt,pl061-gpio=g "
      "-object gpio-dummy,id=g,ngpio=9",
      "*gpio backend 'g' has 9 lines, the PL061 8*" },
    { "in-use", "-M virt,pl061-gpio=g -object gpio-dummy,id=g "
      "-device virtio-gpio-device,gpio=g",
      "*is already in use by*" },
};

static void test_start_error(const void *opaque)
{
    const StartError *e = opaque;

    if (g_test_subprocess()) {
        qtest_quit(qtest_init(e->args));
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr(e->stderr_pattern);
}

int main(int argc, char **argv)
{
    size_t i;

    g_test_init(&argc, &argv, NULL);
    qtest_add_func("/pl061-gpio/outputs", test_outputs);
    qtest_add_func("/pl061-gpio/inputs", test_inputs);
    for (i = 0; i < ARRAY_SIZE(irq_modes); i++) {
        g_autofree char *path = g_strdup_printf("/pl061-gpio/irq/%s",
                                                irq_modes[i].name);

        qtest_add_data_func(path, &irq_modes[i], test_irq_mode);
    }
    qtest_add_func("/pl061-gpio/irq/mask", test_irq_mask);
    qtest_add_func("/pl061-gpio/power-button", test_power_button);
    qtest_add_func("/pl061-gpio/chardev", test_chardev);
    qtest_add_func("/pl061-gpio/migration", test_migration);
    qtest_add_func("/pl061-gpio/host/lines", test_host_lines);
    qtest_add_func("/pl061-gpio/host/irq", test_host_irq);
    for (i = 0; i < ARRAY_SIZE(start_errors); i++) {
        g_autofree char *path = g_strdup_printf("/pl061-gpio/error/%s",
                                                start_errors[i].name);

        qtest_add_data_func(path, &start_errors[i], test_start_error);
    }
    return g_test_run();
}
