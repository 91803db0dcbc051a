#!/usr/bin/env bash
# The main job of ksym, on a bundled real oops: build ksym (release), decompress the
# shared x86_64 ThinLTO kernel and its lkdtm module once into target/demo/, and decode
# testdata/decode/x86_64-thin-bug.log (a `kernel BUG at drivers/misc/lkdtm/bugs.c:78!`
# captured under qemu), printing the annotated log.
set -euo pipefail
cd "$(dirname "$0")/.."

shared=../shared/kernels/x86_64-thin
if [ ! -d "$shared" ]; then
  echo "demo.sh: $(pwd)/../shared is missing: put the shared kernels beside the checkout (../shared/kernels/x86_64-thin)" >&2
  exit 2
fi
for tool in cargo xz; do
  command -v "$tool" >/dev/null || { echo "demo.sh: $tool is not installed" >&2; exit 2; }
done

cargo build --release --quiet -j2
mkdir -p target/demo
for f in vmlinux lkdtm.ko; do
  if [ ! -s "target/demo/$f" ]; then
    xz -dc "$shared/$f.xz" > "target/demo/$f.part"
    mv "target/demo/$f.part" "target/demo/$f"
  fi
done

exec target/release/ksym decode --vmlinux target/demo/vmlinux --modules target/demo \
  testdata/decode/x86_64-thin-bug.log
