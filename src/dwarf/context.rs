//! The lazy DWARF context: unit ranges up front, lines and functions per unit on demand.
//!
//! Opening reads only what maps an address to its unit, the unit index
//! ([`super::index`]): from its cache file when one is valid, else by walking the unit
//! headers, the `.debug_aranges` sets, and for units without one the root DIE's
//! `DW_AT_ranges`/`low_pc`/`high_pc`. A unit's header, abbreviations and line-program
//! header, its line table ([`super::lines`]) and its functions ([`super::funcs`]) are
//! parsed the first time an address falls in it or a name refers into it, each in its own
//! cell. The search order and answers follow gimli's addr2line, whose `Context` parses
//! every unit's abbreviations and line-program header when created, which on a production
//! vmlinux costs more than the lookups themselves.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use gimli::{AttributeValue, RunTimeEndian};

use super::funcs::{self, Functions};
use super::index::{self, Range};
use super::lines::LineTable;
use super::loader::Loader;
use super::{Error, ErrorKind, IndexCache};

pub(crate) use super::loader::Reader;

/// One frame as DWARF gives it (names and locations), before symbol-table naming.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawFrame {
    pub function: Option<String>,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

/// One unit: where it starts, and what is parsed of it on demand.
struct Slot {
    offset: usize,
    // Boxed: a vmlinux has thousands of slots, most never parsed, and a slot's size is
    // fresh memory (page faults) on every opening.
    header: OnceLock<Result<Box<gimli::UnitHeader<Reader>>, Error>>,
    unit: OnceLock<Result<Box<gimli::Unit<Reader>>, Error>>,
    lines: OnceLock<Result<Arc<LineTable>, Error>>,
    /// Before `lines` is built: the table of the one address asked so far
    /// ([`LineTable::parse_at`]).
    probe: Mutex<Option<(u64, Arc<LineTable>)>>,
    functions: OnceLock<Result<Functions, Error>>,
    name: OnceLock<Result<Option<String>, Error>>,
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
    /// When the unit index came from its cache file: that file, and the context built
    /// on a walked index the first time a lookup fails (the cache is then rewritten).
    retry: Option<Box<Retry>>,
}

/// The cache file, the sections again (taken by the walked context), and the context on
/// a walked index.
type Retry = (
    index::CacheFile,
    Mutex<Option<gimli::Dwarf<Reader>>>,
    OnceLock<Result<Box<Context>, Error>>,
);

/// Unit ranges sorted by `(end, unit)`, as addr2line sorts them, each with the lowest
/// `begin` of itself and every later entry, for [`RangeIndex::units_at`].
struct RangeIndex(Vec<(Range, u64)>);

impl RangeIndex {
    fn new(mut ranges: Vec<Range>) -> RangeIndex {
        ranges.sort_unstable_by_key(|r| (r.end, r.unit));
        let mut min = u64::MAX;
        let mut v: Vec<(Range, u64)> = ranges
            .into_iter()
            .rev()
            .map(|r| {
                min = min.min(r.begin);
                (r, min)
            })
            .collect();
        v.reverse();
        RangeIndex(v)
    }

    /// Units whose ranges hold `addr`, in addr2line's order.
    fn units_at(&self, addr: u64) -> impl Iterator<Item = usize> + '_ {
        let start = self.0.partition_point(|(r, _)| r.end <= addr);
        self.0[start..]
            .iter()
            .take_while(move |(_, min_begin)| addr >= *min_begin)
            .filter(move |(r, _)| r.begin <= addr && addr < r.end)
            .map(|(r, _)| r.unit)
    }
}

fn lossy(r: &Reader) -> String {
    String::from_utf8_lossy(r).into_owned()
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Malformed, format!("invalid DWARF: {e}"))
}

impl Context {
    /// Build the context: the unit index only.
    pub(crate) fn new(loader: &Loader, cache: &IndexCache) -> Result<Context, Error> {
        let endian = if loader.little_endian {
            RunTimeEndian::Little
        } else {
            RunTimeEndian::Big
        };
        let load = || {
            gimli::Dwarf::load(|id| -> Result<Reader, Error> {
                Ok(Reader::new(loader.section(id.name()), endian))
            })
        };
        let dwarf = load()?;
        let object = loader.debug_file.as_deref().unwrap_or(&loader.path);
        let info = loader.section(".debug_info");
        let file = index::cache_dir(cache)
            .and_then(|d| index::CacheFile::new(&d, object, &loader.dwarf_source, &info));
        let (index, headers, retry) = match file {
            Some(f) => match f.load() {
                Some(i) => {
                    let retry = (f, Mutex::new(Some(load()?)), OnceLock::new());
                    (i, Vec::new(), Some(Box::new(retry)))
                }
                None => {
                    let (i, headers) = index::walk(&dwarf)?;
                    f.store(&i);
                    (i, headers, None)
                }
            },
            None => {
                let (i, headers) = index::walk(&dwarf)?;
                (i, headers, None)
            }
        };
        Ok(Context::with_index(dwarf, index, headers, retry))
    }

