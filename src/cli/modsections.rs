//! `ksym modsections`: the LTO section merge fragment for modules, and a check of a `.ko`.

use std::path::PathBuf;

use anyhow::Result;

use super::{Out, Status};
use ksym::link::modsec::{self, Finding};
use ksym::output::write_record;

/// Module sections under LTO (scripts/module.lds.S, CONFIG_LTO_CLANG).
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Write the linker script fragment that merges the split .bss.*, .data.*, .rodata.*
    /// sections of an LTO module, formatted as kbuild's preprocessed module.lds.
    Lds {
        /// Write the whole generic module.lds (without the architecture's part).
        #[arg(long)]
        full: bool,
        /// Follow this kernel's scripts/module.lds.S: 6.1 (the default) or 6.12 (which
        /// also discards .export_symbol and keeps the alloc_tags section in .data).
        #[arg(long, value_name = "VERSION", default_value = "6.1")]
        linux: modsec::ModuleLds,
    },
    /// Report split sections left unmerged and sections out of module.lds order in a
    /// linked module (exit 1 when any is found).
    Check {
        /// Linked modules (.ko).
        #[arg(required = true, value_name = "MODULE.ko")]
        modules: Vec<PathBuf>,
        /// Write JSON Lines instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Run `ksym modsections`.
pub fn run(args: Args, out: Out<'_>) -> Result<Status> {
    let (modules, json) = match args.command {
        Command::Lds { full, linux } => {
            modsec::write_lds(out, full, linux)?;
            return Ok(Status::Ok);
        }
        Command::Check { modules, json } => (modules, json),
    };
    let mut status = Status::Ok;
    for path in &modules {
        let file = path.display().to_string();
        let data = symtab::input::Input::open(path)?;
        let names = modsec::section_names(&data).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
        let findings = modsec::check(&names);
        for f in &findings {
            let (kind, section, other) = match f {
                Finding::Unmerged { section, into } => ("unmerged", section, into.to_string()),
                Finding::OutOfOrder { section, after } => ("out_of_order", section, after.clone()),
            };
            if json {
                let data = serde_json::json!({"file": file, "kind": kind, "section": section,
                    if kind == "unmerged" { "into" } else { "after" }: other});
                write_record(out, "finding", data)?;
            } else if kind == "unmerged" {
                writeln!(out, "{file}: unmerged: {section} (belongs in {other})")?;
            } else {
                writeln!(
                    out,
                    "{file}: out of order: {section} (module.lds puts it before {other})"
                )?;
            }
        }
        if !json {
            writeln!(
                out,
                "{file}: {} sections, {} findings",
                names.len(),
                findings.len()
            )?;
        }
        if !findings.is_empty() {
            status = Status::NotFound;
        }
    }
    Ok(status)
}
