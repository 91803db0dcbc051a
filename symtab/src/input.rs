//! Opening an input: the one way ksym gets the bytes of an object, a symbol table or any
//! other file it reads.
//!
//! [`Input::open`] takes a path and gives its bytes, whatever the file is:
//!
//! - **a regular file with a size** (vmlinux, `.ko`, `System.map`): mapped read-only,
//!   once; readers touch only the pages they need.
//! - **xz, zstd or gzip data**, recognized by its first bytes whatever the file is named
//!   (`lkdtm.ko.xz`, `.ko.zst`, `.ko.gz`, a compressed map): decompressed in-process as a
//!   stream into a private temporary file, which is then mapped.
//! - **anything else that reads**: `/proc/kallsyms` (a regular file whose size reads as
//!   0), pipes and FIFOs (`<(cat ...)`, `/dev/stdin`), character devices: read as a
//!   stream into a private temporary file, which is then mapped.
//!
//! Every input is bounded ([`MAX_DECOMPRESSED`], [`MAX_RATIO`], [`MAX_STREAMED`]): a
//! larger one is refused with an error naming the file and the limit, before more than
//! the limit is written. Directories are refused.
//!
//! **Temporary files** are created in `$TMPDIR` (else `/tmp`) with a random name,
//! `O_CREAT|O_EXCL|O_NOFOLLOW` and mode 0600, and unlinked as soon as they are open: no
//! other process can open them by name, a planted file or symlink is never written
//! through, and nothing is left behind however ksym ends (exit, SIGINT, SIGTERM, even
//! SIGKILL).
//!
//! [`Input::identity`] is the `fstat` of the descriptor that was mapped (for a
//! decompressed input, of the compressed file), and [`Input::build_id`] reads the GNU
//! build-id note through the mapping: both describe the bytes being read, not whatever
//! the path names a moment later.
//!
//! A mapped file that another process truncates while ksym reads it raises SIGBUS (the
//! pages past the new end no longer exist): see "Limits" in `docs/design.md`.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::ops::Deref;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::objfile::Object;
use crate::{Error, ErrorKind, Result};

/// The most bytes any decompression (a compressed file, a compressed debug section) may
/// produce: 4 GiB, more than any kernel object's (a vmlinux with DWARF is under 1 GiB).
pub const MAX_DECOMPRESSED: u64 = 4 << 30;

/// The most bytes a decompression may produce per compressed byte: zlib's maximum ratio
/// (1032:1). Real objects compress 3-10 times; more is a bomb.
pub const MAX_RATIO: u64 = 1032;

/// The most bytes read from a file that is not a regular file with a size (a pipe,
/// `/proc/kallsyms`, a device): 1 GiB (a `/proc/kallsyms` is tens of MiB).
pub const MAX_STREAMED: u64 = 1 << 30;

/// The most bytes `compressed` input bytes may decompress to: [`MAX_RATIO`] times their
/// number (at least 64 KiB), and never more than [`MAX_DECOMPRESSED`].
pub fn decompressed_limit(compressed: u64) -> u64 {
    compressed
        .saturating_mul(MAX_RATIO)
        .clamp(64 << 10, MAX_DECOMPRESSED)
}

/// A compression format [`Input::open`] undoes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// xz (`.xz`; the kernel's `CONFIG_MODULE_COMPRESS_XZ`).
    Xz,
    /// Zstandard (`.zst`; `CONFIG_MODULE_COMPRESS_ZSTD`).
    Zstd,
    /// gzip (`.gz`; `CONFIG_MODULE_COMPRESS_GZIP`).
    Gzip,
}

impl Compression {
    /// The format whose magic `data` starts with.
    pub fn detect(data: &[u8]) -> Option<Compression> {
        if data.starts_with(b"\xfd7zXZ\x00") {
            Some(Compression::Xz)
        } else if data.starts_with(b"\x28\xb5\x2f\xfd") {
            Some(Compression::Zstd)
        } else if data.starts_with(b"\x1f\x8b") {
            Some(Compression::Gzip)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Compression::Xz => "xz",
            Compression::Zstd => "zstd",
            Compression::Gzip => "gzip",
        }
    }
}

