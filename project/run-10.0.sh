#!/usr/bin/env bash
# The series on QEMU 10.0 (Debian trixie's release), next to the primary
# 10.2: build it (patches/10.0/: the backport of the new files, then the
# series as it applies to 10.0), run checkpatch on every patch and the
# qtests of both targets.  The build is in _build-10.0.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
export VGPIO_QEMU=10.0
bash "$TOP/project/build.sh" build
bash "$TOP/project/checkpatch.sh"
bash "$TOP/project/run-qtests.sh"
