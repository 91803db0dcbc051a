//! The unit index: which DWARF unit holds which addresses, and its on-disk cache.
//!
//! Placing an address in its unit needs every unit's ranges: from `.debug_aranges` where
//! the compiler wrote it (GCC), else from each unit's root DIE (`DW_AT_ranges`,
//! `DW_AT_low_pc`/`high_pc`; Clang writes no `.debug_aranges` by default). On a vmlinux
//! that is a walk over thousands of unit headers spread over hundreds of MB, which costs
//! more than answering one address. The walk's result is therefore kept in a small cache
//! file and read back the next time the same file is opened.
//!
//! # Cache location
//!
//! `$KSYM_CACHE_DIR` when set (an empty value turns the cache off), else
//! `$XDG_CACHE_HOME/ksym`, else `$HOME/.cache/ksym`. One file per object path,
//! `<FNV-1a 64 of the canonical path, 16 hex digits>.units`; a rebuilt object replaces
//! its file. Only objects with at least [`MIN_CACHED_INFO`] bytes of `.debug_info` are
//! cached (smaller ones are walked faster than a file is read). Failing to read or write
//! the cache is never an error: the walk runs instead. A cache file is opened with
//! `O_NOFOLLOW|O_NONBLOCK` and read only when it is a regular file of at most
//! [`MAX_CACHE_FILE`] bytes; it is written to a private temporary file (random name,
//! `O_EXCL|O_NOFOLLOW`, mode 0600) renamed into place.
//!
//! # Cache size
//!
//! The directory's ksym files (`<16 hex digits>.units` and `.symbols`) are kept within
//! `$KSYM_CACHE_MAX` bytes (a number, or one with a `K`, `M` or `G` suffix, powers of
//! 1024; default [`DEFAULT_CACHE_MAX`], 1 GiB: the indexes of about 250 distribution
//! kernels, 4.2 MB each for Debian's 6.1 vmlinux). After each file written, the least
//! recently used are removed until the total fits, never the files of the object just
//! written. A file read and found valid is marked used (its modification time moves to
//! now, at most once an hour), so "least recently used" is "oldest modification time".
//! Temporary files left by a process that died while writing (`.cache-*.tmp`) are removed
//! when over an hour old. Nothing else in the directory is touched, symbolic links are
//! never followed, and at most [`MAX_PRUNE_SCAN`] entries are looked at.
//!
//! # What identifies the object
//!
//! The file the DWARF is read from, as the descriptor that was mapped says (`fstat`, not a
//! second look at the path, which may name another file by then): size, modification
//! and change times (the change time moves on every write and cannot be set back, so a
//! file rewritten in place with its old size and modification time is told apart), inode
//! and device; the size of `.debug_info`; and a digest of the content: of the GNU build
//! id note when the object has one, else of the first and last 64 KiB of `.debug_info`.
//! When a lookup fails with an index read from the cache, the index is walked again,
//! used, and written back over the cache file: a cache never makes ksym blame the object.
//!
//! # File format, version 2
//!
//! Little-endian throughout.
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `KSYMUNIT` |
//! | 8 | 4 | format version, 2 |
//! | 12 | 4 | producer: FNV-1a 32 of ksym's version string |
//! | 16 | 8 | object file size in bytes |
//! | 24 | 8 | object modification time, seconds since the epoch (signed) |
//! | 32 | 4 | object modification time, nanoseconds |
//! | 36 | 4 | object change time, nanoseconds |
//! | 40 | 8 | object inode number |
//! | 48 | 8 | object device number |
//! | 56 | 8 | size of `.debug_info` as loaded |
//! | 64 | 8 | object change time, seconds since the epoch (signed) |
//! | 72 | 8 | content digest: FNV-1a 64 of the build id, else of `.debug_info`'s ends |
//! | 80 | 4 | U, number of units |
//! | 84 | 4 | R, number of ranges |
//! | 88 | 4 | L, number of units without a declared range |
//! | 92 | 4 | reserved, 0 |
//! | 96 | 8·U | `.debug_info` offset of each unit (type units left out), ascending |
//! | | 20·R | ranges: begin (8), end (8, exclusive), unit number (4, into the list above) |
//! | | 4·L | unit numbers of the units without a declared range, ascending |
//! | | 8 | FNV-1a 64 of every byte before it |
//!
//! A file is used only when every field checks: magic, version, producer, the object's
//! identity as above, the counts against the file length, ascending unit offsets inside
//! `.debug_info`, unit numbers in range, `begin < end`, and the checksum. Anything else
//! is a stale or damaged file: it is ignored and rewritten.
//!
//! Example: a vmlinux with 2 units at `.debug_info` offsets 0 and 0x186, the first
//! holding `[0xffffffff81000000, 0xffffffff81000100)`, the second declaring no range, is
//! 96 + 16 + 20 + 4 + 8 = 144 bytes: U=2, R=1, L=1; offsets `0`, `0x186`; one range
//! `0xffffffff81000000 0xffffffff81000100 0`; rangeless `1`; checksum.
//!
//! Lookup with the index: ranges sorted by `(end, unit)` (as gimli's addr2line sorts
//! them); the units whose ranges hold an address come from a binary search on `end`; a
//! unit's header is read from its offset when first needed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gimli::{AttributeValue, Reader as _, UnitOffset};

