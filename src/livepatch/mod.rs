//! Livepatch preparation for LTO kernels: sympos of old symbols, matching symbols across
//! two builds, and finding every function that contains an inlined copy of a function.
//!
//! - [`image`]: one kernel object (vmlinux, `.ko`, `System.map`, `/proc/kallsyms`) with its
//!   DWARF, `.ko` sections laid out at synthetic addresses.
//! - [`sympos`]: the kernel's `klp_find_object_symbol()` rule applied to a table.
//! - [`inlined`]: every function holding an inlined copy of a function, or given lines.
//! - [`lpmap`]: matching the symbols of two builds across LTO renames.
//!
//! DWARF questions (inlined copies, line tables, the unit covering an address) go to the
//! DWARF engine ([`crate::dwarf`]).

pub mod image;
pub mod inlined;
pub mod lpmap;
pub mod sympos;

/// The class of a livepatch error, for callers that react differently to each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file could not be opened or read.
    Io,
    /// A file is in no format ksym reads.
    UnknownFormat,
    /// A file (its symbols, its DWARF) is malformed.
    Malformed,
    /// Well formed, but beyond what ksym reads.
    Unsupported,
    /// What the question needs is not there (DWARF).
    NotFound,
    /// Two images that cannot be compared (machines differ).
    Mismatch,
}

/// An error of livepatch work: a kind and one line naming the file.
pub type Error = crate::error::Error<ErrorKind>;

crate::error::common_kinds!(crate::dwarf::ErrorKind => ErrorKind);
crate::error::common_kinds!(symtab::ErrorKind => ErrorKind);
