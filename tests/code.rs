//! `Code:` lines: the in-process disassembly against GNU objdump 2.40 and llvm-objdump-16
//! on every `Code:` line of the syzkaller corpus and the shared consoles, and the listing
//! `ksym decode` prints for the shared kernels.
//!
//! Differential: each line's bytes from the trapping instruction on are laid into one blob
//! per architecture (x86 segments separated by 16 `nop` bytes so that objdump is back on a
//! segment's first byte whatever the previous one ended with), each peer disassembles the
//! blob once, and every instruction ksym decodes wholly inside its segment is compared
//! with the peer's at the same offset: boundaries with both peers, text with GNU objdump
//! (after [`normalize`]). Every difference must fall in a named [`Divergence`] and all
//! together stay under 0.1% of the instructions.

use crate::common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{require_tool, shared, TempDir};
use ksym::disasm::{self, Arch, Syntax};
use ksym::oops::code;

/// One `Code:` line's bytes from the trapping instruction on.
struct Segment {
    source: String,
    offset: usize,
    len: usize,
}

fn logs() -> Vec<PathBuf> {
    let sh = shared();
    let mut v: Vec<PathBuf> = std::fs::read_dir(sh.join("corpus/syzkaller"))
        .expect("cannot list the syzkaller corpus")
        .map(|e| e.expect("cannot read the corpus dir").path())
        .collect();
    v.sort();
    assert!(
        v.len() >= 747,
        "the syzkaller corpus has {} reports, not 747",
        v.len()
    );
    for k in [
        "x86_64-thin",
        "arm64-thin",
        "x86_64-thin-6.12",
        "arm64-thin-6.12",
    ] {
        for f in ["console.log", "panic.log"] {
            v.push(sh.join("kernels").join(k).join(f));
        }
    }
    v
}

/// The blob of every `Code:` line of one architecture, and its segments.
fn blob(arch: Arch) -> (Vec<u8>, Vec<Segment>) {
    let mut blob = Vec::new();
    let mut segs = Vec::new();
    for path in logs() {
        let log = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for o in ksym::oops::parse_log(&log) {
            let a = code::arch_of(&o);
            for text in &o.code {
                let Some(c) = code::parse(text, a).filter(|c| c.arch == arch) else {
                    continue;
                };
                // arm64 words have fixed boundaries: the whole line is comparable.
                let from = if arch == Arch::Arm64 { 0 } else { c.trap };
                let tail = &c.bytes[from..];
                segs.push(Segment {
                    source: path.display().to_string(),
                    offset: blob.len(),
                    len: tail.len(),
                });
                blob.extend_from_slice(tail);
                if arch == Arch::X86_64 {
                    blob.extend_from_slice(&[0x90; 16]);
                }
            }
        }
    }
    (blob, segs)
}

/// A peer's instruction: length and text.
type Listing = HashMap<usize, (usize, String)>;

