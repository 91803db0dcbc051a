//! The unit-index cache (`src/dwarf/index.rs`) and the symbol indexes' (`src/dwarf/
//! symbols.rs`): written on the first opening of a large object, read on the next ones, ignored and rewritten when stale or damaged, off when
//! `KSYM_CACHE_DIR` is empty; answers are the same with and without it. One test also
//! proves the file is read: a well-formed file whose ranges were removed changes the
//! answers.

use crate::common;

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

/// `ksym faddr2line OBJ INPUTS` with `env` set (the value `None` removes a variable):
/// the whole answer (status, stdout, stderr), whatever it is.
fn answer(obj: &Path, inputs: &[&str], env: &[(&str, Option<&Path>)]) -> String {
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
    format!(
        "status {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
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

/// The unit-index cache files in `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    cache_files(dir, "units")
}

/// The cache files in `dir` with this extension.
fn cache_files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == extension))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The symbol cache's checksum (`src/dwarf/index.rs`, `checksum`).
fn words_checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().unwrap());
        h = (h ^ w).wrapping_mul(K).rotate_left(27);
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    (h ^ u64::from_le_bytes(last)).wrapping_mul(K)
}

fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The same file with no ranges and no rangeless units, checksum redone: well-formed,
/// but it places no address in any unit.
fn without_ranges(b: &[u8]) -> Vec<u8> {
    let units = u32::from_le_bytes(b[80..84].try_into().unwrap()) as usize;
    let mut out = b[..96 + 8 * units].to_vec();
    out[84..92].fill(0);
    let sum = fnv64(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

#[test]
fn cache_is_written_read_checked_and_optional() {
    crate::common::needs_full_env!();
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
    let body = 80..first.len() - 8;
    assert_eq!(rebuilt[body.clone()], first[body], "same units and ranges");
}

/// The symbol indexes' cache file (`src/dwarf/symbols.rs`): written next to the unit
/// index's, read on the next opening (a well-formed file without address entries changes
/// the answers), damaged files ignored and rewritten; answers the same as without it.
#[test]
fn symbol_cache_is_written_read_and_checked() {
    crate::common::needs_full_env!();
    let tmp = common::TempDir::new("symbol-cache");
    let obj = vmlinux(tmp.path());
    let dir = tmp.path().join("cache");
    let off = [("KSYM_CACHE_DIR", Some(Path::new("")))];
    let reference = answer(&obj, INPUTS, &off);
    assert!(reference.starts_with("status Some(0)"), "{reference}");
    let env = [("KSYM_CACHE_DIR", Some(dir.as_path()))];
    assert_eq!(answer(&obj, INPUTS, &env), reference);
    let written = cache_files(&dir, "symbols");
    assert_eq!(written.len(), 1, "{written:?}");
    let file = &written[0];
    let first = std::fs::read(file).expect("cache file");
    assert_eq!(&first[..8], b"KSYMSYMS");
    assert_eq!(answer(&obj, INPUTS, &env), reference);
    assert_eq!(std::fs::read(file).expect("cache file"), first, "untouched");

    // Read: the same file with no address entries (counts and checksum redone).
    let entries = u32::from_le_bytes(first[88..92].try_into().unwrap()) as usize;
    let mut blind = first[..104].to_vec();
    blind[88..92].fill(0);
    blind.extend_from_slice(&first[104 + 24 * entries..first.len() - 8]);
    let sum = words_checksum(&blind);
    blind.extend_from_slice(&sum.to_le_bytes());
    std::fs::write(file, &blind).expect("write");
    assert_ne!(
        answer(&obj, INPUTS, &env),
        reference,
        "the file was not read"
    );

    // Damaged: garbage, truncated, one byte changed (in an entry), an entry out of order.
    let mut flipped = first.clone();
    flipped[104 + 24 * 7 + 3] ^= 1;
    let mut unordered = first[..first.len() - 8].to_vec();
    unordered[104..104 + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    let sum = words_checksum(&unordered);
    unordered.extend_from_slice(&sum.to_le_bytes());
    for damaged in [
        b"garbage".to_vec(),
        first[..first.len() / 2].to_vec(),
        flipped,
        unordered,
    ] {
        std::fs::write(file, &damaged).expect("write");
        assert_eq!(answer(&obj, INPUTS, &env), reference);
        assert_eq!(std::fs::read(file).expect("cache file"), first, "rewritten");
    }
}

#[test]
fn small_objects_are_not_cached() {
    let tmp = common::TempDir::new("index-cache-small");
    let dir = tmp.path().join("cache");
    let obj = common::root().join("testdata/lto/kern/gcc-lto-x86_64/prog");
    faddr2line(&obj, &["_start+0x4"], &[("KSYM_CACHE_DIR", Some(&dir))]);
    assert!(
        !dir.exists(),
        "{:?}",
        std::fs::read_dir(&dir).map(|d| d.count())
    );
}

/// The same file with every unit offset moved one byte on (still ascending, still inside
/// `.debug_info`), checksum redone: well-formed, but no unit header is where it says.
fn misplaced_units(b: &[u8]) -> Vec<u8> {
    let units = u32::from_le_bytes(b[80..84].try_into().unwrap()) as usize;
    let mut out = b[..b.len() - 8].to_vec();
    for u in 0..units {
        let at = 96 + 8 * u;
        let o = u64::from_le_bytes(out[at..at + 8].try_into().unwrap());
        out[at..at + 8].copy_from_slice(&(o + 1).to_le_bytes());
    }
    let sum = fnv64(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// A cache that makes lookups fail is not the object's fault: the index is walked again,
/// the answers are right, and the file is rewritten.
#[test]
fn failing_cache_is_walked_again_and_rewritten() {
    crate::common::needs_full_env!();
    let tmp = common::TempDir::new("index-cache-retry");
    let obj = vmlinux(tmp.path());
    let dir = tmp.path().join("cache");
    let reference = cached(&obj, &dir);
    let file = files(&dir).pop().expect("a cache file");
    let first = std::fs::read(&file).expect("cache file");
    std::fs::write(&file, misplaced_units(&first)).expect("write");
    assert_eq!(cached(&obj, &dir).stdout, reference.stdout);
    assert_eq!(
        std::fs::read(&file).expect("cache file"),
        first,
        "rewritten"
    );
}

/// `.debug_info` of an ELF64 file: (offset, size).
fn debug_info(b: &[u8]) -> (usize, usize) {
    let rd = |at: usize, n: usize| {
        (0..n)
            .rev()
            .fold(0u64, |v, i| v << 8 | u64::from(b[at + i]))
    };
    let shoff = rd(0x28, 8) as usize;
    let shnum = rd(0x3c, 2) as usize;
    let stroff = rd(shoff + rd(0x3e, 2) as usize * 64 + 24, 8) as usize;
    (0..shnum)
        .map(|i| shoff + i * 64)
        .find(|&h| b[stroff + rd(h, 4) as usize..].starts_with(b".debug_info\0"))
        .map(|h| (rd(h + 24, 8) as usize, rd(h + 32, 8) as usize))
        .expect(".debug_info")
}

/// `data` with every pair of equal-length DWARF units swapped (same size, other meaning).
fn swap_equal_units(data: &mut [u8]) -> usize {
    let (start, size) = debug_info(data);
    let mut by_len: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    let mut at = start;
    while at + 4 <= start + size {
        let len = u32::from_le_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        assert!(len < 0xffff_fff0, "DWARF32 units");
        by_len.entry(len + 4).or_default().push(at);
        at += len + 4;
    }
    let mut swapped = 0;
    for (len, offs) in by_len {
        for pair in offs.chunks_exact(2) {
            let (a, b) = (pair[0], pair[1]);
            let tmp = data[a..a + len].to_vec();
            data.copy_within(b..b + len, a);
            data[b..b + len].copy_from_slice(&tmp);
            swapped += 1;
        }
    }
    swapped
}

/// Functions spread over the whole kernel: one text symbol in [`STEP`] of the System.map
/// (about 1,900), so that most units with code are asked about.
fn spread_inputs() -> Vec<String> {
    let map = std::fs::read_to_string(common::shared().join("kernels/x86_64-thin/System.map"))
        .expect("System.map");
    map.lines()
        .filter_map(|l| {
            let mut w = l.split(' ');
            let (_, t, name) = (w.next()?, w.next()?, w.next()?);
            (matches!(t, "t" | "T") && !name.starts_with('_')).then(|| format!("{name}+0x1"))
        })
        .step_by(STEP)
        .collect()
}

const STEP: usize = 5;

/// A vmlinux rewritten in place with its size and modification time kept (equal-length
/// units swapped) is another object: the cache knows it (the change time moved), and the
/// answers are the new file's, as without a cache (some are errors: the swapped units'
/// references into other units no longer hold, alike with and without the cache).
#[test]
fn object_rewritten_in_place_is_not_answered_from_the_cache() {
    crate::common::needs_full_env!();
    use std::io::{Seek, Write};
    let tmp = common::TempDir::new("index-cache-inplace");
    let obj = vmlinux(tmp.path());
    let dir = tmp.path().join("cache");
    let inputs = spread_inputs();
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let env = [("KSYM_CACHE_DIR", Some(dir.as_path()))];
    answer(&obj, &inputs, &env);
    let mut data = std::fs::read(&obj).expect("read vmlinux");
    assert!(
        swap_equal_units(&mut data) > 10,
        "equal-length units to swap"
    );
    let mtime = std::fs::metadata(&obj)
        .and_then(|m| m.modified())
        .expect("mtime");
    let mut f = std::fs::File::options()
        .write(true)
        .open(&obj)
        .expect("open");
    f.seek(std::io::SeekFrom::Start(0)).expect("seek");
    f.write_all(&data).expect("rewrite in place");
    f.set_modified(mtime).expect("set mtime back");
    drop(f);
    let want = answer(&obj, &inputs, &[("KSYM_CACHE_DIR", Some(Path::new("")))]);
    assert_eq!(answer(&obj, &inputs, &env), want);
}

/// Another build renamed into place while ksym runs: whatever ksym read, the cache it
/// leaves describes one file with that file's own index, so a later run answers as
/// without a cache.
#[test]
fn rename_raced_against_runs_leaves_a_true_cache() {
    crate::common::needs_full_env!();
    let tmp = common::TempDir::new("index-cache-race");
    let a = vmlinux(tmp.path());
    let mut data = std::fs::read(&a).expect("read vmlinux");
    swap_equal_units(&mut data);
    let b = tmp.path().join("vmlinux-b");
    std::fs::write(&b, &data).expect("write the other build");
    let target = tmp.path().join("vmlinux-live");
    let dir = tmp.path().join("cache");
    let inputs = spread_inputs();
    let inputs: Vec<&str> = inputs.iter().take(40).map(String::as_str).collect();
    let want = |p: &Path| answer(p, &inputs, &[("KSYM_CACHE_DIR", Some(Path::new("")))]);
    let (want_a, want_b) = (want(&a), want(&b));
    assert_ne!(want_a, want_b, "the two builds answer differently");
    for round in 0..4 {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        // Hard links only: copying onto the target would write through to a or b.
        let _ = std::fs::remove_file(&target);
        std::fs::hard_link(&a, &target).expect("place a");
        let swapper = {
            let (a, b, target, stop) = (a.clone(), b.clone(), target.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let src = if n.is_multiple_of(2) { &b } else { &a };
                    let part = target.with_extension(format!("part{n}"));
                    let _ = std::fs::hard_link(src, &part);
                    let _ = std::fs::rename(&part, &target);
                    n += 1;
                }
            })
        };
        let _ = common::ksym()
            .env("KSYM_CACHE_DIR", &dir)
            .arg("faddr2line")
            .arg(&target)
            .args(&inputs)
            .output()
            .expect("run ksym");
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        swapper.join().expect("swapper");
        // Whatever is in place now is answered right, with the cache left behind.
        let now = answer(&target, &inputs, &[("KSYM_CACHE_DIR", Some(dir.as_path()))]);
        let is_a = std::fs::read(&target).expect("read") == std::fs::read(&a).expect("read");
        let (want, path) = if is_a { (&want_a, &a) } else { (&want_b, &b) };
        let now = now.replace(target.to_str().unwrap(), "OBJ");
        assert_eq!(
            now,
            want.replace(path.to_str().unwrap(), "OBJ"),
            "round {round}"
        );
    }
}

/// Run `ksym faddr2line OBJ INPUTS` with the cache in `dir`, failing (not hanging) when
/// it has not finished after two minutes.
fn faddr2line_bounded(obj: &Path, dir: &Path) -> Output {
    let mut child = common::ksym()
        .env("KSYM_CACHE_DIR", dir)
        .arg("faddr2line")
        .arg(obj)
        .args(INPUTS)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("cannot run ksym");
    for _ in 0..1200 {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("ksym blocked on a special file in place of its cache file");
}

/// A FIFO or a link to /dev/zero in place of the cache file is not read (it blocked
/// forever, or read until memory ran out): the index is walked, the answers are right.
#[test]
fn special_files_in_place_of_the_cache_are_ignored() {
    crate::common::needs_full_env!();
    let tmp = common::TempDir::new("index-cache-special");
    let obj = vmlinux(tmp.path());
    let dir = tmp.path().join("cache");
    let reference = cached(&obj, &dir);
    let file = files(&dir).pop().expect("a cache file");
    std::fs::remove_file(&file).unwrap();
    let st = std::process::Command::new("mkfifo")
        .arg(&file)
        .status()
        .expect("mkfifo");
    assert!(st.success());
    assert_eq!(faddr2line_bounded(&obj, &dir).stdout, reference.stdout);
    let _ = std::fs::remove_file(&file);
    std::os::unix::fs::symlink("/dev/zero", &file).unwrap();
    assert_eq!(faddr2line_bounded(&obj, &dir).stdout, reference.stdout);
}

/// Modification time of `path`, seconds ago.
fn age(path: &Path) -> u64 {
    let t = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("mtime");
    t.elapsed().map(|d| d.as_secs()).unwrap_or(0)
}

/// Set the modification time of `path` to `days` days ago.
fn backdate(path: &Path, days: u64) {
    let t = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86_400);
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(t))
        .expect("set mtime");
}

/// `$KSYM_CACHE_MAX`: after a file is written, the least recently used cache files go
/// until the directory fits, never the object's own, never a file ksym did not name; a
/// valid file read is marked used (its modification time moves).
#[test]
fn cache_is_kept_within_its_limit() {
    crate::common::needs_full_env!();
    let tmp = common::TempDir::new("index-cache-limit");
    let obj = vmlinux(tmp.path());
    let dir = tmp.path().join("cache");
    std::fs::create_dir_all(&dir).unwrap();
    let reference = answer(&obj, INPUTS, &[("KSYM_CACHE_DIR", Some(Path::new("")))]);
    let old = dir.join("1111111111111111.units");
    let recent = dir.join("2222222222222222.symbols");
    let other = dir.join("notes");
    std::fs::write(&old, vec![0u8; 5 << 20]).unwrap();
    std::fs::write(&recent, vec![0u8; 1024]).unwrap();
    std::fs::write(&other, vec![0u8; 8 << 20]).unwrap();
    backdate(&old, 10);
    backdate(&recent, 1);
    backdate(&other, 30);
    let limit = |v: &'static str| {
        [
            ("KSYM_CACHE_DIR", Some(dir.as_path())),
            ("KSYM_CACHE_MAX", Some(Path::new(v))),
        ]
    };

    // The vmlinux's two files (about 1 MiB) and 5 MiB + 1 KiB of others, 2 MiB allowed:
    // the oldest goes, and that is enough.
    assert_eq!(answer(&obj, INPUTS, &limit("2M")), reference);
    let own: Vec<PathBuf> = [cache_files(&dir, "units"), cache_files(&dir, "symbols")].concat();
    assert!(
        !old.exists() && recent.exists() && other.exists(),
        "{own:?}"
    );
    assert_eq!(own.len(), 3, "{own:?}");

    // Read and valid: marked used, not rewritten.
    let own: Vec<PathBuf> = own.into_iter().filter(|p| *p != recent).collect();
    let bytes: Vec<Vec<u8>> = own.iter().map(|p| std::fs::read(p).unwrap()).collect();
    for p in &own {
        backdate(p, 2);
    }
    assert_eq!(answer(&obj, INPUTS, &limit("2M")), reference);
    for (p, b) in own.iter().zip(&bytes) {
        assert!(age(p) < 3600, "{} not marked used", p.display());
        assert_eq!(&std::fs::read(p).unwrap(), b, "{} rewritten", p.display());
    }

    // A limit below the object's own files: everything else of ksym's goes, they stay.
    let stale = own
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "units"))
        .unwrap();
    std::fs::write(stale, b"stale").unwrap();
    assert_eq!(answer(&obj, INPUTS, &limit("1")), reference);
    assert!(!recent.exists() && other.exists());
    for p in &own {
        assert!(p.exists(), "{}", p.display());
    }
    assert_eq!(
        &std::fs::read(stale).unwrap(),
        &bytes[own.iter().position(|p| p == stale).unwrap()]
    );
}
