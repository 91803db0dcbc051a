//! The command line: one file per subcommand, each a thin layer that turns clap's
//! arguments into plain options, calls the library and writes the result.
//!
//! Exit codes, for every subcommand: 0 success; 1 ran, but nothing was found or
//! resolved; 2 an error (bad arguments, unreadable or malformed input). A broken pipe
//! on stdout ends the run quietly with 0.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod decode;
pub mod faddr2line;
pub mod initcalls;
pub mod inlined;
pub mod kallsyms;
pub mod kallsyms_dump;
pub mod lp_map;
pub mod modsections;
pub mod serve;
pub mod sympos;
pub mod syms;

/// Exit status of a subcommand run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Everything asked for was done (exit 0).
    Ok,
    /// Nothing was found or resolved (exit 1).
    NotFound,
    /// Some inputs failed; their errors were printed (exit 2).
    Error,
}

impl Status {
    /// The process exit code for this status.
    pub fn code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::NotFound => 1,
            Status::Error => 2,
        }
    }
}

#[derive(Parser)]
#[command(
    name = "ksym",
    version,
    about = "Symbol tools for Linux kernels linked with LTO",
    after_help = "Exit status: 0 success, 1 nothing found or resolved, 2 error.\n\n\
        Environment:\n  \
        KSYM_SYSROOT=DIR    look for debug files, modules and vmlinux under DIR (a \
        crashed machine's root)\n  \
        KSYM_CACHE_DIR=DIR  where the DWARF unit index of large objects is cached \
        (default $XDG_CACHE_HOME/ksym or ~/.cache/ksym; empty: no cache)\n  \
        DEBUGINFOD_URLS, DEBUGINFOD_TIMEOUT, DEBUGINFOD_MAXSIZE, DEBUGINFOD_MAXTIME, \
        DEBUGINFOD_CACHE_PATH\n                      fetch files by build id from \
        debuginfod servers, as elfutils does (docs/debuginfod.md)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// A debuginfod server to fetch files by build id from, instead of those of
    /// DEBUGINFOD_URLS; repeatable.
    #[arg(long, global = true, value_name = "URL")]
    debuginfod: Vec<String>,
    /// Fetch nothing: files by build id come only from the debuginfod cache.
    #[arg(long, global = true)]
    offline: bool,
}

#[derive(Subcommand)]
enum Command {
    Syms(syms::Args),
    Kallsyms(kallsyms::Args),
    #[command(name = "kallsyms-dump")]
    KallsymsDump(kallsyms_dump::Args),
    Faddr2line(faddr2line::Args),
    Decode(decode::Args),
    Sympos(sympos::Args),
    LpMap(lp_map::Args),
    Inlined(inlined::Args),
    Initcalls(initcalls::Args),
    Modsections(modsections::Args),
    Serve(serve::Args),
}

/// Parse the command line, run the subcommand, and turn the outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    crate::debuginfod::set_overrides(cli.debuginfod, cli.offline);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match cli.command {
        Command::Syms(args) => syms::run(args.into_options(), &mut out),
        Command::Kallsyms(args) => kallsyms::run(args.into_options(), &mut out),
        Command::KallsymsDump(args) => kallsyms_dump::run(args.into_options(), &mut out),
        Command::Faddr2line(args) => faddr2line::run(args.into_options(), &mut out),
        Command::Decode(args) => decode::run(args.into_options(), &mut out),
        Command::Sympos(args) => sympos::run(args.into_options(), &mut out),
        Command::LpMap(args) => lp_map::run(args.into_options(), &mut out),
        Command::Inlined(args) => inlined::run(args.into_options(), &mut out),
        Command::Initcalls(args) => initcalls::run(args.into_options(), &mut out),
        Command::Modsections(args) => modsections::run(args.into_options(), &mut out),
        Command::Serve(args) => serve::run(args.into_options(), &mut out),
    };
    let result = result.and_then(|status| {
        out.flush()?;
        Ok(status)
    });
    match result {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ksym: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Print a non-fatal error of a batch run (`ksym: ...` on stderr).
pub fn warn(message: impl std::fmt::Display) {
    eprintln!("ksym: {message}");
}

/// The object and operands of a subcommand taking `OBJ OPERAND...` or `--build-id HEX
/// OPERAND...`: with a build id, what clap took for the object is the first operand, and
/// the object is left empty for [`build_id_object`] to fill in.
pub fn object_operands(
    build_id: Option<&str>,
    obj: Option<PathBuf>,
    mut operands: Vec<String>,
) -> (PathBuf, Vec<String>) {
    match (build_id, obj) {
        (Some(_), Some(first)) => {
            operands.insert(0, first.to_string_lossy().into_owned());
            (PathBuf::new(), operands)
        }
        (_, obj) => (obj.unwrap_or_default(), operands),
    }
}

/// The object named by `--build-id HEX`: from `/usr/lib/debug/.build-id`, the debuginfod
/// cache, or the debuginfod servers.
pub fn build_id_object(id: &str) -> anyhow::Result<PathBuf> {
    Ok(crate::debuginfod::find(id)?)
}

/// Shorthand used by subcommands for their output stream.
pub type Out<'a> = &'a mut dyn Write;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_id_shifts_operands() {
        let parse = |args: &[&str]| {
            let cli = Cli::try_parse_from(args).expect("parses");
            let Command::Faddr2line(a) = cli.command else {
                panic!("not faddr2line");
            };
            let o = a.into_options();
            (o.obj, o.inputs, o.build_id, cli.offline, cli.debuginfod)
        };
        let (obj, inputs, id, offline, urls) = parse(&[
            "ksym",
            "faddr2line",
            "--build-id",
            "ab12",
            "f+0x1",
            "g+0x2",
            "--offline",
            "--debuginfod",
            "http://h",
        ]);
        assert_eq!(obj, PathBuf::new());
        assert_eq!(inputs, ["f+0x1", "g+0x2"]);
        assert_eq!(id.as_deref(), Some("ab12"));
        assert!(offline);
        assert_eq!(urls, ["http://h"]);
        let (obj, inputs, id, ..) = parse(&["ksym", "faddr2line", "vmlinux", "f+0x1"]);
        assert_eq!(
            (obj, inputs, id),
            ("vmlinux".into(), vec!["f+0x1".into()], None)
        );
        assert!(Cli::try_parse_from(["ksym", "faddr2line", "vmlinux"]).is_err());
    }
}
