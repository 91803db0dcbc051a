#!/usr/bin/env bash
# Benchmarks ksym side by side with the tools it replaces, on the same machine and inputs.
# Run by hand (never by CI): it downloads Debian's production debug kernel (about 860 MB)
# and takes a few minutes. Figures go to docs/performance.md, written by hand from the
# tables this script prints (also kept in target/bench/results/).
#
#   scripts/bench.sh [faddr2line] [decode] [code] [kallsyms] [initcalls] [inlined]   (default: all)
#
# `code` (Code: line disassembly) needs only the shared kernels: run alone, it does not
# download the production vmlinux.
#
# Environment:
#   KSYM_BENCH_VMLINUX   the production-size vmlinux (default: Debian's
#                        linux-image-6.1.0-56-amd64-dbg, downloaded into target/bench/debian)
#   KSYM_BENCH_DIR       work directory (default: target/bench)
#   KSYM_BENCH_RUNS      hyperfine runs for the fast tools (default 10)
#   KSYM_BENCH_SLOW_RUNS hyperfine runs for the kernel's shell scripts (default 3)
#   KSYM_BENCH_INLINED   the function for `ksym inlined` (default: list_del_init)
#   LINUX_SOURCE         the Linux 6.1 source tarball (default /usr/src/linux-source-6.1.tar.xz)
#
# ksym keeps the DWARF unit index and the symbol indexes of a large object in cache files
# (src/dwarf/index.rs, src/dwarf/symbols.rs); here they live in $KSYM_BENCH_DIR/index-cache.
# Rows marked "no index cache" run with KSYM_CACHE_DIR empty: what the very first opening
# of a vmlinux costs.
#
# Peers: Linux 6.1's scripts/faddr2line (with binutils readelf/addr2line),
# scripts/decode_stacktrace.sh, scripts/kallsyms.c (compiled here as a host program),
# scripts/generate_initcall_order.pl (NM=llvm-nm-16), and llvm-symbolizer-16.
# Times: hyperfine (mean ± standard deviation). Peak memory: the maximum resident set size
# that /usr/bin/time reports for one more run (for a shell script, the largest process it
# ran). "Cold" runs evict the input file from the page cache before each run
# (posix_fadvise DONTNEED through `dd iflag=nocache`, which needs no root); the host's own
# disk cache, if any, is out of reach.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bench=${KSYM_BENCH_DIR:-$root/target/bench}
runs=${KSYM_BENCH_RUNS:-10}
slow_runs=${KSYM_BENCH_SLOW_RUNS:-3}
linux_source=${LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
shared=$root/../shared
ksym=$root/target/release/ksym
results=$bench/results
mkdir -p "$bench" "$results"
export KSYM_CACHE_DIR=$bench/index-cache

all=(faddr2line decode code kallsyms initcalls inlined)
sections=("$@")
((${#sections[@]})) || sections=("${all[@]}")
for s in "${sections[@]}"; do
  [[ " ${all[*]} " == *" $s "* ]] || { echo "bench.sh: unknown section '$s' (known: ${all[*]})" >&2; exit 2; }
done

say() { printf '%s\n' "$*" >&2; }
die() { say "bench.sh: $*"; exit 2; }

# --- tools ------------------------------------------------------------------------------
packages=(hyperfine time llvm-16 binutils linux-source-6.1 perl gcc xz-utils)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "bench.sh: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
[ -d "$shared/kernels" ] || die "$shared (the shared kernels and maps) is missing"

say "bench.sh: cargo build --release"
cargo build --release -q -j2

# The kernel's own tools, from Linux 6.1's source package.
linux=$bench/linux
if [ ! -f "$linux/scripts/generate_initcall_order.pl" ]; then
  [ -f "$linux_source" ] || die "$linux_source is missing (Debian package linux-source-6.1)"
  say "bench.sh: extracting the kernel scripts from $linux_source"
  mkdir -p "$linux"
  tar -xJf "$linux_source" -C "$linux" --strip-components=1 \
    linux-source-6.1/scripts/faddr2line linux-source-6.1/scripts/decode_stacktrace.sh \
    linux-source-6.1/scripts/kallsyms.c linux-source-6.1/scripts/generate_initcall_order.pl
fi
if [ ! -x "$linux/kallsyms" ] || [ "$linux/scripts/kallsyms.c" -nt "$linux/kallsyms" ]; then
  gcc -O2 -o "$linux/kallsyms" "$linux/scripts/kallsyms.c" # as the kernel's HOSTCC builds it
fi

# The production-size vmlinux (not for `code` alone).
vmlinux=${KSYM_BENCH_VMLINUX:-}
only_code=""
[ "${sections[*]}" != "code" ] || only_code=1
if [ -z "$vmlinux" ] && [ -n "$only_code" ]; then
  vmlinux=none
elif [ -z "$vmlinux" ]; then
  vmlinux=$bench/debian/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64
  if [ ! -f "$vmlinux" ]; then
    mkdir -p "$bench/debian"
    (
      cd "$bench/debian"
      ls linux-image-6.1.0-56-amd64-dbg_*.deb > /dev/null 2>&1 ||
        apt-get download linux-image-6.1.0-56-amd64-dbg || {
          say "bench.sh: apt-get download failed; updating the package lists and retrying"
          sudo=""
          [ "$(id -u)" -eq 0 ] || sudo="sudo"
          $sudo apt-get update -qq
          apt-get download linux-image-6.1.0-56-amd64-dbg
        }
      say "bench.sh: extracting vmlinux from $(ls linux-image-6.1.0-56-amd64-dbg_*.deb)"
      dpkg-deb --fsys-tarfile linux-image-6.1.0-56-amd64-dbg_*.deb |
        tar -x ./usr/lib/debug/boot/vmlinux-6.1.0-56-amd64
    )
  fi
fi
[ -n "$only_code" ] || [ -f "$vmlinux" ] || die "$vmlinux is missing"

# The shared kernels, decompressed once.
unxz_once() { # SRC.xz DEST
  if [ ! -f "$2" ]; then
    mkdir -p "$(dirname "$2")"
    xz -dc "$1" > "$2.tmp" && mv "$2.tmp" "$2"
  fi
}
small=$bench/kernels/x86_64-thin/vmlinux
unxz_once "$shared/kernels/x86_64-thin/vmlinux.xz" "$small"
# Picked addresses are cached per production vmlinux (name and size).
picks_key=$(basename "$vmlinux")-$(stat -c %s "$vmlinux" 2>/dev/null || echo 0)

# --- measuring --------------------------------------------------------------------------
has_sub() { # SUBCOMMAND [SUB-SUBCOMMAND]: is it built into ksym?
  if [ $# -eq 1 ]; then
    "$ksym" --help | grep -qE "^  $1 "
  else
    "$ksym" "$1" --help 2>/dev/null | grep -qE "^  $2 "
  fi
}
load() { cut -d' ' -f1-3 /proc/loadavg; }
evict() { printf 'dd if=%q iflag=nocache count=0 status=none' "$1"; }

# table TITLE: starts a table in $results/$section.md
table() {
  out=$results/$section.md
  ref_mean=""
  ref_rss=""
  row_n=0
  {
    printf '\n### %s\n\n' "$1"
    printf '| tool | wall time (mean ± σ) | CPU user+sys | peak RSS | time ÷ ksym | RSS ÷ ksym | load |\n'
    printf '|---|---|---|---|---|---|---|\n'
  } >> "$out"
}

# measure LABEL RUNS PREPARE COMMAND: one table row. The first row of a table is the
# reference (ksym) for the ratios. COMMAND is a shell command line; PREPARE (may be
# empty) runs before each timed run, and before the memory run.
measure() {
  local label=$1 n=$2 prepare=$3 cmd=$4
  row_n=$((row_n + 1))
  local json=$results/$section-$(printf '%02d' "$row_n").json
  local hf=(hyperfine --style basic --runs "$n" --export-json "$json" --command-name "$label")
  if [ -n "$prepare" ]; then hf+=(--prepare "$prepare"); else hf+=(--warmup 1); fi
  local l
  l=$(load)
  say "== $section: $label (load $l)"
  say "   \$ $cmd"
  if ! "${hf[@]}" "$cmd" >&2; then
    printf '| %s | failed | | | | | %s |\n' "$label" "$l" >> "$out"
    return 0
  fi
  [ -z "$prepare" ] || sh -c "$prepare"
  local tf=$results/time.txt
  /usr/bin/time -f '%e %M' -o "$tf" sh -c "$cmd" > /dev/null 2>&1 || true
  local rss_kb
  rss_kb=$(tail -n 1 "$tf" | awk '{ print $2 }')
  perl -MJSON::PP -e '
    my ($json, $label, $rss, $ref_mean, $ref_rss, $load) = @ARGV;
    open my $f, "<", $json or die "$json: $!";
    my $r = decode_json(do { local $/; <$f> })->{results}[0];
    my ($mean, $sd) = ($r->{mean}, $r->{stddev} // 0);
    my $t = $mean >= 1 ? sprintf("%.2f s ± %.2f", $mean, $sd) : sprintf("%.0f ms ± %.0f", $mean * 1e3, $sd * 1e3);
    my $m = sprintf("%.0f MiB", $rss / 1024);
    my $cpu = $r->{user} + $r->{system};
    my $c = $cpu >= 1 ? sprintf("%.2f s", $cpu) : sprintf("%.0f ms", $cpu * 1e3);
    my ($tr, $mr) = $ref_mean eq "" ? ("1", "1") : (sprintf("%.2f", $mean / $ref_mean), sprintf("%.2f", $rss / $ref_rss));
    printf "| %s | %s | %s | %s | %s | %s | %s |\n", $label, $t, $c, $m, $tr, $mr, $load;
    printf STDERR "%s %s\n", $mean, $rss;
  ' "$json" "$label" "$rss_kb" "$ref_mean" "$ref_rss" "$l" >> "$out" 2> "$results/last.txt"
  if [ -z "$ref_mean" ]; then
    read -r ref_mean ref_rss < "$results/last.txt"
  fi
}

note() { printf '\n%s\n' "$*" >> "$out"; }

skipped() { # SUBCOMMAND
  say "== $section: skipped: not built (ksym has no '$1' subcommand)"
  printf '\n### %s\n\nskipped: not built (ksym has no `%s` subcommand)\n' "$section" "$1" >> "$out"
}

start_section() {
  section=$1
  out=$results/$section.md
  {
    printf '## %s\n\n' "$section"
    printf '%s, ksym %s, %s (%s cores), load at start: %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" \
      "$(git -C "$root" describe --always --dirty 2>/dev/null || echo '?')" \
      "$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)" "$(nproc)" "$(load)"
  } > "$out"
}

# --- 1. faddr2line ----------------------------------------------------------------------
bench_faddr2line() {
  start_section faddr2line
  has_sub faddr2line || { skipped faddr2line; return; }
  local script=$linux/scripts/faddr2line
  note "binutils: $(addr2line --version | head -n 1)"
  local v name
  for v in "$vmlinux" "$small"; do
    name=$(basename "$v")
    local one
    one=$(scripts/bench/pick.sh "$v" 0 vfs_read | awk '{ print $1 }')
    [ -n "$one" ] || die "$v: no return address in vfs_read"
    # Both must answer, and the same.
    diff <("$ksym" faddr2line "$v" "$one") <(bash "$script" "$v" "$one") > "$results/faddr2line-diff.txt" ||
      note "**outputs differ on $name $one** (see results/faddr2line-diff.txt)"
    "$ksym" faddr2line "$v" "$one" > /dev/null # the index cache, as after a first run
    table "one address, $name ($(du -m "$v" | cut -f1) MiB): \`$one\`"
    measure "ksym faddr2line, cold" "$runs" "$(evict "$v")" "$ksym faddr2line $v $one"
    measure "ksym faddr2line, cold, no index cache" "$runs" "$(evict "$v")" "KSYM_CACHE_DIR= $ksym faddr2line $v $one"
    measure "scripts/faddr2line, cold" "$slow_runs" "$(evict "$v")" "bash $script $v $one"
    table "one address, $name, warm cache: \`$one\`"
    measure "ksym faddr2line, warm" "$runs" "" "$ksym faddr2line $v $one"
    measure "ksym faddr2line, warm, no index cache" "$runs" "" "KSYM_CACHE_DIR= $ksym faddr2line $v $one"
    measure "scripts/faddr2line, warm" "$slow_runs" "" "bash $script $v $one"
  done

  # 200 return addresses spread over the functions of the production vmlinux.
  local picks=$bench/faddr2line-200-$picks_key.txt
  [ -s "$picks" ] || scripts/bench/pick.sh "$vmlinux" 200 > "$picks"
  local funcs addrs=$bench/faddr2line-200.addr
  awk '{ print $2 }' "$picks" > "$addrs"
  funcs=$(awk '{ print $1 }' "$picks" | paste -sd' ')
  local nf
  nf=$("$ksym" faddr2line "$vmlinux" $funcs | grep -c '^[^ ]*+0x[0-9a-f]*/0x[0-9a-f]*:$' || true)
  table "200 addresses, $(basename "$vmlinux") (${nf} of 200 resolved by ksym; list: ${picks#"$root"/})"
  measure "ksym faddr2line (200 args)" "$runs" "" "$ksym faddr2line $vmlinux $funcs"
  measure "llvm-symbolizer-16 --inlining (stdin)" "$runs" "" "llvm-symbolizer-16 --inlining --obj=$vmlinux < $addrs"
}

# --- 2. decode --------------------------------------------------------------------------
# A 40-frame x86_64 oops against the production vmlinux: real return addresses (one per
# function, spread over .text), a RIP line, registers, as Linux 6.1 prints them. No `Code:`
# line: decode_stacktrace.sh would hand it to scripts/decodecode (objdump), a separate job.
make_oops() { # PICKS > LOG
  awk '
    function ts(s) { s = sprintf("[%12.6f] ", t); t += 0.000006; return s }
    BEGIN { t = 123.456789 }
    { frame[NR] = $1 }
    END {
      n = NR - 1      # the last pick is the faulting function
      split(frame[NR], rip, "+")
      printf "%sBUG: kernel NULL pointer dereference, address: 0000000000000008\n", ts()
      printf "%s#PF: supervisor read access in kernel mode\n", ts()
      printf "%s#PF: error_code(0x0000) - not-present page\n", ts()
      printf "%sPGD 0 P4D 0 \n", ts()
      printf "%sOops: 0000 [#1] PREEMPT SMP NOPTI\n", ts()
      printf "%sCPU: 3 PID: 4242 Comm: bench Not tainted 6.1.0-56-amd64 #1 Debian 6.1.192-2\n", ts()
      printf "%sHardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.2-debian-1.16.2-1 04/01/2014\n", ts()
      printf "%sRIP: 0010:%s\n", ts(), frame[NR]
      printf "%sRSP: 0018:ffffb3c2c0a4bc58 EFLAGS: 00010246\n", ts()
      printf "%sRAX: 0000000000000000 RBX: ffff9a0f42b1e000 RCX: 0000000000000000\n", ts()
      printf "%sRDX: 0000000000000001 RSI: ffffb3c2c0a4bd10 RDI: ffff9a0f42b1e000\n", ts()
      printf "%sRBP: ffffb3c2c0a4bcd0 R08: 0000000000000000 R09: ffff9a0f40123456\n", ts()
      printf "%sR10: 0000000000000000 R11: 0000000000000000 R12: ffff9a0f4e2d9c00\n", ts()
      printf "%sR13: 0000000000000000 R14: ffffb3c2c0a4bd10 R15: 0000000000000008\n", ts()
      printf "%sFS:  00007f3b2c1fe740(0000) GS:ffff9a12efd80000(0000) knlGS:0000000000000000\n", ts()
      printf "%sCS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033\n", ts()
      printf "%sCR2: 0000000000000008 CR3: 000000010a3b2000 CR4: 0000000000350ee0\n", ts()
      printf "%sCall Trace:\n", ts()
      printf "%s <TASK>\n", ts()
      for (i = 1; i <= n; i++)
        printf "%s %s%s\n", ts(), (i % 7 == 0 ? "? " : ""), frame[i]
      printf "%s </TASK>\n", ts()
      printf "%sModules linked in: nft_chain_nat nf_nat nf_tables nfnetlink ext4 crc16 mbcache jbd2 virtio_net virtio_blk\n", ts()
      printf "%sCR2: 0000000000000008\n", ts()
      printf "%s---[ end trace 0000000000000000 ]---\n", ts()
    }' "$1"
}

bench_decode() {
  start_section decode
  has_sub decode || { skipped decode; return; }
  local picks=$bench/oops-41-$picks_key.txt log=$bench/oops-40-frames.log addrs=$bench/oops-40-frames.addr
  [ -s "$picks" ] || scripts/bench/pick.sh "$vmlinux" 41 > "$picks"
  make_oops "$picks" > "$log"
  # The addresses ksym looks up: each return address - 1 (the call), the RIP as printed.
  perl -ne '@f = split; push @a, $f[1]; END { printf "0x%x\n", hex($a[$_]) - 1 for 0 .. $#a - 1; print "$a[-1]\n" }' \
    "$picks" > "$addrs"
  local frames
  frames=$(grep -c '+0x' "$log")
  local script=$linux/scripts/decode_stacktrace.sh
  "$ksym" decode --vmlinux "$vmlinux" "$log" > "$results/decode-ksym.txt" || true
  bash "$script" "$vmlinux" < "$log" > "$results/decode-script.txt" 2>&1 || true
  table "$((frames - 1)) call-trace frames + RIP, $(basename "$vmlinux") (log: target/bench/oops-40-frames.log)"
  measure "ksym decode" "$runs" "" "$ksym decode --vmlinux $vmlinux $log"
  measure "scripts/decode_stacktrace.sh" "$slow_runs" "" "bash $script $vmlinux < $log"
  measure "llvm-symbolizer-16 --inlining, same $frames addresses" "$runs" "" "llvm-symbolizer-16 --inlining --obj=$vmlinux < $addrs"
  table "the same, cold cache"
  measure "ksym decode, cold" "$runs" "$(evict "$vmlinux")" "$ksym decode --vmlinux $vmlinux $log"
  measure "llvm-symbolizer-16, cold" "$runs" "$(evict "$vmlinux")" "llvm-symbolizer-16 --inlining --obj=$vmlinux < $addrs"
}

# --- 2b. code ---------------------------------------------------------------------------
# What the Code: lines cost: one real BUG report of each shared console (a Code: line for
# the kernel's pc, x86 also one for the user-mode RIP) decoded with and without its
# Code: lines, against that kernel's vmlinux and lkdtm.ko.
bench_code() {
  start_section code
  has_sub decode || { skipped decode; return; }
  local k dir log nocode
  for k in x86_64-thin arm64-thin; do
    dir=$bench/kernels/$k
    unxz_once "$shared/kernels/$k/vmlinux.xz" "$dir/vmlinux"
    unxz_once "$shared/kernels/$k/lkdtm.ko.xz" "$dir/modules/lkdtm.ko"
    log=$root/testdata/decode/$k-bug.log
    nocode=$bench/$k-bug-no-code.log
    grep -v '] Code: ' "$log" > "$nocode"
    "$ksym" decode --vmlinux "$dir/vmlinux" --modules "$dir/modules" "$log" > "$results/code-$k.txt" || true
    table "$k BUG report ($(grep -c '] Code: ' "$log") Code: lines; log: testdata/decode/$k-bug.log)"
    measure "ksym decode, with its Code: lines" "$runs" "" "$ksym decode --vmlinux $dir/vmlinux --modules $dir/modules $log"
    measure "ksym decode, Code: lines removed" "$runs" "" "$ksym decode --vmlinux $dir/vmlinux --modules $dir/modules $nocode"
  done
}

# --- 3. kallsyms ------------------------------------------------------------------------
bench_kallsyms() {
  start_section kallsyms
  has_sub kallsyms || { skipped kallsyms; return; }
  local arch map flags
  for arch in amd64 arm64; do
    map=$bench/maps/debian-6.1.0-56-$arch.System.map
    unxz_once "$shared/maps/debian-6.1.0-56-$arch.System.map.xz" "$map"
    if [ $arch = amd64 ]; then flags="--all-symbols --absolute-percpu --base-relative"; else flags="--all-symbols --base-relative"; fi
    local same=identical
    cmp -s <("$ksym" kallsyms $flags "$map") <("$linux/kallsyms" $flags "$map") || same="**different**"
    table "$arch System.map ($(wc -l < "$map") lines), \`$flags\` (outputs $same)"
    measure "ksym kallsyms" "$runs" "" "$ksym kallsyms $flags $map"
    measure "scripts/kallsyms (6.1, gcc -O2)" "$runs" "" "$linux/kallsyms $flags $map"
  done
}

# --- 4. initcalls -----------------------------------------------------------------------
bench_initcalls() {
  start_section initcalls
  has_sub initcalls lds || { skipped "initcalls lds"; return; }
  local dir=$bench/link-inputs
  if [ ! -f "$dir/vmlinux.a" ]; then
    mkdir -p "$dir"
    tar -xJf "$shared/kernels/x86_64-thin/link-inputs.tar.xz" -C "$dir"
  fi
  local a
  a=$(find "$dir" -name vmlinux.a | head -n 1)
  [ -n "$a" ] || die "no vmlinux.a in $shared/kernels/x86_64-thin/link-inputs.tar.xz"
  local adir
  adir=$(dirname "$a")
  local script=$linux/scripts/generate_initcall_order.pl same=identical
  cmp -s <(cd "$adir" && "$ksym" initcalls lds vmlinux.a) <(cd "$adir" && NM=llvm-nm-16 perl "$script" vmlinux.a) ||
    same="**different**"
  table "x86_64-thin vmlinux.a ($(ar t "$a" | wc -l) bitcode members; outputs $same)"
  measure "ksym initcalls lds" "$runs" "" "cd $adir && $ksym initcalls lds vmlinux.a"
  measure "generate_initcall_order.pl (NM=llvm-nm-16)" "$slow_runs" "" "cd $adir && NM=llvm-nm-16 perl $script vmlinux.a"
}

# --- 5. inlined -------------------------------------------------------------------------
bench_inlined() {
  start_section inlined
  has_sub inlined || { skipped inlined; return; }
  local func=${KSYM_BENCH_INLINED:-list_del_init}
  local count
  count=$("$ksym" inlined "$vmlinux" "$func" | wc -l || true)
  table "\`ksym inlined $(basename "$vmlinux") $func\` ($count output lines)"
  measure "ksym inlined, warm" "$slow_runs" "" "$ksym inlined $vmlinux $func"
  measure "ksym inlined, cold" "$slow_runs" "$(evict "$vmlinux")" "$ksym inlined $vmlinux $func"
}

{
  echo "## machine"
  echo
  echo "- $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), family $(lscpu | sed -n 's/^CPU family: *//p') model $(lscpu | sed -n 's/^Model: *//p'), $(nproc) cores ($(lscpu | awk -F': *' '/^Hypervisor vendor/ { v = $2 } END { print v ? v " guest" : "bare metal" }'))"
  echo "- memory: $(free -m | awk '/^Mem:/ { print $2 }') MiB; kernel $(uname -r); Debian $(cat /etc/debian_version 2>/dev/null || echo '?')"
  echo "- $(hyperfine --version), $(llvm-symbolizer-16 --version | sed -n 's/.*LLVM version/LLVM/p'), binutils $(dpkg-query -W -f='${Version}' binutils), linux-source-6.1 $(dpkg-query -W -f='${Version}' linux-source-6.1), $(perl -e 'print "perl $^V"'), $(gcc --version | head -n 1), $(rustc --version)"
  echo "- ksym $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?'), production vmlinux: $vmlinux"
} > "$results/machine.md"

for s in "${sections[@]}"; do
  "bench_$s"
done

say ""
say "bench.sh: results (also in $results/):"
for s in machine "${sections[@]}"; do
  cat "$results/$s.md"
  echo
done
