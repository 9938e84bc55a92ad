/*
 * Helpers of the virtio-gpio qtests: a driver for the device's queues,
 * the monitor, a microvm with virtio-mmio, the gpio-sim chip of the host
 * tests and the peer of a gpio-chardev backend
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "qemu/bswap.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "standard-headers/linux/virtio_config.h"
#include "standard-headers/linux/virtio_gpio.h"
#include "standard-headers/linux/virtio_ids.h"
#include "qapi/error.h"
#include "qobject/qjson.h"
#include "virtio-gpio-utils.h"

#define VGPIO_PEER_TIMEOUT_MS 10000
#define MMIO_BASE 0xfeb00000
#define MMIO_TRANSPORTS 24
#define MMIO_MAGIC 0x74726976   /* "virt" */

/*
 * Wait for the next used element of @vq, which must be @head.  This polls
 * the used ring rather than waiting for an interrupt: with EVENT_IDX the
 * device may rightly not notify.
 */
void vgpio_wait_used(VGpio *t, QVirtQueue *vq, uint32_t head,
                     uint32_t *len)
{
    uint32_t got;

    VGPIO_WAIT_FOR(qvirtqueue_get_buf(t->qts, vq, &got, len),
                   VGPIO_TIMEOUT_US);
    g_assert_cmpuint(got, ==, head);
}

uint8_t vgpio_request(VGpio *t, uint16_t type, uint16_t line, uint32_t value,
                      uint8_t *rvalue)
{
    struct virtio_gpio_request req = {
        .type = cpu_to_le16(type),
        .gpio = cpu_to_le16(line),
        .value = cpu_to_le32(value),
    };
    uint8_t resp[2] = { 0xaa, 0xaa };
    uint64_t req_addr = guest_alloc(t->alloc, sizeof(req));
    uint64_t resp_addr = guest_alloc(t->alloc, sizeof(resp));
    uint32_t head, len = 0;

    qtest_memwrite(t->qts, req_addr, &req, sizeof(req));
    qtest_memwrite(t->qts, resp_addr, resp, sizeof(resp));
    vgpio_vq_recycle(t->reqq, 2);
    head = qvirtqueue_add(t->qts, t->reqq, req_addr, sizeof(req), false, true);
    qvirtqueue_add(t->qts, t->reqq, resp_addr, sizeof(resp), true, false);
    qvirtqueue_kick(t->qts, t->vdev, t->reqq, head);
    vgpio_wait_used(t, t->reqq, head, &len);
    g_assert_cmpuint(len, ==, sizeof(resp));
    qtest_memread(t->qts, resp_addr, resp, sizeof(resp));
    guest_free(t->alloc, req_addr);
    guest_free(t->alloc, resp_addr);
    g_assert_cmpuint(resp[0], <=, VIRTIO_GPIO_STATUS_ERR);
    if (rvalue) {
        *rvalue = resp[1];
    } else {
        /* every field of the response is set: value is 0 when unused */
        g_assert_cmpuint(resp[1], ==, 0);
    }
    return resp[0];
}

void vgpio_req_ok(VGpio *t, uint16_t type, uint16_t line, uint32_t value)
{
    g_assert_cmpuint(vgpio_request(t, type, line, value, NULL), ==,
                     VIRTIO_GPIO_STATUS_OK);
}

void vgpio_req_err(VGpio *t, uint16_t type, uint16_t line, uint32_t value)
{
    g_assert_cmpuint(vgpio_request(t, type, line, value, NULL), ==,
                     VIRTIO_GPIO_STATUS_ERR);
}

void vgpio_init_node(VGpio *t, QTestState *qts, QVhostUserGPIO *gpio,
                     QGuestAllocator *alloc)
{
    *t = (VGpio) {
        .qts = qts,
        .vdev = gpio->vdev,
        .reqq = gpio->queues[0],
        .evtq = gpio->queues[1],
        .alloc = alloc,
        .id = "gpio0",
    };
}

uint8_t vgpio_get(VGpio *t, uint16_t type, uint16_t line)
{
    uint8_t value;

    g_assert_cmpuint(vgpio_request(t, type, line, 0, &value), ==,
                     VIRTIO_GPIO_STATUS_OK);
    return value;
}

void vgpio_gpio_set(VGpio *t, const char *id, unsigned line, bool value)
{
    if (t->set_input && !strcmp(id, t->id)) {
        t->set_input(t, line, value);
        return;
    }
    qtest_qmp_assert_success(t->qts, "{'execute': 'gpio-set', 'arguments': "
                             "{'id': %s, 'line': %u, 'value': %i}}", id, line,
                             value);
}

