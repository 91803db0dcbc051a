//! Names the commit ksym is built from, for `ksym --version`: `KSYM_COMMIT` is the short
//! hash of `HEAD` (with `-dirty` when tracked files differ from it), or empty when there
//! is no git or no repository (a source tarball), and the version then shows none.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?;
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=KSYM_COMMIT");
    let commit = std::env::var("KSYM_COMMIT").ok().or_else(|| {
        let hash = git(&["rev-parse", "--short=12", "HEAD"])?;
        // Rebuild when HEAD moves: HEAD itself, the branch it points to, the index.
        for path in ["HEAD", "index"] {
            if let Some(p) = git(&["rev-parse", "--git-path", path]) {
                println!("cargo:rerun-if-changed={p}");
            }
        }
        if let Some(r) = git(&["symbolic-ref", "-q", "HEAD"]) {
            if let Some(p) = git(&["rev-parse", "--git-path", &r]) {
                println!("cargo:rerun-if-changed={p}");
            }
        }
        let dirty = Command::new("git")
            .args(["diff-index", "--quiet", "HEAD", "--"])
            .status()
            .is_ok_and(|s| s.code() == Some(1));
        Some(if dirty { format!("{hash}-dirty") } else { hash })
    });
    println!("cargo:rustc-env=KSYM_COMMIT={}", commit.unwrap_or_default());
}
