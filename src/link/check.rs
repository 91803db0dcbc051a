//! Initcall tables of a linked kernel image, and their order against the link order.
//!
//! The kernel runs initcalls from tables the linker script builds (include/asm-generic/
//! vmlinux.lds.h, `INIT_CALLS`): `__initcall_start` (early), then `__initcall<N>_start` for
//! levels 0..7 with `rootfs` between 5 and 6 (each table holds level N, then its sync level
//! Ns), up to `__initcall_end`; consoles have `__con_initcall_start`..`__con_initcall_end`.
//! Entries are 32-bit offsets relative to the entry itself where the architecture selects
//! `CONFIG_HAVE_ARCH_PREL32_RELOCATIONS` (x86_64, arm64, powerpc64), else pointers.
//!
//! Each entry is named by the `__initcall__<id><level>` symbol at its address, or else by
//! the `__initstub__<id><level>` stub it points to (LTO builds), and resolved to the
//! function it calls. Comparing with the expected order (from the linker script kbuild
//! generated, or recomputed from the link inputs) finds initcalls out of order: those off
//! the longest run that agrees with the expected order.

use std::collections::HashMap;

use symtab::input::Input;
use symtab::objfile::Object;

use super::initcall::{parse_name, Parsed};
use super::{Error, ErrorKind};
use symtab::addrmap::{self, AddrMap};
use symtab::{Arch, Symbol, SymbolTable};

/// How the entries of the tables are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// 32-bit offsets from the entry (`CONFIG_HAVE_ARCH_PREL32_RELOCATIONS`).
    Prel32,
    /// Absolute pointers of the image's word size.
    Pointer,
}

impl EntryKind {
    /// The kind Linux uses on `arch`.
    pub fn for_arch(arch: Option<Arch>) -> EntryKind {
        match arch {
            Some(Arch::X86_64 | Arch::Aarch64 | Arch::PowerPc) => EntryKind::Prel32,
            _ => EntryKind::Pointer,
        }
    }
}

/// One table entry of the image.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Where the entry is.
    pub addr: u64,
    /// The function it calls.
    pub target: u64,
    /// The id (`<modname>__<counter>_<line>_<fn>`), when a symbol gives it.
    pub id: Option<String>,
    /// The level the symbol names (`6`, `6s`, ...), when known.
    pub level: Option<String>,
    /// The name of the function at `target`.
    pub function: Option<String>,
}

/// One initcall table: a run level and its entries, in run order.
#[derive(Clone, Debug)]
pub struct Table {
    /// `early`, `0`..`7`, `rootfs`, `con`.
    pub level: &'static str,
    /// The entries.
    pub entries: Vec<Entry>,
}

/// The tables in run order: (level, start symbol, the levels whose sections it holds).
const TABLES: [(&str, &str); 11] = [
    ("early", "__initcall_start"),
    ("0", "__initcall0_start"),
    ("1", "__initcall1_start"),
    ("2", "__initcall2_start"),
    ("3", "__initcall3_start"),
    ("4", "__initcall4_start"),
    ("5", "__initcall5_start"),
    ("rootfs", "__initcallrootfs_start"),
    ("6", "__initcall6_start"),
    ("7", "__initcall7_start"),
    ("end", "__initcall_end"),
];

/// The linker-script levels whose sections a run table holds, in order.
pub fn levels_of(table: &str) -> Vec<String> {
    match table {
        "early" | "con" => vec![table.to_string()],
        t => vec![t.to_string(), format!("{t}s")],
    }
}

