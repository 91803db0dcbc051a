//! `ksym initcalls`: the initcall order linker script, and a check of a linked image.

use std::path::PathBuf;

use anyhow::{Context, Result};
use serde::Serialize;

use super::{Out, Status};
use ksym::link::check::{self, EntryKind, Finding};
use ksym::link::initcall;
use ksym::output::{hex, write_record};

/// Initcall link order under LTO.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Write the linker script that keeps initcalls in link order, byte for byte as
    /// Linux's scripts/generate_initcall_order.pl (inputs in link order: objects, LLVM
    /// bitcode, GNU or thin archives such as vmlinux.a).
    Lds {
        /// Link inputs, in link order.
        #[arg(required = true, value_name = "OBJ|ARCHIVE")]
        files: Vec<PathBuf>,
    },
    /// Read the initcall tables of a linked kernel and report every initcall that runs out
    /// of link order (exit 1 when any is found). Without --expect or --objects, list the
    /// tables.
    Check {
        /// The linked kernel (vmlinux).
        vmlinux: PathBuf,
        /// The expected order: the linker script from `ksym initcalls lds` or kbuild.
        #[arg(long, value_name = "LDS", conflicts_with = "objects")]
        expect: Option<PathBuf>,
        /// The expected order, computed from the link inputs (in link order).
        #[arg(long, value_name = "OBJ", num_args = 1..)]
        objects: Vec<PathBuf>,
        /// Table entries: prel32 (32-bit relative offsets) or pointer; default by machine
        /// (prel32 on x86_64, arm64, powerpc).
        #[arg(long, value_name = "KIND")]
        entries: Option<String>,
        /// Write JSON Lines instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Run `ksym initcalls`.
pub fn run(args: Args, out: Out<'_>) -> Result<Status> {
    match args.command {
        Command::Lds { files } => {
            let calls = initcall::collect(&files)?;
            if calls.is_empty() {
                return Err(initcall::no_initcalls().into());
            }
            initcall::write_lds(&calls, out)?;
            Ok(Status::Ok)
        }
        Command::Check {
            vmlinux,
            expect,
            objects,
            entries,
            json,
        } => run_check(&vmlinux, expect, &objects, entries.as_deref(), json, out),
    }
}

#[derive(Serialize)]
struct EntryJson<'a> {
    level: &'a str,
    index: usize,
    addr: String,
    target: String,
    id: Option<&'a str>,
    function: Option<&'a str>,
}

fn run_check(
    vmlinux: &std::path::Path,
    expect: Option<PathBuf>,
    objects: &[PathBuf],
    entries: Option<&str>,
    json: bool,
    out: Out<'_>,
) -> Result<Status> {
    let kind = match entries {
        None => None,
        Some("prel32") => Some(EntryKind::Prel32),
        Some("pointer") => Some(EntryKind::Pointer),
        Some(k) => anyhow::bail!("unknown --entries {k:?} (expected prel32 or pointer)"),
    };
    let data = symtab::input::Input::open(vmlinux)?;
    let tables = check::read_tables(&data, kind)
        .map_err(|e| anyhow::anyhow!("{}: {e}", vmlinux.display()))?;
    let expected = if let Some(lds) = &expect {
        let text = symtab::input::Input::open(lds)?;
        let text = std::str::from_utf8(&text)
            .with_context(|| format!("{}: not UTF-8 text", lds.display()))?;
        Some(initcall::parse_lds(text).map_err(|e| anyhow::anyhow!("{}: {e}", lds.display()))?)
    } else if !objects.is_empty() {
        let calls = initcall::collect(objects)?;
        let mut m = std::collections::BTreeMap::new();
        for (level, ids) in initcall::by_level(&calls) {
            m.insert(
                level.to_string(),
                ids.into_iter().map(str::to_string).collect::<Vec<_>>(),
            );
        }
        Some(m)
    } else {
        None
    };
    let Some(expected) = expected else {
        for t in &tables {
            for (i, e) in t.entries.iter().enumerate() {
                if json {
                    let data = EntryJson {
                        level: t.level,
                        index: i,
                        addr: hex(e.addr),
                        target: hex(e.target),
                        id: e.id.as_deref(),
                        function: e.function.as_deref(),
                    };
                    write_record(out, "initcall", data)?;
                } else {
                    writeln!(
                        out,
                        "{}\t{i}\t{:#x}\t{}\t{}",
                        t.level,
                        e.target,
                        e.id.as_deref().unwrap_or("-"),
                        e.function.as_deref().unwrap_or("?")
                    )?;
                }
            }
        }
        return Ok(Status::Ok);
    };
    let findings = check::compare(&tables, &expected);
    let total: usize = tables.iter().map(|t| t.entries.len()).sum();
    for f in &findings {
        if json {
            write_record(out, "finding", finding_json(f))?;
            continue;
        }
        match f {
            Finding::OutOfOrder {
                level,
                index,
                id,
                function,
                expected_after,
            } => writeln!(
                out,
                "out of order: level {level} entry {index}: {id} ({}), expected after {}",
                function.as_deref().unwrap_or("?"),
                expected_after
                    .as_deref()
                    .unwrap_or("the start of the level")
            )?,
            Finding::Missing { level, id } => writeln!(out, "missing: level {level}: {id}")?,
            Finding::Unexpected { level, index, id } => {
                writeln!(out, "unexpected: level {level} entry {index}: {id}")?
            }
        }
    }
    let count = |p: fn(&Finding) -> bool| findings.iter().filter(|f| p(f)).count();
    let (ooo, missing, unexpected) = (
        count(|f| matches!(f, Finding::OutOfOrder { .. })),
        count(|f| matches!(f, Finding::Missing { .. })),
        count(|f| matches!(f, Finding::Unexpected { .. })),
    );
    let summary = format!(
        "{}: {total} initcalls in {} tables: {ooo} out of order, {missing} missing, {unexpected} unexpected",
        vmlinux.display(),
        tables.len()
    );
    if json {
        eprintln!("ksym: {summary}");
    } else {
        writeln!(out, "{summary}")?;
    }
    Ok(if findings.is_empty() {
        Status::Ok
    } else {
        Status::NotFound
    })
}

fn finding_json(f: &Finding) -> serde_json::Value {
    match f {
        Finding::OutOfOrder {
            level,
            index,
            id,
            function,
            expected_after,
        } => serde_json::json!({"kind": "out_of_order", "level": level, "index": index,
            "id": id, "function": function, "expected_after": expected_after}),
        Finding::Missing { level, id } => {
            serde_json::json!({"kind": "missing", "level": level, "id": id})
        }
        Finding::Unexpected { level, index, id } => {
            serde_json::json!({"kind": "unexpected", "level": level, "index": index, "id": id})
        }
    }
}
