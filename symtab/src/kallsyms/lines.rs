//! Reading a symbol map the way `scripts/kallsyms` of Linux 6.4 and later does: one line
//! at a time (`getline`), each `ADDR TYPE NAME` with single spaces, stopping the whole
//! run at the first line that is not (`line format error`, exit status 1).
//!
//! For each line the tool drops a final `\n`, then works on the line as a C string:
//! `strtoull(line, &p, 16)` must take at least one character, the next byte must be a
//! space, then comes the type (any ASCII byte), another space, and the name is the rest
//! up to the first NUL (so a name may hold spaces or a `\r`). A blank line is malformed.
//! A NUL byte ends the C string: fields read past it come from the bytes after it, and
//! past the end of the line from the NUL that `getline` stores there (reading further,
//! which only a line ending in `ADDR ` without a newline does, reads stale buffer bytes in
//! the C tool; here it reads NUL, which is the malformed-line error).

use super::raw::{MapRead, Rules};

/// `read_map()` of 6.4 and later. `Err` holds the messages printed before the tool gave
/// up, the last one `line format error`.
pub fn read_map(data: &[u8]) -> Result<MapRead, Vec<String>> {
    let mut map = MapRead::new(Rules::V6_4);
    let mut rest = data;
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|&c| c == b'\n')
            .map_or(rest.len(), |i| i + 1);
        let (line, tail) = rest.split_at(end);
        rest = tail;
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        match parse_line(line) {
            Some((addr, kind, name)) => map.add(addr, kind, name),
            None => {
                map.diagnostics.push("line format error".into());
                return Err(map.diagnostics);
            }
        }
    }
    Ok(map)
}

/// One line (without its `\n`) as `read_symbol()` parses it; `None` is a format error.
fn parse_line(line: &[u8]) -> Option<(u64, u8, Vec<u8>)> {
    // The bytes as the C code sees them: the line, then getline's NUL.
    let at = |i: usize| line.get(i).copied().unwrap_or(0);
    let (addr, mut p) = strtoull_hex(line)?;
    if at(p) != b' ' {
        return None;
    }
    let kind = at(p + 1);
    if !kind.is_ascii() || at(p + 2) != b' ' {
        return None;
    }
    p += 3;
    let tail = line.get(p..).unwrap_or_default();
    let name = &tail[..tail.iter().position(|&c| c == 0).unwrap_or(tail.len())];
    Some((addr, kind, name.to_vec()))
}

/// glibc `strtoull(s, &end, 16)` on the C string at the start of `s`: the value and the
/// index `end` points to, or `None` when no conversion is performed (`end == s`).
fn strtoull_hex(s: &[u8]) -> Option<(u64, usize)> {
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut i = 0;
    while matches!(at(i), b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let neg = at(i) == b'-';
    if matches!(at(i), b'+' | b'-') {
        i += 1;
    }
    // "0x" is a prefix only when a hex digit follows; otherwise the "0" is the number.
    if at(i) == b'0' && matches!(at(i + 1), b'x' | b'X') && at(i + 2).is_ascii_hexdigit() {
        i += 2;
    }
    let start = i;
    let mut value: u64 = 0;
    let mut overflow = false;
    while let Some(d) = (at(i) as char).to_digit(16) {
        i += 1;
        match value
            .checked_mul(16)
            .and_then(|v| v.checked_add(u64::from(d)))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
    }
    if i == start {
        return None;
    }
    Some((
        if overflow {
            u64::MAX
        } else if neg {
            value.wrapping_neg()
        } else {
            value
        },
        i,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(
            parse_line(b"ffffffff81000000 T _text"),
            Some((0xffffffff81000000, b'T', b"_text".to_vec()))
        );
        // Names run to the end of the line, spaces included.
        assert_eq!(
            parse_line(b"10 t a b\r"),
            Some((0x10, b't', b"a b\r".to_vec()))
        );
        // strtoull forms: leading blanks, sign, 0x, saturation.
        assert_eq!(parse_line(b"  0x10 t a").map(|f| f.0), Some(0x10));
        assert_eq!(parse_line(b"-1 t a").map(|f| f.0), Some(u64::MAX));
        assert_eq!(
            parse_line(b"fffffffffffffffff t a").map(|f| f.0),
            Some(u64::MAX)
        );
        // "0x" without a digit after it is the number 0 followed by "x".
        assert_eq!(parse_line(b"0x t a"), None);
        // Malformed: blank, two spaces, a tab, a missing name separator, non-ASCII type.
        for bad in [
            &b""[..],
            b"10  t a",
            b"10\tt a",
            b"10 t",
            b"10 \xe9 a",
            b"zz t a",
        ] {
            assert_eq!(parse_line(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
        // An empty name is accepted (the C tool then stores a type-only symbol).
        assert_eq!(parse_line(b"10 t "), Some((0x10, b't', Vec::new())));
        // A NUL ends the name.
        assert_eq!(
            parse_line(b"10 t ab\0cd"),
            Some((0x10, b't', b"ab".to_vec()))
        );
    }

    #[test]
    fn stops_at_first_bad_line() {
        let e = read_map(b"10 t a\nbad\n20 t b\n").unwrap_err();
        assert_eq!(e, ["line format error"]);
        let m = read_map(b"10 t a\n20 U b\n30 n c\n40 a d\n").unwrap();
        let names: Vec<&[u8]> = m.symbols.iter().map(|s| &s.name[..]).collect();
        assert_eq!(names, [&b"a"[..], b"b"]);
        assert!(read_map(b"").unwrap().symbols.is_empty());
        assert!(read_map(b"10 t a\n\n").is_err());
    }
}
