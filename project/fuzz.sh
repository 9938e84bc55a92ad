#!/usr/bin/env bash
# libFuzzer for virtio-gpio (tests/qtest/fuzz/virtio_gpio_fuzz.c), built
# with clang-14, ASan and UBSan in a build directory of its own (the same
# build gives project/run-san-tests.sh its sanitizer QEMU).
#
#   project/fuzz.sh build                    configure and build
#                                            $QEMU_SRC/build-san/qemu-fuzz-x86_64,
#                                            qemu-system-x86_64 and the qtests
#   project/fuzz.sh run SECONDS [CORPUS_DIR] fuzz for SECONDS; the corpus is
#                                            kept in CORPUS_DIR (default
#                                            $VGPIO_CACHE/fuzz/corpus), the
#                                            crashing inputs in $VGPIO_FUZZ_CRASHES
#   project/fuzz.sh replay DIR               run each input of DIR once
#
#   VGPIO_FUZZ_CRASHES  where run keeps crashes (default $VGPIO_CACHE/fuzz/crashes)
#   VGPIO_FUZZ_ARGS     more libFuzzer arguments for run (e.g. -jobs=2)
#   VGPIO_FUZZ_JOBS     parallel jobs of ninja (default: ninja's)
#   VGPIO_FUZZ_CC, VGPIO_FUZZ_CXX  compilers (default clang-14, clang++-14)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/project/env.sh"

FUZZ_OBJ=$QEMU_SRC/build-san
FUZZ_BIN=$FUZZ_OBJ/qemu-fuzz-x86_64
FUZZ_TARGET=virtio-gpio-fuzz
FUZZ_CACHE=$VGPIO_CACHE/fuzz
CRASHES=${VGPIO_FUZZ_CRASHES:-$FUZZ_CACHE/crashes}
IGNORELIST=$TOP/project/fuzz-coverage-ignorelist
FUZZ_CONFIGURE=(--cc="${VGPIO_FUZZ_CC:-clang-14}"
                --cxx="${VGPIO_FUZZ_CXX:-clang++-14}"
                --enable-fuzzing --enable-asan --enable-ubsan
                --extra-cflags="-Xclang -fsanitize-coverage-ignorelist=$IGNORELIST")
# UBSan reports go on by default: make them crashes libFuzzer records
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

die() { echo "fuzz.sh: $*" >&2; exit 1; }

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

count_files() { find "$1" -maxdepth 1 -type f | wc -l; }

# Coverage feedback also for the gpio backends (QEMU's filter has only hw/)
FILTER_EXTRA='src:*/backends/gpio-*'

add_instrumentation_filter() {
    local f=$FUZZ_OBJ/instrumentation-filter
    [ -f "$f" ] || die "$f missing: not a fuzzing build?"
    grep -qxF "$FILTER_EXTRA" "$f" || echo "$FILTER_EXTRA" >> "$f"
}

build() {
    local stamp=$FUZZ_OBJ/.vgpio-fuzz-configured want
    bash "$TOP/project/build.sh" prepare
    grep -q virtio_gpio_fuzz.c "$QEMU_SRC/tests/qtest/fuzz/meson.build" ||
        die "tests/qtest/fuzz/meson.build does not build virtio_gpio_fuzz.c:" \
            "the patch 'tests/qtest/fuzz: add virtio-gpio fuzz targets' is missing"
    want=$(printf '%s\n' "${FUZZ_CONFIGURE[@]}"; grep -v '^#' "$TOP/project/configure-args")
    if [ ! -f "$FUZZ_OBJ/build.ninja" ] || [ ! -f "$stamp" ] ||
       [ "$(cat "$stamp")" != "$want" ]; then
        mkdir -p "$FUZZ_OBJ"
        echo "== configuring $FUZZ_OBJ"
        # shellcheck disable=SC2046
        (cd "$FUZZ_OBJ" && "$QEMU_SRC/configure" "${FUZZ_CONFIGURE[@]}" \
            $(grep -v '^#' "$TOP/project/configure-args"))
        echo "$want" > "$stamp"
    fi
    link_firmware "$FUZZ_OBJ"
    echo "== building the sanitizer QEMU and qemu-fuzz-x86_64"
    # regenerate build.ninja first: a regeneration rewrites the filter
    ninja -C "$FUZZ_OBJ" build.ninja >/dev/null
    add_instrumentation_filter
    # ccache does not read the filter files: make them part of the hash
    CCACHE_EXTRAFILES=$FUZZ_OBJ/instrumentation-filter:$IGNORELIST \
        ninja -C "$FUZZ_OBJ" ${VGPIO_FUZZ_JOBS:+-j"$VGPIO_FUZZ_JOBS"} \
        qemu-fuzz-x86_64 qemu-system-x86_64 tests/qtest/qos-test \
        tests/qtest/virtio-gpio-mmio-test tests/qtest/virtio-gpio-migration-test
    ccache -s 2>/dev/null | grep -E 'Hits|Misses' | head -3 || true
}

need_binary() {
    [ -x "$FUZZ_BIN" ] || die "no $FUZZ_BIN: run 'project/fuzz.sh build' first"
}

