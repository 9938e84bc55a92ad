#!/usr/bin/env bash
# Run QEMU's scripts/checkpatch.pl on every patch of the series as it would
# be posted (the new files and each patch of patches/).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/project/env.sh"
bash "$TOP/project/build.sh" prepare
fail=0
for c in $(git -C "$QEMU_SRC" rev-list --reverse upstream-base..HEAD); do
    subject=$(git -C "$QEMU_SRC" log -1 --format=%s "$c")
    if out=$(cd "$QEMU_SRC" && git format-patch -1 --stdout "$c" |
             ./scripts/checkpatch.pl --no-summary - 2>&1); then
        echo "checkpatch ok: $subject"
    else
        echo "checkpatch FAILED: $subject"
        echo "$out"
        fail=1
    fi
done
exit $fail
