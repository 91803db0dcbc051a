//! The streaming oops parser: one line in, what the line holds out.
//!
//! [`Parser::push_line`] takes each raw line (line end included), returns a [`Line`] with
//! the message range and the frames found on it, and keeps the report being read. A report
//! ends at `---[ end ...`, at the `=====` rule closing a sanitizer report, at the next
//! report's first line, or at the end of input; finished reports are taken with
//! [`Parser::take_finished`] and [`Parser::finish`]. Memory is bounded by the report being
//! read (and its frames are capped), not by the log.
//!
//! Interleaving: when the first line of a report carries a printk caller id, only lines
//! with the same id belong to it; when it carries a timestamp, lines without one (user
//! space writing to the console) do not belong to it. Lines that do not belong neither
//! end the report nor add to it, but their frames are still reported on their [`Line`].

use std::collections::VecDeque;
use std::ops::Range;

use serde::Serialize;

use super::kind::{self, Start};
use super::line::{self, FrameText};
use super::model::{Frame, FrameContext, FrameRole, Oops, OopsKind, Register, RegisterBlock};
use super::prefix::{self, Prefix};

/// Frames kept per report; further frames are still reported on their lines.
pub const MAX_FRAMES: usize = 4096;
/// Register dump and `Code:` lines kept per report.
pub const MAX_REGISTER_LINES: usize = 512;

/// What one input line holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    /// 1-based line number (each chunk of a split overlong line counts as a line).
    pub number: u64,
    /// Prefixes found in front of the message.
    pub prefix: Prefix,
    /// Byte range of the message in the raw line (prefixes and line end excluded).
    pub message: Range<usize>,
    /// Frames found on the line.
    pub frames: Vec<Frame>,
    /// Index of the report the line belongs to.
    pub oops: Option<usize>,
    /// The line is a later chunk of an overlong line and was not parsed.
    pub continuation: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Before the call trace.
    Header,
    /// After `Call Trace:` or a first trace frame.
    Trace,
    /// After `---[ end`: only the x86 repeat of the first oops's registers may follow.
    Ended,
}

struct Open {
    oops: Oops,
    stage: Stage,
    context: FrameContext,
    pending_entry: bool,
    in_regs: bool,
    timestamped: bool,
    /// arm64 `pc :` text (symbol, offset, module) until the first trace frame is seen.
    arm_pc: Option<(Option<String>, Option<u64>, Option<String>)>,
}

/// The streaming parser. See the module docs.
#[derive(Default)]
pub struct Parser {
    number: u64,
    next_index: usize,
    open: Option<Open>,
    finished: VecDeque<Oops>,
}

impl Parser {
    /// A parser at the start of a log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parse one line (raw bytes, line end included or not).
    pub fn push_line(&mut self, raw: &[u8]) -> Line {
        self.push_chunk(raw, false)
    }

    /// Parse one chunk from [`super::LineReader`]: `continuation` marks the later chunks
    /// of an overlong line, which are passed through unparsed.
    pub fn push_chunk(&mut self, raw: &[u8], continuation: bool) -> Line {
        self.number += 1;
        let (prefix, message) = prefix::split(raw);
        let mut out = Line {
            number: self.number,
            prefix,
            message,
            frames: Vec::new(),
            oops: None,
            continuation,
        };
        if continuation {
            return out;
        }
        let mut text = String::from_utf8_lossy(&raw[out.message.clone()]);
        let mut start = kind::classify(text.trim_start());
        if start.is_none() {
            // Console output glued to the front of a kernel line (`syzkaller login: [
            // 16.305150] INFO: ...`, `** 93 printk messages dropped ** [ ...] BUG: ...`):
            // the report opener counts from the embedded timestamp on.
            if let Some((p, m, s)) = embedded_start(raw, &out.message) {
                out.prefix = p;
                out.message = m;
                start = Some(s);
                text = String::from_utf8_lossy(&raw[out.message.clone()]);
            }
        }
        let msg = text.trim_start();
        let belongs = self.open.as_ref().is_some_and(|o| match &o.oops.caller {
            Some(c) => out.prefix.caller.as_ref() == Some(c),
            None => !o.timestamped || out.prefix.timestamp.is_some(),
        });

        if let Some(o) = &self.open {
            if o.stage == Stage::Ended && belongs && (start.is_some() || !is_epilogue(raw, &out)) {
                self.close();
            }
        }
        let belongs = belongs && self.open.is_some();

        match start {
            Some(Start::Trap(k)) => {
                let joined = belongs
                    && self.open.as_mut().is_some_and(|o| {
                        let ok = o.stage == Stage::Header
                            && kind::takes_trap(o.oops.kind)
                            && o.oops.trap.is_none()
                            && o.oops.frames.iter().all(|f| f.register.is_some());
                        if ok {
                            o.oops.trap = Some(msg.trim_end().to_string());
                        }
                        ok
                    });
                if !joined {
                    self.open_oops(k, msg, &out);
                }
            }
            Some(Start::New(k)) => self.open_oops(k, msg, &out),
            None => {}
        }
        let belongs = start.is_some() || belongs;
        match (belongs, self.open.as_mut()) {
            (true, Some(o)) => {
                out.oops = Some(o.oops.index);
                o.oops.last_line = out.number;
                let ended = o.read(raw, msg, &mut out);
                if ended {
                    self.close();
                }
            }
            _ => stray_frames(raw, &mut out),
        }
        out
    }

