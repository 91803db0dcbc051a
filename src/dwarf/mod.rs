//! The DWARF symbolizer: address → inline chain, for vmlinux and modules.
//!
//! Under LTO one instruction can sit several inlined functions deep, across files. This
//! engine answers, for an address, the whole chain: [`Symbolizer::lookup`] returns
//! [`Frame`]s **innermost first** (the function the instruction's line belongs to), each
//! with the function name, file, line and column; the innermost carries the line table's
//! discriminator; the last, outermost frame is the real (not inlined) function and also
//! carries the ELF symbol that contains the address (with its `.cold`, `.isra.0`,
//! `.llvm.N` suffix kept), while inlined frames are named from DWARF only.
//!
//! Opening is cheap: the file is mapped, only unit ranges are parsed; a unit's lines and
//! functions are parsed the first time an address falls in it.
//!
//! Relocatable objects (`.ko`) have all sections at 0; here each `SHF_ALLOC` section gets
//! a distinct synthetic base ([`Symbolizer::section_base`]); use
//! [`Symbolizer::section_address`] and [`Symbolizer::section_offset`] to convert between
//! `(section, offset)` and lookup addresses.
//!
//! No gimli or object types appear in this API.

mod context;
mod frames;
mod funcs;
mod index;
mod lines;
mod loader;
mod paths;
mod printed;
mod symbols;
mod walk;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use symtab::addrmap::AddrMap;
use symtab::{Arch, Symbol};

#[doc(hidden)]
pub use index::fuzz_unit_cache;
pub use loader::{check_release, system_path, ObjectKind, SectionInfo};
pub(crate) use loader::{map_file, section_layout, Bytes};
pub use paths::{kernel_relative, PathRule};
pub use printed::{NameRule, Named};
#[doc(hidden)]
pub use symbols::fuzz_symbol_cache;
pub use walk::{InlinedCopy, LineSpan};

/// Fuzzing entry (and the replay of its findings in the tests): open the object at `path`
/// with no cache (section loading and decompression, relocation of relocatable objects,
/// the unit walker), then look it up at addresses of its code sections and symbols (line
/// programs, function and inline trees). Every step gives a value or an error; a panic
/// is a finding.
#[doc(hidden)]
pub fn fuzz_object(path: &Path) {
    let Ok(s) = Symbolizer::open_with(path, &IndexCache::Off) else {
        return;
    };
    let mut addrs: Vec<u64> = Vec::new();
    for sec in s.sections().iter().filter(|x| x.exec).take(8) {
        for k in [0, 1, 4, sec.size / 2, sec.size.saturating_sub(1)] {
            addrs.push(sec.addr.wrapping_add(k));
        }
    }
    for i in 0..s.symbol_count().min(64) {
        if let Some(sym) = s.symbol(i) {
            if let Some(a) = s.symbol_address(&sym) {
                addrs.push(a);
            }
            let _ = s.kallsyms_size(i);
        }
    }
    for a in addrs.into_iter().take(256) {
        if let Ok(frames) = s.lookup(a) {
            for f in &frames {
                let _ = (f.name(), &f.file, f.line);
            }
        }
    }
}

crate::error::error_type! {
    /// The class of a symbolizer error, for callers that react differently to each.
    kinds {}
    /// An error of the symbolizer: a kind, and one line naming the file or the structure
    /// at fault.
}

/// FNV-1a, 64 bits: a fast, stable hash (cache file names and checksums).
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Result of this module.
pub type Result<T> = std::result::Result<T, Error>;

/// One level of an inline chain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    /// The function's DWARF name (`None` where DWARF has none, or without DWARF).
    pub function: Option<String>,
    /// Outermost frame only: the ELF symbol containing the address (suffixes kept).
    pub symbol: Option<String>,
    /// Outermost frame only: the address's offset into `symbol`.
    pub symbol_offset: Option<u64>,
    /// Source file as DWARF names it (absolute: compile directory joined in).
    pub file: Option<String>,
    /// Line (`None` for line 0, "no line").
    pub line: Option<u32>,
    /// Column (0 is the left edge).
    pub column: Option<u32>,
    /// Innermost frame only: the line table's discriminator, when non-zero.
    pub discriminator: Option<u32>,
    /// True for frames inlined into the next one.
    pub inlined: bool,
}

impl Frame {
    /// The name to show: the symbol for the outermost frame, else the DWARF name.
    pub fn name(&self) -> Option<&str> {
        self.symbol.as_deref().or(self.function.as_deref())
    }
}

