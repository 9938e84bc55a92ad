# shellcheck shell=bash
# Sourced by build-image.sh and run-host-tests.sh (which define die).
#
# copy_needed_libs DEST "DIRS" "SKIP" FILE...
# Copy into DEST the shared libraries that FILE... need (DT_NEEDED), and
# those that these need in turn. Each library comes from the first of the
# space-separated DIRS that holds it; libraries already in DEST or named in
# SKIP (one per line: those the image has already) are left out.
copy_needed_libs() {
    local dest=$1 dirs=$2 skip=$3 todo next f lib d src
    shift 3
    todo="$*"
    while [ -n "$todo" ]; do
        next=
        for f in $todo; do
            for lib in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
                [ -e "$dest/$lib" ] && continue
                [ -n "$skip" ] && grep -qxF "$lib" <<< "$skip" && continue
                src=
                for d in $dirs; do
                    [ -e "$d/$lib" ] && { src=$d/$lib; break; }
                done
                [ -n "$src" ] || die "shared library $lib (needed by $(basename "$f")) not found"
                cp -L "$src" "$dest/$lib"
                next="$next $dest/$lib"
            done
        done
        todo=$next
    done
}
