#!/usr/bin/env bash
# Build the Linux test guest (kernel + initramfs) from Debian packages.
#
#   build-image.sh [--arch amd64|arm64] [--kernel 6.12|7.3]
#
# Result: $VGPIO_CACHE/guest/current/{vmlinuz,initramfs.cpio.gz,VERSION}
# (amd64, the default), $VGPIO_CACHE/guest/arm64/current/... (arm64: cross-
# built on an amd64 host; its .debs come through a private apt
# configuration, see apt_private below), $VGPIO_CACHE/guest/k7.3/current/...
# (amd64 with Linux 7.3 from trixie-backports, see KSERIES below) and
# $VGPIO_CACHE/guest/k7.3/arm64/current/... (arm64 with Linux 7.3).
# Kernel: the newest linux-source-6.12 in the apt cache whose image, headers
# and kbuild packages of exactly the same version are available; Debian does
# not enable CONFIG_GPIO_VIRTIO, so drivers/gpio/gpio-virtio.c from that
# source is built out of tree, as is vgpio-level.c (a level-triggered
# interrupt consumer that the tests load with insmod) and gpio-sim.ko (the
# GPIO simulator, with kernel/irq/irq_sim.c compiled in, for gpio-sim.sh;
# not loaded at boot either). Userspace: busybox-static and libgpiod 2.x
# tools (bookworm-backports). Everything is cached; only what is missing is
# rebuilt. The arm64 image has no gpio-sim; it has the device tree consumers'
# drivers (gpio-keys, leds-gpio, evdev), evtest and vgpio-keys instead.
# --kernel 7.3 (amd64 or arm64): the same from linux-source-7.3 and its
# packages in trixie-backports (through private apt configurations; the user
# space stays bookworm's), the modules built with gcc-12 after linux-kbuild's
# modpost (and, for amd64, objtool) are built again for bookworm's glibc
# (build_host_tools); amd64 also takes Debian's own gpio-sim.ko.
# See README.md beside this file.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
log() { echo "build-image: $*"; }
die() { echo "build-image: error: $*" >&2; exit 1; }
usage() { echo "usage: build-image.sh [--arch amd64|arm64] [--kernel 6.12|7.3]" >&2; exit 2; }

ARCH=amd64 KSERIES=6.12
while [ $# -gt 0 ]; do
    case $1 in
    --arch) [ $# -ge 2 ] || usage; ARCH=$2; shift 2 ;;
    --arch=*) ARCH=${1#--arch=}; shift ;;
    --kernel) [ $# -ge 2 ] || usage; KSERIES=$2; shift 2 ;;
    --kernel=*) KSERIES=${1#--kernel=}; shift ;;
    -h | --help) usage ;;
    *) usage ;;
    esac
done

ROOT=${VGPIO_CACHE:-$HOME/.cache/virtio-gpio}/guest
# .debs of both architectures, in one directory (the kernel source and the
# host's linux-kbuild serve both); each build lists what it uses in
# $DEBS/.keep-ARCH and deletes only what no such list names.
DEBS=$ROOT/debs
HOSTARCH=$(dpkg --print-architecture)
HOST_PKGS="gcc-12 make binutils kmod cpio xz-utils gzip"
# Per architecture: where it is cached, the kernel flavour (linux-image-ABI-
# FLAVOUR), the compiler for our static programs and the strip for them and
# the modules (the kernel headers choose the modules' compiler themselves),
# the library directory (lib/TRIPLET) and the dynamic linker (its name, and
# the path programs ask for as interpreter), the modules loaded at boot by default
# (with their dependencies; built-in ones are skipped), the user-space
# packages, their programs copied to /usr/bin (with their DT_NEEDED
# libraries), our static programs, and the sources the image is built from.
case $ARCH in
amd64)
    CACHE=$ROOT
    KFLAVOUR=amd64
    CC=gcc-12 STRIP=strip
    TRIPLET=x86_64-linux-gnu
    LDSO=ld-linux-x86-64.so.2 LDSO_LINK=lib64/ld-linux-x86-64.so.2
    DEFAULT_MODULES="virtio_pci virtio_mmio gpio_virtio"
    USER_PKGS="busybox-static gpiod libgpiod3 libc6"
    USER_BINS="gpio*"
    STATIC_PROGS="vgpio-bench"
    WITH_SIM=build
    SOURCES="init build-image.sh needed-libs.sh vgpio-level.c gpio-sim.sh vgpio-bench.c"
    ;;
