//! The symbolizer answers symbol questions from indexes it builds over the mapped ELF
//! symbol table without the symbol model (`src/dwarf/symbols.rs`). Checked here question
//! by question against the rules applied directly to the model: the address index built
//! from `Symbol`s, the kallsyms size by its definition, names by comparing every
//! symbol's name and lookup keys. On the shared x86_64 and arm64 ThinLTO kernels, GCC and
//! Clang fixtures, and modules (relocatable: symbols placed in the synthetic section
//! layout).

use crate::common;

use std::path::{Path, PathBuf};

use ksym::dwarf::{IndexCache, ObjectKind, Symbolizer};
use symtab::addrmap::{self, AddrMap};
use symtab::name::Name;

fn kernel(rel: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ksym-kernels");
    std::fs::create_dir_all(&d).expect("cannot create the cache dir");
    common::unxz(rel, &d)
}

enum Question {
    Containing(u64),
    Size(usize),
    Named(String),
    LtoNamed(String),
}

/// One answer of the symbolizer, printable for a failure message.
fn answer(s: &Symbolizer, q: &Question) -> String {
    match q {
        Question::Containing(a) => format!(
            "{:?}",
            s.lookup_symbol(*a)
                .map(|(sym, off)| (sym.name.clone(), off))
        ),
        Question::Size(i) => format!("{:?}", s.kallsyms_size(*i)),
        Question::Named(n) => format!("{:?}", s.symbols_named(n)),
        Question::LtoNamed(n) => format!("{:?}", s.symbols_lto_named(n)),
    }
}

/// The same answer by the rules, from the model.
fn by_rule(s: &Symbolizer, map: &AddrMap, q: &Question) -> String {
    let model = s.symbols();
    match q {
        Question::Containing(a) => format!(
            "{:?}",
            map.containing(*a)
                .map(|e| (model[e.index].name.clone(), a - e.addr))
        ),
        Question::Size(i) => {
            let sym = &model[*i];
            let size = sym.section_index.and_then(|sec| {
                let from = sym.addr.saturating_add(sym.size.unwrap_or(0).max(1));
                let next = model
                    .iter()
                    .filter(|x| x.section_index == Some(sec) && !x.is_mapping_symbol())
                    .map(|x| x.addr)
                    .filter(|&a| a >= from)
                    .min();
                let end = next.or_else(|| {
                    let info = s.sections().iter().find(|x| x.index == sec)?;
                    let base = if s.kind() == ObjectKind::Relocatable {
                        0
                    } else {
                        info.addr
                    };
                    Some(base + info.size)
                })?;
                end.checked_sub(sym.addr).filter(|&n| n > 0)
            });
            format!("{size:?}")
        }
        Question::Named(n) => format!(
            "{:?}",
            (0..model.len())
                .filter(|&i| model[i].name == *n)
                .collect::<Vec<_>>()
        ),
        Question::LtoNamed(n) => format!(
            "{:?}",
            (0..model.len())
                .filter(|&i| Name::parse(&model[i].name)
                    .lookup_keys()
                    .iter()
                    .any(|k| k == n))
                .collect::<Vec<_>>()
        ),
    }
}

fn label(q: &Question) -> String {
    match q {
        Question::Containing(a) => format!("lookup_symbol({a:#x})"),
        Question::Size(i) => format!("kallsyms_size({i})"),
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
    let tmp = common::TempDir::new("symbol-index");
    let cache = IndexCache::Dir(tmp.path().to_path_buf());
    let symz = Symbolizer::open_with(obj, &cache).unwrap_or_else(|e| panic!("{e}"));
    let model = symz.symbols();
    let map = AddrMap::build(model, |x| {
        addrmap::indexable(x)
            .then(|| symz.symbol_address(x))
            .flatten()
    });
    // The index the symbolizer built from the raw table is the one built from the model.
    assert_eq!(
        symz.addrmap().entries(),
        map.entries(),
        "{}: address indexes differ",
        obj.display()
    );
    let qs = questions(&symz, n);
    let mut differ = Vec::new();
    for q in &qs {
        let (indexed, ruled) = (answer(&symz, q), by_rule(&symz, &map, q));
        if indexed != ruled {
            differ.push(format!("{}: index {indexed}, rule {ruled}", label(q)));
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
fn indexes_answer_as_the_rules_on_the_shared_kernels() {
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
fn indexes_answer_as_the_rules_on_the_fixtures() {
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
