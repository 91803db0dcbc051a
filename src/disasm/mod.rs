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

/// The offsets where instructions start when `bytes` are decoded from the first byte to
/// the last (no text is formatted: cheap on a whole function).
pub fn starts(arch: Arch, bytes: &[u8]) -> Vec<usize> {
    scan(arch, bytes).into_iter().map(|(o, _)| o).collect()
}

/// [`starts`], each with whether the bytes there do not decode (x86 only: every arm64
/// word is a start, whatever it holds).
pub fn scan(arch: Arch, bytes: &[u8]) -> Vec<(usize, bool)> {
    match arch {
        Arch::X86_64 => x86::starts(bytes),
        Arch::Arm64 => (0..bytes.len() / 4).map(|i| (i * 4, false)).collect(),
    }
}

/// Pad `mnemonic` to objdump's operand column and append `operands`.
fn join(mnemonic: &str, operands: &str) -> String {
    if operands.is_empty() {
        mnemonic.to_string()
    } else {
        format!("{mnemonic:<6} {operands}")
    }
}

#[cfg(test)]
mod tests {
    use super::{decode_all, decode_one, starts, Arch, Syntax};

    fn x86(bytes: &[u8], at: u64) -> String {
        decode_one(Arch::X86_64, Syntax::Att, bytes, at)
            .map(|i| i.text.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    }

    fn arm(word: u32, at: u64) -> String {
        decode_one(Arch::Arm64, Syntax::Att, &word.to_le_bytes(), at)
            .map(|i| i.text.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    }

    macro_rules! t {
        ($got:expr, $want:expr) => {
            assert_eq!($got, $want);
        };
    }

    /// Rows checked against GNU objdump 2.40.
    #[test]
    fn x86_as_objdump_prints() {
        t!(x86(&[0x0f, 0x0b], 0), "ud2");
        t!(x86(&[0x48, 0x8b, 0x3c, 0x24], 0), "mov (%rsp),%rdi");
        t!(x86(&[0x4d, 0x8b, 0x6d, 0x00], 0), "mov 0x0(%r13),%r13");
        t!(
            x86(&[0x0f, 0x1f, 0x44, 0x00, 0x00], 0),
            "nopl 0x0(%rax,%rax,1)"
        );
        t!(
            x86(&[0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0], 0),
            "cs nopw 0x0(%rax,%rax,1)"
        );
        t!(
            x86(&[0x8b, 0x05, 0x10, 0, 0, 0], 0x100),
            "mov 0x10(%rip),%eax # 0x116"
        );
        t!(x86(&[0xf3, 0xa4], 0), "rep movsb %ds:(%rsi),%es:(%rdi)");
        t!(x86(&[0x6e], 0), "outsb %ds:(%rsi),(%dx)");
        t!(x86(&[0xf3, 0xc3], 0), "repz ret");
        t!(x86(&[0x41, 0xe2, 0xe9], 0x1000), "rex.B loop 0xfec");
        t!(x86(&[0x66, 0x3c, 0x63], 0), "data16 cmp $0x63,%al");
        t!(
            x86(&[0x8d, 0xb4, 0x26, 0, 0, 0, 0], 0),
            "lea 0x0(%rsi,%riz,1),%esi"
        );
        t!(x86(&[0xe8, 0, 0, 0, 0], 0x10), "call 0x15");
        let i = decode_one(Arch::X86_64, Syntax::Intel, &[0x48, 0x8b, 0x3c, 0x24], 0).unwrap();
        t!(
            i.text.split_whitespace().collect::<Vec<_>>().join(" "),
            "mov rdi,QWORD PTR [rsp]"
        );
    }

    #[test]
    fn x86_bad_truncated_and_traps() {
        let v = decode_all(Arch::X86_64, Syntax::Att, &[0x0f, 0x0b, 0x48], 0);
        assert!(v[0].bug_trap && !v[0].bad);
        assert!(v[1].truncated && v[1].bad, "{v:?}");
        // An undecodable VEX instruction is skipped up to its opcode byte, as objdump does.
        let v = decode_all(
            Arch::X86_64,
            Syntax::Att,
            &[0xc5, 0x48, 0x89, 0xc8, 0x4c, 0x89, 0xc1],
            0,
        );
        t!((v[0].text.as_str(), v[0].len), ("(bad)", 3));
        t!(
            starts(Arch::X86_64, &[0xc5, 0x48, 0x89, 0xc8, 0x4c, 0x89, 0xc1]),
            vec![0, 3]
        );
        t!(starts(Arch::Arm64, &[0; 9]), vec![0, 4]);
    }

    #[test]
    fn arm64_as_objdump_prints() {
        t!(arm(0xd4210000, 0), "brk #0x800");
        assert!(
            decode_one(Arch::Arm64, Syntax::Att, &0xd4210000u32.to_le_bytes(), 0)
                .unwrap()
                .bug_trap
        );
        assert!(
            !decode_one(Arch::Arm64, Syntax::Att, &0xd4200020u32.to_le_bytes(), 0)
                .unwrap()
                .bug_trap
        );
        t!(arm(0x97fffc85, 0x1000), "bl 0x214");
        t!(arm(0xb0000020, 0x1234), "adrp x0, 0x6000");
        t!(arm(0xf9400674, 0), "ldr x20, [x19, #8]");
        t!(arm(0xa9be7bfd, 0), "stp x29, x30, [sp, #-32]!");
        t!(arm(0xa8c17bfd, 0), "ldp x29, x30, [sp], #16");
        t!(arm(0xd343fc02, 0), "lsr x2, x0, #3");
        t!(arm(0x9344dc10, 0), "sbfx x16, x0, #4, #52");
        t!(arm(0x54000042, 0x100), "b.cs 0x108");
        t!(arm(0xd50b7420, 0), "dc zva, x0");
        t!(arm(0xd53b4220, 0), "mrs x0, daif");
        t!(arm(0xd503201f, 0), "nop");
        let bad = decode_one(Arch::Arm64, Syntax::Att, &[0, 0, 0], 0).unwrap();
        assert!(bad.truncated);
    }
}
