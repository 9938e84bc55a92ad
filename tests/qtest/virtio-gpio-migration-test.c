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
#include "qemu/bswap.h"
#include "qobject/qdict.h"
#include "qobject/qlist.h"
#include "qobject/qjson.h"
#include "standard-headers/linux/virtio_config.h"
#include "standard-headers/linux/virtio_mmio.h"
#include "standard-headers/linux/virtio_ring.h"
#include "virtio-gpio-utils.h"

#define MIGRATION_TIMEOUT_US (60 * G_USEC_PER_SEC)
/* The eventq's size: VIRTQUEUE_MAX_SIZE, the element arrays' size too */
#define VGPIO_EVENTQ_SIZE 1024

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

/*
 * Start a destination that loads m->uri, a file, at once, and wait until
 * the load is complete.  Ask rather than wait for RESUME: the file may
 * load and the VM start before the monitor's handshake, when QMP drops
 * events (the VM runs before the incoming migration is "completed").
 */
static QTestState *mig_dest_loaded(Migration *m, const char *devices)
{
    QTestState *dst = mig_dest(m, devices);
    g_autofree char *status = NULL;

    VGPIO_WAIT_FOR((status = vgpio_migration_end(dst)), MIGRATION_TIMEOUT_US);
    g_assert_cmpstr(status, ==, "completed");
    return dst;
}

/* Migrate @from to m->uri; returns the final status of the migration */
static char *migrate(QTestState *from, Migration *m)
{
    char *status;

    qtest_qmp_assert_success(from, "{'execute': 'migrate', 'arguments': "
                             "{'uri': %s}}", m->uri);
    VGPIO_WAIT_FOR((status = vgpio_migration_end(from)), MIGRATION_TIMEOUT_US);
    return status;
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
    /*
     * Let it exit by itself: a qtest_quit() that comes before would
     * terminate it, and it would exit with status 0.
     */
    qtest_wait_qemu(dst);
    qtest_quit(dst);

    qtest_qmp_assert_success(src, "{'execute': 'cont'}");
    after = query_lines(src, "gpio0");
    g_assert_cmpstr(after, ==, before);
    dest_check(&v.t);

    vgpio_mmio_teardown(&v);
    qtest_quit(src);
    mig_cleanup(&m);
}

/*
 * A minimal driver for packed virtqueues on virtio-mmio, which libqos
 * does not have: each queue is a ring of PQ_SIZE descriptors, used
 * without wrapping round, followed by its two event suppression areas.
 */
#define PQ_SIZE 64
#define PQ_DESC_NEXT 1
#define PQ_DESC_WRITE 2
#define PQ_DESC_AVAIL (1 << 7)
#define PQ_DESC_USED (1 << 15)

typedef struct PackedQueue {
    uint64_t ring;
    unsigned next_avail, next_used;
    unsigned chain_len[PQ_SIZE];    /* by buffer id: the head's index */
} PackedQueue;

typedef struct PackedGpio {
    VGpioMMIO v;                /* its transport, allocator and monitor */
    PackedQueue q[2];
} PackedGpio;

static void pq_setup(PackedGpio *p, int index)
{
    QVirtioMMIODevice *dev = &p->v.dev;
    PackedQueue *q = &p->q[index];
    uint64_t driver, device;

    q->ring = guest_alloc(&p->v.alloc, PQ_SIZE * 16 + 8);
    qtest_memset(dev->qts, q->ring, 0, PQ_SIZE * 16 + 8);
    driver = q->ring + PQ_SIZE * 16;
    device = driver + 4;
    qtest_writel(dev->qts, dev->addr + VIRTIO_MMIO_QUEUE_SEL, index);
    g_assert_cmpuint(qtest_readl(dev->qts, dev->addr +
                                 VIRTIO_MMIO_QUEUE_NUM_MAX), >=, PQ_SIZE);
    qtest_writel(dev->qts, dev->addr + VIRTIO_MMIO_QUEUE_NUM, PQ_SIZE);
    qtest_writel(dev->qts, dev->addr + VIRTIO_MMIO_QUEUE_DESC_LOW, q->ring);
    qtest_writel(dev->qts, dev->addr + VIRTIO_MMIO_QUEUE_DESC_HIGH,
                 q->ring >> 32);
    qtest_writel(dev->qts, dev->addr + VIRTIO_MMIO_QUEUE_AVAIL_LOW, driver);
    qtest_writel(dev->qts, dev->addr + VIRTIO_MMIO_QUEUE_AVAIL_HIGH,
                 driver >> 32);
    qtest_writel(dev->qts, dev->addr + VIRTIO_MMIO_QUEUE_USED_LOW, device);
    qtest_writel(dev->qts, dev->addr + VIRTIO_MMIO_QUEUE_USED_HIGH,
                 device >> 32);
    qtest_writel(dev->qts, dev->addr + VIRTIO_MMIO_QUEUE_READY, 1);
}

