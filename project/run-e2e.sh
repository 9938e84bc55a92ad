#!/usr/bin/env bash
# End-to-end tests: a real Linux guest (project/guest/) drives virtio-gpio,
# in QEMU's functional test framework: on x86 q35 and microvm
# (tests/functional/x86_64/test_virtio_gpio.py, the amd64 guest) and on
# arm virt's virtio-mmio and PCIe (tests/functional/aarch64/, the arm64
# guest); then the q35 cases (but the chardev peer's) again on the amd64
# guest with Linux 7.3, and the virtio-mmio and PL061 cases of arm virt on
# the arm64 guest with Linux 7.3 (build-image.sh --kernel 7.3). Arguments select the
# suites (x86_64, aarch64, x86_64-k7.3, aarch64-k7.3; default all four).
# On failure, print the guest console and the QMP transcript of each
# failed test, and at the very end the failed tests' TAP lines and
# tracebacks again (meson shows only the last lines of a failed test).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/project/env.sh"
bash "$TOP/project/build.sh" build >/dev/null
export QEMU_BUILD_ROOT="$QEMU_OBJ"
export PYTHONPATH="$QEMU_SRC/python:$QEMU_SRC/tests/functional"
cd "$QEMU_OBJ"

# run_suite TARGET GUEST_ARCH KERNEL [ARGS...]: the functional tests of
# TARGET on the guest image of GUEST_ARCH with Linux KERNEL; ARGS go to
# unittest (-k CLASS selects a class)
run_suite() {
    local target=$1 arch=$2 kernel=$3 name=test_virtio_gpio out tap t d rc=0
    shift 3
    bash "$TOP/project/guest/build-image.sh" --arch "$arch" --kernel "$kernel"
    VGPIO_GUEST_DIR=$(guest_image "$arch" "$kernel")
    export VGPIO_GUEST_DIR
    echo "== e2e: $target, $arch guest with Linux $kernel $*"
    export QEMU_TEST_QEMU_BINARY="$QEMU_OBJ/qemu-system-$target"
    out="$QEMU_OBJ/tests/functional/$target"
    rm -rf "$out/$name".*
    tap=$(mktemp)
    if "$QEMU_OBJ/pyvenv/bin/python3" \
           "$QEMU_SRC/tests/functional/$target/$name.py" "$@" 2>&1 | tee "$tap";
       [ "${PIPESTATUS[0]}" = 0 ]; then
        rm -f "$tap"
        return 0
    fi
    {
        echo "== $target, $arch guest with Linux $kernel: failed"
        grep -v '^ok ' "$tap" | tail -n 40
    } >>"$failures"
    # the failed tests, from the TAP lines: "not ok N NAME.CLASS.TEST"
    for t in $(sed -n "s/^not ok [0-9]* \\($name\\.[^ ]*\\).*/\\1/p" "$tap"); do
        d="$out/$t"
        echo "===== $t: QMP transcript and test log"
        cat "$d/base.log" || true
        echo "===== $t: guest console"
        cat "$d/console.log" || true
    done
    rm -f "$tap"
    return 1
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64 aarch64 x86_64-k7.3 aarch64-k7.3)
failed=0
failures=$(mktemp)
trap 'rm -f "$failures"' EXIT
for target in "${targets[@]}"; do
    case $target in
    x86_64) run_suite x86_64 amd64 6.12 || failed=1 ;;
    aarch64) run_suite aarch64 arm64 6.12 || failed=1 ;;
    aarch64-k7.3)
        # the virtio-mmio cases (the device tree's keys and LEDs) and
        # the PL061 on a gpio backend
        run_suite aarch64 arm64 7.3 -k VirtioGpioVirtMmio -k Pl061GpioVirt ||
            failed=1 ;;
    x86_64-k7.3)
        # the q35 cases but test_chardev_peer (it tests the chardev
        # protocol, not the kernel; it timed out once on 7.3 under load,
        # see the README)
        run_suite x86_64 amd64 7.3 $(printf -- '-k VirtioGpioQ35.%s ' \
            test_edges test_hotplug test_inputs test_level test_lines \
            test_migration test_outputs test_record test_reboot test_refused \
            test_stimulus test_two) ||
            failed=1 ;;
    *) echo "run-e2e: unknown target $target" >&2; exit 2 ;;
    esac
done
if [ -s "$failures" ]; then
    echo "===== e2e: the failed tests again"
    cat "$failures"
fi
exit $failed
