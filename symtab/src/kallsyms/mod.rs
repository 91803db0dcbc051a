//! The kernel's compressed symbol table (`kallsyms`): generating it from a symbol map
//! exactly as `scripts/kallsyms` does, and reading it back out of a kernel.
//!
//! # Format
//!
//! Every layout stores the same six tables, in `.rodata`, each aligned to the pointer
//! size and named by a global symbol (`docs/kallsyms.md` has a worked example):
//!
//! | table | width | content |
//! |---|---|---|
//! | `kallsyms_num_syms` | u32 | N, the number of symbols |
//! | `kallsyms_names` | bytes | N entries: length (1 byte if ≤ 0x7F, else 2-byte ULEB128 ≤ 0x3FFF), then that many token indices; the expansion is the type letter then the name |
//! | `kallsyms_markers` | u32 × ⌈N/256⌉ | byte offset in `kallsyms_names` of entry 256·k |
//! | `kallsyms_token_table` | NUL-terminated strings × 256 | the expansion of each token index |
//! | `kallsyms_token_index` | u16 × 256 | offset of each token's string in the token table |
//! | `kallsyms_seqs_of_names` | 3 bytes big-endian × N | symbol indices in name order (for lookup by name) |
//!
//! and the addresses, in one of four encodings ([`AddressMode`]):
//! - `kallsyms_addresses`: one pointer per symbol (no `--base-relative`, 6.1-6.10);
//! - `kallsyms_offsets` (u32) plus `kallsyms_relative_base` (pointer):
//!   `address = relative_base + (u32)offset` (`--base-relative`, and always 6.11-6.19);
//! - the same with `--absolute-percpu` (x86_64 SMP until 6.14): an offset ≥ 0 is an
//!   absolute percpu address, a negative one means `relative_base - 1 - offset`;
//! - 7.0: `kallsyms_offsets` (i32) relative to the entry itself,
//!   `address = &kallsyms_offsets[i] + offset`; no `kallsyms_relative_base`.
//!
//! Symbols are sorted by address. Lookup by address: binary search of the addresses,
//! then `kallsyms_markers[i / 256]` gives where to start skipping `i % 256` entries in
//! `kallsyms_names`; expanding an entry concatenates the token strings of its bytes.
//! Lookup by name: binary search of `kallsyms_seqs_of_names`, expanding each probe.
//!
//! 6.1 puts the addresses first and the name tables after them; 6.4 and later put
//! `kallsyms_num_syms`, names, markers and tokens first, then the addresses, then
//! `kallsyms_seqs_of_names`. With `--lto-clang`, 6.1-6.10 sort
//! `kallsyms_seqs_of_names` by names cut at `.llvm.` (the table keeps full names);
//! 6.11 and later sort by full names.
//!
//! # Modules
//! - [`raw`]: reading the map as the 6.1 tool's `fscanf` does, the selection rules of
//!   each version ([`raw::Rules`]), filters and address sort;
//! - [`lines`]: reading the map as the 6.4 and later tool's `getline` does;
//! - [`encode`]: the token compression, byte for byte;
//! - [`layout`]: the layouts and their assembler text;
//! - [`decode`]: reading tables back out of ELF files (vmlinux, or the assembled
//!   output of the generator);
//! - [`order`]: the name-order rules of `kallsyms_seqs_of_names`;
//! - [`scan`]: finding the tables by their structure when there are no symbols
//!   (stripped `vmlinux`, raw images).

pub mod decode;
pub mod encode;
pub mod layout;
pub mod lines;
pub mod order;
pub mod raw;
pub mod scan;

use std::collections::{HashMap, HashSet};

use crate::name::{self, Policy};
pub use layout::{AddressMode, Layout};
use raw::MapSymbol;

/// Options of the generator: the C tool's flags, a layout and a cleaning policy.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// `--all-symbols`: keep symbols outside the text ranges.
    pub all_symbols: bool,
    /// `--absolute-percpu`: percpu symbols become absolute (type `A`).
    pub absolute_percpu: bool,
    /// `--base-relative`: 32-bit offsets from `kallsyms_relative_base`.
    pub base_relative: bool,
    /// `--lto-clang`: sort `kallsyms_seqs_of_names` by `.llvm.`-stripped names.
    pub lto_clang: bool,
    /// `--pc-relative`: entry-relative offsets (the 7.0 layout).
    pub pc_relative: bool,
    /// The table layout.
    pub layout: Layout,
    /// Name cleaning inside the table ([`Policy::None`] is what kernels expect).
    pub clean: Option<Policy>,
}

