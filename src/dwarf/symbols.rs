//! The object's ELF symbols: read in place for a few questions, indexed for many.
//!
//! A production vmlinux has 130,000 symbols. Building the [`Symbol`] model and its
//! indexes (by address, by name, by section) costs more than a whole `faddr2line` answer
//! needs, so the first questions are answered by scanning the mapped `.symtab` in place
//! ([`ElfSymtab`]), which allocates nothing; once [`SCANS_BEFORE_INDEX`] scans have been
//! made, or the model has been built for another reason, the index a question needs is
//! built and used from then on. Both ways give the same answers: the scans implement the
//! indexes' rules (`tests/symbol_scans.rs` compares them question by question).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use symtab::addrmap::{self, AddrMap};
use symtab::name::Name;
use symtab::read::{ElfSymtab, RawSymbol};
use symtab::{SymKind, Symbol};

use super::fnv1a64;
use super::loader::Bytes;

/// Raw scans allowed before the indexes are built: a scan costs about 1/50 of building
/// the model and the index on a production vmlinux.
pub(crate) const SCANS_BEFORE_INDEX: u32 = 16;

/// The symbols of one object (see the module documentation).
pub(crate) struct Symbols {
    table: Option<ElfSymtab<Bytes>>,
    /// Lookup base by section index: the synthetic layout of a relocatable object (0 for
    /// sections that are not laid out); `None` for linked objects, whose symbol values
    /// are lookup addresses.
    bases: Option<Vec<u64>>,
    scans: AtomicU32,
    model: OnceLock<Vec<Symbol>>,
    addrmap: OnceLock<AddrMap>,
    /// Sorted symbol values per section, for [`Symbols::kallsyms_size`].
    by_section: OnceLock<Vec<(usize, u64)>>,
    /// `(name hash, symbol index)` sorted, for [`Symbols::named`].
    by_name: OnceLock<Vec<(u64, u32)>>,
    /// LTO lookup key -> symbol indices, for [`Symbols::lto_named`].
    by_lto_name: OnceLock<HashMap<String, Vec<usize>>>,
}

impl Symbols {
    /// `bases`: see the field; `table`: `None` for an object without symbols.
    pub(crate) fn new(table: Option<ElfSymtab<Bytes>>, bases: Option<Vec<u64>>) -> Symbols {
        Symbols {
            table,
            bases,
            scans: AtomicU32::new(0),
            model: OnceLock::new(),
            addrmap: OnceLock::new(),
            by_section: OnceLock::new(),
            by_name: OnceLock::new(),
            by_lto_name: OnceLock::new(),
        }
    }

    /// Build the model and every index now; with the model built, scans are not used.
    pub(crate) fn index_all(&self) {
        self.addrmap();
        self.by_section();
        self.by_name();
        self.by_lto_name();
    }

    /// The table to scan, while scanning is still cheaper than indexing: before
    /// [`SCANS_BEFORE_INDEX`] scans, and while the model is not built (once it is, an
    /// index costs little more than one scan).
    fn scan(&self) -> Option<&ElfSymtab<Bytes>> {
        let table = self.table.as_ref()?;
        if self.model.get().is_some() {
            return None;
        }
        (self.scans.fetch_add(1, Ordering::Relaxed) < SCANS_BEFORE_INDEX).then_some(table)
    }

    /// Number of symbols.
    pub(crate) fn len(&self) -> usize {
        self.table.as_ref().map_or(0, |t| t.len())
    }

    /// The whole model, built on first use.
    pub(crate) fn model(&self) -> &[Symbol] {
        self.model
            .get_or_init(|| self.table.as_ref().map(|t| t.symbols()).unwrap_or_default())
    }

