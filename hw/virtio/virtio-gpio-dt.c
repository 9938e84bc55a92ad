/*
 * Virtio GPIO in the device tree: the controller node, and the gpio-keys
 * and gpio-leds consumers the user declares (-device dt-gpio-key,
 * -device dt-gpio-led)
 *
 * On a machine that generates its device tree and describes its
 * virtio-mmio transports there (arm virt), each virtio-gpio-device gets
 * the child node of its transport that the binding
 * Documentation/devicetree/bindings/gpio/gpio-virtio.yaml asks for, with
 * a phandle.  Linux makes that node the gpiochip's of_node, so devices
 * described in the same tree can use the lines: dt-gpio-key and
 * dt-gpio-led devices add such consumers, like guest-loader adds the
 * nodes of a guest image.  They are checked in full before anything is
 * written, and only at start-up: the tree is handed to the guest when the
 * machine is ready.
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <libfdt.h>
#include "qapi/error.h"
#include "qapi/qapi-types-common.h"
#include "qemu/cutils.h"
#include "qemu/module.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "hw/qdev-properties.h"
#include "hw/sysbus.h"
#include "hw/virtio/virtio-gpio.h"
#include "hw/virtio/virtio-mmio.h"
#include "system/device_tree.h"
#include "standard-headers/linux/input-event-codes.h"
#include "trace.h"

/* Flags of a two-cell GPIO specifier (include/dt-bindings/gpio/gpio.h) */
#define DT_GPIO_ACTIVE_LOW 1

/* gpio-keys-polled polls its keys this often unless told otherwise */
#define DT_GPIO_KEY_POLL_MS 20

/* The path of the DT node of the virtio-mmio transport @dev is on */
static char *virtio_gpio_dt_transport(void *fdt, DeviceState *dev)
{
    BusState *bus = qdev_get_parent_bus(dev);
    SysBusDevice *sbd;
    char path[256];
    int off;

    if (!bus || !bus->parent ||
        !object_dynamic_cast(OBJECT(bus->parent), TYPE_VIRTIO_MMIO)) {
        return NULL;
    }
    sbd = SYS_BUS_DEVICE(bus->parent);
    if (sbd->num_mmio < 1 || sbd->mmio[0].addr == (hwaddr)-1) {
        return NULL;
    }
    for (off = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio");
         off >= 0;
         off = fdt_node_offset_by_compatible(fdt, off, "virtio,mmio")) {
        int cells = fdt_address_cells(fdt, fdt_parent_offset(fdt, off));
        const fdt32_t *reg;
        uint64_t addr;
        int len;

        reg = fdt_getprop(fdt, off, "reg", &len);
        if (!reg || cells < 1 || cells > 2 || len < cells * 4) {
            continue;
        }
        addr = fdt32_to_cpu(reg[0]);
        if (cells == 2) {
            addr = addr << 32 | fdt32_to_cpu(reg[1]);
        }
        if (addr == sbd->mmio[0].addr &&
            fdt_get_path(fdt, off, path, sizeof(path)) == 0) {
            return g_strdup(path);
        }
    }
    return NULL;
}

void virtio_gpio_dt_add_controller(VirtIOGPIO *s)
{
    void *fdt = MACHINE(qdev_get_machine())->fdt;
    g_autofree char *transport = NULL;
    g_autofree char *compat = NULL;
    char *node;

    if (!fdt || phase_check(PHASE_MACHINE_READY)) {
        return;
    }
    transport = virtio_gpio_dt_transport(fdt, DEVICE(s));
    if (!transport) {
        return;
    }
    node = g_strdup_printf("%s/gpio", transport);
    compat = g_strdup_printf("virtio,device%x", VIRTIO_ID_GPIO);
    qemu_fdt_add_subnode(fdt, node);
    qemu_fdt_setprop_string(fdt, node, "compatible", compat);
    qemu_fdt_setprop(fdt, node, "gpio-controller", NULL, 0);
    qemu_fdt_setprop_cell(fdt, node, "#gpio-cells", 2);
    if (virtio_has_feature(s->host_features, VIRTIO_GPIO_F_IRQ)) {
        qemu_fdt_setprop(fdt, node, "interrupt-controller", NULL, 0);
        qemu_fdt_setprop_cell(fdt, node, "#interrupt-cells", 2);
    }
    s->dt_phandle = qemu_fdt_alloc_phandle(fdt);
    qemu_fdt_setprop_cell(fdt, node, "phandle", s->dt_phandle);
    s->dt_node = node;
    trace_virtio_gpio_dt_controller(s, node, s->dt_phandle);
}

