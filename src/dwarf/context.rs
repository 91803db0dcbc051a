//! The lazy DWARF context: unit ranges up front, lines and functions per unit on demand.
//!
//! Built on `addr2line::Context`, which parses only the unit headers and their address
//! ranges when created and a unit's line program and function tree the first time an
//! address falls in it. Next to it, [`super::lines::LineTable`]s (also built once per unit,
//! on demand) give the line table's discriminator, which addr2line does not expose, and a
//! fallback location where addr2line rejects a unit's line program (wrapping address
//! advances in arm64 assembly units).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use gimli::RunTimeEndian;

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

/// The DWARF of one object, ready for lookups.
pub(crate) struct Context {
    dwarf: Arc<gimli::Dwarf<Reader>>,
    inner: addr2line::Context<Reader>,
    /// Unit address ranges `(begin, end, unit offset)`, sorted; built on first need.
    ranges: OnceLock<Vec<(u64, u64, usize)>>,
    lines: Mutex<HashMap<usize, Arc<LineTable>>>,
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::new(format!("invalid DWARF: {e}"))
}

impl Context {
    /// Build the context: parses unit headers and ranges only.
    pub(crate) fn new(loader: &Loader) -> Result<Context, Error> {
        let endian = if loader.little_endian {
            RunTimeEndian::Little
        } else {
            RunTimeEndian::Big
        };
        let dwarf = Arc::new(gimli::Dwarf::load(|id| -> Result<Reader, Error> {
            Ok(Reader::new(loader.section(id.name()), endian))
        })?);
        let inner = addr2line::Context::from_arc_dwarf(dwarf.clone()).map_err(err)?;
        Ok(Context {
            dwarf,
            inner,
            ranges: OnceLock::new(),
            lines: Mutex::new(HashMap::new()),
        })
    }

    /// The inline chain at `addr`, innermost first; empty when no unit covers it.
    pub(crate) fn frames(&self, addr: u64) -> Result<Vec<RawFrame>, Error> {
        match self.addr2line_frames(addr) {
            Ok(f) => Ok(f),
            // Only the wrapping line-program advance is tolerated (see `lines`); any
            // other malformed DWARF is this address's error.
            Err(gimli::Error::AddressOverflow) => match self.row(addr)? {
                Some((table, row)) => Ok(vec![RawFrame {
                    function: None,
                    file: table.file(row.file).map(str::to_string),
                    line: (row.line != 0).then_some(row.line),
                    column: (row.line != 0).then_some(row.column),
                }]),
                None => Ok(Vec::new()),
            },
            Err(e) => Err(err(e)),
        }
    }

    fn addr2line_frames(&self, addr: u64) -> Result<Vec<RawFrame>, gimli::Error> {
        let mut iter = self.inner.find_frames(addr).skip_all_loads()?;
        let mut out = Vec::new();
        while let Some(frame) = iter.next()? {
            let function = match frame.function {
                Some(f) => Some(f.raw_name()?.into_owned()),
                None => None,
            };
            let (file, line, column) = match frame.location {
                Some(l) => (l.file.map(str::to_string), l.line, l.column),
                None => (None, None, None),
            };
            out.push(RawFrame {
                function,
                file,
                line,
                column,
            });
        }
        Ok(out)
    }

    /// The discriminator of the line-table row covering `addr` (0 when none).
    pub(crate) fn discriminator(&self, addr: u64) -> Result<u32, Error> {
        Ok(self.row(addr)?.map_or(0, |(_, r)| r.discriminator))
    }

    fn unit_ranges(&self) -> &[(u64, u64, usize)] {
        self.ranges.get_or_init(|| {
            let mut out = Vec::new();
            let mut headers = self.dwarf.units();
            while let Ok(Some(h)) = headers.next() {
                let offset = h.offset().0;
                let Ok(unit) = self.dwarf.unit(h) else {
                    continue;
                };
                let Ok(mut ranges) = self.dwarf.unit_ranges(&unit) else {
                    continue;
                };
                while let Ok(Some(r)) = ranges.next() {
                    if r.begin < r.end {
                        out.push((r.begin, r.end, offset));
                    }
                }
            }
            out.sort_unstable();
            out
        })
    }

    /// The line table of the unit covering `addr` and its row there.
    fn row(&self, addr: u64) -> Result<Option<(Arc<LineTable>, super::lines::Row)>, Error> {
        let ranges = self.unit_ranges();
        let end = ranges.partition_point(|r| r.0 <= addr);
        for &(_, stop, offset) in ranges[..end].iter().rev() {
            if addr >= stop {
                continue;
            }
            let table = self.table(offset)?;
            if let Some(row) = table.find(addr) {
                let row = *row;
                return Ok(Some((table, row)));
            }
        }
        Ok(None)
    }

    fn table(&self, offset: usize) -> Result<Arc<LineTable>, Error> {
        if let Some(t) = self.lines.lock().ok().and_then(|m| m.get(&offset).cloned()) {
            return Ok(t);
        }
        let header = self
            .dwarf
            .debug_info
            .header_from_offset(gimli::DebugInfoOffset(offset))?;
        let unit = self.dwarf.unit(header)?;
        let table = Arc::new(LineTable::parse(unit.unit_ref(&self.dwarf))?);
        if let Ok(mut m) = self.lines.lock() {
            m.insert(offset, table.clone());
        }
        Ok(table)
    }
}

impl From<gimli::Error> for Error {
    fn from(e: gimli::Error) -> Error {
        err(e)
    }
}
