//! `ksym faddr2line`: `func+offset[/size]` → source lines with the inline chain.
//!
//! Output is byte-compatible with Linux 6.1's `scripts/faddr2line` (run with binutils
//! addr2line): the same header `func+off/size:`, the same `name at file:line` and
//! `(inlined by) ...` lines, the same blank-line separators, size check, source prefix
//! stripping (found from `start_kernel`), "skipping ..." notes and `no match for` message,
//! and the same `--list` layout. Paths follow ksym's one rule
//! ([`ksym::dwarf::Symbolizer::path_rule`]): where the script leaves a build directory
//! (a module, a relative compile directory, a unit with its own), ksym strips it too.
//! Beyond the script: a name without its LTO suffix (`foo`) also matches `foo.llvm.N`,
//! `foo.lto_priv.N` and full-LTO `foo.N`, as a kernel prints them (the header then shows
//! the symbol used); a printed size is checked against every size a kernel may print
//! (`ksym::dwarf::Symbolizer::printed_sizes`: in a module, the last symbol of a section
//! runs to its aligned end); code symbols that are not `STT_FUNC` are accepted; a raw
//! address `0xffffffff81234567` is accepted for linked objects; an object without DWARF
//! gives symbol-only answers with a note; `--json` writes JSON Lines.
//!
//! `--json` writes one `{"type": "location", "data": {...}}` record per match, with
//! `input`, `symbol` (the ELF symbol used), `offset` (as typed), `size` (kallsyms size),
//! `address` (lookup address; for modules in ksym's synthetic layout), `section` and
//! `section_offset`, `lto_suffix_match`, `debug_info`, `error` (malformed DWARF at this
//! address) and `frames`, innermost first: `function` (DWARF name), `symbol` (outermost
//! frame only), `file` (relative to the kernel tree), `path` (as DWARF names it), `line`, `column`,
//! `discriminator`, `inlined`.
//!
//! Exit status: 0 when every input matched, 1 when some input matched nothing, 2 when an
//! input was malformed, the object unreadable or an address's DWARF malformed.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;
use symtab::{SymKind, Symbol};

use super::{warn, Out, Status};
use ksym::dwarf::{Frame, NameRule, ObjectKind, PathRule, Symbolizer};
use ksym::output::{hex, write_record};

/// Translate `func+offset` (as stack traces print them) to source lines.
///
/// Each match prints `func+off/size:` then `function at file:line` for the innermost
/// frame and `(inlined by) caller at file:line` for each caller it was inlined into.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Show 5 source lines around each location (sources are read relative to the
    /// current directory, as paths relative to the kernel tree).
    #[arg(long)]
    pub(super) list: bool,
    /// Write JSON Lines ({"type": "location", "data": {...}}) instead of text.
    #[arg(long)]
    pub(super) json: bool,
    /// The object of this GNU build id, from /usr/lib/debug/.build-id or debuginfod,
    /// instead of OBJ.
    #[arg(long, value_name = "HEX")]
    pub(super) build_id: Option<String>,
    /// The object: vmlinux, a module (.ko) or an object file, with debug info.
    #[arg(value_name = "OBJ", required_unless_present = "build_id")]
    pub(super) obj: Option<PathBuf>,
    /// `func+offset[/size]` (offset and size in hex with 0x or decimal), or a raw
    /// address `0x...` (linked objects only).
    #[arg(required_unless_present = "build_id", value_name = "FUNC+OFF[/SIZE]")]
    pub(super) inputs: Vec<String>,
}

/// A parsed `func+off[/size]`, keeping the texts the script echoes.
struct Query<'a> {
    name: &'a str,
    offset_text: &'a str,
    offset: u64,
    size_text: Option<&'a str>,
    size: Option<u64>,
}

/// A number as bash arithmetic reads it: `0x` hex, leading `0` octal, else decimal.
fn bash_number(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if s.len() > 1 && s.starts_with('0') {
        u64::from_str_radix(&s[1..], 8).ok()
    } else {
        s.parse().ok()
    }
}

/// Split like the script: name before the last `+`, offset after the first `+` up to the
/// last `/`, size after the first `/`.
fn parse_query(input: &str) -> Option<Query<'_>> {
    let plus = input.rfind('+')?;
    let name = &input[..plus];
    let first_plus = input.find('+')?;
    let rest = &input[first_plus + 1..];
    let offset_text = rest.rfind('/').map_or(rest, |i| &rest[..i]);
    let size_text = input.find('/').map(|i| &input[i + 1..]);
    if name.is_empty() || offset_text.is_empty() {
        return None;
    }
    let offset = bash_number(offset_text)?;
    let size = match size_text {
        Some(t) => Some(bash_number(t)?),
        None => None,
    };
    Some(Query {
        name,
        offset_text,
        offset,
        size_text,
        size,
    })
}

