//! `ksym serve`: decode and faddr2line over HTTP, for fleets and CI.
//!
//! One thread accepts connections and reads their requests without blocking on any
//! (`conns`): an idle or slow connection costs a file descriptor and its buffer, not a
//! worker. Each complete request goes to a fixed pool of workers (or waits in a bounded
//! queue); a worker answers it and gives a persistent connection back for its next
//! request. A request not complete within the timeout of its first byte is answered 408;
//! one that waited longer than the timeout for a worker 504; a body over the limit 413;
//! no worker or queue slot, 503. Connections are capped; idle ones are closed after the
//! idle timeout, or when a new one needs their place. SIGTERM or SIGINT stops the
//! accepting, closes the idle connections, answers every request already begun, and
//! returns.
//!
//! Objects come from the stores ([`store`]), by build id and release, else from
//! debuginfod by build id ([`crate::debuginfod::find`]). Each worker keeps the objects
//! its decodes opened ([`crate::oops::decode::pool`], `max_open` of them, least recently
//! used out first), so a kernel asked about again is not opened again. Answers are those of
//! [`crate::oops::decode::decode`] and of the faddr2line the caller passes in
//! ([`Faddr2line`]), byte for byte. `docs/serve.md` describes the API.

mod conns;
pub mod http;
pub mod metrics;
pub mod store;

use std::collections::btree_map::{BTreeMap, Entry};
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use crate::oops::decode::modules::ModuleFile;
use crate::oops::decode::{self as oops_decode, Options as DecodeOptions, Summary};
use conns::{Conn, Job};
use http::{Request, Response};
use metrics::Metrics;
use store::Index;

crate::error::error_type! {
    /// The class of an error of the service (`Io`: a socket, a signal handler, a thread,
    /// a directory, writing; `NotFound`: a store that is not a directory).
    kinds {}
    /// An error of the service: a kind, one line, and the system's error as its source.
}

type Result<T, E = Error> = std::result::Result<T, E>;

/// `what`, caused by the system error `e`.
fn io_error(what: impl Into<String>) -> impl FnOnce(io::Error) -> Error {
    move |e| Error::with_source(ErrorKind::Io, what, e)
}

/// Runs faddr2line on an object: `(object, inputs, out)` → exit status (0, 1 or 2), the
/// answer written as `faddr2line --json` writes it. An error becomes a 500 answer with
/// the error and its causes.
pub type Faddr2line = dyn Fn(&Path, &[String], &mut dyn Write) -> Result<u8, Box<dyn std::error::Error + Send + Sync>>
    + Send
    + Sync;

/// At most this many inputs in one faddr2line request.
pub const MAX_INPUTS: usize = 10_000;

/// How the service runs.
pub struct Config {
    /// `ADDR:PORT` to listen on (port 0: any free port).
    pub listen: String,
    /// Directories of objects.
    pub stores: Vec<PathBuf>,
    /// Worker threads.
    pub workers: usize,
    /// Complete requests waiting for a worker, at most.
    pub queue: usize,
    /// Largest request body, in bytes.
    pub max_body: u64,
    /// Time from a request's first byte to having all of it (else 408), and longest wait
    /// for a worker (else 504).
    pub timeout: Duration,
    /// Time a connection may stay open between requests (or before its first).
    pub idle_timeout: Duration,
    /// Connections open at once, at most.
    pub max_connections: usize,
    /// Objects each worker keeps open between requests (0: none).
    pub max_open: usize,
    /// faddr2line.
    pub faddr2line: Box<Faddr2line>,
}

/// Set by SIGTERM and SIGINT.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_stop_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
    conns::wake();
}

fn install_signal_handlers() -> Result<()> {
    for sig in [libc::SIGTERM, libc::SIGINT] {
        // SAFETY: a zeroed sigaction is valid; the handler only stores to an atomic,
        // which is async-signal-safe.
        let rc = unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_stop_signal as *const () as libc::sighandler_t;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut())
        };
        if rc != 0 {
            return Err(io_error("cannot install a signal handler")(
                io::Error::last_os_error(),
            ));
        }
    }
    Ok(())
}

