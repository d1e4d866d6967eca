//! Orchestration: what each command reads and produces, as library code the CLI only executes.
//!
//! [`judging_date`] gathers what the judging-date rule ([`crate::model::judging`]) reads (the flag,
//! `SOURCE_DATE_EPOCH`, the HEAD commit, the clock). [`Outputs`] reads a repository once for the
//! rendering commands and gives each output's bytes; [`Outputs::build`] is the list of files
//! `crosswalk build` writes. [`diff`] reads two revisions out of git and compares them. Nothing here
//! prints or writes files: the CLI does, atomically.

use std::collections::HashMap;
use std::path::Path;

use crate::Workspace;
use crate::diag::Diagnostic;
use crate::history::Trail;
use crate::history::approval::last_approved;
use crate::history::snapshot;
use crate::model::judging::{self, Basis, DateInputs, JudgingDate};
use crate::render::{self, Stamp, Templates};

pub mod bundle;

/// Failures that stop a command (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The repository could not be loaded.
    #[error(transparent)]
    Load(#[from] crate::load::LoadError),
    /// The git history could not be read.
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
    /// An output could not be rendered.
    #[error(transparent)]
    Render(#[from] render::RenderError),
    /// JSON could not be written.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// The request cannot be met as asked: the message says why and what to do.
    #[error("{0}")]
    Refused(String),
}

/// The judging date of a command run in the repository at `root`.
pub fn judging_date(
    root: &Path,
    flag: Option<jiff::civil::Date>,
    basis: Basis,
) -> Result<JudgingDate, PlanError> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let head = match (flag, basis) {
        (None, Basis::Reproducible) => crate::history::head(root).map(|(_, date)| date),
        _ => None,
    };
    let inputs = DateInputs {
        flag,
        source_date_epoch: epoch.as_deref(),
        head,
        today: jiff::ZonedDateTime::now().date(),
    };
    judging::resolve(basis, inputs).map_err(PlanError::Refused)
}

/// Output format of the mapping matrix (and of the SoA, with [`SoaFormat`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// Markdown.
    Md,
    /// CSV.
    Csv,
    /// An Excel workbook.
    Xlsx,
    /// JSON: the rows with every field typed, the headline, the judging date and the commit.
    Json,
}

/// Output format of the Statement of Applicability: a table format, or PDF.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SoaFormat {
    /// Markdown.
    Md,
    /// CSV.
    Csv,
    /// An Excel workbook.
    Xlsx,
    /// JSON: the rows with every field typed, the headline, the judging date and the commit.
    Json,
    /// A typeset PDF.
    Pdf,
}

impl SoaFormat {
    /// The table format, or `None` for PDF.
    fn table(self) -> Option<TableFormat> {
        match self {
            SoaFormat::Md => Some(TableFormat::Md),
            SoaFormat::Csv => Some(TableFormat::Csv),
            SoaFormat::Xlsx => Some(TableFormat::Xlsx),
            SoaFormat::Json => Some(TableFormat::Json),
            SoaFormat::Pdf => None,
        }
    }
}

/// A register's outputs: what its PDF and Markdown show, and its sheets and JSON.
struct Report<'a> {
    title: &'a str,
    /// The PDF's identifier, for reproducible bytes.
    ident: &'a str,
    intro: Vec<String>,
    figures: Vec<String>,
    /// The table the PDF and the Markdown show (the sheets may have more columns).
    summary: render::Table,
    /// typst column widths of the summary.
    columns: &'a [&'a str],
    sheets: &'a [(&'a str, &'a render::Table)],
    json: &'a dyn Fn() -> serde_json::Value,
}

/// What a table is made into, by format.
struct Table<'a> {
    markdown: &'a dyn Fn() -> Result<String, render::RenderError>,
    json: &'a dyn Fn() -> serde_json::Value,
    title: &'a str,
    sheets: &'a [(&'a str, &'a render::Table)],
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

/// The OSCAL models `crosswalk export oscal` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OscalModel {
    /// A component definition: each control and the requirements it implements.
    ComponentDefinition,
    /// A system security plan: the ISMS as the system, the controls as its components.
    Ssp,
}