fn is_code(s: &Symbol) -> bool {
    s.kind == SymKind::Func || (s.is_text() && s.kind == SymKind::NoType)
}

#[derive(Serialize)]
struct JsonFrame<'a> {
    function: Option<&'a str>,
    symbol: Option<&'a str>,
    file: Option<String>,
    path: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    discriminator: Option<u32>,
    inlined: bool,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    input: &'a str,
    symbol: &'a str,
    offset: String,
    size: String,
    address: String,
    section: Option<&'a str>,
    section_offset: Option<String>,
    lto_suffix_match: bool,
    debug_info: bool,
    error: Option<String>,
    frames: Vec<JsonFrame<'a>>,
}

struct Run<'a> {
    opts: &'a Args,
    symz: &'a Symbolizer,
    paths: PathRule,
    first: bool,
    status: Status,
}

/// The lines binutils `addr2line --functions --pretty-print --inlines` prints.
///
/// binutils (2.40) repeats the innermost row's discriminator on every `(inlined by)`
/// line; so does this, for byte-compatible output.
fn addr2line_lines(frames: &[Frame]) -> Vec<String> {
    let mut out = Vec::new();
    let discriminator = frames.first().and_then(|f| f.discriminator);
    for (i, f) in frames.iter().enumerate() {
        let name = f
            .function
            .as_deref()
            .or(f.symbol.as_deref())
            .unwrap_or("??");
        let file = f.file.as_deref().unwrap_or("??");
        let line = match (f.line, discriminator) {
            (Some(l), Some(d)) => format!("{l} (discriminator {d})"),
            (Some(l), None) => l.to_string(),
            (None, _) => "?".to_string(),
        };
        let lead = if i == 0 { "" } else { " (inlined by) " };
        out.push(format!("{lead}{name} at {file}:{line}"));
    }
    if out.is_empty() {
        out.push("?? ??:0".to_string());
    }
    out
}

