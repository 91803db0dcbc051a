//! The debuginfod client against real servers on loopback.
//!
//! - `real_server`: elfutils' own `debuginfod` (Debian package `debuginfod`) indexing a
//!   temporary directory with the x86_64 kernel's `vmlinux` and `lkdtm.ko`, started once:
//!   `ksym decode console.log` with nothing local decodes exactly as with
//!   `--vmlinux`/`--modules`; through a redirect too; 8 concurrent decodes on an empty
//!   cache all succeed and download each file once; elfutils' `debuginfod-find` finds
//!   ksym's downloads in the shared cache, and ksym (`--offline`) uses files
//!   `debuginfod-find` fetched; with the server stopped the cache serves.
//! - Small servers written here, for what a real server does not do on demand: a 404
//!   (after a refused connection), a server that never answers (a timeout within
//!   `DEBUGINFOD_TIMEOUT`), one that serves another ELF, one that breaks the transfer
//!   off, and one that compresses (gzip, as the `gzip` command writes it), over an
//!   elfutils negative entry and a killed download's leftover.
//! - `list_fetches_sources`: `faddr2line --list` fetches a source it cannot find, and
//!   `debuginfod-find source` finds it in the cache.
//! - `faddr2line`, `sympos` and `inlined --build-id` print what they print for the file.
//! - `decode_source_lines`: `decode --source` prints the same lines from a source tree and
//!   from debuginfod.
//! - `size_and_time_limits`: `DEBUGINFOD_MAXSIZE`, `DEBUGINFOD_MAXTIME`, a cache that
//!   cannot be written.
//! - `https_against_the_trusted_roots`: `openssl s_server` over HTTPS with a certificate
//!   trusted through `SSL_CERT_FILE`, then not trusted.
//!
//! All traffic stays on 127.0.0.1; every wait is bounded.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::{ksym, require_tool, shared, unxz, TempDir};

use crate::common;

const VMLINUX_ID: &str = "f30b2d2a4e5354a8130d75c3b340f2d18459dd3b";
const LKDTM_ID: &str = "ccda84458db78fa2ca9e5c682f12f71c9c01dc3e";

fn console() -> PathBuf {
    shared().join("kernels/x86_64-thin/console.log")
}

fn bug_log() -> PathBuf {
    common::root().join("testdata/decode/x86_64-thin-bug.log")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `ksym ARGS` with debuginfod's variables set and no local place to find files in.
fn ksym_with(urls: &str, cache: &Path, args: &[&str]) -> Command {
    let mut c = ksym();
    c.env("DEBUGINFOD_URLS", urls)
        .env("DEBUGINFOD_CACHE_PATH", cache)
        .env("KSYM_SYSROOT", "/nonexistent")
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .args(args);
    c
}

fn run(mut c: Command) -> Output {
    c.output().expect("cannot run ksym")
}

/// A port nothing listens on (bound, then released).
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("cannot bind 127.0.0.1");
    l.local_addr().expect("no local address").port()
}

/// The files a cache directory holds, relative to it, sorted.
fn cache_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for d in fs::read_dir(dir).into_iter().flatten().flatten() {
        for f in fs::read_dir(d.path()).into_iter().flatten().flatten() {
            out.push(format!(
                "{}/{}",
                d.file_name().to_string_lossy(),
                f.file_name().to_string_lossy()
            ));
        }
    }
    out.sort();
    out
}

/// Nothing entered the cache, and no temporary file was left behind.
fn assert_nothing_cached(dir: &Path) {
    let files = cache_files(dir);
    assert!(files.is_empty(), "{files:?}");
}

/// `src` (which must not be modified) as `dst`: a hard link, else a copy.
fn link_as(src: &Path, dst: &Path) -> PathBuf {
    if fs::hard_link(src, dst).is_err() {
        fs::copy(src, dst).expect("cannot copy a kernel file");
    }
    dst.to_path_buf()
}

