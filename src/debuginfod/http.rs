//! One download: `GET URL` into the cache entry's temporary file.
//!
//! The HTTP client is ureq: blocking (ksym has no async runtime and wants none), small,
//! HTTPS through rustls (no OpenSSL, so the release binary stays one self-contained
//! file), gzip transfer decoding, redirects, and a limit for each phase (connect,
//! headers, each read, the whole call), which is what `DEBUGINFOD_TIMEOUT` and
//! `DEBUGINFOD_MAXTIME` need. Proxies come from the usual `http_proxy`/`https_proxy`/
//! `no_proxy` variables, as with elfutils' libcurl.
//!
//! Servers are checked against the roots elfutils' client (libcurl with OpenSSL) trusts
//! ([`root_certs`]): `$SSL_CERT_FILE` when set, else the system's bundle, so a site's own
//! certificate authority, added to the system store, is trusted by ksym as by gdb; the
//! Mozilla roots built into ksym only where the system has no bundle.

use std::fs;
use std::io::{self, IsTerminal, Read, Write};
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use ureq::tls::{PemItem, RootCerts, TlsConfig};

use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::cache::Entry;
use super::{Answer, Config, Progress};

/// Redirects followed before giving up.
const MAX_REDIRECTS: u32 = 8;

/// Download `url` into `entry`'s temporary file. On success the whole announced body is
/// there; on failure the temporary file is removed.
pub fn download(config: &Config, url: &str, entry: &Entry) -> Result<(), Answer> {
    let r = get(config, url, entry);
    if r.is_err() {
        entry.discard();
    }
    r
}

/// The system's certificate bundles, first found used: Debian, Ubuntu, Arch, Alpine,
/// Gentoo; Fedora, RHEL; openSUSE.
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
];

/// The largest certificate bundle read (Debian's is about 200 KiB).
const MAX_BUNDLE: u64 = 16 << 20;

/// The roots servers' certificates are checked against, read once: the PEM file
/// `$SSL_CERT_FILE` names when set (one with no certificate is an error, not a quiet
/// fallback), else the first of the system bundles (Debian's, Fedora's and openSUSE's
/// places) holding certificates, else the Mozilla roots built into ksym.
pub fn root_certs() -> Result<RootCerts, String> {
    trust().clone().map(|(roots, _)| roots)
}

/// The roots of [`root_certs`] with where they come from (for messages), chosen once.
fn trust() -> &'static Result<(RootCerts, String), String> {
    static ROOTS: OnceLock<Result<(RootCerts, String), String>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        if let Some(f) = std::env::var_os("SSL_CERT_FILE").filter(|f| !f.is_empty()) {
            let f = Path::new(&f);
            return match pem_certs(f) {
                Some(roots) => Ok((roots, f.display().to_string())),
                None => Err(format!(
                    "SSL_CERT_FILE={}: no PEM certificate in it",
                    f.display()
                )),
            };
        }
        Ok(SYSTEM_BUNDLES
            .iter()
            .find_map(|p| Some((pem_certs(Path::new(p))?, p.to_string())))
            .unwrap_or_else(|| {
                (
                    RootCerts::WebPki,
                    "the Mozilla roots built into ksym".into(),
                )
            }))
    })
}

/// Did TLS refuse the server's certificate for want of a trusted issuer (as opposed to an
/// expired or misnamed certificate, or a broken handshake, which rustls names itself)?
fn untrusted(e: &io::Error) -> bool {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some_and(|r| {
            matches!(
                r,
                rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer)
            )
        })
}

/// The certificates of a PEM file, when it can be read and holds at least one.
fn pem_certs(path: &Path) -> Option<RootCerts> {
    let mut pem = Vec::new();
    fs::File::open(path)
        .ok()?
        .take(MAX_BUNDLE)
        .read_to_end(&mut pem)
        .ok()?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    (!certs.is_empty()).then(|| RootCerts::from(certs))
}