/* Consumers */

#define TYPE_DT_GPIO_CONSUMER "dt-gpio-consumer"
#define TYPE_DT_GPIO_KEY "dt-gpio-key"
#define TYPE_DT_GPIO_LED "dt-gpio-led"
OBJECT_DECLARE_SIMPLE_TYPE(DtGpioConsumer, DT_GPIO_CONSUMER)

struct DtGpioConsumer {
    DeviceState parent_obj;

    /* properties */
    char *controller;       /* id of the virtio-gpio-device */
    char *line;             /* number or name of the line */
    char *label;
    bool active_low;
    uint32_t code;          /* key: Linux input event code */
    uint32_t debounce;      /* key: ms, 0 for the driver's default */
    OnOffAuto polled;       /* key: gpio-keys-polled instead of gpio-keys */
    uint32_t poll_interval; /* key: ms, for gpio-keys-polled */
    char *default_state;    /* LED: "on", "off" or "keep" */
    char *trigger;          /* LED: linux,default-trigger */

    /* what the properties resolved to */
    VirtIOGPIO *gpio;
    unsigned offset;
    QTAILQ_ENTRY(DtGpioConsumer) next;
};

static QTAILQ_HEAD(, DtGpioConsumer) dt_gpio_consumers =
    QTAILQ_HEAD_INITIALIZER(dt_gpio_consumers);

static bool dt_gpio_is_led(DtGpioConsumer *c)
{
    return object_dynamic_cast(OBJECT(c), TYPE_DT_GPIO_LED) != NULL;
}

/*
 * Labels and trigger names: printable ASCII, and no '/', as an LED's label
 * becomes a file name in the guest (/sys/class/leds/LABEL)
 */
static bool dt_gpio_check_string(const char *what, const char *s,
                                 Error **errp)
{
    const char *p;

    if (!*s) {
        error_setg(errp, "%s must not be empty", what);
        return false;
    }
    for (p = s; *p; p++) {
        if (!g_ascii_isprint(*p) || *p == '/') {
            error_setg(errp, "%s '%s' has a character that is not allowed "
                       "(printable ASCII, no '/')", what, s);
            return false;
        }
    }
    return true;
}

/* The label of a resolved consumer: its own, or its line's name, or NULL */
static const char *dt_gpio_label(DtGpioConsumer *c)
{
    return c->label ? c->label : c->gpio->backend->lines[c->offset].name;
}

/* Find the controller and the line, and check everything but the kind */
static bool dt_gpio_consumer_resolve(DtGpioConsumer *c, Error **errp)
{
    GpioBackend *b;
    int i;
    DtGpioConsumer *o;
    Object *obj;

    if (phase_check(PHASE_MACHINE_READY)) {
        error_setg(errp, "the device tree is complete: declare the %s on "
                   "the command line", object_get_typename(OBJECT(c)));
        return false;
    }
    if (!c->controller || !c->line) {
        error_setg(errp, "'controller' and 'line' must be set");
        return false;
    }
    obj = object_resolve_path_component(machine_get_container("peripheral"),
                                        c->controller);
    if (!obj) {
        error_setg(errp, "no device '%s' (the GPIO controller must come "
                   "before its consumers on the command line)",
                   c->controller);
        return false;
    }
    c->gpio = (VirtIOGPIO *)object_dynamic_cast(obj, TYPE_VIRTIO_GPIO);
    if (!c->gpio) {
        error_setg(errp, "device '%s' is a %s, not a virtio-gpio-device",
                   c->controller, object_get_typename(obj));
        if (object_dynamic_cast(object_resolve_path_component(obj,
                                                    "virtio-backend"),
                                TYPE_VIRTIO_GPIO)) {
            error_append_hint(errp, "The device tree describes no PCI "
                              "devices: use virtio-gpio-device on a "
                              "virtio-mmio transport\n");
        }
        return false;
    }
    if (!c->gpio->dt_node) {
        error_setg(errp, "device '%s' has no device tree node: only a "
                   "virtio-gpio-device on a virtio-mmio transport of a "
                   "machine that generates its device tree (arm virt) has "
                   "one", c->controller);
        return false;
    }
    b = c->gpio->backend;
    i = gpio_backend_parse_line(b, c->line, errp);
    if (i < 0) {
        return false;
    }
    c->offset = i;
    if (c->label && !dt_gpio_check_string("label", c->label, errp)) {
        return false;
    }
    QTAILQ_FOREACH(o, &dt_gpio_consumers, next) {
        if (o->gpio == c->gpio && o->offset == c->offset) {
            error_setg(errp, "line %u of '%s' already has a consumer (%s)",
                       c->offset, c->controller,
                       object_get_typename(OBJECT(o)));
            return false;
        }
        if (dt_gpio_label(c) && dt_gpio_label(o) &&
            !strcmp(dt_gpio_label(o), dt_gpio_label(c)) &&
            dt_gpio_is_led(o) == dt_gpio_is_led(c)) {
            error_setg(errp, "another %s has the label '%s'",
                       object_get_typename(OBJECT(o)), dt_gpio_label(c));
            return false;
        }
    }
    return true;
}

