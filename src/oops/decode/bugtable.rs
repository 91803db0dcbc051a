//! `__bug_table`: the kernel's own record of where each `BUG()` and `WARN()` sits.
//!
//! A `BUG()`/`WARN()` compiles to a trapping instruction (x86 `ud2`, arm64 `brk`) plus a
//! `struct bug_entry` in `__bug_table` naming the trap's address and the `file:line` of the
//! statement. The trap handler prints that `file:line` (`kernel BUG at ...!`, `WARNING:
//! ... at ...`). DWARF can disagree: the trap may sit at the end of the function where the
//! line table names another line, so a decoder shows the table's answer for a trapping pc.
//!
//! Entry layouts (`include/asm-generic/bug.h` of Linux 6.1):
//! - `CONFIG_GENERIC_BUG_RELATIVE_POINTERS` (x86_64, arm64, ...): `{s32 bug_addr_disp;
//!   s32 file_disp; u16 line; u16 flags}`, 12 bytes, each displacement relative to its own
//!   field; 8 bytes (`{s32; u16 flags}` padded) without `CONFIG_DEBUG_BUGVERBOSE`.
//! - absolute pointers: `{ulong bug_addr; const char *file; u16 line; u16 flags}`, 24
//!   bytes on 64-bit (16 without file and line); 12 on 32-bit.
//!
//! The layout is chosen by trying each and keeping the first whose every entry points into
//! executable code (and whose files are strings in the image). In a relocatable `.ko` the
//! fields are zero until the module loader applies `.rela__bug_table`; here each
//! relocation's target (symbol + addend, in the symbolizer's synthetic layout) is the
//! field's value, whatever the relocation type (PC-relative or absolute).
//!
//! The table is ELF data, read through the object layer ([`symtab::objfile`]: integers,
//! relocation targets, C strings) at the symbolizer's addresses; it lives with `decode`,
//! its one user, not in the DWARF engine.

use std::collections::HashMap;

use object::{Object as _, ObjectSymbol as _};
use symtab::objfile::{c_str, reloc_targets, uint};

use super::{Error, ErrorKind};
use crate::dwarf::{ObjectKind, Symbolizer};

/// `BUGFLAG_WARNING`: the entry is a `WARN()`, not a `BUG()`.
pub const BUGFLAG_WARNING: u16 = 1;

/// One `__bug_table` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BugEntry {
    /// Lookup address of the trapping instruction.
    pub addr: u64,
    /// Source file as the kernel prints it (`drivers/misc/lkdtm/bugs.c`); `None` without
    /// `CONFIG_DEBUG_BUGVERBOSE`.
    pub file: Option<String>,
    /// Source line of the `BUG()`/`WARN()` statement.
    pub line: Option<u32>,
    /// `bug_entry::flags` (`BUGFLAG_WARNING` = 1, `ONCE` = 2, taint in the high byte).
    pub flags: u16,
}

impl BugEntry {
    /// True for `WARN()` entries.
    pub fn is_warning(&self) -> bool {
        self.flags & BUGFLAG_WARNING != 0
    }
}

/// The entries of one object, sorted by address.
#[derive(Clone, Debug, Default)]
pub struct BugTable {
    entries: Vec<BugEntry>,
}

impl BugTable {
    /// The entry for a trapping instruction at `addr` (lookup address).
    pub fn find(&self, addr: u64) -> Option<&BugEntry> {
        let i = self.entries.partition_point(|e| e.addr < addr);
        self.entries.get(i).filter(|e| e.addr == addr)
    }

