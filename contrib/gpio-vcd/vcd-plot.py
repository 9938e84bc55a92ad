#!/usr/bin/env python3
#
# Draw the one-bit wires of a VCD file, such as a recording of QEMU's
# gpio-record-start, as a waveform picture.  Needs matplotlib
# (Debian: python3-matplotlib).
#
# Copyright (c) 2026 The virtio-gpio for QEMU authors
#
# SPDX-License-Identifier: GPL-2.0-or-later

"""Draw a VCD file's one-bit wires to a picture.

    vcd-plot.py [--all] [--wires RE] [--from NS] [--to NS] FILE.vcd OUT.png

Only the wires that change after their first value are drawn (--all
draws the others too), and with --wires only those whose name matches
a regular expression.  The picture starts a little before the first
change (--from NS sets it) and ends at the file's last time (--to NS);
times on the axis are in ms.
High impedance (z) and unknown (x) values are drawn half-way, dashed.
"""

import argparse
import re
import sys

UNITS = {"s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1.0, "ps": 1e-3, "fs": 1e-6}


class VcdError(Exception):
    pass


def parse(path):
    """Return (ns per time unit, [(name, [(time, value)])], last time) of
    a VCD file.

    Only one-bit variables are kept; a value is '0', '1', 'x' or 'z'.
    """
    with open(path, encoding="ascii", errors="replace") as f:
        tokens = [(n, t) for n, line in enumerate(f, 1) for t in line.split()]
    scale = 1.0
    wires = {}          # identifier -> list of names
    changes = {}        # identifier -> [(time, value)]
    names = []          # (identifier, name) in declaration order
    i = 0

    def until_end(start):
        j = start
        while j < len(tokens) and tokens[j][1] != "$end":
            j += 1
        if j == len(tokens):
            raise VcdError("%s:%d: %s without $end" %
                           (path, tokens[start - 1][0], tokens[start - 1][1]))
        return [t for _, t in tokens[start:j]], j + 1

    while i < len(tokens):
        lineno, t = tokens[i]
        if t == "$enddefinitions":
            _, i = until_end(i + 1)
            break
        if t == "$timescale":
            spec, i = until_end(i + 1)
            m = re.fullmatch(r"(1|10|100)(s|ms|us|ns|ps|fs)", "".join(spec))
            if not m:
                raise VcdError("%s:%d: bad $timescale" % (path, lineno))
            scale = int(m.group(1)) * UNITS[m.group(2)]
        elif t == "$var":
            spec, i = until_end(i + 1)
            if len(spec) < 4:
                raise VcdError("%s:%d: short $var" % (path, lineno))
            if spec[1] == "1":
                wires.setdefault(spec[2], []).append(spec[3])
                changes.setdefault(spec[2], [])
                names.append((spec[2], spec[3]))
        elif t.startswith("$"):
            _, i = until_end(i + 1)
        else:
            raise VcdError("%s:%d: unexpected %r in the header" %
                           (path, lineno, t))
    else:
        raise VcdError("%s: no $enddefinitions" % path)

    now = None
    while i < len(tokens):
        lineno, t = tokens[i]
        i += 1
        if t.startswith("#"):
            try:
                now = int(t[1:])
            except ValueError:
                raise VcdError("%s:%d: bad time %r" % (path, lineno, t))
        elif t.startswith("$"):
            continue
        elif t[0] in "bBrR":
            i += 1
        elif t[0] in "01xXzZ" and len(t) > 1:
            if t[1:] in changes:
                changes[t[1:]].append((now or 0, t[0].lower()))
        else:
            raise VcdError("%s:%d: bad value change %r" % (path, lineno, t))
    return scale, [(name, changes[ident]) for ident, name in names], now


def plot(wires, scale, end, out, t_from=None, t_to=None):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times = [t for _, ch in wires for t, _ in ch]
    if not times:
        raise VcdError("nothing to draw")
    t1 = max(times + [end or 0]) if t_to is None else t_to / scale
    if t_from is not None:
        t0 = t_from / scale
    else:
        # from a little before the first change after the initial values
        changes = [ch[1][0] for _, ch in wires if len(ch) > 1]
        t0 = min(times)
        if changes:
            t0 = max(t0, min(changes) - (t1 - min(changes)) // 20)
    if t1 <= t0:
        t1 = t0 + 1
    ms = scale / 1e6

    fig, ax = plt.subplots(figsize=(11, 0.55 * len(wires) + 1.2))
    for row, (name, ch) in enumerate(reversed(wires)):
        base = row * 1.5
        pts = ch + [(t1, ch[-1][1] if ch else "x")]
        for (ta, va), (tb, _) in zip(pts, pts[1:]):
            if tb < t0 or ta > t1:
                continue
            xa, xb = (max(ta, t0) - t0) * ms, (min(tb, t1) - t0) * ms
            if va in "01":
                y = base + int(va)
                ax.plot([xa, xb], [y, y], color="tab:blue", lw=1.4)
            else:
                y = base + 0.5
                ax.plot([xa, xb], [y, y], color="tab:red", lw=1.2, ls="--")
        # the edges
        for (ta, va), (tb, vb) in zip(ch, ch[1:]):
            if t0 <= tb <= t1 and va in "01" and vb in "01" and va != vb:
                x = (tb - t0) * ms
                ax.plot([x, x], [base, base + 1], color="tab:blue", lw=1.4)
    ax.set_yticks([r * 1.5 + 0.5 for r in range(len(wires))])
    ax.set_yticklabels([n for n, _ in reversed(wires)])
    ax.set_xlim(0, (t1 - t0) * ms)
    ax.set_xlabel("ms (VM clock) from %.6f s" % (t0 * scale / 1e9))
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("vcd")
    ap.add_argument("out", help="the picture (PNG, SVG or PDF by suffix)")
    ap.add_argument("--all", action="store_true",
                    help="draw the wires that never change too")
    ap.add_argument("--wires", metavar="RE",
                    help="draw only the wires whose name matches RE")
    ap.add_argument("--from", dest="t_from", type=int, metavar="NS",
                    help="start at this time of the file, in ns")
    ap.add_argument("--to", dest="t_to", type=int, metavar="NS",
                    help="end at this time of the file, in ns")
    args = ap.parse_args()
    try:
        scale, wires, end = parse(args.vcd)
        if args.wires:
            wires = [w for w in wires if re.search(args.wires, w[0])]
        if not args.all:
            wires = [w for w in wires if len(w[1]) > 1]
        if not wires:
            raise VcdError("%s: no wire to draw" % args.vcd)
        plot(wires, scale, end, args.out, args.t_from, args.t_to)
    except (OSError, VcdError) as e:
        print("vcd-plot: %s" % e, file=sys.stderr)
        return 1
    print("%s: %d wires" % (args.out, len(wires)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
