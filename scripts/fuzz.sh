#!/usr/bin/env bash
# Run the fuzz targets (fuzz/fuzz_targets) for a bounded time, on a stable toolchain.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 60 seconds, every target)
#
# No nightly toolchain is needed: libFuzzer (built by the libfuzzer-sys crate) drives each
# target, and the coverage instrumentation it needs is LLVM's SanitizerCoverage pass, which
# stable rustc runs with `-C passes=sancov-module` and `-C llvm-args=-sanitizer-coverage-*`
# (what cargo-fuzz passes, minus AddressSanitizer, which needs nightly). Rust's own checks
# (bounds, overflow: `-C overflow-checks`, debug assertions) turn memory errors and
# arithmetic slips into panics, which libFuzzer reports as crashes.
#
# Work files (corpora kept across runs; per run, crash inputs, one log per target and a
# summary, named after the run's start time) go to $KSYM_FUZZ_DIR,
# default target/fuzz-work. Seeds are made at run time: small ELF objects with DWARF built
# by clang-16 (plain, with compressed debug sections, relocatable arm64), their LLVM
# bitcode, and the first lines of the shared kernels' System.map and console when
# ../shared is there. Exit status: 0 when no target found a crash, 1 otherwise (the crash
# inputs are named in the summary; rerun one with `BINARY CRASH_FILE`).
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
shift || true
all=(elf_sections elf_symtab dwarf_object unit_cache symbol_cache oops_parse code_line symbol_text kallsyms_dump
  bitcode name_parse)
if (($#)); then targets=("$@"); else targets=("${all[@]}"); fi

work=${KSYM_FUZZ_DIR:-$PWD/target/fuzz-work}
mkdir -p "$work"
work=$(cd "$work" && pwd)
triple=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_TARGET_DIR=$PWD/target/fuzz
# --target keeps these flags off build scripts and proc macros (they are not linked
# against libFuzzer).
export RUSTFLAGS="--cfg fuzzing -C passes=sancov-module \
 -C llvm-args=-sanitizer-coverage-level=4 \
 -C llvm-args=-sanitizer-coverage-inline-8bit-counters \
 -C llvm-args=-sanitizer-coverage-pc-table \
 -C llvm-args=-sanitizer-coverage-trace-compares \
 -C debug-assertions -C overflow-checks -C debuginfo=1"
cargo build -q -j2 --release --manifest-path fuzz/Cargo.toml --target "$triple" --bins
bin=$CARGO_TARGET_DIR/$triple/release

# --- seeds --------------------------------------------------------------------------
seeds=$work/seeds
rm -rf "$seeds"
mkdir -p "$seeds"
cat >"$seeds/t.c" <<'EOF'
static inline int sq(int x) { return x * x; }
static inline __attribute__((always_inline)) int add(int a, int b) { return sq(a) + b; }
int counter;
int __attribute__((noinline)) step(int v) { counter += add(v, 3); return counter; }
int main(int argc, char **argv) { (void)argv; return step(argc) + add(argc, 1); }
EOF
cc=clang-16
"$cc" -g -O2 -c "$seeds/t.c" -o "$seeds/plain.o"
"$cc" -g -O2 -gz=zlib -c "$seeds/t.c" -o "$seeds/zlib.o"
"$cc" -g -O1 --target=aarch64-linux-gnu -c "$seeds/t.c" -o "$seeds/arm64.o"
"$cc" -flto=thin -O2 -c "$seeds/t.c" -o "$seeds/t.bc"
export KSYM_FUZZ_BASE=$seeds/plain.o
for t in "${all[@]}"; do mkdir -p "$seeds/$t"; done
# The ELF targets prepend the magic: their seeds start after it.
for o in plain zlib arm64; do
  tail -c +5 "$seeds/$o.o" >"$seeds/dwarf_object/$o"
  tail -c +5 "$seeds/$o.o" >"$seeds/elf_symtab/$o"
done
head -c 40 /dev/zero >"$seeds/elf_sections/zero"
cp "$seeds/t.bc" "$seeds/bitcode/t.bc"
printf 'xxxxxxxxxxxxxxxx\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' >"$seeds/unit_cache/empty"
# A symbol cache file of a table of 0 symbols, no entries: identity (64), count (8),
# four counts (16).
head -c 88 /dev/zero >"$seeds/symbol_cache/empty"
printf 'do_one_initcall\nfoo.llvm.123456\n__cfi_bar.lto_priv.0\n' >"$seeds/name_parse/names"
shared=../shared/kernels/x86_64-thin
if [ -f "$shared/System.map" ]; then
  head -n 200 "$shared/System.map" >"$seeds/symbol_text/System.map"
  head -n 200 "$shared/System.map" >"$seeds/kallsyms_dump/System.map"
fi
if [ -f "$shared/console.log" ]; then
  head -c 16384 "$shared/console.log" >"$seeds/oops_parse/console"
fi
# code_line: one `Code:` line of each architecture (text only; no object bytes).
for k in x86_64-thin arm64-thin; do
  f=../shared/kernels/$k/console.log
  if [ -f "$f" ]; then grep -m1 'Code: ' "$f" >"$seeds/code_line/$k" || true; fi
done
printf 'Code: 0f 1f 44 00 00 55 48 89 e5 <0f> 0b 5d c3\n' >"$seeds/code_line/x86"
printf 'Code: d503201f a9bf7bfd 910003fd (d4210000) a8c17bfd\n' >"$seeds/code_line/arm64"

# --- runs ---------------------------------------------------------------------------
run=$(date -u +%Y%m%dT%H%M%SZ)
summary=$work/summary-$run.txt
{
  echo "date: $(date -u +%FT%TZ)"
  echo "machine: $(uname -srm), $(nproc) cpus, $(rustc -V)"
  echo "seconds per target: $secs"
} >"$summary"
found=0
for t in "${targets[@]}"; do
  crashdir=$work/crashes/$run/$t
  mkdir -p "$work/corpus/$t" "$crashdir"
  log=$work/$t-$run.log
  status=0
  "$bin/$t" "$work/corpus/$t" "$seeds/$t" \
    -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$crashdir/" -print_final_stats=1 >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  crashes=$(find "$crashdir" -type f | wc -l)
  echo "$t: status $status, ${execs:-?} executions, corpus $(find "$work/corpus/$t" -type f | wc -l), crash files $crashes" >>"$summary"
  if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    found=1
    find "$crashdir" -type f | sed 's/^/  /' >>"$summary"
  fi
done
echo "finished: $(date -u +%FT%TZ)" >>"$summary"
cat "$summary"
exit "$found"
