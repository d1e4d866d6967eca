//! `crosswalk history DOC`, `crosswalk log` and `crosswalk review`: the review trail for auditors.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::Workspace;
use crate::history::approval::{Approvers, People, Verdict, judge};
use crate::history::reviews::Reviews;
use crate::history::{ChangeKind, Commit, Trail, Who, short};

/// Output format of the trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TrailFormat {
    /// A Markdown table.
    Md,
    /// CSV with a header row.
    Csv,
    /// A JSON array.
    Json,
}

/// One change, as an auditor reads it.
#[derive(Debug, Serialize)]
struct Row {
    revision: Option<usize>,
    date: String,
    commit: String,
    document: String,
    path: String,
    change: String,
    author: String,
    approved_by: String,
    status: String,
    pull_request: Option<u64>,
    summary: String,
}

/// Reads `--reviews FILE`.
pub fn load_reviews(path: Option<&Path>) -> Result<Option<Reviews>> {
    let Some(path) = path else { return Ok(None) };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let reviews = crate::history::reviews::parse(&text).with_context(|| {
        format!(
            "{} is not the JSON of `gh pr list --state merged --json number,mergeCommit,reviews,author`",
            path.display()
        )
    })?;
    Ok(Some(reviews))
}

/// The repository and its review trail.
fn open_trail(directory: &Path, reviews: Option<&Path>) -> Result<(Workspace, Trail)> {
    let workspace = crate::open(directory)?;
    let reviews = load_reviews(reviews)?;
    let trail = crate::trail(&workspace, reviews.as_ref())?;
    Ok((workspace, trail))
}

/// `crosswalk history DOC`: every change and review of one document.
pub fn history(
    directory: &Path,
    document: &str,
    format: TrailFormat,
    reviews: Option<&Path>,
) -> Result<ExitCode> {
    let (workspace, trail) = open_trail(directory, reviews)?;
    let Some(path) = resolve(&workspace, &trail, document) else {
        bail!(
            "no document `{document}`: give a document id (e.g. POL-ACCESS) or a path relative to the repository root"
        );
    };
    let rows = rows(&workspace, &trail, |p| p == path, |_| true);
    write(&rows, format)
}

/// `crosswalk log`: every change to a compliance file in a window, with its approvals.
pub fn log(
    directory: &Path,
    since: Option<jiff::civil::Date>,
    until: Option<jiff::civil::Date>,
    format: TrailFormat,
    reviews: Option<&Path>,
) -> Result<ExitCode> {
    let (workspace, trail) = open_trail(directory, reviews)?;
    let in_window = |commit: &Commit| {
        since.is_none_or(|s| commit.date >= s) && until.is_none_or(|u| commit.date <= u)
    };
    let mut rows = rows(&workspace, &trail, |_| true, in_window);
    rows.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then(a.commit.cmp(&b.commit))
            .then(a.path.cmp(&b.path))
    });
    write(&rows, format)
}

fn resolve(workspace: &Workspace, trail: &Trail, document: &str) -> Option<String> {
    workspace.model.document_path(document).or_else(|| {
        let normalized = document.trim_start_matches("./").replace('\\', "/");
        trail
            .changes
            .contains_key(&normalized)
            .then_some(normalized)
    })
}

fn rows(
    workspace: &Workspace,
    trail: &Trail,
    path_filter: impl Fn(&str) -> bool,
    commit_filter: impl Fn(&Commit) -> bool,
) -> Vec<Row> {
    let model = &workspace.model;
    let approvers = Approvers::new(model);
    let people = model.config.as_ref().map(|c| People::new(&c.data));
    let mut rows = Vec::new();
    for (path, changes) in trail.changes.iter().filter(|(p, _)| path_filter(p)) {
        let allowed = approvers.of(path);
        let document = model.document_id(path).unwrap_or_default();
        let mut revision = 0;
        for change in changes {
            if change.kind != ChangeKind::Reviewed {
                revision += 1;
            }
            let commit = &trail.commits[change.commit];
            if !commit_filter(commit) {
                continue;
            }
            let verdict = people.as_ref().map(|p| judge(commit, &allowed, p).verdict);
            rows.push(Row {
                revision: (change.kind != ChangeKind::Deleted).then_some(revision),
                date: commit.date.to_string(),
                commit: short(&commit.id).to_string(),
                document: document.clone(),
                path: change.path.clone(),
                change: change_name(&change.kind),
                author: display(&commit.author),
                approved_by: approved_by(verdict.as_ref(), commit, model),
                status: verdict
                    .as_ref()
                    .map_or("unknown", Verdict::status)
                    .to_string(),
                pull_request: commit.pull_request,
                summary: commit.summary.clone(),
            });
        }
    }
    rows
}

