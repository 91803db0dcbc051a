//! Loading an object's debug sections: mmap, decompression, separate debug files,
//! and relocation of relocatable objects.
//!
//! Section data stays in the mmap whenever it can be used as stored, so that opening a
//! vmlinux with hundreds of MB of DWARF touches only the pages a lookup reads. Data is
//! copied only when it must change: compressed sections (`SHF_COMPRESSED` zlib/zstd and
//! GNU `.zdebug_*`) and the debug sections of relocatable objects (`.ko`, `.o`), whose
//! RELA relocations are applied here. Linked executables are never relocated: a vmlinux
//! linked with `--emit-relocs` carries `.rela.debug_*` whose effect is already in place.
//!
//! Relocatable objects have every section at address 0, so each `SHF_ALLOC` section gets a
//! distinct synthetic base address ([`SectionInfo::addr`]); relocations, DWARF addresses
//! and symbol addresses all use that layout, and section-relative questions map through it.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use object::{elf, Object as _, ObjectSection as _, ObjectSymbol as _};
use symtab::Arch;

use super::{Error, ErrorKind};

/// Where the synthetic layout of a relocatable object starts.
const SYNTHETIC_START: u64 = 0x10000;

/// The bytes behind section data: the opened file or a buffer we built.
#[derive(Debug)]
pub(crate) enum Backing {
    Input(symtab::input::Input),
    Owned(Vec<u8>),
}

impl Backing {
    fn bytes(&self) -> &[u8] {
        match self {
            Backing::Input(m) => m,
            Backing::Owned(v) => v,
        }
    }
}

/// The gimli reader over the loader's mapped or owned section bytes: every DWARF reader
/// of ksym reads through it.
pub(crate) type Reader = gimli::EndianReader<gimli::RunTimeEndian, Bytes>;

/// A cheap, clonable view of part of a [`Backing`], usable as a gimli reader's storage.
#[derive(Clone, Debug)]
pub(crate) struct Bytes {
    backing: Arc<Backing>,
    start: usize,
    end: usize,
}

impl Bytes {
    /// `fstat` of the opened file and its GNU build id, read through the mapping.
    pub(crate) fn source(&self) -> Option<(symtab::input::FileId, Option<Vec<u8>>)> {
        match &*self.backing {
            Backing::Input(i) => Some((i.identity(), i.build_id().map(<[u8]>::to_vec))),
            Backing::Owned(_) => None,
        }
    }

    /// The opened file these bytes are (all of), if they are one.
    pub(crate) fn input(&self) -> Option<&symtab::input::Input> {
        match &*self.backing {
            Backing::Input(i) if self.start == 0 && self.end == i.len() => Some(i),
            _ => None,
        }
    }

    /// The ELF headers of the opened file, parsed once per opened file and shared by
    /// every reader of it ([`symtab::input::Input::object`]); a buffer the loader built
    /// is no file.
    pub(crate) fn object(&self) -> Result<&symtab::objfile::Object, Error> {
        match self.input() {
            Some(i) => Ok(i.object()?),
            None => Err(Error::new(ErrorKind::UnknownFormat, "not an opened file")),
        }
    }

    fn whole(backing: Backing) -> Bytes {
        let end = backing.bytes().len();
        Bytes {
            backing: Arc::new(backing),
            start: 0,
            end,
        }
    }

    pub(crate) fn empty() -> Bytes {
        Bytes::whole(Backing::Owned(Vec::new()))
    }

    /// Ask the kernel to start reading `len` bytes at `offset` of a mapped file now
    /// (`MADV_WILLNEED`): on a cold page cache, data read in one scan (the symbol table)
    /// then arrives in a few large reads instead of a fault at a time. A hint only.
    pub(crate) fn will_need(&self, offset: u64, len: u64) {
        if let (Backing::Input(m), Ok(offset), Ok(len)) = (
            &*self.backing,
            usize::try_from(offset),
            usize::try_from(len),
        ) {
            m.will_need(self.start.saturating_add(offset), len);
        }
    }
}

impl Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.backing.bytes()[self.start..self.end]
    }
}