/// A running elfutils `debuginfod`, killed when dropped.
struct Debuginfod {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Debuginfod {
    /// Start it on a free port over `dir` and wait (at most 120 s) until both files are
    /// indexed.
    fn start(dir: &Path, work: &Path) -> Debuginfod {
        require_tool("debuginfod", "debuginfod");
        let port = free_port();
        let log = work.join("debuginfod.log");
        let child = Command::new("debuginfod")
            .arg("-F")
            .arg(format!("--port={port}"))
            .arg(format!("--database={}", work.join("db.sqlite").display()))
            .args(["--rescan-time=0", "--groom-time=0", "--concurrency=1"])
            .arg("--disable-source-scan")
            .arg("-v")
            .arg(dir)
            .stdin(Stdio::null())
            .stdout(fs::File::create(&log).expect("cannot create the server log"))
            .stderr(fs::File::create(work.join("debuginfod.err")).expect("server log"))
            .spawn()
            .expect("cannot start debuginfod");
        let mut d = Debuginfod { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(Some(st)) = d.child.try_wait() {
                panic!("debuginfod exited ({st}): {}", d.logs());
            }
            let metrics = http_get(port, "/metrics").unwrap_or_default();
            if metrics.contains("scanned_files_total{source=\"file\"} 2")
                && metrics.contains("thread_work_pending{role=\"scan\"} 0")
            {
                return d;
            }
            assert!(
                Instant::now() < deadline,
                "debuginfod did not index 2 files within 120 s: {}",
                d.logs()
            );
            thread::sleep(Duration::from_millis(100));
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn logs(&self) -> String {
        let err = self.log.with_file_name("debuginfod.err");
        format!(
            "{}{}",
            fs::read_to_string(&self.log).unwrap_or_default(),
            fs::read_to_string(err).unwrap_or_default()
        )
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Debuginfod {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A minimal `GET PATH` on 127.0.0.1:PORT; the body, or `None` when it fails.
fn http_get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn real_server() {
    crate::common::needs_full_env!();
    let work = TempDir::new("debuginfod");
    let srv = work.path().join("served");
    fs::create_dir(&srv).unwrap();
    let vmlinux = link_as(
        &unxz("kernels/x86_64-thin/vmlinux.xz", work.path()),
        &srv.join("vmlinux"),
    );
    link_as(
        &unxz("kernels/x86_64-thin/lkdtm.ko.xz", work.path()),
        &srv.join("lkdtm.ko"),
    );
    let console = console();
    let log = console.to_str().unwrap();

    // What the same decode gives with the files named on the command line.
    let want = run(ksym_with(
        "",
        &work.path().join("unused"),
        &[
            "decode",
            "--vmlinux",
            vmlinux.to_str().unwrap(),
            "--modules",
            srv.to_str().unwrap(),
            log,
        ],
    ));
    assert_eq!(want.status.code(), Some(0), "{}", text(&want.stderr));

    let mut server = Debuginfod::start(&srv, work.path());
    let url = server.url();
    let dead = format!("http://127.0.0.1:{}", free_port());

    // Nothing local: both files come from the server, and the output is the same.
    let cache = work.path().join("cache");
    let got = run(ksym_with(
        &format!("ima:ignore {url}"),
        &cache,
        &["decode", log],
    ));
    assert_eq!(
        got.status.code(),
        Some(0),
        "{}\n{}",
        text(&got.stderr),
        server.logs()
    );
    assert!(
        got.stdout == want.stdout,
        "decode through debuginfod differs"
    );
    let err = text(&got.stderr);
    for id in [VMLINUX_ID, LKDTM_ID] {
        assert!(
            err.contains(&format!("downloading {url}/buildid/{id}/debuginfo")),
            "{err}"
        );
    }
    assert_eq!(
        cache_files(&cache),
        [
            format!("{LKDTM_ID}/debuginfo"),
            format!("{VMLINUX_ID}/debuginfo")
        ]
    );
    assert_eq!(
        fs::read(cache.join(VMLINUX_ID).join("debuginfo")).unwrap(),
        fs::read(&vmlinux).unwrap()
    );

    // --debuginfod overrides DEBUGINFOD_URLS; a redirect is followed.
    let real = server.port;
    let redirect = serve(move |path| Reply::Redirect(format!("http://127.0.0.1:{real}{path}")));
    let cache_r = work.path().join("cache-redirect");
    let got = run(ksym_with(
        &dead,
        &cache_r,
        &[
            "decode",
            "--debuginfod",
            &format!("http://127.0.0.1:{redirect}"),
            log,
        ],
    ));
    assert_eq!(got.status.code(), Some(0), "{}", text(&got.stderr));
    assert!(
        got.stdout == want.stdout,
        "decode through a redirect differs"
    );

    // 8 decodes at once on an empty cache: all succeed, each file is downloaded once.
    let cache8 = work.path().join("cache8");
    let children: Vec<Child> = (0..8)
        .map(|_| {
            ksym_with(&url, &cache8, &["decode", log])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("cannot run ksym")
        })
        .collect();
    let mut downloads = 0;
    for c in children {
        let o = c.wait_with_output().expect("cannot wait for ksym");
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        assert!(o.stdout == want.stdout, "a concurrent decode differs");
        downloads += text(&o.stderr)
            .matches("ksym: debuginfod: downloaded ")
            .count();
    }
    assert_eq!(downloads, 2, "each file downloaded once");
    assert_eq!(cache_files(&cache8), cache_files(&cache));

    // elfutils' client finds ksym's downloads in the shared cache (its server is down,
    // so the cache is all it can use) ...
    require_tool("debuginfod-find", "debuginfod");
    let find = Command::new("debuginfod-find")
        .env("DEBUGINFOD_URLS", &dead)
        .env("DEBUGINFOD_CACHE_PATH", &cache)
        .args(["debuginfo", VMLINUX_ID])
        .output()
        .expect("cannot run debuginfod-find");
    assert!(find.status.success(), "{}", text(&find.stderr));
    assert_eq!(
        text(&find.stdout).trim(),
        cache.join(VMLINUX_ID).join("debuginfo").to_str().unwrap()
    );
    // ... and ksym uses what debuginfod-find fetched, without asking any server.
    let cache_e = work.path().join("cache-elfutils");
    for id in [VMLINUX_ID, LKDTM_ID] {
        let find = Command::new("debuginfod-find")
            .env("DEBUGINFOD_URLS", &url)
            .env("DEBUGINFOD_CACHE_PATH", &cache_e)
            .args(["debuginfo", id])
            .output()
            .expect("cannot run debuginfod-find");
        assert!(find.status.success(), "{}", text(&find.stderr));
    }
    let got = run(ksym_with(&url, &cache_e, &["decode", "--offline", log]));
    assert_eq!(got.status.code(), Some(0), "{}", text(&got.stderr));
    assert!(
        got.stdout == want.stdout,
        "decode from elfutils' downloads differs"
    );
    assert!(!text(&got.stderr).contains("downloading"));

    // faddr2line, sympos and inlined take --build-id in place of the object.
    let by_id = |args: &[&str]| {
        let mut a = vec![args[0], "--offline", "--build-id", LKDTM_ID];
        a.extend(&args[1..]);
        let o = run(ksym_with(&url, &cache_e, &a));
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
        text(&o.stdout)
    };
    let by_path = |args: &[&str]| {
        let ko = srv.join("lkdtm.ko");
        let mut a = vec![args[0], ko.to_str().unwrap()];
        a.extend(&args[1..]);
        let o = run(ksym_with(&url, &cache_e, &a));
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
        text(&o.stdout)
    };
    for args in [
        &["faddr2line", "lkdtm_BUG+0x0", "direct_entry+0x137/0x150"][..],
        &["sympos", "lkdtm_BUG"],
        &["inlined", "--lines", "drivers/misc/lkdtm/bugs.c:78"],
    ] {
        let got = by_id(args);
        assert!(!got.is_empty(), "{args:?}");
        assert_eq!(got, by_path(args), "{args:?}");
    }

    // With the server stopped, the cache serves.
    server.stop();
    let got = run(ksym_with(&url, &cache, &["decode", log]));
    assert_eq!(got.status.code(), Some(0), "{}", text(&got.stderr));
    assert!(got.stdout == want.stdout, "decode from the cache differs");
    // --offline with an empty cache asks nobody and says what is missing.
    let got = run(ksym_with(
        &url,
        &work.path().join("empty"),
        &["decode", "--offline", log],
    ));
    assert_eq!(got.status.code(), Some(1), "{}", text(&got.stderr));
    let err = text(&got.stderr);
    assert!(
        err.contains(&format!(
            "debuginfo of build id {VMLINUX_ID} is not in the cache"
        )) && err.contains("--offline"),
        "{err}"
    );
}

/// What a small test server answers to `GET PATH`.
enum Reply {
    Status(u16),
    /// Read the request, then hold the connection open without a word.
    Silence,
    /// 200 with this body, its size announced as `X-DEBUGINFOD-SIZE`/`Content-Length`.
    File(Vec<u8>),
    /// Announce the whole file, send the first half, close.
    Half(Vec<u8>),
    /// 200, `Content-Encoding: gzip`: the file as `gzip -c` compresses it.
    Gzip(Vec<u8>),
    Redirect(String),
}

/// A server on a free 127.0.0.1 port answering each request with `reply(path)`; its
/// thread ends with the test process.
fn serve(reply: impl Fn(&str) -> Reply + Send + Sync + 'static) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("cannot bind 127.0.0.1");
    let port = l.local_addr().unwrap().port();
    let reply = std::sync::Arc::new(reply);
    thread::spawn(move || {
        for s in l.incoming().flatten() {
            let reply = reply.clone();
            thread::spawn(move || answer(s, &*reply));
        }
    });
    port
}

fn answer(mut s: TcpStream, reply: &dyn Fn(&str) -> Reply) {
    let mut r = BufReader::new(s.try_clone().expect("clone a stream"));
    let mut first = String::new();
    if r.read_line(&mut first).is_err() {
        return;
    }
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
    }
    let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
    let head = |status: &str, extra: &str| {
        format!("HTTP/1.1 {status}\r\nConnection: close\r\n{extra}\r\n").into_bytes()
    };
    let _ = match reply(&path) {
        Reply::Status(c) => s.write_all(&head(&format!("{c} Oops"), "Content-Length: 0\r\n")),
        Reply::Silence => {
            thread::sleep(Duration::from_secs(600));
            Ok(())
        }
        Reply::File(b) => {
            let n = b.len();
            let _ = s.write_all(&head(
                "200 OK",
                &format!("Content-Length: {n}\r\nX-DEBUGINFOD-SIZE: {n}\r\n"),
            ));
            s.write_all(&b)
        }
        Reply::Half(b) => {
            let n = b.len();
            let _ = s.write_all(&head(
                "200 OK",
                &format!("Content-Length: {n}\r\nX-DEBUGINFOD-SIZE: {n}\r\n"),
            ));
            s.write_all(&b[..n / 2])
        }
        Reply::Gzip(b) => {
            let z = gzip(&b);
            let _ = s.write_all(&head(
                "200 OK",
                &format!(
                    "Content-Encoding: gzip\r\nContent-Length: {}\r\nX-DEBUGINFOD-SIZE: {}\r\n",
                    z.len(),
                    b.len()
                ),
            ));
            s.write_all(&z)
        }
        Reply::Redirect(to) => s.write_all(&head(
            "302 Found",
            &format!("Location: {to}\r\nContent-Length: 0\r\n"),
        )),
    };
    let _ = s.flush();
}

fn gzip(data: &[u8]) -> Vec<u8> {
    require_tool("gzip", "gzip");
    let mut c = Command::new("gzip")
        .arg("-c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("cannot run gzip");
    let mut stdin = c.stdin.take().unwrap();
    let data = data.to_vec();
    let w = thread::spawn(move || stdin.write_all(&data));
    let out = c.wait_with_output().expect("gzip failed");
    w.join().unwrap().expect("cannot feed gzip");
    assert!(out.status.success());
    out.stdout
}

/// Decode the x86 BUG log with the local vmlinux; lkdtm.ko only through `urls`.
fn decode_module(urls: &str, cache: &Path, extra: &[(&str, &str)]) -> Output {
    let dir = TempDir::new("debuginfod-vm");
    let vmlinux = unxz("kernels/x86_64-thin/vmlinux.xz", dir.path());
    let mut c = ksym_with(
        urls,
        cache,
        &[
            "decode",
            "--vmlinux",
            vmlinux.to_str().unwrap(),
            bug_log().to_str().unwrap(),
        ],
    );
    for (k, v) in extra {
        c.env(k, v);
    }
    run(c)
}

fn lkdtm_bytes() -> Vec<u8> {
    let dir = TempDir::new("debuginfod-ko");
    fs::read(unxz("kernels/x86_64-thin/lkdtm.ko.xz", dir.path())).unwrap()
}

const MODULE_LINE: &str = "drivers/misc/lkdtm/core.c:329";

#[test]
fn not_found_after_refused() {
    crate::common::needs_full_env!();
    let cache = TempDir::new("debuginfod-404");
    let port = serve(|_| Reply::Status(404));
    let dead = format!("http://127.0.0.1:{}", free_port());
    let live = format!("http://127.0.0.1:{port}");
    let out = decode_module(&format!("{dead} {live}/"), cache.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    let want = format!(
        "no server gave the debuginfo of build id {LKDTM_ID}: \
         {dead}/buildid/{LKDTM_ID}/debuginfo: connection refused; \
         {live}/buildid/{LKDTM_ID}/debuginfo: 404 not found"
    );
    assert!(err.contains(&want), "{err}");
    assert!(!text(&out.stdout).contains(MODULE_LINE));
    assert_nothing_cached(cache.path());
    // The same through --build-id: an error (exit 2) with the same account.
    let out = run(ksym_with(
        &format!("{dead} {live}/"),
        cache.path(),
        &["faddr2line", "--build-id", LKDTM_ID, "lkdtm_BUG+0x0"],
    ));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(&want), "{}", text(&out.stderr));
}

#[test]
fn timeout_within_the_limit() {
    crate::common::needs_full_env!();
    let cache = TempDir::new("debuginfod-timeout");
    let port = serve(|_| Reply::Silence);
    let url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    let out = decode_module(&url, cache.path(), &[("DEBUGINFOD_TIMEOUT", "1")]);
    // One request of 1 s: far below the server's 600 s of silence.
    assert!(start.elapsed() < Duration::from_secs(300));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "{url}/buildid/{LKDTM_ID}/debuginfo: no answer within 1 s (timeout)"
        )),
        "{err}"
    );
    assert_nothing_cached(cache.path());
}

#[test]
fn another_elf_is_refused() {
    crate::common::needs_full_env!();
    let cache = TempDir::new("debuginfod-wrong");
    // The arm64 build of the same module: an ELF, another build id.
    let dir = TempDir::new("debuginfod-arm");
    let other = fs::read(unxz("kernels/arm64-thin/lkdtm.ko.xz", dir.path())).unwrap();
    let port = serve(move |_| Reply::File(other.clone()));
    let out = decode_module(&format!("http://127.0.0.1:{port}"), cache.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "http://127.0.0.1:{port}/buildid/{LKDTM_ID}/debuginfo: served a file with another build id ("
        )),
        "{err}"
    );
    assert!(!text(&out.stdout).contains(MODULE_LINE));
    assert_nothing_cached(cache.path());
}

#[test]
fn interrupted_transfer() {
    crate::common::needs_full_env!();
    let cache = TempDir::new("debuginfod-half");
    let ko = lkdtm_bytes();
    let n = ko.len();
    let port = serve(move |_| Reply::Half(ko.clone()));
    let out = decode_module(&format!("http://127.0.0.1:{port}"), cache.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "transfer interrupted after {} of {n} bytes",
            n / 2
        )),
        "{err}"
    );
    assert_nothing_cached(cache.path());
}

