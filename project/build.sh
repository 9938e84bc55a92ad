#!/usr/bin/env bash
# Prepare a QEMU tree with our files and patch series, configure and
# build it.  Usage: project/build.sh [prepare|configure|build [STAMP]]
#
#   VGPIO_QEMU   the release: 10.2 (default) or 10.0
#   VGPIO_CACHE  cache for the QEMU source and ccache (default ~/.cache/virtio-gpio)
#   VGPIO_BUILD  where the prepared tree lives (default <repo>/_build,
#                <repo>/_build-10.0 for 10.0)
#   QEMU_TARBALL use this QEMU tarball (of the release VGPIO_QEMU names)
#                instead of Debian's
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/project/env.sh"

step=${1:-build}

# The newest $VGPIO_QEMU.x source package in the archive: 10.2 from sid,
# 10.0 from trixie (setup.sh adds their deb-src entries).  Only the
# pristine .orig.tar.xz is used.
fetch_source() {
    local dir="$VGPIO_CACHE/src" tb ver
    if [ -n "${QEMU_TARBALL:-}" ]; then
        echo "$QEMU_TARBALL"
        return
    fi
    tb=$(ls "$dir"/qemu_"$VGPIO_QEMU".*+ds.orig.tar.xz 2>/dev/null | sort -V | tail -n1 || true)
    if [ -z "$tb" ]; then
        ver=$(apt-cache showsrc qemu | sed -n 's/^Version: //p' |
              grep -E "^1:$VGPIO_QEMU\.[0-9]+\+" | sort -V | tail -n1)
        if [ -z "$ver" ]; then
            echo "no QEMU $VGPIO_QEMU source package in the archive" \
                 "(run project/setup.sh)" >&2
            exit 1
        fi
        mkdir -p "$dir"
        (cd "$dir" && apt-get source -q --download-only "qemu=$ver" >&2)
        tb=$(ls "$dir"/qemu_"$VGPIO_QEMU".*+ds.orig.tar.xz | sort -V | tail -n1)
    fi
    echo "$tb"
}

# A hash of everything we lay over QEMU: when it changes, re-prepare.
overlay_files() {
    (cd "$TOP" && git ls-files -co --exclude-standard -- hw include tests docs backends qapi contrib |
        { grep -v '^tests/vgpio/' || true; } | sort)
}

overlay_hash() {
    (cd "$TOP" && { overlay_files | xargs -r sha256sum
                    find "$VGPIO_PATCHES" -maxdepth 1 -name '*.patch' | sort | xargs -r sha256sum
                    find project/configs -type f | sort | xargs -r sha256sum
                    echo "$VGPIO_QEMU"; } |
        sha256sum | cut -d' ' -f1)
}

git_q() { git -C "$QEMU_SRC" -c user.name=vgpio -c user.email=vgpio@localhost "$@"; }

prepare() {
    local hash
    hash=$(overlay_hash)
    if [ -f "$QEMU_SRC/.git/vgpio-stamp" ] && [ "$(cat "$QEMU_SRC/.git/vgpio-stamp")" = "$hash" ]; then
        return
    fi
    # a tree of another release (an older checkout's _build) starts over
    if [ -d "$QEMU_SRC/.git" ] &&
       ! git_q show upstream-base:VERSION 2>/dev/null | grep -q "^$VGPIO_QEMU\\."; then
        echo "== $QEMU_SRC is not QEMU $VGPIO_QEMU: unpacking it again"
        rm -rf "$QEMU_SRC"
    fi
    if [ ! -d "$QEMU_SRC/.git" ]; then
        local tb
        tb=$(fetch_source)
        echo "== unpacking $tb"
        rm -rf "$QEMU_SRC"
        mkdir -p "$QEMU_SRC"
        tar -xf "$tb" -C "$QEMU_SRC" --strip-components=1
        git_q init -q
        git_q add -A -f
        git_q commit -q -m "QEMU $(cat "$QEMU_SRC/VERSION") pristine ($(basename "$tb"))"
        git_q tag -f pristine
        # The Debian +ds repack dropped the edk2 firmware blobs.
        sed -i 's/unpack_edk2_blobs = bzip2.found()/unpack_edk2_blobs = false/' \
            "$QEMU_SRC/meson.build"
        git_q commit -q -a -m "local: no edk2 blobs in the +ds tarball (not for upstream)"
        git_q tag -f upstream-base
    fi
    echo "== laying our files and patches over QEMU"
    git_q am --abort >/dev/null 2>&1 || true
    # our build configuration is laid over QEMU but is not part of it,
    # and neither is the sanitizer build (QEMU's .gitignore has build/)
    printf '%s\n' "configs/devices/*/vgpio.mak" "/build-san/" \
        > "$QEMU_SRC/.git/info/exclude"
    git_q checkout -q -f -B vgpio upstream-base
    git_q clean -q -fdx -e build -e build-san
    overlay_files | while read -r f; do
        mkdir -p "$QEMU_SRC/$(dirname "$f")"
        if ! cmp -s "$TOP/$f" "$QEMU_SRC/$f"; then
            cp "$TOP/$f" "$QEMU_SRC/$f"
        fi
    done
    git_q add -A
    git_q commit -q -m "virtio-gpio: add the new files of the series" \
        -m "Signed-off-by: virtio-gpio developers <virtio-gpio@localhost>" || true
    if ls "$VGPIO_PATCHES"/*.patch >/dev/null 2>&1; then
        git_q am -q --keep-cr "$VGPIO_PATCHES"/*.patch
    fi
    install_device_configs "$QEMU_SRC"
    echo "$hash" > "$QEMU_SRC/.git/vgpio-stamp"
}

configure() {
    prepare
    if [ -f "$QEMU_OBJ/build.ninja" ] && [ -f "$QEMU_OBJ/.vgpio-configured" ] &&
       cmp -s "$QEMU_OBJ/.vgpio-configured" "$TOP/project/configure-args"; then
        return
    fi
    mkdir -p "$QEMU_OBJ"
    echo "== configuring"
    # shellcheck disable=SC2046
    (cd "$QEMU_OBJ" && ../configure $(grep -v '^#' "$TOP/project/configure-args"))
    cp "$TOP/project/configure-args" "$QEMU_OBJ/.vgpio-configured"
}

build() {
    configure
    link_firmware "$QEMU_OBJ"
    echo "== building"
    # regenerate build.ninja first, so the list of qtests is current
    ninja -C "$QEMU_OBJ" build.ninja >/dev/null
    ninja -C "$QEMU_OBJ" qemu-system-x86_64 qemu-system-aarch64 $(cd "$QEMU_OBJ" && ninja -t targets all |
        sed -n 's/^\(tests\/qtest\/[a-z0-9_-]*\): .*/\1/p' | grep -v '\.' | sort -u)
    ccache -s 2>/dev/null | grep -E 'Hits|Misses' | head -3 || true
    if [ -n "${1:-}" ]; then
        touch "$1"
    fi
}

case "$step" in
    prepare) prepare ;;
    configure) configure ;;
    build) build "${2:-}" ;;
    *) echo "usage: $0 [prepare|configure|build]" >&2; exit 2 ;;
esac