use super::context::Reader;
use super::funcs::RangeAttrs;
use super::{fnv1a64, Error, ErrorKind, IndexCache};

/// `.debug_info` size from which the unit index is cached (smaller objects are walked).
pub(crate) const MIN_CACHED_INFO: usize = 1 << 20;

const MAGIC: &[u8; 8] = b"KSYMUNIT";
const VERSION: u32 = 2;
const HEADER: usize = 96;
/// Bytes of identity in the header (offsets 16 to 80).
const ID: usize = 64;

/// The largest cache file read: 64 MiB (a vmlinux's is under 1 MiB).
pub(crate) const MAX_CACHE_FILE: u64 = 64 << 20;

/// The cache directory's size limit when `$KSYM_CACHE_MAX` does not say: 1 GiB.
pub(crate) const DEFAULT_CACHE_MAX: u64 = 1 << 30;

/// The most directory entries one pruning looks at.
pub(crate) const MAX_PRUNE_SCAN: usize = 100_000;

/// The extension of a unit index's cache file.
pub(crate) const UNITS: &str = "units";
/// The extension of a symbol indexes' cache file (`super::symbols`).
pub(crate) const SYMBOLS: &str = "symbols";

/// A cache file being written is named `.cache-<random>.tmp`.
const TEMP_PREFIX: &str = ".cache-";
const TEMP_SUFFIX: &str = ".tmp";

/// How often a valid cache file's modification time is moved when it is read.
const USE_MARK: std::time::Duration = std::time::Duration::from_secs(3600);

/// One unit's address range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Range {
    pub begin: u64,
    pub end: u64,
    /// Index into [`UnitIndex::offsets`].
    pub unit: usize,
}

/// Every unit of an object, and the addresses each declares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct UnitIndex {
    /// `.debug_info` offsets of the units, type units left out, ascending.
    pub offsets: Vec<usize>,
    /// Declared ranges (`.debug_aranges`, else the root DIE's).
    pub ranges: Vec<Range>,
    /// Units that declare no range (placed later by their line sequences).
    pub rangeless: Vec<usize>,
}

