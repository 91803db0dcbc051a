//! Frame → symbol → address → inline chain, for one object (vmlinux or a module).
//!
//! Names: the exact ELF name first; then, when none matches, every symbol whose name
//! without its LTO suffix (`.llvm.N`, `.lto_priv.N`, see `symtab::name`) is the printed
//! name (Clang-LTO kernels 6.1-6.10 print `foo` for `foo.llvm.N`). Several candidates (two
//! static `foo`s, or `foo.llvm.1` and `foo.llvm.2`) are narrowed by the printed size: the
//! kernel prints the distance to the next kallsyms symbol, so a candidate whose ELF size
//! or distance to the next symbol equals it wins, as `scripts/faddr2line` does.
//!
//! Call-site attribution: a return address is looked up at address − 1 so that the line
//! shown is the call, not the statement after it; the faulting pc and a frame right after
//! an exception or interrupt entry are exact. In a module, a return address at offset 0
//! of a function (a call to a `noreturn` function at the very end of the previous one)
//! steps back into the previous executable section, in the order the module loader lays
//! them out (ELF order).

use std::path::Path;

use crate::dwarf::bugtable::{BugEntry, BugTable};
use crate::dwarf::{Frame as Level, ObjectKind, Symbolizer};

/// Most padding the module loader leaves after a function (section alignment): a
/// module symbol's printed size is its ELF size rounded up to where the next one starts.
const MODULE_PADDING: u64 = 64;

/// One opened object with its name index.
pub struct Object {
    /// The symbolizer.
    pub symz: Symbolizer,
    bugs: Option<Result<BugTable, String>>,
    /// Source prefix to strip from DWARF file names (`/usr/src/linux-6.1/`).
    pub prefix: Option<String>,
    /// The prefix found in the object (`prefix` may be set otherwise for one decode).
    found_prefix: Option<String>,
    /// The path it was opened from.
    opened_from: std::path::PathBuf,
}

impl Object {
    /// Hand the object to [`super::pool`] for a later decode on this thread.
    pub(super) fn keep(self) {
        let path = self.opened_from.clone();
        super::pool::put(&path, self);
    }
}

/// A resolved frame.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    /// ELF symbol used (suffix kept: `foo.llvm.123`).
    pub symbol: String,
    /// Offset of the address into `symbol`.
    pub offset: u64,
    /// The name matched only after dropping an LTO suffix.
    pub lto_match: bool,
    /// Lookup address of `symbol + offset` (link-time address for vmlinux; synthetic
    /// layout address for modules).
    pub address: u64,
    /// Address the line tables were asked about (address − 1 for return addresses).
    pub lookup: u64,
    /// True when `lookup` is address − 1.
    pub call_site: bool,
    /// The inline chain, innermost first.
    pub chain: Vec<Level>,
    /// The `__bug_table` entry of a trapping pc.
    pub trap: Option<BugEntry>,
    /// The kallsyms-style size of `symbol` (distance to the next symbol).
    pub symbol_size: Option<u64>,
    /// A printed `/size` that none of the symbol's sizes explains (a printed negative
    /// distance, `0xffff...`, is no evidence and never a mismatch).
    pub size_mismatch: bool,
}

impl Object {
    /// Open `path` and index its names.
    /// An object an earlier decode on this thread left open ([`super::pool`]) is reused.
    pub fn open(path: &Path) -> Result<Object, String> {
        if let Some(mut o) = super::pool::take(path) {
            o.prefix.clone_from(&o.found_prefix);
            return Ok(o);
        }
        let symz = Symbolizer::open(path).map_err(|e| e.to_string())?;
        let prefix = symz.source_prefix();
        Ok(Object {
            symz,
            bugs: None,
            found_prefix: prefix.clone(),
            opened_from: path.to_path_buf(),
            prefix,
        })
    }

    /// True for symbols a printed name may stand for: indexable, with an address.
    fn named(&self, i: usize) -> bool {
        let s = &self.symz.symbols()[i];
        symtab::addrmap::indexable(s) && self.symz.symbol_address(s).is_some()
    }

    /// Symbols whose name without what LTO added is `printed` (`foo` for `foo.llvm.N`).
    fn lto_named(&self, printed: &str) -> Vec<usize> {
        let mut v = self.symz.symbols_lto_named(printed).to_vec();
        v.retain(|&i| self.named(i));
        v
    }

    /// The kallsyms-style sizes of symbol `i`: ELF size, distance to the next symbol,
    /// distance to the end of its section, and `scripts/faddr2line`'s size.
    fn sizes(&self, i: usize) -> [Option<u64>; 4] {
        let s = &self.symz.symbols()[i];
        let Some(a) = self.symz.symbol_address(s) else {
            return [None; 4];
        };
        let entries = self.symz.addrmap().entries();
        let j = entries.partition_point(|e| e.addr <= a);
        let next = entries.get(j).map(|e| e.addr - a);
        let sec_end = self.symz.section_offset(a).map(|(sec, off)| sec.size - off);
        [
            s.size.filter(|&z| z > 0),
            next,
            sec_end,
            self.symz.kallsyms_size(i),
        ]
    }

