//! Initcall link order: what Linux's `scripts/generate_initcall_order.pl` computes.
//!
//! With LTO the linker sees one merged object, so initcalls of one level lose their link
//! order. Under `CONFIG_LTO_CLANG` each initcall therefore sits in its own section,
//! `.initcall<level>.init..<id>`, and kbuild writes a linker script listing those sections
//! in link order. The id comes from the initcall's symbol (include/linux/init.h, 6.1):
//! `__initcall__<modname>__<counter>_<line>_<fn><level>`, where `<modname>` is
//! `kmod_<module>` and `<level>` is `early`, `rootfs`, `con` or a digit, optionally followed
//! by `s` (the sync levels).
//!
//! This module reproduces the perl script's rules exactly: per object (or archive member),
//! in link order, take the defined local symbols (lowercase nm letter) whose name parses
//! as above; keep one per counter (the last in nm's name order, as the script's hash
//! does); order them by counter; then group by level, levels in string order.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use symtab::Symbol;

use super::{Error, ErrorKind};

/// One initcall, as the linker script names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Initcall {
    /// The level: `early`, `0`..`7`, `1s`.., `rootfs`, `con`, ...
    pub level: String,
    /// The section id: `<modname>__<counter>_<line>_<fn>`.
    pub id: String,
}

/// The parts of an initcall symbol name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InitcallName<'a> {
    /// `kmod_<module>` (may be empty).
    pub module: &'a str,
    /// The `__COUNTER__` value, as written.
    pub counter: &'a str,
    /// The source line.
    pub line: &'a str,
    /// The function name.
    pub function: &'a str,
    /// The level.
    pub level: &'a str,
}

impl InitcallName<'_> {
    /// The section id, `<module>__<counter>_<line>_<function>`.
    pub fn id(&self) -> String {
        format!(
            "{}__{}_{}_{}",
            self.module, self.counter, self.line, self.function
        )
    }
}

/// What [`parse_name`] makes of a symbol name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed<'a> {
    /// Not an initcall name.
    NotInitcall,
    /// An initcall name whose tail (`<fn><level>`, given) has no valid level.
    BadLevel(&'a str),
    /// A valid initcall name.
    Initcall(InitcallName<'a>),
}

/// Parse `name` after the prefix (`__initcall__` for entries, `__initstub__` for the
/// stubs LTO builds call through), the way the perl script's regular expressions do:
/// `(\S*)__(\d+)_(\d+)_(.*)$` (the module part greedy), then `^(.*)((early|rootfs|con|[0-9])s?)$`.
pub fn parse_name<'a>(name: &'a str, prefix: &str) -> Parsed<'a> {
    let Some(rest) = name.strip_prefix(prefix) else {
        return Parsed::NotInitcall;
    };
    if rest.contains(char::is_whitespace) {
        return Parsed::NotInitcall;
    }
    let b = rest.as_bytes();
    // Greedy module: the last `__<digits>_<digits>_` wins.
    for p in (0..b.len().saturating_sub(1)).rev() {
        if &b[p..p + 2] != b"__" {
            continue;
        }
        let Some((counter, after)) = digits_then_underscore(&rest[p + 2..]) else {
            continue;
        };
        let Some((line, symbol)) = digits_then_underscore(after) else {
            continue;
        };
        return match split_level(symbol) {
            Some((function, level)) => Parsed::Initcall(InitcallName {
                module: &rest[..p],
                counter,
                line,
                function,
                level,
            }),
            None => Parsed::BadLevel(symbol),
        };
    }
    Parsed::NotInitcall
}

fn digits_then_underscore(s: &str) -> Option<(&str, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    (n > 0 && s.as_bytes().get(n) == Some(&b'_')).then(|| (&s[..n], &s[n + 1..]))
}