/// Where [`Symbolizer::open_with`] keeps the unit index (which DWARF unit holds which
/// addresses) between runs: `docs/design.md` describes the cache, and `src/dwarf/index.rs`
/// specifies its file format.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum IndexCache {
    /// `$KSYM_CACHE_DIR`, else `$XDG_CACHE_HOME/ksym`, else `$HOME/.cache/ksym`; an
    /// empty `$KSYM_CACHE_DIR` turns it off.
    #[default]
    FromEnv,
    /// No cache: every opening walks the units.
    Off,
    /// This directory.
    Dir(PathBuf),
}

/// An opened object, ready to symbolize addresses.
pub struct Symbolizer {
    loader: loader::Loader,
    symbols: symbols::Symbols,
    context: Option<context::Context>,
}

impl Symbolizer {
    /// Map and open `path` (vmlinux, `.ko`, `.o`). Its DWARF may be in a separate debug
    /// file (`/usr/lib/debug/.build-id/..`, `.gnu_debuglink`). A file without DWARF opens
    /// too: lookups then give symbol-only frames ([`Symbolizer::has_debug_info`]).
    ///
    /// Opening reads no more than it must: the symbol table is checked but decoded on
    /// demand; the unit index comes from its cache ([`IndexCache::FromEnv`]) when valid.
    pub fn open(path: impl AsRef<Path>) -> Result<Symbolizer> {
        Symbolizer::open_with(path, &IndexCache::FromEnv)
    }

    /// [`Symbolizer::open`], with the unit index cached as `cache` says.
    pub fn open_with(path: impl AsRef<Path>, cache: &IndexCache) -> Result<Symbolizer> {
        let path = path.as_ref();
        Symbolizer::open_mapped(path, loader::map_file(path)?, cache)
    }