/*
 * Make the consumers' parent node @path (compatible @compat) unless it is
 * there already; returns whether it was made.
 */
static bool dt_gpio_parent_node(void *fdt, const char *path,
                                const char *compat)
{
    if (fdt_path_offset(fdt, path) >= 0) {
        return false;
    }
    qemu_fdt_add_subnode(fdt, path);
    qemu_fdt_setprop_string(fdt, path, "compatible", compat);
    return true;
}

/* The node of consumer @c under @parent, with its gpios and label */
static char *dt_gpio_consumer_node(void *fdt, DtGpioConsumer *c,
                                   const char *parent, const char *kind)
{
    const char *label = dt_gpio_label(c);
    char *node = g_strdup_printf("%s/%s-%u", parent, kind, c->offset);

    qemu_fdt_add_subnode(fdt, node);
    qemu_fdt_setprop_cells(fdt, node, "gpios", c->gpio->dt_phandle,
                           c->offset, c->active_low ? DT_GPIO_ACTIVE_LOW : 0);
    if (label) {
        qemu_fdt_setprop_string(fdt, node, "label", label);
    }
    QTAILQ_INSERT_TAIL(&dt_gpio_consumers, c, next);
    trace_virtio_gpio_dt_consumer(c->controller, c->offset, node);
    return node;
}

static void dt_gpio_key_realize(DeviceState *dev, Error **errp)
{
    DtGpioConsumer *c = DT_GPIO_CONSUMER(dev);
    void *fdt = MACHINE(qdev_get_machine())->fdt;
    g_autofree char *parent = NULL;
    g_autofree char *node = NULL;
    bool irq, polled;

    if (!dt_gpio_consumer_resolve(c, errp)) {
        return;
    }
    if (c->code == 0 || c->code > KEY_MAX) {
        error_setg(errp, "'code' must be a Linux key code from 1 to %u "
                   "(include/uapi/linux/input-event-codes.h), not %u",
                   KEY_MAX, c->code);
        return;
    }
    irq = virtio_has_feature(c->gpio->host_features, VIRTIO_GPIO_F_IRQ);
    polled = c->polled == ON_OFF_AUTO_ON ||
             (c->polled == ON_OFF_AUTO_AUTO && !irq);
    if (!polled && !irq) {
        error_setg(errp, "a key with polled=off needs interrupts, and '%s' "
                   "has irq=off", c->controller);
        return;
    }
    if (c->poll_interval == 0) {
        error_setg(errp, "'poll-interval' must be at least 1 ms");
        return;
    }
    parent = g_strdup_printf(polled ? "/gpio-keys-polled-%s" :
                             "/gpio-keys-%s", c->controller);
    if (polled && fdt_path_offset(fdt, parent) >= 0 &&
        qemu_fdt_getprop_cell(fdt, parent, "poll-interval", NULL,
                              &error_abort) != c->poll_interval) {
        error_setg(errp, "the polled keys of '%s' must have the same "
                   "poll-interval", c->controller);
        return;
    }
    if (dt_gpio_parent_node(fdt, parent,
                            polled ? "gpio-keys-polled" : "gpio-keys") &&
        polled) {
        qemu_fdt_setprop_cell(fdt, parent, "poll-interval", c->poll_interval);
    }
    node = dt_gpio_consumer_node(fdt, c, parent, "key");
    qemu_fdt_setprop_cell(fdt, node, "linux,code", c->code);
    if (c->debounce) {
        qemu_fdt_setprop_cell(fdt, node, "debounce-interval", c->debounce);
    }
}

