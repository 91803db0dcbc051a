//! "Who inlines F": every function holding an inlined copy of a function, or code from
//! given source lines, read from the DWARF of the built kernel.
//!
//! The DWARF engine finds the copies (by abstract origin, across units) and the line-table
//! rows ([`crate::dwarf::Symbolizer::inlined_copies`], [`crate::dwarf::Symbolizer::line_spans`]);
//! here they are grouped by the function symbol holding them, named from the symbol
//! table by address, so `.cold` parts and LTO suffixes show as the kernel sees them.

use std::collections::HashMap;

use serde::Serialize;
use symtab::addrmap::AddrMap;
use symtab::sympos::KallsymsOrder;
use symtab::{SymKind, Symbol};

use super::image::Image;
use super::{Error, ErrorKind};

/// An address range as output shows it.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Range {
    /// First address.
    pub low: String,
    /// One past the last address.
    pub high: String,
}

/// One inlined copy, or one run of code from the asked lines, inside a function.
#[derive(Serialize, Debug, Clone)]
pub struct Site {
    /// The part of the copy inside this function.
    pub ranges: Vec<Range>,
    /// The caller's file (`DW_AT_call_file`), or the file of the lines.
    pub file: Option<String>,
    /// The caller's line (`DW_AT_call_line`), or the line.
    pub line: Option<u64>,
    /// The DWARF name of the inlined function (copies).
    pub origin: Option<String>,
    /// What makes two ranges one site: the DIE offset of a copy, the line of a run.
    #[serde(skip)]
    id: u64,
}

/// A function holding copies.
#[derive(Serialize, Debug, Clone)]
pub struct Holder {
    /// The symbol (full name), or `?` when no symbol covers the address.
    pub symbol: String,
    /// `vmlinux` or the module.
    pub object: String,
    /// Its sympos.
    pub sympos: Option<usize>,
    /// Its address range.
    pub range: Option<Range>,
    /// The copies or line runs inside it.
    pub sites: Vec<Site>,
    #[serde(skip)]
    start: u64,
}

/// The function symbols holding addresses: code symbols with an ELF size.
fn functions(image: &Image) -> AddrMap {
    AddrMap::build(&image.table.symbols, |s| {
        let code = (s.kind == SymKind::Func || s.is_text())
            && !s.is_mapping_symbol()
            && s.section_index.is_some()
            && s.size.unwrap_or(0) > 0;
        code.then_some(s.addr)
    })
}

/// What to look for.
pub enum Query<'q> {
    /// Inlined copies of the function with this name.
    Function(&'q str),
    /// Code from lines `start..=end` of a file whose path ends with `file`.
    Lines {
        /// The file (a path suffix, compared by whole components).
        file: &'q str,
        /// First line.
        start: u64,
        /// Last line.
        end: u64,
    },
}

/// The answer, by containing function.
pub fn find(image: &Image, q: &Query<'_>) -> Result<Vec<Holder>, Error> {
    let symz = match image.dwarf() {
        Ok(Some(s)) => s,
        Ok(None) => {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!(
                    "{}: no DWARF (.debug_info): `ksym inlined` needs debug info (a vmlinux or \
                     .ko built with CONFIG_DEBUG_INFO, not System.map or kallsyms)",
                    image.path.display()
                ),
            ))
        }
        Err(e) => return Err(e.clone().into()),
    };
    let mut sites: Vec<(u64, u64, Site)> = Vec::new();
    match q {
        Query::Function(name) => {
            for copy in symz.inlined_copies(name)? {
                let site = Site {
                    ranges: Vec::new(),
                    file: copy.call_file.map(|f| image.show_path(&f).to_string()),
                    line: copy.call_line,
                    origin: Some(name.to_string()),
                    id: copy.entry,
                };
                for (low, high) in copy.ranges {
                    sites.push((low, high, site.clone()));
                }
            }
        }
        Query::Lines { file, start, end } => {
            let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
            let wanted = |path: &str| path_ends_with(path, file);
            for span in symz.line_spans(&wanted, clamp(*start), clamp(*end))? {
                let line = u64::from(span.line);
                sites.push((
                    span.begin,
                    span.end,
                    Site {
                        ranges: Vec::new(),
                        file: Some(image.show_path(&span.file).to_string()),
                        line: Some(line),
                        origin: None,
                        id: line,
                    },
                ));
            }
        }
    }
    Ok(group(image, sites))
}

