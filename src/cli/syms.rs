//! `ksym syms`: an nm-like listing with cleaned names, and name collisions per policy.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;
use symtab::name::{self, Policy};
use symtab::{Binding, SymKind, Symbol, SymbolTable};

use super::{warn, Out, Status};
use ksym::output::{hex, write_record};

/// List symbols the way nm does, with the cleaned name as a fourth field where it differs.
///
/// Each line is `ADDRESS TYPE NAME [CLEANED]`: the nm type letter equals GNU nm's, NAME is
/// the full name as stored and CLEANED is NAME under the cleaning policy. Symbols are in
/// input order unless --numeric-sort. Reads ELF (vmlinux, .o, .ko), ar archives (GNU and
/// thin), System.map / nm output and /proc/kallsyms.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Cleaning policy: lto (drop only what LTO adds), llvm (drop only .llvm.N),
    /// first-dot (cut at the first dot, the 5.16-6.4 kernels' rule) or none.
    #[arg(long, value_name = "POLICY", default_value = "lto")]
    clean: Policy,
    /// Write JSON Lines ({"type": "symbol", "data": {...}}) instead of text.
    #[arg(long)]
    json: bool,
    /// List every cleaned name that stands for more than one distinct symbol.
    #[arg(long)]
    collisions: bool,
    /// Sort by address (nm -n) instead of keeping input order.
    #[arg(short = 'n', long)]
    numeric_sort: bool,
    /// Show only defined symbols.
    #[arg(long)]
    defined_only: bool,
    /// Also show arm/arm64 mapping symbols ($x, $d), section and file symbols, which nm hides.
    #[arg(long)]
    special_syms: bool,
    /// The link inputs (objects, LLVM bitcode, archives): with --clean=lto, a numeric
    /// suffix is dropped only when the suffixed name is absent from them (LTO made it).
    /// End the list with another option or `--`.
    #[arg(long, value_name = "OBJ|ARCHIVE", num_args = 1..)]
    inputs: Vec<PathBuf>,
    /// Symbol files: ELF, archives, System.map, nm output, /proc/kallsyms.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Serialize)]
struct SymbolJson<'a> {
    file: String,
    addr: Option<String>,
    size: Option<String>,
    #[serde(rename = "nm_type")]
    letter: String,
    name: &'a str,
    clean: &'a str,
    binding: &'static str,
    kind: &'static str,
    section: Option<&'a str>,
    source_file: Option<&'a str>,
    module: Option<&'a str>,
    member: Option<&'a str>,
}

#[derive(Serialize)]
struct CollisionJson<'a> {
    file: String,
    policy: String,
    clean: &'a str,
    symbols: Vec<SymbolJson<'a>>,
}

/// True if nm would list `s` by default (no mapping, section or file symbols).
fn listed(s: &Symbol, o: &Args) -> bool {
    if o.defined_only && matches!(s.letter, 'U' | 'w' | 'v') {
        return false;
    }
    o.special_syms || !(s.is_mapping_symbol() || matches!(s.kind, SymKind::Section | SymKind::File))
}

fn binding_str(b: Binding) -> &'static str {
    match b {
        Binding::Local => "local",
        Binding::Global => "global",
        Binding::Weak => "weak",
        Binding::Unique => "unique",
        Binding::Unknown => "unknown",
    }
}

fn kind_str(k: SymKind) -> &'static str {
    match k {
        SymKind::Func => "func",
        SymKind::Object => "object",
        SymKind::Tls => "tls",
        SymKind::Ifunc => "ifunc",
        SymKind::Section => "section",
        SymKind::File => "file",
        SymKind::NoType => "notype",
    }
}

fn symbol_json<'a>(file: &str, s: &'a Symbol, clean: &'a str) -> SymbolJson<'a> {
    let undefined = matches!(s.letter, 'U' | 'w' | 'v') && s.section_index.is_none();
    SymbolJson {
        file: file.to_string(),
        addr: (!undefined).then(|| hex(s.addr)),
        size: s.size.map(hex),
        letter: s.letter.to_string(),
        name: &s.name,
        clean,
        binding: binding_str(s.binding),
        kind: kind_str(s.kind),
        section: s.section.as_deref(),
        source_file: s.file.as_deref(),
        module: s.module.as_deref(),
        member: s.member.as_deref(),
    }
}