arm64)
    [ "$HOSTARCH" = amd64 ] || die "--arch arm64 cross-builds on an amd64 host (this one is $HOSTARCH)"
    CACHE=$ROOT/arm64
    KFLAVOUR=arm64
    CC=aarch64-linux-gnu-gcc STRIP=aarch64-linux-gnu-strip
    TRIPLET=aarch64-linux-gnu
    LDSO=ld-linux-aarch64.so.1 LDSO_LINK=lib/ld-linux-aarch64.so.1
    # virtio and virtio_pci are built in; the device tree consumers' drivers
    # (the LED triggers before leds-gpio, so that an LED finds its
    # linux,default-trigger when it registers; ledtrig-heartbeat is built in).
    DEFAULT_MODULES="virtio_mmio gpio_virtio evdev ledtrig_timer ledtrig_default_on ledtrig_heartbeat gpio_keys gpio_keys_polled leds_gpio"
    USER_PKGS="busybox-static gpiod libgpiod3 libc6 evtest"
    USER_BINS="gpio* evtest"
    STATIC_PROGS="vgpio-bench vgpio-keys"
    WITH_SIM=none
    SOURCES="init build-image.sh needed-libs.sh vgpio-level.c vgpio-bench.c vgpio-keys.c"
    HOST_PKGS="$HOST_PKGS gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
    ;;
*) die "unknown architecture $ARCH (amd64 or arm64)" ;;
esac
# Which apt configuration serves which packages: the host's ("host") or a
# private one (see apt_private), named by its directory in $CACHE ("apt",
# ...), of architecture APTARCH[NAME] and with the sources APTSRC[NAME]
# (empty: the Debian suites of the host's apt). UAPT: the image's user
# space; KAPT: the kernel's packages of $ARCH; KHAPT: the kernel's packages
# that run on the host (linux-source, linux-kbuild).
declare -A APTARCH APTSRC
UAPT=host KAPT=host KHAPT=host
if [ "$ARCH" != "$HOSTARCH" ]; then
    UAPT=apt KAPT=apt APTARCH[apt]=$ARCH APTSRC[apt]=''
fi
# Per kernel series: the image packages (preferred first) and the other
# packages of the same version the kernel tree needs besides the headers and
# linux-kbuild (@ stands for ABI-FLAVOUR), the arguments for kbuild, whether
# linux-kbuild's host tools are built again (build_host_tools: "" or
# "modpost" or "modpost objtool"), the .debs list (KEEPID, see the end) and,
# for 7.3, the cache, the apt configurations and gpio-sim.
KPKG_IMAGE="linux-image-@-unsigned linux-image-@" KPKG_EXTRA=''
KMAKE_ARGS='' KTOOLS='' KEEPID=$ARCH
KSUITES="needs bookworm-security or bookworm-backports"
case $KSERIES in
6.12) ;;
7.3)
    # Linux 7.3 of trixie-backports. The user space stays the host's
    # (bookworm), as for 6.12. amd64: guest/k7.3, one private apt
    # configuration (apt: trixie, amd64) for all the kernel's packages.
    # arm64: guest/k7.3/arm64, three: apt (trixie, arm64: the image, modules
    # and headers), apt-amd64 (trixie, the host's architecture:
    # linux-source, linux-kbuild) and apt-user (the host's suites, arm64: the
    # user space, as apt of the arm64 6.12 image).
    TRIXIE="http://deb.debian.org/debian trixie main
http://deb.debian.org/debian trixie-backports main"
    KAPT=apt KHAPT=apt APTARCH[apt]=$ARCH APTSRC[apt]=$TRIXIE
    if [ "$ARCH" = "$HOSTARCH" ]; then
        CACHE=$ROOT/k7.3
    else
        CACHE=$ROOT/k7.3/$ARCH
        KHAPT=apt-$HOSTARCH APTARCH[apt-$HOSTARCH]=$HOSTARCH APTSRC[apt-$HOSTARCH]=$TRIXIE
        UAPT=apt-user APTARCH[apt-user]=$ARCH APTSRC[apt-user]=''
    fi
    KEEPID=$ARCH-k7.3
    KSUITES="needs trixie-backports"
    # Debian 13's kernel packages: the image (vmlinuz in /usr/lib/modules/KVER),
    # the modules and the base files (System.map, config, modules.builtin)
    # are three packages.
    KPKG_IMAGE="linux-binary-unsigned-@ linux-binary-@" KPKG_EXTRA="linux-modules-@ linux-base-@"
    # Debian built it with gcc-14, which bookworm does not have: the modules
    # are built with gcc-12, which lacks -fmin-function-alignment; without
    # CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT the Makefile passes
    # -falign-functions instead, as for any older compiler.
    KMAKE_ARGS="CC=$TRIPLET-gcc-12 CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT="
    # objtool runs for x86 only (arm64 has no CONFIG_OBJTOOL; checked).
    if [ "$ARCH" = amd64 ]; then
        KTOOLS="modpost objtool"
        HOST_PKGS="$HOST_PKGS libelf-dev"
    else
        KTOOLS=modpost
        HOST_PKGS="$HOST_PKGS gcc-12-aarch64-linux-gnu"
    fi
    # CONFIG_GPIO_SIM=m (and CONFIG_IRQ_SIM=y): Debian's own gpio-sim.ko
    # (amd64; the arm64 image has none, as with 6.12).
    [ "$WITH_SIM" = none ] || WITH_SIM=kernel
    ;;
