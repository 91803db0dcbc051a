//! The LTO link stage: what kbuild computes around the link, and checks of its results.
//!
//! - [`initcall`]: the initcall order linker script (`generate_initcall_order.pl`).
//! - [`check`]: the initcall tables of a linked image against that order.
//! - [`modsec`]: the section merge fragment of `module.lds` and a check of linked modules.
//! - [`input_names`]: the symbol names of the link inputs, the evidence that tells a name
//!   the link made (an LTO suffix) from a name the inputs already had.

pub mod check;
pub mod initcall;
pub mod modsec;

use std::collections::HashSet;
use std::path::PathBuf;

crate::error::error_type! {
    /// The class of a link-stage error, for callers that react differently to each.
    kinds {
        /// An initcall symbol whose level is none of the kernel's.
        BadInitcallName,
    }
    /// An error of the link stage: a kind and one line (worded as kbuild's scripts word
    /// it where ksym replaces one).
}

/// Every symbol name defined or referenced in `files` (objects, bitcode, archives).
pub fn input_names(files: &[PathBuf]) -> Result<HashSet<String>, Error> {
    let mut names = HashSet::new();
    for f in files {
        let table = symtab::read::read_path(f)?;
        names.extend(table.symbols.into_iter().map(|s| s.name));
    }
    Ok(names)
}
