//! Shared output helpers: JSON Lines records and hex formatting.
//!
//! Every `--json` output is JSON Lines: one `{"type": ..., "data": {...}}` object a line,
//! built from serialize-only structs. Addresses are strings of `0x`-prefixed hex so that
//! 64-bit kernel addresses survive JSON readers that use doubles.

use std::io::{self, Write};

use serde::Serialize;

/// One JSON Lines record.
#[derive(Serialize)]
pub struct Record<'a, T: Serialize> {
    /// What `data` is (`"symbol"`, `"collision"`, `"frame"`, ...).
    #[serde(rename = "type")]
    pub kind: &'a str,
    /// The record itself.
    pub data: T,
}

/// Write one JSON Lines record of type `kind`.
pub fn write_record<T: Serialize>(out: &mut dyn Write, kind: &str, data: T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &Record { kind, data })?;
    out.write_all(b"\n")
}

/// `0x`-prefixed lowercase hex, as JSON output writes addresses and sizes.
pub fn hex(v: u64) -> String {
    format!("{v:#x}")
}
