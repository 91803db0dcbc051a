//! The one shape of the library's errors: a kind to match on and a message to print.
//!
//! Each engine and task module names its own kinds (`dwarf::ErrorKind`,
//! `oops::decode::ErrorKind`, ...) and has one error type, `Error<ItsKind>` under the
//! name `Error`. Callers decide by [`Error::kind`], never by the message: the message is
//! for people (lowercase, naming the file or structure at fault, as `symtab::Error`'s).
//!
//! An error made [`Error::with_source`] keeps its cause as its
//! [`std::error::Error::source`], not in its message, as `anyhow`'s context does: the
//! binary prints the whole chain (`ksym: {error:#}`) and finds a broken pipe in it.

use std::fmt;
use std::sync::Arc;

/// `impl From<$from> for $to` between two kind enums that both have `Io`,
/// `UnknownFormat`, `Unsupported` and `NotFound`: those map to their namesakes, every
/// other kind to `Malformed`; and so `From<Error<$from>> for Error<$to>`, the message
/// kept.
macro_rules! common_kinds {
    ($from:ty => $to:ty) => {
        impl From<$from> for $to {
            fn from(kind: $from) -> $to {
                type From = $from;
                match kind {
                    From::Io => Self::Io,
                    From::UnknownFormat => Self::UnknownFormat,
                    From::Unsupported => Self::Unsupported,
                    From::NotFound => Self::NotFound,
                    _ => Self::Malformed,
                }
            }
        }

        impl From<$crate::error::Error<$from>> for $crate::error::Error<$to> {
            fn from(e: $crate::error::Error<$from>) -> Self {
                e.convert(<$to>::from)
            }
        }
    };
}
pub(crate) use common_kinds;

/// A module's `ErrorKind` (the kinds of `symtab::ErrorKind`, `NotFound`, and the kinds
/// listed) and its `Error`, with `From<symtab::Error>`.
macro_rules! error_type {
    (
        $(#[$kind_doc:meta])*
        kinds { $($(#[$variant_doc:meta])* $variant:ident,)* }
        $(#[$error_doc:meta])*
    ) => {
        $(#[$kind_doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum ErrorKind {
            /// A file could not be opened or read, or the system refused.
            Io,
            /// A file is in no format read here.
            UnknownFormat,
            /// An input (a file, a value given) is malformed or truncated.
            Malformed,
            /// Well formed, but beyond what is read here (a machine, a relocation type,
            /// a compression, a limit).
            Unsupported,
            /// What was asked for is not there.
            NotFound,
            $($(#[$variant_doc])* $variant,)*
        }

        $crate::error::common_kinds!(symtab::ErrorKind => ErrorKind);

        $(#[$error_doc])*
        pub type Error = $crate::error::Error<ErrorKind>;
    };
}
pub(crate) use error_type;

/// An error of kind `K` with the one-line message printed for it.
#[derive(Clone)]
pub struct Error<K> {
    kind: K,
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl<K: Copy> Error<K> {
    /// A new error of `kind` with `message`.
    pub fn new(kind: K, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// A new error of `kind` with `message`, caused by `source` (printed after it by
    /// those who print the chain).
    pub fn with_source(
        kind: K,
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error {
            kind,
            message: message.into(),
            source: Some(Arc::new(source)),
        }
    }

    /// The class of this error.
    pub fn kind(&self) -> K {
        self.kind
    }

    /// The message, as printed.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error with `prefix: ` in front of its message (used to name the file).
    pub fn prefixed(self, prefix: impl fmt::Display) -> Self {
        self.map_message(|m| format!("{prefix}: {m}"))
    }

    /// The same kind with the message rewritten by `f`.
    pub fn map_message(mut self, f: impl FnOnce(String) -> String) -> Self {
        self.message = f(self.message);
        self
    }

    /// The same message under another module's kinds (`convert` maps the kind).
    pub fn convert<L: Copy>(self, convert: impl FnOnce(K) -> L) -> Error<L> {
        Error {
            kind: convert(self.kind),
            message: self.message,
            source: self.source,
        }
    }
}

/// A `symtab` error under a module's kinds, its message kept.
impl<K: Copy + From<symtab::ErrorKind>> From<symtab::Error> for Error<K> {
    fn from(e: symtab::Error) -> Self {
        Error::new(e.kind().into(), e.to_string())
    }
}

/// Equal kinds and messages (the sources are not compared).
impl<K: PartialEq> PartialEq for Error<K> {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message == other.message
    }
}

impl<K: Eq> Eq for Error<K> {}

impl<K> fmt::Display for Error<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl<K: fmt::Debug> fmt::Debug for Error<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({:?}, {})", self.kind, self.message)
    }
}

impl<K: fmt::Debug> std::error::Error for Error<K> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// `error` and its causes, each after a `: ` (as `anyhow` prints `{:#}`).
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut next = error.source();
    while let Some(e) = next {
        out.push_str(": ");
        out.push_str(&e.to_string());
        next = e.source();
    }
    out
}
