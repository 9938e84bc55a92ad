#!/usr/bin/env python3
"""The main job: real Linux guests use virtio-gpio, in two short scenes.

Part 1, arm virt: the project's arm64 guest (project/guest/) boots with
virtio-gpio-device, which QEMU describes in the device tree, and a key
and an LED declared with dt-gpio-key and dt-gpio-led.  Linux's own
gpio-keys and gpio-leds drivers use them: the host presses the button
with a stimulus of exactly 50 ms on the VM clock and the guest reads
KEY_ENTER from its input device; the guest lights the LED through
/sys/class/leds and the host sees it in GPIO_LINE_CHANGED and info gpio,
then makes it blink.  No GPIO tool runs in the guest.  QEMU records the
lines of the scene to a VCD file, which the demo draws as a picture
(contrib/gpio-vcd/vcd-plot.py): both are left in _demo/.

Part 2, x86 q35: -device virtio-gpio-pci and nothing else for GPIO; the
guest lists the lines, gpiomon sees the button the host presses, gpioset
lights the LED the host watches.

Exits 0 when every step happened.

usage: demo.py [--scene=arm,x86] QEMU_AARCH64 ARM64_GUEST_DIR
               QEMU_X86_64 AMD64_GUEST_DIR
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qmp import QMP, connect_unix  # noqa: E402


class Console:
    """The guest's serial console: a shell without echo or prompt."""

    def __init__(self, path, timeout=120):
        self.sock = connect_unix(path, timeout)
        self.buf = b''
        self.log = []
        self.n = 0

    def readline(self, timeout=120):
        deadline = time.monotonic() + timeout
        while b'\n' not in self.buf:
            self.sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                data = None
            if time.monotonic() > deadline:
                raise TimeoutError('guest console: no answer')
            if data == b'':
                raise EOFError('guest console closed')
            self.buf += data or b''
        line, self.buf = self.buf.split(b'\n', 1)
        line = line.decode(errors='replace').rstrip('\r')
        self.log.append(line)
        return line

    def wait_for(self, text, timeout=120):
        while text not in self.readline(timeout):
            pass

    def run(self, cmd, timeout=60):
        self.n += 1
        self.sock.sendall(f'{cmd}\recho "@@END""{self.n} $?"\r'.encode())
        out = []
        while True:
            line = self.readline(timeout)
            m = re.search(rf'@@END{self.n} (\d+)$', line)
            if m:
                if m.group(1) != '0':
                    raise RuntimeError(f'guest: {cmd} failed: {out}')
                return out
            out.append(line)


def say(msg):
    print(f'\n== {msg}', flush=True)


def show(lines, prefix='   guest| '):
    for line in lines:
        print(prefix + line, flush=True)


class Scene:
    """A guest booted with @args, its console and its QMP monitor."""

    def __init__(self, qemu, guest, console, args):
        self.tmp = tempfile.mkdtemp(prefix='vgpio-demo-')
        qmp_path = os.path.join(self.tmp, 'qmp.sock')
        con_path = os.path.join(self.tmp, 'console.sock')
        self.cmd = [qemu, '-m', '256M', '-display', 'none', '-nodefaults',
                    '-kernel', os.path.join(guest, 'vmlinuz'),
                    '-initrd', os.path.join(guest, 'initramfs.cpio.gz'),
                    '-append', f'console={console} panic=-1 nokaslr',
                    '-chardev',
                    f'socket,id=con,path={con_path},server=on,wait=off',
                    '-serial', 'chardev:con',
                    '-qmp', f'unix:{qmp_path},server=on,wait=off', *args]
        print('   ' + ' '.join(self.cmd), flush=True)
        self.proc = subprocess.Popen(self.cmd)
        self.con = self.q = None
        try:
            self.q = QMP(qmp_path)
            self.con = Console(con_path)
            self.con.wait_for('VGPIO-GUEST-READY')
            self.con.run(':')
        except Exception:
            self.fail()
            raise

    def line(self, n):
        return self.q.cmd('query-gpio')[0]['lines'][n]

    def wait_line(self, n, key, value, timeout=30):
        deadline = time.monotonic() + timeout
        while self.line(n)[key] != value:
            assert time.monotonic() < deadline, f'line {n}: {key} != {value}'
            time.sleep(0.05)

    def wait_event(self, n, timeout=30):
        """The next GPIO_LINE_CHANGED of line @n."""
        deadline = time.monotonic() + timeout
        while True:
            for ev in self.q.take_events('GPIO_LINE_CHANGED'):
                if ev['data']['line'] == n:
                    return ev
            assert time.monotonic() < deadline, f'no GPIO_LINE_CHANGED ({n})'
            self.q.cmd('query-status')
            time.sleep(0.05)

    def host(self, text):
        print('   host | ' + text, flush=True)

    def quit(self):
        self.q.cmd('quit')
        self.proc.wait(timeout=30)

    def fail(self):
        if self.con:
            print('\n--- guest console ---\n' + '\n'.join(self.con.log),
                  file=sys.stderr)
        if self.q:
            print('\n--- QMP transcript ---\n' + '\n'.join(self.q.transcript),
                  file=sys.stderr)
        if self.proc.poll() is None:
            self.proc.kill()


TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(TOP, '_demo')
PLOT = os.path.join(TOP, 'contrib', 'gpio-vcd', 'vcd-plot.py')


def arm_scene(qemu, guest):
    """arm virt: a key and an LED of Linux's own drivers, from the DT."""
    say('Part 1, arm virt: a button and an LED that Linux drives itself')
    print('   virtio-gpio-device is in the device tree; dt-gpio-key and\n'
          '   dt-gpio-led add a gpio-keys key (KEY_ENTER) on line 0 and a\n'
          '   gpio-leds LED on line 1.  No GPIO tool runs in the guest.\n'
          '   QEMU records the lines to a VCD file (record=...).',
          flush=True)
    os.makedirs(OUT, exist_ok=True)
    vcd = os.path.join(OUT, 'arm-scene.vcd')
    png = os.path.join(OUT, 'arm-scene.png')
    s = Scene(qemu, guest, 'ttyAMA0', [
        '-M', 'virt', '-cpu', 'cortex-a57',
        '-global', 'virtio-mmio.force-legacy=false',
        '-object', 'gpio-dummy,id=gpio0,names=button,names=led,'
        f'record={vcd}',
        '-device', 'virtio-gpio-device,id=gpio,gpio=gpio0',
        '-device', 'dt-gpio-key,controller=gpio,line=button,code=28,'
        'label=Enter',
        '-device', 'dt-gpio-led,controller=gpio,line=led,label=status'])
    try:
        say('1. the guest found the key and the LED in its device tree')
        node = '/proc/device-tree/virtio_mmio@a003e00/gpio'
        show(s.con.run(f"echo \"$(tr -d '\\0' < {node}/compatible) "
                       f"at {node}\""))
        show(s.con.run('grep -A1 "^I:" /proc/bus/input/devices | '
                       'grep "^N:.*gpio-keys-gpio"'))
        show(s.con.run('ls /sys/class/leds'))

        say('2. the host presses the button for exactly 50 ms of VM time '
            '(a stimulus);\n   the guest reads a key event')
        s.wait_line(0, 'irq-unmasked', True)
        s.con.run('vgpio-keys -n 2 -t 30 gpio-keys-gpio > /tmp/keys & '
                  'while ! ls -l /proc/$!/fd 2>/dev/null | '
                  'grep -q /dev/input/event; '
                  'do sleep 0.05; done')
        steps = [{'name': 'button', 'value': True},
                 {'delay': 50000000, 'name': 'button', 'value': False}]
        s.host('{"execute": "gpio-stimulus-start", "arguments": '
               '{"id": "gpio", "stimulus": "press", "steps": [')
        s.host('    {"name": "button", "value": true},')
        s.host('    {"delay": 50000000, "name": "button", '
               '"value": false}]}}')
        s.q.cmd('gpio-stimulus-start', id='gpio', stimulus='press',
                steps=steps)
        s.con.run('wait')
        out = s.con.run('cat /tmp/keys')
        show(out)
        assert out == ['key 28 1', 'key 28 0'], out
        print('   (28 is KEY_ENTER: pressed, released)', flush=True)

        say('3. the guest lights the LED; the host sees it')
        print('   guest| echo 1 > /sys/class/leds/status/brightness',
              flush=True)
        s.con.run('echo 1 > /sys/class/leds/status/brightness')
        ev = s.wait_event(1)
        while not ev['data']['value']:
            ev = s.wait_event(1)
        s.host(f'GPIO_LINE_CHANGED {ev["data"]}')
        led = s.line(1)
        assert led['direction'] == 'out' and led['value'], led
        for line in s.q.hmp('info gpio').splitlines()[:4]:
            s.host(line)

        say('4. the guest makes the LED blink (heartbeat trigger)')
        print('   guest| echo heartbeat > /sys/class/leds/status/trigger',
              flush=True)
        s.con.run('echo heartbeat > /sys/class/leds/status/trigger')
        values = [s.wait_event(1)['data']['value'] for _ in range(4)]
        s.host(f'GPIO_LINE_CHANGED of line 1, four in a row: {values}')
        assert True in values and False in values, values
        time.sleep(2)

        say('5. the recording of the scene, drawn')
        s.host('{"execute": "gpio-record-stop", "arguments": '
               '{"id": "gpio"}}')
        s.q.cmd('gpio-record-stop', id='gpio')
        s.quit()
    except Exception:
        s.fail()
        raise
    # Debian's python3, which has python3-matplotlib (setup.sh)
    python = '/usr/bin/python3' if os.path.exists('/usr/bin/python3') \
        else sys.executable
    subprocess.run([python, PLOT, '--wires', '^(button|led)',
                    vcd, png], check=True)
    print(f'   the VCD file (GTKWave, PulseView): {vcd}\n'
          f'   the picture: {png}', flush=True)


