//! Placing bare addresses (`[<ffffffffbb53c76b>]`, `0xffffffffc03a5310`) of a boot whose
//! log does not say its KASLR offset.
//!
//! Three sources, first that applies: `--kaslr-offset HEX` (the user's word for every
//! report), the report's own `Kernel Offset:` line or a frame printing both an address and
//! a symbol (see the decoder), and `--kallsyms FILE`, a `/proc/kallsyms` of the crashed
//! boot: an address is named by the kallsyms symbol at or below it (modules included, so
//! bare module addresses become `name+off [module]`), then resolved by name like a printed
//! frame.

use std::path::{Path, PathBuf};

use symtab::addrmap::AddrMap;
use symtab::SymbolTable;

use super::{Error, ErrorKind};

/// Largest distance from a kallsyms symbol at which an address is still taken to be in
/// it: kallsyms has no sizes, and an address far past the last symbol is not placed.
const MAX_OFFSET: u64 = 1 << 20;

/// A `/proc/kallsyms` of the crashed boot, indexed by address.
pub struct Kallsyms {
    path: PathBuf,
    table: SymbolTable,
    map: AddrMap,
}

/// An address named by kallsyms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// The symbol name as kallsyms prints it.
    pub name: String,
    /// Offset of the address into it.
    pub offset: u64,
    /// Its module (`[lkdtm]`), `None` for vmlinux.
    pub module: Option<String>,
}

impl Kallsyms {
    /// Read `path` (a regular file, `/proc/kallsyms` itself or a pipe).
    pub fn open(path: &Path) -> Result<Kallsyms, Error> {
        let table =
            symtab::read::read_path(path).map_err(|e| Error::from(e).prefixed(path.display()))?;
        if table.symbols.iter().all(|s| s.addr == 0) {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!(
                    "{}: every address is 0 (read /proc/kallsyms as root, or with kernel.kptr_restrict=0)",
                    path.display()
                ),
            ));
        }
        let map = AddrMap::build(&table.symbols, |s| Some(s.addr));
        Ok(Kallsyms {
            path: path.to_path_buf(),
            table,
            map,
        })
    }

    /// The file read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The symbol at or below `addr`, when close enough.
    pub fn name(&self, addr: u64) -> Option<Named> {
        let e = self.map.before(addr)?;
        let offset = addr - e.addr;
        if offset >= MAX_OFFSET || (!e.size_from_elf && e.size > 0 && offset >= e.size) {
            return None;
        }
        let s = self.table.symbols.get(e.index)?;
        Some(Named {
            name: s.name.clone(),
            offset,
            module: s.module.clone(),
        })
    }
}

/// Parse `--kaslr-offset`: hex with or without `0x`.
pub fn parse_offset(s: &str) -> Result<u64, Error> {
    let t = s.trim();
    let digits = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    u64::from_str_radix(digits, 16).map_err(|_| {
        Error::new(
            ErrorKind::Malformed,
            format!("{s:?} is not a hexadecimal offset"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("0x3a400000").ok(), Some(0x3a40_0000));
        assert_eq!(parse_offset("3A400000").ok(), Some(0x3a40_0000));
        assert!(parse_offset("zz").is_err());
    }
}