/// Parse `objdump -d`/`-D` output lines `  off:\tbytes\ttext`.
fn parse_objdump(out: &str) -> Listing {
    let mut m = Listing::new();
    for l in out.lines() {
        let mut parts = l.splitn(3, '\t');
        let (Some(off), Some(bytes)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Some(off) = off.trim().strip_suffix(':') else {
            continue;
        };
        let Ok(off) = usize::from_str_radix(off, 16) else {
            continue;
        };
        let len = bytes
            .split_ascii_whitespace()
            .map(|t| t.len() / 2)
            .sum::<usize>();
        let text = parts.next().unwrap_or("").trim().to_string();
        m.insert(off, (len, text));
    }
    m
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("peer output is not UTF-8")
}

fn gnu(arch: Arch, blob: &Path) -> Listing {
    gnu_with(arch, blob, &[])
}

fn gnu_with(arch: Arch, blob: &Path, extra: &[&str]) -> Listing {
    let (tool, pkg, m) = match arch {
        Arch::X86_64 => ("objdump", "binutils", "i386:x86-64"),
        Arch::Arm64 => (
            "aarch64-linux-gnu-objdump",
            "binutils-aarch64-linux-gnu",
            "aarch64",
        ),
    };
    require_tool(tool, pkg);
    parse_objdump(&run(Command::new(tool)
        .args(["-D", "-z", "-b", "binary", "-m", m, "--insn-width=16"])
        .args(extra)
        .arg(blob)))
}

fn llvm(arch: Arch, blob: &Path, dir: &Path) -> Listing {
    require_tool("llvm-objdump-16", "llvm-16");
    require_tool("objcopy", "binutils");
    let (target, bfd) = match arch {
        Arch::X86_64 => ("elf64-x86-64", "i386:x86-64"),
        Arch::Arm64 => ("elf64-littleaarch64", "aarch64"),
    };
    let elf = dir.join("blob.o");
    let tool = match arch {
        Arch::X86_64 => "objcopy",
        Arch::Arm64 => "aarch64-linux-gnu-objcopy",
    };
    run(Command::new(tool)
        .args(["-I", "binary", "-O", target, "-B", bfd])
        .args([
            "--rename-section",
            ".data=.text,alloc,load,readonly,code,contents",
        ])
        .arg(blob)
        .arg(&elf));
    let mut m = Listing::new();
    for l in run(Command::new("llvm-objdump-16").args(["-d", "-z"]).arg(&elf)).lines() {
        // `       c: 00 00          \taddb\t%al, (%rax)`
        let Some((head, text)) = l.split_once('\t') else {
            continue;
        };
        let Some((off, bytes)) = head.split_once(':') else {
            continue;
        };
        let Ok(off) = usize::from_str_radix(off.trim(), 16) else {
            continue;
        };
        let len = bytes.split_ascii_whitespace().map(|t| t.len() / 2).sum();
        m.insert(off, (len, text.to_string()));
    }
    m
}

/// The length of llvm-objdump's instruction at `off`, a `lock` prefix it prints on a
/// line of its own joined to the instruction it prefixes.
fn llvm_len(l: &Listing, off: usize) -> Option<usize> {
    let (len, text) = l.get(&off)?;
    if text.trim() == "lock" && *len == 1 {
        return Some(1 + l.get(&(off + 1))?.0);
    }
    Some(*len)
}

/// Text compared after: runs of spaces made one; objdump's `<symbol>` hints and `#`
/// comments (the target of a `%rip`-relative operand, the value of an arm64 immediate)
/// dropped, since ksym prints neither.
fn normalize(t: &str) -> String {
    let mut s = t.to_string();
    while let (Some(a), Some(b)) = (s.find(" <"), s.rfind('>')) {
        if b < a {
            break;
        }
        s.replace_range(a..=b, "");
    }
    if let Some(i) = s.find("# ") {
        s.truncate(i);
    }
    if let Some(i) = s.find("//") {
        s.truncate(i);
    }
    s.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// The named ways ksym's text may differ from GNU objdump's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Divergence {
    /// objdump names a prefix the instruction does not use (`data16`, `rex.B`); ksym
    /// (iced-x86) leaves it out.
    UnusedPrefix,
    /// objdump spells a SIB byte with no index as `%riz` (`lea 0x0(%rsi,%riz,1),%esi`).
    RizIndex,
    /// Bytes that do not decode: objdump and ksym skip a different number of them.
    BadLength,
    /// The instruction follows a `(bad)` whose length differed, so the peers are no
    /// longer on the same boundary.
    AfterBad,
    /// arm64 SME instructions (in data words printed as code): yaxpeax-arm does not
    /// decode them, ksym prints `.inst`.
    ArmSme,
    /// Anything else: a defect.
    Unnamed,
}

fn classify(bytes: &[u8], ours: &str, theirs: &str, after_bad: bool) -> Divergence {
    let stripped = theirs
        .trim_start_matches("data16 ")
        .trim_start_matches("rex.B ")
        .trim_start_matches("rex.W ")
        .trim_start_matches("rex ");
    if stripped != theirs && stripped == ours {
        return Divergence::UnusedPrefix;
    }
    if theirs.contains(",%riz,1)") {
        return Divergence::RizIndex;
    }
    if ours == "(bad)" || theirs == "(bad)" {
        return Divergence::BadLength;
    }
    if ours.starts_with(".inst") && bytes.len() == 4 && bytes[3] == 0xc0 {
        return Divergence::ArmSme;
    }
    if after_bad {
        return Divergence::AfterBad;
    }
    Divergence::Unnamed
}

#[test]
fn code_lines_match_objdump() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("code-diff");
    let mut report = String::new();
    let mut total = 0usize;
    let mut diffs: BTreeMap<Divergence, Vec<String>> = BTreeMap::new();
    for arch in [Arch::X86_64, Arch::Arm64] {
        let (blob, segs) = blob(arch);
        assert!(
            segs.len() > 15,
            "only {} {} Code: lines found",
            segs.len(),
            arch.name()
        );
        let path = tmp.path().join(format!("{}.bin", arch.name()));
        std::fs::write(&path, &blob).expect("cannot write the blob");
        let gnu = gnu(arch, &path);
        let llvm = llvm(arch, &path, tmp.path());
        let mut n = 0;
        for s in &segs {
            let insns = disasm::decode_all(
                arch,
                Syntax::Att,
                &blob[s.offset..s.offset + s.len],
                s.offset as u64,
            );
            let mut after_bad = false;
            for i in insns.iter().filter(|i| !i.truncated) {
                let off = s.offset + i.offset;
                n += 1;
                let theirs = gnu.get(&off);
                let ok_len = theirs.is_some_and(|t| t.0 == i.len);
                let ok_llvm = llvm_len(&llvm, off) == Some(i.len);
                let ours = normalize(&i.text);
                let t = theirs.map(|t| normalize(&t.1)).unwrap_or_default();
                if !ok_len || !ok_llvm || ours != t {
                    let c = classify(&blob[off..off + i.len], &ours, &t, after_bad);
                    diffs.entry(c).or_default().push(format!(
                        "{}: {:02x?}: ksym `{ours}`, objdump `{t}` (len ok {ok_len}, llvm len ok {ok_llvm})",
                        s.source,
                        &blob[off..off + i.len]
                    ));
                }
                after_bad |= i.bad;
            }
        }
        report += &format!("{}: {} lines, {n} instructions\n", arch.name(), segs.len());
        total += n;
    }
    let mut bad = 0;
    for (c, v) in &diffs {
        report += &format!("{c:?}: {}\n", v.len());
        for d in v.iter().take(400) {
            report += &format!("  {d}\n");
        }
        bad += v.len();
    }
    eprintln!("{report}");
    assert!(
        !diffs.contains_key(&Divergence::Unnamed),
        "unnamed differences:\n{report}"
    );
    assert!(
        bad * 1000 <= total,
        "{bad} of {total} instructions differ:\n{report}"
    );
}

