//! Fuzz target: `crosswalk::fuzzing::crosswalk` on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| crosswalk::fuzzing::crosswalk(data));
