//! `ksym decode`: reprint a kernel log with every frame resolved to source lines.
//!
//! Text output keeps every line byte for byte and adds, after each frame, the source
//! `file:line` and one line per inline level; `--json` writes one record per report
//! (fields in `docs/json.md`). Exit 0 when every kernel frame was decoded, 1 when some
//! (or all) were not or the log held none, 2 on an unreadable input.

use std::fs::File;
use std::io::{self, BufReader};
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::{warn, Out, Status};
use crate::oops::decode::{self, Options as DecodeOptions};

/// Decode the frames of an oops, WARNING, BUG or panic log.
///
/// Return addresses are looked up at address - 1 (the call instruction); the faulting
/// pc (`RIP:`, `pc :`) and a frame right after an exception or interrupt entry are looked
/// up as printed. `--no-call-site` looks every address up as printed.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The kernel image with debug info (default: found from the log's release under
    /// /usr/lib/debug/boot, /boot, /lib/modules/R/build).
    #[arg(long, value_name = "VMLINUX")]
    vmlinux: Option<PathBuf>,
    /// A directory searched (recursively) for NAME.ko, NAME.ko.xz, NAME.ko.zst; repeatable.
    #[arg(long = "modules", value_name = "DIR")]
    modules: Vec<PathBuf>,
    /// Kernel release for /lib/modules/R and /usr/lib/debug (default: from the log).
    #[arg(long, value_name = "R")]
    release: Option<String>,
    /// One JSON Lines record per report instead of the annotated log.
    #[arg(long)]
    json: bool,
    /// Look every address up as printed (no address - 1 for return addresses), as
    /// scripts/decode_stacktrace.sh of Linux 6.1 does.
    #[arg(long)]
    no_call_site: bool,
    /// The log (`-` or absent: standard input).
    #[arg(value_name = "LOG")]
    log: Option<PathBuf>,
}

/// Plain options of `ksym decode`.
#[derive(Debug, Clone)]
pub struct Options {
    /// What the decoder uses.
    pub decode: DecodeOptions,
    /// The log; `None` for standard input.
    pub log: Option<PathBuf>,
}

impl Args {
    /// Convert parsed arguments into plain options.
    pub fn into_options(self) -> Options {
        Options {
            decode: DecodeOptions {
                vmlinux: self.vmlinux,
                modules: self.modules,
                release: self.release,
                json: self.json,
                call_site: !self.no_call_site,
            },
            log: self.log.filter(|p| p.as_os_str() != "-"),
        }
    }
}

/// Run `ksym decode`.
pub fn run(opts: Options, out: Out) -> Result<Status> {
    if let Some(v) = &opts.decode.vmlinux {
        if !v.is_file() {
            anyhow::bail!("{}: vmlinux not found", v.display());
        }
    }
    let opts_vmlinux_given = opts.decode.vmlinux.is_some();
    let mut report = |m: &str| warn(m);
    let summary = match &opts.log {
        Some(p) => {
            let f = File::open(p).with_context(|| format!("{}: cannot open log", p.display()))?;
            decode::decode(opts.decode, BufReader::new(f), out, &mut report)
                .with_context(|| format!("{}: cannot read log", p.display()))?
        }
        None => {
            let stdin = io::stdin();
            decode::decode(opts.decode, stdin.lock(), out, &mut report)
                .context("standard input: cannot read log")?
        }
    };
    if opts_vmlinux_given && summary.vmlinux_error.is_some() {
        // The vmlinux named on the command line is unusable (its error was printed).
        return Ok(Status::Error);
    }
    if summary.frames_dropped > 0 {
        // Frames past the per-report limit were not decoded (the warning named them).
        return Ok(Status::Error);
    }
    if summary.frames == 0 {
        warn("no kernel frames found in the log");
        return Ok(Status::NotFound);
    }
    if summary.resolved < summary.frames {
        warn(format!(
            "{} of {} kernel frames not decoded (--json gives each frame's reason)",
            summary.frames - summary.resolved,
            summary.frames
        ));
        return Ok(Status::NotFound);
    }
    Ok(Status::Ok)
}
