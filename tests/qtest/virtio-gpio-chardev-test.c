/*
 * QTest testcase for the gpio-chardev backend of virtio-gpio, with the
 * test as the peer on a unix socket
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "libqtest-single.h"
#include "qemu/module.h"
#include "qobject/qdict.h"
#include "libqos/qgraph.h"
#include "libqos/virtio-gpio.h"
#include "virtio-gpio-cases.h"

#define PEER_TIMEOUT_MS 10000
/* the output QEMU keeps for a peer that does not read */
#define PEER_OUT_MAX (64 * 1024)

/* What the before hook sets up for a test */
typedef struct ChardevTest {
    char *dir;
    char *path;
    const VGpioCase *c;
    VGpioPeer peer;
} ChardevTest;

static void peer_expect_line(VGpioPeer *p, unsigned line, const char *state,
                             const char *name)
{
    g_autofree char *want = g_strdup_printf("LINE %u %s name=%s", line,
                                            state, name);

    vgpio_peer_expect(p, want);
}

static const char *const line_names[VGPIO_NGPIO] = {
    "button", "led", "", "reset", "", "", "", ""
};

/* Read a greeting; @states are the expected LINE fields, NULL: initial */
static void peer_greeting(VGpioPeer *p, const char *const *states)
{
    unsigned i;

    vgpio_peer_expect(p, "HELLO qemu-gpio 1 ngpio=8");
    for (i = 0; i < VGPIO_NGPIO; i++) {
        peer_expect_line(p, i, states && states[i] ? states[i] :
                         "dir=in value=0 input=0 irq=none", line_names[i]);
    }
    vgpio_peer_expect(p, "END");
}

/* Send a command; the reply must be @reply (lines separated by '|') */
static void peer_cmd(VGpioPeer *p, const char *cmd, const char *reply)
{
    g_auto(GStrv) want = g_strsplit(reply, "|", -1);
    char **w;

    vgpio_peer_sends(p, cmd);
    for (w = want; *w; w++) {
        vgpio_peer_expect(p, *w);
    }
}

/* Nothing more to read from QEMU right now (after a monitor round trip) */
static void peer_expect_nothing(VGpioPeer *p)
{
    struct pollfd pfd = { .fd = p->fd, .events = POLLIN };

    qobject_unref(qtest_qmp(global_qtest, "{'execute': 'query-gpio'}"));
    g_assert_cmpuint(p->buf->len, ==, 0);
    g_assert_cmpint(poll(&pfd, 1, 0), ==, 0);
}

static void *chardev_before(GString *cmd_line, void *arg)
{
    ChardevTest *ct = g_new0(ChardevTest, 1);
    unsigned i;

    ct->c = arg;
    ct->dir = g_dir_make_tmp("vgpio-chardev-XXXXXX", NULL);
    g_assert(ct->dir);
    ct->path = g_strdup_printf("%s/gpio.sock", ct->dir);
    ct->peer.fd = -1;
    g_string_append_printf(cmd_line, " -chardev socket,id=sim,path=%s,"
                           "server=on,wait=off -object gpio-chardev,"
                           "id=gpiobe0,chardev=sim,ngpio=%d", ct->path,
                           VGPIO_NGPIO);
    for (i = 0; i < VGPIO_NGPIO && i < 4; i++) {
        g_string_append_printf(cmd_line, ",names=%s", line_names[i]);
    }
    g_string_append(cmd_line, " ");
    return ct;
}

static void chardev_cleanup(void *opaque)
{
    ChardevTest *ct = opaque;

    if (ct->peer.fd >= 0) {
        vgpio_peer_close(&ct->peer);
    }
    unlink(ct->path);
    rmdir(ct->dir);
    g_free(ct->path);
    g_free(ct->dir);
    g_free(ct);
}

/* Connect the peer, check the initial greeting; fill in @t */
static ChardevTest *chardev_start(VGpio *t, void *obj, void *data,
                                  QGuestAllocator *alloc)
{
    ChardevTest *ct = data;

    g_test_queue_destroy(chardev_cleanup, ct);
    vgpio_init_node(t, global_qtest, obj, alloc);
    t->opaque = ct;
    vgpio_peer_connect(&ct->peer, ct->path);
    peer_greeting(&ct->peer, NULL);
    return ct;
}