/// Everything the renderers need, read once.
pub struct Outputs {
    /// The repository.
    pub workspace: Workspace,
    /// The commit rendered and the judging date.
    pub stamp: Stamp,
    /// The repository's root in the working tree (where `out/` goes), also with `--at`.
    pub root: std::path::PathBuf,
    templates: Templates,
    trail: Option<Trail>,
    reviewed: HashMap<String, jiff::civil::Date>,
    /// With `--at`, the folder the revision's tree was written to, kept while the outputs live.
    _snapshot: Option<tempfile::TempDir>,
}

impl Outputs {
    /// Loads the repository for rendering, judged reproducibly (see [`crate::model::judging`]).
    /// Refuses a repository whose files do not all read: partial outputs would mislead an auditor.
    pub fn read(directory: &Path, as_of: Option<jiff::civil::Date>) -> Result<Self, PlanError> {
        Self::read_at(directory, as_of, None)
    }

    /// Like [`Outputs::read`], or with `at` the repository as it stood at a tag, commit or date
    /// ([`snapshot::resolve_at`]): its tree written out of git into a temporary folder (the working
    /// tree untouched), its own templates, the history of that commit's ancestors, freshness judged
    /// as of that commit's date unless `as_of` says otherwise, and every output stamped with it.
    pub fn read_at(
        directory: &Path,
        as_of: Option<jiff::civil::Date>,
        at: Option<&str>,
    ) -> Result<Self, PlanError> {
        let root = crate::load::find_root(directory)?;
        match at {
            None => {
                let workspace = crate::open(&root)?;
                let head = crate::history::head(&root);
                Self::assemble(
                    root,
                    workspace,
                    head,
                    None,
                    Basis::Reproducible,
                    as_of,
                    None,
                )
            }
            Some(at) => {
                let revision = snapshot::resolve_at(&root, at)?;
                let label = revision.name.clone();
                Self::read_revision(&root, &revision, as_of, label)
            }
        }
    }

    /// The repository at a resolved revision, its outputs stamped "as it stood at `label`".
    pub fn read_revision(
        root: &Path,
        revision: &snapshot::Revision,
        as_of: Option<jiff::civil::Date>,
        label: String,
    ) -> Result<Self, PlanError> {
        let folder = tempfile::tempdir()
            .map_err(|e| PlanError::Refused(format!("cannot create a temporary folder: {e}")))?;
        snapshot::extract(root, &revision.commit, folder.path())?;
        let workspace = crate::open(folder.path()).map_err(|e| {
            PlanError::Refused(format!(
                "{} ({}) is not a crosswalk repository: {e}",
                revision.name,
                crate::history::short(&revision.commit)
            ))
        })?;
        let head = Some((revision.commit.clone(), revision.date));
        Self::assemble(
            root.to_path_buf(),
            workspace,
            head,
            Some(folder),
            Basis::Commit(revision.date),
            as_of,
            Some(label),
        )
    }

    fn assemble(
        root: std::path::PathBuf,
        workspace: Workspace,
        head: Option<(String, jiff::civil::Date)>,
        snapshot: Option<tempfile::TempDir>,
        basis: Basis,
        as_of: Option<jiff::civil::Date>,
        named: Option<String>,
    ) -> Result<Self, PlanError> {
        if !workspace.diagnostics.is_empty() {
            return Err(PlanError::Refused(format!(
                "{} file problem(s) keep documents out of the model, so the outputs would be incomplete: run `crosswalk check` and fix them first",
                workspace.diagnostics.len()
            )));
        }
        let as_of = judging_date(&root, as_of, basis)?.date;
        let trail = match (&head, &snapshot) {
            (None, _) => None,
            (Some(_), None) => Some(crate::trail(&workspace, None)?),
            (Some((commit, _)), Some(_)) => Some(crate::trail_at(&workspace, &root, commit)?),
        };
        let reviewed = trail
            .as_ref()
            .map(|t| reviewed_dates(&workspace, t, as_of))
            .unwrap_or_default();
        let templates = Templates::load(&workspace.model.root)?;
        let stamp = Stamp {
            commit: head.map(|(id, _)| id),
            as_of,
            at: named,
        };
        Ok(Outputs {
            workspace,
            stamp,
            root,
            templates,
            trail,
            reviewed,
            _snapshot: snapshot,
        })
    }

