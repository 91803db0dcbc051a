//! LLVM bitcode objects: the symbol table LLVM stores next to the IR, read without LLVM.
//!
//! Clang LTO objects (`-flto`, `-flto=thin`) are bitcode, not ELF. Since LLVM 5 every
//! bitcode file carries an *irsymtab*: a `SYMTAB_BLOCK` whose blob is a little-endian table
//! of symbols (names are offsets into the blob of the `STRTAB_BLOCK`). Linkers read it to
//! resolve symbols without loading the IR; so does this reader. Layout, from LLVM's
//! `llvm/Object/IRSymtab.h` and `llvm/Bitcode/LLVMBitCodes.h`:
//!
//! - optional wrapper header: magic `0x0B17C0DE`, version, offset, size, cpu type (5 × u32 LE);
//! - bitstream magic `BC 0xC0DE`, then top-level blocks read with 2-bit abbreviation ids;
//! - the irsymtab header: `Version`, `Producer`, ranges of modules, comdats, symbols,
//!   uncommons (each range: offset, count), ...; a symbol is 24 bytes: `Name` and `IRName`
//!   (offset, size into the strtab), comdat index, flags.
//!
//! nm letters follow `llvm-nm`'s rules for IR symbols: weak → `W` (`w` if undefined),
//! undefined → `U`, common → `C`, executable → `t`, anything else → `d`; uppercase when
//! global. Symbols flagged *format specific* (`llvm.*` intrinsics and the like) are left
//! out, as `llvm-nm` leaves them out by default. Bitcode symbols have no address: they are
//! given address 0, and no section.

use crate::{Arch, Binding, Error, ErrorKind, Result, SymKind, Symbol, SymbolTable, TableFormat};

/// The irsymtab versions whose symbol layout this reader knows (LLVM 13+ writes 3,
/// later releases 4: same header and symbol records).
const KNOWN_VERSIONS: [u32; 2] = [3, 4];

const WRAPPER_MAGIC: u32 = 0x0B17_C0DE;
const BITCODE_MAGIC: &[u8; 4] = b"BC\xc0\xde";
const STRTAB_BLOCK_ID: u64 = 23;
const SYMTAB_BLOCK_ID: u64 = 25;
/// Record code of the blob in both `STRTAB_BLOCK` and `SYMTAB_BLOCK`.
const BLOB_CODE: u64 = 1;
const HEADER_SIZE: usize = 76;
const SYMBOL_SIZE: usize = 24;

// irsymtab symbol flag bits (`storage::Symbol::FlagBits`).
const FB_UNDEFINED: u32 = 3;
const FB_WEAK: u32 = 4;
const FB_COMMON: u32 = 5;
const FB_TLS: u32 = 8;
const FB_GLOBAL: u32 = 10;
const FB_FORMAT_SPECIFIC: u32 = 11;
const FB_EXECUTABLE: u32 = 13;

/// One irsymtab symbol with its raw flags, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IrSymbol {
    /// The mangled name (what the linker sees).
    pub name: String,
    /// The irsymtab flag word (`storage::Symbol::Flags`).
    pub flags: u32,
}

impl IrSymbol {
    fn flag(&self, bit: u32) -> bool {
        self.flags >> bit & 1 == 1
    }

    /// The letter `llvm-nm` prints for this symbol.
    pub fn nm_letter(&self) -> char {
        let global = self.flag(FB_GLOBAL);
        if self.flag(FB_WEAK) {
            return if self.flag(FB_UNDEFINED) { 'w' } else { 'W' };
        }
        if self.flag(FB_UNDEFINED) {
            return 'U';
        }
        if self.flag(FB_COMMON) {
            return 'C';
        }
        let c = if self.flag(FB_EXECUTABLE) { 't' } else { 'd' };
        if global {
            c.to_ascii_uppercase()
        } else {
            c
        }
    }
}

