//! `ksym decode`: every frame of a kernel log resolved to its source lines.
//!
//! The log is read line by line ([`super::Steps`]: [`super::LineReader`],
//! [`super::Parser`]), or comes parsed ([`decode_parsed`]). Lines that belong to no
//! report are written at once; the lines of a report are held until the report ends
//! (its `Kernel Offset:` line, which raw addresses need, comes last), then written
//! with their frames annotated ([`render`]). The hold is capped
//! ([`MAX_HELD_BYTES`]), a finished report is kept only while lines of it are held, and
//! at most [`MAX_MODULES`] distinct module names are looked up per run, so memory stays
//! bounded on any log.
//!
//! Per frame ([`resolve`]): the object is vmlinux, or the module named in `[module]`
//! ([`modules`] finds it); the address is `symbol + offset` in that object (the symbol
//! matched by name, LTO suffixes and printed size), or for a bare address the address
//! minus the KASLR offset (from `Kernel Offset:`, or derived from a frame of the same
//! report that prints both an address and a symbol). Return addresses are looked up at
//! address − 1, the faulting pc and frames after an exception entry exactly
//! (`call_site = false` turns it off). A faulting pc with a `__bug_table` entry gets the
//! kernel's `file:line` for the trap.
//!
//! `Code:` lines ([`super::code`]) are disassembled at the pc of the register dump they
//! belong to, placed in that pc's object when it resolves.

pub mod bugtable;
pub mod kaslr;
pub mod modules;
pub mod pool;
pub mod render;
pub mod resolve;
pub mod source;

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use super::identity::{self, Check};
use super::{code, Frame, FrameRole, Line, Oops, ParsedLog, Step, Steps};
use crate::dwarf::NameRule;
use resolve::{Object, Resolved, Target};

/// Bytes of report lines held before they are written with what is known so far.
pub const MAX_HELD_BYTES: usize = 16 << 20;

/// Distinct module names looked up in one run (found or not): the frames of further
/// modules are left as they are, with one warning. A kernel has a few hundred modules.
pub const MAX_MODULES: usize = 1024;

crate::error::error_type! {
    /// The class of a decoding error, for callers that react differently to each.
    kinds {
        /// The object is refused: the log proves it is not the crashed kernel's.
        Mismatch,
        /// Past one of decode's limits (see Limits in `docs/design.md`).
        Limit,
        /// A bare kernel address, and no KASLR offset known to place it.
        NoKaslrOffset,
        /// A bare address in a module, which only `--kallsyms` can name.
        ModuleAddress,
    }
    /// An error of decoding a frame or opening what it needs: a kind and one line.
}

crate::error::common_kinds!(crate::dwarf::ErrorKind => ErrorKind);

/// What to decode with.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The kernel image with DWARF; else found from the release.
    pub vmlinux: Option<PathBuf>,
    /// Directories holding modules.
    pub modules: Vec<PathBuf>,
    /// Module files given as such, tried before any directory is walked (`ksym serve`
    /// gives the ones it found).
    pub module_files: Vec<modules::ModuleFile>,
    /// Kernel release (`6.1.192`) for the usual places; else taken from the log.
    pub release: Option<String>,
    /// One JSON object per report instead of the annotated log.
    pub json: bool,
    /// Look return addresses up at address − 1 (the call).
    pub call_site: bool,
    /// After each decoded frame, its source line (text output).
    pub source: bool,
    /// Decode with objects that do not match the log (the refusal becomes a warning).
    pub force: bool,
    /// KASLR offset for bare addresses of every report (`--kaslr-offset`).
    pub kaslr_offset: Option<u64>,
    /// A `/proc/kallsyms` of the crashed boot, to name bare addresses (`--kallsyms`).
    pub kallsyms: Option<PathBuf>,
    /// Source prefix to strip from file names instead of the one found
    /// (decode_stacktrace.sh's BASE_PATH).
    pub base_path: Option<String>,
    /// Release of the running kernel, for the usual places when neither a vmlinux nor
    /// a release is given and the log names none.
    pub running_release: Option<String>,
    /// How x86 `Code:` instructions are spelled.
    pub syntax: crate::disasm::Syntax,
}

/// Counts of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Reports found.
    pub oopses: usize,
    /// Kernel frames seen (user-mode registers left out).
    pub frames: usize,
    /// Frames resolved to a symbol.
    pub resolved: usize,
    /// Why vmlinux could not be used, when it was needed and failed.
    pub vmlinux_error: Option<Error>,
    /// An object was refused: the log proves it is not the crashed kernel's.
    pub mismatch: bool,
    /// Frames not kept: past [`crate::oops::parse::MAX_FRAMES`] in their report.
    pub frames_dropped: u64,
}

