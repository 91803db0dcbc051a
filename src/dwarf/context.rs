//! The lazy DWARF context: unit ranges up front, lines and functions per unit on demand.
//!
//! Opening reads only what maps an address to its unit: the unit headers, the
//! `.debug_aranges` sets, and for units without one the root DIE's
//! `DW_AT_ranges`/`low_pc`/`high_pc` (decoding just that DIE's abbreviation, not the
//! unit's whole table). A unit's full header (abbreviations, line-program header), its
//! line table ([`super::lines`]) and its functions ([`super::funcs`]) are parsed the first
//! time an address falls in it or a name refers into it, each in its own cell. The search
//! order and answers follow gimli's addr2line, whose `Context` parses every unit's
//! abbreviations and line-program header when created, which on a production vmlinux
//! costs more than the lookups themselves.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use gimli::{AttributeValue, Reader as _, RunTimeEndian, UnitOffset};

use super::funcs::{self, Functions};
use super::lines::LineTable;
use super::loader::{Bytes, Loader};
use super::Error;

/// The gimli reader over ksym's mapped or owned section bytes.
pub(crate) type Reader = gimli::EndianReader<RunTimeEndian, Bytes>;

/// One frame as DWARF gives it (names and locations), before symbol-table naming.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawFrame {
    pub function: Option<String>,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

/// One unit: its header, and what is parsed of it on demand.
struct Slot {
    header: gimli::UnitHeader<Reader>,
    unit: OnceLock<Result<gimli::Unit<Reader>, Error>>,
    lines: OnceLock<Result<Arc<LineTable>, Error>>,
    functions: OnceLock<Result<Functions, Error>>,
}

/// A unit's address range; sorted by `(end, unit)` as addr2line sorts them.
struct UnitRange {
    begin: u64,
    end: u64,
    unit: usize,
    /// The lowest `begin` of this and every later entry.
    min_begin: u64,
}

/// Abbreviation tables by `.debug_abbrev` offset: units of one LTO module share one.
type AbbrevCache = Mutex<HashMap<usize, Arc<gimli::Abbreviations>>>;

/// The DWARF of one object, ready for lookups.
pub(crate) struct Context {
    dwarf: gimli::Dwarf<Reader>,
    abbrevs: AbbrevCache,
    /// Units in `.debug_info` order (so by offset); type units left out.
    units: Vec<Slot>,
    ranges: RangeIndex,
    /// Units that declare no range: placed by their line sequences, found on first need
    /// (an address no unit with a declared range answers).
    rangeless: Vec<usize>,
    late: OnceLock<RangeIndex>,
}

/// Unit ranges sorted for [`RangeIndex::units_at`].
struct RangeIndex(Vec<UnitRange>);

impl RangeIndex {
    fn new(mut ranges: Vec<UnitRange>) -> RangeIndex {
        ranges.sort_unstable_by_key(|r| (r.end, r.unit));
        let mut min = u64::MAX;
        for r in ranges.iter_mut().rev() {
            min = min.min(r.begin);
            r.min_begin = min;
        }
        RangeIndex(ranges)
    }

    /// Units whose ranges hold `addr`, in addr2line's order.
    fn units_at(&self, addr: u64) -> impl Iterator<Item = usize> + '_ {
        let start = self.0.partition_point(|r| r.end <= addr);
        self.0[start..]
            .iter()
            .take_while(move |r| addr >= r.min_begin)
            .filter(move |r| r.begin <= addr && addr < r.end)
            .map(|r| r.unit)
    }
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::new(format!("invalid DWARF: {e}"))
}