    /// A finished report, oldest first.
    pub fn take_finished(&mut self) -> Option<Oops> {
        self.finished.pop_front()
    }

    /// End of input: close the report being read and return every report not yet taken.
    pub fn finish(&mut self) -> Vec<Oops> {
        self.close();
        self.finished.drain(..).collect()
    }

    fn close(&mut self) {
        if let Some(o) = self.open.take() {
            self.finished.push_back(o.oops);
        }
    }

    fn open_oops(&mut self, k: OopsKind, msg: &str, line: &Line) {
        self.close();
        let mut oops = Oops::new(self.next_index, k, msg.trim_end().to_string(), line.number);
        self.next_index += 1;
        oops.caller = line.prefix.caller.clone();
        oops.location = kind::location(msg);
        if k == OopsKind::Warning {
            if let Some(h) = line::header(msg.strip_prefix("WARNING: ").unwrap_or(msg)) {
                oops.cpu = h.cpu;
                oops.pid = h.pid;
            }
        }
        if let Some((comm, pid)) = kind::hung_task(msg) {
            oops.comm = Some(comm);
            oops.pid = Some(pid);
        }
        self.open = Some(Open {
            oops,
            stage: Stage::Header,
            context: FrameContext::Unknown,
            pending_entry: false,
            in_regs: false,
            timestamped: line.prefix.timestamp.is_some(),
            arm_pc: None,
        });
    }
}

/// A report opener behind an embedded `[  12.345678]` timestamp: (prefix, message, start).
fn embedded_start(raw: &[u8], msg: &Range<usize>) -> Option<(Prefix, Range<usize>, Start)> {
    let mut from = msg.start + 1;
    // A few tries: each is cheap, but a line of brackets must stay linear.
    for _ in 0..8 {
        if from >= msg.end {
            break;
        }
        let p = from + raw[from..msg.end].iter().position(|&b| b == b'[')?;
        let (prefix, m) = prefix::split(&raw[p..msg.end]);
        if prefix.timestamp.is_some() {
            let m = p + m.start..p + m.end;
            let head = &raw[m.start..m.end.min(m.start + 1024)];
            if let Some(s) = kind::classify(String::from_utf8_lossy(head).trim_start()) {
                return Some((prefix, m, s));
            }
        }
        from = p + 1;
    }
    None
}

/// Lines allowed after `---[ end trace`: the x86 repeat of the first oops's `RIP:`, its
/// `Code:` and registers.
fn is_epilogue(raw: &[u8], l: &Line) -> bool {
    let m = l.message.start;
    let rest = &raw[line::skip_spaces(raw, m).min(l.message.end)..l.message.end];
    rest.starts_with(b"Code: ")
        || !line::register_frames(raw, m).is_empty()
        || line::register_line(&raw[..l.message.end], m).is_some()
}

fn is_rule(msg: &str) -> bool {
    let t = msg.trim();
    t.len() >= 20 && t.bytes().all(|b| b == b'=')
}

