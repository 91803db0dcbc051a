//! Fuzz the DWARF path end to end: any bytes after the ELF magic, opened as an object
//! (section loading and decompression, relocation of relocatable objects, the unit walker),
//! then looked up at addresses of its code sections and symbols (line programs, function
//! and inline trees). Opening and every lookup must give a value or an error, never a
//! panic, and an inline chain is never empty when it names a function.
#![no_main]

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;

use ksym::dwarf::{IndexCache, Symbolizer};
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
    let Ok(s) = Symbolizer::open_with(path, &IndexCache::Off) else {
        return;
    };
    let mut addrs: Vec<u64> = Vec::new();
    for sec in s.sections().iter().filter(|x| x.exec).take(8) {
        for k in [0, 1, 4, sec.size / 2, sec.size.saturating_sub(1)] {
            addrs.push(sec.addr.wrapping_add(k));
        }
    }
    for i in 0..s.symbol_count().min(64) {
        if let Some(sym) = s.symbol(i) {
            if let Some(a) = s.symbol_address(&sym) {
                addrs.push(a);
            }
        }
    }
    for a in addrs.into_iter().take(256) {
        if let Ok(frames) = s.lookup(a) {
            for f in &frames {
                let _ = (f.name(), &f.file, f.line);
            }
        }
    }
});
