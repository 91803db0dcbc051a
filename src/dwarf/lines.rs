//! The line-table reader: one unit's rows, file names and discriminators.
//!
//! gimli's line-program state machine rejects an address that wraps; but Clang's
//! integrated assembler emits `DW_LNS_advance_pc` with a "negative" (wrapping) operand in
//! arm64 assembly units (`entry.S`, `head.S`, ...), and LLVM's readers, like the
//! hardware, compute addresses modulo 2^64 (gimli's addr2line fails the whole unit). This
//! module decodes the instructions with gimli but runs the state machine itself with
//! wrapping arithmetic, finds rows as LLVM does (on well-formed tables that is also
//! addr2line's answer), and records each row's discriminator.

use std::sync::OnceLock;

use gimli::Reader as _;

use super::context::Reader;
use super::{Error, ErrorKind};

const DW_LNS_COPY: u8 = 1;
const DW_LNS_ADVANCE_PC: u8 = 2;
const DW_LNS_ADVANCE_LINE: u8 = 3;
const DW_LNS_SET_FILE: u8 = 4;
const DW_LNS_SET_COLUMN: u8 = 5;
const DW_LNS_NEGATE_STMT: u8 = 6;
const DW_LNS_SET_BASIC_BLOCK: u8 = 7;
const DW_LNS_CONST_ADD_PC: u8 = 8;
const DW_LNS_FIXED_ADVANCE_PC: u8 = 9;
const DW_LNS_SET_PROLOGUE_END: u8 = 10;
const DW_LNS_SET_EPILOGUE_BEGIN: u8 = 11;
const DW_LNS_SET_ISA: u8 = 12;
const DW_LNE_END_SEQUENCE: u8 = 1;
const DW_LNE_SET_ADDRESS: u8 = 2;
const DW_LNE_SET_DISCRIMINATOR: u8 = 4;

/// One row: the address where it starts and what it says.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row {
    pub addr: u64,
    /// The file index (an index past `u32::MAX` is kept as `u32::MAX`, which names no
    /// file).
    pub file: u32,
    pub line: u32,
    pub column: u32,
    pub discriminator: u32,
}

/// One sequence: its address range and its rows, `rows[first..end]` of the table.
struct Sequence {
    start: u64,
    end: u64,
    first: usize,
    last: usize,
}

/// The rows of one unit's line program, by sequence, and its file names, each rendered
/// the first time a row asked for names it.
pub(crate) struct LineTable {
    files: Vec<OnceLock<Option<String>>>,
    sequences: Vec<Sequence>,
    rows: Vec<Row>,
}

fn push_path(path: &mut String, p: &str) {
    if p.starts_with('/') {
        *path = p.to_string();
    } else {
        if !path.is_empty() && !path.ends_with('/') {
            path.push('/');
        }
        path.push_str(p);
    }
}

/// `comp_dir/dir/file`, as addr2line renders a file entry.
fn render_file(
    unit: gimli::UnitRef<'_, Reader>,
    file: &gimli::FileEntry<Reader>,
    header: &gimli::LineProgramHeader<Reader>,
) -> Result<String, Error> {
    let mut path = match &unit.comp_dir {
        Some(d) => d.to_string_lossy()?.into_owned(),
        None => String::new(),
    };
    if file.directory_index() != 0 {
        if let Some(dir) = file.directory(header) {
            push_path(&mut path, &unit.attr_string(dir)?.to_string_lossy()?);
        }
    }
    push_path(
        &mut path,
        &unit.attr_string(file.path_name())?.to_string_lossy()?,
    );
    Ok(path)
}

