//! `System.map`, `nm` and `/proc/kallsyms` text.
//!
//! Accepted line shapes (fields separated by spaces or tabs):
//! - `ADDR TYPE NAME` (System.map, `nm`)
//! - `ADDR TYPE NAME\t[module]` (`/proc/kallsyms`)
//! - `ADDR SIZE TYPE NAME` (`nm -S`)
//! - `         U NAME` (`nm`: undefined, no address)
//!
//! Blank lines are skipped. Anything else is an error naming the line.

use crate::{Error, ErrorKind, Result, Symbol, SymbolTable, TableFormat};

/// The longest line accepted, in bytes. Kernel symbol names are at most 512 bytes
/// (`KSYM_NAME_LEN`); this leaves room for modules and odd inputs while refusing garbage.
pub const MAX_LINE: usize = 64 * 1024;

/// The most lines a symbol map may have: 4 Mi (a kernel with every module loaded lists
/// a few hundred thousand symbols). Counted before any is read, so that a huge map is
/// refused before its symbols fill memory.
pub const MAX_SYMBOLS: usize = 4 << 20;

/// Read symbol-map text.
pub fn read_text(data: &[u8]) -> Result<SymbolTable> {
    if data.contains(&0) {
        return Err(Error::new(
            ErrorKind::UnknownFormat,
            "not an ELF file, archive or symbol map (binary data)",
        ));
    }
    let lines = data.iter().filter(|&&b| b == b'\n').count();
    if lines > MAX_SYMBOLS {
        return Err(Error::new(
            ErrorKind::Unsupported,
            format!(
                "{lines} lines: more than {MAX_SYMBOLS}, the limit for a symbol map \
                 (see Limits in docs/design.md)"
            ),
        ));
    }
    let mut symbols = Vec::new();
    let mut any_module = false;
    let mut width = 0usize;
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        let lineno = i + 1;
        if line.len() > MAX_LINE {
            return Err(Error::malformed(format!(
                "line {lineno}: line too long ({} bytes; the limit is {MAX_LINE})",
                line.len()
            )));
        }
        let line = std::str::from_utf8(line)
            .map_err(|_| Error::malformed(format!("line {lineno}: not valid UTF-8 text")))?;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let (sym, w) = parse_line(line).ok_or_else(|| {
            Error::malformed(format!(
                "line {lineno}: not a symbol line: {}",
                shorten(line)
            ))
        })?;
        any_module |= sym.module.is_some();
        width = width.max(w);
        symbols.push(sym);
    }
    if symbols.is_empty() {
        return Err(Error::new(
            ErrorKind::UnknownFormat,
            "no symbols (empty symbol map)",
        ));
    }
    Ok(SymbolTable {
        symbols,
        format: if any_module {
            TableFormat::Kallsyms
        } else {
            TableFormat::Map
        },
        arch: None,
        is_64: width > 8,
    })
}

fn shorten(line: &str) -> String {
    const MAX: usize = 80;
    if line.len() <= MAX {
        return format!("{line:?}");
    }
    let mut end = MAX;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    format!("{:?}...", &line[..end])
}

fn hex(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

fn letter(s: &str) -> Option<char> {
    let mut c = s.chars();
    let l = c.next()?;
    (c.next().is_none() && (l.is_ascii_alphabetic() || l == '?' || l == '-')).then_some(l)
}

/// One line into a symbol and the width of its address field.
fn parse_line(line: &str) -> Option<(Symbol, usize)> {
    let (main, module) = match line.split_once('\t') {
        // kallsyms: NAME\t[module]
        Some((main, rest)) if rest.trim().starts_with('[') => {
            let m = rest.trim().strip_prefix('[')?.strip_suffix(']')?;
            // `[module buildid]` forms keep only the module name.
            let m = m.split_whitespace().next()?;
            (main, Some(m.to_string()))
        }
        _ => (line, None),
    };
    let fields: Vec<&str> = main.split_whitespace().collect();
    let (addr, size, l, name, width) = match fields.as_slice() {
        [l, name] => (0, None, letter(l)?, *name, 0),
        [a, l, name] => (hex(a)?, None, letter(l)?, *name, a.len()),
        // kallsyms written with a space before [module]
        [a, l, name, m] if m.starts_with('[') && m.ends_with(']') && module.is_none() => {
            let mut sym = Symbol::from_letter(*name, hex(a)?, letter(l)?);
            sym.module = Some(m[1..m.len() - 1].to_string());
            return Some((sym, a.len()));
        }
        [a, s, l, name] => (hex(a)?, Some(hex(s)?), letter(l)?, *name, a.len()),
        _ => return None,
    };
    let mut sym = Symbol::from_letter(name, addr, l);
    sym.size = size;
    sym.module = module;
    Some((sym, width))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_lines() {
        let t = read_text(b"ffffffff81000000 T _stext\nffffffff81000010 t foo.llvm.123\n").unwrap();
        assert_eq!(t.format, TableFormat::Map);
        assert_eq!(t.symbols.len(), 2);
        assert_eq!(t.symbols[1].name, "foo.llvm.123");
        assert_eq!(t.symbols[1].addr, 0xffffffff81000010);
        assert!(t.is_64);
    }

    #[test]
    fn kallsyms_lines() {
        let t = read_text(b"ffffffffc0000000 t lkdtm_BUG\t[lkdtm]\r\n").unwrap();
        assert_eq!(t.format, TableFormat::Kallsyms);
        assert_eq!(t.symbols[0].module.as_deref(), Some("lkdtm"));
    }

    #[test]
    fn nm_sized_and_undefined() {
        let t =
            read_text(b"0000000000000010 0000000000000020 T f\n                 U g\n").unwrap();
        assert_eq!(t.symbols[0].size, Some(0x20));
        assert_eq!(t.symbols[1].letter, 'U');
    }

    #[test]
    fn bad_lines_name_the_line() {
        let e = read_text(b"ffffffff81000000 T a\nnot a map line at all here\n").unwrap_err();
        assert!(
            e.to_string().starts_with("line 2: not a symbol line"),
            "{e}"
        );
        let long = vec![b'a'; MAX_LINE + 1];
        let e = read_text(&long).unwrap_err();
        assert!(e.to_string().contains("line too long"), "{e}");
        assert!(read_text(b"\n\n").is_err());
        assert!(read_text(b"zz\0zz").is_err());
    }
}