impl Run<'_> {
    fn separator(&mut self, out: Out) -> Result<()> {
        if !self.first && !self.opts.json {
            writeln!(out)?;
        }
        self.first = false;
        Ok(())
    }

    /// Print one resolved location (`addr` is a lookup address, `sym_addr` as stored).
    fn emit(
        &mut self,
        out: Out,
        input: &str,
        header: (&str, &str, u64),
        addr: u64,
        lto: bool,
    ) -> Result<()> {
        let (name, offset_text, size) = header;
        self.separator(out)?;
        let (frames, error) = match self.symz.lookup(addr) {
            Ok(f) => (f, None),
            Err(e) => {
                warn(&e);
                self.status = Status::Error;
                let sym = self
                    .symz
                    .lookup_symbol(addr)
                    .map(|(s, o)| (s.name.clone(), o));
                let f = Frame {
                    symbol: sym.as_ref().map(|s| s.0.clone()),
                    symbol_offset: sym.map(|s| s.1),
                    ..Frame::default()
                };
                (vec![f], Some(e.to_string()))
            }
        };
        let paths = &self.paths;
        if self.opts.json {
            let sec = self.symz.section_offset(addr);
            let rec = JsonLocation {
                input,
                symbol: name,
                offset: offset_text.to_string(),
                size: hex(size),
                address: hex(addr),
                section: sec.map(|(s, _)| s.name.as_str()),
                section_offset: sec.map(|(_, o)| hex(o)),
                lto_suffix_match: lto,
                debug_info: self.symz.has_debug_info(),
                error,
                frames: frames
                    .iter()
                    .map(|f| JsonFrame {
                        function: f.function.as_deref(),
                        symbol: f.symbol.as_deref(),
                        file: f.file.as_deref().map(|p| paths.show(p).to_string()),
                        path: f.file.as_deref(),
                        line: f.line,
                        column: f.column,
                        discriminator: f.discriminator,
                        inlined: f.inlined,
                    })
                    .collect(),
            };
            write_record(out, "location", rec)?;
            return Ok(());
        }
        writeln!(out, "{name}+{offset_text}/{}:", hex(size))?;
        let shown: Vec<Frame> = frames
            .iter()
            .map(|f| Frame {
                file: f.file.as_deref().map(|p| paths.show(p).to_string()),
                ..f.clone()
            })
            .collect();
        for line in addr2line_lines(&shown) {
            let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
            if !self.opts.list {
                writeln!(out, "{line}")?;
                continue;
            }
            writeln!(out)?;
            writeln!(out, "{line}")?;
            self.list_source(out, &line)?;
        }
        Ok(())
    }

    /// A source not found locally, from debuginfod by the object's build id and the path
    /// as DWARF names it. `Err(None)` when no server could be asked.
    fn fetch_source(&self, file: &str) -> Result<Vec<u8>, Option<String>> {
        match ksym::debuginfod::source(self.symz.path(), self.paths.root.as_deref(), file) {
            Ok(p) => std::fs::read(&p).map_err(|e| Some(format!("{}: {e}", p.display()))),
            Err(e) if e.asked_nobody() => Err(None),
            Err(e) => Err(Some(e.to_string())),
        }
    }

    /// `--list`: lines n-5..n+5 of the file named on `line`, the script's awk layout.
    fn list_source(&self, out: Out, line: &str) -> Result<()> {
        let Some(at) = line.rfind(" at ") else {
            return Ok(());
        };
        let loc = &line[at + 4..];
        let Some(colon) = loc.rfind(':') else {
            return Ok(());
        };
        let file = &loc[..colon];
        let n: u64 = match loc[colon + 1..]
            .split(' ')
            .next()
            .and_then(|s| s.parse().ok())
        {
            Some(n) => n,
            None => return Ok(()),
        };
        // Read up to line n+5 only, each line at most MAX_LINE bytes (the rest of a longer
        // line is skipped): a source file is never read whole. A source not found locally
        // comes from debuginfod.
        use std::io::{BufRead as _, Read as _};
        let mut reader: Box<dyn std::io::BufRead> = match std::fs::File::open(file) {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) => match self.fetch_source(file) {
                Ok(t) => Box::new(std::io::Cursor::new(t)),
                Err(Some(why)) => {
                    warn(format!("{file}: cannot read source: {e}; {why}"));
                    return Ok(());
                }
                Err(None) => {
                    warn(format!("{file}: cannot read source: {e}"));
                    return Ok(());
                }
            },
        };
        let max = symtab::read::MAX_LINE as u64;
        let mut buf = Vec::new();
        let mut nr = 0u64;
        while nr < n.saturating_add(5) {
            buf.clear();
            let read = (&mut reader).take(max).read_until(b'\n', &mut buf);
            let mut more = match read {
                Ok(0) => break,
                Ok(got) => got as u64 == max && !buf.ends_with(b"\n"),
                Err(e) => {
                    warn(format!("{file}: cannot read source: {e}"));
                    return Ok(());
                }
            };
            let mut skip = Vec::new();
            while more {
                skip.clear();
                more = matches!((&mut reader).take(max).read_until(b'\n', &mut skip),
                    Ok(got) if got > 0 && !skip.ends_with(b"\n"));
            }
            nr += 1;
            if nr + 5 < n {
                continue;
            }
            let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let l = String::from_utf8_lossy(line);
            if nr == n {
                writeln!(out, ">{nr}<\t{l}")?;
            } else {
                writeln!(out, " {nr} \t{l}")?;
            }
        }
        Ok(())
    }

    /// Resolve one `func+off[/size]`; returns whether anything matched. Every symbol the
    /// name stands for is tried: exact names, then the LTO-renamed symbols a kernel prints
    /// under that name (`m_start` for `m_start.llvm.N`).
    fn query(&mut self, out: Out, input: &str, q: &Query<'_>) -> Result<bool> {
        let named = self.symz.printed_named(q.name, NameRule::Any, is_code);
        let mut skipped = Vec::new();
        let exact = self.try_candidates(out, input, q, &named.exact, false, &mut skipped)?;
        let lto = self.try_candidates(out, input, q, &named.renamed, true, &mut skipped)?;
        if exact || lto {
            return Ok(true);
        }
        if !self.opts.json {
            for s in skipped {
                writeln!(out, "{s}")?;
            }
        }
        Ok(false)
    }

    fn try_candidates(
        &mut self,
        out: Out,
        input: &str,
        q: &Query<'_>,
        cands: &[usize],
        lto: bool,
        skipped: &mut Vec<String>,
    ) -> Result<bool> {
        let mut any = false;
        for &i in cands {
            let Some(s) = self.symz.symbol(i) else {
                continue;
            };
            let Some(size) = self.symz.kallsyms_size(i) else {
                continue;
            };
            let addr = s.addr.wrapping_add(q.offset);
            // The script names the input; a suffix-aware match names the symbol tried.
            let shown = if lto { s.name.as_str() } else { q.name };
            if let (Some(user), Some(text)) = (q.size, q.size_text) {
                // Any size the kernel may print for it (the engine's one rule), not
                // only the script's.
                if user != size && !self.symz.printed_sizes(i).contains(&user) {
                    skipped.push(format!(
                        "skipping {} address at {} due to size mismatch ({text} != {})",
                        shown,
                        hex(addr),
                        hex(size)
                    ));
                    continue;
                }
            }
            if q.offset > size {
                skipped.push(format!(
                    "skipping {} address at {} due to size mismatch ({} > {})",
                    shown,
                    hex(addr),
                    q.offset_text,
                    hex(size)
                ));
                continue;
            }
            let Some(base) = self.symz.symbol_address(&s) else {
                continue;
            };
            let name = if lto { s.name.as_str() } else { q.name };
            let name = name.to_string();
            self.emit(
                out,
                input,
                (&name, q.offset_text, size),
                base + q.offset,
                lto,
            )?;
            any = true;
        }
        Ok(any)
    }

    /// A raw address: the code symbol at or below it, if the address is within its size.
    fn raw(&mut self, out: Out, input: &str, addr: u64) -> Result<bool> {
        if self.symz.kind() == ObjectKind::Relocatable {
            warn(format!(
                "{input}: raw addresses need a linked object; use func+offset for modules"
            ));
            self.status = Status::Error;
            return Ok(true);
        }
        let symbols = self.symz.symbols();
        let found = self
            .symz
            .addrmap()
            .before_where(addr, |e| is_code(&symbols[e.index]));
        let Some(e) = found else {
            return Ok(false);
        };
        let Some(size) = self.symz.kallsyms_size(e.index) else {
            return Ok(false);
        };
        let off = addr - e.addr;
        if off >= size {
            return Ok(false);
        }
        let name = self.symz.symbols()[e.index].name.clone();
        let off_text = hex(off);
        self.emit(out, input, (&name, &off_text, size), addr, false)?;
        Ok(true)
    }
}