/// Read the initcall tables of the ELF image `input`.
pub fn read_tables(input: &Input, kind: Option<EntryKind>) -> Result<Vec<Table>, Error> {
    let obj = input.object()?;
    let table = symtab::read::read_elf_object(input, obj)?;
    let kind = kind.unwrap_or_else(|| EntryKind::for_arch(table.arch));
    let image = Image { data: input, obj };
    let addr_of = |name: &str| {
        table
            .symbols
            .iter()
            .find(|s| s.name == name && s.section_index.is_some())
            .map(|s| s.addr)
    };
    let bounds: Vec<(&'static str, u64)> = TABLES
        .iter()
        .filter_map(|&(level, sym)| addr_of(sym).map(|a| (level, a)))
        .collect();
    if bounds.len() < 2 || bounds.last().map(|b| b.0) != Some("end") {
        return Err(Error::new(
            ErrorKind::NotFound,
            "no initcall tables (no __initcall_start .. __initcall_end symbols)",
        ));
    }
    let index = SymbolIndex::new(&table);
    let mut tables = Vec::new();
    for w in bounds.windows(2) {
        tables.push(read_table(&image, &index, kind, w[0].0, w[0].1, w[1].1)?);
    }
    if let (Some(s), Some(e)) = (
        addr_of("__con_initcall_start"),
        addr_of("__con_initcall_end"),
    ) {
        tables.push(read_table(&image, &index, kind, "con", s, e)?);
    }
    Ok(tables)
}

fn read_table(
    image: &Image<'_>,
    index: &SymbolIndex<'_>,
    kind: EntryKind,
    level: &'static str,
    start: u64,
    end: u64,
) -> Result<Table, Error> {
    let size = match kind {
        EntryKind::Prel32 => 4,
        EntryKind::Pointer if image.obj.is_64() => 8,
        EntryKind::Pointer => 4,
    };
    if end < start || !(end - start).is_multiple_of(size) {
        return Err(Error::new(
            ErrorKind::Malformed,
            format!(
                "initcall table {level}: bounds {start:#x}..{end:#x} are not a whole number of \
                 {size}-byte entries"
            ),
        ));
    }
    let mut entries = Vec::new();
    for addr in (start..end).step_by(size as usize) {
        let raw = image.read(addr, size as usize).ok_or_else(|| {
            Error::new(
                ErrorKind::Malformed,
                format!("initcall table {level}: no data at {addr:#x}"),
            )
        })?;
        let target = match (kind, size) {
            (EntryKind::Prel32, _) => addr.wrapping_add(image.word(raw) as i32 as i64 as u64),
            _ => image.word(raw),
        };
        let (mut id, mut lvl) = (None, None);
        let named = index
            .at(addr)
            .find_map(|s| initcall_of(&s.name, "__initcall__"));
        let function = index.function_at(target);
        let stub = function.and_then(|f| initcall_of(f, "__initstub__"));
        if let Some((i, l)) = named.or(stub) {
            (id, lvl) = (Some(i), Some(l));
        }
        entries.push(Entry {
            addr,
            target,
            id,
            level: lvl,
            function: function.map(str::to_string),
        });
    }
    Ok(Table { level, entries })
}

fn initcall_of(name: &str, prefix: &str) -> Option<(String, String)> {
    match parse_name(name, prefix) {
        Parsed::Initcall(n) => Some((n.id(), n.level.to_string())),
        _ => None,
    }
}

/// Symbols by address: `symtab`'s address index, which every address-to-symbol
/// question of ksym goes through.
struct SymbolIndex<'a> {
    table: &'a SymbolTable,
    map: AddrMap,
}

impl<'a> SymbolIndex<'a> {
    fn new(table: &'a SymbolTable) -> SymbolIndex<'a> {
        let map = AddrMap::build(&table.symbols, |s| {
            (addrmap::indexable(s) && s.section_index.is_some()).then_some(s.addr)
        });
        SymbolIndex { table, map }
    }

    /// The symbols starting at `addr`, preferred alias first.
    fn at(&self, addr: u64) -> impl Iterator<Item = &'a Symbol> + '_ {
        self.map
            .at(addr)
            .iter()
            .map(|e| &self.table.symbols[e.index])
    }

    /// The function symbol at `addr`: a stub name first, then any text symbol.
    fn function_at(&self, addr: u64) -> Option<&'a str> {
        self.at(addr)
            .find(|s| s.name.starts_with("__initstub__"))
            .or_else(|| self.at(addr).find(|s| s.is_text()))
            .map(|s| s.name.as_str())
    }
}

/// An ELF image's bytes and headers, for reading memory by address.
struct Image<'a> {
    data: &'a [u8],
    obj: &'a Object,
}

