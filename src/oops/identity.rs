//! Is this object the crashed kernel's? The log's own evidence compared with the files.
//!
//! A log says which kernel crashed, and ksym compares each piece with the object it
//! decodes with, strongest evidence first:
//!
//! | check | log | object |
//! |---|---|---|
//! | `build_id` | build id after the release on the `CPU:` line (`CONFIG_STACKTRACE_BUILD_ID`), or `[name buildid]` of a module frame | the GNU build-id note |
//! | `banner` | the `Linux version ...` line of the boot log | the vmlinux's `linux_banner` string |
//! | `release` | the release on the `CPU:` line (`6.1.192`) | the release in `linux_banner` |
//! | `version` | the build number on the `CPU:` line (`#1`) | the build number in `linux_banner` |
//! | `arch` | register names (`RIP`/`RAX`: x86_64, `pstate`/`x29`: arm64) | the ELF machine |
//! | `code` | the `Code:` bytes | the object's bytes at the faulting address |
//!
//! Each check ends `match`, `mismatch` or `unknown` (the log or the file lacks the
//! evidence). A mismatch in any of the first five is proof: the decoder refuses the object
//! (`ksym: FILE: does not match the log: EVIDENCE`, exit status 2) unless forced. The
//! `code` check is weaker evidence (run-time patching changes code): the code engine
//! compares the bytes ([`super::code::check_bytes`], made a check by [`code_compared`]),
//! and a mismatch is a `ksym: warning:` line, never a refusal; a report whose `Code:`
//! line could not be compared keeps the `unknown` slot of [`code_check`]. Per frame, a
//! printed `/size` that no candidate symbol's size explains is marked, not refused.

use std::path::Path;

use serde::Serialize;
use symtab::Arch;

use super::{FrameRole, Oops};
use crate::dwarf::Symbolizer;

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Log and object agree.
    Match,
    /// Log and object disagree.
    Mismatch,
    /// The log or the object lacks the evidence.
    Unknown,
}

/// One comparison of the log with one object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// `build_id`, `banner`, `release`, `version`, `arch` or `code`.
    pub check: &'static str,
    /// The object compared: the file as found or named (a module: `lkdtm` and its file).
    pub object: String,
    /// What the log says (`null` when it says nothing).
    pub log: Option<String>,
    /// What the object says (`null` when it says nothing).
    pub file: Option<String>,
    /// The outcome.
    pub result: Verdict,
    /// How the two compare when it takes more than equality (`code`: the line, the
    /// place, and the bytes equal, explained by run-time patching, unexplained).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Check {
    fn new(check: &'static str, object: &str, log: Option<String>, file: Option<String>) -> Self {
        let result = match (&log, &file) {
            (Some(l), Some(f)) if l == f => Verdict::Match,
            (Some(_), Some(_)) => Verdict::Mismatch,
            _ => Verdict::Unknown,
        };
        Check {
            check,
            object: object.to_string(),
            log,
            file,
            result,
            detail: None,
        }
    }

    /// `build id a1b2... on the log, f30b... in the file`; for a compared `code` check,
    /// `Code: bytes of line N at SYM+OFF: ...`.
    pub fn evidence(&self) -> String {
        if let (true, Some(d)) = (self.check == "code", &self.detail) {
            return format!("Code: bytes of {d}");
        }
        let what = match self.check {
            "build_id" => "build id",
            "banner" => "banner",
            "release" => "release",
            "version" => "build number",
            "arch" => "architecture",
            "code" => "code bytes",
            other => other,
        };
        format!(
            "{what} {} in the log, {} in the file",
            quote(self.log.as_deref()),
            quote(self.file.as_deref())
        )
    }
}

fn quote(s: Option<&str>) -> String {
    match s {
        Some(s) if s.contains(' ') => format!("\"{s}\""),
        Some(s) => s.to_string(),
        None => "none".to_string(),
    }
}

/// What an object says about itself.
#[derive(Clone, Debug, Default)]
pub struct FileFacts {
    /// GNU build id, lowercase hex.
    pub build_id: Option<String>,
    /// `linux_banner` without its line end (vmlinux only).
    pub banner: Option<String>,
    /// The ELF machine.
    pub arch: Option<Arch>,
}

impl FileFacts {
    /// Read the facts of an opened object.
    pub fn of(symz: &Symbolizer) -> FileFacts {
        let mut f = FileFacts {
            arch: Some(symz.arch()),
            ..FileFacts::default()
        };
        if let Some(id) = symz.build_id() {
            f.build_id = Some(id.iter().map(|b| format!("{b:02x}")).collect());
        }
        f.banner = linux_banner(symz);
        f
    }
}