/// Entry code after which the next frame is an interrupted instruction.
fn is_entry(sym: &str) -> bool {
    sym.starts_with("asm_exc_")
        || sym.starts_with("asm_sysvec_")
        || sym.starts_with("asm_common_interrupt")
        || sym.starts_with("el1h_64_irq")
        || sym.starts_with("el1h_64_sync")
        || sym.starts_with("el1h_64_fiq")
        || sym.starts_with("el1h_64_error")
}

/// Entry code: never the interrupted instruction itself.
fn is_entry_code(sym: &str) -> bool {
    sym.starts_with("asm_") || sym.starts_with("entry_") || sym.starts_with("el1h_64_")
}

fn frame(line: u64, t: FrameText, role: FrameRole, context: FrameContext) -> Frame {
    let role = match t.marker {
        Some(b'P') => FrameRole::Pc,
        Some(b'L') => FrameRole::Lr,
        _ => role,
    };
    Frame {
        line,
        address: t.address,
        symbol: t.symbol,
        offset: t.offset,
        size: t.size,
        module: t.module,
        build_id: t.build_id,
        reliable: t.reliable,
        context,
        role,
        after_entry: false,
        register: None,
        user: false,
        repeat: false,
        span: t.span,
        end: t.end,
    }
}

fn register_role(name: &str) -> FrameRole {
    if name.eq_ignore_ascii_case("lr") {
        FrameRole::Lr
    } else {
        FrameRole::Pc
    }
}

/// Frames on a line outside any report.
fn stray_frames(raw: &[u8], out: &mut Line) {
    let s = &raw[..out.message.end];
    let m = out.message.start;
    let regs = line::register_frames(s, m);
    if !regs.is_empty() {
        for (name, user, t) in regs {
            let mut f = frame(out.number, t, register_role(&name), FrameContext::Unknown);
            f.register = Some(name);
            f.user = user;
            out.frames.push(f);
        }
    } else if let Some(t) = line::frame_at(s, m, false) {
        out.frames.push(frame(
            out.number,
            t,
            FrameRole::Return,
            FrameContext::Unknown,
        ));
    } else {
        for t in line::embedded_frames(s, m) {
            out.frames.push(frame(
                out.number,
                t,
                FrameRole::Return,
                FrameContext::Unknown,
            ));
        }
    }
}

