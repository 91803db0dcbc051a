//! Reading a symbol map the way `scripts/kallsyms` does, and choosing the symbols it keeps.
//!
//! Two generations of the tool read and select differently ([`Rules`]):
//! - 6.1 reads its input with `fscanf(in, "%llx %c %2048s\n", ...)` in a loop that runs
//!   until end of file, so the input is really a stream of whitespace-separated fields,
//!   not of lines: a line with two fields takes its name from the next line. A drop-in
//!   replacement has to read malformed input the same way, so `Scanner` emulates glibc's
//!   `fscanf` and `fgets` for exactly these directives. The tool itself drops
//!   compiler-generated names (`is_ignored_symbol`).
//! - 6.4 and later read one line at a time with `getline` and stop at the first malformed
//!   line (`line format error`, see [`super::lines`]); the name filters moved to
//!   `scripts/mksysmap`, which `link-vmlinux.sh` runs before the tool, so the tool keeps
//!   `U`, `N`, `w` and `kallsyms_*` symbols it is given; without `--all-symbols` it also
//!   keeps `__start_*`/`__stop_*` outside the text ranges, and an empty table is no error.
//!
//! Then come the kernel's filters (text ranges, percpu symbols) and its address sort.

use super::Layout;

/// Which kernel's map reading and symbol selection to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Rules {
    /// Linux 6.1 to 6.3: `fscanf` fields, the tool's own name filters, `No valid symbol.`
    #[default]
    V6_1,
    /// Linux 6.4 and later: `getline` lines, `mksysmap` does the name filtering,
    /// `__start_*`/`__stop_*` always kept.
    V6_4,
}

impl Rules {
    /// The rules of the kernels that write `layout`.
    pub fn of(layout: Layout) -> Rules {
        if layout >= Layout::V6_4 {
            Rules::V6_4
        } else {
            Rules::V6_1
        }
    }
}

/// One symbol as `scripts/kallsyms` holds it: the type letter travels with the name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapSymbol {
    /// The address from the map.
    pub addr: u64,
    /// The type letter (`'A'` for percpu symbols made absolute).
    pub kind: u8,
    /// The name bytes (no NUL; any other byte is kept as read).
    pub name: Vec<u8>,
    /// True when `--absolute-percpu` made this symbol absolute.
    pub percpu_absolute: bool,
    /// Position in the input, the last sort key.
    pub(crate) start_pos: u32,
}

/// An address range named by two symbols (`_stext`/`_etext`, ...).
#[derive(Clone, Copy, Debug)]
pub(crate) struct AddrRange {
    start_sym: &'static [u8],
    end_sym: &'static [u8],
    pub(crate) start: u64,
    pub(crate) end: u64,
}

impl AddrRange {
    fn contains(&self, addr: u64) -> bool {
        addr >= self.start && addr <= self.end
    }
}

/// What reading the map found, before filtering.
#[derive(Debug)]
pub struct MapRead {
    /// Symbols that passed the name/type filters, in input order.
    pub symbols: Vec<MapSymbol>,
    /// The address of `_text` (0 when the map has none).
    pub text: u64,
    pub(crate) text_ranges: [AddrRange; 2],
    pub(crate) percpu: AddrRange,
    /// Messages the C tool prints on stderr while reading, in order.
    pub diagnostics: Vec<String>,
    /// The selection rules the map was read with.
    pub rules: Rules,
}

/// The kernel's name limit (`KSYM_NAME_LEN`): names of this length or longer are dropped.
pub const KSYM_NAME_LEN: usize = 512;
/// The `fscanf` field width for names (`KSYM_NAME_LEN_BUFFER`).
const NAME_BUFFER: usize = 2048;

/// glibc `stdio` reading over a byte slice: the subset `read_symbol()` uses.
struct Scanner<'a> {
    data: &'a [u8],
    pos: usize,
    eof: bool,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `fscanf` result: `Err(())` is `EOF` (input failure before any conversion).
type Scan = Result<(u64, u8, Vec<u8>), Result<u8, ()>>;

