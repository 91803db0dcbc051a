//! The object's ELF symbols: every question answered from small indexes over the mapped
//! symbol table, each built the first time a question needs it.
//!
//! A production vmlinux has 130,000 symbols. The [`Symbol`] model (names, section and
//! file names as owned strings) costs more to build than a whole `faddr2line` or `decode`
//! answer needs, so no question builds it: the indexes are made from the raw table
//! ([`ElfSymtab`], read in place), and a symbol is decoded alone when asked for
//! ([`Symbols::get`]). The indexes:
//! - by address: [`AddrMap`], the one address-to-symbol index, built from the raw fields
//!   ([`AddrMap::from_parts`]): the symbol holding an address, the next symbol above one;
//!   The kallsyms size (the next symbol of the same section) is found through it too,
//!   with the few symbols it leaves out kept aside;
//! - by name: the symbols sorted by the hash of their name's stem (the name up to its
//!   first dot), in file order within one stem: exact names and LTO-renamed names (whose
//!   lookup keys share the symbol's stem) are both found through it.
//!
//! Kept small: on a one-address `faddr2line` of a production vmlinux each fresh page of
//! an index (a page fault) costs more than the instructions a cleverer layout saves.
//!
//! # The cache file
//!
//! A table of [`MIN_CACHED_SYMBOLS`] or more symbols keeps both indexes in a file beside
//! the unit index's (`super::index`: same directory, same rules for naming, identifying
//! the object, writing and ignoring a stale or damaged file), `<hash>.symbols`: reading
//! 4 MiB costs a tenth of sorting 130,000 symbols twice. Little-endian:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `KSYMSYMS` |
//! | 8 | 4 | format version, 1 |
//! | 12 | 4 | producer: FNV-1a 32 of ksym's version string |
//! | 16 | 64 | the object's identity, as in the unit index file, with the symbol string table in the place of `.debug_info` |
//! | 80 | 8 | number of symbols in the table |
//! | 88 | 4 | E, entries of the address index |
//! | 92 | 4 | S, entries of the stem index |
//! | 96 | 4 | O, symbols the address index leaves out |
//! | 100 | 4 | L, sections with a last symbol value |
//! | 104 | 24·E | address, size (8 each), symbol index (4), 1 when the size is the ELF size else 0 (4); by address |
//! | | 8·S | stem index entries (`hash << 32 | symbol index`), ascending |
//! | | 16·O | section index, value (8 each), ascending |
//! | | 16·L | 1 when the section has a last value else 0, the value (8 each) |
//! | | 8 | checksum of every byte before it, 8 bytes at a time (`index::checksum`) |
//!
//! Used only when every field checks: magic, version, producer, identity, the symbol
//! count against the table, the counts against the file length, the checksum, symbol
//! indices inside the table, flags, and the orders above.
//!
//! The model is built only for callers that want every symbol ([`Symbols::model`]);
//! `tests/symbol_index.rs` checks the indexes' answers against rules applied to it.

use std::borrow::Cow;
use std::sync::OnceLock;

use symtab::addrmap::{self, AddrMap, Entry, Part};
use symtab::name::Name;
use symtab::read::{ElfSymtab, RawSymbol};
use symtab::{is_mapping_symbol_name_bytes, SymKind, Symbol};

use super::index::{self, CacheFile};
use super::loader::Bytes;

/// The symbols of one object (see the module documentation).
pub(crate) struct Symbols {
    table: Option<ElfSymtab<Bytes>>,
    /// Lookup base by section index: the synthetic layout of a relocatable object (0 for
    /// sections that are not laid out); `None` for linked objects, whose symbol values
    /// are lookup addresses.
    bases: Option<Vec<u64>>,
    model: OnceLock<Vec<Symbol>>,
    /// For the questions by address.
    addrs: OnceLock<Addrs>,
    /// For [`Symbols::named`] and [`Symbols::lto_named`].
    by_stem: OnceLock<StemIndex>,
    /// Where both indexes are kept between runs, for large tables (see "The cache file").
    cache: Option<CacheFile>,
    /// Both indexes, from `cache` or built and then kept there.
    cached: OnceLock<Option<(Addrs, StemIndex)>>,
}

/// The indexes by address, built in one pass over the table.
#[derive(Default)]
struct Addrs {
    map: AddrMap,
    /// By section index: the highest value of a symbol of the section (mapping symbols
    /// left out), which bounds [`Symbols::kallsyms_size`]'s walk through `map`.
    last: Vec<Option<u64>>,
    /// `(section, value)` of the symbols with a section that `map` leaves out (section
    /// symbols, nameless ones, symbols without a lookup address), mapping symbols left
    /// out, sorted: the rest of what [`Symbols::kallsyms_size`] looks through. A few per
    /// object.
    others: Vec<(usize, u64)>,
}