void vgpio_qmp_assert_errors(QTestState *qts, const char *id,
                             const VGpioQmpError *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        g_auto(GStrv) parts = g_strsplit(cases[i].cmd, "%s", -1);
        g_autofree char *cmd = g_strjoinv(id, parts);
        QDict *err = qtest_qmp_assert_failure_ref(qts, "%p",
                                                  qobject_from_json(cmd,
                                                                &error_abort));

        if (cases[i].desc) {
            g_assert_cmpstr(qdict_get_str(err, "desc"), ==, cases[i].desc);
        }
        qobject_unref(err);
    }
}

QDict *vgpio_controller(QDict *resp, const char *id)
{
    QList *list = qdict_get_qlist(resp, "return");
    QListEntry *e;

    g_assert(list);
    QLIST_FOREACH_ENTRY(list, e) {
        QDict *c = qobject_to(QDict, qlist_entry_obj(e));

        if (!g_strcmp0(qdict_get_try_str(c, "device"), id) ||
            !g_strcmp0(qdict_get_try_str(c, "backend"), id)) {
            return c;
        }
    }
    g_assert_not_reached();
}

QDict *vgpio_line_info(VGpio *t, const char *id, unsigned line)
{
    return vgpio_query_line(t->qts, id, line);
}

QDict *vgpio_query_line(QTestState *qts, const char *id, unsigned line)
{
    QDict *resp = qtest_qmp(qts, "{'execute': 'query-gpio'}");
    QList *lines = qdict_get_qlist(vgpio_controller(resp, id), "lines");
    QDict *info = NULL;
    QListEntry *e;

    QLIST_FOREACH_ENTRY(lines, e) {
        QDict *l = qobject_to(QDict, qlist_entry_obj(e));

        if (qdict_get_int(l, "line") == line) {
            info = l;
            qobject_ref(info);
        }
    }
    g_assert(info);
    qobject_unref(resp);
    return info;
}

bool vgpio_line_bool(VGpio *t, unsigned line, const char *key)
{
    QDict *info = vgpio_line_info(t, t->id, line);
    bool v = qdict_get_bool(info, key);

    qobject_unref(info);
    return v;
}

int64_t vgpio_line_int(VGpio *t, unsigned line, const char *key)
{
    QDict *info = vgpio_line_info(t, t->id, line);
    int64_t v = qdict_get_int(info, key);

    qobject_unref(info);
    return v;
}

char *vgpio_migration_end(QTestState *qts)
{
    QDict *rsp = qtest_qmp_assert_success_ref(qts, "{'execute': "
                                              "'query-migrate'}");
    const char *s = qdict_get_try_str(rsp, "status");
    char *status = NULL;

    if (s && (!strcmp(s, "completed") || !strcmp(s, "failed"))) {
        status = g_strdup(s);
    }
    qobject_unref(rsp);
    return status;
}

/* Forget the GPIO_LINE_CHANGED events received so far */
void vgpio_drop_line_changed(VGpio *t)
{
    QDict *ev;

    while ((ev = qtest_qmp_event_ref(t->qts, "GPIO_LINE_CHANGED"))) {
        qobject_unref(ev);
    }
}

/* The next GPIO_LINE_CHANGED, held back or not */
QDict *vgpio_line_changed(VGpio *t)
{
    qtest_clock_step(t->qts, VGPIO_EVENT_INTERVAL_NS);
    return qtest_qmp_eventwait_ref(t->qts, "GPIO_LINE_CHANGED");
}

char *vgpio_line_str(VGpio *t, unsigned line, const char *key)
{
    QDict *info = vgpio_line_info(t, t->id, line);
    char *v = g_strdup(qdict_get_str(info, key));

    qobject_unref(info);
    return v;
}

void vgpio_irq_queue(VGpio *t, uint16_t line)
{
    uint16_t req = cpu_to_le16(line);
    uint64_t req_addr = guest_alloc(t->alloc, sizeof(req));
    uint64_t resp_addr = guest_alloc(t->alloc, 1);
    uint32_t head;

    qtest_memwrite(t->qts, req_addr, &req, sizeof(req));
    qtest_writeb(t->qts, resp_addr, 0xaa);
    head = qvirtqueue_add(t->qts, t->evtq, req_addr, sizeof(req), false, true);
    qvirtqueue_add(t->qts, t->evtq, resp_addr, 1, true, false);
    g_assert_cmpuint(head, <, VGPIO_MAX_DESC);
    t->irq_bufs[head] = (VGpioIrqBuf) { req_addr, resp_addr, line };
    qvirtqueue_kick(t->qts, t->vdev, t->evtq, head);
}

