//! `ksym serve` on loopback: answers byte-identical to the CLI's on the shared consoles,
//! concurrent requests, the limits (413, 503, 504), bad input, and SIGTERM draining.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
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
        let log = dir.join(format!("serve-{}.log", args.len()));
        let mut child = ksym()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
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
        &["--store", store.path(), "--workers", "2"],
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
    assert_eq!(server.terminate().code(), Some(0));
}

#[test]
fn limits_bad_input_and_a_busy_queue() {
    let dir = TempDir::new("serve-limits");
    let server = Server::start(
        dir.path(),
        &[
            "--workers",
            "1",
            "--queue",
            "1",
            "--max-body",
            "1000",
            "--timeout",
            "5",
        ],
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
        (
            "POST",
            "/v1/faddr2line",
            &br#"{"build_id": "00ff", "inputs": ["f+0x1"]}"#[..],
            404,
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
    // The one worker takes a client that sends half its body, the one queue slot another:
    // the next connection is answered 503 at once; the slow clients get 504 at the
    // timeout (the second one has waited its whole timeout in the queue).
    let mut slow = Vec::new();
    for _ in 0..2 {
        let mut s = server.connect();
        send_head(&mut s, "POST", "/v1/decode", 100);
        s.write_all(b"half").expect("send");
        slow.push(s);
    }
    let mut next = server.connect();
    let a = read_answer(&mut next);
    assert_eq!(a.status, 503, "{a:?}");
    assert_eq!(a.header("Retry-After"), Some("1"));
    for mut s in slow {
        let a = read_answer(&mut s);
        assert_eq!(a.status, 504, "{a:?}");
    }
    // A client gone mid-body costs nothing but its worker's time.
    let mut gone = server.connect();
    send_head(&mut gone, "POST", "/v1/decode", 100);
    drop(gone);
    let h = server.request("GET", "/v1/health", b"");
    assert_eq!(h.status, 200);
    let m = String::from_utf8_lossy(&server.request("GET", "/metrics", b"").body).into_owned();
    assert!(m.contains("ksym_serve_rejected_total 1"), "{m}");
    assert!(
        m.contains("ksym_serve_requests_total{endpoint=\"invalid\",status=\"504\"} 2"),
        "{m}"
    );
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