/// Symbols by name stem: `(stem hash << 32) | symbol index`, sorted. The symbols of one
/// stem hash (32 bits of it: two stems that share them share a list, and names are
/// compared anyway) are adjacent, in file order. Sorted rather than hashed into a table:
/// building reads and writes memory in order.
struct StemIndex(Vec<u64>);

/// The hash of a name's stem: the name up to its first dot (a leading dot does not
/// count), a NUL or the end of `name`. A symbol whose lookup key is `k` has the stem of
/// `k`: a key is the symbol's base ([`Name::parse`]) followed by some of its suffixes,
/// each starting with a dot. Eight bytes at a time: the index hashes every name.
fn stem_hash(name: &[u8]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const DOTS: u64 = 0x2e2e_2e2e_2e2e_2e2e;
    // The lowest byte of `w` that is 0 is the lowest flagged (higher flags may be false).
    let zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGH;
    let mix = |h: u64, w: u64| (h ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut at = 0;
    loop {
        let rest = &name[at.min(name.len())..];
        let w = match rest.first_chunk::<8>() {
            Some(chunk) => u64::from_le_bytes(*chunk),
            None => {
                let mut word = [0u8; 8];
                word[..rest.len()].copy_from_slice(rest);
                u64::from_le_bytes(word)
            }
        };
        let mut dots = zero(w ^ DOTS);
        if at == 0 {
            dots &= !0x80; // a leading dot is part of the stem
        }
        // Bytes past the end of `name` are zeros: they end it too. (A false flag can
        // only follow a true one or the masked leading dot, and depends on the bytes
        // before it only: equal stems still hash equally.)
        let stop = zero(w) | dots;
        if stop != 0 {
            let keep = stop.trailing_zeros() / 8;
            let w = if keep == 0 {
                0
            } else {
                w & (u64::MAX >> (64 - 8 * keep))
            };
            return mix(h, w ^ u64::from(keep) << 59);
        }
        h = mix(h, w);
        at += 8;
    }
}

impl StemIndex {
    fn build(t: &ElfSymtab<Bytes>) -> StemIndex {
        let strtab = t.strtab();
        let mut v: Vec<u64> = t
            .name_offsets()
            .enumerate()
            .map(|(i, off)| {
                let h = stem_hash(strtab.get(off as usize..).unwrap_or_default()) as u32;
                // Indices fit: symbol tables are bounded far below 2^32 entries.
                (u64::from(h) << 32) | i as u64
            })
            .collect();
        // Built in index order: a stable sort by the hash alone orders by both.
        symtab::radix::sort_by_key(&mut v, &mut Vec::new(), |&e| e >> 32);
        StemIndex(v)
    }

    /// The symbols whose stem hashes as `name`'s does, in file order.
    fn chain(&self, name: &[u8]) -> impl Iterator<Item = usize> + '_ {
        let h = u64::from(stem_hash(name) as u32);
        let from = self.0.partition_point(|&e| e >> 32 < h);
        self.0[from..]
            .iter()
            .take_while(move |&&e| e >> 32 == h)
            .map(|&e| (e & 0xffff_ffff) as usize)
    }
}

/// Tables from this many symbols keep their indexes in a cache file (a vmlinux has
/// 100k+; a module a few thousand, indexed faster than a file is read).
pub(crate) const MIN_CACHED_SYMBOLS: usize = 20_000;

const CACHE_MAGIC: &[u8; 8] = b"KSYMSYMS";
const CACHE_VERSION: u32 = 1;
const CACHE_HEADER: usize = 104;