impl Context {
    /// Build the context: unit headers and ranges only.
    pub(crate) fn new(loader: &Loader) -> Result<Context, Error> {
        let endian = if loader.little_endian {
            RunTimeEndian::Little
        } else {
            RunTimeEndian::Big
        };
        let dwarf = gimli::Dwarf::load(|id| -> Result<Reader, Error> {
            Ok(Reader::new(loader.section(id.name()), endian))
        })?;
        let mut aranges = Vec::new();
        let mut sets = dwarf.debug_aranges.headers();
        // A damaged .debug_aranges only costs speed: units it fails to place are placed
        // by their root DIEs.
        while let Ok(Some(set)) = sets.next() {
            aranges.push((set.debug_info_offset().0, set.offset()));
        }
        aranges.sort_unstable_by_key(|a| a.0);

        let abbrevs = AbbrevCache::default();
        let mut units = Vec::new();
        let mut ranges = Vec::new();
        let mut rangeless = Vec::new();
        let mut headers = dwarf.units();
        while let Some(header) = headers.next()? {
            let Some(offset) = header.debug_info_offset() else {
                continue;
            };
            let wants_range = match header.type_() {
                gimli::UnitType::Type { .. } | gimli::UnitType::SplitType { .. } => continue,
                gimli::UnitType::Partial => false,
                _ => true,
            };
            let index = units.len();
            let slot = Slot {
                header,
                unit: OnceLock::new(),
                lines: OnceLock::new(),
                functions: OnceLock::new(),
            };
            let mut push = |begin, end| {
                ranges.push(UnitRange {
                    begin,
                    end,
                    unit: index,
                    min_begin: 0,
                })
            };
            if wants_range
                && !arange_ranges(&dwarf, &aranges, offset.0, &mut push).unwrap_or(false)
                && !root_ranges(&dwarf, &slot.header, &mut push).unwrap_or(false)
            {
                // Type-only units of LTO kernels (over half of them) have no range;
                // running their line programs now would cost more than the lookups.
                rangeless.push(index);
            }
            units.push(slot);
        }
        Ok(Context {
            dwarf,
            abbrevs,
            units,
            ranges: RangeIndex::new(ranges),
            rangeless,
            late: OnceLock::new(),
        })
    }

    /// The inline chain at `addr`, innermost first; empty when no unit covers it.
    pub(crate) fn frames(&self, addr: u64) -> Result<Vec<RawFrame>, Error> {
        for index in self.units_at(addr) {
            let slot = &self.units[index];
            let unit = slot.unit(&self.dwarf, &self.abbrevs)?.unit_ref(&self.dwarf);
            let function = slot.functions(unit)?.find(self, unit, addr)?;
            let lines = match unit.line_program {
                Some(_) => Some(slot.lines(&self.dwarf, &self.abbrevs)?),
                None => None,
            };
            let row = lines.as_ref().and_then(|t| t.find(addr));
            let file = |f: Option<u64>| f.and_then(|f| lines.as_ref()?.file(f).map(str::to_string));
            // The innermost frame's location is the line table's; each outer frame's is
            // the call site of the frame inside it.
            let mut next = row.map(|r| RawFrame {
                function: None,
                file: file(Some(r.file)),
                line: (r.line != 0).then_some(r.line),
                column: (r.line != 0).then_some(r.column),
            });
            let Some(function) = function else {
                match next {
                    Some(f) => return Ok(vec![f]),
                    None => continue,
                }
            };
            let mut out = Vec::new();
            for inl in function.inlined_at(addr).into_iter().rev() {
                out.push(RawFrame {
                    function: inl.name.clone(),
                    ..next.take().unwrap_or_default()
                });
                next = Some(RawFrame {
                    function: None,
                    file: file(inl.call_file),
                    line: (inl.call_line != 0).then_some(inl.call_line),
                    column: (inl.call_column != 0).then_some(inl.call_column),
                });
            }
            out.push(RawFrame {
                function: function.name.clone(),
                ..next.unwrap_or_default()
            });
            return Ok(out);
        }
        Ok(Vec::new())
    }

    /// The discriminator of the line-table row covering `addr` (0 when none).
    pub(crate) fn discriminator(&self, addr: u64) -> Result<u32, Error> {
        for index in self.units_at(addr) {
            let slot = &self.units[index];
            if let Some(row) = slot.lines(&self.dwarf, &self.abbrevs)?.find(addr) {
                return Ok(row.discriminator);
            }
        }
        Ok(0)
    }