    fn with_index(
        dwarf: gimli::Dwarf<Reader>,
        index: index::UnitIndex,
        headers: Vec<gimli::UnitHeader<Reader>>,
        retry: Option<Box<Retry>>,
    ) -> Context {
        let mut headers = headers.into_iter();
        let units = index
            .offsets
            .iter()
            .map(|&offset| Slot {
                offset,
                header: headers
                    .next()
                    .map(|h| Ok(Box::new(h)))
                    .map(OnceLock::from)
                    .unwrap_or_default(),
                unit: OnceLock::new(),
                lines: OnceLock::new(),
                probe: Mutex::new(None),
                functions: OnceLock::new(),
                name: OnceLock::new(),
            })
            .collect();
        Context {
            dwarf,
            abbrevs: AbbrevCache::default(),
            units,
            ranges: RangeIndex::new(index.ranges),
            rangeless: index.rangeless,
            late: OnceLock::new(),
            retry,
        }
    }

    /// `f` on this context; when it fails and the unit index came from the cache, `f` on
    /// a context with a walked index, which is also written over the cache file (a bad
    /// cache never makes a lookup fail).
    fn retried<T>(&self, f: impl Fn(&Context) -> Result<T, Error>) -> Result<T, Error> {
        let first = f(self);
        let (Err(_), Some(retry)) = (&first, &self.retry) else {
            return first;
        };
        let (file, dwarf, walked) = &**retry;
        let walked = walked.get_or_init(|| {
            let dwarf = dwarf
                .lock()
                .ok()
                .and_then(|mut d| d.take())
                .ok_or_else(|| {
                    Error::new(ErrorKind::NotFound, "the unit index cannot be walked again")
                })?;
            let (i, headers) = index::walk(&dwarf)?;
            file.store(&i);
            Ok(Box::new(Context::with_index(dwarf, i, headers, None)))
        });
        match walked {
            Ok(c) => f(c),
            Err(_) => first,
        }
    }

    /// The inline chain at `addr`, innermost first; empty when no unit covers it.
    pub(crate) fn frames(&self, addr: u64) -> Result<Vec<RawFrame>, Error> {
        self.retried(|c| c.frames_here(addr))
    }

