#!/usr/bin/env python3
"""Boot the test guest under QEMU and run shell commands on its console.

    run-guest.py [options] -- QEMU_COMMAND...

QEMU_COMMAND must put the guest's console on stdio (-serial stdio) and exit
when the guest reboots (-no-reboot; with 'panic=-1' on the kernel command
line a panic reboots). The guest is the one of build-image.sh: its /init
prints VGPIO-GUEST-READY, then a shell without echo reads the console
(see README.md beside this file). Only the standard library is used.

The --setup commands run first, in order, each of which must succeed; then
the --run command, whose output is copied to stdout as it comes; then the
guest is powered off. Exit status: that of the --run command; 124 on a
timeout; 125 when the guest or QEMU dies (kernel panic, QEMU exit) or a
setup command fails. On any failure the console transcript is printed
to stderr. Timings go to stderr as "run-guest: timing: ..." lines.
"""

import argparse
import os
import re
import selectors
import signal
import subprocess
import sys
import time

READY = 'VGPIO-GUEST-READY'
# Kernel log lines (printk time stamps) that mean the guest kernel broke.
PANIC = re.compile(r'Kernel panic - not syncing|'
                   r'^\[ *\d+\.\d+\] (BUG: |Oops: |general protection fault)')


class Failure(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Guest:
    def __init__(self, qemu_cmd, log=None):
        self.transcript = bytearray()
        self.buf = b''
        self.marker = 0
        self.log = log
        self.proc = subprocess.Popen(qemu_cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     start_new_session=True)
        self.sel = selectors.DefaultSelector()
        for f in (self.proc.stdout, self.proc.stderr):
            os.set_blocking(f.fileno(), False)
            self.sel.register(f, selectors.EVENT_READ)
        self.stderr = bytearray()
        self.panic = None

    def _fill(self, deadline):
        """Wait for more console output; False when QEMU's stdout closed."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failure(124, 'timeout')
        for key, _ in self.sel.select(min(left, 1.0)):
            data = os.read(key.fileobj.fileno(), 65536)
            if key.fileobj is self.proc.stderr:
                if data:
                    self.stderr += data
                else:
                    self.sel.unregister(key.fileobj)
                continue
            if not data:
                return False
            self.transcript += data
            if self.log:
                self.log.write(data)
                self.log.flush()
            self.buf += data
        return True

    def line(self, deadline):
        """The next console line, without its line end."""
        while b'\n' not in self.buf:
            if not self._fill(deadline):
                self.proc.wait()
                if self.panic:
                    raise Failure(125, f'guest panicked: {self.panic}')
                raise Failure(125, f'QEMU exited (status {self.proc.returncode})'
                              ' before the command finished')
        raw, self.buf = self.buf.split(b'\n', 1)
        text = raw.decode(errors='replace').rstrip('\r')
        m = PANIC.search(text)
        if m and not self.panic:
            self.panic = text.strip()
        return text

    def send(self, text):
        try:
            self.proc.stdin.write(text.encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while READY not in self.line(deadline):
            pass
        # Drop what comes before the shell's first answer.
        self.run(':', timeout)

    def run(self, cmd, timeout, out=None):
        """Run cmd in the guest shell; return (status, output lines)."""
        self.marker += 1
        end = re.compile(f'@@END{self.marker} (\\d+)$')
        # The marker is split in the command, so that it can't match an echo.
        self.send(f'{cmd}\recho "@@END""{self.marker} $?"\r')
        deadline = time.monotonic() + timeout
        lines = []
        while True:
            text = self.line(deadline)
            m = end.search(text)
            if m:
                before = text[:m.start()]
                if before:
                    lines.append(before)
                    if out:
                        print(before, file=out, flush=True)
                return int(m.group(1)), lines
            lines.append(text)
            if out:
                print(text, file=out, flush=True)

    def poweroff(self, timeout=20):
        if self.proc.poll() is None:
            self.send('poweroff\r')
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--setup', action='append', default=[],
                    help='a command that must succeed before --run (repeatable)')
    ap.add_argument('--run', required=True, help='the command to run')
    ap.add_argument('--boot-timeout', type=float, default=300)
    ap.add_argument('--timeout', type=float, default=900,
                    help='seconds for the --run command')
    ap.add_argument('--log', help='also write the console transcript here')
    ap.add_argument('qemu', nargs=argparse.REMAINDER)
    args = ap.parse_args()
    qemu = args.qemu[1:] if args.qemu[:1] == ['--'] else args.qemu
    if not qemu:
        ap.error('no QEMU command')

    def note(msg):
        print(f'run-guest: {msg}', file=sys.stderr, flush=True)

    log = open(args.log, 'wb') if args.log else None
    t0 = time.monotonic()
    guest = Guest(qemu, log)
    status, stage = 125, 'boot'
    try:
        guest.wait_ready(args.boot_timeout)
        t1 = time.monotonic()
        note(f'timing: boot {t1 - t0:.1f} s')
        stage = 'setup'
        for cmd in args.setup:
            print(f'guest$ {cmd}', flush=True)
            rc, _ = guest.run(cmd, args.boot_timeout, out=sys.stdout)
            if rc:
                raise Failure(125, f'setup command failed (status {rc}): {cmd}')
        t2 = time.monotonic()
        note(f'timing: setup {t2 - t1:.1f} s')
        stage = 'command'
        print(f'guest$ {args.run}', flush=True)
        status, _ = guest.run(f'{{ {args.run}\n}} </dev/null', args.timeout,
                              out=sys.stdout)
        note(f'timing: command {time.monotonic() - t2:.1f} s')
        note(f'guest command exit status: {status}')
        if guest.panic:   # an oops that did not kill the shell
            raise Failure(125, f'guest kernel problem: {guest.panic}')
    except Failure as e:
        status = e.status
        note(f'error during {stage}: {e}')
    finally:
        if status == 124:   # the shell is busy: no poweroff
            guest.kill()
        else:
            guest.poweroff()
        if log:
            log.close()
    note(f'timing: total {time.monotonic() - t0:.1f} s')
    if guest.stderr:
        note('QEMU stderr:\n' + guest.stderr.decode(errors='replace'))
    if status:
        sys.stderr.write('===== guest console transcript\n')
        sys.stderr.write(guest.transcript.decode(errors='replace')
                         .replace('\r\n', '\n'))
        sys.stderr.write('\n===== end of transcript\n')
    return status


if __name__ == '__main__':
    sys.exit(main())
