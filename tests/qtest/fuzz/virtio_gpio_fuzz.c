/*
 * virtio-gpio fuzzing target
 *
 * Drives virtio-gpio-pci, with a gpio-dummy backend, from both sides: the
 * guest's (well-formed and malformed chains on the requestq and the
 * eventq, doorbells, device reset, queue reset, bus mastering off and on,
 * config reads) and the host's (input levels of the lines, query-gpio, VM
 * stop and cont, a save and load of the device state).  The fuzz input is
 * a sequence of operations: see the table above vgf_ops[].
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/bswap.h"
#include "qemu/rcu.h"
#include "qapi/error.h"
#include "qapi/qapi-commands-gpio.h"
#include "system/runstate.h"
#include "tests/qtest/libqtest.h"
#include "tests/qtest/libqos/virtio.h"
#include "tests/qtest/libqos/virtio-gpio.h"
#include "tests/qtest/libqos/virtio-pci.h"
#include "tests/qtest/virtio-gpio-utils.h"
#include "hw/pci/pci_regs.h"
#include "hw/virtio/virtio-gpio.h"
#include "io/channel-buffer.h"
#include "migration/qemu-file.h"
#include "migration/vmstate.h"
#include "standard-headers/linux/virtio_pci.h"
#include "standard-headers/linux/virtio_ring.h"
#include "standard-headers/linux/virtio_gpio.h"
#include "fuzz.h"
#include "qos_fuzz.h"

/*
 * The device: 8 lines, some named, line 6 input-only and line 7
 * read-only.  The qos node of virtio-gpio-pci gives it the id "gpio0".
 */
#define VGF_BACKEND         "gpiobe0"
#define VGF_DEVICE          "gpio0"
#define VGF_NGPIO           8
#define VGF_OBJECT          "-object gpio-dummy,id=" VGF_BACKEND ",ngpio=8," \
    "names=button,names=led,names=,names=reset,names=,names=,"            \
    "names=sense,names=fixed,input-only=6,read-only=7"

#define VGF_ARENA_SIZE      (64 * KiB)  /* guest memory for the buffers */
#define VGF_MAX_CHAIN       4
#define VGF_CLOCK_STEP_NS   100000

/* Feature byte (first input byte, RESET): features the driver declines */
#define VGF_FEAT_NO_IRQ         (1 << 0)
#define VGF_FEAT_NO_EVENT_IDX   (1 << 1)
#define VGF_FEAT_NO_INDIRECT    (1 << 2)
#define VGF_RESET_ONLY          (1 << 7)    /* RESET: no re-initialisation */

/* Flags of the operations that queue a chain */
#define VGF_NO_KICK         (1 << 0)    /* make it available, no doorbell */
#define VGF_NO_FLUSH        (1 << 1)    /* doorbell, but no main loop run */

typedef struct VGFuzz {
    QVhostUserGPIO *gpio;       /* the libqos driver: vdev and queues */
    Object *dev;                /* the virtio-gpio device, for SAVE_LOAD */
    uint32_t names_size;        /* gpio_names_size of the config */
    uint64_t arena;
    uint32_t arena_off;
    bool log;                   /* QTEST_LOG: log the host-side operations */
    bool saved;                 /* this input did its SAVE_LOAD */
    bool remapped;              /* this input changed the memory map */
    unsigned remaps;            /* inputs that did */
    uint8_t *rings[2];          /* a fresh ring of each queue, to copy */
} VGFuzz;

typedef struct VGFuzzInput {
    const uint8_t *data;
    size_t size;
} VGFuzzInput;

typedef struct VGFuzzDesc {
    uint64_t addr;
    uint32_t len;
    bool write;
} VGFuzzDesc;

static VGFuzz vgf;

