//! A unit's functions and their inline trees, parsed on demand.
//!
//! [`Functions`] lists a unit's `DW_TAG_subprogram` address ranges (one pass over the
//! unit's DIEs, the first time an address falls in it); a function's inlined-subroutine
//! tree is parsed the first time an address falls in that function. The answers follow
//! gimli's addr2line (same search, same naming rules: linkage name first, then name,
//! then through `DW_AT_abstract_origin`/`DW_AT_specification`, also into other units),
//! without its up-front pass over every unit. Where the producer gives `DW_AT_sibling`
//! (GCC does), the pass over a unit jumps over type members and function bodies, so a
//! function nested in another function's body (not found in kernel C) is not listed.

use std::cmp::Ordering;
use std::sync::OnceLock;

use gimli::{AttributeValue, UnitOffset};

use super::context::{Context, Reader};
use super::{Error, ErrorKind};

type Unit<'a> = gimli::UnitRef<'a, Reader>;

/// The deepest inline nesting read in one function: 1024 levels (a Clang LTO vmlinux
/// nests under 40).
pub(crate) const MAX_INLINE_DEPTH: usize = 1024;

/// The subprograms of one unit with their address ranges.
pub(crate) struct Functions {
    /// DIE offset of each function, with its inline tree once parsed.
    functions: Vec<(UnitOffset, OnceLock<Result<Function, Error>>)>,
    /// `(begin, end, index into functions)`, sorted by begin.
    addresses: Vec<(u64, u64, usize)>,
}

/// One subprogram: its name and inlined subroutines.
pub(crate) struct Function {
    pub name: Option<String>,
    inlined: Vec<Inlined>,
    /// `(depth, begin, end, index into inlined)`, sorted by depth then begin.
    addresses: Vec<(usize, u64, u64, usize)>,
}

/// One inlined subroutine: its name and call site.
pub(crate) struct Inlined {
    pub name: Option<String>,
    pub call_file: Option<u64>,
    pub call_line: u32,
    pub call_column: u32,
}

/// The address ranges a DIE declares (`DW_AT_low_pc` with `DW_AT_high_pc` as an address
/// or a length, or `DW_AT_ranges`): the one reader of them, for functions, inlined
/// subroutines and units' root DIEs. A length running past the end of the address space
/// gives no range (gimli's `die_ranges` adds it unchecked).
#[derive(Default)]
pub(crate) struct RangeAttrs {
    low_pc: Option<u64>,
    high_pc: Option<u64>,
    size: Option<u64>,
    ranges: Option<gimli::RangeListsOffset>,
}

impl RangeAttrs {
    /// The range attributes of `entry`.
    pub(crate) fn of(
        unit: Unit<'_>,
        entry: &gimli::DebuggingInformationEntry<Reader>,
    ) -> Result<RangeAttrs, Error> {
        let mut r = RangeAttrs::default();
        for attr in entry.attrs() {
            r.read(unit, attr)?;
        }
        Ok(r)
    }

