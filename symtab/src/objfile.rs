//! What every reader of an object's bytes needs, once: the object's headers (class,
//! byte order, type, machine, the section table with addresses, file ranges and names,
//! the GNU build id), the section holding an address, integers in the object's byte
//! order, relocation targets (S + A) and C strings.
//!
//! [`Object::parse`] reads the ELF header and the section header table, nothing else;
//! an opened file keeps the result ([`crate::input::Input::object`]), so that every
//! reader of one input shares one parse. [`section_at`] is the one answer to "which
//! section holds this address". Symbols and relocations, which need `object`'s full
//! reader, go through [`Object::elf`], parsed once per use, never per question.
//!
//! The ELF symbol reader ([`crate::read`]), the kallsyms table reader
//! ([`crate::kallsyms::decode`]), ksym's DWARF loader (relocated debug sections of a
//! `.ko`), its `__bug_table` reader and its initcall table reader all read through these.

use std::ops::Range;

use object::elf;
use object::read::elf::{FileHeader, ProgramHeader as _, SectionHeader};
use object::Endianness;
use object::{Object as _, ObjectSection as _, ObjectSymbol as _};
use object::{RelocationFlags, RelocationTarget};

use crate::input::SectionCompression;
use crate::{Error, ErrorKind, Result};

/// One section of an ELF object: its header, and the address lookups use for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// ELF section index.
    pub index: usize,
    /// Section name (empty when the header names none that can be read; bytes that are
    /// not UTF-8 replaced).
    pub name: String,
    /// `sh_addr` as stored ([`Object::parse`]); a caller that lays out a relocatable
    /// object (every section at 0) may give each section its own base instead.
    pub addr: u64,
    /// `sh_size`: the section's size in memory.
    pub size: u64,
    /// `SHF_ALLOC`.
    pub alloc: bool,
    /// `SHF_EXECINSTR`.
    pub exec: bool,
    /// `sh_addralign` (at least 1).
    pub align: u64,
    /// `sh_type`.
    pub sh_type: u32,
    /// `sh_flags`.
    pub flags: u64,
    /// `sh_link` (for a symbol table, its string table).
    pub link: u32,
    /// `sh_info` (for a relocation section, the section it applies to).
    pub info: u32,
    /// `sh_offset` and `sh_size`: where its bytes are in the file; `None` for
    /// `SHT_NOBITS` (and `SHT_NULL`), which have none.
    pub file_range: Option<(u64, u64)>,
}

impl Section {
    /// The section's bytes in `file` (the bytes the object was parsed from), as stored
    /// (compressed sections compressed): empty for a section without bytes in the file,
    /// `None` when its range lies outside `file`.
    pub fn data<'d>(&self, file: &'d [u8]) -> Option<&'d [u8]> {
        let Some((offset, size)) = self.file_range else {
            return Some(&[]);
        };
        let start = usize::try_from(offset).ok()?;
        file.get(start..start.checked_add(usize::try_from(size).ok()?)?)
    }

    /// Where its bytes lie in the file, checked against the file's `len`; `None` without
    /// bytes in the file or outside it.
    pub fn file_span(&self, len: usize) -> Option<Range<usize>> {
        let (offset, size) = self.file_range?;
        let start = usize::try_from(offset).ok()?;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        (end <= len).then_some(start..end)
    }

    /// True when it holds bytes at run time that lookups can read: `SHF_ALLOC` and not
    /// empty.
    fn holds_addresses(&self) -> bool {
        self.alloc && self.size > 0
    }
}

/// The section of `sections` holding address `addr`, and `addr`'s offset in it: the
/// first, in table order, of the `SHF_ALLOC` sections of non-zero size whose
/// `[addr, addr + size)` holds it. The addresses are the sections' own (`sh_addr`, or
/// the layout a caller gave a relocatable object). Every "which section holds this
/// address" of ksym is this one.
pub fn section_at(sections: &[Section], addr: u64) -> Option<(&Section, u64)> {
    sections
        .iter()
        .filter(|s| s.holds_addresses())
        .find(|s| addr >= s.addr && addr - s.addr < s.size)
        .map(|s| (s, addr - s.addr))
}

/// `len` bytes of `file` at address `addr` of `sections` ([`section_at`]), shorter when
/// the section ends first; `None` outside any section or in one without bytes in the
/// file (`.bss`).
pub fn bytes_at<'d>(file: &'d [u8], sections: &[Section], addr: u64, len: u64) -> Option<&'d [u8]> {
    let (sec, off) = section_at(sections, addr)?;
    let data = sec.data(file)?;
    let start = usize::try_from(off).ok()?;
    let end = start
        .saturating_add(usize::try_from(len).ok()?)
        .min(data.len());
    data.get(start..end)
}

