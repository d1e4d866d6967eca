//! `crosswalk diff BASE [HEAD]`: the report [`crate::plan::diff`] makes, in the chosen format.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::render::diff;

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
    let report = crate::plan::diff(directory, base, head, as_of)?;
    let text = match format {
        DiffFormat::Md => diff::to_markdown(&report),
        DiffFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        DiffFormat::Text => diff::to_text(&report),
    };
    super::render::emit(text.as_bytes(), out)
}