/* Take the next returned eventq buffer, if there is one */
static bool vgpio_irq_next(VGpio *t, unsigned *line, uint8_t *status)
{
    uint32_t head, len = 0;

    if (!qvirtqueue_get_buf(t->qts, t->evtq, &head, &len)) {
        return false;
    }
    g_assert_cmpuint(head, <, VGPIO_MAX_DESC);
    g_assert_cmpuint(len, ==, 1);
    *status = qtest_readb(t->qts, t->irq_bufs[head].resp);
    *line = t->irq_bufs[head].line;
    guest_free(t->alloc, t->irq_bufs[head].req);
    guest_free(t->alloc, t->irq_bufs[head].resp);
    return true;
}

/* Wait for an eventq buffer of @line to come back; return its status */
uint8_t vgpio_irq_wait(VGpio *t, unsigned line)
{
    unsigned got;
    uint8_t status;

    VGPIO_WAIT_FOR(vgpio_irq_next(t, &got, &status), VGPIO_TIMEOUT_US);
    g_assert_cmpuint(got, ==, line);
    g_assert(status == VIRTIO_GPIO_IRQ_STATUS_VALID ||
             status == VIRTIO_GPIO_IRQ_STATUS_INVALID);
    return status;
}

/*
 * Queue a buffer for @line and wait until the device has taken it:
 * VGPIO_IRQ_HELD if it keeps it (the irq is unmasked), else the status it came
 * back with.
 */
int vgpio_irq_unmask(VGpio *t, unsigned line)
{
    unsigned got = line;
    uint8_t status;
    bool back = false;

    vgpio_irq_queue(t, line);
    VGPIO_WAIT_FOR((back = vgpio_irq_next(t, &got, &status)) ||
                   vgpio_line_bool(t, line, "irq-unmasked"), VGPIO_TIMEOUT_US);
    g_assert_cmpuint(got, ==, line);
    return back ? status : VGPIO_IRQ_HELD;
}

/* No eventq buffer has come back (the monitor round trip syncs) */
void vgpio_irq_none(VGpio *t)
{
    unsigned line;
    uint8_t status;

    qobject_unref(qtest_qmp(t->qts, "{'execute': 'query-gpio'}"));
    g_assert_false(vgpio_irq_next(t, &line, &status));
}

void vgpio_irq_enable(VGpio *t, unsigned line, uint32_t type)
{
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_IRQ_TYPE, line, type);
}

/* Enable @type on input @line at level @level, unmask it, nothing pending */
void vgpio_irq_setup(VGpio *t, unsigned line, uint32_t type,
                            bool level)
{
    vgpio_gpio_set(t, t->id, line, level);
    vgpio_req_ok(t, VIRTIO_GPIO_MSG_SET_DIRECTION, line,
                 VIRTIO_GPIO_DIRECTION_IN);
    vgpio_irq_enable(t, line, type);
    g_assert_cmpint(vgpio_irq_unmask(t, line), ==, VGPIO_IRQ_HELD);
}

/* virtio-gpio-device on the virtio-mmio transports of microvm */

QTestState *vgpio_mmio_start(const char *devices)
{
    return qtest_initf("-M microvm,rtc=on -m 128M "
                       "-global virtio-mmio.force-legacy=false %s", devices);
}

/* Find the @nth virtio-gpio transport and drive it as a guest would */
void vgpio_mmio_setup_queues(VGpioMMIO *m, QTestState *qts, int nth,
                             const char *id)
{
    /* each device gets its own part of guest RAM */
    uint64_t ram = (1 + 48 * nth) << 20;
    uint64_t features;
    int i;

    for (i = 0; i < MMIO_TRANSPORTS; i++) {
        uint64_t addr = MMIO_BASE + i * 512;

        if (qtest_readl(qts, addr) == MMIO_MAGIC &&
            qtest_readl(qts, addr + 8) == VIRTIO_ID_GPIO && nth-- == 0) {
            break;
        }
    }
    g_assert_cmpint(i, <, MMIO_TRANSPORTS);

    alloc_init(&m->alloc, 0, ram, ram + (47 << 20), 4096);
    qvirtio_mmio_init_device(&m->dev, qts, MMIO_BASE + i * 512, 4096);
    g_assert_cmpint(m->dev.version, ==, 2);
    qvirtio_start_device(&m->dev.vdev);
    features = qvirtio_get_features(&m->dev.vdev);
    qvirtio_set_features(&m->dev.vdev, features);
    m->t.qts = qts;
    m->t.vdev = &m->dev.vdev;
    m->t.alloc = &m->alloc;
    m->t.id = id;
    m->t.reqq = qvirtqueue_setup(&m->dev.vdev, &m->alloc, 0);
    if (features & (1ull << VIRTIO_GPIO_F_IRQ)) {
        m->t.evtq = qvirtqueue_setup(&m->dev.vdev, &m->alloc, 1);
    }
}

