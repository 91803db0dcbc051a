//! ELF symbol tables (vmlinux, `.o`, `.ko`), 32/64-bit, either endianness.
//!
//! The nm letter is computed the way GNU nm (binutils 2.40, `bfd_decode_symclass`) does:
//! from the symbol's binding and type and from the flags BFD derives for its section
//! (`_bfd_elf_make_section_from_shdr`). A differential test checks it against `nm`.

use std::ops::{Deref, Range};
use std::sync::{Arc, OnceLock};

use object::elf;

use crate::objfile::Object;
use crate::{Arch, Binding, Error, ErrorKind, Result, SymKind, Symbol, SymbolTable, TableFormat};

/// The machine of an ELF file, from its header.
pub fn elf_arch(machine: u16) -> Arch {
    match machine {
        elf::EM_X86_64 => Arch::X86_64,
        elf::EM_386 => Arch::I386,
        elf::EM_AARCH64 => Arch::Aarch64,
        elf::EM_ARM => Arch::Arm,
        elf::EM_RISCV => Arch::Riscv,
        elf::EM_PPC | elf::EM_PPC64 => Arch::PowerPc,
        elf::EM_S390 => Arch::S390,
        m => Arch::Other(m),
    }
}

/// Read the `.symtab` (or, failing that, `.dynsym`) of an ELF file.
pub fn read_elf(data: &[u8]) -> Result<SymbolTable> {
    table_of(ElfSymtab::parse(data)?)
}

/// [`read_elf`] of the ELF file `data` whose headers are `obj` (parsed from `data`).
pub fn read_elf_object(data: &[u8], obj: &Object) -> Result<SymbolTable> {
    table_of(ElfSymtab::from_object(data, obj)?)
}

fn table_of(table: ElfSymtab<&[u8]>) -> Result<SymbolTable> {
    Ok(SymbolTable {
        symbols: table.symbols(),
        format: table.format(),
        arch: Some(table.arch()),
        is_64: table.is_64(),
    })
}

/// BFD's section flags, the subset nm's letters depend on.
#[derive(Clone, Copy, Default)]
struct SecFlags {
    code: bool,
    data: bool,
    readonly: bool,
    has_contents: bool,
    debugging: bool,
}

fn sec_flags(name: &[u8], sh_type: u32, sh_flags: u64) -> SecFlags {
    let alloc = sh_flags & u64::from(elf::SHF_ALLOC) != 0;
    let has_contents = sh_type != elf::SHT_NOBITS;
    let load = alloc && has_contents;
    let code = sh_flags & u64::from(elf::SHF_EXECINSTR) != 0;
    let data = !code && load;
    let readonly = sh_flags & u64::from(elf::SHF_WRITE) == 0;
    const DEBUG_PREFIXES: &[&[u8]] = &[
        b".debug",
        b".gnu.debuglto_.debug_",
        b".gnu.linkonce.wi.",
        b".zdebug",
        b".line",
        b".stab",
    ];
    let debugging =
        !alloc && (DEBUG_PREFIXES.iter().any(|p| name.starts_with(p)) || name == b".gdb_index");
    SecFlags {
        code,
        data,
        readonly,
        has_contents,
        debugging,
    }
}

/// `decode_section_type` of bfd/syms.c.
fn section_letter(f: SecFlags) -> char {
    if f.code {
        't'
    } else if f.data {
        if f.readonly {
            'r'
        } else {
            'd'
        }
    } else if !f.has_contents {
        'b'
    } else if f.debugging {
        'N'
    } else if f.readonly {
        'n'
    } else {
        '?'
    }
}

/// `coff_section_type` of bfd/syms.c: a few names win over the flags.
fn named_section_letter(name: &[u8]) -> Option<char> {
    const TABLE: &[(&[u8], char)] = &[
        (b".drectve", 'i'),
        (b".edata", 'e'),
        (b".idata", 'i'),
        (b".pdata", 'p'),
    ];
    TABLE
        .iter()
        .find(|(p, _)| name.starts_with(p))
        .map(|&(_, c)| c)
}

