#!/bin/sh
# Rebuild the link-stage fixtures (run from anywhere; needs clang-16, llvm-16, gcc).
set -eu
cd "$(dirname "$0")"
C="clang-16 -O2 -fcommon -fno-asynchronous-unwind-tables"
for lto in thin full; do
	flag=-flto; [ $lto = thin ] && flag=-flto=thin
	$C $flag -c src/sym.c -o sym.$lto.o
done
$C -flto=thin -c src/mod.c -o mod.thin.o
for f in main drv odd bad; do
	$C -flto=thin -D__KBUILD_MODNAME=kmod_$f -c src/$f.c -o $f.thin.o
	gcc -O2 -D__KBUILD_MODNAME=kmod_$f -c src/$f.c -o $f.gcc.o
done
$C -flto=thin -c src/start.c -o start.thin.o
for f in main drv; do
	$C -flto=thin -DKINIT_POINTERS -D__KBUILD_MODNAME=kmod_$f -c src/$f.c -o $f.ptr.o
done
rm -f init.thin.a init.a
llvm-ar-16 rcT init.thin.a main.thin.o drv.thin.o odd.thin.o
llvm-ar-16 rc init.a main.gcc.o drv.gcc.o odd.gcc.o
# The evidence pair: the same three files linked with full LTO and without.
for f in evid_a evid_b evid_start; do
	$C -flto -c src/$f.c -o $f.full.o
	$C -c src/$f.c -o $f.o
done
ld.lld-16 evid_a.full.o evid_b.full.o evid_start.full.o -o evid.full
ld.lld-16 evid_a.o evid_b.o evid_start.o -o evid.nolto
