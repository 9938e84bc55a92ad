#!/usr/bin/env bash
# Developer check, not part of the test command: every patch of the series
# (of VGPIO_QEMU's release, see env.sh)
# applies with `git am` and builds. Uses its own tree and build directory
# ($VGPIO_BUILD/series) and ccache; the new files are laid over first, as
# in build.sh, then each patch is applied and QEMU rebuilt incrementally.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/project/env.sh"
bash "$TOP/project/build.sh" prepare
tree="$VGPIO_BUILD/series"
rm -rf "$tree"
git clone -q "$QEMU_SRC" "$tree"
git -C "$tree" checkout -q "$(git -C "$QEMU_SRC" log --format=%H -1 \
    --grep='^virtio-gpio: add the new files of the series$')"
# Our device sets, without the device until a patch adds its Kconfig
# symbol (the series starts with a patch to QEMU's own code)
device_configs() {
    local f
    install_device_configs "$tree"
    if ! grep -q '^config VIRTIO_GPIO$' "$tree/hw/virtio/Kconfig"; then
        for f in "$tree"/configs/devices/*/vgpio.mak; do
            sed -i '/^CONFIG_VIRTIO_GPIO=y$/d' "$f"
        done
    fi
}
n=0
for p in "$VGPIO_PATCHES"/*.patch; do
    n=$((n + 1))
    git -C "$tree" -c user.name=vgpio -c user.email=vgpio@localhost am -q "$p"
    device_configs
    if [ ! -f "$tree/build/build.ninja" ]; then
        mkdir -p "$tree/build"
        # --enable-libgpiod exists only from the patch that adds the option
        # shellcheck disable=SC2046
        (cd "$tree/build" && ../configure $(grep -v -e '^#' -e '^--enable-libgpiod$' \
            "$TOP/project/configure-args") >/dev/null)
    fi
    if grep -q "^option('libgpiod'" "$tree/meson_options.txt" &&
       ! grep -q '^--enable-libgpiod$' "$tree/build/.libgpiod" 2>/dev/null; then
        (cd "$tree/build" && pyvenv/bin/meson configure -Dlibgpiod=enabled >/dev/null)
        echo "--enable-libgpiod" > "$tree/build/.libgpiod"
    fi
    echo "== patch $n: $(basename "$p")"
    if ! ninja -C "$tree/build" qemu-system-x86_64 qemu-system-aarch64 \
             tests/qtest/qos-test > "$tree/build/ninja.log" 2>&1; then
        grep -E -A5 'error|FAILED' "$tree/build/ninja.log" | head -40
        echo "patch $n does not build: $(basename "$p")"
        exit 1
    fi
done
echo "every patch applies and builds"
