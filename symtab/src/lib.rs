//! Kernel symbol tables for LTO-linked Linux kernels.
//!
//! This crate holds what every ksym task shares:
//! - [`Symbol`] and [`SymbolTable`]: one model for symbols read from ELF files
//!   (vmlinux, `.o`, `.ko`), archives, `System.map`/`nm` text and `/proc/kallsyms`.
//! - [`name`]: the grammar of kernel symbol names and the suffixes compilers and LTO add
//!   (`.llvm.<hash>`, `.lto_priv.N`, `.constprop.N`, ...), with cleaning policies.
//! - [`read`]: the readers, chosen from a file's contents.
//!
//! Errors are one opaque [`Error`] type whose [`ErrorKind`] tells the class of failure;
//! messages are lowercase and name the file and the structure that was wrong.
#![deny(missing_docs)]

pub mod addrmap;
mod error;
pub mod input;
pub mod kallsyms;
pub mod name;
pub mod objfile;
pub mod radix;
pub mod read;
mod symbol;
pub mod sympos;

pub use error::{Error, ErrorKind, Result};
pub use symbol::{
    is_mapping_symbol_name, is_mapping_symbol_name_bytes, Arch, Binding, SymKind, Symbol,
    SymbolTable, TableFormat,
};
