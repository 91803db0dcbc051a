//! Line shapes inside a kernel message: frames, register dumps, trap and header lines.
//!
//! Every recognizer works on the raw line bytes and a start position, and reports byte
//! positions in the raw line, so the decoder can annotate the line in place. None of them
//! allocates for lines that do not match.

use std::ops::Range;

/// A frame's text as found on a line, before the parser adds its context.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrameText {
    /// `[<ffff...>]` or `0x...` address.
    pub address: Option<u64>,
    /// Symbol name.
    pub symbol: Option<String>,
    /// `+0x..` offset.
    pub offset: Option<u64>,
    /// `/0x..` size.
    pub size: Option<u64>,
    /// `[module ...]`.
    pub module: Option<String>,
    /// `[module buildid]`.
    pub build_id: Option<String>,
    /// No `? ` in front.
    pub reliable: bool,
    /// arm64 unwind marker: `b'P'` or `b'L'`.
    pub marker: Option<u8>,
    /// Symbol text (or address text) range.
    pub span: Range<usize>,
    /// End of the whole frame text.
    pub end: usize,
}

/// Longest symbol name taken as one.
pub const MAX_SYMBOL: usize = 1024;

pub(crate) fn skip_spaces(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && (s[i] == b' ' || s[i] == b'\t') {
        i += 1;
    }
    i
}

fn hex_run(s: &[u8], i: usize) -> usize {
    s[i.min(s.len())..]
        .iter()
        .take_while(|b| b.is_ascii_hexdigit())
        .count()
}

fn parse_hex(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    u64::from_str_radix(std::str::from_utf8(s).ok()?, 16).ok()
}

/// `0x` followed by hex digits at `i`: (value, end). Value `None` if wider than 64 bits.
fn hex_0x(s: &[u8], i: usize) -> Option<(Option<u64>, usize)> {
    if !s[i.min(s.len())..].starts_with(b"0x") {
        return None;
    }
    let n = hex_run(s, i + 2);
    if n == 0 {
        return None;
    }
    Some((parse_hex(&s[i + 2..i + 2 + n]), i + 2 + n))
}

/// `[<hex>]` at `i`: (address, end).
pub fn bracket_address(s: &[u8], i: usize) -> Option<(Option<u64>, usize)> {
    if !s[i.min(s.len())..].starts_with(b"[<") {
        return None;
    }
    let n = hex_run(s, i + 2);
    if n == 0 || !s[i + 2 + n..].starts_with(b">]") {
        return None;
    }
    Some((parse_hex(&s[i + 2..i + 2 + n]), i + 4 + n))
}

fn is_sym_byte(b: u8) -> bool {
    !(b.is_ascii_whitespace() || b == b'+' || b == b'[' || b == b']' || b == b'(' || b == b'<')
}

/// `sym+0xoff/0xsize` at `i`: (symbol range, offset, size, end).
#[allow(clippy::type_complexity)]
pub fn sym_off_size(s: &[u8], i: usize) -> Option<(Range<usize>, Option<u64>, Option<u64>, usize)> {
    let mut j = i;
    while j < s.len() && is_sym_byte(s[j]) {
        j += 1;
    }
    // Kernel symbols are at most KSYM_NAME_LEN (512) bytes; a longer word is no frame.
    if j == i || j - i > MAX_SYMBOL || s.get(j) != Some(&b'+') {
        return None;
    }
    let (off, k) = hex_0x(s, j + 1)?;
    if s.get(k) != Some(&b'/') {
        return None;
    }
    let (size, end) = hex_0x(s, k + 1)?;
    if s.get(end)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        return None;
    }
    Some((i..j, off, size, end))
}

/// `[module]` or `[module buildid]` at `i` (after spaces): (module, build id, end).
fn module_bracket(s: &[u8], i: usize) -> Option<(String, Option<String>, usize)> {
    let i = skip_spaces(s, i);
    if s.get(i) != Some(&b'[') || s.get(i + 1) == Some(&b'<') {
        return None;
    }
    let close = i + s[i..].iter().take(200).position(|&b| b == b']')?;
    let inner = &s[i + 1..close];
    let mut parts = inner.split(|&b| b == b' ').filter(|p| !p.is_empty());
    let name = parts.next()?;
    if !name
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
    {
        return None;
    }
    let bid = match parts.next() {
        Some(b) if b.iter().all(u8::is_ascii_hexdigit) => {
            Some(String::from_utf8_lossy(b).into_owned())
        }
        Some(_) => return None,
        None => None,
    };
    if parts.next().is_some() || name == b"inline" {
        return None;
    }
    Some((String::from_utf8_lossy(name).into_owned(), bid, close + 1))
}

