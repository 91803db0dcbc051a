//! The symbol model shared by every reader.

use std::fmt;
use std::sync::Arc;

/// A symbol's binding, as ELF names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Binding {
    /// File-local (`STB_LOCAL`, lowercase nm letters).
    Local,
    /// Global (`STB_GLOBAL`, uppercase nm letters).
    Global,
    /// Weak (`STB_WEAK`, nm `W`/`V`/`w`/`v`).
    Weak,
    /// GNU unique (`STB_GNU_UNIQUE`, nm `u`).
    Unique,
    /// Not known: text inputs give only the nm letter, from which this is derived.
    Unknown,
}

/// What a symbol names, from the ELF symbol type or derived from the nm letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymKind {
    /// A function (`STT_FUNC`).
    Func,
    /// A data object (`STT_OBJECT`, `STT_COMMON`).
    Object,
    /// Thread-local data (`STT_TLS`).
    Tls,
    /// An indirect function (`STT_GNU_IFUNC`).
    Ifunc,
    /// A section symbol (`STT_SECTION`).
    Section,
    /// A source file name (`STT_FILE`).
    File,
    /// No type (`STT_NOTYPE`): assembly labels, linker-script symbols, text inputs.
    NoType,
}

/// The machine a symbol table belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Arch {
    /// x86_64 (`EM_X86_64`).
    X86_64,
    /// 32-bit x86 (`EM_386`).
    I386,
    /// arm64 (`EM_AARCH64`).
    Aarch64,
    /// 32-bit arm (`EM_ARM`).
    Arm,
    /// RISC-V (`EM_RISCV`).
    Riscv,
    /// PowerPC (`EM_PPC`, `EM_PPC64`).
    PowerPc,
    /// s390 (`EM_S390`).
    S390,
    /// Another machine, by its ELF `e_machine` number.
    Other(u16),
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arch::X86_64 => f.write_str("x86_64"),
            Arch::I386 => f.write_str("i386"),
            Arch::Aarch64 => f.write_str("aarch64"),
            Arch::Arm => f.write_str("arm"),
            Arch::Riscv => f.write_str("riscv"),
            Arch::PowerPc => f.write_str("powerpc"),
            Arch::S390 => f.write_str("s390"),
            Arch::Other(m) => write!(f, "machine {m}"),
        }
    }
}

/// One symbol, from any reader.
#[derive(Clone, PartialEq, Eq)]
pub struct Symbol {
    /// The full name as stored (with every suffix).
    pub name: String,
    /// The address (section-relative in relocatable objects).
    pub addr: u64,
    /// The size, where the input records one (ELF, `nm -S`); `None` for maps and kallsyms.
    pub size: Option<u64>,
    /// The nm type letter (`T`, `t`, `D`, `W`, ...), equal to GNU nm's for ELF input.
    pub letter: char,
    /// The binding.
    pub binding: Binding,
    /// What the symbol names.
    pub kind: SymKind,
    /// The index of the section the symbol is defined in (ELF input only).
    pub section_index: Option<usize>,
    /// The name of that section (ELF input only; shared by the section's symbols).
    pub section: Option<Arc<str>>,
    /// The source file, from the nearest preceding `STT_FILE` symbol (local symbols only;
    /// shared by that file's symbols).
    pub file: Option<Arc<str>>,
    /// The module, from a `/proc/kallsyms` `[module]` column or the `.ko` being read.
    pub module: Option<String>,
    /// The archive member the symbol came from, when read from an archive.
    pub member: Option<String>,
}

impl Symbol {
    /// A symbol with only a name, an address and an nm letter (as text inputs give);
    /// binding and kind are derived from the letter.
    pub fn from_letter(name: impl Into<String>, addr: u64, letter: char) -> Symbol {
        let binding = match letter {
            'W' | 'V' | 'w' | 'v' => Binding::Weak,
            'u' => Binding::Unique,
            c if c.is_ascii_uppercase() => Binding::Global,
            c if c.is_ascii_lowercase() => Binding::Local,
            _ => Binding::Unknown,
        };
        let kind = match letter.to_ascii_lowercase() {
            't' | 'w' => SymKind::Func,
            'i' => SymKind::Ifunc,
            'd' | 'b' | 'r' | 'g' | 's' | 'v' | 'c' => SymKind::Object,
            _ => SymKind::NoType,
        };
        Symbol {
            name: name.into(),
            addr,
            size: None,
            letter,
            binding,
            kind,
            section_index: None,
            section: None,
            file: None,
            module: None,
            member: None,
        }
    }

    /// True for code symbols by their nm letter (`T`, `t`, `W`, `w` and `i`).
    pub fn is_text(&self) -> bool {
        matches!(self.letter, 'T' | 't' | 'W' | 'w' | 'i')
            && !matches!(self.letter, 'w' if self.section_index.is_none() && self.addr == 0)
    }

    /// True for the arm/arm64/riscv mapping symbols (`$x`, `$d`, `$a`, `$t`, `$x.123`):
    /// they mark instruction/data boundaries and are not names of anything.
    pub fn is_mapping_symbol(&self) -> bool {
        is_mapping_symbol_name(&self.name)
    }
}

/// True for the arm/arm64/riscv mapping symbol names: `$x`, `$d`, `$a`, `$t`, and those
/// followed by `.` and anything (`$x.12`, `$d.foo`).
pub fn is_mapping_symbol_name(name: &str) -> bool {
    is_mapping_symbol_name_bytes(name.as_bytes())
}

/// [`is_mapping_symbol_name`] for a raw name.
pub fn is_mapping_symbol_name_bytes(b: &[u8]) -> bool {
    b.len() >= 2
        && b[0] == b'$'
        && matches!(b[1], b'x' | b'd' | b'a' | b't')
        && (b.len() == 2 || b[2] == b'.')
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Symbol");
        d.field("name", &self.name)
            .field("addr", &format_args!("{:#x}", self.addr));
        if let Some(size) = self.size {
            d.field("size", &format_args!("{size:#x}"));
        }
        d.field("letter", &self.letter)
            .field("binding", &self.binding)
            .field("kind", &self.kind);
        if let Some(s) = &self.section {
            d.field("section", s);
        }
        if let Some(s) = &self.file {
            d.field("file", s);
        }
        if let Some(s) = &self.module {
            d.field("module", s);
        }
        if let Some(s) = &self.member {
            d.field("member", s);
        }
        d.finish()
    }
}

/// Where a [`SymbolTable`] was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// A linked ELF executable (vmlinux).
    ElfExecutable,
    /// A relocatable ELF object (`.o`, `.ko`).
    ElfRelocatable,
    /// A shared ELF object.
    ElfShared,
    /// An `ar` archive, GNU or thin; symbols carry their member.
    Archive,
    /// `System.map` or `nm` text.
    Map,
    /// `/proc/kallsyms` text (has `[module]` columns).
    Kallsyms,
}

/// The symbols of one input, in the order the input stores them.
#[derive(Clone, Debug)]
pub struct SymbolTable {
    /// The symbols, in input order.
    pub symbols: Vec<Symbol>,
    /// What the input was.
    pub format: TableFormat,
    /// The machine, where the input says (ELF).
    pub arch: Option<Arch>,
    /// True when addresses are 64 bits wide (ELF class; text inputs: width of the addresses).
    pub is_64: bool,
}
