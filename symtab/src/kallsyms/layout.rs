//! The table layouts of Linux 6.1 through 7.0 and the assembler text that builds each.
//!
//! The 6.1 writer reproduces Debian 6.1.192's `scripts/kallsyms` byte for byte; the
//! later ones follow their kernels' generators in table order and encoding (see the
//! module documentation of [`super`] and `docs/kallsyms.md`).

use std::fmt;
use std::io::Write;
use std::str::FromStr;

use super::encode::Compressed;
use super::raw::MapSymbol;

/// A kallsyms table layout, named after the first kernel that used it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Layout {
    /// 6.1 (with the 6.2 backports of Debian's 6.1.y): addresses first, 3-byte
    /// `kallsyms_seqs_of_names` sorted by `.llvm.`-stripped names under `--lto-clang`.
    #[default]
    V6_1,
    /// 6.4: names and tokens first, then addresses/offsets, then the name index.
    V6_4,
    /// 6.11: always base-relative; the name index sorted by full names.
    V6_11,
    /// 6.15: no absolute-percpu encoding.
    V6_15,
    /// 7.0: offsets relative to each entry; no `kallsyms_relative_base`.
    V7_0,
}

impl Layout {
    /// Every layout, oldest first.
    pub const ALL: [Layout; 5] = [
        Layout::V6_1,
        Layout::V6_4,
        Layout::V6_11,
        Layout::V6_15,
        Layout::V7_0,
    ];

    /// The layout used by kernel version `major.minor`.
    pub fn for_version(major: u32, minor: u32) -> Layout {
        match (major, minor) {
            (0..=5, _) | (6, 0..=3) => Layout::V6_1,
            (6, 4..=10) => Layout::V6_4,
            (6, 11..=14) => Layout::V6_11,
            (6, _) => Layout::V6_15,
            _ => Layout::V7_0,
        }
    }

    /// True when symbol data comes before the name tables (6.1).
    pub fn addresses_first(self) -> bool {
        self == Layout::V6_1
    }

    /// True when `kallsyms_seqs_of_names` is sorted by `.llvm.`-stripped names under
    /// `--lto-clang` (6.1-6.10).
    pub fn has_lto_clang(self) -> bool {
        self <= Layout::V6_4
    }

    /// True when `--base-relative` is an option (before 6.11 it was; later it is implied,
    /// and 7.0 replaced it by entry-relative offsets).
    pub fn has_absolute_addresses(self) -> bool {
        self <= Layout::V6_4
    }

    /// True when `--absolute-percpu` exists (until 6.14).
    pub fn has_absolute_percpu(self) -> bool {
        self <= Layout::V6_11
    }

    /// True when `kallsyms_names` and `kallsyms_seqs_of_names` lines carry the symbol as
    /// a comment too (Masahiro Yamada, "kallsyms: add more original symbol type/name in
    /// comment lines", July 2024; 6.4 to 6.10 comment only `kallsyms_offsets`).
    pub fn comments_every_table(self) -> bool {
        self >= Layout::V6_11
    }

    /// True when offsets are relative to their own entry (7.0).
    pub fn is_pc_relative(self) -> bool {
        self == Layout::V7_0
    }
}

/// A layout by name (`6.1`, `6.4`, `6.11`, `6.15`, `7.0`) or by the version of a kernel
/// that writes it (`6.12` is the 6.11 layout): any `MAJOR.MINOR` from 6.1 on, mapped with
/// [`Layout::for_version`]. (Late 6.10.y stable kernels already write the 6.11 layout:
/// name it.)
impl FromStr for Layout {
    type Err = String;
    fn from_str(s: &str) -> Result<Layout, String> {
        let err = || {
            format!(
                "unknown kallsyms layout {s:?} (expected 6.1, 6.4, 6.11, 6.15, 7.0 or a \
                 kernel version MAJOR.MINOR from 6.1 on)"
            )
        };
        let (major, minor) = s.split_once('.').ok_or_else(err)?;
        let num = |t: &str| -> Option<u32> {
            (!t.is_empty() && t.bytes().all(|c| c.is_ascii_digit()))
                .then(|| t.parse().ok())
                .flatten()
        };
        match (num(major), num(minor)) {
            (Some(major @ 6), Some(minor @ 1..)) | (Some(major @ 7..), Some(minor)) => {
                Ok(Layout::for_version(major, minor))
            }
            _ => Err(err()),
        }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Layout::V6_1 => "6.1",
            Layout::V6_4 => "6.4",
            Layout::V6_11 => "6.11",
            Layout::V6_15 => "6.15",
            Layout::V7_0 => "7.0",
        })
    }
}

