#!/bin/sh
# Rebuild old/prog and new/prog (run deliberately; CI uses the checked-in binaries).
# Two builds of one tree differing by one line of c.c: clang-16 ThinLTO, x86_64,
# freestanding, with one shared -fdebug-prefix-map target.
set -eu
cd "$(dirname "$0")"
for v in old new; do
	tmp=$(mktemp -d)
	cp "$v"/c.c "$v"/main.c "$tmp"/
	(cd "$tmp" && for f in c main; do
		clang-16 --target=x86_64-linux-gnu -O2 -g -flto=thin -ffreestanding -fno-pic \
			-fno-stack-protector -fdebug-prefix-map="$tmp"=/ksym/testdata/livepatch/hashpair \
			-c $f.c -o $f.o
	done
	ld.lld-16 -static -e _start --thinlto-cache-dir= -o prog main.o c.o)
	cp "$tmp"/prog "$v"/prog
	rm -rf "$tmp"
done
