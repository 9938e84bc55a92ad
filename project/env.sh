# Common settings and helpers for the project scripts; sourced, not run.
VGPIO_CACHE=${VGPIO_CACHE:-$HOME/.cache/virtio-gpio}
# The QEMU release to build: 10.2 (the primary: the new files are written
# for it and patches/ applies to it) or 10.0 (patches/10.0/: a backport
# of the new files to 10.0's API, then the series as it applies there)
VGPIO_QEMU=${VGPIO_QEMU:-10.2}
case $VGPIO_QEMU in
    10.2)
        VGPIO_BUILD=${VGPIO_BUILD:-$TOP/_build}
        VGPIO_PATCHES=$TOP/patches
        ;;
    10.0)
        VGPIO_BUILD=${VGPIO_BUILD:-$TOP/_build-10.0}
        VGPIO_PATCHES=$TOP/patches/10.0
        ;;
    *)
        echo "VGPIO_QEMU must be 10.2 or 10.0, not '$VGPIO_QEMU'" >&2
        exit 2
        ;;
esac
QEMU_SRC=$VGPIO_BUILD/qemu
QEMU_OBJ=$QEMU_SRC/build
export CCACHE_DIR=${CCACHE_DIR:-$VGPIO_CACHE/ccache}
export CCACHE_BASEDIR=$VGPIO_BUILD
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export PATH=/usr/lib/ccache:$PATH

# The build-tree binary of build directory $1 looks for firmware only under
# its qemu-bundle: link Debian's (seabios, qemu-system-data) there; the +ds
# tarball has none.
link_firmware() {
    local dir="$1/qemu-bundle/usr/local/share/qemu" f
    mkdir -p "$dir"
    for f in /usr/share/seabios/*.bin /usr/share/qemu/*.bin \
             /usr/share/qemu/*.rom; do
        if [ -e "$f" ] && [ ! -e "$dir/$(basename "$f")" ]; then
            ln -sf "$f" "$dir/"
        fi
    done
}

# guest_image ARCH KERNEL: the directory of the test guest image that
# project/guest/build-image.sh --arch ARCH --kernel KERNEL makes
# (guest/current, guest/arm64/current, guest/k7.3/current,
# guest/k7.3/arm64/current)
guest_image() {
    local dir=$VGPIO_CACHE/guest
    [ "$2" = 6.12 ] || dir=$dir/k$2
    [ "$1" = amd64 ] || dir=$dir/$1
    echo "$dir/current"
}

# Our device sets (project/configs/<target>-softmmu/vgpio.mak) go into
# the QEMU tree $1, where --with-devices-<arch>=vgpio looks for them.
install_device_configs() {
    local d
    for d in "$TOP"/project/configs/*-softmmu; do
        cp "$d"/*.mak "$1/configs/devices/$(basename "$d")/"
    done
}
