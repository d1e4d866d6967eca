//! Rules on the review trail: history present and complete, documents reviewed on time, and every
//! change in the judged window approved by someone who may approve it and is not its author.

use std::collections::BTreeSet;

use crate::diag::{Code, Diagnostic, FileId, Files};
use crate::history::approval::{People, Verdict, judge, last_approved};
use crate::history::{Trail, Who, short};
use crate::model::Model;
use crate::model::approvers::Approvers;

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
    let who_may = WhoMay {
        people: People::new(&config.data),
        approve: Approvers::new(model),
    };
    check_reviews(model, trail, &who_may, as_of, found);
    check_approvals(model, trail, &who_may, files, found);
}

/// Who is who in git, and who may approve which file: built once per run.
struct WhoMay<'a> {
    people: People,
    approve: Approvers<'a>,
}

fn file_of(files: &mut Files, path: &str) -> FileId {
    files.find(path).unwrap_or_else(|| files.add(path, ""))
}

/// A policy is reviewed at the date of its latest approved change (a `crosswalk review` included).
fn check_reviews(
    model: &Model,
    trail: &Trail,
    who_may: &WhoMay,
    as_of: jiff::civil::Date,
    found: &mut Vec<Diagnostic>,
) {
    for policy in &model.policies {
        let reviewed = last_approved(trail, &policy.path, &who_may.approve, &who_may.people);
        let cadence = policy.data.review.get_ref();
        let due = reviewed.map(|date| date <= cadence.window_start(as_of));
        let message = match (reviewed, due) {
            (Some(_), Some(false)) => continue,
            (Some(date), _) => format!(
                "policy `{}` was last reviewed {date}: its {cadence} review is overdue as of {as_of}",
                policy.data.id.get_ref()
            ),
            (None, _) => format!(
                "policy `{}` has no approved change in its history: it was never reviewed",
                policy.data.id.get_ref()
            ),
        };
        found.push(
            policy
                .finding(Code::ReviewOverdue, &policy.data.review, message)
                .with_help(format!(
                    "review it and record the review: `crosswalk review {} --approved-by PERSON`",
                    policy.data.id.get_ref()
                )),
        );
    }
}

fn check_approvals(
    model: &Model,
    trail: &Trail,
    who_may: &WhoMay,
    files: &mut Files,
    found: &mut Vec<Diagnostic>,
) {
    let Some(config) = &model.config else { return };
    let (people, approvers) = (&who_may.people, &who_may.approve);
    let since = config.data.judged_since();
    let mut reported_unknown: BTreeSet<(usize, Who)> = BTreeSet::new();
    for (path, changes) in &trail.changes {
        let allowed = approvers.of(path);
        for change in changes {
            let commit = &trail.commits[change.commit];
            if since.is_some_and(|since| commit.date < since) {
                continue;
            }
            let judgement = judge(commit, &allowed, people);
            let (file, span) = location(model, files, path);
            for who in judgement.unknown {
                if reported_unknown.insert((change.commit, who.clone())) {
                    found.push(
                        Diagnostic::new(
                            Code::UnknownApprover,
                            file,
                            span.clone(),
                            format!("commit {} records an approval by {who}, who is not in `[people]`", short(&commit.id)),
                        )
                        .with_help("add the address to the person's `emails` (or their login as `github`) in crosswalk.toml"),
                    );
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
            let (code, message) = match judgement.verdict {
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
                        people.join(", ")
                    ),
                ),
            };
            let allowed_list: Vec<&str> = allowed.iter().map(String::as_str).collect();
            found.push(Diagnostic::new(code, file, span, message).with_help(format!(
                "have one of {} approve it: an `Approved-by:` trailer in a note (`git notes --ref=crosswalk add -m \"Approved-by: Name <email>\" {}`) or a review",
                if allowed_list.is_empty() { "its approvers".to_string() } else { allowed_list.join(", ") },
                short(&commit.id)
            )));
        }
    }
}

fn author_name(who: &Who) -> String {
    match who {
        Who::Email { name, .. } if !name.is_empty() => name.clone(),
        other => other.to_string(),
    }
}

/// A document's `id` value, or the start of any other file.
fn location(model: &Model, files: &mut Files, path: &str) -> (FileId, std::ops::Range<usize>) {
    let documents = model
        .policies
        .iter()
        .map(|d| (&d.path, d.file, d.span(&d.data.id)))
        .chain(
            model
                .controls
                .iter()
                .map(|d| (&d.path, d.file, d.span(&d.data.id))),
        )
        .chain(
            model
                .evidence
                .iter()
                .map(|d| (&d.path, d.file, d.span(&d.data.id))),
        )
        .chain(
            model
                .risks
                .iter()
                .map(|d| (&d.path, d.file, d.span(&d.data.id))),
        );
    for (document, file, span) in documents {
        if document == path {
            return (file, span);
        }
    }
    (file_of(files, path), 0..0)
}
