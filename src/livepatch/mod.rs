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

crate::error::error_type! {
    /// The class of a livepatch error, for callers that react differently to each.
    kinds {
        /// Two images that cannot be compared (machines differ).
        Mismatch,
    }
    /// An error of livepatch work: a kind and one line naming the file.
}

crate::error::common_kinds!(crate::dwarf::ErrorKind => ErrorKind);