// SAFETY: the bytes live in an mmap or a Vec owned by the Arc and never move or change
// while any clone of the Arc exists, so the slice's address is stable across moves and
// clones of `Bytes`.
unsafe impl gimli::StableDeref for Bytes {}
// SAFETY: as above; clones share the same Arc and so deref to the same address.
unsafe impl gimli::CloneStableDeref for Bytes {}

/// What kind of ELF file was loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// A linked executable (vmlinux): addresses are absolute.
    Executable,
    /// A shared object or PIE.
    Shared,
    /// A relocatable object (`.ko`, `.o`): addresses use a synthetic section layout.
    Relocatable,
}

/// One section of the object, with the address lookups use for it: `sh_addr` for
/// linked files; the synthetic base for relocatable ones (0 when the section is not
/// `SHF_ALLOC`).
pub type SectionInfo = symtab::objfile::Section;

/// The DWARF sections ksym reads. Location lists (`.debug_loc`, `.debug_loclists`, as
/// large as `.debug_info` on some kernels) are never read, so never decompressed or
/// relocated.
const DEBUG_SECTIONS: &[&str] = &[
    ".debug_abbrev",
    ".debug_addr",
    ".debug_aranges",
    ".debug_info",
    ".debug_line",
    ".debug_line_str",
    ".debug_ranges",
    ".debug_rnglists",
    ".debug_str",
    ".debug_str_offsets",
];

/// An opened object: its mapped bytes, sections, and the debug sections ready for gimli.
pub struct Loader {
    pub(crate) path: PathBuf,
    pub(crate) main: Bytes,
    pub(crate) debug_file: Option<PathBuf>,
    /// The separate debug file as mapped (its headers parsed once, with it).
    pub(crate) debug_map: Option<Bytes>,
    pub(crate) kind: ObjectKind,
    pub(crate) arch: Arch,
    pub(crate) little_endian: bool,
    pub(crate) sections: Vec<SectionInfo>,
    pub(crate) debug: HashMap<&'static str, Bytes>,
    /// The file the DWARF was read from (the object or its separate debug file): `fstat`
    /// of the descriptor that was mapped, and its GNU build id.
    pub(crate) dwarf_source: (symtab::input::FileId, Option<Vec<u8>>),
}

/// Open `path` as [`symtab::input::Input::open`] does (mapped, or decompressed or read
/// into a private temporary file).
pub(crate) fn map_file(path: &Path) -> Result<Bytes, Error> {
    let input = symtab::input::Input::open(path)?;
    if input.is_empty() {
        return Err(Error::new(
            ErrorKind::UnknownFormat,
            format!("{}: empty file", path.display()),
        ));
    }
    Ok(Bytes::whole(Backing::Input(input)))
}

/// The ELF headers of `main` (opened from `path`), parsed once per opened file.
fn parse<'a>(path: &Path, main: &'a Bytes) -> Result<&'a symtab::objfile::Object, Error> {
    if !main.starts_with(b"\x7fELF") {
        return Err(Error::new(
            ErrorKind::UnknownFormat,
            format!("{}: not an ELF file", path.display()),
        ));
    }
    main.object().map_err(|e| {
        Error::new(
            ErrorKind::Malformed,
            format!("{}: invalid ELF file: {e}", path.display()),
        )
    })
}

/// The synthetic layout of a relocatable object ends below this address: a module's
/// sections are a few MiB, and DWARF's `low_pc + length` arithmetic must not wrap.
const SYNTHETIC_END: u64 = 1 << 56;

/// Section table with addresses: `sh_addr`, or a synthetic layout for relocatable files.
fn layout(
    path: &Path,
    obj: &symtab::objfile::Object,
    relocatable: bool,
) -> Result<Vec<SectionInfo>, Error> {
    let mut next = SYNTHETIC_START;
    let mut out = obj.sections().to_vec();
    if !relocatable {
        return Ok(out);
    }
    for s in &mut out {
        s.addr = if s.alloc {
            let align = s.align.clamp(16, 1 << 16);
            let base = next.div_ceil(align) * align;
            // `.bss` has no bytes in the file to bound its size: a forged one is refused.
            next = match base.checked_add(s.size.max(1)) {
                Some(end) if end <= SYNTHETIC_END => end.div_ceil(0x1000) * 0x1000,
                _ => {
                    return Err(Error::new(
                        ErrorKind::Malformed,
                        format!(
                            "{}: section {}: size {:#x} is larger than any module's",
                            path.display(),
                            if s.name.is_empty() { "?" } else { &s.name },
                            s.size
                        ),
                    ))
                }
            };
            base
        } else {
            0
        };
    }
    Ok(out)
}

