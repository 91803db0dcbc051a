//! ksym: symbol tools for Linux kernels linked with LTO.
//!
//! Layers, top to bottom: the `ksym` binary's command line (`src/cli/`, one file per
//! subcommand, part of the binary, not of this library) → task modules ([`oops`],
//! [`livepatch`], [`serve`]) → engines ([`dwarf`], [`link`], [`disasm`], [`debuginfod`]) →
//! the `symtab` crate. Nothing imports upward.
#![deny(missing_docs)]

pub mod debuginfod;
pub mod disasm;
pub mod dwarf;
pub mod error;
pub mod link;
pub mod livepatch;
pub mod oops;
pub mod output;
pub mod serve;
