//! Fuzz the oops log parser: any bytes, read in short chunks and whole, must parse
//! without a panic, come back byte for byte, and give frame positions inside their line.
#![no_main]

use ksym::oops::{parse_log, LineReader, Parser};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks a small line limit so that splitting is exercised too.
    let limit = 1 + usize::from(data.first().copied().unwrap_or(0));
    let mut reader = LineReader::with_limit(data, limit);
    let mut parser = Parser::new();
    let mut rebuilt = Vec::with_capacity(data.len());
    while let Ok(Some((raw, cont))) = reader.next_line() {
        assert!(raw.len() <= limit);
        rebuilt.extend_from_slice(raw);
        let line = parser.push_chunk(raw, cont);
        assert!(line.message.start <= line.message.end && line.message.end <= raw.len());
        for f in &line.frames {
            assert!(f.span.start <= f.span.end && f.span.end <= f.end && f.end <= raw.len());
        }
        while parser.take_finished().is_some() {}
    }
    assert_eq!(rebuilt, data);
    for o in parser.finish() {
        assert!(o.first_line <= o.last_line);
    }
    let _ = parse_log(data);
});
