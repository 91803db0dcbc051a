//! The grammar of kernel symbol names: a base name and the suffixes compilers and LTO add.
//!
//! LTO renames symbols, and the compilers add suffixes with or without LTO:
//!
//! ```text
//! name      = base suffix*
//! base      = [prefix] ( ".L." part | "." part | part )     prefix = "__kvm_nvhe_"
//! suffix    = ".llvm." hash          LlvmPromoted     Clang ThinLTO promotion (decimal)
//!           | ".lto_priv." N         LtoPriv          GCC LTO private rename
//!           | "." N                  Numeric          GCC static, Clang uniquing, full-LTO rename
//!           | ".constprop." N        Constprop        GCC IPA-CP clone
//!           | ".isra." N             Isra             GCC IPA-SRA clone
//!           | ".part." N             Part             GCC partial-inlining split
//!           | ".cold" ["." N]        Cold             GCC hot/cold split
//!           | ".localalias" ["." N]  Localalias       GCC local alias
//!           | ".__uniq." N           UniqueInternal   Clang -funique-internal-linkage-names
//!           | ".cfi" | ".cfi_jt"     Cfi, CfiJt       Clang CFI (before kCFI)
//!           | "." ident              PromotedStatic   Clang: a function-scope static, first only
//!           | "." anything           Unknown          the rest of the name, unparsed
//! ```
//!
//! A part is everything up to the next dot. Every name parses: the base and the suffix texts,
//! concatenated, give back the raw name. A plain `.N` is ambiguous: GCC names its
//! function-scope statics `__already_done.12`, Clang numbers colliding names in a module
//! (`.compoundliteral.12`, `tsc_adjust.1`), and Clang full LTO renames colliding locals
//! `foo.1`. The grammar says [`SuffixKind::Numeric`] and lets callers with evidence (the link
//! inputs, see [`Name::clean_with`]) decide.
//!
//! A [`Policy`] turns a raw name into the name a user or a kernel would use: `lto` drops only
//! what LTO alone adds, `llvm` and `first-dot` mirror the run-time rules of kernels
//! (`kernel/kallsyms.c`, `cleanup_symbol_name`), `none` keeps the raw name. See
//! `docs/names.md` for where each suffix comes from and what each kernel strips.
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// How to clean a raw symbol name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Policy {
    /// Drop only what LTO alone adds: `.llvm.<hash>` and `.lto_priv.N` (and, with evidence,
    /// a full-LTO `.N` rename). Clone and static suffixes stay.
    #[default]
    Lto,
    /// Cut at the first `.llvm.`, whatever follows: the run-time rule of Linux 6.5-6.10 and
    /// of 6.1.y stable (`strstr(s, ".llvm.")` in `cleanup_symbol_name`).
    Llvm,
    /// Cut at the first dot, even a leading one (which leaves an empty name): the run-time
    /// rule of Linux 5.16-6.4 (`strchr(s, '.')` in `cleanup_symbol_name`).
    FirstDot,
    /// Keep the raw name.
    None,
}

impl FromStr for Policy {
    type Err = String;
    fn from_str(s: &str) -> Result<Policy, String> {
        match s {
            "lto" => Ok(Policy::Lto),
            "llvm" => Ok(Policy::Llvm),
            "first-dot" => Ok(Policy::FirstDot),
            "none" => Ok(Policy::None),
            _ => Err(format!(
                "unknown cleaning policy {s:?} (expected lto, llvm, first-dot or none)"
            )),
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Policy::Lto => "lto",
            Policy::Llvm => "llvm",
            Policy::FirstDot => "first-dot",
            Policy::None => "none",
        })
    }
}

impl Policy {
    /// Every policy, in the order the documentation lists them.
    pub const ALL: [Policy; 4] = [Policy::Lto, Policy::Llvm, Policy::FirstDot, Policy::None];
}

