//! Fuzz `Code:` lines: any text parses without a panic; parsed bytes disassemble with the
//! trapping instruction found, in both syntaxes, and compare against any object bytes.
#![no_main]

use ksym::disasm::{self, Arch, Syntax};
use ksym::oops::code;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Line text first, then (after a NUL) bytes standing for the object's.
    let (text, object) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    for arch in [None, Some(Arch::X86_64), Some(Arch::Arm64)] {
        let Some(c) = code::parse(text, arch) else {
            continue;
        };
        assert!(c.trap < c.bytes.len());
        for syntax in [Syntax::Att, Syntax::Intel] {
            let bounds = code::object_boundaries(c.arch, object, object.len() / 2, &c);
            let (insns, t) = code::disassemble(&c, syntax, 0xffff_ffff_8100_0000, &bounds);
            if let Some(i) = insns.get(t) {
                assert_eq!(i.offset, c.trap);
            }
            for i in &insns {
                assert!(i.offset + i.len <= c.bytes.len());
            }
        }
        let id = code::check_bytes(&c, object, object.len() / 2, data.len() % 2 == 0);
        assert!(!id.evidence.is_empty());
        let _ = disasm::decode_all(c.arch, Syntax::Att, object, 0);
    }
});