/* The shared cases set inputs through the peer; the peer skips events */
static void chardev_set_input(VGpio *t, unsigned line, bool value)
{
    ChardevTest *ct = t->opaque;
    g_autofree char *cmd = g_strdup_printf("SET %u %d\n", line, value);

    vgpio_peer_sends(&ct->peer, cmd);
    for (;;) {
        g_autofree char *reply = vgpio_peer_readline(&ct->peer);

        if (!strcmp(reply, "OK")) {
            break;
        }
        g_assert(g_str_has_prefix(reply, "DIR ") ||
                 g_str_has_prefix(reply, "VALUE ") ||
                 g_str_has_prefix(reply, "IRQ "));
    }
}

static void chardev_run_case(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;
    ChardevTest *ct = chardev_start(&t, obj, data, alloc);

    t.set_input = chardev_set_input;
    ct->c->fn(&t);
}

/* Inputs set by the peer are what the guest reads; SET/GET replies */
static void test_inputs(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;
    ChardevTest *ct = chardev_start(&t, obj, data, alloc);
    VGpioPeer *p = &ct->peer;
    QDict *info;
    unsigned i;

    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 0), ==, 0);
    peer_cmd(p, "SET 0 1\n", "OK");
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 0), ==, 1);
    peer_cmd(p, "set button 0\r\n", "OK");
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 0), ==, 0);
    peer_cmd(p, "SET 7 1\n", "OK");
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 7), ==, 1);
    info = vgpio_line_info(&t, "gpio0", 7);
    g_assert_true(qdict_get_bool(info, "input"));
    qobject_unref(info);

    peer_cmd(p, "GET 7\n", "LINE 7 dir=in value=0 input=1 irq=none name=|OK");
    peer_cmd(p, "GET reset\n",
             "LINE 3 dir=in value=0 input=0 irq=none name=reset|OK");
    peer_cmd(p, "HELLO\n", "HELLO qemu-gpio 1 ngpio=8|OK");
    vgpio_peer_sends(p, "GET\n");
    for (i = 0; i < VGPIO_NGPIO; i++) {
        peer_expect_line(p, i, i == 7 ? "dir=in value=0 input=1 irq=none" :
                         "dir=in value=0 input=0 irq=none", line_names[i]);
    }
    vgpio_peer_expect(p, "OK");
    /* an output drives its own value; its input level is kept for later */
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 7,
                 VIRTIO_GPIO_DIRECTION_OUT);
    vgpio_peer_expect(p, "DIR 7 out");
    peer_cmd(p, "SET 7 1\n", "OK");
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 7), ==, 0);

    /* the monitor does not set the lines of a peer */
    info = qtest_qmp(global_qtest, "{'execute': 'gpio-set', 'arguments': "
                     "{'id': 'gpio0', 'line': 0, 'value': true}}");
    g_assert(strstr(qdict_get_str(qdict_get_qdict(info, "error"), "desc"),
                    "cannot be set from the monitor"));
    qobject_unref(info);
    /* nor does a stimulus */
    info = qtest_qmp(global_qtest, "{'execute': 'gpio-stimulus-start', "
                     "'arguments': {'id': 'gpio0', 'stimulus': 's', "
                     "'steps': [{'line': 0, 'value': true}]}}");
    g_assert_cmpstr(qdict_get_str(qdict_get_qdict(info, "error"), "desc"),
                    ==, "the lines of gpio backend 'gpiobe0' (gpio-chardev) "
                    "cannot be set from the monitor");
    qobject_unref(info);
    peer_expect_nothing(p);
}

/* Every change the guest makes reaches the peer, in order */
static void test_guest_changes(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;
    ChardevTest *ct = chardev_start(&t, obj, data, alloc);
    VGpioPeer *p = &ct->peer;

    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 1);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_OUT);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 0);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 0);     /* no change */
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 1);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 0,
                 VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 2,
                 VIRTIO_GPIO_IRQ_TYPE_LEVEL_LOW);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 0,
                 VIRTIO_GPIO_DIRECTION_NONE);
    /* refused requests change nothing and say nothing */
    g_assert_cmpuint(vgpio_request(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 1,
                                   VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, NULL),
                     ==, VIRTIO_GPIO_STATUS_ERR);

    vgpio_peer_expect(p, "VALUE 1 1");
    vgpio_peer_expect(p, "DIR 1 out");
    vgpio_peer_expect(p, "VALUE 1 0");
    vgpio_peer_expect(p, "VALUE 1 1");
    vgpio_peer_expect(p, "IRQ 0 edge-both");
    vgpio_peer_expect(p, "IRQ 2 level-low");
    vgpio_peer_expect(p, "DIR 0 none");
    vgpio_peer_expect(p, "IRQ 0 none");
    peer_expect_nothing(p);
    peer_cmd(p, "GET 1\n", "LINE 1 dir=out value=1 input=0 irq=none name=led"
             "|OK");

    /* a device reset takes every line back, and the peer hears it */
    qvirtio_reset(t.vdev);
    vgpio_peer_expect(p, "DIR 0 in");
    vgpio_peer_expect(p, "DIR 1 in");
    vgpio_peer_expect(p, "VALUE 1 0");
    vgpio_peer_expect(p, "IRQ 2 none");
    peer_expect_nothing(p);
}