*) die "unknown kernel $KSERIES (6.12 or 7.3)" ;;
esac
MODULES=${VGPIO_GUEST_MODULES:-$DEFAULT_MODULES}
# shellcheck source-path=SCRIPTDIR source=needed-libs.sh
. "$HERE/needed-libs.sh"

# --- host build dependencies ------------------------------------------------
missing=()
for p in $HOST_PKGS; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "build-image: missing build dependencies. Run as root:" >&2
        echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# One build at a time per cache (both architectures: they share $DEBS).
mkdir -p "$CACHE"
exec 9> "$ROOT/.lock"
flock 9

# --- private apt configurations for a foreign architecture or other suites ---
# Package lists of APTARCH[NAME] for the Debian suites the host's apt uses
# (as `apt-get indextargets` reports them), or for APTSRC[NAME] ("URI SUITE
# COMPONENT" lines; --kernel 7.3), kept in $CACHE/NAME: the system's apt is
# not touched (no dpkg --add-architecture, no sources.list entry,
# Dir::State::status=/dev/null), and
# no root is needed. Refreshed when the host's lists are newer (the host ran
# apt-get update) or the suites changed, and when no kernel is found.
# apt_for APT COMMAND...: run an apt command with the host's apt (APT host)
# or the private configuration APT.
apt_for() {
    if [ "$1" = host ]; then shift; "$@"; else APT_CONFIG=$CACHE/$1/apt.conf "${@:2}"; fi
}
apt_private_update() {   # apt_private_update NAME
    local dir=$CACHE/$1 arch=${APTARCH[$1]}
    log "updating the $arch package lists ($dir)"
    apt_for "$1" apt-get update -qq -o APT::Sandbox::User="$(id -un)" ||
        { [ -f "$dir/lists/.stamp" ] || die "apt-get update of the $arch lists ($dir) failed"; log "warning: apt-get update of the $arch lists ($dir) failed; using the old lists"; return 0; }
    touch "$dir/lists/.stamp"
}
apt_private() {   # apt_private NAME
    local dir=$CACHE/$1 arch=${APTARCH[$1]} sources keyring='' syslists
    mkdir -p "$dir"/{lists/partial,cache,state,etc/sources.list.d,etc/preferences.d}
    [ -f /usr/share/keyrings/debian-archive-keyring.gpg ] &&
        keyring=" signed-by=/usr/share/keyrings/debian-archive-keyring.gpg"
    if [ -n "${APTSRC[$1]}" ]; then
        sources=$(awk -v opt="[arch=$arch$keyring]" '{print "deb", opt, $1, $2, $3}' <<< "${APTSRC[$1]}")
    else
        # shellcheck disable=SC2016
        sources=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT) $(ORIGIN)' 'Identifier: Packages' |
                  awk -v opt="[arch=$arch$keyring]" '$4 == "Debian" {print "deb", opt, $1, $2, $3}' | LC_ALL=C sort -u)
    fi
    [ -n "$sources" ] || die "the host's apt has no Debian binary package lists (apt-get update?)"
    cat > "$dir/apt.conf.new" <<EOF
APT::Architecture "$arch";
APT::Architectures { "$arch"; };
Dir::State "$dir/state";
Dir::State::Lists "$dir/lists";
Dir::State::status "/dev/null";
Dir::Cache "$dir/cache";
Dir::Etc::sourcelist "$dir/etc/sources.list";
Dir::Etc::sourceparts "$dir/etc/sources.list.d";
Dir::Etc::preferencesparts "$dir/etc/preferences.d";
Acquire::Languages "none";
EOF
    if ! cmp -s "$dir/apt.conf.new" "$dir/apt.conf" || [ "$sources" != "$(cat "$dir/etc/sources.list" 2>/dev/null)" ]; then
        mv "$dir/apt.conf.new" "$dir/apt.conf"
        echo "$sources" > "$dir/etc/sources.list"
        rm -f "$dir/lists/.stamp"
    fi
    rm -f "$dir/apt.conf.new"
    eval "$(apt-config shell syslists Dir::State::lists/d)"
    if [ ! -f "$dir/lists/.stamp" ] ||
       [ -n "$(find "$syslists" -maxdepth 1 -name '*Release' -newer "$dir/lists/.stamp" 2>/dev/null | head -n 1)" ]; then
        apt_private_update "$1"
    fi
}
for a in "${!APTARCH[@]}"; do apt_private "$a"; done

# --- choose versions from the apt cache --------------------------------------
# "PKG VERSION" lines, newest version first (binary packages only), in the
# apt configuration used for the command (host_versions), or of the image's
# user space (versions).
host_versions() {
    apt-cache madison "$@" 2>/dev/null |
        awk -F' *[|] *' '$3 !~ /Sources$/ {sub(/^ +/, "", $1); print $1, $2}'
}
versions() { apt_for "$UAPT" host_versions "$@"; }