/// A cache file's bytes for the indexes `both` of a table of `n` symbols.
fn encode_cache((addrs, stems): &(Addrs, StemIndex), n: usize, id: &[u8; 64]) -> Vec<u8> {
    let entries = addrs.map.entries();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes();
    let mut b = Vec::with_capacity(
        CACHE_HEADER
            + 24 * entries.len()
            + 8 * stems.0.len()
            + 16 * (addrs.others.len() + addrs.last.len())
            + 8,
    );
    b.extend_from_slice(CACHE_MAGIC);
    b.extend_from_slice(&CACHE_VERSION.to_le_bytes());
    b.extend_from_slice(&index::producer().to_le_bytes());
    b.extend_from_slice(id);
    b.extend_from_slice(&(n as u64).to_le_bytes());
    for len in [
        entries.len(),
        stems.0.len(),
        addrs.others.len(),
        addrs.last.len(),
    ] {
        b.extend_from_slice(&count(len));
    }
    for e in entries {
        b.extend_from_slice(&e.addr.to_le_bytes());
        b.extend_from_slice(&e.size.to_le_bytes());
        b.extend_from_slice(&count(e.index));
        b.extend_from_slice(&u32::from(e.size_from_elf).to_le_bytes());
    }
    for &e in &stems.0 {
        b.extend_from_slice(&e.to_le_bytes());
    }
    for &(sec, v) in &addrs.others {
        b.extend_from_slice(&(sec as u64).to_le_bytes());
        b.extend_from_slice(&v.to_le_bytes());
    }
    for &l in &addrs.last {
        b.extend_from_slice(&u64::from(l.is_some()).to_le_bytes());
        b.extend_from_slice(&l.unwrap_or(0).to_le_bytes());
    }
    let sum = index::checksum(&b);
    b.extend_from_slice(&sum.to_le_bytes());
    b
}

/// The indexes in a cache file's bytes `b` for a table of `n` symbols, when every field
/// checks (see "The cache file").
fn decode_cache(b: &[u8], id: &[u8; 64], n: usize) -> Option<(Addrs, StemIndex)> {
    let u32_at = |at: usize| symtab::objfile::u32_at(b, at, true);
    let u64_at = |at: usize| symtab::objfile::u64_at(b, at, true);
    if b.get(0..8)? != CACHE_MAGIC
        || u32_at(8)? != CACHE_VERSION
        || u32_at(12)? != index::producer()
        || b.get(16..80)? != id
        || u64_at(80)? != n as u64
    {
        return None;
    }
    let count = |at: usize| u32_at(at).map(|n| n as usize);
    let (ne, ns, no, nl) = (count(88)?, count(92)?, count(96)?, count(100)?);
    let body = CACHE_HEADER + 24 * ne + 8 * ns + 16 * no + 16 * nl;
    if b.len() != body + 8 || u64_at(body)? != index::checksum(&b[..body]) {
        return None;
    }
    let le64 = |w: &[u8]| symtab::objfile::u64_at(w, 0, true).unwrap_or_default();
    let (entry_bytes, rest) = b[CACHE_HEADER..body].split_at(24 * ne);
    let (stem_bytes, rest) = rest.split_at(8 * ns);
    let (other_bytes, last_bytes) = rest.split_at(16 * no);
    // Checked for what the readers rely on (indices in the table, order, flags); the
    // identity and the checksum tell a stale or damaged file.
    let mut entries = Vec::with_capacity(ne);
    for w in entry_bytes.chunks_exact(24) {
        let (addr, size, rest) = (le64(&w[0..8]), le64(&w[8..16]), le64(&w[16..24]));
        let (index, flags) = ((rest & 0xffff_ffff) as usize, rest >> 32);
        if index >= n || flags > 1 || entries.last().is_some_and(|e: &Entry| e.addr > addr) {
            return None;
        }
        entries.push(Entry {
            addr,
            size,
            size_from_elf: flags == 1,
            index,
        });
    }
    let mut stems: Vec<u64> = Vec::with_capacity(ns);
    for w in stem_bytes.chunks_exact(8) {
        let e = le64(w);
        if (e & 0xffff_ffff) as usize >= n || stems.last().is_some_and(|&l| l >= e) {
            return None;
        }
        stems.push(e);
    }
    let mut others = Vec::with_capacity(no);
    for w in other_bytes.chunks_exact(16) {
        let o = (usize::try_from(le64(&w[0..8])).ok()?, le64(&w[8..16]));
        if others.last().is_some_and(|l| l > &o) {
            return None;
        }
        others.push(o);
    }
    let mut last = Vec::with_capacity(nl);
    for w in last_bytes.chunks_exact(16) {
        last.push(match le64(&w[0..8]) {
            0 if le64(&w[8..16]) == 0 => None,
            1 => Some(le64(&w[8..16])),
            _ => return None,
        });
    }
    let map = AddrMap::from_entries(entries)?;
    Some((Addrs { map, last, others }, StemIndex(stems)))
}

