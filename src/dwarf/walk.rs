//! Questions over every unit, as livepatch work asks them: where a function was inlined,
//! which code comes from given source lines, and which unit covers an address.
//!
//! These walk whole units through the same context as lookups ([`super::context`]): the
//! same unit index (and its cache), the same line-table reader ([`super::lines`], which
//! runs the wrapping address advances of arm64 assembly units as LLVM does) and the same
//! file-name rendering. Line tables read here are not kept: a walk may touch every unit.
//!
//! The inlined-copy search is one pass over every unit's DIEs collecting (a) the
//! subprograms named F (`DW_AT_name` or `DW_AT_linkage_name`), (b) the
//! `DW_AT_abstract_origin`/`DW_AT_specification` links of every subprogram, (c) the
//! abstract origin of every `DW_TAG_inlined_subroutine`. Links are global `.debug_info`
//! offsets, so `DW_FORM_ref_addr` references across units (LTO imports) resolve like local
//! ones. An inlined subroutine is a copy of F when its origin chain reaches a DIE named F;
//! only those are read again, for their address ranges and call sites.

use std::collections::{HashMap, HashSet};

use gimli::{AttributeValue, DebugInfoOffset, UnitOffset};

use super::context::{Context, Reader};
use super::funcs::RangeAttrs;
use super::lines::LineTable;
use super::{Error, Result, Symbolizer};

/// One inlined copy of a function ([`Symbolizer::inlined_copies`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlinedCopy {
    /// The copy's `DW_TAG_inlined_subroutine` entry, as a `.debug_info` offset: one per
    /// copy.
    pub entry: u64,
    /// The caller's file (`DW_AT_call_file`), rendered as lookups render files.
    pub call_file: Option<String>,
    /// The caller's line (`DW_AT_call_line`).
    pub call_line: Option<u64>,
    /// The copy's address ranges (non-empty ones), as DWARF lists them.
    pub ranges: Vec<(u64, u64)>,
}

/// Code of one line-table row ([`Symbolizer::line_spans`]): `begin..end`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineSpan {
    /// First address.
    pub begin: u64,
    /// One past the last address.
    pub end: u64,
    /// The row's file, rendered as lookups render files.
    pub file: String,
    /// The row's line.
    pub line: u32,
}

impl Symbolizer {
    /// Every inlined copy of the function named `name` (by `DW_AT_name` or
    /// `DW_AT_linkage_name`), in `.debug_info` order. Empty without DWARF.
    pub fn inlined_copies(&self, name: &str) -> Result<Vec<InlinedCopy>> {
        let Some(ctx) = &self.context else {
            return Ok(Vec::new());
        };
        inlined_copies(ctx, name.as_bytes()).map_err(|e| self.wrap(e))
    }

    /// The code of lines `start..=end` of every file for which `file` says true (given
    /// the rendered name): one span per line-table row that covers any code.
    pub fn line_spans(
        &self,
        file: &dyn Fn(&str) -> bool,
        start: u32,
        end: u32,
    ) -> Result<Vec<LineSpan>> {
        let Some(ctx) = &self.context else {
            return Ok(Vec::new());
        };
        line_spans(ctx, file, start, end).map_err(|e| self.wrap(e))
    }

    /// The name (`DW_AT_name`) of the unit covering `addr`, as stored; `None` without
    /// DWARF, when no unit covers `addr`, or when the unit has no name.
    pub fn unit_name(&self, addr: u64) -> Result<Option<String>> {
        let Some(ctx) = &self.context else {
            return Ok(None);
        };
        let Some(index) = ctx.unit_at(addr) else {
            return Ok(None);
        };
        let name = ctx.unit_name(index).map_err(|e| self.wrap(e))?;
        Ok(name.filter(|n| !n.is_empty()))
    }

    fn wrap(&self, e: Error) -> Error {
        e.prefixed(self.path().display())
    }
}

fn global(unit: gimli::UnitRef<'_, Reader>, v: AttributeValue<Reader>) -> Option<DebugInfoOffset> {
    match v {
        AttributeValue::UnitRef(o) => o.to_debug_info_offset(&unit.header),
        AttributeValue::DebugInfoRef(o) => Some(o),
        _ => None,
    }
}

fn inlined_copies(ctx: &Context, want: &[u8]) -> std::result::Result<Vec<InlinedCopy>, Error> {
    let mut named: HashSet<DebugInfoOffset> = HashSet::new();
    let mut links: HashMap<DebugInfoOffset, DebugInfoOffset> = HashMap::new();
    let mut inlined: Vec<(DebugInfoOffset, usize, UnitOffset)> = Vec::new();
    for ui in 0..ctx.unit_count() {
        let unit = ctx.unit(ui)?;
        // The raw reader: only the attributes that matter are decoded.
        let mut raw = unit.entries_raw(None)?;
        while !raw.is_empty() {
            let off = raw.next_offset();
            let Some(abbrev) = raw.read_abbreviation()? else {
                continue;
            };
            let tag = abbrev.tag();
            let here = off.to_debug_info_offset(&unit.header);
            let (true, Some(here)) = (
                tag == gimli::DW_TAG_subprogram || tag == gimli::DW_TAG_inlined_subroutine,
                here,
            ) else {
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
                        if unit.attr_string(a.value()).is_ok_and(|s| &*s == want) {
                            named.insert(here);
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
    let mut files: HashMap<usize, Vec<String>> = HashMap::new();
    let mut out = Vec::new();
    for (origin, ui, off) in inlined {
        if !names_f(origin) {
            continue;
        }
        let unit = ctx.unit(ui)?;
        let e = unit.entry(off)?;
        let call_file = match e.attr_value(gimli::DW_AT_call_file) {
            Some(AttributeValue::FileIndex(i) | AttributeValue::Udata(i)) => {
                let names = match files.entry(ui) {
                    std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(LineTable::file_names(unit)?)
                    }
                };
                usize::try_from(i)
                    .ok()
                    .and_then(|i| names.get(i))
                    .filter(|n| !n.is_empty())
                    .cloned()
            }
            _ => None,
        };
        let mut ranges = Vec::new();
        RangeAttrs::of(unit, &e)?.each(unit, |b, e| ranges.push((b, e)))?;
        out.push(InlinedCopy {
            entry: off
                .to_debug_info_offset(&unit.header)
                .map_or(0, |o| o.0 as u64),
            call_file,
            call_line: e
                .attr_value(gimli::DW_AT_call_line)
                .and_then(|v| v.udata_value()),
            ranges,
        });
    }
    Ok(out)
}

fn line_spans(
    ctx: &Context,
    file: &dyn Fn(&str) -> bool,
    start: u32,
    end: u32,
) -> std::result::Result<Vec<LineSpan>, Error> {
    let mut out = Vec::new();
    for ui in 0..ctx.unit_count() {
        let unit = ctx.unit(ui)?;
        // Which file indexes of this unit are the file: from the header alone, so the
        // program runs only in units that name it.
        let names = LineTable::file_names(unit)?;
        let wanted: Vec<bool> = names.iter().map(|n| !n.is_empty() && file(n)).collect();
        if !wanted.contains(&true) {
            continue;
        }
        let table = LineTable::parse(unit)?;
        for (row, next) in table.spans() {
            let hit = (start..=end).contains(&row.line)
                && usize::try_from(row.file)
                    .ok()
                    .is_some_and(|i| wanted.get(i) == Some(&true));
            if hit && next > row.addr {
                out.push(LineSpan {
                    begin: row.addr,
                    end: next,
                    file: names[row.file as usize].clone(),
                    line: row.line,
                });
            }
        }
    }
    Ok(out)
}