/// The section table of the opened ELF file `main` (opened from `path`) with lookup
/// addresses: the synthetic layout of a relocatable object, the same one
/// [`Loader::open_mapped`] gives it.
pub(crate) fn section_layout(path: &Path, main: &Bytes) -> Result<Vec<SectionInfo>, Error> {
    let obj = parse(path, main)?;
    layout(path, obj, obj.is_relocatable())
}

/// Apply the RELA relocations of one debug section of a relocatable object.
fn relocate(
    file: &object::File<'_>,
    section: &object::Section<'_, '_>,
    bases: &[SectionInfo],
    arch: Arch,
    data: &mut [u8],
) -> Result<(), Error> {
    let malformed = |m: String| Error::new(ErrorKind::Malformed, m);
    let base_of = |idx: usize| {
        bases
            .iter()
            .find(|s| s.index == idx)
            .map_or(0, |s| if s.alloc { s.addr } else { 0 })
    };
    let little = file.is_little_endian();
    let place = base_of(section.index().0);
    let symbol_base =
        |sym: &object::Symbol<'_, '_>| Some(sym.section_index().map_or(0, |si| base_of(si.0)));
    for rel in symtab::objfile::reloc_targets(file, section, symbol_base) {
        let symtab::objfile::RelocTarget {
            offset,
            r_type,
            value,
        } = rel?;
        let pc = value.wrapping_sub(place.wrapping_add(offset));
        let (bytes, width): (u64, usize) = match (arch, r_type) {
            (Arch::X86_64, elf::R_X86_64_64) | (Arch::Aarch64, elf::R_AARCH64_ABS64) => (value, 8),
            (Arch::X86_64, elf::R_X86_64_32 | elf::R_X86_64_32S)
            | (Arch::Aarch64, elf::R_AARCH64_ABS32) => (value, 4),
            (Arch::X86_64, elf::R_X86_64_PC32) | (Arch::Aarch64, elf::R_AARCH64_PREL32) => (pc, 4),
            (Arch::X86_64, elf::R_X86_64_PC64) | (Arch::Aarch64, elf::R_AARCH64_PREL64) => (pc, 8),
            (Arch::X86_64 | Arch::Aarch64, 0) => continue,
            _ => {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    format!("unsupported relocation type {r_type} for {arch} at {offset:#x}"),
                ))
            }
        };
        let at =
            usize::try_from(offset).map_err(|_| malformed(format!("bad offset {offset:#x}")))?;
        let dst = data
            .get_mut(at..at.saturating_add(width))
            .filter(|d| d.len() == width)
            .ok_or_else(|| {
                malformed(format!("relocation at {offset:#x} is past the section end"))
            })?;
        match (width, little) {
            (8, true) => dst.copy_from_slice(&bytes.to_le_bytes()),
            (8, false) => dst.copy_from_slice(&bytes.to_be_bytes()),
            (_, true) => dst.copy_from_slice(&(bytes as u32).to_le_bytes()),
            (_, false) => dst.copy_from_slice(&(bytes as u32).to_be_bytes()),
        }
    }
    Ok(())
}

