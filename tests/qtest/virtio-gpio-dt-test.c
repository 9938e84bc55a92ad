/*
 * QTest testcase for virtio-gpio in the device tree: the controller node
 * QEMU writes for a virtio-gpio-device on a virtio-mmio transport of arm
 * virt, and the gpio-keys / gpio-leds consumers of dt-gpio-key and
 * dt-gpio-led, read back with the dumpdtb command and libfdt; and the
 * start-up errors of bad declarations.
 *
 * Copyright (c) 2026 The virtio-gpio for QEMU authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include <libfdt.h>
#include "libqtest.h"
#include "qobject/qdict.h"

/* virt's last virtio-mmio transport, where the first -device goes */
#define VIRT_MMIO_FIRST "/virtio_mmio@a003e00"
#define VIRT_MMIO_SECOND "/virtio_mmio@a003c00"

#define VIRT_ARGS "-M virt -global virtio-mmio.force-legacy=false "
#define BACKEND "-object gpio-dummy,id=be,ngpio=8,names=button,names=led "
#define CTRL "-device virtio-gpio-device,id=gpio,gpio=be "

/* Start QEMU with @args, dump its device tree and return it */
static void *dt_dump(const char *args)
{
    g_autofree char *path = NULL;
    g_autofree char *blob = NULL;
    QTestState *qts;
    gsize len;
    int fd;

    fd = g_file_open_tmp("vgpio-dt-XXXXXX.dtb", &path, NULL);
    g_assert_cmpint(fd, >=, 0);
    close(fd);
    qts = qtest_init(args);
    qtest_qmp_assert_success(qts, "{'execute': 'dumpdtb', "
                             "'arguments': {'filename': %s}}", path);
    qtest_quit(qts);
    g_assert_true(g_file_get_contents(path, &blob, &len, NULL));
    unlink(path);
    g_assert_cmpint(fdt_check_header(blob), ==, 0);
    g_assert_cmpuint(fdt_totalsize(blob), <=, len);
    return g_steal_pointer(&blob);
}

static int dt_node(void *fdt, const char *path)
{
    int off = fdt_path_offset(fdt, path);

    g_assert_cmpint(off, >=, 0);
    return off;
}

static bool dt_has(void *fdt, int off, const char *prop)
{
    return fdt_getprop(fdt, off, prop, NULL) != NULL;
}

static uint32_t dt_cell(void *fdt, int off, const char *prop)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, off, prop, &len);

    g_assert_nonnull(p);
    g_assert_cmpint(len, ==, 4);
    return fdt32_to_cpu(*p);
}

static const char *dt_string(void *fdt, int off, const char *prop)
{
    int len;
    const char *p = fdt_getprop(fdt, off, prop, &len);

    g_assert_nonnull(p);
    g_assert_cmpint(len, ==, strlen(p) + 1);
    return p;
}

/* The number of properties of node @off */
static int dt_nprops(void *fdt, int off)
{
    int n = 0, p;

    fdt_for_each_property_offset(p, fdt, off) {
        n++;
    }
    return n;
}

static int dt_nchildren(void *fdt, int off)
{
    int n = 0, c;

    fdt_for_each_subnode(c, fdt, off) {
        n++;
    }
    return n;
}

/*
 * The controller node under transport @transport: the binding's
 * properties and nothing else.  Returns its phandle.
 */