/// `^(.*)((early|rootfs|con|[0-9])s?)$` with a greedy `(.*)`: the shortest level suffix.
fn split_level(symbol: &str) -> Option<(&str, &str)> {
    (0..=symbol.len())
        .rev()
        .filter(|&k| symbol.is_char_boundary(k))
        .find(|&k| is_level(&symbol[k..]))
        .map(|k| (&symbol[..k], &symbol[k..]))
}

fn is_level(s: &str) -> bool {
    let base = s.strip_suffix('s').filter(|b| is_base_level(b));
    base.is_some() || is_base_level(s)
}

fn is_base_level(s: &str) -> bool {
    matches!(s, "early" | "rootfs" | "con") || (s.len() == 1 && s.as_bytes()[0].is_ascii_digit())
}

/// The error when no input has any initcall, worded as the perl script words it.
pub fn no_initcalls() -> Error {
    Error::new(ErrorKind::NotFound, "ERROR: no initcalls?")
}

/// The initcalls of `files` (objects or archives, in link order), in the order the perl
/// script lists them before grouping by level.
///
/// Errors are worded as the perl script words them.
pub fn collect(files: &[PathBuf]) -> Result<Vec<Initcall>, Error> {
    let mut out = Vec::new();
    for file in files {
        if !file.is_file() {
            return Err(Error::new(
                ErrorKind::Io,
                format!("ERROR: file {} doesn't exist?", file.display()),
            ));
        }
        let table = symtab::read::read_path(file)?;
        // Consecutive runs of one member (or the whole object).
        let mut rest: &[Symbol] = &table.symbols;
        while let Some(first) = rest.first() {
            let n = rest.iter().take_while(|s| s.member == first.member).count();
            let (object, tail) = rest.split_at(n);
            rest = tail;
            object_initcalls(object, file, &mut out)?;
        }
    }
    Ok(out)
}

fn object_initcalls(object: &[Symbol], file: &Path, out: &mut Vec<Initcall>) -> Result<(), Error> {
    let mut syms: Vec<&Symbol> = object
        .iter()
        .filter(|s| s.letter.is_ascii_lowercase() && !matches!(s.letter, 'w' | 'v'))
        .filter(|s| s.name.starts_with("__initcall__"))
        .collect();
    // nm's default order: by name.
    syms.sort_by(|a, b| a.name.cmp(&b.name));
    // counter (numeric, then as written) -> (level, id); later entries replace earlier.
    let mut by_counter: BTreeMap<(usize, String), Initcall> = BTreeMap::new();
    for s in syms {
        match parse_name(&s.name, "__initcall__") {
            Parsed::NotInitcall => {}
            Parsed::BadLevel(symbol) => {
                return Err(Error::new(
                    ErrorKind::BadInitcallName,
                    format!(
                        "ERROR: invalid initcall name {symbol} in {}({})",
                        file.display(),
                        s.member.as_deref().unwrap_or("")
                    ),
                ))
            }
            Parsed::Initcall(n) => {
                let digits = n.counter.trim_start_matches('0');
                by_counter.insert(
                    (digits.len(), digits.to_string()),
                    Initcall {
                        level: n.level.to_string(),
                        id: n.id(),
                    },
                );
            }
        }
    }
    out.extend(by_counter.into_values());
    Ok(())
}

/// Group initcalls by level (levels in string order, link order inside each).
pub fn by_level(initcalls: &[Initcall]) -> BTreeMap<&str, Vec<&str>> {
    let mut levels: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for c in initcalls {
        levels.entry(&c.level).or_default().push(&c.id);
    }
    levels
}

/// The output section an initcall level goes to.
pub fn section_of(level: &str) -> String {
    if level == "con" {
        ".con_initcall.init".to_string()
    } else {
        format!(".initcall{level}.init")
    }
}

/// Write the linker script, byte for byte as the perl script prints it.
pub fn write_lds(initcalls: &[Initcall], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "SECTIONS {{")?;
    for (level, ids) in by_level(initcalls) {
        let section = section_of(level);
        writeln!(out, "\t{section} : {{")?;
        for id in ids {
            writeln!(out, "\t\t*({section}..{id}) ;")?;
        }
        writeln!(out, "\t}}")?;
    }
    writeln!(out, "}}")
}