/// Read the debug sections of `obj` (mapped as `map`), decompressing and relocating.
fn debug_sections(
    path: &Path,
    map: &Bytes,
    obj: &symtab::objfile::Object,
    sections: &[SectionInfo],
    relocatable: bool,
    arch: Arch,
) -> Result<HashMap<&'static str, Bytes>, Error> {
    // Relocations need `object`'s full reader (symbols, relocation entries): a
    // relocatable object's is parsed once, here.
    let full = if relocatable {
        Some(obj.elf(map).map_err(|e| {
            Error::new(
                ErrorKind::Malformed,
                format!("{}: invalid ELF file: {e}", path.display()),
            )
        })?)
    } else {
        None
    };
    let mut out = HashMap::new();
    for &name in DEBUG_SECTIONS {
        let Some(info) = obj.debug_section(name) else {
            continue;
        };
        let data = section_data(obj, map, info).map_err(|e| {
            e.map_message(|e| format!("{}: cannot read section {name}: {e}", path.display()))
        })?;
        let relocs = full.as_ref().and_then(|f| {
            let section = f.section_by_index(object::SectionIndex(info.index)).ok()?;
            section
                .relocations()
                .next()
                .is_some()
                .then_some((f, section))
        });
        let bytes = match data {
            std::borrow::Cow::Borrowed(_) if relocs.is_none() => {
                // The place in the file comes from the section header (`section_data`
                // checked that it lies in the file).
                let span = info.file_span(map.len()).unwrap_or(0..0);
                Bytes {
                    backing: map.backing.clone(),
                    start: span.start,
                    end: span.end,
                }
            }
            data => {
                let mut owned = data.into_owned();
                if let Some((file, section)) = relocs {
                    relocate(file, &section, sections, arch, &mut owned)
                        .map_err(|e| e.prefixed(format!("{}: section {name}", path.display())))?;
                }
                Bytes::whole(Backing::Owned(owned))
            }
        };
        // The small sections every lookup dips into at scattered places (abbreviations,
        // strings, range lists): read ahead whole, they cost one wait on a cold cache
        // instead of one per place. `.debug_info` and `.debug_line` are read where needed.
        if !matches!(name, ".debug_info" | ".debug_line") {
            bytes.will_need(0, bytes.len() as u64);
        }
        out.insert(name, bytes);
    }
    Ok(out)
}

/// A section's bytes, decompressed when compressed (never trusting the size its header
/// promises: see [`symtab::input::decompress_section`]).
fn section_data<'a>(
    obj: &symtab::objfile::Object,
    data: &'a [u8],
    section: &SectionInfo,
) -> Result<std::borrow::Cow<'a, [u8]>, Error> {
    match obj.compressed(data, section)? {
        None => section
            .data(data)
            .map(std::borrow::Cow::Borrowed)
            .ok_or_else(|| Error::new(ErrorKind::Malformed, "past the end of the file")),
        Some(c) => symtab::input::decompress_section(c.format, c.data, c.uncompressed_size)
            .map(std::borrow::Cow::Owned)
            .map_err(Error::from),
    }
}

fn has_dwarf(obj: &symtab::objfile::Object) -> bool {
    obj.debug_section(".debug_info")
        .is_some_and(|s| s.size > 0 && s.sh_type != elf::SHT_NOBITS)
}

/// A system path (`/usr/lib/debug/...`, `/lib/modules/...`) under the system root:
/// `$KSYM_SYSROOT` when set (the root file system of the machine that crashed, mounted
/// or unpacked elsewhere, as gdb's `sysroot`), else `/`.
///
/// The result never leaves the root: only the plain names of `abs` are joined (`..` and
/// `.` components are dropped), so a name taken from an input (a release printed in a
/// log, a build id) cannot climb out of it.
pub fn system_path(abs: &str) -> PathBuf {
    let mut out = match std::env::var_os("KSYM_SYSROOT") {
        Some(root) if !root.is_empty() => PathBuf::from(root),
        _ => PathBuf::from("/"),
    };
    for c in Path::new(abs).components() {
        if let std::path::Component::Normal(name) = c {
            out.push(name);
        }
    }
    out
}

/// Check a kernel release taken from an input (`6.1.0-56-amd64`) before it names a
/// directory: one or more of `A-Z a-z 0-9 . _ + -`, and not `.` or `..`.
pub fn check_release(release: &str) -> Result<&str, Error> {
    let ok = !release.is_empty()
        && release != "."
        && release != ".."
        && release
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b));
    if ok {
        Ok(release)
    } else {
        Err(Error::new(
            ErrorKind::Malformed,
            format!(
                "release {:?} is not a kernel release name (letters, digits, '.', '_', '+', '-')",
                release.escape_debug().to_string()
            ),
        ))
    }
}