/* Set the device up with packed rings on @qts, the first transport */
static void packed_setup(PackedGpio *p, QTestState *qts)
{
    uint64_t features;

    vgpio_mmio_setup_queues(&p->v, qts, 0, "gpio0");
    /* vgpio_mmio_setup_queues() made split rings: start again */
    qvirtqueue_cleanup(p->v.dev.vdev.bus, p->v.t.reqq, &p->v.alloc);
    qvirtqueue_cleanup(p->v.dev.vdev.bus, p->v.t.evtq, &p->v.alloc);
    p->v.t.reqq = p->v.t.evtq = NULL;
    qvirtio_reset(&p->v.dev.vdev);
    qvirtio_set_acknowledge(&p->v.dev.vdev);
    qvirtio_set_driver(&p->v.dev.vdev);
    features = qvirtio_get_features(&p->v.dev.vdev);
    g_assert_true(features & (1ull << VIRTIO_F_RING_PACKED));
    qvirtio_set_features(&p->v.dev.vdev, features);
    pq_setup(p, 0);
    pq_setup(p, 1);
    qvirtio_set_driver_ok(&p->v.dev.vdev);
}

/* Make a chain of @n buffers available on queue @index; returns its id */
static unsigned pq_add(PackedGpio *p, int index, const uint64_t *addr,
                       const uint32_t *len, int n_out, int n)
{
    QTestState *qts = p->v.t.qts;
    PackedQueue *q = &p->q[index];
    unsigned id = q->next_avail;
    int i;

    g_assert_cmpuint(q->next_avail + n, <=, PQ_SIZE);
    /* the head's flags last: they make the chain available */
    for (i = n - 1; i >= 0; i--) {
        uint64_t d = q->ring + (id + i) * 16;
        uint16_t flags = PQ_DESC_AVAIL | (i + 1 < n ? PQ_DESC_NEXT : 0) |
                         (i >= n_out ? PQ_DESC_WRITE : 0);

        qtest_writeq(qts, d, addr[i]);
        qtest_writel(qts, d + 8, len[i]);
        qtest_writew(qts, d + 12, id);
        qtest_writew(qts, d + 14, flags);
    }
    q->chain_len[id] = n;
    q->next_avail += n;
    qtest_writel(qts, p->v.dev.addr + VIRTIO_MMIO_QUEUE_NOTIFY, index);
    return id;
}

/* The id of the next used buffer of queue @index, or -1 if none yet */
static int pq_used(PackedGpio *p, int index, uint32_t *len)
{
    QTestState *qts = p->v.t.qts;
    PackedQueue *q = &p->q[index];
    uint64_t d = q->ring + q->next_used * 16;
    uint16_t flags = qtest_readw(qts, d + 14);
    unsigned id;

    if (!(flags & PQ_DESC_AVAIL) || !(flags & PQ_DESC_USED)) {
        return -1;
    }
    id = qtest_readw(qts, d + 12);
    g_assert_cmpuint(id, <, PQ_SIZE);
    g_assert_cmpuint(q->chain_len[id], >, 0);
    *len = qtest_readl(qts, d + 8);
    q->next_used += q->chain_len[id];
    q->chain_len[id] = 0;
    return id;
}

static int pq_wait(PackedGpio *p, int index, uint32_t *len)
{
    int id;

    VGPIO_WAIT_FOR((id = pq_used(p, index, len)) >= 0, VGPIO_TIMEOUT_US);
    return id;
}

/* One request on the packed requestq; returns the response's value */
static uint8_t pq_request_ok(PackedGpio *p, uint16_t type, uint16_t line,
                             uint32_t value)
{
    struct virtio_gpio_request req = {
        .type = cpu_to_le16(type),
        .gpio = cpu_to_le16(line),
        .value = cpu_to_le32(value),
    };
    uint64_t addr[2] = {
        guest_alloc(&p->v.alloc, sizeof(req)),
        guest_alloc(&p->v.alloc, 2),
    };
    uint32_t len[2] = { sizeof(req), 2 }, used_len;
    unsigned id;

    qtest_memwrite(p->v.t.qts, addr[0], &req, sizeof(req));
    id = pq_add(p, 0, addr, len, 1, 2);
    g_assert_cmpint(pq_wait(p, 0, &used_len), ==, id);
    g_assert_cmpuint(used_len, ==, 2);
    g_assert_cmpuint(qtest_readb(p->v.t.qts, addr[1]), ==,
                     VIRTIO_GPIO_STATUS_OK);
    return qtest_readb(p->v.t.qts, addr[1] + 1);
}

