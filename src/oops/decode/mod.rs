//! `ksym decode`: every frame of a kernel log resolved to its source lines.
//!
//! The log is read line by line ([`super::LineReader`], [`super::Parser`]). Lines that
//! belong to no report are written at once; the lines of a report are held until the
//! report ends (its `Kernel Offset:` line, which raw addresses need, comes last), then
//! written with their frames annotated ([`render`]). The hold is capped
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

pub mod modules;
pub mod render;
pub mod resolve;

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use super::{Frame, FrameRole, Line, LineReader, Oops, Parser};
use resolve::{Object, Resolved, Target};

/// Bytes of report lines held before they are written with what is known so far.
pub const MAX_HELD_BYTES: usize = 16 << 20;

/// Distinct module names looked up in one run (found or not): the frames of further
/// modules are left as they are, with one warning. A kernel has a few hundred modules.
pub const MAX_MODULES: usize = 1024;

/// What to decode with.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The kernel image with DWARF; else found from the release.
    pub vmlinux: Option<PathBuf>,
    /// Directories holding modules.
    pub modules: Vec<PathBuf>,
    /// Kernel release (`6.1.192`) for the usual places; else taken from the log.
    pub release: Option<String>,
    /// One JSON object per report instead of the annotated log.
    pub json: bool,
    /// Look return addresses up at address − 1 (the call).
    pub call_site: bool,
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
    pub vmlinux_error: Option<String>,
    /// Frames not kept: past [`crate::oops::parse::MAX_FRAMES`] in their report.
    pub frames_dropped: u64,
}

/// The outcome of one frame: `None` for frames not to decode (user mode).
pub type Outcome = Option<Result<Resolved, String>>;

/// A running decode.
struct Decoder<'w> {
    opts: Options,
    warn: &'w mut dyn FnMut(&str),
    vmlinux: Option<Result<Object, String>>,
    modules: HashMap<String, Result<Object, String>>,
    finder: Option<modules::Finder>,
    warned: HashSet<String>,
    kaslr: Option<u64>,
    held: VecDeque<(Vec<u8>, Line)>,
    held_bytes: usize,
    /// Held lines per report, so that a report is dropped once its last line is written.
    held_lines: HashMap<usize, usize>,
    finished: HashMap<usize, Oops>,
    summary: Summary,
}

/// Decode `input` into `out`; warnings (once each) go to `warn`.
pub fn decode(
    opts: Options,
    input: impl BufRead,
    out: &mut dyn Write,
    warn: &mut dyn FnMut(&str),
) -> io::Result<Summary> {
    let mut d = Decoder::new(opts, warn);
    let mut reader = LineReader::with_limit(input, super::MAX_LINE);
    let mut parser = Parser::new();
    while let Some((raw, cont)) = reader.next_line()? {
        let line = parser.push_chunk(raw, cont);
        let raw = raw.to_vec();
        while let Some(o) = parser.take_finished() {
            d.finish_oops(o, out)?;
        }
        d.push(raw, line, out)?;
    }
    for o in parser.finish() {
        d.finish_oops(o, out)?;
    }
    d.flush(out, true)?;
    Ok(d.summary)
}