/// Walk every unit header: the index, and the headers read on the way (by unit).
pub(crate) fn walk(
    dwarf: &gimli::Dwarf<Reader>,
) -> Result<(UnitIndex, Vec<gimli::UnitHeader<Reader>>), Error> {
    let mut aranges = Vec::new();
    let mut sets = dwarf.debug_aranges.headers();
    // A damaged .debug_aranges only costs speed: units it fails to place are placed by
    // their root DIEs.
    while let Ok(Some(set)) = sets.next() {
        aranges.push((set.debug_info_offset().0, set.offset()));
    }
    aranges.sort_unstable_by_key(|a| a.0);

    let mut index = UnitIndex::default();
    let mut headers_out = Vec::new();
    // Root abbreviations by (table offset, code): the units of one LTO module share one.
    let mut roots = std::collections::HashMap::new();
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
        let unit = index.offsets.len();
        let ranges = &mut index.ranges;
        let mut push = |begin, end| ranges.push(Range { begin, end, unit });
        if wants_range
            && !arange_ranges(dwarf, &aranges, offset.0, &mut push).unwrap_or(false)
            && !root_ranges(dwarf, &header, &mut roots, &mut push).unwrap_or(false)
        {
            // Type-only units of LTO kernels (over half of them) have no range;
            // running their line programs now would cost more than the lookups.
            index.rangeless.push(unit);
        }
        index.offsets.push(offset.0);
        headers_out.push(header);
    }
    Ok((index, headers_out))
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
    roots: &mut RootAbbrevs,
    push: &mut impl FnMut(u64, u64),
) -> Result<bool, Error> {
    let code = header
        .range_from(UnitOffset(header.header_size())..)?
        .read_uleb128()?;
    let key = (header.debug_abbrev_offset().0, code);
    let abbreviations = match roots.get(&key) {
        Some(a) => Arc::clone(a),
        None => {
            let a = Arc::new(root_abbreviation(dwarf, header, code)?);
            roots.insert(key, Arc::clone(&a));
            a
        }
    };
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
    // The range attributes are read once the bases they may refer to are known.
    let mut range_attrs = Vec::new();
    {
        let mut cursor = unit.header.entries(&unit.abbreviations);
        cursor.next_dfs()?;
        let root = cursor
            .current()
            .ok_or_else(|| Error::new(ErrorKind::Malformed, "unit without a root DIE"))?;
        for attr in root.attrs() {
            if matches!(
                attr.name(),
                gimli::DW_AT_low_pc | gimli::DW_AT_high_pc | gimli::DW_AT_ranges
            ) {
                range_attrs.push(attr.clone());
            }
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
    let unit = gimli::UnitRef::new(dwarf, &unit);
    let mut ranges = RangeAttrs::default();
    for attr in &range_attrs {
        ranges.read(unit, attr)?;
    }
    ranges.each(unit, push)
}

/// Root abbreviation tables by (`.debug_abbrev` offset, code).
type RootAbbrevs = std::collections::HashMap<(usize, u64), Arc<gimli::Abbreviations>>;

/// An abbreviation table holding only the declaration (`code`) the unit's root DIE uses.
fn root_abbreviation(
    dwarf: &gimli::Dwarf<Reader>,
    header: &gimli::UnitHeader<Reader>,
    code: u64,
) -> Result<gimli::Abbreviations, Error> {
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

// --- the cache ------------------------------------------------------------------------

/// The cache directory, or `None` when caching is off or no home is known.
pub(crate) fn cache_dir(cache: &IndexCache) -> Option<PathBuf> {
    match cache {
        IndexCache::Off => return None,
        IndexCache::Dir(d) => return Some(d.clone()),
        IndexCache::FromEnv => {}
    }
    if let Some(dir) = std::env::var_os("KSYM_CACHE_DIR") {
        return (!dir.is_empty()).then(|| PathBuf::from(dir));
    }
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|x| !x.is_empty()) {
        return Some(PathBuf::from(x).join("ksym"));
    }
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
    Some(PathBuf::from(home).join(".cache").join("ksym"))
}

fn fnv32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// What identifies the object a cache file describes: the header's bytes 16..80.
fn identity((file, build_id): &(symtab::input::FileId, Option<Vec<u8>>), info: &[u8]) -> [u8; ID] {
    let digest = match build_id {
        Some(id) => fnv1a64(id),
        None => {
            let n = info.len().min(64 << 10);
            let mut ends = info[..n].to_vec();
            ends.extend_from_slice(&info[info.len() - n..]);
            fnv1a64(&ends)
        }
    };
    let mut id = [0u8; ID];
    id[0..8].copy_from_slice(&file.size.to_le_bytes());
    id[8..16].copy_from_slice(&file.mtime.to_le_bytes());
    id[16..20].copy_from_slice(&(file.mtime_nsec as u32).to_le_bytes());
    id[20..24].copy_from_slice(&(file.ctime_nsec as u32).to_le_bytes());
    id[24..32].copy_from_slice(&file.ino.to_le_bytes());
    id[32..40].copy_from_slice(&file.dev.to_le_bytes());
    id[40..48].copy_from_slice(&(info.len() as u64).to_le_bytes());
    id[48..56].copy_from_slice(&file.ctime.to_le_bytes());
    id[56..64].copy_from_slice(&digest.to_le_bytes());
    id
}

pub(crate) fn producer() -> u32 {
    fnv32(env!("CARGO_PKG_VERSION").as_bytes())
}

/// One object's cache file: where it is, and what identifies the object now.
pub(crate) struct CacheFile {
    path: PathBuf,
    id: [u8; ID],
    info_len: usize,
}

impl CacheFile {
    /// The cache file in `dir` for `object`, whose DWARF comes from the file `source`
    /// describes (`fstat` of its mapped descriptor, its build id) and whose `.debug_info`
    /// is `info`; `None` when the object is too small to cache or cannot be named.
    pub(crate) fn new(
        dir: &Path,
        object: &Path,
        source: &(symtab::input::FileId, Option<Vec<u8>>),
        info: &[u8],
    ) -> Option<CacheFile> {
        if info.len() < MIN_CACHED_INFO {
            return None;
        }
        CacheFile::named(dir, object, UNITS, source, info)
    }

    /// The file in `dir` keeping other indexes of `object` (its symbols': see
    /// `super::symbols`), named with `extension` instead of `units`, identified as the
    /// unit index's file is, with `region` (bytes of the file the indexes describe) in the
    /// place of `.debug_info`.
    pub(crate) fn named(
        dir: &Path,
        object: &Path,
        extension: &str,
        source: &(symtab::input::FileId, Option<Vec<u8>>),
        region: &[u8],
    ) -> Option<CacheFile> {
        let canonical = std::fs::canonicalize(object).ok()?;
        let name = format!(
            "{:016x}.{extension}",
            fnv1a64(canonical.as_os_str().as_encoded_bytes())
        );
        Some(CacheFile {
            path: dir.join(name),
            id: identity(source, region),
            info_len: region.len(),
        })
    }

    /// What identifies the object now (the header's bytes 16..80 of a unit index file).
    pub(crate) fn id(&self) -> &[u8; ID] {
        &self.id
    }

    /// What `decode` makes of the file's bytes, when the file exists, is a regular file of
    /// a sane size, and `decode` accepts it (it checks every field); the file is then
    /// marked used (see "Cache size" above).
    pub(crate) fn read<T>(&self, decode: impl FnOnce(&[u8]) -> Option<T>) -> Option<T> {
        let bytes = symtab::input::map_own_file(&self.path, MAX_CACHE_FILE).ok()?;
        let value = decode(&bytes)?;
        symtab::input::touch_own_file(&self.path, USE_MARK);
        Some(value)
    }

    /// The cached index, when the file exists, is a regular file of a sane size, and
    /// every field checks.
    pub(crate) fn load(&self) -> Option<UnitIndex> {
        self.read(|b| decode(b, &self.id, self.info_len))
    }

    /// Keep `index` for the next opening of the object; failures are ignored.
    pub(crate) fn store(&self, index: &UnitIndex) {
        if let Some(bytes) = encode(index, &self.id) {
            self.store_bytes(&bytes);
        }
    }

    /// Replace the file with `bytes`, atomically, then keep the directory within its size
    /// limit ([`prune`]); failures are ignored.
    pub(crate) fn store_bytes(&self, bytes: &[u8]) {
        use std::io::Write as _;
        let Some(dir) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        // Write aside in a private file, then rename: readers see a whole file or none.
        let Ok((mut file, tmp)) = symtab::input::create_private(dir, TEMP_PREFIX, TEMP_SUFFIX)
        else {
            return;
        };
        if file.write_all(bytes).is_err() || std::fs::rename(&tmp, &self.path).is_err() {
            let _ = std::fs::remove_file(&tmp);
            return;
        }
        prune(dir, &self.path, cache_limit());
    }
}

/// The cache directory's size limit: `$KSYM_CACHE_MAX` when it is a number of bytes,
/// optionally with a `K`, `M` or `G` suffix, else [`DEFAULT_CACHE_MAX`].
pub(crate) fn cache_limit() -> u64 {
    std::env::var("KSYM_CACHE_MAX")
        .ok()
        .and_then(|v| parse_size(v.trim()))
        .unwrap_or(DEFAULT_CACHE_MAX)
}

fn parse_size(v: &str) -> Option<u64> {
    let (digits, shift) = match v.as_bytes().last()? {
        b'K' | b'k' => (&v[..v.len() - 1], 10),
        b'M' | b'm' => (&v[..v.len() - 1], 20),
        b'G' | b'g' => (&v[..v.len() - 1], 30),
        _ => (v, 0),
    };
    digits.parse::<u64>().ok()?.checked_mul(1 << shift)
}

/// Is `name` one ksym gives a cache file: 16 lowercase hex digits, `.units` or `.symbols`?
fn is_cache_name(name: &str) -> bool {
    name.split_once('.').is_some_and(|(hash, ext)| {
        hash.len() == 16
            && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            && (ext == UNITS || ext == SYMBOLS)
    })
}

/// Keep `dir`'s cache files within `limit` bytes, least recently used removed first,
/// never `keep` nor the other files of its object (same name, another extension); remove temporary files over an hour old (see "Cache size" above).
/// Failures are ignored: another process may be pruning the same directory.
pub(crate) fn prune(dir: &Path, keep: &Path, limit: u64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    let age = |m: &std::fs::Metadata| {
        m.modified()
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .unwrap_or_default()
    };
    let stem = |p: &Path| p.file_stem().map(|s| s.to_owned());
    let kept = stem(keep);
    let mut files = Vec::new();
    let mut total = 0u64;
    for entry in entries.take(MAX_PRUNE_SCAN).flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let temp = name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX);
        if !temp && !is_cache_name(name) {
            continue;
        }
        // The entry's own metadata: a symbolic link is a link, never its target.
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let path = entry.path();
        if temp {
            if age(&meta) > USE_MARK {
                let _ = std::fs::remove_file(&path);
            }
            continue;
        }
        total += meta.len();
        if stem(&path) != kept {
            files.push((age(&meta), meta.len(), path));
        }
    }
    // Oldest first.
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    for (_, len, path) in files {
        if total <= limit {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total -= len;
        }
    }
}

