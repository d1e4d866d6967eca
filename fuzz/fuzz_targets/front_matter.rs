//! Fuzz target: `crosswalk::fuzzing::front_matter` on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| crosswalk::fuzzing::front_matter(data));
