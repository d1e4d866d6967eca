//! `crosswalk soa`, `matrix`, `gaps`, `trace` and `build`: the documents auditors are handed. What
//! each produces is [`crate::plan`]'s; this module picks the format and writes the bytes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::model::judging::Basis;
use crate::plan::{GapsFormat, Outputs, Progress};
use crate::render;

/// Output format of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceFormat {
    /// Indented text.
    Text,
    /// JSON.
    Json,
}

/// `crosswalk trace`: works on whatever of the repository reads, and says when that is not all.
pub fn trace(
    directory: &Path,
    id: &str,
    format: TraceFormat,
    as_of: Option<jiff::civil::Date>,
) -> Result<ExitCode> {
    let workspace = crate::open(directory)?;
    if !workspace.diagnostics.is_empty() {
        eprintln!(
            "warning: {} file problem(s) keep documents out of the trace (run `crosswalk check`)",
            workspace.diagnostics.len()
        );
    }
    let as_of = crate::plan::judging_date(&workspace.model.root, as_of, Basis::Today)?.date;
    let trace = render::trace::trace(&workspace.model, id, as_of)?;
    let text = match format {
        TraceFormat::Text => render::trace::to_text(&trace),
        TraceFormat::Json => serde_json::to_string_pretty(&trace)? + "\n",
    };
    emit(text.as_bytes(), None)
}

/// `crosswalk gaps`.
pub fn gaps(
    directory: &Path,
    framework: Option<&str>,
    format: GapsFormat,
    point: &super::PointArgs,
) -> Result<ExitCode> {
    emit(&read(directory, point)?.gaps(format, framework)?, None)
}

/// The repository for rendering, now or `--at` a revision.
fn read(directory: &Path, point: &super::PointArgs) -> Result<Outputs> {
    Ok(Outputs::read_at(
        directory,
        point.as_of,
        point.at.as_deref(),
    )?)
}

/// Writes to `out`, atomically, or to standard output.
pub(super) fn emit(bytes: &[u8], out: Option<&Path>) -> Result<ExitCode> {
    match out {
        Some(path) => crate::atomic::write(path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Which table `crosswalk soa` or `crosswalk matrix` renders.
#[derive(Clone, Copy, Debug)]
pub enum Table {
    /// The Statement of Applicability.
    Soa(crate::plan::SoaFormat),
    /// The mapping matrix.
    Matrix(crate::plan::TableFormat),
    /// The risk register, or with `true` the treatment plan.
    Risks(crate::plan::SoaFormat, bool),
    /// The register of nonconformities.
    Nonconformities(crate::plan::SoaFormat),
}

/// The formats `crosswalk export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// NIST OSCAL 1.2.1 JSON.
    Oscal,
}

/// `crosswalk export oscal --model MODEL`.
pub fn export(
    directory: &Path,
    model: crate::plan::OscalModel,
    args: &super::TableArgs,
) -> Result<ExitCode> {
    let outputs = read(directory, &args.point)?;
    emit(&outputs.oscal(model)?, args.out.as_deref())
}

/// `crosswalk soa` and `crosswalk matrix`.
pub fn table(directory: &Path, table: Table, args: &super::TableArgs) -> Result<ExitCode> {
    let outputs = read(directory, &args.point)?;
    let bytes = match table {
        Table::Soa(format) => outputs.soa(format)?,
        Table::Matrix(format) => outputs.matrix(format)?,
        Table::Risks(format, plan) => outputs.risks(format, plan)?,
        Table::Nonconformities(format) => outputs.nonconformities(format)?,
    };
    emit(&bytes, args.out.as_deref())
}

/// `crosswalk build`: every output into `out` (default `out/` at the repository root), with a
/// progress bar on a terminal while the PDFs are typeset. Files are written atomically; nothing
/// else in the folder is touched.
pub fn build(directory: &Path, out: Option<PathBuf>, point: &super::PointArgs) -> Result<ExitCode> {
    let outputs = read(directory, point)?;
    let out = out.unwrap_or_else(|| outputs.root.join("out"));
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} typesetting {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = |step: Progress| match step {
        Progress::Start(count) => bar.set_length(count as u64),
        Progress::Typeset(id) => {
            bar.set_message(id.to_string());
            bar.inc(1);
        }
        Progress::Finish => bar.finish_and_clear(),
        Progress::Degraded(id, why) => bar.suspend(|| {
            eprintln!("warning: {id}: {why}");
        }),
    };
    let files = outputs.build(&progress)?;
    for (name, bytes) in &files {
        let path = out.join(name);
        crate::atomic::write(&path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let pages = files
        .iter()
        .filter(|(name, _)| name.starts_with("site/"))
        .count();
    let mut stdout = std::io::stdout().lock();
    for (name, _) in files.iter().filter(|(name, _)| !name.starts_with("site/")) {
        writeln!(stdout, "wrote {}", out.join(name).display())?;
    }
    writeln!(
        stdout,
        "wrote {} ({pages} pages; open index.html)",
        out.join("site").display()
    )?;
    Ok(ExitCode::SUCCESS)
}