/// An ELF symbol table read in place: checked once when parsed, then decoded one symbol
/// at a time. A symbolizer answering one address scans it without building the whole
/// [`Symbol`] model (names, section and file names for 100k+ symbols); [`read_elf`]
/// builds the model from it.
///
/// Symbol `i` is the ELF symbol `i + 1`: the null symbol is left out, as in the model.
pub struct ElfSymtab<D> {
    data: D,
    at: Located,
    /// The `STT_FILE` symbols (index, name unless empty), in file order: built on the
    /// first [`ElfSymtab::symbol`] of a local symbol, which names its file from it.
    files: OnceLock<Vec<(usize, Option<Arc<str>>)>>,
}

/// The fields of one ELF symbol that need no allocation; [`ElfSymtab::name_of`] and
/// [`ElfSymtab::letter_of`] give its name and nm letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawSymbol {
    /// `st_value`.
    pub addr: u64,
    /// `st_size`.
    pub size: u64,
    /// From `st_info`'s type.
    pub kind: SymKind,
    /// From `st_info`'s binding.
    pub binding: Binding,
    /// The defining section (`None` for undefined, absolute and common symbols).
    pub section_index: Option<usize>,
    /// `st_name`.
    name: u32,
    /// `st_info`'s type.
    st_type: u8,
    /// `st_shndx` as stored.
    shndx: u16,
}

impl RawSymbol {
    /// `st_name`: where the name starts in [`ElfSymtab::strtab`].
    pub fn name_offset(&self) -> u32 {
        self.name
    }
}

impl Default for RawSymbol {
    fn default() -> RawSymbol {
        RawSymbol {
            addr: 0,
            size: 0,
            kind: SymKind::NoType,
            binding: Binding::Local,
            section_index: None,
            name: 0,
            st_type: 0,
            shndx: 0,
        }
    }
}

impl<D: Deref<Target = [u8]>> ElfSymtab<D> {
    /// Parse and check the `.symtab` (or, failing that, `.dynsym`) of the ELF file `data`:
    /// every name and section index is checked here, so decoding never fails later.
    pub fn parse(data: D) -> Result<Self> {
        let obj = Object::parse(&data).map_err(|e| match e.kind() {
            ErrorKind::UnknownFormat => {
                Error::malformed("invalid ELF header (truncated or unknown class)")
            }
            _ => e,
        })?;
        Self::from_object(data, &obj)
    }

    /// [`ElfSymtab::parse`] of the ELF file `data` whose headers are `obj` (parsed from
    /// `data`, once per opened file: [`crate::input::Input::object`]).
    pub fn from_object(data: D, obj: &Object) -> Result<Self> {
        let parsed = locate(&data, obj)?;
        let table = ElfSymtab {
            data,
            at: parsed,
            files: OnceLock::new(),
        };
        table.check()?;
        Ok(table)
    }

    fn check(&self) -> Result<()> {
        let strtab = &self.data[self.at.strtab.clone()];
        // A table ending in NUL terminates every name that starts inside it.
        let terminated = strtab.last() == Some(&0);
        let entries = &self.data[self.at.syms.clone()];
        for (e, entry) in entries.chunks_exact(self.entry_size()).enumerate().skip(1) {
            let off = self.rd32(&entry[0..4]) as usize;
            let ok = off < strtab.len() && (terminated || strtab[off..].contains(&0));
            if !ok {
                return Err(Error::malformed(format!(
                    "invalid name of symbol {e}: invalid string offset {off:#x}"
                )));
            }
            let shndx = self.raw_shndx(entry);
            if shndx == elf::SHN_XINDEX && self.xindex_at(e).is_none() {
                return Err(Error::malformed(format!(
                    "invalid section of symbol {e}: missing extended section index"
                )));
            }
            // `decode_entry`'s section index, without decoding the rest.
            let section = match shndx {
                elf::SHN_XINDEX => self.decode_entry(e, entry).section_index,
                s if s < elf::SHN_LORESERVE && s != elf::SHN_UNDEF => Some(usize::from(s)),
                _ => None,
            };
            if let Some(s) = section {
                if s >= self.at.sections.len() {
                    return Err(Error::malformed(format!(
                        "symbol {e} ({}) names section {s}, past the {} sections",
                        String::from_utf8_lossy(self.name(e - 1)),
                        self.at.sections.len()
                    )));
                }
            }
        }
        Ok(())
    }

