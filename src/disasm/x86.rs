//! x86_64 through iced-x86, with objdump's spelling.

use iced_x86::{
    Code, Decoder, DecoderError, DecoderOptions, Formatter, FormatterOutput, FormatterTextKind,
};
use iced_x86::{GasFormatter, IntelFormatter};

use super::{join, Insn, Syntax};

/// The formatter output split at the first operand.
#[derive(Default)]
struct Split {
    mnemonic: String,
    operands: String,
    seen_mnemonic: bool,
    in_operands: bool,
}

impl FormatterOutput for Split {
    fn write(&mut self, text: &str, kind: FormatterTextKind) {
        if !self.in_operands {
            if kind == FormatterTextKind::Mnemonic {
                self.seen_mnemonic = true;
            } else if self.seen_mnemonic && text.trim().is_empty() {
                self.in_operands = true;
                return;
            }
        }
        if self.in_operands {
            self.operands.push_str(text);
        } else {
            self.mnemonic.push_str(text);
        }
    }
}

thread_local! {
    /// The formatters, set up once per thread (building one costs more than formatting).
    static GAS: std::cell::RefCell<GasFormatter> = std::cell::RefCell::new(gas());
    static INTEL: std::cell::RefCell<IntelFormatter> = std::cell::RefCell::new(intel());
}

/// The options objdump's output needs in both syntaxes.
fn objdump_options(o: &mut iced_x86::FormatterOptions) {
    o.set_space_after_operand_separator(false);
    o.set_hex_prefix("0x");
    o.set_hex_suffix("");
    o.set_uppercase_hex(false);
    o.set_branch_leading_zeros(false);
    o.set_leading_zeros(false);
    o.set_signed_memory_displacements(true);
    o.set_rip_relative_addresses(true);
    o.set_show_branch_size(false);
    o.set_small_hex_numbers_in_decimal(false);
    o.set_add_leading_zero_to_hex_numbers(false);
    o.set_always_show_scale(true);
    o.set_show_zero_displacements(true);
    o.set_show_useless_prefixes(true);
    o.set_first_operand_char_index(0);
}

fn gas() -> GasFormatter {
    let mut f = GasFormatter::new();
    let o = f.options_mut();
    objdump_options(o);
    o.set_gas_show_mnemonic_size_suffix(false);
    f
}

fn intel() -> IntelFormatter {
    let mut f = IntelFormatter::new();
    let o = f.options_mut();
    objdump_options(o);
    o.set_memory_size_options(iced_x86::MemorySizeOptions::Always);
    o.set_uppercase_keywords(true);
    f
}

/// Decode one instruction at the start of `bytes`.
pub(super) fn decode(syntax: Syntax, bytes: &[u8], address: u64) -> Insn {
    let Some((mut text, len, ud2)) = format_one(syntax, bytes, address) else {
        let truncated = is_truncated(bytes, address);
        // objdump skips an undecodable VEX instruction up to its opcode byte.
        let len = match bytes.first() {
            _ if truncated => bytes.len(),
            Some(0xc5) => 3,
            Some(0xc4) => 4,
            _ => 1,
        }
        .min(bytes.len());
        return Insn {
            offset: 0,
            len,
            text: "(bad)".to_string(),
            bad: true,
            truncated,
            bug_trap: false,
        };
    };
    // Prefixes the instruction does not use: objdump names them (`data16`, `rex.B`).
    let mut names = Vec::new();
    let mut i = 0;
    while i + 1 < len {
        let Some(name) = prefix_name(bytes[i]) else {
            break;
        };
        let rest = format_one(
            syntax,
            &bytes[i + 1..len],
            address.wrapping_add(i as u64 + 1),
        );
        match rest {
            Some((t, l, _)) if l == len - i - 1 && t == text => {
                names.push(name);
                i += 1;
            }
            _ => break,
        }
    }
    if !names.is_empty() {
        text = format!("{} {text}", names.join(" "));
    }
    Insn {
        offset: 0,
        len,
        text,
        bad: false,
        truncated: false,
        bug_trap: ud2,
    }
}

