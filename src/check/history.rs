//! Rules on the review trail: history present and complete, documents reviewed on time, and every
//! change in the judged window approved by someone who may approve it and is not its author.

use std::collections::{BTreeSet, HashMap};

use crate::diag::{Code, Diagnostic, FileId, Files};
use crate::history::approval::{Verdict, last_approved};
use crate::history::{Change, Commit, Trail, Who, short};
use crate::model::Model;

/// Runs the history rules. Paths that the findings point at but that were not loaded (attachments,
/// deleted files) are added to `files`.
pub fn check(
    model: &Model,
    trail: &Trail,
    files: &mut Files,
    as_of: jiff::civil::Date,
    found: &mut Vec<Diagnostic>,
) {
    let Some(config) = &model.config else { return };
    let config_file = config.file;
    if trail.head.is_none() {
        found.push(
            Diagnostic::new(Code::NoCommits, config_file, 0..0, "the repository has no commits: no document is evidenced as approved yet")
                .with_help("commit the documents with an `Approved-by: Name <email>` trailer naming an approver"),
        );
        return;
    }
    if trail.shallow {
        found.push(
            Diagnostic::new(
                Code::ShallowHistory,
                config_file,
                0..0,
                "the git history is cut short (a shallow clone): evidence of review and approval is unknown, not absent",
            )
            .with_help("fetch the full history: `git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout"),
        );
        return;
    }
    for path in &trail.uncommitted {
        let file = file_of(files, path);
        found.push(
            Diagnostic::new(Code::UncommittedChange, file, 0..0, format!("`{path}` has uncommitted changes: the working tree is not the evidence, git history is"))
                .with_help("commit the change with an `Approved-by:` trailer, or discard it"),
        );
    }
    for path in &trail.ignored {
        let file = file_of(files, path);
        found.push(
            Diagnostic::new(Code::UncommittedChange, file, 0..0, format!("`{path}` is ignored by git (a `.gitignore` rule): it is checked here, but no commit can carry it, so it is not evidence"))
                .with_help("remove the `.gitignore` rule and commit the file with an `Approved-by:` trailer, or move it out of the compliance folders"),
        );
    }
    check_reviews(model, trail, as_of, found);
    check_dates(model, trail, files, found);
    check_approvals(model, trail, files, found);
    super::risks::check_owner_acceptance(model, trail, found);
}

fn file_of(files: &mut Files, path: &str) -> FileId {
    files.find(path).unwrap_or_else(|| files.add(path, ""))
}

/// A policy is reviewed at the date of its latest approved change (a `crosswalk review` included)
/// on or before the judging date.
fn check_reviews(
    model: &Model,
    trail: &Trail,
    as_of: jiff::civil::Date,
    found: &mut Vec<Diagnostic>,
) {
    for policy in &model.policies {
        let reviewed = last_approved(trail, &policy.path, as_of);
        let cadence = policy.data.review.get_ref();
        let due = reviewed.map(|date| date <= cadence.window_start(as_of));
        let id = policy.data.id.get_ref();
        let (message, help) = match (reviewed, due) {
            (Some(_), Some(false)) => continue,
            (Some(date), _) => (
                format!("policy `{id}` was last reviewed {date}: its {cadence} review is overdue as of {as_of}"),
                format!("review it and record the review: `crosswalk review {id} --approved-by PERSON`"),
            ),
            // Never approved: a review cannot stand in for the approval its changes lack.
            (None, _) if trail.changes.get(&policy.path).is_none_or(|c| c.is_empty()) => (
                format!("policy `{id}` has never been committed: it has no approval and no review yet"),
                "commit it with an `Approved-by: Name <email>` trailer naming one of its approvers".to_string(),
            ),
            (None, _) => (
                format!("policy `{id}` has no approved change in its history: it was never approved, so it was never reviewed"),
                "get its changes approved by one of its approvers (an `Approved-by:` trailer, a reviewed pull request, or a `crosswalk` note on the commit); the CW044 findings name each change".to_string(),
            ),
        };
        found.push(
            policy
                .finding(Code::ReviewOverdue, &policy.data.review, message)
                .with_help(help),
        );
    }
}

/// Commits dated before their parent: dates are claims, so the change is judged by its place in
/// history, and the contradiction is reported.
fn check_dates(model: &Model, trail: &Trail, files: &mut Files, found: &mut Vec<Diagnostic>) {
    let mut first_change: std::collections::BTreeMap<usize, &str> = Default::default();
    for (path, changes) in &trail.changes {
        for change in changes.iter().filter(|c| c.judged) {
            first_change.entry(change.commit).or_insert(path);
        }
    }
    let documents = document_locations(model);
    for (index, path) in first_change {
        let commit = &trail.commits[index];
        if !commit.dated_before_parent {
            continue;
        }
        let (file, span) = match documents.get(path) {
            Some((file, span)) => (*file, span.clone()),
            None => (file_of(files, path), 0..0),
        };
        let accepted = acceptance(model, Code::CommitDatedBeforeParent, &commit.id, path);
        found.push(
            Diagnostic {
                accepted,
                ..Diagnostic::new(
                Code::CommitDatedBeforeParent,
                file,
                span,
                format!(
                    "commit {} (\"{}\") is dated {}, before its parent: its date cannot be trusted, so it is judged by its place in history",
                    short(&commit.id),
                    commit.summary,
                    commit.committer_date
                ),
            )
            .with_help("find out who wrote it and why its date is earlier; its changes still need their approvals")
            },
        );
    }
}

