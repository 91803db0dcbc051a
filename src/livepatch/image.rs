//! One kernel object opened for livepatch work: its symbols, its machine, its module
//! name and, for ELF input, its DWARF sections.
//!
//! A `.ko` is relocatable: its symbols are section offsets and its DWARF addresses are
//! zero until relocated. To give both one address space, every allocated section of a
//! `.ko` gets a synthetic base address (laid out in section order from 0x10000, as a
//! loader would), symbol addresses are moved by their section's base, and the
//! relocations of the debug sections are applied with the same bases. Output shows
//! such addresses as `section+offset` through [`Image::display_addr`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use object::{Object, ObjectSection, ObjectSymbol, RelocationKind, RelocationTarget};
use symtab::sympos::KallsymsOrder;
use symtab::{Arch, Symbol, SymbolTable, TableFormat};

/// An opened kernel object.
pub struct Image {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its symbols (`.ko` addresses moved to the synthetic layout).
    pub table: SymbolTable,
    /// The module name (`.modinfo` `name=`, else the file name) of a `.ko`.
    pub module: Option<String>,
    /// The raw file, kept for DWARF.
    data: Vec<u8>,
    /// Synthetic base of each section index (`.ko` only; empty otherwise).
    bases: Vec<u64>,
}

/// DWARF sections, relocated where needed, owned so a `gimli::Dwarf` can borrow them.
pub struct DebugSections {
    sections: HashMap<gimli::SectionId, Vec<u8>>,
    endian: gimli::RunTimeEndian,
}

/// The gimli reader used over [`DebugSections`].
pub type Reader<'a> = gimli::EndianSlice<'a, gimli::RunTimeEndian>;

impl Image {
    /// Read `path` (ELF, `System.map` or `/proc/kallsyms`).
    pub fn open(path: &Path) -> Result<Image> {
        let data =
            std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
        let mut table = symtab::read::read_bytes(&data, path.parent())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let mut module = None;
        let mut bases = Vec::new();
        if table.format == TableFormat::ElfRelocatable {
            let file = object::File::parse(&*data)
                .map_err(|e| anyhow::anyhow!("{}: invalid ELF: {e}", path.display()))?;
            module = modinfo_name(&file).or_else(|| {
                let stem = path.file_name()?.to_str()?;
                let stem = stem.split(".ko").next().unwrap_or(stem);
                Some(stem.replace('-', "_"))
            });
            bases = layout(&file);
            for s in &mut table.symbols {
                if let Some(b) = s.section_index.and_then(|i| bases.get(i)) {
                    s.addr = s.addr.wrapping_add(*b);
                }
            }
        }
        Ok(Image {
            path: path.to_path_buf(),
            table,
            module,
            data,
            bases,
        })
    }

    /// The machine, when the input says.
    pub fn arch(&self) -> Option<Arch> {
        self.table.arch
    }

    /// The object name a livepatch uses: `vmlinux` or the module name.
    pub fn object_name(&self) -> &str {
        self.module.as_deref().unwrap_or("vmlinux")
    }

    /// The kernel's sympos search order over this image.
    pub fn order(&self) -> KallsymsOrder<'_> {
        KallsymsOrder::new(&self.table, self.module.as_deref())
    }

    /// `s`'s address as output shows it: `0x...`, or `section+0x...` in a `.ko`.
    pub fn display_addr(&self, s: &Symbol) -> String {
        self.display_at(s.section_index, s.section.as_deref(), s.addr)
    }

    /// An address of this image as output shows it (see [`Image::display_addr`]).
    pub fn display_at(&self, index: Option<usize>, section: Option<&str>, addr: u64) -> String {
        match (index.and_then(|i| self.bases.get(i)), section) {
            (Some(b), Some(name)) => format!("{name}+{:#x}", addr.wrapping_sub(*b)),
            _ => format!("{addr:#x}"),
        }
    }

    /// The section (index, name) holding synthetic address `addr` of a `.ko`.
    pub fn section_of(&self, addr: u64) -> Option<(usize, &str)> {
        self.table
            .symbols
            .iter()
            .filter(|s| s.kind == symtab::SymKind::Section && s.section_index.is_some())
            .filter_map(|s| Some((s.section_index?, s.section.as_deref()?, s.addr)))
            .filter(|(_, _, base)| *base <= addr)
            .max_by_key(|(_, _, base)| *base)
            .map(|(i, n, _)| (i, n))
    }

    /// True for a relocatable object (`.ko`).
    pub fn is_module(&self) -> bool {
        self.table.format == TableFormat::ElfRelocatable
    }

    /// The DWARF sections, relocated for a `.ko`; `None` when there is no `.debug_info`
    /// (or the input is not ELF).
    pub fn debug_sections(&self) -> Result<Option<DebugSections>> {
        if !matches!(
            self.table.format,
            TableFormat::ElfExecutable | TableFormat::ElfRelocatable | TableFormat::ElfShared
        ) {
            return Ok(None);
        }
        let file = object::File::parse(&*self.data)
            .map_err(|e| anyhow::anyhow!("{}: invalid ELF: {e}", self.path.display()))?;
        if file.section_by_name(".debug_info").is_none() {
            return Ok(None);
        }
        let endian = if file.is_little_endian() {
            gimli::RunTimeEndian::Little
        } else {
            gimli::RunTimeEndian::Big
        };
        let relocatable = self.is_module();
        let mut sections = HashMap::new();
        for id in ALL_SECTIONS {
            let Some(sec) = file.section_by_name(id.name()) else {
                continue;
            };
            let data: Cow<[u8]> = sec.uncompressed_data().map_err(|e| {
                anyhow::anyhow!("{}: cannot read {}: {e}", self.path.display(), id.name())
            })?;
            let mut data = data.into_owned();
            if relocatable {
                relocate(&file, &sec, &self.bases, &mut data)
                    .with_context(|| format!("{}: {}", self.path.display(), id.name()))?;
            }
            sections.insert(id, data);
        }
        Ok(Some(DebugSections { sections, endian }))
    }
}