void vgpio_mmio_setup(VGpioMMIO *m, QTestState *qts, int nth, const char *id)
{
    vgpio_mmio_setup_queues(m, qts, nth, id);
    qvirtio_set_driver_ok(&m->dev.vdev);
}

void vgpio_mmio_teardown(VGpioMMIO *m)
{
    qvirtqueue_cleanup(m->dev.vdev.bus, m->t.reqq, &m->alloc);
    if (m->t.evtq) {
        qvirtqueue_cleanup(m->dev.vdev.bus, m->t.evtq, &m->alloc);
    }
    alloc_destroy(&m->alloc);
}

/*
 * The gpio-sim chip of the host tests (VGPIO_HOST_CHIP, VGPIO_SIM_DEV)
 */

/* Run a shell command on the machine that holds the sim chip */
char *vgpio_host_sh(const char *fmt, ...)
{
    g_autofree char *cmd = NULL;
    g_autoptr(GError) err = NULL;
    char *out = NULL;
    int status;
    va_list ap;

    va_start(ap, fmt);
    cmd = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_assert(g_spawn_command_line_sync(cmd, &out, NULL, &status, &err));
    g_test_message("$ %s: %d: %s", cmd, status, out);
    g_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return g_strstrip(out);
}

void vgpio_sim_pull(unsigned offset, bool up)
{
    g_free(vgpio_host_sh("gpio-sim.sh pull %s %u %s", getenv("VGPIO_SIM_DEV"),
                   offset, up ? "pull-up" : "pull-down"));
}

int vgpio_sim_value(unsigned offset)
{
    g_autofree char *out = vgpio_host_sh("gpio-sim.sh value %s %u",
                                   getenv("VGPIO_SIM_DEV"), offset);

    return atoi(out);
}

/* The peer of a gpio-chardev backend, on a unix socket */

void vgpio_peer_connect(VGpioPeer *p, const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    g_assert_cmpuint(strlen(path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    p->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    g_assert_cmpint(p->fd, >=, 0);
    g_assert_cmpint(connect(p->fd, (struct sockaddr *)&addr, sizeof(addr)),
                    ==, 0);
    p->buf = g_string_new(NULL);
}

void vgpio_peer_close(VGpioPeer *p)
{
    close(p->fd);
    g_string_free(p->buf, true);
    p->fd = -1;
    p->buf = NULL;
}

void vgpio_peer_send(VGpioPeer *p, const char *data, size_t len)
{
    while (len) {
        ssize_t n = send(p->fd, data, len, 0);

        g_assert_cmpint(n, >, 0);
        data += n;
        len -= n;
    }
}

void vgpio_peer_sends(VGpioPeer *p, const char *text)
{
    vgpio_peer_send(p, text, strlen(text));
}

/* The next line from QEMU, without its newline */
char *vgpio_peer_readline(VGpioPeer *p)
{
    char *nl;

    while (!(nl = memchr(p->buf->str, '\n', p->buf->len))) {
        struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
        char data[4096];
        ssize_t n;

        g_assert_cmpint(poll(&pfd, 1, VGPIO_PEER_TIMEOUT_MS), ==, 1);
        n = recv(p->fd, data, sizeof(data), 0);
        g_assert_cmpint(n, >, 0);
        g_string_append_len(p->buf, data, n);
    }
    {
        char *line = g_strndup(p->buf->str, nl - p->buf->str);

        g_string_erase(p->buf, 0, nl - p->buf->str + 1);
        return line;
    }
}

void vgpio_peer_expect(VGpioPeer *p, const char *want)
{
    g_autofree char *line = vgpio_peer_readline(p);

    g_assert_cmpstr(line, ==, want);
}
