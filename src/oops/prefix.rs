//! Per-line prefixes in front of a kernel message, and where the message starts.
//!
//! Kernel logs reach us through serial consoles, `dmesg`, syslog and journald, each adding
//! its own prefix. In the order they can stack:
//! - syslog/journal: `Nov 24 01:02:03 host kernel: ` or
//!   `2026-11-24T01:02:03.123456+00:00 host kernel: ` (`journalctl -o short-iso[-precise]`);
//! - log level `<4>` (`dmesg -r`, `/proc/kmsg`);
//! - timestamp `[   12.345678]` or `dmesg -T` date `[Tue Nov 24 01:02:03 2026]`;
//! - printk caller id `[T123]`/`[  C1]` (`CONFIG_PRINTK_CALLER`).
//!
//! `dmesg -x` puts `kern  :warn  : ` in place of `<N>`; `/dev/kmsg` and extended
//! netconsole records (`6,339,5140900,-;message`) carry level, time and caller id in a
//! head of their own. Every `journalctl` date format is recognized (the `syslog` function lists them),
//! with or without the host name (see `syslog` below).
//!
//! Line ends (`\n`, `\r\n`, a stray `\r`) are not part of the message either.

use std::ops::Range;

use serde::Serialize;

/// What was found in front of a message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Prefix {
    /// `[   12.345678]` or a `dmesg -T` date was present.
    pub timestamp: Option<String>,
    /// Printk caller id without brackets and padding (`T123`, `C1`).
    pub caller: Option<String>,
    /// Log level from `<N>`.
    pub level: Option<u32>,
    /// A syslog or journal prefix was present.
    pub syslog: bool,
}

/// Split `raw` into its prefix and the byte range of the message (line end excluded).
pub fn split(raw: &[u8]) -> (Prefix, Range<usize>) {
    let mut end = raw.len();
    while end > 0 && (raw[end - 1] == b'\n' || raw[end - 1] == b'\r') {
        end -= 1;
    }
    let line = &raw[..end];
    let mut p = Prefix::default();
    let mut pos = 0;
    if let Some(n) = syslog(line) {
        p.syslog = true;
        pos = n;
    }
    if let Some((lvl, ts, caller, n)) = kmsg(&line[pos..]) {
        // A record carries its own fields; the message follows `;` as is.
        p.level = Some(lvl);
        p.timestamp = Some(ts);
        p.caller = caller;
        return (p, pos + n..end);
    }
    if let Some((lvl, n)) = dmesg_decoded(&line[pos..]) {
        p.level = Some(lvl);
        pos += n;
    }
    let after_syslog = pos;
    // Each kind at most once, in any order the tools produce.
    for _ in 0..4 {
        let rest = &line[pos..];
        if p.level.is_none() {
            if let Some((lvl, n)) = level(rest) {
                p.level = Some(lvl);
                pos += n;
                continue;
            }
        }
        if p.timestamp.is_none() {
            if let Some(n) = timestamp(rest).or_else(|| human_date(rest)) {
                p.timestamp = Some(String::from_utf8_lossy(&rest[1..n - 1]).trim().to_string());
                pos += n;
                continue;
            }
        }
        if p.caller.is_none() {
            if let Some((id, n)) = caller(rest) {
                p.caller = Some(id);
                pos += n;
                continue;
            }
        }
        break;
    }
    // The kernel separates the prefix from the message with one space.
    if pos > after_syslog && line.get(pos) == Some(&b' ') {
        pos += 1;
    }
    (p, pos..end)
}

