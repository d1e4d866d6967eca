//! Stage, render: the documents auditors are handed, from the model (and the review trail, where
//! there is one). Never re-reads files.
//!
//! Takes the model, the date freshness is judged as of, and the commit the outputs come from; gives
//! file contents. The Statement of Applicability and the mapping matrix are built as plain view rows
//! ([`SoaRow`], [`MatrixRow`]) and then written as Markdown (through minijinja templates, built in and
//! overridable by a file of the same name in the repository's `templates/` folder) or CSV.

pub mod csv;
mod views;

use std::path::Path;

use minijinja::{Environment, context};
use serde::Serialize;

pub use views::{MatrixRow, SoaRow, matrix_rows, soa_rows};

/// The built-in templates, by name.
const TEMPLATES: [(&str, &str); 2] = [
    ("soa.md", include_str!("templates/soa.md")),
    ("matrix.md", include_str!("templates/matrix.md")),
];

/// Where and when the outputs come from.
#[derive(Clone, Debug, Serialize)]
pub struct Stamp {
    /// The commit rendered, if the repository is in git.
    pub commit: Option<String>,
    /// The date evidence freshness is judged as of.
    pub as_of: jiff::civil::Date,
}

impl Stamp {
    fn line(&self) -> String {
        match &self.commit {
            Some(commit) => format!(
                "Rendered by crosswalk from commit {commit}; evidence judged as of {}.",
                self.as_of
            ),
            None => format!(
                "Rendered by crosswalk from an uncommitted tree; evidence judged as of {}.",
                self.as_of
            ),
        }
    }
}

/// Failures of rendering (a broken override template, say).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed to parse or render.
    #[error("template {name}: {source:#}")]
    Template {
        /// The template's name.
        name: String,
        /// What minijinja said.
        source: minijinja::Error,
    },
    /// An override template could not be read.
    #[error("cannot read templates/{0}: {1}")]
    Io(String, std::io::Error),
}

/// The templates: built in, each replaced by `templates/NAME` in the repository when present.
pub struct Templates {
    environment: Environment<'static>,
}

impl Templates {
    /// Loads the built-in templates and the repository's overrides.
    pub fn load(root: &Path) -> Result<Self, RenderError> {
        let mut environment = Environment::new();
        environment.add_filter("cell", markdown_cell);
        for (name, built_in) in TEMPLATES {
            let path = root.join("templates").join(name);
            let source = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => built_in.to_string(),
                Err(e) => return Err(RenderError::Io(name.to_string(), e)),
            };
            environment
                .add_template_owned(name, source)
                .map_err(|source| RenderError::Template {
                    name: name.to_string(),
                    source,
                })?;
        }
        Ok(Templates { environment })
    }

    fn render(&self, name: &str, context: minijinja::Value) -> Result<String, RenderError> {
        let error = |source| RenderError::Template {
            name: name.to_string(),
            source,
        };
        let mut text = self
            .environment
            .get_template(name)
            .map_err(error)?
            .render(context)
            .map_err(error)?;
        text.push('\n');
        Ok(text)
    }
}

/// A Markdown table cell: pipes escaped, line breaks folded.
fn markdown_cell(text: String) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// The Statement of Applicability as Markdown.
pub fn soa_markdown(
    templates: &Templates,
    organization: &str,
    rows: &[SoaRow],
    stamp: &Stamp,
) -> Result<String, RenderError> {
    let applicable = rows.iter().filter(|r| r.applicable).count();
    templates.render(
        "soa.md",
        context! {
            organization,
            framework => "ISO/IEC 27001:2022",
            rows,
            applicable,
            excluded => rows.len() - applicable,
            stamp => stamp.line(),
        },
    )
}

/// The Statement of Applicability as CSV.
pub fn soa_csv(rows: &[SoaRow]) -> String {
    let header = [
        "control",
        "title",
        "theme",
        "applicable",
        "justification",
        "implemented by",
        "status",
        "latest evidence",
    ];
    let records = rows.iter().map(|r| {
        vec![
            r.id.clone(),
            r.title.clone(),
            r.theme.clone(),
            if r.applicable { "yes" } else { "no" }.to_string(),
            r.justification.clone(),
            r.controls.join(", "),
            r.status.clone(),
            r.evidence.clone(),
        ]
    });
    csv::write(&header.map(String::from), records)
}

/// The mapping matrix as Markdown; `frameworks` are the titles of the requirement columns.
pub fn matrix_markdown(
    templates: &Templates,
    organization: &str,
    frameworks: &[String],
    rows: &[MatrixRow],
    stamp: &Stamp,
) -> Result<String, RenderError> {
    templates.render(
        "matrix.md",
        context! { organization, frameworks, rows, stamp => stamp.line() },
    )
}

/// The mapping matrix as CSV.
pub fn matrix_csv(frameworks: &[String], rows: &[MatrixRow]) -> String {
    let mut header = vec!["control".to_string(), "title".to_string()];
    header.extend(frameworks.iter().cloned());
    header.extend(["evidence", "gap", "status", "owner", "reviewed"].map(String::from));
    let records = rows.iter().map(|r| {
        let mut record = vec![r.id.clone(), r.title.clone()];
        record.extend(r.requirements.iter().map(|ids| ids.join(", ")));
        record.extend([
            r.evidence.clone(),
            r.gap.clone(),
            r.status.clone(),
            r.owner.clone(),
            r.reviewed.clone(),
        ]);
        record
    });
    csv::write(&header, records)
}