/// What identifies the file an [`Input`] was read from: `fstat` of its descriptor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FileId {
    /// `st_dev`.
    pub dev: u64,
    /// `st_ino`.
    pub ino: u64,
    /// `st_size`.
    pub size: u64,
    /// `st_mtime`, seconds.
    pub mtime: i64,
    /// `st_mtime`, nanoseconds.
    pub mtime_nsec: i64,
    /// `st_ctime`, seconds: changes on every write, and cannot be set back.
    pub ctime: i64,
    /// `st_ctime`, nanoseconds.
    pub ctime_nsec: i64,
}

impl FileId {
    fn of(meta: &std::fs::Metadata) -> FileId {
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: meta.mtime(),
            mtime_nsec: meta.mtime_nsec(),
            ctime: meta.ctime(),
            ctime_nsec: meta.ctime_nsec(),
        }
    }
}

/// The bytes of an opened file (see the module documentation). Cheap to deref; the
/// mapping lives as long as the `Input`.
pub struct Input {
    path: PathBuf,
    map: Option<memmap2::Mmap>,
    id: FileId,
    compression: Option<Compression>,
    /// The ELF headers, parsed on first use ([`Input::object`]): the error's kind and
    /// message when they cannot be.
    object: std::sync::OnceLock<std::result::Result<Object, (ErrorKind, String)>>,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("path", &self.path)
            .field("len", &self.len())
            .field("compression", &self.compression)
            .finish()
    }
}

impl Deref for Input {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.map.as_deref().unwrap_or_default()
    }
}

impl Input {
    /// Open `path`: map it, or decompress or read it into a private temporary file and
    /// map that. Errors name the file. An empty file gives an empty `Input`.
    pub fn open(path: &Path) -> Result<Input> {
        let err = |what: &str, e: io::Error| {
            Error::with_source(ErrorKind::Io, format!("{}: {what}", path.display()), e)
        };
        let file = File::open(path).map_err(|e| err("cannot open", e))?;
        let meta = file.metadata().map_err(|e| err("cannot stat", e))?;
        if meta.is_dir() {
            return Err(Error::new(
                ErrorKind::Io,
                format!("{}: is a directory", path.display()),
            ));
        }
        let id = FileId::of(&meta);
        let (map, compression) = if meta.is_file() && meta.len() > 0 {
            let map = map(&file).map_err(|e| err("cannot map", e))?;
            match Compression::detect(&map) {
                None => (Some(map), None),
                Some(c) => {
                    let limit = decompressed_limit(map.len() as u64);
                    let out = decompress_into_temp(c, &map[..], limit)
                        .map_err(|e| e.prefixed(path.display()))?;
                    (out, Some(c))
                }
            }
        } else {
            // A stream: read it whole (bounded), then look at what it is.
            let spooled =
                spool(&file, MAX_STREAMED, "the stream").map_err(|e| e.prefixed(path.display()))?;
            match spooled.as_deref().and_then(Compression::detect) {
                None => (spooled, None),
                Some(c) => {
                    let data = spooled.as_deref().unwrap_or_default();
                    let limit = decompressed_limit(data.len() as u64);
                    let out = decompress_into_temp(c, data, limit)
                        .map_err(|e| e.prefixed(path.display()))?;
                    (out, Some(c))
                }
            }
        };
        Ok(Input {
            path: path.to_path_buf(),
            map,
            id,
            compression,
            object: std::sync::OnceLock::new(),
        })
    }

    /// The path it was opened by.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `fstat` of the descriptor the bytes came from (the compressed file for a
    /// decompressed input).
    pub fn identity(&self) -> FileId {
        self.id
    }

    /// The compression that was undone, if any.
    pub fn compression(&self) -> Option<Compression> {
        self.compression
    }