/// The outcome of one frame: `None` for frames not to decode (user mode).
pub type Outcome = Option<Result<Resolved, Error>>;

/// Lines without frames that end a `backtrace` record (a task dump's `task:` line and
/// `Call Trace:` sit between two traces; a blank stretch ends one).
const STRAY_GAP: usize = 2;

/// Frames outside reports, gathered for one `backtrace` record.
#[derive(Default)]
struct Stray {
    first_line: u64,
    last_line: u64,
    gap: usize,
    frames: Vec<Frame>,
    outcomes: Vec<Outcome>,
}

/// A running decode.
struct Decoder<'w> {
    opts: Options,
    warn: &'w mut dyn FnMut(&str),
    vmlinux: Option<Result<Object, Error>>,
    modules: HashMap<String, Result<Object, Error>>,
    finder: Option<modules::Finder>,
    kernel_build_id: Option<String>,
    sources: source::Sources,
    warned: HashSet<String>,
    kaslr: Option<u64>,
    held: VecDeque<(Vec<u8>, Line)>,
    held_bytes: usize,
    /// Held lines per report, so that a report is dropped once its last line is written.
    held_lines: HashMap<usize, usize>,
    finished: HashMap<usize, Oops>,
    /// `Code:` lines (line number, text after `Code: `) per report, for JSON.
    code_lines: HashMap<usize, Vec<(u64, String)>>,
    summary: Summary,
    /// The `Linux version` banner last seen in the log.
    banner: Option<String>,
    kallsyms: Option<Result<kaslr::Kallsyms, Error>>,
    /// `--json`: frames outside reports gathered into the next `backtrace` record.
    stray: Option<Stray>,
    /// Identity checks of each module, by normalized name, made when it was opened.
    module_checks: HashMap<String, (PathBuf, Vec<Check>)>,
    /// The last [`Self::vmlinux_refusal`]: for the report of this index (`None`: frames
    /// outside reports) and this banner.
    vmlinux_verdict: Option<(Option<usize>, Option<String>, Option<String>)>,
}

/// Decode `input` into `out`; warnings (once each) go to `warn`. The log is parsed as it
/// is read.
pub fn decode(
    opts: Options,
    input: impl BufRead,
    out: &mut dyn Write,
    warn: &mut dyn FnMut(&str),
) -> io::Result<Summary> {
    decode_steps(opts, Steps::new(input), out, warn)
}

/// Decode a log parsed already (a caller that looked at its reports first: `ksym
/// serve`), as [`decode`] decodes it.
pub fn decode_parsed(
    opts: Options,
    log: ParsedLog,
    out: &mut dyn Write,
    warn: &mut dyn FnMut(&str),
) -> io::Result<Summary> {
    decode_steps(opts, log.into_steps().into_iter().map(Ok), out, warn)
}

fn decode_steps(
    opts: Options,
    steps: impl Iterator<Item = io::Result<Step>>,
    out: &mut dyn Write,
    warn: &mut dyn FnMut(&str),
) -> io::Result<Summary> {
    let mut d = Decoder::new(opts, warn);
    for step in steps {
        let Step { line, finished } = step?;
        if let Some((raw, line)) = &line {
            d.observe(raw, line);
        }
        for o in finished {
            d.finish_oops(o, out)?;
        }
        if let Some((raw, line)) = line {
            d.push(raw, line, out)?;
        }
    }
    d.flush(out, true)?;
    Ok(std::mem::take(&mut d.summary))
}

impl<'w> Decoder<'w> {
    fn new(opts: Options, warn: &'w mut dyn FnMut(&str)) -> Self {
        Decoder {
            opts,
            warn,
            vmlinux: None,
            modules: HashMap::new(),
            finder: None,
            kernel_build_id: None,
            sources: source::Sources::default(),
            warned: HashSet::new(),
            kaslr: None,
            held: VecDeque::new(),
            held_bytes: 0,
            held_lines: HashMap::new(),
            finished: HashMap::new(),
            code_lines: HashMap::new(),
            summary: Summary::default(),
            banner: None,
            kallsyms: None,
            stray: None,
            module_checks: HashMap::new(),
            vmlinux_verdict: None,
        }
    }

