#!/usr/bin/env bash
# The main job: build what is missing (QEMU, the guest image), then run the
# demo scene with a real Linux guest.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/project/env.sh"
bash "$TOP/project/setup.sh"
bash "$TOP/project/build.sh" build >/dev/null
bash "$TOP/project/guest/build-image.sh" >/dev/null
exec python3 "$TOP/project/demo.py" "$QEMU_OBJ/qemu-system-x86_64" \
    "$VGPIO_CACHE/guest/current"