static void G_GNUC_PRINTF(1, 2) vgf_log(const char *fmt, ...)
{
    va_list ap;

    if (!vgf.log) {
        return;
    }
    va_start(ap, fmt);
    fprintf(stderr, "[vgpio-fuzz] ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static bool vgf_take(VGFuzzInput *in, uint8_t *buf, size_t n)
{
    if (in->size < n) {
        return false;
    }
    memcpy(buf, in->data, n);
    in->data += n;
    in->size -= n;
    return true;
}

/* Message type: mostly 0-7 (1-6 are valid), sometimes far out */
static uint16_t vgf_type(uint8_t b)
{
    return b < 0xf8 ? b % 8 : 0xff00 | b;
}

/* Line: mostly 0..VGF_NGPIO (one past the last), sometimes far out */
static uint16_t vgf_line(uint8_t b)
{
    return b < 0xf0 ? b % (VGF_NGPIO + 1) : 0xff00 | b;
}

/* Value: mostly 0-15 (directions, irq types), sometimes high bits set */
static uint32_t vgf_value(uint8_t b)
{
    if (b < 0xf0) {
        return b & 0xf;
    }
    return b == 0xff ? UINT32_MAX : (uint32_t)b << 24 | (b & 0xf);
}

/* Guest memory for a buffer; the arena is reused from the start */
static uint64_t vgf_alloc(uint32_t len)
{
    uint64_t addr;

    if (vgf.arena_off + len > VGF_ARENA_SIZE) {
        vgf.arena_off = 0;
    }
    addr = vgf.arena + vgf.arena_off;
    vgf.arena_off += len;
    return addr;
}

/*
 * The guest acts only while the VM runs; in a stopped VM only the host
 * does.  (A doorbell rung just before the stop still gets handled: the
 * stop drains the ioeventfds, see VGF_NO_FLUSH.)
 */
static bool vgf_guest_runs(void)
{
    return runstate_is_running();
}

static QVirtQueue *vgf_queue(int q)
{
    return vgf.gpio->queues[q];
}

/* Make the chain at @head available (the ring is little-endian, as x86) */
static void vgf_publish(QTestState *s, QVirtQueue *vq, uint32_t head)
{
    uint16_t idx = qtest_readw(s, vq->avail + 2);

    qtest_writew(s, vq->avail + 4 + 2 * (idx % vq->size), head);
    qtest_writew(s, vq->avail + 2, idx + 1);
}

/*
 * Ring the doorbell of queue @q.  The notification goes through an
 * ioeventfd, so the device handles it when the main loop runs.
 */
static void vgf_kick(QTestState *s, int q, bool flush)
{
    QVirtioDevice *vdev = vgf.gpio->vdev;

    vdev->bus->virtqueue_kick(vdev, vgf_queue(q));
    if (flush) {
        flush_events(s);
    }
}

/* Queue the chain @d[0..n-1] on queue @q */
static void vgf_submit(QTestState *s, int q, const VGFuzzDesc *d, int n,
                       uint8_t flags)
{
    QVirtQueue *vq = vgf_queue(q);
    uint32_t head = 0;
    int i;

    /* rather than run off the end of the table (libqos frees nothing) */
    vgpio_vq_recycle(vq, n);
    for (i = 0; i < n; i++) {
        uint32_t idx = qvirtqueue_add(s, vq, d[i].addr, d[i].len, d[i].write,
                                      i + 1 < n);

        if (i == 0) {
            head = idx;
        }
    }
    vgf_publish(s, vq, head);
    if (!(flags & VGF_NO_KICK)) {
        vgf_kick(s, q, !(flags & VGF_NO_FLUSH));
    }
}

static QVirtioPCIDevice *vgf_pci(void)
{
    return container_of(vgf.gpio->vdev, QVirtioPCIDevice, vdev);
}

/*
 * Set queue @q up on its rings again, fresh, as qvirtqueue_setup() would
 * on new ones.  qvring_init() writes each descriptor's address and next
 * field in turn: two memory writes per descriptor, 2,046 for the eventq,
 * which took more time than the rest of an input together.  Here one
 * write copies an image of a fresh ring.
 */
static void vgf_queue_setup(QTestState *s, int q)
{
    QVirtioPCIDevice *dev = vgf_pci();
    QVirtioDevice *vdev = vgf.gpio->vdev;
    QVirtQueue *vq = vgf.gpio->queues[q];
    uint64_t features = vdev->bus->get_guest_features(vdev);
    size_t size = qvring_size(vq->size, vq->align);
    uint32_t i;

    if (!vgf.rings[q]) {
        /* descriptors chained in order, all else 0 (as qvring_init) */
        vgf.rings[q] = g_malloc0(size);
        for (i = 0; i + 1 < vq->size; i++) {
            stw_le_p(vgf.rings[q] + 16 * i + 14, i + 1);
        }
    }
    vdev->bus->queue_select(vdev, q);
    g_assert_cmpuint(vdev->bus->get_queue_size(vdev), ==, vq->size);
    qtest_memwrite(s, vq->desc, vgf.rings[q], size);
    vq->free_head = 0;
    vq->num_free = vq->size;
    vq->last_used_idx = 0;
    vq->indirect = features & (1ull << VIRTIO_RING_F_INDIRECT_DESC);
    vq->event = features & (1ull << VIRTIO_RING_F_EVENT_IDX);
    vdev->bus->set_queue_address(vdev, vq);
    qpci_io_writew(dev->pdev, dev->bar, dev->common_cfg_offset +
                   offsetof(struct virtio_pci_common_cfg, queue_enable), 1);
}

/*
 * Reset the device through its status register and set it up again as a
 * driver would, declining the features in @feat, on fresh rings.
 */
static void vgf_device_init(QTestState *s, uint8_t feat)
{
    QVirtioDevice *vdev = vgf.gpio->vdev;
    uint64_t features;
    int i;

    qvirtio_start_device(vdev);     /* reset, ACKNOWLEDGE, DRIVER */
    features = qvirtio_get_features(vdev) & ~QVIRTIO_F_BAD_FEATURE;
    if (feat & VGF_FEAT_NO_IRQ) {
        features &= ~(1ull << VIRTIO_GPIO_F_IRQ);
    }
    if (feat & VGF_FEAT_NO_EVENT_IDX) {
        features &= ~(1ull << VIRTIO_RING_F_EVENT_IDX);
    }
    if (feat & VGF_FEAT_NO_INDIRECT) {
        features &= ~(1ull << VIRTIO_RING_F_INDIRECT_DESC);
    }
    qvirtio_set_features(vdev, features);
    for (i = 0; i < 2; i++) {
        vgf_queue_setup(s, i);
    }
    qvirtio_set_driver_ok(vdev);
}

/* Every input starts from the same state: running, fresh device, lines low */
static void vgf_restart(QTestState *s, uint8_t feat)
{
    unsigned i;

    if (!runstate_is_running()) {
        vm_start();
    }
    flush_events(s);
    vgf_device_init(s, feat);
    /* every irq is disabled after the reset: this delivers nothing */
    for (i = 0; i < VGF_NGPIO; i++) {
        qmp_gpio_set(VGF_BACKEND, true, i, NULL, false, &error_abort);
    }
    vgf.arena_off = 0;
    vgf.saved = false;
}

/* REQUEST type line value flags: a well-formed requestq message */
static bool vgf_op_request(QTestState *s, VGFuzzInput *in)
{
    struct virtio_gpio_request req;
    VGFuzzDesc d[3];
    uint8_t a[4];
    uint16_t type;
    uint32_t split, len;
    uint64_t addr;
    int n = 0;

    if (!vgf_take(in, a, sizeof(a))) {
        return false;
    }
    if (!vgf_guest_runs()) {
        return true;
    }
    type = vgf_type(a[0]);
    req.type = cpu_to_le16(type);
    req.gpio = cpu_to_le16(vgf_line(a[1]));
    req.value = cpu_to_le32(vgf_value(a[2]));
    addr = vgf_alloc(sizeof(req));
    qtest_memwrite(s, addr, &req, sizeof(req));
    if (a[3] & (1 << 4)) {
        /* the request split over two descriptors (allowed by VIRTIO) */
        split = 1 + (a[3] >> 5) % (sizeof(req) - 1);
        d[n++] = (VGFuzzDesc) { addr, split, false };
        d[n++] = (VGFuzzDesc) { addr + split, sizeof(req) - split, false };
    } else {
        d[n++] = (VGFuzzDesc) { addr, sizeof(req), false };
    }
    len = type == VIRTIO_GPIO_MSG_GET_NAMES ? 1 + vgf.names_size : 2;
    len += (a[3] >> 2) & 3;         /* spare room */
    d[n++] = (VGFuzzDesc) { vgf_alloc(len), len, true };
    vgf_submit(s, 0, d, n, a[3]);
    return true;
}

/* EVENT line flags: an eventq buffer for a line (unmask its irq) */
static bool vgf_op_event(QTestState *s, VGFuzzInput *in)
{
    uint8_t req[4] = { 0 };
    VGFuzzDesc d[2];
    uint8_t a[2];
    uint16_t line;

    if (!vgf_take(in, a, sizeof(a))) {
        return false;
    }
    if (!vgf_guest_runs()) {
        return true;
    }
    line = cpu_to_le16(vgf_line(a[0]));
    memcpy(req, &line, sizeof(line));
    /* le16 gpio, and 2 more bytes if flag 2 */
    d[0].len = a[1] & (1 << 2) ? 4 : 2;
    d[0].addr = vgf_alloc(d[0].len);
    d[0].write = false;
    qtest_memwrite(s, d[0].addr, req, d[0].len);
    /* u8 status, and a spare byte if flag 3 */
    d[1].len = a[1] & (1 << 3) ? 2 : 1;
    d[1].addr = vgf_alloc(d[1].len);
    d[1].write = true;
    vgf_submit(s, 1, d, 2, a[1]);
    return true;
}

/*
 * CHAIN hdr type line value len[1-4]: any chain of 1-4 descriptors, cut
 * one after the other from a buffer that starts with a message (a request
 * on the requestq, a le16 line on the eventq).  Zero-length, short,
 * missing, read-only or writable parts: all up to the fuzzer.
 */
static bool vgf_op_chain(QTestState *s, VGFuzzInput *in)
{
    uint8_t hdr, t[3], lens[VGF_MAX_CHAIN];
    uint8_t msg[8] = { 0 };
    VGFuzzDesc d[VGF_MAX_CHAIN];
    uint32_t total = 0;
    uint64_t addr;
    int q, n, i;

    if (!vgf_take(in, &hdr, 1) || !vgf_take(in, t, sizeof(t))) {
        return false;
    }
    n = 1 + ((hdr >> 1) & 3);
    if (!vgf_take(in, lens, n)) {
        return false;
    }
    if (!vgf_guest_runs()) {
        return true;
    }
    q = hdr & 1;
    if (q == 0) {
        struct virtio_gpio_request req = {
            .type = cpu_to_le16(vgf_type(t[0])),
            .gpio = cpu_to_le16(vgf_line(t[1])),
            .value = cpu_to_le32(vgf_value(t[2])),
        };

        memcpy(msg, &req, sizeof(req));
    } else {
        uint16_t line = cpu_to_le16(vgf_line(t[1]));

        memcpy(msg, &line, sizeof(line));
    }
    for (i = 0; i < n; i++) {
        total += lens[i] & 0x3f;
    }
    addr = vgf_alloc(MAX(total, sizeof(msg)));
    qtest_memwrite(s, addr, msg, sizeof(msg));
    for (i = 0; i < n; i++) {
        d[i].addr = addr;
        d[i].len = lens[i] & 0x3f;
        d[i].write = lens[i] & 0x40;
        addr += d[i].len;
    }
    vgf_submit(s, q, d, n, hdr >> 3);
    return true;
}

/* KICK k: ring the doorbell of a queue */
static bool vgf_op_kick(QTestState *s, VGFuzzInput *in)
{
    uint8_t a;

    if (!vgf_take(in, &a, 1)) {
        return false;
    }
    if (vgf_guest_runs()) {
        vgf_kick(s, a & 1, !(a & VGF_NO_FLUSH));
    }
    return true;
}

/* HOST_SET line flags: the host sets the input level of a line */
static bool vgf_op_host_set(QTestState *s, VGFuzzInput *in)
{
    static const char *const ids[] = {
        VGF_BACKEND, VGF_DEVICE, "nosuch", VGF_BACKEND,
    };
    static const char *const names[] = {
        "button", "led", "reset", "sense", "fixed", "nosuch", "",
    };
    const char *id, *name = NULL;
    Error *err = NULL;
    bool has_line = true, level;
    uint16_t line;
    uint8_t a[2];

    if (!vgf_take(in, a, sizeof(a))) {
        return false;
    }
    id = ids[(a[1] >> 2) & 3];
    line = vgf_line(a[0]);
    level = a[1] & 1;
    if (a[1] & (1 << 1)) {
        name = names[a[0] % ARRAY_SIZE(names)];
        has_line = a[1] & (1 << 4);     /* both line and name: an error */
    }
    vgf_log("gpio-set id=%s line=%d name=%s value=%d", id,
            has_line ? line : -1, name ? name : "(none)", level);
    qmp_gpio_set(id, has_line, line, name, level, &err);
    error_free(err);
    return true;
}

/* CLOCK n: advance the virtual clock, run the main loop */
static bool vgf_op_clock(QTestState *s, VGFuzzInput *in)
{
    uint8_t a;

    if (!vgf_take(in, &a, 1)) {
        return false;
    }
    qtest_clock_step(s, (int64_t)(a + 1) * VGF_CLOCK_STEP_NS);
    flush_events(s);
    return true;
}

/* STOP_CONT: stop the VM if it runs, else continue it */
static bool vgf_op_stop_cont(QTestState *s, VGFuzzInput *in)
{
    if (runstate_is_running()) {
        vgf_log("stop");
        vm_stop(RUN_STATE_PAUSED);
    } else {
        vgf_log("cont");
        vm_start();
    }
    flush_events(s);
    return true;
}

/* RESET feat: device reset, then set up again unless VGF_RESET_ONLY */
static bool vgf_op_reset(QTestState *s, VGFuzzInput *in)
{
    uint8_t a;

    if (!vgf_take(in, &a, 1)) {
        return false;
    }
    if (!vgf_guest_runs()) {
        return true;
    }
    if (a & VGF_RESET_ONLY) {
        qvirtio_reset(vgf.gpio->vdev);
    } else {
        vgf_device_init(s, a);
    }
    flush_events(s);
    return true;
}

/* QUERY: query-gpio, which asks the device for the irq state of each line */
static bool vgf_op_query(QTestState *s, VGFuzzInput *in)
{
    vgf_log("query-gpio");
    qapi_free_GpioControllerInfoList(qmp_query_gpio(NULL, false, 0, false, 0,
                                                     &error_abort));
    return true;
}

/* CONFIG a: read the device config: offset a[3:0], width 1 << a[5:4] */
static bool vgf_op_config(QTestState *s, VGFuzzInput *in)
{
    QVirtioDevice *vdev = vgf.gpio->vdev;
    uint64_t off;
    uint8_t a;

    if (!vgf_take(in, &a, 1)) {
        return false;
    }
    if (!vgf_guest_runs()) {
        return true;
    }
    off = a & 0xf;
    switch ((a >> 4) & 3) {
    case 0:
        vdev->bus->config_readb(vdev, off);
        break;
    case 1:
        vdev->bus->config_readw(vdev, off);
        break;
    case 2:
        vdev->bus->config_readl(vdev, off);
        break;
    default:
        vdev->bus->config_readq(vdev, off);
        break;
    }
    return true;
}

/*
 * QUEUE_RESET a: VIRTIO_F_RING_RESET on queue a[0], then set it up again
 * unless a[1] (a guest may leave it reset)
 */
static bool vgf_op_queue_reset(QTestState *s, VGFuzzInput *in)
{
    QVirtioPCIDevice *dev = vgf_pci();
    QVirtioDevice *vdev = vgf.gpio->vdev;
    uint8_t a;
    int q;

    if (!vgf_take(in, &a, 1)) {
        return false;
    }
    if (!vgf_guest_runs()) {
        return true;
    }
    q = a & 1;
    qpci_io_writew(dev->pdev, dev->bar, dev->common_cfg_offset +
                   offsetof(struct virtio_pci_common_cfg, queue_select), q);
    qpci_io_writew(dev->pdev, dev->bar, dev->common_cfg_offset +
                   offsetof(struct virtio_pci_modern_common_cfg, queue_reset),
                   1);
    /* (after a RESET without set-up, there is nothing to set up again) */
    if (!(a & 2) && vdev->features_negotiated) {
        vgf_queue_setup(s, q);
    }
    flush_events(s);
    return true;
}

/* BUS_MASTER: the guest turns bus mastering off if it is on, else on */
static bool vgf_op_bus_master(QTestState *s, VGFuzzInput *in)
{
    QPCIDevice *pdev = vgf_pci()->pdev;
    uint16_t cmd;

    if (!vgf_guest_runs()) {
        return true;
    }
    cmd = qpci_config_readw(pdev, PCI_COMMAND);
    qpci_config_writew(pdev, PCI_COMMAND, cmd ^ PCI_COMMAND_MASTER);
    vgf.remapped = true;
    flush_events(s);
    return true;
}

/*
 * SAVE_LOAD: stop the VM, save the device's state (virtio-pci's and
 * virtio-gpio's, as a migration does), load it back into the device,
 * continue as before
 */
static bool vgf_op_save_load(QTestState *s, VGFuzzInput *in)
{
    Object *dev = vgf.dev;
    const VMStateDescription *vmsd = DEVICE_GET_CLASS(dev)->vmsd;
    QIOChannelBuffer *out, *saved;
    bool running = runstate_is_running();
    QEMUFile *f;

    /* the costliest operation by far: once per input is enough */
    if (vgf.saved) {
        return true;
    }
    vgf.saved = true;
    out = qio_channel_buffer_new(64 * KiB);
    saved = qio_channel_buffer_new(0);
    vgf_log("save and load the device state");
    if (running) {
        vm_stop(RUN_STATE_PAUSED);
    }
    f = qemu_file_new_output(QIO_CHANNEL(out));
    g_assert_cmpint(vmstate_save_state(f, vmsd, dev, NULL, &error_abort),
                    ==, 0);
    /*
     * In a migration stream more follows the device; vmstate_load_state()
     * peeks at the next byte for a subsection
     */
    qemu_put_byte(f, 0);
    qemu_fflush(f);
    /* closing the output channel frees what was written: copy it */
    saved->data = g_memdup2(out->data, out->usage);
    saved->capacity = saved->usage = out->usage;
    g_assert_cmpint(qemu_fclose(f), ==, 0);
    object_unref(OBJECT(out));
    f = qemu_file_new_input(QIO_CHANNEL(saved));
    g_assert_cmpint(vmstate_load_state(f, vmsd, dev, vmsd->version_id,
                                       &error_abort), ==, 0);
    qemu_fclose(f);
    object_unref(OBJECT(saved));
    if (running) {
        vm_start();
    }
    flush_events(s);
    return true;
}

typedef bool (*VGFuzzOp)(QTestState *s, VGFuzzInput *in);

/*
 * The input: one byte of features the driver declines (VGF_FEAT_*), then
 * operations until the input ends, each an opcode byte (taken modulo the
 * number of operations) followed by its argument bytes:
 *
 *   0 REQUEST   type line value flags
 *   1 EVENT     line flags
 *   2 CHAIN     hdr type line value len...  (hdr: bit 0 queue, bits 1-2
 *               number of descriptors - 1, bits 3-4 flags; len: bits 0-5
 *               length, bit 6 device-writable)
 *   3 KICK      k           (bit 0 queue, bit 1 VGF_NO_FLUSH)
 *   4 HOST_SET  line flags  (bit 0 level, bit 1 by name, bits 2-3 id,
 *                            bit 4 line too)
 *   5 CLOCK     n
 *   6 STOP_CONT
 *   7 RESET     feat
 *   8 QUERY
 *   9 CONFIG    a
 *  10 QUEUE_RESET a     (bit 0 queue, bit 1 leave it reset)
 *  11 BUS_MASTER        (toggle)
 *  12 SAVE_LOAD          (once per input; later ones do nothing)
 *
 * Flags of REQUEST and EVENT: bit 0 VGF_NO_KICK, bit 1 VGF_NO_FLUSH;
 * REQUEST bits 2-3 spare response bytes, bit 4 split the request at
 * 1 + bits 5-7 % 7; EVENT bit 2 4-byte request, bit 3 2-byte response.
 * While the VM is stopped, the guest's operations do nothing.
 */
static const VGFuzzOp vgf_ops[] = {
    vgf_op_request,
    vgf_op_event,
    vgf_op_chain,
    vgf_op_kick,
    vgf_op_host_set,
    vgf_op_clock,
    vgf_op_stop_cont,
    vgf_op_reset,
    vgf_op_query,
    vgf_op_config,
    vgf_op_queue_reset,
    vgf_op_bus_master,
    vgf_op_save_load,
};

static void virtio_gpio_fuzz(QTestState *s, const unsigned char *data,
                             size_t size)
{
    VGFuzzInput in = { .data = data, .size = size };
    uint8_t feat, op;

    if (!vgf_take(&in, &feat, 1)) {
        return;
    }
    vgf_restart(s, feat);
    while (vgf_take(&in, &op, 1) &&
           vgf_ops[op % ARRAY_SIZE(vgf_ops)](s, &in)) {
        /* next operation */
    }
    flush_events(s);
    /*
     * Bus mastering off and on rebuilds the device's address space; the
     * old views are freed by RCU callbacks, which need the BQL that the
     * fuzzer holds: without this, memory grows by about 200 KiB an input
     * until libFuzzer's RSS limit is hit.  A drain takes about 50 ms: one
     * every 64 such inputs.
     */
    if (vgf.remapped && ++vgf.remaps % 64 == 0) {
        drain_call_rcu();
    }
    vgf.remapped = false;
}

static void virtio_gpio_pre_fuzz(QTestState *s)
{
    qos_init_path(s);
    vgf.gpio = fuzz_qos_obj;
    /* a walk of the whole QOM tree: once, not in every input */
    vgf.dev = object_resolve_path_type("", TYPE_VIRTIO_GPIO, NULL);
    g_assert(vgf.dev);
    vgf.names_size = qvirtio_config_readl(vgf.gpio->vdev,
                                          offsetof(struct virtio_gpio_config,
                                                   gpio_names_size));
    vgf.arena = guest_alloc(fuzz_qos_alloc, VGF_ARENA_SIZE);
    vgf.log = getenv("QTEST_LOG") != NULL;
}

/* As tests/qtest/virtio-gpio-test.c: the backend, and the device uses it */
static void *virtio_gpio_fuzz_before(GString *cmd_line, void *arg)
{
    g_string_append(cmd_line, " " VGF_OBJECT " ");
    return arg;
}

static void register_virtio_gpio_fuzz_targets(void)
{
    fuzz_add_qos_target(&(FuzzTarget){
                .name = "virtio-gpio-fuzz",
                .description = "Fuzz virtio-gpio: requests, malformed "
                "chains, irqs, host input changes, stop/cont, device and "
                "queue resets, bus mastering, save/load",
                .pre_fuzz = &virtio_gpio_pre_fuzz,
                .fuzz = virtio_gpio_fuzz,},
                "virtio-gpio",
                &(QOSGraphTestOptions){
                    .before = virtio_gpio_fuzz_before,
                    .edge.extra_device_opts = "gpio=" VGF_BACKEND,
                });
}

fuzz_target_init(register_virtio_gpio_fuzz_targets);
