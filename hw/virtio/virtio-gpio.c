/*
 * Virtio GPIO device
 *
 * The lines live in a gpio-backend object; this device speaks the virtio
 * GPIO protocol (VIRTIO 1.2, "GPIO Device") on top of it and implements
 * the irq rules (enable, mask by eventq buffer, edge latching, level
 * re-check) once, for every backend.
 *
 * Bad guest input: a well-formed request that cannot be honoured (line out
 * of range, unknown type, bad argument, irq message without
 * VIRTIO_GPIO_F_IRQ, irq on an output line) is answered with
 * VIRTIO_GPIO_STATUS_ERR; an eventq buffer that cannot be used (line out
 * of range, irq not enabled, a buffer already queued for the line) comes
 * back with VIRTIO_GPIO_IRQ_STATUS_INVALID.  A malformed descriptor chain
 * (request or response missing or too short) marks the device broken with
 * virtio_error() until the guest resets it.
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/iov.h"
#include "qemu/error-report.h"
#include "qemu/module.h"
#include "hw/qdev-properties.h"
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-gpio.h"
#include "hw/virtio/virtio-mmio.h"
#include "migration/qemu-file-types.h"
#include "migration/vmstate.h"
#include "qom/object_interfaces.h"
#include "system/runstate.h"
#include "trace.h"

/* Per-line irq flags in the migration stream */
#define VIRTIO_GPIO_MIG_LATCHED 1
#define VIRTIO_GPIO_MIG_QUEUED  2

static const uint8_t irq_type_to_virtio[GPIO_IRQ_TYPE__MAX] = {
    [GPIO_IRQ_TYPE_NONE] = VIRTIO_GPIO_IRQ_TYPE_NONE,
    [GPIO_IRQ_TYPE_EDGE_RISING] = VIRTIO_GPIO_IRQ_TYPE_EDGE_RISING,
    [GPIO_IRQ_TYPE_EDGE_FALLING] = VIRTIO_GPIO_IRQ_TYPE_EDGE_FALLING,
    [GPIO_IRQ_TYPE_EDGE_BOTH] = VIRTIO_GPIO_IRQ_TYPE_EDGE_BOTH,
    [GPIO_IRQ_TYPE_LEVEL_HIGH] = VIRTIO_GPIO_IRQ_TYPE_LEVEL_HIGH,
    [GPIO_IRQ_TYPE_LEVEL_LOW] = VIRTIO_GPIO_IRQ_TYPE_LEVEL_LOW,
};

static bool virtio_gpio_irq_type_from_virtio(uint32_t value, GpioIrqType *type)
{
    GpioIrqType t;

    for (t = 0; t < GPIO_IRQ_TYPE__MAX; t++) {
        if (irq_type_to_virtio[t] == value) {
            *type = t;
            return true;
        }
    }
    return false;
}

static int virtio_gpio_irq_edges(GpioIrqType type)
{
    switch (type) {
    case GPIO_IRQ_TYPE_EDGE_RISING:
        return GPIO_EDGE_RISING;
    case GPIO_IRQ_TYPE_EDGE_FALLING:
        return GPIO_EDGE_FALLING;
    case GPIO_IRQ_TYPE_EDGE_BOTH:
        return GPIO_EDGE_BOTH;
    default:
        return 0;
    }
}

static bool virtio_gpio_is_level(GpioIrqType type)
{
    return type == GPIO_IRQ_TYPE_LEVEL_HIGH || type == GPIO_IRQ_TYPE_LEVEL_LOW;
}

static bool virtio_gpio_level_active(VirtIOGPIO *s, unsigned line)
{
    GpioIrqType type = s->backend->lines[line].config.irq_type;
    bool value;

    if (!virtio_gpio_is_level(type) ||
        gpio_backend_get_value(s->backend, line, &value) < 0) {
        return false;
    }
    return type == GPIO_IRQ_TYPE_LEVEL_HIGH ? value : !value;
}

/* Complete an eventq buffer with @status; the caller notifies */
static void virtio_gpio_event_complete(VirtIOGPIO *s, VirtQueueElement *elem,
                                       unsigned line, uint8_t status)
{
    trace_virtio_gpio_irq_return(s, line, status);
    iov_from_buf(elem->in_sg, elem->in_num, 0, &status, sizeof(status));
    virtqueue_push(s->event_vq, elem, sizeof(status));
    g_free(elem);
}

