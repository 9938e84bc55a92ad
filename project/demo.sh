#!/usr/bin/env bash
# The main job: build what is missing (QEMU, the guest images), then run
# the demo with real Linux guests: the arm virt scene (gpio-keys and
# gpio-leds on virtio GPIO lines, from the device tree), then the x86 q35
# one (libgpiod tools). --scene=arm or --scene=x86 runs one of them.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/project/env.sh"
bash "$TOP/project/setup.sh"
bash "$TOP/project/build.sh" build >/dev/null
bash "$TOP/project/guest/build-image.sh" --arch arm64 >/dev/null
bash "$TOP/project/guest/build-image.sh" >/dev/null
exec python3 "$TOP/project/demo.py" "$@" \
    "$QEMU_OBJ/qemu-system-aarch64" "$VGPIO_CACHE/guest/arm64/current" \
    "$QEMU_OBJ/qemu-system-x86_64" "$VGPIO_CACHE/guest/current"