# The kernel source and the kbuild tools come for the host, the image and the
# headers for $ARCH, all of exactly the same version.
pick_kernel() {   # sets SRCVER ABI IMGPKG KEXTRA
    local v up k have p
    for v in $(apt_for "$KHAPT" host_versions "linux-source-$KSERIES" | awk '{print $2}'); do
        up=${v%%-*}
        for k in $(apt_for "$KHAPT" apt-cache pkgnames "linux-kbuild-$up+"); do
            ABI=${k#linux-kbuild-}
            KEXTRA=${KPKG_EXTRA//@/$ABI-$KFLAVOUR}
            # shellcheck disable=SC2086
            have=$( { apt_for "$KHAPT" host_versions "$k"
                      apt_for "$KAPT" host_versions "linux-headers-$ABI-$KFLAVOUR" "linux-headers-$ABI-common" \
                               $KEXTRA ${KPKG_IMAGE//@/$ABI-$KFLAVOUR}; } |
                   awk -v v="$v" '$2 == v {print $1}')
            for p in "$k" "linux-headers-$ABI-$KFLAVOUR" "linux-headers-$ABI-common" $KEXTRA; do
                grep -qxF "$p" <<< "$have" || continue 2
            done
            for IMGPKG in ${KPKG_IMAGE//@/$ABI-$KFLAVOUR}; do
                grep -qxF "$IMGPKG" <<< "$have" && { SRCVER=$v; return 0; }
            done
        done
    done
    return 1
}

if ! pick_kernel; then
    [ "$(id -u)" = 0 ] && { log "no complete linux $KSERIES package set in the apt cache: apt-get update"; apt-get update -qq; }
    [ "$KAPT" = host ] || apt_private_update "$KAPT"
    [ "$KHAPT" = host ] || [ "$KHAPT" = "$KAPT" ] || apt_private_update "$KHAPT"
    pick_kernel || die "no linux-source-$KSERIES with matching linux-image/headers/kbuild in the apt cache ($KSUITES; try apt-get update)"
fi
KVER=$ABI-$KFLAVOUR
# shellcheck disable=SC2086
UV=$(versions $USER_PKGS)
newest() { awk -v p="$1" '$1 == p {print $2; exit}' <<< "$UV"; }
GPIODVER=$(newest gpiod)
dpkg --compare-versions "${GPIODVER:-0}" ge 2.0 ||
    die "gpiod 2.x not in the apt cache (needs bookworm-backports; try apt-get update)"
BBVER=$(newest busybox-static)
LIBCVER=$(newest libc6)
# arm64 (a cross build): evtest, and the host's busybox-static, which lists
# the applets (see the userland section).
HASH_EXTRA='' EVTESTVER='' HBBVER=''
if [ "$ARCH" != "$HOSTARCH" ]; then
    EVTESTVER=$(newest evtest)
    HBBVER=$(host_versions busybox-static | awk '{print $2; exit}')
    if [ -z "$BBVER" ] || [ -z "$LIBCVER" ] || [ -z "$EVTESTVER" ] || [ -z "$HBBVER" ]; then
        die "busybox-static, libc6 or evtest ($ARCH) or busybox-static ($HOSTARCH) not in the apt lists"
    fi
    HASH_EXTRA=" $ARCH $EVTESTVER $HBBVER"
fi
log "kernel $KVER ($SRCVER, $IMGPKG), libgpiod $GPIODVER, busybox $BBVER, libc6 $LIBCVER${EVTESTVER:+, evtest $EVTESTVER}"

# The final image depends on these inputs; its directory is named by their hash.
HASH=$( { echo "$SRCVER $IMGPKG $GPIODVER $BBVER $LIBCVER$HASH_EXTRA $MODULES"
          for f in $SOURCES; do cat "$HERE/$f"; done; } |
        sha256sum | cut -c1-12)
OUT=$CACHE/image-$HASH
if [ -f "$OUT/VERSION" ]; then
    ln -sfn "image-$HASH" "$CACHE/current"
    log "up to date: $CACHE/current -> image-$HASH"
    exit 0
fi

# --- downloads ----------------------------------------------------------------
mkdir -p "$DEBS"
debfile() {   # debfile PKG VERSION ARCH: the cached .deb of ARCH or all, if any
    local f
    for f in "$DEBS/${1}_${2/:/%3a}_$3.deb" "$DEBS/${1}_${2/:/%3a}_all.deb"; do
        [ -f "$f" ] && { echo "$f"; return; }
    done
    return 0
}
fetch() {   # fetch PKG VERSION [ARCH APT]: F = the cached .deb, downloaded if missing
    local a=${3:-$ARCH} apt=${4:-$UAPT}
    F=$(debfile "$1" "$2" "$a")
    if [ -z "$F" ]; then
        log "downloading $1 $2${3:+ ($a)}"
        (cd "$DEBS" && apt_for "$apt" apt-get download -q -o APT::Sandbox::User="$(id -un)" "$1=$2") ||
            die "apt-get download $1=$2 failed (stale apt lists? try apt-get update)"
        F=$(debfile "$1" "$2" "$a")
        [ -n "$F" ] || die "apt-get download $1=$2: no ${1}_*_{$a,all}.deb in $DEBS"
    fi
}
# "PACKAGE ARCH APT" of the kernel tree: the kbuild tools run on the host.
KPKGS="$IMGPKG $ARCH $KAPT
linux-headers-$ABI-$KFLAVOUR $ARCH $KAPT
linux-headers-$ABI-common $ARCH $KAPT
linux-kbuild-$ABI $HOSTARCH $KHAPT"
for p in $KEXTRA; do KPKGS="$KPKGS
$p $ARCH $KAPT"; done
# .debs of this build; others (older versions) are deleted at the end unless
# the other images' last builds use them (see the end).
KEEP="$(while read -r p _; do echo "${p}_$SRCVER"; done <<< "$KPKGS"; echo "linux-source-${KSERIES}_$SRCVER")
busybox-static_${BBVER/:/%3a}
gpiod_$GPIODVER
libgpiod3_$GPIODVER
libc6_$LIBCVER${EVTESTVER:+
evtest_${EVTESTVER/:/%3a}}${HBBVER:+
busybox-static_${HBBVER/:/%3a}}"

# kernel_source DIR STRIP PATH...: extract PATHs (of the top of the tree) from
# linux-source-$KSERIES into DIR, without the first STRIP components of their
# names (linux-source-$KSERIES/...).
kernel_source() {
    local dir=$1 strip=$2
    shift 2
    fetch "linux-source-$KSERIES" "$SRCVER" "$HOSTARCH" "$KHAPT"
    log "extracting $* from $(basename "$F")"
    dpkg-deb --fsys-tarfile "$F" | tar -xO "./usr/src/linux-source-$KSERIES.tar.xz" |
        tar -xJ -C "$dir" --strip-components="$strip" "${@/#/linux-source-$KSERIES/}"
}
# kmake DIR TARGET...: kbuild for the Kbuild file in DIR (external module)
# against the headers. Skip BTF for the modules: no pahole needed.
kmake() {
    local dir=$1
    shift
    # shellcheck disable=SC2086
    make -s -C "$KROOT/usr/src/linux-headers-$KVER" M="$dir" CONFIG_DEBUG_INFO_BTF_MODULES= $KMAKE_ARGS "$@"
}

# --- linux-kbuild's host tools, built again (7.3) -------------------------------
# The linux-kbuild of trixie-backports is built for trixie: its modpost and
# objtool (the programs behind Debian's wrappers scripts/mod/modpost and
# tools/objtool/objtool) need glibc 2.38, bookworm has 2.36 (fixdep and the
# other tools run). Those of $KTOOLS are built from linux-source-$KSERIES,
# with the host's gcc-12: modpost as scripts/mod/Makefile does it
# (devicetable-offsets.h from devicetable-offsets.s, compiled by kbuild with
# the kernel's flags, so with $ARCH's structure layout, and the Makefile's
# sed-offsets; elfconfig.h from mk_elfconfig), objtool with its Makefile
# (libelf-dev). They replace Debian's binaries in the kernel tree. arm64
# (the amd64 linux-kbuild, for a kernel without CONFIG_OBJTOOL): modpost only.
build_host_tools() {
    local src=$KROOT/src kb=$KROOT/usr/lib/linux-kbuild-$ABI objtool=0 objsrc=()
    case " $KTOOLS " in *" objtool "*)
        objtool=1 objsrc=(tools/objtool tools/lib tools/include tools/arch/x86 tools/build tools/scripts) ;;
    esac
    if [ "$objtool" = 0 ] && grep -q '^CONFIG_OBJTOOL=y' "$KROOT/usr/src/linux-headers-$KVER/.config"; then
        die "linux-headers-$KVER: CONFIG_OBJTOOL=y, but objtool is not built again for $ARCH"
    fi
    if [ ! -f "$kb/scripts/mod/modpost.real-lsb-64" ] ||
       { [ "$objtool" = 1 ] && [ ! -f "$kb/tools/objtool/objtool.real-x86" ]; }; then
        die "linux-kbuild-$ABI: no scripts/mod/modpost.real-lsb-64 or tools/objtool/objtool.real-x86 to replace"
    fi
    rm -rf "$src"; mkdir -p "$src"
    kernel_source "$src" 1 scripts/mod scripts/include include/linux/license.h include/linux/module_symbol.h \
        include/linux/mod_devicetable.h include/linux/device-id "${objsrc[@]}"
    log "building $KTOOLS from linux-source-$KSERIES"
    : > "$src/scripts/mod/Kbuild"   # for kmake: only the two targets below
    kmake "$src/scripts/mod" devicetable-offsets.s empty.o
    (
        cd "$src/scripts/mod"
        { echo "#ifndef __DEVICETABLE_OFFSETS_H__"; echo "#define __DEVICETABLE_OFFSETS_H__"
          sed -ne 's:^[[:space:]]*\.ascii[[:space:]]*"\(.*\)".*:\1:; /^->/{s:->#\(.*\):/* \1 */:;
                  s:^->\([^ ]*\) [\$#]*\([^ ]*\) \(.*\):#define \1 \2 /* \3 */:; s:->::; p;}' devicetable-offsets.s
          echo "#endif"; } > devicetable-offsets.h
        grep -q '^#define SIZE_virtio_device_id ' devicetable-offsets.h || die "devicetable-offsets.h: no offsets"
        gcc-12 -O2 -o mk_elfconfig mk_elfconfig.c
        ./mk_elfconfig < empty.o > elfconfig.h
        gcc-12 -O2 -I../include -o modpost modpost.c file2alias.c sumversion.c symsearch.c
    )
    cp "$src/scripts/mod/modpost" "$kb/scripts/mod/modpost.real-lsb-64"
    if [ "$objtool" = 1 ]; then
        make -s -C "$src/tools/objtool" -j"$(nproc)" CC=gcc-12 HOSTCC=gcc-12
        cp "$src/tools/objtool/objtool" "$kb/tools/objtool/objtool.real-x86"
    fi
    rm -rf "$src"
}

# --- kernel tree: image, headers, kbuild ---------------------------------------
KROOT=$CACHE/kernel-$SRCVER
if [ ! -f "$KROOT/.done" ]; then
    rm -rf "$KROOT"; mkdir -p "$KROOT"
    while read -r p a apt; do
        fetch "$p" "$SRCVER" "$a" "$apt"; log "unpacking $(basename "$F")"; dpkg-deb -x "$F" "$KROOT"
    done <<< "$KPKGS"
    # Debian 13's packages install into /usr/lib only (merged /usr), where
    # depmod -b and modprobe -d look for lib/modules.
    [ -e "$KROOT/lib" ] || ln -s usr/lib "$KROOT/lib"
    # The headers Makefile includes the common one by absolute path (and
    # 7.3's sets KBUILD_OUTPUT to its own).
    sed -i "s|^include /usr/src/|include $KROOT/usr/src/|; s|^KBUILD_OUTPUT=/usr/src/|KBUILD_OUTPUT=$KROOT/usr/src/|" \
        "$KROOT/usr/src/linux-headers-$KVER/Makefile"
    [ -z "$KTOOLS" ] || build_host_tools
    touch "$KROOT/.done"
fi

# --- gpio-virtio.ko, built out of tree from the same source version ------------
MOD=$CACHE/mod-$SRCVER
if [ ! -f "$MOD/gpio-virtio.ko" ]; then
    rm -rf "$MOD"; mkdir -p "$MOD"
    kernel_source "$MOD" 3 drivers/gpio/gpio-virtio.c
    echo 'obj-m := gpio-virtio.o' > "$MOD/Kbuild"
    log "building gpio-virtio.ko against linux-headers-$KVER"
    kmake "$MOD" modules
    $STRIP --strip-debug "$MOD/gpio-virtio.ko"
fi

# --- vgpio-level.ko (not loaded at boot), same headers, same way ---------------
LVL=$CACHE/level-$SRCVER
if [ ! -f "$LVL/vgpio-level.ko" ] || ! cmp -s "$HERE/vgpio-level.c" "$LVL/vgpio-level.c"; then
    rm -rf "$LVL"; mkdir -p "$LVL"
    cp "$HERE/vgpio-level.c" "$LVL/"
    echo 'obj-m := vgpio-level.o' > "$LVL/Kbuild"
    log "building vgpio-level.ko against linux-headers-$KVER"
    kmake "$LVL" modules
    $STRIP --strip-debug "$LVL/vgpio-level.ko"
fi

# --- gpio-sim.ko (not loaded at boot): the GPIO simulator, for gpio-sim.sh -------
# Debian has CONFIG_GPIO_SIM and CONFIG_IRQ_SIM unset, so kernel/irq/irq_sim.c
# is compiled into the module. It calls handle_simple_irq(irq_to_desc(irq)),
# and irq_to_desc is not exported to modules: generic_handle_irq_safe(irq)
# does the same (the descriptor's handler is handle_simple_irq, set by
# irq_sim's map callback). configfs.ko (CONFIG_CONFIGFS_FS=m) comes from the
# kernel package. SIM_RECIPE names this recipe: change it to rebuild.
# Not in the arm64 images; amd64 7.3 has its own gpio-sim.ko (WITH_SIM=kernel).
SIM=$CACHE/sim-$SRCVER
SIM_RECIPE="gpio-sim.c + irq_sim.c (irq_to_desc -> generic_handle_irq_safe) v1"
[ "$WITH_SIM" = build ] || SIM=
if [ -n "$SIM" ] && { [ ! -f "$SIM/gpio-sim.ko" ] || [ "$(cat "$SIM/recipe" 2>/dev/null)" != "$SIM_RECIPE" ]; }; then
    rm -rf "$SIM"; mkdir -p "$SIM"
    kernel_source "$SIM" 1 drivers/gpio/gpio-sim.c kernel/irq/irq_sim.c
    mv "$SIM/drivers/gpio/gpio-sim.c" "$SIM/gpio-sim-main.c"
    mv "$SIM/kernel/irq/irq_sim.c" "$SIM/irq_sim.c"
    rm -r "$SIM/drivers" "$SIM/kernel"
    sed -i 's/handle_simple_irq(irq_to_desc(\([a-z]*\)));/generic_handle_irq_safe(\1);/' "$SIM/irq_sim.c"
    if grep -q irq_to_desc "$SIM/irq_sim.c" || ! grep -q 'generic_handle_irq_safe(irqnum);' "$SIM/irq_sim.c"; then
        die "kernel/irq/irq_sim.c of $SRCVER: unexpected irq_to_desc use, update the recipe"
    fi
    printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' > "$SIM/Kbuild"
    log "building gpio-sim.ko against linux-headers-$KVER"
    # modpost fails here on any symbol the kernel does not export.
    kmake "$SIM" modules
    strip --strip-debug "$SIM/gpio-sim.ko"
    echo "$SIM_RECIPE" > "$SIM/recipe"
fi

# --- modules to load, in dependency order --------------------------------------
mkdir -p "$KROOT/lib/modules/$KVER/extra"
cp "$MOD/gpio-virtio.ko" ${SIM:+"$SIM/gpio-sim.ko"} "$KROOT/lib/modules/$KVER/extra/"
depmod -b "$KROOT" "$KVER"
# shellcheck disable=SC2086
MODPATHS=$(modprobe -d "$KROOT" -S "$KVER" -a --show-depends $MODULES |
           awk '$1 == "insmod" && !seen[$2]++ {print $2}') ||
    die "modules to load ($MODULES): one is not in $KVER (neither built in nor a module)"
# gpio-sim.ko (ours, or the kernel's gpio-sim.ko.xz) and what it needs
# (configfs), in load order; for gpio-sim.sh.
SIMPATHS=
if [ "$WITH_SIM" != none ]; then
    SIMPATHS=$(modprobe -d "$KROOT" -S "$KVER" --show-depends gpio_sim | awk '$1 == "insmod" {print $2}')
    case $(basename "$(echo "$SIMPATHS" | tail -n 1)") in
    gpio-sim.ko | gpio-sim.ko.xz) ;;
    *) die "modprobe --show-depends gpio_sim: unexpected $SIMPATHS" ;;
    esac
fi

# --- userland ---------------------------------------------------------------------
USR=$CACHE/userland-$HASH
rm -rf "$USR"; mkdir -p "$USR"
for p in $USER_PKGS; do
    case $p in gpiod | libgpiod3) v=$GPIODVER ;; busybox-static) v=$BBVER ;; libc6) v=$LIBCVER ;; evtest) v=$EVTESTVER ;; esac
    fetch "$p" "$v"; dpkg-deb -x "$F" "$USR"
