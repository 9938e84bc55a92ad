#!/usr/bin/env bash
# Install what building and testing our QEMU needs on Debian 12 (bookworm).
# clang-14 and libclang-rt-14-dev build the sanitizer/fuzzing QEMU;
# python3-matplotlib draws the demo's recording.
# Adds bookworm-backports (meson >= 1.5, python3-pycotap, libgpiod 2.x) and
# deb-src entries for sid (QEMU 10.2 source) and trixie (QEMU 10.0 source).
# Idempotent; run as root, or it prints the command to run.
set -euo pipefail

BOOKWORM_PKGS="build-essential pkg-config git ccache ninja-build python3 python3-venv
  libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev seabios xz-utils dpkg-dev
  socat qemu-system-data clang-14 libclang-rt-14-dev device-tree-compiler
  python3-matplotlib"
BACKPORTS_PKGS="meson python3-pycotap libgpiod-dev"

need=()
command -v ccache >/dev/null || need+=(ccache)
for p in $BOOKWORM_PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
[ "$(dpkg-query -W -f='${Status}' libgpiod-dev 2>/dev/null)" = "install ok installed" ] &&
  dpkg --compare-versions "$(dpkg-query -W -f='${Version}' libgpiod-dev)" ge 2.0 || need+=(backports)
[ "$(dpkg-query -W -f='${Status}' meson 2>/dev/null)" = "install ok installed" ] &&
  dpkg --compare-versions "$(dpkg-query -W -f='${Version}' meson)" ge 1.5 || need+=(backports)
[ -f /etc/apt/sources.list.d/trixie-src.sources ] || need+=(sources)
[ -f /etc/apt/sources.list.d/sid-src.sources ] || need+=(sources)

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "Missing build dependencies. Run as root:" >&2
    echo "  sudo bash $0" >&2
    exit 1
fi

# add_source NAME TYPE SUITE: /etc/apt/sources.list.d/NAME.sources
add_source() {
    [ -f "/etc/apt/sources.list.d/$1.sources" ] && return
    cat > "/etc/apt/sources.list.d/$1.sources" <<SRC
Types: $2
URIs: http://deb.debian.org/debian
Suites: $3
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
}
add_source bookworm-backports deb bookworm-backports
add_source trixie-src deb-src trixie
add_source sid-src deb-src sid

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $BOOKWORM_PKGS
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends -t bookworm-backports $BACKPORTS_PKGS