/// The compressed bytes of a section and what they decompress to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compressed<'d> {
    /// The format ([`crate::input::decompress_section`] undoes it).
    pub format: SectionCompression,
    /// The compressed bytes (after the compression header).
    pub data: &'d [u8],
    /// The size the header promises (never trusted to bound the output).
    pub uncompressed_size: u64,
}

/// An ELF object's headers, parsed once: class, byte order, type, machine, the section
/// table (addresses, file ranges, names) and where its GNU build id is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    little_endian: bool,
    is_64: bool,
    e_type: u16,
    machine: u16,
    sections: Vec<Section>,
    build_id: Option<Range<usize>>,
    /// Why the first section whose name could not be read could not be.
    bad_name: Option<String>,
}

impl Object {
    /// Read the ELF header and section header table of `data` (and find the build-id
    /// note). Not ELF: [`ErrorKind::UnknownFormat`]; a header or section table that
    /// does not fit: [`ErrorKind::Malformed`].
    pub fn parse(data: &[u8]) -> Result<Object> {
        if !data.starts_with(b"\x7fELF") {
            return Err(Error::new(ErrorKind::UnknownFormat, "not an ELF file"));
        }
        match data.get(4) {
            Some(&elf::ELFCLASS32) => parse_with::<elf::FileHeader32<Endianness>>(data),
            Some(&elf::ELFCLASS64) => parse_with::<elf::FileHeader64<Endianness>>(data),
            _ => Err(Error::malformed("invalid ELF header: unknown class")),
        }
    }

    /// True for little-endian objects.
    pub fn is_little_endian(&self) -> bool {
        self.little_endian
    }

    /// True for ELFCLASS64.
    pub fn is_64(&self) -> bool {
        self.is_64
    }

    /// `e_type` (`ET_REL`, `ET_EXEC`, `ET_DYN`, ...).
    pub fn e_type(&self) -> u16 {
        self.e_type
    }

    /// True for a relocatable object (`ET_REL`: a `.ko`, a `.o`), whose sections are all
    /// at address 0.
    pub fn is_relocatable(&self) -> bool {
        self.e_type == elf::ET_REL
    }

    /// `e_machine`.
    pub fn machine(&self) -> u16 {
        self.machine
    }

    /// The section table, in index order (index 0, the null section, included).
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// Section `index`.
    pub fn section(&self, index: usize) -> Option<&Section> {
        self.sections.get(index)
    }

