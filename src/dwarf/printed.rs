//! A printed `name+offset/size` (an oops frame, a `faddr2line` argument) → the symbols it
//! may stand for: one rule for the names a kernel prints and one for the sizes it may
//! print, used by `ksym decode` and `ksym faddr2line` alike.
//!
//! Names. Clang LTO renames symbols (`foo.llvm.123`), and what the kernel prints for
//! them changed with its release ([`NameRule`]): 5.16 cut every name at its first dot
//! (6eb4bd92c1ce), 6.5 only at `.llvm.` (8cc32a9bbf29), 6.11 stopped cutting (020925ce9299,
//! fb6a421fb615). The exact name is always the first choice; the renamed symbols the rule
//! says print as the given name come second.
//!
//! Sizes. The size after the slash is the distance from the symbol to the next kallsyms
//! symbol. From an ELF file that is one of ([`Symbolizer::printed_sizes`]): the ELF size,
//! the distance to the next symbol (any section: kallsyms sorts by address), the
//! distance to the next symbol of its section past its ELF end or to the section's end
//! (`scripts/faddr2line`'s rule), the distance to the section's end, and in a module the
//! last symbol of a section runs to the section's aligned end (the module loader places
//! each section at its alignment: `direct_entry+0x137/0x150` for a 0x145-byte section
//! aligned to 16).

use symtab::name::Name;
use symtab::Symbol;

use super::{ObjectKind, Symbolizer};

/// Which names a kernel prints for LTO-renamed symbols, by its release.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    /// Release unknown: a printed name stands for every symbol whose LTO-free name it is
    /// (the name grammar's [`symtab::name::Name::lookup_keys`]).
    Any,
    /// 5.16 to 6.4: names cut at their first dot (`foo` for `foo.llvm.1`).
    FirstDot,
    /// 6.5 to 6.10: names cut at `.llvm.` (`foo.isra.0` for `foo.isra.0.llvm.1`).
    LlvmSuffix,
    /// Before 5.16 and from 6.11: names printed in full.
    Full,
}

impl NameRule {
    /// The rule of a kernel release as a log prints it (`6.1.192`, `6.12.0-rc1+`,
    /// `6.1.0-56-amd64`); [`NameRule::Any`] when it does not parse.
    pub fn for_release(release: Option<&str>) -> NameRule {
        let Some(r) = release else {
            return NameRule::Any;
        };
        let mut parts = r.split(|c: char| !c.is_ascii_digit());
        let num = |p: Option<&str>| p.and_then(|p| p.parse::<u32>().ok());
        let (Some(major), Some(minor)) = (num(parts.next()), num(parts.next())) else {
            return NameRule::Any;
        };
        match (major, minor) {
            (m, _) if m < 5 => NameRule::Full,
            (5, n) if n < 16 => NameRule::Full,
            (5, _) => NameRule::FirstDot,
            (6, n) if n < 5 => NameRule::FirstDot,
            (6, n) if n < 11 => NameRule::LlvmSuffix,
            _ => NameRule::Full,
        }
    }

    /// What a kernel under this rule prints for `full`, when it can tell.
    fn printed(self, full: &str) -> Option<&str> {
        match self {
            NameRule::Any => None,
            NameRule::Full => Some(full),
            NameRule::FirstDot => Some(full.split('.').next().unwrap_or(full)),
            NameRule::LlvmSuffix => Some(full.find(".llvm.").map_or(full, |i| &full[..i])),
        }
    }
}

/// The symbols a printed name may stand for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Named {
    /// Symbols with exactly that name, in file order.
    pub exact: Vec<usize>,
    /// Renamed symbols the kernel prints as that name, in file order.
    pub renamed: Vec<usize>,
}

impl Symbolizer {
    /// The symbols (indices into [`Symbolizer::symbols`]) a kernel following `rule`
    /// prints as `printed`, among those `keep` accepts and that have a lookup address:
    /// [`Symbolizer::printed_exact`] and [`Symbolizer::printed_renamed`].
    pub fn printed_named(
        &self,
        printed: &str,
        rule: NameRule,
        keep: impl Fn(&Symbol) -> bool,
    ) -> Named {
        Named {
            exact: self.printed_exact(printed, &keep),
            renamed: self.printed_renamed(printed, rule, &keep),
        }
    }

