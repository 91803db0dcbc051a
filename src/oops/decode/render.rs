//! Output of `ksym decode`: the annotated log (text) or one JSON object per report.
//!
//! Text: every line is written as read. A frame line gets, right after the frame text,
//! ` file:line` of the instruction (for a trapping pc with a `__bug_table` entry, the
//! kernel's `file:line` of the `BUG()`/`WARN()` followed by ` (bug table)`). When the
//! address sits in inlined code (or the trap's line differs from the line table), one line
//! per inline level follows, innermost first, each `name at file:line:column`, inlined
//! levels marked `(inlined)`, each starting with the frame line's own prefix (timestamp)
//! and ending with its line end (`\r\n` kept); `--source` adds the frames' source lines
//! the same way ([`super::source`]). Frames that cannot be resolved are left as they are
//! (the reason goes to stderr once); a bare address that could not be placed says so:
//! ` (not placed: no KASLR offset known; give --kaslr-offset HEX or --kallsyms FILE)`.
//! A `Code:` line is followed by its instructions ([`write_code`]).
//!
//! JSON: documented in `docs/json.md`.

use std::io::{self, Write};

use serde::Serialize;

use super::{ErrorKind, Outcome};
use crate::dwarf::Frame as Level;
use crate::oops::{identity, Frame, Line, Oops};
use crate::output::{hex, write_record};

fn location(file: Option<&str>, line: Option<u32>) -> String {
    format!(
        "{}:{}",
        file.unwrap_or("??"),
        line.map_or("?".to_string(), |l| l.to_string())
    )
}

/// Write one raw line with its frames annotated.
pub fn write_line(
    out: &mut dyn Write,
    raw: &[u8],
    line: &Line,
    outcomes: &[Outcome],
) -> io::Result<()> {
    let body_end = body_end(raw);
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let mut extra: Vec<String> = Vec::new();
    for (f, o) in line.frames.iter().zip(outcomes) {
        if let (None, Some(Err(e))) = (&f.symbol, o) {
            if let Some(why) = not_placed(e.kind()) {
                inserts.push((f.end.min(body_end), format!(" (not placed: {why})")));
            }
        }
        let Some(Ok(r)) = o else {
            continue;
        };
        let Some(inner) = r.chain.first().filter(|l| l.file.is_some()) else {
            inserts.push((f.end.min(body_end), " (no source line)".to_string()));
            continue;
        };
        let dwarf_loc = location(inner.file.as_deref(), inner.line);
        let (mut text, trap_differs) = match &r.trap {
            Some(t) if t.file.is_some() => {
                let loc = location(t.file.as_deref(), t.line);
                let differs = dwarf_loc != loc;
                (format!(" {loc} (bug table)"), differs)
            }
            _ => (format!(" {dwarf_loc}"), false),
        };
        if f.symbol.is_none() {
            text = format!(" {}+{:#x}{text}", r.symbol, r.offset);
        }
        // The call site lies in another function (a return address just past a call to
        // a noreturn function at the end of the previous one): name it.
        if let Some(outer) = r.chain.last().and_then(|l| l.symbol.as_deref()) {
            if outer != r.symbol {
                text += &format!(" (in {outer})");
            }
        }
        if r.size_mismatch {
            text += " (size mismatch)";
        }
        if !r.candidates.is_empty() {
            text += &format!(" (ambiguous: {} candidates)", r.candidates.len());
        }
        inserts.push((f.end.min(body_end), text));
        if r.chain.len() > 1 || trap_differs {
            extra.extend(chain_lines(&r.chain));
        }
    }
    if inserts.is_empty() {
        return out.write_all(raw);
    }
    let mut at = 0;
    for (pos, text) in &inserts {
        let pos = (*pos).max(at);
        out.write_all(&raw[at..pos])?;
        out.write_all(text.as_bytes())?;
        at = pos;
    }
    out.write_all(&raw[at..])?;
    write_continuations(out, raw, line, &extra)
}

/// The length of `raw` without its line end.
fn body_end(raw: &[u8]) -> usize {
    raw.iter()
        .rposition(|&b| b != b'\n' && b != b'\r')
        .map_or(0, |p| p + 1)
}

/// Lines added after the (already written) line `raw`: each starts with `raw`'s prefix
/// (timestamp) and its message's indent plus two, and ends with `raw`'s line end.
pub fn write_continuations(
    out: &mut dyn Write,
    raw: &[u8],
    line: &Line,
    texts: &[String],
) -> io::Result<()> {
    let body_end = body_end(raw);
    let eol = &raw[body_end..];
    if eol.is_empty() {
        // A chunk of an overlong line, or the last line without a line end: the added
        // lines would land inside it.
        return Ok(());
    }
    let prefix = &raw[..line.message.start.min(body_end)];
    let msg = &raw[line.message.start.min(body_end)..body_end];
    let indent = msg.iter().take_while(|&&b| b == b' ').count();
    for t in texts {
        out.write_all(prefix)?;
        out.write_all(&b" ".repeat(indent + 2))?;
        out.write_all(t.as_bytes())?;
        out.write_all(eol)?;
    }
    Ok(())
}

