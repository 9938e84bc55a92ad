# The guest side of the virtio-gpio functional tests: a real Linux guest
# whose upstream gpio-virtio driver and libgpiod v2 tools drive the device
# while the host sets inputs and watches outputs over QMP.  The tests of
# each target (test_x86_64_virtio_gpio.py, test_aarch64_virtio_gpio.py)
# subclass VirtioGpioGuest with their machines.
#
# The guest (kernel and initramfs) is given by VGPIO_GUEST_DIR: a directory
# with vmlinuz and initramfs.cpio.gz whose /init prints VGPIO-GUEST-READY
# and then runs a shell on the console without echo or prompt.
#
# Level interrupts: the libgpiod tools only request edge events, so the
# guest image also holds vgpio-level.ko (project/guest/vgpio-level.c), which
# is not loaded at boot. The level tests insmod it on line 3 ("alarm"): it
# takes a threaded oneshot LEVEL_HIGH or LEVEL_LOW interrupt on the line and
# counts its handler runs in /sys/module/vgpio_level/parameters/count. In
# mode "ack" the handler waits until the line is inactive (one interrupt per
# assertion); in mode "noack" it returns at once, so the device delivers the
# interrupt again each time the guest unmasks it while the level is active.
#
# SPDX-License-Identifier: GPL-2.0-or-later

import os
import re
import socket
import time

from qemu_test import QemuSystemTest