done

# The paths of busybox's applets (bin/sh, sbin/insmod, ...), from
# `busybox --list-full`. A foreign busybox cannot run here: the host's
# busybox-static lists them once its table of applet names is checked to be
# the same as in the image's (Debian builds both from one configuration).
applet_names() {   # the sorted, NUL-separated applet names in a busybox binary
    # (awk stops reading early: tr's SIGPIPE is not an error here)
    { tr '\0' '\n' < "$1" || :; } | LC_ALL=C awk '
        on && ($0 == "" || $0 <= prev) {exit}
        on {print; prev = $0; next}
        prev == "[" && $0 == "[[" {on = 1; print "["; print; prev = $0; next}
        {prev = $0}'
}
BB=$USR/bin/busybox
if [ "$ARCH" != "$HOSTARCH" ]; then
    fetch busybox-static "$HBBVER" "$HOSTARCH" host
    BB=$USR/busybox.$HOSTARCH
    dpkg-deb --fsys-tarfile "$F" | tar -xO ./bin/busybox > "$BB"; chmod +x "$BB"
    names=$(applet_names "$USR/bin/busybox")
    if [ "$(wc -l <<< "$names")" -lt 100 ] || [ "$names" != "$(applet_names "$BB")" ]; then
        die "busybox-static $BBVER ($ARCH) and $HBBVER ($HOSTARCH) have different applets"
    fi