/// The `linux_banner` string of a vmlinux: the first symbol of that name in the file's
/// own `.symtab` (found through the symbolizer's name index, which reads that table when
/// the file has one).
fn linux_banner(symz: &Symbolizer) -> Option<String> {
    symz.section_named(".symtab")?;
    let index = *symz.symbols_named("linux_banner").first()?;
    let sym = symz.symbol(index)?;
    let sec = symz.sections().get(sym.section_index?)?;
    let size = sym.size.filter(|&z| z > 0).unwrap_or(512);
    let off = symz.symbol_address(&sym)?.checked_sub(sec.addr)?;
    let data = symz.section_data(sec)?;
    let start = usize::try_from(off).ok()?;
    let end = start
        .saturating_add(usize::try_from(size).ok()?)
        .min(data.len());
    let bytes = data.get(start..end)?;
    let text = bytes.split(|&b| b == 0).next()?;
    let s = String::from_utf8_lossy(text).trim_end().to_string();
    s.starts_with("Linux version ").then_some(s)
}

/// What the log says about the kernel that crashed.
#[derive(Clone, Debug, Default)]
pub struct LogFacts {
    /// The `Linux version ...` line (trimmed).
    pub banner: Option<String>,
    /// Release on the `CPU:` line.
    pub release: Option<String>,
    /// Build number on the `CPU:` line (`#1`).
    pub version: Option<String>,
    /// Build id on the `CPU:` line.
    pub build_id: Option<String>,
    /// Architecture from the register names.
    pub arch: Option<Arch>,
}

impl LogFacts {
    /// The facts of one report, with the boot banner seen before it.
    pub fn of(oops: Option<&Oops>, banner: Option<&str>) -> LogFacts {
        LogFacts {
            banner: banner.map(str::to_string),
            release: oops.and_then(|o| o.release.clone()),
            version: oops.and_then(|o| o.version.clone()),
            build_id: oops.and_then(|o| o.kernel_build_id.clone()),
            arch: oops.and_then(log_arch),
        }
    }
}

/// The banner when `msg` (a message, prefixes stripped) is the kernel's `Linux version`
/// line. A serial console may glue terminal escapes and its own timestamp in front
/// (`c\x1b[?7l\x1b[2J[    0.000000] Linux version ...`): the banner then follows `] `.
pub fn banner_line(msg: &str) -> Option<&str> {
    const HEAD: &str = "Linux version ";
    let at = msg.find(HEAD)?;
    let before = &msg[..at];
    if !(before.trim().is_empty() || before.ends_with("] ")) {
        return None;
    }
    let m = msg[at..].trim_end();
    m.contains(" #").then_some(m)
}

/// The release (`6.1.192`) and build number (`#1`) of a banner.
fn banner_release(banner: &str) -> (Option<String>, Option<String>) {
    let rest = banner.strip_prefix("Linux version ").unwrap_or(banner);
    let release = rest.split_whitespace().next().map(str::to_string);
    // The build number follows the compiler's closing parenthesis: ` #1 SMP ...`.
    let version = rest
        .split_whitespace()
        .find(|w| w.len() > 1 && w.starts_with('#') && w[1..].bytes().all(|b| b != b')'))
        .map(str::to_string);
    (release, version)
}

/// The architecture the register names of a report show.
pub fn log_arch(oops: &Oops) -> Option<Arch> {
    let names = oops
        .registers
        .iter()
        .flat_map(|b| b.registers.iter().map(|r| r.name.as_str()));
    let regs = oops
        .frames
        .iter()
        .filter(|f| f.role != FrameRole::Return)
        .filter_map(|f| f.register.as_deref());
    for n in names.chain(regs) {
        match n {
            "RIP" | "RAX" | "RSP" | "R15" => return Some(Arch::X86_64),
            "EIP" | "EAX" | "ESP" => return Some(Arch::I386),
            "pstate" | "x29" | "x30" | "x0" => return Some(Arch::Aarch64),
            _ => {}
        }
    }
    None
}

/// The `code` slot of a report whose `Code:` line was not compared with an object (none,
/// or its pc not placed): `unknown`, with the line as the log's side. A compared line
/// replaces it ([`code_compared`]).
pub fn code_check(object: &str, oops: Option<&Oops>) -> Check {
    let log = oops
        .and_then(|o| o.code.first())
        .map(|c| c.trim().to_string());
    Check {
        check: "code",
        object: object.to_string(),
        log,
        file: None,
        result: Verdict::Unknown,
        detail: None,
    }
}

/// The `code` check of one `Code:` line compared with `object` by
/// [`super::code::check_bytes`]: `log` the line as printed, `id` the comparison (its
/// object side printed as the line is), `line` its log line number and `at` the trapping
/// instruction's `SYM+OFF`. A `mismatch` is weaker evidence: the decoder prints it as a
/// `ksym: warning: FILE: does not match the log: Code: bytes of ...` line and never refuses
/// the file for it.
pub fn code_compared(
    object: &str,
    log: &str,
    id: &super::code::Identity,
    line: u64,
    at: &str,
) -> Check {
    use super::code::Verdict as V;
    Check {
        check: "code",
        object: object.to_string(),
        log: Some(log.trim().to_string()),
        file: id.object.clone(),
        result: match id.status {
            V::Match => Verdict::Match,
            V::Mismatch => Verdict::Mismatch,
            V::Unknown => Verdict::Unknown,
        },
        detail: Some(format!("line {line} at {at}: {}", id.evidence)),
    }
}