def x86_scene(qemu, guest):
    """x86 q35: the libgpiod tools on the device's own simulated lines."""
    say('Part 2, x86 q35: -device virtio-gpio-pci and the libgpiod tools')
    s = Scene(qemu, guest, 'ttyS0', ['-M', 'q35',
                                     '-device', 'virtio-gpio-pci,id=gpio'])
    try:
        say('1. the guest lists its GPIO lines')
        show(s.con.run('gpiodetect'))
        show(s.con.run('gpioinfo -c gpiochip0'))

        say('2. the host presses the button (line 0); the guest sees it')
        s.q.cmd('gpio-set', id='gpio', line=0, value=False)
        # once gpiomon polls: Linux enables the irq (and the device sees
        # it unmasked) before the request is complete, and drops an edge
        # that comes in between
        s.con.run('gpiomon -c gpiochip0 -e rising -n 1 --format="%E edge '
                  'on line %o" 0 > /tmp/ev & mon=$!; n=0; '
                  'while ! grep -q poll /proc/$mon/wchan && [ $n -lt 600 ]; '
                  'do n=$((n + 1)); sleep 0.05; done')
        s.wait_line(0, 'irq-unmasked', True)
        s.host('(qemu) gpio_set gpio 0 1')
        s.q.hmp('gpio_set gpio 0 1')
        s.con.run('wait')
        out = s.con.run('cat /tmp/ev')
        show(out)
        assert out == ['rising edge on line 0'], out
        s.q.cmd('gpio-set', id='gpio', line=0, value=False)

        say('3. the guest lights the LED (line 1); the host sees it')
        print('   guest| gpioset -c gpiochip0 -z 1=1', flush=True)
        show(s.con.run('gpioset -c gpiochip0 -z 1=1'))
        s.wait_event(1)
        for line in s.q.hmp('info gpio').splitlines()[:4]:
            s.host(line)
        led = s.line(1)
        assert led['direction'] == 'out' and led['value'], led
        s.host(f'line 1 is an output driven {int(led["value"])}: '
               'the LED is on')
        s.quit()
    except Exception:
        s.fail()
        raise


def main():
    args = sys.argv[1:]
    scenes = ['arm', 'x86']
    if args and args[0].startswith('--scene='):
        scenes = args.pop(0)[len('--scene='):].split(',')
    if len(args) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    if 'arm' in scenes:
        arm_scene(args[0], args[1])
    if 'x86' in scenes:
        x86_scene(args[2], args[3])
    say('demo finished: every step happened')
    return 0


if __name__ == '__main__':
    sys.exit(main())