/// The kernel's files of one shared kernel folder in `dir`: vmlinux and a modules dir.
fn kernel(k: &str, dir: &Path) -> (PathBuf, PathBuf) {
    let v = common::unxz(&format!("kernels/{k}/vmlinux.xz"), dir);
    let m = dir.join(format!("modules-{k}"));
    std::fs::create_dir_all(&m).expect("cannot create the modules dir");
    let ko = common::unxz(&format!("kernels/{k}/lkdtm.ko.xz"), dir);
    let dst = m.join("lkdtm.ko");
    if !dst.exists() {
        std::fs::hard_link(&ko, &dst)
            .or_else(|_| std::fs::copy(&ko, &dst).map(|_| ()))
            .expect("cannot place lkdtm.ko");
    }
    (v, m)
}

fn decode_json(log: &Path, v: &Path, m: &Path, extra: &[&str]) -> (Vec<serde_json::Value>, String) {
    let mut args = vec![
        "decode".to_string(),
        "--json".to_string(),
        "--vmlinux".to_string(),
        v.display().to_string(),
        "--modules".to_string(),
        m.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(log.display().to_string());
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = common::run(&a);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let recs = String::from_utf8(out.stdout)
        .expect("JSON output is UTF-8")
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("a JSON record"))
        .filter(|r| r["type"] == "oops")
        .map(|r| r["data"].clone())
        .collect();
    (recs, stderr)
}

