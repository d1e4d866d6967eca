//! `crosswalk history DOC`, `crosswalk log` and `crosswalk review`: the review trail for auditors.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::history::report::{TrailRow, trail_rows};
use anyhow::{Context, Result, bail};

use crate::Workspace;
use crate::history::approval::{People, Verdict, judge};
use crate::history::reviews::Reviews;
use crate::history::{Commit, Trail, Who, short};
use crate::model::approvers::Approvers;

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
        let hint = crate::diag::suggest(document, workspace.model.document_ids())
            .map_or_else(String::new, |h| format!("; {h}"));
        bail!(
            "no document `{document}`: give a document id (e.g. POL-ACCESS) or a path relative to the repository root{hint}"
        );
    };
    let rows = trail_rows(&workspace.model, &trail, |p| p == path, |_| true);
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
    if let (Some(since), Some(until)) = (since, until) {
        if since > until {
            bail!("--since {since} is after --until {until}: the window is empty");
        }
    }
    let (workspace, trail) = open_trail(directory, reviews)?;
    let crate::plan::Population {
        rows,
        table,
        csv,
        query,
        reconciliation,
        digest,
    } = crate::plan::population(&workspace, &trail, since, until);
    let mut out = std::io::stdout().lock();
    match format {
        TrailFormat::Csv => out.write_all(csv.as_bytes())?,
        TrailFormat::Json => {
            let value = serde_json::json!({
                "query": query,
                "rows_sha256": digest,
                "reconciliation": reconciliation,
                "rows": rows,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        }
        TrailFormat::Md => {
            let text =
                crate::render::population_markdown(&query, &table, &reconciliation, &digest)?;
            out.write_all(text.as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
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

fn write(rows: &[TrailRow], format: TrailFormat) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match format {
        TrailFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(rows)?)?,
        TrailFormat::Csv => {
            let table = crate::render::trail_table(rows);
            out.write_all(crate::render::csv::table(&table).as_bytes())?;
        }
        TrailFormat::Md => {
            let table = crate::render::trail_table(rows);
            out.write_all(crate::render::markdown_table(&table).as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `crosswalk review DOC --approved-by PERSON`: records a review with no content change.
pub fn review(directory: &Path, documents: &[String], approver: &str) -> Result<ExitCode> {
    let workspace = crate::open(directory)?;
    let model = &workspace.model;
    let Some(config) = &model.config else {
        bail!("crosswalk.toml is invalid: run `crosswalk check` and fix it first");
    };
    let Some((_, person)) = config
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
    let who = Who::Email {
        name: person.name.clone(),
        email: email.clone(),
    };
    let author = crate::history::git_identity(&model.root)?;
    let (approvers, people) = (Approvers::new(model), People::new(&config.data));
    let mut ids = Vec::new();
    for document in documents {
        let Some(path) = model.document_path(document) else {
            bail!("no document with id `{document}`");
        };
        let review = Commit::proposed(author.clone(), who.clone());
        match judge(&review, &approvers.of(&path), &people, None).verdict {
            Verdict::Approved { .. } => ids.push(document.as_str()),
            Verdict::SelfApproved(_) => bail!(
                "you ({author}) cannot approve your own review commit: ask {approver}'s colleague to record it, or name another approver"
            ),
            _ => bail!(
                "`{approver}` may not approve {document}: name its owner or one of its approvers"
            ),
        }
    }
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