/// The checksum ending a cache file of several MiB: 8 bytes at a time (a byte-wise hash
/// would cost a good part of what the cache saves), the last partial word zero-padded,
/// the length folded in.
pub(crate) fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = symtab::objfile::u64_at(w, 0, true).unwrap_or_default();
        h = (h ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(27);
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    (h ^ symtab::objfile::u64_at(&last, 0, true).unwrap_or_default())
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The file's bytes (see the module documentation).
fn encode(index: &UnitIndex, id: &[u8; ID]) -> Option<Vec<u8>> {
    let count = |n: usize| u32::try_from(n).ok().map(u32::to_le_bytes);
    let mut b = Vec::with_capacity(
        HEADER + 8 * index.offsets.len() + 20 * index.ranges.len() + 4 * index.rangeless.len() + 8,
    );
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&VERSION.to_le_bytes());
    b.extend_from_slice(&producer().to_le_bytes());
    b.extend_from_slice(id);
    b.extend_from_slice(&count(index.offsets.len())?);
    b.extend_from_slice(&count(index.ranges.len())?);
    b.extend_from_slice(&count(index.rangeless.len())?);
    b.extend_from_slice(&0u32.to_le_bytes());
    for &o in &index.offsets {
        b.extend_from_slice(&(o as u64).to_le_bytes());
    }
    for r in &index.ranges {
        b.extend_from_slice(&r.begin.to_le_bytes());
        b.extend_from_slice(&r.end.to_le_bytes());
        b.extend_from_slice(&count(r.unit)?);
    }
    for &u in &index.rangeless {
        b.extend_from_slice(&count(u)?);
    }
    let sum = fnv1a64(&b);
    b.extend_from_slice(&sum.to_le_bytes());
    Some(b)
}