    /// Number of symbols (the null symbol left out).
    pub fn len(&self) -> usize {
        self.at.count.saturating_sub(1)
    }

    /// True when the table holds no symbol but the null one.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The machine.
    pub fn arch(&self) -> Arch {
        elf_arch(self.at.machine)
    }

    /// True for ELFCLASS64.
    pub fn is_64(&self) -> bool {
        self.at.is_64
    }

    /// Executable, relocatable or shared.
    pub fn format(&self) -> TableFormat {
        self.at.format
    }

    fn entry_size(&self) -> usize {
        if self.at.is_64 {
            24
        } else {
            16
        }
    }

    // Entries and fields were bounds-checked when the table was opened.
    fn rd32(&self, b: &[u8]) -> u32 {
        crate::objfile::u32_at(b, 0, self.at.little).unwrap_or(0)
    }

    fn rd64(&self, b: &[u8]) -> u64 {
        crate::objfile::u64_at(b, 0, self.at.little).unwrap_or(0)
    }

    fn raw_shndx(&self, entry: &[u8]) -> u16 {
        let at = if self.at.is_64 { 6 } else { 14 };
        crate::objfile::u16_at(entry, at, self.at.little).unwrap_or(0)
    }

    /// The `SHT_SYMTAB_SHNDX` entry of ELF symbol `e`.
    fn xindex_at(&self, e: usize) -> Option<u32> {
        let r = self.at.xindex.as_ref()?;
        let at = r.start + e * 4;
        (at + 4 <= r.end).then(|| self.rd32(&self.data[at..at + 4]))
    }

    /// Decode ELF entry `e` (bytes `entry`).
    fn decode_entry(&self, e: usize, entry: &[u8]) -> RawSymbol {
        let (name, info, value, size) = if self.at.is_64 {
            (
                self.rd32(&entry[0..4]),
                entry[4],
                self.rd64(&entry[8..16]),
                self.rd64(&entry[16..24]),
            )
        } else {
            (
                self.rd32(&entry[0..4]),
                entry[12],
                u64::from(self.rd32(&entry[4..8])),
                u64::from(self.rd32(&entry[8..12])),
            )
        };
        let shndx = self.raw_shndx(entry);
        // As `object` reads it.
        let section_index = match shndx {
            elf::SHN_UNDEF => None,
            elf::SHN_XINDEX => self.xindex_at(e).filter(|&x| x != 0).map(|x| x as usize),
            s if s < elf::SHN_LORESERVE => Some(usize::from(s)),
            _ => None,
        };
        RawSymbol {
            addr: value,
            size,
            kind: sym_kind(info & 0xf),
            binding: sym_binding(info >> 4),
            section_index,
            name,
            st_type: info & 0xf,
            shndx,
        }
    }

    /// The allocation-free fields of symbol `i`.
    #[inline]
    pub fn raw(&self, i: usize) -> RawSymbol {
        let size = self.entry_size();
        let start = self.at.syms.start + (i + 1) * size;
        match self.data.get(start..start + size) {
            Some(entry) if i < self.len() => self.decode_entry(i + 1, entry),
            _ => RawSymbol::default(),
        }
    }