    /// [`Symbolizer::open_with`] of `path` already mapped as `main` (by `map_file`), so
    /// that a caller that read the object first neither maps nor decompresses it again.
    pub(crate) fn open_mapped(
        path: &Path,
        main: loader::Bytes,
        cache: &IndexCache,
    ) -> Result<Symbolizer> {
        let loader = loader::Loader::open_mapped(path, main)?;
        // The symbol table is located with the headers the loader parsed.
        let headers = loader.main.object()?;
        let mut table = match symtab::read::ElfSymtab::from_object(loader.main.clone(), headers) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == symtab::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::from(e).prefixed(path.display())),
        };
        // The symbol indexes' cache file, for a table of the file opened.
        let symbol_cache = table.as_ref().and_then(|t| {
            if t.len() < symbols::MIN_CACHED_SYMBOLS {
                return None;
            }
            let dir = index::cache_dir(cache)?;
            let source = loader.main.source()?;
            index::CacheFile::named(&dir, path, index::SYMBOLS, &source, t.strtab())
        });
        if table.is_none() {
            // A fully stripped object: its separate debug file keeps the symbol table.
            if let Some(map) = &loader.debug_map {
                table = map
                    .object()
                    .ok()
                    .and_then(|o| symtab::read::ElfSymtab::from_object(map.clone(), o).ok());
            }
        }
        let bases = (loader.kind == ObjectKind::Relocatable).then(|| {
            let n = loader
                .sections
                .iter()
                .map(|s| s.index + 1)
                .max()
                .unwrap_or(0);
            let mut b = vec![0; n];
            for s in &loader.sections {
                b[s.index] = s.addr;
            }
            b
        });
        let context = if loader.has_debug_info() {
            Some(context::Context::new(&loader, cache).map_err(|e| e.prefixed(path.display()))?)
        } else {
            None
        };
        Ok(Symbolizer {
            loader,
            symbols: symbols::Symbols::new(table, bases, symbol_cache),
            context,
        })
    }

    /// The file opened.
    pub fn path(&self) -> &Path {
        &self.loader.path
    }

    /// The bytes of the opened file, as mapped (for readers of raw sections and notes).
    pub fn data(&self) -> &[u8] {
        self.loader.data()
    }

    /// The separate debug file the DWARF came from, if any.
    pub fn debug_file(&self) -> Option<&PathBuf> {
        self.loader.debug_file.as_ref()
    }

    /// True when DWARF was found.
    pub fn has_debug_info(&self) -> bool {
        self.context.is_some()
    }

    /// Executable, shared, or relocatable.
    pub fn kind(&self) -> ObjectKind {
        self.loader.kind
    }

    /// The machine.
    pub fn arch(&self) -> Arch {
        self.loader.arch
    }

    /// The ELF symbols, in file order, addresses as stored (section-relative in
    /// relocatable objects: see [`Symbolizer::symbol_address`]). The model is built on
    /// first use; [`Symbolizer::symbol`] reads one symbol without it.
    pub fn symbols(&self) -> &[Symbol] {
        self.symbols.model()
    }

    /// Number of ELF symbols.
    pub fn symbol_count(&self) -> usize {
        self.symbols.len()
    }

    /// Symbol `index` (into [`Self::symbols`]), without building the whole model.
    pub fn symbol(&self, index: usize) -> Option<Cow<'_, Symbol>> {
        self.symbols.get(index)
    }

    /// Build every symbol index now (by address, by section, by name); each is otherwise
    /// built by the first question that needs it. The answers are the same either way;
    /// the symbol model ([`Self::symbols`]) is not built.
    pub fn index_symbols(&self) {
        self.symbols.index_all();
    }

    /// The address-to-symbol index (lookup addresses; entries index [`Self::symbols`]),
    /// built on first use.
    pub fn addrmap(&self) -> &AddrMap {
        self.symbols.addrmap()
    }

    /// The lookup address of a symbol (its value plus its section's synthetic base in
    /// relocatable objects); `None` for undefined or absolute symbols of those, and for a
    /// value that would put the symbol past the end of the address space.
    pub fn symbol_address(&self, s: &Symbol) -> Option<u64> {
        if self.loader.kind != ObjectKind::Relocatable {
            return Some(s.addr);
        }
        let sec = self
            .loader
            .sections
            .iter()
            .find(|x| Some(x.index) == s.section_index)?;
        if !sec.alloc {
            return None;
        }
        // A forged value past the end of the address space is no address.
        sec.addr.checked_add(s.addr)
    }

    /// The sections with their lookup addresses.
    pub fn sections(&self) -> &[SectionInfo] {
        &self.loader.sections
    }

    /// The lookup address where section `name` starts (`sh_addr` for linked files).
    pub fn section_base(&self, name: &str) -> Option<u64> {
        self.loader
            .sections
            .iter()
            .find(|s| s.name == name && (s.alloc || self.loader.kind != ObjectKind::Relocatable))
            .map(|s| s.addr)
    }

    /// `(section, offset)` → lookup address.
    pub fn section_address(&self, name: &str, offset: u64) -> Option<u64> {
        self.section_base(name)?.checked_add(offset)
    }

    /// The first section named `name`, with its lookup address.
    pub fn section_named(&self, name: &str) -> Option<&SectionInfo> {
        self.loader.sections.iter().find(|s| s.name == name)
    }

    /// The bytes of section `s` (one of [`Self::sections`]) in the file, as stored;
    /// `None` when its header puts them outside the file.
    pub fn section_data(&self, s: &SectionInfo) -> Option<&[u8]> {
        s.data(self.loader.data())
    }

    /// True for a little-endian object.
    pub fn is_little_endian(&self) -> bool {
        self.loader.little_endian
    }

    /// The GNU build id of the opened file (its `NT_GNU_BUILD_ID` note), read through
    /// the headers parsed when it was opened.
    pub fn build_id(&self) -> Option<&[u8]> {
        self.loader.main.object().ok()?.build_id(self.loader.data())
    }

    /// `object`'s full reader over the opened file, for what needs more than the
    /// section table (symbols and relocations of the `__bug_table` of a `.ko`): it
    /// parses again, so call it once per use, never per question.
    pub(crate) fn elf(&self) -> Result<object::File<'_>> {
        let obj = self.loader.main.object()?;
        obj.elf(self.loader.data())
            .map_err(|e| Error::from(e).prefixed(self.path().display()))
    }

    /// The file's bytes of `len` bytes at lookup address `addr`, inside one `SHF_ALLOC`
    /// section with contents (shorter when the section ends first; `None` outside any).
    /// Module bytes are as in the file: relocations not applied.
    pub fn bytes_at(&self, addr: u64, len: u64) -> Option<&[u8]> {
        symtab::objfile::bytes_at(self.loader.data(), &self.loader.sections, addr, len)
    }

    /// Lookup address → `(section, offset)`, for `SHF_ALLOC` sections
    /// ([`symtab::objfile::section_at`] over the lookup addresses).
    pub fn section_offset(&self, addr: u64) -> Option<(&SectionInfo, u64)> {
        symtab::objfile::section_at(&self.loader.sections, addr)
    }
}
