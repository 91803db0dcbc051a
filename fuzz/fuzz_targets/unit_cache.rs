//! Fuzz the unit-index cache reader: any bytes, with a correct checksum appended (so
//! that every field past it is reached), must be refused or give an index whose every
//! offset, range and unit number is inside what the header promised.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ksym::dwarf::fuzz_unit_cache(data);
});