    /// Symbol `i`: from the model when built, else decoded alone.
    pub(crate) fn get(&self, i: usize) -> Option<Cow<'_, Symbol>> {
        if let Some(m) = self.model.get() {
            return m.get(i).map(Cow::Borrowed);
        }
        let t = self.table.as_ref()?;
        (i < t.len()).then(|| Cow::Owned(t.symbol(i)))
    }

    /// The lookup address of a symbol with this value and section.
    fn address_of(&self, addr: u64, section: Option<usize>) -> Option<u64> {
        match &self.bases {
            None => Some(addr),
            Some(bases) => {
                let base = *bases.get(section?)?;
                (base != 0).then(|| base + addr)
            }
        }
    }

    /// The address index (lookup addresses), built on first use.
    pub(crate) fn addrmap(&self) -> &AddrMap {
        self.addrmap.get_or_init(|| {
            AddrMap::build(self.model(), |s| {
                addrmap::indexable(s)
                    .then(|| self.address_of(s.addr, s.section_index))
                    .flatten()
            })
        })
    }

    /// The symbol whose range holds lookup address `addr`, and the offset into it: the
    /// answer of [`AddrMap::containing`].
    pub(crate) fn containing(&self, addr: u64) -> Option<(usize, u64)> {
        if self.addrmap.get().is_none() {
            if let Some(t) = self.scan() {
                return containing_scan(t, addr, |a, s| self.address_of(a, s));
            }
        }
        let e = self.addrmap().containing(addr)?;
        Some((e.index, addr - e.addr))
    }

    /// The lowest lookup address above `addr` where an indexed symbol starts (any
    /// section): from the address index when built, else by a scan.
    pub(crate) fn next_above(&self, addr: u64) -> Option<u64> {
        if self.addrmap.get().is_none() {
            if let Some(t) = self.scan() {
                // Cheap tests first: the name and letter only of a closer candidate.
                let mut best: Option<u64> = None;
                for r in t.raws() {
                    if matches!(r.kind, SymKind::Section | SymKind::File) {
                        continue;
                    }
                    let Some(a) = self.address_of(r.addr, r.section_index) else {
                        continue;
                    };
                    if a > addr
                        && best.is_none_or(|b| a < b)
                        && addrmap::indexable_parts(r.kind, t.name_of(&r), t.letter_of(&r))
                    {
                        best = Some(a);
                    }
                }
                return best;
            }
        }
        let entries = self.addrmap().entries();
        entries
            .get(entries.partition_point(|e| e.addr <= addr))
            .map(|e| e.addr)
    }

    /// The kallsyms size of symbol `i` (see [`super::Symbolizer::kallsyms_size`]), with
    /// `section_end` giving the end of a section as symbol values count.
    pub(crate) fn kallsyms_size(
        &self,
        i: usize,
        section_end: impl Fn(usize) -> Option<u64>,
    ) -> Option<u64> {
        let (addr, size, sec) = match self.model.get() {
            Some(m) => {
                let s = m.get(i)?;
                (s.addr, s.size.unwrap_or(0), s.section_index?)
            }
            None => {
                let t = self.table.as_ref().filter(|t| i < t.len())?;
                let r = t.raw(i);
                (r.addr, r.size, r.section_index?)
            }
        };
        let from = addr.saturating_add(size.max(1));
        let scan = match self.by_section.get() {
            None => self.scan(),
            Some(_) => None,
        };
        let next = match scan {
            Some(t) => t
                .raws()
                .filter(|r| {
                    r.section_index == Some(sec)
                        && r.addr >= from
                        && !symtab::is_mapping_symbol_name_bytes(t.name_of(r))
                })
                .map(|r| r.addr)
                .min(),
            None => {
                let by_section = self.by_section();
                let list = &by_section[by_section.partition_point(|e| e.0 < sec)..];
                let list = &list[..list.partition_point(|e| e.0 == sec)];
                list.get(list.partition_point(|e| e.1 < from)).map(|e| e.1)
            }
        };
        let end = match next {
            Some(n) => n,
            None => section_end(sec)?,
        };
        end.checked_sub(addr).filter(|&n| n > 0)
    }

    fn by_section(&self) -> &[(usize, u64)] {
        self.by_section.get_or_init(|| {
            let mut v: Vec<(usize, u64)> = self
                .model()
                .iter()
                .filter(|s| !s.is_mapping_symbol())
                .filter_map(|s| Some((s.section_index?, s.addr)))
                .collect();
            v.sort_unstable();
            v
        })
    }

    fn by_name(&self) -> &[(u64, u32)] {
        self.by_name.get_or_init(|| {
            let mut v: Vec<(u64, u32)> = self
                .model()
                .iter()
                .enumerate()
                .filter_map(|(i, s)| Some((fnv1a64(s.name.as_bytes()), u32::try_from(i).ok()?)))
                .collect();
            v.sort_unstable();
            v
        })
    }

    fn by_lto_name(&self) -> &HashMap<String, Vec<usize>> {
        self.by_lto_name.get_or_init(|| {
            let mut index: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, s) in self.model().iter().enumerate() {
                if s.name.contains('.') {
                    for key in Name::parse(&s.name).lookup_keys() {
                        index.entry(key.into_owned()).or_default().push(i);
                    }
                }
            }
            index
        })
    }

    /// Indices of the symbols named exactly `name`, in file order.
    pub(crate) fn named(&self, name: &str) -> Vec<usize> {
        // Names that are not UTF-8 are compared as the model shows them (lossily).
        if self.by_name.get().is_none() && !name.contains(char::REPLACEMENT_CHARACTER) {
            if let Some(t) = self.scan() {
                return t
                    .raws()
                    .enumerate()
                    .filter(|(_, r)| t.name_is(r, name.as_bytes()))
                    .map(|(i, _)| i)
                    .collect();
            }
        }
        let index = self.by_name();
        let model = self.model();
        let h = fnv1a64(name.as_bytes());
        let from = index.partition_point(|e| e.0 < h);
        index[from..]
            .iter()
            .take_while(|e| e.0 == h)
            .map(|e| e.1 as usize)
            .filter(|&i| model[i].name == name)
            .collect()
    }

    /// Indices of the symbols whose [`Name::lookup_keys`] hold `name`, in file order.
    pub(crate) fn lto_named(&self, name: &str) -> Vec<usize> {
        if self.by_lto_name.get().is_none() {
            if let Some(t) = self.scan() {
                // Every key starts with the symbol's base, so the base of `name` is the
                // symbol's base: only names starting with it need parsing.
                let base = Name::parse(name).base.as_bytes();
                return t
                    .raws()
                    .enumerate()
                    .filter(|(_, r)| {
                        t.name_starts_with(r, base) && {
                            let full = String::from_utf8_lossy(t.name_of(r));
                            Name::parse(&full).lookup_keys().iter().any(|k| k == name)
                        }
                    })
                    .map(|(i, _)| i)
                    .collect();
            }
        }
        let index = self.by_lto_name();
        index.get(name).cloned().unwrap_or_default()
    }
}

