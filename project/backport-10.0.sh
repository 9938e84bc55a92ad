#!/usr/bin/env bash
# Developer helper, not part of the test command: write
# patches/10.0/0001-*.patch, the patch that takes our new files (written
# for QEMU 10.2) back to QEMU 10.0's API and file layout.  Run it after
# changing a new file in a way the patch touches (it fails to apply then);
# build.sh applies it before the 10.0 series.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
g() { git -C "$tmp" -c user.name="virtio-gpio developers" \
        -c user.email=virtio-gpio@localhost "$@"; }
git init -q "$tmp"
(cd "$TOP" && git ls-files -co --exclude-standard -- hw include tests docs \
    backends qapi contrib) | while read -r f; do
    mkdir -p "$tmp/$(dirname "$f")"
    cp "$TOP/$f" "$tmp/$f"
done
g add -A
g commit -q -m "the new files, as for QEMU 10.2"
cd "$tmp"
# 10.2 -> 10.0: the API
sed -i 's/_class_init(ObjectClass \*\([a-z]*\), const void \*data)/_class_init(ObjectClass *\1, void *data)/' \
    hw/virtio/virtio-gpio*.c backends/gpio-*.c
sed -i 's/(const InterfaceInfo\[\])/(InterfaceInfo[])/' backends/gpio-*.c
sed -i 's/\bCharFrontend\b/CharBackend/' backends/gpio-chardev.c
python3 - <<'PY'
import re
def edit(path, pairs):
    s = open(path).read()
    for old, new in pairs:
        if old not in s:
            raise SystemExit('backport-10.0: not found in %s:\n%s' % (path, old))
        s = s.replace(old, new)
    open(path, 'w').write(s)

p = 'hw/virtio/virtio-gpio.c'
s = open(p).read()
m = re.search(r'static int virtio_gpio_set_status\(.*?\n}\n', s, re.S)
body = m.group(0)
body10 = body.replace('static int virtio_gpio_set_status',
                      'static void virtio_gpio_set_status')
body10 = body10.replace('        return 0;\n', '        return;\n')
body10 = body10.replace('    return 0;\n}\n', '}\n')
s = s.replace(body, body10)
open(p, 'w').write(s)
edit(p, [('virtio_gpio_vm_state_change,\n'
          '                                                  NULL, s);',
          'virtio_gpio_vm_state_change,\n'
          '                                                  s);')])
edit('tests/qtest/fuzz/virtio_gpio_fuzz.c', [
    ('vmstate_save_state(f, vmsd, dev, NULL, &error_abort),\n'
     '                    ==, 0);',
     'vmstate_save_state(f, vmsd, dev, NULL), ==, 0);'),
    ('vmstate_load_state(f, vmsd, dev, vmsd->version_id,\n'
     '                                       &error_abort), ==, 0);',
     'vmstate_load_state(f, vmsd, dev, vmsd->version_id),\n'
     '                    ==, 0);')])
edit('tests/functional/x86_64/test_virtio_gpio.py', [
    ("'..', '..', '..', 'contrib'", "'..', '..', 'contrib'")])
PY
# 10.2 -> 10.0: the file layout
g mv tests/functional/x86_64/test_virtio_gpio.py \
     tests/functional/test_x86_64_virtio_gpio.py
g mv tests/functional/aarch64/test_virtio_gpio.py \
     tests/functional/test_aarch64_virtio_gpio.py
g mv docs/system/devices/virtio/virtio-gpio.rst \
     docs/system/devices/virtio-gpio.rst
g add -A
g commit -q -F - <<'MSG'
virtio-gpio: backport the new files to QEMU 10.0

The series is written for QEMU 10.2.  QEMU 10.0 differs in:
- class_init takes void *data, InterfaceInfo arrays are not const;
- CharFrontend is still called CharBackend;
- VirtioDeviceClass::set_status returns void;
- qdev_add_vm_change_state_handler() has no cb_ret argument;
- vmstate_save_state() and vmstate_load_state() take no Error **;
- the functional tests sit in tests/functional/ as test_<arch>_*.py;
- the device docs sit in docs/system/devices/, not devices/virtio/.

Not for upstream: this keeps Debian trixie's QEMU 10.0 building.

Signed-off-by: virtio-gpio developers <virtio-gpio@localhost>
MSG
out="$TOP/patches/10.0"
rm -f "$out"/0001-virtio-gpio-backport-*.patch
g format-patch -q --no-signature --zero-commit -N -M -o "$tmp/out" HEAD~1..HEAD
cp "$tmp"/out/0001-*.patch "$out/"
ls "$out"/0001-virtio-gpio-backport-*.patch