fi
APPLETS=$("$BB" --list-full)

# --- initramfs ----------------------------------------------------------------------
log "assembling initramfs"
ST=$CACHE/staging-$HASH
rm -rf "$ST" "$OUT.tmp"
L=lib/$TRIPLET
mkdir -p "$ST"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,lib/modules,"$(dirname "$LDSO_LINK")","$L"}
install -m 0755 "$HERE/init" "$ST/init"
cp "$USR/bin/busybox" "$ST/bin/busybox"
for a in $APPLETS; do
    [ "$a" = bin/busybox ] || ln -s /bin/busybox "$ST/$a"
done
DYN=
for b in $USER_BINS; do
    # shellcheck disable=SC2086
    for f in "$USR"/usr/bin/$b; do cp -a "$f" "$ST/usr/bin/"; DYN="$DYN $ST/usr/bin/$(basename "$f")"; done
done
cp -L "$USR/$L/$LDSO" "$ST/$L/"
ln -s "/$L/$LDSO" "$ST/$LDSO_LINK"
# Shared libraries: follow DT_NEEDED from the gpiod tools (and evtest).
# shellcheck disable=SC2086
copy_needed_libs "$ST/$L" "$USR/$L $USR/usr/$L" "" $DYN
: > "$ST/etc/modules"
for m in $MODPATHS; do
    b=$(basename "$m"); b=${b%.xz}
    case $m in *.xz) xz -dc "$m" > "$ST/lib/modules/$b" ;; *) cp "$m" "$ST/lib/modules/$b" ;; esac
    echo "${b%.ko}" >> "$ST/etc/modules"