static void dt_gpio_led_realize(DeviceState *dev, Error **errp)
{
    static const char *const states[] = { "on", "off", "keep" };
    DtGpioConsumer *c = DT_GPIO_CONSUMER(dev);
    void *fdt = MACHINE(qdev_get_machine())->fdt;
    g_autofree char *parent = NULL;
    g_autofree char *node = NULL;

    if (!dt_gpio_consumer_resolve(c, errp)) {
        return;
    }
    if (!c->label) {
        error_setg(errp, "an LED needs a 'label' (its name in "
                   "/sys/class/leds)");
        return;
    }
    if (c->default_state &&
        !g_strv_contains((const char *const *)states, c->default_state)) {
        error_setg(errp, "'default-state' must be on, off or keep, not '%s'",
                   c->default_state);
        return;
    }
    if (c->trigger && !dt_gpio_check_string("trigger", c->trigger, errp)) {
        return;
    }
    parent = g_strdup_printf("/gpio-leds-%s", c->controller);
    dt_gpio_parent_node(fdt, parent, "gpio-leds");
    node = dt_gpio_consumer_node(fdt, c, parent, "led");
    if (c->default_state) {
        qemu_fdt_setprop_string(fdt, node, "default-state", c->default_state);
    }
    if (c->trigger) {
        qemu_fdt_setprop_string(fdt, node, "linux,default-trigger",
                                c->trigger);
    }
}

static const Property dt_gpio_consumer_props[] = {
    DEFINE_PROP_STRING("controller", DtGpioConsumer, controller),
    DEFINE_PROP_STRING("line", DtGpioConsumer, line),
    DEFINE_PROP_STRING("label", DtGpioConsumer, label),
    DEFINE_PROP_BOOL("active-low", DtGpioConsumer, active_low, false),
};

static const Property dt_gpio_key_props[] = {
    DEFINE_PROP_UINT32("code", DtGpioConsumer, code, 0),
    DEFINE_PROP_UINT32("debounce-interval", DtGpioConsumer, debounce, 0),
    DEFINE_PROP_ON_OFF_AUTO("polled", DtGpioConsumer, polled,
                            ON_OFF_AUTO_AUTO),
    DEFINE_PROP_UINT32("poll-interval", DtGpioConsumer, poll_interval,
                       DT_GPIO_KEY_POLL_MS),
};

static const Property dt_gpio_led_props[] = {
    DEFINE_PROP_STRING("default-state", DtGpioConsumer, default_state),
    DEFINE_PROP_STRING("trigger", DtGpioConsumer, trigger),
};

static void dt_gpio_consumer_unrealize(DeviceState *dev)
{
    /* a realized consumer is on the list: realize ends by adding it */
    QTAILQ_REMOVE(&dt_gpio_consumers, DT_GPIO_CONSUMER(dev), next);
}

static void dt_gpio_consumer_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    device_class_set_props(dc, dt_gpio_consumer_props);
    dc->unrealize = dt_gpio_consumer_unrealize;
    /* the guest reads the device tree once, at boot */
    dc->hotpluggable = false;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static void dt_gpio_key_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    device_class_set_props(dc, dt_gpio_key_props);
    dc->realize = dt_gpio_key_realize;
    dc->desc = "A key on a GPIO line, in the device tree (gpio-keys)";
    set_bit(DEVICE_CATEGORY_INPUT, dc->categories);
}

static void dt_gpio_led_class_init(ObjectClass *klass, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    device_class_set_props(dc, dt_gpio_led_props);
    dc->realize = dt_gpio_led_realize;
    dc->desc = "An LED on a GPIO line, in the device tree (gpio-leds)";
}

static const TypeInfo dt_gpio_types[] = {
    {
        .name = TYPE_DT_GPIO_CONSUMER,
        .parent = TYPE_DEVICE,
        .abstract = true,
        .instance_size = sizeof(DtGpioConsumer),
        .class_init = dt_gpio_consumer_class_init,
    }, {
        .name = TYPE_DT_GPIO_KEY,
        .parent = TYPE_DT_GPIO_CONSUMER,
        .class_init = dt_gpio_key_class_init,
    }, {
        .name = TYPE_DT_GPIO_LED,
        .parent = TYPE_DT_GPIO_CONSUMER,
        .class_init = dt_gpio_led_class_init,
    },
};

DEFINE_TYPES(dt_gpio_types)
