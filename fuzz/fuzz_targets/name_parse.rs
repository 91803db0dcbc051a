//! Fuzz the name grammar: `Name::parse` and every cleaning policy must accept any string,
//! never panic, and keep their invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use symtab::name::{self, Name, Policy};

fuzz_target!(|raw: &str| {
    let n = Name::parse(raw);
    // The base and the suffix texts give back the raw name.
    let mut joined = n.base.to_string();
    for s in &n.suffixes {
        assert!(s.text.starts_with('.'));
        joined.push_str(s.text);
        let _ = s.number();
    }
    assert_eq!(joined, raw);
    for p in Policy::ALL {
        let c = name::clean(raw, p);
        assert_eq!(n.clean(p), c);
        // Cleaning only removes: the result is never longer than the raw name.
        assert!(c.len() <= raw.len());
        // Evidence that says yes to everything, or no to everything, must not panic.
        let _ = n.clean_with(p, |_| true);
        let _ = n.clean_with(p, |x| x.len() % 2 == 0);
    }
    assert_eq!(format!("{n:#}"), raw);
    let _ = n.to_string();
});
