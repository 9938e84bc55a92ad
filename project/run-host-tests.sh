#!/usr/bin/env bash
# Tests of the gpio-host backend against a real kernel GPIO chip.
#
#   bash project/run-host-tests.sh [GUEST SHELL COMMAND]
#
# This machine has no GPIO chip and cannot load modules, so the test guest
# (project/guest/) runs our QEMU, in qtest mode, against a chip of Linux's
# gpio-sim driver: the guest image gets an extra initramfs archive with
# /opt/vgpio/ (qemu-system-x86_64, qemu-system-aarch64, qos-test,
# virtio-gpio-migration-test, pl061-gpio-test, the
# shared libraries they need beyond the guest's libc, the firmware for
# -M pc/q35/microvm, vgpio-qtest, env),
# boots on q35 under our QEMU, creates the chip with gpio-sim.sh, exports
# VGPIO_HOST_CHIP=/dev/gpiochipN and VGPIO_SIM_DEV=<device> and runs the
# command; default: vgpio-qtest (the qos-test cases under
# .../virtio-gpio-tests/host). Its output is printed as it comes, then its
# exit status. Exits with that status; 124 on a timeout, 125 when the guest
# panics, QEMU dies or the setup fails; on failure the guest console
# transcript is printed. Examples:
#
#   bash project/run-host-tests.sh 'vgpio-qtest config irq-edge'
#   bash project/run-host-tests.sh 'gpioinfo -c $VGPIO_HOST_CHIP'
#
# Settings (environment): VGPIO_SIM_DEV (vgpio-sim), VGPIO_SIM_LINES (8),
# VGPIO_SIM_NAMES (line names from line 0, "-" for an unnamed one; default
# "button led - reset", what tests/qtest/virtio-gpio-host-test.c expects),
# VGPIO_HOST_TIMEOUT
# (seconds for the command, 900), VGPIO_HOST_SMP (guest CPUs, 2: the qtest and QEMU
# processes then run side by side; with 1 the tests take about 2.7 times as long),
# VGPIO_HOST_LOG (also write the console transcript to this file).
# Uses the QEMU build in _build/ as it is (run project/build.sh first).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=env.sh disable=SC1091
. "$TOP/project/env.sh"
GUEST_SRC=$TOP/project/guest

log() { echo "run-host-tests: $*"; }
die() { echo "run-host-tests: error: $*" >&2; exit 125; }
# shellcheck source-path=SCRIPTDIR source=guest/needed-libs.sh
. "$TOP/project/guest/needed-libs.sh"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }

QEMU=$QEMU_OBJ/qemu-system-x86_64
QOS_TEST=$QEMU_OBJ/tests/qtest/qos-test
MIG_TEST=$QEMU_OBJ/tests/qtest/virtio-gpio-migration-test
PL061_TEST=$QEMU_OBJ/tests/qtest/pl061-gpio-test
QEMU_ARM=$QEMU_OBJ/qemu-system-aarch64
# What QEMU loads for -M pc and -M q35 in qtest mode (checked below).
FIRMWARE="bios-256k.bin kvmvapic.bin bios-microvm.bin"
SIM_DEV=${VGPIO_SIM_DEV:-vgpio-sim}
SIM_LINES=${VGPIO_SIM_LINES:-8}
SIM_NAMES=${VGPIO_SIM_NAMES:-button led - reset}
TIMEOUT=${VGPIO_HOST_TIMEOUT:-900}
SMP=${VGPIO_HOST_SMP:-2}
CMD=${*:-vgpio-qtest}

[[ $SIM_DEV =~ ^[A-Za-z0-9_.-]+$ ]] || die "bad VGPIO_SIM_DEV: $SIM_DEV"
for n in $SIM_NAMES; do
    [[ $n =~ ^[A-Za-z0-9_.-]+$ ]] || die "bad line name in VGPIO_SIM_NAMES: $n"
done
for f in "$QEMU" "$QEMU_ARM" "$QOS_TEST" "$MIG_TEST" "$PL061_TEST"; do
    [ -x "$f" ] || die "$f missing: build QEMU first (bash project/build.sh build)"
done

T0=$(now)
# --- guest image (kernel, base initramfs with gpio-sim.ko and gpio-sim.sh) ----
bash "$GUEST_SRC/build-image.sh"
G=$VGPIO_CACHE/guest/current
T_IMAGE=$(since "$T0")