#[test]
fn compressed_transfer() {
    crate::common::needs_full_env!();
    let cache = TempDir::new("debuginfod-gzip");
    let ko = lkdtm_bytes();
    let served = ko.clone();
    let port = serve(move |p| {
        if p == format!("/buildid/{LKDTM_ID}/debuginfo") {
            Reply::Gzip(served.clone())
        } else {
            Reply::Status(404)
        }
    });
    // What others may have left: elfutils' negative entry (an empty file) and the
    // temporary file of a killed ksym. Both give way to the download.
    let entry = cache.path().join(LKDTM_ID);
    fs::create_dir(&entry).unwrap();
    fs::write(entry.join("debuginfo"), b"").unwrap();
    fs::write(entry.join("debuginfo.ksym-999999"), b"half").unwrap();
    let out = decode_module(&format!("http://127.0.0.1:{port}"), cache.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(MODULE_LINE));
    assert_eq!(fs::read(entry.join("debuginfo")).unwrap(), ko);
    assert_eq!(cache_files(cache.path()), [format!("{LKDTM_ID}/debuginfo")]);
}

/// `faddr2line --list` without the source at hand fetches it by the object's build id
/// (`/buildid/ID/source/usr/src/linux-6.1/fs/read_write.c`, the real file of Linux 6.1)
/// and lists it as from a source tree; elfutils' `debuginfod-find source` then finds
/// ksym's download in the cache.
#[test]
fn list_fetches_sources() {
    crate::common::needs_full_env!();
    let src = common::linux_source("fs/read_write.c");
    let tree = src.parent().and_then(Path::parent).unwrap().to_path_buf();
    let body = fs::read(&src).unwrap();
    let want_path = format!("/buildid/{VMLINUX_ID}/source/usr/src/linux-6.1/fs/read_write.c");
    let port = serve(move |p| {
        if p == want_path {
            Reply::File(body.clone())
        } else {
            Reply::Status(404)
        }
    });
    let url = format!("http://127.0.0.1:{port}");
    let dir = TempDir::new("debuginfod-src");
    let vmlinux = unxz("kernels/x86_64-thin/vmlinux.xz", dir.path());
    let args = [
        "faddr2line",
        "--list",
        vmlinux.to_str().unwrap(),
        "vfs_write+0xd0/0x250",
    ];
    let local = run({
        let mut c = ksym_with("", &dir.path().join("unused"), &args);
        c.current_dir(&tree);
        c
    });
    assert_eq!(local.status.code(), Some(0), "{}", text(&local.stderr));
    assert!(text(&local.stdout).contains(">"), "{}", text(&local.stdout));
    let cache = dir.path().join("cache");
    let empty = dir.path().join("cwd");
    fs::create_dir(&empty).unwrap();
    let fetched = run({
        let mut c = ksym_with(&url, &cache, &args);
        c.current_dir(&empty);
        c
    });
    assert_eq!(fetched.status.code(), Some(0), "{}", text(&fetched.stderr));
    assert_eq!(text(&fetched.stdout), text(&local.stdout));
    let name = "source##usr##src##linux-6.1##fs##read_write.c";
    assert_eq!(cache_files(&cache), [format!("{VMLINUX_ID}/{name}")]);

    require_tool("debuginfod-find", "debuginfod");
    let find = Command::new("debuginfod-find")
        .env(
            "DEBUGINFOD_URLS",
            format!("http://127.0.0.1:{}", free_port()),
        )
        .env("DEBUGINFOD_CACHE_PATH", &cache)
        .args(["source", VMLINUX_ID, "/usr/src/linux-6.1/fs/read_write.c"])
        .output()
        .expect("cannot run debuginfod-find");
    assert!(find.status.success(), "{}", text(&find.stderr));
    assert_eq!(
        text(&find.stdout).trim(),
        cache.join(VMLINUX_ID).join(name).to_str().unwrap()
    );
}

