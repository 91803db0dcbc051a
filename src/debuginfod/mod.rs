//! A debuginfod client: files fetched by build id from the servers users already run.
//!
//! debuginfod (elfutils) serves, over HTTP, `/buildid/ID/debuginfo` (the ELF with DWARF),
//! `/buildid/ID/executable` and `/buildid/ID/source/PATH`. Distributions run servers for
//! their packages, so an oops log, which names its kernel and modules by build id, is
//! enough to find the files that decode it.
//!
//! The client follows elfutils' conventions, so a user's setup works unchanged and files
//! are shared with `debuginfod-find`, gdb and drgn ([`Config::from_env`]):
//! - `DEBUGINFOD_URLS`: servers, space-separated, tried in order (`ima:` tokens, which
//!   are policy words and not servers, are skipped);
//! - `DEBUGINFOD_TIMEOUT` (seconds, default 90): to connect, to receive the headers, and
//!   for any one read of the body;
//! - `DEBUGINFOD_MAXSIZE` (bytes): larger files are refused;
//! - `DEBUGINFOD_MAXTIME` (seconds): the longest a download may take;
//! - `DEBUGINFOD_CACHE_PATH`: the cache, else `$XDG_CACHE_HOME/debuginfod_client`, else
//!   `~/.cache/debuginfod_client`, holding `ID/debuginfo`, `ID/executable` and
//!   `ID/source##path##of##file` ([`cache`]).
//!
//! Nothing is fetched until asked: [`fetch`] looks in the cache first, then asks each
//! server in turn ([`http`]). A download goes to a temporary file in the cache, is checked
//! (its size against the announced one, an ELF's build id against the one asked for) and
//! only then renamed into place; a lock on the build id's directory makes concurrent
//! processes wait for one download instead of each making their own. Errors name the
//! build id, every URL tried and its answer ([`Error`]).

pub mod cache;
pub mod http;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;
use symtab::input::file_build_id;

/// What to fetch for a build id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The object with its debug info (`/buildid/ID/debuginfo`).
    Debuginfo,
    /// The object as it ran (`/buildid/ID/executable`).
    Executable,
    /// A source file, by the absolute path its DWARF names (`/buildid/ID/source/PATH`).
    Source(String),
}

impl Kind {
    /// The word naming it in messages and URLs.
    pub fn word(&self) -> &'static str {
        match self {
            Kind::Debuginfo => "debuginfo",
            Kind::Executable => "executable",
            Kind::Source(_) => "source",
        }
    }

    /// Whether the file is an ELF object whose build id can be checked.
    fn is_elf(&self) -> bool {
        !matches!(self, Kind::Source(_))
    }

    /// The URL path after `/buildid/ID/`.
    fn url_path(&self) -> String {
        match self {
            Kind::Source(p) => format!("source{}", percent_encode_path(&absolute(p))),
            k => k.word().to_string(),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Source(p) => write!(f, "source {p}"),
            k => f.write_str(k.word()),
        }
    }
}

/// `/p` for `p`: debuginfod names sources by absolute path.
fn absolute(p: &str) -> String {
    if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    }
}

/// A path for a URL: unreserved characters and `/` as they are, the rest `%XX`.
fn percent_encode_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~+,".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// How progress is shown on stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// A bar when stderr is a terminal, else one line at the start and one at the end.
    Auto,
    /// Nothing.
    Quiet,
}

/// Where and how to fetch.
#[derive(Clone, Debug)]
pub struct Config {
    /// Server base URLs, tried in order.
    pub urls: Vec<String>,
    /// Limit to connect, to receive the headers, and for any one read of the body.
    pub timeout: Duration,
    /// Largest file accepted, in bytes.
    pub max_size: Option<u64>,
    /// Longest a whole download may take.
    pub max_time: Option<Duration>,
    /// The cache directory (shared with elfutils' client).
    pub cache: PathBuf,
    /// Only the cache is used: no server is asked.
    pub offline: bool,
    /// Progress reporting.
    pub progress: Progress,
}

/// elfutils' default for `DEBUGINFOD_TIMEOUT`.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(90);

