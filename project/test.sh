#!/usr/bin/env bash
# The test command: install what is missing, build our QEMU (pristine QEMU
# 10.2 source + our files + patches/; QEMU 10.0 + patches/10.0/ for the
# test 'qemu-10.0'), and run every test through the project's meson build
# (see meson.build).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
bash project/setup.sh
if [ ! -f _build/meson/build.ninja ]; then
    meson setup _build/meson .
fi
time meson test -C _build/meson --print-errorlogs "$@"
