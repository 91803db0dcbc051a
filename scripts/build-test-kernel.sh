#!/bin/sh
# Usage: scripts/build-test-kernel.sh [6.1|6.12] [--clean=lto]
#
# Build a small Clang ThinLTO x86_64 kernel (Debian's linux-source-6.1 or -6.12,
# `make LLVM=-16`, the config of ../shared/kernels/x86_64-thin or x86_64-thin-6.12) twice,
# once with the stock kbuild tools and once with ksym in place of scripts/kallsyms and
# scripts/generate_initcall_order.pl (scripts/kbuild/linux-VERSION-ksym.patch), boot both
# under qemu with initcall_debug and compare what the kernels themselves report:
#   - /proc/kallsyms of both boots (printed by the shared /init in ksym_mode=kallsyms),
#   - the initcall_debug order ("calling  FN+0x0/SIZE @ 1" lines),
#   - the symbolized frames of the stack traces the final panic prints (panic_print=1 on
#     the command line: the panic shows every task's stack, so the kernel's own %pS
#     printing is exercised on 100-160 frames; the distinct reliable ones are compared),
#   - the compiled kallsyms tables of both vmlinux files (`ksym kallsyms-dump`),
#   - .tmp_initcalls.lds, System.map and the vmlinux files themselves.
# With CHANGE=1 it also builds a third kernel with a one-line source change and runs
# `ksym lp-map` between the stock and the changed vmlinux.
#
# With --clean=lto the ksym build runs `ksym kallsyms --clean=lto` (LTO suffixes such as
# .llvm.<hash> cut from the names in the table; names two symbols would share keep their
# full names and are reported in the build log). Its kernel is saved as out/ksym-clean-lto
# and compared with the stock one with the stock names cleaned the same way (the cleaned
# /proc/kallsyms, initcall_debug order and reliable panic frames must equal them; the
# initcall order script must not change). By design, the smaller kallsyms tables move the
# rest of .rodata down: in /proc/kallsyms, the kallsyms-dump and System.map (which keeps
# the raw names) every line must be the same but for its address, and an address may
# differ only after kallsyms_names and up to __end_rodata; vmlinux and bzImage differ. The
# collision report from the build log is printed, and its names must be exactly those that
# two symbols of the stock /proc/kallsyms share once cleaned.
#
# Run by hand, as root on Debian 12 (too slow for CI: a build takes several minutes).
# Environment:
#   WORK=DIR      work directory (default target/kernel in the checkout)
#   JOBS=N        make -j (default 2)
#   FULL=1        make the ksym build a clean rebuild (`make clean` first); by default it
#                 rebuilds incrementally in the same tree, which reruns exactly the steps
#                 the patch touches (initcall order script, vmlinux.o LTO link, kallsyms)
#   DROPIN=1      make the ksym build use the drop-in scripts/kbuild/kallsyms and
#                 scripts/kbuild/generate_initcall_order.pl instead of the patch
#                 (incremental, on a tree already built)
#   CHANGE=1      also the third build and `ksym lp-map`
#   NO_INSTALL=1  do not apt-get install anything
# Both builds use the same source path and fixed KBUILD_BUILD_* values, so any difference
# between them comes from the tools, not from paths or time stamps.
# Exit status: 0 when every comparison holds, 1 when one differs, 2 on a setup error.
set -eu

linux=6.1
clean=
for a in "$@"; do
    case $a in
        6.1|6.12) linux=$a ;;
        --clean=lto) clean=lto ;;
        *) echo "usage: $0 [6.1|6.12] [--clean=lto]" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
case $linux in
    6.1) shared=${SHARED:-$root/../shared}/kernels/x86_64-thin
         WORK=${WORK:-$root/target/kernel} ;;
    *)   shared=${SHARED:-$root/../shared}/kernels/x86_64-thin-$linux
         WORK=${WORK:-$root/target/kernel-$linux} ;;
esac
kpatch=$root/scripts/kbuild/linux-$linux-ksym.patch
way=ksym${clean:+-clean-$clean}
JOBS=${JOBS:-2}
mkdir -p "$WORK" && WORK=$(cd "$WORK" && pwd)
src=$WORK/linux
out=$WORK/out
mkdir -p "$out"

die() { echo "build-test-kernel: $*" >&2; exit 2; }
step() { echo "== $(date -u +%H:%M:%S) $*"; }

for f in config init.c; do
    [ -f "$shared/$f" ] || die "missing $shared/$f (the shared kernels folder, ../shared)"
done

