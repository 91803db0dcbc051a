//! arm64 through yaxpeax-arm, with objdump's spelling of targets, conditions and system
//! registers.

use yaxpeax_arch::{Decoder, U8Reader};
use yaxpeax_arm::armv8::a64::{InstDecoder, Instruction, Opcode, Operand};

use super::{join, Insn};

/// `brk #0x800`: the immediate of the kernel's `BUG()`/`WARN()` trap (`BUG_BRK_IMM`).
const BUG_BRK_IMM: u32 = 0x800;

/// System registers by encoding (`op0:op1:CRn:CRm:op2`), named as objdump names them.
/// `op0, op1, CRn, CRm, op2` of a system register.
type SysRegKey = (u16, u16, u16, u16, u16);

const SYSREGS: &[(SysRegKey, &str)] = &[
    ((3, 0, 0, 0, 0), "midr_el1"),
    ((3, 0, 0, 0, 5), "mpidr_el1"),
    ((3, 0, 0, 0, 6), "revidr_el1"),
    ((3, 0, 0, 4, 0), "id_aa64pfr0_el1"),
    ((3, 0, 0, 4, 1), "id_aa64pfr1_el1"),
    ((3, 0, 0, 5, 0), "id_aa64dfr0_el1"),
    ((3, 0, 0, 6, 0), "id_aa64isar0_el1"),
    ((3, 0, 0, 6, 1), "id_aa64isar1_el1"),
    ((3, 0, 0, 7, 0), "id_aa64mmfr0_el1"),
    ((3, 0, 0, 7, 1), "id_aa64mmfr1_el1"),
    ((3, 0, 0, 7, 2), "id_aa64mmfr2_el1"),
    ((3, 0, 1, 0, 0), "sctlr_el1"),
    ((3, 0, 1, 0, 2), "cpacr_el1"),
    ((3, 0, 2, 0, 0), "ttbr0_el1"),
    ((3, 0, 2, 0, 1), "ttbr1_el1"),
    ((3, 0, 2, 0, 2), "tcr_el1"),
    ((3, 0, 4, 0, 0), "spsr_el1"),
    ((3, 0, 4, 0, 1), "elr_el1"),
    ((3, 0, 4, 1, 0), "sp_el0"),
    ((3, 0, 4, 2, 0), "spsel"),
    ((3, 0, 4, 2, 2), "currentel"),
    ((3, 0, 4, 2, 3), "pan"),
    ((3, 0, 4, 2, 4), "uao"),
    ((3, 0, 4, 6, 0), "icc_pmr_el1"),
    ((3, 0, 5, 1, 0), "afsr0_el1"),
    ((3, 0, 5, 2, 0), "esr_el1"),
    ((3, 0, 6, 0, 0), "far_el1"),
    ((3, 0, 7, 4, 0), "par_el1"),
    ((3, 0, 10, 2, 0), "mair_el1"),
    ((3, 0, 10, 3, 0), "amair_el1"),
    ((3, 0, 12, 0, 0), "vbar_el1"),
    ((3, 0, 12, 12, 0), "icc_iar1_el1"),
    ((3, 0, 12, 12, 1), "icc_eoir1_el1"),
    ((3, 0, 12, 12, 5), "icc_sre_el1"),
    ((3, 0, 12, 12, 7), "icc_igrpen1_el1"),
    ((3, 0, 12, 11, 5), "icc_sgi1r_el1"),
    ((3, 0, 13, 0, 1), "contextidr_el1"),
    ((3, 0, 13, 0, 4), "tpidr_el1"),
    ((3, 0, 14, 1, 0), "cntkctl_el1"),
    ((3, 3, 0, 0, 1), "ctr_el0"),
    ((3, 3, 0, 0, 7), "dczid_el0"),
    ((3, 3, 4, 2, 0), "nzcv"),
    ((3, 3, 4, 2, 1), "daif"),
    ((3, 3, 4, 2, 5), "dit"),
    ((3, 3, 4, 2, 6), "ssbs"),
    ((3, 3, 4, 2, 7), "tco"),
    ((3, 3, 4, 4, 0), "fpcr"),
    ((3, 3, 4, 4, 1), "fpsr"),
    ((3, 3, 9, 12, 0), "pmcr_el0"),
    ((3, 3, 9, 13, 0), "pmccntr_el0"),
    ((3, 3, 13, 0, 2), "tpidr_el0"),
    ((3, 3, 13, 0, 3), "tpidrro_el0"),
    ((3, 3, 14, 0, 0), "cntfrq_el0"),
    ((3, 3, 14, 0, 1), "cntpct_el0"),
    ((3, 3, 14, 0, 2), "cntvct_el0"),
    ((3, 3, 14, 2, 1), "cntp_ctl_el0"),
    ((3, 3, 14, 2, 2), "cntp_cval_el0"),
    ((3, 3, 14, 3, 0), "cntv_tval_el0"),
    ((3, 3, 14, 3, 1), "cntv_ctl_el0"),
    ((3, 3, 14, 3, 2), "cntv_cval_el0"),
    ((3, 4, 1, 1, 0), "hcr_el2"),
    ((3, 4, 4, 0, 1), "elr_el2"),
    ((3, 4, 13, 0, 2), "tpidr_el2"),
    ((3, 0, 0, 2, 2), "mdscr_el1"),
];