# --- extra archive: /opt/vgpio ---------------------------------------------------
T1=$(now)
W=$(mktemp -d "${TMPDIR:-/tmp}/vgpio-host-tests.XXXXXX")
trap 'rm -rf "$W"' EXIT
R=$W/root
O=$R/opt/vgpio
mkdir -p "$O/bin" "$O/lib" "$O/share/qemu"
# Debug info is not needed in the guest; symbols stay (backtraces).
strip --strip-debug -o "$O/bin/qemu-system-x86_64" "$QEMU"
strip --strip-debug -o "$O/bin/qemu-system-aarch64" "$QEMU_ARM"
strip --strip-debug -o "$O/bin/qos-test" "$QOS_TEST"
strip --strip-debug -o "$O/bin/virtio-gpio-migration-test" "$MIG_TEST"
strip --strip-debug -o "$O/bin/pl061-gpio-test" "$PL061_TEST"
install -m 0755 "$GUEST_SRC/vgpio-qtest" "$O/bin/vgpio-qtest"
# QEMU finds its data relative to its binary (bin/../share/qemu): no -L,
# which QTEST_QEMU_BINARY could not take anyway (libqtest takes the target
# from the text after its last '-').
cat > "$O/env" <<'EOF'
# Source this in the guest to use /opt/vgpio (run-host-tests.sh does).
export PATH=/opt/vgpio/bin:$PATH
export LD_LIBRARY_PATH=/opt/vgpio/lib
export QTEST_QEMU_BINARY=/opt/vgpio/bin/qemu-system-x86_64
EOF

# Firmware: from the build's data directories, else Debian's packages.
fwdirs=("$QEMU_OBJ/pc-bios")
while IFS= read -r d; do fwdirs+=("$d"); done < <(find "$QEMU_OBJ/qemu-bundle" -type d -path '*/share/qemu' 2>/dev/null)
fwdirs+=(/usr/share/seabios /usr/share/qemu)
for fw in $FIRMWARE; do
    src=
    for d in "${fwdirs[@]}"; do
        [ -e "$d/$fw" ] && { src=$d/$fw; break; }
    done
    [ -n "$src" ] || die "firmware $fw not found in ${fwdirs[*]}"
    cp -L "$src" "$O/share/qemu/$fw"
done
# Check that nothing else is asked for: the staged QEMU on this host, with
# only that data directory, must start both machines without an error.
for m in pc q35; do
    err=$(echo quit | "$O/bin/qemu-system-x86_64" -M "$m" -accel qtest -display none \
              -monitor stdio -serial none -device virtio-gpio-pci 2>&1 >/dev/null) ||
        die "staged QEMU, -M $m: $err"
    err=$(grep -v 'warning:' <<< "$err" || true)
    [ -z "$err" ] || die "staged QEMU, -M $m: $err"
done

# Shared libraries: follow DT_NEEDED; those in the base image (the libc6 of
# the same Debian release) are not copied again.
base_libs=$(gzip -dc "$G/initramfs.cpio.gz" | cpio -t --quiet | sed -n 's|^lib/x86_64-linux-gnu/||p')
guest_libc=$(sed -n 's/^libc6=//p' "$G/VERSION")
host_libc=$(dpkg-query -W -f='${Version}' libc6)
[ "$guest_libc" = "$host_libc" ] ||
    die "the guest's libc6 is $guest_libc, this host's $host_libc: QEMU's libm and libc must match (apt-get install libc6=$guest_libc, or upgrade both)"
copy_needed_libs "$O/lib" "/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib /usr/lib" \
    "$base_libs" "$O/bin/qemu-system-x86_64" "$O/bin/qemu-system-aarch64" \
    "$O/bin/qos-test" \
    "$O/bin/virtio-gpio-migration-test" "$O/bin/pl061-gpio-test"

(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$W/extra.cpio"
# The kernel unpacks concatenated archives; an uncompressed one must start
# at a multiple of 4 bytes (zeros in between are skipped).
cp "$G/initramfs.cpio.gz" "$W/initrd"
truncate -s %4 "$W/initrd"
cat "$W/extra.cpio" >> "$W/initrd"
log "extra archive: $(du -h "$W/extra.cpio" | cut -f1) ($(cd "$O" && echo lib/* share/qemu/* | tr ' ' ,))"
T_EXTRA=$(since "$T1")

# --- boot and run ------------------------------------------------------------------
names=$SIM_NAMES
setup_sim="r=\$(gpio-sim.sh create $SIM_DEV $SIM_LINES $names) &&
export VGPIO_HOST_CHIP=\${r%% *} VGPIO_SIM_DEV=$SIM_DEV &&
echo VGPIO_HOST_CHIP=\$VGPIO_HOST_CHIP VGPIO_SIM_DEV=\$VGPIO_SIM_DEV &&
gpioinfo -c \$VGPIO_HOST_CHIP"
logargs=()
[ -z "${VGPIO_HOST_LOG:-}" ] || logargs=(--log "$VGPIO_HOST_LOG")
log "booting the guest (q35, TCG) and running: $CMD"
T2=$(now)
rc=0
python3 "$GUEST_SRC/run-guest.py" "${logargs[@]}" --timeout "$TIMEOUT" \
    --setup '. /opt/vgpio/env' --setup "$setup_sim" --run "$CMD" -- \
    "$QEMU" -M q35 -nodefaults -no-user-config -display none -monitor none \
    -serial stdio -no-reboot -m 2G -smp "$SMP" \
    -kernel "$G/vmlinuz" -initrd "$W/initrd" -append 'console=ttyS0 panic=-1' || rc=$?
log "timing: image ${T_IMAGE} s, extra archive ${T_EXTRA} s, guest $(since "$T2") s, total $(since "$T0") s"
if [ "$rc" = 0 ]; then
    log "passed"
else
    log "FAILED (status $rc)"
fi
exit "$rc"