/// powerpc `[sp] [addr] ` at `i`: (address, range of the address brackets).
fn ppc_pair(s: &[u8], i: usize) -> Option<(Option<u64>, Range<usize>)> {
    let one = |at: usize| -> Option<(usize, usize)> {
        if s.get(at) != Some(&b'[') {
            return None;
        }
        let n = hex_run(s, at + 1);
        (n >= 8 && s.get(at + 1 + n) == Some(&b']')).then_some((at + 1, at + 1 + n))
    };
    let (_, e1) = one(i)?;
    let j = skip_spaces(s, e1 + 1);
    let (a, b) = one(j)?;
    if s.get(b + 1) != Some(&b' ') {
        return None;
    }
    Some((parse_hex(&s[a..b]), j..b + 1))
}

/// A frame starting at `i` (spaces skipped): `[? ][<addr>] [? ]sym+off/size [mod] (P)`,
/// a bare `[<addr>]`, or, when `bare_hex`, a bare `0xaddr`.
pub fn frame_at(s: &[u8], i: usize, bare_hex: bool) -> Option<FrameText> {
    let mut f = FrameText {
        reliable: true,
        ..FrameText::default()
    };
    let mut i = skip_spaces(s, i);
    if s[i.min(s.len())..].starts_with(b"? ") {
        f.reliable = false;
        i = skip_spaces(s, i + 2);
    }
    let mut addr_span = None;
    // powerpc: `[stack pointer] [address] sym+off/size (unreliable)`.
    if let Some((a, e)) = ppc_pair(s, i) {
        f.address = a;
        addr_span = Some(e.clone());
        i = skip_spaces(s, e.end);
    }
    // Old x86 prints `[<addr>]` once or twice (`RIP: 0010:[<a>]  [<a>] sym`).
    while let Some((a, e)) = bracket_address(s, i) {
        f.address = a.or(f.address);
        addr_span = Some(i..e);
        i = skip_spaces(s, e);
    }
    if s[i.min(s.len())..].starts_with(b"? ") {
        f.reliable = false;
        i = skip_spaces(s, i + 2);
    }
    if let Some((sym, off, size, end)) = sym_off_size(s, i) {
        f.symbol = Some(String::from_utf8_lossy(&s[sym.clone()]).into_owned());
        f.offset = off;
        f.size = size;
        f.span = sym.start..end;
        f.end = end;
        if let Some((m, b, e)) = module_bracket(s, end) {
            f.module = Some(m);
            f.build_id = b;
            f.end = e;
        }
        let j = skip_spaces(s, f.end);
        if s[j..].starts_with(b"(unreliable)") {
            f.reliable = false;
        }
        if s.len() >= j + 3 && s[j] == b'(' && s[j + 2] == b')' && matches!(s[j + 1], b'P' | b'L') {
            f.marker = Some(s[j + 1]);
            f.end = j + 3;
        }
        return Some(f);
    }
    if let Some(span) = addr_span {
        f.end = span.end;
        f.span = span;
        return Some(f);
    }
    if bare_hex {
        let (a, e) = hex_0x(s, i)?;
        if e - i < 6 || s.get(e).is_some_and(|b| !b.is_ascii_whitespace()) {
            return None;
        }
        f.address = a;
        f.span = i..e;
        f.end = e;
        return Some(f);
    }
    None
}

/// Frames on a line that does not start with one: each `[<addr>]` anywhere, with the
/// symbol that follows it (lockdep `at: [<addr>] sym+off/size`, kmemleak backtraces).
pub fn embedded_frames(s: &[u8], from: usize) -> Vec<FrameText> {
    let mut out = Vec::new();
    let mut i = from;
    while let Some(p) = s[i..].windows(2).position(|w| w == b"[<") {
        let at = i + p;
        match frame_at(s, at, false) {
            Some(f) => {
                i = f.end.max(at + 2);
                out.push(f);
            }
            None => i = at + 2,
        }
        if i >= s.len() {
            break;
        }
    }
    out
}

