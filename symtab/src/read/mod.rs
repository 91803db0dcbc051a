//! Readers: from a file's bytes to a [`SymbolTable`].
//!
//! [`read_path`] and [`read_bytes`] pick the reader from the data itself: ELF magic,
//! `!<arch>`/`!<thin>` archives, LLVM bitcode, else `System.map`/`nm`/`/proc/kallsyms` text.

mod archive;
mod bitcode;
mod elf;
mod text;

use std::path::Path;

use crate::{Error, ErrorKind, Result, SymbolTable};

pub use archive::read_archive;
pub use bitcode::{read_bitcode, read_irsymtab, IrSymbol, IrSymtab};
pub use elf::{elf_arch, read_elf, read_elf_object, ElfSymtab, RawSymbol};
pub use text::{read_text, MAX_LINE, MAX_SYMBOLS};

/// What a file's first bytes say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    /// ELF (`\x7fELF`).
    Elf,
    /// An `ar` archive (GNU `!<arch>` or thin `!<thin>`).
    Archive,
    /// LLVM bitcode (raw `BC\xc0\xde` or the `0x0b17c0de` wrapper).
    Bitcode,
    /// Anything else: read as symbol-map text.
    Text,
}

/// Classify `data` by its magic bytes.
pub fn detect(data: &[u8]) -> Detected {
    if data.starts_with(b"\x7fELF") {
        Detected::Elf
    } else if data.starts_with(b"!<arch>\n") || data.starts_with(b"!<thin>\n") {
        Detected::Archive
    } else if data.starts_with(b"BC\xc0\xde") || data.starts_with(&[0xde, 0xc0, 0x17, 0x0b]) {
        Detected::Bitcode
    } else {
        Detected::Text
    }
}

/// Read the symbols of the file at `path`, whatever its format, as [`Input::open`]
/// opens it (mapped, decompressed, or read from a stream such as `/proc/kallsyms` or a
/// pipe).
///
/// Errors name the file. Thin archive members are read relative to the archive's folder.
///
/// [`Input::open`]: crate::input::Input::open
pub fn read_path(path: &Path) -> Result<SymbolTable> {
    let data = crate::input::Input::open(path)?;
    read_input(&data, path.parent()).map_err(|e| e.prefixed(path.display()))
}

/// [`read_bytes`] of an opened input: an ELF file's symbol table is located with the
/// headers the input keeps ([`crate::input::Input::object`]), parsed once for every
/// reader of it.
pub fn read_input(input: &crate::input::Input, dir: Option<&Path>) -> Result<SymbolTable> {
    if !input.is_empty() && matches!(detect(input), Detected::Elf) {
        return elf::read_elf_object(input, input.object()?);
    }
    read_bytes(input, dir)
}

/// Read the symbols of `data`, whatever its format. `dir` is where thin archive members
/// are looked for.
pub fn read_bytes(data: &[u8], dir: Option<&Path>) -> Result<SymbolTable> {
    if data.is_empty() {
        return Err(Error::new(ErrorKind::UnknownFormat, "empty file"));
    }
    match detect(data) {
        Detected::Elf => read_elf(data),
        Detected::Archive => read_archive(data, dir),
        Detected::Bitcode => read_bitcode(data),
        Detected::Text => read_text(data),
    }
}
