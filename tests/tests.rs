//! The integration tests: one binary, one module per area. Each runs the `ksym` binary
//! (or the library) on real inputs; `common` holds the shared helpers.

mod bitcode;
mod code;
mod common;
mod debuginfod;
mod decode;
mod engine;
mod faddr2line;
mod fixtures;
mod index_cache;
mod initcalls;
mod kallsyms;
mod linux612;
mod livepatch;
mod lp_inlined;
mod lp_map;
mod modsections;
mod names;
mod nm_diff;
mod oops_corpus;
mod oops_parse;
mod paths;
mod reliability;
mod serve;
mod symbol_index;
mod symbolize_diff;
mod syms_cli;
mod sysroot;