fn write_symbol_line(
    out: Out<'_>,
    t: &SymbolTable,
    s: &Symbol,
    clean: &str,
) -> std::io::Result<()> {
    let width = if t.is_64 { 16 } else { 8 };
    if s.letter == 'U'
        || (matches!(s.letter, 'w' | 'v') && s.addr == 0 && s.section_index.is_none())
    {
        write!(out, "{:width$} {} {}", "", s.letter, s.name)?;
    } else {
        write!(out, "{:0width$x} {} {}", s.addr, s.letter, s.name)?;
    }
    if clean.is_empty() && !s.name.is_empty() {
        // first-dot turns `.str.1` into nothing, as 5.16-6.4 kernels did: say so visibly.
        write!(out, " \"\"")?;
    } else if clean != s.name {
        write!(out, " {clean}")?;
    }
    if let Some(m) = &s.module {
        write!(out, "\t[{m}]")?;
    }
    writeln!(out)
}

/// Run `ksym syms`.
pub fn run(o: Args, out: Out<'_>) -> Result<Status> {
    let mut status = Status::Ok;
    let mut found_any = false;
    let many = o.files.len() > 1;
    let evidence = if o.inputs.is_empty() {
        None
    } else {
        Some(ksym::link::input_names(&o.inputs)?)
    };
    for path in &o.files {
        let table = match symtab::read::read_path(path) {
            Ok(t) => t,
            Err(e) => {
                warn(e);
                status = Status::Error;
                continue;
            }
        };
        let file = path.display().to_string();
        let mut syms: Vec<&Symbol> = table.symbols.iter().filter(|s| listed(s, &o)).collect();
        if o.numeric_sort {
            // Within each archive member, as nm -n sorts: members keep their input order.
            let mut rank: HashMap<&str, usize> = HashMap::new();
            for s in &syms {
                if let Some(m) = s.member.as_deref() {
                    let next = rank.len();
                    rank.entry(m).or_insert(next);
                }
            }
            syms.sort_by_key(|s| (s.member.as_deref().map(|m| rank[m]), s.addr));
        }
        if o.collisions {
            found_any |= write_collisions(out, &o, &table, &file, &syms, many)?;
            continue;
        }
        found_any |= !syms.is_empty();
        if many && !o.json {
            writeln!(out, "\n{file}:")?;
        }
        let mut member: Option<&str> = None;
        for s in syms {
            // Archives: a `MEMBER:` header before each member's symbols, as nm prints.
            if !o.json && s.member.is_some() && s.member.as_deref() != member {
                member = s.member.as_deref();
                writeln!(out, "\n{}:", member.unwrap_or_default())?;
            }
            let clean = match &evidence {
                Some(names) => {
                    name::Name::parse(&s.name).clean_with(o.clean, |n| names.contains(n))
                }
                None => name::clean(&s.name, o.clean),
            };
            if o.json {
                write_record(out, "symbol", symbol_json(&file, s, &clean))?;
            } else {
                write_symbol_line(out, &table, s, &clean)?;
            }
        }
    }
    if status == Status::Ok && !found_any {
        status = Status::NotFound;
    }
    Ok(status)
}

/// Cleaned names standing for two or more distinct raw names, in name order.
pub fn collisions<'a>(syms: &[&'a Symbol], policy: Policy) -> BTreeMap<String, Vec<&'a Symbol>> {
    let mut groups: BTreeMap<String, Vec<&Symbol>> = BTreeMap::new();
    for s in syms {
        if matches!(s.letter, 'U' | 'w' | 'v') && s.section_index.is_none() && s.addr == 0 {
            continue;
        }
        let clean = name::clean(&s.name, policy);
        groups.entry(clean.into_owned()).or_default().push(s);
    }
    groups.retain(|_, v| {
        let first = &v[0].name;
        v.iter().any(|s| &s.name != first)
    });
    groups
}

fn write_collisions(
    out: Out<'_>,
    o: &Args,
    table: &SymbolTable,
    file: &str,
    syms: &[&Symbol],
    many: bool,
) -> Result<bool> {
    let groups = collisions(syms, o.clean);
    if many && !o.json {
        writeln!(out, "\n{file}:")?;
    }
    for (clean, members) in &groups {
        if o.json {
            let data = CollisionJson {
                file: file.to_string(),
                policy: o.clean.to_string(),
                clean,
                symbols: members
                    .iter()
                    .map(|s| symbol_json(file, s, clean))
                    .collect(),
            };
            write_record(out, "collision", data)?;
        } else {
            writeln!(out, "{clean}: {} symbols", members.len())?;
            for s in members {
                write!(out, "  ")?;
                write_symbol_line(out, table, s, &s.name)?;
            }
        }
    }
    eprintln!(
        "ksym: {file}: {} cleaned names stand for more than one symbol under --clean={}",
        groups.len(),
        o.clean
    );
    Ok(!groups.is_empty())
}
