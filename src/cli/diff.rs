//! `crosswalk diff BASE [HEAD]`: both versions read from git objects into temporary folders (the
//! working tree is not touched), each loaded and checked like `crosswalk check --no-history`, and
//! compared by [`crate::render::diff`].

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::history::snapshot;
use crate::render::diff::{self, Version};

/// Output format of the diff report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Markdown, for a pull request comment.
    Md,
    /// JSON.
    Json,
    /// Plain text.
    Text,
}

/// Runs `crosswalk diff`.
pub fn run(
    directory: &Path,
    base: &str,
    head: &str,
    format: DiffFormat,
    as_of: Option<jiff::civil::Date>,
    out: Option<&Path>,
) -> Result<ExitCode> {
    let root = crate::load::find_root(directory)?;
    let range = snapshot::range(&root, base, head)?;
    let as_of = as_of.unwrap_or(range.head.date);
    let base_dir = tempfile::tempdir().context("cannot create a temporary folder")?;
    let head_dir = tempfile::tempdir().context("cannot create a temporary folder")?;
    let (base_workspace, base_findings) = checked(&root, &range.base, base_dir.path(), as_of)?;
    let (head_workspace, head_findings) = checked(&root, &range.head, head_dir.path(), as_of)?;
    let report = diff::compare(
        &Version {
            workspace: &base_workspace,
            findings: &base_findings,
        },
        &Version {
            workspace: &head_workspace,
            findings: &head_findings,
        },
        &range,
        as_of,
    );
    let text = match format {
        DiffFormat::Md => diff::to_markdown(&report),
        DiffFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        DiffFormat::Text => diff::to_text(&report),
    };
    super::render::emit(text.as_bytes(), out)
}

/// One version: written out of git into `into`, loaded, and checked without history.
fn checked(
    root: &Path,
    revision: &snapshot::Revision,
    into: &Path,
    as_of: jiff::civil::Date,
) -> Result<(crate::Workspace, Vec<crate::diag::Diagnostic>)> {
    snapshot::extract(root, &revision.commit, into)?;
    let options = crate::check::Options {
        as_of,
        history: None,
    };
    let (workspace, findings) = crate::check(into, &options).with_context(|| {
        format!(
            "cannot load {} ({}) as a crosswalk repository",
            revision.name,
            crate::history::short(&revision.commit)
        )
    })?;
    Ok((workspace, findings))
}
