//! Counters of the service, written in the Prometheus text format (`GET /metrics`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Default)]
struct Histogram {
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

/// Everything `/metrics` shows.
#[derive(Default)]
pub struct Metrics {
    /// (endpoint, status) → requests answered.
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    /// endpoint → latency.
    latency: Mutex<BTreeMap<String, Histogram>>,
    /// Store lookups answered from the index.
    pub store_hits: AtomicU64,
    /// Store lookups the index could not answer.
    pub store_misses: AtomicU64,
    /// Objects fetched through debuginfod (or found in its cache) for store misses.
    pub downloads: AtomicU64,
    /// Lookups debuginfod could not answer either.
    pub download_failures: AtomicU64,
    /// Objects being read by requests in flight.
    pub objects_open: AtomicU64,
    /// Bytes of the objects being read by requests in flight (mapped, not all resident).
    pub bytes_mapped: AtomicU64,
    /// Files in the store index.
    pub store_objects: AtomicU64,
    /// Requests being worked on.
    pub in_flight: AtomicU64,
    /// Requests and connections answered 503 (no worker or queue slot, body budget or
    /// connection cap reached).
    pub rejected: AtomicU64,
    /// Client connections open.
    pub connections_open: AtomicU64,
    /// Per worker: objects kept open between requests, and their bytes.
    kept: Mutex<BTreeMap<usize, (u64, u64)>>,
}

impl Metrics {
    /// Count one answered request.
    pub fn record(&self, endpoint: &str, status: u16, took: Duration) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((endpoint.to_string(), status)).or_default() += 1;
        }
        if let Ok(mut m) = self.latency.lock() {
            let h = m.entry(endpoint.to_string()).or_default();
            if h.counts.is_empty() {
                h.counts = vec![0; BUCKETS.len()];
            }
            let s = took.as_secs_f64();
            for (c, &b) in h.counts.iter_mut().zip(BUCKETS) {
                if s <= b {
                    *c += 1;
                }
            }
            h.sum += s;
            h.count += 1;
        }
    }

    /// Worker `worker` keeps `n` objects of `bytes` open.
    pub fn set_kept(&self, worker: usize, n: u64, bytes: u64) {
        if let Ok(mut m) = self.kept.lock() {
            m.insert(worker, (n, bytes));
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut o = String::new();
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        o.push_str("# HELP ksym_serve_requests_total Requests answered, by endpoint and status.\n");
        o.push_str("# TYPE ksym_serve_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            for ((e, s), n) in m.iter() {
                let _ = writeln!(
                    o,
                    "ksym_serve_requests_total{{endpoint=\"{e}\",status=\"{s}\"}} {n}"
                );
            }
        }
        o.push_str("# HELP ksym_serve_request_duration_seconds Time from accepting a connection to the answer, by endpoint.\n");
        o.push_str("# TYPE ksym_serve_request_duration_seconds histogram\n");
        if let Ok(m) = self.latency.lock() {
            for (e, h) in m.iter() {
                for (c, b) in h.counts.iter().zip(BUCKETS) {
                    let _ = writeln!(
                        o,
                        "ksym_serve_request_duration_seconds_bucket{{endpoint=\"{e}\",le=\"{b}\"}} {c}"
                    );
                }
                let _ = writeln!(
                    o,
                    "ksym_serve_request_duration_seconds_bucket{{endpoint=\"{e}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    o,
                    "ksym_serve_request_duration_seconds_sum{{endpoint=\"{e}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    o,
                    "ksym_serve_request_duration_seconds_count{{endpoint=\"{e}\"}} {}",
                    h.count
                );
            }
        }
        let (kept, kept_bytes) = self.kept.lock().map_or((0, 0), |m| {
            m.values().fold((0, 0), |(a, b), &(n, z)| (a + n, b + z))
        });
        let mut gauge = |name: &str, kind: &str, help: &str, v: u64| {
            let _ = writeln!(o, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}");
        };
        gauge(
            "ksym_serve_store_hits_total",
            "counter",
            "Objects found in the store index.",
            get(&self.store_hits),
        );
        gauge(
            "ksym_serve_store_misses_total",
            "counter",
            "Objects the store index did not have.",
            get(&self.store_misses),
        );
        gauge(
            "ksym_serve_downloads_total",
            "counter",
            "Objects obtained through debuginfod for store misses.",
            get(&self.downloads),
        );
        gauge(
            "ksym_serve_download_failures_total",
            "counter",
            "Store misses debuginfod could not answer.",
            get(&self.download_failures),
        );
        gauge(
            "ksym_serve_objects_open",
            "gauge",
            "Objects opened by requests in flight.",
            get(&self.objects_open),
        );
        gauge(
            "ksym_serve_bytes_mapped",
            "gauge",
            "Bytes of the objects opened by requests in flight.",
            get(&self.bytes_mapped),
        );
        gauge(
            "ksym_serve_objects_kept",
            "gauge",
            "Objects the workers keep open between requests (--max-open each).",
            kept,
        );
        gauge(
            "ksym_serve_bytes_kept",
            "gauge",
            "Bytes of the objects kept open (mapped, not all resident).",
            kept_bytes,
        );
        gauge(
            "ksym_serve_store_objects",
            "gauge",
            "Files in the store index.",
            get(&self.store_objects),
        );
        gauge(
            "ksym_serve_in_flight",
            "gauge",
            "Requests being worked on.",
            get(&self.in_flight),
        );
        gauge(
            "ksym_serve_rejected_total",
            "counter",
            "Requests answered 503: no worker or queue slot, or too many connections.",
            get(&self.rejected),
        );
        gauge(
            "ksym_serve_connections_open",
            "gauge",
            "Client connections open (idle, being read, answered).",
            get(&self.connections_open),
        );
        o
    }
}