    /// Ask the kernel to start reading `len` bytes at `offset` now (`MADV_WILLNEED`): on
    /// a cold page cache, data read in one scan arrives in a few large reads instead of a
    /// fault at a time. A hint only; ranges outside the input are ignored.
    pub fn will_need(&self, offset: usize, len: usize) {
        if let Some(m) = &self.map {
            if len > 0 && offset.checked_add(len).is_some_and(|end| end <= m.len()) {
                let _ = m.advise_range(memmap2::Advice::WillNeed, offset, len);
            }
        }
    }

    /// The ELF headers of the input ([`Object::parse`]), parsed on the first call and
    /// kept: every reader of this input shares them. Errors as [`Object::parse`]'s.
    pub fn object(&self) -> Result<&Object> {
        match self
            .object
            .get_or_init(|| Object::parse(self).map_err(|e| (e.kind(), e.to_string())))
        {
            Ok(o) => Ok(o),
            Err((kind, message)) => Err(Error::new(*kind, message.clone())),
        }
    }

    /// The GNU build id (`NT_GNU_BUILD_ID` note) of an ELF input, read through the
    /// mapping; `None` for other data or an ELF file without one.
    pub fn build_id(&self) -> Option<&[u8]> {
        self.object().ok()?.build_id(self)
    }
}

/// The GNU build id of the ELF file at `path` as lowercase hex, read through its mapping;
/// `None` when it cannot be opened, is not an ELF file or has none.
pub fn file_build_id(path: &Path) -> Option<String> {
    let input = Input::open(path).ok()?;
    let id = input.build_id()?;
    Some(id.iter().map(|b| format!("{b:02x}")).collect())
}

/// The GNU build id of the ELF file `data`, if it has one.
pub fn build_id(data: &[u8]) -> Option<&[u8]> {
    Object::parse(data).ok()?.build_id(data)
}

fn map(file: &File) -> io::Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to this process. Its pages change only if
    // another process writes the file, which the readers tolerate (they check every
    // structure they read); truncation raises SIGBUS, a documented limit.
    unsafe { memmap2::Mmap::map(file) }
}

/// Map a file ksym keeps for itself (a cache file): opened with `O_NOFOLLOW|O_NONBLOCK`
/// (never through a symlink, never blocking on a FIFO), mapped only when it is a
/// non-empty regular file of at most `max` bytes. The bytes are the caller's to check.
pub fn map_own_file(path: &Path, max: u64) -> io::Result<impl std::ops::Deref<Target = [u8]>> {
    let file = open_own_file(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() || meta.len() == 0 || meta.len() > max {
        return Err(io::Error::other("not a regular file of a sane size"));
    }
    map(&file)
}

/// Open a file ksym keeps for itself, for reading: `O_NOFOLLOW|O_NONBLOCK` (never through
/// a symlink, never blocking on a FIFO).
fn open_own_file(path: &Path) -> io::Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
}

/// Mark a file ksym keeps for itself as used: its modification time set to now when it
/// is older than `age` (so a file read often is written to once per `age`, not per read).
/// Opened as [`map_own_file`] opens it; only a regular file is touched; failures (a
/// read-only directory, another owner) are ignored.
pub fn touch_own_file(path: &Path, age: std::time::Duration) {
    let now = std::time::SystemTime::now();
    let old = |m: std::fs::Metadata| {
        m.is_file()
            && m.modified()
                .is_ok_and(|t| now.duration_since(t).is_ok_and(|d| d > age))
    };
    // One `lstat` when the file is recent (the common case); opened only to be touched.
    if !std::fs::symlink_metadata(path).is_ok_and(old) {
        return;
    }
    let Ok(file) = open_own_file(path) else {
        return;
    };
    if file.metadata().is_ok_and(old) {
        // futimens with an explicit time: allowed to the owner on a read-only descriptor.
        let _ = file.set_modified(now);
    }
}

