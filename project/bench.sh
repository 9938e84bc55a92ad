#!/usr/bin/env bash
# Benchmarks (not a pass/fail test): build what is missing, then boot the
# test guest on q35 and microvm and time requests and interrupts
# (project/bench.py; arguments go to it, e.g. --runs 5 --json out.json).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/project/env.sh"
bash "$TOP/project/setup.sh"
bash "$TOP/project/build.sh" build >/dev/null
bash "$TOP/project/guest/build-image.sh" >/dev/null
exec python3 "$TOP/project/bench.py" "$QEMU_OBJ/qemu-system-x86_64" \
    "$VGPIO_CACHE/guest/current" "$@"
