//! Frame → symbol → address → inline chain, for one object (vmlinux or a module).
//!
//! Names and sizes: the engine's one rule for a printed `name+offset/size`
//! ([`crate::dwarf::NameRule`], [`Symbolizer::printed_sizes`]): the exact ELF name first,
//! then the LTO-renamed symbols the crashed kernel prints under that name (its release,
//! from the log, decides: 5.16-6.4 cut at the first dot, 6.5-6.10 at `.llvm.`, 6.11 and
//! later print names in full). The printed size decides between candidates (two static
//! `foo`s, or `foo.llvm.1` and `foo.llvm.2`): a candidate wins when one of the sizes the
//! kernel may print for it is the printed one. When several fit equally, the first (in
//! file order) is used and all of them are reported ([`Resolved::candidates`]).
//!
//! Call-site attribution: a return address is looked up at address − 1 so that the line
//! shown is the call, not the statement after it; the faulting pc and a frame right after
//! an exception or interrupt entry are exact. In a module, a return address at offset 0
//! of a function (a call to a `noreturn` function at the very end of the previous one)
//! steps back into the previous executable section, in the order the module loader lays
//! them out (ELF order).

use std::path::Path;

use super::bugtable::{self, BugEntry, BugTable};
use super::{Error, ErrorKind};
use crate::dwarf::{Frame as Level, IndexCache, NameRule, ObjectKind, PathRule, Symbolizer};
use crate::oops::identity::FileFacts;

/// Most padding the module loader leaves after a function (section alignment): a
/// module symbol's printed size is its ELF size rounded up to where the next one starts.
const MODULE_PADDING: u64 = 64;

/// One opened object with its name index.
pub struct Object {
    /// The symbolizer.
    pub symz: Symbolizer,
    bugs: Option<Result<BugTable, Error>>,
    /// Source prefix stripped from DWARF file names first (`/usr/src/linux-6.1/`, or
    /// BASE_PATH); also where sources are looked for.
    pub prefix: Option<String>,
    /// How the object's source paths print ([`crate::dwarf::Symbolizer::path_rule`]).
    pub paths: PathRule,
    /// The prefix found in the object (`prefix` may be set otherwise for one decode).
    found_prefix: Option<String>,
    /// The path it was opened from.
    opened_from: std::path::PathBuf,
    /// The file's size and modification time before it was opened, when it may be kept
    /// ([`super::pool`]).
    stamp: Option<super::pool::Stamp>,
    /// What the object says about itself, read on first use and kept with the object
    /// (a kept object is not read again by later decodes).
    facts: std::cell::OnceCell<FileFacts>,
}

impl Object {
    /// Hand the object to [`super::pool`] for a later decode on this thread.
    pub(super) fn keep(self) {
        let path = self.opened_from.clone();
        super::pool::put(&path, self.stamp, self);
    }

    /// Its build id, banner and machine, for the identity checks.
    pub fn facts(&self) -> &FileFacts {
        self.facts.get_or_init(|| FileFacts::of(&self.symz))
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
    /// When several symbols fit the printed frame equally: all of them (`symbol` is the
    /// first); empty otherwise.
    pub candidates: Vec<String>,
}

/// The symbol chosen for a printed frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// Index into the object's symbols.
    pub index: usize,
    /// The name matched only through an LTO rename.
    pub lto: bool,
    /// Every candidate that fits equally (the chosen one first), when more than one.
    pub ties: Vec<usize>,
}

impl Object {
    /// Open `path` and index its names.
    /// An object an earlier decode on this thread left open ([`super::pool`]) is reused.
    pub fn open(path: &Path) -> Result<Object, Error> {
        Object::open_as(path, None)
    }

    /// [`Object::open`], of `path` already opened as `opened` when given (so that it is
    /// neither mapped nor decompressed again).
    pub(crate) fn open_as(
        path: &Path,
        opened: Option<crate::dwarf::Bytes>,
    ) -> Result<Object, Error> {
        if let Some(mut o) = super::pool::take(path) {
            o.prefix.clone_from(&o.found_prefix);
            return Ok(o);
        }
        // Read before opening: a file changed meanwhile is then not taken as unchanged.
        let stamp = super::pool::stamp_to_keep(path);
        let symz = match opened {
            Some(bytes) => Symbolizer::open_mapped(path, bytes, &IndexCache::FromEnv)?,
            None => Symbolizer::open(path)?,
        };
        let paths = symz.path_rule();
        Ok(Object {
            symz,
            bugs: None,
            found_prefix: paths.root.clone(),
            opened_from: path.to_path_buf(),
            stamp,
            prefix: paths.root.clone(),
            paths,
            facts: std::cell::OnceCell::new(),
        })
    }

