//! Fuzz the in-place ELF symbol-table reader: any bytes after the ELF magic must give a
//! checked table or an error; every symbol of a checked table must then decode (raw
//! fields, name, nm letter, model) without a panic, and alike one at a time and all at
//! once.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut elf = b"\x7fELF".to_vec();
    elf.extend_from_slice(data);
    let Ok(t) = symtab::read::ElfSymtab::parse(elf.as_slice()) else {
        return;
    };
    let all = t.symbols();
    assert_eq!(all.len(), t.len());
    for (i, r) in t.raws().enumerate().take(2048) {
        let name = t.name_of(&r);
        assert!(t.name_is(&r, name));
        assert!(t.name_starts_with(&r, name));
        assert_eq!(t.letter_of(&r), all[i].letter);
        assert_eq!(t.symbol(i), all[i]);
    }
});
