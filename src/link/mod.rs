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

/// Every symbol name defined or referenced in `files` (objects, bitcode, archives).
pub fn input_names(files: &[PathBuf]) -> Result<HashSet<String>, symtab::Error> {
    let mut names = HashSet::new();
    for f in files {
        let table = symtab::read::read_path(f)?;
        names.extend(table.symbols.into_iter().map(|s| s.name));
    }
    Ok(names)
}