fn change_name(kind: &ChangeKind) -> String {
    match kind {
        ChangeKind::Renamed { from } => format!("renamed from {from}"),
        other => other.name().to_string(),
    }
}

fn display(who: &Who) -> String {
    match who {
        Who::Email { name, .. } if !name.is_empty() => name.clone(),
        other => other.to_string(),
    }
}

fn approved_by(verdict: Option<&Verdict>, commit: &Commit, model: &crate::model::Model) -> String {
    let name = |key: &str| {
        model
            .config
            .as_ref()
            .and_then(|c| c.data.people.iter().find(|(k, _)| k.get_ref() == key))
            .map_or(key.to_string(), |(_, p)| p.name.clone())
    };
    match verdict {
        Some(Verdict::Approved { by, weak: false }) => {
            by.iter().map(|k| name(k)).collect::<Vec<_>>().join(", ")
        }
        Some(Verdict::Approved { weak: true, .. }) => commit
            .pull_request
            .map_or("merged pull request".to_string(), |n| {
                format!("merged pull request #{n} (reviewer not named)")
            }),
        Some(Verdict::SelfApproved(person)) => format!("{} (the author)", name(person)),
        Some(Verdict::NotAuthorised(people)) => people
            .iter()
            .map(|k| format!("{} (not an approver)", name(k)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Verdict::Unapproved) | None => String::new(),
    }
}

const HEADERS: [&str; 11] = [
    "revision",
    "date",
    "commit",
    "document",
    "path",
    "change",
    "author",
    "approved by",
    "status",
    "pull request",
    "summary",
];

fn cells(row: &Row) -> [String; 11] {
    [
        row.revision.map_or(String::new(), |r| r.to_string()),
        row.date.clone(),
        row.commit.clone(),
        row.document.clone(),
        row.path.clone(),
        row.change.clone(),
        row.author.clone(),
        row.approved_by.clone(),
        row.status.clone(),
        row.pull_request.map_or(String::new(), |n| format!("#{n}")),
        row.summary.clone(),
    ]
}

fn write(rows: &[Row], format: TrailFormat) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match format {
        TrailFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(rows)?)?,
        TrailFormat::Csv => {
            let header = HEADERS.map(String::from);
            let records = rows.iter().map(|row| cells(row).to_vec());
            out.write_all(crate::render::csv::write(&header, records).as_bytes())?;
        }
        TrailFormat::Md => {
            writeln!(out, "| {} |", HEADERS.join(" | "))?;
            writeln!(out, "|{}", "---|".repeat(HEADERS.len()))?;
            for row in rows {
                writeln!(out, "| {} |", cells(row).map(|c| md_cell(&c)).join(" | "))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// `crosswalk review DOC --approved-by PERSON`: records a review with no content change.
pub fn review(directory: &Path, documents: &[String], approver: &str) -> Result<ExitCode> {
    let workspace = crate::open(directory)?;
    let model = &workspace.model;
    let Some(config) = &model.config else {
        bail!("crosswalk.toml is invalid: run `crosswalk check` and fix it first");
    };
    let Some((key, person)) = config
        .data
        .people
        .iter()
        .find(|(k, _)| k.get_ref() == approver)
    else {
        bail!("`{approver}` is not a person of [people] in crosswalk.toml");
    };
    let Some(email) = person.emails.first() else {
        bail!(
            "`{approver}` has no `emails` in crosswalk.toml: an approval must name an address git history can match"
        );
    };
    let approvers = Approvers::new(model);
    let mut ids = Vec::new();
    for document in documents {
        let Some(path) = model.document_path(document) else {
            bail!("no document with id `{document}`");
        };
        if !approvers.of(&path).contains(key.get_ref()) {
            bail!(
                "`{approver}` may not approve {document}: name its owner or one of its approvers"
            );
        }
        ids.push(document.as_str());
    }
    let author = crate::history::git_identity(&model.root)?;
    let people = People::new(&config.data);
    if people.resolve(&author) == Some(key.get_ref().as_str()) {
        bail!(
            "you ({author}) cannot approve your own review commit: ask {approver}'s colleague to record it, or name another approver"
        );
    }
    let who = Who::Email {
        name: person.name.clone(),
        email: email.clone(),
    };
    let subject = format!("Review {}: no changes", ids.join(", "));
    let id = crate::history::commit_review(&model.root, &subject, &ids, &who)?;
    writeln!(
        std::io::stdout().lock(),
        "Recorded the review of {} approved by {who} as commit {}.",
        ids.join(", "),
        short(&id)
    )?;
    Ok(ExitCode::SUCCESS)
}