/// Each console against its own kernel: every `Code:` line listed, the trapping
/// instruction on the marked byte and at the faulting frame's line, WARN/BUG traps
/// labelled, the bytes matching the object's.
#[test]
fn consoles_list_their_code_lines() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("code-list");
    for k in [
        "x86_64-thin",
        "arm64-thin",
        "x86_64-thin-6.12",
        "arm64-thin-6.12",
    ] {
        let (v, m) = kernel(k, tmp.path());
        let log = shared().join("kernels").join(k).join("console.log");
        let (oopses, stderr) = decode_json(&log, &v, &m, &[]);
        assert!(!stderr.contains("Code: bytes"), "{k}: {stderr}");
        let (mut listed, mut traps, mut matched) = (0, 0, 0);
        for o in &oopses {
            for c in o["code"].as_array().expect("a code list") {
                // The register dump's pc printed last before the Code: line.
                let pc_line = o["frames"]
                    .as_array()
                    .and_then(|f| {
                        f.iter().rfind(|f| {
                            f["role"] == "pc"
                                && f["register"].is_string()
                                && f["line"].as_u64() < c["line"].as_u64()
                        })
                    })
                    .cloned();
                listed += 1;
                let insns = c["instructions"].as_array().expect("instructions");
                let t = c["trapping_index"].as_u64().expect("trapping_index") as usize;
                let trap = &insns[t];
                assert_eq!(trap["trapping"], true, "{k}: {c}");
                assert_eq!(
                    c["arch"],
                    if k.starts_with("x86") {
                        "x86_64"
                    } else {
                        "arm64"
                    }
                );
                if trap["bug_trap"] == true {
                    traps += 1;
                    let want = if k.starts_with("x86") {
                        "ud2"
                    } else {
                        "brk    #0x800"
                    };
                    assert_eq!(trap["text"], want, "{k}: {c}");
                }
                // The trapping instruction's line is the faulting frame's: the bug
                // table's for a BUG()/WARN() trap, else the innermost level's.
                if let (Some(pc), Some(file)) = (&pc_line, trap["file"].as_str()) {
                    let inner = if pc["trap"]["file"].is_string() {
                        &pc["trap"]
                    } else {
                        &pc["inlines"][0]
                    };
                    assert_eq!(
                        (Some(file), &trap["line"]),
                        (inner["file"].as_str(), &inner["line"]),
                        "{k}: {c}"
                    );
                }
                match c["identity"]["status"].as_str() {
                    Some("match") => matched += 1,
                    Some("mismatch") => panic!("{k}: own kernel's bytes differ: {c}"),
                    _ => {}
                }
                // The report's identity carries the same verdict as its `code` check.
                if let Some(status) = c["identity"]["status"].as_str() {
                    let check = code_check(o, &c["line"]);
                    assert_eq!(check["result"], status, "{k}: {check}");
                    assert!(
                        check["log"].is_string() && check["file"].is_string(),
                        "{check}"
                    );
                }
            }
        }
        assert!(listed >= 5, "{k}: only {listed} Code: lines listed");
        // arm64 prints a Code: line for BUG only, x86 for WARN too.
        let want_traps = if k.starts_with("x86") { 3 } else { 1 };
        assert!(
            traps >= want_traps,
            "{k}: only {traps} BUG/WARN traps labelled"
        );
        assert!(
            matched >= 2,
            "{k}: only {matched} Code: lines matched their object"
        );
    }
}

/// The identity `code` check of the `Code:` line on log line `line` of report `o`.
fn code_check<'a>(o: &'a serde_json::Value, line: &serde_json::Value) -> &'a serde_json::Value {
    let prefix = format!("line {line} at ");
    o["identity"]["checks"]
        .as_array()
        .and_then(|cs| {
            cs.iter().find(|c| {
                c["check"] == "code" && c["detail"].as_str().is_some_and(|d| d.starts_with(&prefix))
            })
        })
        .unwrap_or_else(|| panic!("no code check for line {line}: {}", o["identity"]))
}

/// Text: the listing follows the `Code:` line with its prefix and line end; `--syntax
/// intel` spells x86 as `objdump -M intel`.
#[test]
fn text_listing_and_intel_syntax() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("code-text");
    let (v, m) = kernel("x86_64-thin", tmp.path());
    let log = shared().join("kernels/x86_64-thin/console.log");
    let run = |extra: &[&str]| {
        let mut a = vec![
            "decode",
            "--vmlinux",
            v.to_str().unwrap(),
            "--modules",
            m.to_str().unwrap(),
        ];
        a.extend_from_slice(extra);
        a.push(log.to_str().unwrap());
        String::from_utf8(common::run(&a).stdout).expect("UTF-8 output")
    };
    let att = run(&[]);
    let lines: Vec<&str> = att.split_inclusive('\n').collect();
    let i = lines
        .iter()
        .position(|l| l.contains("<-- trapping instruction (BUG/WARN trap)"))
        .expect("a labelled WARN trap");
    let l = lines[i];
    assert!(l.starts_with("[    0.803105]   "), "prefix kept: {l:?}");
    assert!(l.ends_with("\r\n"), "line end kept: {l:?}");
    assert!(
        l.contains("ud2") && l.contains("lkdtm_WARNING drivers/misc/lkdtm/bugs.c:85"),
        "{l:?}"
    );
    assert!(att.contains("cmpb   $0x0,0x81a41(%rip)"), "AT&T by default");
    let intel = run(&["--syntax", "intel"]);
    assert!(
        intel.contains("cmp    BYTE PTR [rip+0x81a41],0x0"),
        "Intel syntax"
    );
}

