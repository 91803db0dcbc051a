//! `ksym serve`: decode and faddr2line as an HTTP service (`docs/serve.md`).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use super::{faddr2line, Out, Status};
use ksym::serve::{self, Config};

/// Serve `POST /v1/decode`, `POST /v1/faddr2line`, `GET /v1/health` and `GET /metrics`
/// over HTTP until SIGTERM or SIGINT (in-flight requests are finished first).
///
/// Objects are found by build id and release in the stores (any tree of vmlinux and .ko
/// files, a .build-id tree or a debuginfod cache), else from debuginfod by build id
/// (--debuginfod, DEBUGINFOD_URLS). Prints `listening on ADDR:PORT` once ready; one
/// log line per request on stderr. API, limits and metrics: docs/serve.md.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address and port to listen on (port 0: any free port, printed at start).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:7878")]
    listen: String,
    /// A directory of objects, indexed at start and again when a lookup misses;
    /// repeatable, searched in the order given.
    #[arg(long = "store", value_name = "DIR")]
    stores: Vec<PathBuf>,
    /// Worker threads (default: the number of CPUs).
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
    /// Complete requests waiting for a worker, at most; more are answered 503.
    #[arg(long, value_name = "N", default_value_t = 64)]
    queue: usize,
    /// Connections open at once, at most (idle ones included); a new one beyond takes
    /// the place of the connection idle the longest, else it is answered 503.
    #[arg(long, value_name = "N", default_value_t = 4096)]
    max_connections: usize,
    /// Largest request body in bytes; larger ones are answered 413.
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20)]
    max_body: u64,
    /// Objects (vmlinux, modules) each worker keeps open between requests, least
    /// recently used out first; 0: open them for every request.
    #[arg(long, value_name = "N", default_value_t = 8)]
    max_open: usize,
    /// Seconds from a request's first byte to having all of it (later: 408, closed),
    /// and longest wait for a worker (later: 504).
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    timeout: f64,
    /// Seconds a connection may stay open without a request (before its first, between
    /// two); then it is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 15.0)]
    idle_timeout: f64,
}

/// Run `ksym serve`.
pub fn run(opts: Args, out: Out) -> Result<Status> {
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    let workers = opts.workers.unwrap_or(cpus);
    if workers == 0 || workers > 1024 {
        anyhow::bail!("--workers {workers}: want 1 to 1024");
    }
    for (flag, v) in [
        ("timeout", opts.timeout),
        ("idle-timeout", opts.idle_timeout),
    ] {
        if !(v.is_finite() && v > 0.0 && v <= 86400.0) {
            anyhow::bail!("--{flag} {v}: want 0 < SECONDS <= 86400");
        }
    }
    if opts.max_connections == 0 {
        anyhow::bail!("--max-connections 0: want at least 1");
    }
    let config = Config {
        listen: opts.listen,
        stores: opts.stores,
        workers,
        queue: opts.queue,
        max_body: opts.max_body,
        timeout: Duration::from_secs_f64(opts.timeout),
        idle_timeout: Duration::from_secs_f64(opts.idle_timeout),
        max_connections: opts.max_connections,
        max_open: opts.max_open,
        faddr2line: Box::new(|obj, inputs, out| {
            let opts = faddr2line::Args {
                list: false,
                json: true,
                obj: Some(obj.to_path_buf()),
                inputs: inputs.to_vec(),
                build_id: None,
            };
            Ok(faddr2line::run(opts, out)?.code())
        }),
    };
    serve::run(config, out)?;
    Ok(Status::Ok)
}