    /// All entries.
    pub fn entries(&self) -> &[BugEntry] {
        &self.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the object has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Raw field values of one entry before the strings are read.
struct Raw {
    addr: u64,
    file: Option<u64>,
    line: Option<u16>,
    flags: u16,
}

/// A candidate layout: entry size, pointer width, relative, has file and line.
#[derive(Clone, Copy)]
struct Layout {
    size: usize,
    ptr: usize,
    relative: bool,
    verbose: bool,
}

const LAYOUTS: [Layout; 6] = [
    Layout {
        size: 12,
        ptr: 4,
        relative: true,
        verbose: true,
    },
    Layout {
        size: 24,
        ptr: 8,
        relative: false,
        verbose: true,
    },
    Layout {
        size: 8,
        ptr: 4,
        relative: true,
        verbose: false,
    },
    Layout {
        size: 16,
        ptr: 8,
        relative: false,
        verbose: false,
    },
    Layout {
        size: 12,
        ptr: 4,
        relative: false,
        verbose: true,
    },
    Layout {
        size: 8,
        ptr: 4,
        relative: false,
        verbose: false,
    },
];

/// Read the `__bug_table` of `symz`'s object. An object without one gives an empty
/// table; a table no layout explains is an error naming the file.
pub fn read(symz: &Symbolizer) -> Result<BugTable, Error> {
    let path = symz.path().display().to_string();
    let Some(sec) = symz.section_named("__bug_table") else {
        return Ok(BugTable::default());
    };
    let data = symz.section_data(sec).ok_or_else(|| {
        Error::new(
            ErrorKind::Malformed,
            format!("{path}: __bug_table: past the end of the file"),
        )
    })?;
    if data.is_empty() {
        return Ok(BugTable::default());
    }
    let relocatable = symz.kind() == ObjectKind::Relocatable;
    let relocs = if relocatable {
        Some(reloc_targets_of(symz, sec.index)?)
    } else {
        None
    };
    // The table's lookup address: `sh_addr`, or a `.ko`'s synthetic base.
    let base = sec.addr;
    let le = symz.is_little_endian();
    for layout in LAYOUTS {
        if data.len() % layout.size != 0 {
            continue;
        }
        let raws = decode(data, base, layout, le, relocs.as_ref());
        if raws.is_empty() || !raws.iter().all(|r| is_exec(symz, r.addr)) {
            continue;
        }
        let mut strings: HashMap<u64, Option<String>> = HashMap::new();
        let mut entries = Vec::with_capacity(raws.len());
        let mut bad = false;
        for r in raws {
            let file = match r.file {
                Some(a) => {
                    let s = strings
                        .entry(a)
                        .or_insert_with(|| c_string(symz, a))
                        .clone();
                    if s.is_none() {
                        bad = true;
                        break;
                    }
                    s
                }
                None => None,
            };
            entries.push(BugEntry {
                addr: r.addr,
                file,
                line: r.line.map(u32::from),
                flags: r.flags,
            });
        }
        if bad {
            continue;
        }
        entries.sort_by_key(|e| e.addr);
        return Ok(BugTable { entries });
    }
    Err(Error::new(
        ErrorKind::Unsupported,
        format!(
            "{path}: __bug_table of {} bytes matches no known entry layout",
            data.len()
        ),
    ))
}

/// Section offset in `__bug_table` (section `index`) → relocation target (lookup
/// address). The relocations need `object`'s full reader, parsed here once.
fn reloc_targets_of(symz: &Symbolizer, index: usize) -> Result<HashMap<u64, u64>, Error> {
    let file = symz.elf()?;
    let Ok(sec) = file.section_by_index(object::SectionIndex(index)) else {
        return Ok(HashMap::new());
    };
    let base = |sym: &object::Symbol<'_, '_>| {
        let shndx = sym.section_index()?;
        let info = symz.sections().get(shndx.0)?;
        Some(info.addr)
    };
    Ok(reloc_targets(&file, &sec, base)
        .filter_map(Result::ok)
        .map(|r| (r.offset, r.value))
        .collect())
}

fn is_exec(symz: &Symbolizer, addr: u64) -> bool {
    symz.section_offset(addr).is_some_and(|(s, _)| s.exec)
}

/// The NUL-terminated string at lookup address `addr`.
fn c_string(symz: &Symbolizer, addr: u64) -> Option<String> {
    let (info, off) = symz.section_offset(addr)?;
    let data = symz.section_data(info)?;
    let s = std::str::from_utf8(c_str(data, usize::try_from(off).ok()?)?).ok()?;
    (!s.is_empty()).then(|| s.to_string())
}

/// A pointer field at `at`: a relocation target, else the stored value (relative
/// displacements added to the field's own address).
fn pointer(
    data: &[u8],
    at: usize,
    base: u64,
    layout: Layout,
    le: bool,
    relocs: Option<&HashMap<u64, u64>>,
) -> Option<u64> {
    if let Some(r) = relocs {
        return r.get(&(at as u64)).copied();
    }
    let raw = uint(data, at, layout.ptr, le)?;
    if layout.relative {
        let disp = i64::from(raw as u32 as i32);
        Some(base.wrapping_add(at as u64).wrapping_add_signed(disp))
    } else {
        Some(raw)
    }
}

fn decode(
    data: &[u8],
    base: u64,
    layout: Layout,
    le: bool,
    relocs: Option<&HashMap<u64, u64>>,
) -> Vec<Raw> {
    let mut out = Vec::with_capacity(data.len() / layout.size);
    for start in (0..data.len()).step_by(layout.size) {
        let Some(addr) = pointer(data, start, base, layout, le, relocs) else {
            return Vec::new();
        };
        let mut at = start + layout.ptr;
        let (file, line) = if layout.verbose {
            let Some(f) = pointer(data, at, base, layout, le, relocs) else {
                return Vec::new();
            };
            at += layout.ptr;
            let line = uint(data, at, 2, le).unwrap_or(0) as u16;
            at += 2;
            (Some(f), Some(line))
        } else {
            (None, None)
        };
        let flags = uint(data, at, 2, le).unwrap_or(0) as u16;
        out.push(Raw {
            addr,
            file,
            line,
            flags,
        });
    }
    out
}
