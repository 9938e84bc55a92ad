#!/usr/bin/env bash
# Build the Linux test guest (kernel + initramfs) from Debian packages.
#
# Result: $VGPIO_CACHE/guest/current/{vmlinuz,initramfs.cpio.gz,VERSION}.
# Kernel: the newest linux-source-6.12 in the apt cache whose image, headers
# and kbuild packages of exactly the same version are available; Debian does
# not enable CONFIG_GPIO_VIRTIO, so drivers/gpio/gpio-virtio.c from that
# source is built out of tree, as is vgpio-level.c (a level-triggered
# interrupt consumer that the tests load with insmod) and gpio-sim.ko (the
# GPIO simulator, with kernel/irq/irq_sim.c compiled in, for gpio-sim.sh;
# not loaded at boot either). Userspace: busybox-static and libgpiod 2.x
# tools (bookworm-backports). Everything is cached; only what is missing is
# rebuilt. See README.md beside this file.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${VGPIO_CACHE:-$HOME/.cache/virtio-gpio}/guest
DEBS=$CACHE/debs
# Modules to load at boot (with their dependencies); built-in ones are skipped.
MODULES=${VGPIO_GUEST_MODULES:-virtio_pci virtio_mmio gpio_virtio}
HOST_PKGS="gcc-12 make binutils kmod cpio xz-utils gzip"

log() { echo "build-image: $*"; }
die() { echo "build-image: error: $*" >&2; exit 1; }
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

# One build at a time per cache.
mkdir -p "$CACHE"
exec 9> "$CACHE/.lock"
flock 9

# --- choose versions from the apt cache --------------------------------------
# "PKG VERSION" lines, newest version first (binary packages only).
versions() {
    apt-cache madison "$@" 2>/dev/null |
        awk -F' *[|] *' '$3 !~ /Sources$/ {sub(/^ +/, "", $1); print $1, $2}'
}