/// Instruction starts over `bytes`, as [`decode`] steps (a `(bad)` byte or VEX prefix
/// skipped as objdump skips it).
pub(super) fn starts(bytes: &[u8]) -> Vec<(usize, bool)> {
    let mut out = Vec::new();
    let mut off = 0;
    while off < bytes.len() {
        let mut d = Decoder::with_ip(64, &bytes[off..], 0, DecoderOptions::NONE);
        let insn = d.decode();
        out.push((off, insn.code() == Code::INVALID));
        let len = if insn.code() == Code::INVALID {
            match bytes[off] {
                _ if d.last_error() == DecoderError::NoMoreBytes => bytes.len() - off,
                0xc5 => 3,
                0xc4 => 4,
                _ => 1,
            }
        } else {
            insn.len()
        };
        off += len.max(1);
    }
    out
}

fn is_truncated(bytes: &[u8], address: u64) -> bool {
    let mut d = Decoder::with_ip(64, bytes, address, DecoderOptions::NONE);
    let _ = d.decode();
    d.last_error() == DecoderError::NoMoreBytes
}

/// objdump's name of a prefix byte it prints when unused.
fn prefix_name(b: u8) -> Option<String> {
    match b {
        0x66 => Some("data16".to_string()),
        0x67 => Some("addr32".to_string()),
        0x40..=0x4f => {
            let mut n = "rex".to_string();
            if b & 0xf != 0 {
                n.push('.');
                for (bit, c) in [(8, 'W'), (4, 'R'), (2, 'X'), (1, 'B')] {
                    if b & bit != 0 {
                        n.push(c);
                    }
                }
            }
            Some(n)
        }
        _ => None,
    }
}

/// The text, length and `ud2`-ness of the instruction at the start of `bytes`; `None`
/// when it does not decode.
fn format_one(syntax: Syntax, bytes: &[u8], address: u64) -> Option<(String, usize, bool)> {
    let mut d = Decoder::with_ip(64, bytes, address, DecoderOptions::NONE);
    let insn = d.decode();
    if insn.code() == Code::INVALID {
        return None;
    }
    let mut out = Split::default();
    match syntax {
        Syntax::Att => GAS.with(|f| f.borrow_mut().format(&insn, &mut out)),
        Syntax::Intel => INTEL.with(|f| f.borrow_mut().format(&insn, &mut out)),
    }
    // With the scale always shown, iced spells a base-only SIB operand `(%rax,)`;
    // objdump prints `(%rax)`.
    let mut operands = out.operands.trim().replace(",)", ")");
    let mut mnemonic = out.mnemonic.trim_end().to_string();
    match syntax {
        Syntax::Att => objdump_att(&insn, &mut mnemonic, &mut operands),
        Syntax::Intel => objdump_intel(&insn, &mut mnemonic, &mut operands),
    }
    riz(&insn, bytes, &d, syntax, &mut operands);
    let mut text = join(&mnemonic, &operands);
    if insn.is_ip_rel_memory_operand() {
        // objdump's comment: where the `%rip`-relative operand points.
        text += &format!("        # 0x{:x}", insn.ip_rel_memory_address());
    }
    Some((text, insn.len(), insn.code() == Code::Ud2))
}