impl Options {
    /// The address encoding these options select, or the flag the layout lacks.
    pub fn address_mode(&self) -> Result<AddressMode, String> {
        let l = self.layout;
        let reject = |flag: &str| Err(format!("--{flag} is not an option of the {l} layout"));
        if self.lto_clang && !l.has_lto_clang() {
            return reject("lto-clang");
        }
        if self.absolute_percpu && !l.has_absolute_percpu() {
            return reject("absolute-percpu");
        }
        if self.pc_relative && !l.is_pc_relative() {
            return reject("pc-relative");
        }
        if self.base_relative && l.is_pc_relative() {
            return reject("base-relative");
        }
        Ok(if l.is_pc_relative() {
            AddressMode::PcRelative
        } else if !self.base_relative && l.has_absolute_addresses() {
            AddressMode::Absolute
        } else if self.absolute_percpu {
            AddressMode::AbsolutePercpu
        } else {
            AddressMode::BaseRelative
        })
    }
}

/// A symbol as the table stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The address.
    pub addr: u64,
    /// The type letter.
    pub kind: u8,
    /// The name (bytes, as stored).
    pub name: Vec<u8>,
}

/// The generator's result (the assembler source went to the writer).
#[derive(Debug)]
pub struct Generated {
    /// The symbols in the table, in table order (names as stored, after cleaning).
    pub kept: Vec<Entry>,
    /// Messages for stderr, in order (the C tool's own, then name collisions).
    pub diagnostics: Vec<String>,
}

/// A generator failure.
#[derive(Debug)]
pub enum Failure {
    /// What `scripts/kallsyms` reports and exits with status 1 on: the messages for
    /// stderr, the last one the fatal one. Output written before (as the C tool's)
    /// stays written.
    Kallsyms(Vec<String>),
    /// Writing the output failed.
    Io(std::io::Error),
}

/// Run the generator on the bytes of a symbol map, writing the assembler source to `out`.
pub fn generate(
    map_data: &[u8],
    opts: &Options,
    out: &mut dyn std::io::Write,
) -> Result<Generated, Failure> {
    let map =
        raw::read_map_with(map_data, raw::Rules::of(opts.layout)).map_err(Failure::Kallsyms)?;
    generate_from(map, opts, out)
}

/// The symbols the generator keeps for `map_data` under `opts`, in table order, without
/// compressing or writing anything.
pub fn select(map_data: &[u8], opts: &Options) -> Result<Vec<Entry>, Failure> {
    let map =
        raw::read_map_with(map_data, raw::Rules::of(opts.layout)).map_err(Failure::Kallsyms)?;
    Ok(prepare(map, opts, None)?
        .symbols
        .into_iter()
        .map(MapSymbol::into_entry)
        .collect())
}

struct Prepared {
    symbols: Vec<MapSymbol>,
    mode: AddressMode,
    text: u64,
    relative_base: u64,
    diagnostics: Vec<String>,
}

/// Filtering, percpu handling, sorting and cleaning: everything before compression.
fn prepare(
    mut map: raw::MapRead,
    opts: &Options,
    inputs: Option<&HashSet<String>>,
) -> Result<Prepared, Failure> {
    let mode = opts
        .address_mode()
        .map_err(|e| Failure::Kallsyms(vec![e]))?;
    raw::shrink(&mut map, opts.all_symbols);
    // 6.4 and later write an empty table (the first link's `.tmp_vmlinux0.kallsyms`).
    if map.symbols.is_empty() && map.rules == raw::Rules::V6_1 {
        map.diagnostics.push("No valid symbol.".into());
        return Err(Failure::Kallsyms(map.diagnostics));
    }
    if opts.absolute_percpu {
        raw::make_percpus_absolute(&mut map);
    }
    raw::sort_symbols(&mut map.symbols);
    let relative_base = raw::relative_base(&map.symbols);
    if let Some(policy) = opts.clean {
        clean_names(&mut map.symbols, policy, inputs, &mut map.diagnostics);
    }
    Ok(Prepared {
        symbols: map.symbols,
        mode,
        text: map.text,
        relative_base,
        diagnostics: map.diagnostics,
    })
}

/// [`generate`] from a map already read (so that callers can free the map's bytes); read
/// it with the rules of the layout ([`raw::read_map_with`], [`raw::Rules::of`]).
pub fn generate_from(
    map: raw::MapRead,
    opts: &Options,
    out: &mut dyn std::io::Write,
) -> Result<Generated, Failure> {
    generate_with_inputs(map, opts, None, out)
}

