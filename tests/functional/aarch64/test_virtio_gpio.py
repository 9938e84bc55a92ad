#!/usr/bin/env python3
#
# Functional tests of virtio-gpio with a real Linux guest on arm virt:
# virtio-gpio-device on a virtio-mmio transport and virtio-gpio-pci on
# PCIe (virt's default GICv2, and GICv3 with its ITS) run the cases of
# virtio_gpio_guest.py.  On virtio-mmio the device
# is in the device tree, and the guest's own gpio-keys and gpio-leds
# drivers use lines that dt-gpio-key and dt-gpio-led declare.
#
# The guest (VGPIO_GUEST_DIR) is the arm64 image of project/guest: its
# PL061 (built into Debian's kernel) is gpiochip0, so the tests find the
# virtio chip by its label.  vgpio-keys reads key events from an input
# device given by name.  Pl061GpioVirt runs no virtio device: the board's
# PL061 on a gpio backend (pl061-gpio), with the stock kernel's driver.
#
# SPDX-License-Identifier: GPL-2.0-or-later

import time

from qemu_test import QemuSystemTest
from virtio_gpio_guest import GpioGuest, VirtioGpioGuest

KEY_ENTER = 28
KEY_A = 30


class VirtioGpioVirt(VirtioGpioGuest):
    MACHINE = 'virt'
    # nokaslr: with KASLR, cortex-a57 guests turn on page-table isolation,
    # which makes every GPIO ioctl about 8 times slower under TCG
    GUEST_APPEND = 'console=ttyAMA0 panic=-1 nokaslr'

    def machine_args(self):
        return ['-cpu', 'cortex-a57',
                '-global', 'virtio-mmio.force-legacy=false']


class VirtioGpioVirtPci(VirtioGpioVirt):
    DEVICE = 'virtio-gpio-pci'


class VirtioGpioVirtGicv3Pci(VirtioGpioVirt):
    """virtio-gpio-pci with its MSI-X through the GICv3 ITS (LPIs)"""
    DEVICE = 'virtio-gpio-pci'

    def machine_args(self):
        return super().machine_args() + ['-machine', 'gic-version=3']

    def test_its(self):
        """The device's interrupts are LPIs of the ITS, and they work."""
        self.launch()
        out = self.guest('grep virtio /proc/interrupts')
        self.assertTrue(out)
        for line in out:
            self.assertIn('ITS-', line)
        self.gpio_set(0, False)
        self.monitor('rising', 1)
        self.gpio_set(0, True)
        self.assertEqual(self.monitor_result(), ['rising'])