const ALL_SECTIONS: [gimli::SectionId; 12] = [
    gimli::SectionId::DebugAbbrev,
    gimli::SectionId::DebugAddr,
    gimli::SectionId::DebugInfo,
    gimli::SectionId::DebugLine,
    gimli::SectionId::DebugLineStr,
    gimli::SectionId::DebugLoc,
    gimli::SectionId::DebugLocLists,
    gimli::SectionId::DebugRanges,
    gimli::SectionId::DebugRngLists,
    gimli::SectionId::DebugStr,
    gimli::SectionId::DebugStrOffsets,
    gimli::SectionId::DebugAranges,
];

impl DebugSections {
    /// A gimli view of the sections.
    pub fn dwarf(&self) -> gimli::Dwarf<Reader<'_>> {
        let load = |id: gimli::SectionId| -> Result<Reader<'_>, std::convert::Infallible> {
            let data = self.sections.get(&id).map_or(&[][..], |v| v.as_slice());
            Ok(gimli::EndianSlice::new(data, self.endian))
        };
        match gimli::Dwarf::load(load) {
            Ok(d) => d,
            Err(e) => match e {},
        }
    }
}

/// `.modinfo`'s `name=` value.
fn modinfo_name(file: &object::File<'_>) -> Option<String> {
    let sec = file.section_by_name(".modinfo")?;
    let data = sec.data().ok()?;
    data.split(|&b| b == 0)
        .find_map(|kv| kv.strip_prefix(b"name="))
        .map(|n| String::from_utf8_lossy(n).into_owned())
}

/// Synthetic base addresses of a relocatable file's allocated sections.
fn layout(file: &object::File<'_>) -> Vec<u64> {
    let mut bases = Vec::new();
    let mut next = 0x10000u64;
    for sec in file.sections() {
        let i = sec.index().0;
        if bases.len() <= i {
            bases.resize(i + 1, 0);
        }
        let alloc = match sec.flags() {
            object::SectionFlags::Elf { sh_flags } => {
                sh_flags & u64::from(object::elf::SHF_ALLOC) != 0
            }
            _ => false,
        };
        if alloc {
            let align = sec.align().max(1);
            next = next.div_ceil(align).saturating_mul(align);
            bases[i] = next;
            next = next.saturating_add(sec.size().max(1));
        }
    }
    bases
}

/// Apply the absolute relocations of `sec` to `data` (`S + A`, `S` in the synthetic layout).
fn relocate(
    file: &object::File<'_>,
    sec: &object::Section<'_, '_>,
    bases: &[u64],
    data: &mut [u8],
) -> Result<()> {
    let little = file.is_little_endian();
    for (offset, rel) in sec.relocations() {
        if rel.kind() != RelocationKind::Absolute {
            continue;
        }
        let s = match rel.target() {
            RelocationTarget::Symbol(idx) => match file.symbol_by_index(idx) {
                Ok(sym) => {
                    let base = sym.section_index().and_then(|i| bases.get(i.0)).copied();
                    sym.address().wrapping_add(base.unwrap_or(0))
                }
                Err(_) => continue,
            },
            RelocationTarget::Section(i) => bases.get(i.0).copied().unwrap_or(0),
            _ => continue,
        };
        let value = s.wrapping_add(rel.addend() as u64);
        let width = usize::from(rel.size() / 8);
        let Some(slot) = usize::try_from(offset)
            .ok()
            .and_then(|o| data.get_mut(o..o.checked_add(width)?))
        else {
            anyhow::bail!("relocation at offset {offset:#x} lies outside the section");
        };
        match width {
            8 if little => slot.copy_from_slice(&value.to_le_bytes()),
            8 => slot.copy_from_slice(&value.to_be_bytes()),
            4 if little => slot.copy_from_slice(&(value as u32).to_le_bytes()),
            4 => slot.copy_from_slice(&(value as u32).to_be_bytes()),
            _ => {}
        }
    }
    Ok(())
}