/// File descriptors kept for the process itself (listener, pipe, logs, store scans).
const FDS_KEPT: usize = 64;
/// File descriptors one decode may hold besides its kept objects.
const FDS_PER_DECODE: usize = 8;

/// Raise the soft limit of open files to the hard limit; the soft limit then.
fn raise_fd_limit() -> usize {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit with a valid rlimit.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) != 0 {
            return 1024;
        }
        // An unlimited hard limit is not one the soft limit may take (fs.nr_open).
        let target = r.rlim_max.min(1 << 20);
        if r.rlim_cur < target {
            let want = libc::rlimit {
                rlim_cur: target,
                rlim_max: r.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &want) == 0 {
                r = want;
            }
        }
    }
    usize::try_from(r.rlim_cur).unwrap_or(usize::MAX)
}

/// What the workers share.
struct Shared {
    config: Config,
    index: RwLock<Index>,
    links: PathBuf,
    last_scan: Mutex<Instant>,
    metrics: Metrics,
    /// Bytes of request bodies being read or answered at most: workers + queue bodies of
    /// `max_body`.
    body_budget: u64,
    /// Bytes of that budget taken.
    body_reserved: AtomicU64,
}

/// Serve until SIGTERM or SIGINT. `ready` gets one line, `listening on ADDR:PORT`, once
/// the socket is bound and the stores indexed.
pub fn run(mut config: Config, ready: &mut dyn Write) -> Result<()> {
    let listener = TcpListener::bind(&config.listen)
        .map_err(io_error(format!("{}: cannot listen", config.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(io_error("cannot read the bound address"))?;
    for s in &config.stores {
        if !s.is_dir() {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("{}: store is not a directory", s.display()),
            ));
        }
    }
    install_signal_handlers()?;
    let room = raise_fd_limit()
        .saturating_sub(FDS_KEPT + config.workers.max(1) * (config.max_open + FDS_PER_DECODE));
    if config.max_connections > room {
        log_line(&format!(
            "event=limit max_connections={} fd_room={room}: fewer connections than asked, \
             for want of file descriptors (RLIMIT_NOFILE)",
            config.max_connections
        ));
        config.max_connections = room.max(1);
    }
    let links = std::env::temp_dir().join(format!("ksym-serve-{}", std::process::id()));
    std::fs::create_dir_all(&links)
        .map_err(io_error(format!("{}: cannot create", links.display())))?;
    let mut index = Index::default();
    index.scan(&config.stores, &links);
    let slots = (config.workers.max(1) + config.queue) as u64;
    let shared = Arc::new(Shared {
        metrics: Metrics::default(),
        body_budget: config.max_body.max(1).saturating_mul(slots),
        body_reserved: AtomicU64::new(0),
        index: RwLock::new(Index::default()),
        links,
        last_scan: Mutex::new(Instant::now()),
        config,
    });
    shared
        .metrics
        .store_objects
        .store(index.len() as u64, Ordering::Relaxed);
    if let Ok(mut i) = shared.index.write() {
        *i = index;
    }
    let result = serve(&shared, listener, addr, ready);
    let _ = std::fs::remove_dir_all(&shared.links);
    result
}

fn serve(
    shared: &Arc<Shared>,
    listener: TcpListener,
    addr: SocketAddr,
    ready: &mut dyn Write,
) -> Result<()> {
    let workers = shared.config.workers.max(1);
    let waker = conns::Waker::new().map_err(io_error("cannot create a pipe"))?;
    let busy = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::sync_channel::<Job>(shared.config.queue);
    let (back_tx, back_rx) = mpsc::channel::<Conn>();
    let rx = Arc::new(Mutex::new(rx));
    let mut handles = Vec::new();
    for i in 0..workers {
        let rx = Arc::clone(&rx);
        let shared = Arc::clone(shared);
        let busy = Arc::clone(&busy);
        let back = back_tx.clone();
        let max_open = shared.config.max_open;
        let h = std::thread::Builder::new()
            .name(format!("ksym-serve-{i}"))
            .spawn(move || {
                crate::oops::decode::pool::set_capacity(max_open);
                loop {
                    let job = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(_) => break,
                    };
                    let Ok(job) = job else { break };
                    if let Some(conn) = work(&shared, job, i) {
                        let _ = back.send(conn);
                        conns::wake();
                    } else if STOP.load(Ordering::SeqCst) {
                        conns::wake();
                    }
                    busy.fetch_sub(1, Ordering::SeqCst);
                }
            })
            .map_err(io_error("cannot start a worker thread"))?;
        handles.push(h);
    }
    drop(back_tx);
    listener
        .set_nonblocking(true)
        .map_err(io_error("cannot configure the listening socket"))?;
    writeln!(ready, "listening on {addr}")
        .and_then(|()| ready.flush())
        .map_err(io_error("cannot write"))?;
    log_line(&format!(
        "event=start listen={addr} workers={workers} queue={} max_connections={} stores={}",
        shared.config.queue,
        shared.config.max_connections,
        shared.index.read().map(|i| i.len()).unwrap_or(0)
    ));
    conns::run(shared, listener, tx, back_rx, &waker, &busy);
    for h in handles {
        let _ = h.join();
    }
    Ok(())
}

