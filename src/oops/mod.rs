//! Kernel log parsing for `ksym decode`: find oopses, their header fields, registers and
//! frames in a console log, `dmesg` output, syslog or the journal. Pure text work: no
//! symbolization happens here.
//!
//! # Streaming
//!
//! [`LineReader`] reads any [`std::io::BufRead`] in lines of at most [`MAX_LINE`] bytes
//! (longer lines come out in chunks, the later ones flagged as continuations), so a 100 MB
//! log or a 1 MB line is read in bounded memory. [`parse::Parser`] takes each line and
//! returns a [`parse::Line`]: the byte range of the message and every [`Frame`] on it,
//! with byte positions in the raw line. Lines are never altered: a decoder prints each raw
//! line unchanged (line ends, `\r\n` included) and inserts its annotation at
//! [`Frame::end`]. Finished reports come out of [`parse::Parser::take_finished`] and
//! [`parse::Parser::finish`]; [`Steps`] does all of it step by step (what `decode`
//! reads), [`ParsedLog`] and [`parse_log`] for a buffer.
//!
//! # What is recognized
//!
//! - Prefixes ([`prefix`]): syslog and every `journalctl -o short*` format (with or without
//!   the host name), `<N>`, `dmesg -x` levels, `[  12.345678]`, `dmesg -T` dates, printk
//!   caller ids `[T123]`/`[C1]`, `/dev/kmsg` and extended netconsole records.
//! - Report openers ([`kind`]): `WARNING:`, `kernel BUG at`, `BUG: ...` (page faults,
//!   NULL pointers, KASAN, KCSAN, KMSAN, KFENCE, soft lockups), arm64 `Unable to handle
//!   kernel`, `general protection fault`, `Kernel panic - not syncing`, hung tasks, RCU
//!   stalls, lockdep, UBSAN, kmemleak; trap lines (`Oops:`, `Internal error:`, `invalid
//!   opcode:`) join the fault header before them.
//! - Frames ([`line`](mod@line)): `sym+0x1a/0x40`, `[module]`, `[module buildid]`, `? `, arm64
//!   `(P)`/`(L)`, old `[<ffffffff81234567>] sym+off/size` and bare `[<addr>]`, bare `0x...`
//!   inside a call trace, lockdep's `at: [<addr>] sym`; registers printed as frames (`RIP:
//!   0010:sym`, `IP: [<addr>] sym`, arm64 `pc :`/`lr :`, `PC is at`).
//! - x86 stack markers `<TASK>`, `<IRQ>`, `<NMI>`, `<SOFTIRQ>`, `<#DF>`, `<EOI>`.
//!
//! # The model (also the `--json` field names)
//!
//! All types serialize with serde; addresses, offsets, sizes and the KASLR values are
//! `"0x..."` strings, absent values `null`.
//!
//! [`Oops`]: `index` (0-based), `kind` ([`OopsKind`], snake_case: `warning`, `bug`,
//! `null_pointer`, `page_fault`, `general_protection`, `trap`, `panic`, `soft_lockup`,
//! `hard_lockup`, `rcu_stall`, `hung_task`, `kasan`, `kcsan`, `kmsan`, `kfence`,
//! `lockdep`, `ubsan`, `memory_leak`, `other_bug`, `other_info`), `title` (first line's
//! message), `trap` (merged trap line), `first_line`/`last_line` (1-based), `caller`
//! (printk caller id), `cpu`, `pid`, `comm`, `taint` (`""` when not tainted), `release`,
//! `version` (`#1`), `kernel_build_id`, `hardware`, `location` (`file:line` of a WARNING or BUG), `modules`,
//! `registers` (blocks of `{name, value}`), `code` (`Code:` lines), `frames`,
//! `kaslr_offset`/`kaslr_base` (from `Kernel Offset:`), `complete` (`---[ end` seen).
//!
//! [`Frame`]: `line`, `address`, `symbol`, `offset`, `size` (as printed, a negative
//! distance shows as a huge unsigned size), `module`, `build_id`, `reliable` (`false` for
//! `? `), `context` ([`FrameContext`]: `unknown`, `task`, `irq`, `nmi`, `softirq`,
//! `exception`), `role` ([`FrameRole`]: `pc` exact faulting PC, `lr` link register,
//! `return` return address), `after_entry` (first frame after an interrupt or exception
//! entry: exact), `register` (`RIP`, `pc`, `lr`, ... or `null` for trace entries), `user`
//! (`RIP: 0033:`), `repeat` (x86's repeat of the first oops's `RIP:` after `---[ end
//! trace`), `span` (`{start, end}` byte range of `sym+off/size`, or of the address), `end`
//! (byte offset after the frame text). [`Frame::exact`] says whether to look the address
//! up as is (`pc` or `after_entry`) or at address - 1.