/// Candidate separate debug files: by build id, then by `.gnu_debuglink`.
fn debug_file_candidates(path: &Path, obj: &symtab::objfile::Object, data: &[u8]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(id) = obj.build_id(data) {
        if id.len() >= 2 {
            let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
            out.push(system_path(&format!(
                "/usr/lib/debug/.build-id/{}/{}.debug",
                &hex[..2],
                &hex[2..]
            )));
        }
    }
    // A debuglink names a file, never a path: one with a `/` (or `.`/`..`) would lead
    // out of the places below, and is ignored.
    if let Some((name, _crc)) = obj
        .gnu_debuglink(data)
        .filter(|(n, _)| !n.contains(&b'/') && !matches!(*n, b"" | b"." | b".."))
    {
        let name = String::from_utf8_lossy(name).into_owned();
        let dir = path.parent().unwrap_or(Path::new("."));
        let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        out.push(dir.join(&name));
        out.push(dir.join(".debug").join(&name));
        let rel = abs.strip_prefix("/").unwrap_or(&abs);
        out.push(system_path("/usr/lib/debug").join(rel).join(&name));
    }
    out
}

impl Loader {
    /// Prepare the debug sections of `path` (or those of its separate debug file), mapped
    /// as `main` (by [`map_file`]).
    pub fn open_mapped(path: &Path, main: Bytes) -> Result<Loader, Error> {
        let obj = parse(path, &main)?;
        let arch = symtab::read::elf_arch(obj.machine());
        let kind = match obj.e_type() {
            elf::ET_REL => ObjectKind::Relocatable,
            elf::ET_DYN => ObjectKind::Shared,
            _ => ObjectKind::Executable,
        };
        let relocatable = kind == ObjectKind::Relocatable;
        // Every lookup scans the symbol table first.
        for name in [".symtab", ".strtab"] {
            if let Some((offset, len)) = obj.section_by_name(name).and_then(|s| s.file_range) {
                main.will_need(offset, len);
            }
        }
        let sections = layout(path, obj, relocatable)?;
        let mut debug_file = None;
        let mut debug_map = None;
        let mut debug = HashMap::new();
        let mut dwarf_source = main.source();
        if has_dwarf(obj) {
            debug = debug_sections(path, &main, obj, &sections, relocatable, arch)?;
        } else {
            // A candidate that cannot be used (not a regular file, not ELF, damaged, without
            // DWARF) is passed over: the object is then read without DWARF.
            for cand in debug_file_candidates(path, obj, &main) {
                if !cand.is_file() {
                    continue;
                }
                let Ok(map) = map_file(&cand) else {
                    continue;
                };
                let Ok(dobj) = parse(&cand, &map) else {
                    continue;
                };
                if !has_dwarf(dobj) {
                    continue;
                }
                let dsections = layout(&cand, dobj, relocatable)?;
                debug = debug_sections(&cand, &map, dobj, &dsections, relocatable, arch)?;
                dwarf_source = map.source();
                debug_file = Some(cand);
                debug_map = Some(map);
                break;
            }
        }
        let little_endian = obj.is_little_endian();
        Ok(Loader {
            path: path.to_path_buf(),
            main,
            debug_file,
            debug_map,
            kind,
            arch,
            little_endian,
            sections,
            debug,
            dwarf_source: dwarf_source.unwrap_or_default(),
        })
    }

    /// The mapped bytes of the main file.
    pub(crate) fn data(&self) -> &[u8] {
        &self.main
    }

    /// True when DWARF was found (in the file or a separate debug file).
    pub fn has_debug_info(&self) -> bool {
        self.debug.contains_key(".debug_info")
    }

    /// The reader storage for a debug section (empty when absent).
    pub(crate) fn section(&self, name: &str) -> Bytes {
        self.debug.get(name).cloned().unwrap_or_else(Bytes::empty)
    }
}