/// Why a bare address could not be placed, in a few words, when that is the reason.
fn not_placed(kind: ErrorKind) -> Option<&'static str> {
    match kind {
        ErrorKind::NoKaslrOffset => {
            Some("no KASLR offset known; give --kaslr-offset HEX or --kallsyms FILE")
        }
        ErrorKind::ModuleAddress => Some("a bare module address; give --kallsyms FILE"),
        _ => None,
    }
}

fn chain_lines(chain: &[Level]) -> Vec<String> {
    chain
        .iter()
        .map(|l| {
            let mut s = format!(
                "{} at {}",
                l.function
                    .as_deref()
                    .or(l.symbol.as_deref())
                    .unwrap_or("??"),
                location(l.file.as_deref(), l.line)
            );
            if let Some(c) = l.column.filter(|&c| c > 0) {
                s += &format!(":{c}");
            }
            if l.inlined {
                s += " (inlined)";
            }
            s
        })
        .collect()
}

#[derive(Serialize)]
struct JsonLevel<'a> {
    function: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    discriminator: Option<u32>,
    inlined: bool,
}

#[derive(Serialize)]
struct JsonTrap<'a> {
    file: Option<&'a str>,
    line: Option<u32>,
    warning: bool,
}

#[derive(Serialize)]
struct JsonFrame<'a> {
    line: u64,
    register: Option<&'a str>,
    role: crate::oops::FrameRole,
    context: crate::oops::FrameContext,
    reliable: bool,
    repeat: bool,
    user: bool,
    after_entry: bool,
    printed_address: Option<String>,
    address: Option<String>,
    symbol: Option<&'a str>,
    offset: Option<String>,
    size: Option<String>,
    module: Option<&'a str>,
    build_id: Option<&'a str>,
    decoded: bool,
    error: Option<&'a str>,
    elf_symbol: Option<&'a str>,
    lto_match: bool,
    candidates: &'a [String],
    object_address: Option<String>,
    lookup_address: Option<String>,
    call_site: bool,
    size_mismatch: bool,
    symbol_size: Option<String>,
    trap: Option<JsonTrap<'a>>,
    inlines: Vec<JsonLevel<'a>>,
}

