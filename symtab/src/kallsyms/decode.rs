//! Reading a kallsyms table back: out of a linked kernel (`vmlinux`) or out of the
//! relocatable object the generator's assembler source becomes.
//!
//! The tables are found by their `kallsyms_*` symbols; each table's bytes run from its
//! symbol to the end of its section (the symbols carry no sizes) and every read is
//! bounds-checked, so a truncated or corrupt table gives an [`Error`], never a panic. In a
//! relocatable object the pointer fields are zero and the values live in relocations
//! (`_text + X`); those are applied with `_text` taken as `text_base`.

use std::collections::HashMap;

use object::{Object as _, ObjectSection, ObjectSymbol};

use super::order::{name_order, NameOrder};
use super::{AddressMode, Entry, Layout};
use crate::objfile::Object;
use crate::{Error, Result};

/// A table region: bytes from a symbol to the end of its section.
#[derive(Clone, Copy)]
struct Region<'a> {
    data: &'a [u8],
    /// The address of `data[0]`.
    addr: u64,
    section: usize,
    /// Offset of `data[0]` within its section (for relocations).
    sec_off: u64,
}

/// A relocation's resolved value `S + A`.
#[derive(Clone, Copy)]
struct Reloc {
    value: u64,
}

/// What was read: the symbols, and how the table was interpreted.
#[derive(Debug)]
pub struct Dump {
    /// The symbols in table (address) order.
    pub entries: Vec<Entry>,
    /// The layout used to decode.
    pub layout: Layout,
    /// The address encoding used to decode.
    pub mode: AddressMode,
    /// The `Linux version` string, when the file has one.
    pub version: Option<String>,
    /// True for 64-bit files.
    pub is_64: bool,
    /// The name order `kallsyms_seqs_of_names` follows (`None`: the file has none).
    pub name_order: Option<NameOrder>,
}

/// How to read: a forced layout, and `_text`'s value for relocatable input.
#[derive(Clone, Copy, Debug, Default)]
pub struct DumpOptions {
    /// Decode with this layout instead of the detected one.
    pub layout: Option<Layout>,
    /// The value of `_text` in relocatable objects (0: addresses relative to `_text`).
    pub text_base: u64,
}

/// The longest expanded entry accepted (type letter and name).
const MAX_NAME: usize = 4096;

fn malformed(msg: impl Into<String>) -> Error {
    Error::new(crate::ErrorKind::Malformed, msg)
}

struct Reader<'a> {
    big_endian: bool,
    is_64: bool,
    relocs: HashMap<(usize, u64), Reloc>,
    tables: HashMap<&'static str, Region<'a>>,
}

const TABLES: [&str; 9] = [
    "kallsyms_addresses",
    "kallsyms_offsets",
    "kallsyms_relative_base",
    "kallsyms_num_syms",
    "kallsyms_names",
    "kallsyms_markers",
    "kallsyms_token_table",
    "kallsyms_token_index",
    "kallsyms_seqs_of_names",
];

impl<'a> Reader<'a> {
    fn table(&self, name: &str) -> Result<Region<'a>> {
        self.tables
            .get(name)
            .copied()
            .ok_or_else(|| malformed(format!("no {name} symbol")))
    }

    fn bytes(&self, r: Region<'a>, off: u64, n: usize, what: &str) -> Result<&'a [u8]> {
        usize::try_from(off)
            .ok()
            .and_then(|o| r.data.get(o..o.checked_add(n)?))
            .ok_or_else(|| malformed(format!("{what}: offset {off:#x} is past the table's end")))
    }

    fn uint(&self, r: Region<'a>, off: u64, n: usize, what: &str) -> Result<u64> {
        let b = self.bytes(r, off, n, what)?;
        crate::objfile::uint(b, 0, n, !self.big_endian)
            .ok_or_else(|| malformed(format!("{what}: a {n}-byte field")))
    }

    fn reloc(&self, r: Region<'a>, off: u64) -> Option<Reloc> {
        self.relocs
            .get(&(r.section, r.sec_off.wrapping_add(off)))
            .copied()
    }

    fn pointer(&self, r: Region<'a>, off: u64, what: &str) -> Result<u64> {
        let n = if self.is_64 { 8 } else { 4 };
        let raw = self.uint(r, off, n, what)?;
        Ok(self.reloc(r, off).map_or(raw, |x| x.value))
    }
}