/* Give @line's queued eventq buffer back to the guest */
static void virtio_gpio_irq_return(VirtIOGPIO *s, unsigned line,
                                   uint8_t status)
{
    VirtQueueElement *elem = s->irq[line].elem;

    s->irq[line].elem = NULL;
    virtio_gpio_event_complete(s, elem, line, status);
}

/*
 * Whether an eventq buffer can go back to the guest now.  It cannot before
 * the driver is ready (DRIVER_OK), after virtio_error(), while virtio-pci
 * has the device disabled (bus mastering off: the core would drop the
 * completion) and while the VM is stopped.  Until then the buffers are
 * kept and the edges latched; virtio_gpio_deliver_pending() gives them
 * back once it can.
 */
static bool virtio_gpio_can_deliver(VirtIOGPIO *s)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(s);

    return s->driver_ok && vdev->vm_running && !virtio_device_disabled(vdev);
}

/*
 * Deliver what is pending on an unmasked line: a latched edge, or a level
 * that is active.  Returns true if the buffer went back to the guest.
 */
static bool virtio_gpio_irq_check(VirtIOGPIO *s, unsigned line)
{
    VirtIOGPIOIrq *irq = &s->irq[line];

    if (!irq->elem || !virtio_gpio_can_deliver(s)) {
        return false;
    }
    if (irq->latched || virtio_gpio_level_active(s, line)) {
        irq->latched = false;
        irq->events++;
        virtio_gpio_irq_return(s, line, VIRTIO_GPIO_IRQ_STATUS_VALID);
        gpio_backend_irq_signal(s->backend, line, true);
        return true;
    }
    return false;
}

/* Disable @line's irq: discard a latched edge, give the buffer back */
static void virtio_gpio_irq_disable(VirtIOGPIO *s, unsigned line)
{
    s->irq[line].latched = false;
    if (s->irq[line].elem) {
        virtio_gpio_irq_return(s, line, VIRTIO_GPIO_IRQ_STATUS_INVALID);
        virtio_notify(VIRTIO_DEVICE(s), s->event_vq);
    }
}

/* The backend reports an edge on an input line */
static void virtio_gpio_input_changed(void *opaque, unsigned line, int edge)
{
    VirtIOGPIO *s = opaque;
    VirtIOGPIOIrq *irq = &s->irq[line];
    GpioIrqType type = s->backend->lines[line].config.irq_type;

    if (virtio_gpio_irq_edges(type) & edge) {
        trace_virtio_gpio_irq_edge(s, line, edge, !irq->elem);
        irq->latched = true;
        irq->edges++;
    } else if (!virtio_gpio_is_level(type)) {
        return;
    }
    if (virtio_gpio_irq_check(s, line)) {
        virtio_notify(VIRTIO_DEVICE(s), s->event_vq);
    }
}

static void virtio_gpio_irq_state(void *opaque, unsigned line,
                                  GpioLineInfo *info)
{
    VirtIOGPIO *s = opaque;

    info->irq_unmasked = s->irq[line].elem != NULL;
    info->irq_latched = s->irq[line].latched;
    info->irq_edges = s->irq[line].edges;
    info->irq_events = s->irq[line].events;
}

static const GpioBackendFrontend virtio_gpio_frontend = {
    .input_changed = virtio_gpio_input_changed,
    .irq_state = virtio_gpio_irq_state,
};

/*
 * Configure @line as the guest asks (the backend applies the rules of a
 * line), then follow its interrupt: a trigger switched off gives the
 * buffer back and forgets a latched edge, a new trigger forgets an edge
 * latched for the old one, and a level trigger may be active at once.
 */
static uint8_t virtio_gpio_configure(VirtIOGPIO *s, unsigned line,
                                     const GpioLineConfig *cfg)
{
    GpioLine *l = &s->backend->lines[line];
    GpioIrqType old = l->config.irq_type;

    if (gpio_backend_configure(s->backend, line, cfg) < 0) {
        return VIRTIO_GPIO_STATUS_ERR;
    }
    if (l->config.irq_type == old) {
        return VIRTIO_GPIO_STATUS_OK;
    }
    if (l->config.irq_type == GPIO_IRQ_TYPE_NONE) {
        virtio_gpio_irq_disable(s, line);
        return VIRTIO_GPIO_STATUS_OK;
    }
    s->irq[line].latched = false;
    if (virtio_gpio_irq_check(s, line)) {
        virtio_notify(VIRTIO_DEVICE(s), s->event_vq);
    }
    return VIRTIO_GPIO_STATUS_OK;
}