/* The state outlives the peer; a new peer gets all of it */
static void test_reconnect(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;
    ChardevTest *ct = chardev_start(&t, obj, data, alloc);
    VGpioPeer *p = &ct->peer;
    const char *states[VGPIO_NGPIO] = {
        [0] = "dir=in value=0 input=1 irq=edge-rising",
        [1] = "dir=out value=0 input=0 irq=none",
        [2] = "dir=in value=0 input=1 irq=none",
        [5] = "dir=none value=0 input=0 irq=none",
    };
    int i;

    peer_cmd(p, "SET 0 1\nSET 2 1\n", "OK|OK");
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 1);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_OUT);
    vgpio_peer_close(p);

    /* no peer: the lines keep their levels, the guest goes on */
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 0), ==, 1);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 2), ==, 1);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 0);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 5,
                 VIRTIO_GPIO_DIRECTION_NONE);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 0,
                 VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING);

    /* several times: nothing piles up between connections */
    for (i = 0; i < 3; i++) {
        vgpio_peer_connect(p, ct->path);
        peer_greeting(p, states);
        peer_expect_nothing(p);
        vgpio_peer_close(p);
    }
    vgpio_peer_connect(p, ct->path);
    peer_greeting(p, states);
    peer_cmd(p, "SET 2 0\n", "OK");
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 2), ==, 0);
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_VALUE, 1, 1);
    vgpio_peer_expect(p, "VALUE 1 1");
}

/* A command with its length: one has a NUL byte */
#define BAD(cmd, reply) { cmd, sizeof(cmd) - 1, reply }

/* Bad input from the peer: an error reply, nothing changes, it goes on */
static void test_bad_input(void *obj, void *data, QGuestAllocator *alloc)
{
    static const struct {
        const char *cmd;
        size_t len;
        const char *reply;
    } bad[] = {
        BAD("FOO\n", "ERR unknown command 'FOO'"),
        BAD("set\n", "ERR usage: SET <line> <0|1>"),
        BAD("SET 0\n", "ERR usage: SET <line> <0|1>"),
        BAD("SET 0 1 2\n", "ERR usage: SET <line> <0|1>"),
        BAD("SET 0 1 2 3 4\n", "ERR too many arguments"),
        BAD("SET 8 1\n", "ERR line 8 is out of range (8 lines)"),
        BAD("SET 65536 1\n", "ERR line 65536 is out of range (8 lines)"),
        BAD("SET 99999999999999999999 1\n",
            "ERR bad line number '99999999999999999999'"),
        BAD("SET 1x 1\n", "ERR bad line number '1x'"),
        BAD("SET -1 1\n", "ERR no line is named '-1'"),
        BAD("SET nosuch 1\n", "ERR no line is named 'nosuch'"),
        BAD("SET 0 2\n", "ERR bad level '2' (0 or 1)"),
        BAD("SET 0 on\n", "ERR bad level 'on' (0 or 1)"),
        BAD("SET 0 01\n", "ERR bad level '01' (0 or 1)"),
        BAD("GET 0 1\n", "ERR usage: GET [<line>]"),
        BAD("GET 8\n", "ERR line 8 is out of range (8 lines)"),
        BAD("HELLO again\n", "ERR usage: HELLO"),
        BAD("SET 0 1\x01\n", "ERR non-printable byte 0x01 in command"),
        BAD("\x00\x01\x02\xff\xfe\n",
            "ERR non-printable byte 0x00 in command"),
        BAD("SET \xc3\xa9 1\n", "ERR non-printable byte 0xc3 in command"),
        BAD("\x1b[A\n", "ERR non-printable byte 0x1b in command"),
    };
    VGpio t;
    ChardevTest *ct = chardev_start(&t, obj, data, alloc);
    VGpioPeer *p = &ct->peer;
    g_autofree char *longcmd = NULL;
    QDict *info;
    int i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        vgpio_peer_send(p, bad[i].cmd, bad[i].len);
        vgpio_peer_expect(p, bad[i].reply);
        peer_cmd(p, "GET 0\n", "LINE 0 dir=in value=0 input=0 irq=none "
                 "name=button|OK");
    }

    /* 255 bytes are a command, 256 are too long, however long */
    longcmd = g_strdup_printf("SET 0 1%*s\n", 255 - 7, "");
    peer_cmd(p, longcmd, "OK");
    peer_cmd(p, "SET 0 0\n", "OK");
    for (i = 256; i < 1024 * 1024; i *= 8) {
        g_autofree char *junk = g_strnfill(i, 'A');

        vgpio_peer_send(p, junk, i);
        peer_cmd(p, "\n", "ERR command too long (more than 255 bytes)");
        peer_cmd(p, "GET 0\n", "LINE 0 dir=in value=0 input=0 irq=none "
                 "name=button|OK");
    }

    /* a command in pieces is one command */
    vgpio_peer_sends(p, "S");
    peer_expect_nothing(p);
    vgpio_peer_sends(p, "ET 0");
    peer_expect_nothing(p);
    peer_cmd(p, " 1\n", "OK");
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 0), ==, 1);
    /* blank lines are no commands */
    peer_cmd(p, "\n\n \t\r\n\r\nSET 0 0\n", "OK");

    /* a partial command is dropped with its peer */
    vgpio_peer_sends(p, "SET 0");
    vgpio_peer_close(p);
    vgpio_peer_connect(p, ct->path);
    peer_greeting(p, NULL);
    peer_cmd(p, " 1\n", "ERR unknown command '1'");

    /* the state is what the good commands made it */
    info = vgpio_line_info(&t, "gpio0", 0);
    g_assert_false(qdict_get_bool(info, "input"));
    qobject_unref(info);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 0), ==, 0);
}