/// [`AddrMap::containing`] by one pass over the table: the highest-starting symbol whose
/// range holds `addr` (ELF size, or for unsized symbols the distance to the next indexed
/// symbol of the section), then its preferred alias (rank, name, index).
fn containing_scan(
    t: &ElfSymtab<Bytes>,
    addr: u64,
    address_of: impl Fn(u64, Option<usize>) -> Option<u64>,
) -> Option<(usize, u64)> {
    // `addrmap::indexable`, on the raw fields; the name and letter are read last.
    let indexed = |r: &RawSymbol| -> Option<u64> {
        if matches!(r.kind, SymKind::Section | SymKind::File) {
            return None;
        }
        let a = address_of(r.addr, r.section_index)?;
        addrmap::indexable_parts(r.kind, t.name_of(r), t.letter_of(r)).then_some(a)
    };
    // Per section (slot 0: none): the highest start at or below `addr`, whether an
    // unsized symbol starts there, and the lowest start above `addr`.
    #[derive(Clone, Copy, Default)]
    struct Sec {
        below: Option<u64>,
        unsized_below: bool,
        above: Option<u64>,
    }
    let slot = |r: &RawSymbol| r.section_index.map_or(0, |s| s + 1);
    let mut secs: Vec<Sec> = Vec::new();
    let mut best: Option<u64> = None;
    // Indexed symbols at or below `addr` that were, when seen, at the top of their
    // section or the best container: the final answer is one of them.
    let mut seen: Vec<(usize, RawSymbol, u64)> = Vec::new();
    for (i, r) in t.raws().enumerate() {
        // Cheap tests first: most symbols change nothing.
        let Some(a) = address_of(r.addr, r.section_index) else {
            continue;
        };
        let k = slot(&r);
        if k >= secs.len() {
            secs.resize(k + 1, Sec::default());
        }
        let sec = secs[k];
        let contains = r.size > 0 && addr < a.saturating_add(r.size);
        let matters = if a <= addr {
            sec.below.is_none_or(|b| a >= b) || (contains && best.is_none_or(|b| a >= b))
        } else {
            sec.above.is_none_or(|b| a < b)
        };
        if !matters || indexed(&r).is_none() {
            continue;
        }
        let sec = &mut secs[k];
        if a <= addr {
            if sec.below.is_none_or(|b| a > b) {
                sec.below = Some(a);
                sec.unsized_below = false;
            }
            if sec.below == Some(a) && r.size == 0 {
                sec.unsized_below = true;
            }
            if contains && best.is_none_or(|b| a > b) {
                best = Some(a);
            }
            seen.push((i, r, a));
        } else if sec.above.is_none_or(|b| a < b) {
            sec.above = Some(a);
        }
    }
    for sec in &secs {
        if let (Some(b), true, Some(_)) = (sec.below, sec.unsized_below, sec.above) {
            if best.is_none_or(|x| b > x) {
                best = Some(b);
            }
        }
    }
    let at = best?;
    // The aliases at `at` that hold `addr`; the preferred one wins.
    let mut pick: Option<(usize, (u8, u8, u8))> = None;
    for &(i, r, a) in &seen {
        if a != at {
            continue;
        }
        let holds = if r.size > 0 {
            addr < at.saturating_add(r.size)
        } else {
            secs.get(slot(&r))
                .is_some_and(|s| s.below == Some(at) && s.above.is_some())
        };
        if !holds {
            continue;
        }
        let key = addrmap::alias_rank(r.kind, r.size, r.binding);
        let better = match pick {
            None => true,
            Some((j, k)) => {
                (key, String::from_utf8_lossy(t.name_of(&r)))
                    < (k, String::from_utf8_lossy(t.name(j)))
            }
        };
        if better {
            pick = Some((i, key));
        }
    }
    pick.map(|(i, _)| (i, addr - at))
}