pick_kernel() {   # sets SRCVER ABI IMGPKG
    local v up k have p
    for v in $(versions linux-source-6.12 | awk '{print $2}'); do
        up=${v%%-*}
        for k in $(apt-cache pkgnames "linux-kbuild-$up+"); do
            ABI=${k#linux-kbuild-}
            have=$(versions "$k" "linux-headers-$ABI-amd64" "linux-headers-$ABI-common" \
                   "linux-image-$ABI-amd64-unsigned" "linux-image-$ABI-amd64" |
                   awk -v v="$v" '$2 == v {print $1}')
            for p in "$k" "linux-headers-$ABI-amd64" "linux-headers-$ABI-common"; do
                grep -qxF "$p" <<< "$have" || continue 2
            done
            for IMGPKG in "linux-image-$ABI-amd64-unsigned" "linux-image-$ABI-amd64"; do
                grep -qxF "$IMGPKG" <<< "$have" && { SRCVER=$v; return 0; }
            done
        done
    done
    return 1
}

if ! pick_kernel; then
    [ "$(id -u)" = 0 ] && { log "no complete linux 6.12 package set in the apt cache: apt-get update"; apt-get update -qq; }
    pick_kernel || die "no linux-source-6.12 with matching linux-image/headers/kbuild in the apt cache (needs bookworm-security or bookworm-backports; try apt-get update)"
fi
KVER=$ABI-amd64
UV=$(versions gpiod busybox-static libc6)
newest() { awk -v p="$1" '$1 == p {print $2; exit}' <<< "$UV"; }
GPIODVER=$(newest gpiod)
dpkg --compare-versions "${GPIODVER:-0}" ge 2.0 ||
    die "gpiod 2.x not in the apt cache (needs bookworm-backports; try apt-get update)"
BBVER=$(newest busybox-static)
LIBCVER=$(newest libc6)
log "kernel $KVER ($SRCVER, $IMGPKG), libgpiod $GPIODVER, busybox $BBVER, libc6 $LIBCVER"

# The final image depends on these inputs; its directory is named by their hash.
HASH=$( { echo "$SRCVER $IMGPKG $GPIODVER $BBVER $LIBCVER $MODULES"
          cat "$HERE/init" "$HERE/build-image.sh" "$HERE/needed-libs.sh" "$HERE/vgpio-level.c" "$HERE/gpio-sim.sh" "$HERE/vgpio-bench.c"; } |
        sha256sum | cut -c1-12)
OUT=$CACHE/image-$HASH
if [ -f "$OUT/VERSION" ]; then
    ln -sfn "image-$HASH" "$CACHE/current"
    log "up to date: $CACHE/current -> image-$HASH"
    exit 0
fi

# --- downloads ----------------------------------------------------------------
mkdir -p "$DEBS"
fetch() {   # fetch PKG VERSION: F = the cached .deb, downloaded if missing
    F=$(compgen -G "$DEBS/${1}_${2/:/%3a}_*.deb" | sed -n 1p || true)
    if [ -z "$F" ]; then
        log "downloading $1 $2"
        (cd "$DEBS" && apt-get download -q -o APT::Sandbox::User="$(id -un)" "$1=$2") ||
            die "apt-get download $1=$2 failed (stale apt lists? try apt-get update)"
        F=$(compgen -G "$DEBS/${1}_${2/:/%3a}_*.deb" | sed -n 1p)
    fi
}
KPKGS="$IMGPKG linux-headers-$ABI-amd64 linux-headers-$ABI-common linux-kbuild-$ABI"
# .debs of this build; others (older versions) are deleted at the end.
KEEP="$(for p in $KPKGS linux-source-6.12; do echo "${p}_$SRCVER"; done)
busybox-static_${BBVER/:/%3a}
gpiod_$GPIODVER
libgpiod3_$GPIODVER
libc6_$LIBCVER"

# --- kernel tree: image, headers, kbuild ---------------------------------------
KROOT=$CACHE/kernel-$SRCVER
if [ ! -f "$KROOT/.done" ]; then
    rm -rf "$KROOT"; mkdir -p "$KROOT"
    for p in $KPKGS; do
        fetch "$p" "$SRCVER"; log "unpacking $(basename "$F")"; dpkg-deb -x "$F" "$KROOT"
    done
    # The headers Makefile includes the common one by absolute path.
    sed -i "s|^include /usr/src/|include $KROOT/usr/src/|" "$KROOT/usr/src/linux-headers-$KVER/Makefile"
    touch "$KROOT/.done"
fi

# --- gpio-virtio.ko, built out of tree from the same source version ------------
MOD=$CACHE/mod-$SRCVER
if [ ! -f "$MOD/gpio-virtio.ko" ]; then
    fetch linux-source-6.12 "$SRCVER"
    rm -rf "$MOD"; mkdir -p "$MOD"
    log "extracting drivers/gpio/gpio-virtio.c from $(basename "$F")"
    dpkg-deb --fsys-tarfile "$F" | tar -xO ./usr/src/linux-source-6.12.tar.xz |
        tar -xJ -C "$MOD" --strip-components=3 linux-source-6.12/drivers/gpio/gpio-virtio.c
    echo 'obj-m := gpio-virtio.o' > "$MOD/Kbuild"
    log "building gpio-virtio.ko against linux-headers-$KVER"
    # Skip BTF for the module: no pahole needed.
    make -s -C "$KROOT/usr/src/linux-headers-$KVER" M="$MOD" CONFIG_DEBUG_INFO_BTF_MODULES= modules
    strip --strip-debug "$MOD/gpio-virtio.ko"
fi

# --- vgpio-level.ko (not loaded at boot), same headers, same way ---------------
LVL=$CACHE/level-$SRCVER
if [ ! -f "$LVL/vgpio-level.ko" ] || ! cmp -s "$HERE/vgpio-level.c" "$LVL/vgpio-level.c"; then
    rm -rf "$LVL"; mkdir -p "$LVL"
    cp "$HERE/vgpio-level.c" "$LVL/"
    echo 'obj-m := vgpio-level.o' > "$LVL/Kbuild"
    log "building vgpio-level.ko against linux-headers-$KVER"
    make -s -C "$KROOT/usr/src/linux-headers-$KVER" M="$LVL" CONFIG_DEBUG_INFO_BTF_MODULES= modules
    strip --strip-debug "$LVL/vgpio-level.ko"
fi

# --- gpio-sim.ko (not loaded at boot): the GPIO simulator, for gpio-sim.sh -------
# Debian has CONFIG_GPIO_SIM and CONFIG_IRQ_SIM unset, so kernel/irq/irq_sim.c
# is compiled into the module. It calls handle_simple_irq(irq_to_desc(irq)),
# and irq_to_desc is not exported to modules: generic_handle_irq_safe(irq)
# does the same (the descriptor's handler is handle_simple_irq, set by
# irq_sim's map callback). configfs.ko (CONFIG_CONFIGFS_FS=m) comes from the
# kernel package. SIM_RECIPE names this recipe: change it to rebuild.
SIM=$CACHE/sim-$SRCVER
SIM_RECIPE="gpio-sim.c + irq_sim.c (irq_to_desc -> generic_handle_irq_safe) v1"
if [ ! -f "$SIM/gpio-sim.ko" ] || [ "$(cat "$SIM/recipe" 2>/dev/null)" != "$SIM_RECIPE" ]; then
    fetch linux-source-6.12 "$SRCVER"
    rm -rf "$SIM"; mkdir -p "$SIM"
    log "extracting drivers/gpio/gpio-sim.c, kernel/irq/irq_sim.c from $(basename "$F")"
    dpkg-deb --fsys-tarfile "$F" | tar -xO ./usr/src/linux-source-6.12.tar.xz |
        tar -xJ -C "$SIM" --strip-components=1 \
            linux-source-6.12/drivers/gpio/gpio-sim.c linux-source-6.12/kernel/irq/irq_sim.c
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
    make -s -C "$KROOT/usr/src/linux-headers-$KVER" M="$SIM" CONFIG_DEBUG_INFO_BTF_MODULES= modules
    strip --strip-debug "$SIM/gpio-sim.ko"
    echo "$SIM_RECIPE" > "$SIM/recipe"
fi

# --- modules to load, in dependency order --------------------------------------
mkdir -p "$KROOT/lib/modules/$KVER/extra"
cp "$MOD/gpio-virtio.ko" "$SIM/gpio-sim.ko" "$KROOT/lib/modules/$KVER/extra/"
depmod -b "$KROOT" "$KVER"
# shellcheck disable=SC2086
MODPATHS=$(modprobe -d "$KROOT" -S "$KVER" -a --show-depends $MODULES |
           awk '$1 == "insmod" && !seen[$2]++ {print $2}')
# gpio-sim.ko and what it needs (configfs), in load order; for gpio-sim.sh.
SIMPATHS=$(modprobe -d "$KROOT" -S "$KVER" --show-depends gpio_sim | awk '$1 == "insmod" {print $2}')
[ "$(basename "$(echo "$SIMPATHS" | tail -n 1)")" = gpio-sim.ko ] ||
    die "modprobe --show-depends gpio_sim: unexpected $SIMPATHS"

# --- userland ---------------------------------------------------------------------
USR=$CACHE/userland-$HASH
rm -rf "$USR"; mkdir -p "$USR"
fetch busybox-static "$BBVER"; dpkg-deb -x "$F" "$USR"
fetch gpiod "$GPIODVER"; dpkg-deb -x "$F" "$USR"
fetch libgpiod3 "$GPIODVER"; dpkg-deb -x "$F" "$USR"
fetch libc6 "$LIBCVER"; dpkg-deb -x "$F" "$USR"

# --- initramfs ----------------------------------------------------------------------
log "assembling initramfs"
ST=$CACHE/staging-$HASH
rm -rf "$ST" "$OUT.tmp"
mkdir -p "$ST"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,lib/modules,lib64,lib/x86_64-linux-gnu}
install -m 0755 "$HERE/init" "$ST/init"
cp "$USR/bin/busybox" "$ST/bin/busybox"
for a in $("$USR/bin/busybox" --list-full); do
    [ "$a" = bin/busybox ] || ln -s /bin/busybox "$ST/$a"