static uint8_t virtio_gpio_do_request(VirtIOGPIO *s, uint16_t type,
                                      uint16_t line, uint32_t value,
                                      uint8_t *rvalue)
{
    static const uint8_t dir_to_virtio[GPIO_DIRECTION__MAX] = {
        [GPIO_DIRECTION_NONE] = VIRTIO_GPIO_DIRECTION_NONE,
        [GPIO_DIRECTION_OUT] = VIRTIO_GPIO_DIRECTION_OUT,
        [GPIO_DIRECTION_IN] = VIRTIO_GPIO_DIRECTION_IN,
    };
    static const GpioDirection dir_from_virtio[] = {
        [VIRTIO_GPIO_DIRECTION_NONE] = GPIO_DIRECTION_NONE,
        [VIRTIO_GPIO_DIRECTION_OUT] = GPIO_DIRECTION_OUT,
        [VIRTIO_GPIO_DIRECTION_IN] = GPIO_DIRECTION_IN,
    };
    GpioBackend *b = s->backend;
    GpioLineConfig cfg;
    bool level;

    if (line >= b->ngpio) {
        return VIRTIO_GPIO_STATUS_ERR;
    }
    cfg = b->lines[line].config;
    switch (type) {
    case VIRTIO_GPIO_MSG_GET_DIRECTION:
        *rvalue = dir_to_virtio[cfg.dir];
        return VIRTIO_GPIO_STATUS_OK;
    case VIRTIO_GPIO_MSG_SET_DIRECTION:
        if (value >= ARRAY_SIZE(dir_from_virtio)) {
            return VIRTIO_GPIO_STATUS_ERR;
        }
        cfg.dir = dir_from_virtio[value];
        if (cfg.dir == GPIO_DIRECTION_NONE) {
            /* discards the value even of a line released already */
            cfg.output_value = false;
        }
        return virtio_gpio_configure(s, line, &cfg);
    case VIRTIO_GPIO_MSG_GET_VALUE:
        if (gpio_backend_get_value(b, line, &level) < 0) {
            return VIRTIO_GPIO_STATUS_ERR;
        }
        *rvalue = level;
        return VIRTIO_GPIO_STATUS_OK;
    case VIRTIO_GPIO_MSG_SET_VALUE:
        if (value > 1) {
            return VIRTIO_GPIO_STATUS_ERR;
        }
        cfg.output_value = value;
        return virtio_gpio_configure(s, line, &cfg);
    case VIRTIO_GPIO_MSG_IRQ_TYPE:
        if (!virtio_vdev_has_feature(VIRTIO_DEVICE(s), VIRTIO_GPIO_F_IRQ) ||
            !virtio_gpio_irq_type_from_virtio(value, &cfg.irq_type)) {
            return VIRTIO_GPIO_STATUS_ERR;
        }
        return virtio_gpio_configure(s, line, &cfg);
    default:
        return VIRTIO_GPIO_STATUS_ERR;
    }
}

static void virtio_gpio_malformed(VirtIODevice *vdev, VirtQueue *vq,
                                  VirtQueueElement *elem, const char *what)
{
    virtqueue_detach_element(vq, elem, 0);
    g_free(elem);
    virtio_error(vdev, "virtio-gpio: %s", what);
}