thread_local! {
    /// The rows of one sequence while a program runs for [`Keep::At`], kept from one run
    /// to the next: the pages of the largest sequence are faulted in once, not per unit.
    static SCRATCH: std::cell::RefCell<Vec<Row>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// What [`LineTable::build`] keeps of the rows.
#[derive(Clone, Copy, PartialEq)]
enum Keep {
    /// Every row.
    All,
    /// The first row of each sequence (for its range).
    Ranges,
    /// The row [`LineTable::find`] gives for this address, in the sequence it picks.
    At(u64),
}

impl LineTable {
    /// Decode and run the unit's line program.
    pub(crate) fn parse(unit: gimli::UnitRef<'_, Reader>) -> Result<LineTable, Error> {
        Self::build(unit, Keep::All)
    }

    /// The table as far as `addr` is concerned: [`LineTable::find`] of `addr`, and file
    /// names, are those of the whole table, but no other row is kept (the program runs
    /// to its end with one sequence's rows in memory at a time). For a unit where one
    /// address is asked: a vmlinux unit's rows are hundreds of KiB.
    pub(crate) fn parse_at(
        unit: gimli::UnitRef<'_, Reader>,
        addr: u64,
    ) -> Result<LineTable, Error> {
        Self::build(unit, Keep::At(addr))
    }

    /// The address ranges of the unit's line sequences only (no rows, no file names).
    pub(crate) fn sequence_ranges(
        unit: gimli::UnitRef<'_, Reader>,
    ) -> Result<Vec<(u64, u64)>, Error> {
        Ok(Self::build(unit, Keep::Ranges)?.ranges().collect())
    }

    /// The rendered names of the unit's file entries, by file index (before DWARF 5,
    /// which has no entry 0, index 0 is an empty name), without running the program.
    pub(crate) fn file_names(unit: gimli::UnitRef<'_, Reader>) -> Result<Vec<String>, Error> {
        (0..Self::file_count(unit))
            .map(|i| Ok(Self::render(unit, i as u64)?.unwrap_or_default()))
            .collect()
    }

    /// Number of file indexes of the unit's line program (counting the empty index 0
    /// before DWARF 5).
    fn file_count(unit: gimli::UnitRef<'_, Reader>) -> usize {
        let Some(program) = unit.line_program.as_ref() else {
            return 0;
        };
        let header = program.header();
        header.file_names().len() + usize::from(header.version() <= 4)
    }

    /// The rendered name of file index `i` (`None`: no such entry; empty: index 0 before
    /// DWARF 5).
    fn render(unit: gimli::UnitRef<'_, Reader>, i: u64) -> Result<Option<String>, Error> {
        let Some(program) = unit.line_program.as_ref() else {
            return Ok(None);
        };
        let header = program.header();
        if i == 0 && header.version() <= 4 {
            return Ok(Some(String::new()));
        }
        match header.file(i) {
            Some(f) => Ok(Some(render_file(unit, f, header)?)),
            None => Ok(None),
        }
    }

    fn build(unit: gimli::UnitRef<'_, Reader>, keep: Keep) -> Result<LineTable, Error> {
        let ranges_only = keep == Keep::Ranges;
        let Some(program) = unit.line_program.as_ref() else {
            return Ok(LineTable {
                files: Vec::new(),
                sequences: Vec::new(),
                rows: Vec::new(),
            });
        };
        let header = program.header();
        let min_len = u64::from(header.minimum_instruction_length().max(1));
        let line_base = i64::from(header.line_base());
        let line_range = u64::from(header.line_range().max(1));
        let opcode_base = u64::from(header.opcode_base());
        let files = if ranges_only {
            Vec::new()
        } else {
            (0..Self::file_count(unit))
                .map(|_| OnceLock::new())
                .collect()
        };

        let mut sequences = Vec::new();
        // Reserved for a row every two bytes of program (more than compilers write):
        // pages of it that are never written are never touched.
        let program_len = header.raw_program_buf().len();
        let mut rows: Vec<Row> = match keep {
            Keep::All => Vec::with_capacity(program_len / 2),
            Keep::At(_) => SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut())),
            Keep::Ranges => Vec::new(),
        };
        let mut first = 0;
        // For `Keep::At`: the sequence `find` would pick so far (the highest start, the
        // later of equal ones) and the row it gives.
        let mut best: Option<Sequence> = None;
        let mut best_row: Option<Row> = None;
        let initial = Row {
            addr: 0,
            file: 1,
            line: 1,
            column: 0,
            discriminator: 0,
        };
        let mut st = initial;
        let emit = |st: &mut Row, rows: &mut Vec<Row>, first: usize| {
            // A sequence's range needs only its first row.
            if !ranges_only || rows.len() == first {
                rows.push(*st);
            }
            st.discriminator = 0;
        };
        // The opcodes are decoded here rather than through gimli's `LineInstruction`,
        // whose size makes decoding a large unit's program several times slower.
        let mut input = header.raw_program_buf();
        while !input.is_empty() {
            let op = input.read_u8()?;
            if op == 0 {
                let len = usize::try_from(input.read_uleb128()?).map_err(|_| {
                    Error::new(
                        ErrorKind::Malformed,
                        "invalid DWARF: line program opcode too long",
                    )
                })?;
                let mut rest = input.split(len)?;
                match rest.read_u8()? {
                    DW_LNE_END_SEQUENCE => {
                        match rows.get(first).map(|r| r.addr) {
                            Some(start) if start < st.addr => {
                                let seq = Sequence {
                                    start,
                                    end: st.addr,
                                    first,
                                    last: rows.len(),
                                };
                                match keep {
                                    Keep::All => sequences.push(seq),
                                    Keep::Ranges => {
                                        sequences.push(seq);
                                        rows.clear();
                                    }
                                    Keep::At(addr) => {
                                        let holds = start <= addr && addr < seq.end;
                                        if holds && best.as_ref().is_none_or(|b| b.start <= start) {
                                            best_row = find_in(&rows[first..], addr).copied();
                                            best = Some(seq);
                                        }
                                        rows.clear();
                                    }
                                }
                            }
                            _ => rows.truncate(first),
                        }
                        first = rows.len();
                        st = initial;
                    }
                    DW_LNE_SET_ADDRESS => st.addr = rest.read_address(header.address_size())?,
                    DW_LNE_SET_DISCRIMINATOR => st.discriminator = rest.read_uleb128()? as u32,
                    _ => {}
                }
            } else if u64::from(op) >= opcode_base {
                let adj = u64::from(op) - opcode_base;
                st.addr = st.addr.wrapping_add(min_len.wrapping_mul(adj / line_range));
                let delta = line_base + (adj % line_range) as i64;
                st.line = (i64::from(st.line) + delta) as u32;
                emit(&mut st, &mut rows, first);
            } else {
                match op {
                    DW_LNS_COPY => emit(&mut st, &mut rows, first),
                    DW_LNS_ADVANCE_PC => {
                        let n = input.read_uleb128()?;
                        st.addr = st.addr.wrapping_add(min_len.wrapping_mul(n));
                    }
                    DW_LNS_ADVANCE_LINE => {
                        let n = input.read_sleb128()?;
                        st.line = (i64::from(st.line).wrapping_add(n)) as u32;
                    }
                    DW_LNS_SET_FILE => {
                        st.file = u32::try_from(input.read_uleb128()?).unwrap_or(u32::MAX)
                    }
                    DW_LNS_SET_COLUMN => st.column = input.read_uleb128()? as u32,
                    DW_LNS_CONST_ADD_PC => {
                        let adj = 255u64.saturating_sub(opcode_base);
                        st.addr = st.addr.wrapping_add(min_len.wrapping_mul(adj / line_range));
                    }
                    DW_LNS_FIXED_ADVANCE_PC => {
                        st.addr = st.addr.wrapping_add(u64::from(input.read_u16()?));
                    }
                    DW_LNS_NEGATE_STMT
                    | DW_LNS_SET_BASIC_BLOCK
                    | DW_LNS_SET_PROLOGUE_END
                    | DW_LNS_SET_EPILOGUE_BEGIN => {}
                    DW_LNS_SET_ISA => {
                        input.read_uleb128()?;
                    }
                    _ => {
                        // An opcode this reader does not know: skip its ULEB operands.
                        let mut lengths = header.standard_opcode_lengths().clone();
                        lengths.skip(usize::from(op - 1))?;
                        for _ in 0..lengths.read_u8()? {
                            input.read_uleb128()?;
                        }
                    }
                }
            }
        }
        // Rows after the last end of a sequence belong to none.
        rows.truncate(first);
        if let Keep::At(_) = keep {
            let mut scratch = std::mem::take(&mut rows);
            scratch.clear();
            SCRATCH.with(|s| *s.borrow_mut() = scratch);
            if let (Some(seq), Some(row)) = (best, best_row) {
                rows.push(row);
                sequences.push(Sequence {
                    first: 0,
                    last: 1,
                    ..seq
                });
            }
        }
        sequences.sort_by_key(|s| s.start);
        Ok(LineTable {
            files,
            sequences,
            rows,
        })
    }

    /// The row covering `addr`: in the sequence holding it, the last row at or below it,
    /// found by the same binary search as LLVM's `findRowInSeq` (libstdc++
    /// `upper_bound` over all rows but the first, minus one). On sorted rows that is
    /// plainly the last row at or below `addr` (addr2line's answer too); on the unsorted
    /// rows of assembly units with backward address advances, it is LLVM's answer.
    pub(crate) fn find(&self, addr: u64) -> Option<&Row> {
        let idx = self.sequences.partition_point(|s| s.start <= addr);
        let seq = self.sequences[..idx].iter().rev().find(|s| addr < s.end)?;
        find_in(&self.rows[seq.first..seq.last], addr)
    }

    /// The address ranges of the sequences.
    pub(crate) fn ranges(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.sequences.iter().map(|s| (s.start, s.end))
    }

    /// Every row with the address where its code ends: the next higher row address of
    /// its sequence, or the sequence's end. Rows are taken in address order within each
    /// sequence (assembly units jump between sections and back, so program order is not
    /// address order); a row followed by another at the same address covers nothing.
    pub(crate) fn spans(&self) -> impl Iterator<Item = (&Row, u64)> + '_ {
        self.sequences.iter().flat_map(|s| {
            let mut order: Vec<&Row> = self.rows[s.first..s.last].iter().collect();
            order.sort_by_key(|r| r.addr);
            let ends: Vec<u64> = order
                .iter()
                .skip(1)
                .map(|r| r.addr)
                .chain([s.end.max(order.last().map_or(0, |r| r.addr))])
                .collect();
            order.into_iter().zip(ends)
        })
    }

    /// The rendered name of file entry `index` of `unit` (the unit this table was
    /// built from).
    pub(crate) fn file(&self, unit: gimli::UnitRef<'_, Reader>, index: u32) -> Option<&str> {
        self.files
            .get(usize::try_from(index).ok()?)?
            .get_or_init(|| Self::render(unit, u64::from(index)).ok().flatten())
            .as_deref()
    }
}

/// The row of one sequence's `rows` covering `addr` (see [`LineTable::find`]).
fn find_in(rows: &[Row], addr: u64) -> Option<&Row> {
    let (mut first, mut len) = (1usize, rows.len().saturating_sub(1));
    while len > 0 {
        let half = len / 2;
        let middle = first + half;
        if addr < rows[middle].addr {
            len = half;
        } else {
            first = middle + 1;
            len = len - half - 1;
        }
    }
    rows.get(first - 1)
}
