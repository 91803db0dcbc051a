//! Fuzz the kallsyms readers: any bytes given to the table reader (ELF, or raw data
//! searched for a table by structure) and to the generator (as a symbol map) must give a
//! result or an error, never a panic, a hang or a huge allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use symtab::kallsyms::{self, decode, Layout};

fuzz_target!(|data: &[u8]| {
    for layout in [None, Some(Layout::V6_1), Some(Layout::V7_0)] {
        let opts = decode::DumpOptions {
            layout,
            text_base: 0xffff_ffff_8100_0000,
        };
        if let Ok(d) = decode::dump(data, &opts) {
            assert!(d.entries.len() <= data.len());
        }
    }
    if data.len() <= 4096 {
        let opts = kallsyms::Options {
            all_symbols: data.first().is_some_and(|b| b & 1 != 0),
            absolute_percpu: data.first().is_some_and(|b| b & 2 != 0),
            base_relative: data.first().is_some_and(|b| b & 4 != 0),
            ..Default::default()
        };
        let _ = kallsyms::generate(data, &opts, &mut std::io::sink());
    }
});