/// The irsymtab of a bitcode file: its header fields and symbols (every module's).
#[derive(Clone, Debug)]
pub struct IrSymtab {
    /// The irsymtab format version.
    pub version: u32,
    /// The producer (`LLVM_VERSION_STRING [LLVM_REVISION]`), e.g. `16.0.6`.
    pub producer: String,
    /// The target triple, e.g. `x86_64-pc-linux-gnu`.
    pub triple: String,
    /// The source file name given at compile time.
    pub source_file: String,
    /// The symbols, in stored order.
    pub symbols: Vec<IrSymbol>,
}

/// Read the symbols of an LLVM bitcode object (raw or wrapped) as `llvm-nm` lists them.
pub fn read_bitcode(data: &[u8]) -> Result<SymbolTable> {
    let symtab = read_irsymtab(data)?;
    let arch = arch_of(&symtab.triple);
    let is_64 = !matches!(arch, Some(Arch::I386 | Arch::Arm))
        && !symtab.triple.starts_with("riscv32")
        && !symtab.triple.starts_with("powerpc-");
    let symbols = symtab
        .symbols
        .iter()
        .filter(|s| !s.flag(FB_FORMAT_SPECIFIC))
        .map(|s| {
            let mut sym = Symbol::from_letter(s.name.clone(), 0, s.nm_letter());
            sym.binding = if s.flag(FB_WEAK) {
                Binding::Weak
            } else if s.flag(FB_GLOBAL) {
                Binding::Global
            } else {
                Binding::Local
            };
            sym.kind = if s.flag(FB_EXECUTABLE) {
                SymKind::Func
            } else if s.flag(FB_TLS) {
                SymKind::Tls
            } else if s.flag(FB_UNDEFINED) {
                SymKind::NoType
            } else {
                SymKind::Object
            };
            sym
        })
        .collect();
    Ok(SymbolTable {
        symbols,
        // Bitcode objects stand for relocatable objects in a link.
        format: TableFormat::ElfRelocatable,
        arch,
        is_64,
    })
}

fn arch_of(triple: &str) -> Option<Arch> {
    let cpu = triple.split('-').next().unwrap_or("");
    Some(match cpu {
        "x86_64" => Arch::X86_64,
        "i386" | "i486" | "i586" | "i686" => Arch::I386,
        "aarch64" | "arm64" => Arch::Aarch64,
        c if c.starts_with("arm") || c.starts_with("thumb") => Arch::Arm,
        c if c.starts_with("riscv") => Arch::Riscv,
        c if c.starts_with("powerpc") => Arch::PowerPc,
        "s390x" => Arch::S390,
        _ => return None,
    })
}

/// Find and decode the irsymtab of a bitcode file.
pub fn read_irsymtab(data: &[u8]) -> Result<IrSymtab> {
    let stream = unwrap(data)?;
    let (symtab, strtab) = find_blobs(stream)?;
    let symtab = symtab.ok_or_else(|| {
        Error::new(
            ErrorKind::Unsupported,
            "bitcode has no symbol table block (written by LLVM older than 5?)",
        )
    })?;
    let strtab = strtab.ok_or_else(|| Error::malformed("bitcode has no string table block"))?;
    decode_irsymtab(symtab, strtab)
}

/// Strip the optional wrapper header, check the bitstream magic, return the stream.
fn unwrap(data: &[u8]) -> Result<&[u8]> {
    let data = if data.len() >= 4 && le32(data, 0) == Some(WRAPPER_MAGIC) {
        let (Some(offset), Some(size)) = (le32(data, 8), le32(data, 12)) else {
            return Err(Error::malformed("bitcode wrapper header is truncated"));
        };
        let (offset, size) = (offset as usize, size as usize);
        offset
            .checked_add(size)
            .and_then(|end| data.get(offset..end))
            .ok_or_else(|| {
                Error::malformed(format!(
                    "bitcode wrapper points past the end of the file \
                     (offset {offset}, size {size}, file {})",
                    data.len()
                ))
            })?
    } else {
        data
    };
    if !data.starts_with(BITCODE_MAGIC) {
        return Err(Error::malformed("no bitcode magic (BC 0xC0DE)"));
    }
    Ok(&data[4..])
}