class GpioGuest(QemuSystemTest):
    """
    The guest and the monitor, without tests: for virtio-gpio and for
    other GPIO controllers on a gpio backend (the PL061 of arm virt)
    """

    timeout = 300
    MACHINE = None
    DEVICE = None
    GUEST_APPEND = 'console=ttyS0 panic=-1'
    NAMES = ['button', 'led', 'door', 'alarm']

    def setUp(self):
        super().setUp()
        guest = os.environ.get('VGPIO_GUEST_DIR')
        if not guest:
            self.skipTest('VGPIO_GUEST_DIR is not set')
        self.kernel = os.path.join(guest, 'vmlinuz')
        self.initrd = os.path.join(guest, 'initramfs.cpio.gz')
        if self.DEVICE:
            self.require_device(self.DEVICE)
        self.set_machine(self.MACHINE)
        self.marker = 0

    # Guest -----------------------------------------------------------------

    def machine_args(self):
        return []

    def guest_append(self):
        return self.GUEST_APPEND

    def backend_args(self, ident, ngpio, names):
        opts = ''.join(f',names={n}' for n in names)
        return ['-object', f'gpio-dummy,id={ident},ngpio={ngpio}{opts}']

    def device_args(self, ident, backend):
        return ['-device', f'{self.DEVICE},id={ident},gpio={backend}']

    def vm_args(self, gpio_args=None):
        if gpio_args is None:
            gpio_args = (self.backend_args('gpio0', 8, self.NAMES) +
                         self.device_args('gpio', 'gpio0'))
        # -nodefaults: q35's default CD-ROM costs SeaBIOS half a minute
        return ['-nodefaults', '-m', '256M', '-smp', '1',
                '-kernel', self.kernel, '-initrd', self.initrd,
                '-append', self.guest_append(),
                *self.machine_args(), *gpio_args]

    def launch(self, gpio_args=None):
        # kept for the destination of a migration
        self.gpio_args = gpio_args
        self.vm.set_console()
        self.vm.add_args(*self.vm_args(gpio_args))
        self.vm.launch()
        self.wait_ready()
        chips = self.chips_under_test()
        self.assertTrue(chips, 'no gpiochip of the device in the guest')
        self.gpiochip = chips[0]

    def chips_under_test(self):
        """The guest's gpiochips of the kind the test is about."""
        return self.virtio_chips()

    def virtio_chips(self):
        """The guest's gpiochips of virtio GPIO devices (label virtioN)."""
        return [line.split()[0] for line in self.guest('gpiodetect')
                if re.match(r'^gpiochip\d+ \[virtio\d+\] ', line)]

    def wait_ready(self, timeout=240):
        deadline = time.monotonic() + timeout
        while True:
            line = self._console_line(deadline)
            self.assertNotIn('Kernel panic', line)
            if 'VGPIO-GUEST-READY' in line:
                break
        # Let the shell start: drop what comes before its first answer
        self.guest(':')

    def _console_line(self, deadline):
        sock = self.vm.console_socket
        data = b''
        while not data.endswith(b'\n'):
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail('timeout waiting for the guest console')
            sock.settimeout(left)
            try:
                c = sock.recv(1)
            except socket.timeout:
                continue
            if not c:
                self.fail('guest console closed')
            data += c
        sock.settimeout(None)
        line = data.decode(errors='replace').rstrip('\r\n')
        self.log.debug('console: %s', line)
        return line

    def guest(self, cmd, timeout=60, check=True):
        """Run @cmd in the guest shell; return its output lines."""
        self.marker += 1
        # The marker is split in the command, so an echo can't match it
        end = f'@@END{self.marker}'
        self.log.info('guest$ %s', cmd)
        self.vm.console_socket.sendall(
            f'{cmd}\recho "@@END""{self.marker} $?"\r'.encode())
        deadline = time.monotonic() + timeout
        out = []
        while True:
            line = self._console_line(deadline)
            m = re.search(end + r' (\d+)$', line)
            if m:
                rc = int(m.group(1))
                break
            out.append(line)
        if check:
            self.assertEqual(rc, 0, f'guest command failed: {cmd}: {out}')
        return out

    # Host -----------------------------------------------------------------

    def qmp(self, cmd, **args):
        self.log.info('qmp -> %s %s', cmd, args)
        ret = self.vm.cmd(cmd, **args)
        self.log.info('qmp <- %s', ret)
        return ret

    def lines(self, device='gpio'):
        for c in self.qmp('query-gpio'):
            if c.get('device') == device:
                return c['lines']
        self.fail(f'no gpio controller {device}')

    def gpio_set(self, line, value, device='gpio'):
        self.qmp('gpio-set', id=device, line=line, value=value)

    def wait_line(self, line, key, value, device='gpio', timeout=30):
        deadline = time.monotonic() + timeout
        while self.lines(device)[line][key] != value:
            if time.monotonic() > deadline:
                self.fail(f'line {line}: {key} never became {value}')
            time.sleep(0.05)

    def line_event(self, line, timeout=30):
        ev = self.vm.event_wait('GPIO_LINE_CHANGED', timeout=timeout,
                                match={'data': {'line': line}})
        self.assertIsNotNone(ev, f'no GPIO_LINE_CHANGED for line {line}')
        self.log.info('event %s', ev)
        return ev['data']

    def chip(self):
        """The gpiochip of the device under test (first virtio one)."""
        return self.gpiochip

    def guest_kernel(self):
        """The guest kernel's (major, minor) version."""
        release = self.guest('uname -r')[-1]
        m = re.match(r'(\d+)\.(\d+)', release)
        self.assertIsNotNone(m, f'uname -r: {release}')
        return int(m.group(1)), int(m.group(2))

    def gpiomon(self, args, out='/tmp/ev'):
        """
        Start ``gpiomon ARGS`` in the guest's background, its output to
        @out, and wait until it polls for events.  Only then is the line's
        request complete: Linux's gpiolib-cdev enables the irq before it
        stores the line's edge flags (linereq_create(), 6.12 to 7.3 at
        least), and drops an edge that comes in between.  Our device sees
        the irq unmasked at the first of the two.
        """
        self.guest(f'gpiomon {args} > {out} 2>&1 & mon=$!; n=0; '
                   'while ! grep -q poll /proc/$mon/wchan 2>/dev/null && '
                   '[ $n -lt 600 ]; do n=$((n + 1)); sleep 0.05; done; '
                   'grep poll /proc/$mon/wchan')

    def monitor(self, edges, count):
        """Start gpiomon on line 0 and wait until its irq is unmasked."""
        self.gpiomon(f'-c {self.chip()} -e {edges} -n {count} '
                     '--format=%E button')
        self.wait_line(0, 'irq-unmasked', True)

    def monitor_result(self):
        try:
            self.guest('wait')
        except AssertionError as e:
            # what the device saw and delivered, to tell a lost edge
            # from a slow guest
            self.fail(f'{e}; gpiomon still waits; line 0: '
                      f'{self.lines()[0]}')
        return self.guest('cat /tmp/ev')


