//! `ksym decode`: reprint a kernel log with every frame resolved to source lines.
//!
//! Text output keeps every line byte for byte and adds, after each frame, the source
//! `file:line` and one line per inline level; `--json` writes one record per report
//! (fields in `docs/json.md`). Exit 0 when every kernel frame was decoded, 1 when some
//! (or all) were not or the log held none, 2 on an unreadable input or when the log
//! proves a file is not the crashed kernel's.
//!
//! Arguments also take `scripts/decode_stacktrace.sh`'s forms: `ksym decode VMLINUX
//! [BASE_PATH [MODULES_PATH]] < LOG` (a first positional that is an ELF file or a
//! directory is never read as the log), and `-r RELEASE`.

use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{warn, Out, Status};
use ksym::oops::decode::modules::ModuleFile;
use ksym::oops::decode::{self, kaslr, Options as DecodeOptions};

/// Decode the frames of an oops, WARNING, BUG or panic log.
///
/// Return addresses are looked up at address - 1 (the call instruction); the faulting
/// pc (`RIP:`, `pc :`) and a frame right after an exception or interrupt entry are looked
/// up as printed. `--no-call-site` looks every address up as printed.
///
/// Each x86_64 and arm64 `Code:` line is followed by its instructions, disassembled
/// in-process as objdump prints them, with their source lines; the trapping one is marked.
///
/// The log's own evidence (the build id and release on the `CPU:` line, the `Linux
/// version` banner, module build ids, the register names) is checked against the files:
/// a file the log proves is not the crashed kernel's is refused (exit 2) unless --force.
#[derive(clap::Args, Debug)]
#[command(after_help = "Forms of scripts/decode_stacktrace.sh also work:\n  \
    ksym decode VMLINUX [BASE_PATH|auto [MODULES_PATH]] < LOG\n  \
    ksym decode -r RELEASE < LOG\n\
    With no vmlinux given, it is looked for by the release (-r, else the log's, else the \
    running kernel's) under /usr/lib/debug/boot, /boot, /lib/modules/R/build; stderr says \
    which file was used.")]
pub struct Args {
    /// The kernel image with debug info, or a build directory holding `vmlinux` (its
    /// modules are found under it). Default: found from the release under
    /// /usr/lib/debug/boot, /boot, /lib/modules/R/build; else by the log's build id in
    /// /usr/lib/debug/.build-id or from debuginfod, see --debuginfod.
    #[arg(long, value_name = "VMLINUX|BUILD_DIR")]
    vmlinux: Option<PathBuf>,
    /// A directory searched (recursively) for NAME.ko, NAME.ko.xz, NAME.ko.zst; repeatable.
    #[arg(long = "modules", value_name = "DIR")]
    modules: Vec<PathBuf>,
    /// A module's file (NAME.ko, NAME.ko.xz...: its name is the module's), used for that
    /// module's frames before any directory is searched; repeatable.
    #[arg(long = "module", value_name = "FILE")]
    module: Vec<PathBuf>,
    /// Kernel release for /lib/modules/R and /usr/lib/debug (default: from the log, else
    /// the running kernel's).
    #[arg(short = 'r', long, value_name = "R")]
    release: Option<String>,
    /// JSON Lines instead of the annotated log: one record per report, and one per run of
    /// frames outside reports (docs/json.md).
    #[arg(long)]
    json: bool,
    /// Look every address up as printed (no address - 1 for return addresses), as
    /// scripts/decode_stacktrace.sh of Linux 6.1 does.
    #[arg(long)]
    no_call_site: bool,
    /// After each decoded frame, its source line (`>N<`, a tab, the text), read from the
    /// path printed (relative to the current directory), the path DWARF names, or
    /// debuginfod.
    #[arg(long, conflicts_with = "json")]
    source: bool,
    /// Decode with files the log proves are not the crashed kernel's (a different build
    /// id, banner, release or architecture); the refusal is printed as a warning.
    #[arg(long)]
    force: bool,
    /// KASLR offset of the crashed boot (hex), for bare `[<address>]` frames of reports
    /// without a `Kernel Offset:` line.
    #[arg(long, value_name = "HEX", value_parser = kaslr::parse_offset)]
    kaslr_offset: Option<u64>,
    /// A /proc/kallsyms of the crashed boot: names bare addresses, module ones included.
    #[arg(long, value_name = "FILE")]
    kallsyms: Option<PathBuf>,
    /// How x86 instructions of `Code:` lines are spelled: att (objdump's default) or
    /// intel (objdump -M intel).
    #[arg(long, value_name = "SYNTAX", default_value = "att", value_parser = ["att", "intel"])]
    syntax: String,
    /// The log (`-` or absent: standard input); or decode_stacktrace.sh's `VMLINUX
    /// [BASE_PATH [MODULES_PATH]]`, the log then read from standard input.
    #[arg(value_name = "LOG | VMLINUX [BASE_PATH [MODULES_PATH]]", num_args = 0..=3)]
    positional: Vec<PathBuf>,
}