impl Config {
    /// The configuration elfutils' client would use, from the environment.
    pub fn from_env() -> Config {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let secs = |k: &str| {
            var(k)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|&s| s > 0)
                .map(Duration::from_secs)
        };
        Config {
            urls: var("DEBUGINFOD_URLS")
                .map(|v| parse_urls(&v))
                .unwrap_or_default(),
            timeout: secs("DEBUGINFOD_TIMEOUT").unwrap_or(DEFAULT_TIMEOUT),
            max_size: var("DEBUGINFOD_MAXSIZE")
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|&s| s > 0),
            max_time: secs("DEBUGINFOD_MAXTIME"),
            cache: cache::default_dir(),
            offline: false,
            progress: Progress::Auto,
        }
    }
}

/// The servers of a `DEBUGINFOD_URLS` value: space-separated, `ima:` tokens skipped,
/// trailing `/` removed.
pub fn parse_urls(v: &str) -> Vec<String> {
    v.split_ascii_whitespace()
        .filter(|t| !t.starts_with("ima:"))
        .map(|t| t.trim_end_matches('/').to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Command-line choices that override the environment, set once by the command line.
static OVERRIDES: OnceLock<(Vec<String>, bool)> = OnceLock::new();

/// Use `urls` instead of `DEBUGINFOD_URLS` (when not empty) and, with `offline`, only
/// the cache, for every later [`fetch`] of this process. The first call wins.
pub fn set_overrides(urls: Vec<String>, offline: bool) {
    let _ = OVERRIDES.set((urls, offline));
}

/// The configuration [`fetch`] uses: the environment with the command line's overrides.
pub fn config() -> Config {
    let mut c = Config::from_env();
    if let Some((urls, offline)) = OVERRIDES.get() {
        if !urls.is_empty() {
            c.urls = urls.iter().flat_map(|u| parse_urls(u)).collect();
        }
        c.offline |= *offline;
    }
    c
}

/// The file of `kind` for `build_id`, from the cache or downloaded into it, with
/// [`config`].
pub fn fetch(build_id: &str, kind: &Kind) -> Result<PathBuf, Error> {
    fetch_with(&config(), build_id, kind)
}

/// The file of `kind` for `build_id`, from the cache or downloaded into it.
pub fn fetch_with(config: &Config, build_id: &str, kind: &Kind) -> Result<PathBuf, Error> {
    let id = normalize_build_id(build_id)
        .ok_or_else(|| Error::new(ErrorKind::BadBuildId, build_id, kind))?;
    let entry = cache::Entry::new(&config.cache, &id, kind);
    if let Some(p) = entry.lookup() {
        return Ok(p);
    }
    if config.offline {
        return Err(Error::new(ErrorKind::Offline, &id, kind).with_cache(&entry));
    }
    if config.urls.is_empty() {
        return Err(Error::new(ErrorKind::NoServers, &id, kind).with_cache(&entry));
    }
    let _lock = entry
        .lock()
        .map_err(|e| Error::new(ErrorKind::Cache, &id, kind).with_io(e))?;
    // Another process may have fetched it while this one waited for the lock.
    if let Some(p) = entry.lookup() {
        return Ok(p);
    }
    entry.remove_stale();
    let mut attempts = Vec::new();
    for base in &config.urls {
        let url = format!("{base}/buildid/{id}/{}", kind.url_path());
        match http::download(config, &url, &entry) {
            Ok(()) => match entry.install(kind.is_elf().then_some(id.as_str())) {
                Ok(p) => return Ok(p),
                Err(cache::InstallError::WrongBuildId(got)) => attempts.push(Attempt {
                    url,
                    answer: Answer::WrongBuildId(got),
                }),
                Err(cache::InstallError::Io(e)) => {
                    return Err(Error::new(ErrorKind::Cache, &id, kind).with_io(e));
                }
            },
            Err(answer) => attempts.push(Attempt { url, answer }),
        }
    }
    let kind_of = if attempts
        .iter()
        .all(|a| matches!(a.answer, Answer::Status(404)))
    {
        ErrorKind::NotFound
    } else {
        ErrorKind::Failed
    };
    let mut e = Error::new(kind_of, &id, kind);
    e.attempts = attempts;
    Err(e)
}

/// For a caller whose search of local places failed with `local`: the object of
/// `build_id` from `/usr/lib/debug/.build-id` or else debuginfod ([`fetch`] of its
/// debuginfo). Without a build id, `local` as it is; on failure, `local` followed by why
/// debuginfod could not help.
pub fn or_fetch<K: Copy>(
    local: crate::error::Error<K>,
    build_id: Option<&str>,
) -> Result<PathBuf, crate::error::Error<K>> {
    let Some(id) = build_id else {
        return Err(local);
    };
    find(id).map_err(|e| local.map_message(|m| format!("{m}; {e}")))
}

/// The source file `file` of `object` from debuginfod, by `object`'s build id and the
/// path its DWARF names: `file` as printed, after `prefix` (the source prefix stripped
/// from it, `/usr/src/linux-6.1/`) when it is relative.
pub fn source(object: &Path, prefix: Option<&str>, file: &str) -> Result<PathBuf, Error> {
    let kind = Kind::Source(dwarf_path(prefix, file));
    match file_build_id(object) {
        Some(id) => fetch(&id, &kind),
        None => {
            let mut e = Error::new(ErrorKind::NoBuildId, "", &kind);
            e.cache = Some(object.to_path_buf());
            Err(e)
        }
    }
}

/// The path DWARF names for `file` as printed: after `prefix` (the source prefix stripped
/// from it) when `file` is relative.
pub fn dwarf_path(prefix: Option<&str>, file: &str) -> String {
    match prefix {
        Some(p) if !file.starts_with('/') => format!("{p}{file}"),
        _ => file.to_string(),
    }
}

/// The object of `build_id` with its debug info: `/usr/lib/debug/.build-id`, else
/// debuginfod ([`fetch`] of its debuginfo).
pub fn find(build_id: &str) -> Result<PathBuf, Error> {
    if let Some(p) = normalize_build_id(build_id).and_then(|id| local_debug_file(&id)) {
        return Ok(p);
    }
    fetch(build_id, &Kind::Debuginfo)
}

/// `/usr/lib/debug/.build-id/ID[..2]/ID[2..].debug` (under `$KSYM_SYSROOT`), when it is
/// a file of that build id.
pub fn local_debug_file(id: &str) -> Option<PathBuf> {
    let (head, tail) = id.split_at_checked(2)?;
    let p = crate::dwarf::system_path(&format!("/usr/lib/debug/.build-id/{head}/{tail}.debug"));
    (p.is_file() && file_build_id(&p).as_deref() == Some(id)).then_some(p)
}

/// A build id as lowercase hex, if it is one (an even number of hex digits, 2 to 128).
pub fn normalize_build_id(id: &str) -> Option<String> {
    let id = id.trim();
    let ok = (2..=128).contains(&id.len())
        && id.len().is_multiple_of(2)
        && id.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| id.to_ascii_lowercase())
}

/// One server's answer to one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// An HTTP status other than 200 (404: the server does not have it).
    Status(u16),
    /// No answer within the limit.
    Timeout(Duration),
    /// The connection was refused.
    Refused,
    /// The server sent an ELF with another build id (`None`: not an ELF with one).
    WrongBuildId(Option<String>),
    /// The body's length is not the announced one (a transfer ended early): bytes
    /// received and announced.
    Truncated {
        /// Bytes received.
        got: u64,
        /// Bytes announced.
        want: u64,
    },
    /// Larger than `DEBUGINFOD_MAXSIZE`.
    TooLarge {
        /// The size, when announced.
        size: Option<u64>,
        /// The limit.
        max: u64,
    },
    /// Anything else (DNS, TLS, protocol), as the HTTP client said it.
    Other(String),
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Status(404) => f.write_str("404 not found"),
            Answer::Status(s) => write!(f, "HTTP status {s}"),
            Answer::Timeout(d) => write!(f, "no answer within {} s (timeout)", d.as_secs()),
            Answer::Refused => f.write_str("connection refused"),
            Answer::WrongBuildId(Some(got)) => {
                write!(f, "served a file with another build id ({got})")
            }
            Answer::WrongBuildId(None) => {
                f.write_str("served a file that is not an ELF with a build id")
            }
            Answer::Truncated { got, want } if got < want => {
                write!(f, "transfer interrupted after {got} of {want} bytes")
            }
            Answer::Truncated { got, want } => {
                write!(f, "sent {got} bytes, not the {want} announced")
            }
            Answer::TooLarge { size: Some(s), max } => {
                write!(f, "{s} bytes, over DEBUGINFOD_MAXSIZE ({max})")
            }
            Answer::TooLarge { size: None, max } => {
                write!(f, "over DEBUGINFOD_MAXSIZE ({max} bytes)")
            }
            Answer::Other(m) => f.write_str(m),
        }
    }
}