/// Answer one request: the connection back when it stays open (or has more of the
/// answer to write). The metrics and the log line are written before the answer is: a
/// client that has its answer sees them.
fn work(shared: &Shared, job: Job, worker: usize) -> Option<Conn> {
    let Job { conn, req } = job;
    let endpoint = endpoint_name(&req.path);
    shared.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let mut warnings = 0;
    let waited = conn.started.elapsed();
    let resp = if waited > shared.config.timeout {
        Response::error(
            504,
            &format!(
                "waited {:.1} s for a worker, over the timeout of {} s",
                waited.as_secs_f64(),
                shared.config.timeout.as_secs_f64()
            ),
        )
    } else {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            route(shared, &req, &mut warnings)
        }));
        result.unwrap_or_else(|_| Response::error(500, "internal error (the request was dropped)"))
    };
    shared.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    let (n, bytes) = crate::oops::decode::pool::kept();
    shared.metrics.set_kept(worker, n as u64, bytes);
    let took = conn.started.elapsed();
    shared.metrics.record(endpoint, resp.status, took);
    let exit = resp
        .headers
        .iter()
        .find(|(k, _)| *k == "X-Ksym-Exit")
        .and_then(|(_, v)| v.parse().ok());
    log_request(
        conn.peer,
        &req.method,
        &req.path,
        resp.status,
        exit,
        req.body.len(),
        resp.body.len(),
        took,
        warnings,
    );
    let keep_alive = req.keep_alive && !STOP.load(Ordering::SeqCst);
    conn.answered(resp.to_bytes(keep_alive), keep_alive)
}

fn endpoint_name(path: &str) -> &'static str {
    match path {
        "/v1/decode" => "decode",
        "/v1/faddr2line" => "faddr2line",
        "/v1/health" => "health",
        "/metrics" => "metrics",
        _ => "other",
    }
}

fn route(shared: &Shared, r: &Request, warnings: &mut usize) -> Response {
    let want = match r.path.as_str() {
        "/v1/decode" | "/v1/faddr2line" => "POST",
        "/v1/health" | "/metrics" => "GET",
        _ => return Response::error(404, &format!("{}: no such endpoint", r.path)),
    };
    if r.method != want && !(want == "GET" && r.method == "HEAD") {
        let mut resp = Response::error(405, &format!("{} wants {want}", r.path));
        resp.headers.push(("Allow", want.into()));
        return resp;
    }
    match r.path.as_str() {
        "/v1/decode" => decode(shared, r, warnings),
        "/v1/faddr2line" => faddr2line(shared, r),
        "/v1/health" => {
            let n = shared.index.read().map(|i| i.len()).unwrap_or(0);
            let mut resp = Response::text(200, format!("{{\"status\":\"ok\",\"objects\":{n}}}\n"));
            resp.content_type = "application/json";
            resp
        }
        _ => {
            let mut resp = Response::text(200, shared.metrics.render());
            resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
            resp
        }
    }
}