fn check_approvals(model: &Model, trail: &Trail, files: &mut Files, found: &mut Vec<Diagnostic>) {
    let mut reported_unknown: BTreeSet<(usize, Who)> = BTreeSet::new();
    let documents = document_locations(model);
    for (path, changes) in &trail.changes {
        for change in changes.iter().filter(|c| c.judged) {
            let commit = &trail.commits[change.commit];
            let judgement = &change.judgement;
            if judgement.unknown.is_empty() && matches!(judgement.verdict, Verdict::Approved { .. })
            {
                continue;
            }
            let (file, span) = match documents.get(path.as_str()) {
                Some((file, span)) => (*file, span.clone()),
                None => (file_of(files, path), 0..0),
            };
            for who in &judgement.unknown {
                if reported_unknown.insert((change.commit, who.clone())) {
                    let mut finding = Diagnostic::new(
                        Code::UnknownApprover,
                        file,
                        span.clone(),
                        format!("commit {} records an approval by {who}, who is not in `[people]`", short(&commit.id)),
                    )
                    .with_help("add the address to the person's `emails` (or their login as `github`) in crosswalk.toml, or sign the finding off with an `[[accepted]]` entry");
                    finding.accepted = acceptance(model, Code::UnknownApprover, &commit.id, path);
                    found.push(finding);
                }
            }
            let described = format!(
                "{} {} ({}, {}: \"{}\")",
                change.kind.name(),
                short(&commit.id),
                commit.date,
                author_name(&commit.author),
                commit.summary
            );
            let (code, message) = match &judgement.verdict {
                Verdict::Approved { .. } => continue,
                Verdict::Unapproved => (
                    Code::ChangeUnapproved,
                    format!("`{path}` {described} carries no approval"),
                ),
                Verdict::SelfApproved(person) => (
                    Code::SelfApproval,
                    format!("`{path}` {described} is approved only by its own author, `{person}`"),
                ),
                Verdict::NotAuthorised(people) => (
                    Code::ApproverNotAuthorised,
                    format!(
                        "`{path}` {described} is approved only by {}, who may not approve this file",
                        quoted(people)
                    ),
                ),
                Verdict::UnknownAuthor => (
                    Code::UnknownAuthor,
                    format!(
                        "`{path}` {described} is authored by {}, who is not in `[people]`: segregation of duties cannot be judged, so no approval counts",
                        commit.author
                    ),
                ),
                Verdict::Unsigned(people) => (
                    Code::ApprovalNotSigned,
                    format!(
                        "`{path}` {described} is approved by {}, but not by a commit signed with a key the allowed-signers file lists for them",
                        quoted(people)
                    ),
                ),
            };
            let help = help_for(model, &judgement.verdict, change, commit);
            let mut finding = Diagnostic::new(code, file, span, message).with_help(help);
            finding.accepted = acceptance(model, code, &commit.id, path);
            found.push(finding);
        }
    }
}

/// The `[[accepted]]` entry that signs off a finding, as "accepted by NAME: REASON".
fn acceptance(model: &Model, code: Code, commit: &str, path: &str) -> Option<String> {
    let config = model.config.as_ref()?;
    let entry = config
        .data
        .accepted
        .iter()
        .find(|a| a.covers(code.id(), commit, path))?;
    Some(format!(
        "accepted by {}: {}",
        model.person_name(entry.accepted_by.get_ref()),
        entry.reason.trim()
    ))
}

fn quoted(people: &[String]) -> String {
    people
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What to do about an unapproved change: who may approve it (never its author), and a trailer
/// line ready to paste into a note.
fn help_for(model: &Model, verdict: &Verdict, change: &Change, commit: &Commit) -> String {
    if *verdict == Verdict::UnknownAuthor {
        return format!(
            "add {} to the `emails` of the person who wrote it in crosswalk.toml (a change by someone outside `[people]` cannot be approved)",
            match &commit.author {
                Who::Email { email, .. } => format!("`{email}`"),
                other => other.to_string(),
            }
        );
    }
    if let Verdict::Unsigned(_) = verdict {
        return "have the approver sign the approving commit (`git commit -S`, `gpg.format = ssh`) with a key listed for their email in the allowed-signers file".to_string();
    }
    let config = model.config.as_ref();
    let people = config.map(|c| crate::history::approval::People::new(&c.data));
    let author = people.as_ref().and_then(|p| p.resolve(&commit.author));
    let candidates: Vec<&String> = change
        .allowed
        .iter()
        .filter(|p| Some(p.as_str()) != author)
        .collect();
    let Some(first) = candidates.first() else {
        return "nobody but its author may approve this file: name another approver for it, then have them approve the change".to_string();
    };
    let trailer = config
        .and_then(|c| c.data.people.iter().find(|(k, _)| k.get_ref() == *first))
        .map(|(_, person)| {
            format!(
                "Approved-by: {} <{}>",
                person.name,
                person.emails.first().cloned().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    format!(
        "have {} approve it, e.g. in a note: `git notes --ref=crosswalk add -m \"{trailer}\" {}`",
        match candidates.len() {
            1 => format!("`{first}`"),
            _ => format!(
                "one of {}",
                candidates
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        short(&commit.id)
    )
}

fn author_name(who: &Who) -> String {
    match who {
        Who::Email { name, .. } if !name.is_empty() => name.clone(),
        other => other.to_string(),
    }
}

/// Where each document's findings point: its `id` value, by path (built once, not per change).
fn document_locations(model: &Model) -> HashMap<&str, (FileId, std::ops::Range<usize>)> {
    let mut out = HashMap::new();
    for d in model.documents() {
        out.entry(d.path.as_str()).or_insert((d.file, d.span));
    }
    out
}