/// What the arguments ask for, once decode_stacktrace.sh's positional forms are read:
/// the library's options, and what only the command line knows.
#[derive(Debug, Clone)]
struct Invocation {
    /// What the decoder uses.
    pub decode: DecodeOptions,
    /// The log; `None` for standard input.
    pub log: Option<PathBuf>,
    /// `--vmlinux` or the first positional named a file or directory to use as vmlinux.
    pub vmlinux_given: bool,
    /// Bad argument combination, reported by [`run`].
    pub error: Option<String>,
}

/// True for a path decode_stacktrace.sh would take as its VMLINUX: a directory or an ELF.
fn is_object(p: &Path) -> bool {
    if p.is_dir() {
        return true;
    }
    let mut magic = [0u8; 4];
    File::open(p)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| &magic == b"\x7fELF")
}

/// The source prefix as `Object::prefix` holds it: with a trailing `/`.
fn base_path(p: &Path) -> Option<String> {
    let s = p.to_string_lossy();
    if s == "auto" || s.is_empty() {
        return None;
    }
    Some(format!("{}/", s.trim_end_matches('/')))
}

/// The running kernel's release, as `uname -r` prints it.
fn running_release() -> Option<String> {
    let r = std::fs::read_to_string("/proc/sys/kernel/osrelease").ok()?;
    let r = r.trim();
    (!r.is_empty()).then(|| r.to_string())
}

impl Args {
    /// Read the positional forms; the one place the library's options are built.
    fn invocation(self) -> Invocation {
        let mut vmlinux = self.vmlinux;
        let mut modules = self.modules;
        let mut base = None;
        let mut log = None;
        let mut error = None;
        let mut pos = self.positional.into_iter();
        match pos.next() {
            Some(first) if first.as_os_str() != "-" && is_object(&first) => {
                if vmlinux.is_some() {
                    error = Some(format!(
                        "{}: a vmlinux is given twice (--vmlinux and the first argument)",
                        first.display()
                    ));
                }
                base = pos.next().as_deref().and_then(base_path);
                match pos.next() {
                    Some(m) => modules.push(m),
                    // decode_stacktrace.sh's own rule without MODULES_PATH: the vmlinux's
                    // directory (an ELF file the user named in its place, so never an
                    // arbitrary directory; `--vmlinux FILE` walks nothing).
                    None if first.is_file() => modules.extend(
                        first
                            .parent()
                            .map(|d| {
                                if d.as_os_str().is_empty() {
                                    Path::new(".")
                                } else {
                                    d
                                }
                            })
                            .map(Path::to_path_buf),
                    ),
                    None => {}
                }
                vmlinux = Some(first);
            }
            Some(first) => {
                if let Some(extra) = pos.next() {
                    error = Some(format!(
                        "{}: not an ELF file or a build directory, so it is the log, and \
                         the log is the only argument then (got also {})",
                        first.display(),
                        extra.display()
                    ));
                }
                log = Some(first).filter(|p| p.as_os_str() != "-");
            }
            None => {}
        }
        let vmlinux_given = vmlinux.is_some();
        if let Some(dir) = vmlinux.as_ref().filter(|v| v.is_dir()) {
            // A build directory: its vmlinux, and its modules under it.
            modules.push(dir.clone());
            vmlinux = Some(dir.join("vmlinux"));
        }
        let running = (vmlinux.is_none() && self.release.is_none())
            .then(running_release)
            .flatten();
        Invocation {
            decode: DecodeOptions {
                vmlinux,
                modules,
                module_files: self
                    .module
                    .into_iter()
                    .map(|path| ModuleFile {
                        path,
                        build_id: None,
                    })
                    .collect(),
                release: self.release,
                json: self.json,
                call_site: !self.no_call_site,
                source: self.source,
                force: self.force,
                kaslr_offset: self.kaslr_offset,
                kallsyms: self.kallsyms,
                base_path: base,
                running_release: running,
                syntax: if self.syntax == "intel" {
                    ksym::disasm::Syntax::Intel
                } else {
                    ksym::disasm::Syntax::Att
                },
            },
            log,
            vmlinux_given,
            error,
        }
    }
}

