//! History-pass benchmark: a synthetic repository of 50,000 commits touching 20,000 documents (with
//! merges and renames), read by crosswalk's history pass and by `git log --name-status` side by side.
//! Prints both times and their ratio (the goal: at most 1.5), and the peak memory of this process.
//!
//! `cargo bench --bench history`; `CROSSWALK_BENCH_COMMITS=5000` for a quicker run;
//! `CROSSWALK_BENCH_REPO=DIR` keeps the generated repository in DIR and reuses it on the next run.
//! Needs `git`.

mod common;

use common::{best_of, peak_rss_mib};

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const DOCUMENTS: usize = 20_000;
const RUNS: usize = 3;

#[allow(unsafe_code)]
fn main() {
    // SAFETY: first statement of the bench, before any thread or libgit2 use; the same settings
    // the binary makes at start-up, so the figures are the binary's.
    unsafe { crosswalk::history::configure_libgit2() };
    let commits: usize = std::env::var("CROSSWALK_BENCH_COMMITS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50_000);
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = match std::env::var_os("CROSSWALK_BENCH_REPO") {
        Some(kept) if Path::new(&kept).join(".git").is_dir() => {
            println!("reusing the repository in {}", Path::new(&kept).display());
            std::path::PathBuf::from(kept)
        }
        kept => {
            let dir = kept.map_or_else(|| temp.path().to_path_buf(), std::path::PathBuf::from);
            std::fs::create_dir_all(&dir).expect("repository folder");
            let started = Instant::now();
            generate(&dir, commits);
            println!(
                "generated {commits} commits over {DOCUMENTS} documents in {:.1?}",
                started.elapsed()
            );
            dir
        }
    };

    // The repository is loaded once, outside the timing: the pass is what `check` adds to it.
    let workspace = crosswalk::open(&dir).expect("the benchmark repository loads");
    let mut changes = 0;
    let ours = best_of(RUNS, || {
        let trail = crosswalk::trail(&workspace, None).expect("history");
        changes = trail.changes.values().map(Vec::len).sum();
    });
    let git = best_of(RUNS, || {
        let status = Command::new("git")
            .args(["log", "--name-status", "--format=%H %an %s"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .status()
            .expect("git log");
        assert!(status.success());
    });
    println!(
        "crosswalk history pass        {:>8.2?}  ({changes} changes)",
        ours
    );
    println!("git log --name-status         {:>8.2?}", git);
    println!(
        "ratio crosswalk / git log     {:>8.2}  (goal: at most 1.5)",
        ours.as_secs_f64() / git.as_secs_f64()
    );
    println!(
        "peak memory of this process   {:>8} MiB  (goal: under 300 MB; three passes and the model)",
        peak_rss_mib()
    );
}

fn path(i: usize) -> String {
    match i {
        i if i < 200 => format!("policies/pol-{i:03}.md"),
        i if i < 2_200 => format!("controls/c-{i:04}.md"),
        i => format!("evidence/{}/ev-{i:05}.md", 2020 + i % 7),
    }
}

/// Writes the repository with `git fast-import`: one commit adding every document, then commits that
/// each change one or two documents, every 100th made on a branch and merged, every 500th a rename.
fn generate(dir: &Path, commits: usize) {
    let run = |args: &[&str]| {
        assert!(
            Command::new("git")
                .args(args)
                .current_dir(dir)
                .status()
                .unwrap()
                .success()
        )
    };
    run(&["init", "-q", "-b", "main"]);
    let mut import = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    let mut out = std::io::BufWriter::new(import.stdin.take().unwrap());
    let mut paths: Vec<String> = (0..DOCUMENTS).map(path).collect();
    let mut seed: u64 = 42;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let mut mark = 0;
    let mut main_tip = 0;
    for i in 0..commits {
        let on_branch = i % 100 == 99;
        mark += 1;
        let branch = if on_branch {
            "refs/heads/topic"
        } else {
            "refs/heads/main"
        };
        header(
            &mut out,
            branch,
            mark,
            i,
            &format!("Change {i}\n\nApproved-by: Dana Reyes <dana@acme.example>\n"),
        );
        if main_tip > 0 {
            writeln!(out, "from :{main_tip}").unwrap();
        }
        if i == 0 {
            file(&mut out, "crosswalk.toml", CONFIG);
            for (n, p) in paths.iter().enumerate() {
                file(&mut out, p, &document(n, 0));
            }
        } else if i % 500 == 0 {
            let k = next(paths.len());
            let renamed = format!("{}-renamed.md", paths[k].trim_end_matches(".md"));
            writeln!(out, "R {} {renamed}", paths[k]).unwrap();
            paths[k] = renamed;
        } else {
            for _ in 0..1 + next(2) {
                let k = next(paths.len());
                file(&mut out, &paths[k], &document(k, i));
            }
        }
        if on_branch {
            let topic = mark;
            mark += 1;
            header(
                &mut out,
                "refs/heads/main",
                mark,
                i,
                "Merge branch 'topic'\n\nApproved-by: Dana Reyes <dana@acme.example>\n",
            );
            writeln!(out, "from :{main_tip}\nmerge :{topic}").unwrap();
        }
        main_tip = mark;
    }
    drop(out);
    assert!(import.wait().unwrap().success());
    run(&["reset", "-q", "--hard", "main"]);
}

/// The benchmark company: the people who write and approve its documents.
const CONFIG: &str = "[organization]\nname = \"Bench\"\n\n[people.ciso]\nname = \"Dana Reyes\"\nemails = [\"dana@acme.example\"]\n\n[people.sam]\nname = \"Sam Okafor\"\nemails = [\"sam@acme.example\"]\n\n[people.lena]\nname = \"Lena Fischer\"\nemails = [\"lena@acme.example\"]\n";

/// Document `n` at revision `i`: policies owned by Sam and approved by the CISO, controls of a
/// policy owned by Lena, evidence records of a control, so that approvers are resolved through
/// the documents a change hangs from, as in a real repository.
fn document(n: usize, i: usize) -> String {
    let fields = match n {
        n if n < 200 => "owner = \"sam\"\napprovers = [\"ciso\"]\nreview = \"annual\"\nclassification = \"internal\"".to_string(),
        n if n < 2_200 => format!(
            "policy = \"D-{}\"\nowner = \"lena\"\nfrequency = \"annual\"\nstatus = \"implemented\"",
            n % 200
        ),
        n => format!(
            "controls = [\"D-{}\"]\ncollected = 2026-01-01\ncollector = \"lena\"",
            200 + n % 2_000
        ),
    };
    format!("+++\nid = \"D-{n}\"\ntitle = \"Document {n}\"\n{fields}\n+++\nrevision {i}\n")
}

fn header(out: &mut impl Write, branch: &str, mark: usize, i: usize, message: &str) {
    let time = 1_700_000_000 + i * 600;
    let author = if i % 3 == 0 {
        "Sam Okafor <sam@acme.example>"
    } else {
        "Lena Fischer <lena@acme.example>"
    };
    writeln!(out, "commit {branch}\nmark :{mark}\nauthor {author} {time} +0000\ncommitter {author} {time} +0000").unwrap();
    writeln!(out, "data {}\n{message}", message.len()).unwrap();
}

fn file(out: &mut impl Write, path: &str, content: &str) {
    writeln!(
        out,
        "M 100644 inline {path}\ndata {}\n{content}",
        content.len()
    )
    .unwrap();
}