    /// Every symbol's allocation-free fields, in file order (item `i` is symbol `i`).
    pub fn raws(&self) -> impl Iterator<Item = RawSymbol> + '_ {
        let entries = &self.data[self.at.syms.clone()];
        entries
            .chunks_exact(self.entry_size())
            .enumerate()
            .skip(1)
            .map(|(e, entry)| self.decode_entry(e, entry))
    }

    /// The string table the names are in: a name starts at its symbol's
    /// [`RawSymbol::name_offset`] (or [`ElfSymtab::name_offsets`]) and ends at a NUL
    /// (checked when parsed).
    pub fn strtab(&self) -> &[u8] {
        &self.data[self.at.strtab.clone()]
    }

    /// Every symbol's name offset into [`ElfSymtab::strtab`], in file order: the names
    /// without decoding the rest of each entry.
    pub fn name_offsets(&self) -> impl Iterator<Item = u32> + '_ {
        let entries = &self.data[self.at.syms.clone()];
        entries
            .chunks_exact(self.entry_size())
            .skip(1)
            .map(|entry| self.rd32(&entry[0..4]))
    }

    /// The raw name bytes of a symbol.
    pub fn name_of(&self, r: &RawSymbol) -> &[u8] {
        let strtab = &self.data[self.at.strtab.clone()];
        let rest = strtab.get(r.name as usize..).unwrap_or_default();
        std::ffi::CStr::from_bytes_until_nul(rest).map_or(rest, |c| c.to_bytes())
    }

    /// The raw name bytes of symbol `i`.
    pub fn name(&self, i: usize) -> &[u8] {
        self.name_of(&self.raw(i))
    }

    /// True when a symbol's name is exactly `name` (compared in place).
    pub fn name_is(&self, r: &RawSymbol, name: &[u8]) -> bool {
        let strtab = &self.data[self.at.strtab.clone()];
        let off = r.name as usize;
        // The first byte and the terminator rule out almost every symbol without a call.
        strtab.get(off) == name.first().or(Some(&0))
            && strtab.get(off + name.len()) == Some(&0)
            && strtab.get(off..off + name.len()) == Some(name)
    }

    /// True when a symbol's name starts with `prefix` (compared in place).
    pub fn name_starts_with(&self, r: &RawSymbol, prefix: &[u8]) -> bool {
        let strtab = &self.data[self.at.strtab.clone()];
        let off = r.name as usize;
        strtab.get(off..off.saturating_add(prefix.len())) == Some(prefix)
    }

    /// The name of section `index`.
    pub fn section_name(&self, index: usize) -> Option<&Arc<str>> {
        self.at.sections.get(index).map(|s| &s.0)
    }

    /// The nm letter of a symbol (as GNU nm prints it).
    pub fn letter_of(&self, r: &RawSymbol) -> char {
        let section = r.section_index.and_then(|s| self.at.sections.get(s));
        let undefined = r.shndx == elf::SHN_UNDEF;
        nm_letter(NmInput {
            undefined,
            common: r.shndx == elf::SHN_COMMON || r.st_type == elf::STT_COMMON && undefined,
            absolute: r.shndx == elf::SHN_ABS,
            binding: r.binding,
            object: matches!(r.st_type, elf::STT_OBJECT | elf::STT_COMMON),
            ifunc: r.st_type == elf::STT_GNU_IFUNC,
            section: section.map(|(n, f)| (n.as_bytes(), *f)),
        })
    }

    /// A symbol in the model; `file` is the source file its `STT_FILE` gives.
    fn decode(&self, raw: &RawSymbol, file: Option<&Arc<str>>) -> Symbol {
        let section = raw.section_index.and_then(|s| self.at.sections.get(s));
        Symbol {
            addr: raw.addr,
            size: Some(raw.size),
            letter: self.letter_of(raw),
            binding: raw.binding,
            kind: raw.kind,
            section_index: raw.section_index,
            section: section.map(|(n, _)| n.clone()),
            file: if raw.binding == Binding::Local && raw.kind != SymKind::File {
                file.cloned()
            } else {
                None
            },
            module: None,
            member: None,
            name: String::from_utf8_lossy(self.name_of(raw)).into_owned(),
        }
    }

    /// Symbol `i`, as [`ElfSymtab::symbols`] gives it (a local symbol's file is the
    /// nearest `STT_FILE` symbol before it, found in an index of them built once).
    pub fn symbol(&self, i: usize) -> Symbol {
        let raw = self.raw(i);
        let file = if raw.binding == Binding::Local && raw.kind != SymKind::File {
            let files = self.files();
            let before = files.partition_point(|&(j, _)| j < i);
            before.checked_sub(1).and_then(|k| files[k].1.clone())
        } else {
            None
        };
        self.decode(&raw, file.as_ref())
    }

    /// The `STT_FILE` symbols, by index, with their names (`None` when empty).
    fn files(&self) -> &[(usize, Option<Arc<str>>)] {
        self.files.get_or_init(|| {
            // `st_info`'s place in an entry.
            let info = if self.at.is_64 { 4 } else { 12 };
            let entries = &self.data[self.at.syms.clone()];
            entries
                .chunks_exact(self.entry_size())
                .skip(1)
                .enumerate()
                .filter(|(_, e)| e[info] & 0xf == elf::STT_FILE)
                .map(|(i, _)| {
                    let n = self.name(i);
                    let name =
                        (!n.is_empty()).then(|| Arc::from(String::from_utf8_lossy(n).as_ref()));
                    (i, name)
                })
                .collect()
        })
    }

    /// Every symbol, in file order.
    pub fn symbols(&self) -> Vec<Symbol> {
        let mut symbols = Vec::with_capacity(self.len());
        let mut file: Option<Arc<str>> = None;
        for raw in self.raws() {
            let s = self.decode(&raw, file.as_ref());
            if s.kind == SymKind::File {
                file = (!s.name.is_empty()).then(|| Arc::from(s.name.as_str()));
            }
            symbols.push(s);
        }
        symbols
    }
}