fn digits(s: &[u8]) -> usize {
    s.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// `<N>`: returns the level and the length.
fn level(s: &[u8]) -> Option<(u32, usize)> {
    if s.first() != Some(&b'<') {
        return None;
    }
    let n = digits(&s[1..]);
    if n == 0 || n > 3 || s.get(1 + n) != Some(&b'>') {
        return None;
    }
    let v: u32 = std::str::from_utf8(&s[1..1 + n]).ok()?.parse().ok()?;
    Some((v, n + 2))
}

/// `[   12.345678]`: the length.
fn timestamp(s: &[u8]) -> Option<usize> {
    if s.first() != Some(&b'[') {
        return None;
    }
    let mut i = 1;
    while s.get(i) == Some(&b' ') {
        i += 1;
    }
    let a = digits(&s[i..]);
    if a == 0 || s.get(i + a) != Some(&b'.') {
        return None;
    }
    i += a + 1;
    let b = digits(&s[i..]);
    if b == 0 || s.get(i + b) != Some(&b']') {
        return None;
    }
    Some(i + b + 1)
}

/// `[Tue Nov 24 01:02:03 2026]`: the length.
fn human_date(s: &[u8]) -> Option<usize> {
    if s.first() != Some(&b'[') || s.len() < 10 {
        return None;
    }
    let close = s.iter().take(40).position(|&b| b == b']')?;
    let inner = &s[1..close];
    let words: Vec<&[u8]> = inner
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
        .collect();
    let ok = words.len() == 5
        && words[0].len() == 3
        && words[0].iter().all(u8::is_ascii_alphabetic)
        && is_month(words[1])
        && words[2].iter().all(u8::is_ascii_digit)
        && is_clock(words[3])
        && words[4].iter().all(u8::is_ascii_digit);
    ok.then_some(close + 1)
}

/// `[T123]`, `[  C1]`: the id and the length.
fn caller(s: &[u8]) -> Option<(String, usize)> {
    if s.first() != Some(&b'[') {
        return None;
    }
    let mut i = 1;
    while s.get(i) == Some(&b' ') {
        i += 1;
    }
    let c = *s.get(i)?;
    if c != b'T' && c != b'C' {
        return None;
    }
    let n = digits(&s[i + 1..]);
    if n == 0 || s.get(i + 1 + n) != Some(&b']') {
        return None;
    }
    let id = String::from_utf8_lossy(&s[i..i + 1 + n]).into_owned();
    Some((id, i + n + 2))
}

fn is_month(w: &[u8]) -> bool {
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    MONTHS.contains(&w)
}

fn is_clock(w: &[u8]) -> bool {
    w.len() == 8
        && w.iter().enumerate().all(|(i, &b)| {
            if i == 2 || i == 5 {
                b == b':'
            } else {
                b.is_ascii_digit()
            }
        })
}

/// A syslog or journal prefix: a date, an optional host name, and the identifier
/// (`kernel:`), with one space after it; returns the length.
///
/// Dates, by the tool that writes them:
/// - `Nov 24 01:02:03` (syslog, `journalctl -o short`), with `.123456` (`short-precise`);
/// - `2026-11-24T01:02:03[.123456][+00:00]` (rsyslog, `short-iso[-precise]`);
/// - `Tue 2026-11-24 01:02:03 UTC` (`short-full`);
/// - `[   12.345678]` (`short-monotonic`) and `1795999323.123456` (`short-unix`): these
///   also start kernel messages, so only the identifier `kernel:` makes them a prefix.
///
/// `--no-hostname` leaves the host out: then the identifier must be `kernel:`.
fn syslog(s: &[u8]) -> Option<usize> {
    let mut words = Words { s, pos: 0 };
    let first = words.next()?;
    let mut kernel_only = false;
    if is_month(first) {
        let day = words.next()?;
        if day.is_empty() || day.len() > 2 || !day.iter().all(u8::is_ascii_digit) {
            return None;
        }
        if !is_clock_frac(words.next()?) {
            return None;
        }
    } else if is_iso(first) {
        // `2026-11-24T01:02:03...`
    } else if first.len() == 3 && first.iter().all(u8::is_ascii_alphabetic) {
        // `Tue 2026-11-24 01:02:03 UTC`
        let date = words.next()?;
        if !(date.len() == 10 && date[4] == b'-' && date[7] == b'-') {
            return None;
        }
        if !is_clock_frac(words.next()?) {
            return None;
        }
        let zone = words.next()?;
        if zone.is_empty() || zone.len() > 6 || zone.ends_with(b":") {
            return None;
        }
    } else if let Some(n) = timestamp(s) {
        words.pos = n;
        kernel_only = true;
    } else if is_unix_time(first) {
        kernel_only = true;
    } else {
        return None;
    }
    let w = words.next()?;
    let ident = if is_ident(w) {
        if w != b"kernel:" {
            return None;
        }
        w
    } else {
        words.next()?
    };
    if !is_ident(ident) || (kernel_only && ident != b"kernel:") {
        return None;
    }
    let mut end = words.pos;
    if s.get(end) == Some(&b' ') {
        end += 1;
    }
    // The message keeps the kernel's own separator; the syslog one space is consumed.
    Some(end)
}

/// `kernel:`, `sshd[123]:`.
fn is_ident(w: &[u8]) -> bool {
    w.len() >= 2 && w.ends_with(b":") && !w[..w.len() - 1].contains(&b':')
}

/// `2026-11-24T01:02:03`, then anything (fraction, zone).
fn is_iso(w: &[u8]) -> bool {
    w.len() >= 19
        && w[..4].iter().all(u8::is_ascii_digit)
        && w[4] == b'-'
        && w[10] == b'T'
        && is_clock(&w[11..19])
}

/// `01:02:03` or `01:02:03.123456`.
fn is_clock_frac(w: &[u8]) -> bool {
    match w.get(8) {
        None => is_clock(w),
        Some(b'.') => is_clock(&w[..8]) && w.len() > 9 && w[9..].iter().all(u8::is_ascii_digit),
        Some(_) => false,
    }
}

/// `1795999323.123456`.
fn is_unix_time(w: &[u8]) -> bool {
    let secs = digits(w);
    secs >= 9
        && w.get(secs) == Some(&b'.')
        && w.len() > secs + 1
        && digits(&w[secs + 1..]) == w.len() - secs - 1
}

/// `dmesg -x` (`--decode`): `kern  :warn  : `; the level and the length.
fn dmesg_decoded(s: &[u8]) -> Option<(u32, usize)> {
    const FACILITIES: [&[u8]; 20] = [
        b"kern",
        b"user",
        b"mail",
        b"daemon",
        b"auth",
        b"syslog",
        b"lpr",
        b"news",
        b"uucp",
        b"cron",
        b"authpriv",
        b"ftp",
        b"local0",
        b"local1",
        b"local2",
        b"local3",
        b"local4",
        b"local5",
        b"local6",
        b"local7",
    ];
    const LEVELS: [&[u8]; 8] = [
        b"emerg", b"alert", b"crit", b"err", b"warn", b"notice", b"info", b"debug",
    ];
    let field = |from: usize| -> Option<(&[u8], usize)> {
        let rest = s.get(from..)?;
        let word = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let pad = rest[word..].iter().take_while(|&&b| b == b' ').count();
        (rest.get(word + pad) == Some(&b':')).then(|| (&rest[..word], from + word + pad + 1))
    };
    let (fac, n) = field(0)?;
    if !FACILITIES.contains(&fac) {
        return None;
    }
    let (lvl, mut n) = field(n)?;
    let level = LEVELS.iter().position(|l| *l == lvl)?;
    if s.get(n) == Some(&b' ') {
        n += 1;
    }
    Some((level as u32, n))
}

/// `/dev/kmsg` and extended netconsole records: `6,339,5140900,-[,caller=T1];`; the
/// level, the timestamp (seconds), the caller id and the length.
fn kmsg(s: &[u8]) -> Option<(u32, String, Option<String>, usize)> {
    let semi = s.iter().take(128).position(|&b| b == b';')?;
    let head = std::str::from_utf8(&s[..semi]).ok()?;
    let mut f = head.split(',');
    let prio: u32 = f.next()?.parse().ok()?;
    let _seq: u64 = f.next()?.parse().ok()?;
    let usec: u64 = f.next()?.parse().ok()?;
    let flag = f.next()?;
    if flag.len() > 1 {
        return None;
    }
    let caller = f.find_map(|kv| kv.strip_prefix("caller=").map(str::to_string));
    let ts = format!("{}.{:06}", usec / 1_000_000, usec % 1_000_000);
    Some((prio & 7, ts, caller, semi + 1))
}

/// Space-separated words with their end position.
struct Words<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        while self.s.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        let start = self.pos;
        while self.pos < self.s.len() && self.s[self.pos] != b' ' {
            self.pos += 1;
        }
        (self.pos > start).then(|| &self.s[start..self.pos])
    }
}