/* Queue an eventq buffer for @line; returns its id; @status its status */
static unsigned pq_irq_queue(PackedGpio *p, uint16_t line, uint64_t *status)
{
    uint16_t req = cpu_to_le16(line);
    uint64_t addr[2] = {
        guest_alloc(&p->v.alloc, sizeof(req)),
        guest_alloc(&p->v.alloc, 1),
    };
    uint32_t len[2] = { sizeof(req), 1 };

    qtest_memwrite(p->v.t.qts, addr[0], &req, sizeof(req));
    qtest_writeb(p->v.t.qts, addr[1], 0xaa);
    *status = addr[1];
    return pq_add(p, 1, addr, len, 1, 2);
}

/*
 * packed=on: the eventq buffers the device holds migrate in the stream
 * with their descriptor counts, and come back on the destination.
 */
static void test_packed(void)
{
    const char *devices = VGPIO_OBJECT " -device virtio-gpio-device,"
        VGPIO_DEVICE_OPTS ",packed=on";
    Migration m;
    QTestState *src, *dst;
    PackedGpio p = { 0 };
    uint64_t status[2];
    unsigned id[2], i;
    uint32_t len;
    g_autofree char *before = NULL, *after = NULL, *mig = NULL;

    mig_init(&m);
    src = vgpio_mmio_start(devices);
    dst = mig_dest(&m, devices);
    packed_setup(&p, src);
    for (i = 0; i < 2; i++) {
        pq_request_ok(&p, VIRTIO_GPIO_MSG_SET_DIRECTION, i,
                      VIRTIO_GPIO_DIRECTION_IN);
        pq_request_ok(&p, VIRTIO_GPIO_MSG_IRQ_TYPE, i,
                      VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING);
        id[i] = pq_irq_queue(&p, i, &status[i]);
        g_assert_true(vgpio_line_bool(&p.v.t, i, "irq-unmasked"));
    }
    g_assert_cmpint(pq_used(&p, 1, &len), ==, -1);
    before = query_lines(src, "gpio0");

    mig = migrate(src, &m);
    g_assert_cmpstr(mig, ==, "completed");
    qtest_qmp_eventwait(dst, "RESUME");
    after = query_lines(dst, "gpio0");
    g_assert_cmpstr(after, ==, before);

    /* line 1's buffer first, then line 0's: each with its own id */
    mig_switch(&p.v, dst);
    for (i = 2; i-- > 0;) {
        vgpio_gpio_set(&p.v.t, "gpio0", i, true);
        g_assert_cmpint(pq_wait(&p, 1, &len), ==, id[i]);
        g_assert_cmpuint(len, ==, 1);
        g_assert_cmpuint(qtest_readb(dst, status[i]), ==,
                         VIRTIO_GPIO_IRQ_STATUS_VALID);
    }
    g_assert_cmpuint(pq_request_ok(&p, VIRTIO_GPIO_MSG_GET_VALUE, 1, 0), ==,
                     1);

    alloc_destroy(&p.v.alloc);
    qtest_quit(src);
    qtest_quit(dst);
    mig_cleanup(&m);
}

/* Save the state of @src to @path; the source stops */
static void save_to_file(QTestState *src, const char *path)
{
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    Migration m = { .uri = uri };
    g_autofree char *status = migrate(src, &m);

    g_assert_cmpstr(status, ==, "completed");
}

/* Load the stream @path into a new destination: the final status */
static char *load_from_file(const char *path)
{
    QTestState *dst = vgpio_mmio_start(DUMMY_DEVICES " -incoming defer");
    g_autofree char *uri = g_strdup_printf("file:%s", path);
    char *status;

    qtest_qmp_assert_success(dst, "{'execute': 'migrate-incoming', "
                             "'arguments': {'uri': %s, "
                             "'exit-on-error': false}}", uri);
    VGPIO_WAIT_FOR((status = vgpio_migration_end(dst)), MIGRATION_TIMEOUT_US);
    qtest_quit(dst);
    return status;
}

/*
 * Where the eventq element whose first in-buffer is at @in_addr starts in
 * @stream: its VirtQueueElementOld (index, out_num 1, in_num 1, padding,
 * in_addr[0]), as qemu_put_virtqueue_element() writes it.
 */
