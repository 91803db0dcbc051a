//! An address-to-symbol index: which code symbol covers or precedes an address.
//!
//! Symbolizers need two questions answered fast over 100k+ symbols: "which symbol
//! contains this address" (the function a faulting instruction sits in) and "which symbol
//! starts at or before it" (kallsyms' answer, which ignores sizes). Both are a binary search
//! over one sorted vector built once.
//!
//! Sizes come from ELF where it records one (`st_size > 0`), else from the distance to the
//! next symbol of the same section (as kallsyms derives them). Mapping symbols (`$x`, `$d`)
//! mark instruction/data boundaries, not names, and are skipped. Several names at one
//! address (aliases) are all kept; the preferred one (a sized function, then global before
//! weak before local, then by name) comes first.

use crate::{Binding, SymKind, Symbol};

/// One indexed symbol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Address used for lookups (for relocatable objects: as laid out by the caller).
    pub addr: u64,
    /// Size: the ELF size when non-zero, else the distance to the next symbol.
    pub size: u64,
    /// True when `size` is the ELF size, false when derived from the next symbol.
    pub size_from_elf: bool,
    /// Index of the symbol in the slice the map was built from.
    pub index: usize,
}

impl Entry {
    /// One past the last address the symbol covers.
    pub fn end(&self) -> u64 {
        self.addr.saturating_add(self.size)
    }

    /// True when `addr` lies in `[self.addr, self.end())`.
    pub fn contains(&self, addr: u64) -> bool {
        addr >= self.addr && addr < self.end()
    }
}

/// The index: entries sorted by address, preferred alias first.
#[derive(Clone, Debug, Default)]
pub struct AddrMap {
    entries: Vec<Entry>,
}

/// True for symbols an address-to-name index should hold: defined code or data names,
/// not sections, files or mapping symbols.
pub fn indexable(s: &Symbol) -> bool {
    indexable_parts(s.kind, s.name.as_bytes(), s.letter)
}

/// [`indexable`] from a symbol's kind, raw name and nm letter (for readers that do not
/// build [`Symbol`]s).
pub fn indexable_parts(kind: SymKind, name: &[u8], letter: char) -> bool {
    !matches!(kind, SymKind::Section | SymKind::File)
        && !name.is_empty()
        && !crate::is_mapping_symbol_name_bytes(name)
        && !matches!(letter, 'U' | 'w' | 'v' | 'a' | 'A' | 'N' | 'n' | '?')
}

/// The order of aliases at one address, preferred first: functions, then data, then the
/// rest; sized before unsized; global, weak, local.
pub fn alias_rank(kind: SymKind, size: u64, binding: Binding) -> (u8, u8, u8) {
    let kind = match kind {
        SymKind::Func | SymKind::Ifunc => 0,
        SymKind::Object | SymKind::Tls => 1,
        _ => 2,
    };
    let bind = match binding {
        Binding::Global => 0,
        Binding::Weak | Binding::Unique => 1,
        Binding::Local => 2,
        Binding::Unknown => 3,
    };
    (kind, u8::from(size == 0), bind)
}

/// What [`AddrMap::from_parts`] needs of one symbol: enough to index it without a
/// [`Symbol`] (a reader of a mapped symbol table gives these without allocating). Kept
/// small: an index of a vmlinux holds 100k+ of them, and fresh memory costs page faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    /// Lookup address.
    pub addr: u64,
    /// ELF size (0: none).
    pub size: u64,
    /// Index of the symbol (the answer's [`Entry::index`]).
    pub index: u32,
    /// Defining section (unsized symbols run to the next symbol of it).
    pub section: Option<u32>,
    /// Kind.
    pub kind: SymKind,
    /// Binding.
    pub binding: Binding,
}

impl AddrMap {
    /// Index the symbols for which `addr_of` gives an address (return `None` to leave a
    /// symbol out; [`indexable`] is a good filter to start from).
    pub fn build(symbols: &[Symbol], addr_of: impl Fn(&Symbol) -> Option<u64>) -> AddrMap {
        let parts = symbols.iter().enumerate().filter_map(|(index, s)| {
            Some(Part {
                addr: addr_of(s)?,
                size: s.size.unwrap_or(0),
                index: u32::try_from(index).ok()?,
                section: s.section_index.and_then(|x| u32::try_from(x).ok()),
                kind: s.kind,
                binding: s.binding,
            })
        });
        AddrMap::from_parts(parts.collect(), |i| {
            std::borrow::Cow::Borrowed(symbols[i].name.as_str())
        })
    }

