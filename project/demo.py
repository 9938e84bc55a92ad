#!/usr/bin/env python3
"""The host side of virtio-gpio in a short scripted scene.

Starts our QEMU with `-device virtio-gpio-pci` and nothing else for GPIO,
shows the lines, presses a simulated "button" from the host over QMP and
HMP, and checks every step.  Exits 0 when every step happened.
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qmp import QMP  # noqa: E402


def step(msg):
    print(f'\n== {msg}', flush=True)


def main():
    qemu = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix='vgpio-demo-')
    sock = os.path.join(tmp, 'qmp.sock')
    cmd = [qemu, '-M', 'q35', '-nodefaults', '-display', 'none',
           '-device', 'virtio-gpio-pci,id=gpio',
           '-qmp', f'unix:{sock},server=on,wait=off']
    step('starting: ' + ' '.join(cmd))
    proc = subprocess.Popen(cmd)
    try:
        q = QMP(sock)
        step('HMP: info gpio')
        print(q.hmp('info gpio'))
        lines = q.cmd('query-gpio')[0]['lines']
        assert len(lines) == 8, lines

        step('host presses the button on line 0: gpio_set gpio 0 1')
        print(q.hmp('gpio_set gpio 0 1') or '(ok)')
        line0 = q.cmd('query-gpio')[0]['lines'][0]
        assert line0['input'] and line0['value'], line0
        print('line 0:', line0)

        step('host releases it over QMP: gpio-set')
        q.cmd('gpio-set', id='gpio', line=0, value=False)
        line0 = q.cmd('query-gpio')[0]['lines'][0]
        assert not line0['value'], line0
        print('line 0:', line0)

        step('a bad request gets a clear error')
        err = q.cmd_raw('gpio-set', id='gpio', line=42, value=True)
        print(err['error']['desc'])
        assert 'out of range' in err['error']['desc']
        q.cmd('quit')
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    step('demo finished: every step happened')
    return 0


if __name__ == '__main__':
    sys.exit(main())