    /// Note what a line says about the kernel (its `Linux version` banner).
    fn observe(&mut self, raw: &[u8], line: &Line) {
        let msg = raw.get(line.message.clone()).unwrap_or_default();
        if line.continuation || msg.len() > 4096 {
            return;
        }
        // Most lines hold no `Linux version`: told without a string made of each.
        const HEAD: &[u8] = b"Linux version ";
        let mentions = (0..msg.len())
            .filter(|&i| msg[i] == HEAD[0])
            .any(|i| msg[i..].starts_with(HEAD));
        if !mentions {
            return;
        }
        if let Some(b) = identity::banner_line(&String::from_utf8_lossy(msg)) {
            self.banner = Some(b.to_string());
        }
    }

    /// The refusal of vmlinux for the frames of `oops` (see [`Self::refuse`]), decided
    /// once for a report and the banner seen: the same for each of its frames.
    fn vmlinux_refusal(&mut self, oops: Option<&Oops>) -> Option<String> {
        let index = oops.map(|o| o.index);
        if let Some((i, banner, verdict)) = &self.vmlinux_verdict {
            if *i == index && banner.as_deref() == self.banner.as_deref() {
                return verdict.clone();
            }
        }
        let checks = self.vmlinux_checks(oops);
        let verdict = match &self.vmlinux {
            Some(Ok(vm)) => {
                let path = vm.symz.path().to_path_buf();
                self.refuse(&checks, &path)
            }
            _ => None,
        };
        self.vmlinux_verdict = Some((index, self.banner.clone(), verdict.clone()));
        verdict
    }

    /// The identity checks of vmlinux against `oops` (empty when vmlinux is unusable).
    fn vmlinux_checks(&mut self, oops: Option<&Oops>) -> Vec<Check> {
        if self.vmlinux().is_err() {
            return Vec::new();
        }
        let Some(Ok(vm)) = self.vmlinux.as_ref() else {
            return Vec::new();
        };
        let log = identity::LogFacts::of(oops, self.banner.as_deref());
        identity::vmlinux_checks(vm.symz.path(), vm.facts(), &log, oops)
    }

    /// The refusal for a proven mismatch among `checks`: printed once; `None` when
    /// there is none or `--force` turns it into a warning.
    /// The `code` check, weaker evidence, is never refused: [`Self::code_listing`] warns.
    fn refuse(&mut self, checks: &[Check], path: &std::path::Path) -> Option<String> {
        let msg = identity::refusal(path, identity::proven_mismatch(checks)?);
        if self.opts.force {
            self.warn_once(&format!("warning: {msg}"));
            return None;
        }
        self.warn_once(&msg);
        self.summary.mismatch = true;
        Some(msg)
    }

    /// `Err` when the identity checks made at opening module `m` refuse it.
    fn module_refusal(&mut self, m: &str) -> Result<(), Error> {
        let key = modules::normalize(m);
        let Some((path, checks)) = self.module_checks.get(&key).cloned() else {
            return Ok(());
        };
        match self.refuse(&checks, &path) {
            Some(e) => Err(Error::new(ErrorKind::Mismatch, e)),
            None => Ok(()),
        }
    }

    /// Every identity check made for `oops`: vmlinux's, then its modules', each object's
    /// `code` checks (its `Code:` lines compared, `code`) after its other checks. When a
    /// line was compared, vmlinux's `unknown` code slot goes.
    fn identity(&mut self, oops: &Oops, code: Vec<Check>) -> identity::Report {
        let opened = matches!(self.vmlinux, Some(Ok(_)));
        let mut checks = if opened || oops.frames.iter().any(|f| f.module.is_none() && !f.user) {
            self.vmlinux_checks(Some(oops))
        } else {
            Vec::new()
        };
        let mut seen = HashSet::new();
        for f in &oops.frames {
            if let Some(m) = &f.module {
                let key = modules::normalize(m);
                if seen.insert(key.clone()) {
                    if let Some((_, c)) = self.module_checks.get(&key) {
                        checks.extend(c.iter().cloned());
                    }
                }
            }
        }
        if !code.is_empty() {
            checks.retain(|c| c.check != "code");
        }
        for c in code {
            match checks.iter().rposition(|x| x.object == c.object) {
                Some(i) => checks.insert(i + 1, c),
                None => checks.push(c),
            }
        }
        identity::Report::new(checks)
    }

    /// Warn once about a frame whose printed size the symbol does not explain.
    fn warn_size(&mut self, f: &Frame, r: &Resolved, object: &str) {
        if !r.size_mismatch {
            return;
        }
        let msg = format!(
            "warning: {object}: {}+{:#x}/{:#x} (line {}): the printed size differs from {}'s size {}; the file may not be the crashed kernel's",
            f.symbol.as_deref().unwrap_or("?"),
            f.offset.unwrap_or(0),
            f.size.unwrap_or(0),
            f.line,
            r.symbol,
            r.symbol_size.map_or("unknown".to_string(), |z| format!("{z:#x}")),
        );
        self.warn_once(&msg);
    }