/// `decode --source` prints each frame's source line: from the source tree it runs in,
/// and with no source at hand, from debuginfod by the object's build id; both alike.
#[test]
fn decode_source_lines() {
    crate::common::needs_full_env!();
    let src = common::linux_source("fs/read_write.c");
    common::linux_source("arch/x86/entry/common.c");
    let tree = src.parent().and_then(Path::parent).unwrap().to_path_buf();
    let served = tree.clone();
    let port = serve(move |p| {
        let prefix = format!("/buildid/{VMLINUX_ID}/source/usr/src/linux-6.1/");
        match p
            .strip_prefix(&prefix)
            .map(|rel| fs::read(served.join(rel)))
        {
            Some(Ok(body)) => Reply::File(body),
            _ => Reply::Status(404),
        }
    });
    let dir = TempDir::new("debuginfod-decode-src");
    let vmlinux = unxz("kernels/x86_64-thin/vmlinux.xz", dir.path());
    let modules = shared().join("kernels/x86_64-thin");
    let log = bug_log();
    let args = [
        "decode",
        "--source",
        "--vmlinux",
        vmlinux.to_str().unwrap(),
        "--modules",
        modules.to_str().unwrap(),
        log.to_str().unwrap(),
    ];
    let local = run({
        let mut c = ksym_with("", &dir.path().join("unused"), &args);
        c.current_dir(&tree);
        c
    });
    assert_eq!(local.status.code(), Some(0), "{}", text(&local.stderr));
    let out = text(&local.stdout);
    // The line after vfs_write's frame is line 582 of fs/read_write.c (the log's line
    // ends are CRLF, kept).
    let line582 = fs::read_to_string(&src)
        .unwrap()
        .lines()
        .nth(581)
        .unwrap()
        .trim_end()
        .to_string();
    assert!(
        out.contains(&format!(
            "vfs_write+0xd0/0x250 fs/read_write.c:582\r\n[    2.831949]    >582<\t{line582}\r\n"
        )),
        "{out}"
    );
    let empty = dir.path().join("cwd");
    fs::create_dir(&empty).unwrap();
    let cache = dir.path().join("cache");
    let fetched = run({
        let mut c = ksym_with(&format!("http://127.0.0.1:{port}"), &cache, &args);
        c.current_dir(&empty);
        c
    });
    assert_eq!(fetched.status.code(), Some(0), "{}", text(&fetched.stderr));
    assert_eq!(text(&fetched.stdout), out);
    assert!(cache_files(&cache).contains(&format!(
        "{VMLINUX_ID}/source##usr##src##linux-6.1##arch##x86##entry##common.c"
    )));
}