/// objdump spells a SIB byte with no index register as `%riz`/`%eiz` (`lea
/// 0x0(%rsi,%riz,1),%esi`, padding from older assemblers); iced leaves the index out.
/// Seen only with a displacement, which locates the SIB byte right before it.
fn riz(
    insn: &iced_x86::Instruction,
    bytes: &[u8],
    d: &Decoder<'_>,
    syntax: Syntax,
    operands: &mut String,
) {
    use iced_x86::Register;
    if insn.memory_index() != Register::None || insn.memory_base() == Register::None {
        return;
    }
    if matches!(
        insn.memory_base(),
        Register::RSP | Register::R12 | Register::ESP | Register::R12D | Register::RIP
    ) {
        return;
    }
    let co = d.get_constant_offsets(insn);
    if !co.has_displacement() {
        return;
    }
    let at = co.displacement_offset();
    let (Some(&sib), Some(&modrm)) = (bytes.get(at.wrapping_sub(1)), bytes.get(at.wrapping_sub(2)))
    else {
        return;
    };
    if modrm & 7 != 4 || modrm >> 6 == 3 || (sib >> 3) & 7 != 4 {
        return;
    }
    let b = insn.memory_base() as u32;
    let riz = if (Register::EAX as u32..=Register::R15D as u32).contains(&b) {
        "%eiz"
    } else {
        "%riz"
    };
    let scale = 1u8 << (sib >> 6);
    match syntax {
        Syntax::Att => {
            if let Some(p) = operands.find(')') {
                operands.insert_str(p, &format!(",{riz},{scale}"));
            }
        }
        Syntax::Intel => {
            // `[rsi+0x0]` → `[rsi+riz*1+0x0]`: after the base register.
            if let Some(open) = operands.find('[') {
                let base_end = operands[open + 1..]
                    .find(['+', '-', ']'])
                    .map_or(operands.len(), |e| open + 1 + e);
                let name = riz.trim_start_matches('%');
                operands.insert_str(base_end, &format!("+{name}*{scale}"));
            }
        }
    }
}

/// An implicit string-instruction operand (`(%rsi)`, `(%rdi)` and their segments).
fn is_string_operand(k: iced_x86::OpKind) -> bool {
    use iced_x86::OpKind;
    matches!(
        k,
        OpKind::MemorySegSI
            | OpKind::MemorySegESI
            | OpKind::MemorySegRSI
            | OpKind::MemoryESDI
            | OpKind::MemoryESEDI
            | OpKind::MemoryESRDI
    )
}

/// Where objdump's AT&T text differs from iced's: string operands with their segments
/// (`%ds:(%rsi)`, `%es:(%rdi)`, `(%dx)`), `repz ret`, and a segment prefix on a `nop`
/// printed as a prefix (`cs nopw 0x0(%rax,%rax,1)`).
fn objdump_att(insn: &iced_x86::Instruction, mnemonic: &mut String, operands: &mut String) {
    use iced_x86::{OpKind, Register};
    let string_op = insn.op_kinds().any(is_string_operand);
    if string_op {
        let mut parts: Vec<String> = operands.split(',').map(str::to_string).collect();
        // AT&T lists the operands in the reverse of iced's (Intel) order.
        let kinds: Vec<OpKind> = insn.op_kinds().collect();
        for (p, &k) in parts.iter_mut().zip(kinds.iter().rev()) {
            match k {
                OpKind::MemorySegSI | OpKind::MemorySegESI | OpKind::MemorySegRSI
                    if !p.contains(':') =>
                {
                    *p = format!("%ds:{p}");
                }
                OpKind::MemoryESDI | OpKind::MemoryESEDI | OpKind::MemoryESRDI
                    if !p.contains(':') =>
                {
                    *p = format!("%es:{p}");
                }
                OpKind::Register if p == "%dx" => *p = "(%dx)".to_string(),
                _ => {}
            }
        }
        *operands = parts.join(",");
    }
    if mnemonic == "rep ret" {
        *mnemonic = "repz ret".to_string();
    }
    let seg = insn.segment_prefix();
    if matches!(insn.mnemonic(), iced_x86::Mnemonic::Nop) && seg != Register::None {
        if let Some((prefix, rest)) = operands.split_once(':') {
            let name = prefix.trim_start_matches('%').to_string();
            *operands = rest.to_string();
            *mnemonic = format!("{name} {mnemonic}");
        }
    }
}