/// The options decode runs with in the service: the objects found in the stores, the
/// release hint, JSON or text; everything else as `ksym decode` has it by default.
fn decode_options(
    vmlinux: Option<PathBuf>,
    module_files: Vec<ModuleFile>,
    release: Option<String>,
    json: bool,
) -> DecodeOptions {
    DecodeOptions {
        vmlinux,
        module_files,
        release,
        json,
        call_site: true,
        ..DecodeOptions::default()
    }
}

/// The exit status `ksym decode` would end with for `s`.
fn decode_exit(s: &Summary, vmlinux_given: bool) -> u8 {
    if s.mismatch || (vmlinux_given && s.vmlinux_error.is_some()) {
        2
    } else if s.frames == 0 || s.resolved < s.frames {
        1
    } else {
        0
    }
}

/// Objects a request uses, counted in the metrics while it runs.
struct InUse<'a> {
    metrics: &'a Metrics,
    objects: u64,
    bytes: u64,
}

impl<'a> InUse<'a> {
    fn new(metrics: &'a Metrics) -> Self {
        InUse {
            metrics,
            objects: 0,
            bytes: 0,
        }
    }

    fn add(&mut self, size: u64) {
        self.objects += 1;
        self.bytes += size;
        self.metrics.objects_open.fetch_add(1, Ordering::Relaxed);
        self.metrics.bytes_mapped.fetch_add(size, Ordering::Relaxed);
    }
}