    fn warn_once(&mut self, msg: &str) {
        if self.warned.insert(msg.to_string()) {
            (self.warn)(msg);
        }
    }

    fn finish_oops(&mut self, o: Oops, out: &mut dyn Write) -> io::Result<()> {
        self.summary.oopses += 1;
        if self.opts.release.is_none() {
            self.opts.release.clone_from(&o.release);
        }
        if o.kaslr_offset.is_some() {
            self.kaslr = o.kaslr_offset;
        }
        if self.kernel_build_id.is_none() {
            self.kernel_build_id.clone_from(&o.kernel_build_id);
        }
        if o.frames_dropped > 0 {
            self.summary.frames_dropped += o.frames_dropped;
            let msg = format!(
                "report at line {}: {} frames past the limit of {} per report are not decoded \
                 (see Limits in docs/design.md)",
                o.first_line,
                o.frames_dropped,
                super::parse::MAX_FRAMES
            );
            (self.warn)(&msg);
        }
        if self.opts.json {
            let frames: Vec<Outcome> = o.frames.iter().map(|f| self.frame(f, Some(&o))).collect();
            for r in frames.iter().flatten() {
                self.summary.frames += 1;
                self.summary.resolved += usize::from(r.is_ok());
            }
            let kaslr = self.kaslr_for(Some(&o));
            let lines = self.code_lines.remove(&o.index).unwrap_or_default();
            let mut code = Vec::new();
            let mut code_checks = Vec::new();
            for (n, t) in &lines {
                if let Some((listing, check)) = self.code_listing(&o, *n, t) {
                    code.push(listing);
                    code_checks.extend(check);
                }
            }
            let identity = self.identity(&o, code_checks);
            render::write_json(
                out,
                &o,
                &frames,
                kaslr,
                self.opts.call_site,
                &identity,
                &code,
            )?;
        } else {
            self.finished.insert(o.index, o);
        }
        Ok(())
    }

    fn push(&mut self, raw: Vec<u8>, line: Line, out: &mut dyn Write) -> io::Result<()> {
        if self.opts.json {
            if let (Some(i), Some(text)) = (line.oops, code_text(&raw, &line)) {
                let v = self.code_lines.entry(i).or_default();
                if v.len() < super::parse::MAX_REGISTER_LINES {
                    v.push((line.number, text));
                }
            }
            return self.push_stray(&line, out);
        }
        self.held_bytes += raw.len();
        if let Some(i) = line.oops {
            *self.held_lines.entry(i).or_default() += 1;
        }
        self.held.push_back((raw, line));
        self.flush(out, false)
    }

    /// `--json`: gather the frames of lines outside reports (NMI backtraces, task dumps,
    /// pasted call traces) into `backtrace` records. A record ends after
    /// [`STRAY_GAP`] lines without frames, at a report, or at [`super::parse::MAX_FRAMES`].
    fn push_stray(&mut self, line: &Line, out: &mut dyn Write) -> io::Result<()> {
        if line.oops.is_none() && !line.frames.is_empty() {
            let outcomes: Vec<Outcome> = line.frames.iter().map(|f| self.frame(f, None)).collect();
            for r in outcomes.iter().flatten() {
                self.summary.frames += 1;
                self.summary.resolved += usize::from(r.is_ok());
            }
            let st = self.stray.get_or_insert_with(|| Stray {
                first_line: line.number,
                ..Stray::default()
            });
            st.last_line = line.number;
            st.gap = 0;
            st.frames.extend(line.frames.iter().cloned());
            st.outcomes.extend(outcomes);
            if st.frames.len() >= super::parse::MAX_FRAMES {
                return self.write_stray(out);
            }
            return Ok(());
        }
        let Some(st) = self.stray.as_mut() else {
            return Ok(());
        };
        st.gap += 1;
        if line.oops.is_some() || st.gap > STRAY_GAP {
            self.write_stray(out)?;
        }
        Ok(())
    }

    fn write_stray(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let Some(st) = self.stray.take() else {
            return Ok(());
        };
        let kaslr = self.opts.kaslr_offset.or(self.kaslr);
        render::write_backtrace(
            out,
            st.first_line,
            st.last_line,
            &st.frames,
            &st.outcomes,
            kaslr,
        )
    }