/// Run `ksym decode`.
pub fn run(args: Args, out: Out) -> Result<Status> {
    let opts = args.invocation();
    if let Some(e) = &opts.error {
        bail!("{e}");
    }
    if let Some(v) = &opts.decode.vmlinux {
        if !v.is_file() {
            let parent = v.parent().filter(|d| d.is_dir() && v.ends_with("vmlinux"));
            match parent {
                Some(d) if opts.vmlinux_given && !d.as_os_str().is_empty() => {
                    bail!("{}: no vmlinux in this build directory", d.display())
                }
                _ => bail!("{}: vmlinux not found", v.display()),
            }
        }
    }
    let mut report = |m: &str| warn(m);
    let summary = match &opts.log {
        Some(p) => {
            let f = File::open(p).with_context(|| format!("{}: cannot open log", p.display()))?;
            decode::decode(opts.decode, BufReader::new(f), out, &mut report)
                .with_context(|| format!("{}: cannot read log", p.display()))?
        }
        None => {
            let stdin = io::stdin();
            if stdin.is_terminal() {
                warn("reading the log from standard input; end with Ctrl-D");
            }
            decode::decode(opts.decode, stdin.lock(), out, &mut report)
                .context("standard input: cannot read log")?
        }
    };
    if summary.mismatch {
        // A file was refused (its reason was printed): its frames are left as they are.
        return Ok(Status::Error);
    }
    if opts.vmlinux_given && summary.vmlinux_error.is_some() {
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn parse(args: &[&str]) -> Invocation {
        let mut v = vec!["decode"];
        v.extend(args);
        Cli::try_parse_from(v).expect("parses").args.invocation()
    }

    #[test]
    fn decode_stacktrace_forms() {
        let dir = std::env::temp_dir();
        let d = dir.to_str().unwrap();
        // A directory first: the build dir, then BASE_PATH and MODULES_PATH.
        let o = parse(&[d, "/usr/src/linux", "/mods"]);
        assert_eq!(o.log, None);
        assert_eq!(o.decode.vmlinux, Some(dir.join("vmlinux")));
        assert_eq!(o.decode.base_path.as_deref(), Some("/usr/src/linux/"));
        assert_eq!(o.decode.modules, vec![PathBuf::from("/mods"), dir.clone()]);
        let o = parse(&[d, "auto"]);
        assert_eq!(o.decode.base_path, None);
        // Anything else first: the log.
        let o = parse(&["/nonexistent.log"]);
        assert_eq!(o.log, Some(PathBuf::from("/nonexistent.log")));
        assert!(parse(&["/nonexistent.log", "x"]).error.is_some());
        let o = parse(&["-r", "6.1.192", "-"]);
        assert_eq!(
            (o.log, o.decode.release.as_deref()),
            (None, Some("6.1.192"))
        );
        let o = parse(&["--kaslr-offset", "0x3a400000"]);
        assert_eq!(o.decode.kaslr_offset, Some(0x3a40_0000));
        assert!(Cli::try_parse_from(["decode", "--kaslr-offset", "xyz"]).is_err());
    }
}