# --- tools -------------------------------------------------------------------------------
if [ "${NO_INSTALL:-}" != 1 ]; then
    need=
    for p in clang-16 lld-16 llvm-16 flex bison bc libelf-dev libssl-dev cpio \
             linux-source-$linux gcc libc6-dev qemu-system-x86; do
        dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
    done
    if [ -n "$need" ]; then
        [ "$(id -u)" = 0 ] || die "need root to install:$need"
        step "apt-get install$need"
        apt-get update
        # Debian 12's qemu-system-x86 conflicts with a newer qemu-utils: pin the match.
        apt-get install -y --allow-downgrades $need \
            qemu-utils=1:7.2+dfsg-7+deb12u18+b3 qemu-block-extra=1:7.2+dfsg-7+deb12u18+b3
    fi
fi
tarball=/usr/src/linux-source-$linux.tar.xz
[ -f "$tarball" ] || die "missing $tarball (apt-get install linux-source-$linux)"

step "cargo build --release"
(cd "$root" && nice -n 19 cargo build --release -j"$JOBS" --bin ksym)
ksym=$root/target/release/ksym
# Every ksym call made by the kernel build is logged, as evidence that it really ran.
# With --clean=lto, `kallsyms` calls get `--clean=lto` added.
cat > "$WORK/ksym-logged" <<EOF
#!/bin/sh
if [ "\$1" = kallsyms ] && [ -n "$clean" ]; then
    shift
    set -- kallsyms --clean=$clean "\$@"
fi
echo "\$(date -u +%H:%M:%S) ksym \$*" >> "$out/ksym-calls-$way.log"
exec "$ksym" "\$@"
EOF
chmod +x "$WORK/ksym-logged"

# --- source tree -------------------------------------------------------------------------
if [ ! -f "$src/Makefile" ]; then
    step "extract $tarball"
    rm -rf "$src" && mkdir -p "$src"
    tar -xf "$tarball" -C "$src" --strip-components=1
fi
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026"
export KBUILD_BUILD_USER=ksym KBUILD_BUILD_HOST=build KBUILD_BUILD_VERSION=1
kmake() { (cd "$src" && nice -n 19 make LLVM=-16 -j"$JOBS" "$@"); }

save() { # save WAY: keep what the comparisons need
    d=$out/$1
    rm -rf "$d" && mkdir -p "$d"
    for g in vmlinux System.map .tmp_initcalls.lds arch/x86/boot/bzImage; do
        cp "$src/$g" "$d/"
    done
}

patched() { grep -q 'KSYM:-ksym' "$src/scripts/link-vmlinux.sh"; }

# --- build 1: stock ------------------------------------------------------------------------
if [ ! -f "$out/stock/bzImage" ]; then
    patched && (cd "$src" && patch -p1 -R < "$kpatch")
    cp "$shared/config" "$src/.config"
    kmake olddefconfig >/dev/null
    step "build 1: stock tools"
    t0=$(date +%s)
    kmake bzImage > "$out/build-stock.log" 2>&1 || { tail -20 "$out/build-stock.log"; die "stock build failed"; }
    echo "stock build: $(( $(date +%s) - t0 )) s" | tee "$out/build-stock.time"
    save stock
fi

# --- build 2: ksym -------------------------------------------------------------------------
if [ ! -f "$out/$way/bzImage" ]; then
    [ "${FULL:-}" = 1 ] && kmake clean >/dev/null
    if [ "${DROPIN:-}" = 1 ]; then
        # The drop-in wrappers over the stock tools, make files unpatched. Incremental
        # only: after `make clean` kbuild would rebuild scripts/kallsyms from kallsyms.c.
        [ "${FULL:-}" = 1 ] && die "DROPIN=1 works on a built tree only, not with FULL=1"
        patched && (cd "$src" && patch -p1 -R < "$kpatch")
        for g in kallsyms generate_initcall_order.pl; do
            [ -f "$src/scripts/$g.orig" ] || mv "$src/scripts/$g" "$src/scripts/$g.orig"
            cp "$root/scripts/kbuild/$g" "$src/scripts/$g"
        done
        step "build 2: ksym through the drop-in scripts/kallsyms and generate_initcall_order.pl"
    else
        patched || (cd "$src" && patch -p1 < "$kpatch")
        step "build 2: ksym kallsyms${clean:+ --clean=$clean} + ksym initcalls lds"
    fi
    # The tree may have been built last by another ksym variant (`ksym`, then
    # `--clean=lto`): the make files do not see the wrapper's options, so nothing would be
    # redone. Remove the two outputs of the steps ksym replaces, so that kbuild always
    # reruns them (initcall order script, vmlinux.o LTO link, kallsyms steps, final link).
    rm -f "$src/.tmp_initcalls.lds" "$src/vmlinux"
    : > "$out/ksym-calls-$way.log"
    t0=$(date +%s)
    KSYM=$WORK/ksym-logged kmake bzImage > "$out/build-$way.log" 2>&1 || { tail -20 "$out/build-$way.log"; die "ksym build failed"; }
    echo "ksym build: $(( $(date +%s) - t0 )) s" | tee "$out/build-$way.time"
    grep -q 'initcalls lds' "$out/ksym-calls-$way.log" || die "the ksym build did not call ksym initcalls lds"
    grep -q ' kallsyms ' "$out/ksym-calls-$way.log" || die "the ksym build did not call ksym kallsyms"
    save "$way"
    if [ "${DROPIN:-}" = 1 ]; then # put the stock tools back (mv keeps their times)
        for g in kallsyms generate_initcall_order.pl; do
            mv "$src/scripts/$g.orig" "$src/scripts/$g"
        done
    fi
