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

/// syslog `Nov 24 01:02:03 host ident: ` or ISO `2026-11-24T01:02:03[.frac][zone] host
/// ident: `: the length.
fn syslog(s: &[u8]) -> Option<usize> {
    let mut words = Words { s, pos: 0 };
    let first = words.next()?;
    if is_month(first) {
        let day = words.next()?;
        if day.is_empty() || day.len() > 2 || !day.iter().all(u8::is_ascii_digit) {
            return None;
        }
        if !is_clock(words.next()?) {
            return None;
        }
    } else if !(first.len() >= 19
        && first[..4].iter().all(u8::is_ascii_digit)
        && first[4] == b'-'
        && first[10] == b'T'
        && is_clock(&first[11..19]))
    {
        return None;
    }
    let _host = words.next()?;
    let ident = words.next()?;
    if ident.len() < 2 || *ident.last()? != b':' {
        return None;
    }
    let mut end = words.pos;
    if s.get(end) == Some(&b' ') {
        end += 1;
    }
    // The message keeps the kernel's own separator; the syslog one space is consumed.
    Some(end)
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