impl Drop for InUse<'_> {
    fn drop(&mut self) {
        self.metrics
            .objects_open
            .fetch_sub(self.objects, Ordering::Relaxed);
        self.metrics
            .bytes_mapped
            .fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

fn decode(shared: &Shared, r: &Request, warnings: &mut usize) -> Response {
    let json = match r.param("format") {
        None | Some("text") => false,
        Some("json") => true,
        Some(f) => return Response::error(400, &format!("format={f}: want text or json")),
    };
    let release_hint = r
        .param("release")
        .filter(|s| !s.is_empty())
        .map(String::from);
    let id_hint = match r.param("build_id") {
        None | Some("") => None,
        Some(id) => match crate::debuginfod::normalize_build_id(id) {
            Some(id) => Some(id),
            None => return Response::error(400, &format!("build_id={id}: not a build id")),
        },
    };
    // Parsed once: the reports name the objects, then decode takes the log as parsed.
    let log = crate::oops::ParsedLog::parse(&r.body);
    let release = release_hint
        .clone()
        .or_else(|| log.reports().find_map(|o| o.release.clone()));
    let kernel_id = id_hint.or_else(|| log.reports().find_map(|o| o.kernel_build_id.clone()));
    let arch = log.reports().find_map(store::report_arch);
    let mut in_use = InUse::new(&shared.metrics);
    let vmlinux = find_kernel(
        shared,
        kernel_id.as_deref(),
        release.as_deref(),
        arch,
        &mut in_use,
    );
    let mut modules = BTreeMap::new();
    for o in log.reports() {
        let rel = o.release.as_deref().or(release.as_deref());
        for f in &o.frames {
            let Some(m) = &f.module else { continue };
            for (file, size) in find_modules(shared, m, f.build_id.as_deref(), rel, arch) {
                if let Entry::Vacant(v) = modules.entry(file.path.clone()) {
                    v.insert(file);
                    in_use.add(size);
                }
            }
        }
    }
    let vmlinux_given = vmlinux.is_some();
    let opts = decode_options(vmlinux, modules.into_values().collect(), release_hint, json);
    let mut out = Vec::new();
    let mut warn = |m: &str| {
        *warnings += 1;
        log_line(&format!("event=warning message={}", quote(m)));
    };
    match oops_decode::decode_parsed(opts, log, &mut out, &mut warn) {
        Ok(summary) => {
            let mut resp = Response::text(200, out);
            if json {
                resp.content_type = "application/x-ndjson";
            }
            let exit = decode_exit(&summary, vmlinux_given);
            resp.headers.push(("X-Ksym-Exit", exit.to_string()));
            resp.headers.push((
                "X-Ksym-Frames",
                format!("{}/{}", summary.resolved, summary.frames),
            ));
            resp
        }
        Err(e) => Response::error(422, &format!("cannot read the log: {e}")),
    }
}

/// The kernel of `id` (else of `release`): the stores, then debuginfod by build id.
fn find_kernel(
    shared: &Shared,
    id: Option<&str>,
    release: Option<&str>,
    arch: Option<&str>,
    in_use: &mut InUse<'_>,
) -> Option<PathBuf> {
    let lookup = |i: &Index| -> Option<(PathBuf, u64)> {
        let by_id = id.and_then(|id| i.by_id.get(id));
        let e = by_id.or_else(|| release.and_then(|r| i.kernel_by_release(r, arch)))?;
        Some((e.path.clone(), e.size))
    };
    if id.is_none() && release.is_none() {
        return None;
    }
    match lookup_or_rescan(shared, lookup) {
        Some((p, size)) => {
            in_use.add(size);
            Some(p)
        }
        None => {
            let id = id?;
            fetch(shared, id).inspect(|p| {
                in_use.add(std::fs::metadata(p).map(|m| m.len()).unwrap_or(0));
            })
        }
    }
}

/// The files of module `name` (each named `NAME.ko`, with its build id), by build id or
/// else release, with their sizes.
fn find_modules(
    shared: &Shared,
    name: &str,
    id: Option<&str>,
    release: Option<&str>,
    arch: Option<&str>,
) -> Vec<(ModuleFile, u64)> {
    let file = |e: &store::Entry| {
        let f = ModuleFile {
            path: e.module_file.clone()?,
            build_id: Some(e.build_id.clone()),
        };
        Some((f, e.size))
    };
    let lookup = |i: &Index| -> Option<Vec<(ModuleFile, u64)>> {
        if let Some(e) = id.and_then(|id| i.by_id.get(id)) {
            return Some(file(e).into_iter().collect());
        }
        if id.is_some() {
            return None;
        }
        let v: Vec<(ModuleFile, u64)> = i
            .modules_by_release(name, release?, arch)
            .into_iter()
            .filter_map(file)
            .collect();
        (!v.is_empty()).then_some(v)
    };
    // A miss with a build id is left to decode, which asks debuginfod itself.
    lookup_or_rescan(shared, lookup).unwrap_or_default()
}

/// `lookup` in the index; on a miss, rescan the stores (at most once a second) and
/// look again. Counts hits and misses.
fn lookup_or_rescan<T>(shared: &Shared, lookup: impl Fn(&Index) -> Option<T>) -> Option<T> {
    let m = &shared.metrics;
    if let Some(v) = shared.index.read().ok().and_then(|i| lookup(&i)) {
        m.store_hits.fetch_add(1, Ordering::Relaxed);
        return Some(v);
    }
    let rescan = match shared.last_scan.lock() {
        Ok(mut t) if t.elapsed() >= Duration::from_secs(1) => {
            *t = Instant::now();
            true
        }
        _ => false,
    };
    if rescan {
        if let Ok(mut i) = shared.index.write() {
            i.scan(&shared.config.stores, &shared.links);
            m.store_objects.store(i.len() as u64, Ordering::Relaxed);
            log_line(&format!("event=rescan objects={}", i.len()));
        }
        if let Some(v) = shared.index.read().ok().and_then(|i| lookup(&i)) {
            m.store_hits.fetch_add(1, Ordering::Relaxed);
            return Some(v);
        }
    }
    m.store_misses.fetch_add(1, Ordering::Relaxed);
    None
}

/// The object of `id` through debuginfod (or its cache).
fn fetch(shared: &Shared, id: &str) -> Option<PathBuf> {
    match crate::debuginfod::find(id) {
        Ok(p) => {
            shared.metrics.downloads.fetch_add(1, Ordering::Relaxed);
            Some(p)
        }
        Err(e) => {
            shared
                .metrics
                .download_failures
                .fetch_add(1, Ordering::Relaxed);
            log_line(&format!(
                "event=debuginfod-miss build_id={id} error={}",
                quote(&e.to_string())
            ));
            None
        }
    }
}

/// The body of `POST /v1/faddr2line`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Faddr2lineBody {
    build_id: Option<String>,
    release: Option<String>,
    /// With `release`: `x86_64` or `aarch64`, when several kernels share the release.
    arch: Option<String>,
    inputs: Vec<String>,
}

