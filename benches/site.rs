//! HTML benchmark: the time crosswalk takes to render the example's HTML site (policies, controls,
//! SoA, matrix, overview) from its model, against pandoc converting the same Markdown files to HTML
//! one by one, side by side. Prints both and their ratio (the goal: crosswalk faster, ratio < 1).
//!
//! `cargo bench --bench site`. Needs `pandoc` (`apt-get install pandoc`); without it, says so.

mod common;

use common::{best_of, peak_rss_mib};

use std::path::Path;
use std::process::{Command, Stdio};

const RUNS: usize = 5;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if Command::new("pandoc")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        println!("pandoc is not installed: nothing to compare with (apt-get install pandoc)");
        return;
    }
    let workspace = crosswalk::open(root).expect("the example repository");
    let model = &workspace.model;
    let templates = crosswalk::render::Templates::load(root).expect("templates");
    let trail = crosswalk::trail(&workspace, None).ok();
    let stamp = crosswalk::render::Stamp {
        commit: None,
        as_of: jiff::civil::date(2026, 11, 24),
        at: None,
    };
    let frameworks = model.frameworks_in_scope();
    let titles: Vec<String> = frameworks.iter().map(|f| f.title().to_string()).collect();
    let mut pages = 0;
    let ours = best_of(RUNS, || {
        let operations = model.operations(stamp.as_of);
        let soa = crosswalk::render::soa_rows(&operations);
        let matrix = crosswalk::render::matrix_rows(&operations, &frameworks, &|_| None);
        let gaps = crosswalk::render::gaps::analyse(&operations, &matrix);
        let register = crosswalk::render::risks::register(&operations, trail.as_ref());
        let inputs = crosswalk::render::site::SiteInputs {
            register: &register,
            findings: &[],
            changes: None,
            model,
            trail: trail.as_ref(),
            stamp: &stamp,
            soa: &soa,
            frameworks: &titles,
            matrix: &matrix,
            gaps: &gaps,
        };
        pages = crosswalk::render::site::pages(&templates, &inputs)
            .expect("site")
            .len();
    });
    let files: Vec<&str> = model
        .policies
        .iter()
        .map(|d| d.path.as_str())
        .chain(model.controls.iter().map(|d| d.path.as_str()))
        .collect();
    let pandoc = best_of(RUNS, || {
        for file in &files {
            let status = Command::new("pandoc")
                .args([
                    "--from",
                    "gfm",
                    "--to",
                    "html5",
                    "--standalone",
                    "--metadata",
                    "title=page",
                    file,
                ])
                .current_dir(root)
                .stdout(Stdio::null())
                .status()
                .expect("pandoc");
            assert!(status.success());
        }
    });
    // pandoc's start-up dominates the file-by-file run; one process over every file is its best case.
    let pandoc_once = best_of(RUNS, || {
        let status = Command::new("pandoc")
            .args(["--from", "gfm", "--to", "html5"])
            .args(&files)
            .current_dir(root)
            .stdout(Stdio::null())
            .status()
            .expect("pandoc");
        assert!(status.success());
    });
    println!(
        "crosswalk HTML site           {:>9.2?}  ({pages} pages)",
        ours
    );
    println!(
        "pandoc, all files at once     {:>9.2?}  (one page)",
        pandoc_once
    );
    println!(
        "pandoc, the same Markdown     {:>9.2?}  ({} files)",
        pandoc,
        files.len()
    );
    println!(
        "ratio to pandoc, file by file {:>9.3}  (goal: below 1)",
        ours.as_secs_f64() / pandoc.as_secs_f64()
    );
    println!(
        "ratio to pandoc, one process  {:>9.3}",
        ours.as_secs_f64() / pandoc_once.as_secs_f64()
    );
    println!("peak memory of this process   {:>6} MiB", peak_rss_mib());
}
