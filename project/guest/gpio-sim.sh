#!/bin/sh
# Simulated GPIO chips in the test guest, through Linux's gpio-sim driver
# (configfs). Installed as /usr/bin/gpio-sim.sh; see README.md beside it.
#
#   gpio-sim.sh create DEV NUM_LINES [NAME0 NAME1 ...]
#       make device DEV: one bank of NUM_LINES lines labelled DEV, lines
#       named NAME0... ("-" or "": unnamed; fewer names than lines: the
#       rest stay unnamed); prints "/dev/gpiochipN DEV" (chip and label)
#   gpio-sim.sh pull DEV LINE pull-up|pull-down
#       what the simulated outside world does to an input line (1 or 0)
#   gpio-sim.sh value DEV LINE
#       the line's simulated level: what a consumer drives on an output,
#       else the pull (prints 0 or 1)
#   gpio-sim.sh chip DEV      prints /dev/gpiochipN of DEV
#   gpio-sim.sh remove DEV    takes DEV down and deletes it
#
# The first command loads configfs.ko and gpio-sim.ko from /lib/modules
# (insmod) and mounts configfs on /sys/kernel/config, if not done yet.
set -eu

CFS=/sys/kernel/config
SIM=$CFS/gpio-sim

die() { echo "gpio-sim.sh: error: $*" >&2; exit 1; }
usage() {
    cat >&2 <<EOF
usage: gpio-sim.sh create DEV NUM_LINES [NAME0 NAME1 ...]
       gpio-sim.sh pull DEV LINE pull-up|pull-down
       gpio-sim.sh value DEV LINE
       gpio-sim.sh chip DEV
       gpio-sim.sh remove DEV
EOF
    exit 2
}

setup() {
    grep -qw configfs /proc/filesystems ||
        insmod /lib/modules/configfs.ko || die "insmod configfs.ko failed"
    [ -d /sys/module/gpio_sim ] ||
        insmod /lib/modules/gpio-sim.ko || die "insmod gpio-sim.ko failed (dmesg)"
    grep -q "^[^ ]* $CFS configfs " /proc/mounts ||
        mount -t configfs configfs "$CFS" || die "cannot mount configfs on $CFS"
    [ -d "$SIM" ] || die "$SIM missing after loading gpio-sim"
}

is_num() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }

dev_dir() {   # dev_dir DEV: the configfs directory of a live device
    D=$SIM/$1
    [ -d "$D" ] || die "no gpio-sim device $1"
    [ "$(cat "$D/live")" = 1 ] || die "gpio-sim device $1 is not live"
}

line_dir() {   # line_dir DEV LINE: sets L, the sysfs directory of the line
    dev_dir "$1"
    is_num "$2" || die "bad line number: $2"
    L=/sys/devices/platform/$(cat "$D/dev_name")/$(cat "$D/gpio-bank0/chip_name")/sim_gpio$2
    [ -d "$L" ] || die "$1 has no line $2"
}

remove() {   # remove DEV: take it down and delete its configfs tree
    D=$SIM/$1
    [ -d "$D" ] || return 0
    [ "$(cat "$D/live")" = 0 ] || echo 0 > "$D/live"
    for l in "$D"/gpio-bank*/line* "$D"/gpio-bank*; do
        [ ! -d "$l" ] || rmdir "$l"
    done
    rmdir "$D"
}

populate() {   # populate DEV N NAMES...: the configfs tree, then live
    dev=$1 n=$2
    shift 2
    mkdir "$D" "$D/gpio-bank0" || return 1
    echo "$n" > "$D/gpio-bank0/num_lines" || return 1
    echo "$dev" > "$D/gpio-bank0/label" || return 1
    i=0
    for name in "$@"; do
        case $name in
        '' | -) ;;   # unnamed
        *) mkdir "$D/gpio-bank0/line$i" &&
           echo "$name" > "$D/gpio-bank0/line$i/name" || return 1 ;;
        esac
        i=$((i + 1))
    done
    echo 1 > "$D/live"
}

create() {
    [ $# -ge 2 ] || usage
    case $1 in '' | */* | .*) die "bad device name: $1" ;; esac
    if ! is_num "$2" || [ "$2" -lt 1 ]; then die "bad number of lines: $2"; fi
    [ $# -le $(($2 + 2)) ] || die "$(($# - 2)) names for $2 lines"
    D=$SIM/$1
    [ ! -e "$D" ] || die "gpio-sim device $1 exists"
    if ! populate "$@"; then
        remove "$1" 2>/dev/null || true
        die "cannot create gpio-sim device $1 (dmesg)"
    fi
    echo "/dev/$(cat "$D/gpio-bank0/chip_name") $1"
}

[ $# -ge 1 ] || usage
cmd=$1
shift
setup
case $cmd in
create)
    create "$@" ;;
pull)
    [ $# = 3 ] || usage
    case $3 in
    pull-up | up | 1) p=pull-up ;;
    pull-down | down | 0) p=pull-down ;;
    *) die "bad pull: $3 (pull-up or pull-down)" ;;
    esac
    line_dir "$1" "$2"
    echo "$p" > "$L/pull" ;;
value)
    [ $# = 2 ] || usage
    line_dir "$1" "$2"
    cat "$L/value" ;;
chip)
    [ $# = 1 ] || usage
    dev_dir "$1"
    echo "/dev/$(cat "$D/gpio-bank0/chip_name")" ;;
remove)
    [ $# = 1 ] || usage
    [ -d "$SIM/$1" ] || die "no gpio-sim device $1"
    remove "$1" ;;
*)
    usage ;;
esac