done
# For the tests to insmod; not in /etc/modules.
cp "$LVL/vgpio-level.ko" "$ST/lib/modules/"
SIMMODS=
for m in $SIMPATHS; do
    b=$(basename "$m"); b=${b%.xz}
    case $m in *.xz) xz -dc "$m" > "$ST/lib/modules/$b" ;; *) cp "$m" "$ST/lib/modules/$b" ;; esac
    SIMMODS="$SIMMODS /lib/modules/$b"
done
[ "$WITH_SIM" = none ] || install -m 0755 "$HERE/gpio-sim.sh" "$ST/usr/bin/gpio-sim.sh"
# Static, like busybox: vgpio-bench, the guest side of project/bench.py;
# vgpio-keys (arm64), a key event reader for the gpio-keys tests.
for p in $STATIC_PROGS; do
    $CC -O2 -Wall -static -o "$ST/usr/bin/$p" "$HERE/$p.c"
    $STRIP "$ST/usr/bin/$p"
done
{
    echo "kernel=$KVER"
    echo "kernel_package=$IMGPKG${KEXTRA:+ $KEXTRA} $SRCVER"
    echo "gpio_virtio=built from linux-source-$KSERIES $SRCVER${KMAKE_ARGS:+ ($KMAKE_ARGS)}"
    echo "vgpio_level=/lib/modules/vgpio-level.ko (not loaded)"
    for p in $STATIC_PROGS; do echo "${p//-/_}=/usr/bin/$p"; done
    case $WITH_SIM in
    build) echo "gpio_sim=built from linux-source-$KSERIES $SRCVER (gpio-sim.c + irq_sim.c):$SIMMODS (not loaded; gpio-sim.sh)" ;;
    kernel) echo "gpio_sim=the kernel's (CONFIG_GPIO_SIM=m):$SIMMODS (not loaded; gpio-sim.sh)" ;;
    esac
    echo "libgpiod=$GPIODVER"
    echo "busybox=$BBVER"
    echo "libc6=$LIBCVER"
    [ -z "${EVTESTVER:-}" ] || echo "evtest=$EVTESTVER"
    echo "modules=$(paste -sd' ' "$ST/etc/modules")"
} > "$ST/etc/VERSION"

