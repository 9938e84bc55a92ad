#!/usr/bin/env bash
# Run the qtests of our QEMU build, on both targets: the virtio-gpio tests
# and QEMU's own x86_64 and aarch64 qtests that our minimal device sets
# build (qos-test, qmp-cmd-test, test-hmp, device-introspect-test, ...).
# QEMU's migration-test is left out: it boots guests for minutes under TCG
# and does not touch our device (virtio-gpio-migration-test does).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/project/env.sh"
cd "$QEMU_OBJ"
tests=$(meson test --no-rebuild --list --suite qtest-x86_64 --suite qtest-aarch64 2>/dev/null |
        sed -n 's|^.* / \(qtest-[a-z0-9_]*/.*\)$|\1|p' | grep -v '/migration-test$')
# aarch64's qos-test runs close to its 120 s timeout under TCG on two
# busy cores: give every qtest three times QEMU's timeout
# shellcheck disable=SC2086
meson test --no-rebuild --print-errorlogs --num-processes "$(nproc)" \
    --timeout-multiplier 3 $tests