/// `DEBUGINFOD_MAXSIZE` refuses a larger file before its body is read;
/// `DEBUGINFOD_MAXTIME` ends a download that takes longer, whatever `DEBUGINFOD_TIMEOUT`
/// allows; a cache that cannot be written is named.
#[test]
fn size_and_time_limits() {
    crate::common::needs_full_env!();
    let cache = TempDir::new("debuginfod-limits");
    let ko = lkdtm_bytes();
    let n = ko.len();
    let port = serve(move |_| Reply::File(ko.clone()));
    let url = format!("http://127.0.0.1:{port}");
    let out = decode_module(&url, cache.path(), &[("DEBUGINFOD_MAXSIZE", "1000")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "{url}/buildid/{LKDTM_ID}/debuginfo: {n} bytes, over DEBUGINFOD_MAXSIZE (1000)"
        )),
        "{err}"
    );
    assert_nothing_cached(cache.path());

    let silent = serve(|_| Reply::Silence);
    let url = format!("http://127.0.0.1:{silent}");
    let out = decode_module(
        &url,
        cache.path(),
        &[("DEBUGINFOD_TIMEOUT", "600"), ("DEBUGINFOD_MAXTIME", "1")],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "{url}/buildid/{LKDTM_ID}/debuginfo: no answer within 1 s"
        )),
        "{err}"
    );

    // A cache path under a regular file cannot be created.
    let file = cache.path().join("a-file");
    fs::write(&file, b"").unwrap();
    let out = run(ksym_with(
        &format!("http://127.0.0.1:{port}"),
        &file.join("cache"),
        &["faddr2line", "--build-id", LKDTM_ID, "lkdtm_BUG+0x0"],
    ));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "debuginfo of build id {LKDTM_ID}: cannot write the cache: "
        )) && err.contains(file.to_str().unwrap()),
        "{err}"
    );
}