    /// The first section named `name`.
    pub fn section_by_name(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The first section named `name`, or for a `.debug_*` name its GNU compressed
    /// `.zdebug_*` form.
    pub fn debug_section(&self, name: &str) -> Option<&Section> {
        self.section_by_name(name).or_else(|| {
            let rest = name.strip_prefix(".debug_")?;
            self.section_by_name(&format!(".zdebug_{rest}"))
        })
    }

    /// An error naming the first section whose name cannot be read, if any (their
    /// [`Section::name`] is empty): for readers that must not take such a file.
    pub fn check_names(&self) -> Result<()> {
        match &self.bad_name {
            Some(m) => Err(Error::malformed(m.clone())),
            None => Ok(()),
        }
    }

    /// The section holding address `addr` (`sh_addr`), as [`section_at`] finds it.
    pub fn section_at(&self, addr: u64) -> Option<(&Section, u64)> {
        section_at(&self.sections, addr)
    }

    /// The GNU build id (`NT_GNU_BUILD_ID`) in `data` (the bytes this was parsed from).
    pub fn build_id<'d>(&self, data: &'d [u8]) -> Option<&'d [u8]> {
        data.get(self.build_id.clone()?)
    }

    /// The file name `.gnu_debuglink` names, and its CRC.
    pub fn gnu_debuglink<'d>(&self, data: &'d [u8]) -> Option<(&'d [u8], u32)> {
        let bytes = self.section_by_name(".gnu_debuglink")?.data(data)?;
        let name = c_str(bytes, 0)?;
        let crc_at = (name.len() + 1).next_multiple_of(4);
        Some((name, u32_at(bytes, crc_at, self.little_endian)?))
    }

    /// A section's compressed bytes ([`crate::input::decompress_section`] undoes them): `SHF_COMPRESSED` (zlib or zstd) or a GNU
    /// `.zdebug_*` section; `Ok(None)` for one stored as is.
    pub fn compressed<'d>(&self, data: &'d [u8], s: &Section) -> Result<Option<Compressed<'d>>> {
        let bad = |m: &str| Error::malformed(format!("section {}: {m}", s.name));
        if s.flags & u64::from(elf::SHF_COMPRESSED) != 0 && s.file_range.is_some() {
            let bytes = s
                .data(data)
                .ok_or_else(|| bad("past the end of the file"))?;
            let le = self.little_endian;
            let (ch_type, size, header) = if self.is_64 {
                (u32_at(bytes, 0, le), u64_at(bytes, 8, le), 24)
            } else {
                (
                    u32_at(bytes, 0, le),
                    u32_at(bytes, 4, le).map(u64::from),
                    12,
                )
            };
            let (Some(ch_type), Some(size)) = (ch_type, size) else {
                return Err(bad("invalid compression header"));
            };
            let format = match ch_type {
                elf::ELFCOMPRESS_ZLIB => SectionCompression::Zlib,
                elf::ELFCOMPRESS_ZSTD => SectionCompression::Zstd,
                _ => {
                    return Err(Error::new(
                        ErrorKind::Unsupported,
                        format!("section {}: unsupported compression type {ch_type}", s.name),
                    ))
                }
            };
            return Ok(Some(Compressed {
                format,
                data: bytes
                    .get(header..)
                    .ok_or_else(|| bad("invalid compression header"))?,
                uncompressed_size: size,
            }));
        }
        if s.name.starts_with(".zdebug_") && s.file_range.is_some() {
            let bytes = s
                .data(data)
                .ok_or_else(|| bad("past the end of the file"))?;
            let (Some(b"ZLIB"), Some(size)) = (bytes.get(..4), u64_at(bytes, 4, false)) else {
                return Err(bad("invalid GNU compression header"));
            };
            return Ok(Some(Compressed {
                format: SectionCompression::Zlib,
                data: &bytes[12..],
                uncompressed_size: size,
            }));
        }
        Ok(None)
    }

    /// `object`'s full reader over `data` (the bytes this was parsed from), for what
    /// needs more than the headers: symbols and relocations ([`reloc_targets`]). It
    /// parses again: call it once per use, never per question.
    pub fn elf<'d>(&self, data: &'d [u8]) -> Result<object::File<'d>> {
        Ok(object::File::parse(data)?)
    }
}

/// The first `NT_GNU_BUILD_ID` note's descriptor among `notes` (of sections or
/// segments); `None` at the first damaged one.
fn first_build_id<'d, H: FileHeader<Endian = Endianness>>(
    notes: impl Iterator<Item = object::read::Result<Option<object::read::elf::NoteIterator<'d, H>>>>,
    endian: Endianness,
) -> Option<&'d [u8]> {
    for n in notes {
        let Some(mut n) = n.ok()? else { continue };
        while let Some(note) = n.next().ok()? {
            if note.name() == elf::ELF_NOTE_GNU && note.n_type(endian) == elf::NT_GNU_BUILD_ID {
                return Some(note.desc());
            }
        }
    }
    None
}

fn parse_with<H: FileHeader<Endian = Endianness>>(data: &[u8]) -> Result<Object> {
    let invalid = |what: &str, e: object::read::Error| Error::malformed(format!("{what}: {e}"));
    let header = H::parse(data).map_err(|e| invalid("invalid ELF header", e))?;
    let endian = header
        .endian()
        .map_err(|e| invalid("invalid ELF header", e))?;
    let table = header
        .sections(endian, data)
        .map_err(|e| invalid("invalid ELF section headers", e))?;
    let mut sections = Vec::with_capacity(table.len());
    let mut bad_name = None;
    for (index, s) in table.enumerate() {
        let flags: u64 = s.sh_flags(endian).into();
        let name = match table.section_name(endian, s) {
            Ok(n) => String::from_utf8_lossy(n).into_owned(),
            Err(e) => {
                bad_name.get_or_insert_with(|| format!("invalid name of section {}: {e}", index.0));
                String::new()
            }
        };
        sections.push(Section {
            index: index.0,
            name,
            addr: s.sh_addr(endian).into(),
            size: s.sh_size(endian).into(),
            alloc: flags & u64::from(elf::SHF_ALLOC) != 0,
            exec: flags & u64::from(elf::SHF_EXECINSTR) != 0,
            align: s.sh_addralign(endian).into().max(1),
            sh_type: s.sh_type(endian),
            flags,
            link: s.sh_link(endian),
            info: s.sh_info(endian),
            file_range: s.file_range(endian),
        });
    }
    // As `object` finds it: the first GNU build-id note of the note sections, else of
    // the note segments when there is no section table; a damaged note ends the search.
    let build_id = if table.is_empty() {
        header
            .program_headers(endian, data)
            .ok()
            .and_then(|ps| first_build_id(ps.iter().map(|p| p.notes(endian, data)), endian))
    } else {
        first_build_id(table.iter().map(|s| s.notes(endian, data)), endian)
    }
    .and_then(|desc| {
        let start = (desc.as_ptr() as usize).checked_sub(data.as_ptr() as usize)?;
        Some(start..start + desc.len())
    });
    Ok(Object {
        little_endian: endian == Endianness::Little,
        is_64: header.is_type_64(),
        e_type: header.e_type(endian),
        machine: header.e_machine(endian),
        sections,
        build_id,
        bad_name,
    })
}

