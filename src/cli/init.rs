//! `crosswalk init DIR`: write the example company as a starter repository.
//!
//! The content is the project's own example (`crosswalk.toml`, `policies/`, `controls/`, `evidence/`,
//! `risks/`), embedded in the binary. Nothing that exists is overwritten: if any file would be,
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

/// Writes the starter repository into `target`.
pub fn run(target: &Path) -> Result<ExitCode> {
    let files = starter_files();
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
    writeln!(
        out,
        "Wrote {count} files of the example company to {}.",
        target.display()
    )?;
    if created_repository {
        writeln!(
            out,
            "Initialised a git repository there: its history is the evidence of approval."
        )?;
    }
    writeln!(
        out,
        "Next: edit crosswalk.toml (organisation, people, scope), then run `crosswalk check`."
    )?;
    writeln!(
        out,
        "Commit with a trailer naming an approver who is not the author, for example:"
    )?;
    writeln!(
        out,
        "  git commit -m \"Adopt the ISMS\" -m \"Approved-by: Priya Natarajan <priya.natarajan@acme.example>\""
    )?;
    Ok(ExitCode::SUCCESS)
}