static uint32_t dt_check_controller(void *fdt, const char *transport,
                                    bool irq)
{
    g_autofree char *path = g_strdup_printf("%s/gpio", transport);
    int off = dt_node(fdt, path);
    uint32_t phandle;

    /* Linux binds the device to the only child of its transport */
    g_assert_cmpint(dt_nchildren(fdt, dt_node(fdt, transport)), ==, 1);
    g_assert_cmpint(fdt_node_check_compatible(fdt, off, "virtio,device29"),
                    ==, 0);
    g_assert_cmpstr(dt_string(fdt, off, "compatible"), ==, "virtio,device29");
    g_assert_true(dt_has(fdt, off, "gpio-controller"));
    g_assert_cmpuint(dt_cell(fdt, off, "#gpio-cells"), ==, 2);
    g_assert_cmpint(dt_has(fdt, off, "interrupt-controller"), ==, irq);
    if (irq) {
        g_assert_cmpuint(dt_cell(fdt, off, "#interrupt-cells"), ==, 2);
    } else {
        g_assert_false(dt_has(fdt, off, "#interrupt-cells"));
    }
    phandle = dt_cell(fdt, off, "phandle");
    g_assert_cmpuint(phandle, !=, 0);
    g_assert_cmpint(fdt_node_offset_by_phandle(fdt, phandle), ==, off);
    /* compatible, gpio-controller, #gpio-cells, phandle (+ 2 with irqs) */
    g_assert_cmpint(dt_nprops(fdt, off), ==, irq ? 6 : 4);
    g_assert_cmpint(dt_nchildren(fdt, off), ==, 0);
    return phandle;
}

/* Consumer node @path uses line @line of @phandle with @flags */
static void dt_check_gpios(void *fdt, int off, uint32_t phandle,
                           uint32_t line, uint32_t flags)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, off, "gpios", &len);

    g_assert_nonnull(p);
    g_assert_cmpint(len, ==, 12);
    g_assert_cmpuint(fdt32_to_cpu(p[0]), ==, phandle);
    g_assert_cmpuint(fdt32_to_cpu(p[1]), ==, line);
    g_assert_cmpuint(fdt32_to_cpu(p[2]), ==, flags);
}

static void test_controller(void)
{
    g_autofree void *fdt = dt_dump(VIRT_ARGS "-device virtio-gpio-device");

    dt_check_controller(fdt, VIRT_MMIO_FIRST, true);
    /* no consumers without declarations */
    g_assert_cmpint(fdt_path_offset(fdt, "/gpio-keys-gpio"), <, 0);
}

static void test_controller_noirq(void)
{
    g_autofree void *fdt = dt_dump(VIRT_ARGS
                                   "-device virtio-gpio-device,irq=off");

    dt_check_controller(fdt, VIRT_MMIO_FIRST, false);
}

static void test_two_controllers(void)
{
    g_autofree void *fdt = dt_dump(VIRT_ARGS
                                   "-device virtio-gpio-device "
                                   "-device virtio-gpio-device,irq=off");
    uint32_t a = dt_check_controller(fdt, VIRT_MMIO_FIRST, true);
    uint32_t b = dt_check_controller(fdt, VIRT_MMIO_SECOND, false);

    g_assert_cmpuint(a, !=, b);
}

/* Other virtio devices on virt's transports get no node of ours */
static void test_pci_has_no_node(void)
{
    g_autofree void *fdt = dt_dump("-M virt -device virtio-gpio-pci");

    g_assert_cmpint(fdt_node_offset_by_compatible(fdt, -1, "virtio,device29"),
                    <, 0);
}

