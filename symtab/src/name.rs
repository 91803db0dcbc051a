//! Placeholder: the LTO name grammar (replaced by the full implementation).
#![allow(missing_docs)]
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Policy {
    #[default]
    Lto,
    Llvm,
    FirstDot,
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

pub fn clean(raw: &str, policy: Policy) -> Cow<'_, str> {
    match policy {
        Policy::None => Cow::Borrowed(raw),
        Policy::FirstDot => Cow::Borrowed(raw.split('.').next().unwrap_or(raw)),
        Policy::Llvm | Policy::Lto => match raw.find(".llvm.") {
            Some(i) => Cow::Borrowed(&raw[..i]),
            None => Cow::Borrowed(raw),
        },
    }
}
