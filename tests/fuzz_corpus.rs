//! The fuzz targets' corpora replayed on stable Rust: every input under `fuzz/corpus/TARGET/` and
//! every crash kept under `fuzz/regressions/TARGET/` goes through the same entry point the fuzz
//! target calls (`crosswalk::fuzzing`), so `cargo test` holds every case the fuzzers found.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for folder in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(folder).join(target)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{} panicked", path.display());
            count += 1;
        }
    }
    assert!(count > 0, "no inputs for {target}");
}

#[test]
fn markdown_corpus() {
    replay("markdown", crosswalk::fuzzing::markdown);
}

#[test]
fn typst_corpus() {
    replay("typst", crosswalk::fuzzing::typst);
}

#[test]
fn reviews_corpus() {
    replay("reviews", crosswalk::fuzzing::reviews);
}

#[test]
fn repository_corpus() {
    replay("repository", crosswalk::fuzzing::repository);
}

#[test]
fn front_matter_corpus() {
    replay("front_matter", crosswalk::fuzzing::front_matter);
}

#[test]
fn catalog_corpus() {
    replay("catalog", crosswalk::fuzzing::catalog);
}

#[test]
fn crosswalk_corpus() {
    replay("crosswalk", crosswalk::fuzzing::crosswalk);
}
