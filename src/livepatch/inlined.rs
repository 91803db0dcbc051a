//! "Who inlines F": every function holding an inlined copy of a function, or code from
//! given source lines, read from the DWARF of the built kernel.
//!
//! One pass over every unit collects (a) the DIEs named F (`DW_AT_name` or
//! `DW_AT_linkage_name`), (b) the `DW_AT_abstract_origin`/`DW_AT_specification` links of
//! every subprogram, (c) the abstract origin of every `DW_TAG_inlined_subroutine`. Links
//! are global `.debug_info` offsets, so `DW_FORM_ref_addr` references across units (LTO
//! imports) resolve like local ones. An inlined subroutine is a copy of F when its origin
//! chain reaches a DIE named F. Only those are read again, for their address ranges and
//! call sites. The containing function is named from the symbol table by address, so
//! `.cold` parts and LTO suffixes show as the kernel sees them.

use std::collections::{HashMap, HashSet};

use anyhow::{bail, Context, Result};
use gimli::{AttributeValue, DebugInfoOffset, UnitOffset};
use serde::Serialize;
use symtab::sympos::KallsymsOrder;
use symtab::{SymKind, Symbol};

use super::image::{Image, Reader};

type Dwarf<'a> = gimli::Dwarf<Reader<'a>>;
type Unit<'a> = gimli::Unit<Reader<'a>>;

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

/// Function symbols by address.
struct Funcs<'a> {
    syms: Vec<&'a Symbol>,
}

impl<'a> Funcs<'a> {
    fn new(image: &'a Image) -> Funcs<'a> {
        let mut syms: Vec<&Symbol> = image
            .table
            .symbols
            .iter()
            .filter(|s| {
                (s.kind == SymKind::Func || s.is_text())
                    && !s.is_mapping_symbol()
                    && s.section_index.is_some()
            })
            .collect();
        syms.sort_by_key(|s| (s.addr, std::cmp::Reverse(s.size.unwrap_or(0))));
        Funcs { syms }
    }

    /// The function symbol containing `addr` (sized symbols; the last one before `addr`
    /// when sizes are unknown).
    fn containing(&self, addr: u64) -> Option<&'a Symbol> {
        let i = self.syms.partition_point(|s| s.addr <= addr);
        self.syms[..i]
            .iter()
            .rev()
            .take(64)
            .copied()
            .find(|s| match s.size {
                Some(0) | None => false,
                Some(z) => addr < s.addr.saturating_add(z),
            })
    }
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
pub fn find(image: &Image, q: &Query<'_>) -> Result<Vec<Holder>> {
    let Some(sections) = image.debug_sections()? else {
        bail!(
            "{}: no DWARF (.debug_info): `ksym inlined` needs debug info (a vmlinux or .ko \
             built with CONFIG_DEBUG_INFO, not System.map or kallsyms)",
            image.path.display()
        );
    };
    let dwarf = sections.dwarf();
    let bad = || format!("{}: invalid DWARF", image.path.display());
    let units = load_units(&dwarf).with_context(bad)?;
    let sites: Vec<(u64, u64, Site)> = match q {
        Query::Function(name) => inlined_copies(&dwarf, &units, name),
        Query::Lines { file, start, end } => line_runs(&dwarf, &units, file, *start, *end),
    }
    .with_context(bad)?;
    Ok(group(image, sites))
}

fn load_units<'a>(dwarf: &Dwarf<'a>) -> Result<Vec<Unit<'a>>> {
    let mut units = Vec::new();
    let mut headers = dwarf.units();
    while let Some(h) = headers.next()? {
        units.push(dwarf.unit(h)?);
    }
    Ok(units)
}

fn global(unit: &Unit<'_>, v: AttributeValue<Reader<'_>>) -> Option<DebugInfoOffset> {
    match v {
        AttributeValue::UnitRef(o) => o.to_debug_info_offset(&unit.header),
        AttributeValue::DebugInfoRef(o) => Some(o),
        _ => None,
    }
}