    /// Write held lines whose report is complete (all of them when `all`, or when the
    /// hold is over its cap).
    fn flush(&mut self, out: &mut dyn Write, all: bool) -> io::Result<()> {
        while let Some((_, front)) = self.held.front() {
            let ready = match front.oops {
                None => true,
                Some(i) => self.finished.contains_key(&i),
            };
            if !(ready || all || self.held_bytes > MAX_HELD_BYTES) {
                break;
            }
            let Some((raw, line)) = self.held.pop_front() else {
                break;
            };
            self.held_bytes -= raw.len();
            let oops = line.oops.and_then(|i| self.finished.remove(&i));
            let outcomes: Vec<Outcome> = line
                .frames
                .iter()
                .map(|f| self.frame(f, oops.as_ref()))
                .collect();
            for r in outcomes.iter().flatten() {
                self.summary.frames += 1;
                self.summary.resolved += usize::from(r.is_ok());
            }
            let listing = match (&oops, code_text(&raw, &line)) {
                (Some(o), Some(text)) => self.code_listing(o, line.number, &text),
                _ => None,
            };
            if let Some(i) = line.oops {
                let left = self.held_lines.get_mut(&i).map(|n| {
                    *n -= 1;
                    *n
                });
                match (left, oops) {
                    // Its last held line is written: the report is done with.
                    (Some(0) | None, _) => {
                        self.held_lines.remove(&i);
                    }
                    (_, Some(o)) => {
                        self.finished.insert(o.index, o);
                    }
                    (_, None) => {}
                }
            }
            render::write_line(out, &raw, &line, &outcomes)?;
            if self.opts.source {
                self.write_sources(out, &raw, &line, &outcomes)?;
            }
            if let Some((l, _)) = &listing {
                render::write_code(out, &raw, &line, l)?;
            }
        }
        // Reports none of whose lines is held any more are done with.
        let held = &self.held_lines;
        self.finished.retain(|i, _| held.contains_key(i));
        if all {
            self.write_stray(out)?;
        }
        Ok(())
    }

    /// The disassembly of the `Code:` line `number` (text after `Code: `) of `oops`,
    /// placed at its register dump's pc, with its identity `code` check when the object
    /// holds the function; a code mismatch with the object is warned about (weaker
    /// evidence: never refused).
    fn code_listing(
        &mut self,
        oops: &Oops,
        number: u64,
        text: &str,
    ) -> Option<(code::Listing, Option<Check>)> {
        let bytes = code::parse(text, code::arch_of(oops))?;
        let is_pc =
            |f: &&Frame| f.role == FrameRole::Pc && f.register.is_some() && f.line <= number;
        let mut pc = oops.frames.iter().rfind(is_pc);
        // Since Linux 4.17 x86 prints `Code:` right after each `RIP:` line, the user-mode
        // one included; older kernels print one `Code:` line at the end of the dump, for
        // the kernel's RIP even when user-mode registers come between.
        if pc.is_some_and(|f| f.user && f.line + 1 != number) {
            pc = oops.frames.iter().rfind(|f| is_pc(f) && !f.user);
        }
        let pc = pc.cloned();
        let syntax = self.opts.syntax;
        let Some(pc) = pc else {
            return Some((code::listing(&bytes, number, syntax, None, None), None));
        };
        let resolved = self.frame(&pc, Some(oops)).and_then(Result::ok);
        let kaslr = self.kaslr_for(Some(oops));
        let Some(r) = resolved else {
            return Some((
                code::listing(&bytes, number, syntax, pc.address, None),
                None,
            ));
        };
        let runtime = pc.address.or_else(|| {
            kaslr
                .filter(|_| pc.module.is_none())
                .map(|k| r.address.wrapping_add(k))
        });
        // The file as the identity checks name it: a module's as found (`.ko.xz`).
        let (path, object) = match &pc.module {
            Some(m) => {
                self.module(m, pc.build_id.as_deref(), Some(oops)).ok()?;
                let (path, checks) = self.module_checks.get(&modules::normalize(m))?;
                let object = checks
                    .first()
                    .map_or_else(|| format!("{m}: {}", path.display()), |c| c.object.clone());
                (path.clone(), object)
            }
            None => {
                let p = self.vmlinux().ok()?.symz.path().to_path_buf();
                let object = p.display().to_string();
                (p, object)
            }
        };
        let obj = match &pc.module {
            Some(m) => self.module(m, pc.build_id.as_deref(), Some(oops)).ok()?,
            None => self.vmlinux().ok()?,
        };
        let place = code::Placement {
            symz: &obj.symz,
            prefix: obj.prefix.as_deref(),
            address: r.address,
            offset: r.offset,
            symbol: &r.symbol,
        };
        let mut listing = code::listing(&bytes, number, syntax, runtime, Some(&place));
        // The trap's line as the frame line shows it: the kernel's, from `__bug_table`.
        if let (Some(t), Some(i)) = (
            r.trap.as_ref().filter(|t| t.file.is_some()),
            listing.instructions.get_mut(listing.trapping_index),
        ) {
            i.file.clone_from(&t.file);
            i.line = t.line;
        }
        let check = listing.identity.as_ref().map(|id| {
            let at = format!("{}+{:#x}", r.symbol, r.offset);
            identity::code_compared(&object, text, id, number, &at)
        });
        if let Some(c) = check
            .as_ref()
            .filter(|c| c.result == identity::Verdict::Mismatch)
        {
            let msg = format!("warning: {}", identity::refusal(&path, c));
            self.warn_once(&msg);
        }
        Some((listing, check))
    }