impl Scanner<'_> {
    fn peek(&mut self) -> Option<u8> {
        let c = self.data.get(self.pos).copied();
        if c.is_none() {
            self.eof = true;
        }
        c
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if !is_space(c) {
                break;
            }
            self.pos += 1;
        }
    }

    /// `%llx`: optional sign, optional `0x`, hex digits; `strtoull` saturation.
    fn hex(&mut self) -> Option<u64> {
        let mut neg = false;
        if let Some(c @ (b'+' | b'-')) = self.peek() {
            neg = c == b'-';
            self.pos += 1;
        }
        let mut any = false;
        if self.peek() == Some(b'0') {
            self.pos += 1;
            any = true;
            if matches!(self.peek(), Some(b'x' | b'X')) {
                self.pos += 1;
            }
        }
        let mut value: u64 = 0;
        let mut overflow = false;
        while let Some(d) = self.peek().and_then(|c| (c as char).to_digit(16)) {
            self.pos += 1;
            any = true;
            match value
                .checked_mul(16)
                .and_then(|v| v.checked_add(u64::from(d)))
            {
                Some(v) => value = v,
                None => overflow = true,
            }
        }
        if !any {
            return None;
        }
        if overflow {
            value = u64::MAX;
        } else if neg {
            value = value.wrapping_neg();
        }
        Some(value)
    }

    /// `fscanf(in, "%llx %c %2048s\n", ...)`: the fields, or how many matched.
    fn read_symbol_fields(&mut self) -> Scan {
        self.skip_space();
        if self.peek().is_none() {
            return Err(Err(()));
        }
        let Some(addr) = self.hex() else {
            return Err(Ok(0));
        };
        self.skip_space();
        let Some(kind) = self.peek() else {
            return Err(Ok(1));
        };
        self.pos += 1;
        self.skip_space();
        let start = self.pos;
        while self.pos - start < NAME_BUFFER {
            match self.peek() {
                Some(c) if !is_space(c) => self.pos += 1,
                _ => break,
            }
        }
        if self.pos == start {
            return Err(Ok(2));
        }
        let mut name = self.data[start..self.pos].to_vec();
        if let Some(nul) = name.iter().position(|&c| c == 0) {
            name.truncate(nul);
        }
        self.skip_space();
        Ok((addr, kind, name))
    }

    /// `fgets(buf, 2049, in) != NULL`: consume up to 2048 bytes or through a newline.
    fn fgets(&mut self) -> bool {
        let mut n = 0;
        while n < NAME_BUFFER {
            match self.peek() {
                None => break,
                Some(c) => {
                    self.pos += 1;
                    n += 1;
                    if c == b'\n' {
                        break;
                    }
                }
            }
        }
        n > 0
    }
}

/// `is_ignored_symbol()` of Linux 6.1 (the same list through 7.0).
pub(crate) fn is_ignored_symbol(name: &[u8], kind: u8) -> bool {
    const IGNORED: &[&[u8]] = &[
        b"kallsyms_addresses",
        b"kallsyms_offsets",
        b"kallsyms_relative_base",
        b"kallsyms_num_syms",
        b"kallsyms_names",
        b"kallsyms_markers",
        b"kallsyms_token_table",
        b"kallsyms_token_index",
        b"kallsyms_seqs_of_names",
        b"_SDA_BASE_",
        b"_SDA2_BASE_",
    ];
    const PREFIXES: &[&[u8]] = &[
        b"__efistub_",
        b"__kvm_nvhe_$",
        b"__kvm_nvhe_.L",
        b"__AArch64ADRPThunk_",
        b"__ARMV5PILongThunk_",
        b"__ARMV7PILongThunk_",
        b"__ThumbV7PILongThunk_",
        b"__LA25Thunk_",
        b"__microLA25Thunk_",
        b"__kcfi_typeid_",
    ];
    const SUFFIXES: &[&[u8]] = &[b"_from_arm", b"_from_thumb", b"_veneer"];
    const MATCHES: &[&[u8]] = &[b".long_branch.", b".plt_branch."];
    IGNORED.contains(&name)
        || PREFIXES.iter().any(|p| name.starts_with(p))
        || SUFFIXES.iter().any(|s| name.ends_with(s))
        || MATCHES
            .iter()
            .any(|m| name.windows(m.len()).any(|w| w == *m))
        || matches!(kind, b'U' | b'u' | b'N' | b'n')
        || is_ignored_absolute(name, kind)
}