fn le32(d: &[u8], at: usize) -> Option<u32> {
    let b = d.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// A bit cursor over a bitstream: fields are read least significant bit first.
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
}

fn truncated() -> Error {
    Error::malformed("bitcode is truncated")
}

impl<'a> Bits<'a> {
    fn bits_left(&self) -> usize {
        (self.data.len() * 8).saturating_sub(self.pos)
    }

    fn fixed(&mut self, width: u32) -> Result<u64> {
        if width > 64 {
            return Err(Error::malformed(format!("bitcode field of {width} bits")));
        }
        if self.bits_left() < width as usize {
            return Err(truncated());
        }
        let mut v = 0u64;
        for i in 0..width {
            let p = self.pos + i as usize;
            let bit = (self.data[p / 8] >> (p % 8)) & 1;
            v |= u64::from(bit) << i;
        }
        self.pos += width as usize;
        Ok(v)
    }

    fn vbr(&mut self, width: u32) -> Result<u64> {
        if !(2..=32).contains(&width) {
            return Err(Error::malformed(format!("bitcode VBR width {width}")));
        }
        let hi = 1u64 << (width - 1);
        let mut v = 0u64;
        let mut shift = 0u32;
        loop {
            let chunk = self.fixed(width)?;
            if shift >= 64 {
                return Err(Error::malformed("bitcode VBR value overflows 64 bits"));
            }
            v |= (chunk & (hi - 1)) << shift;
            if chunk & hi == 0 {
                return Ok(v);
            }
            shift += width - 1;
        }
    }

    fn align32(&mut self) -> Result<()> {
        let p = self.pos.div_ceil(32) * 32;
        if p > self.data.len() * 8 {
            return Err(truncated());
        }
        self.pos = p;
        Ok(())
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        debug_assert!(self.pos.is_multiple_of(8));
        let start = self.pos / 8;
        let b = start
            .checked_add(n)
            .and_then(|end| self.data.get(start..end))
            .ok_or_else(truncated)?;
        self.pos += n * 8;
        Ok(b)
    }
}

#[derive(Clone, Copy)]
enum Op {
    Literal(u64),
    Fixed(u32),
    Vbr(u32),
    Array,
    Char6,
    Blob,
}

/// The blobs of a bitcode file's symtab and strtab blocks, where present.
type Blobs<'a> = (Option<&'a [u8]>, Option<&'a [u8]>);

/// Walk the top-level blocks; return the blobs of the last symtab and strtab blocks.
fn find_blobs(stream: &[u8]) -> Result<Blobs<'_>> {
    let mut bits = Bits {
        data: stream,
        pos: 0,
    };
    let (mut symtab, mut strtab) = (None, None);
    while bits.bits_left() >= 32 {
        let id = bits.fixed(2)?;
        match id {
            1 => {
                let block = bits.vbr(8)?;
                let width = bits.vbr(4)? as u32;
                bits.align32()?;
                let words = bits.fixed(32)? as usize;
                let body = bits.bytes(words.checked_mul(4).ok_or_else(truncated)?)?;
                if block == SYMTAB_BLOCK_ID || block == STRTAB_BLOCK_ID {
                    let blob = block_blob(body, width)
                        .map_err(|e| e.prefixed(format!("bitcode block {block}")))?;
                    if block == SYMTAB_BLOCK_ID {
                        symtab = blob.or(symtab);
                    } else {
                        strtab = blob.or(strtab);
                    }
                }
            }
            // Zero padding after the last block (e.g. to the wrapper's size).
            0 if stream[bits.pos.saturating_sub(2) / 8..]
                .iter()
                .all(|&b| b == 0) =>
            {
                break
            }
            _ => {
                return Err(Error::malformed(format!(
                    "unexpected abbreviation id {id} at top level of bitcode (bit {})",
                    bits.pos - 2
                )))
            }
        }
    }
    Ok((symtab, strtab))
}