fn faddr2line(shared: &Shared, r: &Request) -> Response {
    let body: Faddr2lineBody = match serde_json::from_slice(&r.body) {
        Ok(b) => b,
        Err(e) => {
            return Response::error(
                400,
                &format!("body: {e} (want {{\"build_id\"|\"release\": ..., \"inputs\": [...]}})"),
            )
        }
    };
    if body.inputs.is_empty() || body.inputs.len() > MAX_INPUTS {
        return Response::error(400, &format!("inputs: want 1 to {MAX_INPUTS} of them"));
    }
    let id = match body.build_id.as_deref() {
        None => None,
        Some(id) => match crate::debuginfod::normalize_build_id(id) {
            Some(id) => Some(id),
            None => return Response::error(400, &format!("build_id {id}: not a build id")),
        },
    };
    if id.is_none() && body.release.is_none() {
        return Response::error(400, "body: give build_id or release");
    }
    let mut in_use = InUse::new(&shared.metrics);
    let lookup = |i: &Index| -> Option<(PathBuf, u64)> {
        let e = match id.as_deref() {
            Some(id) => i.by_id.get(id),
            None => i.kernel_by_release(body.release.as_deref()?, body.arch.as_deref()),
        }?;
        Some((e.path.clone(), e.size))
    };
    let obj = match lookup_or_rescan(shared, lookup) {
        Some((p, size)) => {
            in_use.add(size);
            Some(p)
        }
        None => id.as_deref().and_then(|id| fetch(shared, id)),
    };
    let Some(obj) = obj else {
        let what = match (&id, &body.release) {
            (Some(id), _) => format!("build id {id}"),
            (None, Some(r)) => format!("release {r}"),
            (None, None) => String::new(),
        };
        return Response::error(
            404,
            &format!("no object of {what} in the stores or debuginfod"),
        );
    };
    let mut out = Vec::new();
    match (shared.config.faddr2line)(&obj, &body.inputs, &mut out) {
        Ok(exit) => {
            let mut resp = Response::text(200, out);
            resp.content_type = "application/x-ndjson";
            resp.headers.push(("X-Ksym-Exit", exit.to_string()));
            resp
        }
        Err(e) => Response::error(500, &crate::error::chain(&*e)),
    }
}

/// A value for a log line: quoted, with `"` and `\` and control characters escaped.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// One line on standard error, written in one go (one system call, never interleaved
/// with another thread's line); a standard error that fails is not the request's concern.
fn log_line(fields: &str) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let line = format!("ts={}.{:03} {fields}\n", now.as_secs(), now.subsec_millis());
    let _ = io::stderr().lock().write_all(line.as_bytes());
}

#[allow(clippy::too_many_arguments)]
fn log_request(
    peer: Option<SocketAddr>,
    method: &str,
    path: &str,
    status: u16,
    exit: Option<u8>,
    bytes_in: usize,
    bytes_out: usize,
    took: Duration,
    warnings: usize,
) {
    let peer = peer.map_or_else(|| "-".to_string(), |p| p.to_string());
    let exit = exit.map_or_else(|| "-".to_string(), |e| e.to_string());
    log_line(&format!(
        "event=request peer={peer} method={method} path={} status={status} exit={exit} \
         bytes_in={bytes_in} bytes_out={bytes_out} ms={:.3} warnings={warnings}",
        quote(path),
        took.as_secs_f64() * 1000.0
    ));
}
