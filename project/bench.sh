#!/usr/bin/env bash
# Benchmarks (not a pass/fail test): build what is missing, then boot the
# test guests on q35, microvm and arm virt (virtio-mmio and PCIe) and time
# requests and interrupts (project/bench.py; arguments go to it, e.g.
# --runs 5 --machines virt-mmio,virt-pci --json out.json).
# VGPIO_QEMU=10.0 times the 10.0 build; VGPIO_BENCH_KERNEL=7.3 boots the
# guests with Linux 7.3.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/project/env.sh"
bash "$TOP/project/setup.sh"
bash "$TOP/project/build.sh" build >/dev/null
kernel=${VGPIO_BENCH_KERNEL:-6.12}
guest=$(guest_image amd64 "$kernel")
bash "$TOP/project/guest/build-image.sh" --kernel "$kernel" >/dev/null
bash "$TOP/project/guest/build-image.sh" --arch arm64 --kernel "$kernel" >/dev/null
exec python3 "$TOP/project/bench.py" "$QEMU_OBJ/qemu-system-x86_64" \
    "$guest" \
    --arm "$QEMU_OBJ/qemu-system-aarch64" "$(guest_image arm64 "$kernel")" \
    "$@"
