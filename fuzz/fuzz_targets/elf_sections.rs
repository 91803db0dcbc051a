//! Fuzz the ELF symbol reader with section-header mutations: a valid object (the file
//! named by `$KSYM_FUZZ_BASE`, else a built-in minimal ELF64) has fields of its section
//! headers replaced as the input says, 10 bytes per change (section, field, value). The
//! in-place reader, the whole-table model and the symbolizer's loader must each give a
//! checked table or an error naming the structure, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn base() -> &'static [u8] {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| {
        let path = std::env::var_os("KSYM_FUZZ_BASE")
            .expect("KSYM_FUZZ_BASE: a small ELF64 little-endian object (scripts/fuzz.sh makes one)");
        std::fs::read(&path).expect("KSYM_FUZZ_BASE is readable")
    })
}

fn rd(b: &[u8], at: usize, n: usize) -> u64 {
    let mut v = 0u64;
    for i in (0..n).rev() {
        v = v << 8 | u64::from(b.get(at + i).copied().unwrap_or(0));
    }
    v
}

/// (offset, width) of each ELF64 section header field.
const FIELDS: [(usize, usize); 10] = [
    (0, 4),  // sh_name
    (4, 4),  // sh_type
    (8, 8),  // sh_flags
    (16, 8), // sh_addr
    (24, 8), // sh_offset
    (32, 8), // sh_size
    (40, 4), // sh_link
    (44, 4), // sh_info
    (48, 8), // sh_addralign
    (56, 8), // sh_entsize
];

fuzz_target!(|data: &[u8]| {
    let mut elf = base().to_vec();
    let shoff = rd(&elf, 0x28, 8) as usize;
    let shnum = rd(&elf, 0x3c, 2) as usize;
    for op in data.chunks_exact(10) {
        if shnum == 0 {
            break;
        }
        let sec = usize::from(op[0]) % shnum;
        let (off, width) = FIELDS[usize::from(op[1]) % FIELDS.len()];
        let mut value = [0u8; 8];
        value.copy_from_slice(&op[2..10]);
        // Small values and edge values matter most: the top byte picks a shape.
        let v = u64::from_le_bytes(value);
        let v = match op[1] >> 4 {
            0 => 0,
            1 => v & 0xff,
            2 => v & 0xffff,
            3 => u64::MAX,
            4 => rd(&elf, shoff + sec * 64 + off, width).wrapping_add(v & 0xf),
            5 => rd(&elf, shoff + sec * 64 + off, width).wrapping_sub(v & 0xf),
            _ => v,
        };
        let at = shoff + sec * 64 + off;
        if let Some(dst) = elf.get_mut(at..at + width) {
            dst.copy_from_slice(&v.to_le_bytes()[..width]);
        }
    }
    if let Ok(t) = symtab::read::ElfSymtab::parse(elf.as_slice()) {
        let all = t.symbols();
        for (i, r) in t.raws().enumerate().take(4096) {
            assert_eq!(String::from_utf8_lossy(t.name_of(&r)), all[i].name);
            let _ = t.letter_of(&r);
        }
    }
    let _ = symtab::read::read_bytes(&elf, None);
});
