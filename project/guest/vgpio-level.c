// SPDX-License-Identifier: GPL-2.0
/*
 * vgpio-level: a level-triggered GPIO interrupt consumer for the
 * virtio-gpio end-to-end tests.
 *
 * The libgpiod tools can only request edge events; this module requests
 * one GPIO line as input and takes a threaded, oneshot, level-triggered
 * interrupt on it, counting the invocations of its handler in the read-only
 * parameter "count". Not loaded at boot: the test loads it with, e.g.,
 *
 *   insmod /lib/modules/vgpio-level.ko chip=gpiochip0 line=3 \
 *          trigger=high mode=ack
 *
 * chip:    the gpiochip device name (gpiochipN) or the chip label
 * line:    the line offset in that chip
 * trigger: "high" (IRQF_TRIGGER_HIGH) or "low" (IRQF_TRIGGER_LOW)
 * mode:    "ack": the handler waits (at most ack_timeout_ms) until the line
 *          is no longer active, like a driver that acknowledges the
 *          source, so each assertion of the level gives one interrupt;
 *          "noack": the handler returns at once, so the interrupt fires
 *          again each time it is unmasked while the level stays active.
 *
 * rmmod frees the interrupt and the line.
 */

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/gpio/machine.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

static char *chip = "gpiochip0";
module_param(chip, charp, 0444);
MODULE_PARM_DESC(chip, "gpiochip device name (gpiochipN) or chip label");

static unsigned int line;
module_param(line, uint, 0444);
MODULE_PARM_DESC(line, "line offset in the chip");

static char *trigger = "high";
module_param(trigger, charp, 0444);
MODULE_PARM_DESC(trigger, "high or low");

static char *mode = "ack";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "ack (wait until inactive) or noack (return at once)");

static unsigned int ack_timeout_ms = 5000;
module_param(ack_timeout_ms, uint, 0444);
MODULE_PARM_DESC(ack_timeout_ms, "ack mode: longest wait for an inactive line");

static unsigned int count;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "handler invocations (read-only)");

static int irq = -1;
module_param(irq, int, 0444);
MODULE_PARM_DESC(irq, "the Linux irq number (read-only)");

static struct gpio_device *vl_gdev;
static struct gpio_desc *vl_desc;
static bool vl_ack;
static int vl_active;	/* raw line value that is the active level */

static int vl_match(struct gpio_chip *gc, const void *data)
{
	const char *name = data;

	if (gc->label && !strcmp(gc->label, name))
		return 1;
	return !strcmp(dev_name(gpio_device_to_device(gc->gpiodev)), name);
}

static irqreturn_t vl_thread(int irq, void *data)
{
	unsigned long deadline;

	WRITE_ONCE(count, count + 1);
	if (!vl_ack)
		return IRQ_HANDLED;

	deadline = jiffies + msecs_to_jiffies(ack_timeout_ms);
	while (gpiod_get_raw_value_cansleep(vl_desc) == vl_active) {
		if (time_after(jiffies, deadline)) {
			pr_warn("vgpio-level: line %u still active after %u ms\n",
				line, ack_timeout_ms);
			break;
		}
		msleep(10);
	}
	return IRQ_HANDLED;
}

static int __init vl_init(void)
{
	unsigned long flags = IRQF_ONESHOT;
	int ret;

	if (!strcmp(trigger, "high")) {
		flags |= IRQF_TRIGGER_HIGH;
		vl_active = 1;
	} else if (!strcmp(trigger, "low")) {
		flags |= IRQF_TRIGGER_LOW;
		vl_active = 0;
	} else {
		pr_err("vgpio-level: trigger must be high or low\n");
		return -EINVAL;
	}

	if (!strcmp(mode, "ack")) {
		vl_ack = true;
	} else if (!strcmp(mode, "noack")) {
		vl_ack = false;
	} else {
		pr_err("vgpio-level: mode must be ack or noack\n");
		return -EINVAL;
	}

	vl_gdev = gpio_device_find(chip, vl_match);
	if (!vl_gdev) {
		pr_err("vgpio-level: no gpiochip %s\n", chip);
		return -ENODEV;
	}

	vl_desc = gpiochip_request_own_desc(gpio_device_get_chip(vl_gdev),
					    line, "vgpio-level",
					    GPIO_LOOKUP_FLAGS_DEFAULT, GPIOD_IN);
	if (IS_ERR(vl_desc)) {
		ret = PTR_ERR(vl_desc);
		pr_err("vgpio-level: cannot request %s line %u: %d\n",
		       chip, line, ret);
		goto err_put;
	}

	irq = gpiod_to_irq(vl_desc);
	if (irq < 0) {
		ret = irq;
		pr_err("vgpio-level: no irq for %s line %u: %d\n",
		       chip, line, ret);
		goto err_free;
	}

	ret = request_threaded_irq(irq, NULL, vl_thread, flags,
				   "vgpio-level", NULL);
	if (ret) {
		pr_err("vgpio-level: cannot request irq %d: %d\n", irq, ret);
		goto err_free;
	}

	pr_info("vgpio-level: %s line %u irq %d, trigger %s, mode %s\n",
		chip, line, irq, trigger, mode);
	return 0;

err_free:
	irq = -1;
	gpiochip_free_own_desc(vl_desc);
err_put:
	gpio_device_put(vl_gdev);
	return ret;
}

static void __exit vl_exit(void)
{
	free_irq(irq, NULL);
	gpiochip_free_own_desc(vl_desc);
	gpio_device_put(vl_gdev);
}

module_init(vl_init);
module_exit(vl_exit);

MODULE_DESCRIPTION("Level GPIO interrupt consumer for virtio-gpio tests");
MODULE_LICENSE("GPL");