/// The absolute symbols every version drops: all but a few useful ones.
fn is_ignored_absolute(name: &[u8], kind: u8) -> bool {
    const KEEP_ABSOLUTE: &[&[u8]] = &[
        b"__kernel_syscall_via_break",
        b"__kernel_syscall_via_epc",
        b"__kernel_sigtramp",
        b"__gp",
    ];
    kind.eq_ignore_ascii_case(&b'A') && !KEEP_ABSOLUTE.contains(&name)
}

/// `is_ignored_symbol()` of Linux 6.4 and later: `u` and `n` types and most absolute
/// symbols (`scripts/mksysmap` drops the rest before the tool runs).
pub(crate) fn is_ignored_symbol_6_4(name: &[u8], kind: u8) -> bool {
    matches!(kind, b'u' | b'n') || is_ignored_absolute(name, kind)
}

impl MapRead {
    /// An empty map read under `rules`.
    pub(crate) fn new(rules: Rules) -> MapRead {
        MapRead {
            symbols: Vec::new(),
            text: 0,
            text_ranges: [
                AddrRange {
                    start_sym: b"_stext",
                    end_sym: b"_etext",
                    start: 0,
                    end: 0,
                },
                AddrRange {
                    start_sym: b"_sinittext",
                    end_sym: b"_einittext",
                    start: 0,
                    end: 0,
                },
            ],
            percpu: AddrRange {
                start_sym: b"__per_cpu_start",
                end_sym: b"__per_cpu_end",
                start: u64::MAX,
                end: 0,
            },
            diagnostics: Vec::new(),
            rules,
        }
    }

    /// The part of `read_symbol()` after the fields are read, and `read_map()`'s append:
    /// the name limit, `_text`, the ignore rules of [`Self::rules`] and the ranges.
    pub(crate) fn add(&mut self, addr: u64, kind: u8, name: Vec<u8>) {
        if name.len() >= KSYM_NAME_LEN {
            self.diagnostics.push(format!(
                "Symbol {} too long for kallsyms ({} >= {KSYM_NAME_LEN}).\n\
                 Please increase KSYM_NAME_LEN both in kernel and kallsyms.c",
                String::from_utf8_lossy(&name),
                name.len()
            ));
            return;
        }
        if name == b"_text" {
            self.text = addr;
        }
        let ignored = match self.rules {
            Rules::V6_1 => is_ignored_symbol(&name, kind),
            Rules::V6_4 => is_ignored_symbol_6_4(&name, kind),
        };
        if ignored {
            return;
        }
        check_symbol_range(&name, addr, &mut self.text_ranges);
        check_symbol_range(&name, addr, std::slice::from_mut(&mut self.percpu));
        let start_pos = self.symbols.len() as u32;
        self.symbols.push(MapSymbol {
            addr,
            kind,
            name,
            percpu_absolute: false,
            start_pos,
        });
    }
}

/// Read `data` as the tool of `rules` does; `Err` holds what it printed on stderr before
/// stopping with status 1 (6.4 and later stop at a malformed line).
pub fn read_map_with(data: &[u8], rules: Rules) -> Result<MapRead, Vec<String>> {
    match rules {
        Rules::V6_1 => Ok(read_map(data)),
        Rules::V6_4 => super::lines::read_map(data),
    }
}

/// `read_map()` of 6.1: read every symbol of `data`, dropping ignored ones and recording
/// ranges.
pub fn read_map(data: &[u8]) -> MapRead {
    let mut map = MapRead::new(Rules::V6_1);
    let mut sc = Scanner {
        data,
        pos: 0,
        eof: false,
    };
    while !sc.eof {
        let (addr, kind, name) = match sc.read_symbol_fields() {
            Ok(f) => f,
            Err(Err(())) => continue,
            Err(Ok(_)) => {
                if !sc.fgets() {
                    map.diagnostics.push("Read error or end of file.".into());
                }
                continue;
            }
        };
        map.add(addr, kind, name);
    }
    map
}

fn check_symbol_range(name: &[u8], addr: u64, ranges: &mut [AddrRange]) {
    for r in ranges {
        if name == r.start_sym {
            r.start = addr;
            return;
        } else if name == r.end_sym {
            r.end = addr;
            return;
        }
    }
}