static void test_consumers(void)
{
    g_autofree void *fdt = dt_dump(
        VIRT_ARGS BACKEND CTRL
        "-device dt-gpio-key,controller=gpio,line=button,code=116,"
        "label=Power,debounce-interval=10 "
        "-device dt-gpio-key,controller=gpio,line=2,code=28,active-low=on "
        "-device dt-gpio-led,controller=gpio,line=led,label=status,"
        "default-state=on,trigger=heartbeat "
        "-device dt-gpio-led,controller=gpio,line=3,label=disk,"
        "active-low=on");
    uint32_t ph = dt_check_controller(fdt, VIRT_MMIO_FIRST, true);
    int keys = dt_node(fdt, "/gpio-keys-gpio");
    int leds = dt_node(fdt, "/gpio-leds-gpio");
    int off;

    g_assert_cmpstr(dt_string(fdt, keys, "compatible"), ==, "gpio-keys");
    g_assert_cmpint(dt_nprops(fdt, keys), ==, 1);
    g_assert_cmpint(dt_nchildren(fdt, keys), ==, 2);
    off = dt_node(fdt, "/gpio-keys-gpio/key-0");
    dt_check_gpios(fdt, off, ph, 0, 0);
    g_assert_cmpuint(dt_cell(fdt, off, "linux,code"), ==, 116);
    g_assert_cmpstr(dt_string(fdt, off, "label"), ==, "Power");
    g_assert_cmpuint(dt_cell(fdt, off, "debounce-interval"), ==, 10);
    g_assert_cmpint(dt_nprops(fdt, off), ==, 4);
    /* an unnamed line without a label: no label */
    off = dt_node(fdt, "/gpio-keys-gpio/key-2");
    dt_check_gpios(fdt, off, ph, 2, 1);
    g_assert_cmpuint(dt_cell(fdt, off, "linux,code"), ==, 28);
    g_assert_false(dt_has(fdt, off, "label"));
    g_assert_false(dt_has(fdt, off, "debounce-interval"));
    g_assert_cmpint(dt_nprops(fdt, off), ==, 2);

    g_assert_cmpstr(dt_string(fdt, leds, "compatible"), ==, "gpio-leds");
    g_assert_cmpint(dt_nchildren(fdt, leds), ==, 2);
    off = dt_node(fdt, "/gpio-leds-gpio/led-1");
    dt_check_gpios(fdt, off, ph, 1, 0);
    g_assert_cmpstr(dt_string(fdt, off, "label"), ==, "status");
    g_assert_cmpstr(dt_string(fdt, off, "default-state"), ==, "on");
    g_assert_cmpstr(dt_string(fdt, off, "linux,default-trigger"), ==,
                    "heartbeat");
    g_assert_cmpint(dt_nprops(fdt, off), ==, 4);
    off = dt_node(fdt, "/gpio-leds-gpio/led-3");
    dt_check_gpios(fdt, off, ph, 3, 1);
    g_assert_cmpstr(dt_string(fdt, off, "label"), ==, "disk");
    g_assert_cmpint(dt_nprops(fdt, off), ==, 2);

    /* virt's own power key on the PL061 stays as it was */
    off = dt_node(fdt, "/gpio-keys/poweroff");
    g_assert_cmpuint(dt_cell(fdt, off, "linux,code"), ==, 116);
}

/* A key takes the line's name from the backend when it has no label */
static void test_key_label_from_name(void)
{
    g_autofree void *fdt = dt_dump(
        VIRT_ARGS BACKEND CTRL
        "-device dt-gpio-key,controller=gpio,line=0,code=30");
    int off = dt_node(fdt, "/gpio-keys-gpio/key-0");

    g_assert_cmpstr(dt_string(fdt, off, "label"), ==, "button");
}

/* Two controllers, each with its own consumer nodes */
static void test_consumers_two_controllers(void)
{
    g_autofree void *fdt = dt_dump(
        VIRT_ARGS "-device virtio-gpio-device,id=a "
        "-device virtio-gpio-device,id=b "
        "-device dt-gpio-key,controller=a,line=0,code=2 "
        "-device dt-gpio-key,controller=b,line=0,code=3 "
        "-device dt-gpio-led,controller=b,line=1,label=b1");
    uint32_t pa = dt_check_controller(fdt, VIRT_MMIO_FIRST, true);
    uint32_t pb = dt_check_controller(fdt, VIRT_MMIO_SECOND, true);

    dt_check_gpios(fdt, dt_node(fdt, "/gpio-keys-a/key-0"), pa, 0, 0);
    dt_check_gpios(fdt, dt_node(fdt, "/gpio-keys-b/key-0"), pb, 0, 0);
    dt_check_gpios(fdt, dt_node(fdt, "/gpio-leds-b/led-1"), pb, 1, 0);
    g_assert_cmpint(fdt_path_offset(fdt, "/gpio-leds-a"), <, 0);
}