/// [`code::check_bytes`] on the consoles: the other build's and the other
/// architecture's objects mismatch.
#[test]
fn code_bytes_tell_another_build_or_architecture() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("code-identity");
    // The arm64 console against the x86_64 kernel, forced past the architecture
    // refusal: lkdtm's names resolve, its bytes do not. (A console against the same
    // architecture's other release matches: lkdtm's functions compile to the same bytes
    // in 6.1 and 6.12.)
    let (v, m) = kernel("x86_64-thin", tmp.path());
    let log = shared().join("kernels/arm64-thin/console.log");
    let (oopses, stderr) = decode_json(&log, &v, &m, &["--force"]);
    let statuses: Vec<String> = oopses
        .iter()
        .flat_map(|o| o["code"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["identity"]["status"].as_str().map(str::to_string))
        .collect();
    assert!(
        statuses.iter().filter(|s| *s == "mismatch").count() >= 2,
        "{statuses:?}"
    );
    assert!(!statuses.iter().any(|s| s == "match"), "{statuses:?}");
    // The report's identity: the architecture's proof, and the code check's mismatch
    // against lkdtm.ko, said as a warning naming the file.
    let mut code_mismatches = 0;
    for o in &oopses {
        assert_eq!(o["identity"]["result"], "mismatch", "{}", o["identity"]);
        for c in o["identity"]["checks"].as_array().expect("checks") {
            if c["check"] == "code" && c["result"] == "mismatch" {
                assert!(
                    c["object"]
                        .as_str()
                        .is_some_and(|s| s.starts_with("lkdtm: ")),
                    "{c}"
                );
                assert!(c["file"].is_string() && c["log"].is_string(), "{c}");
                code_mismatches += 1;
            }
        }
    }
    assert!(code_mismatches >= 2, "{code_mismatches} code mismatches");
    let warning = stderr
        .lines()
        .find(|l| l.contains("lkdtm_EXCEPTION+0x4"))
        .unwrap_or_else(|| panic!("no warning for lkdtm_EXCEPTION: {stderr}"));
    assert!(
        warning.starts_with("ksym: warning: ")
            && warning.contains("lkdtm.ko: does not match the log: Code: bytes of line "),
        "{warning}"
    );
    // x86 Code: bytes against arm64's lkdtm_BUG.
    let (_, am) = kernel("arm64-thin", tmp.path());
    let arm = common::symbolizer(am.join("lkdtm.ko")).expect("arm64 lkdtm.ko");
    let s = arm
        .symbols()
        .iter()
        .find(|s| s.name == "lkdtm_WARNING")
        .expect("lkdtm_WARNING in arm64 lkdtm.ko")
        .clone();
    let a = arm.symbol_address(&s).expect("an address");
    let bytes = arm.bytes_at(a, 64).expect("its bytes");
    let c = code::parse(
        "00 ff 05 e6 9d 00 00 75 01 c3 <0f> 0b c3 00 00 00 00 8b 35 d6 9d 00 00 ff c6 89 35 ce 9d 00 00 48",
        None,
    )
    .expect("x86 Code: line");
    let id = code::check_bytes(&c, bytes, 9, true);
    assert_eq!(id.status, code::Verdict::Mismatch, "{}", id.evidence);
}

/// `--syntax intel` against `objdump -M intel` on the same x86 lines (boundaries are the
/// AT&T test's, undecodable bytes left out): the text is the same.
#[test]
fn code_lines_match_objdump_intel() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("code-diff-intel");
    let (blob, segs) = blob(Arch::X86_64);
    let path = tmp.path().join("x86_64.bin");
    std::fs::write(&path, &blob).expect("cannot write the blob");
    let gnu = gnu_with(Arch::X86_64, &path, &["-M", "intel"]);
    let (mut n, mut bad) = (0usize, Vec::new());
    for s in &segs {
        let insns = disasm::decode_all(
            Arch::X86_64,
            Syntax::Intel,
            &blob[s.offset..s.offset + s.len],
            s.offset as u64,
        );
        for i in insns.iter().filter(|i| !i.truncated && !i.bad) {
            let off = s.offset + i.offset;
            n += 1;
            let ours = normalize(&i.text);
            let t = gnu.get(&off).map(|t| normalize(&t.1)).unwrap_or_default();
            if ours != t {
                bad.push(format!(
                    "{:02x?}: ksym `{ours}`, objdump `{t}`",
                    &blob[off..off + i.len]
                ));
            }
        }
    }
    assert!(n > 3000, "only {n} x86 instructions compared");
    assert!(
        bad.is_empty(),
        "{} of {n} differ:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