    /// Units whose ranges hold `addr`, in addr2line's order; then units without a
    /// declared range whose line sequences hold it.
    fn units_at(&self, addr: u64) -> impl Iterator<Item = usize> + '_ {
        let late = std::iter::once(()).flat_map(move |()| self.late().units_at(addr));
        self.ranges.units_at(addr).chain(late)
    }

    fn late(&self) -> &RangeIndex {
        self.late.get_or_init(|| {
            let mut ranges = Vec::new();
            for &index in &self.rangeless {
                let Ok(unit) = self.units[index].unit(&self.dwarf, &self.abbrevs) else {
                    continue;
                };
                let seqs = LineTable::sequence_ranges(unit.unit_ref(&self.dwarf));
                for (begin, end) in seqs.unwrap_or_default() {
                    ranges.push(UnitRange {
                        begin,
                        end,
                        unit: index,
                        min_begin: 0,
                    });
                }
            }
            RangeIndex::new(ranges)
        })
    }

    /// The name a reference attribute leads to (see [`funcs::name_entry`]).
    pub(crate) fn name_attr(
        &self,
        unit: gimli::UnitRef<'_, Reader>,
        value: AttributeValue<Reader>,
        limit: usize,
    ) -> Result<Option<Reader>, Error> {
        if limit == 0 {
            return Ok(None);
        }
        match value {
            AttributeValue::UnitRef(offset) => funcs::name_entry(self, unit, offset, limit),
            AttributeValue::DebugInfoRef(target) => {
                // The unit holding `target`: the last one starting before it.
                let i = self.units.partition_point(|s| {
                    s.header.debug_info_offset().map_or(0, |o| o.0) < target.0
                });
                let missing =
                    || Error::new(format!("no DIE at .debug_info offset {:#x}", target.0));
                let slot = i
                    .checked_sub(1)
                    .map(|i| &self.units[i])
                    .ok_or_else(missing)?;
                let offset = target.to_unit_offset(&slot.header).ok_or_else(missing)?;
                let other = slot.unit(&self.dwarf, &self.abbrevs)?.unit_ref(&self.dwarf);
                funcs::name_entry(self, other, offset, limit)
            }
            _ => Ok(None),
        }
    }
}

impl Slot {
    fn unit(
        &self,
        dwarf: &gimli::Dwarf<Reader>,
        cache: &AbbrevCache,
    ) -> Result<&gimli::Unit<Reader>, Error> {
        self.unit
            .get_or_init(|| {
                let offset = self.header.debug_abbrev_offset();
                let cached = cache.lock().ok().and_then(|m| m.get(&offset.0).cloned());
                let abbrevs = match cached {
                    Some(a) => a,
                    None => {
                        let a = Arc::new(dwarf.debug_abbrev.abbreviations(offset)?);
                        if let Ok(mut m) = cache.lock() {
                            m.insert(offset.0, a.clone());
                        }
                        a
                    }
                };
                Ok(gimli::Unit::new_with_abbreviations(
                    dwarf,
                    self.header.clone(),
                    abbrevs,
                )?)
            })
            .as_ref()
            .map_err(Error::clone)
    }

    fn lines(
        &self,
        dwarf: &gimli::Dwarf<Reader>,
        cache: &AbbrevCache,
    ) -> Result<Arc<LineTable>, Error> {
        self.lines
            .get_or_init(|| {
                let unit = self.unit(dwarf, cache)?;
                Ok(Arc::new(LineTable::parse(unit.unit_ref(dwarf))?))
            })
            .clone()
    }

    fn functions(&self, unit: gimli::UnitRef<'_, Reader>) -> Result<&Functions, Error> {
        self.functions
            .get_or_init(|| Functions::parse(unit))
            .as_ref()
            .map_err(Error::clone)
    }
}

/// The ranges `.debug_aranges` gives unit `offset`; false when it gives none.
fn arange_ranges(
    dwarf: &gimli::Dwarf<Reader>,
    aranges: &[(usize, gimli::DebugArangesOffset)],
    offset: usize,
    push: &mut impl FnMut(u64, u64),
) -> Result<bool, Error> {
    let first = aranges.partition_point(|a| a.0 < offset);
    let mut any = false;
    for (_, set) in aranges[first..].iter().take_while(|a| a.0 == offset) {
        let mut entries = dwarf.debug_aranges.header(*set)?.entries();
        while let Some(entry) = entries.next().transpose() {
            // Skip bad entries (address overflow) as addr2line does; `next` fuses on
            // errors it cannot skip.
            let Ok(entry) = entry else { continue };
            if entry.length() != 0 {
                let r = entry.range();
                push(r.begin, r.end);
                any = true;
            }
        }
    }
    Ok(any)
}