impl Open {
    /// Read a line that belongs to the report. Returns true when the report ends here.
    fn read(&mut self, raw: &[u8], msg: &str, out: &mut Line) -> bool {
        let s = &raw[..out.message.end];
        let m = out.message.start;
        let o = &mut self.oops;
        if msg.starts_with("---[ end ") {
            o.complete = true;
            self.stage = Stage::Ended;
            self.in_regs = false;
            return false;
        }
        if is_rule(msg) && kind::closes_with_rule(o.kind) && !o.frames.is_empty() {
            o.complete = true;
            return true;
        }
        let was_regs = std::mem::replace(&mut self.in_regs, false);
        if let Some(h) = line::header(msg) {
            o.cpu = o.cpu.or(h.cpu);
            o.pid = o.pid.or(h.pid);
            o.comm = o.comm.take().or(h.comm);
            o.taint = o.taint.take().or(h.taint);
            o.release = o.release.take().or(h.release);
            o.version = o.version.take().or(h.version);
            o.kernel_build_id = o.kernel_build_id.take().or(h.build_id);
            return false;
        }
        if let Some(hw) = msg.strip_prefix("Hardware name: ") {
            o.hardware.get_or_insert_with(|| hw.trim_end().to_string());
            return false;
        }
        if let Some(mods) = line::modules(msg) {
            if o.modules.is_empty() {
                o.modules = mods;
            }
            return false;
        }
        if let Some((off, base)) = line::kernel_offset(msg) {
            o.kaslr_offset = Some(off);
            o.kaslr_base = base;
            return false;
        }
        if msg.starts_with("Call Trace:") || msg.starts_with("Call trace:") || msg == "Backtrace:" {
            self.stage = Stage::Trace;
            self.context = FrameContext::Unknown;
            self.pending_entry = false;
            return false;
        }
        if let Some(code) = msg.strip_prefix("Code: ") {
            if o.code.len() < MAX_REGISTER_LINES {
                o.code.push(code.trim_end().to_string());
            }
            self.in_regs = was_regs;
            return false;
        }
        let mut at = m;
        if let Some((name, closing, end)) = line::context_marker(s, m) {
            self.marker(name, closing);
            at = end;
        }
        let regs = line::register_frames(s, at);
        if !regs.is_empty() {
            let repeat = self.stage == Stage::Ended;
            let x86 = regs[0].0.ends_with("IP");
            if x86 || !was_regs || self.oops.registers.is_empty() {
                self.new_block(out.number);
            }
            for (name, user, t) in regs {
                let value = String::from_utf8_lossy(&s[t.span.start..t.end]).into_owned();
                self.add_registers(vec![(name.clone(), value)]);
                if name == "pc" && !repeat {
                    self.arm_pc
                        .get_or_insert((t.symbol.clone(), t.offset, t.module.clone()));
                }
                let mut f = frame(out.number, t, register_role(&name), self.context);
                f.register = Some(name);
                f.user = user;
                f.repeat = repeat;
                self.push(f.clone());
                out.frames.push(f);
            }
            // The dump is the interrupted context's own frame (x86 does not print
            // `regs->ip` again in the trace): the frames after it are return addresses.
            self.pending_entry = false;
            self.in_regs = true;
            return false;
        }
        if let Some(regs) = line::register_line(s, at) {
            if !was_regs || self.oops.registers.is_empty() {
                self.new_block(out.number);
            }
            self.add_registers(regs);
            self.in_regs = true;
            return false;
        }
        let texts = match line::frame_at(s, at, self.stage == Stage::Trace) {
            Some(t) => vec![t],
            None => line::embedded_frames(s, at),
        };
        for t in texts {
            let mut f = frame(out.number, t, FrameRole::Return, self.context);
            if self.stage == Stage::Header && f.register.is_none() && f.reliable {
                self.stage = Stage::Trace;
            }
            if let Some(pc) = self.arm_pc.take() {
                if (f.symbol.clone(), f.offset, f.module.clone()) == pc {
                    f.role = FrameRole::Pc;
                }
            }
            let sym = f.symbol.as_deref().unwrap_or("");
            // Since 5.8, `</IRQ>` is followed by the `asm_sysvec_*` return address and the
            // interrupted context's register dump; the pending entry carries over.
            if self.pending_entry && !is_entry_code(sym) {
                self.pending_entry = false;
                f.after_entry = f.role != FrameRole::Pc;
            }
            if f.reliable && is_entry(sym) {
                self.pending_entry = true;
            }
            self.push(f.clone());
            out.frames.push(f);
        }
        false
    }

    fn marker(&mut self, name: &[u8], closing: bool) {
        self.stage = Stage::Trace;
        if closing || name == b"EOI" {
            self.pending_entry = name != b"TASK";
            self.context = FrameContext::Task;
            return;
        }
        self.context = match name {
            b"TASK" => FrameContext::Task,
            b"IRQ" => FrameContext::Irq,
            b"NMI" => FrameContext::Nmi,
            b"SOFTIRQ" => FrameContext::Softirq,
            _ => FrameContext::Exception,
        };
        // `</IRQ>` is followed by `<TASK>` and then the interrupted frame.
        if name != b"TASK" {
            self.pending_entry = false;
        }
    }

    fn new_block(&mut self, line: u64) {
        if self.oops.registers.len() < MAX_REGISTER_LINES {
            self.oops.registers.push(RegisterBlock {
                line,
                registers: Vec::new(),
            });
        }
    }

    fn add_registers(&mut self, regs: Vec<(String, String)>) {
        if let Some(b) = self.oops.registers.last_mut() {
            if b.registers.len() < MAX_REGISTER_LINES * 4 {
                b.registers.extend(
                    regs.into_iter()
                        .map(|(name, value)| Register { name, value }),
                );
            }
        }
    }

    fn push(&mut self, f: Frame) {
        if self.oops.frames.len() < MAX_FRAMES {
            self.oops.frames.push(f);
        }
    }
}