# A few inputs to start from (operations: see virtio_gpio_fuzz.c)
seed_corpus() {
    local dir=$1
    [ "$(count_files "$dir")" -eq 0 ] || return 0
    # every message type, bad lines and types, split request
    printf '\x00\x00\x01\x00\x00\x00\x00\x02\x03\x00\x00\x00\x05\x01\x01\x00\x00\x03\x01\x01\x00\x00\x04\x01\x00\x00\x00\x03\x07\x01\x00\x00\x03\x06\x01\x00\x00\x00\x08\x00\x00\x00\x02\x00\x00\x10' \
        > "$dir/seed-requests"
    # edge irq on line 0: enable, unmask, host edges, by name via the device
    printf '\x00\x00\x03\x00\x02\x00\x00\x06\x00\x03\x00\x01\x00\x00\x04\x00\x01\x01\x00\x00\x04\x00\x00\x04\x00\x06\x00\x06\x00\x00\x00' \
        > "$dir/seed-irq-edge"
    # level irq on line 2, delivered again while still active
    printf '\x00\x00\x06\x02\x04\x00\x01\x02\x00\x04\x02\x01\x01\x02\x00\x04\x02\x00\x01\x02\x00\x00\x06\x02\x08\x00\x08' \
        > "$dir/seed-irq-level"
    # edges and levels while the VM is stopped, delivered on cont
    printf '\x00\x00\x06\x00\x01\x00\x01\x00\x00\x00\x06\x03\x04\x00\x01\x03\x00\x06\x04\x00\x01\x04\x03\x01\x08\x06\x05\x00' \
        > "$dir/seed-irq-stopped"
    # malformed chains on both queues, resets, no VIRTIO_GPIO_F_IRQ, config
    printf '\x00\x02\x02\x01\x00\x00\x06\x42\x07\x00\x02\x02\x04\x00\x00\x08\x48\x02\x00\x02\x00\x00\x08\x07\x00\x02\x03\x00\x00\x00\x01\x41\x07\x01\x00\x06\x00\x03\x00\x01\x00\x00\x09\x24' \
        > "$dir/seed-malformed"
    # chains without doorbell, a doorbell drained by stop, reset only
    printf '\x02\x00\x02\x00\x00\x01\x00\x02\x01\x00\x01\x03\x00\x00\x02\x02\x00\x02\x06\x06\x07\x80\x03\x00\x09\x00' \
        > "$dir/seed-nokick"
}

run() {
    local secs=${1:-} corpus=${2:-$FUZZ_CACHE/corpus} log rc before after
    [[ $secs =~ ^[0-9]+$ ]] || usage
    need_binary
    mkdir -p "$corpus" "$CRASHES" "$FUZZ_CACHE"
    corpus=$(cd "$corpus" && pwd)
    CRASHES=$(cd "$CRASHES" && pwd)
    seed_corpus "$corpus"
    log=$FUZZ_CACHE/run-$(date +%Y%m%d-%H%M%S).log
    before=$(count_files "$CRASHES")
    echo "== $FUZZ_TARGET for ${secs}s; corpus $corpus; crashes $CRASHES; log $log"
    set +e
    # stderr closed (-close_fd_mask=2): QEMU's error messages for the
    # malformed chains; libFuzzer and the sanitizers keep their output
    # shellcheck disable=SC2086
    (cd "$FUZZ_CACHE" &&
     "$FUZZ_BIN" --fuzz-target="$FUZZ_TARGET" -max_total_time="$secs" \
        -artifact_prefix="$CRASHES/" -print_final_stats=1 \
        -close_fd_mask=2 -detect_leaks=0 -timeout=30 -rss_limit_mb=4096 \
        -max_len=1024 ${VGPIO_FUZZ_ARGS:-} "$corpus") 2>&1 | tee "$log" |
        grep --line-buffered -E '^#[0-9]+[[:space:]]+(INITED|pulse|DONE)|^Done |^stat::|ERROR|SUMMARY|runtime error|deadly signal|Test unit written|^INFO: Seed'
    rc=${PIPESTATUS[0]}
    set -e
    after=$(count_files "$CRASHES")
    echo "== $(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|INITED)' "$log" | tail -n1 || true)"
    echo "== exit $rc; corpus $(count_files "$corpus") inputs;" \
         "$((after - before)) new crash/timeout/oom inputs in $CRASHES"
    return "$rc"
}

replay() {
    local dir=${1:-} f out n=0 failed=0 logs=$FUZZ_CACHE/replay-logs
    [ -n "$dir" ] || usage
    [ -d "$dir" ] || die "no directory $dir"
    need_binary
    mkdir -p "$logs"
    for f in "$dir"/*; do
        [ -f "$f" ] || continue
        case $f in *.log | */README) continue ;; esac
        n=$((n + 1))
        out=$logs/$(basename "$f").log
        if "$FUZZ_BIN" --fuzz-target="$FUZZ_TARGET" -timeout=30 \
               -detect_leaks=0 "$f" >"$out" 2>&1; then
            echo "ok      $(basename "$f")"
            rm -f "$out"
        else
            failed=$((failed + 1))
            echo "FAILED  $(basename "$f")  (log: $out)"
            grep -E 'SUMMARY|ERROR:|runtime error|deadly signal|ALARM' "$out" |
                head -n5 | sed 's/^/        /' || true
        fi
    done
    echo "== replayed $n inputs, $failed failed"
    [ "$failed" -eq 0 ]
}

case "${1:-}" in
    build) build ;;
    run) shift; run "$@" ;;
    replay) shift; replay "$@" ;;
    *) usage ;;
esac
