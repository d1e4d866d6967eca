//! Fuzz target: `crosswalk::fuzzing::catalog` on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| crosswalk::fuzzing::catalog(data));
