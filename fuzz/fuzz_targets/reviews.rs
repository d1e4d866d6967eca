//! Fuzz target: `crosswalk::fuzzing::reviews` on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| crosswalk::fuzzing::reviews(data));
