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
#
# And testdata/paths (see its README.md), alone with `build-fixtures.sh paths`:
#   vmlinux     start_kernel, a C unit with a relative compile directory and an
#               assembly unit with its own absolute one
#   intree.ko, oot.ko   modules built in and outside a kernel tree
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

# testdata/paths: the compile directories of Debian's production kernels, built with gcc
# as Debian builds them. C units get a relative compile directory (Debian arm64's
# `debian/build/build_arm64_none_arm64`); the assembly unit an absolute one of its own
# (Debian amd64's `/build/reproducible-path/linux-6.1.192`).
build_paths() {
  local dir src out
  dir="$(cd "$(dirname "$0")/../testdata/paths" && pwd)"
  src="$dir/src"
  out="$TMP/paths"
  mkdir -p "$out"
  local cc=("$GCC_x86_64" -O2 -g -gdwarf-5 -ffreestanding -fno-pic -fno-stack-protector
    -fno-asynchronous-unwind-tables -fno-common -fno-pie -Wall -Iinclude)
  (
    cd "$src"
    for f in init/main.c mm/page_alloc.c; do
      "${cc[@]}" -fdebug-prefix-map="$src=debian/build/build_x86_64_none_x86_64" \
        -c "$f" -o "$out/$(basename "${f%.c}").o"
    done
    "${cc[@]}" -fdebug-prefix-map="$src=/build/reproducible-path/linux-6.1.192" \
      -c arch/x86/lib/copy_user_64.S -o "$out/copy_user_64.o"
    "$LD_x86_64" -static -e _start --build-id=sha1 -z max-page-size=4096 -o "$dir/vmlinux" \
      "$out/main.o" "$out/page_alloc.o" "$out/copy_user_64.o"
    "${cc[@]}" -fdebug-prefix-map="$src=debian/build/build_x86_64_none_x86_64" \
      -c drivers/misc/intree.c \
      -o "$out/intree.o"
    "$LD_x86_64" -r -o "$dir/intree.ko" "$out/intree.o"
    (cd oot && "${cc[@]}" -fdebug-prefix-map="$src/oot=/home/dev/net/oot" -c oot.c \
      -o "$out/oot.o")
    "$LD_x86_64" -r -o "$dir/oot.ko" "$out/oot.o"
  )
  echo "build-fixtures.sh: paths done; $(du -sh "$dir" | cut -f1) in $dir"
}
if [ "${1:-}" = paths ]; then
  build_paths
  exit 0
fi

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
build_paths
echo "build-fixtures.sh: done; $(du -sh "$LTO_DIR" | cut -f1) in $LTO_DIR"
