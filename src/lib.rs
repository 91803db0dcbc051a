//! ksym: symbol tools for Linux kernels linked with LTO.
//!
//! Layers, top to bottom: [`cli`] (one file per subcommand) → task modules → engines →
//! the `symtab` crate. Nothing imports upward.

pub mod cli;
pub mod debuginfod;
pub mod disasm;
pub mod dwarf;
pub mod link;
pub mod livepatch;
pub mod oops;
pub mod output;
pub mod serve;