/// Read the kallsyms table of an ELF file (a `vmlinux` or an assembled generator output).
pub fn dump_elf(data: &[u8], opts: &DumpOptions) -> Result<Dump> {
    let obj = Object::parse(data)?;
    // Symbols and relocations need `object`'s full reader; sections come from `obj`.
    let file = obj.elf(data)?;
    let big_endian = !obj.is_little_endian();
    let is_64 = obj.is_64();
    let mut text_value = None;
    let mut tables = HashMap::new();
    let mut banner = None;
    for sym in file.symbols() {
        let Ok(name) = sym.name() else { continue };
        if name == "_text" && !sym.is_undefined() {
            text_value = Some(sym.address());
        }
        let Some(&t) = TABLES.iter().find(|&&t| t == name) else {
            if name == "linux_banner" {
                banner = Some(sym.address());
            }
            continue;
        };
        let Some(idx) = sym.section_index() else {
            continue;
        };
        let sec = obj
            .section(idx.0)
            .ok_or_else(|| malformed(format!("{name}: invalid section index {}", idx.0)))?;
        let sdata = sec
            .data(data)
            .ok_or_else(|| malformed(format!("{name}: section {} is past the end", sec.name)))?;
        let rel = sym.address().wrapping_sub(sec.addr);
        let start = usize::try_from(rel)
            .ok()
            .filter(|&s| s <= sdata.len())
            .ok_or_else(|| malformed(format!("{name} lies outside its section")))?;
        tables.insert(
            t,
            Region {
                data: &sdata[start..],
                addr: sym.address(),
                section: idx.0,
                sec_off: rel,
            },
        );
    }
    if tables.is_empty() {
        tables = scan_sections(data, &obj, big_endian).ok_or_else(|| {
            malformed(
                "no kallsyms_* symbols, and no kallsyms table found in the sections \
                 (not a kernel with kallsyms?)",
            )
        })?;
    }
    let text_base = text_value.unwrap_or(opts.text_base);
    let mut relocs = HashMap::new();
    if obj.is_relocatable() {
        for sec in file.sections() {
            // An undefined `_text` is the text base given; other symbols are where the
            // object says.
            let base = |s: &object::Symbol<'_, '_>| {
                Some(if s.is_undefined() && s.name() == Ok("_text") {
                    text_base
                } else {
                    0
                })
            };
            for r in crate::objfile::reloc_targets(&file, &sec, base) {
                let r = r?;
                relocs.insert((sec.index().0, r.offset), Reloc { value: r.value });
            }
        }
    }
    let version = banner
        .and_then(|a| string_at(data, &obj, a))
        .or_else(|| find_banner(data));
    let reader = Reader {
        big_endian,
        is_64,
        relocs,
        tables,
    };
    decode(&reader, opts.layout, version)
}

/// Locate the tables structurally in the allocated sections (a stripped `vmlinux`).
fn scan_sections<'a>(
    file: &'a [u8],
    obj: &Object,
    big_endian: bool,
) -> Option<HashMap<&'static str, Region<'a>>> {
    for sec in obj.sections() {
        if sec.sh_type == object::elf::SHT_NOBITS || sec.addr == 0 {
            continue;
        }
        let Some(data) = sec.data(file) else { continue };
        if let Some(l) = super::scan::locate(data, sec.addr, big_endian) {
            return Some(regions(data, sec.addr, sec.index, &l));
        }
    }
    None
}

fn regions<'a>(
    data: &'a [u8],
    base: u64,
    section: usize,
    l: &super::scan::Located,
) -> HashMap<&'static str, Region<'a>> {
    l.tables
        .iter()
        .map(|&(name, off)| {
            let r = Region {
                data: data.get(off..).unwrap_or(&[]),
                addr: base.wrapping_add(off as u64),
                section,
                sec_off: off as u64,
            };
            (name, r)
        })
        .collect()
}

/// Read the kallsyms table of any kernel file: ELF (by symbols, or by structure when
/// stripped) or a raw image such as an uncompressed arm64 `Image`, where the table is
/// found by structure and `text_base` is taken as the image's load address.
pub fn dump(data: &[u8], opts: &DumpOptions) -> Result<Dump> {
    if data.starts_with(b"\x7fELF") {
        return dump_elf(data, opts);
    }
    for big_endian in [false, true] {
        if let Some(l) = super::scan::locate(data, opts.text_base, big_endian) {
            let reader = Reader {
                big_endian,
                is_64: true,
                relocs: HashMap::new(),
                tables: regions(data, opts.text_base, 0, &l),
            };
            return decode(&reader, opts.layout, find_banner(data));
        }
    }
    Err(malformed(
        "not ELF, and no kallsyms table found in the raw data (a compressed image must \
         be decompressed first)",
    ))
}