    /// Record a range attribute; false when `attr` is not one.
    pub(crate) fn read(
        &mut self,
        unit: Unit<'_>,
        attr: &gimli::Attribute<Reader>,
    ) -> Result<bool, Error> {
        match (attr.name(), attr.value()) {
            (gimli::DW_AT_low_pc, AttributeValue::Addr(v)) => self.low_pc = Some(v),
            (gimli::DW_AT_low_pc, AttributeValue::DebugAddrIndex(i)) => {
                self.low_pc = Some(unit.address(i)?)
            }
            (gimli::DW_AT_high_pc, AttributeValue::Addr(v)) => self.high_pc = Some(v),
            (gimli::DW_AT_high_pc, AttributeValue::DebugAddrIndex(i)) => {
                self.high_pc = Some(unit.address(i)?)
            }
            (gimli::DW_AT_high_pc, AttributeValue::Udata(v)) => self.size = Some(v),
            (gimli::DW_AT_ranges, v) => self.ranges = unit.attr_ranges_offset(v)?,
            (gimli::DW_AT_low_pc | gimli::DW_AT_high_pc, _) => {}
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Call `f` for each non-empty range; true when there was one.
    pub(crate) fn each(&self, unit: Unit<'_>, mut f: impl FnMut(u64, u64)) -> Result<bool, Error> {
        let mut any = false;
        let mut add = |b: u64, e: u64| {
            if b < e {
                f(b, e);
                any = true;
            }
        };
        if let Some(offset) = self.ranges {
            let mut list = unit.ranges(offset)?;
            while let Some(r) = list.next()? {
                add(r.begin, r.end);
            }
        } else if let (Some(b), Some(e)) = (self.low_pc, self.high_pc) {
            add(b, e);
        } else if let (Some(b), Some(n)) = (self.low_pc, self.size) {
            add(b, b.wrapping_add(n));
        }
        Ok(any)
    }
}

/// What [`Functions::parse`] reads of a DIE, by its abbreviation.
#[derive(Clone, Copy)]
enum Plan {
    /// Nothing: step over its attributes (into its children, if any).
    Skip,
    /// Only its `DW_AT_sibling` (attribute `.0`), to jump over its children: GCC gives
    /// DIEs with children one, so types' members and functions' bodies are not walked
    /// (inline trees are read per function, on demand).
    Jump(usize),
    /// A subprogram that may have an address range: every attribute.
    Ranges,
}

impl Plan {
    fn of(abbrev: &gimli::Abbreviation) -> Plan {
        let attrs = abbrev.attributes();
        let has = |name| attrs.iter().position(|a| a.name() == name);
        let ranged = [
            gimli::DW_AT_low_pc,
            gimli::DW_AT_high_pc,
            gimli::DW_AT_ranges,
        ]
        .into_iter()
        .any(|n| has(n).is_some());
        if abbrev.tag() == gimli::DW_TAG_subprogram && ranged {
            return Plan::Ranges;
        }
        let unit = matches!(
            abbrev.tag(),
            gimli::DW_TAG_compile_unit | gimli::DW_TAG_partial_unit
        );
        match has(gimli::DW_AT_sibling) {
            Some(at) if abbrev.has_children() && !unit => Plan::Jump(at),
            _ => Plan::Skip,
        }
    }
}

impl Functions {
    /// One pass over the unit's DIEs: every subprogram with an address range.
    pub(crate) fn parse(unit: Unit<'_>) -> Result<Functions, Error> {
        let mut functions = Vec::new();
        let mut addresses = Vec::new();
        let mut plans: Vec<Option<Plan>> = Vec::new();
        let mut entries = unit.entries_raw(None)?;
        while !entries.is_empty() {
            let offset = entries.next_offset();
            let Some(abbrev) = entries.read_abbreviation()? else {
                continue;
            };
            // What to read of a DIE depends on its abbreviation only: planned once per
            // abbreviation (codes are small and dense in practice).
            let code = usize::try_from(abbrev.code()).unwrap_or(usize::MAX);
            let plan = match plans.get(code).copied().flatten() {
                Some(p) => p,
                None => {
                    let p = Plan::of(abbrev);
                    if code < 1 << 16 {
                        if code >= plans.len() {
                            plans.resize(code + 1, None);
                        }
                        plans[code] = Some(p);
                    }
                    p
                }
            };
            let attrs = abbrev.attributes();
            let mut sibling = None;
            match plan {
                Plan::Skip => entries.skip_attributes(attrs)?,
                Plan::Jump(at) => {
                    entries.skip_attributes(&attrs[..at])?;
                    let attr = entries.read_attribute(attrs[at])?;
                    entries.skip_attributes(&attrs[at + 1..])?;
                    if let AttributeValue::UnitRef(o) = attr.value() {
                        sibling = Some(o);
                    }
                }
                Plan::Ranges => {
                    let mut ranges = RangeAttrs::default();
                    for spec in attrs {
                        let attr = entries.read_attribute(*spec)?;
                        if let (gimli::DW_AT_sibling, AttributeValue::UnitRef(o)) =
                            (attr.name(), attr.value())
                        {
                            sibling = Some(o);
                        } else {
                            ranges.read(unit, &attr)?;
                        }
                    }
                    let index = functions.len();
                    if ranges.each(unit, |b, e| addresses.push((b, e, index)))? {
                        functions.push((offset, OnceLock::new()));
                    }
                }
            }
            if let Some(next) = sibling.filter(|&o| o > offset) {
                if let Ok(e) = unit.entries_raw(Some(next)) {
                    entries = e;
                }
            }
        }
        addresses.sort_unstable_by_key(|a| a.0);
        Ok(Functions {
            functions,
            addresses,
        })
    }

    /// The function whose range holds `addr`, its inline tree parsed.
    pub(crate) fn find(
        &self,
        ctx: &Context,
        unit: Unit<'_>,
        addr: u64,
    ) -> Result<Option<&Function>, Error> {
        let found = self.addresses.binary_search_by(|&(b, e, _)| {
            if addr < b {
                Ordering::Greater
            } else if addr >= e {
                Ordering::Less
            } else {
                Ordering::Equal
            }
        });
        let Ok(i) = found else {
            return Ok(None);
        };
        let (offset, cell) = &self.functions[self.addresses[i].2];
        match cell.get_or_init(|| Function::parse(ctx, unit, *offset)) {
            Ok(f) => Ok(Some(f)),
            Err(e) => Err(e.clone()),
        }
    }
}

impl Function {
    fn parse(ctx: &Context, unit: Unit<'_>, offset: UnitOffset) -> Result<Function, Error> {
        let mut entries = unit.entries_raw(Some(offset))?;
        let depth = entries.next_depth();
        let abbrev = entries.read_abbreviation()?.ok_or_else(|| {
            Error::new(
                ErrorKind::Malformed,
                format!("no DIE at unit offset {:#x}", offset.0),
            )
        })?;
        let mut name = None;
        for spec in abbrev.attributes() {
            let attr = entries.read_attribute(*spec)?;
            read_name(ctx, unit, &attr, &mut name)?;
        }
        let mut f = Function {
            name: lossy(name)?,
            inlined: Vec::new(),
            addresses: Vec::new(),
        };
        f.children(ctx, unit, &mut entries, depth)?;
        f.addresses.sort_unstable_by_key(|a| (a.0, a.1));
        Ok(f)
    }

    /// Read the DIEs under the function's (at `depth`): its inline tree. Iterative (an
    /// explicit stack of the open inlined subroutines), so that no nesting depth can
    /// exhaust the thread's stack; deeper than [`MAX_INLINE_DEPTH`] is refused.
    fn children(
        &mut self,
        ctx: &Context,
        unit: Unit<'_>,
        entries: &mut gimli::EntriesRaw<'_, Reader>,
        depth: isize,
    ) -> Result<(), Error> {
        // DIE depths of the inlined subroutines holding the next entry, outermost first.
        let mut open: Vec<isize> = Vec::new();
        loop {
            let next_depth = entries.next_depth();
            if next_depth <= depth {
                return Ok(());
            }
            let Some(abbrev) = entries.read_abbreviation()? else {
                continue;
            };
            while open.last().is_some_and(|&d| d >= next_depth) {
                open.pop();
            }
            match abbrev.tag() {
                gimli::DW_TAG_subprogram => {
                    // A nested function: not part of this one's inline tree.
                    entries.skip_attributes(abbrev.attributes())?;
                    while entries.next_depth() > next_depth {
                        if let Some(a) = entries.read_abbreviation()? {
                            entries.skip_attributes(a.attributes())?;
                        }
                    }
                }
                gimli::DW_TAG_inlined_subroutine => {
                    if open.len() >= MAX_INLINE_DEPTH {
                        return Err(Error::new(
                            ErrorKind::Unsupported,
                            format!(
                                "{}: inlined subroutines nested deeper than {MAX_INLINE_DEPTH}, \
                             the limit (see Limits in docs/design.md)",
                                self.name.as_deref().unwrap_or("a function")
                            ),
                        ));
                    }
                    self.inlined_subroutine(ctx, unit, entries, abbrev, open.len())?;
                    open.push(next_depth);
                }
                _ => entries.skip_attributes(abbrev.attributes())?,
            }
        }
    }

    fn inlined_subroutine(
        &mut self,
        ctx: &Context,
        unit: Unit<'_>,
        entries: &mut gimli::EntriesRaw<'_, Reader>,
        abbrev: &gimli::Abbreviation,
        depth: usize,
    ) -> Result<(), Error> {
        let mut ranges = RangeAttrs::default();
        let mut name = None;
        let mut call_file = None;
        let (mut call_line, mut call_column) = (0, 0);
        for spec in abbrev.attributes() {
            let attr = entries.read_attribute(*spec)?;
            if ranges.read(unit, &attr)? || read_name(ctx, unit, &attr, &mut name)? {
                continue;
            }
            match attr.name() {
                gimli::DW_AT_call_file => {
                    // DWARF 5 file index 0 is a real entry (LLVM emits it).
                    if let AttributeValue::FileIndex(fi) = attr.value() {
                        if fi > 0 || unit.header.version() >= 5 {
                            call_file = Some(fi);
                        }
                    }
                }
                gimli::DW_AT_call_line => call_line = attr.udata_value().unwrap_or(0) as u32,
                gimli::DW_AT_call_column => call_column = attr.udata_value().unwrap_or(0) as u32,
                _ => {}
            }
        }
        let index = self.inlined.len();
        self.inlined.push(Inlined {
            name: lossy(name)?,
            call_file,
            call_line,
            call_column,
        });
        let addresses = &mut self.addresses;
        ranges.each(unit, |b, e| addresses.push((depth, b, e, index)))?;
        Ok(())
    }

    /// The inlined subroutines holding `addr`, outermost first.
    pub(crate) fn inlined_at(&self, addr: u64) -> Vec<&Inlined> {
        let mut out = Vec::new();
        let mut rest = &self.addresses[..];
        loop {
            let depth = out.len();
            let found = rest.binary_search_by(|&(d, b, e, _)| {
                d.cmp(&depth).then(if b > addr {
                    Ordering::Greater
                } else if e <= addr {
                    Ordering::Less
                } else {
                    Ordering::Equal
                })
            });
            let Ok(i) = found else {
                return out;
            };
            out.push(&self.inlined[rest[i].3]);
            rest = &rest[i + 1..];
        }
    }
}

fn lossy(name: Option<Reader>) -> Result<Option<String>, Error> {
    Ok(match name {
        Some(r) => Some(gimli::Reader::to_string_lossy(&r)?.into_owned()),
        None => None,
    })
}

/// Take a naming attribute of a function or inlined-subroutine entry into `name`: the
/// linkage name wins, then the name, then the name of the entry an abstract origin or
/// specification leads to. True when `attr` was one of those attributes.
fn read_name(
    ctx: &Context,
    unit: Unit<'_>,
    attr: &gimli::Attribute<Reader>,
    name: &mut Option<Reader>,
) -> Result<bool, Error> {
    match attr.name() {
        gimli::DW_AT_linkage_name | gimli::DW_AT_MIPS_linkage_name => {
            if let Ok(v) = unit.attr_string(attr.value()) {
                *name = Some(v);
            }
        }
        gimli::DW_AT_name => {
            if name.is_none() {
                *name = unit.attr_string(attr.value()).ok();
            }
        }
        gimli::DW_AT_abstract_origin | gimli::DW_AT_specification => {
            if name.is_none() {
                *name = ctx.name_attr(unit, attr.value(), 16)?;
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// The name of the DIE at `offset` of `unit`, following origins up to `limit` deep.
pub(crate) fn name_entry(
    ctx: &Context,
    unit: Unit<'_>,
    offset: UnitOffset,
    limit: usize,
) -> Result<Option<Reader>, Error> {
    let mut entries = unit.entries_raw(Some(offset))?;
    let abbrev = entries.read_abbreviation()?.ok_or_else(|| {
        Error::new(
            ErrorKind::Malformed,
            format!("no DIE at unit offset {:#x}", offset.0),
        )
    })?;
    let mut name = None;
    let mut next = None;
    for spec in abbrev.attributes() {
        let attr = entries.read_attribute(*spec)?;
        match attr.name() {
            gimli::DW_AT_linkage_name | gimli::DW_AT_MIPS_linkage_name => {
                if let Ok(v) = unit.attr_string(attr.value()) {
                    return Ok(Some(v));
                }
            }
            gimli::DW_AT_name => {
                if let Ok(v) = unit.attr_string(attr.value()) {
                    name = Some(v);
                }
            }
            gimli::DW_AT_abstract_origin | gimli::DW_AT_specification => next = Some(attr.value()),
            _ => {}
        }
    }
    if name.is_some() {
        return Ok(name);
    }
    match next {
        Some(next) => ctx.name_attr(unit, next, limit - 1),
        None => Ok(None),
    }
}
