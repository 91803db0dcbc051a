//! The name order of `kallsyms_seqs_of_names`: which rule a table follows.
//!
//! Kernels sort the index by name, ties by address then position, but the name they
//! compare changed: the full name (no LTO, and every kernel from 6.11), the name cut at
//! `.llvm.` (Clang LTO, 6.2-6.10 and Debian's 6.1.y), or the name cut at its first `.`
//! (Clang LTO, mainline 6.0-6.1).

use std::cmp::Ordering;

use super::Entry;

/// A sort rule of `kallsyms_seqs_of_names`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameOrder {
    /// Full names.
    Full,
    /// Names cut at `.llvm.`.
    Llvm,
    /// Names cut at the first `.`.
    FirstDot,
}

impl NameOrder {
    /// The part of `name` this rule compares.
    pub fn key(self, name: &[u8]) -> &[u8] {
        let cut = match self {
            NameOrder::Full => None,
            NameOrder::Llvm => name.windows(6).position(|w| w == b".llvm."),
            NameOrder::FirstDot => name.iter().position(|&c| c == b'.'),
        };
        &name[..cut.unwrap_or(name.len())]
    }

    /// The rule's name as JSON output writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            NameOrder::Full => "full",
            NameOrder::Llvm => "llvm",
            NameOrder::FirstDot => "first-dot",
        }
    }

    /// Compare entries `a` and `b` (table positions) the way the kernel's sort does.
    pub fn cmp(self, entries: &[Entry], a: usize, b: usize) -> Ordering {
        let (x, y) = (&entries[a], &entries[b]);
        self.key(&x.name)
            .cmp(self.key(&y.name))
            .then(x.addr.cmp(&y.addr))
            .then(a.cmp(&b))
    }
}

/// The first rule (full, llvm, first-dot) under which `seqs` lists every entry once, in
/// order (ties by address, then position; failing that, for any rule, by names alone);
/// `None` if it is not such a permutation.
pub fn name_order(entries: &[Entry], seqs: &[usize]) -> Option<NameOrder> {
    if seqs.len() != entries.len() {
        return None;
    }
    let mut seen = vec![false; entries.len()];
    for &s in seqs {
        if *seen.get(s)? {
            return None;
        }
        seen[s] = true;
    }
    const RULES: [NameOrder; 3] = [NameOrder::Full, NameOrder::Llvm, NameOrder::FirstDot];
    RULES
        .into_iter()
        .find(|rule| {
            seqs.windows(2)
                .all(|w| rule.cmp(entries, w[0], w[1]) == Ordering::Less)
        })
        .or_else(|| {
            // Equal names in another order: the addresses may be relative to an unknown
            // `_text` (an object file), which can reorder them across `_text`.
            RULES.into_iter().find(|rule| {
                seqs.windows(2)
                    .all(|w| rule.key(&entries[w[0]].name) <= rule.key(&entries[w[1]].name))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(addr: u64, name: &str) -> Entry {
        Entry {
            addr,
            kind: b't',
            name: name.as_bytes().to_vec(),
        }
    }

    #[test]
    fn rules() {
        let v = [e(1, "b"), e(2, "a.llvm.9"), e(3, "a_x")];
        // Full: "a.llvm.9" < "a_x" < "b"; llvm: "a" < "a_x" < "b" as well.
        assert_eq!(name_order(&v, &[1, 2, 0]), Some(NameOrder::Full));
        let w = [e(1, "a.llvm.9"), e(2, "a"), e(3, "a_")];
        // Full order would put "a" first; cut at .llvm. the tie goes by address.
        assert_eq!(name_order(&w, &[0, 1, 2]), Some(NameOrder::Llvm));
        assert_eq!(name_order(&w, &[1, 0, 2]), Some(NameOrder::Full));
        assert_eq!(name_order(&w, &[0, 0, 2]), None);
        assert_eq!(name_order(&w, &[0, 1]), None);
        assert_eq!(name_order(&w, &[2, 1, 0]), None);
        // Equal names out of address order: accepted by name alone.
        let z = [e(2, "a"), e(1, "a"), e(3, "b")];
        assert_eq!(name_order(&z, &[0, 1, 2]), Some(NameOrder::Full));
        assert_eq!(name_order(&z, &[2, 1, 0]), None);
    }
}