/// A register printed as a frame: `RIP: 0010:sym+off/size`, `RIP: 0033:0x444640`,
/// `IP: [<addr>] sym`, `pc : sym`, `lr : sym`, `PC is at sym`, old arm64
/// `pc : [<addr>] lr : [<addr>] pstate: ...`. Returns (register name, user mode, frame).
pub fn register_frames(s: &[u8], msg: usize) -> Vec<(String, bool, FrameText)> {
    let mut out = Vec::new();
    let i = skip_spaces(s, msg);
    let rest = &s[i..];
    for (lead, name) in [(&b"PC is at "[..], "PC"), (b"LR is at ", "LR")] {
        if rest.starts_with(lead) {
            if let Some(f) = frame_at(s, i + lead.len(), true) {
                out.push((name.to_string(), false, f));
            }
            return out;
        }
    }
    for name in ["RIP", "EIP", "IP"] {
        let Some(after) = rest.strip_prefix(name.as_bytes()) else {
            continue;
        };
        // `RIP: 0010:sym`, `RIP: sym`, `RIP  [<addr>] sym` (old footer).
        let mut j = i + name.len();
        if after.first() == Some(&b':') {
            j += 1;
        } else if !after.starts_with(b"  [<") {
            continue;
        }
        j = skip_spaces(s, j);
        let mut user = false;
        let seg = hex_run(s, j);
        if seg == 4 && s.get(j + 4) == Some(&b':') {
            let cs = parse_hex(&s[j..j + 4]).unwrap_or(0);
            user = cs & 3 == 3;
            j += 5;
        }
        if let Some(f) = frame_at(s, j, true) {
            out.push((name.to_string(), user, f));
        }
        return out;
    }
    for name in ["pc", "lr"] {
        let Some(after) = rest.strip_prefix(name.as_bytes()) else {
            continue;
        };
        let k = skip_spaces(after, 0);
        if after.get(k) != Some(&b':') {
            continue;
        }
        let j = i + name.len() + k + 1;
        if let Some(f) = frame_at(s, j, true) {
            let end = f.end;
            out.push((name.to_string(), false, f));
            if name == "pc" {
                // Old arm64: `pc : [<a>] lr : [<b>] pstate: ...` on one line.
                out.extend(register_frames(s, end).into_iter().filter(|r| r.0 == "lr"));
            }
        }
        return out;
    }
    out
}

const X86_REGS: &[&str] = &[
    "RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP", "R08", "R09", "R10", "R11", "R12",
    "R13", "R14", "R15", "EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP", "ESP", "FS", "GS", "CS",
    "DS", "ES", "CR0", "CR2", "CR3", "CR4", "DR0", "DR1", "DR2", "DR3", "DR6", "DR7", "PKRU",
    "EFLAGS",
];

/// A register dump line (`RAX: ... RBX: ...`, `x29: ... x28: ...`, `sp : ...`,
/// `pstate: ...`): the registers in order, or `None`.
pub fn register_line(s: &[u8], msg: usize) -> Option<Vec<(String, String)>> {
    let mut i = skip_spaces(s, msg);
    let mut out = Vec::new();
    while i < s.len() {
        let start = i;
        while i < s.len() && (s[i].is_ascii_alphanumeric() || s[i] == b'_') {
            i += 1;
        }
        if i == start {
            return None;
        }
        let name = std::str::from_utf8(&s[start..i]).ok()?.to_string();
        let j = skip_spaces(s, i);
        if s.get(j) != Some(&b':') {
            return None;
        }
        if out.is_empty() && !is_register_name(&name) {
            return None;
        }
        let v = skip_spaces(s, j + 1);
        let mut e = v;
        while e < s.len() && !s[e].is_ascii_whitespace() {
            e += 1;
        }
        if e == v || !s[v].is_ascii_hexdigit() {
            return None;
        }
        // `pstate: 60000005 (nZCv daif ...)`: the flags belong to the value.
        let after = skip_spaces(s, e);
        if s.get(after) == Some(&b'(') {
            if let Some(p) = s[after..].iter().position(|&b| b == b')') {
                e = after + p + 1;
            }
        }
        out.push((name, String::from_utf8_lossy(&s[v..e]).into_owned()));
        i = skip_spaces(s, e);
    }
    (!out.is_empty()).then_some(out)
}

fn is_register_name(n: &str) -> bool {
    if X86_REGS.contains(&n) || n == "sp" || n == "pstate" {
        return true;
    }
    n.strip_prefix('x')
        .is_some_and(|d| !d.is_empty() && d.len() <= 2 && d.bytes().all(|b| b.is_ascii_digit()))
}

/// Header fields from `CPU: 0 PID: 16 Comm: init Not tainted 6.1.192 #1 <build id>`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// The CPU number (`CPU: 0`).
    pub cpu: Option<u32>,
    /// The task's PID (`PID: 16`).
    pub pid: Option<u32>,
    /// The task's name (`Comm: init`).
    pub comm: Option<String>,
    /// The taint flags as printed (`G        W`), empty for `Not tainted`.
    pub taint: Option<String>,
    /// The kernel release (`6.1.192`).
    pub release: Option<String>,
    /// The build number after the release (`#1`).
    pub version: Option<String>,
    /// The vmlinux build id (`CONFIG_STACKTRACE_BUILD_ID`), hex.
    pub build_id: Option<String>,
}

