//! `Code:` lines: the bytes an oops prints around the faulting instruction, parsed,
//! disassembled in-process ([`crate::disasm`]) and checked against the object's bytes.
//!
//! x86 prints bytes (`48 89 e5 <0f> 0b ...`, the `<xx>` byte starts the trapping
//! instruction; the line may start mid-instruction); arm64 prints little-endian words
//! (`a9be7bfd (d4210000)`, the `(xxxxxxxx)` word is the trapping one). The listing decodes
//! from the first instruction boundary that lands on the trapping instruction: when the
//! object holds the function, the boundaries of the object's own code decoded from the
//! function's start; else the first start among the first 15 bytes whose decoding
//! reaches the marked byte (as `scripts/decodecode` and syzkaller do).

use crate::disasm::{self, Arch, Insn, Syntax};
use crate::oops::Oops;

/// The bytes of one `Code:` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeBytes {
    /// Instruction set.
    pub arch: Arch,
    /// The bytes, in memory order.
    pub bytes: Vec<u8>,
    /// Offset in `bytes` of the trapping instruction.
    pub trap: usize,
}

/// Longest x86 instruction: a start more than this before the trap cannot matter.
const X86_MAX_INSN: usize = 15;

/// The instruction set of a report, from its registers: x86 `RIP`/`IP` or arm64 `x29`
/// (`pc :` alone is also printed by 32-bit arm).
pub fn arch_of(oops: &Oops) -> Option<Arch> {
    let names = oops
        .registers
        .iter()
        .flat_map(|b| b.registers.iter())
        .map(|r| r.name.as_str());
    let mut arch = None;
    for n in names {
        match n {
            "RIP" | "RAX" | "RSP" => return Some(Arch::X86_64),
            "x29" | "x30" | "x0" | "pstate" => arch = Some(Arch::Arm64),
            _ => {}
        }
    }
    if arch.is_none() {
        arch = oops
            .frames
            .iter()
            .filter_map(|f| f.register.as_deref())
            .find_map(|r| match r {
                "RIP" => Some(Arch::X86_64),
                _ => None,
            });
    }
    arch
}

fn hex_byte(s: &str) -> Option<u8> {
    if s.len() == 2 {
        u8::from_str_radix(s, 16).ok()
    } else {
        None
    }
}

/// Parse the text after `Code: `. `arch` says what 8-digit words are (arm64 or not);
/// `<xx>` bytes are always x86. `None` when the line holds no trapping instruction
/// (`Bad RIP value.`, `Unable to access opcode bytes at ...`) or is not well formed.
pub fn parse(text: &str, arch: Option<Arch>) -> Option<CodeBytes> {
    let tokens: Vec<&str> = text.split_ascii_whitespace().collect();
    if tokens.is_empty() {
        return None;
    }
    if tokens.iter().any(|t| t.starts_with('<')) {
        let mut bytes = Vec::with_capacity(tokens.len());
        let mut trap = None;
        for t in &tokens {
            let b = match t.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
                Some(inner) => {
                    if trap.is_some() {
                        return None;
                    }
                    trap = Some(bytes.len());
                    hex_byte(inner)?
                }
                None => hex_byte(t)?,
            };
            bytes.push(b);
        }
        return Some(CodeBytes {
            arch: Arch::X86_64,
            bytes,
            trap: trap?,
        });
    }
    if arch != Some(Arch::Arm64) {
        return None;
    }
    let mut bytes = Vec::with_capacity(tokens.len() * 4);
    let mut trap = None;
    for t in &tokens {
        let w = match t.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            Some(inner) => {
                if trap.is_some() {
                    return None;
                }
                trap = Some(bytes.len());
                inner
            }
            None => t,
        };
        if w.len() != 8 {
            return None;
        }
        let w = u32::from_str_radix(w, 16).ok()?;
        bytes.extend_from_slice(&w.to_le_bytes());
    }
    Some(CodeBytes {
        arch: Arch::Arm64,
        bytes,
        trap: trap?,
    })
}

/// Decode `code` from `start` to the end; `None` unless an instruction starts at the trap.
fn decode_from(
    code: &CodeBytes,
    syntax: Syntax,
    start: usize,
    trap_address: u64,
) -> Option<Vec<Insn>> {
    let base = trap_address
        .wrapping_sub(code.trap as u64)
        .wrapping_add(start as u64);
    let mut insns = disasm::decode_all(code.arch, syntax, &code.bytes[start..], base);
    for i in &mut insns {
        i.offset += start;
    }
    insns.iter().any(|i| i.offset == code.trap).then_some(insns)
}

/// The instructions of a `Code:` line, placed so that the trapping instruction sits at
/// `trap_address` (0 when unknown: addresses are then offsets from the trap).
///
/// `boundaries`: offsets in `code.bytes` where the object's own decoding from the
/// function's start puts an instruction (empty when the object is not known). Returns the
/// instructions and the index of the trapping one.
pub fn disassemble(
    code: &CodeBytes,
    syntax: Syntax,
    trap_address: u64,
    boundaries: &[usize],
) -> (Vec<Insn>, usize) {
    let mut starts: Vec<usize> = boundaries
        .iter()
        .copied()
        .filter(|&b| b <= code.trap)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let step = match code.arch {
        Arch::X86_64 => 1,
        Arch::Arm64 => 4,
    };
    let limit = match code.arch {
        Arch::X86_64 => X86_MAX_INSN.min(code.trap + 1),
        Arch::Arm64 => code.trap + 1,
    };
    // Clean decodings (no `(bad)` before the trap) first, from the earliest start.
    let mut fallback = None;
    for start in starts.into_iter().chain((0..limit).step_by(step)) {
        if let Some(insns) = decode_from(code, syntax, start, trap_address) {
            let clean = insns
                .iter()
                .take_while(|i| i.offset < code.trap)
                .all(|i| !i.bad);
            if clean || step == 4 {
                return index_trap(insns, code.trap);
            }
            fallback.get_or_insert(insns);
        }
    }
    match fallback {
        Some(insns) => index_trap(insns, code.trap),
        None => {
            // The trap byte itself is always a start.
            let insns = decode_from(code, syntax, code.trap, trap_address).unwrap_or_default();
            index_trap(insns, code.trap)
        }
    }
}

fn index_trap(insns: Vec<Insn>, trap: usize) -> (Vec<Insn>, usize) {
    let i = insns.iter().position(|i| i.offset == trap).unwrap_or(0);
    (insns, i)
}

/// Instruction starts of `object` (the function's bytes from its start at offset 0)
/// mapped into a `Code:` line whose trapping byte is at object offset `object_trap`.
pub fn object_boundaries(
    arch: Arch,
    object: &[u8],
    object_trap: usize,
    code: &CodeBytes,
) -> Vec<usize> {
    let Some(code_start) = object_trap.checked_sub(code.trap) else {
        // The Code: line starts before the function: its first bytes are another's.
        let shift = code.trap - object_trap;
        return decode_starts(arch, object)
            .into_iter()
            .map(|o| o + shift)
            .collect();
    };
    decode_starts(arch, object)
        .into_iter()
        .filter_map(|o| o.checked_sub(code_start))
        .collect()
}

fn decode_starts(arch: Arch, object: &[u8]) -> Vec<usize> {
    disasm::decode_all(arch, Syntax::Att, object, 0)
        .into_iter()
        .map(|i| i.offset)
        .collect()
}
