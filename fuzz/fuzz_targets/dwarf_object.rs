//! Fuzz the DWARF path end to end: any bytes after the ELF magic, opened as an object
//! (section loading and decompression, relocation of relocatable objects, the unit walker),
//! then looked up at addresses of its code sections and symbols (line programs, function
//! and inline trees): `ksym::dwarf::fuzz_object`. Opening and every lookup must give a
//! value or an error, never a panic. Findings are kept in testdata/fuzz/dwarf_object/
//! and replayed by the suite.
#![no_main]

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// One scratch file per fuzzing process (the symbolizer opens objects by path).
fn scratch() -> &'static PathBuf {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        std::env::temp_dir().join(format!("ksym-fuzz-dwarf-{}.o", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let path = scratch();
    {
        let mut f = std::fs::File::create(path).expect("scratch file");
        f.write_all(b"\x7fELF").expect("write");
        f.write_all(data).expect("write");
    }
    ksym::dwarf::fuzz_object(path);
});
