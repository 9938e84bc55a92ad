#!/usr/bin/env bash
# The virtio-gpio qtests on a QEMU built with AddressSanitizer (leak
# checks on) and UndefinedBehaviorSanitizer, and the fuzz regression
# inputs (project/fuzz-regressions/) replayed through the fuzz target.
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
[ "$failed" = 0 ] || { echo "$failed sanitizer runs failed"; exit 1; }
