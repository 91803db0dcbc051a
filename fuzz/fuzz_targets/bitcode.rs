//! Fuzz the LLVM bitcode reader: any bytes after the bitcode magic (raw or wrapped) must
//! give symbols or an error, never a panic, hang or huge allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut raw = b"BC\xc0\xde".to_vec();
    raw.extend_from_slice(data);
    if let Ok(t) = symtab::read::read_bytes(&raw, None) {
        for s in &t.symbols {
            assert!(matches!(
                s.letter,
                'U' | 'w' | 'W' | 'C' | 't' | 'T' | 'd' | 'D'
            ));
        }
    }
    let _ = symtab::read::read_irsymtab(data);
    let mut wrapped = Vec::new();
    for w in [0x0B17_C0DEu32, 0, 20, raw.len() as u32, 0] {
        wrapped.extend_from_slice(&w.to_le_bytes());
    }
    wrapped.extend_from_slice(&raw);
    let _ = symtab::read::read_bytes(&wrapped, None);
});