impl<'a> Image<'a> {
    /// `len` bytes at `addr`, inside the one section holding `addr`
    /// ([`symtab::objfile::section_at`]).
    fn read(&self, addr: u64, len: usize) -> Option<&'a [u8]> {
        let (sec, off) = self.obj.section_at(addr)?;
        let off = usize::try_from(off).ok()?;
        sec.data(self.data)?.get(off..off.checked_add(len)?)
    }

    fn word(&self, raw: &[u8]) -> u64 {
        symtab::objfile::uint(raw, 0, raw.len(), self.obj.is_little_endian()).unwrap_or(0)
    }
}

/// A finding of [`compare`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// An initcall that runs out of link order.
    OutOfOrder {
        /// The table.
        level: &'static str,
        /// Its position in the table.
        index: usize,
        /// Its id.
        id: String,
        /// The function it calls.
        function: Option<String>,
        /// The id the expected order puts right before it, if any.
        expected_after: Option<String>,
    },
    /// Expected, but not in the table.
    Missing {
        /// The table.
        level: &'static str,
        /// The id.
        id: String,
    },
    /// In the table, but not expected there.
    Unexpected {
        /// The table.
        level: &'static str,
        /// Its position in the table.
        index: usize,
        /// Its id, or the function when no symbol gives an id.
        id: String,
    },
}

/// Compare each table with `expected` (linker-script level -> ids in link order).
pub fn compare(
    tables: &[Table],
    expected: &std::collections::BTreeMap<String, Vec<String>>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for t in tables {
        let want: Vec<&String> = levels_of(t.level)
            .iter()
            .filter_map(|l| expected.get(l))
            .flatten()
            .collect();
        let pos: HashMap<&str, usize> = want
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        // (entry index, expected position) for entries the expectation knows.
        let mut known = Vec::new();
        for (i, e) in t.entries.iter().enumerate() {
            match e.id.as_deref().and_then(|id| pos.get(id)) {
                Some(&p) => known.push((i, p)),
                None => findings.push(Finding::Unexpected {
                    level: t.level,
                    index: i,
                    id: e
                        .id
                        .clone()
                        .or_else(|| e.function.clone())
                        .unwrap_or_else(|| format!("{:#x}", e.target)),
                }),
            }
        }
        let keep = longest_increasing(&known.iter().map(|k| k.1).collect::<Vec<_>>());
        for (k, &(i, p)) in known.iter().enumerate() {
            if !keep[k] {
                let e = &t.entries[i];
                findings.push(Finding::OutOfOrder {
                    level: t.level,
                    index: i,
                    id: e.id.clone().unwrap_or_default(),
                    function: e.function.clone(),
                    expected_after: p.checked_sub(1).map(|q| want[q].clone()),
                });
            }
        }
        let present: std::collections::HashSet<usize> = known.iter().map(|k| k.1).collect();
        for (p, id) in want.iter().enumerate() {
            if !present.contains(&p) {
                findings.push(Finding::Missing {
                    level: t.level,
                    id: (*id).clone(),
                });
            }
        }
    }
    findings
}

/// Marks the members of one longest strictly increasing subsequence of `v`.
fn longest_increasing(v: &[usize]) -> Vec<bool> {
    // Patience sorting with predecessor links: O(n log n).
    let mut tails: Vec<usize> = Vec::new(); // indices into v
    let mut prev = vec![usize::MAX; v.len()];
    for i in 0..v.len() {
        let k = tails.partition_point(|&t| v[t] < v[i]);
        if k > 0 {
            prev[i] = tails[k - 1];
        }
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut keep = vec![false; v.len()];
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        keep[i] = true;
        cur = (prev[i] != usize::MAX).then(|| prev[i]);
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_increasing_marks_the_stragglers() {
        assert_eq!(
            longest_increasing(&[0, 1, 5, 2, 3, 4]),
            vec![true, true, false, true, true, true]
        );
        assert_eq!(longest_increasing(&[]), Vec::<bool>::new());
        assert_eq!(
            longest_increasing(&[1, 0]).iter().filter(|k| **k).count(),
            1
        );
    }
}
