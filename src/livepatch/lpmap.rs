//! Matching the functions and objects of two builds of one kernel (or module), even when
//! LTO renamed them differently.
//!
//! ThinLTO promotes a static `foo` to `foo.llvm.<hash>`, where the hash is that of the
//! defining module: change one line of a file and every promoted name of that file
//! changes. Rules, tried in this order, each only among symbols still unmatched, each
//! only between symbols of the same class (function or object):
//!
//! 1. `name`: the same full name, once in each build.
//! 2. `file+base`: the same source file and the same base name (the name without LTO
//!    suffixes, `symtab::name::clean` with `Policy::Lto`), once in each build. The source
//!    file is the DWARF unit covering a function, else `STT_FILE`.
//! 3. `hash`: all promoted symbols of one file share one hash, so every matched pair
//!    `x.llvm.H1` / `y.llvm.H2` says "H1 became H2": an unmatched `z.llvm.H1` matches
//!    `z.llvm.H2`. Hashes seen mapping to two different hashes seed nothing.
//! 4. `position`: what is left of one base name (and file, where known) is matched in
//!    kallsyms order when both builds have as many.
//!
//! What remains is `ambiguous` (both builds have some, in different numbers) or unmatched
//! (`removed`: only in OLD; `added`: only in NEW).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use symtab::name::{clean, Policy};
use symtab::{SymKind, Symbol};

use super::image::Image;
use super::{Error, ErrorKind};

/// How a pair was matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, PartialOrd, Ord)]
pub enum Rule {
    /// Same full name.
    #[serde(rename = "name")]
    Name,
    /// Same source file and base name.
    #[serde(rename = "file+base")]
    FileBase,
    /// Seeded by the `.llvm.` hash pair of another match.
    #[serde(rename = "hash")]
    Hash,
    /// Same position among the remaining same-named symbols.
    #[serde(rename = "position")]
    Position,
}

impl Rule {
    /// The rule's name in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Name => "name",
            Rule::FileBase => "file+base",
            Rule::Hash => "hash",
            Rule::Position => "position",
        }
    }
}

/// A symbol taking part in the matching.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// Full name.
    pub name: String,
    /// Name without LTO suffixes.
    pub base: String,
    /// `func` or `object`.
    pub class: &'static str,
    /// Address as output shows it.
    pub addr: String,
    /// Size (`0x` hex), where known.
    pub size: Option<String>,
    /// Source file, where known.
    pub file: Option<String>,
    #[serde(skip)]
    hash: Option<String>,
    #[serde(skip)]
    raw_size: Option<u64>,
}

/// One matched pair.
#[derive(Debug, Serialize)]
pub struct Pair {
    /// The rule that matched it.
    pub rule: Rule,
    /// The symbol in OLD.
    pub old: Entry,
    /// The symbol in NEW.
    pub new: Entry,
    /// True when both sizes are known and differ.
    pub size_changed: bool,
}

/// A base name both builds have, in numbers no rule could pair.
#[derive(Debug, Serialize)]
pub struct Ambiguous {
    /// The base name.
    pub base: String,
    /// The source file, where known.
    pub file: Option<String>,
    /// The unmatched symbols of OLD.
    pub old: Vec<Entry>,
    /// The unmatched symbols of NEW.
    pub new: Vec<Entry>,
}

/// The whole result.
#[derive(Debug, Default)]
pub struct Mapping {
    /// Matched pairs, in OLD's kallsyms order.
    pub pairs: Vec<Pair>,
    /// Symbols only in OLD.
    pub removed: Vec<Entry>,
    /// Symbols only in NEW.
    pub added: Vec<Entry>,
    /// Unresolved groups.
    pub ambiguous: Vec<Ambiguous>,
}

fn class(s: &Symbol) -> Option<&'static str> {
    if s.is_mapping_symbol() || s.name.is_empty() {
        return None;
    }
    if matches!(s.letter, 'U' | 'u' | 'w' | 'v' | 'a' | 'A' | 'N' | 'n') {
        return None;
    }
    match s.kind {
        SymKind::Func | SymKind::Ifunc => Some("func"),
        SymKind::Object | SymKind::Tls => Some("object"),
        SymKind::NoType if s.is_text() => Some("func"),
        // Labels in data sections (linker-script and assembly symbols), as maps show them.
        SymKind::NoType if matches!(s.letter.to_ascii_lowercase(), 'd' | 'b' | 'r' | 'g' | 's') => {
            Some("object")
        }
        _ => None,
    }
}