/// One URL tried and what it answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// The full URL.
    pub url: String,
    /// Its answer.
    pub answer: Answer,
}

/// Why a fetch failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The build id is not hex.
    BadBuildId,
    /// The object to fetch a source for has no build id.
    NoBuildId,
    /// Not in the cache, and `--offline`.
    Offline,
    /// Not in the cache, and no server configured.
    NoServers,
    /// Every server answered 404.
    NotFound,
    /// Some server failed otherwise (timeout, refused, wrong file, ...).
    Failed,
    /// The cache could not be written.
    Cache,
}

/// A failed fetch: the build id, the kind, and each URL tried with its answer.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    build_id: String,
    what: String,
    /// The cache entry looked at, or (for `NoBuildId`) the object.
    cache: Option<PathBuf>,
    attempts: Vec<Attempt>,
    source: Option<std::io::Error>,
}

impl Error {
    fn new(kind: ErrorKind, build_id: &str, what: &Kind) -> Error {
        Error {
            kind,
            build_id: build_id.to_string(),
            what: what.to_string(),
            cache: None,
            attempts: Vec::new(),
            source: None,
        }
    }

    fn with_cache(mut self, entry: &cache::Entry) -> Error {
        self.cache = Some(entry.path().to_path_buf());
        self
    }