    /// Pick the symbol for a printed `name+offset/size`: index and whether the match
    /// needed the LTO suffix rule.
    pub fn find_symbol(
        &self,
        printed: &str,
        offset: u64,
        size: Option<u64>,
    ) -> Option<(usize, bool)> {
        let exact: Vec<usize> = self
            .symz
            .symbols_named(printed)
            .into_iter()
            .filter(|&i| self.named(i))
            .collect();
        let fits_size = |cands: &[usize], z: u64| {
            cands
                .iter()
                .copied()
                .find(|&i| self.sizes(i).contains(&Some(z)))
        };
        // The printed size decides first: exact names, then LTO-renamed ones (a static
        // `foo` and a promoted `foo.llvm.N` can both exist).
        if let Some(z) = size {
            if let Some(i) = fits_size(&exact, z) {
                return Some((i, false));
            }
            if let Some(i) = fits_size(&self.lto_named(printed), z) {
                return Some((i, true));
            }
        }
        let (cands, is_lto) = if exact.is_empty() {
            (self.lto_named(printed), true)
        } else {
            (exact, false)
        };
        let first = *cands.first()?;
        // No size match: the first candidate the offset fits in.
        let fits = cands.iter().copied().find(|&i| {
            self.sizes(i)
                .iter()
                .flatten()
                .next()
                .is_some_and(|&z| offset < z)
        });
        Some((fits.unwrap_or(first), is_lto))
    }

    /// Resolve `symbol + offset` (printed name) or a lookup `address`.
    pub fn resolve(
        &mut self,
        target: Target<'_>,
        exact: bool,
        want_trap: bool,
    ) -> Result<Resolved, String> {
        let mut symbol_size = None;
        let mut size_mismatch = false;
        let (symbol, offset, address, lto) = match target {
            Target::Symbol { name, offset, size } => {
                let (i, lto) = self
                    .find_symbol(name, offset, size)
                    .ok_or_else(|| format!("symbol {name} not found"))?;
                let sizes = self.sizes(i);
                symbol_size = sizes[3].or(sizes[1]);
                size_mismatch = size.is_some_and(|z| {
                    let padded = |s: u64| z >= s && z - s < MODULE_PADDING;
                    let relocatable = self.symz.kind() == ObjectKind::Relocatable;
                    z < 1 << 63
                        && !sizes.contains(&Some(z))
                        && !(relocatable && sizes[0].is_some_and(padded))
                });
                let s = &self.symz.symbols()[i];
                let base = self
                    .symz
                    .symbol_address(s)
                    .ok_or_else(|| format!("symbol {name} has no address"))?;
                (s.name.clone(), offset, base.wrapping_add(offset), lto)
            }
            Target::Address(a) => {
                let (s, off) = self
                    .symz
                    .lookup_symbol(a)
                    .ok_or_else(|| format!("no symbol at {a:#x}"))?;
                (s.name.clone(), off, a, false)
            }
        };
        let lookup = if exact {
            address
        } else {
            self.call_site(address)
        };
        let mut chain = self.symz.lookup(lookup).map_err(|e| e.to_string())?;
        if chain.is_empty() {
            return Err(format!("no symbol or line information at {lookup:#x}"));
        }
        for level in &mut chain {
            if let Some(f) = level.file.take() {
                let short = match &self.prefix {
                    Some(p) => f.strip_prefix(p.as_str()).unwrap_or(&f).to_string(),
                    None => f,
                };
                level.file = Some(short);
            }
            for n in [&mut level.function, &mut level.symbol]
                .into_iter()
                .flatten()
            {
                if let Some(d) = demangle(n) {
                    *n = d;
                }
            }
        }
        let trap = if want_trap && exact {
            self.bug_table().and_then(|t| t.find(address).cloned())
        } else {
            None
        };
        Ok(Resolved {
            symbol,
            offset,
            lto_match: lto,
            address,
            lookup,
            call_site: lookup != address,
            chain,
            trap,
            symbol_size,
            size_mismatch,
        })
    }

    /// address − 1, stepping into the previous executable section of a module when the
    /// address starts a section.
    fn call_site(&self, address: u64) -> u64 {
        if self.symz.kind() != ObjectKind::Relocatable {
            return address.wrapping_sub(1);
        }
        let secs = self.symz.sections();
        match self.symz.section_offset(address) {
            Some((sec, 0)) if sec.exec => {
                let prev = secs
                    .iter()
                    .filter(|s| s.exec && s.alloc && s.size > 0 && s.index < sec.index)
                    .filter(|s| s.name.starts_with(".init") == sec.name.starts_with(".init"))
                    .max_by_key(|s| s.index);
                match prev {
                    Some(p) => p.addr + p.size - 1,
                    None => address.wrapping_sub(1),
                }
            }
            _ => address.wrapping_sub(1),
        }
    }

    /// The object's `__bug_table`, read once; `None` when unreadable.
    pub fn bug_table(&mut self) -> Option<&BugTable> {
        if self.bugs.is_none() {
            self.bugs = Some(self.symz.bug_table().map_err(|e| e.to_string()));
        }
        self.bugs.as_ref().and_then(|r| r.as_ref().ok())
    }

    /// Error reading `__bug_table`, once read.
    pub fn bug_table_error(&self) -> Option<&str> {
        match &self.bugs {
            Some(Err(e)) => Some(e),
            _ => None,
        }
    }
}

/// What to resolve.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    /// A printed `name+offset[/size]`.
    Symbol {
        /// Printed name.
        name: &'a str,
        /// Offset.
        offset: u64,
        /// Printed size.
        size: Option<u64>,
    },
    /// A lookup address (link-time for vmlinux).
    Address(u64),
}

/// Rust symbol names demangled (`_R...`, or `_ZN...17h<hash>E`), without the hash.
pub fn demangle(name: &str) -> Option<String> {
    if !(name.starts_with("_R") || name.starts_with("_ZN")) {
        return None;
    }
    let d = rustc_demangle::try_demangle(name).ok()?;
    Some(format!("{d:#}"))
}

#[cfg(test)]
mod tests {
    use super::demangle;

    #[test]
    fn demangles_rust_only() {
        assert_eq!(
            demangle("_RNvCs1234_7mycrate3foo").as_deref(),
            Some("mycrate::foo")
        );
        assert_eq!(demangle("lkdtm_BUG"), None);
    }
}