#[derive(Serialize)]
struct JsonOops<'a> {
    index: usize,
    kind: crate::oops::OopsKind,
    title: &'a str,
    trap: Option<&'a str>,
    first_line: u64,
    last_line: u64,
    cpu: Option<u32>,
    pid: Option<u32>,
    comm: Option<&'a str>,
    taint: Option<&'a str>,
    release: Option<&'a str>,
    version: Option<&'a str>,
    kernel_build_id: Option<&'a str>,
    hardware: Option<&'a str>,
    location: Option<&'a str>,
    modules: &'a [String],
    kaslr_offset: Option<String>,
    complete: bool,
    call_site_attribution: bool,
    registers: &'a [crate::oops::RegisterBlock],
    identity: &'a identity::Report,
    frames: Vec<JsonFrame<'a>>,
    /// Only when frames were dropped: the records of complete reports stay as they were.
    #[serde(skip_serializing_if = "is_zero")]
    frames_dropped: u64,
    code: &'a [crate::oops::code::Listing],
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn json_frame<'a>(f: &'a Frame, o: &'a Outcome, kaslr: Option<u64>) -> JsonFrame<'a> {
    let ok = match o {
        Some(Ok(r)) => Some(r),
        _ => None,
    };
    let runtime = f.address.or_else(|| {
        let r = ok?;
        if f.module.is_some() {
            return None;
        }
        Some(r.address.wrapping_add(kaslr.unwrap_or(0)))
    });
    JsonFrame {
        line: f.line,
        register: f.register.as_deref(),
        role: f.role,
        context: f.context,
        reliable: f.reliable,
        repeat: f.repeat,
        user: f.user,
        after_entry: f.after_entry,
        printed_address: f.address.map(hex),
        address: runtime.map(hex),
        symbol: f.symbol.as_deref(),
        offset: f.offset.map(hex),
        size: f.size.map(hex),
        module: f.module.as_deref(),
        build_id: f.build_id.as_deref(),
        decoded: ok.is_some(),
        error: match o {
            Some(Err(e)) => Some(e.message()),
            _ => None,
        },
        elf_symbol: ok.map(|r| r.symbol.as_str()),
        lto_match: ok.is_some_and(|r| r.lto_match),
        candidates: ok.map_or(&[][..], |r| &r.candidates[..]),
        object_address: ok.map(|r| hex(r.address)),
        lookup_address: ok.map(|r| hex(r.lookup)),
        call_site: ok.is_some_and(|r| r.call_site),
        size_mismatch: ok.is_some_and(|r| r.size_mismatch),
        symbol_size: ok.and_then(|r| r.symbol_size).map(hex),
        trap: ok.and_then(|r| r.trap.as_ref()).map(|t| JsonTrap {
            file: t.file.as_deref(),
            line: t.line,
            warning: t.is_warning(),
        }),
        inlines: ok
            .map(|r| {
                r.chain
                    .iter()
                    .map(|l| JsonLevel {
                        function: l.function.as_deref().or(l.symbol.as_deref()),
                        file: l.file.as_deref(),
                        line: l.line,
                        column: l.column,
                        discriminator: l.discriminator,
                        inlined: l.inlined,
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Write one report as a JSON Lines record `{"type": "oops", "data": {...}}`.
pub fn write_json(
    out: &mut dyn Write,
    o: &Oops,
    outcomes: &[Outcome],
    kaslr: Option<u64>,
    call_site: bool,
    identity: &identity::Report,
    code: &[crate::oops::code::Listing],
) -> io::Result<()> {
    let frames = o
        .frames
        .iter()
        .zip(outcomes)
        .map(|(f, r)| json_frame(f, r, kaslr))
        .collect();
    let rec = JsonOops {
        index: o.index,
        kind: o.kind,
        title: &o.title,
        trap: o.trap.as_deref(),
        first_line: o.first_line,
        last_line: o.last_line,
        cpu: o.cpu,
        pid: o.pid,
        comm: o.comm.as_deref(),
        taint: o.taint.as_deref(),
        release: o.release.as_deref(),
        version: o.version.as_deref(),
        kernel_build_id: o.kernel_build_id.as_deref(),
        hardware: o.hardware.as_deref(),
        location: o.location.as_deref(),
        modules: &o.modules,
        kaslr_offset: kaslr.map(hex),
        complete: o.complete,
        call_site_attribution: call_site,
        registers: &o.registers,
        identity,
        frames,
        frames_dropped: o.frames_dropped,
        code,
    };
    write_record(out, "oops", rec)
}

/// Write the disassembly of a `Code:` line after it: one line per instruction with the
/// `Code:` line's own prefix and line end, `address: bytes  text  function file:line`, the
/// trapping one marked `<-- trapping instruction` (and a `BUG()`/`WARN()` trap labelled).
pub fn write_code(
    out: &mut dyn Write,
    raw: &[u8],
    line: &Line,
    listing: &crate::oops::code::Listing,
) -> io::Result<()> {
    let body_end = raw
        .iter()
        .rposition(|&b| b != b'\n' && b != b'\r')
        .map_or(0, |p| p + 1);
    let eol = &raw[body_end..];
    if eol.is_empty() {
        return Ok(());
    }
    let prefix = &raw[..line.message.start.min(body_end)];
    let insns = &listing.instructions;
    let places: Vec<String> = insns
        .iter()
        .map(|i| match (i.address, &i.at) {
            (Some(a), _) => format!("{a:016x}"),
            (None, Some(at)) => at.clone(),
            // Nothing known: the offset in the line, as `scripts/decodecode` prints it.
            (None, None) => format!("{:x}", i.offset),
        })
        .collect();
    let place_w = places.iter().map(String::len).max().unwrap_or(0);
    let bytes_w = insns.iter().map(|i| i.bytes.len()).max().unwrap_or(0);
    let text_w = insns
        .iter()
        .map(|i| i.text.len())
        .max()
        .unwrap_or(0)
        .min(48);
    for (i, place) in insns.iter().zip(&places) {
        let mut s = format!("  {place:>place_w$}: {:<bytes_w$}  {}", i.bytes, i.text);
        if let Some(f) = &i.function {
            let pad = text_w.saturating_sub(i.text.len());
            s += &format!("{:pad$}  {f} {}", "", location(i.file.as_deref(), i.line));
        }
        if i.trapping {
            s += "  <-- trapping instruction";
        }
        if i.bug_trap {
            s += " (BUG/WARN trap)";
        }
        out.write_all(prefix)?;
        out.write_all(s.trim_end().as_bytes())?;
        out.write_all(eol)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonBacktrace<'a> {
    first_line: u64,
    last_line: u64,
    kaslr_offset: Option<String>,
    frames: Vec<JsonFrame<'a>>,
}

/// Write frames found outside any report (an NMI backtrace, a task dump, a pasted call
/// trace) as a JSON Lines record `{"type": "backtrace", "data": {...}}`.
pub fn write_backtrace(
    out: &mut dyn Write,
    first_line: u64,
    last_line: u64,
    frames: &[Frame],
    outcomes: &[Outcome],
    kaslr: Option<u64>,
) -> io::Result<()> {
    let rec = JsonBacktrace {
        first_line,
        last_line,
        kaslr_offset: kaslr.map(hex),
        frames: frames
            .iter()
            .zip(outcomes)
            .map(|(f, r)| json_frame(f, r, kaslr))
            .collect(),
    };
    write_record(out, "backtrace", rec)
}