fi

# --- initramfs: the shared /init, static --------------------------------------------------
if [ ! -f "$out/init.cpio" ]; then
    step "initramfs"
    gcc -static -O2 -o "$out/init" "$shared/init.c"
    gcc -O2 -o "$out/gen_init_cpio" "$src/usr/gen_init_cpio.c"
    cat > "$out/init.list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
file /init $out/init 0755 0 0
EOF
    "$out/gen_init_cpio" "$out/init.list" > "$out/init.cpio"
fi

# --- boot ---------------------------------------------------------------------------------
# TCG by default: a boot takes seconds with this config. KVM (ACCEL=kvm) hung before the
# first kernel message on a nested-virtualization host, so it is not picked on its own.
accel=${ACCEL:-tcg}
boot() { # boot WAY: console log in $out/WAY/console.log
    step "boot $1 ($accel)"
    timeout 300 nice -n 19 qemu-system-x86_64 -accel "$accel" -m 512 -nographic -no-reboot \
        -kernel "$out/$1/bzImage" -initrd "$out/init.cpio" \
        -append "console=ttyS0 panic=-1 initcall_debug nokaslr loglevel=8 ksym_mode=kallsyms panic_print=1" \
        < /dev/null > "$out/$1/console.log" 2>&1 || true
    tr -d '\r' < "$out/$1/console.log" > "$out/$1/console.txt"
    sed -n '/^KSYM-KALLSYMS-BEGIN/,/^KSYM-KALLSYMS-END/p' "$out/$1/console.txt" \
        | sed '1d;$d' > "$out/$1/kallsyms.txt"
    grep -q '^KSYM-KALLSYMS-END' "$out/$1/console.txt" || { echo "$1: no complete /proc/kallsyms dump"; return 1; }
    sed -n 's/^\[[ 0-9.]*\] calling  \([^ ]*\) @ .*/\1/p' "$out/$1/console.txt" > "$out/$1/initcalls.txt"
    # The frames of the panic's stack traces (one per line, `?` kept: FN+0xOFF/0xSIZE),
    # and the distinct reliable ones (no `?`). Only those are compared: the `?` frames are
    # stale return addresses left on a stack and the number of kworker threads varies
    # from boot to boot of one bzImage (timing under TCG), the reliable frames do not.
    sed -n '/^KSYM-INIT: sysrq c/,$p' "$out/$1/console.txt" \
        | sed -n 's/^\[[ 0-9.]*\]  \(? \)\{0,1\}\([^ ]*+0x[0-9a-f]*\/0x[0-9a-f]*\).*/\1\2/p' \
        > "$out/$1/panic-frames.txt"
    grep -v '^? ' "$out/$1/panic-frames.txt" | sort -u > "$out/$1/panic-frames-reliable.txt"
    "$ksym" kallsyms-dump "$out/$1/vmlinux" > "$out/$1/kallsyms-dump.txt"
    echo "$1: $(grep -c . "$out/$1/kallsyms.txt") /proc/kallsyms lines," \
         "$(grep -c . "$out/$1/initcalls.txt") initcalls," \
         "$(grep -c . "$out/$1/panic-frames.txt") panic trace frames" \
         "($(grep -c . "$out/$1/panic-frames-reliable.txt") distinct reliable)," \
         "$(grep -c . "$out/$1/kallsyms-dump.txt") kallsyms-dump entries"
}
boot stock
boot "$way"

