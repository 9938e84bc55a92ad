"""A small QMP client (standard library only) for the project's scripts."""

import json
import socket
import time


class QMPError(Exception):
    pass


def connect_unix(path, timeout=30.0):
    """Connect to a unix socket that a starting QEMU will create."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class QMP:
    def __init__(self, path, timeout=30.0):
        self.sock = connect_unix(path, timeout)
        self.sock.settimeout(timeout)
        self.file = self.sock.makefile('rwb')
        self.events = []
        self.transcript = []
        self._read()                      # greeting
        self.cmd('qmp_capabilities')

    def _read(self):
        line = self.file.readline()
        if not line:
            raise QMPError('QMP connection closed')
        self.transcript.append('<- ' + line.decode().strip())
        return json.loads(line)

    def cmd_raw(self, command, /, **args):
        msg = {'execute': command}
        if args:
            msg['arguments'] = {k.replace('_', '-'): v for k, v in args.items()}
        data = json.dumps(msg)
        self.transcript.append('-> ' + data)
        self.file.write(data.encode() + b'\n')
        self.file.flush()
        while True:
            resp = self._read()
            if 'event' in resp:
                self.events.append(resp)
                continue
            return resp

    def cmd(self, command, /, **args):
        resp = self.cmd_raw(command, **args)
        if 'error' in resp:
            raise QMPError(resp['error']['desc'])
        return resp['return']

    def hmp(self, line):
        return self.cmd('human-monitor-command', command_line=line)

    def take_events(self, name):
        got = [e for e in self.events if e['event'] == name]
        self.events = [e for e in self.events if e['event'] != name]
        return got

    def close(self):
        self.sock.close()