fn number_after(m: &str, key: &str) -> Option<u32> {
    let p = m.find(key)? + key.len();
    let d: String = m[p..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    d.parse().ok()
}

/// Parse the `CPU: ... PID: ...` line or any line with `Not tainted`/`Tainted:`.
pub fn header(m: &str) -> Option<Header> {
    let taint_at = m.find("Not tainted").or_else(|| m.find("Tainted: "));
    let is_cpu = m.starts_with("CPU: ") && m.contains("PID: ");
    if !is_cpu && taint_at.is_none() {
        return None;
    }
    let mut h = Header::default();
    if is_cpu {
        h.cpu = number_after(m, "CPU: ");
        h.pid = number_after(m, "PID: ");
        if let Some(p) = m.find("Comm: ") {
            let rest = &m[p + 6..];
            let end = taint_at.map_or(rest.len(), |t| t.saturating_sub(p + 6));
            let comm = rest.get(..end).unwrap_or(rest).trim();
            if !comm.is_empty() {
                h.comm = Some(comm.to_string());
            }
        }
    }
    let Some(t) = taint_at else {
        return Some(h);
    };
    let (flags, after) = if m[t..].starts_with("Not tainted") {
        (String::new(), &m[t + "Not tainted".len()..])
    } else {
        // Flags are single letters and spaces (`G      D W`), then the release.
        let rest = &m[t + "Tainted: ".len()..];
        let flags_end = rest
            .split(' ')
            .scan(0usize, |pos, w| {
                let start = *pos;
                *pos += w.len() + 1;
                Some((start, w))
            })
            .find(|(_, w)| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_uppercase()))
            .map_or(rest.len(), |(s, _)| s);
        (rest[..flags_end].trim_end().to_string(), &rest[flags_end..])
    };
    h.taint = Some(flags);
    let words: Vec<&str> = after.split_whitespace().collect();
    if let Some(rel) = words
        .first()
        .filter(|w| w.bytes().any(|b| b.is_ascii_digit()) && !w.starts_with('#'))
    {
        h.release = Some(rel.to_string());
        h.version = words
            .get(1)
            .filter(|w| w.len() > 1 && w.starts_with('#'))
            .map(|w| w.to_string());
        h.build_id = words[1..]
            .iter()
            .find(|w| w.len() == 40 && w.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(|w| w.to_string());
    } else {
        // Lockdep headers: `4.15.0+ #221 Not tainted`.
        let before: Vec<&str> = m[..t].split_whitespace().collect();
        if before.len() >= 2 && before[before.len() - 1].starts_with('#') {
            h.release = Some(before[before.len() - 2].to_string());
            h.version = Some(before[before.len() - 1].to_string());
        }
    }
    Some(h)
}

/// `Kernel Offset: 0x3a400000 from 0xffffffff81000000 ...`: (offset, base).
pub fn kernel_offset(m: &str) -> Option<(u64, Option<u64>)> {
    let rest = m.strip_prefix("Kernel Offset: ")?;
    let mut w = rest.split_whitespace();
    let off = u64::from_str_radix(w.next()?.strip_prefix("0x")?, 16).ok()?;
    let base = match (w.next(), w.next()) {
        (Some("from"), Some(b)) => b
            .strip_prefix("0x")
            .and_then(|b| u64::from_str_radix(b, 16).ok()),
        _ => None,
    };
    Some((off, base))
}

/// Module names from `Modules linked in: a(OE) b [last unloaded: c]`.
pub fn modules(m: &str) -> Option<Vec<String>> {
    let rest = m.strip_prefix("Modules linked in:")?;
    let rest = rest.split(" [last unloaded").next().unwrap_or(rest);
    Some(
        rest.split_whitespace()
            .map(|w| w.split('(').next().unwrap_or(w).to_string())
            .filter(|w| !w.is_empty())
            .collect(),
    )
}

/// x86 stack context markers: `<IRQ>`, `</IRQ>`, `<TASK>`, `<EOI>`, `<#DF>`, ...
/// Returns (name, closing, end).
pub fn context_marker(s: &[u8], msg: usize) -> Option<(&[u8], bool, usize)> {
    let i = skip_spaces(s, msg);
    if s.get(i) != Some(&b'<') {
        return None;
    }
    let close = s.get(i + 1) == Some(&b'/');
    let start = i + 1 + usize::from(close);
    let len = s[start..]
        .iter()
        .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || **b == b'#' || **b == b'_')
        .count();
    if len < 2 || s.get(start + len) != Some(&b'>') {
        return None;
    }
    Some((&s[start..start + len], close, start + len + 1))
}
