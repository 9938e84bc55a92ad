#!/usr/bin/env python3
"""Benchmarks of virtio-gpio with a real Linux guest (not a pass/fail test).

usage: bench.py QEMU GUEST_DIR [--arm QEMU_AARCH64 ARM64_GUEST_DIR]
                [--machines q35,microvm,virt-mmio,...] [--runs N]
                [--count N] [--rates R,R,...] [--seconds S] [--json FILE]
                [--record]

Machines: q35 (virtio-gpio-pci), microvm (virtio-gpio-device), and with
--arm the arm64 guest on arm virt (cortex-a57, nokaslr): virt-mmio
(virtio-gpio-device) and virt-pci (virtio-gpio-pci on PCIe) on virt's
default GICv2 (MSIs through GICv2m), virt3-mmio, virt3-pci (MSI-X through
the GICv3 ITS) and virt3-pci-noits (GICv3 without ITS: GICv2m) with
gic-version=3.  On arm virt the loop also times QEMU's emulated PL061 of
the same boot (line 0) as the reference for emulated GPIO, with the
ratio virtio-gpio / PL061.  virt-mmio-pl061 is virt-mmio with the PL061's
lines on a gpio-dummy backend (pl061-gpio): the PL061 row then times
the PL061 as a frontend of a gpio backend.

For each machine and run, two boots of the test guest (1 vCPU, 256 MiB):

1. requests: the machine's device
   on its default gpio-dummy backend; in the guest, vgpio-bench times
   COUNT get, set and set-then-get ioctls of the GPIO character device on
   one line and on four lines at once (ops/s, mean, p50, p99).  A QMP
   client is connected, as a management stack would be.
2. interrupts: the lines on a gpio-chardev backend whose peer is this
   script.  Latency: the host sets input 0 (SET 0 v), the guest (vgpio-bench
   echo) sees the edge on line 0 and sets output 1 to it, the host reads
   VALUE 1 v: the round trip, COUNT/4 times, one at a time.  Rates: the host
   toggles input 0 at each rate for S seconds; the guest (vgpio-bench
   events) counts the edge events it reads.  query-gpio gives the device's
   counters: edges seen on the line (irq-edges) and interrupts delivered
   (irq-events); the difference is what the spec's edge collapsing
   merged (an edge while the previous one is still pending).  Lost = edges
   injected - edges the device saw + interrupts delivered - events the
   guest read - events the guest kernel dropped (sequence gaps): 0 means
   every edge is accounted for.

--record: the backends record their lines to VCD files (record=...,
gpio-record-start), to measure what recording costs; the sizes of the
files are printed (kind "record") and the files removed.

The floor: where the guest image has gpio-sim (the amd64 guests), each
boot also runs the same loops on a gpio-sim chip of the same guest: the
requests on its lines, and the events read while the guest itself
toggles a sim line's pull at each rate (vgpio-bench toggle).  That is
the guest's own cost with no device round trip; the tables give our
figure, the floor and their ratio.

Prints one JSON object per measurement (lines starting with '{'), then a
table of the medians over the runs.
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qmp import QMP, connect_unix  # noqa: E402
from demo import Console  # noqa: E402

OPS = [('get', 1), ('set', 1), ('setget', 1), ('get', 4), ('set', 4),
       ('setget', 4)]


def tsc_khz():
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('cpu MHz'):
                return int(float(line.split(':')[1]) * 1000)
    raise RuntimeError('no cpu MHz in /proc/cpuinfo')


def kv(line):
    return {k: float(v) if re.match(r'^[0-9.]+$', v) else v
            for k, v in re.findall(r'(\w+)=(\S+)', line)}


# machine: (target, device, machine options, kernel command line)
MMIO_MODERN = ['-global', 'virtio-mmio.force-legacy=false']


def virt(dev, opts='', extra=()):
    """arm virt with @opts, the arm64 guest on cortex-a57"""
    return ('aarch64', dev, ['-M', 'virt' + opts, '-cpu', 'cortex-a57'] +
            (MMIO_MODERN if dev == 'virtio-gpio-device' else []) +
            list(extra), 'console=ttyAMA0 nokaslr')


MACHINES = {
    'q35': ('x86_64', 'virtio-gpio-pci', ['-M', 'q35'], 'console=ttyS0'),
    'microvm': ('x86_64', 'virtio-gpio-device',
                ['-M', 'microvm,rtc=on'] + MMIO_MODERN, 'console=ttyS0'),
    'virt-mmio': virt('virtio-gpio-device'),
    'virt-pci': virt('virtio-gpio-pci'),
    'virt3-mmio': virt('virtio-gpio-device', ',gic-version=3'),
    'virt3-pci': virt('virtio-gpio-pci', ',gic-version=3'),
    'virt3-pci-noits': virt('virtio-gpio-pci', ',gic-version=3,its=off'),
    # virt-mmio with the PL061 on a gpio-dummy backend of its own
    'virt-mmio-pl061': virt('virtio-gpio-device', ',pl061-gpio=pl0',
                            ['-object', 'gpio-dummy,id=pl0,ngpio=8']),
}
ARM_MACHINES = ('virt-mmio,virt-pci,virt3-mmio,virt3-pci,virt3-pci-noits,'
                'virt-mmio-pl061')
# QEMU's emulated PL061 of arm virt, timed in the same boot as a reference
PL061_OPS = [('get', 1), ('set', 1)]


class Guest:
    def __init__(self, qemu, guest, machine, gpio_args, tmp, dev_opts=''):
        self.qmp_path = os.path.join(tmp, 'qmp.sock')
        con_path = os.path.join(tmp, 'console.sock')
        for p in (self.qmp_path, con_path):
            if os.path.exists(p):
                os.unlink(p)
        _, dev, mach, append = MACHINES[machine]
        append += ' panic=-1'
        if machine == 'microvm':
            append += f' tsc_early_khz={tsc_khz()}'
        cmd = [qemu] + mach + [
            '-m', '256M', '-smp', '1', '-display', 'none', '-nodefaults',
            '-no-user-config', '-no-reboot',
            '-kernel', os.path.join(guest, 'vmlinuz'),
            '-initrd', os.path.join(guest, 'initramfs.cpio.gz'),
            '-append', append,
            '-chardev', f'socket,id=con,path={con_path},server=on,wait=off',
            '-serial', 'chardev:con',
            '-qmp', f'unix:{self.qmp_path},server=on,wait=off'
        ] + gpio_args + ['-device', f'{dev},id=gpio' +
                         (',gpio=g0' if gpio_args else '') + dev_opts]
        self.proc = subprocess.Popen(cmd)
        self.qmp = QMP(self.qmp_path)
        self.con = Console(con_path)
        self.con.wait_for('VGPIO-GUEST-READY')
        self.con.run(':')
        # the device's chip (on arm virt the PL061 is gpiochip0)
        chips = self.con.run('gpiodetect')

        def find(label):
            return ['/dev/' + c.split()[0] for c in chips
                    if re.match(r'^gpiochip\d+ \[' + label + r'\] ', c)]
        self.chip = find(r'virtio\d+')[0]
        self.pl061 = find(r'[0-9a-f]+\.pl061')
        self._sim = None

    def sim(self):
        """(chip, pull attribute of line 0) of a gpio-sim chip in this
        guest, made on first use; None where the image has no gpio-sim"""
        if self._sim is None:
            self._sim = ()
            if self.run('command -v gpio-sim.sh || true'):
                chip = self.run('gpio-sim.sh create floor 8')[-1].split()[0]
                cfs = '/sys/kernel/config/gpio-sim/floor'
                pull = self.run(f'echo /sys/devices/platform/'
                                f'$(cat {cfs}/dev_name)/'
                                f'$(cat {cfs}/gpio-bank0/chip_name)/'
                                f'sim_gpio0/pull')[-1]
                self._sim = (chip, pull)
        return self._sim or None

    def run(self, cmd, timeout=120):
        return self.con.run(cmd, timeout)

    def event_idx(self):
        """Whether the guest's driver negotiated VIRTIO_RING_F_EVENT_IDX"""
        for d in self.qmp.cmd('x-query-virtio'):
            if d['name'] == 'virtio-gpio':
                st = self.qmp.cmd('x-query-virtio-status', path=d['path'])
                return any('EVENT_IDX' in f for f in
                           st['guest-features']['transports'])
        raise RuntimeError('no virtio-gpio device in x-query-virtio')

    def line_info(self, line):
        self.qmp.events.clear()
        self.qmp.transcript.clear()
        return self.qmp.cmd('query-gpio')[0]['lines'][line]

    def close(self):
        try:
            self.qmp.cmd('quit')
            self.proc.wait(timeout=30)
        except Exception:
            pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Peer:
    """The gpio-chardev peer: sends commands, a thread reads what comes."""

    def __init__(self, path):
        self.sock = connect_unix(path)
        self.lock = threading.Condition()
        self.oks = 0
        self.values = []            # (time, line, value) of VALUE events
        self.irqs = {}              # line -> trigger from IRQ events
        self.buf = b''
        self.thread = threading.Thread(target=self._reader, daemon=True)
        self.thread.start()

    def _reader(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            t = time.monotonic()
            self.buf += data
            *lines, self.buf = self.buf.split(b'\n')
            with self.lock:
                for line in lines:
                    w = line.split()
                    if not w:
                        continue
                    if w[0] == b'OK':
                        self.oks += 1
                    elif w[0] == b'VALUE':
                        self.values.append((t, int(w[1]), int(w[2])))
                    elif w[0] == b'IRQ':
                        self.irqs[int(w[1])] = w[2].decode()
                self.lock.notify_all()

    def send(self, data):
        self.sock.sendall(data)

    def wait(self, pred, timeout=30):
        with self.lock:
            if not self.lock.wait_for(pred, timeout):
                raise TimeoutError('gpio-chardev peer: nothing came')


def bench_ops(g, count):
    out = [{'kind': 'features', 'event_idx': g.event_idx()}]
    for op, n in OPS:
        r = kv(g.run(f'vgpio-bench ops {g.chip} {op} {n} {count}')[-1])
        g.line_info(0)              # drains the GPIO_LINE_CHANGED events
        out.append(r)
    for op, n in PL061_OPS if g.pl061 else []:
        # line 0: line 3 is virt's power key
        r = kv(g.run(f'vgpio-bench ops {g.pl061[0]} {op} {n} {count}')[-1])
        r['kind'] = 'pl061'
        out.append(r)
    sim = g.sim()
    for op, n in OPS if sim else []:
        r = kv(g.run(f'vgpio-bench ops {sim[0]} {op} {n} {count}')[-1])
        r['kind'] = 'floor'
        out.append(r)
    return out


def wait_ready(g, path, timeout=30):
    """Until the guest program has its lines (an edge that comes while
    the kernel is still setting up the line's interrupt is not reported
    to it, though the device delivered it)"""
    deadline = time.monotonic() + timeout
    while 'ready' not in g.run(f'cat {path}'):
        assert time.monotonic() < deadline, f'{path}: the guest is not ready'
        time.sleep(0.05)


def bench_latency(g, peer, count):
    g.run(f'vgpio-bench echo {g.chip} 0 1 {count} > /tmp/echo 2>&1 &')
    wait_ready(g, '/tmp/echo')
    peer.wait(lambda: peer.irqs.get(0) == 'edge-both')
    while not g.line_info(0)['irq-unmasked']:
        time.sleep(0.01)
    rtt = []
    v = 0
    for i in range(count):
        v ^= 1
        with peer.lock:
            peer.values.clear()
        t0 = time.monotonic()
        peer.send(f'SET 0 {v}\n'.encode())
        try:
            peer.wait(lambda: any(x[1] == 1 and x[2] == v for x in peer.values))
        except TimeoutError:
            raise TimeoutError(f'round trip {i}: no VALUE 1 {v}; lines '
                               f'{g.line_info(0)} {g.line_info(1)}; guest '
                               f'{g.run("cat /tmp/echo")}')
        with peer.lock:
            t1 = [x[0] for x in peer.values if x[1] == 1 and x[2] == v][0]
        rtt.append((t1 - t0) * 1e6)
    g.run('wait')
    out = g.run('cat /tmp/echo')
    assert out[-1:] == [f'echo n={count}'], out
    # back to an idle line 0 at level 0
    if v:
        peer.send(b'SET 0 0\n')
        time.sleep(0.2)
    rtt.sort()
    return {'kind': 'latency', 'n': count,
            'rtt_p50_us': round(rtt[len(rtt) // 2], 1),
            'rtt_p99_us': round(rtt[min(len(rtt) - 1,
                                        int(len(rtt) * 0.99))], 1),
            'rtt_mean_us': round(statistics.mean(rtt), 1)}


def bench_rate(g, peer, rate, seconds):
    g.run(f'vgpio-bench events {g.chip} 0 60 1500 > /tmp/ev 2>&1 &')
    wait_ready(g, '/tmp/ev')
    deadline = time.monotonic() + 30
    while True:
        info = g.line_info(0)
        if info['irq-type'] == 'edge-both' and info['irq-unmasked']:
            break
        assert time.monotonic() < deadline, 'the guest did not arm line 0'
        time.sleep(0.01)
    before = info
    level = int(info['input'])
    sent = 0
    oks0 = peer.oks
    t0 = time.monotonic()
    end = t0 + seconds
    while True:
        now = time.monotonic()
        if now >= end:
            due = int(rate * seconds) - sent
        else:
            due = int(rate * (now - t0)) - sent
        if due > 0:
            cmds = []
            for _ in range(due):
                level ^= 1
                cmds.append(f'SET 0 {level}\n')
            peer.send(''.join(cmds).encode())
            sent += due
        if now >= end:
            break
        time.sleep(0.0005)
    t_sent = time.monotonic() - t0
    peer.wait(lambda: peer.oks - oks0 >= sent, timeout=120)
    t_done = time.monotonic() - t0
    g.run('wait', timeout=180)
    ev = kv(g.run('cat /tmp/ev')[-1])
    after = g.line_info(0)
    if level:
        peer.send(b'SET 0 0\n')
        time.sleep(0.2)
    r = {'kind': 'irq', 'rate': rate, 'injected': sent,
         'inject_s': round(t_sent, 3), 'host_done_s': round(t_done, 3),
         'guest_events': int(ev['n']), 'guest_drops': int(ev['gaps']),
         'guest_span_s': ev['span_s'], 'guest_rate': ev['rate'],
         'irq2read_p50_us': ev['irq2read_p50_us'],
         'irq2read_p99_us': ev['irq2read_p99_us']}
    if 'irq-edges' in after:
        edges = after['irq-edges'] - before['irq-edges']
        events = after['irq-events'] - before['irq-events']
        r.update({'device_edges': edges, 'device_irqs': events,
                  'collapsed': edges - events - int(after['irq-latched']),
                  'lost': sent - edges + events - r['guest_events'] -
                  r['guest_drops']})
    return r


def bench_rate_floor(g, rate, seconds):
    """The guest reads the edges of a gpio-sim line whose pull it toggles
    itself at @rate: the events floor"""
    chip, pull = g.sim()
    g.run(f'vgpio-bench events {chip} 0 60 1500 > /tmp/evf 2>&1 &')
    wait_ready(g, '/tmp/evf')
    t = kv(g.run(f'vgpio-bench toggle {pull} {rate} {seconds}',
                 timeout=60 + seconds * 10)[-1])
    g.run('wait', timeout=180)
    ev = kv(g.run('cat /tmp/evf')[-1])
    g.run(f'echo pull-down > {pull}')
    return {'kind': 'irq-floor', 'rate': rate, 'injected': int(t['n']),
            'inject_s': t['s'], 'guest_events': int(ev['n']),
            'guest_drops': int(ev['gaps']), 'guest_rate': ev['rate'],
            'irq2read_p50_us': ev['irq2read_p50_us'],
            'irq2read_p99_us': ev['irq2read_p99_us']}


def ratio(a, b):
    return f'{a / b:.2f}' if b and b == b and a == a else '-'


def median(rows, key):
    vals = [r[key] for r in rows if key in r]
    return statistics.median(vals) if vals else float('nan')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('qemu')
    ap.add_argument('guest')
    ap.add_argument('--arm', nargs=2, metavar=('QEMU_AARCH64', 'GUEST_DIR'))
    ap.add_argument('--machines')
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--count', type=int, default=2000)
    ap.add_argument('--rates', default='1000,5000,10000,20000,50000')
    ap.add_argument('--seconds', type=float, default=2.0)
    ap.add_argument('--json')
    ap.add_argument('--only', choices=['ops', 'irq'])
    ap.add_argument('--record', action='store_true')
    a = ap.parse_args()
    rates = [int(x) for x in a.rates.split(',')]
    if not a.machines:
        a.machines = 'q35,microvm' + (',' + ARM_MACHINES if a.arm else '')
    binaries = {'x86_64': (a.qemu, a.guest)}
    if a.arm:
        binaries['aarch64'] = tuple(a.arm)
    for m in a.machines.split(','):
        if m not in MACHINES or MACHINES[m][0] not in binaries:
            ap.error(f'machine {m}: unknown, or its target has no QEMU')
    results = []
    tmp = tempfile.mkdtemp(prefix='vgpio-bench-')

    def emit(r):
        results.append(r)
        print(json.dumps(r), flush=True)

    def session(m, run, what, gpio_args, measure):
        """Boot a guest, emit what measure(g) yields, tagged; an error is
        recorded and the next session goes on"""
        g = None
        try:
            g = Guest(*binaries[MACHINES[m][0]], m, gpio_args, tmp)
            for r in measure(g):
                r.setdefault('kind', 'ops')
                r.update({'machine': m, 'run': run})
                emit(r)
        except Exception as e:
            emit({'kind': 'error', 'machine': m, 'run': run, 'what': what,
                  'error': repr(e)})
        finally:
            if g:
                g.close()

    sock = os.path.join(tmp, 'peer.sock')

    def irqs(g):
        peer = Peer(sock)
        yield bench_latency(g, peer, max(1, a.count // 4))
        for rate in rates:
            yield bench_rate(g, peer, rate, a.seconds)
        for rate in rates if g.sim() else []:
            yield bench_rate_floor(g, rate, a.seconds)

    def record(m, run, what):
        """The backend's record option, and a function that reports the
        size of the file and removes it"""
        if not a.record:
            return '', lambda: None
        vcd = os.path.join(tmp, f'{m}-{run}-{what}.vcd')

        def done():
            if os.path.exists(vcd):
                emit({'kind': 'record', 'machine': m, 'run': run,
                      'what': what, 'bytes': os.path.getsize(vcd)})
                os.unlink(vcd)
        return f',record={vcd}', done

    for run in range(a.runs):
        for m in a.machines.split(','):
            if a.only != 'irq':
                opt, done = record(m, run, 'ops')
                session(m, run, 'ops',
                        ['-object', f'gpio-dummy,id=g0,ngpio=8{opt}']
                        if opt else [], lambda g: bench_ops(g, a.count))
                done()
            if a.only == 'ops':
                continue
            if os.path.exists(sock):
                os.unlink(sock)
            opt, done = record(m, run, 'irq')
            session(m, run, 'irq', [
                '-chardev', f'socket,id=sim,path={sock},server=on,wait=off',
                '-object', f'gpio-chardev,id=g0,chardev=sim,ngpio=8{opt}'],
                irqs)
            done()

    if a.json:
        with open(a.json, 'w') as f:
            json.dump(results, f, indent=1)
    print(f'\nmedians of {a.runs} run(s), {a.count} ops per loop, TCG, '
          '1 vCPU')
    for r in results:
        if r['kind'] == 'error':
            print(f'error: {r["machine"]} run {r["run"]} {r["what"]}: '
                  f'{r["error"]}')
    for m in a.machines.split(','):
        f = [r['event_idx'] for r in results
             if r['kind'] == 'features' and r['machine'] == m]
        if f:
            print(f'{m}: VIRTIO_RING_F_EVENT_IDX negotiated: {f[0]}')
    for m in a.machines.split(','):
        rows = [r for r in results if r['machine'] == m]
        ops = [r for r in rows if r['kind'] == 'ops']
        floor = [r for r in rows if r['kind'] == 'floor']
        if ops:
            print(f'\n{m}: requests (gpio-dummy)' +
                  ('; floor: the same on a gpio-sim chip of the same guest'
                   if floor else ''))
            print(f'  {"op":<8}{"lines":>6}{"ops/s":>9}{"mean us":>9}'
                  f'{"p50 us":>8}{"p99 us":>8}' +
                  (f'{"floor ops/s":>12}{"ratio":>7}' if floor else ''))
            for op, n in OPS:
                s = [r for r in ops if r['op'] == op and r['lines'] == n]
                fl = [r for r in floor if r['op'] == op and r['lines'] == n]
                print(f'  {op:<8}{n:>6}{median(s, "ops_s"):>9.0f}'
                      f'{median(s, "mean_us"):>9.1f}'
                      f'{median(s, "p50_us"):>8.1f}{median(s, "p99_us"):>8.1f}'
                      + (f'{median(fl, "ops_s"):>12.0f}'
                         f'{ratio(median(s, "ops_s"), median(fl, "ops_s")):>7}'
                         if fl else ''))
        pl = [r for r in rows if r['kind'] == 'pl061']
        if pl:
            print(f'  PL061 of the same boots (QEMU\'s emulated GPIO), and '
                  'virtio-gpio / PL061:')
            for op, n in PL061_OPS:
                s = [r for r in pl if r['op'] == op and r['lines'] == n]
                v = [r for r in ops if r['op'] == op and r['lines'] == n]
                print(f'  {op:<8}{n:>6}{median(s, "ops_s"):>9.0f}'
                      f'{median(s, "mean_us"):>9.1f}'
                      f'{median(s, "p50_us"):>8.1f}{median(s, "p99_us"):>8.1f}'
                      f'  ratio {median(v, "ops_s") / median(s, "ops_s"):.2f}')
        lat = [r for r in rows if r['kind'] == 'latency']
        if lat:
            print(f'\n{m}: interrupts (gpio-chardev)')
            print(f'  round trip host SET -> guest event -> guest set -> '
                  f'host VALUE: p50 {median(lat, "rtt_p50_us"):.0f} us, '
                  f'p99 {median(lat, "rtt_p99_us"):.0f} us')
            fl_all = [r for r in rows if r['kind'] == 'irq-floor']
            print(f'  {"rate/s":>7}{"injected":>9}{"guest ev/s":>11}'
                  f'{"events":>8}{"collapsed":>10}{"kdrops":>7}{"lost":>6}'
                  f'{"irq->read p50/p99 us":>22}' +
                  (f'{"floor ev/s":>11}{"ratio":>7}' if fl_all else ''))
            for rate in rates:
                s = [r for r in rows if r['kind'] == 'irq' and
                     r['rate'] == rate]
                fl = [r for r in fl_all if r['rate'] == rate]
                if not s:
                    continue
                print(f'  {rate:>7}{median(s, "injected"):>9.0f}'
                      f'{median(s, "guest_rate"):>11.0f}'
                      f'{median(s, "guest_events"):>8.0f}'
                      f'{median(s, "collapsed"):>10.0f}'
                      f'{median(s, "guest_drops"):>7.0f}'
                      f'{median(s, "lost"):>6.0f}'
                      f'{median(s, "irq2read_p50_us"):>12.0f}/'
                      f'{median(s, "irq2read_p99_us"):<9.0f}' +
                      (f'{median(fl, "guest_rate"):>11.0f}'
                       f'{ratio(median(s, "guest_rate"), median(fl, "guest_rate")):>7}'
                       if fl else ''))
            if fl_all:
                print('  floor: gpio-sim events read in the same guest, '
                      'edges made by the guest (vgpio-bench toggle)')
    return 1 if any(r['kind'] == 'error' for r in results) else 0


if __name__ == '__main__':
    sys.exit(main())
