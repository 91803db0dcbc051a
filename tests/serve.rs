//! `ksym serve` on loopback: answers byte-identical to the CLI's on the shared consoles,
//! concurrent requests and among a thousand idle connections, the limits (408 for a
//! slowloris, 413, 503, 504), persistent connections, bad input, and SIGTERM draining.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use common::{ksym, unxz, TempDir};

/// A running `ksym serve`, killed when dropped (tests never leave it behind).
struct Server {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

impl Server {
    /// Start `ksym serve --listen 127.0.0.1:0 ARGS` and wait for its `listening on` line.
    fn start(dir: &Path, args: &[&str]) -> Server {
        Server::start_with(dir, args, &[])
    }

    /// The same with more environment variables.
    fn start_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let log = dir.join(format!("serve-{}.log", args.len()));
        let mut child = ksym()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("cannot create the server log"))
            .spawn()
            .expect("cannot run ksym serve");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("cannot read the server's first line");
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "ksym serve did not start ({line:?}): {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            });
        Server { child, addr, log }
    }

    fn connect(&self) -> TcpStream {
        TcpStream::connect(self.addr).expect("cannot connect to ksym serve")
    }

    /// One request, its answer.
    fn request(&self, method: &str, target: &str, body: &[u8]) -> Answer {
        let mut s = self.connect();
        send_head(&mut s, method, target, body.len());
        s.write_all(body).expect("cannot send the body");
        read_answer(&mut s)
    }

    fn post(&self, target: &str, body: &[u8]) -> Answer {
        self.request("POST", target, body)
    }

    /// SIGTERM, then the exit status.
    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: kill(2) on our own child's pid.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
        let st = self.child.wait().expect("cannot wait for ksym serve");
        std::mem::forget(self);
        st
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn metrics(&self) -> String {
        String::from_utf8_lossy(&self.request("GET", "/metrics", b"").body).into_owned()
    }

    /// Wait (60 s at most) until the server has `n` connections open, the one asking
    /// included: the ones before are closed on its side.
    fn wait_connections(&self, n: u64) {
        let want = format!("ksym_serve_connections_open {n}\n");
        for _ in 0..600 {
            if self.metrics().contains(&want) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!(
            "the server never had {n} connections open: {}",
            self.metrics()
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn send_head(s: &mut TcpStream, method: &str, target: &str, len: usize) {
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: ksym\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).expect("cannot send the head");
}

#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

fn read_answer(s: &mut TcpStream) -> Answer {
    let mut all = Vec::new();
    s.read_to_end(&mut all).expect("cannot read the answer");
    let end = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no answer head in {:?}", String::from_utf8_lossy(&all)));
    let head = String::from_utf8_lossy(&all[..end]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line in {head:?}"));
    let body = all[end + 4..].to_vec();
    if let Some(n) = head.lines().find_map(|l| {
        l.strip_prefix("Content-Length: ")
            .and_then(|n| n.parse::<usize>().ok())
    }) {
        assert_eq!(body.len(), n, "answer body shorter than Content-Length");
    }
    Answer { status, head, body }
}

/// A store holding the decompressed 6.1 kernels and lkdtm.ko of both architectures, one
/// directory each; their paths.
struct Store {
    dir: TempDir,
}

impl Store {
    fn new() -> Store {
        let dir = TempDir::new("serve-store");
        for arch in ["x86_64-thin", "arm64-thin"] {
            let d = dir.path().join(arch);
            std::fs::create_dir_all(&d).expect("cannot create the store");
            for f in ["vmlinux", "lkdtm.ko"] {
                let p = unxz(&format!("kernels/{arch}/{f}.xz"), &d);
                std::fs::rename(&p, d.join(f)).expect("cannot name the store file");
            }
        }
        Store { dir }
    }

    fn path(&self) -> &str {
        self.dir.path().to_str().expect("UTF-8 temp path")
    }

    fn object(&self, arch: &str, f: &str) -> PathBuf {
        self.dir.path().join(arch).join(f)
    }
}

fn shared_log(arch: &str, name: &str) -> (PathBuf, Vec<u8>) {
    let p = common::shared().join("kernels").join(arch).join(name);
    let data = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    (p, data)
}

/// What `ksym decode` prints for `log` with the store's objects of `arch`.
fn cli_decode(store: &Store, arch: &str, log: &Path, json: bool) -> Vec<u8> {
    let mut c = ksym();
    c.arg("decode")
        .arg("--vmlinux")
        .arg(store.object(arch, "vmlinux"))
        .arg("--modules")
        .arg(store.dir.path().join(arch));
    if json {
        c.arg("--json");
    }
    let out = c.arg(log).output().expect("cannot run ksym decode");
    assert_eq!(out.status.code(), Some(0), "ksym decode {}", log.display());
    out.stdout
}

const LOGS: &[(&str, &str)] = &[
    ("x86_64-thin", "console.log"),
    ("x86_64-thin", "panic.log"),
    ("arm64-thin", "console.log"),
    ("arm64-thin", "panic.log"),
];

#[test]
fn answers_are_the_clis_byte_for_byte_also_concurrently() {
    crate::common::needs_full_env!();
    let store = Store::new();
    let server = Server::start(
        store.dir.path(),
        &[
            "--store",
            store.path(),
            "--workers",
            "2",
            "--idle-timeout",
            "600",
        ],
    );
    let mut cases = Vec::new();
    for &(arch, name) in LOGS {
        let (path, data) = shared_log(arch, name);
        for json in [false, true] {
            let want = cli_decode(&store, arch, &path, json);
            assert!(want.len() > 1000, "{name}: the CLI printed little");
            cases.push((
                format!("{arch}/{name} json={json}"),
                data.clone(),
                json,
                want,
            ));
        }
    }
    for (what, data, json, want) in &cases {
        let target = if *json {
            "/v1/decode?format=json"
        } else {
            "/v1/decode"
        };
        let a = server.post(target, data);
        assert_eq!(
            a.status,
            200,
            "{what}: {}",
            String::from_utf8_lossy(&a.body)
        );
        assert_eq!(a.header("X-Ksym-Exit"), Some("0"), "{what}");
        assert!(
            a.body == *want,
            "{what}: the answer differs from ksym decode's"
        );
    }
    // 16 clients at once, each its own report; every answer must be its own.
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..16)
            .map(|i| {
                let (what, data, json, want) = &cases[i % cases.len()];
                let server = &server;
                s.spawn(move || {
                    let t = if *json {
                        "/v1/decode?format=json"
                    } else {
                        "/v1/decode"
                    };
                    let a = server.post(t, data);
                    assert_eq!(a.status, 200, "{what}");
                    assert!(a.body == *want, "{what}: concurrent answer differs");
                })
            })
            .collect();
        for h in hs {
            h.join().expect("a client thread failed");
        }
    });
    // faddr2line by release (and arch) and by build id, as `faddr2line --json` prints.
    let vmlinux = store.object("x86_64-thin", "vmlinux");
    let want = ksym()
        .arg("faddr2line")
        .arg("--json")
        .arg(&vmlinux)
        .args(["lkdtm_WARNING+0x1", "vfs_write+0x10"])
        .output()
        .expect("cannot run ksym faddr2line");
    let lkdtm = store.object("x86_64-thin", "lkdtm.ko");
    let id = symtab::input::file_build_id(&lkdtm).expect("lkdtm.ko has a build id");
    let want_ko = ksym()
        .arg("faddr2line")
        .arg("--json")
        .arg(&lkdtm)
        .arg("lkdtm_BUG+0x1")
        .output()
        .expect("cannot run ksym faddr2line");
    let a = server.post(
        "/v1/faddr2line",
        br#"{"release": "6.1.192", "arch": "x86_64", "inputs": ["lkdtm_WARNING+0x1", "vfs_write+0x10"]}"#,
    );
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.body, want.stdout);
    assert!(!a.body.is_empty());
    let a = server.post(
        "/v1/faddr2line",
        format!(r#"{{"build_id": "{id}", "inputs": ["lkdtm_BUG+0x1"]}}"#).as_bytes(),
    );
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.body, want_ko.stdout);
    assert!(!a.body.is_empty());
    // Health and metrics count what was done.
    let h = server.request("GET", "/v1/health", b"");
    assert_eq!(
        (h.status, &h.body[..]),
        (200, &b"{\"status\":\"ok\",\"objects\":4}\n"[..])
    );
    let m = server.request("GET", "/metrics", b"");
    let m = String::from_utf8_lossy(&m.body);
    let n = 8 + 16;
    assert!(
        m.contains(&format!(
            "ksym_serve_requests_total{{endpoint=\"decode\",status=\"200\"}} {n}"
        )),
        "{m}"
    );
    assert!(m.contains("ksym_serve_request_duration_seconds_count{endpoint=\"decode\"} 24"));
    assert!(m.contains("ksym_serve_store_objects 4"), "{m}");
    assert!(m.contains("ksym_serve_objects_open 0"), "{m}");
    // Each worker keeps what it opened: the 4 objects at most, at least one.
    let kept = m
        .lines()
        .find_map(|l| l.strip_prefix("ksym_serve_objects_kept "))
        .and_then(|n| n.parse::<u64>().ok())
        .expect("ksym_serve_objects_kept");
    assert!((1..=8).contains(&kept), "{m}");
    let log = server.log();
    assert_eq!(
        log.lines()
            .filter(|l| l.contains("event=request") && l.contains("path=\"/v1/decode\""))
            .count(),
        n,
        "one log line per request"
    );
    // A thousand idle connections (fewer if this process may not open that many files)
    // hold no worker: every answer is still the CLI's.
    let idle_n = raise_fd_limit().saturating_sub(256).min(1000);
    assert!(
        idle_n >= 500,
        "too few file descriptors for the idle connections"
    );
    let idle: Vec<TcpStream> = (0..idle_n).map(|_| server.connect()).collect();
    for (what, data, json, want) in &cases {
        let target = if *json {
            "/v1/decode?format=json"
        } else {
            "/v1/decode"
        };
        let a = server.post(target, data);
        assert_eq!(a.status, 200, "{what} among idle connections");
        assert!(
            a.body == *want,
            "{what}: the answer among idle connections differs"
        );
    }
    let m = server.metrics();
    let open = m
        .lines()
        .find_map(|l| l.strip_prefix("ksym_serve_connections_open "))
        .and_then(|n| n.parse::<usize>().ok())
        .expect("ksym_serve_connections_open");
    assert!(open > idle_n, "{idle_n} idle connections, {open} open: {m}");
    drop(idle);
    assert_eq!(server.terminate().code(), Some(0));
}

