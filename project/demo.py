#!/usr/bin/env python3
"""The main job: a real Linux guest uses virtio-gpio, in a short scene.

Boots the project's guest (project/guest/) with `-device virtio-gpio-pci`
and nothing else for GPIO (the device's own 8 simulated lines), then:
the guest lists the lines; the host presses a "button" (line 0) and the
guest sees the edge; the guest lights an "led" (line 1) and the host sees
it.  Exits 0 when every step happened.

usage: demo.py QEMU GUEST_DIR
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


def main():
    qemu, guest = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix='vgpio-demo-')
    qmp_path = os.path.join(tmp, 'qmp.sock')
    con_path = os.path.join(tmp, 'console.sock')
    cmd = [qemu, '-M', 'q35', '-m', '256M', '-display', 'none',
           '-nodefaults',
           '-kernel', os.path.join(guest, 'vmlinuz'),
           '-initrd', os.path.join(guest, 'initramfs.cpio.gz'),
           '-append', 'console=ttyS0 panic=-1',
           '-chardev', f'socket,id=con,path={con_path},server=on,wait=off',
           '-serial', 'chardev:con',
           '-qmp', f'unix:{qmp_path},server=on,wait=off',
           '-device', 'virtio-gpio-pci,id=gpio']
    say('booting a Linux guest with: -device virtio-gpio-pci,id=gpio')
    print('   ' + ' '.join(cmd), flush=True)
    proc = subprocess.Popen(cmd)
    con = q = None
    try:
        q = QMP(qmp_path)
        con = Console(con_path)
        con.wait_for('VGPIO-GUEST-READY')
        con.run(':')

        say('1. the guest lists its GPIO lines')
        show(con.run('gpiodetect'))
        show(con.run('gpioinfo -c gpiochip0'))

        say('2. the host presses the button (line 0); the guest sees it')
        q.cmd('gpio-set', id='gpio', line=0, value=False)
        con.run('gpiomon -c gpiochip0 -e rising -n 1 --format="%E edge '
                'on line %o" 0 > /tmp/ev &')
        while not q.cmd('query-gpio')[0]['lines'][0]['irq-unmasked']:
            time.sleep(0.05)
        print('   host | (qemu) gpio_set gpio 0 1', flush=True)
        q.hmp('gpio_set gpio 0 1')
        con.run('wait')
        out = con.run('cat /tmp/ev')
        show(out)
        assert out == ['rising edge on line 0'], out
        q.cmd('gpio-set', id='gpio', line=0, value=False)

        say('3. the guest lights the LED (line 1); the host sees it')
        print('   guest| gpioset -c gpiochip0 -z 1=1', flush=True)
        show(con.run('gpioset -c gpiochip0 -z 1=1'))
        deadline = time.monotonic() + 30
        while not q.take_events('GPIO_LINE_CHANGED'):
            assert time.monotonic() < deadline, 'no GPIO_LINE_CHANGED event'
            q.cmd('query-status')
            time.sleep(0.05)
        info = q.hmp('info gpio')
        for line in info.splitlines()[:4]:
            print('   host | ' + line, flush=True)
        led = q.cmd('query-gpio')[0]['lines'][1]
        assert led['direction'] == 'out' and led['value'], led
        print(f'   host | line 1 is an output driven {int(led["value"])}: '
              'the LED is on', flush=True)

        q.cmd('quit')
        proc.wait(timeout=30)
    except Exception:
        if con:
            print('\n--- guest console ---\n' + '\n'.join(con.log),
                  file=sys.stderr)
        if q:
            print('\n--- QMP transcript ---\n' + '\n'.join(q.transcript),
                  file=sys.stderr)
        raise
    finally:
        if proc.poll() is None:
            proc.kill()
    say('demo finished: every step happened')
    return 0


if __name__ == '__main__':
    sys.exit(main())
