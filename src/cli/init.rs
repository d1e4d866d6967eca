//! `crosswalk init DIR`: write the example company as a starter repository, or with `--minimal` a
//! skeleton for one company.
//!
//! The example is the project's own (`crosswalk.toml`, `policies/`, `controls/`, `evidence/`,
//! `risks/`), embedded in the binary. The skeleton is `data/minimal/` (a `crosswalk.toml` with
//! placeholders and a README of next steps) and one policy, control, evidence record and risk made
//! from `crosswalk new`'s templates. Nothing that exists is overwritten: if any file would be,
//! nothing is written at all.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use include_dir::{Dir, include_dir};

static POLICIES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/policies");
static CONTROLS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/controls");
static EVIDENCE: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/evidence");
static RISKS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/risks");
const CONFIG: &str = include_str!("../../crosswalk.toml");

/// Every starter file, as (path relative to the new repository, content), sorted.
pub fn starter_files() -> Vec<(PathBuf, &'static [u8])> {
    let mut files = vec![(PathBuf::from(crate::load::CONFIG_FILE), CONFIG.as_bytes())];
    for (folder, dir) in [
        ("policies", &POLICIES),
        ("controls", &CONTROLS),
        ("evidence", &EVIDENCE),
        ("risks", &RISKS),
    ] {
        collect(Path::new(folder), dir, &mut files);
    }
    files.sort();
    files
}

fn collect(prefix: &Path, dir: &'static Dir<'static>, files: &mut Vec<(PathBuf, &'static [u8])>) {
    for file in dir.files() {
        files.push((prefix.join(file.path()), file.contents()));
    }
    for sub in dir.dirs() {
        collect(prefix, sub, files);
    }
}

/// The skeleton of `init --minimal`, dated `today`, as (path, content), sorted.
pub fn minimal_files(today: jiff::civil::Date) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    use super::new::{Claim, Fields, NewKind, document};
    let year = today.year().to_string();
    let config = include_str!("../../data/minimal/crosswalk.toml").replace("{{ year }}", &year);
    let readme = include_str!("../../data/minimal/README.md");
    let claims = || {
        vec![
            Claim {
                framework: "iso27001".into(),
                ids: vec!["A.5.1".into()],
            },
            Claim {
                framework: "soc2".into(),
                ids: vec!["CC5.3".into()],
            },
        ]
    };
    let fields = |id: &str, title: &str| Fields {
        id: id.into(),
        title: title.into(),
        owner: "security-lead".into(),
        owner_name: "the Information Security Lead".into(),
        approver: "ceo".into(),
        policy: "POL-ISMS".into(),
        control: "GOV-01".into(),
        today: today.to_string(),
        frequency: "annual".into(),
        status: "implemented".into(),
        satisfies: Vec::new(),
    };
    let policy = Fields {
        satisfies: claims(),
        ..fields("POL-ISMS", "Information Security Policy")
    };
    let control = Fields {
        satisfies: claims(),
        ..fields("GOV-01", "Annual review of the information security policy")
    };
    let evidence = fields(
        &format!("EV-{year}-POLICY-REVIEW"),
        &format!("{year} review of the information security policy"),
    );
    let risk = fields(
        "R-01",
        "Security responsibilities are unclear, so controls are not operated",
    );
    let mut files = vec![
        (PathBuf::from(crate::load::CONFIG_FILE), config.into_bytes()),
        (PathBuf::from("README.md"), readme.as_bytes().to_vec()),
        (
            PathBuf::from("policies/information-security.md"),
            document(NewKind::Policy, &policy, None)?.into_bytes(),
        ),
        (
            PathBuf::from("controls/gov-01.md"),
            document(NewKind::Control, &control, None)?.into_bytes(),
        ),
        (
            PathBuf::from(format!("evidence/{year}/policy-review.md")),
            document(NewKind::Evidence, &evidence, None)?.into_bytes(),
        ),
        (
            PathBuf::from("risks/r-01.md"),
            document(NewKind::Risk, &risk, None)?.into_bytes(),
        ),
    ];
    files.sort();
    Ok(files)
}

/// Writes the starter repository (the example company, or the skeleton) into `target`.
pub fn run(target: &Path, minimal: bool) -> Result<ExitCode> {
    let files: Vec<(PathBuf, Vec<u8>)> = match minimal {
        true => minimal_files(jiff::ZonedDateTime::now().date())?,
        false => starter_files()
            .into_iter()
            .map(|(path, bytes)| (path, bytes.to_vec()))
            .collect(),
    };
    let existing: Vec<String> = files
        .iter()
        .filter(|(path, _)| target.join(path).exists())
        .map(|(path, _)| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        let shown = existing
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        return super::usage(format!(
            "{} already holds {} of the starter files ({shown}{}); nothing was written",
            target.display(),
            existing.len(),
            if existing.len() > 5 { ", …" } else { "" }
        ));
    }
    for (path, content) in &files {
        let destination = target.join(path);
        crate::atomic::create_new(&destination, content)
            .with_context(|| format!("cannot write {}", destination.display()))?;
    }
    let created_repository = crate::history::init_repository(target)?;
    let mut out = std::io::stdout().lock();
    let count = files.len();
    let what = match minimal {
        true => "a minimal repository (one policy, control, evidence record and risk)",
        false => "the example company",
    };
    writeln!(
        out,
        "Wrote {count} files of {what} to {}.",
        target.display()
    )?;
    if created_repository {
        writeln!(
            out,
            "Initialised a git repository there: its history is the evidence of approval."
        )?;
    }
    let next = match minimal {
        true => {
            "Next: replace every CHANGE ME in crosswalk.toml, then run `crosswalk check`; README.md says what follows."
        }
        false => {
            "Next: edit crosswalk.toml (organisation, people, scope), then run `crosswalk check`."
        }
    };
    writeln!(out, "{next}")?;
    writeln!(
        out,
        "Commit with a trailer naming an approver who is not the author, for example:"
    )?;
    let example = match minimal {
        true => "Approved-by: Jane Doe <ceo@example.com>",
        false => "Approved-by: Priya Natarajan <priya.natarajan@acme.example>",
    };
    writeln!(out, "  git commit -m \"Adopt the ISMS\" -m \"{example}\"")?;
    Ok(ExitCode::SUCCESS)
}