mkdir -p "$OUT.tmp"
(cd "$ST" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 > "$OUT.tmp/initramfs.cpio.gz"
# /boot/vmlinuz-KVER (6.12); 7.3: lib/modules/KVER/vmlinuz(.unsigned).
for f in "$KROOT/boot/vmlinuz-$KVER" "$KROOT/lib/modules/$KVER/vmlinuz" "$KROOT/lib/modules/$KVER/vmlinuz.unsigned" ''; do
    [ -n "$f" ] || die "no vmlinuz in $KROOT"
    [ -f "$f" ] && break
done
cp "$f" "$OUT.tmp/vmlinuz"
cp "$ST/etc/VERSION" "$OUT.tmp/VERSION"
rm -rf "$OUT" "$ST" "$USR"
mv "$OUT.tmp" "$OUT"
ln -sfn "image-$HASH" "$CACHE/current"

# --- drop what this build did not use (older versions, interrupted runs) ----------
# Of the .debs of this architecture or `all`, those that neither this build
# nor the other images' last ones ($DEBS/.keep-*: amd64, arm64, amd64-k7.3,
# arm64-k7.3)
# use. (The host's .debs that an arm64 build used go with the next amd64
# build.)
echo "$KEEP" > "$DEBS/.keep-$KEEPID"
KEEP=$(cat "$DEBS"/.keep-*)
for f in "$DEBS"/*_"$ARCH".deb "$DEBS"/*_all.deb; do
    [ -e "$f" ] || continue
    b=$(basename "$f")
    grep -qxF "${b%_*}" <<< "$KEEP" || { log "removing old $b"; rm -f "$f"; }
done
for d in "$CACHE"/{kernel,mod,level,sim,image,userland,staging}-*; do
    [ -e "$d" ] || continue
    case $d in "$KROOT" | "$MOD" | "$LVL" | "$SIM" | "$OUT") ;; *) log "removing old $(basename "$d")"; rm -rf "$d" ;; esac
done

log "done: $CACHE/current -> image-$HASH ($(du -h "$OUT/initramfs.cpio.gz" | cut -f1) initramfs)"
sed 's/^/  /' "$OUT/VERSION"