/// Fuzzing entry: `body` as a symbol cache file's bytes after its magic, version and
/// producer, with a correct checksum appended (so that every later check is reached).
/// Refused, or indexes that keep the file's promises and encode to the same bytes.
pub fn fuzz_symbol_cache(body: &[u8]) {
    let mut b = Vec::with_capacity(16 + body.len() + 8);
    b.extend_from_slice(CACHE_MAGIC);
    b.extend_from_slice(&CACHE_VERSION.to_le_bytes());
    b.extend_from_slice(&index::producer().to_le_bytes());
    b.extend_from_slice(body);
    let sum = index::checksum(&b);
    b.extend_from_slice(&sum.to_le_bytes());
    let (Some(id), Some(n)) = (
        b.get(16..80).and_then(|s| <[u8; 64]>::try_from(s).ok()),
        b.get(80..88)
            .map(|s| u64::from_le_bytes(s.try_into().unwrap_or_default())),
    ) else {
        return;
    };
    let Ok(n) = usize::try_from(n) else {
        return;
    };
    if let Some(both) = decode_cache(&b, &id, n) {
        let entries = both.0.map.entries();
        assert!(entries.windows(2).all(|w| w[0].addr <= w[1].addr));
        assert!(entries.iter().all(|e| e.index < n));
        assert!(both.1 .0.windows(2).all(|w| w[0] < w[1]));
        assert!(both.1 .0.iter().all(|&e| ((e & 0xffff_ffff) as usize) < n));
        assert_eq!(encode_cache(&both, n, &id), b);
    }
}

impl Symbols {
    /// `bases`: see the field; `table`: `None` for an object without symbols; `cache`:
    /// the file keeping the indexes, used when the table has at least
    /// [`MIN_CACHED_SYMBOLS`] symbols.
    pub(crate) fn new(
        table: Option<ElfSymtab<Bytes>>,
        bases: Option<Vec<u64>>,
        cache: Option<CacheFile>,
    ) -> Symbols {
        let large = table
            .as_ref()
            .is_some_and(|t| t.len() >= MIN_CACHED_SYMBOLS);
        Symbols {
            table,
            bases,
            model: OnceLock::new(),
            addrs: OnceLock::new(),
            by_stem: OnceLock::new(),
            cache: cache.filter(|_| large),
            cached: OnceLock::new(),
        }
    }

    /// Build every index now (callers about to ask many questions from several threads).
    pub(crate) fn index_all(&self) {
        self.addrs();
        self.by_stem();
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

    /// The raw fields of symbol `i`.
    fn raw(&self, i: usize) -> Option<RawSymbol> {
        let t = self.table.as_ref().filter(|t| i < t.len())?;
        Some(t.raw(i))
    }

    /// The lookup address of a symbol with this value and section.
    fn address_of(&self, addr: u64, section: Option<usize>) -> Option<u64> {
        match &self.bases {
            None => Some(addr),
            Some(bases) => {
                let base = *bases.get(section?)?;
                if base == 0 {
                    return None;
                }
                base.checked_add(addr)
            }
        }
    }

    /// The address index (lookup addresses): [`addrmap::indexable`] symbols with a
    /// lookup address; built on first use, with the section index, from the raw table.
    pub(crate) fn addrmap(&self) -> &AddrMap {
        &self.addrs().map
    }

    fn addrs(&self) -> &Addrs {
        if let Some((addrs, _)) = self.cached() {
            return addrs;
        }
        self.addrs.get_or_init(|| self.build_addrs())
    }

    fn build_addrs(&self) -> Addrs {
        let Some(t) = self.table.as_ref() else {
            return Addrs::default();
        };
        let strtab = t.strtab();
        let mut parts = Vec::with_capacity(t.len());
        let mut last: Vec<Option<u64>> = Vec::new();
        let mut others = Vec::new();
        for (index, r) in t.raws().enumerate() {
            // What the rules read of a name: whether it is empty or a mapping
            // symbol (`$x`, `$d.1`), which its first three bytes tell.
            let name = strtab.get(r.name_offset() as usize..).unwrap_or_default();
            let head = &name[..name.iter().take(3).take_while(|&&b| b != 0).count()];
            let section = r
                .section_index
                .filter(|_| !is_mapping_symbol_name_bytes(head));
            if let Some(sec) = section {
                if sec >= last.len() {
                    last.resize(sec + 1, None);
                }
                last[sec] = last[sec].max(Some(r.addr));
            }
            let addr = self.address_of(r.addr, r.section_index);
            let indexed = !matches!(r.kind, SymKind::Section | SymKind::File)
                && addr.is_some()
                && addrmap::indexable_parts(r.kind, head, t.letter_of(&r));
            match addr.filter(|_| indexed) {
                Some(addr) => parts.push(Part {
                    addr,
                    size: r.size,
                    index: index as u32,
                    section: r.section_index.map(|x| x as u32),
                    kind: r.kind,
                    binding: r.binding,
                }),
                None => others.extend(section.map(|sec| (sec, r.addr))),
            }
        }
        others.sort_unstable();
        // As the model orders names: lossily decoded (valid ones, nearly all, as
        // they are).
        let map = AddrMap::from_parts(parts, |i| match std::str::from_utf8(t.name(i)) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(t.name(i)),
        });
        Addrs { map, last, others }
    }

