#!/usr/bin/env python3
#
# A reference client of the gpio-chardev protocol (version 1), standard
# library only.  See docs/interop/gpio-chardev.rst.
#
# Copyright (c) 2026 The virtio-gpio for QEMU authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

"""Play the other side of the GPIO lines of a QEMU gpio-chardev backend.

As a module::

    from gpiochardev import GpioPeer
    with GpioPeer.connect_unix("/tmp/gpio.sock") as peer:
        peer.set("button", 1)
        ev = peer.wait_event(lambda e: e.kind == "VALUE", timeout=10)

From a shell: gpiochardev.py --unix PATH {show,set LINE LEVEL,get LINE,watch}
"""

import argparse
import collections
import socket
import sys
import time

PROTOCOL = "qemu-gpio"
VERSION = 1

Event = collections.namedtuple("Event", "kind line value")
Event.__doc__ = """A change the guest made: kind is "DIR", "VALUE", "IRQ"
(line and value as sent; value is a string), "OVERFLOW" or "MIGRATED"
(line and value None; the line state was refreshed)."""


class GpioError(Exception):
    """QEMU answered ERR, or the peer broke the protocol."""


class Line:
    """The state of one line, as the last record or event told it."""

    def __init__(self, number, fields, name):
        self.number = number
        self.name = name or None
        self.dir = fields.get("dir")
        self.value = int(fields.get("value", 0))
        self.input = int(fields.get("input", 0))
        self.irq = fields.get("irq")

    def __repr__(self):
        return ("Line(%d, name=%r, dir=%s, value=%d, input=%d, irq=%s)" %
                (self.number, self.name, self.dir, self.value, self.input,
                 self.irq))


def parse_line_record(text):
    """Parse 'LINE <n> key=value ... name=<rest of line>' into a Line."""
    words = text.split(" ")
    if len(words) < 2 or words[0] != "LINE":
        raise GpioError("not a LINE record: %r" % text)
    head, sep, name = text.partition(" name=")
    fields = {}
    for word in head.split(" ")[2:]:
        key, _, value = word.partition("=")
        fields[key] = value
    return Line(int(words[1]), fields, name if sep else "")