/// The symbols of `image` that take part, in kallsyms (address) order, and a warning
/// when its DWARF is broken (files then come from `STT_FILE` only).
pub fn entries(image: &Image) -> (Vec<Entry>, Option<String>) {
    let warning = image.dwarf_warning();
    let mut syms: Vec<(&Symbol, &'static str)> = image
        .table
        .symbols
        .iter()
        .filter_map(|s| Some((s, class(s)?)))
        .collect();
    syms.sort_by_key(|(s, _)| s.addr);
    let entries = syms
        .into_iter()
        .map(|(s, class)| {
            let base = clean(&s.name, Policy::Lto).into_owned();
            let hash = s
                .name
                .find(".llvm.")
                .map(|i| s.name[i + 6..].split('.').next().unwrap_or("").to_string());
            // The linker writes LTO-promoted symbols after the last STT_FILE: their
            // STT_FILE is not theirs. The covering unit is, for code.
            let unit = (class == "func").then(|| image.unit_file(s.addr)).flatten();
            let file = unit.or_else(|| {
                s.file
                    .as_deref()
                    .map(str::to_string)
                    .filter(|_| hash.is_none())
            });
            Entry {
                name: s.name.clone(),
                base,
                class,
                addr: image.display_addr(s),
                size: s.size.map(crate::output::hex),
                file,
                hash,
                raw_size: s.size,
            }
        })
        .collect();
    (entries, warning)
}

/// Match OLD's entries to NEW's.
pub fn map(old: &[Entry], new: &[Entry]) -> Mapping {
    let mut mo: Vec<Option<(usize, Rule)>> = vec![None; old.len()];
    let mut mn: Vec<bool> = vec![false; new.len()];
    fn link(mo: &mut [Option<(usize, Rule)>], mn: &mut [bool], i: usize, j: usize, r: Rule) {
        mo[i] = Some((j, r));
        mn[j] = true;
    }

    // Unique-key matching among unmatched symbols.
    fn groups<'a, K: Ord>(
        es: &'a [Entry],
        free: impl Fn(usize) -> bool,
        key: impl Fn(&'a Entry) -> Option<K>,
    ) -> BTreeMap<K, Vec<usize>> {
        let mut g: BTreeMap<K, Vec<usize>> = BTreeMap::new();
        for (i, e) in es.iter().enumerate() {
            if free(i) {
                if let Some(k) = key(e) {
                    g.entry(k).or_default().push(i);
                }
            }
        }
        g
    }

    // 1. name
    let go = groups(old, |_| true, |e| Some((e.class, e.name.as_str())));
    let gn = groups(new, |_| true, |e| Some((e.class, e.name.as_str())));
    for (k, o) in &go {
        if let (1, Some(n)) = (o.len(), gn.get(k)) {
            if n.len() == 1 {
                link(&mut mo, &mut mn, o[0], n[0], Rule::Name);
            }
        }
    }
    // 2. file+base
    let key = |e: &Entry| Some((e.class, e.file.clone()?, e.base.clone()));
    let go = groups(old, |i| mo[i].is_none(), key);
    let taken = mn.clone();
    let gn = groups(new, |j| !taken[j], key);
    for (k, o) in &go {
        if let (1, Some(n)) = (o.len(), gn.get(k)) {
            if n.len() == 1 {
                link(&mut mo, &mut mn, o[0], n[0], Rule::FileBase);
            }
        }
    }
    // 3. hash
    let mut seeds: HashMap<&str, Option<&str>> = HashMap::new();
    for (i, m) in mo.iter().enumerate() {
        if let (Some((j, _)), Some(h1)) = (m, old[i].hash.as_deref()) {
            if let Some(h2) = new[*j].hash.as_deref() {
                let e = seeds.entry(h1).or_insert(Some(h2));
                if *e != Some(h2) {
                    *e = None;
                }
            }
        }
    }
    let by_name: HashMap<(&str, &str), Vec<usize>> = {
        let mut m: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (j, e) in new.iter().enumerate() {
            m.entry((e.class, e.name.as_str())).or_default().push(j);
        }
        m
    };
    for i in 0..old.len() {
        if mo[i].is_some() {
            continue;
        }
        let e = &old[i];
        let Some(Some(h2)) = e.hash.as_deref().and_then(|h| seeds.get(h)) else {
            continue;
        };
        let Some(at) = e.name.find(".llvm.") else {
            continue;
        };
        let rest = &e.name[at + 6 + e.hash.as_deref().map_or(0, str::len)..];
        let want = format!("{}.llvm.{h2}{rest}", &e.name[..at]);
        if let Some(c) = by_name.get(&(e.class, want.as_str())) {
            if let [j] = c[..] {
                if !mn[j] {
                    link(&mut mo, &mut mn, i, j, Rule::Hash);
                }
            }
        }
    }
    // 4. position: by base name and file, then by base name alone (one build may lack
    // file information, e.g. a System.map against a vmlinux).
    let mut result = Mapping::default();
    for with_file in [true, false] {
        let key = |e: &Entry| {
            Some((
                e.class,
                e.base.clone(),
                e.file.clone().filter(|_| with_file),
            ))
        };
        let go = groups(old, |i| mo[i].is_none(), key);
        let taken = mn.clone();
        let gn = groups(new, |j| !taken[j], key);
        for (k, o) in &go {
            match gn.get(k) {
                Some(n) if n.len() == o.len() => {
                    for (&i, &j) in o.iter().zip(n) {
                        link(&mut mo, &mut mn, i, j, Rule::Position);
                    }
                }
                Some(n) if !with_file => result.ambiguous.push(Ambiguous {
                    base: k.1.clone(),
                    file: k.2.clone(),
                    old: o.iter().map(|&i| old[i].clone()).collect(),
                    new: n.iter().map(|&j| new[j].clone()).collect(),
                }),
                _ => {}
            }
        }
    }
    let in_ambiguous: std::collections::HashSet<(&str, &str)> = result
        .ambiguous
        .iter()
        .flat_map(|a| a.old.iter().chain(&a.new))
        .map(|e| (e.class, e.addr.as_str()))
        .collect();
    for (i, m) in mo.iter().enumerate() {
        match m {
            Some((j, rule)) => {
                let (o, n) = (&old[i], &new[*j]);
                let size_changed = matches!((o.raw_size, n.raw_size), (Some(a), Some(b)) if a != b);
                result.pairs.push(Pair {
                    rule: *rule,
                    old: o.clone(),
                    new: n.clone(),
                    size_changed,
                });
            }
            None if !in_ambiguous.contains(&(old[i].class, old[i].addr.as_str())) => {
                result.removed.push(old[i].clone())
            }
            None => {}
        }
    }
    for (j, e) in new.iter().enumerate() {
        if !mn[j] && !in_ambiguous.contains(&(e.class, e.addr.as_str())) {
            result.added.push(e.clone());
        }
    }
    result
}

/// Check that two images can be compared: same machine where both say.
pub fn check_compatible(old: &Image, new: &Image) -> Result<(), Error> {
    if let (Some(a), Some(b)) = (old.arch(), new.arch()) {
        if a != b {
            return Err(Error::new(
                ErrorKind::Mismatch,
                format!(
                    "{} is {a} but {} is {b}: lp-map compares two builds for one machine",
                    old.path.display(),
                    new.path.display()
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(name: &str, file: Option<&str>, class: &'static str, addr: u64) -> Entry {
        Entry {
            name: name.into(),
            base: clean(name, Policy::Lto).into_owned(),
            class,
            addr: format!("{addr:#x}"),
            size: None,
            file: file.map(String::from),
            hash: name.find(".llvm.").map(|i| name[i + 6..].to_string()),
            raw_size: None,
        }
    }

    #[test]
    fn rules_in_order() {
        let old = [
            e("a", None, "func", 1),
            e("f.llvm.1", Some("x.c"), "func", 2),
            e("g.llvm.1", None, "object", 3),
            e("d", Some("y.c"), "func", 4),
            e("d", Some("y.c"), "func", 5),
            e("gone", None, "func", 6),
            e("amb", None, "func", 7),
        ];
        let new = [
            e("a", None, "func", 1),
            e("f.llvm.2", Some("x.c"), "func", 2),
            e("g.llvm.2", None, "object", 3),
            e("d", Some("y.c"), "func", 4),
            e("d", Some("y.c"), "func", 5),
            e("amb", None, "func", 7),
            e("amb", None, "func", 8),
            e("new", None, "func", 9),
        ];
        let m = map(&old, &new);
        let rules: Vec<(&str, &str, Rule)> = m
            .pairs
            .iter()
            .map(|p| (p.old.name.as_str(), p.new.name.as_str(), p.rule))
            .collect();
        assert_eq!(
            rules,
            [
                ("a", "a", Rule::Name),
                ("f.llvm.1", "f.llvm.2", Rule::FileBase),
                ("g.llvm.1", "g.llvm.2", Rule::Hash),
                ("d", "d", Rule::Position),
                ("d", "d", Rule::Position),
            ]
        );
        assert_eq!(m.removed.len(), 1);
        assert_eq!(m.removed[0].name, "gone");
        assert_eq!(m.added.len(), 1);
        assert_eq!(m.added[0].name, "new");
        assert_eq!(m.ambiguous.len(), 1);
        assert_eq!((m.ambiguous[0].old.len(), m.ambiguous[0].new.len()), (1, 2));
    }
}
