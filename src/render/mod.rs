//! Stage 5, render: the documents auditors are handed, from the model (and the review trail, where
//! there is one). Never re-reads files.
//!
//! Takes the model, the date freshness is judged as of, and the commit the outputs come from; gives
//! file contents. The Statement of Applicability and the mapping matrix are built as plain view rows
//! ([`SoaRow`], [`MatrixRow`]) and then written as Markdown (through minijinja templates, built in and
//! overridable by a file of the same name in the repository's `templates/` folder) or CSV.

pub mod csv;
pub mod diff;
pub mod export;
pub mod gaps;
pub mod markdown;
pub mod nonconformities;
pub mod oscal;
pub mod pdf;
pub mod risks;
pub mod site;
pub mod trace;
mod views;
mod xlsx;

use std::path::Path;

use minijinja::{Environment, context};
use serde::Serialize;

pub use views::{
    MatrixRow, SoaRow, TimelineCell, TimelineRow, matrix_rows, soa_rows, timeline_rows,
};
pub use xlsx::xlsx;

/// The built-in templates, by name.
const TEMPLATES: [(&str, &str); 17] = [
    ("soa.md", include_str!("templates/soa.md")),
    ("matrix.md", include_str!("templates/matrix.md")),
    ("gaps.md", include_str!("templates/gaps.md")),
    ("site/base.html", include_str!("templates/site/base.html")),
    ("site/index.html", include_str!("templates/site/index.html")),
    (
        "site/policy.html",
        include_str!("templates/site/policy.html"),
    ),
    (
        "site/control.html",
        include_str!("templates/site/control.html"),
    ),
    ("site/soa.html", include_str!("templates/site/soa.html")),
    (
        "site/matrix.html",
        include_str!("templates/site/matrix.html"),
    ),
    ("site/gaps.html", include_str!("templates/site/gaps.html")),
    ("site/risks.html", include_str!("templates/site/risks.html")),
    (
        "site/nonconformities.html",
        include_str!("templates/site/nonconformities.html"),
    ),
    (
        "site/findings.html",
        include_str!("templates/site/findings.html"),
    ),
    (
        "site/changes.html",
        include_str!("templates/site/changes.html"),
    ),
    (
        "site/evidence.html",
        include_str!("templates/site/evidence.html"),
    ),
    (
        "site/treatment-plan.html",
        include_str!("templates/site/treatment-plan.html"),
    ),
    (
        "site/timeline.html",
        include_str!("templates/site/timeline.html"),
    ),
];

/// Where and when the outputs come from.
#[derive(Clone, Debug, Serialize)]
pub struct Stamp {
    /// The commit rendered, if the repository is in git.
    pub commit: Option<String>,
    /// The date evidence freshness is judged as of.
    pub as_of: jiff::civil::Date,
    /// What `--at` named, when the outputs are the repository as it stood at a past revision.
    pub at: Option<String>,
}

