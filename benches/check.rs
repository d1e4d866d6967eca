//! `check --no-history` benchmark: a synthetic enterprise repository (200 policies, 2,000 controls,
//! 20,000 evidence records) checked by crosswalk and read by `rg` side by side (the baseline: ripgrep
//! counting the `id` lines of the same files, with its default threads). Prints both times, their
//! ratio (the goal: at most 3) and the peak memory of this process (the goal: under 300 MB).
//!
//! `cargo bench --bench check`; `CROSSWALK_BENCH_REPO=DIR` keeps the generated repository in DIR and
//! reuses it. Needs `rg`.

mod common;

use common::{best_of, peak_rss_mib};

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const POLICIES: usize = 200;
const CONTROLS: usize = 2_000;
const EVIDENCE: usize = 20_000;
const PEOPLE: usize = 10;
const RUNS: usize = 3;

fn main() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = match std::env::var_os("CROSSWALK_BENCH_REPO") {
        Some(kept) if Path::new(&kept).join("crosswalk.toml").is_file() => {
            println!("reusing the repository in {}", Path::new(&kept).display());
            PathBuf::from(kept)
        }
        kept => {
            let dir = kept.map_or_else(|| temp.path().to_path_buf(), PathBuf::from);
            let started = Instant::now();
            generate(&dir);
            println!(
                "generated {POLICIES} policies, {CONTROLS} controls, {EVIDENCE} evidence records in {:.1?}",
                started.elapsed()
            );
            dir
        }
    };
    let options = crosswalk::check::Options {
        as_of: "2026-11-24".parse().unwrap(),
        history: None,
        hints: true,
    };
    let mut findings = 0;
    let ours = best_of(RUNS, || {
        let (_, found) = crosswalk::check(&dir, &options).expect("check");
        findings = found.len();
    });
    let rg = best_of(RUNS, || {
        let status = Command::new("rg")
            .args(["--no-ignore", "--count", "^id = "])
            .args(["crosswalk.toml", "policies", "controls", "evidence"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .status()
            .expect("rg");
        assert!(status.success());
    });
    println!("crosswalk check --no-history  {ours:>8.2?}  ({findings} findings)");
    println!("rg over the same files        {rg:>8.2?}");
    println!(
        "ratio crosswalk / rg          {:>8.2}  (goal: at most 3)",
        ours.as_secs_f64() / rg.as_secs_f64()
    );
    println!(
        "peak memory of this process   {:>8} MiB  (goal: under 300 MB)",
        peak_rss_mib()
    );
}

/// Writes a valid repository: every ISO 27001 and SOC 2 requirement claimed by implemented
/// controls, every control proved by fresh evidence for every quarter of the SOC 2 observation
/// window so far (ten records per control, one a month from January to October).
fn generate(dir: &Path) {
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    let mut config = String::from(
        "[organization]\nname = \"Bench Corp\"\n\n[frameworks.iso27001]\n\n[frameworks.soc2]\nobservation = { start = 2026-01-01, end = 2026-12-31 }\n",
    );
    for p in 0..PEOPLE {
        let _ = write!(
            config,
            "\n[people.p{p}]\nname = \"Person {p}\"\nemails = [\"p{p}@bench.example\"]\n"
        );
    }
    write("crosswalk.toml", &config);
    for i in 0..POLICIES {
        write(
            &format!("policies/pol-{i:03}.md"),
            &format!(
                "+++\nid = \"POL-{i:03}\"\ntitle = \"Policy {i}\"\nowner = \"p{}\"\napprovers = [\"p{}\"]\nreview = \"annual\"\nclassification = \"internal\"\n+++\n# Policy {i}\n\n{}\n",
                i % PEOPLE,
                (i + 1) % PEOPLE,
                body(12)
            ),
        );
    }
    let iso = requirement_ids("iso27001");
    let soc2 = requirement_ids("soc2");
    for i in 0..CONTROLS {
        write(
            &format!("controls/c-{i:04}.md"),
            &format!(
                "+++\nid = \"C-{i:04}\"\ntitle = \"Control {i}\"\npolicy = \"POL-{:03}\"\nowner = \"p{}\"\nfrequency = \"quarterly\"\nstatus = \"implemented\"\n[satisfies]\niso27001 = [\"{}\", \"{}\"]\nsoc2 = [\"{}\"]\n+++\n## Description\n\n{}\n",
                i % POLICIES,
                i % PEOPLE,
                iso[i % iso.len()],
                iso[(i * 7 + 3) % iso.len()],
                soc2[i % soc2.len()],
                body(8)
            ),
        );
    }
    for i in 0..EVIDENCE {
        write(
            &format!("evidence/{:02}/ev-{i:05}.md", i / 1_000),
            &format!(
                "+++\nid = \"EV-{i:05}\"\ntitle = \"Evidence {i}\"\ncontrols = [\"C-{:04}\"]\ncollected = 2026-{:02}-{:02}\ncollector = \"p{}\"\n+++\n{}\n",
                i % CONTROLS,
                1 + (i / CONTROLS) % 10,
                1 + i % 20,
                i % PEOPLE,
                body(4)
            ),
        );
    }
}

fn requirement_ids(framework: &str) -> Vec<String> {
    let catalogs = crosswalk::model::catalog::built_in();
    let catalog = catalogs
        .iter()
        .find(|f| f.id() == framework)
        .expect("built-in catalog");
    catalog
        .catalog
        .requirements
        .iter()
        .map(|r| r.id.get_ref().clone())
        .collect()
}

fn body(lines: usize) -> String {
    (0..lines)
        .map(|n| {
            format!("Line {n} of the procedure: who does what, when, and what is kept as a record.")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
