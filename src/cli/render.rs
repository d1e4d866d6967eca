//! `crosswalk soa`, `crosswalk matrix` and `crosswalk build`: the documents auditors are handed.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::Workspace;
use crate::history::Trail;
use crate::history::approval::{Approvers, People, last_approved};
use crate::render::{self, Stamp, Templates};

/// Output format of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// Markdown.
    Md,
    /// CSV.
    Csv,
    /// An Excel workbook.
    Xlsx,
    /// A PDF (the Statement of Applicability only).
    Pdf,
}

/// Output format of the gap analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GapsFormat {
    /// Markdown.
    Md,
    /// JSON.
    Json,
    /// CSV: one row per in-scope requirement.
    Csv,
}

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
    let as_of = as_of.unwrap_or_else(|| jiff::ZonedDateTime::now().date());
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
    as_of: Option<jiff::civil::Date>,
) -> Result<ExitCode> {
    emit(
        &Inputs::read(directory, as_of)?.gaps(format, framework)?,
        None,
    )
}

/// Everything the renderers need, read once.
struct Inputs {
    workspace: Workspace,
    stamp: Stamp,
    templates: Templates,
    trail: Option<Trail>,
    reviewed: HashMap<String, jiff::civil::Date>,
}

impl Inputs {
    /// Loads the repository. Freshness is judged as of `--as-of`, else `SOURCE_DATE_EPOCH`, else
    /// the HEAD commit's date (so the same commit renders the same files), else today.
    fn read(directory: &Path, as_of: Option<jiff::civil::Date>) -> Result<Self> {
        let workspace = crate::open(directory)?;
        if !workspace.diagnostics.is_empty() {
            bail!(
                "{} file problem(s) keep documents out of the model, so the outputs would be incomplete: run `crosswalk check` and fix them first",
                workspace.diagnostics.len()
            );
        }
        let head = crate::history::head(&workspace.model.root);
        let as_of = as_of
            .or(source_date()?)
            .or(head.as_ref().map(|(_, date)| *date))
            .unwrap_or_else(|| jiff::ZonedDateTime::now().date());
        let trail = match head {
            Some(_) => Some(crate::trail(&workspace, None)?),
            None => None,
        };
        let reviewed = trail
            .as_ref()
            .map(|t| reviewed_dates(&workspace, t))
            .unwrap_or_default();
        let templates = Templates::load(&workspace.model.root)?;
        let stamp = Stamp {
            commit: head.map(|(id, _)| id),
            as_of,
        };
        Ok(Inputs {
            workspace,
            stamp,
            templates,
            trail,
            reviewed,
        })
    }

    fn organization(&self) -> &str {
        self.workspace
            .model
            .config
            .as_ref()
            .map_or("", |c| c.data.organization.name.as_str())
    }

    fn soa(&self, format: TableFormat) -> Result<Vec<u8>> {
        let rows = render::soa_rows(&self.workspace.model, self.stamp.as_of);
        if rows.is_empty() {
            bail!("iso27001 is not in scope: there is no Statement of Applicability to render");
        }
        let organization = self.organization();
        let table = render::soa_table(&rows);
        Ok(match format {
            TableFormat::Md => {
                render::soa_markdown(&self.templates, organization, &rows, &self.stamp)?
                    .into_bytes()
            }
            TableFormat::Csv => render::csv::table(&table).into_bytes(),
            TableFormat::Xlsx => {
                let title = format!("Statement of Applicability: {organization}");
                render::xlsx("SoA", &title, &table, self.stamp.as_of)?
            }
            TableFormat::Pdf => {
                let source = render::pdf::soa_source(organization, &table, &self.stamp.line());
                render::pdf::typeset(source, "soa", self.stamp.as_of)?
            }
        })
    }

    /// The matrix's framework column titles and rows.
    fn matrix_rows(&self) -> (Vec<String>, Vec<render::MatrixRow>) {
        let model = &self.workspace.model;
        let frameworks = model.frameworks_in_scope();
        let titles: Vec<String> = frameworks.iter().map(|f| f.title().to_string()).collect();
        let reviewed = |path: &str| self.reviewed.get(path).copied();
        let rows = render::matrix_rows(model, &frameworks, self.stamp.as_of, &reviewed);
        (titles, rows)
    }

    /// What the site and the policy PDFs are made from, given to `render`.
    fn documents<T>(&self, render: impl FnOnce(&render::site::SiteInputs) -> T) -> T {
        let (frameworks, matrix) = self.matrix_rows();
        let soa = render::soa_rows(&self.workspace.model, self.stamp.as_of);
        let gaps = render::gaps::analyse(&self.workspace.model, &matrix);
        render(&render::site::SiteInputs {
            model: &self.workspace.model,
            trail: self.trail.as_ref(),
            stamp: &self.stamp,
            soa: &soa,
            frameworks: &frameworks,
            matrix: &matrix,
            gaps: &gaps,
        })
    }

    /// The gap analysis, restricted to one framework if asked.
    fn gaps(&self, format: GapsFormat, framework: Option<&str>) -> Result<Vec<u8>> {
        let (_, matrix) = self.matrix_rows();
        let mut gaps = render::gaps::analyse(&self.workspace.model, &matrix);
        if let Some(id) = framework {
            if !gaps.frameworks.iter().any(|f| f.id == id) {
                bail!("framework `{id}` is not in scope");
            }
            gaps.frameworks.retain(|f| f.id == id);
            let title = gaps.frameworks[0].title.clone();
            gaps.overlaps.retain(|o| o.framework == title);
        }
        Ok(match format {
            GapsFormat::Md => {
                render::gaps_markdown(&self.templates, self.organization(), &gaps, &self.stamp)?
                    .into_bytes()
            }
            GapsFormat::Json => {
                let mut json = serde_json::to_string_pretty(&gaps)?;
                json.push('\n');
                json.into_bytes()
            }
            GapsFormat::Csv => render::csv::table(&render::gaps_table(&gaps)).into_bytes(),
        })
    }

