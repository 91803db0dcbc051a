//! Fuzz the System.map / nm / /proc/kallsyms text reader: any bytes give symbols or an
//! error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(t) = symtab::read::read_text(data) {
        for s in &t.symbols {
            let _ = symtab::name::Name::parse(&s.name).to_string();
        }
    }
});