/*
 * A peer that stops reading: the guest is not held up, events beyond
 * the limit are dropped and replaced by the state once it reads again.
 */
static void test_slow_peer(void *obj, void *data, QGuestAllocator *alloc)
{
    VGpio t;
    ChardevTest *ct = chardev_start(&t, obj, data, alloc);
    VGpioPeer *p = &ct->peer;
    /* events of at least 18 bytes; the socket holds some too */
    unsigned n = PEER_OUT_MAX / 18 + 5000;
    unsigned i, events = 0, got_ok = 0;
    bool overflow = false;
    uint32_t type = 0;

    for (i = 0; i < n; i++) {
        type = i & 1 ? VIRTIO_GPIO_IRQ_TYPE_EDGE_FALLING :
               VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING;
        vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 0, type);
        if (i == n / 2) {
            /* commands wait while the peer is behind: not lost */
            vgpio_peer_sends(p, "GET 1\nSET 3 1\n");
        }
    }
    g_assert_cmpuint(type, ==, VIRTIO_GPIO_IRQ_TYPE_EDGE_FALLING);
    /* the guest's last change is there, for QEMU and the guest */
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_SET_DIRECTION, 1,
                 VIRTIO_GPIO_DIRECTION_OUT);

    /* now read: events in order, OVERFLOW + the state, and the replies */
    for (;;) {
        g_autofree char *line = vgpio_peer_readline(p);

        if (g_str_has_prefix(line, "IRQ 0 ")) {
            g_assert(!overflow);
            g_assert_cmpstr(line + 6, ==,
                            events & 1 ? "edge-falling" : "edge-rising");
            events++;
        } else if (!strcmp(line, "OVERFLOW")) {
            g_assert(!overflow);
            overflow = true;
            peer_expect_line(p, 0, "dir=in value=0 input=0 "
                             "irq=edge-falling", "button");
            peer_expect_line(p, 1, "dir=out value=0 input=0 irq=none",
                             "led");
            for (i = 2; i < VGPIO_NGPIO; i++) {
                g_autofree char *rec = vgpio_peer_readline(p);

                g_assert(g_str_has_prefix(rec, "LINE "));
            }
            vgpio_peer_expect(p, "END");
        } else if (!strcmp(line, "LINE 1 dir=in value=0 input=0 irq=none "
                           "name=led") ||
                   !strcmp(line, "LINE 1 dir=out value=0 input=0 irq=none "
                           "name=led")) {
            vgpio_peer_expect(p, "OK");
            vgpio_peer_expect(p, "OK");
            got_ok = 2;
        } else {
            g_assert_cmpstr(line, ==, "unexpected");
        }
        if (overflow && got_ok) {
            break;
        }
    }
    g_test_message("%u guest changes, %u events before the overflow", n + 1,
                   events);
    g_assert_cmpuint(events, >=, 2);
    g_assert_cmpuint(events, <, n);
    g_assert_cmpuint(vgpio_get(&t, VIRTIO_GPIO_MSG_GET_VALUE, 3), ==, 1);

    /* back to normal */
    vgpio_req_ok(&t, VIRTIO_GPIO_MSG_IRQ_TYPE, 0, VIRTIO_GPIO_IRQ_TYPE_NONE);
    vgpio_peer_expect(p, "IRQ 0 none");
    peer_expect_nothing(p);
}