/// Read a linker script written by [`write_lds`] (or the perl script) back into
/// level -> ids.
pub fn parse_lds(text: &str) -> Result<BTreeMap<String, Vec<String>>, Error> {
    let bad = |m: String| Error::new(ErrorKind::Malformed, m);
    let mut levels: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t == "SECTIONS {" || t == "}" {
            if t == "}" {
                current = None;
            }
            continue;
        }
        if let Some(section) = t.strip_suffix(" : {") {
            let level = if section == ".con_initcall.init" {
                "con"
            } else {
                section
                    .strip_prefix(".initcall")
                    .and_then(|s| s.strip_suffix(".init"))
                    .ok_or_else(|| bad(format!("line {}: not an initcall section: {t}", i + 1)))?
            };
            levels.entry(level.to_string()).or_default();
            current = Some((level.to_string(), section.to_string()));
            continue;
        }
        let (level, section) = current
            .as_ref()
            .ok_or_else(|| bad(format!("line {}: entry outside a section: {t}", i + 1)))?;
        let id = t
            .strip_prefix("*(")
            .and_then(|s| s.strip_suffix(") ;"))
            .and_then(|s| s.strip_prefix(section.as_str()))
            .and_then(|s| s.strip_prefix(".."))
            .ok_or_else(|| bad(format!("line {}: not an initcall entry: {t}", i + 1)))?;
        levels
            .entry(level.clone())
            .or_default()
            .push(id.to_string());
    }
    if levels.is_empty() {
        return Err(Error::new(ErrorKind::NotFound, "no initcall sections"));
    }
    Ok(levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(name: &str) -> (String, String) {
        match parse_name(name, "__initcall__") {
            Parsed::Initcall(n) => (n.id(), n.level.to_string()),
            other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn names_parse_like_the_perl_script() {
        assert_eq!(
            ok("__initcall__kmod_core__297_2229_init_hw_perf_eventsearly"),
            (
                "kmod_core__297_2229_init_hw_perf_events".into(),
                "early".into()
            )
        );
        assert_eq!(
            ok("__initcall__kmod_a__1_2_f6s"),
            ("kmod_a__1_2_f".into(), "6s".into())
        );
        assert_eq!(
            ok("__initcall__kmod_snd__pcm__7_30_x6"),
            ("kmod_snd__pcm__7_30_x".into(), "6".into())
        );
        assert_eq!(ok("__initcall____14_1_n6"), ("__14_1_n".into(), "6".into()));
        assert_eq!(
            ok("__initcall__m__1_2_ccons"),
            ("m__1_2_c".into(), "cons".into())
        );
        assert_eq!(
            parse_name("__initcall__kmod_bad__1_2_fnX", "__initcall__"),
            Parsed::BadLevel("fnX")
        );
        assert_eq!(
            parse_name("__initcall_start", "__initcall__"),
            Parsed::NotInitcall
        );
        assert_eq!(
            parse_name("__initcall__x", "__initcall__"),
            Parsed::NotInitcall
        );
    }

    #[test]
    fn lds_round_trips() {
        let calls = vec![
            Initcall {
                level: "6".into(),
                id: "kmod_a__1_2_f".into(),
            },
            Initcall {
                level: "con".into(),
                id: "kmod_b__3_4_g".into(),
            },
        ];
        let mut out = Vec::new();
        write_lds(&calls, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("\t.con_initcall.init : {\n\t\t*(.con_initcall.init..kmod_b__3_4_g) ;\n")
        );
        let back = parse_lds(&text).unwrap();
        assert_eq!(back["6"], vec!["kmod_a__1_2_f".to_string()]);
        assert_eq!(back["con"], vec!["kmod_b__3_4_g".to_string()]);
    }
}
