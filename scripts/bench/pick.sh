#!/usr/bin/env bash
# Picks real return addresses out of a vmlinux, deterministically, for scripts/bench.sh.
#
#   pick.sh VMLINUX COUNT            COUNT functions spread evenly over .text (by address)
#   pick.sh VMLINUX 0 NAME...        the named functions
#
# For each function: the address right after its first call instruction (not the
# __fentry__ call), i.e. a return address as a stack trace prints it, with the size a
# stack trace prints (kallsyms size: distance to the next symbol of .text). Candidates are
# FUNC symbols of .text with a unique, plain C name and at least 64 bytes of code, so that
# the kernel scripts (which match names exactly) and ksym look up the same symbol.
# Output, one a line: `name+0xOFF/0xSIZE 0xADDRESS`.
set -euo pipefail
vmlinux=$1
count=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

text_ndx=$(readelf -SW "$vmlinux" | sed 's/\[ */[/' | awk '$2 == ".text" && !n++ { gsub(/[][]/, "", $1); print $1 }')
[ -n "$text_ndx" ] || { echo "pick.sh: $vmlinux: no .text section" >&2; exit 2; }

# Every symbol of .text: address size type name
readelf -sW "$vmlinux" | awk -v ndx="$text_ndx" '$7 == ndx && NF >= 8 { print $2, $3, $4, $8 }' > "$tmp/text"
# Candidates: address size name, unique names only, by address
awk '$3 == "FUNC" && $2 ~ /^[0-9]+$/ && $2 + 0 >= 64 && $4 ~ /^[A-Za-z_][A-Za-z0-9_]*$/ { print $1, $2, $4 }' "$tmp/text" |
  sort -k3,3 | uniq -u -f 2 | sort -k1,1 > "$tmp/unique"

if [ "$count" -gt 0 ]; then
  # 3 candidates for each function wanted: some have no call, or end with one.
  awk -v want=$((count * 3)) '{ line[NR] = $0 } END {
      if (want > NR) want = NR
      for (i = 0; i < want; i++) print line[int(i * NR / want) + 1] }' "$tmp/unique" > "$tmp/cand"
else
  awk 'NR == FNR { want[$1] = 1; next } ($3 in want)' <(printf '%s\n' "$@") "$tmp/unique" > "$tmp/cand"
fi
[ -s "$tmp/cand" ] || { echo "pick.sh: $vmlinux: no candidate function" >&2; exit 2; }

llvm-objdump-16 -d --no-show-raw-insn --disassemble-symbols="$(awk '{ print $3 }' "$tmp/cand" | paste -sd,)" \
  "$vmlinux" > "$tmp/asm"
perl -e '
  my ($text, $cand, $asm) = @ARGV;
  open my $t, "<", $text or die "$text: $!";
  my %seen; my @addrs = sort { $a <=> $b } grep { !$seen{$_}++ } map { hex((split)[0]) } <$t>;
  open my $c, "<", $cand or die "$cand: $!";
  my (%start, %size);
  for (<$c>) {
    my ($a, undef, $name) = split; my $s = hex $a; $start{$name} = $s;
    my ($lo, $hi) = (0, $#addrs);          # first address above $s
    while ($lo < $hi) { my $m = int(($lo + $hi) / 2); if ($addrs[$m] > $s) { $hi = $m } else { $lo = $m + 1 } }
    $size{$name} = $addrs[$lo] - $s if $addrs[$lo] > $s;
  }
  open my $d, "<", $asm or die "$asm: $!";
  my (%done, $fn, $pending);
  while (<$d>) {
    if (/^[0-9a-f]+ <([^>]+)>:$/) { $fn = $1; $pending = 0; next }
    next unless /^\s*([0-9a-f]+):\s+(\S+)/;
    my ($addr, $op) = ($1, $2);
    if ($pending) {
      my $off = hex($addr) - $start{$fn};
      printf "%s+0x%x/0x%x 0x%s\n", $fn, $off, $size{$fn}, $addr if $off < $size{$fn};
      $done{$fn} = 1; $pending = 0;
    }
    $pending = 1 if defined $fn && $size{$fn} && !$done{$fn} && $op =~ /^call/ && !/<__fentry__>/;
  }' "$tmp/text" "$tmp/cand" "$tmp/asm" |
  # keep COUNT of them, spread evenly
  awk -v count="$count" '{ line[NR] = $0 } END {
      if (count <= 0 || count > NR) count = NR
      for (i = 0; i < count; i++) print line[int(i * NR / count) + 1] }'