static void virtio_gpio_handle_request(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOGPIO *s = VIRTIO_GPIO(vdev);
    VirtQueueElement *elem;
    bool pushed = false;

    while ((elem = virtqueue_pop(vq, sizeof(VirtQueueElement)))) {
        struct virtio_gpio_request req;
        struct virtio_gpio_response resp = { 0 };
        size_t in_size = iov_size(elem->in_sg, elem->in_num);
        size_t len = sizeof(resp), resp_len = sizeof(resp);
        uint16_t type, line;
        uint32_t value;

        if (iov_to_buf(elem->out_sg, elem->out_num, 0, &req, sizeof(req)) !=
            sizeof(req)) {
            virtio_gpio_malformed(vdev, vq, elem,
                                  "request shorter than 8 bytes");
            break;
        }
        type = le16_to_cpu(req.type);
        line = le16_to_cpu(req.gpio);
        value = le32_to_cpu(req.value);

        if (type == VIRTIO_GPIO_MSG_GET_NAMES) {
            len = 1 + s->names_size;
            resp_len = 1;
            if (in_size < len) {
                virtio_gpio_malformed(vdev, vq, elem,
                                      "GET_NAMES response buffer too short");
                break;
            }
            resp.status = s->names_size ? VIRTIO_GPIO_STATUS_OK
                                        : VIRTIO_GPIO_STATUS_ERR;
            iov_from_buf(elem->in_sg, elem->in_num, 1, s->names,
                         s->names_size);
        } else {
            if (in_size < sizeof(resp)) {
                virtio_gpio_malformed(vdev, vq, elem,
                                      "response buffer shorter than 2 bytes");
                break;
            }
            resp.status = virtio_gpio_do_request(s, type, line, value,
                                                 &resp.value);
        }
        trace_virtio_gpio_request(s, type, line, value, resp.status,
                                  resp.value);
        iov_from_buf(elem->in_sg, elem->in_num, 0, &resp, resp_len);
        virtqueue_push(vq, elem, len);
        g_free(elem);
        pushed = true;
    }
    if (pushed) {
        virtio_notify(vdev, vq);
    }
}

static void virtio_gpio_handle_event(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOGPIO *s = VIRTIO_GPIO(vdev);
    VirtQueueElement *elem;
    bool pushed = false;

    while ((elem = virtqueue_pop(vq, sizeof(VirtQueueElement)))) {
        struct virtio_gpio_irq_request req;
        unsigned line;

        if (iov_to_buf(elem->out_sg, elem->out_num, 0, &req, sizeof(req)) !=
            sizeof(req) || iov_size(elem->in_sg, elem->in_num) < 1) {
            virtio_gpio_malformed(vdev, vq, elem, "malformed eventq buffer");
            break;
        }
        line = le16_to_cpu(req.gpio);
        if (line < s->backend->ngpio && !s->irq[line].elem &&
            s->backend->lines[line].config.irq_type != GPIO_IRQ_TYPE_NONE) {
            trace_virtio_gpio_irq_unmask(s, line);
            s->irq[line].elem = elem;
            gpio_backend_irq_signal(s->backend, line, false);
            pushed |= virtio_gpio_irq_check(s, line);
            continue;
        }
        virtio_gpio_event_complete(s, elem, line,
                                   VIRTIO_GPIO_IRQ_STATUS_INVALID);
        pushed = true;
    }
    if (pushed) {
        virtio_notify(vdev, vq);
    }
}

static void virtio_gpio_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOGPIO *s = VIRTIO_GPIO(vdev);

    memcpy(config, &s->config, sizeof(s->config));
}

static uint64_t virtio_gpio_get_features(VirtIODevice *vdev, uint64_t f,
                                         Error **errp)
{
    /*
     * The eventq gives a buffer back when its line's irq comes, not in
     * the order the buffers were queued: never offer VIRTIO_F_IN_ORDER
     * (in_order=on), with which nothing past a held buffer would be seen.
     */
    virtio_clear_feature(&f, VIRTIO_F_IN_ORDER);
    return f | VIRTIO_GPIO(vdev)->host_features;
}

void virtio_gpio_deliver_pending(VirtIOGPIO *s)
{
    bool pushed = false;
    unsigned i;

    if (!s->event_vq || !virtio_gpio_can_deliver(s)) {
        return;
    }
    for (i = 0; i < s->backend->ngpio; i++) {
        pushed |= virtio_gpio_irq_check(s, i);
    }
    if (pushed) {
        virtio_notify(VIRTIO_DEVICE(s), s->event_vq);
    }
}

/* Irqs that became pending while the VM was stopped */
static void virtio_gpio_vm_state_change(void *opaque, bool running,
                                        RunState state)
{
    if (running) {
        virtio_gpio_deliver_pending(opaque);
    }
}