done
cp -a "$USR"/usr/bin/gpio* "$ST/usr/bin/"
L=lib/x86_64-linux-gnu
cp -L "$USR/$L/ld-linux-x86-64.so.2" "$ST/$L/"
ln -s "/$L/ld-linux-x86-64.so.2" "$ST/lib64/ld-linux-x86-64.so.2"
# Shared libraries: follow DT_NEEDED from the gpiod tools.
# shellcheck disable=SC2046
copy_needed_libs "$ST/$L" "$USR/$L $USR/usr/$L" "" $(ls "$ST"/usr/bin/gpio*)
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
install -m 0755 "$HERE/gpio-sim.sh" "$ST/usr/bin/gpio-sim.sh"
# The guest side of project/bench.py; static, like busybox.
gcc-12 -O2 -Wall -static -o "$ST/usr/bin/vgpio-bench" "$HERE/vgpio-bench.c"
strip "$ST/usr/bin/vgpio-bench"
cat > "$ST/etc/VERSION" <<EOF
kernel=$KVER
kernel_package=$IMGPKG $SRCVER
gpio_virtio=built from linux-source-6.12 $SRCVER
vgpio_level=/lib/modules/vgpio-level.ko (not loaded)
vgpio_bench=/usr/bin/vgpio-bench
gpio_sim=built from linux-source-6.12 $SRCVER (gpio-sim.c + irq_sim.c):$SIMMODS (not loaded; gpio-sim.sh)
libgpiod=$GPIODVER
busybox=$BBVER
libc6=$LIBCVER
modules=$(paste -sd' ' "$ST/etc/modules")
EOF

mkdir -p "$OUT.tmp"
(cd "$ST" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 > "$OUT.tmp/initramfs.cpio.gz"
cp "$KROOT/boot/vmlinuz-$KVER" "$OUT.tmp/vmlinuz"
cp "$ST/etc/VERSION" "$OUT.tmp/VERSION"
rm -rf "$OUT" "$ST" "$USR"
mv "$OUT.tmp" "$OUT"
ln -sfn "image-$HASH" "$CACHE/current"

# --- drop what this build did not use (older versions, interrupted runs) ----------
for f in "$DEBS"/*.deb; do
    b=$(basename "$f")
    grep -qxF "${b%_*}" <<< "$KEEP" || { log "removing old $b"; rm -f "$f"; }
done
for d in "$CACHE"/{kernel,mod,level,sim,image,userland,staging}-*; do
    [ -e "$d" ] || continue
    case $d in "$KROOT" | "$MOD" | "$LVL" | "$SIM" | "$OUT") ;; *) log "removing old $(basename "$d")"; rm -rf "$d" ;; esac
done

log "done: $CACHE/current -> image-$HASH ($(du -h "$OUT/initramfs.cpio.gz" | cut -f1) initramfs)"
sed 's/^/  /' "$OUT/VERSION"