/// A new private temporary file: random name in `$TMPDIR`, `O_CREAT|O_EXCL|O_NOFOLLOW`,
/// mode 0600, already unlinked.
pub fn private_temp_file() -> io::Result<File> {
    let dir = std::env::temp_dir();
    let (file, path) = create_private(&dir, "ksym-", ".tmp")?;
    std::fs::remove_file(&path)?;
    Ok(file)
}

/// Create a new file in `dir` named `PREFIX<random>SUFFIX`, with `O_CREAT|O_EXCL|
/// O_NOFOLLOW` and mode 0600 (never an existing file, never through a symlink). The
/// caller renames or removes it.
pub fn create_private(dir: &Path, prefix: &str, suffix: &str) -> io::Result<(File, PathBuf)> {
    let mut last = None;
    for _ in 0..16 {
        let path = dir.join(format!("{prefix}{:016x}{suffix}", random()));
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&path)
        {
            Ok(f) => return Ok((f, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary name")))
}

/// 64 unpredictable bits: std's per-process random hash keys (seeded from the operating
/// system), hashed with a counter and the time.
fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    h.finish()
}

/// A writer that refuses to pass `limit` bytes.
struct Bounded<W> {
    inner: W,
    left: u64,
    over: bool,
}

impl<W: Write> Write for Bounded<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() as u64 > self.left {
            self.over = true;
            return Err(io::Error::other("size limit"));
        }
        let n = self.inner.write(buf)?;
        self.left -= n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `what` went past `limit` bytes.
fn too_large(what: &str, limit: u64) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!(
            "{what} is larger than {}, the limit (see Limits in docs/design.md)",
            human(limit)
        ),
    )
}

fn human(n: u64) -> String {
    match n {
        n if n >= 1 << 30 && n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n}"),
    }
}

/// Copy `reader` into a private temporary file and map it (`None` when empty).
fn spool(reader: impl Read, limit: u64, what: &str) -> Result<Option<memmap2::Mmap>> {
    let io = |e: io::Error| Error::with_source(ErrorKind::Io, "cannot read", e);
    let tmp = private_temp_file()
        .map_err(|e| Error::with_source(ErrorKind::Io, "cannot create a temporary file", e))?;
    let mut w = Bounded {
        inner: BufWriter::new(&tmp),
        left: limit,
        over: false,
    };
    let n = io::copy(&mut reader.take(limit.saturating_add(1)), &mut w);
    if w.over {
        return Err(too_large(what, limit));
    }
    n.map_err(io)?;
    w.flush().map_err(io)?;
    drop(w);
    finish(tmp)
}

fn finish(tmp: File) -> Result<Option<memmap2::Mmap>> {
    let len = tmp
        .metadata()
        .map_err(|e| Error::with_source(ErrorKind::Io, "cannot stat a temporary file", e))?
        .len();
    if len == 0 {
        return Ok(None);
    }
    map(&tmp)
        .map(Some)
        .map_err(|e| Error::with_source(ErrorKind::Io, "cannot map a temporary file", e))
}

/// Decompress `data` (format `c`) as a stream into a private temporary file, at most
/// `limit` bytes, and map it.
fn decompress_into_temp(c: Compression, data: &[u8], limit: u64) -> Result<Option<memmap2::Mmap>> {
    let tmp = private_temp_file()
        .map_err(|e| Error::with_source(ErrorKind::Io, "cannot create a temporary file", e))?;
    let mut w = Bounded {
        inner: BufWriter::new(&tmp),
        left: limit,
        over: false,
    };
    let r = decompress_stream(c, data, &mut w);
    if w.over {
        return Err(too_large(
            &format!("{} data of {} bytes, decompressed,", c.name(), data.len()),
            limit,
        ));
    }
    r.and_then(|()| w.flush()).map_err(|e| {
        Error::with_source(
            ErrorKind::Malformed,
            format!("invalid {} data", c.name()),
            e,
        )
    })?;
    drop(w);
    finish(tmp)
}

