#!/usr/bin/env bash
# Developer helper: after committing edits to QEMU's existing files in the
# prepared tree (_build/qemu, on top of "add the new files"), write them
# back to patches/ (patches/10.0/ with VGPIO_QEMU=10.0) as the series that
# build.sh applies with `git am`.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/project/env.sh"
base=$(git -C "$QEMU_SRC" log --format=%H --grep='^virtio-gpio: add the new files of the series$' -1)
[ -n "$base" ] || { echo "no prepared tree in $QEMU_SRC" >&2; exit 1; }
# keep the length of the blob hashes the series has (git's default
# depends on the size of the tree), so that a re-export changes only
# what changed
abbrev=$(sed -n 's/^index \([0-9a-f]*\)\.\..*/\1/p' "$VGPIO_PATCHES"/0002-*.patch 2>/dev/null |
         head -n1 | tr -d '\n' | wc -c)
[ "$abbrev" -ge 7 ] || abbrev=9
rm -f "$VGPIO_PATCHES"/*.patch
git -C "$QEMU_SRC" -c core.abbrev="$abbrev" format-patch -q --no-signature --zero-commit -N -o "$VGPIO_PATCHES" "$base..HEAD"
# Keep the tree prepared: the stamp follows the new patches.
(cd "$TOP" && bash project/build.sh prepare >/dev/null)
ls "$VGPIO_PATCHES"