/// The unsigned integer of `width` bytes (at most 8) at `at` in `data`, little or big
/// endian; `None` when `data` ends first.
pub fn uint(data: &[u8], at: usize, width: usize, little_endian: bool) -> Option<u64> {
    if width > 8 {
        return None;
    }
    let b = data.get(at..at.checked_add(width)?)?;
    let fold = |v: u64, &byte: &u8| v << 8 | u64::from(byte);
    Some(if little_endian {
        b.iter().rev().fold(0, fold)
    } else {
        b.iter().fold(0, fold)
    })
}

/// `fn $name(data, at, little_endian) -> Option<$t>`: a fixed-width integer, for the hot
/// loops (the in-place symbol table scans) where [`uint`]'s byte loop would cost.
macro_rules! fixed_width {
    ($(#[$doc:meta])* $name:ident: $t:ty) => {
        $(#[$doc])*
        pub fn $name(data: &[u8], at: usize, little_endian: bool) -> Option<$t> {
            let b = data
                .get(at..at.checked_add(std::mem::size_of::<$t>())?)?
                .try_into()
                .ok()?;
            Some(if little_endian {
                <$t>::from_le_bytes(b)
            } else {
                <$t>::from_be_bytes(b)
            })
        }
    };
}

fixed_width!(
    /// [`uint`] of 2 bytes, as a `u16`.
    u16_at: u16
);
fixed_width!(
    /// [`uint`] of 4 bytes, as a `u32`.
    u32_at: u32
);
fixed_width!(
    /// [`uint`] of 8 bytes, as a `u64`.
    u64_at: u64
);

/// The bytes of the NUL-terminated string at `at` in `data`, without the NUL; `None`
/// when no NUL follows.
pub fn c_str(data: &[u8], at: usize) -> Option<&[u8]> {
    let rest = data.get(at..)?;
    let end = rest.iter().position(|&b| b == 0)?;
    Some(&rest[..end])
}

/// One ELF relocation of a section, with its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelocTarget {
    /// Offset of the place (the field relocated) in the section.
    pub offset: u64,
    /// The relocation type (`r_type`: `R_X86_64_64`, `R_AARCH64_PREL32`, ...).
    pub r_type: u32,
    /// S + A: the symbol's value plus the base the caller gives it, plus the addend
    /// (S is 0 for a relocation against no symbol).
    pub value: u64,
}

/// The ELF relocations of `section` with their targets S + A. S is the symbol's value
/// plus `base(symbol)`: the address where the caller places the symbol's section (in a
/// relocatable object every section is at 0 until someone lays them out), or for an
/// undefined symbol where it lives; `base` returns `None` to skip a relocation. A symbol
/// index that names no symbol is an error naming the relocation's offset.
pub fn reloc_targets<'d, 'f, F>(
    file: &'f object::File<'d>,
    section: &object::Section<'d, 'f>,
    mut base: F,
) -> impl Iterator<Item = Result<RelocTarget>> + use<'d, 'f, F>
where
    F: FnMut(&object::Symbol<'d, 'f>) -> Option<u64>,
{
    section.relocations().filter_map(move |(offset, rel)| {
        let RelocationFlags::Elf { r_type } = rel.flags() else {
            return None;
        };
        let s = match rel.target() {
            RelocationTarget::Symbol(i) => match file.symbol_by_index(i) {
                Ok(sym) => base(&sym)?.wrapping_add(sym.address()),
                Err(e) => {
                    let msg = format!("relocation at {offset:#x}: {e}");
                    return Some(Err(Error::malformed(msg)));
                }
            },
            RelocationTarget::Absolute => 0,
            _ => return None,
        };
        Some(Ok(RelocTarget {
            offset,
            r_type,
            value: s.wrapping_add_signed(rel.addend()),
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_both_ways() {
        let d = [0x01, 0x02, 0x03, 0x04, 0x05];
        assert_eq!(uint(&d, 1, 2, true), Some(0x0302));
        assert_eq!(uint(&d, 1, 2, false), Some(0x0203));
        assert_eq!(uint(&d, 0, 3, false), Some(0x01_0203));
        assert_eq!(uint(&d, 4, 2, true), None);
        assert_eq!(uint(&d, 0, 0, true), Some(0));
        assert_eq!(uint(&[0xff; 9], 0, 9, true), None);
        assert_eq!(u16_at(&d, 3, true), Some(0x0504));
        assert_eq!(u32_at(&d, 1, false), Some(0x0203_0405));
        assert_eq!(u64_at(&d, 0, true), None);
    }

    /// The headers [`Object::parse`] reads are those `object`'s full reader reads, on a
    /// real ELF file: this test's own executable.
    #[test]
    fn headers_as_object_reads_them() {
        use object::{Object as _, ObjectSection as _};
        let data = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let obj = Object::parse(&data).unwrap();
        let full = obj.elf(&data).unwrap();
        assert_eq!(obj.is_little_endian(), full.is_little_endian());
        assert_eq!(obj.is_64(), full.is_64());
        assert_eq!(obj.build_id(&data), full.build_id().unwrap());
        assert_eq!(obj.sections().len(), full.sections().count() + 1);
        for s in full.sections() {
            let ours = obj.section(s.index().0).unwrap();
            assert_eq!(ours.index, s.index().0);
            assert_eq!(ours.name, s.name().unwrap());
            assert_eq!((ours.addr, ours.size), (s.address(), s.size()));
            assert_eq!(ours.file_range, s.file_range());
            assert_eq!(ours.data(&data).unwrap(), s.data().unwrap());
            assert_eq!(obj.section_by_name(&ours.name).unwrap().name, ours.name);
        }
        let text = obj.section_by_name(".text").unwrap();
        let (at, off) = obj.section_at(text.addr + 3).unwrap();
        assert_eq!((at.index, off), (text.index, 3));
        assert_eq!(
            bytes_at(&data, obj.sections(), text.addr + 3, 5),
            text.data(&data).map(|d| &d[3..8])
        );
        assert!(obj.section_at(0).is_none_or(|(s, _)| s.alloc));
        assert_eq!(
            Object::parse(b"not ELF").unwrap_err().kind(),
            ErrorKind::UnknownFormat
        );
        assert_eq!(
            Object::parse(&data[..40]).unwrap_err().kind(),
            ErrorKind::Malformed
        );
    }

    #[test]
    fn the_section_holding_an_address() {
        let sec = |index, addr, size, alloc| Section {
            index,
            name: String::new(),
            addr,
            size,
            alloc,
            exec: false,
            align: 1,
            sh_type: elf::SHT_PROGBITS,
            flags: 0,
            link: 0,
            info: 0,
            file_range: Some((0, size)),
        };
        let t = [
            sec(0, 0, 0, false),
            sec(1, 0x1000, 0x100, false),
            sec(2, 0x1000, 0x100, true),
            sec(3, 0x1080, 0x10, true),
            sec(4, 0x2000, 0, true),
        ];
        // Allocated only, the first in table order, never an empty one.
        assert_eq!(
            section_at(&t, 0x1000).map(|(s, o)| (s.index, o)),
            Some((2, 0))
        );
        assert_eq!(
            section_at(&t, 0x1088).map(|(s, o)| (s.index, o)),
            Some((2, 0x88))
        );
        assert_eq!(section_at(&t, 0x1100), None);
        assert_eq!(section_at(&t, 0x2000), None);
        assert_eq!(section_at(&t, 0), None);
    }

    #[test]
    fn strings() {
        assert_eq!(c_str(b"ab\0cd\0", 3), Some(&b"cd"[..]));
        assert_eq!(c_str(b"ab", 0), None);
        assert_eq!(c_str(b"ab\0", 9), None);
    }
}