/// `openssl s_server -WWW` (a real TLS server, serving files under its working
/// directory) on a free loopback port, killed when dropped.
struct TlsServer {
    child: Child,
    port: u16,
}

impl TlsServer {
    /// Serve `www` with `cert`/`key`; wait (at most 20 s) until it accepts connections.
    fn start(www: &Path, cert: &Path, key: &Path) -> TlsServer {
        let port = free_port();
        let child = Command::new("openssl")
            .args(["s_server", "-quiet", "-WWW", "-accept"])
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(cert)
            .arg("-key")
            .arg(key)
            .current_dir(www)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start openssl s_server");
        let mut s = TlsServer { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(st)) = s.child.try_wait() {
                panic!("openssl s_server exited ({st})");
            }
            assert!(Instant::now() < deadline, "openssl s_server did not listen");
            thread::sleep(Duration::from_millis(50));
        }
        s
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// HTTPS: a server whose certificate a PEM file in `SSL_CERT_FILE` vouches for serves as
/// a plain HTTP one does (the same `decode` and `faddr2line` answers as with local
/// files); without it the certificate is refused with a message saying what is trusted;
/// an `SSL_CERT_FILE` with no certificate is an error naming it. Nothing is cached from
/// a refused server.
#[test]
fn https_against_the_trusted_roots() {
    crate::common::needs_full_env!();
    require_tool("openssl", "openssl");
    let work = TempDir::new("debuginfod-tls");
    let (cert, key) = (work.path().join("cert.pem"), work.path().join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("run openssl req");
    assert!(made.status.success(), "{}", text(&made.stderr));
    let www = work.path().join("www");
    let dir = www.join("buildid").join(LKDTM_ID);
    fs::create_dir_all(&dir).unwrap();
    let ko = work.path().join("lkdtm.ko");
    fs::write(&ko, lkdtm_bytes()).unwrap();
    link_as(&ko, &dir.join("debuginfo"));
    let server = TlsServer::start(&www, &cert, &key);
    let url = format!("https://127.0.0.1:{}", server.port);
    let trusted = [("SSL_CERT_FILE", cert.to_str().unwrap())];

    let cache = TempDir::new("debuginfod-tls-cache");
    let out = decode_module(&url, cache.path(), &trusted);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(MODULE_LINE),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(cache_files(cache.path()), [format!("{LKDTM_ID}/debuginfo")]);
    let local = run({
        let mut c = ksym();
        c.args(["faddr2line", ko.to_str().unwrap(), "lkdtm_BUG+0x0"]);
        c
    });
    let cache = TempDir::new("debuginfod-tls-cache2");
    let mut c = ksym_with(
        &url,
        cache.path(),
        &["faddr2line", "--build-id", LKDTM_ID, "lkdtm_BUG+0x0"],
    );
    c.env("SSL_CERT_FILE", &cert);
    let out = run(c);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), text(&local.stdout));

    for (file, want) in [
        (
            None,
            "the server's certificate is not signed by a trusted authority",
        ),
        (Some(ko.as_path()), "no PEM certificate in it"),
    ] {
        let cache = TempDir::new("debuginfod-tls-refused");
        let mut c = ksym_with(
            &url,
            cache.path(),
            &["faddr2line", "--build-id", LKDTM_ID, "lkdtm_BUG+0x0"],
        );
        match file {
            Some(f) => c.env("SSL_CERT_FILE", f),
            None => c.env_remove("SSL_CERT_FILE"),
        };
        let out = run(c);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(want) && err.contains(&url), "{err}");
        if let Some(f) = file {
            assert!(
                err.contains(&format!("SSL_CERT_FILE={}", f.display())),
                "{err}"
            );
        }
        assert_nothing_cached(cache.path());
    }
}
