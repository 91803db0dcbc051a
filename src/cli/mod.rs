//! The command line: one file per subcommand, each a thin layer that takes clap's
//! arguments, calls the library and writes the result.
//!
//! Exit codes, for every subcommand: 0 success; 1 ran, but nothing was found or
//! resolved; 2 an error (bad arguments, unreadable or malformed input). A broken pipe
//! on stdout ends the run quietly with 0.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

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

/// `0.1.0 (commit 0123456789ab)`, or the bare version when built without git.
fn version() -> &'static str {
    let commit = env!("KSYM_COMMIT");
    if commit.is_empty() {
        return env!("CARGO_PKG_VERSION");
    }
    // Built once per process, for --version and the man page.
    Box::leak(format!("{} (commit {commit})", env!("CARGO_PKG_VERSION")).into_boxed_str())
}

#[derive(Parser)]
#[command(
    name = "ksym",
    version = version(),
    about = "Symbol tools for Linux kernels linked with LTO",
    after_help = "Exit status: 0 success, 1 nothing found or resolved, 2 error.\n\n\
        Environment:\n  \
        KSYM_SYSROOT=DIR    look for debug files, modules and vmlinux under DIR (a \
        crashed machine's root)\n  \
        KSYM_CACHE_DIR=DIR  where the DWARF unit index of large objects is cached \
        (default $XDG_CACHE_HOME/ksym or ~/.cache/ksym; empty: no cache)\n  \
        KSYM_CACHE_MAX=BYTES  that directory's size limit, least recently used files \
        removed first (K, M, G suffixes; default 1G)\n  \
        DEBUGINFOD_URLS, DEBUGINFOD_TIMEOUT, DEBUGINFOD_MAXSIZE, DEBUGINFOD_MAXTIME, \
        DEBUGINFOD_CACHE_PATH\n                      fetch files by build id from \
        debuginfod servers, as elfutils does (docs/debuginfod.md)\n  \
        SSL_CERT_FILE=FILE  the certificate authorities HTTPS servers are checked against \
        (default: the system's bundle)"
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
    Completions(CompletionsArgs),
    Man(ManArgs),
}

/// Shells `ksym completions` writes a script for.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

/// Print a completion script for a shell.
///
/// bash: `ksym completions bash > ~/.local/share/bash-completion/completions/ksym`;
/// zsh: `ksym completions zsh > ~/.zfunc/_ksym` (with `~/.zfunc` in `fpath`);
/// fish: `ksym completions fish > ~/.config/fish/completions/ksym.fish`.
#[derive(clap::Args, Debug)]
struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: Shell,
}

/// Print a manual page (roff): ksym(1), or with a subcommand its own page, ksym-NAME(1).
///
/// `ksym man > ksym.1 && man ./ksym.1`; install as `/usr/local/share/man/man1/ksym.1`
/// and `ksym man decode > /usr/local/share/man/man1/ksym-decode.1`.
#[derive(clap::Args, Debug)]
struct ManArgs {
    /// The subcommand whose page to print (default: the page of ksym itself).
    #[arg(value_name = "SUBCOMMAND")]
    subcommand: Option<String>,
}

fn completions(args: &CompletionsArgs, out: Out) -> anyhow::Result<Status> {
    use clap_complete::{generate, shells};
    let mut cmd = Cli::command();
    // clap_complete panics when its writer fails (a closed pipe): write to memory first.
    let mut script = Vec::new();
    match args.shell {
        Shell::Bash => generate(shells::Bash, &mut cmd, "ksym", &mut script),
        Shell::Zsh => generate(shells::Zsh, &mut cmd, "ksym", &mut script),
        Shell::Fish => generate(shells::Fish, &mut cmd, "ksym", &mut script),
    }
    out.write_all(&script)?;
    Ok(Status::Ok)
}

fn man(args: &ManArgs, out: Out) -> anyhow::Result<Status> {
    let cmd = Cli::command();
    let page = match &args.subcommand {
        None => cmd,
        Some(name) => {
            let Some(sub) = cmd.find_subcommand(name) else {
                let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
                anyhow::bail!("no subcommand {name} (one of: {})", names.join(", "));
            };
            // The page is printed once and the process ends: a leaked name is fine.
            let title: &'static str = Box::leak(format!("ksym-{name}").into_boxed_str());
            sub.clone()
                .name(title)
                .bin_name(format!("ksym {name}"))
                .version(version())
        }
    };
    clap_mangen::Man::new(page).render(out)?;
    Ok(Status::Ok)
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
    ksym::debuginfod::set_overrides(cli.debuginfod, cli.offline);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match cli.command {
        Command::Syms(args) => syms::run(args, &mut out),
        Command::Kallsyms(args) => kallsyms::run(args, &mut out),
        Command::KallsymsDump(args) => kallsyms_dump::run(args, &mut out),
        Command::Faddr2line(args) => faddr2line::run(args, &mut out),
        Command::Decode(args) => decode::run(args, &mut out),
        Command::Sympos(args) => sympos::run(args, &mut out),
        Command::LpMap(args) => lp_map::run(args, &mut out),
        Command::Inlined(args) => inlined::run(args, &mut out),
        Command::Initcalls(args) => initcalls::run(args, &mut out),
        Command::Modsections(args) => modsections::run(args, &mut out),
        Command::Serve(args) => serve::run(args, &mut out),
        Command::Completions(args) => completions(&args, &mut out),
        Command::Man(args) => man(&args, &mut out),
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
    Ok(ksym::debuginfod::find(id)?)
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
            let (obj, inputs) = object_operands(a.build_id.as_deref(), a.obj, a.inputs);
            (obj, inputs, a.build_id, cli.offline, cli.debuginfod)
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