fn sym_kind(st_type: u8) -> SymKind {
    match st_type {
        elf::STT_FUNC => SymKind::Func,
        elf::STT_OBJECT | elf::STT_COMMON => SymKind::Object,
        elf::STT_TLS => SymKind::Tls,
        elf::STT_GNU_IFUNC => SymKind::Ifunc,
        elf::STT_SECTION => SymKind::Section,
        elf::STT_FILE => SymKind::File,
        _ => SymKind::NoType,
    }
}

fn sym_binding(bind: u8) -> Binding {
    match bind {
        elf::STB_LOCAL => Binding::Local,
        elf::STB_GLOBAL => Binding::Global,
        elf::STB_WEAK => Binding::Weak,
        elf::STB_GNU_UNIQUE => Binding::Unique,
        _ => Binding::Unknown,
    }
}

/// Where an ELF file's symbol table lies, and its sections.
struct Located {
    little: bool,
    is_64: bool,
    machine: u16,
    format: TableFormat,
    /// Byte range of the entries, the null symbol included.
    syms: Range<usize>,
    /// Number of entries, the null symbol included.
    count: usize,
    strtab: Range<usize>,
    /// `SHT_SYMTAB_SHNDX` entries, for `SHN_XINDEX` symbols.
    xindex: Option<Range<usize>>,
    /// Section names and BFD flags, by section index.
    sections: Vec<(Arc<str>, SecFlags)>,
}

/// A section's bytes in the file, as a range checked against the file's `len`; empty
/// for `SHT_NOBITS`.
fn section_range(s: &crate::objfile::Section, len: usize) -> Result<Range<usize>> {
    let Some((offset, size)) = s.file_range else {
        return Ok(0..0);
    };
    s.file_span(len).ok_or_else(|| {
        Error::malformed(format!(
            "section at {offset:#x} of {size:#x} bytes is past the end of the file"
        ))
    })
}