    /// The KASLR offset for frames of `oops`.
    fn kaslr_for(&mut self, oops: Option<&Oops>) -> Option<u64> {
        if self.opts.kaslr_offset.is_some() {
            return self.opts.kaslr_offset;
        }
        let o = oops?;
        if let Some(k) = o.kaslr_offset {
            return Some(k);
        }
        for f in &o.frames {
            let (Some(addr), Some(sym), None, Some(off)) =
                (f.address, f.symbol.as_deref(), f.module.as_ref(), f.offset)
            else {
                continue;
            };
            let rule = self.name_rule(Some(o));
            let vm = self.vmlinux().ok()?;
            let Some(c) = vm.find_symbol(sym, off, f.size, rule) else {
                continue;
            };
            let Some(s) = vm.symz.symbol(c.index) else {
                continue;
            };
            let link = s.addr.wrapping_add(off);
            return Some(addr.wrapping_sub(link));
        }
        self.kaslr
    }

    fn vmlinux(&mut self) -> Result<&mut Object, Error> {
        if self.vmlinux.is_none() {
            let by_id = self.kernel_build_id.clone();
            let path = self
                .vmlinux_path()
                .or_else(|e| crate::debuginfod::or_fetch(e, by_id.as_deref()));
            let opened = match path {
                Ok(p) => Object::open(&p).map(|mut o| {
                    if let Some(b) = &self.opts.base_path {
                        o.prefix = Some(b.clone());
                    }
                    o
                }),
                Err(e) => Err(e),
            };
            if let Err(e) = &opened {
                self.summary.vmlinux_error = Some(e.clone());
                let msg = format!("vmlinux: {e}; kernel frames are left as they are");
                self.warn_once(&msg);
            } else if let Ok(o) = &opened {
                if !o.symz.has_debug_info() {
                    let msg = format!(
                        "{}: no debug info (DWARF); kernel frames get no source lines",
                        o.symz.path().display()
                    );
                    self.warn_once(&msg);
                }
            }
            self.vmlinux = Some(opened);
        }
        match self.vmlinux.as_mut() {
            Some(Ok(o)) => Ok(o),
            Some(Err(e)) => Err(e.clone()),
            None => Err(Error::new(ErrorKind::NotFound, "vmlinux not opened")),
        }
    }

    fn vmlinux_path(&mut self) -> Result<PathBuf, Error> {
        if let Some(p) = &self.opts.vmlinux {
            return Ok(p.clone());
        }
        let (r, whence) = match (&self.opts.release, &self.opts.running_release) {
            (Some(r), _) => (r, "the log or -r"),
            (None, Some(r)) => (r, "the running kernel"),
            (None, None) => {
                return Err(Error::new(
                    ErrorKind::NotFound,
                    "no --vmlinux given and no release known to look for one",
                ))
            }
        };
        let r = crate::dwarf::check_release(r)?;
        let cands = [
            format!("/usr/lib/debug/boot/vmlinux-{r}"),
            format!("/boot/vmlinux-{r}"),
            format!("/lib/modules/{r}/build/vmlinux"),
            format!("/usr/lib/debug/lib/modules/{r}/vmlinux"),
        ];
        let paths: Vec<PathBuf> = cands.iter().map(|c| crate::dwarf::system_path(c)).collect();
        // Only regular files: a release names places, never a device or a FIFO.
        let found = paths.iter().find(|p| p.is_file()).cloned();
        if let Some(p) = &found {
            (self.warn)(&format!(
                "using {} (release {r}, from {whence})",
                p.display()
            ));
        }
        found.ok_or_else(|| {
            let looked: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            Error::new(
                ErrorKind::NotFound,
                format!(
                    "no vmlinux for release {r} (looked at {})",
                    looked.join(", ")
                ),
            )
        })
    }