class GpioPeer:
    """A connection to a gpio-chardev backend.

    self.lines holds the state of every line, kept up to date from the
    greeting, the events and the replies to GET.  Events are queued as
    they arrive; wait_event() takes them in order.
    """

    def __init__(self, sock, timeout=30.0):
        self.sock = sock
        self.timeout = timeout
        self.buf = b""
        self.events = collections.deque()
        self.lines = []
        words = self._readline(timeout).split(" ")
        if len(words) < 3 or words[0] != "HELLO" or words[1] != PROTOCOL:
            raise GpioError("not a gpio-chardev peer: %r" % " ".join(words))
        self.version = int(words[2])
        if self.version != VERSION:
            raise GpioError("protocol version %d, this client speaks %d" %
                            (self.version, VERSION))
        fields = dict(w.partition("=")[::2] for w in words[3:])
        self.ngpio = int(fields["ngpio"])
        self.lines = self._read_records("END", timeout)
        if len(self.lines) != self.ngpio:
            raise GpioError("greeting has %d lines, HELLO said %d" %
                            (len(self.lines), self.ngpio))

    @classmethod
    def connect_unix(cls, path, timeout=30.0):
        """Connect to QEMU listening on a unix socket (server=on)."""
        deadline = time.monotonic() + timeout
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(path)
                return cls(sock, timeout)
            except (FileNotFoundError, ConnectionRefusedError):
                sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @classmethod
    def connect_tcp(cls, host, port, timeout=30.0):
        """Connect to QEMU listening on a TCP socket (server=on)."""
        return cls(socket.create_connection((host, port), timeout), timeout)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- receiving

    def _readline(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no line from QEMU in %.1f s" % timeout)
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise ConnectionError("QEMU closed the connection")
            self.buf += data
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode("ascii")

    def _read_records(self, last, timeout):
        lines = []
        while True:
            text = self._readline(timeout)
            if text == last:
                return lines
            if text.startswith("ERR "):
                raise GpioError(text[4:])
            if not text.startswith("LINE "):
                raise GpioError("expected LINE or %s, got %r" % (last, text))
            lines.append(parse_line_record(text))

    def _event(self, text):
        """Apply an event to self.lines and queue it; False if not one."""
        kind, _, rest = text.partition(" ")
        if kind in ("OVERFLOW", "MIGRATED"):
            self.lines = self._read_records("END", self.timeout)
            self.events.append(Event(kind, None, None))
            return True
        if kind not in ("DIR", "VALUE", "IRQ"):
            return False
        number, _, value = rest.partition(" ")
        line = self.lines[int(number)]
        if kind == "DIR":
            line.dir = value
        elif kind == "VALUE":
            line.value = int(value)
        else:
            line.irq = value
        self.events.append(Event(kind, int(number), value))
        return True

    def _reply(self):
        """Read up to the reply of the oldest command: its LINE records."""
        records = []
        while True:
            text = self._readline(self.timeout)
            if self._event(text):
                continue
            if text == "OK":
                return records
            if text.startswith("ERR "):
                raise GpioError(text[4:])
            if text.startswith("LINE "):
                records.append(parse_line_record(text))
            elif not text.startswith("HELLO "):
                raise GpioError("unexpected %r" % text)

    def command(self, text):
        """Send one command and return the LINE records of its reply."""
        self.sock.sendall(text.encode("ascii") + b"\n")
        return self._reply()

    # -- the commands

    def line_number(self, line):
        """A line number from a number or a name."""
        if isinstance(line, int):
            return line
        for l in self.lines:
            if l.name == line:
                return l.number
        raise KeyError("no line is named %r" % line)

    def set(self, line, level):
        """Set the input level of a line (a number or a name)."""
        number = self.line_number(line)
        self.command("SET %d %d" % (number, 1 if level else 0))
        self.lines[number].input = 1 if level else 0

    def get(self, line=None):
        """The state of one line, or of every line, as QEMU has it now."""
        if line is None:
            self.lines = self.command("GET")
            return self.lines
        record = self.command("GET %d" % self.line_number(line))[0]
        self.lines[record.number] = record
        return record

    def wait_event(self, match=None, timeout=None):
        """Return the next event (for which match(event) is true).

        Events before it that do not match are dropped.
        """
        deadline = time.monotonic() + (self.timeout if timeout is None
                                       else timeout)
        while True:
            while self.events:
                ev = self.events.popleft()
                if match is None or match(ev):
                    return ev
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no matching event")
            text = self._readline(left)
            if not self._event(text):
                raise GpioError("unexpected %r" % text)


def main():
    parser = argparse.ArgumentParser(
        description="Talk to a QEMU gpio-chardev backend.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--unix", metavar="PATH",
                       help="the unix socket QEMU listens on")
    where.add_argument("--tcp", metavar="HOST:PORT",
                       help="the TCP socket QEMU listens on")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("show", help="print the state of every line")
    p = sub.add_parser("set", help="set the input level of a line")
    p.add_argument("line")
    p.add_argument("level", choices=["0", "1"])
    p = sub.add_parser("get", help="print the state of one line")
    p.add_argument("line")
    sub.add_parser("watch", help="print the changes the guest makes")
    args = parser.parse_args()

    if args.unix:
        peer = GpioPeer.connect_unix(args.unix)
    else:
        host, _, port = args.tcp.rpartition(":")
        peer = GpioPeer.connect_tcp(host, int(port))

    def line_arg(text):
        return int(text) if text.isdigit() else text

    with peer:
        try:
            if args.cmd == "show":
                for line in peer.lines:
                    print(line)
            elif args.cmd == "set":
                peer.set(line_arg(args.line), int(args.level))
            elif args.cmd == "get":
                print(peer.get(line_arg(args.line)))
            else:
                while True:
                    try:
                        ev = peer.wait_event(timeout=3600)
                    except TimeoutError:
                        continue
                    if ev.kind in ("OVERFLOW", "MIGRATED"):
                        print(ev.kind + (": events were lost"
                                         if ev.kind == "OVERFLOW" else
                                         ": the VM moved here") +
                              "; the state now:")
                        for line in peer.lines:
                            print(line)
                    else:
                        print(ev.kind, ev.line, ev.value, flush=True)
        except (GpioError, KeyError) as e:
            print("error:", e, file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