    /// Index `parts`; `name_of` gives a symbol's name (by index), read only to order
    /// aliases of equal rank. [`AddrMap::build`] is this over a slice of [`Symbol`]s.
    pub fn from_parts<'n>(
        parts: Vec<Part>,
        name_of: impl Fn(usize) -> std::borrow::Cow<'n, str>,
    ) -> AddrMap {
        // By address, rank and index: radix sorts of small records (address, rank,
        // position), by rank and then by address; both stable, and the parts taken in
        // index order first. Names are read only to order aliases of equal rank.
        let mut parts = parts;
        if !parts.is_sorted_by_key(|p| p.index) {
            parts.sort_unstable_by_key(|p| p.index);
        }
        let rank = |p: &Part| {
            let (kind, no_size, bind) = alias_rank(p.kind, p.size, p.binding);
            u64::from(kind) << 16 | u64::from(no_size) << 8 | u64::from(bind)
        };
        let mut keys: Vec<u128> = parts
            .iter()
            .zip(0u32..)
            .map(|(p, at)| u128::from(p.addr) << 64 | u128::from(rank(p)) << 32 | u128::from(at))
            .collect();
        keys.sort_unstable();
        let mut order: Vec<(u64, u32, u32)> = keys
            .iter()
            .map(|&k| ((k >> 64) as u64, (k >> 32) as u32, k as u32))
            .collect();
        drop(keys);
        let mut start = 0;
        while start < order.len() {
            let first = (order[start].0, order[start].1);
            let end = start
                + order[start..]
                    .iter()
                    .take_while(|o| (o.0, o.1) == first)
                    .count();
            if end - start > 1 {
                let mut named: Vec<(std::borrow::Cow<'_, str>, (u64, u32, u32))> = order
                    [start..end]
                    .iter()
                    .map(|o| (name_of(parts[o.2 as usize].index as usize), *o))
                    .collect();
                named.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1 .2.cmp(&b.1 .2)));
                for (slot, (_, o)) in order[start..end].iter_mut().zip(named) {
                    *slot = o;
                }
            }
            start = end;
        }
        let mut entries: Vec<Entry> = order
            .iter()
            .map(|o| {
                let p = &parts[o.2 as usize];
                Entry {
                    addr: p.addr,
                    size: p.size,
                    size_from_elf: p.size > 0,
                    index: p.index as usize,
                }
            })
            .collect();
        // An unsized symbol runs to the next higher address in its section: one pass from
        // the top, keeping per section (slot 0: none) the lowest address seen so far and
        // the distinct one above it.
        let mut seen: Vec<Option<(u64, Option<u64>)>> = Vec::new();
        for (e, o) in entries.iter_mut().zip(&order).rev() {
            let p = &parts[o.2 as usize];
            let k = p.section.map_or(0, |s| s as usize + 1);
            if k >= seen.len() {
                seen.resize(k + 1, None);
            }
            let slot = seen[k].get_or_insert((p.addr, None));
            let next = if slot.0 > p.addr {
                Some(slot.0)
            } else {
                slot.1
            };
            if p.addr < slot.0 {
                *slot = (p.addr, Some(slot.0));
            }
            if p.size == 0 {
                e.size = next.map_or(0, |n| n - p.addr);
            }
        }
        AddrMap { entries }
    }

    /// The index of `entries` as [`AddrMap::entries`] gave them (a cache of a map built
    /// before); `None` unless sorted by address.
    pub fn from_entries(entries: Vec<Entry>) -> Option<AddrMap> {
        entries
            .is_sorted_by_key(|e| e.addr)
            .then_some(AddrMap { entries })
    }

    /// All entries, sorted by address.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Position of the first entry whose address is above `addr`.
    fn upper(&self, addr: u64) -> usize {
        self.entries.partition_point(|e| e.addr <= addr)
    }

    /// The preferred symbol starting at the highest address `<= addr` (kallsyms' view:
    /// sizes ignored).
    pub fn before(&self, addr: u64) -> Option<&Entry> {
        let end = self.upper(addr);
        let last = self.entries[..end].last()?;
        let first = self.entries[..end].partition_point(|e| e.addr < last.addr);
        self.entries.get(first)
    }

    /// The last entry (highest address, then last alias) at or below `addr` that `keep`
    /// accepts, sizes ignored: `before` among a subset of symbols (code only, say).
    pub fn before_where(&self, addr: u64, keep: impl Fn(&Entry) -> bool) -> Option<&Entry> {
        let end = self.upper(addr);
        self.entries[..end].iter().rev().find(|e| keep(e))
    }

    /// The symbol whose `[addr, addr + size)` holds `addr`; where several do (a label
    /// inside a function), the one starting closest below `addr`, preferred alias first.
    pub fn containing(&self, addr: u64) -> Option<&Entry> {
        let end = self.upper(addr);
        let mut best: Option<&Entry> = None;
        // Walk back over a bounded window: nested symbols sit close together.
        for e in self.entries[..end].iter().rev().take(64) {
            if let Some(b) = best {
                if e.addr < b.addr {
                    break;
                }
            }
            if e.contains(addr) {
                best = Some(e);
            }
        }
        if best.is_none() {
            // A large symbol may enclose many small ones; fall back to a full scan back.
            best = self.entries[..end].iter().rev().find(|e| e.contains(addr));
        }
        // Prefer the first alias at the chosen address that also contains it.
        let b = best?;
        let first = self.entries.partition_point(|e| e.addr < b.addr);
        self.entries[first..]
            .iter()
            .take_while(|e| e.addr == b.addr)
            .find(|e| e.contains(addr))
    }

    /// Every entry starting exactly at `addr` (aliases), preferred first.
    pub fn at(&self, addr: u64) -> &[Entry] {
        let first = self.entries.partition_point(|e| e.addr < addr);
        let end = self.upper(addr);
        &self.entries[first..end.max(first)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(name: &str, addr: u64, size: u64, kind: SymKind, binding: Binding) -> Symbol {
        let mut s = Symbol::from_letter(name, addr, 't');
        s.size = Some(size);
        s.kind = kind;
        s.binding = binding;
        s.section_index = Some(1);
        s
    }

    #[test]
    fn containing_before_and_aliases() {
        let syms = vec![
            sym("b", 0x100, 0x20, SymKind::Func, Binding::Local),
            sym("a_alias", 0x100, 0x20, SymKind::Func, Binding::Global),
            sym("$x", 0x100, 0, SymKind::NoType, Binding::Local),
            sym("label", 0x110, 0, SymKind::NoType, Binding::Global),
            sym("c", 0x140, 0x10, SymKind::Func, Binding::Global),
        ];
        let map = AddrMap::build(&syms, |s| indexable(s).then_some(s.addr));
        assert_eq!(map.len(), 4);
        let name = |e: Option<&Entry>| e.map(|e| syms[e.index].name.as_str());
        assert_eq!(name(map.before(0x105)), Some("a_alias"));
        assert_eq!(name(map.containing(0x105)), Some("a_alias"));
        // The label's derived size runs to `c`, so it is the closest container.
        assert_eq!(name(map.containing(0x118)), Some("label"));
        assert_eq!(name(map.containing(0x145)), Some("c"));
        assert_eq!(name(map.containing(0x150)), None);
        assert_eq!(name(map.before(0x150)), Some("c"));
        assert_eq!(name(map.before(0xff)), None);
        assert_eq!(map.at(0x100).len(), 2);
        assert_eq!(map.at(0x101).len(), 0);
        let func = |e: &Entry| syms[e.index].kind == SymKind::Func;
        assert_eq!(name(map.before_where(0x118, func)), Some("b"));
        assert_eq!(name(map.before_where(0x150, func)), Some("c"));
        assert_eq!(name(map.before_where(0xff, func)), None);
    }
}