class VirtioGpioVirtMmio(VirtioGpioVirt):
    DEVICE = 'virtio-gpio-device'

    # Line 0 "button" is a key (KEY_ENTER), line 1 "led" an LED the guest
    # switches, line 2 an LED on at boot, line 4 an LED with the
    # default-on trigger, line 5 an active-low key (KEY_A), line 6 an LED
    # that blinks with the heartbeat trigger.
    CONSUMERS = [
        'dt-gpio-key,controller=gpio,line=button,code=28,label=Enter',
        'dt-gpio-led,controller=gpio,line=led,label=status',
        'dt-gpio-led,controller=gpio,line=2,label=power,default-state=on',
        'dt-gpio-led,controller=gpio,line=4,label=lamp,trigger=default-on',
        'dt-gpio-key,controller=gpio,line=5,code=30,active-low=on',
        'dt-gpio-led,controller=gpio,line=6,label=beat,trigger=heartbeat',
    ]
    KEYS = 'gpio-keys-gpio'

    def launch_consumers(self, device_opts=''):
        args = (self.backend_args('gpio0', 8, self.NAMES) +
                ['-device', f'{self.DEVICE},id=gpio,gpio=gpio0{device_opts}'])
        for c in self.CONSUMERS:
            args += ['-device', c]
        self.launch(args)

    def keys(self, count, timeout=30):
        """
        Read @count key events in the background, into /tmp/keys; return
        when the reader has the input device open.
        """
        self.guest(f'vgpio-keys -n {count} -t {timeout} {self.KEYS} '
                   '> /tmp/keys 2>&1 & '
                   'while ! ls -l /proc/$!/fd 2>/dev/null | '
                   'grep -q /dev/input/event; '
                   'do sleep 0.05; done')

    def keys_result(self):
        self.guest('wait')
        return self.guest('cat /tmp/keys')

    def key_state(self, code):
        return self.guest(f'vgpio-keys -s {self.KEYS} {code}')

    def led_event(self, line, value, timeout=30):
        """The GPIO_LINE_CHANGED that shows @line at @value."""
        ev = self.vm.event_wait('GPIO_LINE_CHANGED', timeout=timeout,
                                match={'data': {'line': line,
                                                'value': value}})
        self.assertIsNotNone(ev, f'line {line} never became {value}')
        return ev['data']

    def test_dt_node(self):
        """The gpiochip has the node QEMU wrote."""
        self.launch()
        node = '/sys/firmware/devicetree/base/virtio_mmio@a003e00/gpio'
        # a device tree string ends in a NUL, not a newline
        self.assertEqual(self.guest(f"tr -d '\\0' < {node}/compatible; echo"),
                         ['virtio,device29'])
        out = self.guest(f'readlink -f /sys/bus/gpio/devices/{self.chip()}'
                         '/of_node')
        self.assertEqual(out, [node])

    def wait_key(self, code, state, timeout=30):
        """Wait until the guest's input device has key @code in @state."""
        get = f'"$(vgpio-keys -s {self.KEYS} {code})"'
        self.guest(f'n=0; while [ {get} != {state} ] && '
                   f'[ $n -lt {timeout * 20} ]; do n=$((n + 1)); '
                   f'sleep 0.05; done; [ {get} = {state} ]',
                   timeout=timeout + 30)

    def test_keys(self):
        self.launch_consumers()
        # gpio-keys asked for an edge-both interrupt on each key's line
        for line in (0, 5):
            self.wait_line(line, 'irq-unmasked', True)
            self.assertEqual(self.lines()[line]['irq-type'], 'edge-both')
        self.gpio_set(5, True)      # the active-low key is up
        self.wait_key(KEY_A, 0)
        self.keys(4)
        # gpio-keys reads the line once it has been stable for the
        # debounce interval: wait for each state before the next edge
        for line, code, value, state in ((0, KEY_ENTER, True, 1),
                                         (0, KEY_ENTER, False, 0),
                                         (5, KEY_A, False, 1),
                                         (5, KEY_A, True, 0)):
            self.gpio_set(line, value)
            self.wait_key(code, state)
        self.assertEqual(self.keys_result(),
                         [f'key {KEY_ENTER} 1', f'key {KEY_ENTER} 0',
                          f'key {KEY_A} 1', f'key {KEY_A} 0'])

    def test_keys_polled(self):
        """Without interrupts the keys are polled (gpio-keys-polled)."""
        self.KEYS = 'gpio-keys-polled-gpio'
        self.launch_consumers(',irq=off')
        self.gpio_set(5, True)
        self.wait_key(KEY_A, 0)
        self.keys(2)
        self.gpio_set(0, True)
        self.wait_key(KEY_ENTER, 1)
        self.gpio_set(0, False)
        self.assertEqual(self.keys_result(),
                         [f'key {KEY_ENTER} 1', f'key {KEY_ENTER} 0'])

    def test_leds(self):
        self.launch_consumers()
        # default-state and the default-on trigger: on from boot
        for line in (2, 4):
            line_state = self.lines()[line]
            self.assertEqual((line_state['direction'], line_state['value']),
                             ('out', True), f'line {line}')
        self.assertEqual(self.guest('cat /sys/class/leds/power/brightness'),
                         ['1'])
        out = self.guest('cat /sys/class/leds/lamp/trigger')
        self.assertIn('[default-on]', out[0].split())
        # the guest switches "status"; the host sees it
        self.assertEqual(self.lines()[1]['direction'], 'out')
        for value in (True, False, True):
            self.guest(f'echo {int(value)} > '
                       '/sys/class/leds/status/brightness')
            ev = self.led_event(1, value)
            self.assertEqual((ev['name'], ev['direction']), ('led', 'out'))
            self.assertEqual(self.lines()[1]['value'], value)
        # heartbeat: the line goes on and off by itself
        seen = set()
        deadline = time.monotonic() + 30
        while seen != {True, False}:
            self.assertLess(time.monotonic(), deadline, 'no heartbeat')
            seen.add(self.line_event(6)['value'])

    def test_key_held_across_migration(self):
        """A key held while the VM moves is still down, then comes up."""
        self.launch_consumers()
        self.wait_line(0, 'irq-unmasked', True)
        self.keys(1)
        self.gpio_set(0, True)
        self.assertEqual(self.keys_result(), [f'key {KEY_ENTER} 1'])
        self.wait_line(0, 'irq-unmasked', True)
        self.migrate()
        deadline = time.monotonic() + 30
        while self.qmp('query-status')['status'] != 'running':
            self.assertLess(time.monotonic(), deadline, 'not running')
            time.sleep(0.1)
        self.assertEqual(self.key_state(KEY_ENTER), ['1'])
        self.assertEqual(self.lines()[0]['input'], True)
        self.keys(1)
        self.gpio_set(0, False)
        self.assertEqual(self.keys_result(), [f'key {KEY_ENTER} 0'])
        # and the LED the guest set moved with it
        self.guest('echo 1 > /sys/class/leds/status/brightness')
        self.led_event(1, True)