/// Run `ksym faddr2line`.
pub fn run(mut opts: Args, out: Out) -> Result<Status> {
    let (mut obj, inputs) = super::object_operands(
        opts.build_id.as_deref(),
        opts.obj.take(),
        std::mem::take(&mut opts.inputs),
    );
    if let Some(id) = &opts.build_id {
        if inputs.is_empty() {
            anyhow::bail!("no FUNC+OFF[/SIZE] given after --build-id {id}");
        }
        obj = super::build_id_object(id)?;
    }
    let symz = match Symbolizer::open(&obj) {
        Ok(s) => s,
        Err(e) => {
            warn(e);
            return Ok(Status::Error);
        }
    };
    if !symz.has_debug_info() {
        warn(format!(
            "{}: no debug info (DWARF) found; showing symbols only",
            obj.display()
        ));
    }
    let paths = symz.path_rule();
    let mut run = Run {
        opts: &opts,
        symz: &symz,
        paths,
        first: true,
        status: Status::Ok,
    };
    let mut missed = false;
    for input in &inputs {
        let raw = input
            .strip_prefix("0x")
            .filter(|h| !input.contains('+') && !h.is_empty())
            .and_then(|h| u64::from_str_radix(h, 16).ok());
        let matched = if let Some(addr) = raw {
            run.raw(out, input, addr)?
        } else if let Some(q) = parse_query(input) {
            run.query(out, input, &q)?
        } else {
            // Unprefixed, as the script prints it.
            eprintln!("bad func+offset {input}");
            run.status = Status::Error;
            continue;
        };
        if !matched {
            eprintln!("no match for {input}");
            missed = true;
        }
    }
    Ok(match run.status {
        Status::Ok if missed => Status::NotFound,
        s => s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_the_script() {
        let q = parse_query("foo+0x10/0x20").unwrap();
        assert_eq!((q.name, q.offset, q.size), ("foo", 0x10, Some(0x20)));
        let q = parse_query("foo+16").unwrap();
        assert_eq!((q.offset_text, q.size_text), ("16", None));
        assert!(parse_query("foo").is_none());
        assert!(parse_query("+0x1").is_none());
        assert!(parse_query("foo+").is_none());
        assert!(parse_query("foo+zz").is_none());
        assert_eq!(bash_number("010"), Some(8));
    }
}