/// The kind of one suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SuffixKind {
    /// `.llvm.<hash>`: a local symbol promoted to global by Clang ThinLTO.
    LlvmPromoted,
    /// `.lto_priv.N`: a local symbol made unique by GCC LTO.
    LtoPriv,
    /// `.N`: ambiguous. A GCC function-scope static (`__already_done.12`), a Clang in-module
    /// rename (`.compoundliteral.12`, `.str.1`) or a Clang full-LTO rename (`foo.1`).
    Numeric,
    /// `.constprop.N`: a GCC clone specialized for constant arguments.
    Constprop,
    /// `.isra.N`: a GCC clone with scalar-replaced arguments.
    Isra,
    /// `.part.N`: the outlined rest of a GCC partially inlined function.
    Part,
    /// `.cold` or `.cold.N`: the cold part GCC split from a function.
    Cold,
    /// `.localalias`: GCC's local alias of a global function.
    Localalias,
    /// `.__uniq.<digits>`: Clang's `-funique-internal-linkage-names`.
    UniqueInternal,
    /// `.<ident>` right after the base: a function-scope static as Clang names it,
    /// `<function>.<static>` (`bpf_verifier_vlog.__already_done`).
    PromotedStatic,
    /// `.cfi`: the body of a function under Clang CFI (before kCFI, Linux 5.13-6.0).
    Cfi,
    /// `.cfi_jt`: a Clang CFI jump-table entry.
    CfiJt,
    /// Anything else, to the end of the name.
    Unknown,
}

impl SuffixKind {
    /// A short stable name for output: `llvm`, `lto_priv`, `numeric`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            SuffixKind::LlvmPromoted => "llvm",
            SuffixKind::LtoPriv => "lto_priv",
            SuffixKind::Numeric => "numeric",
            SuffixKind::Constprop => "constprop",
            SuffixKind::Isra => "isra",
            SuffixKind::Part => "part",
            SuffixKind::Cold => "cold",
            SuffixKind::Localalias => "localalias",
            SuffixKind::UniqueInternal => "uniq",
            SuffixKind::PromotedStatic => "static",
            SuffixKind::Cfi => "cfi",
            SuffixKind::CfiJt => "cfi_jt",
            SuffixKind::Unknown => "unknown",
        }
    }

    /// True for suffixes that only LTO adds, which [`Policy::Lto`] drops.
    pub fn is_lto_only(self) -> bool {
        matches!(self, SuffixKind::LlvmPromoted | SuffixKind::LtoPriv)
    }
}

impl fmt::Display for SuffixKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One suffix: its kind and its text, leading dot included (`.isra.56`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Suffix<'a> {
    /// What the suffix is.
    pub kind: SuffixKind,
    /// The suffix as it appears in the raw name, leading dot included.
    pub text: &'a str,
}

impl Suffix<'_> {
    /// The number the suffix ends with (`.isra.56` gives 56, `.llvm.8142` 8142), if any
    /// and if it fits in a u64.
    pub fn number(&self) -> Option<u64> {
        let last = self.text.rsplit('.').next()?;
        if is_digits(last) {
            last.parse().ok()
        } else {
            None
        }
    }
}

/// A parsed symbol name.
///
/// `Display` writes the name cleaned under [`Policy::Lto`]; the alternate form (`{:#}`)
/// writes the raw name, as rustc-demangle does.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name<'a> {
    /// The name as stored.
    pub raw: &'a str,
    /// The name without suffixes; a leading-dot name keeps its first part (`.str`, `.L.str`).
    pub base: &'a str,
    /// The suffixes, in order.
    pub suffixes: Vec<Suffix<'a>>,
}

