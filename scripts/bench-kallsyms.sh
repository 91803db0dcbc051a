#!/bin/sh
# Time and peak memory of `ksym kallsyms` next to Linux 6.1's scripts/kallsyms (compiled
# here from Debian's linux-source-6.1) on the production maps of ../shared/maps, with the
# flags those kernels use. Prints one line per tool and map: best wall time of RUNS runs
# and the peak RSS. Needs gcc, xz, GNU time (/usr/bin/time) and a release build.
set -eu
RUNS=${RUNS:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${KSYM_SHARED:-$root/../shared}
src=/usr/src/linux-source-6.1.tar.xz
[ -d "$shared/maps" ] || { echo "bench-kallsyms: $shared/maps is missing" >&2; exit 2; }
[ -f "$src" ] || { echo "bench-kallsyms: $src is missing (linux-source-6.1)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-kallsyms: /usr/bin/time is missing (package time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$src" -C "$tmp" --occurrence=1 linux-source-6.1/scripts/kallsyms.c
gcc -O2 -o "$tmp/kallsyms" "$tmp/linux-source-6.1/scripts/kallsyms.c"
(cd "$root" && cargo build -j2 --release -q)
ksym=$root/target/release/ksym

measure() { # label, command...
    label=$1; shift
    best=; peak=0
    i=0
    while [ $i -lt "$RUNS" ]; do
        /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" > "$tmp/out" 2>/dev/null
        read -r t m < "$tmp/t"
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best=$t
        fi
        [ "$m" -gt "$peak" ] && peak=$m
        i=$((i + 1))
    done
    printf '%-28s %6ss %8s KB\n' "$label" "$best" "$peak"
}

for arch in amd64 arm64; do
    map=$tmp/$arch.map
    xz -dc "$shared/maps/debian-6.1.0-56-$arch.System.map.xz" > "$map"
    if [ $arch = amd64 ]; then
        set -- --all-symbols --absolute-percpu --base-relative
    else
        set -- --all-symbols --base-relative
    fi
    syms=$(wc -l < "$map")
    echo "$arch ($syms map lines): $*"
    measure "  scripts/kallsyms (C)" "$tmp/kallsyms" "$@" "$map"
    cp "$tmp/out" "$tmp/c.S"
    measure "  ksym kallsyms" "$ksym" kallsyms "$@" "$map"
    cmp -s "$tmp/out" "$tmp/c.S" || { echo "bench-kallsyms: outputs differ on $arch" >&2; exit 1; }
done
