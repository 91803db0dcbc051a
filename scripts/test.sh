#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this script).
#
# Installs what the tests need on a fresh Debian 12 machine (run as root, or with sudo),
# then checks formatting, lints, builds the docs and the fuzz targets, and runs every test.
# The tests read ../shared (the real kernels, maps and crash corpus) and fail, naming it,
# when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  clang-16 lld-16 llvm-16          # fixture peers: llvm-symbolizer-16, llvm-nm-16, llvm-dwarfdump-16
  gcc g++ gcc-aarch64-linux-gnu binutils binutils-aarch64-linux-gnu  # peers (nm, addr2line, as), kallsyms.c, fuzz build
  linux-source-6.1                 # the kernel's own scripts (faddr2line, kallsyms.c, ...), extracted at test time
  linux-source-6.12                # the same scripts of Linux 6.12 (kallsyms.c, mksysmap, ...)
  elfutils xz-utils zstd perl gawk file git time  # git: the commit --version names; time: the maximum RSS of a run
  debuginfod                       # elfutils' server and debuginfod-find: the debuginfod client's peers
  openssl ca-certificates          # openssl s_server: an HTTPS server on loopback; the system's trust store
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "test.sh: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -d ../shared/kernels ]; then
  echo "test.sh: ../shared (real kernels, maps, crash corpus) is missing: the tests that need it will fail" >&2
fi

export CARGO_TERM_COLOR=never
# Every test runs: one whose shared data or peer tool is missing fails instead of saying
# "not run" (the fast tier of a plain `cargo test` elsewhere).
export KSYM_REQUIRE_SHARED=1
cargo fmt --all --check
cargo clippy -j2 --workspace --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc -j2 --workspace --no-deps -q
if [ -f fuzz/Cargo.toml ]; then
  cargo check -j2 -q --manifest-path fuzz/Cargo.toml --bins
fi
cargo test -j2 --workspace