pub mod code;
pub mod decode;
pub mod identity;
pub mod kind;
pub mod line;
pub mod model;
pub mod parse;
pub mod prefix;

use std::io::{self, BufRead};

pub use model::{Frame, FrameContext, FrameRole, Oops, OopsKind, Register, RegisterBlock};
pub use parse::{Line, Parser};

/// Longest line handed to the parser; longer lines are split into chunks of this size.
pub const MAX_LINE: usize = 64 * 1024;

/// Parse a whole log held in memory: its reports.
pub fn parse_log(log: &[u8]) -> Vec<Oops> {
    // Reading from a slice cannot fail.
    Steps::new(log)
        .map_while(Result::ok)
        .flat_map(|s| s.finished)
        .collect()
}

/// One step of a log's parsing: a line (or chunk of an overlong one) with what the
/// parser found on it, then the reports finished by it; the last step has no line, only
/// the reports the end of the log finished.
#[derive(Clone, Debug)]
pub struct Step {
    /// The raw bytes (line end included) and the parsed line.
    pub line: Option<(Vec<u8>, Line)>,
    /// Reports finished, oldest first.
    pub finished: Vec<Oops>,
}

/// A log parsed as it is read ([`LineReader`] and [`Parser`]), step by step: in bounded
/// memory, the one way a log is parsed.
pub struct Steps<R> {
    reader: LineReader<R>,
    parser: Parser,
    done: bool,
}

impl<R: BufRead> Steps<R> {
    /// The steps of the log `input`.
    pub fn new(input: R) -> Self {
        Steps {
            reader: LineReader::new(input),
            parser: Parser::new(),
            done: false,
        }
    }
}

impl<R: BufRead> Iterator for Steps<R> {
    type Item = io::Result<Step>;

    fn next(&mut self) -> Option<io::Result<Step>> {
        if self.done {
            return None;
        }
        match self.reader.next_line() {
            Ok(Some((raw, cont))) => {
                let line = self.parser.push_chunk(raw, cont);
                let raw = raw.to_vec();
                let finished = std::iter::from_fn(|| self.parser.take_finished()).collect();
                Some(Ok(Step {
                    line: Some((raw, line)),
                    finished,
                }))
            }
            Ok(None) => {
                self.done = true;
                Some(Ok(Step {
                    line: None,
                    finished: self.parser.finish(),
                }))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// A log held in memory, parsed once: for a caller that looks at its reports before it
/// decodes it ([`decode::decode_parsed`]). Holds every line of the log.
#[derive(Clone, Debug)]
pub struct ParsedLog {
    steps: Vec<Step>,
}

impl ParsedLog {
    /// Parse `log`.
    pub fn parse(log: &[u8]) -> ParsedLog {
        // Reading from a slice cannot fail.
        ParsedLog {
            steps: Steps::new(log).map_while(Result::ok).collect(),
        }
    }

    /// Its reports, in order.
    pub fn reports(&self) -> impl Iterator<Item = &Oops> {
        self.steps.iter().flat_map(|s| &s.finished)
    }

    /// Its steps, in order.
    pub fn into_steps(self) -> Vec<Step> {
        self.steps
    }
}

/// Reads lines of at most [`MAX_LINE`] bytes (line end included) from a `BufRead`.
pub struct LineReader<R> {
    inner: R,
    max: usize,
    buf: Vec<u8>,
    split: bool,
}

impl<R: BufRead> LineReader<R> {
    /// A reader with the default [`MAX_LINE`] limit.
    pub fn new(inner: R) -> Self {
        Self::with_limit(inner, MAX_LINE)
    }

    /// A reader splitting lines longer than `max` bytes (at least 1).
    pub fn with_limit(inner: R, max: usize) -> Self {
        LineReader {
            inner,
            max: max.max(1),
            buf: Vec::new(),
            split: false,
        }
    }

    /// The next line or chunk and whether it continues a split line; `None` at the end.
    pub fn next_line(&mut self) -> io::Result<Option<(&[u8], bool)>> {
        let continuation = self.split;
        self.split = false;
        self.buf.clear();
        loop {
            let avail = match self.inner.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                break;
            }
            let room = self.max - self.buf.len();
            let take = avail.len().min(room);
            if let Some(p) = avail[..take].iter().position(|&b| b == b'\n') {
                self.buf.extend_from_slice(&avail[..=p]);
                self.inner.consume(p + 1);
                return Ok(Some((&self.buf, continuation)));
            }
            self.buf.extend_from_slice(&avail[..take]);
            self.inner.consume(take);
            if self.buf.len() == self.max {
                self.split = true;
                return Ok(Some((&self.buf, continuation)));
            }
        }
        Ok((!self.buf.is_empty()).then_some((&self.buf[..], continuation)))
    }
}