    fn module(
        &mut self,
        name: &str,
        build_id: Option<&str>,
        oops: Option<&Oops>,
    ) -> Result<&mut Object, Error> {
        let key = modules::normalize(name);
        if !self.modules.contains_key(&key) && self.modules.len() >= MAX_MODULES {
            self.warn_once(&format!(
                "more than {MAX_MODULES} distinct modules in the log, the limit (see Limits in \
                 docs/design.md); the frames of the others are left as they are"
            ));
            return Err(Error::new(
                ErrorKind::Limit,
                format!("module {name}: past the limit of {MAX_MODULES} modules"),
            ));
        }
        if !self.modules.contains_key(&key) {
            let finder = self.finder.get_or_insert_with(|| {
                modules::Finder::new(
                    &self.opts.module_files,
                    self.opts.modules.clone(),
                    self.opts.vmlinux.as_deref(),
                    self.opts
                        .release
                        .as_deref()
                        .or(self.opts.running_release.as_deref()),
                )
            });
            let mut found = finder
                .find(name, build_id)
                .or_else(|e| crate::debuginfod::or_fetch(e, build_id));
            if found.is_err() && build_id.is_some() {
                // Only files with another build id: take one, and let the identity
                // check say so (and refuse it unless forced).
                if let Ok(p) = finder.find(name, None) {
                    found = Ok(p);
                }
            }
            let given = !self.opts.modules.is_empty() || !self.opts.module_files.is_empty();
            if let (Ok(p), false) = (&found, given) {
                // No module file or directory was given: say which file ksym chose.
                let shown = p;
                (self.warn)(&format!("module {name}: using {}", shown.display()));
            }
            // The file the finder opened to check its build id is used as opened.
            let mut opened = found.and_then(|p| Object::open_as(&p, finder.take_opened(&p)));
            if let Ok(o) = &mut opened {
                if let Some(b) = &self.opts.base_path {
                    o.prefix = Some(b.clone());
                }
                if o.prefix.is_none() {
                    // Modules have no start_kernel: use the kernel's source prefix.
                    o.prefix = self.vmlinux().ok().and_then(|v| v.prefix.clone());
                }
            }
            match &opened {
                Err(e) => {
                    let msg = format!("{e}; its frames are left as they are");
                    self.warn_once(&msg);
                }
                Ok(o) if !o.symz.has_debug_info() => {
                    let msg = format!(
                        "module {name}: {} has no debug info (DWARF); its frames get no source lines",
                        o.symz.path().display()
                    );
                    self.warn_once(&msg);
                }
                Ok(_) => {}
            }
            if let Ok(o) = &opened {
                let log = identity::LogFacts {
                    arch: oops.and_then(identity::log_arch),
                    ..identity::LogFacts::default()
                };
                let path = o.symz.path().to_path_buf();
                let checks = identity::module_checks(name, &path, o.facts(), build_id, &log);
                self.module_checks.insert(key.clone(), (path, checks));
            }
            self.modules.insert(key.clone(), opened);
        }
        match self.modules.get_mut(&key) {
            Some(Ok(o)) => Ok(o),
            Some(Err(e)) => Err(e.clone()),
            None => Err(Error::new(
                ErrorKind::NotFound,
                format!("module {name} not opened"),
            )),
        }
    }

