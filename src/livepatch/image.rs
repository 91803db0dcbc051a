//! One kernel object opened for livepatch work: its symbols, its machine, its module
//! name and, for ELF input, the DWARF engine over it.
//!
//! A `.ko` is relocatable: its symbols are section offsets and its DWARF addresses are
//! zero until relocated. The DWARF engine ([`crate::dwarf::Symbolizer`]) gives every
//! allocated section of a `.ko` a synthetic base address and applies the debug sections'
//! relocations with the same bases; symbol addresses here are moved by those bases (the
//! engine's own layout), so symbols and DWARF share one address space. Output shows such
//! addresses as `section+offset` through [`Image::display_addr`].

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use symtab::sympos::KallsymsOrder;
use symtab::{Arch, Symbol, SymbolTable, TableFormat};

use super::{Error, ErrorKind};
use crate::dwarf::{IndexCache, PathRule, Symbolizer};

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
    /// The file as mapped (or decompressed) once, for the DWARF engine too.
    data: crate::dwarf::Bytes,
    /// The DWARF engine, opened on first use.
    dwarf: OnceLock<Result<Option<Symbolizer>, crate::dwarf::Error>>,
    /// How its source paths print, found on first use.
    paths: OnceLock<PathRule>,
}

impl Image {
    /// Read `path` (ELF, `System.map` or `/proc/kallsyms`).
    pub fn open(path: &Path) -> Result<Image, Error> {
        std::fs::metadata(path).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("{}: cannot read: {e}", path.display()),
            )
        })?;
        let data = crate::dwarf::map_file(path)?;
        let mut table = match data.input() {
            Some(input) => symtab::read::read_input(input, path.parent()),
            None => symtab::read::read_bytes(&data, path.parent()),
        }
        .map_err(|e| Error::from(e).prefixed(path.display()))?;
        let mut module = None;
        let mut bases = Vec::new();
        if table.format == TableFormat::ElfRelocatable {
            // The headers are parsed once per opened file: the layout below and the DWARF
            // engine opened later over `data` share them.
            let sections = crate::dwarf::section_layout(path, &data)?;
            module = modinfo_name(&data, &sections).or_else(|| {
                let stem = path.file_name()?.to_str()?;
                let stem = stem.split(".ko").next().unwrap_or(stem);
                Some(stem.replace('-', "_"))
            });
            for s in &sections {
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
            data,
            dwarf: OnceLock::new(),
            paths: OnceLock::new(),
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

    /// The DWARF engine over this image: `None` when it has no DWARF (in the file or a
    /// separate debug file) or is not ELF; an error (naming the file) when its DWARF is
    /// broken.
    pub fn dwarf(&self) -> Result<Option<&Symbolizer>, &crate::dwarf::Error> {
        let opened = self.dwarf.get_or_init(|| {
            if !matches!(
                self.table.format,
                TableFormat::ElfExecutable | TableFormat::ElfRelocatable | TableFormat::ElfShared
            ) {
                return Ok(None);
            }
            let symz =
                Symbolizer::open_mapped(&self.path, self.data.clone(), &IndexCache::FromEnv)?;
            Ok(symz.has_debug_info().then_some(symz))
        });
        match opened {
            Ok(s) => Ok(s.as_ref()),
            Err(e) => Err(e),
        }
    }

    /// The source file of the DWARF unit covering `addr`, as ksym prints paths
    /// ([`Self::show_path`]); `None` without DWARF or such a unit.
    pub fn unit_file(&self, addr: u64) -> Option<String> {
        let name = self.dwarf().ok()??.unit_name(addr).ok()??;
        Some(self.show_path(&name).to_string())
    }

    /// A file name from this object's DWARF as ksym prints it: relative to the kernel
    /// tree, except in out-of-tree modules ([`Symbolizer::path_rule`]).
    pub fn show_path<'a>(&self, path: &'a str) -> &'a str {
        let rule = self.paths.get_or_init(|| match self.dwarf() {
            Ok(Some(s)) => s.path_rule(),
            _ => PathRule::default(),
        });
        rule.show(path)
    }

    /// Why DWARF is not used, when it is broken: a warning naming the file.
    pub fn dwarf_warning(&self) -> Option<String> {
        let e = self.dwarf().err()?;
        Some(format!("{e}: source files come from STT_FILE only"))
    }
}

/// `.modinfo`'s `name=` value, from the section table `sections` of the file `file`.
fn modinfo_name(file: &[u8], sections: &[crate::dwarf::SectionInfo]) -> Option<String> {
    let data = sections.iter().find(|s| s.name == ".modinfo")?.data(file)?;
    data.split(|&b| b == 0)
        .find_map(|kv| kv.strip_prefix(b"name="))
        .map(|n| String::from_utf8_lossy(n).into_owned())
}
