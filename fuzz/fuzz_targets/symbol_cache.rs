//! Fuzz the symbol-index cache reader: any bytes, with a correct checksum appended (so
//! that every field past it is reached), must be refused or give indexes whose entries
//! are in order and name symbols inside the table, and that encode to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ksym::dwarf::fuzz_symbol_cache(data);
});