    /// Name a bare address with `--kallsyms`: `Some` when a kallsyms file was given.
    fn kallsyms_name(&mut self, addr: u64) -> Option<Result<kaslr::Named, Error>> {
        let path = self.opts.kallsyms.clone()?;
        if self.kallsyms.is_none() {
            let opened = kaslr::Kallsyms::open(&path);
            if let Err(e) = &opened {
                self.warn_once(&format!("{e}; bare addresses are left as they are"));
            }
            self.kallsyms = Some(opened);
        }
        let table = self.kallsyms.as_ref()?;
        Some(match table {
            Ok(t) => t.name(addr).ok_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!("{addr:#x} is in no symbol of {}", t.path().display()),
                )
            }),
            Err(e) => Err(e.clone()),
        })
    }

    /// The names the crashed kernel prints: by the report's release, else the one given.
    fn name_rule(&self, oops: Option<&Oops>) -> NameRule {
        let release = oops.and_then(|o| o.release.as_deref());
        NameRule::for_release(release.or(self.opts.release.as_deref()))
    }

    /// Resolve one frame in the context of its report.
    fn frame(&mut self, f: &Frame, oops: Option<&Oops>) -> Outcome {
        let rule = self.name_rule(oops);
        if f.user {
            return None;
        }
        if let (None, Some(a)) = (&f.symbol, f.address) {
            // Named by kallsyms: module addresses, and vmlinux ones without an offset.
            let needs_name = f.module.is_some() || self.kaslr_for(oops).is_none();
            if needs_name {
                if let Some(named) = self.kallsyms_name(a) {
                    let named = match named {
                        Ok(n) => n,
                        Err(e) => return Some(Err(e)),
                    };
                    let mut g = f.clone();
                    g.symbol = Some(named.name);
                    g.offset = Some(named.offset);
                    g.module = named.module.or(g.module);
                    g.address = None;
                    return self.frame(&g, oops);
                }
            }
        }
        let exact = !self.opts.call_site || f.exact();
        let trap = f.role == FrameRole::Pc;
        // A printed `name+off/size` is resolved by name; a bare address by address.
        let target = match (f.symbol.as_deref(), f.offset) {
            (Some(name), Some(offset)) => Some(Target::Symbol {
                name,
                offset,
                size: f.size,
                rule,
            }),
            _ => None,
        };
        if let Some(m) = &f.module {
            let id = f.build_id.clone().or_else(|| {
                oops?
                    .frames
                    .iter()
                    .find(|g| g.module.as_ref() == Some(m) && g.build_id.is_some())
                    .and_then(|g| g.build_id.clone())
            });
            let result = match target {
                Some(target) => self
                    .module(m, id.as_deref(), oops)
                    .map(|_| ())
                    .and_then(|()| self.module_refusal(m))
                    .and_then(|()| self.module(m, id.as_deref(), oops))
                    .and_then(|obj| obj.resolve(target, exact, trap))
                    .inspect(|r| {
                        let object = format!("module {m}");
                        self.warn_size(f, r, &object);
                    }),
                _ => Err(Error::new(
                    ErrorKind::ModuleAddress,
                    format!(
                        "module {m}: a bare address cannot be placed in the module (give --kallsyms FILE)"
                    ),
                )),
            };
            return Some(result);
        }
        let kaslr = if f.symbol.is_none() {
            self.kaslr_for(oops)
        } else {
            None
        };
        if let Some(e) = self.vmlinux_refusal(oops) {
            return Some(Err(Error::new(ErrorKind::Mismatch, e)));
        }
        let vm = match self.vmlinux() {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        let by_name = target.map(|target| vm.resolve(target, exact, trap));
        match (by_name, f.address) {
            (Some(Ok(r)), _) => {
                let object = self
                    .vmlinux
                    .as_ref()
                    .and_then(|v| v.as_ref().ok())
                    .map_or("vmlinux".to_string(), |v| {
                        v.symz.path().display().to_string()
                    });
                self.warn_size(f, &r, &object);
                Some(Ok(r))
            }
            (Some(Err(e)), None) => Some(Err(e)),
            (_, Some(a)) => {
                let link = a.wrapping_sub(kaslr.unwrap_or(0));
                let r = vm.resolve(Target::Address(link), exact, trap);
                Some(r.map_err(|e| match kaslr {
                    None => Error::new(
                        ErrorKind::NoKaslrOffset,
                        format!(
                            "{e} (no KASLR offset known for this report: no `Kernel Offset:` line, \
                             no frame printing both address and symbol; give --kaslr-offset HEX \
                             or --kallsyms FILE)"
                        ),
                    ),
                    Some(_) => e,
                }))
            }
            (None, None) => Some(Err(Error::new(
                ErrorKind::Malformed,
                "frame has neither symbol nor address",
            ))),
        }
    }
}

/// The text after `Code: ` when `line` is a `Code:` line.
fn code_text(raw: &[u8], line: &Line) -> Option<String> {
    let msg = raw.get(line.message.clone())?;
    let msg = std::str::from_utf8(msg).ok()?;
    let t = msg.trim_start().strip_prefix("Code: ")?;
    Some(t.trim_end().to_string())
}

impl Drop for Decoder<'_> {
    /// Objects go to [`pool`], which keeps them when the caller asked it to.
    fn drop(&mut self) {
        if let Some(Ok(o)) = self.vmlinux.take() {
            o.keep();
        }
        for (_, m) in self.modules.drain() {
            if let Ok(o) = m {
                o.keep();
            }
        }
    }
}