fn decompress_stream(c: Compression, data: &[u8], out: &mut impl Write) -> io::Result<()> {
    match c {
        Compression::Xz => {
            let mut input = BufReader::new(data);
            lzma_rs::xz_decompress(&mut input, out).map_err(|e| match e {
                lzma_rs::error::Error::IoError(e) => e,
                e => io::Error::new(io::ErrorKind::InvalidData, e.to_string()),
            })
        }
        Compression::Zstd => {
            let mut d = ruzstd::decoding::StreamingDecoder::new(data)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            io::copy(&mut d, out).map(drop)
        }
        Compression::Gzip => {
            let mut d = flate2::read::MultiGzDecoder::new(data);
            io::copy(&mut d, out).map(drop)
        }
    }
}

/// The compression of an ELF section ([`decompress_section`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionCompression {
    /// zlib (`ELFCOMPRESS_ZLIB`, and GNU `.zdebug_*`).
    Zlib,
    /// Zstandard (`ELFCOMPRESS_ZSTD`).
    Zstd,
}

/// Decompress one compressed ELF section whose header promises `size` bytes: the output
/// grows as data actually decompresses (a forged size costs nothing), stops at
/// `min(size, decompressed_limit(data.len()))`, and must be exactly `size` bytes.
pub fn decompress_section(c: SectionCompression, data: &[u8], size: u64) -> Result<Vec<u8>> {
    let limit = decompressed_limit(data.len() as u64);
    if size > limit {
        return Err(too_large(
            &format!("{size} bytes from {} compressed bytes", data.len()),
            limit,
        ));
    }
    let mut out = Vec::new();
    let r = match c {
        SectionCompression::Zlib => io::copy(
            &mut flate2::read::ZlibDecoder::new(data).take(size.saturating_add(1)),
            &mut out,
        ),
        SectionCompression::Zstd => ruzstd::decoding::StreamingDecoder::new(data)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
            .and_then(|d| io::copy(&mut d.take(size.saturating_add(1)), &mut out)),
    };
    let n =
        r.map_err(|e| Error::with_source(ErrorKind::Malformed, "invalid compressed data", e))?;
    if n != size {
        return Err(Error::malformed(format!(
            "compressed data gives {n} bytes{}, its header says {size}",
            if n > size { " or more" } else { "" }
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert_eq!(decompressed_limit(0), 64 << 10);
        assert_eq!(decompressed_limit(1 << 20), 1032 << 20);
        assert_eq!(decompressed_limit(1 << 40), MAX_DECOMPRESSED);
    }

    #[test]
    fn detects_formats() {
        assert_eq!(
            Compression::detect(b"\xfd7zXZ\x00\x00"),
            Some(Compression::Xz)
        );
        assert_eq!(
            Compression::detect(b"\x28\xb5\x2f\xfd.."),
            Some(Compression::Zstd)
        );
        assert_eq!(
            Compression::detect(b"\x1f\x8b\x08"),
            Some(Compression::Gzip)
        );
        assert_eq!(Compression::detect(b"\x7fELF"), None);
    }

    #[test]
    fn private_files_are_fresh_and_unnamed() {
        let dir = std::env::temp_dir();
        let (f, p) = create_private(&dir, "ksym-unit-", ".tmp").unwrap();
        assert_eq!(f.metadata().unwrap().mode() & 0o777, 0o600);
        std::fs::remove_file(&p).unwrap();
        let a = private_temp_file().unwrap();
        let b = private_temp_file().unwrap();
        assert_ne!(a.metadata().unwrap().ino(), b.metadata().unwrap().ino());
        assert_eq!(a.metadata().unwrap().nlink(), 0);
    }

    #[test]
    fn forged_section_size_is_refused_before_allocating() {
        let e = decompress_section(SectionCompression::Zlib, b"garbage", 3 << 30).unwrap_err();
        assert!(e.to_string().contains("limit"), "{e}");
        let e = decompress_section(SectionCompression::Zlib, &[0u8; 1 << 20], 1 << 20).unwrap_err();
        assert!(e.to_string().contains("invalid"), "{e}");
    }
}
