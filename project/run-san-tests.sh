#!/usr/bin/env bash
# The virtio-gpio qtests on a QEMU built with AddressSanitizer (leak
# checks on) and UndefinedBehaviorSanitizer, the fuzz regression inputs
# (project/fuzz-regressions/) replayed through the fuzz target, and the
# e2e PCIe hot-plug case with the Linux guest on that QEMU.
# The build is project/fuzz.sh's: clang-14, --enable-asan --enable-ubsan
# --enable-fuzzing, in $QEMU_SRC/build-san.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/project/env.sh"
bash "$TOP/project/fuzz.sh" build >/dev/null
cd "$QEMU_SRC/build-san"
export QTEST_QEMU_BINARY=./qemu-system-x86_64
# any sanitizer report (a leak at exit too) fails QEMU, so the test
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:print_summary=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1
# (the hot-plug test's RSS bound does not hold under ASan)
export VGPIO_SANITIZERS=1
export LSAN_OPTIONS=suppressions=$TOP/project/lsan-suppressions.txt:print_suppressions=0

failed=0
run() {
    local log
    log=$(mktemp)
    if "$@" --tap >"$log" 2>&1; then
        grep -c '^ok ' "$log" | sed "s|^|ok   $*: |; s|$| tests|"
    else
        echo "FAIL $*"
        cat "$log"
        failed=$((failed + 1))
    fi
    rm -f "$log"
}

# qos-test -p runs the tests of one path (not those below it): every
# directory of virtio-gpio tests (chardev/, malformed/, ...) in turn
for p in $(./tests/qtest/qos-test -l | grep -E '/virtio-gpio(-pci)?-tests/' |
           sed 's|/[^/]*$||' | sort -u); do
    run ./tests/qtest/qos-test -p "$p"
done
run ./tests/qtest/virtio-gpio-mmio-test
run ./tests/qtest/virtio-gpio-migration-test

bash "$TOP/project/fuzz.sh" replay "$TOP/project/fuzz-regressions" ||
    failed=$((failed + 1))

# The e2e PCIe hot-plug case with the Linux guest on this QEMU: after an
# unplug while gpiomon waits on the device and a re-plug, QEMU must exit
# with nothing leaked (the test asserts exit status 0).
bash "$TOP/project/guest/build-image.sh" --arch amd64 >/dev/null
log=$(mktemp)
if (export QEMU_BUILD_ROOT="$QEMU_SRC/build-san" \
        QEMU_TEST_QEMU_BINARY="$QEMU_SRC/build-san/qemu-system-x86_64" \
        VGPIO_GUEST_DIR="$VGPIO_CACHE/guest/current" \
        PYTHONPATH="$QEMU_SRC/python:$QEMU_SRC/tests/functional" &&
    cd "$QEMU_SRC/tests/functional/x86_64" &&
    "$QEMU_OBJ/pyvenv/bin/python3" -m unittest \
        test_virtio_gpio.VirtioGpioQ35.test_hotplug) >"$log" 2>&1; then
    echo "ok   e2e VirtioGpioQ35.test_hotplug on the sanitizer QEMU"
else
    echo "FAIL e2e VirtioGpioQ35.test_hotplug on the sanitizer QEMU"
    cat "$log"
    d=$QEMU_SRC/build-san/tests/functional/x86_64/test_virtio_gpio.VirtioGpioQ35.test_hotplug
    cat "$d/base.log" "$d/console.log" 2>/dev/null || true
    failed=$((failed + 1))
fi
rm -f "$log"
[ "$failed" = 0 ] || { echo "$failed sanitizer runs failed"; exit 1; }