class Pl061GpioVirt(GpioGuest):
    """
    No virtio: the board's PL061 on a gpio-dummy backend
    (-M virt,pl061-gpio=gpio0), driven by the PL061 driver built into
    Debian's kernel, with the image's gpio-virtio module blacklisted.
    """
    MACHINE = 'virt'
    GUEST_APPEND = ('console=ttyAMA0 panic=-1 nokaslr '
                    'module_blacklist=gpio_virtio')
    LABEL = '9030000.pl061'

    def machine_args(self):
        return ['-cpu', 'cortex-a57', '-machine', 'pl061-gpio=gpio0']

    def launch(self, gpio_args=None):
        # the backend alone: the machine property gives it to the PL061
        if gpio_args is None:
            gpio_args = self.backend_args('gpio0', 8, self.NAMES)
        super().launch(gpio_args)

    def chips_under_test(self):
        chips = [line.split()[0] for line in self.guest('gpiodetect')
                 if f' [{self.LABEL}] ' in line]
        self.assertEqual(len(chips), 1, chips)
        return chips

    # the PL061 has no id: the monitor takes the backend's
    def lines(self, device='gpio0'):
        for c in self.qmp('query-gpio'):
            if c['backend'] == 'gpio0':
                return c['lines']
        self.fail('no gpio backend gpio0')

    def gpio_set(self, line, value, device='gpio0'):
        self.qmp('gpio-set', id='gpio0', line=line, value=value)

    def irq_count(self):
        """The PL061's interrupts the guest has handled, all lines."""
        out = self.guest(f'grep " {self.LABEL} " /proc/interrupts || true')
        return sum(int(line.split()[1]) for line in out)

    def test_pl061_lines(self):
        """The stock kernel's PL061 chip, named lines, no gpio-virtio."""
        self.launch()
        self.assertEqual(self.guest('grep -c "^gpio_virtio " /proc/modules '
                                    '|| true'), ['0'])
        out = [line for line in self.guest('gpiodetect')
               if line.startswith(self.chip() + ' ')]
        self.assertEqual(out, [f'{self.chip()} [{self.LABEL}] (8 lines)'])
        info = '\n'.join(self.guest(f'gpioinfo -c {self.chip()}'))
        # the device tree's gpio-line-names, from the backend
        for i, name in enumerate(self.NAMES):
            self.assertRegex(info, rf'line\s+{i}:\s+"{name}"')
        self.assertRegex(info, r'line\s+7:\s+unnamed')
        # every line an input until the guest drives it
        for line in self.lines():
            self.assertEqual(line['direction'], 'in')

    def test_pl061_inputs(self):
        self.launch()
        for value in (True, False, True):
            self.gpio_set(0, value)
            out = self.guest(f'gpioget -c {self.chip()} --numeric button')
            self.assertEqual(out, ['1' if value else '0'])
        self.gpio_set(6, True)
        self.assertEqual(self.guest(f'gpioget -c {self.chip()} --numeric 6'),
                         ['1'])

    def test_pl061_outputs(self):
        self.launch()
        for value in (True, False):
            self.guest(f'gpioset -c {self.chip()} -z led={int(value)}')
            ev = self.vm.event_wait('GPIO_LINE_CHANGED', timeout=30,
                                    match={'data': {'line': 1,
                                                    'value': value}})
            self.assertIsNotNone(ev, f'led never became {value}')
            self.assertEqual((ev['data']['direction'], ev['data']['name']),
                             ('out', 'led'))
            self.guest('kill $(pidof gpioset); while pidof gpioset; do :; '
                       'done')
        # the PL061 has no released state: the line stays an output
        self.assertEqual(self.lines()[1]['direction'], 'out')

    def test_pl061_edges(self):
        """gpiomon sees each edge made over QMP, through the PL061's irq."""
        self.launch()
        self.gpio_set(0, False)
        self.monitor('both', 4)
        self.assertEqual(self.lines()[0]['irq-type'], 'edge-both')
        for value in (True, False, True, False):
            # one edge at a time: the PL061 merges an edge into one the
            # guest has not cleared yet
            count = self.irq_count()
            self.gpio_set(0, value)
            self.guest(f'n=0; while [ $(grep " {self.LABEL} " '
                       '/proc/interrupts | awk \'{s += $2} END {print s}\') '
                       f'-le {count} ] && [ $n -lt 600 ]; do n=$((n + 1)); '
                       'sleep 0.05; done')
        self.assertEqual(self.monitor_result(),
                         ['rising', 'falling', 'rising', 'falling'])
        # gpiomon is gone: the line's interrupt is masked again
        self.wait_line(0, 'irq-type', 'none')
        self.assertEqual(self.lines()[0]['irq-events'], 4)


del VirtioGpioGuest
del VirtioGpioVirt
del GpioGuest

if __name__ == '__main__':
    QemuSystemTest.main()
