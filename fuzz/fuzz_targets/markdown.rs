//! Fuzz target: `crosswalk::fuzzing::markdown` on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| crosswalk::fuzzing::markdown(data));
