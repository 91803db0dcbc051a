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

use object::{elf, Object, ObjectSection, ObjectSymbol};
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

/// One section of the object, with the address lookups use for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionInfo {
    /// ELF section index.
    pub index: usize,
    /// Section name.
    pub name: String,
    /// `sh_addr` for linked files; the synthetic base for relocatable ones (0 when the
    /// section is not `SHF_ALLOC`).
    pub addr: u64,
    /// Section size in memory.
    pub size: u64,
    /// `SHF_ALLOC`.
    pub alloc: bool,
    /// `SHF_EXECINSTR`.
    pub exec: bool,
    /// `sh_addralign` (at least 1).
    pub align: u64,
}

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

fn parse<'a>(path: &Path, data: &'a [u8]) -> Result<object::File<'a>, Error> {
    if !data.starts_with(b"\x7fELF") {
        return Err(Error::new(
            ErrorKind::UnknownFormat,
            format!("{}: not an ELF file", path.display()),
        ));
    }
    object::File::parse(data).map_err(|e| {
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
    file: &object::File<'_>,
    relocatable: bool,
) -> Result<Vec<SectionInfo>, Error> {
    let mut next = SYNTHETIC_START;
    let mut out = Vec::new();
    for s in file.sections() {
        let (alloc, exec) = match s.flags() {
            object::SectionFlags::Elf { sh_flags } => (
                sh_flags & u64::from(elf::SHF_ALLOC) != 0,
                sh_flags & u64::from(elf::SHF_EXECINSTR) != 0,
            ),
            _ => (false, false),
        };
        let size = s.size();
        let addr = if !relocatable {
            s.address()
        } else if alloc {
            let align = s.align().clamp(16, 1 << 16);
            let base = next.div_ceil(align) * align;
            // `.bss` has no bytes in the file to bound its size: a forged one is refused.
            next = match base.checked_add(size.max(1)) {
                Some(end) if end <= SYNTHETIC_END => end.div_ceil(0x1000) * 0x1000,
                _ => {
                    return Err(Error::new(
                        ErrorKind::Malformed,
                        format!(
                            "{}: section {}: size {size:#x} is larger than any module's",
                            path.display(),
                            s.name().unwrap_or("?")
                        ),
                    ))
                }
            };
            base
        } else {
            0
        };
        out.push(SectionInfo {
            index: s.index().0,
            name: s.name().unwrap_or("").to_string(),
            addr,
            size,
            alloc,
            exec,
            align: s.align().max(1),
        });
    }
    Ok(out)
}

/// The section table of the ELF file `data` (read from `path`) with lookup addresses:
/// the synthetic layout of a relocatable object, the same one [`Loader::open_mapped`] gives it.
pub(crate) fn section_layout(path: &Path, data: &[u8]) -> Result<Vec<SectionInfo>, Error> {
    let file = parse(path, data)?;
    layout(path, &file, file.kind() == object::ObjectKind::Relocatable)
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

/// Read the debug sections of `file` (mapped as `map`), decompressing and relocating.
fn debug_sections(
    path: &Path,
    map: &Bytes,
    file: &object::File<'_>,
    sections: &[SectionInfo],
    relocatable: bool,
    arch: Arch,
) -> Result<HashMap<&'static str, Bytes>, Error> {
    let mut out = HashMap::new();
    for &name in DEBUG_SECTIONS {
        let Some(section) = file.section_by_name(name) else {
            continue;
        };
        let data = section_data(&section).map_err(|e| {
            e.map_message(|e| format!("{}: cannot read section {name}: {e}", path.display()))
        })?;
        let has_relocs = relocatable && section.relocations().next().is_some();
        let bytes = match data {
            std::borrow::Cow::Borrowed(slice) if !has_relocs => {
                // The place in the file comes from the section header, never from where
                // the slice points (an empty section's slice need not point into the
                // file); `object` checked the range when it gave the slice.
                let (start, end) = section
                    .file_range()
                    .and_then(|(o, n)| Some((usize::try_from(o).ok()?, usize::try_from(n).ok()?)))
                    .and_then(|(o, n)| Some((o, o.checked_add(n)?)))
                    .filter(|&(o, e)| e <= map.len() && e - o == slice.len())
                    .unwrap_or((0, 0));
                Bytes {
                    backing: map.backing.clone(),
                    start,
                    end,
                }
            }
            data => {
                let mut owned = data.into_owned();
                if has_relocs {
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
    section: &object::Section<'a, '_>,
) -> Result<std::borrow::Cow<'a, [u8]>, Error> {
    use symtab::input::{decompress_section, SectionCompression};
    let c = section
        .compressed_data()
        .map_err(|e| Error::new(ErrorKind::Malformed, e.to_string()))?;
    let format = match c.format {
        object::CompressionFormat::None => return Ok(std::borrow::Cow::Borrowed(c.data)),
        object::CompressionFormat::Zlib => SectionCompression::Zlib,
        object::CompressionFormat::Zstandard => SectionCompression::Zstd,
        f => {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("unsupported compression {f:?}"),
            ))
        }
    };
    decompress_section(format, c.data, c.uncompressed_size)
        .map(std::borrow::Cow::Owned)
        .map_err(Error::from)
}

fn has_dwarf(file: &object::File<'_>) -> bool {
    file.section_by_name(".debug_info")
        .is_some_and(|s| s.size() > 0 && s.kind() != object::SectionKind::UninitializedData)
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
fn debug_file_candidates(path: &Path, file: &object::File<'_>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(Some(id)) = file.build_id() {
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
    if let Ok(Some((name, _crc))) = file
        .gnu_debuglink()
        .map(|l| l.filter(|(n, _)| !n.contains(&b'/') && !matches!(*n, b"" | b"." | b"..")))
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
        let file = parse(path, &main)?;
        let arch = symtab::read::elf_arch(match &file {
            object::File::Elf64(f) => f.elf_header().e_machine.get(f.endian()),
            object::File::Elf32(f) => f.elf_header().e_machine.get(f.endian()),
            _ => 0,
        });
        let kind = match file.kind() {
            object::ObjectKind::Relocatable => ObjectKind::Relocatable,
            object::ObjectKind::Dynamic => ObjectKind::Shared,
            _ => ObjectKind::Executable,
        };
        let relocatable = kind == ObjectKind::Relocatable;
        // Every lookup scans the symbol table first.
        for name in [".symtab", ".strtab"] {
            if let Some((offset, len)) = file.section_by_name(name).and_then(|s| s.file_range()) {
                main.will_need(offset, len);
            }
        }
        let sections = layout(path, &file, relocatable)?;
        let mut debug_file = None;
        let mut debug = HashMap::new();
        let mut dwarf_source = main.source();
        if has_dwarf(&file) {
            debug = debug_sections(path, &main, &file, &sections, relocatable, arch)?;
        } else {
            // A candidate that cannot be used (not a regular file, not ELF, damaged, without
            // DWARF) is passed over: the object is then read without DWARF.
            for cand in debug_file_candidates(path, &file) {
                if !cand.is_file() {
                    continue;
                }
                let Ok(map) = map_file(&cand) else {
                    continue;
                };
                let Ok(dfile) = parse(&cand, &map) else {
                    continue;
                };
                if !has_dwarf(&dfile) {
                    continue;
                }
                let dsections = layout(&cand, &dfile, relocatable)?;
                debug = debug_sections(&cand, &map, &dfile, &dsections, relocatable, arch)?;
                dwarf_source = map.source();
                debug_file = Some(cand);
                break;
            }
        }
        let little_endian = file.is_little_endian();
        drop(file);
        Ok(Loader {
            path: path.to_path_buf(),
            main,
            debug_file,
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