/// True when `path` ends with `suffix` at a component boundary.
fn path_ends_with(path: &str, suffix: &str) -> bool {
    path == suffix
        || path
            .strip_suffix(suffix)
            .is_some_and(|p| p.ends_with('/') || suffix.starts_with('/'))
}

/// Group sites by the function symbol holding each range, merging adjacent ranges of one
/// site. Linear in the number of ranges (a hash per holder and site): a function may hold
/// hundreds of thousands of copies.
fn group(image: &Image, mut sites: Vec<(u64, u64, Site)>) -> Vec<Holder> {
    let funcs = functions(image);
    let order: KallsymsOrder<'_> = image.order();
    sites.sort_by_key(|a| (a.0, a.1));
    let mut holders: Vec<Holder> = Vec::new();
    let mut by_symbol: HashMap<Option<usize>, usize> = HashMap::new();
    let mut by_site: HashMap<(usize, u64, Option<String>), usize> = HashMap::new();
    for (low, high, site) in sites {
        let entry = funcs.containing(low).map(|e| e.index);
        let sym: Option<&Symbol> = entry.map(|i| &image.table.symbols[i]);
        let hi = *by_symbol.entry(entry).or_insert_with(|| {
            holders.push(holder(image, &order, sym));
            holders.len() - 1
        });
        let show = |a: u64| match sym {
            Some(s) => image.display_at(s.section_index, s.section.as_deref(), a),
            None => format!("{a:#x}"),
        };
        let r = Range {
            low: show(low),
            high: show(high),
        };
        let h = &mut holders[hi];
        match by_site.entry((hi, site.id, site.file.clone())) {
            std::collections::hash_map::Entry::Occupied(o) => {
                let s = &mut h.sites[*o.get()];
                match s.ranges.last_mut() {
                    Some(l) if l.high == r.low => l.high = r.high,
                    _ => s.ranges.push(r),
                }
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(h.sites.len());
                let mut s = site;
                s.ranges.push(r);
                h.sites.push(s);
            }
        }
    }
    holders.sort_by_key(|h| h.start);
    holders
}

/// A holder with no sites yet: function `sym`, or `?` for code no symbol covers.
fn holder(image: &Image, order: &KallsymsOrder<'_>, sym: Option<&Symbol>) -> Holder {
    match sym {
        Some(s) => Holder {
            symbol: s.name.clone(),
            object: image.object_name().to_string(),
            sympos: order
                .exact(&s.name)
                .iter()
                .find(|c| std::ptr::eq(c.symbol, s) || c.symbol.addr == s.addr)
                .map(|c| c.sympos()),
            range: s.size.map(|z| Range {
                low: image.display_addr(s),
                high: image.display_at(
                    s.section_index,
                    s.section.as_deref(),
                    s.addr.saturating_add(z),
                ),
            }),
            sites: Vec::new(),
            start: s.addr,
        },
        None => Holder {
            symbol: "?".into(),
            object: image.object_name().to_string(),
            sympos: None,
            range: None,
            sites: Vec::new(),
            start: u64::MAX,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::path_ends_with;

    #[test]
    fn file_suffixes_match_whole_components() {
        assert!(path_ends_with(
            "/usr/src/linux-6.1/kernel/fork.c",
            "kernel/fork.c"
        ));
        assert!(path_ends_with("/usr/src/linux-6.1/kernel/fork.c", "fork.c"));
        assert!(path_ends_with("fork.c", "fork.c"));
        assert!(!path_ends_with(
            "/usr/src/linux-6.1/kernel/nofork.c",
            "fork.c"
        ));
        assert!(!path_ends_with("/a/b.c", "c"));
    }
}
