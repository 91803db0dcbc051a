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
/// `trap_address`.
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
    if code.arch == Arch::Arm64 {
        // Words: every start is a boundary; list the whole line.
        let start = code.trap % 4;
        let insns = decode_from(code, syntax, start, trap_address).unwrap_or_default();
        return index_trap(insns, code.trap);
    }
    // The object's first boundary in the line (its function's start or the first
    // instruction of it the line shows) must be one of ours. Starts are tried on
    // boundaries alone; the text is formatted once.
    let anchor = boundaries.iter().copied().filter(|&b| b <= code.trap).min();
    let mut chosen = None;
    let mut fallback = None;
    for start in 0..X86_MAX_INSN.min(code.trap + 1) {
        let scan = disasm::scan(code.arch, &code.bytes[start..]);
        let hits = |o: usize| scan.iter().any(|&(s, _)| s + start == o);
        if !hits(code.trap) {
            continue;
        }
        let clean = scan
            .iter()
            .take_while(|&&(s, _)| s + start < code.trap)
            .all(|&(_, bad)| !bad);
        if clean && anchor.is_none_or(hits) {
            chosen = Some(start);
            break;
        }
        fallback.get_or_insert(start);
    }
    // The trap byte itself is always a start.
    let start = chosen.or(anchor).or(fallback).unwrap_or(code.trap);
    let insns = decode_from(code, syntax, start, trap_address)
        .or_else(|| decode_from(code, syntax, code.trap, trap_address))
        .unwrap_or_default();
    index_trap(insns, code.trap)
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
    disasm::starts(arch, object)
}

/// Where the trapping instruction of a `Code:` line is in an object.
pub struct Placement<'a> {
    /// The object's symbolizer.
    pub symz: &'a crate::dwarf::Symbolizer,
    /// Source prefix to strip from file names.
    pub prefix: Option<&'a str>,
    /// Lookup address of the trapping instruction.
    pub address: u64,
    /// Its offset into its function (the function starts at `address - offset`).
    pub offset: u64,
    /// Its symbol, as the object names it.
    pub symbol: &'a str,
}

/// Longest function prefix decoded for exact boundaries.
const MAX_FUNCTION_PREFIX: u64 = 1 << 20;

/// One listed instruction.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Listed {
    /// Offset of its first byte in the `Code:` line.
    #[serde(skip)]
    pub offset: usize,
    /// Run-time address, when known (printed, or the object's plus the KASLR offset).
    #[serde(serialize_with = "opt_hex")]
    pub address: Option<u64>,
    /// `symbol+0xoffset` in the object, when placed in one.
    pub at: Option<String>,
    /// Its bytes as the `Code:` line prints them: x86 `0f 0b`, arm64 `d4210000`.
    pub bytes: String,
    /// Its text, as objdump prints it.
    pub text: String,
    /// The trapping instruction.
    pub trapping: bool,
    /// A `BUG()`/`WARN()` trap (x86 `ud2`, arm64 `brk #0x800`).
    pub bug_trap: bool,
    /// The innermost function of its inline chain.
    pub function: Option<String>,
    /// Its source file.
    pub file: Option<String>,
    /// Its source line.
    pub line: Option<u32>,
}

/// The disassembly of one `Code:` line.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Listing {
    /// 1-based number of the `Code:` line in the log.
    pub line: u64,
    /// Instruction set.
    pub arch: Arch,
    /// Index of the trapping instruction in `instructions`.
    pub trapping_index: usize,
    /// The instructions, first to last.
    pub instructions: Vec<Listed>,
    /// The `Code:` bytes against the object's, when the object holds the function.
    pub identity: Option<Identity>,
}

fn opt_hex<S: serde::Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(&crate::output::hex(*v)),
        None => s.serialize_none(),
    }
}