static int virtio_gpio_set_status(VirtIODevice *vdev, uint8_t status)
{
    VirtIOGPIO *s = VIRTIO_GPIO(vdev);
    bool driver_ok = status & VIRTIO_CONFIG_S_DRIVER_OK;

    /*
     * virtio-pci takes DRIVER_OK away when the guest turns bus mastering
     * off, once it has disabled the device.  The driver is still there:
     * its irqs come again when bus mastering is back on.
     */
    if (!driver_ok && vdev->disabled) {
        return 0;
    }
    s->driver_ok = driver_ok;
    /* vdev->status is updated after we return; driver_ok says it already */
    virtio_gpio_deliver_pending(s);
    return 0;
}

static void virtio_gpio_drop_irqs(VirtIOGPIO *s)
{
    unsigned i;

    for (i = 0; i < s->backend->ngpio; i++) {
        if (s->irq[i].elem) {
            virtqueue_detach_element(s->event_vq, s->irq[i].elem, 0);
            g_free(s->irq[i].elem);
            s->irq[i].elem = NULL;
        }
        s->irq[i].latched = false;
        gpio_backend_irq_signal(s->backend, i, false);
    }
}

/*
 * VIRTIO_F_RING_RESET: the guest resets one queue.  The eventq's buffers
 * belong to the old ring: drop them without a completion, and the edges
 * latched for them, as a device reset does.  The lines keep their irq
 * types.  The requestq has nothing in flight.
 */
static void virtio_gpio_queue_reset(VirtIODevice *vdev, uint32_t queue_index)
{
    VirtIOGPIO *s = VIRTIO_GPIO(vdev);

    trace_virtio_gpio_queue_reset(s, queue_index);
    if (s->event_vq && queue_index == virtio_get_queue_index(s->event_vq)) {
        virtio_gpio_drop_irqs(s);
    }
}

static void virtio_gpio_reset(VirtIODevice *vdev)
{
    VirtIOGPIO *s = VIRTIO_GPIO(vdev);

    trace_virtio_gpio_reset(s);
    s->driver_ok = false;
    virtio_gpio_drop_irqs(s);
    gpio_backend_reset(s->backend);
}

static bool virtio_gpio_make_default_backend(VirtIOGPIO *s, Error **errp)
{
    Object *be = object_new(TYPE_GPIO_DUMMY);

    if (!user_creatable_complete(USER_CREATABLE(be), errp)) {
        object_unref(be);
        return false;
    }
    object_property_add_child(OBJECT(s), "default-backend", be);
    /* The child property took a reference */
    object_unref(be);
    object_property_set_link(OBJECT(s), "gpio", be, &error_abort);
    return true;
}

static void virtio_gpio_build_names(VirtIOGPIO *s)
{
    GpioBackend *b = s->backend;
    GString *names = g_string_new(NULL);
    bool any = false;
    unsigned i;

    for (i = 0; i < b->ngpio; i++) {
        if (b->lines[i].name) {
            g_string_append(names, b->lines[i].name);
            any = true;
        }
        g_string_append_c(names, '\0');
    }
    s->names_size = any ? names->len : 0;
    s->names = g_string_free(names, false);
}

/*
 * The device users create and name: the virtio-pci proxy that embeds us
 * (virtio-gpio-pci), or we ourselves (virtio-gpio-device on virtio-mmio)
 */
static DeviceState *virtio_gpio_named_device(DeviceState *dev)
{
    Object *parent = OBJECT(dev)->parent;

    return object_dynamic_cast(parent, TYPE_DEVICE) ? DEVICE(parent) : dev;
}