    /// The symbol whose range holds lookup address `addr`, and the offset into it: the
    /// answer of [`AddrMap::containing`].
    pub(crate) fn containing(&self, addr: u64) -> Option<(usize, u64)> {
        let e = self.addrmap().containing(addr)?;
        Some((e.index, addr - e.addr))
    }

    /// The lowest lookup address above `addr` where an indexed symbol starts (any
    /// section).
    pub(crate) fn next_above(&self, addr: u64) -> Option<u64> {
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
        let r = self.raw(i)?;
        let (addr, sec) = (r.addr, r.section_index?);
        let from = addr.saturating_add(r.size.max(1));
        let addrs = self.addrs();
        // The first symbol of the section at or past `from`: through the address index
        // (a symbol's lookup address orders as its value within a section), up to the
        // section's last value, and among the symbols the index leaves out.
        let mut next = None;
        let last = addrs.last.get(sec).copied().flatten();
        let lookup = |v: u64| match &self.bases {
            None => Some(v),
            Some(bases) => bases.get(sec).filter(|&&b| b != 0)?.checked_add(v),
        };
        if let (Some(start), Some(last)) = (lookup(from), last.and_then(lookup)) {
            let entries = addrs.map.entries();
            next = entries[entries.partition_point(|e| e.addr < start)..]
                .iter()
                .take_while(|e| e.addr <= last)
                .filter_map(|e| self.raw(e.index))
                .find(|x| x.section_index == Some(sec))
                .map(|x| x.addr);
        }
        let others = &addrs.others[addrs.others.partition_point(|e| e < &(sec, from))..];
        if let Some(&(_, v)) = others.first().filter(|e| e.0 == sec) {
            next = Some(next.map_or(v, |n| n.min(v)));
        }
        let end = match next {
            Some(n) => n,
            None => section_end(sec)?,
        };
        end.checked_sub(addr).filter(|&n| n > 0)
    }

    fn by_stem(&self) -> Option<&StemIndex> {
        let t = self.table.as_ref()?;
        if let Some((_, stems)) = self.cached() {
            return Some(stems);
        }
        Some(self.by_stem.get_or_init(|| StemIndex::build(t)))
    }

    /// Both indexes of a large table: read from the cache file when it checks, else built
    /// and written there.
    fn cached(&self) -> Option<&(Addrs, StemIndex)> {
        let file = self.cache.as_ref()?;
        self.cached
            .get_or_init(|| {
                let t = self.table.as_ref()?;
                if let Some(both) = file.read(|b| decode_cache(b, file.id(), t.len())) {
                    return Some(both);
                }
                let both = (self.build_addrs(), StemIndex::build(t));
                file.store_bytes(&encode_cache(&both, t.len(), file.id()));
                Some(both)
            })
            .as_ref()
    }

    /// The symbols a name may be among: its stem's chain, or for a name that is not
    /// valid UTF-8 as given (the model shows such names lossily, with U+FFFD) all of
    /// them.
    fn candidates(&self, name: &str) -> Box<dyn Iterator<Item = usize> + '_> {
        if name.contains(char::REPLACEMENT_CHARACTER) {
            return Box::new(0..self.len());
        }
        match self.by_stem() {
            Some(index) => Box::new(index.chain(name.as_bytes())),
            None => Box::new(std::iter::empty()),
        }
    }

    /// Indices of the symbols named exactly `name` (as the model shows names), in file
    /// order.
    pub(crate) fn named(&self, name: &str) -> Vec<usize> {
        let Some(t) = self.table.as_ref() else {
            return Vec::new();
        };
        self.candidates(name)
            .filter(|&i| String::from_utf8_lossy(t.name(i)) == name)
            .collect()
    }

    /// Indices of the symbols whose [`Name::lookup_keys`] hold `name`, in file order.
    pub(crate) fn lto_named(&self, name: &str) -> Vec<usize> {
        let Some(t) = self.table.as_ref() else {
            return Vec::new();
        };
        self.candidates(name)
            .filter(|&i| {
                let raw = t.name(i);
                raw.contains(&b'.') && {
                    let full = String::from_utf8_lossy(raw);
                    Name::parse(&full).lookup_keys().iter().any(|k| k == name)
                }
            })
            .collect()
    }
}
