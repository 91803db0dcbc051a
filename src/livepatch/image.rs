//! One kernel object opened for livepatch work: its symbols, its machine, its module
//! name and, for ELF input, its DWARF sections.
//!
//! A `.ko` is relocatable: its symbols are section offsets and its DWARF addresses are
//! zero until relocated. ELF input is mapped and its debug sections prepared by the
//! symbolizer's loader ([`crate::dwarf`]), which gives every allocated section of a `.ko`
//! a synthetic base address and applies the debug sections' relocations with the same
//! bases; symbol addresses here are moved by those bases, so symbols and DWARF share one
//! address space. Output shows such addresses as `section+offset` through
//! [`Image::display_addr`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use object::{Object, ObjectSection};
use symtab::sympos::KallsymsOrder;
use symtab::{Arch, Symbol, SymbolTable, TableFormat};

use crate::dwarf::{Bytes, Loader};

/// An opened kernel object.
pub struct Image {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its symbols (`.ko` addresses moved to the synthetic layout).
    pub table: SymbolTable,
    /// The module name (`.modinfo` `name=`, else the file name) of a `.ko`.
    pub module: Option<String>,
    /// Synthetic base of each section index (`.ko` only; empty otherwise).
    bases: Vec<u64>,
}

/// DWARF sections, relocated where needed, kept so a `gimli::Dwarf` can borrow them.
pub struct DebugSections {
    sections: HashMap<gimli::SectionId, Bytes>,
    endian: gimli::RunTimeEndian,
}

/// The gimli reader used over [`DebugSections`].
pub type Reader<'a> = gimli::EndianSlice<'a, gimli::RunTimeEndian>;

impl Image {
    /// Read `path` (ELF, `System.map` or `/proc/kallsyms`).
    pub fn open(path: &Path) -> Result<Image> {
        std::fs::metadata(path).with_context(|| format!("{}: cannot read", path.display()))?;
        let data = crate::dwarf::map_file(path)?;
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
            for s in crate::dwarf::section_layout(path, &data)? {
                if bases.len() <= s.index {
                    bases.resize(s.index + 1, 0);
                }
                bases[s.index] = if s.alloc { s.addr } else { 0 };
            }
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
    /// (in the file or a separate debug file), or the input is not ELF.
    pub fn debug_sections(&self) -> Result<Option<DebugSections>> {
        if !matches!(
            self.table.format,
            TableFormat::ElfExecutable | TableFormat::ElfRelocatable | TableFormat::ElfShared
        ) {
            return Ok(None);
        }
        let loader = Loader::open(&self.path)?;
        if !loader.has_debug_info() {
            return Ok(None);
        }
        let endian = if loader.little_endian {
            gimli::RunTimeEndian::Little
        } else {
            gimli::RunTimeEndian::Big
        };
        let sections = ALL_SECTIONS
            .iter()
            .map(|&id| (id, loader.section(id.name())))
            .collect();
        Ok(Some(DebugSections { sections, endian }))
    }
}

/// The sections the loader prepares (it leaves out location lists: never read).
const ALL_SECTIONS: [gimli::SectionId; 10] = [
    gimli::SectionId::DebugAbbrev,
    gimli::SectionId::DebugAddr,
    gimli::SectionId::DebugInfo,
    gimli::SectionId::DebugLine,
    gimli::SectionId::DebugLineStr,
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
            let data = self.sections.get(&id).map_or(&[][..], |b| &b[..]);
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
