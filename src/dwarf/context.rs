//! The lazy DWARF context: unit ranges up front, lines and functions per unit on demand.
//!
//! Built on `addr2line::Context`, which parses only the unit headers and their address
//! ranges when created and a unit's line program and function tree the first time an
//! address falls in it. What addr2line does not expose, the line table's discriminator,
//! is read here from the same unit's line program, also lazily and once per unit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use gimli::RunTimeEndian;

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

/// One line-program sequence: `[start, end)` and its rows' (address, discriminator).
struct Sequence {
    start: u64,
    end: u64,
    rows: Vec<(u64, u32)>,
}

/// The DWARF of one object, ready for lookups.
pub(crate) struct Context {
    inner: addr2line::Context<Reader>,
    discriminators: Mutex<HashMap<usize, Arc<Vec<Sequence>>>>,
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
        let dwarf = gimli::Dwarf::load(|id| -> Result<Reader, Error> {
            Ok(Reader::new(loader.section(id.name()), endian))
        })?;
        let inner = addr2line::Context::from_dwarf(dwarf).map_err(err)?;
        Ok(Context {
            inner,
            discriminators: Mutex::new(HashMap::new()),
        })
    }

    /// The inline chain at `addr`, innermost first; empty when no unit covers it.
    pub(crate) fn frames(&self, addr: u64) -> Result<Vec<RawFrame>, Error> {
        let mut iter = self.inner.find_frames(addr).skip_all_loads().map_err(err)?;
        let mut out = Vec::new();
        while let Some(frame) = iter.next().map_err(err)? {
            let function = match frame.function {
                Some(f) => Some(f.raw_name().map_err(err)?.into_owned()),
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
            if out.len() > 256 {
                return Err(Error::new("invalid DWARF: inline chain deeper than 256"));
            }
        }
        Ok(out)
    }

    /// The discriminator of the line-table row covering `addr` (0 when none).
    pub(crate) fn discriminator(&self, addr: u64) -> Result<u32, Error> {
        let unit = self.inner.find_dwarf_and_unit(addr).skip_all_loads();
        let Some(unit) = unit else {
            return Ok(0);
        };
        let key = unit.header.offset().0;
        let cached = self
            .discriminators
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned());
        let seqs = match cached {
            Some(s) => s,
            None => {
                let seqs = Arc::new(match unit.line_program.clone() {
                    Some(p) => sequences(p)?,
                    None => Vec::new(),
                });
                if let Ok(mut m) = self.discriminators.lock() {
                    m.insert(key, seqs.clone());
                }
                seqs
            }
        };
        let idx = seqs.partition_point(|s| s.start <= addr);
        for s in seqs[..idx].iter().rev() {
            if addr < s.end {
                let i = s.rows.partition_point(|r| r.0 <= addr);
                return Ok(i.checked_sub(1).map_or(0, |i| s.rows[i].1));
            }
        }
        Ok(0)
    }
}

/// The sequences of a line program, rows at one address collapsed to the last one (as
/// addr2line does, so both agree on the row).
fn sequences(program: gimli::IncompleteLineProgram<Reader>) -> Result<Vec<Sequence>, Error> {
    let mut out = Vec::new();
    let mut rows: Vec<(u64, u32)> = Vec::new();
    let mut iter = program.rows();
    while let Some((_, row)) = iter.next_row().map_err(err)? {
        if row.end_sequence() {
            if let Some(&(start, _)) = rows.first() {
                let end = row.address();
                if start < end {
                    out.push(Sequence {
                        start,
                        end,
                        rows: std::mem::take(&mut rows),
                    });
                }
            }
            rows.clear();
            continue;
        }
        let d = row.discriminator() as u32;
        match rows.last_mut() {
            Some(last) if last.0 == row.address() => last.1 = d,
            _ => rows.push((row.address(), d)),
        }
    }
    out.sort_by_key(|s| s.start);
    Ok(out)
}

impl From<gimli::Error> for Error {
    fn from(e: gimli::Error) -> Error {
        err(e)
    }
}