static void virtio_gpio_device_realize(DeviceState *dev, Error **errp)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtIOGPIO *s = VIRTIO_GPIO(dev);

    if (!s->backend && !virtio_gpio_make_default_backend(s, errp)) {
        return;
    }
    if (!s->backend->opened) {
        error_setg(errp, "gpio backend is not opened");
        return;
    }
    if (!gpio_backend_attach(s->backend, dev, virtio_gpio_named_device(dev),
                             &virtio_gpio_frontend, s, errp)) {
        return;
    }

    virtio_gpio_build_names(s);
    s->config.ngpio = cpu_to_le16(s->backend->ngpio);
    s->config.gpio_names_size = cpu_to_le32(s->names_size);
    s->irq = g_new0(VirtIOGPIOIrq, s->backend->ngpio);

    virtio_init(vdev, VIRTIO_ID_GPIO, sizeof(struct virtio_gpio_config));
    s->request_vq = virtio_add_queue(vdev, VIRTIO_GPIO_QUEUE_SIZE,
                                     virtio_gpio_handle_request);
    if (virtio_has_feature(s->host_features, VIRTIO_GPIO_F_IRQ)) {
        s->event_vq = virtio_add_queue(vdev, VIRTQUEUE_MAX_SIZE,
                                       virtio_gpio_handle_event);
    }
    /* Runs after virtio's own handler has updated vdev->vm_running */
    s->vmstate = qdev_add_vm_change_state_handler(dev,
                                                  virtio_gpio_vm_state_change,
                                                  NULL, s);
    /*
     * No ioeventfd: answering a request is a few table look-ups and the
     * guest driver waits for each one, so the kick is best handled at once
     * in the vCPU thread that made it, and the reply and its interrupt are
     * there when the guest resumes.  With an ioeventfd the main loop has
     * to wake up first while the guest goes to sleep: measured under TCG,
     * a request took about ten times as long that way.  virtio-gpio-pci
     * says so with its "ioeventfd" property, off by default.  virtio-mmio
     * has no per-device knob (the board creates its transports, whose
     * "ioeventfd" is on): there the device takes the host notifiers for
     * itself, as a device that handles them its own way does, and leaves
     * them unassigned.
     */
    if (object_dynamic_cast(OBJECT(qdev_get_parent_bus(dev)),
                            TYPE_VIRTIO_MMIO_BUS)) {
        s->ioeventfd_grabbed = virtio_device_grab_ioeventfd(vdev) == 0;
    }
    virtio_gpio_dt_add_controller(s);
}

static void virtio_gpio_device_unrealize(DeviceState *dev)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    VirtIOGPIO *s = VIRTIO_GPIO(dev);

    qemu_del_vm_change_state_handler(s->vmstate);
    virtio_gpio_drop_irqs(s);
    /* the guest's configuration of the lines goes with the device */
    gpio_backend_reset(s->backend);
    gpio_backend_detach(s->backend);
    virtio_delete_queue(s->request_vq);
    if (s->event_vq) {
        virtio_delete_queue(s->event_vq);
    }
    /* with no queues left, the transport has nothing to assign */
    if (s->ioeventfd_grabbed) {
        virtio_device_release_ioeventfd(vdev);
        s->ioeventfd_grabbed = false;
    }
    virtio_cleanup(vdev);
    g_free(s->irq);
    g_free(s->names);
    g_free(s->dt_node);
}

/*
 * Migration of the irq state: per line whether an edge is latched and the
 * eventq buffer the guest queued, if any.  The requestq has nothing in
 * flight: every request completes before its handler returns.
 */
static int virtio_gpio_get_irqs(QEMUFile *f, void *pv, size_t size,
                                const VMStateField *field)
{
    VirtIOGPIO *s = pv;
    VirtIODevice *vdev = VIRTIO_DEVICE(s);
    int queue_size = s->event_vq ? virtio_queue_get_num(vdev,
                                       virtio_get_queue_index(s->event_vq))
                                 : 0;
    unsigned i, queued = 0;

    for (i = 0; i < s->backend->ngpio; i++) {
        uint8_t flags = qemu_get_byte(f);
        VirtQueueElement *elem;

        if (flags & ~(VIRTIO_GPIO_MIG_LATCHED | VIRTIO_GPIO_MIG_QUEUED)) {
            error_report("virtio-gpio: bad irq state of line %u in the "
                         "migration stream", i);
            return -EINVAL;
        }
        if ((flags & VIRTIO_GPIO_MIG_QUEUED) && !s->event_vq) {
            error_report("virtio-gpio: the migration stream has eventq "
                         "buffers, but this device has no eventq (irq=off)");
            return -EINVAL;
        }
        if ((flags & VIRTIO_GPIO_MIG_QUEUED) &&
            s->backend->lines[i].config.irq_type == GPIO_IRQ_TYPE_NONE) {
            error_report("virtio-gpio: line %u has an eventq buffer but no "
                         "irq in the migration stream", i);
            return -EINVAL;
        }
        if ((flags & VIRTIO_GPIO_MIG_QUEUED) && ++queued > queue_size) {
            error_report("virtio-gpio: the migration stream has more eventq "
                         "buffers than the eventq holds (%d)", queue_size);
            return -EINVAL;
        }
        /*
         * Loading over a device that had buffers queued: they belong to
         * the ring that the stream has replaced.  virtio_load() counts
         * the queue's inuse again after us.
         */
        if (s->irq[i].elem) {
            virtqueue_detach_element(s->event_vq, s->irq[i].elem, 0);
            g_free(s->irq[i].elem);
            s->irq[i].elem = NULL;
        }
        s->irq[i].latched = flags & VIRTIO_GPIO_MIG_LATCHED;
        if (!(flags & VIRTIO_GPIO_MIG_QUEUED)) {
            continue;
        }
        elem = qemu_get_virtqueue_element(vdev, f, sizeof(VirtQueueElement));
        if (!elem) {
            return -EINVAL;
        }
        if (iov_size(elem->in_sg, elem->in_num) < 1) {
            error_report("virtio-gpio: the eventq buffer of line %u in the "
                         "migration stream has no room for its status", i);
            virtqueue_detach_element(s->event_vq, elem, 0);
            g_free(elem);
            return -EINVAL;
        }
        s->irq[i].elem = elem;
    }
    return qemu_file_get_error(f);
}