impl Stamp {
    /// One line naming the commit and the judging date.
    pub fn line(&self) -> String {
        match (&self.commit, &self.at) {
            (Some(commit), Some(at)) => format!(
                "Rendered by crosswalk from commit {commit}, the repository as it stood at {at}; evidence judged as of {}.",
                self.as_of
            ),
            (Some(commit), None) => format!(
                "Rendered by crosswalk from commit {commit}; evidence judged as of {}.",
                self.as_of
            ),
            (None, _) => format!(
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
    /// The XLSX writer failed.
    #[error("xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// typst failed to typeset a PDF.
    #[error("PDF {0}: {1}")]
    Pdf(String, String),
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
        environment.add_filter("cell", |text: String| markdown_cell(&text));
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

/// Text for a Markdown document or table cell, escaped for its syntax: HTML's `&`, `<` and `>`
/// (a PR comment renders raw HTML), the characters Markdown reads as markup (`\\`, `` ` ``, `*`,
/// `_`, `[`, `]`, `|`, `~`, `#`, `!`), and line breaks as spaces, so a value can close no table
/// cell, open no tag or link and start no heading.
pub fn markdown_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One of crosswalk's own messages (`` `A.5.15` is not a requirement ``) for Markdown: the parts
/// between backticks become code spans ([`markdown_code`]), the rest is escaped text
/// ([`markdown_cell`]); with unbalanced backticks (an id that holds one) it is all escaped text.
pub fn markdown_message(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len() % 2 == 0 {
        return markdown_cell(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| match i % 2 {
            0 => markdown_cell(part),
            _ => markdown_code(part),
        })
        .collect()
}

/// A Markdown code span of `text` that works in a table cell: fenced by more backticks than the
/// longest run inside it, padded when it starts or ends with a backtick, line breaks as spaces and
/// `|` escaped (a table cell ends at a bare `|`, even inside a code span).
pub fn markdown_code(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ").replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A table as Markdown: a header row, a separator, and one row per record, every cell escaped.
pub fn markdown_table(table: &Table) -> String {
    let escaped = |cells: &[String]| {
        let cells: Vec<String> = cells.iter().map(|c| markdown_cell(c)).collect();
        format!("| {} |\n", cells.join(" | "))
    };
    let mut out = escaped(&table.header);
    out.push('|');
    out.push_str(&"---|".repeat(table.header.len()));
    out.push('\n');
    for row in &table.rows {
        out.push_str(&escaped(row));
    }
    out
}

/// A register as Markdown: its title and organisation, the intro paragraphs, the table and the
/// stamp, every value escaped.
pub fn report_markdown(
    title: &str,
    organization: &str,
    intro: &[String],
    table: &Table,
    stamp: &str,
) -> String {
    let intro: Vec<String> = intro.iter().map(|p| markdown_cell(p)).collect();
    format!(
        "# {title}: {}\n\n{}\n\n{}\n{}\n",
        markdown_cell(organization),
        intro.join("\n\n"),
        markdown_table(table),
        markdown_cell(stamp)
    )
}

/// The review trail as a table: one row per change.
pub fn trail_table(rows: &[crate::history::report::TrailRow]) -> Table {
    let header = [
        "revision",
        "date",
        "commit",
        "commit id",
        "authored",
        "committed",
        "document",
        "path",
        "change",
        "author",
        "approved by",
        "status",
        "pull request",
        "summary",
    ];
    let rows = rows
        .iter()
        .map(|row| {
            vec![
                row.revision.map_or(String::new(), |r| r.to_string()),
                row.date.clone(),
                row.commit.clone(),
                row.commit_id.clone(),
                row.authored.clone(),
                row.committed.clone(),
                row.document.clone(),
                row.path.clone(),
                row.change.to_string(),
                row.author.clone(),
                row.approved_by.clone(),
                row.status.to_string(),
                row.pull_request.map_or(String::new(), |n| format!("#{n}")),
                row.summary.clone(),
            ]
        })
        .collect();
    Table {
        header: header.map(String::from).to_vec(),
        rows,
        widths: vec![
            9.0, 11.0, 11.0, 42.0, 11.0, 11.0, 16.0, 30.0, 20.0, 18.0, 24.0, 16.0, 12.0, 40.0,
        ],
    }
}

/// The change population of a window as Markdown: the query, the rows' count and the SHA-256 of
/// their CSV form, the reconciliation, and the changes.
pub fn population_markdown(
    query: &serde_json::Value,
    table: &Table,
    reconciliation: &crate::history::report::Reconciliation,
    digest: &str,
) -> Result<String, serde_json::Error> {
    let mut out = String::from("# Change population\n\n");
    for (key, value) in query.as_object().into_iter().flatten() {
        let value = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_string);
        out.push_str(&format!("- {key}: {}\n", markdown_cell(&value)));
    }
    out.push_str(&format!(
        "- rows: {} (SHA-256 of the CSV form: `{digest}`)\n\n## Reconciliation\n\n",
        table.rows.len()
    ));
    let value = serde_json::to_value(reconciliation)?;
    for (key, count) in value.as_object().into_iter().flatten() {
        out.push_str(&format!("- {}: {count}\n", key.replace('_', " ")));
    }
    out.push_str("\n## Changes\n\n");
    out.push_str(&markdown_table(table));
    Ok(out)
}

/// Where a document stands in its review trail: its latest revision, and its latest approved one.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Revisions {
    /// The latest content revision (1 for the first version), if the document is committed.
    pub revision: Option<usize>,
    /// Whether its latest change carries no approval: a DRAFT, in effect nowhere.
    pub draft: bool,
    /// The latest approved revision, its date and who approved it.
    pub approved: Option<(usize, String, String)>,
}

impl Revisions {
    /// From a document's trail rows, oldest first. A review (no content change) keeps its revision
    /// number and, approved, makes it current again.
    pub fn of(rows: &[crate::history::report::TrailRow]) -> Revisions {
        use crate::history::approval::ApprovalStatus;
        let counts = |row: &&crate::history::report::TrailRow| {
            matches!(
                row.status,
                ApprovalStatus::Approved | ApprovalStatus::ApprovedByMerge
            )
        };
        let approved = rows
            .iter()
            .rev()
            .find(counts)
            .and_then(|r| Some((r.revision?, r.date.clone(), r.approved_by.clone())));
        Revisions {
            revision: rows.iter().rev().find_map(|r| r.revision),
            draft: rows.last().is_some_and(|r| !counts(&r)),
            approved,
        }
    }

    /// The "Effective" line: the date of the latest approved revision, and none on a DRAFT.
    pub fn effective(&self) -> String {
        match (&self.approved, self.draft) {
            (None, _) => "not in effect: no revision is approved yet".to_string(),
            (Some((revision, date, _)), true) => format!(
                "none: this is a DRAFT (revision {} carries no approval; revision {revision} was approved {date})",
                self.revision.unwrap_or(*revision)
            ),
            (Some((_, date, _)), false) => date.clone(),
        }
    }

    /// The "Revision" line: `4`, or `5 (draft; 4 approved)`.
    pub fn describe(&self) -> String {
        match (self.revision, &self.approved, self.draft) {
            (None, _, _) => "not committed".to_string(),
            (Some(r), Some((a, _, _)), true) if *a != r => format!("{r} (draft; {a} approved)"),
            (Some(r), _, true) => format!("{r} (draft)"),
            (Some(r), _, false) => r.to_string(),
        }
    }
}

/// The Statement of Applicability's own document control: its version is the revision of
/// `crosswalk.toml` (where scope, exclusions and their justifications are decided), with that
/// revision's approval and the date it took effect (none while the latest change is a DRAFT).
pub fn soa_version(
    model: &crate::model::Model,
    trail: Option<&crate::history::Trail>,
) -> Vec<[String; 2]> {
    let rows = trail
        .map(|t| {
            crate::history::report::trail_rows(
                model,
                t,
                |p| p == crate::load::CONFIG_FILE,
                |_| true,
            )
        })
        .unwrap_or_default();
    let revisions = Revisions::of(&rows);
    let approved = match &revisions.approved {
        Some((revision, date, by)) => format!("revision {revision} approved by {by} on {date}"),
        None => "no revision is approved yet".to_string(),
    };
    vec![
        [
            "Version".to_string(),
            format!(
                "{} (the revision of crosswalk.toml, which holds the scope, the exclusions and their justifications)",
                revisions.describe()
            ),
        ],
        ["Approval".to_string(), approved],
        ["Effective".to_string(), revisions.effective()],
    ]
}

/// The SHA-256 of some bytes, as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `1 control`, `2 controls`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// The Statement of Applicability's headline: how many Annex A controls are applicable, and of those
/// how many are evidenced as operated (the headline share) and how many only claimed.
pub fn soa_headline(rows: &[SoaRow]) -> String {
    let applicable = rows.iter().filter(|r| r.applicable).count();
    let with = |coverage| rows.iter().filter(|r| r.coverage == coverage).count();
    let evidenced = with(crate::model::Coverage::Evidenced);
    let claimed = with(crate::model::Coverage::Claimed);
    let percent = (evidenced * 100).checked_div(applicable).unwrap_or(100);
    format!(
        "{applicable} of {} controls applicable, {} excluded; {evidenced} evidenced as operated ({percent}%), {claimed} implemented but without the evidence (not counted).",
        rows.len(),
        rows.len() - applicable
    )
}

/// The Statement of Applicability as Markdown.
pub fn soa_markdown(
    templates: &Templates,
    organization: &str,
    rows: &[SoaRow],
    version: &[[String; 2]],
    stamp: &Stamp,
) -> Result<String, RenderError> {
    let applicable = rows.iter().filter(|r| r.applicable).count();
    templates.render(
        "soa.md",
        context! {
            organization, version,
            framework => "ISO/IEC 27001:2022",
            rows,
            applicable,
            excluded => rows.len() - applicable,
            headline => soa_headline(rows),
            stamp => stamp.line(),
        },
    )
}

/// A table: header cells and rows of cells, for CSV and XLSX.
pub struct Table {
    /// Column titles.
    pub header: Vec<String>,
    /// Rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
    /// Column widths in characters, for XLSX.
    pub widths: Vec<f64>,
}

/// The Statement of Applicability as a table.
pub fn soa_table(rows: &[SoaRow]) -> Table {
    let header = [
        "Control",
        "Title",
        "Theme",
        "Applicable",
        "Justification",
        "Implemented by",
        "Status",
        "Operated",
        "Latest evidence",
    ];
    let rows = rows
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.title.clone(),
                r.theme.clone(),
                if r.applicable { "yes" } else { "no" }.to_string(),
                r.justification.clone(),
                r.controls.join(", "),
                r.status.to_string(),
                r.coverage.to_string(),
                r.evidence.clone(),
            ]
        })
        .collect();
    Table {
        header: header.map(String::from).to_vec(),
        rows,
        widths: vec![9.0, 40.0, 14.0, 11.0, 60.0, 22.0, 15.0, 12.0, 34.0],
    }
}

/// The mapping matrix as Markdown; `frameworks` are the titles of the requirement columns.
pub fn matrix_markdown(
    templates: &Templates,
    organization: &str,
    frameworks: &[String],
    rows: &[MatrixRow],
    headline: &str,
    stamp: &Stamp,
) -> Result<String, RenderError> {
    templates.render(
        "matrix.md",
        context! { organization, frameworks, rows, headline, stamp => stamp.line() },
    )
}

/// The headline of the matrix and the diff: each framework's evidenced share, and how many controls
/// operated in every period so far.
pub fn coverage_headline(operations: &crate::model::Operations) -> String {
    let mut parts: Vec<String> = gaps::headlines(operations)
        .iter()
        .map(|h| format!("{} {h}", h.title))
        .collect();
    let operating: Vec<_> = operations.iter().filter(|o| o.operates()).collect();
    let operated = operating.iter().filter(|o| o.operated()).count();
    parts.push(format!(
        "{operated} of {} operating controls operated in every period so far",
        operating.len()
    ));
    format!("As of {}: {}.", operations.as_of, parts.join("; "))
}

/// The operating timelines as a table: one row per period of each control.
pub fn timeline_table(timeline: &[views::TimelineRow]) -> Table {
    let header = [
        "Control",
        "Title",
        "Frequency",
        "Window",
        "Period",
        "Start",
        "End",
        "State",
        "Evidence",
    ];
    let rows = timeline
        .iter()
        .flat_map(|t| {
            t.cells.iter().map(move |c| {
                vec![
                    t.control.clone(),
                    t.title.clone(),
                    t.frequency.clone(),
                    t.window.clone(),
                    c.label.clone(),
                    c.start.clone(),
                    c.end.clone(),
                    c.state.to_string(),
                    c.evidence.join(", "),
                ]
            })
        })
        .collect();
    Table {
        header: header.map(String::from).to_vec(),
        rows,
        widths: vec![9.0, 40.0, 22.0, 24.0, 24.0, 11.0, 11.0, 12.0, 40.0],
    }
}

/// The gap analysis as Markdown.
pub fn gaps_markdown(
    templates: &Templates,
    organization: &str,
    gaps: &gaps::Gaps,
    stamp: &Stamp,
) -> Result<String, RenderError> {
    templates.render(
        "gaps.md",
        context! { organization, gaps, stamp => stamp.line() },
    )
}

/// The gap analysis as a table: one row per in-scope requirement of each framework.
pub fn gaps_table(gaps: &gaps::Gaps) -> Table {
    let header = [
        "Framework",
        "Requirement",
        "Title",
        "Status",
        "Controls",
        "Single point of failure",
        "Justification",
    ];
    let rows = gaps
        .frameworks
        .iter()
        .flat_map(|f| {
            f.requirements.iter().map(move |r| {
                let single = f.single_points.iter().any(|s| s.id == r.id);
                vec![
                    f.title.clone(),
                    r.id.clone(),
                    r.title.clone(),
                    r.status.to_string(),
                    r.controls.join(", "),
                    if single { "yes" } else { "" }.to_string(),
                    r.justification.clone(),
                ]
            })
        })
        .collect();
    Table {
        header: header.map(String::from).to_vec(),
        rows,
        widths: vec![28.0, 12.0, 40.0, 12.0, 24.0, 12.0, 50.0],
    }
}

/// The mapping matrix as a table; `frameworks` are the titles of the requirement columns.
pub fn matrix_table(frameworks: &[String], rows: &[MatrixRow]) -> Table {
    let mut header = vec!["Control".to_string(), "Title".to_string()];
    header.extend(frameworks.iter().cloned());
    header.extend(
        [
            "Frequency",
            "Evidence",
            "Gap",
            "Periods evidenced",
            "Status",
            "Owner",
            "Reviewed",
        ]
        .map(String::from),
    );
    let rows = rows
        .iter()
        .map(|r| {
            let mut record = vec![r.id.clone(), r.title.clone()];
            record.extend(r.requirements.iter().map(|ids| ids.join(", ")));
            record.extend([
                r.frequency.clone(),
                r.evidence.clone(),
                r.gap.clone(),
                r.periods.clone(),
                r.status.to_string(),
                r.owner.clone(),
                r.reviewed.clone(),
            ]);
            record
        })
        .collect();
    let mut widths = vec![9.0, 40.0];
    widths.extend(frameworks.iter().map(|_| 28.0));
    widths.extend([22.0, 34.0, 26.0, 12.0, 13.0, 18.0, 11.0]);
    Table {
        header,
        rows,
        widths,
    }
}

#[cfg(test)]
mod markdown_writer_tests {
    use super::*;

    #[test]
    fn cells_close_no_cell_and_open_no_tag() {
        assert_eq!(
            markdown_cell("</td><td>approved by | CEO\n# x"),
            "&lt;/td&gt;&lt;td&gt;approved by \\| CEO \\# x"
        );
        assert_eq!(
            markdown_cell("[link](javascript:x) *b* _i_ ~s~ !"),
            "\\[link\\](javascript:x) \\*b\\* \\_i\\_ \\~s\\~ \\!"
        );
    }

    #[test]
    fn code_spans_are_fenced_longer_than_their_content() {
        assert_eq!(markdown_code("controls/a.md"), "`controls/a.md`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x``"), "``` `x`` ```");
        assert_eq!(markdown_code("a|b\nc"), "`a\\|b c`");
        assert_eq!(
            markdown_code("<b>"),
            "`<b>`",
            "HTML is literal in a code span"
        );
    }

    #[test]
    fn messages_keep_their_code_spans() {
        assert_eq!(
            markdown_message("`A.5.15` is not a requirement of <b>X</b>"),
            "`A.5.15` is not a requirement of &lt;b&gt;X&lt;/b&gt;"
        );
        assert_eq!(markdown_message("`a`b` odd"), "\\`a\\`b\\` odd");
    }
}
