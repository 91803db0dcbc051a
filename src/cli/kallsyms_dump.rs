//! `ksym kallsyms-dump`: print the kallsyms table of a kernel as `/proc/kallsyms` does.
//!
//! Reads a `vmlinux` (any layout from 6.1 to 7.0, chosen from the `Linux version`
//! string and the table itself), the object file assembled from `ksym kallsyms` or
//! `scripts/kallsyms` output, where addresses are relative to `_text` unless
//! `--text-base` gives its value, or, without symbols, a stripped `vmlinux` or a raw
//! 64-bit image, where the table is located by its structure.

use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Serialize;
use symtab::kallsyms::decode::{dump, DumpOptions};
use symtab::kallsyms::Layout;

use super::{Out, Status};
use ksym::output::{hex, write_record};

/// Print the compiled kallsyms table of a vmlinux or object file (ADDRESS TYPE NAME).
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Decode with this layout (6.1, 6.4, 6.11, 6.15, 7.0) instead of the detected one.
    #[arg(long, value_name = "VERSION")]
    layout: Option<Layout>,
    /// The value of `_text` for object files, where the table is relative to it.
    #[arg(long, value_name = "ADDR", value_parser = parse_hex)]
    text_base: Option<u64>,
    /// Write JSON Lines: one "table" record, then one "symbol" record per entry.
    #[arg(long)]
    json: bool,
    /// A vmlinux (possibly stripped), an object assembled from generated kallsyms source,
    /// or a raw uncompressed 64-bit kernel image.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

fn parse_hex(s: &str) -> Result<u64, String> {
    let t = s.trim_start_matches("0x").trim_start_matches("0X");
    u64::from_str_radix(t, 16).map_err(|e| format!("invalid hex address {s:?}: {e}"))
}

#[derive(Serialize)]
struct TableJson<'a> {
    file: String,
    layout: String,
    mode: String,
    version: Option<&'a str>,
    count: usize,
    name_order: Option<&'static str>,
}

#[derive(Serialize)]
struct SymbolJson<'a> {
    addr: String,
    #[serde(rename = "nm_type")]
    kind: String,
    name: &'a str,
}

/// Run `ksym kallsyms-dump`.
pub fn run(o: Args, out: Out<'_>) -> Result<Status> {
    let name = o.file.display().to_string();
    let data = symtab::input::Input::open(&o.file)?;
    let opts = DumpOptions {
        layout: o.layout,
        text_base: o.text_base.unwrap_or(0),
    };
    let dump = dump(&data, &opts).with_context(|| format!("{name}: kallsyms"))?;
    if o.json {
        write_record(
            out,
            "table",
            TableJson {
                file: name,
                layout: dump.layout.to_string(),
                mode: format!("{:?}", dump.mode),
                version: dump.version.as_deref(),
                count: dump.entries.len(),
                name_order: dump.name_order.map(|o| o.as_str()),
            },
        )?;
        for e in &dump.entries {
            let n = String::from_utf8_lossy(&e.name);
            write_record(
                out,
                "symbol",
                SymbolJson {
                    addr: hex(e.addr),
                    kind: (e.kind as char).to_string(),
                    name: &n,
                },
            )?;
        }
    } else {
        let width = if dump.is_64 { 16 } else { 8 };
        for e in &dump.entries {
            write!(out, "{:0width$x} {} ", e.addr, e.kind as char)?;
            out.write_all(&e.name)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(if dump.entries.is_empty() {
        Status::NotFound
    } else {
        Status::Ok
    })
}