/// `shrink_table()`: without `--all-symbols`, keep only symbols inside the text ranges,
/// minus those at `_etext`/`_einittext` that are not those markers themselves (from 6.4,
/// `__start_*` and `__stop_*` are kept wherever they are).
pub fn shrink(map: &mut MapRead, all_symbols: bool) {
    if all_symbols {
        return;
    }
    let [text, init] = map.text_ranges;
    let bounds = map.rules == Rules::V6_4;
    map.symbols.retain(|s| {
        if bounds && (s.name.starts_with(b"__start_") || s.name.starts_with(b"__stop_")) {
            return true;
        }
        (text.contains(s.addr) || init.contains(s.addr))
            && !(s.addr == text.end && s.name != text.end_sym)
            && !(s.addr == init.end && s.name != init.end_sym)
    });
}

/// `make_percpus_absolute()`: percpu symbols get type `A` and absolute addresses.
pub fn make_percpus_absolute(map: &mut MapRead) {
    let percpu = map.percpu;
    for s in &mut map.symbols {
        if percpu.contains(s.addr) {
            s.kind = b'A';
            s.percpu_absolute = true;
        }
    }
}

/// `may_be_linker_script_provide_symbol()`.
fn linker_provided(name: &[u8]) -> bool {
    let len = name.len();
    if len < 8 || !name.starts_with(b"__") {
        return false;
    }
    let rest = &name[2..];
    rest.starts_with(b"start_")
        || rest.starts_with(b"stop_")
        || rest.starts_with(b"end_")
        || name.ends_with(b"_start")
        || name.ends_with(b"_end")
}

/// `sort_symbols()`: by address, then non-weak first, then not linker-provided first,
/// then fewer leading underscores, then input order. The order is total, so any sort
/// gives the C tool's result whatever its `qsort` does with ties.
pub fn sort_symbols(symbols: &mut [MapSymbol]) {
    symbols.sort_unstable_by(|a, b| {
        let weak = |s: &MapSymbol| matches!(s.kind, b'w' | b'W');
        let unders = |s: &MapSymbol| s.name.iter().take_while(|&&c| c == b'_').count();
        a.addr
            .cmp(&b.addr)
            .then(weak(a).cmp(&weak(b)))
            .then(linker_provided(&a.name).cmp(&linker_provided(&b.name)))
            .then(unders(a).cmp(&unders(b)))
            .then(a.start_pos.cmp(&b.start_pos))
    });
}

/// `record_relative_base()`: the lowest address that is not absolute (0 if none).
pub fn relative_base(symbols: &[MapSymbol]) -> u64 {
    symbols
        .iter()
        .find(|s| !s.percpu_absolute)
        .map_or(0, |s| s.addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(data: &[u8]) -> Vec<(u64, u8, String)> {
        read_map(data)
            .symbols
            .into_iter()
            .map(|s| {
                (
                    s.addr,
                    s.kind,
                    String::from_utf8_lossy(&s.name).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn fields_are_a_stream() {
        // A line without a name takes the next line's address as its name, as fscanf does.
        let got = names(b"10 t a\n20 t\n30 t c\n");
        assert_eq!(got[0], (0x10, b't', "a".into()));
        assert_eq!(got[1], (0x20, b't', "30".into()));
    }

    #[test]
    fn bad_address_skips_rest_of_line() {
        let m = read_map(b"zz t a\n10 t b\n");
        assert_eq!(m.symbols.len(), 1);
        assert_eq!(m.symbols[0].name, b"b");
    }

    #[test]
    fn missing_fields_at_end() {
        let m = read_map(b"10 t a\n20 t");
        assert_eq!(m.symbols.len(), 1);
        assert_eq!(m.diagnostics, ["Read error or end of file."]);
    }

    #[test]
    fn hex_forms() {
        let got = names(b"0x10 t a\n-1 t b\nfffffffffffffffff t c\n");
        assert_eq!(got[0].0, 0x10);
        assert_eq!(got[1].0, u64::MAX);
        assert_eq!(got[2].0, u64::MAX);
    }

    #[test]
    fn ignored() {
        assert!(is_ignored_symbol(b"kallsyms_names", b'T'));
        assert!(is_ignored_symbol(b"__efistub_foo", b'T'));
        assert!(is_ignored_symbol(b"foo_veneer", b'T'));
        assert!(is_ignored_symbol(b"a.long_branch.b", b'T'));
        assert!(is_ignored_symbol(b"foo", b'a'));
        assert!(!is_ignored_symbol(b"__gp", b'A'));
        assert!(!is_ignored_symbol(b"foo", b'T'));
    }
}