/// Read and check a cache file; `None` unless every field checks.
fn decode(b: &[u8], id: &[u8; ID], info_len: usize) -> Option<UnitIndex> {
    // The file is little endian whatever the machine.
    let u32_at = |at: usize| symtab::objfile::u32_at(b, at, true);
    let u64_at = |at: usize| symtab::objfile::u64_at(b, at, true);
    if b.get(0..8)? != MAGIC || u32_at(8)? != VERSION || u32_at(12)? != producer() {
        return None;
    }
    if b.get(16..16 + ID)? != id || u32_at(92)? != 0 {
        return None;
    }
    let (nu, nr, nl) = (
        u32_at(80)? as usize,
        u32_at(84)? as usize,
        u32_at(88)? as usize,
    );
    let end = HEADER
        .checked_add(nu.checked_mul(8)?)?
        .checked_add(nr.checked_mul(20)?)?
        .checked_add(nl.checked_mul(4)?)?;
    if b.len() != end.checked_add(8)? || u64_at(end)? != fnv1a64(&b[..end]) {
        return None;
    }
    let mut index = UnitIndex::default();
    let mut at = HEADER;
    for _ in 0..nu {
        let o = usize::try_from(u64_at(at)?).ok()?;
        if o >= info_len || index.offsets.last().is_some_and(|&p| o <= p) {
            return None;
        }
        index.offsets.push(o);
        at += 8;
    }
    for _ in 0..nr {
        let (begin, end, unit) = (u64_at(at)?, u64_at(at + 8)?, u32_at(at + 16)? as usize);
        if begin >= end || unit >= nu {
            return None;
        }
        index.ranges.push(Range { begin, end, unit });
        at += 20;
    }
    for _ in 0..nl {
        let u = u32_at(at)? as usize;
        if u >= nu || index.rangeless.last().is_some_and(|&p| u <= p) {
            return None;
        }
        index.rangeless.push(u);
        at += 4;
    }
    Some(index)
}

