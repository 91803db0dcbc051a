#!/usr/bin/env bash
# Regenerate the compiled fixtures under testdata/lto from their C sources.
#
# Run it deliberately (CI never does): the binaries are checked in, and the tests assert
# what they contain. Tool names are pinned; the output is deterministic for a given set of
# tool versions (recorded in testdata/lto/README.md).
#
#   kern/<toolchain>-<arch>/{prog,prog.o}   the multi-file program, linked and `ld -r`
#   kmod/<toolchain>-<arch>/fixmod.ko       a module-like ET_REL with several text sections
#   lpdiff/{old,new}/<toolchain>-<arch>/{prog,prog.o}   a pair differing by one source line
#
# toolchain: gcc (-O2), gcc-lto (-O2 -flto), clang-thin (-O2 -flto=thin, lld),
#            clang-full (-O2 -flto, lld); arch: x86_64, aarch64.
set -euo pipefail

GCC_x86_64=gcc
GCC_aarch64=aarch64-linux-gnu-gcc
LD_x86_64=ld
LD_aarch64=aarch64-linux-gnu-ld
CLANG=clang-16
LLD=ld.lld-16

LTO_DIR="$(cd "$(dirname "$0")/../testdata/lto" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

for t in "$GCC_x86_64" "$GCC_aarch64" "$LD_x86_64" "$LD_aarch64" "$CLANG" "$LLD"; do
  command -v "$t" >/dev/null || { echo "build-fixtures.sh: $t is missing" >&2; exit 1; }
done

export LC_ALL=C SOURCE_DATE_EPOCH=0
NBUILD=0

# DWARF version per build: 5 everywhere except these two, which use 4.
dwarf_version() {
  case "$1-$2" in
    gcc-aarch64 | clang-full-x86_64) echo 4 ;;
    *) echo 5 ;;
  esac
}

# build TOOLCHAIN ARCH SRCDIR OUTDIR MAPPED_SRCDIR KIND [EXTRA_CFLAGS...]
# KIND is "prog" (an executable plus its `ld -r` object) or "ko" (only the `ld -r` object).
build() {
  local tc=$1 arch=$2 src=$3 out=$4 mapped=$5 kind=$6
  shift 6
  NBUILD=$((NBUILD + 1))
  local objs="$TMP/$NBUILD"
  mkdir -p "$objs" "$out"
  rm -f "$out"/prog "$out"/prog.o "$out"/fixmod.ko

  local cflags=(-O2 -g -gdwarf-"$(dwarf_version "$tc" "$arch")"
    -ffreestanding -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables
    -fno-common -Wall -Iinclude -fdebug-prefix-map="$src=$mapped" "$@")
  local cc ldr
  case $tc in
    gcc | gcc-lto)
      local var="GCC_$arch"; cc=${!var}
      var="LD_$arch"; ldr=${!var}
      cflags+=(-frandom-seed=ksym)
      [ "$tc" = gcc-lto ] && cflags+=(-flto)
      ;;
    clang-thin | clang-full)
      cc="$CLANG --target=$arch-linux-gnu"
      ldr=$LLD
      if [ "$tc" = clang-thin ]; then cflags+=(-flto=thin); else cflags+=(-flto); fi
      ;;
  esac

  (
    cd "$src"
    for f in *.c; do
      $cc "${cflags[@]}" -c "$f" -o "$objs/${f%.c}.o"
    done
    local o=("$objs"/*.o)
    local rel="$out/prog.o"
    [ "$kind" = ko ] && rel="$out/fixmod.ko"
    # Like the kernel (vmlinux.o, then vmlinux): LTO runs in a relocatable link, which
    # internalizes nothing, and the executable is a plain link of that one object.
    case $tc in
      gcc | clang-*) $ldr -r -o "$rel" "${o[@]}" ;;
      gcc-lto) $cc "${cflags[@]}" -nostdlib -r -flinker-output=nolto-rel -o "$rel" "${o[@]}" ;;
    esac
    if [ "$kind" = prog ]; then
      $ldr -static -e _start --build-id=sha1 -z max-page-size=4096 -o "$out/prog" "$rel"
    fi
    true
  )
}

TOOLCHAINS=(gcc gcc-lto clang-thin clang-full)
ARCHES=(x86_64 aarch64)

for tc in "${TOOLCHAINS[@]}"; do
  for arch in "${ARCHES[@]}"; do
    build "$tc" "$arch" "$LTO_DIR/kern/src" "$LTO_DIR/kern/$tc-$arch" \
      /ksym/testdata/lto/kern/src prog
  done
done

for tc in gcc clang-thin; do
  for arch in "${ARCHES[@]}"; do
    extra=(-ffunction-sections)
    [ "$arch" = x86_64 ] && extra+=(-mcmodel=kernel -mno-red-zone)
    build "$tc" "$arch" "$LTO_DIR/kmod/src" "$LTO_DIR/kmod/$tc-$arch" \
      /ksym/testdata/lto/kmod/src ko "${extra[@]}"
  done
done

# Both versions map to one source path, as two builds of one tree would: only the changed
# line differs, so only b.c's promoted statics get a new .llvm. hash.
for v in old new; do
  for arch in "${ARCHES[@]}"; do
    build clang-thin "$arch" "$LTO_DIR/lpdiff/$v/src" "$LTO_DIR/lpdiff/$v/clang-thin-$arch" \
      /ksym/testdata/lto/lpdiff/src prog
  done
done

{
  echo "# Tool versions of the last build-fixtures.sh run"
  for t in "$GCC_x86_64" "$GCC_aarch64" "$CLANG" "$LLD" "$LD_x86_64" "$LD_aarch64"; do
    echo "$t: $($t --version | head -n1)"
  done
} >"$LTO_DIR/VERSIONS"
echo "build-fixtures.sh: done; $(du -sh "$LTO_DIR" | cut -f1) in $LTO_DIR"