/// Where objdump's Intel text (`-M intel`) differs from iced's: `movabs`, an absolute
/// address as `ds:0x...`, string instructions without their size suffix and with their
/// segments and implicit register (`rep stos BYTE PTR es:[rdi],al`), `pushf`/`popf`,
/// `repz ret`, and a segment prefix on a `nop` printed as a prefix.
fn objdump_intel(insn: &iced_x86::Instruction, mnemonic: &mut String, operands: &mut String) {
    use iced_x86::{Code as C, MemorySize, OpKind, Register};
    if matches!(
        insn.code(),
        C::Mov_r64_imm64
            | C::Mov_AL_moffs8
            | C::Mov_AX_moffs16
            | C::Mov_EAX_moffs32
            | C::Mov_RAX_moffs64
            | C::Mov_moffs8_AL
            | C::Mov_moffs16_AX
            | C::Mov_moffs32_EAX
            | C::Mov_moffs64_RAX
    ) {
        *mnemonic = mnemonic.replacen("mov", "movabs", 1);
        // objdump gives a moffs operand no size: `movabs al,ds:0x...`.
        for size in ["BYTE PTR ", "WORD PTR ", "DWORD PTR ", "QWORD PTR "] {
            if let Some(p) = operands
                .find(size)
                .filter(|&p| p == 0 || operands[..p].ends_with(','))
            {
                operands.replace_range(p..p + size.len(), "");
            }
        }
    }
    match mnemonic.as_str() {
        "pushfq" => *mnemonic = "pushf".to_string(),
        "popfq" => *mnemonic = "popf".to_string(),
        "rep ret" => *mnemonic = "repz ret".to_string(),
        _ => {}
    }
    // An address with neither base nor index: `ds:0x28`, `gs:0x28`.
    if insn.op_kinds().any(|k| k == OpKind::Memory)
        && insn.memory_base() == Register::None
        && insn.memory_index() == Register::None
    {
        if let (Some(open), Some(close)) = (operands.find('['), operands.find(']')) {
            if close > open {
                let inner = operands[open + 1..close].to_string();
                let seg_before = open >= 3 && operands[..open].ends_with(':');
                let rep = if seg_before {
                    inner
                } else {
                    format!("ds:{inner}")
                };
                operands.replace_range(open..=close, &rep);
            }
        }
    }
    let kinds: Vec<OpKind> = insn.op_kinds().collect();
    let string_op = kinds.iter().copied().any(is_string_operand);
    if string_op {
        let (prefix, base) = match mnemonic.rsplit_once(' ') {
            Some((p, b)) => (format!("{p} "), b.to_string()),
            None => (String::new(), mnemonic.clone()),
        };
        let stem = ["movs", "stos", "lods", "scas", "cmps", "outs", "ins"]
            .into_iter()
            .find(|s| base.starts_with(s) && base.len() == s.len() + 1);
        if let Some(stem) = stem {
            *mnemonic = format!("{prefix}{stem}");
            let mut parts: Vec<String> = operands.split(',').map(str::to_string).collect();
            for (p, k) in parts.iter_mut().zip(&kinds) {
                let seg = match k {
                    OpKind::MemorySegSI | OpKind::MemorySegESI | OpKind::MemorySegRSI => "ds:",
                    OpKind::MemoryESDI | OpKind::MemoryESEDI | OpKind::MemoryESRDI => "es:",
                    _ => continue,
                };
                if let Some(b) = p.find('[').filter(|_| !p.contains(':')) {
                    p.insert_str(b, seg);
                }
            }
            let acc = match insn.memory_size() {
                MemorySize::UInt8 | MemorySize::Int8 => "al",
                MemorySize::UInt16 | MemorySize::Int16 => "ax",
                MemorySize::UInt32 | MemorySize::Int32 => "eax",
                _ => "rax",
            };
            match stem {
                "stos" if parts.len() == 1 => parts.push(acc.to_string()),
                "lods" | "scas" if parts.len() == 1 => parts.insert(0, acc.to_string()),
                _ => {}
            }
            *operands = parts.join(",");
        }
    }
    if matches!(insn.mnemonic(), iced_x86::Mnemonic::Nop) && insn.segment_prefix() != Register::None
    {
        if let Some(c) = operands.find(':') {
            let start = operands[..c].rfind(' ').map_or(0, |s| s + 1);
            let seg = operands[start..c].to_string();
            operands.replace_range(start..=c, "");
            *mnemonic = format!("{seg} {mnemonic}");
        }
    }
}