static int virtio_gpio_put_irqs(QEMUFile *f, void *pv, size_t size,
                                const VMStateField *field, JSONWriter *vmdesc)
{
    VirtIOGPIO *s = pv;
    unsigned i;

    for (i = 0; i < s->backend->ngpio; i++) {
        qemu_put_byte(f, (s->irq[i].latched ? VIRTIO_GPIO_MIG_LATCHED : 0) |
                         (s->irq[i].elem ? VIRTIO_GPIO_MIG_QUEUED : 0));
        if (s->irq[i].elem) {
            qemu_put_virtqueue_element(VIRTIO_DEVICE(s), f, s->irq[i].elem);
        }
    }
    return 0;
}

static const VMStateInfo vmstate_info_virtio_gpio_irqs = {
    .name = "virtio-gpio-irqs",
    .get = virtio_gpio_get_irqs,
    .put = virtio_gpio_put_irqs,
};

/* The backend catches up with what changed outside while we were away */
static int virtio_gpio_post_load(void *opaque, int version_id)
{
    VirtIOGPIO *s = opaque;
    Error *err = NULL;

    if (!gpio_backend_post_load(s->backend, &err)) {
        error_report_err(err);
        return -EINVAL;
    }
    /* what is pending goes to the guest when the VM runs */
    return 0;
}

static const VMStateDescription vmstate_virtio_gpio_device = {
    .name = "virtio-gpio-device",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = virtio_gpio_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_STRUCT_POINTER(backend, VirtIOGPIO, vmstate_gpio_backend,
                               GpioBackend),
        VMSTATE_BOOL(driver_ok, VirtIOGPIO),
        {
            .name = "irqs",
            .info = &vmstate_info_virtio_gpio_irqs,
            .flags = VMS_SINGLE,
        },
        VMSTATE_END_OF_LIST()
    },
};

static const VMStateDescription vmstate_virtio_gpio = {
    .name = "virtio-gpio",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_VIRTIO_DEVICE,
        VMSTATE_END_OF_LIST()
    },
};

static const Property virtio_gpio_properties[] = {
    DEFINE_PROP_BIT64("irq", VirtIOGPIO, host_features, VIRTIO_GPIO_F_IRQ,
                      true),
    DEFINE_PROP_LINK("gpio", VirtIOGPIO, backend, TYPE_GPIO_BACKEND,
                     GpioBackend *),
};

static void virtio_gpio_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(klass);

    device_class_set_props(dc, virtio_gpio_properties);
    dc->vmsd = &vmstate_virtio_gpio;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
    vdc->realize = virtio_gpio_device_realize;
    vdc->unrealize = virtio_gpio_device_unrealize;
    vdc->get_features = virtio_gpio_get_features;
    vdc->get_config = virtio_gpio_get_config;
    vdc->set_status = virtio_gpio_set_status;
    vdc->reset = virtio_gpio_reset;
    vdc->queue_reset = virtio_gpio_queue_reset;
    vdc->vmsd = &vmstate_virtio_gpio_device;
}

static const TypeInfo virtio_gpio_info = {
    .name = TYPE_VIRTIO_GPIO,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIOGPIO),
    .class_init = virtio_gpio_class_init,
};

static void virtio_register_types(void)
{
    type_register_static(&virtio_gpio_info);
}

type_init(virtio_register_types)