    /// The HTML site's pages.
    fn site(&self) -> Result<Vec<(String, String)>> {
        Ok(self.documents(|inputs| render::site::pages(&self.templates, inputs))?)
    }

    /// A PDF per policy, with a progress bar on a terminal (typesetting is the slow part).
    fn policy_pdfs(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let count = self.workspace.model.policies.len() as u64;
        let bar = indicatif::ProgressBar::new(count).with_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} typesetting {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let done = |id: &str| {
            bar.set_message(id.to_string());
            bar.inc(1);
        };
        let pdfs = self.documents(|inputs| render::site::policy_pdfs(inputs, &done))?;
        bar.finish_and_clear();
        Ok(pdfs)
    }

    fn matrix(&self, format: TableFormat) -> Result<Vec<u8>> {
        let (titles, rows) = self.matrix_rows();
        let organization = self.organization();
        let table = render::matrix_table(&titles, &rows);
        Ok(match format {
            TableFormat::Md => {
                render::matrix_markdown(&self.templates, organization, &titles, &rows, &self.stamp)?
                    .into_bytes()
            }
            TableFormat::Csv => render::csv::table(&table).into_bytes(),
            TableFormat::Xlsx => {
                let title = format!("Mapping matrix: {organization}");
                render::xlsx("Matrix", &title, &table, self.stamp.as_of)?
            }
            TableFormat::Pdf => bail!(
                "the matrix is rendered as md, csv or xlsx; PDF is for the SoA and the policies"
            ),
        })
    }
}

/// `SOURCE_DATE_EPOCH` as a date, if set.
fn source_date() -> Result<Option<jiff::civil::Date>> {
    let Some(value) = std::env::var_os("SOURCE_DATE_EPOCH") else {
        return Ok(None);
    };
    let seconds: i64 = value
        .to_string_lossy()
        .trim()
        .parse()
        .context("SOURCE_DATE_EPOCH is not a number of seconds")?;
    let timestamp =
        jiff::Timestamp::from_second(seconds).context("SOURCE_DATE_EPOCH is out of range")?;
    Ok(Some(jiff::tz::Offset::UTC.to_datetime(timestamp).date()))
}

/// The date of each control's latest approved change.
fn reviewed_dates(workspace: &Workspace, trail: &Trail) -> HashMap<String, jiff::civil::Date> {
    let model = &workspace.model;
    let Some(config) = &model.config else {
        return HashMap::new();
    };
    let (people, approvers) = (People::new(&config.data), Approvers::new(model));
    model
        .controls
        .iter()
        .filter_map(|c| {
            last_approved(trail, &c.path, &approvers, &people).map(|d| (c.path.clone(), d))
        })
        .collect()
}

/// Writes to `out`, or to standard output.
pub(super) fn emit(bytes: &[u8], out: Option<&Path>) -> Result<ExitCode> {
    match out {
        Some(path) => crate::atomic::write(path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `crosswalk soa`.
pub fn soa(
    directory: &Path,
    format: TableFormat,
    as_of: Option<jiff::civil::Date>,
    out: Option<&Path>,
) -> Result<ExitCode> {
    emit(&Inputs::read(directory, as_of)?.soa(format)?, out)
}

/// `crosswalk matrix`.
pub fn matrix(
    directory: &Path,
    format: TableFormat,
    as_of: Option<jiff::civil::Date>,
    out: Option<&Path>,
) -> Result<ExitCode> {
    emit(&Inputs::read(directory, as_of)?.matrix(format)?, out)
}

/// `crosswalk build`: every output into `out` (default `out/` at the repository root). Files are
/// written atomically; nothing else in the folder is touched.
pub fn build(
    directory: &Path,
    out: Option<PathBuf>,
    as_of: Option<jiff::civil::Date>,
) -> Result<ExitCode> {
    let inputs = Inputs::read(directory, as_of)?;
    let out = out.unwrap_or_else(|| inputs.workspace.model.root.join("out"));
    let formats = [
        ("md", TableFormat::Md),
        ("csv", TableFormat::Csv),
        ("xlsx", TableFormat::Xlsx),
    ];
    let mut files = Vec::new();
    for (extension, format) in formats {
        files.push((format!("matrix.{extension}"), inputs.matrix(format)?));
    }
    if !render::soa_rows(&inputs.workspace.model, inputs.stamp.as_of).is_empty() {
        for (extension, format) in formats {
            files.push((format!("soa.{extension}"), inputs.soa(format)?));
        }
        files.push(("soa.pdf".to_string(), inputs.soa(TableFormat::Pdf)?));
    }
    files.push(("gaps.md".to_string(), inputs.gaps(GapsFormat::Md, None)?));
    for (name, bytes) in inputs.policy_pdfs()? {
        files.push((format!("policies/{name}"), bytes));
    }
    let export = render::export::export(
        &inputs.workspace.model,
        inputs.stamp.commit.as_deref(),
        inputs.stamp.as_of,
    );
    let mut json = serde_json::to_string_pretty(&export)?;
    json.push('\n');
    files.push(("model.json".to_string(), json.into_bytes()));
    for (page, html) in inputs.site()? {
        files.push((format!("site/{page}"), html.into_bytes()));
    }
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