/// Read a block body (after its header) with abbreviation width `width`; return the blob
/// of its first record with code [`BLOB_CODE`].
fn block_blob(body: &[u8], width: u32) -> Result<Option<&[u8]>> {
    if !(1..=32).contains(&width) {
        return Err(Error::malformed(format!("abbreviation width {width}")));
    }
    let mut bits = Bits { data: body, pos: 0 };
    let mut abbrevs: Vec<Vec<Op>> = Vec::new();
    loop {
        if bits.bits_left() < width as usize {
            return Ok(None);
        }
        match bits.fixed(width)? {
            0 => return Ok(None),
            1 => {
                // A nested block: skip it.
                bits.vbr(8)?;
                bits.vbr(4)?;
                bits.align32()?;
                let words = bits.fixed(32)? as usize;
                bits.bytes(words.checked_mul(4).ok_or_else(truncated)?)?;
            }
            2 => abbrevs.push(define_abbrev(&mut bits)?),
            3 => {
                bits.vbr(6)?;
                let n = bits.vbr(6)?;
                for _ in 0..n {
                    bits.vbr(6)?;
                }
            }
            id => {
                let ops = abbrevs
                    .get(id as usize - 4)
                    .ok_or_else(|| Error::malformed(format!("undefined abbreviation id {id}")))?
                    .clone();
                let (code, blob) = abbreviated_record(&mut bits, &ops)?;
                if code == Some(BLOB_CODE) && blob.is_some() {
                    return Ok(blob);
                }
            }
        }
    }
}

fn define_abbrev(bits: &mut Bits<'_>) -> Result<Vec<Op>> {
    let n = bits.vbr(5)?;
    let mut ops = Vec::new();
    for _ in 0..n {
        if bits.fixed(1)? == 1 {
            ops.push(Op::Literal(bits.vbr(8)?));
            continue;
        }
        ops.push(match bits.fixed(3)? {
            1 => Op::Fixed(bits.vbr(5)? as u32),
            2 => Op::Vbr(bits.vbr(5)? as u32),
            3 => Op::Array,
            4 => Op::Char6,
            5 => Op::Blob,
            e => {
                return Err(Error::malformed(format!(
                    "unknown abbreviation encoding {e}"
                )))
            }
        });
    }
    Ok(ops)
}

fn scalar(bits: &mut Bits<'_>, op: Op) -> Result<u64> {
    match op {
        Op::Literal(v) => Ok(v),
        Op::Fixed(0) | Op::Vbr(0) => Ok(0),
        Op::Fixed(w) => bits.fixed(w),
        Op::Vbr(w) => bits.vbr(w),
        Op::Char6 => bits.fixed(6),
        Op::Array | Op::Blob => Err(Error::malformed("array or blob used as an array element")),
    }
}

/// Read one abbreviated record; return its code and its blob, if it has one.
fn abbreviated_record<'a>(
    bits: &mut Bits<'a>,
    ops: &[Op],
) -> Result<(Option<u64>, Option<&'a [u8]>)> {
    let (mut code, mut blob) = (None, None);
    let mut i = 0;
    while i < ops.len() {
        let value = match ops[i] {
            Op::Array => {
                let elem = *ops
                    .get(i + 1)
                    .ok_or_else(|| Error::malformed("array abbreviation without element type"))?;
                let n = bits.vbr(6)?;
                let mut first = None;
                if matches!(elem, Op::Literal(_) | Op::Fixed(0) | Op::Vbr(0)) {
                    // Elements of no bits: do not loop `n` (untrusted) times.
                    if n > 0 {
                        first = Some(scalar(bits, elem)?);
                    }
                } else {
                    for _ in 0..n {
                        let v = scalar(bits, elem)?;
                        first = first.or(Some(v));
                    }
                }
                i += 1;
                first
            }
            Op::Blob => {
                let n = bits.vbr(6)? as usize;
                bits.align32()?;
                blob = Some(bits.bytes(n)?);
                bits.align32()?;
                None
            }
            op => Some(scalar(bits, op)?),
        };
        if code.is_none() {
            code = value;
        }
        i += 1;
    }
    Ok((code, blob))
}