/// [`generate_from`] with the names of the link inputs (objects before LTO) as evidence
/// for [`Policy::Lto`] cleaning: a numeric suffix (`foo.1`) is dropped only when the
/// inputs have `foo` and not `foo.1` (see [`name::Name::clean_with`]).
pub fn generate_with_inputs(
    map: raw::MapRead,
    opts: &Options,
    inputs: Option<&HashSet<String>>,
    out: &mut dyn std::io::Write,
) -> Result<Generated, Failure> {
    let mut p = prepare(map, opts, inputs)?;
    let compressed = encode::compress(p.symbols.iter().map(|s| (s.kind, &s.name[..])));
    let seqs = seqs_of_names(&p.symbols, opts.lto_clang && opts.layout.has_lto_clang());
    let table = layout::Table {
        layout: opts.layout,
        mode: p.mode,
        symbols: &p.symbols,
        compressed: &compressed,
        text: p.text,
        relative_base: p.relative_base,
        seqs: &seqs,
    };
    match layout::write(&table, out) {
        Ok(()) => {}
        Err(layout::WriteError::Overflow(msg)) => {
            p.diagnostics.push(msg);
            return Err(Failure::Kallsyms(p.diagnostics));
        }
        Err(layout::WriteError::Io(e)) => return Err(Failure::Io(e)),
    }
    Ok(Generated {
        kept: p.symbols.into_iter().map(MapSymbol::into_entry).collect(),
        diagnostics: p.diagnostics,
    })
}

impl MapSymbol {
    fn into_entry(self) -> Entry {
        Entry {
            addr: self.addr,
            kind: self.kind,
            name: self.name,
        }
    }
}

/// `sort_symbols_by_name()`: indices in name order, ties by address then index.
fn seqs_of_names(symbols: &[MapSymbol], strip_llvm: bool) -> Vec<u32> {
    let key = |s: &MapSymbol| -> usize {
        if strip_llvm {
            find(&s.name, b".llvm.").unwrap_or(s.name.len())
        } else {
            s.name.len()
        }
    };
    let keys: Vec<&[u8]> = symbols.iter().map(|s| &s.name[..key(s)]).collect();
    let mut seqs: Vec<u32> = (0..symbols.len() as u32).collect();
    seqs.sort_unstable_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        keys[a]
            .cmp(keys[b])
            .then(symbols[a].addr.cmp(&symbols[b].addr))
            .then(a.cmp(&b))
    });
    seqs
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Clean every name with `policy`; report names that would merge distinct symbols and,
/// under [`Policy::Lto`], keep those symbols' full names.
fn clean_names(
    symbols: &mut [MapSymbol],
    policy: Policy,
    inputs: Option<&HashSet<String>>,
    diags: &mut Vec<String>,
) {
    if policy == Policy::None {
        return;
    }
    let cleaned: Vec<Option<String>> = symbols
        .iter()
        .map(|s| {
            let raw = std::str::from_utf8(&s.name).ok()?;
            let c = match inputs {
                Some(inputs) => name::Name::parse(raw).clean_with(policy, |n| inputs.contains(n)),
                None => name::clean(raw, policy),
            };
            (c != raw).then(|| c.into_owned())
        })
        .collect();
    // Cleaned name -> the distinct full names that produce it (a name unchanged by
    // cleaning counts as producing itself).
    let mut by_clean: HashMap<&[u8], Vec<&[u8]>> = HashMap::new();
    for (s, c) in symbols.iter().zip(&cleaned) {
        let key = c.as_deref().map_or(&s.name[..], str::as_bytes);
        let raws = by_clean.entry(key).or_default();
        if !raws.contains(&&s.name[..]) {
            raws.push(&s.name);
        }
    }
    let mut colliding: Vec<(Vec<u8>, Vec<Vec<u8>>)> = by_clean
        .into_iter()
        .filter(|(_, raws)| raws.len() > 1)
        .map(|(k, raws)| (k.to_vec(), raws.iter().map(|r| r.to_vec()).collect()))
        .collect();
    colliding.sort();
    let keep_full = policy == Policy::Lto;
    for (clean, raws) in &colliding {
        let list: Vec<String> = raws
            .iter()
            .map(|r| String::from_utf8_lossy(r).into_owned())
            .collect();
        diags.push(format!(
            "ksym kallsyms: --clean={policy}: {} names clean to {}: {}{}",
            raws.len(),
            String::from_utf8_lossy(clean),
            list.join(", "),
            if keep_full { " (full names kept)" } else { "" }
        ));
    }
    let collides: std::collections::HashSet<&[u8]> =
        colliding.iter().map(|(k, _)| k.as_slice()).collect();
    for (s, c) in symbols.iter_mut().zip(cleaned) {
        if let Some(c) = c {
            if keep_full && collides.contains(c.as_bytes()) {
                continue;
            }
            s.name = c.into_bytes();
        }
    }
}