/// The prefix arm64 KVM puts on every symbol of its nVHE hypervisor objects.
const KVM_NVHE_PREFIX: &str = "__kvm_nvhe_";

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// LLVM writes the module hash in decimal; kernels' comments say `[0-9a-f]+`, so take both.
fn is_hash(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn is_ident(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Where the base of `raw` ends.
fn base_end(raw: &str) -> usize {
    let prefix = if raw.starts_with(KVM_NVHE_PREFIX) {
        KVM_NVHE_PREFIX.len()
    } else {
        0
    };
    let s = &raw[prefix..];
    let skip = if s.starts_with(".L.") {
        3
    } else if s.starts_with('.') {
        1
    } else {
        0
    };
    prefix + s[skip..].find('.').map_or(s.len(), |i| skip + i)
}

/// Classify the suffix at the start of `rest` (the text after a dot). Returns the kind and
/// the length of its text after the dot.
fn classify(rest: &str, first: bool) -> (SuffixKind, usize) {
    let mut parts = rest.splitn(3, '.');
    let p1 = parts.next().unwrap_or("");
    let p2 = parts.next();
    let with_number = |kind| match p2 {
        Some(n) if is_digits(n) => Some((kind, p1.len() + 1 + n.len())),
        _ => None,
    };
    let found = match p1 {
        "llvm" => match p2 {
            Some(h) if is_hash(h) => Some((SuffixKind::LlvmPromoted, p1.len() + 1 + h.len())),
            _ => None,
        },
        "lto_priv" => with_number(SuffixKind::LtoPriv),
        "constprop" => with_number(SuffixKind::Constprop),
        "isra" => with_number(SuffixKind::Isra),
        "part" => with_number(SuffixKind::Part),
        "__uniq" => with_number(SuffixKind::UniqueInternal),
        "cold" => with_number(SuffixKind::Cold).or(Some((SuffixKind::Cold, p1.len()))),
        "localalias" => {
            with_number(SuffixKind::Localalias).or(Some((SuffixKind::Localalias, p1.len())))
        }
        "cfi" => Some((SuffixKind::Cfi, p1.len())),
        "cfi_jt" => Some((SuffixKind::CfiJt, p1.len())),
        _ if is_digits(p1) => Some((SuffixKind::Numeric, p1.len())),
        _ if first && is_ident(p1) => Some((SuffixKind::PromotedStatic, p1.len())),
        _ => None,
    };
    found.unwrap_or((SuffixKind::Unknown, rest.len()))
}

impl<'a> Name<'a> {
    /// Parse a raw symbol name. Never fails: what the grammar does not know becomes an
    /// [`SuffixKind::Unknown`] suffix running to the end of the name.
    pub fn parse(raw: &'a str) -> Name<'a> {
        let mut pos = base_end(raw);
        let base = &raw[..pos];
        let mut suffixes = Vec::new();
        while pos < raw.len() {
            // raw[pos] is a dot: base_end and classify stop only before a dot or at the end.
            let (kind, len) = classify(&raw[pos + 1..], suffixes.is_empty());
            let end = pos + 1 + len;
            suffixes.push(Suffix {
                kind,
                text: &raw[pos..end],
            });
            pos = end;
        }
        Name {
            raw,
            base,
            suffixes,
        }
    }

    /// True if any suffix is of `kind`.
    pub fn has(&self, kind: SuffixKind) -> bool {
        self.suffixes.iter().any(|s| s.kind == kind)
    }

    /// The name cleaned under `policy`, with no evidence about the link inputs: a
    /// [`SuffixKind::Numeric`] suffix is kept.
    pub fn clean(&self, policy: Policy) -> Cow<'a, str> {
        self.clean_with(policy, |_| false)
    }

    /// The name cleaned under `policy`, where `in_inputs(name)` tells whether a symbol of
    /// that exact name exists in the link inputs (the objects before LTO).
    ///
    /// Under [`Policy::Lto`], a trailing [`SuffixKind::Numeric`] suffix (after the LTO-only
    /// suffixes are dropped) is a full-LTO rename, and dropped, when the suffixed name is
    /// absent from the inputs but the name without it is present. Other policies are fixed
    /// kernel rules and ignore `in_inputs`.
    pub fn clean_with(
        &self,
        policy: Policy,
        mut in_inputs: impl FnMut(&str) -> bool,
    ) -> Cow<'a, str> {
        match policy {
            Policy::None => Cow::Borrowed(self.raw),
            Policy::Llvm | Policy::FirstDot => clean(self.raw, policy),
            Policy::Lto => {
                let kept: Vec<&Suffix<'a>> = self
                    .suffixes
                    .iter()
                    .filter(|s| !s.kind.is_lto_only())
                    .collect();
                let mut name = self.join(&kept);
                if let Some(last) = kept.last().filter(|s| s.kind == SuffixKind::Numeric) {
                    let without_len = name.len() - last.text.len();
                    if !in_inputs(&name) && in_inputs(&name[..without_len]) {
                        match &mut name {
                            Cow::Borrowed(s) => *s = &s[..without_len],
                            Cow::Owned(s) => s.truncate(without_len),
                        }
                    }
                }
                name
            }
        }
    }

    /// The other names a stack trace or a user may give for this symbol once the
    /// compiler's LTO renaming is lost: the name under [`Policy::Lto`] and under
    /// [`Policy::Llvm`] (what 6.1-6.10 Clang-LTO kernels print), and, when the last
    /// suffix left is [`SuffixKind::Numeric`] (possibly a full-LTO rename), the name
    /// without it. Distinct, raw name excluded, never empty strings.
    ///
    /// These keys are ambiguous by nature (`foo.1` may be a real GCC static): callers
    /// match the exact name first and narrow these candidates by size.
    pub fn lookup_keys(&self) -> Vec<Cow<'a, str>> {
        let mut keys: Vec<Cow<'a, str>> = Vec::new();
        let lto = self.clean(Policy::Lto);
        let renamed = self
            .suffixes
            .iter()
            .rev()
            .find(|s| !s.kind.is_lto_only())
            .filter(|s| s.kind == SuffixKind::Numeric)
            .map(|s| match &lto {
                Cow::Borrowed(b) => Cow::Borrowed(&b[..b.len() - s.text.len()]),
                Cow::Owned(o) => Cow::Owned(o[..o.len() - s.text.len()].to_string()),
            });
        for key in [Some(lto.clone()), Some(self.clean(Policy::Llvm)), renamed]
            .into_iter()
            .flatten()
        {
            if !key.is_empty() && key != self.raw && !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    }

    /// The base followed by `kept`, borrowed from the raw name when `kept` is a prefix of
    /// the suffixes (the usual case: LTO suffixes come last).
    fn join(&self, kept: &[&Suffix<'a>]) -> Cow<'a, str> {
        let contiguous = kept
            .iter()
            .zip(&self.suffixes)
            .all(|(k, s)| std::ptr::eq(*k, s));
        if contiguous {
            let len = self.base.len() + kept.iter().map(|s| s.text.len()).sum::<usize>();
            Cow::Borrowed(&self.raw[..len])
        } else {
            let mut s = String::with_capacity(self.raw.len());
            s.push_str(self.base);
            for k in kept {
                s.push_str(k.text);
            }
            Cow::Owned(s)
        }
    }
}

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            f.write_str(self.raw)
        } else {
            f.write_str(&self.clean(Policy::Lto))
        }
    }
}

/// Clean `raw` under `policy` (see [`Policy`]), with no evidence about the link inputs.
pub fn clean(raw: &str, policy: Policy) -> Cow<'_, str> {
    match policy {
        Policy::None => Cow::Borrowed(raw),
        Policy::FirstDot => Cow::Borrowed(raw.find('.').map_or(raw, |i| &raw[..i])),
        Policy::Llvm => Cow::Borrowed(raw.find(".llvm.").map_or(raw, |i| &raw[..i])),
        Policy::Lto => Name::parse(raw).clean(Policy::Lto),
    }
}
