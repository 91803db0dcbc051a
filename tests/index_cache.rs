//! The unit-index cache (`src/dwarf/index.rs`): written on the first opening of a large
//! object, read on the next ones, ignored and rewritten when stale or damaged, off when
//! `KSYM_CACHE_DIR` is empty; answers are the same with and without it. One test also
//! proves the file is read: a well-formed file whose ranges were removed changes the
//! answers.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

const INPUTS: &[&str] = &[
    "do_idle+0x50/0xc0",
    "schedule+0x30",
    "perf_fasync+0x2b",
    "vfs_read+0x99/0x1a0",
];

/// A copy of the shared x86_64 vmlinux in `dir` (its time is changed below).
fn vmlinux(dir: &Path) -> PathBuf {
    let shared = common::unxz("kernels/x86_64-thin/vmlinux.xz", dir);
    let copy = dir.join("vmlinux");
    std::fs::copy(&shared, &copy).expect("copy vmlinux");
    copy
}

/// `ksym faddr2line OBJ INPUTS` with `env` set (the value `None` removes a variable).
fn faddr2line(obj: &Path, inputs: &[&str], env: &[(&str, Option<&Path>)]) -> Output {
    let mut cmd = common::ksym();
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let out = cmd
        .arg("faddr2line")
        .arg(obj)
        .args(inputs)
        .output()
        .expect("cannot run ksym");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `faddr2line` of [`INPUTS`] with the cache in `dir`.
fn cached(obj: &Path, dir: &Path) -> Output {
    faddr2line(obj, INPUTS, &[("KSYM_CACHE_DIR", Some(dir))])
}

/// The cache files in `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The same file with no ranges and no rangeless units, checksum redone: well-formed,
/// but it places no address in any unit.
fn without_ranges(b: &[u8]) -> Vec<u8> {
    let units = u32::from_le_bytes(b[64..68].try_into().unwrap()) as usize;
    let mut out = b[..80 + 8 * units].to_vec();
    out[68..76].fill(0);
    let sum = fnv64(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

#[test]
fn cache_is_written_read_checked_and_optional() {
    let tmp = common::TempDir::new("index-cache");
    let obj = vmlinux(tmp.path());
    let (home, xdg) = (tmp.path().join("home"), tmp.path().join("xdg"));
    // An empty KSYM_CACHE_DIR: no cache, not even in the default places.
    let reference = faddr2line(
        &obj,
        INPUTS,
        &[
            ("KSYM_CACHE_DIR", Some(Path::new(""))),
            ("XDG_CACHE_HOME", Some(&xdg)),
            ("HOME", Some(&home)),
        ],
    );
    assert!(
        String::from_utf8_lossy(&reference.stdout).contains("(inlined by) do_idle at"),
        "reference output: {}",
        String::from_utf8_lossy(&reference.stdout)
    );
    assert!(!home.exists() && !xdg.exists(), "nothing may be written");
    // Without KSYM_CACHE_DIR: $XDG_CACHE_HOME/ksym, else ~/.cache/ksym.
    let env = [
        ("KSYM_CACHE_DIR", None),
        ("XDG_CACHE_HOME", Some(xdg.as_path())),
    ];
    assert_eq!(faddr2line(&obj, INPUTS, &env).stdout, reference.stdout);
    assert_eq!(files(&xdg.join("ksym")).len(), 1);
    let env = [
        ("KSYM_CACHE_DIR", None),
        ("XDG_CACHE_HOME", None),
        ("HOME", Some(home.as_path())),
    ];
    assert_eq!(faddr2line(&obj, INPUTS, &env).stdout, reference.stdout);
    assert_eq!(files(&home.join(".cache/ksym")).len(), 1);

    let dir = tmp.path().join("cache");
    // First opening: walks the units and writes one file.
    assert_eq!(cached(&obj, &dir).stdout, reference.stdout);
    let written = files(&dir);
    assert_eq!(written.len(), 1, "{written:?}");
    let file = &written[0];
    assert!(file.extension().is_some_and(|e| e == "units"), "{file:?}");
    let first = std::fs::read(file).expect("cache file");
    assert_eq!(&first[..8], b"KSYMUNIT");

    // Second opening: reads it, same answers, file untouched.
    assert_eq!(cached(&obj, &dir).stdout, reference.stdout);
    assert_eq!(std::fs::read(file).expect("cache file"), first);

    // The file is really read: without its ranges no address finds its unit.
    std::fs::write(file, without_ranges(&first)).expect("write");
    let blind = cached(&obj, &dir);
    assert_ne!(
        blind.stdout, reference.stdout,
        "the cache file was not read"
    );
    assert!(
        !String::from_utf8_lossy(&blind.stdout).contains("inlined by"),
        "{}",
        String::from_utf8_lossy(&blind.stdout)
    );

    // Damaged files (garbage, truncation, one changed byte) are ignored and rewritten.
    let mut flipped = first.clone();
    flipped[100] ^= 1;
    for damaged in [
        b"garbage".to_vec(),
        first[..first.len() / 2].to_vec(),
        flipped,
    ] {
        std::fs::write(file, &damaged).expect("write");
        assert_eq!(cached(&obj, &dir).stdout, reference.stdout);
        assert_eq!(std::fs::read(file).expect("cache file"), first);
    }

    // A rebuilt object (another modification time) gets a new index in the same file.
    let f = std::fs::File::options()
        .write(true)
        .open(&obj)
        .expect("open vmlinux");
    f.set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1 << 30))
        .expect("set mtime");
    drop(f);
    assert_eq!(cached(&obj, &dir).stdout, reference.stdout);
    assert_eq!(files(&dir), written);
    let rebuilt = std::fs::read(file).expect("cache file");
    assert_ne!(rebuilt, first, "the identity must change with the object");
    let body = 64..first.len() - 8;
    assert_eq!(rebuilt[body.clone()], first[body], "same units and ranges");
}

#[test]
fn small_objects_are_not_cached() {
    let tmp = common::TempDir::new("index-cache-small");
    let dir = tmp.path().join("cache");
    let obj = common::root().join("testdata/lto/kern/gcc-lto-x86_64/prog");
    faddr2line(&obj, &["_start+0x4"], &[("KSYM_CACHE_DIR", Some(&dir))]);
    assert!(files(&dir).is_empty(), "{:?}", files(&dir));
}
