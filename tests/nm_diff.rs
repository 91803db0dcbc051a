//! Differential test: `ksym syms --clean=none FILE` prints what GNU `nm -p FILE` prints,
//! byte for byte, on every ELF file under `testdata/lto` and on the shared kernels' vmlinux
//! and lkdtm.ko; on System.map input it reproduces the map.
//!
//! aarch64 files are compared with `aarch64-linux-gnu-nm`: the host nm, built for x86_64
//! only, does not know the AArch64 mapping symbols (`$x`, `$d`) and lists them. There are no
//! intentional divergences: any difference is a bug in ksym's ELF reader or nm letters.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TempDir;

/// The nm that knows the file's machine, read from the ELF header.
fn nm_for(path: &Path) -> &'static str {
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // e_machine is at offset 18 in both ELF classes; all our inputs are little-endian.
    let machine = data.get(18..20).map(|b| u16::from_le_bytes([b[0], b[1]]));
    match machine {
        Some(183) => "aarch64-linux-gnu-nm", // EM_AARCH64
        Some(62) => "nm",                    // EM_X86_64
        m => panic!("{}: unexpected ELF machine {m:?}", path.display()),
    }
}

fn is_elf(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|d| d.starts_with(b"\x7fELF"))
}

/// Every ELF file under `dir`, recursively, sorted.
fn elf_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            elf_files(&p, out);
        } else if is_elf(&p) {
            out.push(p);
        }
    }
}

/// Run `prog args... path` and return stdout, failing on a non-zero exit.
fn stdout_of(prog: &mut Command, what: &str) -> Vec<u8> {
    let o = prog
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        o.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

/// Compare ksym with nm on one file; returns a description of the first differences.
fn compare(path: &Path) -> Option<String> {
    let nm = nm_for(path);
    let want = stdout_of(
        Command::new(nm).env("LC_ALL", "C").arg("-p").arg(path),
        &format!("{nm} -p {}", path.display()),
    );
    let got = stdout_of(
        common::ksym().args(["syms", "--clean=none"]).arg(path),
        &format!("ksym syms --clean=none {}", path.display()),
    );
    if want == got {
        return None;
    }
    let (want, got) = (
        String::from_utf8_lossy(&want),
        String::from_utf8_lossy(&got),
    );
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let mut report = format!(
        "{}: ksym syms --clean=none differs from {nm} -p ({} vs {} lines)\n",
        path.display(),
        g.len(),
        w.len()
    );
    let mut shown = 0;
    for i in 0..w.len().max(g.len()) {
        let (a, b) = (w.get(i).copied(), g.get(i).copied());
        if a != b && shown < 10 {
            report += &format!("  line {}: nm {a:?}\n          ksym {b:?}\n", i + 1);
            shown += 1;
        }
    }
    Some(report)
}

fn assert_all_equal(files: &[PathBuf]) {
    let failures: Vec<String> = files.iter().filter_map(|f| compare(f)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} files differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn fixtures_match_nm() {
    crate::common::needs_full_env!();
    common::require_tool("nm", "binutils");
    common::require_tool("aarch64-linux-gnu-nm", "binutils-aarch64-linux-gnu");
    let mut files = Vec::new();
    elf_files(&common::root().join("testdata/lto"), &mut files);
    // Both machines, executables, `ld -r` objects and the module-like objects: 4 toolchains
    // x 2 arches x 2 files of kern, 4 of kmod, 8 of lpdiff.
    assert!(files.len() >= 28, "only {} ELF fixtures found", files.len());
    assert_all_equal(&files);
}

#[test]
fn shared_kernels_match_nm() {
    crate::common::needs_full_env!();
    common::require_tool("nm", "binutils");
    common::require_tool("aarch64-linux-gnu-nm", "binutils-aarch64-linux-gnu");
    common::require_tool("xz", "xz-utils");
    let tmp = TempDir::new("nm-diff");
    let mut files = Vec::new();
    for k in ["x86_64-thin", "arm64-thin"] {
        for f in ["vmlinux", "lkdtm.ko"] {
            files.push(common::unxz(&format!("kernels/{k}/{f}.xz"), tmp.path()));
        }
    }
    assert_all_equal(&files);
}

/// `ksym syms --clean=none` on a System.map reproduces it line for line.
#[test]
fn system_map_round_trips() {
    crate::common::needs_full_env!();
    let shared = common::shared();
    let tmp = TempDir::new("map-round-trip");
    let mut maps = Vec::new();
    for k in ["x86_64-thin", "arm64-thin"] {
        maps.push(shared.join(format!("kernels/{k}/System.map")));
    }
    for m in [
        "debian-6.1.0-56-amd64.System.map",
        "debian-6.1.0-56-arm64.System.map",
    ] {
        maps.push(common::unxz(&format!("maps/{m}.xz"), tmp.path()));
    }
    for map in &maps {
        let want = std::fs::read(map).unwrap_or_else(|e| panic!("{}: {e}", map.display()));
        let got = stdout_of(
            common::ksym().args(["syms", "--clean=none"]).arg(map),
            &format!("ksym syms --clean=none {}", map.display()),
        );
        if want != got {
            let (w, g) = (
                String::from_utf8_lossy(&want),
                String::from_utf8_lossy(&got),
            );
            let first = w
                .lines()
                .zip(g.lines())
                .position(|(a, b)| a != b)
                .map(|i| {
                    format!(
                        "line {}: map {:?}, ksym {:?}",
                        i + 1,
                        w.lines().nth(i),
                        g.lines().nth(i)
                    )
                })
                .unwrap_or_else(|| format!("{} vs {} lines", w.lines().count(), g.lines().count()));
            panic!("{}: no round trip: {first}", map.display());
        }
    }
}