# --- compare ------------------------------------------------------------------------------
status=0
same() { # same LABEL FILE [STOCK-FILE]: stock vs the ksym build
    if cmp -s "$out/stock/${3:-$2}" "$out/$way/$2"; then
        echo "SAME     $1"
    else
        echo "DIFFERS  $1"; diff "$out/stock/${3:-$2}" "$out/$way/$2" | head -10; status=1
    fi
}
step "compare stock vs $way"
if [ -z "$clean" ]; then
    same "/proc/kallsyms (booted)" kallsyms.txt
    same "initcall_debug order" initcalls.txt
    same "kallsyms-dump of vmlinux" kallsyms-dump.txt
    same "panic stack traces (distinct reliable frames)" panic-frames-reliable.txt
    same "System.map" System.map
else
    # The stock names with the LTO suffix cut, except the names the build log reports
    # as shared (those keep their full names in the cleaned table too).
    sed -n 's/^ksym kallsyms: --clean=lto: [0-9]* names clean to [^:]*: \(.*\) (full names kept)$/\1/p' \
        "$out/build-$way.log" | tr ',' '\n' | sed 's/^ *//' | sort -u > "$out/$way/kept-full.txt"
    for f in kallsyms.txt initcalls.txt kallsyms-dump.txt panic-frames-reliable.txt; do
        awk -v keep="$out/$way/kept-full.txt" '
            BEGIN { while ((getline k < keep) > 0) full[k] = 1 }
            { n = $NF; sub(/\+0x.*/, "", n)
              if (!(n in full)) { c = n; sub(/\.llvm\.[0-9]+$/, "", c); sub(n, c) }
              print }' "$out/stock/$f" > "$out/stock/$f.cleaned"
    done
    # The cleaned names make the kallsyms tables smaller. They are the first thing in
    # .rodata, so the rest of .rodata moves down with them (by design); text, data and bss
    # start on their own aligned boundaries and do not move. So: same lines (names cleaned
    # in the kallsyms views), and an address may differ only for a stock address after
    # kallsyms_names and up to __end_rodata.
    lo=$(awk '$3 == "kallsyms_names" { print $1 }' "$out/stock/System.map")
    hi=$(awk '$3 == "__end_rodata" { print $1 }' "$out/stock/System.map")
    [ -n "$lo" ] && [ -n "$hi" ] || die "no kallsyms_names or __end_rodata in stock/System.map"
    moved() { # moved LABEL FILE STOCK-FILE
        if r=$(awk -v lo="$lo" -v hi="$hi" '
            function lo32(h,   i, v) { v = 0; h = substr(h, length(h) - 7)
                for (i = 1; i <= 8; i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
                return v }
            NR == FNR { a[FNR] = $1; r[FNR] = substr($0, length($1) + 1); n = FNR; next }
            { m = FNR
              if (substr($0, length($1) + 1) != r[FNR]) {
                  print "line " FNR ": " $0; bad = 1; exit 1 }
              if ($1 == a[FNR]) { eq++; next }
              if (a[FNR] <= lo || a[FNR] > hi) {
                  print "line " FNR " moved outside .rodata after kallsyms_names: " $0
                  bad = 1; exit 1 }
              d = lo32($1) - lo32(a[FNR]); mv++; cnt[d]++ }
            END { if (bad) exit 1
                  if (m != n) { print "line counts " n " and " m; exit 1 }
                  s = ""; for (d in cnt) s = s " " d " (" cnt[d] ")"
                  print "addresses: " eq + 0 " equal, " mv + 0 " moved by" (s == "" ? " nothing" : s) }
            ' "$out/stock/$3" "$out/$way/$2"); then
            echo "SAME     $1; $r"
        else
            echo "DIFFERS  $1: $r"; status=1
        fi
    }
    moved "/proc/kallsyms (booted), stock names cleaned" kallsyms.txt kallsyms.txt.cleaned
    same "initcall_debug order, stock names cleaned" initcalls.txt initcalls.txt.cleaned
    moved "kallsyms-dump of vmlinux, stock names cleaned" kallsyms-dump.txt kallsyms-dump.txt.cleaned
    same "panic stack traces (distinct reliable frames), stock names cleaned" \
        panic-frames-reliable.txt panic-frames-reliable.txt.cleaned
    moved "System.map (raw names)" System.map System.map
    # Every frame the cleaned kernel printed (`?` ones too) names a symbol of its own
    # table, and none keeps an LTO suffix unless the collision report kept it.
    if r=$(awk -v keep="$out/$way/kept-full.txt" -v syms="$out/$way/kallsyms.txt" '
            BEGIN { while ((getline k < keep) > 0) full[k] = 1
                    while ((getline l < syms) > 0) { split(l, f, " "); have[f[3]] = 1 } }
            { n = $NF; sub(/\+0x.*/, "", n); all++
              if (!(n in have)) { print "not in its /proc/kallsyms: " $0; bad = 1 }
              if (n ~ /\.llvm\./ && !(n in full)) { print "LTO suffix printed: " $0; bad = 1 } }
            END { if (bad) exit 1; print all + 0 " frames" }' "$out/$way/panic-frames.txt"); then
        echo "SAME     panic stack traces of the cleaned kernel: cleaned names of its own table, $r"
    else
        echo "DIFFERS  panic stack traces of the cleaned kernel: $r"; status=1
    fi
    echo "frames with .llvm. printed by the stock kernel:" \
         "$(grep -c '\.llvm\.' "$out/stock/panic-frames.txt")," \
         "by the cleaned kernel: $(grep -c '\.llvm\.' "$out/$way/panic-frames.txt")"
    grep '\.llvm\.' "$out/stock/panic-frames.txt" | sort -u | head -5 | sed 's/^/  stock: /'
    # Every name that two distinct stock names share once cleaned (a name that cleaning
    # leaves alone counts as its own cleaned name), from the stock kernel's own table:
    # the collision report must name exactly these, no more, no fewer.
    awk '{ n = $3; c = n; sub(/\.llvm\.[0-9]+$/, "", c)
           if (!((c, n) in seen)) { seen[c, n] = 1; cnt[c]++; all[c] = all[c] " " n } }
         END { for (c in cnt) if (cnt[c] > 1) print all[c] }' "$out/stock/kallsyms.txt" \
        | tr ' ' '\n' | sed '/^$/d' | sort -u > "$out/stock/shared-once-cleaned.txt"
    same "collision report = names shared once cleaned (stock /proc/kallsyms)" \
        kept-full.txt shared-once-cleaned.txt
    echo "names kept in full (shared by two symbols once cleaned): $(grep -c . "$out/$way/kept-full.txt")," \
         "in $(grep 'ksym kallsyms: --clean' "$out/build-$way.log" | sort -u | grep -c .) report lines:"
    grep 'ksym kallsyms: --clean' "$out/build-$way.log" | sort -u | sed 's/^/  /' | head -40
fi
same ".tmp_initcalls.lds" .tmp_initcalls.lds
if [ -z "$clean" ]; then
    same "vmlinux (bytes)" vmlinux
    same "bzImage (bytes)" bzImage
fi
sha256sum "$out"/stock/vmlinux "$out/$way/vmlinux" | sed "s|$out/||"
echo "ksym calls made by the kernel build:"
sed 's/^/  /' "$out/ksym-calls-$way.log"

# --- build 3: a one-line change, then ksym lp-map --------------------------------------------
if [ "${CHANGE:-}" = 1 ]; then
    # A constant in a static function of a file whose promoted symbols carry .llvm. hashes.
    # Default: kernel/panic.c, whose promoted symbols (.llvm.<hash>) are one function,
    # do_oops_enter_exit, and three data objects; the constant changed is in that static
    # function. CHANGE_FILE / CHANGE_CMD choose another change (run in the checkout).
    f=${CHANGE_FILE:-kernel/panic.c}
    if [ ! -f "$out/changed/bzImage" ]; then
        step "build 3: one-line change in $f"
        [ -f "$src/$f.orig" ] || cp "$src/$f" "$src/$f.orig"
        cp "$src/$f.orig" "$src/$f"
        sh -c "${CHANGE_CMD:-sed -i 's/spin_msec(MSEC_PER_SEC);/spin_msec(2 * MSEC_PER_SEC);/' \"$src/$f\"}"
        diff -u "$src/$f.orig" "$src/$f" > "$out/change.diff" && die "the change did not apply to $f"
        KSYM=$WORK/ksym-logged kmake bzImage > "$out/build-changed.log" 2>&1 || die "changed build failed"
        save changed
        cp "$src/$f.orig" "$src/$f"
    fi
    step "ksym lp-map stock changed"
    "$ksym" lp-map "$out/stock/vmlinux" "$out/changed/vmlinux" > "$out/lp-map.txt" || true
    "$ksym" lp-map --json "$out/stock/vmlinux" "$out/changed/vmlinux" > "$out/lp-map.jsonl" || true
    tail -20 "$out/lp-map.txt"
fi
exit $status
