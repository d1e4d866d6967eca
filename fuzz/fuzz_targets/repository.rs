//! Fuzz target: `crosswalk::fuzzing::repository` on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| crosswalk::fuzzing::repository(data));