/// How the address table is encoded (resolved from the layout and the flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressMode {
    /// `kallsyms_addresses`: one pointer per symbol (`_text`-relative relocations).
    Absolute,
    /// `kallsyms_offsets`: u32 from `kallsyms_relative_base`.
    BaseRelative,
    /// `kallsyms_offsets`: non-negative values are absolute percpu addresses, negative
    /// ones `relative_base - 1 - value`.
    AbsolutePercpu,
    /// `kallsyms_offsets`: i32 from the entry's own address.
    PcRelative,
}

/// Everything the writer needs, computed by [`super::generate`].
pub(crate) struct Table<'a> {
    pub layout: Layout,
    pub mode: AddressMode,
    pub symbols: &'a [MapSymbol],
    pub compressed: &'a Compressed,
    pub text: u64,
    pub relative_base: u64,
    /// `kallsyms_seqs_of_names`, already sorted.
    pub seqs: &'a [u32],
}

/// Why writing stopped.
#[derive(Debug)]
pub(crate) enum WriteError {
    /// What the C tool reports with `kallsyms failure: ...` and exit status 1.
    Overflow(String),
    /// The output could not be written.
    Io(std::io::Error),
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> WriteError {
        WriteError::Io(e)
    }
}

/// Text is built in a buffer and handed to the writer in chunks, so that memory stays
/// small and output written before a failure is out, as the C tool's `printf`s are.
struct Sink<'a> {
    buf: Vec<u8>,
    out: &'a mut dyn Write,
}

impl Sink<'_> {
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    fn maybe_flush(&mut self) -> std::io::Result<()> {
        if self.buf.len() >= 1 << 16 {
            self.flush()?;
        }
        Ok(())
    }
}

/// A table's label: `ALGN` (the preamble's 8 or 4 bytes) through 6.19, `.balign 4`
/// from 7.0 ("kallsyms: Get rid of kallsyms relative base", which dropped the preamble).
fn label(o: &mut Vec<u8>, layout: Layout, name: &str) {
    let align = if layout >= Layout::V7_0 {
        ".balign 4"
    } else {
        "ALGN"
    };
    let _ = write!(o, ".globl {name}\n\t{align}\n{name}:\n");
}

/// `\t/* Tname */`: 6.4 and later comment each `kallsyms_offsets` entry with its symbol.
fn comment(o: &mut Vec<u8>, layout: Layout, s: &MapSymbol) {
    if !layout.addresses_first() {
        symbol_comment(o, s);
    }
}

fn symbol_comment(o: &mut Vec<u8>, s: &MapSymbol) {
    o.extend_from_slice(b"\t/* ");
    o.push(s.kind);
    o.extend_from_slice(&s.name);
    o.extend_from_slice(b" */");
}

/// `%#llx` of glibc: `0` for zero, else `0x` and lowercase hex.
pub(crate) fn alt_hex(v: u64) -> String {
    if v == 0 {
        "0".into()
    } else {
        format!("{v:#x}")
    }
}

fn output_address(o: &mut Vec<u8>, text: u64, addr: u64) {
    if text <= addr {
        let _ = writeln!(o, "\tPTR\t_text + {}", alt_hex(addr - text));
    } else {
        let _ = writeln!(o, "\tPTR\t_text - {}", alt_hex(text - addr));
    }
}

/// Write the assembler source for `t`.
pub(crate) fn write(t: &Table<'_>, out: &mut dyn Write) -> Result<(), WriteError> {
    let mut sink = Sink {
        buf: Vec::with_capacity(1 << 17),
        out,
    };
    let res = write_all(t, &mut sink);
    sink.flush()?;
    res
}