    fn frames_here(&self, addr: u64) -> Result<Vec<RawFrame>, Error> {
        for index in self.units_at(addr) {
            let slot = &self.units[index];
            let unit = slot.unit(&self.dwarf, &self.abbrevs)?.unit_ref(&self.dwarf);
            let function = slot.functions(unit)?.find(self, unit, addr)?;
            let lines = match unit.line_program {
                Some(_) => Some(slot.lines_at(&self.dwarf, &self.abbrevs, addr)?),
                None => None,
            };
            let row = lines.as_ref().and_then(|t| t.find(addr));
            let file = |f: Option<u64>| {
                let f = u32::try_from(f?).ok()?;
                lines.as_ref()?.file(unit, f).map(str::to_string)
            };
            // The innermost frame's location is the line table's; each outer frame's is
            // the call site of the frame inside it.
            let mut next = row.map(|r| RawFrame {
                function: None,
                file: file(Some(u64::from(r.file))),
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

    /// The file of the line-table row covering `addr`, from the first unit that has one.
    pub(crate) fn line_file(&self, addr: u64) -> Result<Option<String>, Error> {
        self.retried(|c| c.line_file_here(addr))
    }

    fn line_file_here(&self, addr: u64) -> Result<Option<String>, Error> {
        for index in self.units_at(addr) {
            let slot = &self.units[index];
            let lines = slot.lines_at(&self.dwarf, &self.abbrevs, addr)?;
            if let Some(row) = lines.find(addr) {
                let unit = slot.unit(&self.dwarf, &self.abbrevs)?.unit_ref(&self.dwarf);
                return Ok(lines.file(unit, row.file).map(str::to_string));
            }
        }
        Ok(None)
    }

    /// The discriminator of the line-table row covering `addr` (0 when none).
    pub(crate) fn discriminator(&self, addr: u64) -> Result<u32, Error> {
        self.retried(|c| c.discriminator_here(addr))
    }

    fn discriminator_here(&self, addr: u64) -> Result<u32, Error> {
        for index in self.units_at(addr) {
            let slot = &self.units[index];
            if let Some(row) = slot.lines_at(&self.dwarf, &self.abbrevs, addr)?.find(addr) {
                return Ok(row.discriminator);
            }
        }
        Ok(0)
    }

    /// Number of units (type units left out).
    pub(crate) fn unit_count(&self) -> usize {
        self.units.len()
    }

    /// Unit `index` (in `.debug_info` order), parsed on first use and kept.
    pub(crate) fn unit(&self, index: usize) -> Result<gimli::UnitRef<'_, Reader>, Error> {
        let slot = self
            .units
            .get(index)
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no unit {index}")))?;
        Ok(slot.unit(&self.dwarf, &self.abbrevs)?.unit_ref(&self.dwarf))
    }

    /// The name (`DW_AT_name`) of unit `index`, read from its root entry alone (the unit
    /// is not parsed: a walk over every unit's name stays light).
    pub(crate) fn unit_name(&self, index: usize) -> Result<Option<String>, Error> {
        let slot = self
            .units
            .get(index)
            .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no unit {index}")))?;
        slot.name(&self.dwarf, &self.abbrevs)
    }

    /// The first unit, in lookup order, whose ranges hold `addr`.
    pub(crate) fn unit_at(&self, addr: u64) -> Option<usize> {
        self.units_at(addr).next()
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
                // Placing these units reads each one's line program once: nothing of
                // them is kept but the ranges.
                let seqs = self.units[index].with_unit_unkept(&self.dwarf, &self.abbrevs, |u| {
                    LineTable::sequence_ranges(u.unit_ref(&self.dwarf))
                });
                let Ok(seqs) = seqs else {
                    continue;
                };
                for (begin, end) in seqs.unwrap_or_default() {
                    ranges.push(Range {
                        begin,
                        end,
                        unit: index,
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
                let i = self.units.partition_point(|s| s.offset < target.0);
                let missing = || {
                    Error::new(
                        ErrorKind::Malformed,
                        format!("no DIE at .debug_info offset {:#x}", target.0),
                    )
                };
                let slot = i
                    .checked_sub(1)
                    .map(|i| &self.units[i])
                    .ok_or_else(missing)?;
                let header = slot.header(&self.dwarf)?;
                let offset = target.to_unit_offset(header).ok_or_else(missing)?;
                let other = slot.unit(&self.dwarf, &self.abbrevs)?.unit_ref(&self.dwarf);
                funcs::name_entry(self, other, offset, limit)
            }
            _ => Ok(None),
        }
    }
}

impl Slot {
    fn header(&self, dwarf: &gimli::Dwarf<Reader>) -> Result<&gimli::UnitHeader<Reader>, Error> {
        self.header
            .get_or_init(|| {
                Ok(Box::new(
                    dwarf
                        .debug_info
                        .header_from_offset(gimli::DebugInfoOffset(self.offset))?,
                ))
            })
            .as_ref()
            .map(|h| &**h)
            .map_err(Error::clone)
    }

    fn abbreviations(
        &self,
        dwarf: &gimli::Dwarf<Reader>,
        cache: &AbbrevCache,
    ) -> Result<Arc<gimli::Abbreviations>, Error> {
        let offset = self.header(dwarf)?.debug_abbrev_offset();
        if let Some(a) = cache.lock().ok().and_then(|m| m.get(&offset.0).cloned()) {
            return Ok(a);
        }
        let a = Arc::new(dwarf.debug_abbrev.abbreviations(offset)?);
        if let Ok(mut m) = cache.lock() {
            m.insert(offset.0, a.clone());
        }
        Ok(a)
    }

    /// The shared abbreviations when a lookup already parsed them; else parsed and not
    /// kept (a walk over every unit's root keeps none).
    fn abbreviations_unkept(
        &self,
        dwarf: &gimli::Dwarf<Reader>,
        cache: &AbbrevCache,
    ) -> Result<Arc<gimli::Abbreviations>, Error> {
        let offset = self.header(dwarf)?.debug_abbrev_offset();
        match cache.lock().ok().and_then(|m| m.get(&offset.0).cloned()) {
            Some(a) => Ok(a),
            None => Ok(Arc::new(dwarf.debug_abbrev.abbreviations(offset)?)),
        }
    }

    /// `f` of the unit, parsed for this use and not kept unless a lookup already keeps
    /// it.
    fn with_unit_unkept<T>(
        &self,
        dwarf: &gimli::Dwarf<Reader>,
        cache: &AbbrevCache,
        f: impl FnOnce(&gimli::Unit<Reader>) -> T,
    ) -> Result<T, Error> {
        if let Some(Ok(unit)) = self.unit.get() {
            return Ok(f(unit));
        }
        let abbrevs = self.abbreviations_unkept(dwarf, cache)?;
        let unit =
            gimli::Unit::new_with_abbreviations(dwarf, self.header(dwarf)?.clone(), abbrevs)?;
        Ok(f(&unit))
    }

    fn unit(
        &self,
        dwarf: &gimli::Dwarf<Reader>,
        cache: &AbbrevCache,
    ) -> Result<&gimli::Unit<Reader>, Error> {
        self.unit
            .get_or_init(|| {
                let abbrevs = self.abbreviations(dwarf, cache)?;
                Ok(Box::new(gimli::Unit::new_with_abbreviations(
                    dwarf,
                    self.header(dwarf)?.clone(),
                    abbrevs,
                )?))
            })
            .as_ref()
            .map(|u| &**u)
            .map_err(Error::clone)
    }

    fn name(
        &self,
        dwarf: &gimli::Dwarf<Reader>,
        cache: &AbbrevCache,
    ) -> Result<Option<String>, Error> {
        self.name
            .get_or_init(|| {
                if let Some(Ok(unit)) = self.unit.get() {
                    return Ok(unit.name.as_ref().map(lossy));
                }
                let header = self.header(dwarf)?;
                let abbrevs = self.abbreviations_unkept(dwarf, cache)?;
                let mut entries = header.entries_raw(&abbrevs, None)?;
                let Some(abbrev) = entries.read_abbreviation()? else {
                    return Ok(None);
                };
                let mut name = None;
                let mut base = gimli::DebugStrOffsetsBase(0);
                for spec in abbrev.attributes() {
                    let attr = entries.read_attribute(*spec)?;
                    match (attr.name(), attr.value()) {
                        (gimli::DW_AT_name, v) => name = Some(v),
                        (gimli::DW_AT_str_offsets_base, AttributeValue::DebugStrOffsetsBase(b)) => {
                            base = b
                        }
                        _ => {}
                    }
                }
                let text = match name {
                    Some(AttributeValue::String(r)) => r,
                    Some(AttributeValue::DebugStrRef(o)) => dwarf.debug_str.get_str(o)?,
                    Some(AttributeValue::DebugLineStrRef(o)) => dwarf.debug_line_str.get_str(o)?,
                    Some(AttributeValue::DebugStrOffsetsIndex(i)) => {
                        let o = dwarf
                            .debug_str_offsets
                            .get_str_offset(header.format(), base, i)?;
                        dwarf.debug_str.get_str(o)?
                    }
                    _ => return Ok(None),
                };
                Ok(Some(lossy(&text)))
            })
            .clone()
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

    /// A table that answers [`LineTable::find`] of `addr` as the whole one does: the first
    /// address asked of a unit runs its program keeping only that address's row (a
    /// unit's rows are hundreds of KiB, and one decoded report asks one address of most
    /// units it touches); a second address builds the whole table.
    fn lines_at(
        &self,
        dwarf: &gimli::Dwarf<Reader>,
        cache: &AbbrevCache,
        addr: u64,
    ) -> Result<Arc<LineTable>, Error> {
        if let Some(t) = self.lines.get() {
            return t.clone();
        }
        let mut probe = self.probe.lock().unwrap_or_else(|e| e.into_inner());
        match &*probe {
            Some((a, t)) if *a == addr => Ok(t.clone()),
            Some(_) => {
                *probe = None;
                drop(probe);
                self.lines(dwarf, cache)
            }
            None => {
                let unit = self.unit(dwarf, cache)?;
                let t = Arc::new(LineTable::parse_at(unit.unit_ref(dwarf), addr)?);
                *probe = Some((addr, t.clone()));
                Ok(t)
            }
        }
    }

    fn functions(&self, unit: gimli::UnitRef<'_, Reader>) -> Result<&Functions, Error> {
        self.functions
            .get_or_init(|| Functions::parse(unit))
            .as_ref()
            .map_err(Error::clone)
    }
}

impl From<gimli::Error> for Error {
    fn from(e: gimli::Error) -> Error {
        err(e)
    }
}