    /// How every control operated as of the judging date.
    fn operations(&self) -> crate::model::Operations<'_> {
        self.workspace.model.operations(self.stamp.as_of)
    }

    fn organization(&self) -> &str {
        self.workspace
            .model
            .config
            .as_ref()
            .map_or("", |c| c.data.organization.name.as_str())
    }

    /// An OSCAL export.
    pub fn oscal(&self, model: OscalModel) -> Result<Vec<u8>, PlanError> {
        let operations = self.operations();
        let organization = self.organization();
        let value = match model {
            OscalModel::ComponentDefinition => {
                render::oscal::component_definition(&operations, &self.stamp, organization)
            }
            OscalModel::Ssp => render::oscal::ssp(&operations, &self.stamp, organization),
        };
        let mut text = serde_json::to_string_pretty(&value)?;
        text.push('\n');
        Ok(text.into_bytes())
    }

    /// The Statement of Applicability.
    pub fn soa(&self, format: SoaFormat) -> Result<Vec<u8>, PlanError> {
        let rows = render::soa_rows(&self.operations());
        if rows.is_empty() {
            return Err(PlanError::Refused(
                "iso27001 is not in scope: there is no Statement of Applicability to render".into(),
            ));
        }
        let organization = self.organization();
        let table = render::soa_table(&rows);
        let headline = render::soa_headline(&rows);
        let version = render::soa_version(&self.workspace.model, self.trail.as_ref());
        let Some(format) = format.table() else {
            let source = render::pdf::soa_source(
                organization,
                &table,
                &headline,
                &version,
                &self.stamp.line(),
            );
            return Ok(render::pdf::typeset(source, "soa", self.stamp.as_of)?);
        };
        let markdown =
            || render::soa_markdown(&self.templates, organization, &rows, &version, &self.stamp);
        let json = || serde_json::json!({ "headline": headline, "version": version, "rows": rows });
        self.table_output(
            format,
            Table {
                markdown: &markdown,
                json: &json,
                title: "Statement of Applicability",
                sheets: &[("SoA", &table)],
            },
        )
    }

    /// The risk register, its heat maps and the treatment plan, as of the judging date.
    fn register(&self) -> render::risks::Register {
        render::risks::register(&self.operations(), self.trail.as_ref())
    }

    /// The risk register (or, with `plan`, the risk treatment plan): Markdown, CSV, XLSX (the
    /// register and the plan as two worksheets), JSON, or a landscape PDF with the heat maps.
    pub fn risks(&self, format: SoaFormat, plan: bool) -> Result<Vec<u8>, PlanError> {
        let register = self.register();
        let table = render::risks::register_table(&register);
        let plan_table = render::risks::plan_table(&register);
        let (title, ident, summary, figures, sheets) = match plan {
            false => (
                "Risk register",
                "risks",
                render::risks::register_summary(&register),
                render::risks::heat_maps(&register),
                [("Register", &table), ("Treatment plan", &plan_table)],
            ),
            true => (
                "Risk treatment plan",
                "risk-treatment-plan",
                render::risks::plan_summary(&register),
                Vec::new(),
                [("Treatment plan", &plan_table), ("Register", &table)],
            ),
        };
        let json = || serde_json::json!({ "headline": register.headline, "register": register });
        self.report_output(
            format,
            Report {
                title,
                ident,
                intro: render::risks::intro(&register, plan),
                figures,
                summary,
                columns: &[
                    "auto", "1.6fr", "1fr", "auto", "auto", "1fr", "auto", "auto", "1.2fr",
                ],
                sheets: &sheets,
                json: &json,
            },
        )
    }

    /// The register of nonconformities: Markdown, CSV, XLSX, JSON, or a landscape PDF.
    pub fn nonconformities(&self, format: SoaFormat) -> Result<Vec<u8>, PlanError> {
        let rows = render::nonconformities::rows(&self.workspace.model, self.stamp.as_of);
        let table = render::nonconformities::table(&rows);
        let headline = render::nonconformities::headline(&rows);
        let json = || serde_json::json!({ "headline": headline, "rows": rows });
        self.report_output(
            format,
            Report {
                title: "Register of nonconformities",
                ident: "nonconformities",
                intro: render::nonconformities::intro(&rows, self.stamp.as_of),
                figures: Vec::new(),
                summary: render::nonconformities::summary(&table),
                columns: &[
                    "auto", "1.4fr", "auto", "auto", "auto", "0.8fr", "0.8fr", "auto", "1.6fr",
                    "auto", "auto", "0.8fr", "auto",
                ],
                sheets: &[("Nonconformities", &table)],
                json: &json,
            },
        )
    }

    /// A register as a landscape PDF (title, intro, figures, the summary table) or as a table
    /// format: Markdown (the same title, intro and summary), CSV, XLSX or JSON.
    fn report_output(&self, format: SoaFormat, report: Report<'_>) -> Result<Vec<u8>, PlanError> {
        let organization = self.organization();
        let stamp = self.stamp.line();
        let Some(format) = format.table() else {
            let source = render::pdf::report_source(&render::pdf::ReportPdf {
                organization,
                title: report.title,
                intro: &report.intro,
                figures: &report.figures,
                table: &report.summary,
                columns: report.columns,
                stamp: &stamp,
            });
            return Ok(render::pdf::typeset(
                source,
                report.ident,
                self.stamp.as_of,
            )?);
        };
        let markdown = || {
            Ok(render::report_markdown(
                report.title,
                organization,
                &report.intro,
                &report.summary,
                &stamp,
            ))
        };
        self.table_output(
            format,
            Table {
                markdown: &markdown,
                json: report.json,
                title: report.title,
                sheets: report.sheets,
            },
        )
    }

    /// A table in Markdown (from its template), CSV (the first sheet), XLSX (a worksheet per
    /// sheet, the workbook titled `title: organisation`) or JSON (the typed rows, with the
    /// organisation, the judging date and the commit).
    fn table_output(&self, format: TableFormat, table: Table<'_>) -> Result<Vec<u8>, PlanError> {
        Ok(match format {
            TableFormat::Md => (table.markdown)()?.into_bytes(),
            TableFormat::Csv => render::csv::table(table.sheets[0].1).into_bytes(),
            TableFormat::Xlsx => {
                let title = format!("{}: {}", table.title, self.organization());
                render::xlsx(table.sheets, &title, self.stamp.as_of)?
            }
            TableFormat::Json => {
                let mut json = (table.json)();
                json["title"] = table.title.into();
                json["organization"] = self.organization().into();
                json["as_of"] = self.stamp.as_of.to_string().into();
                json["commit"] = self.stamp.commit.clone().into();
                let mut text = serde_json::to_string_pretty(&json)?;
                text.push('\n');
                text.into_bytes()
            }
        })
    }

    /// The matrix's framework column titles and rows.
    fn matrix_rows(&self) -> (Vec<String>, Vec<render::MatrixRow>) {
        let model = &self.workspace.model;
        let frameworks = model.frameworks_in_scope();
        let titles: Vec<String> = frameworks.iter().map(|f| f.title().to_string()).collect();
        let reviewed = |path: &str| self.reviewed.get(path).copied();
        let rows = render::matrix_rows(&self.operations(), &frameworks, &reviewed);
        (titles, rows)
    }

    /// What the site and the policy PDFs are made from, given to `render`.
    fn documents<T>(&self, render: impl FnOnce(&render::site::SiteInputs) -> T) -> T {
        self.documents_with(false, render)
    }

    /// The open findings (every rule, history included, as of the judging date) and the change
    /// log of the window (the SOC 2 observation window when there is one, else all history up to
    /// the judging date), for the site.
    fn records(&self) -> (Vec<render::site::FindingView>, render::site::ChangeLog) {
        let model = &self.workspace.model;
        let mut files = self.workspace.files.clone();
        let empty = Trail::default();
        let trail = self.trail.as_ref().unwrap_or(&empty);
        let findings = crate::check::run_on_trail(model, &mut files, trail, self.stamp.as_of);
        let views = render::site::finding_views(&files, &findings);
        let window = model
            .scope("soc2")
            .and_then(|s| s.observation.as_ref().map(|w| *w.get_ref()));
        let since = window.map(|w| w.start.0);
        let until = Some(window.map_or(self.stamp.as_of, |w| w.end.0.min(self.stamp.as_of)));
        let population = population(&self.workspace, trail, since, until);
        let log = render::site::ChangeLog {
            since: since.map_or("the first commit".to_string(), |d| d.to_string()),
            until: until.map_or(String::new(), |d| d.to_string()),
            rows: population.rows,
            reconciliation: population.reconciliation,
            digest: population.digest,
        };
        (views, log)
    }

    fn documents_with<T>(
        &self,
        with_records: bool,
        render: impl FnOnce(&render::site::SiteInputs) -> T,
    ) -> T {
        let (frameworks, matrix) = self.matrix_rows();
        let operations = self.operations();
        let soa = render::soa_rows(&operations);
        let gaps = render::gaps::analyse(&operations, &matrix);
        let register = self.register();
        let (findings, changes) = match with_records {
            true => {
                let (findings, log) = self.records();
                (findings, Some(log))
            }
            false => (Vec::new(), None),
        };
        render(&render::site::SiteInputs {
            findings: &findings,
            changes: changes.as_ref(),
            register: &register,
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
    pub fn gaps(&self, format: GapsFormat, framework: Option<&str>) -> Result<Vec<u8>, PlanError> {
        let (_, matrix) = self.matrix_rows();
        let mut gaps = render::gaps::analyse(&self.operations(), &matrix);
        if let Some(id) = framework {
            if !gaps.frameworks.iter().any(|f| f.id == id) {
                return Err(PlanError::Refused(format!(
                    "framework `{id}` is not in scope"
                )));
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

    /// The mapping matrix.
    pub fn matrix(&self, format: TableFormat) -> Result<Vec<u8>, PlanError> {
        let (titles, rows) = self.matrix_rows();
        let organization = self.organization();
        let operations = self.operations();
        let headline = render::coverage_headline(&operations);
        let table = render::matrix_table(&titles, &rows);
        let timeline = render::timeline_table(&render::timeline_rows(&operations));
        let markdown = || {
            render::matrix_markdown(
                &self.templates,
                organization,
                &titles,
                &rows,
                &headline,
                &self.stamp,
            )
        };
        let json = || {
            serde_json::json!({
                "frameworks": titles,
                "headline": headline,
                "rows": rows,
                "timeline": render::timeline_rows(&operations),
            })
        };
        self.table_output(
            format,
            Table {
                markdown: &markdown,
                json: &json,
                title: "Mapping matrix",
                sheets: &[("Matrix", &table), ("Timeline", &timeline)],
            },
        )
    }

    /// Every file `crosswalk build` writes, by path relative to the output folder, in the order
    /// written. `progress` is told the id of each policy PDF as it is typeset (the slow part).
    pub fn build(&self, progress: &dyn Fn(Progress)) -> Result<Vec<(String, Vec<u8>)>, PlanError> {
        let formats = [
            ("md", TableFormat::Md),
            ("csv", TableFormat::Csv),
            ("xlsx", TableFormat::Xlsx),
        ];
        let mut files = Vec::new();
        for (extension, format) in formats {
            files.push((format!("matrix.{extension}"), self.matrix(format)?));
        }
        if !render::soa_rows(&self.operations()).is_empty() {
            for (extension, format) in [
                ("md", SoaFormat::Md),
                ("csv", SoaFormat::Csv),
                ("xlsx", SoaFormat::Xlsx),
            ] {
                files.push((format!("soa.{extension}"), self.soa(format)?));
            }
            files.push(("soa.pdf".to_string(), self.soa(SoaFormat::Pdf)?));
        }
        files.push(("gaps.md".to_string(), self.gaps(GapsFormat::Md, None)?));
        for (name, format, plan) in [
            ("risks.csv", SoaFormat::Csv, false),
            ("risks.xlsx", SoaFormat::Xlsx, false),
            ("risks.pdf", SoaFormat::Pdf, false),
            ("risk-treatment-plan.csv", SoaFormat::Csv, true),
            ("risk-treatment-plan.pdf", SoaFormat::Pdf, true),
        ] {
            files.push((name.to_string(), self.risks(format, plan)?));
        }
        files.push((
            "nonconformities.csv".to_string(),
            self.nonconformities(SoaFormat::Csv)?,
        ));
        files.push((
            "nonconformities.pdf".to_string(),
            self.nonconformities(SoaFormat::Pdf)?,
        ));
        progress(Progress::Start(self.workspace.model.policies.len()));
        let done = |id: &str| progress(Progress::Typeset(id));
        let degraded = |id: &str, why: &str| progress(Progress::Degraded(id, why));
        let pdfs = self.documents(|inputs| render::site::policy_pdfs(inputs, &done, &degraded))?;
        progress(Progress::Finish);
        for (name, bytes) in pdfs {
            files.push((format!("policies/{name}"), bytes));
        }
        let export = render::export::export(
            &self.workspace.model,
            self.stamp.commit.as_deref(),
            self.stamp.as_of,
        );
        let mut json = serde_json::to_string_pretty(&export)?;
        json.push('\n');
        files.push(("model.json".to_string(), json.into_bytes()));
        let pages =
            self.documents_with(true, |inputs| render::site::pages(&self.templates, inputs))?;
        for (page, html) in pages {
            files.push((format!("site/{page}"), html.into_bytes()));
        }
        // Each evidence page links its attachments: copies beside the site, regular files only (a
        // missing or linked attachment is CW030/CW031 and is not copied).
        let model = &self.workspace.model;
        let mut attachments = std::collections::BTreeSet::new();
        for record in &model.evidence {
            for attachment in &record.data.attachments {
                if let Some(path) =
                    crate::model::attachment_path(&record.path, attachment.path.get_ref())
                {
                    attachments.insert(path);
                }
            }
        }
        for path in attachments {
            if let Ok(bytes) = read_regular(&model.root, &path) {
                files.push((format!("site/attachments/{path}"), bytes));
            }
        }
        Ok(files)
    }
}

/// The change population of a window (the SOC 2 Type II population): every change to a
/// compliance file whose commit reached the mainline in the window, in the order history made them,
/// with its reconciliation.
pub struct Population {
    /// The changes.
    pub rows: Vec<crate::history::report::TrailRow>,
    /// The changes as a table.
    pub table: render::Table,
    /// The table as CSV.
    pub csv: String,
    /// What was asked and how history was read.
    pub query: serde_json::Value,
    /// How the changes were approved.
    pub reconciliation: crate::history::report::Reconciliation,
    /// The SHA-256 of the CSV.
    pub digest: String,
}

/// The change population of `since` to `until` (either open).
pub fn population(
    workspace: &Workspace,
    trail: &Trail,
    since: Option<jiff::civil::Date>,
    until: Option<jiff::civil::Date>,
) -> Population {
    use crate::history::Commit;
    // A commit is in the window by the date it reached the mainline, which never goes back along
    // the mainline, so a backdated commit cannot leave the population.
    let in_window = |commit: &Commit| {
        since.is_none_or(|s| commit.date >= s) && until.is_none_or(|u| commit.date <= u)
    };
    let model = &workspace.model;
    let mut rows = crate::history::report::trail_rows(model, trail, |_| true, in_window);
    // The population in the order history made it (parents before children), not by the dates
    // commits claim.
    rows.sort_by(|a, b| a.order.cmp(&b.order).then(a.path.cmp(&b.path)));
    let table = render::trail_table(&rows);
    let csv = render::csv::table(&table);
    let config = model.config.as_ref().map(|c| &c.data);
    let query = serde_json::json!({
        "since": since.map(|d| d.to_string()),
        "until": until.map(|d| d.to_string()),
        "head": trail.head,
        "window_start": config.and_then(|c| c.judged_since()).map(|d| d.to_string()),
        "merged_pull_requests": config.is_some_and(|c| c.history.merged_pull_requests == crate::model::MergedPullRequests::Approved),
        "require_signed": config.is_some_and(|c| c.history.require_signed),
    });
    let reconciliation = crate::history::report::reconcile(trail, model, in_window);
    let digest = render::sha256_hex(csv.as_bytes());
    Population {
        rows,
        table,
        csv,
        query,
        reconciliation,
        digest,
    }
}

/// A regular file's bytes, from inside the repository only: a symbolic link, or a path through a
/// linked folder that leads outside the root, is refused, so no output carries what lies outside
/// the repository.
fn read_regular(root: &Path, path: &str) -> Result<Vec<u8>, PlanError> {
    let full = root.join(path);
    let refuse = |why: String| PlanError::Refused(format!("cannot read `{path}`: {why}"));
    let metadata = std::fs::symlink_metadata(&full).map_err(|e| refuse(e.to_string()))?;
    if !metadata.is_file() {
        return Err(refuse(
            "it is not a regular file (a symbolic link or a folder): run `crosswalk check`".into(),
        ));
    }
    let real = full.canonicalize().map_err(|e| refuse(e.to_string()))?;
    let inside = root.canonicalize().is_ok_and(|root| real.starts_with(root));
    if !inside {
        return Err(refuse(
            "it lies outside the repository (through a linked folder): run `crosswalk check`"
                .into(),
        ));
    }
    std::fs::read(&full).map_err(|e| refuse(e.to_string()))
}

/// How far [`Outputs::build`] has come.
#[derive(Clone, Copy, Debug)]
pub enum Progress<'a> {
    /// Typesetting begins: this many policy PDFs.
    Start(usize),
    /// The PDF of this policy is typeset.
    Typeset(&'a str),
    /// Typesetting is done.
    Finish,
    /// The PDF of this policy could not be typeset as written and was made plainer (the reason):
    /// a warning, and every other document still builds.
    Degraded(&'a str, &'a str),
}

/// The date of each control's latest approved change.
fn reviewed_dates(
    workspace: &Workspace,
    trail: &Trail,
    as_of: jiff::civil::Date,
) -> HashMap<String, jiff::civil::Date> {
    workspace
        .model
        .controls
        .iter()
        .filter_map(|c| last_approved(trail, &c.path, as_of).map(|d| (c.path.clone(), d)))
        .collect()
}

/// `crosswalk diff`: both versions written out of git into temporary folders (the working tree is
/// not touched), each loaded and checked like `crosswalk check --no-history` as of one judging date
/// (the head commit's, unless `as_of` is given), and compared.
pub fn diff(
    directory: &Path,
    base: &str,
    head: &str,
    as_of: Option<jiff::civil::Date>,
) -> Result<render::diff::DiffReport, PlanError> {
    let root = crate::load::find_root(directory)?;
    let range = snapshot::range(&root, base, head)?;
    let as_of = judging_date(&root, as_of, Basis::Commit(range.head.date))?.date;
    let folder = || {
        tempfile::tempdir()
            .map_err(|e| PlanError::Refused(format!("cannot create a temporary folder: {e}")))
    };
    let (base_dir, head_dir) = (folder()?, folder()?);
    // Identities are recognised by `[people]` as this repository has it now, as in `check`.
    let identities: Option<crate::model::Config> =
        std::fs::read_to_string(root.join(crate::load::CONFIG_FILE))
            .ok()
            .and_then(|text| toml::from_str(&text).ok());
    let (base_workspace, base_findings) = checked(&root, &range.base, base_dir.path(), as_of)?;
    let (head_workspace, head_findings) = checked(&root, &range.head, head_dir.path(), as_of)?;
    Ok(render::diff::compare(
        &render::diff::Version {
            workspace: &base_workspace,
            findings: &base_findings,
        },
        &render::diff::Version {
            workspace: &head_workspace,
            findings: &head_findings,
        },
        &range,
        as_of,
        identities.as_ref(),
    ))
}

/// One version: written out of git into `into`, loaded, and checked without history.
fn checked(
    root: &Path,
    revision: &snapshot::Revision,
    into: &Path,
    as_of: jiff::civil::Date,
) -> Result<(Workspace, Vec<Diagnostic>), PlanError> {
    snapshot::extract(root, &revision.commit, into)?;
    let options = crate::check::Options {
        as_of,
        history: None,
        hints: true,
    };
    crate::check(into, &options).map_err(|e| {
        PlanError::Refused(format!(
            "cannot load {} ({}) as a crosswalk repository: {e}",
            revision.name,
            crate::history::short(&revision.commit)
        ))
    })
}
