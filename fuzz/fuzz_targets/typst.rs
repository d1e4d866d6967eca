//! Fuzz target: `crosswalk::fuzzing::typst` on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| crosswalk::fuzzing::typst(data));