    fn with_io(mut self, e: std::io::Error) -> Error {
        self.source = Some(e);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The build id asked for.
    pub fn build_id(&self) -> &str {
        &self.build_id
    }

    /// Whether no server was asked (offline, none configured, or no build id to ask
    /// with): the caller's own "not found" then says all there is to say.
    pub fn asked_nobody(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Offline | ErrorKind::NoServers | ErrorKind::NoBuildId
        )
    }

    /// The URLs tried, in order, with their answers.
    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (id, what) = (&self.build_id, &self.what);
        match self.kind {
            ErrorKind::BadBuildId => write!(f, "debuginfod: {id:?} is not a build id (hex)"),
            ErrorKind::NoBuildId => write!(
                f,
                "debuginfod: {}: no build id to fetch the {what} by",
                self.cache.as_deref().unwrap_or(Path::new("?")).display()
            ),
            ErrorKind::Offline | ErrorKind::NoServers => {
                write!(f, "debuginfod: {what} of build id {id} is not in the cache")?;
                if let Some(c) = &self.cache {
                    write!(f, " ({})", c.display())?;
                }
                f.write_str(if self.kind == ErrorKind::Offline {
                    " and --offline forbids asking a server"
                } else {
                    " and no server is configured (DEBUGINFOD_URLS or --debuginfod URL)"
                })
            }
            ErrorKind::Cache => {
                write!(
                    f,
                    "debuginfod: {what} of build id {id}: cannot write the cache"
                )?;
                match &self.source {
                    Some(e) => write!(f, ": {e}"),
                    None => Ok(()),
                }
            }
            ErrorKind::NotFound | ErrorKind::Failed => {
                write!(
                    f,
                    "debuginfod: no server gave the {what} of build id {id}: "
                )?;
                for (i, a) in self.attempts.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{}: {}", a.url, a.answer)?;
                }
                Ok(())
            }
        }
    }
}

/// The message says everything, the file system's error included: no `source()`, so
/// that `{:#}` does not print it twice.
impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            parse_urls(" ima:enforcing https://a.example/ http://b:8002  ima:ignore"),
            ["https://a.example", "http://b:8002"]
        );
        assert!(parse_urls("ima:ignore").is_empty());
    }

    #[test]
    fn build_ids() {
        assert_eq!(normalize_build_id("CCda84").as_deref(), Some("ccda84"));
        assert_eq!(normalize_build_id("abc"), None);
        assert_eq!(normalize_build_id("../x"), None);
        assert_eq!(normalize_build_id(""), None);
    }

    #[test]
    fn url_paths() {
        assert_eq!(Kind::Debuginfo.url_path(), "debuginfo");
        assert_eq!(
            Kind::Source("/usr/src/a b/c#.c".into()).url_path(),
            "source/usr/src/a%20b/c%23.c"
        );
        assert_eq!(Kind::Source("x/y.c".into()).url_path(), "source/x/y.c");
    }
}