/// `(unit index, die offset)` of every inlined copy of `name`, then their sites.
fn inlined_copies(
    dwarf: &Dwarf<'_>,
    units: &[Unit<'_>],
    name: &str,
) -> Result<Vec<(u64, u64, Site)>> {
    let mut named: HashSet<DebugInfoOffset> = HashSet::new();
    let mut links: HashMap<DebugInfoOffset, DebugInfoOffset> = HashMap::new();
    let mut inlined: Vec<(DebugInfoOffset, usize, UnitOffset)> = Vec::new();
    let want = name.as_bytes();
    for (ui, unit) in units.iter().enumerate() {
        // The raw reader: only the four attributes that matter are decoded.
        let mut raw = unit.entries_raw(None)?;
        while !raw.is_empty() {
            let off = raw.next_offset();
            let Some(abbrev) = raw.read_abbreviation()? else {
                continue;
            };
            let tag = abbrev.tag();
            if tag != gimli::DW_TAG_subprogram && tag != gimli::DW_TAG_inlined_subroutine {
                raw.skip_attributes(abbrev.attributes())?;
                continue;
            }
            let Some(here) = off.to_debug_info_offset(&unit.header) else {
                raw.skip_attributes(abbrev.attributes())?;
                continue;
            };
            let mut origin = None;
            for spec in abbrev.attributes() {
                match spec.name() {
                    gimli::DW_AT_abstract_origin | gimli::DW_AT_specification => {
                        origin = global(unit, raw.read_attribute(*spec)?.value());
                    }
                    gimli::DW_AT_name | gimli::DW_AT_linkage_name
                        if tag == gimli::DW_TAG_subprogram =>
                    {
                        let a = raw.read_attribute(*spec)?;
                        if let Ok(s) = dwarf.attr_string(unit, a.value()) {
                            if s.slice() == want {
                                named.insert(here);
                            }
                        }
                    }
                    _ => raw.skip_attributes(std::slice::from_ref(spec))?,
                }
            }
            match (tag, origin) {
                (gimli::DW_TAG_inlined_subroutine, Some(o)) => inlined.push((o, ui, off)),
                (_, Some(o)) => {
                    links.insert(here, o);
                }
                _ => {}
            }
        }
    }
    let names_f = |mut o: DebugInfoOffset| {
        for _ in 0..8 {
            if named.contains(&o) {
                return true;
            }
            match links.get(&o) {
                Some(n) => o = *n,
                None => return false,
            }
        }
        false
    };
    let mut out = Vec::new();
    for (origin, ui, off) in inlined {
        if !names_f(origin) {
            continue;
        }
        let unit = &units[ui];
        let e = unit.entry(off)?;
        let mut site = Site {
            ranges: Vec::new(),
            file: None,
            line: None,
            origin: Some(name.to_string()),
            id: off
                .to_debug_info_offset(&unit.header)
                .map_or(0, |o| o.0 as u64),
        };
        if let Some(AttributeValue::FileIndex(i)) = e.attr_value(gimli::DW_AT_call_file) {
            site.file = file_name(dwarf, unit, i);
        } else if let Some(AttributeValue::Udata(i)) = e.attr_value(gimli::DW_AT_call_file) {
            site.file = file_name(dwarf, unit, i);
        }
        site.line = e
            .attr_value(gimli::DW_AT_call_line)
            .and_then(|v| v.udata_value());
        let mut rs = dwarf.die_ranges(unit, &e)?;
        while let Some(r) = rs.next()? {
            if r.begin < r.end {
                out.push((r.begin, r.end, site.clone()));
            }
        }
    }
    Ok(out)
}

/// The path of file `index` of `unit`'s line program.
fn file_name(dwarf: &Dwarf<'_>, unit: &Unit<'_>, index: u64) -> Option<String> {
    let lp = unit.line_program.as_ref()?;
    let header = lp.header();
    let f = header.file(index)?;
    let name = dwarf.attr_string(unit, f.path_name()).ok()?;
    let name = name.to_string_lossy().into_owned();
    if name.starts_with('/') {
        return Some(name);
    }
    let dir = f
        .directory(header)
        .and_then(|d| dwarf.attr_string(unit, d).ok())
        .map(|d| d.to_string_lossy().into_owned());
    let joined = match dir {
        Some(d) if !d.is_empty() => format!("{d}/{name}"),
        _ => name,
    };
    if joined.starts_with('/') {
        return Some(joined);
    }
    match unit.comp_dir.as_ref().map(|c| c.to_string_lossy()) {
        Some(c) if !c.is_empty() => Some(format!("{c}/{joined}")),
        _ => Some(joined),
    }
}

/// True when `path` ends with `suffix` at a component boundary.
fn path_ends_with(path: &str, suffix: &str) -> bool {
    path == suffix
        || path
            .strip_suffix(suffix)
            .is_some_and(|p| p.ends_with('/') || suffix.starts_with('/'))
}

/// Runs of line-table rows of lines `start..=end` of `file`.
fn line_runs(
    dwarf: &Dwarf<'_>,
    units: &[Unit<'_>],
    file: &str,
    start: u64,
    end: u64,
) -> Result<Vec<(u64, u64, Site)>> {
    let mut out = Vec::new();
    for unit in units {
        let Some(lp) = unit.line_program.clone() else {
            continue;
        };
        // Which file indexes of this unit are the file.
        let header = lp.header().clone();
        let mut wanted: HashMap<u64, String> = HashMap::new();
        let first = if header.version() >= 5 { 0 } else { 1 };
        for i in first..first + header.file_names().len() as u64 {
            if let Some(p) = file_name(dwarf, unit, i) {
                if path_ends_with(&p, file) {
                    wanted.insert(i, p);
                }
            }
        }
        if wanted.is_empty() {
            continue;
        }
        let mut rows = lp.rows();
        let mut open: Option<(u64, String, u64)> = None;
        while let Some((_, row)) = rows.next_row()? {
            let addr = row.address();
            if let Some((a, f, l)) = open.take() {
                if addr > a {
                    out.push((
                        a,
                        addr,
                        Site {
                            ranges: Vec::new(),
                            file: Some(f),
                            line: Some(l),
                            origin: None,
                            id: l,
                        },
                    ));
                }
            }
            if row.end_sequence() {
                continue;
            }
            let line = row.line().map_or(0, |l| l.get());
            if (start..=end).contains(&line) {
                if let Some(f) = wanted.get(&row.file_index()) {
                    open = Some((addr, f.clone(), line));
                }
            }
        }
    }
    Ok(out)
}

/// Group sites by the function symbol holding each range, merging adjacent ranges of one
/// site.
fn group(image: &Image, mut sites: Vec<(u64, u64, Site)>) -> Vec<Holder> {
    let funcs = Funcs::new(image);
    let order: KallsymsOrder<'_> = image.order();
    sites.sort_by_key(|a| (a.0, a.1));
    let mut holders: Vec<Holder> = Vec::new();
    let mut index: HashMap<u64, usize> = HashMap::new();
    for (low, high, site) in sites {
        let sym = funcs.containing(low);
        let key = sym.map_or(u64::MAX, |s| s.addr);
        let hi = match index.get(&key) {
            Some(&i) => i,
            None => {
                let h = match sym {
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
                };
                holders.push(h);
                index.insert(key, holders.len() - 1);
                holders.len() - 1
            }
        };
        let show = |a: u64| match sym {
            Some(s) => image.display_at(s.section_index, s.section.as_deref(), a),
            None => format!("{a:#x}"),
        };
        let r = Range {
            low: show(low),
            high: show(high),
        };
        let h = &mut holders[hi];
        match h
            .sites
            .iter_mut()
            .find(|s| s.id == site.id && s.file == site.file)
        {
            Some(s) => match s.ranges.last_mut() {
                Some(l) if l.high == r.low => l.high = r.high,
                _ => s.ranges.push(r),
            },
            None => {
                let mut s = site;
                s.ranges.push(r);
                h.sites.push(s);
            }
        }
    }
    holders.sort_by_key(|h| h.start);
    holders
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