/// The string (up to a NUL or a line end) at address `addr` of the object.
fn string_at(file: &[u8], obj: &Object, addr: u64) -> Option<String> {
    let (sec, off) = obj.section_at(addr)?;
    let s = sec.data(file)?.get(usize::try_from(off).ok()?..)?;
    let end = s.iter().position(|&c| c == 0 || c == b'\n')?;
    Some(String::from_utf8_lossy(&s[..end]).into_owned())
}

fn find_banner(data: &[u8]) -> Option<String> {
    let needle = b"Linux version ";
    let i = data.windows(needle.len()).position(|w| w == needle)?;
    let s = &data[i..];
    let end = s.iter().take(256).position(|&c| c == 0 || c == b'\n')?;
    Some(String::from_utf8_lossy(&s[..end]).into_owned())
}

/// `major.minor` of a `Linux version X.Y...` string.
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let rest = v.strip_prefix("Linux version ")?;
    let mut it = rest.split(|c: char| !c.is_ascii_digit());
    let major = it.next()?.parse().ok()?;
    let minor = it.next()?.parse().ok()?;
    Some((major, minor))
}

fn decode(r: &Reader<'_>, forced: Option<Layout>, version: Option<String>) -> Result<Dump> {
    let names = r.table("kallsyms_names")?;
    let num = r.uint(r.table("kallsyms_num_syms")?, 0, 4, "kallsyms_num_syms")?;
    // Every entry takes at least two bytes; a larger count is corrupt, not a reason to
    // allocate.
    if num > names.data.len() as u64 / 2 {
        return Err(malformed(format!(
            "kallsyms_num_syms {num} does not fit kallsyms_names ({} bytes)",
            names.data.len()
        )));
    }
    let n = num as usize;
    let tokens = read_tokens(r)?;
    let markers = r.table("kallsyms_markers")?;
    let mut entries = Vec::with_capacity(n);
    let mut off = 0u64;
    for i in 0..n {
        if i % 256 == 0 {
            let m = r.uint(markers, (i / 256) as u64 * 4, 4, "kallsyms_markers")?;
            if m != off {
                return Err(malformed(format!(
                    "kallsyms_markers[{}] is {m:#x}, but entry {i} starts at {off:#x}",
                    i / 256
                )));
            }
        }
        let b0 = r.uint(names, off, 1, "kallsyms_names")?;
        let (len, hdr) = if b0 & 0x80 != 0 {
            let b1 = r.uint(names, off + 1, 1, "kallsyms_names")?;
            ((b0 & 0x7f) | b1 << 7, 2)
        } else {
            (b0, 1)
        };
        let data = r.bytes(names, off + hdr, len as usize, "kallsyms_names")?;
        let mut full = Vec::with_capacity(len as usize * 3);
        for &b in data {
            full.extend_from_slice(&tokens[b as usize]);
            // Kernel names are below KSYM_NAME_LEN (512); anything far longer is a
            // corrupt token table, not a name worth allocating for.
            if full.len() > MAX_NAME {
                return Err(malformed(format!(
                    "kallsyms_names entry {i} expands to more than {MAX_NAME} bytes"
                )));
            }
        }
        let Some((&kind, name)) = full.split_first() else {
            return Err(malformed(format!("kallsyms_names entry {i} is empty")));
        };
        entries.push(Entry {
            addr: 0,
            kind,
            name: name.to_vec(),
        });
        off += hdr + len;
    }
    let (layout, mode) = choose_mode(r, forced, version.as_deref(), n)?;
    read_addresses(r, mode, &mut entries)?;
    let name_order = check_seqs(r, &entries)?;
    Ok(Dump {
        entries,
        layout,
        mode,
        version,
        is_64: r.is_64,
        name_order,
    })
}

/// Check `kallsyms_seqs_of_names`: 3-byte big-endian entries (4-byte native ones in
/// mainline 6.0-6.1) listing every symbol once, in one of the kernels' name orders.
fn check_seqs(r: &Reader<'_>, entries: &[Entry]) -> Result<Option<NameOrder>> {
    let Some(&t) = r.tables.get("kallsyms_seqs_of_names") else {
        return Ok(None);
    };
    let n = entries.len();
    for width in [3usize, 4] {
        let Some(bytes) = t.data.get(..n * width) else {
            continue;
        };
        let seqs: Vec<usize> = bytes
            .chunks(width)
            // 3-byte entries are big endian whatever the machine, 4-byte ones native.
            .map(|c| {
                crate::objfile::uint(c, 0, width, width == 4 && !r.big_endian).unwrap_or(0) as usize
            })
            .collect();
        if let Some(order) = name_order(entries, &seqs) {
            return Ok(Some(order));
        }
    }
    Err(malformed(
        "kallsyms_seqs_of_names does not list every symbol once in name order",
    ))
}

