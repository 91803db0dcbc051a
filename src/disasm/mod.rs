//! The disassembler: machine code bytes at an address → instructions, printed the way
//! GNU objdump prints them.
//!
//! x86_64 uses iced-x86 (its GNU-as formatter with objdump's spacing; `--syntax=intel`
//! uses its Intel formatter with objdump's `-M intel` spacing); arm64 uses yaxpeax-arm for
//! decoding and ksym's own objdump-style touches on its text: absolute branch and `adrp`
//! targets, `cs`/`cc` condition names, objdump's system register names. Both are pure
//! Rust and decode in-process; the engine knows nothing about logs.
//!
//! Each [`Insn`] has its offset in the input, its length and its text. A byte sequence
//! that does not decode is one `(bad)` instruction of one byte on x86 (as objdump
//! resynchronizes) and of one word on arm64 (`.inst 0x...`, as objdump prints it). An
//! instruction cut off by the end of the input is flagged [`Insn::truncated`].

mod arm64;
mod x86;

/// Instruction sets the engine decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Arch {
    /// x86_64 (64-bit mode).
    X86_64,
    /// arm64 (AArch64, little endian).
    Arm64,
}

impl Arch {
    /// The name used in text and JSON (`x86_64`, `arm64`).
    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }
}

/// How x86 instructions are spelled (arm64 has one syntax).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Syntax {
    /// AT&T, objdump's default.
    #[default]
    Att,
    /// Intel, as `objdump -M intel` prints it.
    Intel,
}

/// One decoded instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Insn {
    /// Offset of its first byte in the decoded bytes.
    pub offset: usize,
    /// Its length in bytes.
    pub len: usize,
    /// Its text: mnemonic, spaces up to objdump's operand column, operands.
    pub text: String,
    /// The bytes did not decode (`(bad)`, `.inst`).
    pub bad: bool,
    /// The input ended inside the instruction.
    pub truncated: bool,
    /// A trap the kernel uses for `BUG()`/`WARN()`: x86 `ud2`, arm64 `brk #0x800`.
    pub bug_trap: bool,
}

/// Decode the instruction at `bytes[0..]`, placed at `address`.
///
/// `None` only for empty input.
pub fn decode_one(arch: Arch, syntax: Syntax, bytes: &[u8], address: u64) -> Option<Insn> {
    if bytes.is_empty() {
        return None;
    }
    Some(match arch {
        Arch::X86_64 => x86::decode(syntax, bytes, address),
        Arch::Arm64 => arm64::decode(bytes, address),
    })
}

/// Decode `bytes` placed at `address` from the first byte to the last.
pub fn decode_all(arch: Arch, syntax: Syntax, bytes: &[u8], address: u64) -> Vec<Insn> {
    let mut out = Vec::new();
    let mut off = 0;
    while off < bytes.len() {
        let Some(mut i) = decode_one(
            arch,
            syntax,
            &bytes[off..],
            address.wrapping_add(off as u64),
        ) else {
            break;
        };
        i.offset = off;
        off += i.len.max(1);
        out.push(i);
    }
    out
}

/// Pad `mnemonic` to objdump's operand column and append `operands`.
fn join(mnemonic: &str, operands: &str) -> String {
    if operands.is_empty() {
        mnemonic.to_string()
    } else {
        format!("{mnemonic:<6} {operands}")
    }
}
