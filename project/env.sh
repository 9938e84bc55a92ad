# Common settings for the project scripts; sourced, not run.
VGPIO_CACHE=${VGPIO_CACHE:-$HOME/.cache/virtio-gpio}
VGPIO_BUILD=${VGPIO_BUILD:-$TOP/_build}
QEMU_SRC=$VGPIO_BUILD/qemu
QEMU_OBJ=$QEMU_SRC/build
export CCACHE_DIR=${CCACHE_DIR:-$VGPIO_CACHE/ccache}
export CCACHE_BASEDIR=$VGPIO_BUILD
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export PATH=/usr/lib/ccache:$PATH