/// The checks of vmlinux against one report (`oops` `None`: a frame outside reports).
pub fn vmlinux_checks(
    path: &Path,
    file: &FileFacts,
    log: &LogFacts,
    oops: Option<&Oops>,
) -> Vec<Check> {
    let object = path.display().to_string();
    let (rel, ver) = file
        .banner
        .as_deref()
        .map(banner_release)
        .unwrap_or_default();
    let mut v = vec![
        Check::new(
            "build_id",
            &object,
            log.build_id.as_ref().map(|s| s.to_ascii_lowercase()),
            file.build_id.clone(),
        ),
        Check::new("banner", &object, log.banner.clone(), file.banner.clone()),
        Check::new("release", &object, log.release.clone(), rel),
        Check::new("version", &object, log.version.clone(), ver),
        Check::new(
            "arch",
            &object,
            log.arch.map(|a| a.to_string()),
            file.arch.map(|a| a.to_string()),
        ),
        code_check(&object, oops),
    ];
    // A log without a release says nothing about the build number either.
    if v[2].log.is_none() {
        v[3].result = Verdict::Unknown;
    }
    v
}

/// The checks of module `name` (file `path`) against the build id its frames printed and
/// the log's architecture.
pub fn module_checks(
    name: &str,
    path: &Path,
    file: &FileFacts,
    build_id: Option<&str>,
    log: &LogFacts,
) -> Vec<Check> {
    let object = format!("{name}: {}", path.display());
    vec![
        Check::new(
            "build_id",
            &object,
            build_id.map(str::to_ascii_lowercase),
            file.build_id.clone(),
        ),
        Check::new(
            "arch",
            &object,
            log.arch.map(|a| a.to_string()),
            file.arch.map(|a| a.to_string()),
        ),
    ]
}

/// The first proven mismatch among `checks` (the `code` check is never proof).
pub fn proven_mismatch(checks: &[Check]) -> Option<&Check> {
    checks
        .iter()
        .find(|c| c.result == Verdict::Mismatch && c.check != "code")
}

/// The refusal line (after `ksym: `) for a proven mismatch.
pub fn refusal(file: &Path, c: &Check) -> String {
    format!(
        "{}: does not match the log: {}",
        file.display(),
        c.evidence()
    )
}

/// The report-level `identity` of `--json`: every check and the overall result
/// (`mismatch` when one check is proof, `match` when one matched and none disagreed).
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Overall result.
    pub result: Verdict,
    /// The checks, vmlinux first, then each module.
    pub checks: Vec<Check>,
}

impl Report {
    /// The overall result of `checks`.
    pub fn new(checks: Vec<Check>) -> Report {
        let result = if proven_mismatch(&checks).is_some() {
            Verdict::Mismatch
        } else if checks.iter().any(|c| c.result == Verdict::Match) {
            Verdict::Match
        } else {
            Verdict::Unknown
        };
        Report { result, checks }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_parts() {
        let b = "Linux version 6.1.192 (root@vm) (Debian clang version 16.0.6 (15~deb12u1), \
                 Debian LLD 16.0.6) #1 SMP Sun Nov 22 13:28:28 UTC 2026";
        assert_eq!(banner_line(b), Some(b));
        assert_eq!(
            banner_release(b),
            (Some("6.1.192".into()), Some("#1".into()))
        );
        assert_eq!(
            banner_line("KSYM-INIT: version: Linux version 6.1 #1"),
            None
        );
        let glued = format!("c\x1b[?7l\x1b[2J[    0.000000] {b}");
        assert_eq!(banner_line(&glued), Some(b));
    }

    #[test]
    fn verdicts() {
        let c = Check::new("release", "v", Some("6.1".into()), Some("6.1".into()));
        assert_eq!(c.result, Verdict::Match);
        let c = Check::new("release", "v", Some("6.1".into()), Some("6.2".into()));
        assert_eq!(c.result, Verdict::Mismatch);
        assert_eq!(c.evidence(), "release 6.1 in the log, 6.2 in the file");
        let c = Check::new("release", "v", None, Some("6.2".into()));
        assert_eq!(c.result, Verdict::Unknown);
    }

    #[test]
    fn code_bytes_are_never_proof() {
        let code = Check {
            result: Verdict::Mismatch,
            ..Check::new("code", "v", Some("0f 0b".into()), Some("90 90".into()))
        };
        let arch = Check::new("arch", "v", Some("x86_64".into()), Some("x86_64".into()));
        assert_eq!(proven_mismatch(&[code.clone(), arch.clone()]), None);
        assert_eq!(Report::new(vec![code, arch]).result, Verdict::Match);
        let wrong = Check::new("arch", "v", Some("x86_64".into()), Some("aarch64".into()));
        assert_eq!(Report::new(vec![wrong.clone()]).result, Verdict::Mismatch);
        assert_eq!(
            refusal(Path::new("/b/vmlinux"), &wrong),
            "/b/vmlinux: does not match the log: architecture x86_64 in the log, aarch64 in the file"
        );
        assert_eq!(Report::new(Vec::new()).result, Verdict::Unknown);
    }
}