/// Disassemble `code` (line `line` of the log) with the trap at run-time address
/// `runtime` when known, placed in an object when `place` is given.
pub fn listing(
    code: &CodeBytes,
    line: u64,
    syntax: Syntax,
    runtime: Option<u64>,
    place: Option<&Placement<'_>>,
) -> Listing {
    let mut boundaries = Vec::new();
    let mut identity = None;
    let mut object_bytes: Option<&[u8]> = None;
    if let Some(p) = place.filter(|p| p.offset <= MAX_FUNCTION_PREFIX) {
        let tail = (code.bytes.len() - code.trap) as u64;
        let start = p.address.wrapping_sub(p.offset);
        if let Some(b) = p.symz.bytes_at(start, p.offset + tail) {
            if b.len() > p.offset as usize {
                boundaries = object_boundaries(code.arch, b, p.offset as usize, code);
                let relocatable = p.symz.kind() == crate::dwarf::ObjectKind::Relocatable;
                identity = Some(check_bytes(code, b, p.offset as usize, relocatable));
                object_bytes = Some(b);
            }
        }
    }
    let _ = object_bytes;
    let base = runtime
        .or(place
            .filter(|p| p.symz.kind() != crate::dwarf::ObjectKind::Relocatable)
            .map(|p| p.address))
        // Nothing known: offsets from the line's first byte, as `scripts/decodecode`.
        .unwrap_or(code.trap as u64);
    let (insns, trapping_index) = disassemble(code, syntax, base, &boundaries);
    let instructions = insns
        .iter()
        .map(|i| {
            let delta = i.offset as i64 - code.trap as i64;
            let mut l = Listed {
                offset: i.offset,
                address: runtime.map(|r| r.wrapping_add(delta as u64)),
                at: None,
                bytes: print_bytes(code.arch, &code.bytes[i.offset..i.offset + i.len]),
                text: i.text.clone(),
                trapping: i.offset == code.trap,
                bug_trap: i.bug_trap,
                function: None,
                file: None,
                line: None,
            };
            if let Some(p) = place {
                let a = p.address.wrapping_add(delta as u64);
                // Only addresses in the trap's own section: a module's other sections
                // are laid out elsewhere at run time.
                let same_section =
                    match (p.symz.section_offset(a), p.symz.section_offset(p.address)) {
                        (Some((s, _)), Some((t, _))) => s.index == t.index,
                        _ => false,
                    };
                if same_section {
                    if let Some((sym, off)) = p.symz.lookup_symbol(a) {
                        l.at = Some(format!("{}+{off:#x}", sym.name));
                    }
                    if let Ok(chain) = p.symz.lookup(a) {
                        if let Some(inner) = chain.first().filter(|f| f.file.is_some()) {
                            l.function = inner.function.clone().or(inner.symbol.clone());
                            l.file = inner.file.as_deref().map(|f| match p.prefix {
                                Some(pre) => f.strip_prefix(pre).unwrap_or(f).to_string(),
                                None => f.to_string(),
                            });
                            l.line = inner.line;
                        }
                    }
                }
            }
            l
        })
        .collect();
    Listing {
        line,
        arch: code.arch,
        trapping_index,
        instructions,
        identity,
    }
}

/// Bytes as the `Code:` line prints them: x86 bytes `0f 0b`, arm64 words `d4210000`.
fn print_bytes(arch: Arch, b: &[u8]) -> String {
    match (arch, <[u8; 4]>::try_from(b)) {
        (Arch::Arm64, Ok(w)) => format!("{:08x}", u32::from_le_bytes(w)),
        _ => b
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

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
}

/// Unexplained differing bytes from which the object is not the crashed kernel's.
const MISMATCH_BYTES: usize = 4;
/// Bytes compared below which nothing can be said.
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
    Identity { status, evidence }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_shapes_and_refuses_the_rest() {
        let x = parse("48 89 e5 <0f> 0b c3", None).unwrap();
        assert_eq!((x.arch, x.trap, x.bytes.len()), (Arch::X86_64, 3, 6));
        let a = parse("a9be7bfd (d4210000) ", Some(Arch::Arm64)).unwrap();
        assert_eq!((a.arch, a.trap), (Arch::Arm64, 4));
        assert_eq!(&a.bytes[4..], &[0x00, 0x00, 0x21, 0xd4]);
        for bad in [
            "Bad RIP value.",
            "Unable to access opcode bytes at RIP 0x7f01b7b884cf.",
            "<",
            "<zz> 00",
            "<0f> <0b>",
            "0f 0b",
            "48 89 e5 <0f> 0b c3 x",
            "",
        ] {
            assert_eq!(parse(bad, Some(Arch::X86_64)), None, "{bad}");
        }
        // 32-bit arm words (the report has no x29) are not arm64's.
        assert_eq!(parse("e59f0010 (e7f001f2)", None), None);
        assert_eq!(parse("d4210000 (d42100)", Some(Arch::Arm64)), None);
    }

    /// Arbitrary bytes and objects: no panic, the trap found, bounds kept.
    #[test]
    fn any_bytes_disassemble_and_compare() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..400 {
            let arch = if round % 2 == 0 {
                Arch::X86_64
            } else {
                Arch::Arm64
            };
            let n = 4 * (1 + (next() % 16) as usize);
            let bytes: Vec<u8> = (0..n).map(|_| next() as u8).collect();
            let trap = match arch {
                Arch::X86_64 => (next() % n as u64) as usize,
                Arch::Arm64 => 4 * (next() % (n as u64 / 4)) as usize,
            };
            let c = CodeBytes { arch, bytes, trap };
            let object: Vec<u8> = (0..(next() % 96) as usize).map(|_| next() as u8).collect();
            let at = (next() as usize) % (object.len() + 1);
            let bounds = object_boundaries(arch, &object, at, &c);
            for syntax in [Syntax::Att, Syntax::Intel] {
                let (insns, t) = disassemble(&c, syntax, next(), &bounds);
                assert_eq!(insns[t].offset, c.trap);
                assert!(insns.iter().all(|i| i.offset + i.len <= c.bytes.len()));
            }
            let id = check_bytes(&c, &object, at, round % 3 == 0);
            assert!(!id.evidence.is_empty());
        }
    }
}