    /// Pick the symbol for a printed `name+offset/size` printed by a kernel following
    /// `rule`.
    pub fn find_symbol(
        &self,
        printed: &str,
        offset: u64,
        size: Option<u64>,
        rule: NameRule,
    ) -> Option<Choice> {
        let keep = symtab::addrmap::indexable;
        let exact = self.symz.printed_exact(printed, keep);
        // Renamed symbols are looked for only when needed: their index costs more.
        let renamed = std::cell::OnceCell::new();
        let renamed = || renamed.get_or_init(|| self.symz.printed_renamed(printed, rule, keep));
        let choice = |fit: Vec<usize>, lto: bool| {
            Some(Choice {
                index: *fit.first()?,
                lto,
                ties: if fit.len() > 1 { fit } else { Vec::new() },
            })
        };
        // The printed size decides first: exact names, then renamed ones (a static `foo`
        // and a promoted `foo.llvm.N` can both exist).
        if let Some(z) = size {
            let fits = |tier: &[usize]| -> Vec<usize> {
                tier.iter()
                    .copied()
                    .filter(|&i| offset < z && self.symz.printed_sizes(i).contains(&z))
                    .collect()
            };
            let fit = fits(&exact);
            if !fit.is_empty() {
                return choice(fit, false);
            }
            let fit = fits(renamed());
            if !fit.is_empty() {
                return choice(fit, true);
            }
        }
        let (cands, lto) = if exact.is_empty() {
            (renamed().clone(), true)
        } else {
            (exact, false)
        };
        // No size match: the candidates the offset fits in, else all of them.
        let fit: Vec<usize> = cands
            .iter()
            .copied()
            .filter(|&i| {
                self.symz
                    .printed_sizes(i)
                    .first()
                    .is_some_and(|&z| offset < z)
            })
            .collect();
        choice(if fit.is_empty() { cands } else { fit }, lto)
    }

    /// Resolve `symbol + offset` (printed name) or a lookup `address`.
    pub fn resolve(
        &mut self,
        target: Target<'_>,
        exact: bool,
        want_trap: bool,
    ) -> Result<Resolved, Error> {
        let mut symbol_size = None;
        let mut size_mismatch = false;
        let mut candidates = Vec::new();
        let (symbol, offset, address, lto) = match target {
            Target::Symbol {
                name,
                offset,
                size,
                rule,
            } => {
                let c = self
                    .find_symbol(name, offset, size, rule)
                    .ok_or_else(|| not_found(format!("symbol {name} not found")))?;
                let s = self
                    .symz
                    .symbol(c.index)
                    .ok_or_else(|| not_found(format!("symbol {name} not found")))?;
                let sizes = self.symz.printed_sizes(c.index);
                symbol_size = self
                    .symz
                    .kallsyms_size(c.index)
                    .or_else(|| sizes.first().copied());
                size_mismatch = size.is_some_and(|z| {
                    let padded = |s: u64| z >= s && z - s < MODULE_PADDING;
                    let relocatable = self.symz.kind() == ObjectKind::Relocatable;
                    z < 1 << 63
                        && !sizes.contains(&z)
                        && !(relocatable && s.size.is_some_and(padded))
                });
                let base = self
                    .symz
                    .symbol_address(&s)
                    .ok_or_else(|| not_found(format!("symbol {name} has no address")))?;
                candidates = c
                    .ties
                    .iter()
                    .filter_map(|&i| Some(self.symz.symbol(i)?.name.clone()))
                    .collect();
                (s.name.clone(), offset, base.wrapping_add(offset), c.lto)
            }
            Target::Address(a) => {
                let (s, off) = self
                    .symz
                    .lookup_symbol(a)
                    .ok_or_else(|| not_found(format!("no symbol at {a:#x}")))?;
                (s.name.clone(), off, a, false)
            }
        };
        let lookup = if exact {
            address
        } else {
            self.call_site(address)
        };
        let mut chain = self.symz.lookup(lookup)?;
        if chain.is_empty() {
            return Err(not_found(format!(
                "no symbol or line information at {lookup:#x}"
            )));
        }
        for level in &mut chain {
            if let Some(f) = level.file.take() {
                // The prefix (BASE_PATH, decode_stacktrace.sh's argument, or the kernel's
                // own root) is stripped as the script strips it; other paths follow
                // ksym's rule.
                let stripped = self.prefix.as_deref().and_then(|p| f.strip_prefix(p));
                level.file = Some(match stripped {
                    Some(rest) => rest.to_string(),
                    None => self.paths.show(&f).to_string(),
                });
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
            candidates,
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
                    Some(p) => p.addr.saturating_add(p.size - 1),
                    None => address.wrapping_sub(1),
                }
            }
            _ => address.wrapping_sub(1),
        }
    }

    /// The object's `__bug_table`, read once; `None` when unreadable.
    pub fn bug_table(&mut self) -> Option<&BugTable> {
        if self.bugs.is_none() {
            self.bugs = Some(bugtable::read(&self.symz));
        }
        self.bugs.as_ref().and_then(|r| r.as_ref().ok())
    }
}

fn not_found(message: String) -> Error {
    Error::new(ErrorKind::NotFound, message)
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
        /// The names the crashed kernel prints (from its release).
        rule: NameRule,
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
