#!/usr/bin/env python3
#
# Functional tests of virtio-gpio with a real Linux guest on x86: q35
# (virtio-gpio-pci) and microvm (virtio-gpio-device); the cases are in
# virtio_gpio_guest.py, q35 adds a gpio-chardev backend played by the
# reference client.
#
# SPDX-License-Identifier: GPL-2.0-or-later

import os
import re
import subprocess
import sys
import time

from qemu_test import QemuSystemTest
from virtio_gpio_guest import VirtioGpioGuest


class VirtioGpioQ35(VirtioGpioGuest):
    MACHINE = 'q35'
    DEVICE = 'virtio-gpio-pci'

    # The gpio-chardev backend, played by the reference client --------

    CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          '..', '..', '..', 'contrib', 'gpio-chardev',
                          'gpiochardev.py')

    def client_module(self):
        sys.path.insert(0, os.path.dirname(self.CLIENT))
        try:
            import gpiochardev  # pylint: disable=import-outside-toplevel
        finally:
            sys.path.pop(0)
        return gpiochardev

    def client_cli(self, path, *args):
        out = subprocess.run([sys.executable, self.CLIENT, '--unix', path,
                              *args], check=True, capture_output=True,
                             text=True, timeout=60).stdout
        self.log.info('gpiochardev.py %s: %s', ' '.join(args), out)
        return out

    def test_chardev_peer(self):
        client = self.client_module()
        path = os.path.join(self.socket_dir().name, 'gpio.sock')
        opts = ''.join(f',names={n}' for n in self.NAMES)
        self.launch(['-chardev', f'socket,id=sim,path={path},server=on,'
                     'wait=off',
                     '-object', f'gpio-chardev,id=gpio0,chardev=sim,'
                     f'ngpio=8{opts}'] + self.device_args('gpio', 'gpio0'))
        peer = client.GpioPeer.connect_unix(path)
        self.assertEqual(peer.ngpio, 8)
        self.assertEqual([l.name for l in peer.lines[:4]], self.NAMES)

        # inputs from the peer
        for value in (1, 0, 1):
            peer.set('button', value)
            self.assertEqual(
                self.guest(f'gpioget -c {self.chip()} --numeric button'),
                [str(value)])
        self.assertEqual(self.lines()[0]['input'], True)

        # edges from the peer; the peer sees the guest enable the irq
        peer.set('button', 0)
        self.gpiomon(f'-c {self.chip()} -e both -n 3 --format=%E button')
        ev = peer.wait_event(lambda e: e.kind == 'IRQ' and e.line == 0)
        self.assertEqual(ev.value, 'edge-both')
        for value in (1, 0, 1):
            self.wait_line(0, 'irq-unmasked', True)
            peer.set('button', value)
        self.assertEqual(self.monitor_result(),
                         ['rising', 'falling', 'rising'])
        # gpiomon is done: the guest disables the irq, releases the line
        got = []
        while not got or got[-1].kind != 'DIR':
            got.append(peer.wait_event(lambda e: e.line == 0))
        self.assertEqual([(e.kind, e.value) for e in got],
                         [('IRQ', 'none'), ('DIR', 'none')])

        # outputs reach the peer, in order
        self.guest(f'gpioset -c {self.chip()} -z led=1')
        got = [peer.wait_event(lambda e: e.line == 1) for _ in range(2)]
        self.assertEqual([(e.kind, e.value) for e in got],
                         [('VALUE', '1'), ('DIR', 'out')])
        self.assertEqual((peer.lines[1].dir, peer.lines[1].value),
                         ('out', 1))

        # the state outlives the peer: the next one gets all of it
        peer.close()
        self.guest('kill $(pidof gpioset); while pidof gpioset; do :; done')
        self.wait_line(1, 'direction', 'none')
        out = self.client_cli(path, 'show')
        self.assertRegex(out, r"Line\(0, name='button', dir=none, value=0, "
                         r"input=1, irq=none\)")
        self.assertRegex(out, r"Line\(1, name='led', dir=none, value=0, ")
        self.client_cli(path, 'set', 'button', '0')
        self.assertEqual(
            self.guest(f'gpioget -c {self.chip()} --numeric button'), ['0'])


    # PCIe hot-plug ----------------------------------------------------

    def backend_info(self, backend):
        for c in self.qmp('query-gpio'):
            if c['backend'] == backend:
                return c
        self.fail(f'no gpio backend {backend}')

    def wait_chip(self, present, timeout=60):
        deadline = time.monotonic() + timeout
        while bool(self.virtio_chips()) != present:
            self.assertLess(time.monotonic(), deadline,
                            'the guest did not see the device '
                            + ('come' if present else 'go'))
            time.sleep(0.2)

    def test_hotplug(self):
        """
        A device hot-plugged into a PCIe root port gives the guest a chip;
        unplugged while gpiomon waits on it, the driver unbinds (gpiomon
        ends with an error), QEMU hands the backend back and the guest
        logs no oops or warning; plugged again, the chip works.  QEMU exits
        cleanly at the end (under the sanitizers: with nothing leaked).
        """
        self.vm.set_console()
        self.vm.add_args(*self.vm_args(
            ['-device', 'pcie-root-port,id=rp1,bus=pcie.0,chassis=1'] +
            self.backend_args('hpbe', 8, self.NAMES)))
        self.vm.launch()
        self.wait_ready()
        self.assertEqual(self.virtio_chips(), [])
        for cycle in range(2):
            self.qmp('device_add', driver='virtio-gpio-pci', id='gpio',
                     bus='rp1', gpio='hpbe')
            self.wait_chip(True)
            self.gpiochip = self.virtio_chips()[0]
            self.gpio_set(0, False)
            self.monitor('rising', 1)
            if cycle:
                break
            self.guest(f'gpioset -c {self.chip()} -z led=1')
            self.line_event(1)
            self.qmp('device_del', id='gpio')
            ev = self.vm.event_wait('DEVICE_DELETED', timeout=60,
                                    match={'data': {'device': 'gpio'}})
            self.assertIsNotNone(ev, 'no DEVICE_DELETED')
            self.wait_chip(False)
            # gpiomon saw its chip go: it ends, with an error
            self.assertNotEqual(self.guest('wait $!; echo rc=$?')[-1], 'rc=0')
            self.log.info('gpiomon: %s', self.guest('cat /tmp/ev'))
            info = self.backend_info('hpbe')
            self.assertNotIn('device', info)
            self.assertEqual([(l['direction'], l['irq-type'],
                               l['irq-unmasked']) for l in info['lines']],
                             [('in', 'none', False)] * 8)
        self.gpio_set(0, True)
        self.assertEqual(self.monitor_result(), ['rising'])
        self.assertEqual(self.guest('dmesg | grep -c -E "Oops|BUG:|WARNING:" '
                                    '|| true'), ['0'])
        self.vm.shutdown()
        self.assertEqual(self.vm.exitcode(), 0)

    # Simulation on the VM clock ---------------------------------------

    # instructions count the VM's time: 2^1 ns each, idle time skipped;
    # the RTC on the VM clock from a set date, and a set seed for RDRAND:
    # the host's clock (the RTC's update-in-progress bit, which Linux
    # waits out at boot) and random numbers would shift each boot
    ICOUNT = ['-icount', 'shift=1,sleep=off',
              '-rtc', 'base=2026-01-01T00:00:00,clock=vm', '-seed', '1']
    # the delays of the steps of a stimulus on the button, ns: a press of
    # 50 ms, then a bouncing contact
    PRESS = [1000000, 50000000, 2000000, 3000000, 2500000, 7000000]

    # the first step's VM time: the guest has booted and gpiomon polls
    # long before (about 5 s); the idle time until then costs nothing
    # under sleep=off
    PRESS_AT = 30000000000

    def boot_and_press(self, name):
        """
        Boot a VM, stopped at VM time 0 (-S), that plays PRESS on the
        button from PRESS_AT on, while gpiomon, started by the guest's
        /init (vgpio.run), watches it.  No input reaches the guest from
        the host until the stimulus has ended: a command typed on the
        console comes at a VM time that -icount does not fix, and leaves
        the guest's timers in another state (the first two edges came
        1.4 us late in one of two boots so).  Returns gpiomon's kernel
        timestamps of the edges, in ns.
        """
        n = len(self.PRESS)
        if name != 'default':
            self.vm.shutdown()
            self._vms['default'] = self.get_vm(name=name)
        self.vm.set_console()
        self.vm.add_args('-S', *self.ICOUNT, *self.vm_args())
        self.vm.launch()
        steps = [{'delay': d, 'line': 0, 'value': not i % 2}
                 for i, d in enumerate(self.PRESS)]
        steps[0] = {'at': self.PRESS_AT + self.PRESS[0], 'line': 0,
                    'value': True}
        self.qmp('gpio-stimulus-start', id='gpio', stimulus='press',
                 steps=steps)
        self.qmp('cont')
        ev = self.vm.event_wait('GPIO_STIMULUS_DONE', timeout=240)
        self.assertIsNotNone(ev, 'the stimulus did not end')
        self.wait_ready()
        out = self.guest('n=0; while pidof gpiomon > /dev/null && '
                         '[ $n -lt 100 ]; do n=$((n + 1)); sleep 0.1; done; '
                         'cat /tmp/ev')
        # fewer: gpiomon was not polling yet at PRESS_AT, or lost an edge
        self.assertEqual([e.split(',')[0] for e in out],
                         ['rising', 'falling'] * (n // 2), out)
        stamps = []
        for e in out:
            sec, nsec = e.split(',')[1].split('.')
            stamps.append(int(sec) * 1000000000 + int(nsec.ljust(9, '0')))
        self.log.info('gpiomon timestamps: %s', stamps)
        return stamps

    def test_stimulus_determinism(self):
        """
        Under -icount, a stimulus started at a set VM time gives the guest
        the same edges in two boots: gpiomon's kernel timestamps are equal
        to the ns; the press is 50 ms long as gpiomon sees it.
        """
        # Under -icount the guest's TSC counts the VM clock's ns: 1 GHz
        # exactly.  Tell Linux so, and take away the ACPI PM timer it
        # would refine that against (it gave 1000.000 MHz in one boot and
        # 999.999 MHz in another).  'quiet': the kernel's boot messages
        # would fill the console socket, which the test does not read
        # until the end, and the guest would wait for the host.
        self.GUEST_APPEND += (
            ' quiet tsc_early_khz=1000000 pmtmr=0 vgpio.run="gpiomon -e both '
            f'-n {len(self.PRESS)} --format=%E,%S button > /tmp/ev"')
        first = self.boot_and_press('default')
        second = self.boot_and_press('second')
        # the same to the ns, even the guest's clock at the first edge
        self.assertEqual(first, second)
        got = [t - first[0] for t in first]
        want = [sum(self.PRESS[1:i + 1]) for i in range(len(self.PRESS))]
        self.log.info('edges after the first: %s; stimulus: %s', got, want)
        # the guest takes each edge within a few us of when it is made
        for g, w in zip(got, want):
            self.assertLess(abs(g - w), 100000, (got, want))

    def test_record_led(self):
        """A recording shows the guest driving the LED and the press."""
        path = os.path.join(self.socket_dir().name, 'run.vcd')
        # under -icount the stimulus's steps come exactly on time
        self.vm.add_args(*self.ICOUNT)
        self.launch(['-object', 'gpio-dummy,id=gpio0,ngpio=8,'
                     + ','.join(f'names={n}' for n in self.NAMES)
                     + f',record={path}'] + self.device_args('gpio', 'gpio0'))
        self.assertEqual(self.backend_info('gpio0')['recording'], path)
        for value in (1, 0, 1):
            self.guest(f'gpioset -c {self.chip()} -z led={value}')
            self.wait_line(1, 'direction', 'out')
            self.guest('kill $(pidof gpioset); while pidof gpioset; do :; '
                       'done')
            self.wait_line(1, 'direction', 'none')
        self.qmp('gpio-stimulus-start', id='gpio', stimulus='press',
                 steps=[{'name': 'button', 'value': True},
                        {'delay': 20000000, 'name': 'button',
                         'value': False}])
        self.vm.event_wait('GPIO_STIMULUS_DONE', timeout=60)
        self.qmp('gpio-record-stop', id='gpio0')
        with open(path, encoding='ascii') as f:
            text = f.read()
        ids = dict(re.findall(r'\$var wire 1 (\S+) (\S+) \$end', text))
        names = {v: k for k, v in ids.items()}
        changes = {n: [] for n in names}
        now = None
        for tok in text.split('$enddefinitions $end')[1].split():
            if tok.startswith('#'):
                now = int(tok[1:])
            elif tok[0] in '01xz' and tok[1:] in ids:
                changes[ids[tok[1:]]].append((now, tok[0]))
        self.log.info('led: %s', changes['led'])
        self.log.info('button: %s', changes['button'])
        # released when each gpioset ends
        self.assertEqual([v for _, v in changes['led']],
                         ['0', '1', 'z', '0', 'z', '1', 'z'])
        press = [t for t, _ in changes['button'][1:]]
        self.assertEqual([v for _, v in changes['button']], ['0', '1', '0'])
        self.assertEqual(press[1] - press[0], 20000000)



class VirtioGpioMicrovm(VirtioGpioGuest):
    MACHINE = 'microvm'
    DEVICE = 'virtio-gpio-device'

    def guest_append(self):
        # microvm has neither HPET nor ACPI PM timer to calibrate the TSC
        # against; under TCG the guest's TSC is the host's, so pass the
        # host's frequency.  And no keyboard controller: reboot by triple
        # fault.
        with open('/proc/cpuinfo', encoding='ascii') as f:
            mhz = re.search(r'^cpu MHz\s*:\s*([0-9.]+)', f.read(), re.M)
        if not mhz:
            self.skipTest('host TSC frequency unknown')
        khz = int(float(mhz.group(1)) * 1000)
        return f'{self.GUEST_APPEND} tsc_early_khz={khz} reboot=t'

    def machine_args(self):
        return ['-machine', 'rtc=on',
                '-global', 'virtio-mmio.force-legacy=false']


del VirtioGpioGuest

if __name__ == '__main__':
    QemuSystemTest.main()