/// Raise this process's soft limit of open files to its hard limit; the soft limit.
fn raise_fd_limit() -> usize {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit with a valid rlimit.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut r), 0);
        let target = r.rlim_max.min(1 << 16);
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
    r.rlim_cur as usize
}

#[test]
fn limits_bad_input_and_a_busy_queue() {
    let dir = TempDir::new("serve-limits");
    // A debuginfod that accepts and never answers: a faddr2line of a build id in no
    // store holds the one worker for DEBUGINFOD_TIMEOUT.
    let sink = TcpListener::bind("127.0.0.1:0").expect("cannot listen");
    let upstream = format!("http://{}", sink.local_addr().expect("sink address"));
    let server = Server::start_with(
        dir.path(),
        &[
            "--debuginfod",
            &upstream,
            "--workers",
            "1",
            "--queue",
            "1",
            "--max-body",
            "1000",
            "--timeout",
            "2",
        ],
        &[("DEBUGINFOD_TIMEOUT", "8")],
    );
    // Over the limit: 413 before any of the body is read.
    let mut s = server.connect();
    send_head(&mut s, "POST", "/v1/decode", 5000);
    assert_eq!(read_answer(&mut s).status, 413);
    // Bad requests are answered and the server lives on.
    for (method, target, body, status) in [
        ("POST", "/v1/faddr2line", &b"{not json"[..], 400),
        (
            "POST",
            "/v1/faddr2line",
            &br#"{"inputs": ["f+0x1"]}"#[..],
            400,
        ),
        ("POST", "/v1/decode?format=xml", &b"x"[..], 400),
        ("GET", "/v1/decode", &b""[..], 405),
        ("GET", "/nowhere", &b""[..], 404),
    ] {
        let a = server.request(method, target, body);
        assert_eq!(a.status, status, "{method} {target}");
    }
    // A log with no report: 200, the log as it was, exit 1.
    let a = server.post("/v1/decode", b"hello\n\xff\xfe binary\n");
    assert_eq!(
        (a.status, &a.body[..]),
        (200, &b"hello\n\xff\xfe binary\n"[..])
    );
    assert_eq!(a.header("X-Ksym-Exit"), Some("1"));
    let mut s = server.connect();
    s.write_all(b"NOT HTTP\r\n\r\n").expect("send");
    assert_eq!(read_answer(&mut s).status, 400);
    let mut s = server.connect();
    s.write_all(b"POST /v1/decode HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
        .expect("send");
    assert_eq!(read_answer(&mut s).status, 411);
    // Persistent connections: two requests sent at once on one connection, two answers.
    let mut s = server.connect();
    s.write_all(
        b"GET /v1/health HTTP/1.1\r\n\r\nGET /v1/health HTTP/1.1\r\nConnection: close\r\n\r\n",
    )
    .expect("send");
    let mut all = String::new();
    s.read_to_string(&mut all).expect("read the answers");
    assert_eq!(all.matches("HTTP/1.1 200 OK").count(), 2, "{all}");
    assert!(all.contains("Connection: keep-alive"), "{all}");
    // The worker held by a hung debuginfod (its connection accepted here), the queue
    // slot taken by a second request: a third is answered 503 at once. The second gets
    // 504 when the worker is free again (it waited longer than --timeout).
    let hung = br#"{"build_id": "00112233445566778899aabbccddeeff00112233", "inputs": ["f+0x1"]}"#;
    let mut first = server.connect();
    send_head(&mut first, "POST", "/v1/faddr2line", hung.len());
    first.write_all(hung).expect("send");
    let (_upstream_conn, _) = sink.accept().expect("the server never asked debuginfod");
    let mut queued = server.connect();
    send_head(&mut queued, "POST", "/v1/decode", 1);
    queued.write_all(b"x").expect("send");
    let mut third = server.connect();
    send_head(&mut third, "POST", "/v1/decode", 1);
    third.write_all(b"y").expect("send");
    // Whichever was read first took the queue slot.
    let mut st = [read_answer(&mut third), read_answer(&mut queued)];
    st.sort_by_key(|a| a.status);
    assert_eq!([st[0].status, st[1].status], [503, 504], "{st:?}");
    assert_eq!(st[0].header("Retry-After"), Some("1"));
    assert_eq!(read_answer(&mut first).status, 404);
    // A client gone mid-body costs nothing.
    let mut gone = server.connect();
    send_head(&mut gone, "POST", "/v1/decode", 100);
    drop(gone);
    let h = server.request("GET", "/v1/health", b"");
    assert_eq!(h.status, 200);
    let m = server.metrics();
    for line in [
        "ksym_serve_rejected_total 1",
        "ksym_serve_requests_total{endpoint=\"invalid\",status=\"413\"} 1",
        "ksym_serve_requests_total{endpoint=\"invalid\",status=\"499\"} 1",
        "ksym_serve_requests_total{endpoint=\"decode\",status=\"504\"} 1",
        "ksym_serve_requests_total{endpoint=\"rejected\",status=\"503\"} 1",
    ] {
        assert!(m.contains(line), "{line} in {m}");
    }
    assert_eq!(server.terminate().code(), Some(0));
}

#[test]
fn slowloris_is_cut_at_the_timeout_and_connections_are_capped() {
    let dir = TempDir::new("serve-slowloris");
    let server = Server::start(dir.path(), &["--timeout", "5", "--max-connections", "3"]);
    // Two stalled heads and a slowloris (a byte every 100 ms, which does not push its
    // deadline back) hold the 3 connections: a fourth is answered 503 at once; the three
    // are answered 408 and closed at --timeout.
    let mut stalled = Vec::new();
    for _ in 0..2 {
        let mut s = server.connect();
        s.write_all(b"POST /v1/decode HTTP/1.1\r\n").expect("send");
        stalled.push(s);
    }
    let mut slow = server.connect();
    slow.write_all(b"POST /v1/decode HTTP/1.1\r\nX-Slow: ")
        .expect("send");
    let mut trickle = slow.try_clone().expect("clone the socket");
    let trickler = std::thread::spawn(move || {
        for _ in 0..600 {
            if trickle.write_all(b"X").is_err() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    });
    let mut fourth = server.connect();
    let a = read_answer(&mut fourth);
    assert_eq!(a.status, 503, "{a:?}");
    assert_eq!(read_answer(&mut slow).status, 408);
    for mut s in stalled {
        assert_eq!(read_answer(&mut s).status, 408);
    }
    drop(slow);
    trickler.join().expect("the trickling thread");
    server.wait_connections(1);
    let m = server.metrics();
    for line in [
        "ksym_serve_rejected_total 1",
        "ksym_serve_requests_total{endpoint=\"invalid\",status=\"408\"} 3",
    ] {
        assert!(m.contains(line), "{line} in {m}");
    }
    assert_eq!(server.terminate().code(), Some(0));
}

#[test]
fn a_client_slow_to_read_its_answer_holds_no_worker() {
    let dir = TempDir::new("serve-slow-reader");
    let server = Server::start(dir.path(), &["--workers", "1"]);
    // A log without reports is answered as it is: 6 MB, more than the socket buffers
    // hold while the client reads nothing (its receive buffer kept small).
    let log: Vec<u8> = (0..150_000)
        .flat_map(|i| format!("line {i:06} of a log with no report in it\n").into_bytes())
        .collect();
    let mut slow = server.connect();
    let small: libc::c_int = 64 << 10;
    // SAFETY: setsockopt on our own socket with a valid c_int.
    let rc = unsafe {
        libc::setsockopt(
            std::os::fd::AsRawFd::as_raw_fd(&slow),
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&small as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0);
    send_head(&mut slow, "POST", "/v1/decode", log.len());
    slow.write_all(&log).expect("send the log");
    // The one worker is free again while that answer waits to be read.
    let mut h = server.connect();
    h.set_read_timeout(Some(std::time::Duration::from_secs(120)))
        .expect("read timeout");
    send_head(&mut h, "GET", "/v1/health", 0);
    assert_eq!(read_answer(&mut h).status, 200);
    let a = read_answer(&mut slow);
    assert_eq!(a.status, 200);
    assert!(a.body == log, "the answer written in pieces differs");
    assert_eq!(server.terminate().code(), Some(0));
}

#[test]
fn sigterm_finishes_requests_in_flight_then_exits_0() {
    crate::common::needs_full_env!();
    let store = Store::new();
    let server = Server::start(
        store.dir.path(),
        &["--store", store.path(), "--workers", "2"],
    );
    let (path, data) = shared_log("x86_64-thin", "console.log");
    let want = cli_decode(&store, "x86_64-thin", &path, false);
    let mut inflight = server.connect();
    send_head(&mut inflight, "POST", "/v1/decode", data.len());
    inflight.write_all(&data[..100]).expect("send");
    // Connections are accepted in order: once a later one is answered, the first one is
    // in the server's hands.
    assert_eq!(server.request("GET", "/v1/health", b"").status, 200);
    let pid = server.child.id() as libc::pid_t;
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    inflight.write_all(&data[100..]).expect("send the rest");
    let a = read_answer(&mut inflight);
    assert_eq!(a.status, 200);
    assert!(
        a.body == want,
        "the drained answer differs from ksym decode's"
    );
    let st = server.terminate();
    assert_eq!(st.code(), Some(0));
}