fn write_all(t: &Table<'_>, s: &mut Sink<'_>) -> Result<(), WriteError> {
    // The preamble defines `PTR` and `ALGN`; 7.0 uses neither and writes none.
    if t.layout < Layout::V7_0 {
        s.buf.extend_from_slice(
            b"#include <asm/bitsperlong.h>\n#if BITS_PER_LONG == 64\n#define PTR .quad\n\
              #define ALGN .balign 8\n#else\n#define PTR .long\n#define ALGN .balign 4\n\
              #endif\n",
        );
    }
    s.buf.extend_from_slice(b"\t.section .rodata, \"a\"\n");
    if t.layout.addresses_first() {
        write_addresses(t, s)?;
        write_names(t, s)?;
        write_seqs(t, s)?;
        write_tokens(t, &mut s.buf);
    } else {
        write_names(t, s)?;
        write_tokens(t, &mut s.buf);
        write_addresses(t, s)?;
        write_seqs(t, s)?;
    }
    Ok(())
}

fn write_addresses(t: &Table<'_>, sink: &mut Sink<'_>) -> Result<(), WriteError> {
    let o = &mut sink.buf;
    label(
        o,
        t.layout,
        if t.mode == AddressMode::Absolute {
            "kallsyms_addresses"
        } else {
            "kallsyms_offsets"
        },
    );
    for s in t.symbols {
        if o.len() >= 1 << 16 {
            sink.out.write_all(o)?;
            o.clear();
        }
        let (offset, overflow): (i64, bool) = match t.mode {
            AddressMode::Absolute => {
                if s.percpu_absolute {
                    let _ = writeln!(o, "\tPTR\t{}", alt_hex(s.addr));
                } else {
                    output_address(o, t.text, s.addr);
                }
                continue;
            }
            AddressMode::PcRelative => {
                // `long long offset = addr - _text`, which must fit an int.
                let off = s.addr.wrapping_sub(t.text) as i64;
                if off < i64::from(i32::MIN) || off > i64::from(i32::MAX) {
                    return Err(WriteError::Overflow(format!(
                        "kallsyms failure: relative symbol value {} out of range",
                        alt_hex(s.addr)
                    )));
                }
                let _ = write!(o, "\t.long\t_text - . + ({off})");
                comment(o, t.layout, s);
                o.push(b'\n');
                continue;
            }
            AddressMode::BaseRelative => {
                let off = s.addr.wrapping_sub(t.relative_base) as i64;
                (off, off < 0 || off > i64::from(u32::MAX))
            }
            AddressMode::AbsolutePercpu if s.percpu_absolute => {
                let off = s.addr as i64;
                (off, off < 0 || off > i64::from(i32::MAX))
            }
            AddressMode::AbsolutePercpu => {
                let off = t.relative_base.wrapping_sub(s.addr).wrapping_sub(1) as i64;
                (off, off < i64::from(i32::MIN) || off >= 0)
            }
        };
        if overflow {
            // 6.15 ("kallsyms: Remove KALLSYMS_ABSOLUTE_PERCPU") shortened the message.
            return Err(WriteError::Overflow(if t.layout >= Layout::V6_15 {
                format!(
                    "kallsyms failure: relative symbol value {} out of range",
                    alt_hex(s.addr)
                )
            } else {
                format!(
                    "kallsyms failure: {} symbol value {} out of range in relative mode",
                    if s.percpu_absolute {
                        "absolute"
                    } else {
                        "relative"
                    },
                    alt_hex(s.addr)
                )
            }));
        }
        let _ = write!(o, "\t.long\t{}", alt_hex(u64::from(offset as u32)));
        comment(o, t.layout, s);
        o.push(b'\n');
    }
    o.push(b'\n');
    if matches!(
        t.mode,
        AddressMode::BaseRelative | AddressMode::AbsolutePercpu
    ) {
        label(o, t.layout, "kallsyms_relative_base");
        output_address(o, t.text, t.relative_base);
        o.push(b'\n');
    }
    Ok(())
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn byte_hex(o: &mut Vec<u8>, b: u8) {
    o.extend_from_slice(&[b'0', b'x', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
}

fn write_names(t: &Table<'_>, sink: &mut Sink<'_>) -> std::io::Result<()> {
    let o = &mut sink.buf;
    let n = t.compressed.len();
    label(o, t.layout, "kallsyms_num_syms");
    let _ = write!(o, "\t.long\t{n}\n\n");
    label(o, t.layout, "kallsyms_names");
    let mut markers = Vec::with_capacity(n.div_ceil(256));
    let mut off = 0u32;
    for i in 0..n {
        if i & 0xff == 0 {
            markers.push(off);
        }
        let sym = t.compressed.symbol(i);
        let len = sym.len() as u32;
        o.extend_from_slice(b"\t.byte ");
        if len <= 0x7f {
            byte_hex(o, len as u8);
            off += len + 1;
        } else {
            byte_hex(o, (len & 0x7f) as u8 | 0x80);
            o.extend_from_slice(b", ");
            byte_hex(o, ((len >> 7) & 0x7f) as u8);
            off += len + 2;
        }
        for &b in sym {
            o.extend_from_slice(b", ");
            byte_hex(o, b);
        }
        if t.layout.comments_every_table() {
            symbol_comment(o, &t.symbols[i]);
        }
        o.push(b'\n');
        if o.len() >= 1 << 16 {
            sink.out.write_all(o)?;
            o.clear();
        }
    }
    o.push(b'\n');
    label(o, t.layout, "kallsyms_markers");
    for m in markers {
        let _ = writeln!(o, "\t.long\t{m}");
    }
    o.push(b'\n');
    Ok(())
}

fn write_seqs(t: &Table<'_>, sink: &mut Sink<'_>) -> std::io::Result<()> {
    label(&mut sink.buf, t.layout, "kallsyms_seqs_of_names");
    for &seq in t.seqs {
        sink.maybe_flush()?;
        let o = &mut sink.buf;
        o.extend_from_slice(b"\t.byte ");
        byte_hex(o, (seq >> 16) as u8);
        o.extend_from_slice(b", ");
        byte_hex(o, (seq >> 8) as u8);
        o.extend_from_slice(b", ");
        byte_hex(o, seq as u8);
        if t.layout.comments_every_table() {
            if let Some(s) = t.symbols.get(seq as usize) {
                symbol_comment(o, s);
            }
        }
        o.push(b'\n');
    }
    sink.buf.push(b'\n');
    Ok(())
}

fn write_tokens(t: &Table<'_>, o: &mut Vec<u8>) {
    label(o, t.layout, "kallsyms_token_table");
    let mut index = [0u32; 256];
    let mut off = 0u32;
    for (slot, idx) in index.iter_mut().enumerate() {
        *idx = off;
        let mut tok = t.compressed.expand_slot(slot as u8);
        // printf("%s") stops at a NUL, which only slot 0's own byte could be.
        if let Some(nul) = tok.iter().position(|&c| c == 0) {
            tok.truncate(nul);
        }
        o.extend_from_slice(b"\t.asciz\t\"");
        o.extend_from_slice(&tok);
        o.extend_from_slice(b"\"\n");
        off += tok.len() as u32 + 1;
    }
    o.push(b'\n');
    label(o, t.layout, "kallsyms_token_index");
    for idx in index {
        let _ = writeln!(o, "\t.short\t{}", idx as i32);
    }
    o.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_versions() {
        for l in Layout::ALL {
            assert_eq!(l.to_string().parse::<Layout>(), Ok(l));
        }
        assert_eq!("6.12".parse::<Layout>(), Ok(Layout::V6_11));
        assert_eq!("6.10".parse::<Layout>(), Ok(Layout::V6_4));
        assert_eq!("6.2".parse::<Layout>(), Ok(Layout::V6_1));
        assert_eq!("6.18".parse::<Layout>(), Ok(Layout::V6_15));
        assert_eq!("7.1".parse::<Layout>(), Ok(Layout::V7_0));
        for bad in [
            "5.0",
            "6.0",
            "6",
            "6.",
            ".1",
            "6.x",
            "6.1.2",
            "+6.1",
            "6.99999999999",
        ] {
            assert!(bad.parse::<Layout>().is_err(), "{bad}");
        }
    }
}