fn read_tokens(r: &Reader<'_>) -> Result<Vec<Vec<u8>>> {
    let table = r.table("kallsyms_token_table")?;
    let index = r.table("kallsyms_token_index")?;
    let mut tokens = Vec::with_capacity(256);
    for i in 0..256u64 {
        let at = r.uint(index, i * 2, 2, "kallsyms_token_index")?;
        let s = table
            .data
            .get(at as usize..)
            .and_then(|s| Some(&s[..s.iter().position(|&c| c == 0)?]))
            .ok_or_else(|| {
                malformed(format!(
                    "kallsyms_token_index[{i}] = {at:#x} is not a string in kallsyms_token_table"
                ))
            })?;
        tokens.push(s.to_vec());
    }
    Ok(tokens)
}

fn choose_mode(
    r: &Reader<'_>,
    forced: Option<Layout>,
    version: Option<&str>,
    n: usize,
) -> Result<(Layout, AddressMode)> {
    let names = r.table("kallsyms_names")?.addr;
    let has = |t: &str| r.tables.contains_key(t);
    let from_version = version
        .and_then(parse_version)
        .map(|(a, b)| Layout::for_version(a, b));
    let layout = forced.or(from_version).unwrap_or_else(|| {
        let addrs = r
            .tables
            .get("kallsyms_offsets")
            .or_else(|| r.tables.get("kallsyms_addresses"))
            .map_or(0, |t| t.addr);
        if !has("kallsyms_relative_base") && has("kallsyms_offsets") {
            Layout::V7_0
        } else if addrs < names {
            Layout::V6_1
        } else {
            Layout::V6_4
        }
    });
    let mode = if layout.is_pc_relative() {
        AddressMode::PcRelative
    } else if has("kallsyms_addresses") && layout.has_absolute_addresses() {
        AddressMode::Absolute
    } else if layout.has_absolute_percpu() && any_negative(r, n)? {
        AddressMode::AbsolutePercpu
    } else {
        AddressMode::BaseRelative
    };
    Ok((layout, mode))
}

/// With `--absolute-percpu` every relative entry is negative, so one negative entry
/// tells the encoding (plain base-relative offsets stay below 2 GiB in real kernels).
fn any_negative(r: &Reader<'_>, n: usize) -> Result<bool> {
    let t = r.table("kallsyms_offsets")?;
    for i in 0..n as u64 {
        if r.uint(t, i * 4, 4, "kallsyms_offsets")? & 0x8000_0000 != 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

fn read_addresses(r: &Reader<'_>, mode: AddressMode, entries: &mut [Entry]) -> Result<()> {
    match mode {
        AddressMode::Absolute => {
            let t = r.table("kallsyms_addresses")?;
            let w = if r.is_64 { 8 } else { 4 };
            for (i, e) in entries.iter_mut().enumerate() {
                e.addr = r.pointer(t, i as u64 * w, "kallsyms_addresses")?;
            }
        }
        AddressMode::BaseRelative | AddressMode::AbsolutePercpu => {
            let base_t = r.table("kallsyms_relative_base")?;
            let base = r.pointer(base_t, 0, "kallsyms_relative_base")?;
            let t = r.table("kallsyms_offsets")?;
            for (i, e) in entries.iter_mut().enumerate() {
                let v = r.uint(t, i as u64 * 4, 4, "kallsyms_offsets")?;
                e.addr = if mode == AddressMode::BaseRelative {
                    base.wrapping_add(v)
                } else if v & 0x8000_0000 == 0 {
                    v
                } else {
                    let neg = i64::from(v as u32 as i32);
                    base.wrapping_sub(1).wrapping_sub(neg as u64)
                };
            }
        }
        AddressMode::PcRelative => {
            let t = r.table("kallsyms_offsets")?;
            for (i, e) in entries.iter_mut().enumerate() {
                let off = i as u64 * 4;
                let v = r.uint(t, off, 4, "kallsyms_offsets")?;
                e.addr = match r.reloc(t, off) {
                    Some(x) => x.value,
                    None => t
                        .addr
                        .wrapping_add(off)
                        .wrapping_add(i64::from(v as u32 as i32) as u64),
                };
            }
        }
    }
    Ok(())
}