impl<'w> Decoder<'w> {
    fn new(opts: Options, warn: &'w mut dyn FnMut(&str)) -> Self {
        Decoder {
            opts,
            warn,
            vmlinux: None,
            modules: HashMap::new(),
            finder: None,
            warned: HashSet::new(),
            kaslr: None,
            held: VecDeque::new(),
            held_bytes: 0,
            held_lines: HashMap::new(),
            finished: HashMap::new(),
            summary: Summary::default(),
        }
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
            render::write_json(out, &o, &frames, kaslr, self.opts.call_site)?;
        } else {
            self.finished.insert(o.index, o);
        }
        Ok(())
    }

    fn push(&mut self, raw: Vec<u8>, line: Line, out: &mut dyn Write) -> io::Result<()> {
        if self.opts.json {
            return Ok(());
        }
        self.held_bytes += raw.len();
        if let Some(i) = line.oops {
            *self.held_lines.entry(i).or_default() += 1;
        }
        self.held.push_back((raw, line));
        self.flush(out, false)
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
        }
        // Reports none of whose lines is held any more are done with.
        let held = &self.held_lines;
        self.finished.retain(|i, _| held.contains_key(i));
        Ok(())
    }

    /// The KASLR offset for frames of `oops`.
    fn kaslr_for(&mut self, oops: Option<&Oops>) -> Option<u64> {
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
            let vm = self.vmlinux().ok()?;
            let Some((i, _)) = vm.find_symbol(sym, off, f.size) else {
                continue;
            };
            let link = vm.symz.symbols()[i].addr.wrapping_add(off);
            return Some(addr.wrapping_sub(link));
        }
        self.kaslr
    }

    fn vmlinux(&mut self) -> Result<&mut Object, String> {
        if self.vmlinux.is_none() {
            let opened = match self.vmlinux_path() {
                Ok(p) => Object::open(&p),
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
            None => Err("vmlinux not opened".to_string()),
        }
    }

    fn vmlinux_path(&self) -> Result<PathBuf, String> {
        if let Some(p) = &self.opts.vmlinux {
            return Ok(p.clone());
        }
        let Some(r) = &self.opts.release else {
            return Err("no --vmlinux given and no release known to look for one".into());
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
        paths.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
            let looked: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            format!(
                "no vmlinux for release {r} (looked at {})",
                looked.join(", ")
            )
        })
    }

    fn module(&mut self, name: &str, build_id: Option<&str>) -> Result<&mut Object, String> {
        let key = modules::normalize(name);
        if !self.modules.contains_key(&key) && self.modules.len() >= MAX_MODULES {
            self.warn_once(&format!(
                "more than {MAX_MODULES} distinct modules in the log, the limit (see Limits in \
                 docs/design.md); the frames of the others are left as they are"
            ));
            return Err(format!(
                "module {name}: past the limit of {MAX_MODULES} modules"
            ));
        }
        if !self.modules.contains_key(&key) {
            let finder = self.finder.get_or_insert_with(|| {
                modules::Finder::new(
                    self.opts.modules.clone(),
                    self.opts.vmlinux.as_deref(),
                    self.opts.release.as_deref(),
                )
            });
            let mut opened = finder.find(name, build_id).and_then(|p| Object::open(&p));
            if let Ok(o) = &mut opened {
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
            self.modules.insert(key.clone(), opened);
        }
        match self.modules.get_mut(&key) {
            Some(Ok(o)) => Ok(o),
            Some(Err(e)) => Err(e.clone()),
            None => Err(format!("module {name} not opened")),
        }
    }

    /// Resolve one frame in the context of its report.
    fn frame(&mut self, f: &Frame, oops: Option<&Oops>) -> Outcome {
        if f.user {
            return None;
        }
        let exact = !self.opts.call_site || f.exact();
        let trap = f.role == FrameRole::Pc;
        if let Some(m) = &f.module {
            let id = f.build_id.clone().or_else(|| {
                oops?
                    .frames
                    .iter()
                    .find(|g| g.module.as_ref() == Some(m) && g.build_id.is_some())
                    .and_then(|g| g.build_id.clone())
            });
            let result = match (f.symbol.as_deref(), f.offset) {
                (Some(name), Some(offset)) => self.module(m, id.as_deref()).and_then(|obj| {
                    obj.resolve(
                        Target::Symbol {
                            name,
                            offset,
                            size: f.size,
                        },
                        exact,
                        trap,
                    )
                }),
                _ => Err(format!(
                    "module {m}: a bare address cannot be placed in the module"
                )),
            };
            return Some(result);
        }
        let kaslr = if f.symbol.is_none() {
            self.kaslr_for(oops)
        } else {
            None
        };
        let vm = match self.vmlinux() {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        let by_name = match (f.symbol.as_deref(), f.offset) {
            (Some(name), Some(offset)) => Some(vm.resolve(
                Target::Symbol {
                    name,
                    offset,
                    size: f.size,
                },
                exact,
                trap,
            )),
            _ => None,
        };
        match (by_name, f.address) {
            (Some(Ok(r)), _) => Some(Ok(r)),
            (Some(Err(e)), None) => Some(Err(e)),
            (_, Some(a)) => {
                let link = a.wrapping_sub(kaslr.unwrap_or(0));
                let r = vm.resolve(Target::Address(link), exact, trap);
                Some(r.map_err(|e| match kaslr {
                    None => format!("{e} (no KASLR offset known for this report)"),
                    Some(_) => e,
                }))
            }
            (None, None) => Some(Err("frame has neither symbol nor address".into())),
        }
    }
}
