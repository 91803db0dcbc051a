//! ELF symbol tables (vmlinux, `.o`, `.ko`), 32/64-bit, either endianness.
//!
//! The nm letter is computed the way GNU nm (binutils 2.40, `bfd_decode_symclass`) does:
//! from the symbol's binding and type and from the flags BFD derives for its section
//! (`_bfd_elf_make_section_from_shdr`). A differential test checks it against `nm`.

use std::sync::Arc;

use object::elf;
use object::read::elf::{FileHeader, SectionHeader, Sym};
use object::{Endianness, FileKind};

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
    match FileKind::parse(data) {
        Ok(FileKind::Elf32) => read_generic::<elf::FileHeader32<Endianness>>(data, false),
        Ok(FileKind::Elf64) => read_generic::<elf::FileHeader64<Endianness>>(data, true),
        _ => Err(Error::malformed(
            "invalid ELF header (truncated or unknown class)",
        )),
    }
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

fn read_generic<Elf: FileHeader<Endian = Endianness>>(
    data: &[u8],
    is_64: bool,
) -> Result<SymbolTable> {
    let header =
        Elf::parse(data).map_err(|e| Error::malformed(format!("invalid ELF header: {e}")))?;
    let endian = header
        .endian()
        .map_err(|e| Error::malformed(format!("invalid ELF header: {e}")))?;
    let machine = header.e_machine(endian);
    if let Arch::Other(m) = elf_arch(machine) {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!("unsupported ELF machine type {m} (e_machine)"),
        ));
    }
    let format = match header.e_type(endian) {
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
    let sections = header
        .sections(endian, data)
        .map_err(|e| Error::malformed(format!("invalid ELF section headers: {e}")))?;
    let mut symtab = sections
        .symbols(endian, data, elf::SHT_SYMTAB)
        .map_err(|e| Error::malformed(format!("invalid .symtab: {e}")))?;
    if symtab.is_empty() {
        symtab = sections
            .symbols(endian, data, elf::SHT_DYNSYM)
            .map_err(|e| Error::malformed(format!("invalid .dynsym: {e}")))?;
    }
    if symtab.is_empty() {
        return Err(Error::new(
            ErrorKind::Malformed,
            "no symbol table (.symtab and .dynsym are absent: stripped?)",
        ));
    }

    // Section names and BFD flags, computed once.
    let mut sec_info: Vec<(Arc<str>, SecFlags)> = Vec::with_capacity(sections.len());
    for (i, s) in sections.iter().enumerate() {
        let name = sections
            .section_name(endian, s)
            .map_err(|e| Error::malformed(format!("invalid name of section {i}: {e}")))?;
        let flags = sec_flags(name, s.sh_type(endian), s.sh_flags(endian).into());
        sec_info.push((Arc::from(String::from_utf8_lossy(name)), flags));
    }

    let mut symbols = Vec::with_capacity(symtab.len());
    let mut file: Option<Arc<str>> = None;
    for (index, sym) in symtab.enumerate() {
        if index.0 == 0 {
            continue;
        }
        let name_bytes = symtab
            .symbol_name(endian, sym)
            .map_err(|e| Error::malformed(format!("invalid name of symbol {}: {e}", index.0)))?;
        let name = String::from_utf8_lossy(name_bytes).into_owned();
        let st_type = sym.st_type();
        let bind = sym.st_bind();
        if st_type == elf::STT_FILE {
            file = (!name.is_empty()).then(|| Arc::from(name.as_str()));
        }
        let shndx = symtab
            .symbol_section(endian, sym, index)
            .map_err(|e| Error::malformed(format!("invalid section of symbol {}: {e}", index.0)))?
            .map(|s| s.0);
        let raw_shndx = sym.st_shndx(endian);
        let section = match shndx {
            Some(i) => Some(sec_info.get(i).ok_or_else(|| {
                Error::malformed(format!(
                    "symbol {} ({name}) names section {i}, past the {} sections",
                    index.0,
                    sec_info.len()
                ))
            })?),
            None => None,
        };
        let kind = match st_type {
            elf::STT_FUNC => SymKind::Func,
            elf::STT_OBJECT | elf::STT_COMMON => SymKind::Object,
            elf::STT_TLS => SymKind::Tls,
            elf::STT_GNU_IFUNC => SymKind::Ifunc,
            elf::STT_SECTION => SymKind::Section,
            elf::STT_FILE => SymKind::File,
            _ => SymKind::NoType,
        };
        let binding = match bind {
            elf::STB_LOCAL => Binding::Local,
            elf::STB_GLOBAL => Binding::Global,
            elf::STB_WEAK => Binding::Weak,
            elf::STB_GNU_UNIQUE => Binding::Unique,
            _ => Binding::Unknown,
        };
        let undefined = raw_shndx == elf::SHN_UNDEF;
        let common = raw_shndx == elf::SHN_COMMON || st_type == elf::STT_COMMON && undefined;
        let absolute = raw_shndx == elf::SHN_ABS;
        let letter = nm_letter(NmInput {
            undefined,
            common,
            absolute,
            binding,
            object: matches!(st_type, elf::STT_OBJECT | elf::STT_COMMON),
            ifunc: st_type == elf::STT_GNU_IFUNC,
            section: section.map(|(n, f)| (n.as_bytes(), *f)),
        });
        symbols.push(Symbol {
            addr: sym.st_value(endian).into(),
            size: Some(sym.st_size(endian).into()),
            letter,
            binding,
            kind,
            section_index: shndx,
            section: section.map(|(n, _)| n.clone()),
            file: if binding == Binding::Local && kind != SymKind::File {
                file.clone()
            } else {
                None
            },
            module: None,
            member: None,
            name,
        });
    }
    Ok(SymbolTable {
        symbols,
        format,
        arch: Some(elf_arch(machine)),
        is_64,
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