/* Without interrupts keys are polled; polled=on asks for it anyway */
static void test_polled_keys(void)
{
    g_autofree void *fdt = dt_dump(
        VIRT_ARGS "-device virtio-gpio-device,id=a,irq=off "
        "-device virtio-gpio-device,id=b "
        "-device dt-gpio-key,controller=a,line=0,code=2 "
        "-device dt-gpio-key,controller=a,line=1,code=3 "
        "-device dt-gpio-key,controller=b,line=0,code=4,polled=on,"
        "poll-interval=50 "
        "-device dt-gpio-key,controller=b,line=1,code=5");
    uint32_t pa = dt_check_controller(fdt, VIRT_MMIO_FIRST, false);
    uint32_t pb = dt_check_controller(fdt, VIRT_MMIO_SECOND, true);
    int off;

    off = dt_node(fdt, "/gpio-keys-polled-a");
    g_assert_cmpstr(dt_string(fdt, off, "compatible"), ==,
                    "gpio-keys-polled");
    g_assert_cmpuint(dt_cell(fdt, off, "poll-interval"), ==, 20);
    g_assert_cmpint(dt_nchildren(fdt, off), ==, 2);
    dt_check_gpios(fdt, dt_node(fdt, "/gpio-keys-polled-a/key-1"), pa, 1, 0);
    g_assert_cmpint(fdt_path_offset(fdt, "/gpio-keys-a"), <, 0);

    off = dt_node(fdt, "/gpio-keys-polled-b");
    g_assert_cmpuint(dt_cell(fdt, off, "poll-interval"), ==, 50);
    dt_check_gpios(fdt, dt_node(fdt, "/gpio-keys-polled-b/key-0"), pb, 0, 0);
    dt_check_gpios(fdt, dt_node(fdt, "/gpio-keys-b/key-1"), pb, 1, 0);
}

/* Consumers can only be declared at start-up */
static void test_no_hotplug(void)
{
    QTestState *qts = qtest_init(VIRT_ARGS BACKEND CTRL);
    QDict *resp;

    resp = qtest_qmp(qts, "{'execute': 'device_add', 'arguments': "
                     "{'driver': 'dt-gpio-key', 'controller': 'gpio', "
                     "'line': '0', 'code': 2}}");
    g_assert_true(qdict_haskey(resp, "error"));
    qobject_unref(resp);
    qtest_quit(qts);
}

typedef struct DtError {
    const char *name;
    const char *args;
    const char *stderr_pattern;
} DtError;

static const DtError dt_errors[] = {
    { "line-out-of-range", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-key,controller=gpio,line=8,code=2",
      "*line 8 is out of range (8 lines)*" },
    { "unknown-line-name", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-led,controller=gpio,line=nope,label=x",
      "*no line is named 'nope'*" },
    { "range-of-lines", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-key,controller=gpio,line=2-3,code=2",
      "*bad line number '2-3'*" },
    { "no-line", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-key,controller=gpio,code=2",
      "*'controller' and 'line' must be set*" },
    { "two-consumers-one-line", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-key,controller=gpio,line=button,code=2 "
      "-device dt-gpio-led,controller=gpio,line=0,label=x",
      "*line 0 of 'gpio' already has a consumer (dt-gpio-key)*" },
    { "duplicate-led-label", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-led,controller=gpio,line=1,label=status "
      "-device dt-gpio-led,controller=gpio,line=2,label=status",
      "*another dt-gpio-led has the label 'status'*" },
    { "duplicate-key-label", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-key,controller=gpio,line=1,code=2,label=k "
      "-device dt-gpio-key,controller=gpio,line=2,code=3,label=k",
      "*another dt-gpio-key has the label 'k'*" },
    { "key-label-from-line-name", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-key,controller=gpio,line=0,code=2 "
      "-device dt-gpio-key,controller=gpio,line=1,code=3,label=button",
      "*another dt-gpio-key has the label 'button'*" },
    { "key-code-zero", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-key,controller=gpio,line=1",
      "*'code' must be a Linux key code from 1 to 767*not 0*" },
    { "key-code-too-big", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-key,controller=gpio,line=1,code=768",
      "*'code' must be a Linux key code from 1 to 767*not 768*" },
    { "pci-controller", "-M virt -device virtio-gpio-pci,id=gpio "
      "-device dt-gpio-key,controller=gpio,line=1,code=2",
      "*device 'gpio' is a virtio-gpio-pci, not a virtio-gpio-device*"
      "use virtio-gpio-device on a virtio-mmio transport*" },
    { "not-a-gpio-controller", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-led,id=led,controller=gpio,line=1,label=x "
      "-device dt-gpio-led,controller=led,line=1,label=y",
      "*device 'led' is a dt-gpio-led, not a virtio-gpio-device*" },
    { "controller-after-consumer", VIRT_ARGS BACKEND
      "-device dt-gpio-key,controller=gpio,line=1,code=2 " CTRL,
      "*no device 'gpio' (the GPIO controller must come before*" },
    { "polled-off-without-irq", VIRT_ARGS
      "-device virtio-gpio-device,id=gpio,irq=off "
      "-device dt-gpio-key,controller=gpio,line=1,code=2,polled=off",
      "*a key with polled=off needs interrupts, and 'gpio' has irq=off*" },
    { "poll-interval-mismatch", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-key,controller=gpio,line=1,code=2,polled=on "
      "-device dt-gpio-key,controller=gpio,line=2,code=3,polled=on,"
      "poll-interval=30",
      "*the polled keys of 'gpio' must have the same poll-interval*" },
    { "poll-interval-zero", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-key,controller=gpio,line=1,code=2,polled=on,"
      "poll-interval=0",
      "*'poll-interval' must be at least 1 ms*" },
    { "led-without-label", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-led,controller=gpio,line=1",
      "*an LED needs a 'label'*" },
    { "led-label-with-slash", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-led,controller=gpio,line=1,label=a/b",
      "*label 'a/b' has a character that is not allowed*" },
    { "led-bad-default-state", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-led,controller=gpio,line=1,label=x,"
      "default-state=blink",
      "*'default-state' must be on, off or keep, not 'blink'*" },
    { "led-empty-trigger", VIRT_ARGS BACKEND CTRL
      "-device dt-gpio-led,controller=gpio,line=1,label=x,trigger=",
      "*trigger must not be empty*" },
};