/// Fuzzing entry: `body` as a cache file's bytes after the magic, version and producer,
/// with its checksum appended and the identity it carries taken as the object's, so that
/// every check past the checksum is reached. A decoded index must keep its promises.
#[doc(hidden)]
pub fn fuzz_unit_cache(body: &[u8]) {
    let mut b = Vec::with_capacity(16 + body.len() + 8);
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&VERSION.to_le_bytes());
    b.extend_from_slice(&producer().to_le_bytes());
    b.extend_from_slice(body);
    let sum = fnv1a64(&b);
    b.extend_from_slice(&sum.to_le_bytes());
    let Some(id) = b
        .get(16..16 + ID)
        .and_then(|s| <[u8; ID]>::try_from(s).ok())
    else {
        return;
    };
    let info_len = 1 << 20;
    if let Some(index) = decode(&b, &id, info_len) {
        assert!(index.offsets.windows(2).all(|w| w[0] < w[1]));
        assert!(index.offsets.iter().all(|&o| o < info_len));
        let n = index.offsets.len();
        assert!(index.ranges.iter().all(|r| r.begin < r.end && r.unit < n));
        assert!(index.rangeless.iter().all(|&u| u < n));
        assert_eq!(encode(&index, &id).as_deref(), Some(b.as_slice()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> UnitIndex {
        UnitIndex {
            offsets: vec![0, 0x186],
            ranges: vec![Range {
                begin: 0xffff_ffff_8100_0000,
                end: 0xffff_ffff_8100_0100,
                unit: 0,
            }],
            rangeless: vec![1],
        }
    }

    #[test]
    fn round_trip_and_size() {
        let id = [7u8; ID];
        let b = encode(&example(), &id).unwrap();
        assert_eq!(b.len(), 144, "the documented example's size");
        assert_eq!(decode(&b, &id, 0x1000), Some(example()));
    }

    #[test]
    fn rejects_every_damage() {
        let id = [7u8; ID];
        let b = encode(&example(), &id).unwrap();
        // Another object, or a .debug_info too small for the offsets.
        assert_eq!(decode(&b, &[8u8; ID], 0x1000), None);
        assert_eq!(decode(&b, &id, 0x100), None);
        // Every truncation and every single-byte change is refused.
        for n in 0..b.len() {
            assert_eq!(decode(&b[..n], &id, 0x1000), None, "truncated to {n}");
            let mut c = b.clone();
            c[n] ^= 0x40;
            assert_eq!(decode(&c, &id, 0x1000), None, "byte {n} changed");
        }
    }

    #[test]
    fn sizes_and_names() {
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("64K"), Some(64 << 10));
        assert_eq!(parse_size("3m"), Some(3 << 20));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        for bad in ["", "G", "-1", "1T", "1.5G", "99999999999999999999G"] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
        assert!(is_cache_name("0123456789abcdef.units"));
        assert!(is_cache_name("0123456789abcdef.symbols"));
        for bad in [
            "0123456789ABCDEF.units",
            "0123456789abcde.units",
            "0123456789abcdef.txt",
        ] {
            assert!(!is_cache_name(bad), "{bad}");
        }
    }

    /// Least recently used first, down to the limit; the object just written and
    /// everything that is not a ksym cache file (other names, a symbolic link, a
    /// directory, a fresh temporary file) stay.
    #[test]
    fn prune_removes_least_recently_used_first() {
        use std::time::{Duration, SystemTime};
        let dir = std::env::temp_dir().join(format!("ksym-prune-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("eeeeeeeeeeeeeeee.units")).unwrap();
        let file = |name: &str, len: usize, hours: u64| {
            let path = dir.join(name);
            std::fs::write(&path, vec![0u8; len]).unwrap();
            let t = SystemTime::now() - Duration::from_secs(hours * 3600);
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(t)
                .unwrap();
            path
        };
        file("aaaaaaaaaaaaaaaa.units", 100, 72);
        file("bbbbbbbbbbbbbbbb.symbols", 100, 48);
        file("cccccccccccccccc.units", 100, 24);
        let keep = file("0123456789abcdef.units", 100, 0);
        file("0123456789abcdef.symbols", 100, 120);
        file("README", 1000, 200);
        file(".cache-0000000000000001.tmp", 10, 2);
        file(".cache-0000000000000002.tmp", 10, 0);
        let outside = file("outside", 100, 200);
        std::os::unix::fs::symlink(&outside, dir.join("dddddddddddddddd.units")).unwrap();
        // 500 bytes of cache files, 300 allowed: the two oldest not kept go.
        prune(&dir, &keep, 300);
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            left,
            [
                ".cache-0000000000000002.tmp",
                "0123456789abcdef.symbols",
                "0123456789abcdef.units",
                "README",
                "cccccccccccccccc.units",
                "dddddddddddddddd.units",
                "eeeeeeeeeeeeeeee.units",
                "outside",
            ]
        );
    }
}