static uint8_t *find_element(uint8_t *stream, size_t len, uint32_t index,
                             uint64_t in_addr)
{
    uint32_t head[4] = { index, 1, 1, 0 };
    uint8_t want[24];
    uint8_t *p;

    memcpy(want, head, sizeof(head));
    memcpy(want + sizeof(head), &in_addr, sizeof(in_addr));
    p = memmem(stream, len, want, sizeof(want));
    g_assert_nonnull(p);
    /* only one */
    g_assert_null(memmem(p + 1, len - (p + 1 - stream), want, sizeof(want)));
    return p;
}

/*
 * The destination checks the eventq elements of the stream: an element
 * with no room for its status (no in-buffer) is refused, and so are more elements than
 * the eventq holds.  The stream as saved loads, and its irq works.
 */
static void test_stream_checks(void)
{
    g_autofree char *dir = g_dir_make_tmp("vgpio-stream-XXXXXX", NULL);
    g_autofree char *good = g_strdup_printf("%s/good", dir);
    g_autofree char *bad = g_strdup_printf("%s/bad", dir);
    g_autofree uint8_t *stream = NULL;
    g_autofree char *status = NULL;
    QTestState *src = vgpio_mmio_start(DUMMY_DEVICES);
    VGpioMMIO v = { 0 };
    uint64_t in_addr[2], desc;
    uint32_t num_be, align_be;
    uint8_t want[16], *elem, *ring;
    size_t len;
    int i;

    vgpio_mmio_setup(&v, src, 0, "gpio0");
    vgpio_irq_setup(&v.t, 0, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);
    vgpio_irq_setup(&v.t, 1, VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING, false);
    /* the heads of the two chains are descriptors 0 and 2 */
    for (i = 0; i < 2; i++) {
        in_addr[i] = qtest_readq(src, v.t.evtq->desc + (2 * i + 1) * 16);
    }
    desc = v.t.evtq->desc;
    save_to_file(src, good);
    vgpio_mmio_teardown(&v);
    qtest_quit(src);
    g_assert_true(g_file_get_contents(good, (char **)&stream, &len, NULL));

    status = load_from_file(good);
    g_assert_cmpstr(status, ==, "completed");
    g_free(status);

    /* line 1's element without its in-buffer: in_num 0 */
    elem = find_element(stream, len, 2, in_addr[1]);
    memset(elem + 8, 0, 4);
    g_assert_true(g_file_set_contents(bad, (char *)stream, len, NULL));
    status = load_from_file(bad);
    g_assert_cmpstr(status, ==, "failed");
    g_free(status);
    elem[8] = 1;

    /* the eventq's size: be32 num, be32 align, be64 desc in virtio_load */
    num_be = cpu_to_be32(VGPIO_EVENTQ_SIZE);
    align_be = cpu_to_be32(4096);
    memcpy(want, &num_be, 4);
    memcpy(want + 4, &align_be, 4);
    desc = cpu_to_be64(desc);
    memcpy(want + 8, &desc, 8);
    ring = memmem(stream, len, want, sizeof(want));
    g_assert_nonnull(ring);
    num_be = cpu_to_be32(1);
    memcpy(ring, &num_be, 4);
    g_assert_true(g_file_set_contents(bad, (char *)stream, len, NULL));
    status = load_from_file(bad);
    g_assert_cmpstr(status, ==, "failed");

    unlink(good);
    unlink(bad);
    g_assert_cmpint(rmdir(dir), ==, 0);
}

/*
 * A full eventq: 1,024 lines with an interrupt unmasked (the buffers use
 * indirect descriptors, one ring entry each, as Linux's do) migrate, and
 * the last one comes back on the destination.  Prints the stream's size
 * next to that of the same device with none queued.
 */