fn locate(data: &[u8], obj: &Object) -> Result<Located> {
    let machine = obj.machine();
    if let Arch::Other(m) = elf_arch(machine) {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!("unsupported ELF machine type {m} (e_machine)"),
        ));
    }
    let format = match obj.e_type() {
        elf::ET_EXEC => TableFormat::ElfExecutable,
        elf::ET_REL => TableFormat::ElfRelocatable,
        elf::ET_DYN => TableFormat::ElfShared,
        t => {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("unsupported ELF file type {t}"),
            ))
        }
    };
    let sections = obj.sections();
    // The first `.symtab`, else (none, or empty) the first `.dynsym`, as `object`
    // finds them; a table's entries and string table must lie in the file.
    let entry = if obj.is_64() { 24 } else { 16 };
    let mut found = None;
    for (kind, what) in [(elf::SHT_SYMTAB, ".symtab"), (elf::SHT_DYNSYM, ".dynsym")] {
        let Some(table) = sections.iter().find(|s| s.sh_type == kind) else {
            continue;
        };
        let invalid = |e: Error| Error::malformed(format!("invalid {what}: {e}"));
        let range = section_range(table, data.len()).map_err(invalid)?;
        let strtab_index = table.link as usize;
        let strtab = match sections.get(strtab_index) {
            Some(s) if strtab_index == 0 || s.sh_type == elf::SHT_STRTAB => {
                section_range(s, data.len())
            }
            Some(_) => Err(Error::malformed("invalid ELF string section type")),
            None => Err(Error::malformed("invalid ELF section index")),
        }
        .map_err(|e| e.prefixed(format_args!("string table (section {strtab_index})")))
        .map_err(invalid)?;
        let count = range.len() / entry;
        if count > 0 {
            found = Some((
                table,
                range.start..range.start + count * entry,
                count,
                strtab,
            ));
            break;
        }
    }
    let Some((table, syms, count, strtab)) = found else {
        return Err(Error::new(
            ErrorKind::NotFound,
            "no symbol table (.symtab and .dynsym are absent: stripped?)",
        ));
    };
    let xindex = sections
        .iter()
        .find(|s| s.sh_type == elf::SHT_SYMTAB_SHNDX && s.link as usize == table.index)
        .and_then(|s| section_range(s, data.len()).ok());

    // Section names and BFD flags, computed once.
    obj.check_names()?;
    let sec_info: Vec<(Arc<str>, SecFlags)> = sections
        .iter()
        .map(|s| {
            let flags = sec_flags(s.name.as_bytes(), s.sh_type, s.flags);
            (Arc::from(s.name.as_str()), flags)
        })
        .collect();
    Ok(Located {
        little: obj.is_little_endian(),
        is_64: obj.is_64(),
        machine,
        format,
        syms,
        count,
        strtab,
        xindex,
        sections: sec_info,
    })
}

struct NmInput<'a> {
    undefined: bool,
    common: bool,
    absolute: bool,
    binding: Binding,
    object: bool,
    ifunc: bool,
    section: Option<(&'a [u8], SecFlags)>,
}

/// `bfd_decode_symclass`, for ELF symbols.
fn nm_letter(s: NmInput<'_>) -> char {
    let weak = s.binding == Binding::Weak;
    if s.common {
        return 'C';
    }
    if s.undefined {
        return match (weak, s.object) {
            (true, true) => 'v',
            (true, false) => 'w',
            _ => 'U',
        };
    }
    if s.ifunc {
        return 'i';
    }
    if weak {
        return if s.object { 'V' } else { 'W' };
    }
    if s.binding == Binding::Unique {
        return 'u';
    }
    if !matches!(s.binding, Binding::Local | Binding::Global) {
        return '?';
    }
    let c = if s.absolute {
        'a'
    } else if let Some((name, flags)) = s.section {
        named_section_letter(name).unwrap_or_else(|| section_letter(flags))
    } else {
        return '?';
    };
    if s.binding == Binding::Global {
        c.to_ascii_uppercase()
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One symbol decoded alone is the model's: its file from the index of `STT_FILE`
    /// symbols (two files, locals after each).
    #[test]
    fn symbol_alone_is_the_models() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../testdata/lto/kmod/clang-thin-x86_64/fixmod.ko"
        );
        let data = std::fs::read(path).unwrap();
        let t = ElfSymtab::parse(data.as_slice()).unwrap();
        let all = t.symbols();
        assert!(all.iter().filter(|s| s.kind == SymKind::File).count() >= 2);
        assert!(all.iter().any(|s| s.file.as_deref() == Some("util.c")));
        for (i, s) in all.iter().enumerate().rev() {
            assert_eq!(&t.symbol(i), s, "symbol {i}");
        }
    }
}