/// Decode the irsymtab blob against the strtab blob.
fn decode_irsymtab(symtab: &[u8], strtab: &[u8]) -> Result<IrSymtab> {
    let word = |at: usize| {
        le32(symtab, at).ok_or_else(|| Error::malformed("irsymtab header is truncated"))
    };
    let version = word(0)?;
    if !KNOWN_VERSIONS.contains(&version) {
        let producer = string(strtab, word(4)?, word(8)?).unwrap_or_default();
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "unknown bitcode symbol table version {version} (producer {producer:?}; \
                 known versions: 3, 4)"
            ),
        ));
    }
    if symtab.len() < HEADER_SIZE {
        return Err(Error::malformed("irsymtab header is truncated"));
    }
    let str_at = |at: usize| -> Result<String> {
        string(strtab, word(at)?, word(at + 4)?)
            .ok_or_else(|| Error::malformed("irsymtab string points past the string table"))
    };
    let producer = str_at(4)?;
    let (sym_off, sym_n) = (word(28)? as usize, word(32)? as usize);
    let triple = str_at(44)?;
    let source_file = str_at(52)?;
    let end = sym_n
        .checked_mul(SYMBOL_SIZE)
        .and_then(|len| sym_off.checked_add(len))
        .filter(|&end| end <= symtab.len())
        .ok_or_else(|| {
            Error::malformed(format!(
                "irsymtab symbol range ({sym_n} symbols at {sym_off}) is past its end ({})",
                symtab.len()
            ))
        })?;
    let mut symbols = Vec::with_capacity(sym_n);
    for at in (sym_off..end).step_by(SYMBOL_SIZE) {
        symbols.push(IrSymbol {
            name: str_at(at)?,
            flags: word(at + 20)?,
        });
    }
    Ok(IrSymtab {
        version,
        producer,
        triple,
        source_file,
        symbols,
    })
}

fn string(strtab: &[u8], offset: u32, size: u32) -> Option<String> {
    let start = offset as usize;
    let b = strtab.get(start..start.checked_add(size as usize)?)?;
    Some(String::from_utf8_lossy(b).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vbr_and_fixed_read_lsb_first() {
        // 0b1_0110 then 0b0_0011: vbr5 = 0110 | 0011 << 4 = 0x36.
        let data = [0b0111_0110, 0b0000_0000];
        let mut b = Bits {
            data: &data,
            pos: 0,
        };
        assert_eq!(b.vbr(5).unwrap(), 0x36);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for data in [
            &b"BC\xc0\xde"[..],
            b"BC\xc0\xde\xff\xff\xff\xff",
            b"\xde\xc0\x17\x0b",
        ] {
            assert!(read_bitcode(data).is_err());
        }
    }

    #[test]
    fn letters_follow_llvm_nm() {
        let s = |flags: u32| {
            IrSymbol {
                name: String::new(),
                flags,
            }
            .nm_letter()
        };
        assert_eq!(s(1 << FB_GLOBAL | 1 << FB_EXECUTABLE), 'T');
        assert_eq!(s(1 << FB_EXECUTABLE), 't');
        assert_eq!(s(1 << FB_GLOBAL), 'D');
        assert_eq!(s(0), 'd');
        assert_eq!(s(1 << FB_GLOBAL | 1 << FB_UNDEFINED), 'U');
        assert_eq!(s(1 << FB_WEAK | 1 << FB_UNDEFINED), 'w');
        assert_eq!(s(1 << FB_GLOBAL | 1 << FB_WEAK), 'W');
        assert_eq!(s(1 << FB_GLOBAL | 1 << FB_COMMON), 'C');
    }
}
