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

mod check;

pub use check::{check_bytes, Identity, Verdict};

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

/// Most bytes a `Code:` line is read with. Kernels print 64 bytes on x86 and 5 words on
/// arm64; a longer line is not a kernel's and gets no listing (its time and output stay
/// small whatever the log holds).
pub const MAX_CODE_BYTES: usize = 1024;

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
/// (`Bad RIP value.`, `Unable to access opcode bytes at ...`), is not well formed, or
/// holds more than [`MAX_CODE_BYTES`] bytes.
pub fn parse(text: &str, arch: Option<Arch>) -> Option<CodeBytes> {
    let tokens: Vec<&str> = text
        .split_ascii_whitespace()
        .take(MAX_CODE_BYTES + 1)
        .collect();
    if tokens.is_empty() || tokens.len() > MAX_CODE_BYTES {
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
        // Boundaries up to the trap are all that is asked.
        let scan = disasm::scan(code.arch, &code.bytes[start..=code.trap]);
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
    if let Some(p) = place.filter(|p| p.offset <= MAX_FUNCTION_PREFIX) {
        let tail = (code.bytes.len() - code.trap) as u64;
        let start = p.address.wrapping_sub(p.offset);
        if let Some(b) = p.symz.bytes_at(start, p.offset + tail) {
            if b.len() > p.offset as usize {
                boundaries = object_boundaries(code.arch, b, p.offset as usize, code);
                let relocatable = p.symz.kind() == crate::dwarf::ObjectKind::Relocatable;
                identity = Some(check_bytes(code, b, p.offset as usize, relocatable));
            }
        }
    }
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
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let mut s = String::with_capacity(b.len() * 3);
            for (i, &x) in b.iter().enumerate() {
                if i > 0 {
                    s.push(' ');
                }
                s.push(char::from(HEX[usize::from(x >> 4)]));
                s.push(char::from(HEX[usize::from(x & 0xf)]));
            }
            s
        }
    }
}

/// Bytes as a `Code:` line prints them, the one at `trap` marked: x86 `48 89 e5 <0f> 0b`,
/// arm64 words `a9be7bfd (d4210000)` (a trailing partial word as bytes).
fn print_line(arch: Arch, b: &[u8], trap: Option<usize>) -> String {
    let step = match arch {
        Arch::X86_64 => 1,
        Arch::Arm64 => 4,
    };
    b.chunks(step)
        .enumerate()
        .map(|(k, c)| {
            let t = print_bytes(arch, c);
            if Some(k * step) != trap {
                t
            } else if arch == Arch::X86_64 {
                format!("<{t}>")
            } else {
                format!("({t})")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_print_as_the_code_line_prints_them() {
        assert_eq!(print_bytes(Arch::X86_64, &[0x48, 0x89, 0xe5]), "48 89 e5");
        assert_eq!(print_bytes(Arch::X86_64, &[0x0f]), "0f");
        assert_eq!(print_bytes(Arch::X86_64, &[]), "");
        assert_eq!(
            print_bytes(Arch::Arm64, &[0x00, 0x00, 0x21, 0xd4]),
            "d4210000"
        );
        assert_eq!(print_bytes(Arch::Arm64, &[0xfd, 0x7b]), "fd 7b");
    }

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
        let long = format!("{} <0f> 0b", "90 ".repeat(MAX_CODE_BYTES));
        assert_eq!(parse(&long, None), None);
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
