//! Load client for `ksym serve` (scripts/load-serve.sh runs it; loopback only, bounded in
//! time and count): N concurrent clients, each in a closed loop, POST the reports of a
//! directory (`NNN.log`, and `NNN.want`: what `ksym decode` prints for it) to
//! `/v1/decode` and compare every answer with the CLI's. Each client keeps one
//! connection open (`--close`: a new connection per request). Prints one JSON object:
//! requests, seconds, reports/s, p50/p99/max latency, wrong answers, errors, statuses.
//!
//! A client in Rust rather than Python so that the client's own CPU, on the same cores
//! as the server, stays small next to the server's.
//!
//! ```sh
//! cargo run --release --example load-serve -- --addr 127.0.0.1:7878 --reports DIR \
//!     --clients 32 --seconds 60 [--max-requests N] [--close]
//! ```

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Args {
    addr: String,
    reports: String,
    clients: usize,
    seconds: f64,
    max_requests: u64,
    close: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        addr: String::new(),
        reports: String::new(),
        clients: 32,
        seconds: 60.0,
        max_requests: 1_000_000,
        close: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--close" {
            a.close = true;
            continue;
        }
        let v = it.next().ok_or(format!("{flag}: wants a value"))?;
        let num = |v: &str| {
            v.parse::<f64>()
                .map_err(|_| format!("{flag} {v}: not a number"))
        };
        match flag.as_str() {
            "--addr" => a.addr = v,
            "--reports" => a.reports = v,
            "--clients" => a.clients = num(&v)? as usize,
            "--seconds" => a.seconds = num(&v)?,
            "--max-requests" => a.max_requests = num(&v)? as u64,
            _ => return Err(format!("{flag}: unknown flag")),
        }
    }
    if a.addr.is_empty() || a.reports.is_empty() || a.clients == 0 {
        return Err("usage: load-serve --addr ADDR --reports DIR [--clients N] \
                    [--seconds S] [--max-requests N] [--close]"
            .into());
    }
    Ok(a)
}

/// A report and what `ksym decode` prints for it.
type Report = (Vec<u8>, Vec<u8>);

/// The reports of `dir`, by file name.
fn reports(dir: &Path) -> Result<Vec<Report>, String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| {
            let log = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let w = p.with_extension("want");
            let want = std::fs::read(&w).map_err(|e| format!("{}: {e}", w.display()))?;
            Ok((log, want))
        })
        .collect()
}

/// One answer read from `s`: status and body (sized by Content-Length).
fn read_answer(s: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<(u16, Vec<u8>)> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
    buf.clear();
    let mut chunk = [0u8; 16 << 10];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = s.read(&mut chunk)?;
        if n == 0 {
            return Err(bad("closed before the answer's head"));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).map_err(|_| bad("head not UTF-8"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status"))?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .ok_or_else(|| bad("no Content-Length"))?;
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = s.read(&mut chunk)?;
        if n == 0 {
            return Err(bad("closed before the end of the body"));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok((status, body))
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    statuses: BTreeMap<u16, u64>,
    wrong: u64,
    errors: u64,
}

fn client(a: &Args, k: usize, reports: &[Report], stop: Instant, budget: &AtomicU64) -> Tally {
    let mut t = Tally::default();
    let mut conn: Option<TcpStream> = None;
    let mut buf = Vec::new();
    let connection = if a.close { "close" } else { "keep-alive" };
    let mut i = k;
    while Instant::now() < stop {
        if budget
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_err()
        {
            break;
        }
        let (log, want) = &reports[i % reports.len()];
        i += 1;
        let started = Instant::now();
        let result = (|| -> std::io::Result<(u16, Vec<u8>)> {
            let s = match conn.as_mut() {
                Some(s) => s,
                None => {
                    let s = TcpStream::connect(&a.addr)?;
                    s.set_nodelay(true)?;
                    s.set_read_timeout(Some(Duration::from_secs(120)))?;
                    conn.insert(s)
                }
            };
            let mut req = format!(
                "POST /v1/decode HTTP/1.1\r\nHost: ksym\r\nContent-Length: {}\r\n\
                 Connection: {connection}\r\n\r\n",
                log.len()
            )
            .into_bytes();
            req.extend_from_slice(log);
            s.write_all(&req)?;
            read_answer(s, &mut buf)
        })();
        let took = started.elapsed();
        match result {
            Ok((status, body)) => {
                *t.statuses.entry(status).or_default() += 1;
                if status == 200 {
                    t.latencies.push(took);
                    t.wrong += u64::from(body != *want);
                } else {
                    // Answers other than 200 close their connection.
                    conn = None;
                }
            }
            Err(_) => {
                t.errors += 1;
                conn = None;
            }
        }
        if a.close {
            conn = None;
        }
    }
    t
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 10_000.0).round() / 10.0
}

fn main() -> ExitCode {
    let a = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("load-serve: {e}");
            return ExitCode::from(2);
        }
    };
    let reports = match reports(Path::new(&a.reports)) {
        Ok(r) if !r.is_empty() => r,
        Ok(_) => {
            eprintln!("load-serve: {}: no NNN.log reports", a.reports);
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("load-serve: {e}");
            return ExitCode::from(2);
        }
    };
    let all = Mutex::new(Tally::default());
    let budget = AtomicU64::new(a.max_requests);
    let t0 = Instant::now();
    let stop = t0 + Duration::from_secs_f64(a.seconds);
    std::thread::scope(|s| {
        for k in 0..a.clients {
            let (a, reports, all, budget) = (&a, &reports, &all, &budget);
            s.spawn(move || {
                let t = client(a, k, reports, stop, budget);
                let mut all = all.lock().unwrap_or_else(|e| e.into_inner());
                all.latencies.extend(t.latencies);
                for (st, n) in t.statuses {
                    *all.statuses.entry(st).or_default() += n;
                }
                all.wrong += t.wrong;
                all.errors += t.errors;
            });
        }
    });
    let elapsed = t0.elapsed().as_secs_f64();
    let mut t = all.into_inner().unwrap_or_else(|e| e.into_inner());
    t.latencies.sort();
    let pct = |p: f64| {
        let n = t.latencies.len();
        let k = ((p / 100.0 * (n - 1) as f64).round() as usize).min(n - 1);
        ms(t.latencies[k])
    };
    let n = t.latencies.len();
    let (p50, p99, max) = if n == 0 {
        ("null".into(), "null".into(), "null".into())
    } else {
        (
            pct(50.0).to_string(),
            pct(99.0).to_string(),
            ms(t.latencies[n - 1]).to_string(),
        )
    };
    let statuses: Vec<String> = t
        .statuses
        .iter()
        .map(|(s, n)| format!("\"{s}\": {n}"))
        .collect();
    println!(
        "{{\"requests\": {n}, \"seconds\": {:.2}, \"per_second\": {:.1}, \"p50_ms\": {p50}, \
         \"p99_ms\": {p99}, \"max_ms\": {max}, \"wrong\": {}, \"errors\": {}, \"clients\": {}, \
         \"connection\": \"{}\", \"statuses\": {{{}}}}}",
        elapsed,
        n as f64 / elapsed,
        t.wrong,
        t.errors,
        a.clients,
        if a.close { "close" } else { "keep-alive" },
        statuses.join(", ")
    );
    if t.wrong > 0 {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
