#!/usr/bin/env bash
# End-to-end tests: a real Linux guest (project/guest/) drives virtio-gpio
# on q35 and microvm; tests/functional/test_x86_64_virtio_gpio.py runs in
# QEMU's functional test framework. On failure, print the guest console
# and the QMP transcript of each failed test.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/project/env.sh"
bash "$TOP/project/build.sh" build >/dev/null
bash "$TOP/project/guest/build-image.sh"
export VGPIO_GUEST_DIR="$VGPIO_CACHE/guest/current"
export QEMU_TEST_QEMU_BINARY="$QEMU_OBJ/qemu-system-x86_64"
export QEMU_BUILD_ROOT="$QEMU_OBJ"
export PYTHONPATH="$QEMU_SRC/python:$QEMU_SRC/tests/functional"
out="$QEMU_OBJ/tests/functional/x86_64"
rm -rf "$out"/test_x86_64_virtio_gpio.*
cd "$QEMU_OBJ"
tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
if "$QEMU_OBJ/pyvenv/bin/python3" \
       "$QEMU_SRC/tests/functional/test_x86_64_virtio_gpio.py" "$@" 2>&1 |
       tee "$tap"; [ "${PIPESTATUS[0]}" = 0 ]; then
    exit 0
fi
# the failed tests, from the TAP lines: "not ok N test_x86_64_virtio_gpio.C.t"
for t in $(sed -n 's/^not ok [0-9]* \(test_x86_64_virtio_gpio\.[^ ]*\).*/\1/p' "$tap"); do
    d="$out/$t"
    echo "===== $t: QMP transcript and test log"
    cat "$d/base.log" || true
    echo "===== $t: guest console"
    cat "$d/console.log" || true
done
exit 1
