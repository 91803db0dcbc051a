#!/usr/bin/env perl
# SPDX-License-Identifier: GPL-2.0
#
# Drop-in replacement for Linux's scripts/generate_initcall_order.pl: the same
# arguments (link inputs, relative to $objtree) and the same output, from
# `ksym initcalls lds`, which reads LLVM bitcode symbol tables itself (no $NM).
# Copy it over scripts/generate_initcall_order.pl; set KSYM to the ksym binary
# if it is not on PATH.
use strict;
use warnings;

my $ksym = $ENV{'KSYM'} || 'ksym';
my $objtree = $ENV{'objtree'} || '.';
exec($ksym, 'initcalls', 'lds', map { "$objtree/$_" } @ARGV)
	or die "$0: ERROR: failed to execute \"$ksym\": $!";