class VirtioGpioGuest(GpioGuest):
    """The tests; subclasses choose the machine and the transport."""


    def test_lines(self):
        self.launch()
        out = [line for line in self.guest('gpiodetect')
               if line.startswith(self.chip() + ' ')]
        self.assertEqual(len(self.virtio_chips()), 1)
        self.assertRegex(out[0], r'^gpiochip\d+ \[virtio\d+\] \(8 lines\)$')
        info = '\n'.join(self.guest(f'gpioinfo -c {self.chip()}'))
        for i, name in enumerate(self.NAMES):
            self.assertRegex(info, rf'line\s+{i}:\s+"{name}"')
        self.assertRegex(info, r'line\s+7:\s+unnamed')

    def test_outputs(self):
        self.launch()
        self.guest(f'gpioset -c {self.chip()} -z led=1')
        ev = self.line_event(1)
        self.assertEqual((ev['direction'], ev['value'], ev.get('name')),
                         ('out', True, 'led'))
        line = self.lines()[1]
        self.assertEqual((line['direction'], line['value']), ('out', True))

        # releasing the line shows up on the host
        self.guest('kill $(pidof gpioset); while pidof gpioset; do :; done')
        ev = self.line_event(1)
        self.assertEqual(ev['direction'], 'none')
        self.assertEqual(self.lines()[1]['direction'], 'none')

        self.guest(f'gpioset -c {self.chip()} -z led=0 alarm=1')
        events = {}
        for _ in range(2):
            ev = self.vm.event_wait('GPIO_LINE_CHANGED', timeout=30)
            events[ev['data']['line']] = ev['data']
        self.assertEqual(events[1]['value'], False)
        self.assertEqual(events[3]['value'], True)
        self.assertEqual(self.lines()[3]['value'], True)

    def test_inputs(self):
        self.launch()
        for value in (True, False, True):
            self.gpio_set(0, value)
            out = self.guest(f'gpioget -c {self.chip()} --numeric button')
            self.assertEqual(out, ['1' if value else '0'])
        # a line the guest reads by number
        self.gpio_set(2, True)
        self.assertEqual(self.guest(f'gpioget -c {self.chip()} --numeric 2'),
                         ['1'])

    def edges(self, values):
        """
        Make an edge for each of @values; before the next one wait until the
        guest has re-armed the irq (queued its event buffer again).
        """
        for i, value in enumerate(values):
            if i:
                self.wait_line(0, 'irq-unmasked', True)
            self.gpio_set(0, value)

    def test_edges(self):
        self.launch()
        self.gpio_set(0, False)

        self.monitor('rising', 3)
        self.edges([True, False, True, False, True])
        self.assertEqual(self.monitor_result(), ['rising'] * 3)

        self.gpio_set(0, True)
        self.monitor('falling', 2)
        self.edges([False, True, False])
        self.assertEqual(self.monitor_result(), ['falling'] * 2)

        self.gpio_set(0, False)
        self.monitor('both', 4)
        self.edges([True, False, True, False])
        self.assertEqual(self.monitor_result(),
                         ['rising', 'falling', 'rising', 'falling'])

    def test_edges_while_masked(self):
        """Edges made before the guest can take them arrive as one."""
        self.launch()
        self.gpio_set(0, False)
        self.monitor('rising', 2)
        # With the VM stopped the guest cannot take the irq: the device
        # latches the first edge and the spec collapses the rest into it.
        self.qmp('stop')
        for v in (True, False, True, False, True):
            self.gpio_set(0, v)
        self.assertTrue(self.lines()[0]['irq-latched'])
        self.qmp('cont')
        self.wait_line(0, 'irq-latched', False)
        self.wait_line(0, 'irq-unmasked', True)
        self.edges([False, True])
        self.assertEqual(self.monitor_result(), ['rising'] * 2)

    def test_two_devices(self):
        self.launch(self.backend_args('gpio0', 4, ['a0', 'a1']) +
                    self.device_args('gpio', 'gpio0') +
                    self.backend_args('gpio1', 6, ['b0', 'b1']) +
                    self.device_args('gpio-b', 'gpio1'))
        out = [line for line in self.guest('gpiodetect')
               if re.match(r'^gpiochip\d+ \[virtio', line)]
        self.assertEqual(len(out), 2, out)
        self.assertEqual(sorted(re.search(r'\((\d+) lines\)', o).group(1)
                                for o in out), ['4', '6'])
        self.gpio_set(1, True, device='gpio-b')
        self.gpio_set(1, False, device='gpio')
        self.assertEqual(self.guest('gpioget --numeric b1'), ['1'])
        self.assertEqual(self.guest('gpioget --numeric a1'), ['0'])
        self.guest('gpioset -z b0=1')
        ev = self.line_event(0)
        self.assertEqual(ev['device'], 'gpio-b')
        self.assertEqual(self.lines('gpio-b')[0]['value'], True)
        self.assertEqual(self.lines('gpio')[0]['direction'], 'in')
        if self.guest_kernel() < (7, 0):
            # Linux 6.12's gpio-virtio shares one irq_chip among its
            # devices: a second device's interrupts oops the guest
            return
        # Interrupts on both devices: a0 (gpio) and b1 (gpio-b, now high)
        self.gpiomon('-e both -n 2 --format=%E a0', '/tmp/ev-a')
        self.gpiomon('-e both -n 2 --format=%E b1', '/tmp/ev-b')
        for value in (True, False):
            self.wait_line(0, 'irq-unmasked', True, device='gpio')
            self.wait_line(1, 'irq-unmasked', True, device='gpio-b')
            self.gpio_set(0, value, device='gpio')
            self.gpio_set(1, not value, device='gpio-b')
        self.guest('wait')
        self.assertEqual(self.guest('cat /tmp/ev-a'), ['rising', 'falling'])
        self.assertEqual(self.guest('cat /tmp/ev-b'), ['falling', 'rising'])
        for device, n in (('gpio', 0), ('gpio-b', 1)):
            line = self.lines(device)[n]
            self.assertEqual((line['irq-edges'], line['irq-events']), (2, 2))
        self.assertEqual(self.guest('dmesg | grep -c -E "Oops|BUG:|WARNING:" '
                                    '|| true'), ['0'])

    def test_refused_set(self):
        """
        The device refuses SET_VALUE 1 on a read-only line: gpioset fails
        and the line is not driven
        """
        self.launch(['-object', 'gpio-dummy,id=gpio0,ngpio=8,names=button,'
                     'names=led,read-only=led'] +
                    self.device_args('gpio', 'gpio0'))
        self.assertEqual(self.lines()[1]['access'], 'read-only')
        out = self.guest(f'gpioset -c {self.chip()} -z led=1 2>&1; '
                         'echo rc=$?')
        self.assertEqual(out[-1], 'rc=1', out)
        self.assertTrue(any('unable to request lines' in o for o in out),
                        out)
        line = self.lines()[1]
        self.assertNotEqual(line['direction'], 'out')
        self.assertFalse(line['value'])
        # the other lines are not affected
        self.guest(f'gpioset -c {self.chip()} -z button=1')
        self.wait_line(0, 'value', True)

    def test_reboot(self):
        self.launch()
        self.guest(f'gpioset -c {self.chip()} -z led=1')
        self.line_event(1)
        self.vm.console_socket.sendall(b'reboot\r')
        self.wait_ready()
        # the reset returned every line to its initial state
        self.assertEqual(self.lines()[1]['direction'], 'in')
        self.gpio_set(0, True)
        self.assertEqual(self.guest('gpioget --numeric button'), ['1'])
        self.gpio_set(0, False)
        self.monitor('rising', 1)
        self.gpio_set(0, True)
        self.assertEqual(self.monitor_result(), ['rising'])

    def migrate(self):
        """
        Live-migrate the VM to a second QEMU over a unix socket; from then
        on self.vm is the destination.
        """
        sock = os.path.join(self.socket_dir().name, 'migration.sock')
        uri = 'unix:' + sock
        dest = self.get_vm(name='dest')
        dest.set_console()
        dest.add_args(*self.vm_args(self.gpio_args), '-incoming', uri)
        dest.launch()
        self.qmp('migrate', uri=uri)
        deadline = time.monotonic() + 120
        while True:
            status = self.qmp('query-migrate').get('status')
            if status == 'completed':
                break
            self.assertNotIn(status, ('failed', 'cancelled'))
            self.assertLess(time.monotonic(), deadline, 'migration hangs')
            time.sleep(0.1)
        # the test's helpers talk to self.vm: make it the destination
        self._vms['source'] = self._vms['default']
        self._vms['default'] = self._vms.pop('dest')
        self._vms['source'].shutdown()

    def test_migration(self):
        """gpiomon in the guest goes on across a live migration."""
        self.launch()
        self.migration_case()

    def test_migration_packed(self):
        """The same with packed rings (packed=on), which the guest uses."""
        self.launch(self.backend_args('gpio0', 8, self.NAMES) +
                    ['-device', f'{self.DEVICE},id=gpio,gpio=gpio0,'
                     'packed=on'])
        paths = [d['path'] for d in self.qmp('x-query-virtio')
                 if d['name'] == 'virtio-gpio']
        self.assertEqual(len(paths), 1)
        status = self.qmp('x-query-virtio-status', path=paths[0])
        self.assertTrue(any('VIRTIO_F_RING_PACKED' in f for f in
                            status['guest-features']['transports']),
                        status['guest-features'])
        self.migration_case()

    def migration_case(self):
        self.guest(f'gpioset -c {self.chip()} -z led=1')
        self.line_event(1)
        self.gpio_set(0, False)
        self.monitor('both', 3)
        self.gpio_set(0, True)
        self.wait_line(0, 'irq-unmasked', True)
        # an edge the guest cannot take yet: latched while stopped
        self.qmp('stop')
        self.gpio_set(0, False)
        before = self.lines()
        self.assertTrue(before[0]['irq-latched'])

        def state(lines):
            # the irq counters count what one QEMU saw: not migrated
            return [{k: v for k, v in line.items()
                     if k not in ('irq-edges', 'irq-events')}
                    for line in lines]

        self.migrate()
        self.assertEqual(self.qmp('query-status')['status'], 'paused')
        self.assertEqual(state(self.lines()), state(before))
        self.qmp('cont')
        # the latched edge reaches gpiomon, which re-arms; one more edge
        self.wait_line(0, 'irq-latched', False)
        self.wait_line(0, 'irq-unmasked', True)
        self.gpio_set(0, True)
        self.assertEqual(self.monitor_result(),
                         ['rising', 'falling', 'rising'])
        # the output the guest holds, and the inputs, moved too
        self.assertEqual(self.lines()[1]['value'], True)
        self.gpio_set(2, True)
        self.assertEqual(self.guest(f'gpioget -c {self.chip()} --numeric 0 2'),
                         ['1 1'])

    # Level interrupts, through vgpio-level.ko ---------------------------

    LEVEL_LINE = 3
    LEVEL_COUNT = '/sys/module/vgpio_level/parameters/count'

    def level_load(self, trigger, mode):
        """Load vgpio-level on LEVEL_LINE; wait until its irq is unmasked."""
        # ack_timeout_ms: the handler must outlast a slow host, as the
        # tests assert that the irq stays masked while the level is active
        self.guest(f'insmod /lib/modules/vgpio-level.ko chip={self.chip()} '
                   f'line={self.LEVEL_LINE} trigger={trigger} mode={mode} '
                   f'ack_timeout_ms=60000')
        self.wait_line(self.LEVEL_LINE, 'irq-unmasked', True)
        line = self.lines()[self.LEVEL_LINE]
        self.assertEqual((line['direction'], line['irq-type']),
                         ('in', f'level-{trigger}'))

    def level_unload(self):
        self.guest('rmmod vgpio_level')
        line = self.lines()[self.LEVEL_LINE]
        self.assertEqual((line['direction'], line['irq-type'],
                          line['irq-unmasked']), ('none', 'none', False))

    def level_count(self):
        out = self.guest(f'cat {self.LEVEL_COUNT}')
        self.assertEqual(len(out), 1, out)
        return int(out[0])

    def wait_count(self, minimum, timeout=30):
        """Wait until the handler ran at least @minimum times; return count."""
        deadline = time.monotonic() + timeout
        while True:
            count = self.level_count()
            if count >= minimum:
                return count
            if time.monotonic() > deadline:
                self.fail(f'level irq count {count}, expected {minimum}')
            time.sleep(0.05)

    def level_set(self, active, trigger):
        self.gpio_set(self.LEVEL_LINE, active == (trigger == 'high'))

    def level_ack(self, trigger):
        """One interrupt per assertion of the level."""
        self.level_set(False, trigger)
        self.level_load(trigger, 'ack')
        self.assertEqual(self.level_count(), 0)
        for n in (1, 2):
            self.level_set(True, trigger)
            self.assertEqual(self.wait_count(n), n)
            # the handler waits for the level to go: the irq stays masked
            line = self.lines()[self.LEVEL_LINE]
            self.assertEqual((line['irq-type'], line['irq-unmasked']),
                             (f'level-{trigger}', False))
            self.level_set(False, trigger)
            # the handler returned and the guest queued its buffer again;
            # with the level inactive nothing more comes
            self.wait_line(self.LEVEL_LINE, 'irq-unmasked', True)
            self.assertEqual(self.level_count(), n)
        self.level_unload()

    def level_noack(self, trigger):
        """While the level stays active the irq comes again on unmask."""
        self.level_set(False, trigger)
        self.level_load(trigger, 'noack')
        self.level_set(True, trigger)
        count = self.wait_count(5)
        # and goes on while the level is held
        self.wait_count(count + 1)
        self.level_set(False, trigger)
        # Once the buffer is queued with the level inactive, nothing comes
        self.wait_line(self.LEVEL_LINE, 'irq-unmasked', True)
        first = self.level_count()
        time.sleep(1)
        self.assertEqual(self.level_count(), first)
        self.level_unload()

    def test_level_irq(self):
        self.launch()
        self.level_ack('high')
        self.level_ack('low')

    def test_level_irq_noack(self):
        self.launch()
        self.level_noack('high')
        self.level_noack('low')