static void test_full_eventq(void)
{
    const char *devices = "-object gpio-dummy,id=gpiobe0,ngpio=1024 "
        "-device virtio-gpio-device," VGPIO_DEVICE_OPTS;
    g_autofree char *dir = g_dir_make_tmp("vgpio-full-XXXXXX", NULL);
    g_autofree char *empty = g_strdup_printf("%s/empty", dir);
    g_autofree char *full = g_strdup_printf("%s/full", dir);
    g_autofree char *uri = g_strdup_printf("file:%s", full);
    g_autofree char *status = NULL;
    QTestState *src, *dst;
    VGpioMMIO v = { 0 };
    uint64_t resp[VGPIO_EVENTQ_SIZE];
    uint32_t head, len;
    struct stat st[2];
    unsigned i;

    /* (one migration per QEMU: 10.0 leaks the path of a first file:) */
    src = vgpio_mmio_start(devices);
    vgpio_mmio_setup(&v, src, 0, "gpio0");
    save_to_file(src, empty);
    vgpio_mmio_teardown(&v);
    qtest_quit(src);

    src = vgpio_mmio_start(devices);
    vgpio_mmio_setup(&v, src, 0, "gpio0");
    g_assert_true(v.t.vdev->features & (1ull << VIRTIO_RING_F_INDIRECT_DESC));
    g_assert_cmpuint(v.t.evtq->size, ==, VGPIO_EVENTQ_SIZE);
    for (i = 0; i < VGPIO_EVENTQ_SIZE; i++) {
        uint16_t req = cpu_to_le16(i);
        uint64_t req_addr = guest_alloc(v.t.alloc, sizeof(req));
        QVRingIndirectDesc *ind = qvring_indirect_desc_setup(src, v.t.vdev,
                                                             v.t.alloc, 2);

        vgpio_req_ok(&v.t, VIRTIO_GPIO_MSG_IRQ_TYPE, i,
                     VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING);
        resp[i] = guest_alloc(v.t.alloc, 1);
        qtest_memwrite(src, req_addr, &req, sizeof(req));
        qvring_indirect_desc_add(v.t.vdev, src, ind, req_addr, sizeof(req),
                                 false);
        qvring_indirect_desc_add(v.t.vdev, src, ind, resp[i], 1, true);
        head = qvirtqueue_add_indirect(src, v.t.evtq, ind);
        qvirtqueue_kick(src, v.t.vdev, v.t.evtq, head);
        g_free(ind);
    }
    vgpio_irq_none(&v.t);
    g_assert_true(vgpio_line_bool(&v.t, VGPIO_EVENTQ_SIZE - 1,
                                  "irq-unmasked"));

    status = migrate(src, &(Migration) { .uri = uri });
    g_assert_cmpstr(status, ==, "completed");
    g_assert_cmpint(stat(empty, &st[0]), ==, 0);
    g_assert_cmpint(stat(full, &st[1]), ==, 0);
    g_test_message("migration stream of the device with ngpio=1024: %lld "
                   "bytes with no eventq buffer queued, %lld with %u: "
                   "%lld bytes per buffer (with the 3 pages of guest RAM "
                   "that libqos allocates for each)", (long long)st[0].st_size,
                   (long long)st[1].st_size, VGPIO_EVENTQ_SIZE,
                   (long long)(st[1].st_size - st[0].st_size) /
                   VGPIO_EVENTQ_SIZE);
    qtest_quit(src);

    dst = mig_dest_loaded(&(Migration) { .uri = uri }, devices);
    mig_switch(&v, dst);
    g_assert_true(vgpio_line_bool(&v.t, 0, "irq-unmasked"));
    vgpio_gpio_set(&v.t, "gpio0", VGPIO_EVENTQ_SIZE - 1, true);
    VGPIO_WAIT_FOR(qvirtqueue_get_buf(dst, v.t.evtq, &head, &len),
                   VGPIO_TIMEOUT_US);
    g_assert_cmpuint(len, ==, 1);
    g_assert_cmpuint(qtest_readb(dst, resp[VGPIO_EVENTQ_SIZE - 1]), ==,
                     VIRTIO_GPIO_IRQ_STATUS_VALID);
    g_assert_false(vgpio_line_bool(&v.t, VGPIO_EVENTQ_SIZE - 1,
                                   "irq-unmasked"));
    g_assert_true(vgpio_line_bool(&v.t, 0, "irq-unmasked"));

    vgpio_mmio_teardown(&v);
    qtest_quit(dst);
    unlink(empty);
    unlink(full);
    g_assert_cmpint(rmdir(dir), ==, 0);
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
    g_autofree char *devices = NULL, *uri = NULL;
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

    dst = mig_dest_loaded(&m, devices);
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
    qtest_add_func("virtio-gpio/migration/packed", test_packed);
    qtest_add_func("virtio-gpio/migration/stream-checks", test_stream_checks);
    qtest_add_func("virtio-gpio/migration/full-eventq", test_full_eventq);
    qtest_add_func("virtio-gpio/migration/other-ngpio", test_other_ngpio);
    qtest_add_func("virtio-gpio/migration/input-only", test_input_only);
    qtest_add_func("virtio-gpio/migration/irq-off", test_irq_off);
    qtest_add_func("virtio-gpio/migration/chardev", test_chardev);
    qtest_add_func("virtio-gpio/migration/host", test_host);
    return g_test_run();
}