    /// The symbols named exactly `printed` that `keep` accepts and that have a lookup
    /// address, in file order.
    pub fn printed_exact(&self, printed: &str, keep: impl Fn(&Symbol) -> bool) -> Vec<usize> {
        self.symbols_named(printed)
            .into_iter()
            .filter(|&i| self.printable(i, &keep))
            .collect()
    }

    /// The LTO-renamed symbols a kernel following `rule` prints as `printed`, that `keep`
    /// accepts and that have a lookup address, in file order. Asked separately from
    /// [`Symbolizer::printed_exact`] because the first answer costs more (an index of
    /// every renamed name once the scans are over).
    pub fn printed_renamed(
        &self,
        printed: &str,
        rule: NameRule,
        keep: impl Fn(&Symbol) -> bool,
    ) -> Vec<usize> {
        if rule == NameRule::Full {
            return Vec::new();
        }
        self.symbols_lto_named(printed)
            .into_iter()
            .filter(|&i| self.printable(i, &keep))
            .filter(|&i| {
                let Some(s) = self.symbol(i) else {
                    return false;
                };
                match rule.printed(&s.name) {
                    Some(p) => p == printed,
                    None => Name::parse(&s.name)
                        .lookup_keys()
                        .iter()
                        .any(|k| k == printed),
                }
            })
            .collect()
    }

    fn printable(&self, i: usize, keep: impl Fn(&Symbol) -> bool) -> bool {
        self.symbol(i)
            .is_some_and(|s| keep(&s) && self.symbol_address(&s).is_some())
    }

    /// The sizes a kernel may print after `symbol+offset/` for symbol `index` (see the
    /// module documentation), distinct, in that order. Answered without building the
    /// symbol model.
    pub fn printed_sizes(&self, index: usize) -> Vec<u64> {
        let Some(s) = self.symbol(index) else {
            return Vec::new();
        };
        let Some(addr) = self.symbol_address(&s) else {
            return Vec::new();
        };
        let mut out: Vec<u64> = Vec::new();
        let mut add = |z: Option<u64>| {
            if let Some(z) = z.filter(|&z| z > 0) {
                if !out.contains(&z) {
                    out.push(z);
                }
            }
        };
        add(s.size);
        add(self.symbols.next_above(addr).map(|n| n - addr));
        let kallsyms = self.kallsyms_size(index);
        add(kallsyms);
        let section = self.section_offset(addr);
        add(section.map(|(sec, off)| sec.size - off));
        if self.kind() == ObjectKind::Relocatable {
            add(module_size(section, kallsyms));
        }
        out
    }
}

/// The size a module's kallsyms gives the last symbol of its section: up to the section's
/// aligned end.
fn module_size(section: Option<(&super::SectionInfo, u64)>, kallsyms: Option<u64>) -> Option<u64> {
    let (sec, off) = section?;
    let size = kallsyms?;
    (off + size == sec.size).then(|| size.div_ceil(sec.align.max(1)) * sec.align.max(1))
}

#[cfg(test)]
mod tests {
    use super::NameRule;

    #[test]
    fn rules_by_release() {
        let r = |s: &str| NameRule::for_release(Some(s));
        assert_eq!(r("5.15.0"), NameRule::Full);
        assert_eq!(r("5.16.1"), NameRule::FirstDot);
        assert_eq!(r("6.1.192"), NameRule::FirstDot);
        assert_eq!(r("6.1.0-56-amd64"), NameRule::FirstDot);
        assert_eq!(r("6.5.0"), NameRule::LlvmSuffix);
        assert_eq!(r("6.10.14"), NameRule::LlvmSuffix);
        assert_eq!(r("6.11.0-rc1+"), NameRule::Full);
        assert_eq!(r("6.12.118"), NameRule::Full);
        assert_eq!(r("7.0.0"), NameRule::Full);
        assert_eq!(r("4.13.0-rc5+"), NameRule::Full);
        assert_eq!(NameRule::for_release(Some("custom")), NameRule::Any);
        assert_eq!(NameRule::for_release(None), NameRule::Any);
    }

    #[test]
    fn printed_names() {
        let full = "f.isra.0.llvm.123";
        assert_eq!(NameRule::FirstDot.printed(full), Some("f"));
        assert_eq!(NameRule::LlvmSuffix.printed(full), Some("f.isra.0"));
        assert_eq!(NameRule::Full.printed(full), Some(full));
        assert_eq!(NameRule::Any.printed(full), None);
    }
}
