//! The `Code:` bytes against the object's: do they come from this object, allowing for
//! what the kernel patches at run time?

use super::CodeBytes;
use crate::disasm::{self, Arch, Insn, Syntax};

/// What the `Code:` bytes say about the object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The bytes are the object's, up to run-time patching.
    Match,
    /// Bytes differ in ways run-time patching does not explain.
    Mismatch,
    /// Too few bytes to tell.
    Unknown,
}

/// The outcome of [`check_bytes`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    /// The verdict.
    pub status: Verdict,
    /// How it was reached: bytes compared, equal, explained, unexplained.
    pub evidence: String,
    /// The object's bytes at the line's place, printed as the `Code:` line prints them
    /// (trap marked); `None` when the object holds none of them.
    #[serde(skip)]
    pub object: Option<String>,
}

/// Unexplained differing bytes from which the object is not the crashed kernel's.
const MISMATCH_BYTES: usize = 4;
/// Equal bytes below which a comparison with nothing unexplained says nothing.
const MIN_COMPARED: usize = 8;

/// Compare the `Code:` bytes with the object's, allowing for what the kernel patches at
/// run time.
///
/// `object` holds the object's bytes with the trapping instruction at `object_trap`;
/// bytes of both from the start of `object` to the end of the `Code:` line are compared,
/// instruction by instruction of the object's own decoding (from its first byte, which
/// should be the function's start). A differing instruction is explained when either side
/// is what run-time patching writes or replaces: a `nop` of any length, `int3`, a `call`
/// or `jmp` (ftrace, jump labels, static calls, return thunks, alternatives calling
/// out-of-line code), `ret` (return thunks), `cli`/`sti`/`pushf`/`popf` (paravirt); on
/// x86 also a difference confined to an instruction's displacement or immediate (KASLR
/// and module relocations); on arm64 `nop`, `b`, `bl`, `mov x9, x30` (ftrace),
/// alternative `msr`/`mrs`/`hint`/`dsb`/`isb`, and in a module an instruction of the same
/// mnemonic (relocated `adrp`, `add`, `ldr`). What is left is unexplained: at least
/// 4 such bytes make a mismatch; fewer than 8 equal bytes say nothing.
pub fn check_bytes(
    code: &CodeBytes,
    object: &[u8],
    object_trap: usize,
    relocatable: bool,
) -> Identity {
    // Code byte i sits at object offset i + shift.
    let shift = object_trap as i64 - code.trap as i64;
    // The object's boundaries from its first byte; only the instructions the line
    // covers are decoded with their text.
    let first = usize::try_from(shift).unwrap_or(0);
    let insns: Vec<Insn> = disasm::starts(code.arch, object)
        .into_iter()
        .filter(|&o| o >= first)
        .filter_map(|o| {
            let mut i = disasm::decode_one(code.arch, Syntax::Att, &object[o..], 0)?;
            i.offset = o;
            Some(i)
        })
        .collect();
    let (mut compared, mut equal, mut explained, mut unexplained) =
        (0usize, 0usize, 0usize, 0usize);
    let mut first_bad: Option<(usize, String, String)> = None;
    for i in &insns {
        let (Ok(from), Ok(to)) = (
            usize::try_from(i.offset as i64 - shift),
            usize::try_from((i.offset + i.len) as i64 - shift),
        ) else {
            continue;
        };
        if to > code.bytes.len() || i.truncated {
            continue;
        }
        let ours = &object[i.offset..i.offset + i.len];
        let theirs = &code.bytes[from..to];
        compared += i.len;
        if ours == theirs {
            equal += i.len;
            continue;
        }
        let other = disasm::decode_one(code.arch, Syntax::Att, &code.bytes[from..], 0);
        if patchable(code.arch, i, other.as_ref(), ours, theirs, relocatable) {
            explained += i.len;
        } else {
            let n = ours.iter().zip(theirs).filter(|(a, b)| a != b).count();
            unexplained += n;
            if first_bad.is_none() {
                first_bad = Some((
                    i.offset,
                    i.text.clone(),
                    other.map(|o| o.text).unwrap_or_default(),
                ));
            }
        }
    }
    let status = if unexplained >= MISMATCH_BYTES {
        Verdict::Mismatch
    } else if unexplained == 0 && equal >= MIN_COMPARED {
        Verdict::Match
    } else {
        Verdict::Unknown
    };
    let mut evidence = format!(
        "{compared} bytes compared: {equal} equal, {explained} in run-time patched instructions, {unexplained} unexplained"
    );
    if let Some((off, obj, log)) = first_bad {
        let at = off as i64 - object_trap as i64;
        evidence += &format!(
            "; first at {at:+} from the trap: object `{obj}`, log `{}`",
            if log.is_empty() { "?" } else { &log }
        );
    }
    // The object's side of the line: its bytes at the line's offsets.
    let from = shift.max(0) as usize;
    let to = usize::try_from(shift + code.bytes.len() as i64)
        .unwrap_or(0)
        .min(object.len());
    let printed = object
        .get(from..to)
        .filter(|b| !b.is_empty())
        .map(|b| super::print_line(code.arch, b, object_trap.checked_sub(from)));
    Identity {
        status,
        evidence,
        object: printed,
    }
}

/// Whether run-time patching explains a differing instruction (see [`check_bytes`]).
fn patchable(
    arch: Arch,
    obj: &Insn,
    log: Option<&Insn>,
    ours: &[u8],
    theirs: &[u8],
    relocatable: bool,
) -> bool {
    let mnem = |t: &str| t.split_whitespace().next().unwrap_or("").to_string();
    let obj_m = mnem(&obj.text);
    let log_m = log.map(|l| mnem(&l.text)).unwrap_or_default();
    match arch {
        Arch::X86_64 => {
            let patched = |m: &str| {
                m.starts_with("nop")
                    || m.starts_with("call")
                    || m.starts_with("jmp")
                    || m.starts_with("ret")
                    || matches!(
                        m,
                        "int3"
                            | "cli"
                            | "sti"
                            | "pushf"
                            | "popf"
                            | "cs"
                            | "ds"
                            | "data16"
                            | "lfence"
                            | "clac"
                            | "stac"
                            | "xchg"
                    )
            };
            if patched(&obj_m) || patched(&log_m) {
                return true;
            }
            // Same instruction, other bytes only in its last 4 or 8 (a 32- or 64-bit
            // displacement or immediate): a relocation.
            obj_m == log_m
                && log.is_some_and(|l| l.len == obj.len)
                && ours.len() >= 5
                && ours
                    .iter()
                    .zip(theirs)
                    .enumerate()
                    .all(|(k, (a, b))| a == b || k + 8 >= ours.len())
        }
        Arch::Arm64 => {
            let patched = |m: &str, t: &str| {
                matches!(
                    m,
                    "nop"
                        | "b"
                        | "bl"
                        | "msr"
                        | "mrs"
                        | "hint"
                        | "dsb"
                        | "isb"
                        | "paciasp"
                        | "autiasp"
                        | "bti"
                        | "esb"
                ) || t.starts_with("mov    x9, x30")
            };
            if patched(&obj_m, &obj.text) || log.is_some_and(|l| patched(&log_m, &l.text)) {
                return true;
            }
            relocatable && obj_m == log_m
        }
    }
}