/* Machines without a device tree node for the controller */
static const DtError dt_errors_x86[] = {
    { "microvm", "-M microvm -device virtio-gpio-device,id=gpio "
      "-device dt-gpio-key,controller=gpio,line=1,code=2",
      "*device 'gpio' has no device tree node*" },
    { "pc-pci", "-M pc -device virtio-gpio-pci,id=gpio "
      "-device dt-gpio-led,controller=gpio,line=1,label=x",
      "*device 'gpio' is a virtio-gpio-pci, not a virtio-gpio-device*" },
};

/*
 * QEMU refuses to start: run it in a subprocess, which fails when QEMU
 * exits, and look for the error in what QEMU printed.
 */
static void test_error(const void *opaque)
{
    const DtError *e = opaque;

    if (g_test_subprocess()) {
        qtest_quit(qtest_init(e->args));
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr(e->stderr_pattern);
}

static void add_errors(const DtError *errors, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        g_autofree char *path = g_strdup_printf("/virtio-gpio/dt/error/%s",
                                                errors[i].name);

        qtest_add_data_func(path, &errors[i], test_error);
    }
}

int main(int argc, char **argv)
{
    const char *arch = qtest_get_arch();

    g_test_init(&argc, &argv, NULL);
    if (!strcmp(arch, "aarch64")) {
        qtest_add_func("/virtio-gpio/dt/controller", test_controller);
        qtest_add_func("/virtio-gpio/dt/controller-noirq",
                       test_controller_noirq);
        qtest_add_func("/virtio-gpio/dt/two-controllers",
                       test_two_controllers);
        qtest_add_func("/virtio-gpio/dt/pci-has-no-node",
                       test_pci_has_no_node);
        qtest_add_func("/virtio-gpio/dt/consumers", test_consumers);
        qtest_add_func("/virtio-gpio/dt/key-label-from-name",
                       test_key_label_from_name);
        qtest_add_func("/virtio-gpio/dt/consumers-two-controllers",
                       test_consumers_two_controllers);
        qtest_add_func("/virtio-gpio/dt/polled-keys", test_polled_keys);
        qtest_add_func("/virtio-gpio/dt/no-hotplug", test_no_hotplug);
        add_errors(dt_errors, G_N_ELEMENTS(dt_errors));
    } else if (!strcmp(arch, "x86_64")) {
        add_errors(dt_errors_x86, G_N_ELEMENTS(dt_errors_x86));
    }
    return g_test_run();
}
