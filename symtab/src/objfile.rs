//! What every reader of an object's bytes needs, once: integers in the object's byte
//! order, relocation targets (S + A) and C strings.
//!
//! The ELF symbol reader ([`crate::read`]), the kallsyms table reader
//! ([`crate::kallsyms::decode`]), ksym's DWARF loader (relocated debug sections of a
//! `.ko`), its `__bug_table` reader and its initcall table reader all read through these.

use object::{Object as _, ObjectSection as _, ObjectSymbol as _};
use object::{RelocationFlags, RelocationTarget};

use crate::{Error, Result};

/// The unsigned integer of `width` bytes (at most 8) at `at` in `data`, little or big
/// endian; `None` when `data` ends first.
pub fn uint(data: &[u8], at: usize, width: usize, little_endian: bool) -> Option<u64> {
    if width > 8 {
        return None;
    }
    let b = data.get(at..at.checked_add(width)?)?;
    let fold = |v: u64, &byte: &u8| v << 8 | u64::from(byte);
    Some(if little_endian {
        b.iter().rev().fold(0, fold)
    } else {
        b.iter().fold(0, fold)
    })
}

/// `fn $name(data, at, little_endian) -> Option<$t>`: a fixed-width integer, for the hot
/// loops (the in-place symbol table scans) where [`uint`]'s byte loop would cost.
macro_rules! fixed_width {
    ($(#[$doc:meta])* $name:ident: $t:ty) => {
        $(#[$doc])*
        pub fn $name(data: &[u8], at: usize, little_endian: bool) -> Option<$t> {
            let b = data
                .get(at..at.checked_add(std::mem::size_of::<$t>())?)?
                .try_into()
                .ok()?;
            Some(if little_endian {
                <$t>::from_le_bytes(b)
            } else {
                <$t>::from_be_bytes(b)
            })
        }
    };
}

fixed_width!(
    /// [`uint`] of 2 bytes, as a `u16`.
    u16_at: u16
);
fixed_width!(
    /// [`uint`] of 4 bytes, as a `u32`.
    u32_at: u32
);
fixed_width!(
    /// [`uint`] of 8 bytes, as a `u64`.
    u64_at: u64
);

/// The bytes of the NUL-terminated string at `at` in `data`, without the NUL; `None`
/// when no NUL follows.
pub fn c_str(data: &[u8], at: usize) -> Option<&[u8]> {
    let rest = data.get(at..)?;
    let end = rest.iter().position(|&b| b == 0)?;
    Some(&rest[..end])
}

/// One ELF relocation of a section, with its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelocTarget {
    /// Offset of the place (the field relocated) in the section.
    pub offset: u64,
    /// The relocation type (`r_type`: `R_X86_64_64`, `R_AARCH64_PREL32`, ...).
    pub r_type: u32,
    /// S + A: the symbol's value plus the base the caller gives it, plus the addend
    /// (S is 0 for a relocation against no symbol).
    pub value: u64,
}

/// The ELF relocations of `section` with their targets S + A. S is the symbol's value
/// plus `base(symbol)`: the address where the caller places the symbol's section (in a
/// relocatable object every section is at 0 until someone lays them out), or for an
/// undefined symbol where it lives; `base` returns `None` to skip a relocation. A symbol
/// index that names no symbol is an error naming the relocation's offset.
pub fn reloc_targets<'d, 'f, F>(
    file: &'f object::File<'d>,
    section: &object::Section<'d, 'f>,
    mut base: F,
) -> impl Iterator<Item = Result<RelocTarget>> + use<'d, 'f, F>
where
    F: FnMut(&object::Symbol<'d, 'f>) -> Option<u64>,
{
    section.relocations().filter_map(move |(offset, rel)| {
        let RelocationFlags::Elf { r_type } = rel.flags() else {
            return None;
        };
        let s = match rel.target() {
            RelocationTarget::Symbol(i) => match file.symbol_by_index(i) {
                Ok(sym) => base(&sym)?.wrapping_add(sym.address()),
                Err(e) => {
                    let msg = format!("relocation at {offset:#x}: {e}");
                    return Some(Err(Error::malformed(msg)));
                }
            },
            RelocationTarget::Absolute => 0,
            _ => return None,
        };
        Some(Ok(RelocTarget {
            offset,
            r_type,
            value: s.wrapping_add_signed(rel.addend()),
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_both_ways() {
        let d = [0x01, 0x02, 0x03, 0x04, 0x05];
        assert_eq!(uint(&d, 1, 2, true), Some(0x0302));
        assert_eq!(uint(&d, 1, 2, false), Some(0x0203));
        assert_eq!(uint(&d, 0, 3, false), Some(0x01_0203));
        assert_eq!(uint(&d, 4, 2, true), None);
        assert_eq!(uint(&d, 0, 0, true), Some(0));
        assert_eq!(uint(&[0xff; 9], 0, 9, true), None);
        assert_eq!(u16_at(&d, 3, true), Some(0x0504));
        assert_eq!(u32_at(&d, 1, false), Some(0x0203_0405));
        assert_eq!(u64_at(&d, 0, true), None);
    }

    #[test]
    fn strings() {
        assert_eq!(c_str(b"ab\0cd\0", 3), Some(&b"cd"[..]));
        assert_eq!(c_str(b"ab", 0), None);
        assert_eq!(c_str(b"ab\0", 9), None);
    }
}