/// The text yaxpeax-arm gives a system register it does not name, and objdump's name.
fn sysreg(reg: u16) -> (String, Option<&'static str>) {
    let op2 = reg & 0b111;
    let crm = (reg >> 3) & 0b1111;
    let crn = (reg >> 7) & 0b1111;
    let op1 = (reg >> 11) & 0b111;
    let op0 = ((reg >> 14) & 0b1) + 2;
    let raw = format!("s{op0}_{op1}_c{crn}_c{crm}_{op2}");
    let name = SYSREGS
        .iter()
        .find(|(k, _)| *k == (op0, op1, crn, crm, op2))
        .map(|(_, n)| *n);
    (raw, name)
}

/// objdump's name of a condition (`cs`/`cc` where yaxpeax-arm says `hs`/`lo`).
fn replace_word(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let boundary_before = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if boundary_before && text[i..].starts_with(from) {
            let j = i + from.len();
            if j == text.len() || !b[j].is_ascii_alphanumeric() {
                out.push_str(to);
                i = j;
                continue;
            }
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Decode one instruction (a little-endian word) at the start of `bytes`.
pub(super) fn decode(bytes: &[u8], address: u64) -> Insn {
    if bytes.len() < 4 {
        return Insn {
            offset: 0,
            len: bytes.len(),
            text: "(bad)".to_string(),
            bad: true,
            truncated: true,
            bug_trap: false,
        };
    }
    let word = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let mut reader = U8Reader::new(&bytes[..4]);
    let mut inst = Instruction::default();
    if InstDecoder::default()
        .decode_into(&mut inst, &mut reader)
        .is_err()
    {
        return Insn {
            offset: 0,
            len: 4,
            text: format!(".inst  0x{word:08x} ; undefined"),
            bad: true,
            truncated: false,
            bug_trap: false,
        };
    }
    let mut text = inst.to_string();
    let mut has_cond = matches!(inst.opcode, Opcode::Bcc(_));
    for op in &inst.operands {
        match *op {
            Operand::PCOffset(offs) => {
                let target = if inst.opcode == Opcode::ADRP {
                    (address & !0xfff).wrapping_add(offs as u64)
                } else {
                    address.wrapping_add(offs as u64)
                };
                let shown = if offs < 0 {
                    format!("$-{:#x}", offs.wrapping_neg())
                } else {
                    format!("$+{offs:#x}")
                };
                text = text.replacen(&shown, &format!("0x{target:x}"), 1);
            }
            Operand::ConditionCode(_) => has_cond = true,
            Operand::SystemReg(reg) => {
                if let (raw, Some(name)) = sysreg(reg) {
                    text = replace_word(&text, &raw, name);
                }
            }
            _ => {}
        }
    }
    text = decimal_offsets(&text);
    if DECIMAL_IMMEDIATES.contains(&text.split(' ').next().unwrap_or("")) {
        text = decimal_immediates(&text);
    }
    if let Some(alias) = sys_alias(&inst) {
        text = alias;
    }
    if has_cond {
        text = replace_word(&text, "hs", "cs");
        text = replace_word(&text, "lo", "cc");
    }
    let bug_trap = inst.opcode == Opcode::BRK
        && matches!(inst.operands[0], Operand::Imm16(i) if u32::from(i) == BUG_BRK_IMM)
        || matches!(inst.operands[0], Operand::Immediate(i) if inst.opcode == Opcode::BRK && i == BUG_BRK_IMM);
    let (mnemonic, operands) = match text.split_once(' ') {
        Some((m, o)) => (m.to_string(), o.trim().to_string()),
        None => (text.clone(), String::new()),
    };
    Insn {
        offset: 0,
        len: 4,
        text: join(&mnemonic, &operands),
        bad: false,
        truncated: false,
        bug_trap,
    }
}

/// Instructions whose immediates objdump prints in decimal (bit numbers, shift amounts,
/// bitfield positions and widths).
const DECIMAL_IMMEDIATES: &[&str] = &[
    "lsl", "lsr", "asr", "ror", "sbfx", "ubfx", "sbfiz", "ubfiz", "bfi", "bfxil", "bfc", "sbfm",
    "ubfm", "bfm", "extr", "tbz", "tbnz",
];

/// Every `#0x..` immediate in decimal.
fn decimal_immediates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("#0x") {
        out.push_str(&rest[..i]);
        let digits = &rest[i + 3..];
        let end = digits
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(digits.len());
        match u64::from_str_radix(&digits[..end], 16) {
            Ok(v) => out.push_str(&format!("#{v}")),
            Err(_) => out.push_str(&rest[i..i + 3 + end]),
        }
        rest = &digits[end..];
    }
    out.push_str(rest);
    out
}

/// objdump prints the immediate offset of an address in decimal (`[x19, #8]`,
/// `[sp, #-32]!`, `[x0], #16`); yaxpeax-arm in hex.
fn decimal_offsets(text: &str) -> String {
    let Some(open) = text.find('[') else {
        return text.to_string();
    };
    let mut out = text[..open].to_string();
    let rest = &text[open..];
    let mut i = 0;
    let b = rest.as_bytes();
    while i < rest.len() {
        if rest[i..].starts_with("#0x") || rest[i..].starts_with("#-0x") {
            let neg = b[i + 1] == b'-';
            let start = i + if neg { 4 } else { 3 };
            let end = rest[start..]
                .find(|c: char| !c.is_ascii_hexdigit())
                .map_or(rest.len(), |e| start + e);
            let next = rest[end..].chars().next();
            // Only address offsets: followed by `]` or, for post-index, ending the text.
            let is_offset = next == Some(']') || (next.is_none() && rest[..i].ends_with("], "));
            if let (true, Ok(v)) = (is_offset, i64::from_str_radix(&rest[start..end], 16)) {
                out.push_str(&format!("#{}{v}", if neg { "-" } else { "" }));
                i = end;
                continue;
            }
        }
        let c = rest[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// `sys` operations objdump names (`dc zva, x0`, `ic ivau, x1`), by `op1, CRn, CRm, op2`.
/// `op1, CRn, CRm, op2` of a `sys` operation.
type SysOpKey = (u8, u16, u16, u8);

const SYS_OPS: &[(SysOpKey, &str)] = &[
    ((3, 7, 4, 1), "dc zva"),
    ((0, 7, 6, 1), "dc ivac"),
    ((0, 7, 6, 2), "dc isw"),
    ((3, 7, 10, 1), "dc cvac"),
    ((3, 7, 11, 1), "dc cvau"),
    ((3, 7, 12, 1), "dc cvap"),
    ((3, 7, 14, 1), "dc civac"),
    ((0, 7, 10, 2), "dc csw"),
    ((0, 7, 14, 2), "dc cisw"),
    ((3, 7, 5, 1), "ic ivau"),
];

fn sys_alias(inst: &Instruction) -> Option<String> {
    let Opcode::SYS(ops) = inst.opcode else {
        return None;
    };
    let (Operand::ControlReg(crn), Operand::ControlReg(crm)) = (inst.operands[1], inst.operands[2])
    else {
        return None;
    };
    let name = SYS_OPS
        .iter()
        .find(|(k, _)| *k == (ops.op1(), crn, crm, ops.op2()))?
        .1;
    Some(format!("{name}, {}", inst.operands[0]))
}