/// The ranges of a unit's root DIE; false when it declares none.
///
/// Parses only the root DIE's abbreviation: the unit's full table can be large, and the
/// other entries are not needed to place the unit.
fn root_ranges(
    dwarf: &gimli::Dwarf<Reader>,
    header: &gimli::UnitHeader<Reader>,
    push: &mut impl FnMut(u64, u64),
) -> Result<bool, Error> {
    let abbreviations = Arc::new(root_abbreviation(dwarf, header)?);
    let mut unit = gimli::Unit {
        header: header.clone(),
        abbreviations,
        name: None,
        comp_dir: None,
        low_pc: 0,
        str_offsets_base: gimli::DebugStrOffsetsBase::default_for_encoding_and_file(
            header.encoding(),
            dwarf.file_type,
        ),
        addr_base: gimli::DebugAddrBase(0),
        loclists_base: gimli::DebugLocListsBase::default_for_encoding_and_file(
            header.encoding(),
            dwarf.file_type,
        ),
        rnglists_base: gimli::DebugRngListsBase::default_for_encoding_and_file(
            header.encoding(),
            dwarf.file_type,
        ),
        line_program: None,
        dwo_id: None,
    };
    let mut low_pc = None;
    {
        let mut cursor = unit.header.entries(&unit.abbreviations);
        cursor.next_dfs()?;
        let root = cursor
            .current()
            .ok_or_else(|| Error::new("unit without a root DIE"))?;
        for attr in root.attrs() {
            match (attr.name(), attr.value()) {
                (gimli::DW_AT_low_pc, v) => low_pc = Some(v),
                (
                    gimli::DW_AT_addr_base | gimli::DW_AT_GNU_addr_base,
                    AttributeValue::DebugAddrBase(b),
                ) => unit.addr_base = b,
                (
                    gimli::DW_AT_rnglists_base | gimli::DW_AT_GNU_ranges_base,
                    AttributeValue::DebugRngListsBase(b),
                ) => unit.rnglists_base = b,
                (gimli::DW_AT_str_offsets_base, AttributeValue::DebugStrOffsetsBase(b)) => {
                    unit.str_offsets_base = b
                }
                _ => {}
            }
        }
    }
    if let Some(v) = low_pc {
        if let Some(a) = dwarf.attr_address(&unit, v)? {
            unit.low_pc = a;
        }
    }
    let mut any = false;
    let mut list = dwarf.unit_ranges(&unit)?;
    while let Some(r) = list.next()? {
        if r.begin < r.end {
            push(r.begin, r.end);
            any = true;
        }
    }
    Ok(any)
}

/// An abbreviation table holding only the declaration the unit's root DIE uses.
fn root_abbreviation(
    dwarf: &gimli::Dwarf<Reader>,
    header: &gimli::UnitHeader<Reader>,
) -> Result<gimli::Abbreviations, Error> {
    let mut die = header.range_from(UnitOffset(header.header_size())..)?;
    let code = die.read_uleb128()?;
    let section = gimli::Section::reader(&dwarf.debug_abbrev).clone();
    let mut r = section.clone();
    r.skip(header.debug_abbrev_offset().0)?;
    loop {
        let start = r.clone();
        let this = r.read_uleb128()?;
        if this == 0 {
            // Not found: let gimli parse the whole table and report.
            return Ok(dwarf
                .debug_abbrev
                .abbreviations(header.debug_abbrev_offset())?);
        }
        r.read_uleb128()?; // tag
        r.read_u8()?; // children
        loop {
            let name = r.read_uleb128()?;
            let form = r.read_uleb128()?;
            if form == u64::from(gimli::DW_FORM_implicit_const.0) {
                r.read_sleb128()?;
            }
            if name == 0 && form == 0 {
                break;
            }
        }
        if this == code {
            let len = r.offset_from(&start);
            let mut bytes = start.to_slice()?.get(..len).unwrap_or_default().to_vec();
            bytes.push(0);
            let table = gimli::DebugAbbrev::new(&bytes, gimli::LittleEndian);
            return Ok(table.abbreviations(gimli::DebugAbbrevOffset(0))?);
        }
    }
}

impl From<gimli::Error> for Error {
    fn from(e: gimli::Error) -> Error {
        err(e)
    }
}