fn agent(config: &Config, roots: RootCerts) -> ureq::Agent {
    let t = Some(config.timeout);
    ureq::Agent::config_builder()
        .tls_config(TlsConfig::builder().root_certs(roots).build())
        .timeout_connect(t)
        .timeout_recv_response(t)
        .timeout_per_read(t)
        .timeout_global(config.max_time)
        .max_redirects(MAX_REDIRECTS)
        .http_status_as_error(true)
        .user_agent(format!("ksym/{}", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

fn get(config: &Config, url: &str, entry: &Entry) -> Result<(), Answer> {
    // A bad `SSL_CERT_FILE` fails HTTPS only; a plain HTTP server is still asked.
    let roots = match root_certs() {
        Ok(r) => r,
        Err(e) if url.starts_with("https:") => return Err(Answer::Other(e)),
        Err(_) => RootCerts::WebPki,
    };
    let mut req = agent(config, roots).get(url);
    if let Some(m) = config.max_size {
        // elfutils' client says its limit, so a server may refuse at once.
        req = req.header("X-DEBUGINFOD-MAXSIZE", m.to_string());
    }
    let resp = req.call().map_err(|e| answer(e, config))?;
    let header = |k: &str| {
        resp.headers()
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let encoded = header("content-encoding").is_some_and(|v| !v.eq_ignore_ascii_case("identity"));
    // X-DEBUGINFOD-SIZE is the file's size whatever the transfer encoding; a
    // Content-Length is the file's size only when the body is not compressed.
    let announced = header("x-debuginfod-size")
        .and_then(|v| v.parse::<u64>().ok())
        .or_else(|| (!encoded).then(|| resp.body().content_length()).flatten());
    if let (Some(max), Some(size)) = (config.max_size, announced) {
        if size > max {
            return Err(Answer::TooLarge {
                size: Some(size),
                max,
            });
        }
    }
    let mut body = resp.into_body();
    let mut reader = body
        .with_config()
        .limit(config.max_size.unwrap_or(u64::MAX))
        .reader();
    let tmp = entry.tmp_path();
    let mut file = fs::File::create(tmp)
        .map_err(|e| Answer::Other(format!("{}: cannot create: {e}", tmp.display())))?;
    let mut shown = Shown::start(config.progress, url, announced);
    let mut buf = vec![0u8; 256 << 10];
    let mut got = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                shown.abandon();
                return Err(read_error(e, config, got, announced));
            }
        };
        file.write_all(&buf[..n])
            .map_err(|e| Answer::Other(format!("{}: cannot write: {e}", tmp.display())))?;
        got += n as u64;
        shown.advance(got);
    }
    drop(file);
    if let Some(want) = announced {
        if got != want {
            shown.abandon();
            return Err(Answer::Truncated { got, want });
        }
    }
    shown.finish(got);
    Ok(())
}

/// An error while reading the body: ureq's own, or the connection's.
fn read_error(e: io::Error, config: &Config, got: u64, announced: Option<u64>) -> Answer {
    let e = match e.into_inner().map(|i| i.downcast::<ureq::Error>()) {
        Some(Ok(u)) => return answer(*u, config),
        Some(Err(other)) => io::Error::other(other),
        None => return Answer::Other("read failed".into()),
    };
    match (e.kind(), announced) {
        (io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock, _) => Answer::Timeout(config.timeout),
        (_, Some(want)) => Answer::Truncated { got, want },
        _ => Answer::Other(e.to_string()),
    }
}

/// What a failed call says about the server.
fn answer(e: ureq::Error, config: &Config) -> Answer {
    match e {
        ureq::Error::StatusCode(s) => Answer::Status(s),
        ureq::Error::Timeout(ureq::Timeout::Global) => {
            Answer::Timeout(config.max_time.unwrap_or(config.timeout))
        }
        ureq::Error::Timeout(_) => Answer::Timeout(config.timeout),
        ureq::Error::BodyExceedsLimit(_) => Answer::TooLarge {
            size: None,
            max: config.max_size.unwrap_or(u64::MAX),
        },
        ureq::Error::Io(io) if io.kind() == io::ErrorKind::ConnectionRefused => Answer::Refused,
        ureq::Error::Io(io) if io.kind() == io::ErrorKind::TimedOut => {
            Answer::Timeout(config.timeout)
        }
        ureq::Error::Io(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
            Answer::Other("the server closed the connection".into())
        }
        ureq::Error::Io(io) if untrusted(&io) => Answer::Other(format!(
            "{io}: the server's certificate is not signed by a trusted authority \
             (trusted: {}; SSL_CERT_FILE names another PEM file)",
            trust().as_ref().map_or("none", |(_, from)| from.as_str())
        )),
        other => Answer::Other(other.to_string()),
    }
}

/// A short name for a download on a bar line: `ksym: debuginfod f30b2d2a debuginfo`
/// (the build id's first 8 digits, then the kind, or a source's file name).
fn bar_label(url: &str) -> String {
    let tail = url.split_once("/buildid/").map_or(url, |(_, t)| t);
    let (id, rest) = tail.split_once('/').unwrap_or((tail, ""));
    let id = id.get(..8).unwrap_or(id);
    let what = rest.rsplit('/').next().unwrap_or(rest);
    format!("ksym: debuginfod {id} {what}")
}

/// Progress on stderr: a bar on a terminal, else a line at the start and at the end.
enum Shown {
    Nothing,
    Bar(ProgressBar),
    Lines { url: String, start: Instant },
}

impl Shown {
    fn start(progress: Progress, url: &str, size: Option<u64>) -> Shown {
        if progress == Progress::Quiet {
            return Shown::Nothing;
        }
        if io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(size, ProgressDrawTarget::stderr());
            let template = if size.is_some() {
                "{msg} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"
            } else {
                "{msg} {spinner} {bytes} {bytes_per_sec}"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.set_message(bar_label(url));
            bar.enable_steady_tick(Duration::from_millis(200));
            return Shown::Bar(bar);
        }
        let size = size
            .map(|s| format!(" ({})", HumanBytes(s)))
            .unwrap_or_default();
        eprintln!("ksym: debuginfod: downloading {url}{size}");
        Shown::Lines {
            url: url.to_string(),
            start: Instant::now(),
        }
    }

    fn advance(&mut self, got: u64) {
        if let Shown::Bar(b) = self {
            b.set_position(got);
        }
    }

    fn finish(self, got: u64) {
        match self {
            Shown::Nothing => {}
            Shown::Bar(b) => b.finish_and_clear(),
            Shown::Lines { url, start } => eprintln!(
                "ksym: debuginfod: downloaded {url} ({} in {:.1} s)",
                HumanBytes(got),
                start.elapsed().as_secs_f64()
            ),
        }
    }

    fn abandon(&mut self) {
        if let Shown::Bar(b) = self {
            b.abandon();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(
            bar_label("http://h:8002/buildid/f30b2d2a4e5354a8/debuginfo"),
            "ksym: debuginfod f30b2d2a debuginfo"
        );
        assert_eq!(
            bar_label("https://h/buildid/ab/source/usr/src/linux/fs/read_write.c"),
            "ksym: debuginfod ab read_write.c"
        );
    }
}