/* Misconfigurations are refused with a clear error */
static void test_config_errors(void *obj, void *data, QGuestAllocator *alloc)
{
    static const VGpioQmpError bad[] = {
        { "{'execute': 'object-add', 'arguments': "
          "{'qom-type': 'gpio-chardev', 'id': 'x'}}",
          "Parameter 'chardev' is missing" },
        { "{'execute': 'object-add', 'arguments': "
          "{'qom-type': 'gpio-chardev', 'id': 'x', 'chardev': 'nosuch'}}",
          "Chardev 'nosuch' not found" },
        { "{'execute': 'object-add', 'arguments': "
          "{'qom-type': 'gpio-chardev', 'id': 'x', 'chardev': 'sim'}}",
          "chardev 'sim' is already in use" },
        { "{'execute': 'object-add', 'arguments': "
          "{'qom-type': 'gpio-chardev', 'id': 'x', 'chardev': 'sim', "
          "'ngpio': 0}}",
          "property 'ngpio' must be between 1 and 65535" },
    };
    static const VGpioQmpError in_use[] = {
        { "{'execute': 'object-add', 'arguments': "
          "{'qom-type': 'gpio-chardev', 'id': 'y', 'chardev': 'sim2'}}",
          "chardev 'sim2' is already in use" },
    };
    QTestState *qts = global_qtest;

    g_test_queue_destroy(chardev_cleanup, data);
    vgpio_qmp_assert_errors(qts, "gpio0", bad, ARRAY_SIZE(bad));

    /* a second backend on its own chardev, then gone again */
    qtest_qmp_assert_success(qts, "{'execute': 'chardev-add', 'arguments': "
                             "{'id': 'sim2', 'backend': { 'type': 'null', "
                             "'data': {} } } }");
    qtest_qmp_assert_success(qts, "{'execute': 'object-add', 'arguments': "
                             "{'qom-type': 'gpio-chardev', 'id': 'x', "
                             "'chardev': 'sim2', 'ngpio': 3}}");
    vgpio_qmp_assert_errors(qts, "gpio0", in_use, ARRAY_SIZE(in_use));
    qtest_qmp_assert_success(qts, "{'execute': 'object-del', 'arguments': "
                             "{'id': 'x'}}");
    qtest_qmp_assert_success(qts, "{'execute': 'chardev-remove', "
                             "'arguments': {'id': 'sim2'}}");
}

static void register_virtio_gpio_chardev_test(void)
{
    QOSGraphTestOptions opts = {
        .before = chardev_before,
        .edge.extra_device_opts = "gpio=gpiobe0",
    };
    const VGpioCase *c;

    for (c = vgpio_cases; c->name; c++) {
        g_autofree char *name = NULL;

        if (c->gpio_set) {
            continue;
        }
        name = g_strdup_printf("chardev/%s", c->name);
        opts.arg = (void *)c;
        qos_add_test(name, "virtio-gpio", chardev_run_case, &opts);
    }
    opts.arg = NULL;
    qos_add_test("chardev/inputs", "virtio-gpio", test_inputs, &opts);
    qos_add_test("chardev/guest-changes", "virtio-gpio",
                 test_guest_changes, &opts);
    qos_add_test("chardev/reconnect", "virtio-gpio", test_reconnect,
                 &opts);
    qos_add_test("chardev/bad-input", "virtio-gpio", test_bad_input,
                 &opts);
    qos_add_test("chardev/slow-peer", "virtio-gpio", test_slow_peer,
                 &opts);
    qos_add_test("chardev/config-errors", "virtio-gpio",
                 test_config_errors, &opts);
}

libqos_init(register_virtio_gpio_chardev_test);
