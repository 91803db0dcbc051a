//! The symbolizer answers its first symbol questions by scanning the ELF symbol table in
//! place, and later ones from indexes it builds then (`src/dwarf/symbols.rs`): both ways
//! must give the same answers. Compared here question by question, a fresh symbolizer
//! (scans) against one whose indexes are built (`index_symbols`), on the shared x86_64 and
//! arm64 ThinLTO kernels, GCC and Clang fixtures, and modules (relocatable: symbols
//! placed in the synthetic section layout).

use crate::common;

use std::path::{Path, PathBuf};

use ksym::dwarf::{IndexCache, Symbolizer};

/// Fresh symbolizers answer at most this many questions, all from scans (each question
/// is one scan; the table is indexed after 16).
const PER_FRESH: usize = 12;

fn kernel(rel: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ksym-kernels");
    std::fs::create_dir_all(&d).expect("cannot create the cache dir");
    common::unxz(rel, &d)
}

enum Question {
    Containing(u64),
    Size(usize),
    PrintedSizes(usize),
    Named(String),
    LtoNamed(String),
}

/// One answer, printable for a failure message.
fn answer(s: &Symbolizer, q: &Question) -> String {
    match q {
        Question::Containing(a) => format!(
            "{:?}",
            s.lookup_symbol(*a)
                .map(|(sym, off)| (sym.name.clone(), off))
        ),
        Question::Size(i) => format!("{:?}", s.kallsyms_size(*i)),
        Question::PrintedSizes(i) => format!("{:?}", s.printed_sizes(*i)),
        Question::Named(n) => format!("{:?}", s.symbols_named(n)),
        Question::LtoNamed(n) => format!("{:?}", s.symbols_lto_named(n)),
    }
}

fn label(q: &Question) -> String {
    match q {
        Question::Containing(a) => format!("lookup_symbol({a:#x})"),
        Question::Size(i) => format!("kallsyms_size({i})"),
        Question::PrintedSizes(i) => format!("printed_sizes({i})"),
        Question::Named(n) => format!("symbols_named({n:?})"),
        Question::LtoNamed(n) => format!("symbols_lto_named({n:?})"),
    }
}

/// Questions spread over the whole object: addresses at, inside, at the end of and past
/// symbols, sizes, exact names and names without their suffixes.
fn questions(s: &Symbolizer, n: usize) -> Vec<Question> {
    let mut qs = Vec::new();
    let entries = s.addrmap().entries();
    let step = (entries.len() / n).max(1);
    for e in entries.iter().step_by(step) {
        qs.push(Question::Containing(e.addr));
        qs.push(Question::Containing(e.addr + e.size / 2));
        qs.push(Question::Containing(e.end()));
        qs.push(Question::Containing(e.addr.wrapping_sub(1)));
    }
    let count = s.symbol_count();
    let step = (count / n).max(1);
    for i in (0..count).step_by(step) {
        qs.push(Question::Size(i));
        qs.push(Question::PrintedSizes(i));
        let name = s.symbols()[i].name.clone();
        if let Some(dot) = name.find('.').filter(|&d| d > 0) {
            qs.push(Question::LtoNamed(name[..dot].to_string()));
        }
        qs.push(Question::Named(name));
    }
    // Every symbol whose name has an LTO suffix is asked for by its plain name.
    for sym in s
        .symbols()
        .iter()
        .filter(|x| x.name.contains(".llvm."))
        .take(n)
    {
        let plain = sym.name.split(".llvm.").next().unwrap_or_default();
        qs.push(Question::LtoNamed(plain.to_string()));
    }
    qs.push(Question::Named("no_such_symbol_anywhere".into()));
    qs.push(Question::LtoNamed("no_such_symbol_anywhere".into()));
    qs
}

/// Compare every question; returns how many were asked.
fn compare(obj: &Path, n: usize) -> usize {
    let tmp = common::TempDir::new("symbol-scans");
    // The unit index is cached so that the many fresh openings stay cheap.
    let cache = IndexCache::Dir(tmp.path().to_path_buf());
    let open = || Symbolizer::open_with(obj, &cache).unwrap_or_else(|e| panic!("{e}"));
    let indexed = open();
    indexed.index_symbols();
    let qs = questions(&indexed, n);
    let mut fresh = open();
    let mut differ = Vec::new();
    for (k, q) in qs.iter().enumerate() {
        if k > 0 && k % PER_FRESH == 0 {
            fresh = open();
        }
        let (scanned, looked_up) = (answer(&fresh, q), answer(&indexed, q));
        if scanned != looked_up {
            differ.push(format!("{}: scan {scanned}, index {looked_up}", label(q)));
        }
    }
    assert!(
        differ.is_empty(),
        "{}: {} of {} answers differ:\n{}",
        obj.display(),
        differ.len(),
        qs.len(),
        differ.join("\n")
    );
    qs.len()
}

#[test]
fn scans_answer_as_the_indexes_do_on_the_shared_kernels() {
    crate::common::needs_full_env!();
    for rel in [
        "kernels/x86_64-thin/vmlinux.xz",
        "kernels/arm64-thin/vmlinux.xz",
        "kernels/x86_64-thin/lkdtm.ko.xz",
        "kernels/arm64-thin/lkdtm.ko.xz",
    ] {
        let asked = compare(&kernel(rel), 60);
        assert!(asked > 250, "{rel}: only {asked} questions");
    }
}

#[test]
fn scans_answer_as_the_indexes_do_on_the_fixtures() {
    let root = common::root();
    let mut asked = 0;
    for rel in [
        "testdata/lto/kern/gcc-lto-x86_64/prog",
        "testdata/lto/kern/gcc-aarch64/prog",
        "testdata/lto/kern/clang-full-x86_64/prog",
        "testdata/lto/kern/clang-thin-aarch64/prog",
        "testdata/lto/kmod/gcc-x86_64/fixmod.ko",
        "testdata/lto/kmod/clang-thin-aarch64/fixmod.ko",
    ] {
        asked += compare(&root.join(rel), 100);
    }
    assert!(asked > 200, "only {asked} questions");
}
