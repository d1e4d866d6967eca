//! The review trail as rows an auditor reads: one per change, with its author, approvers and status.

use super::approval::{ApprovalStatus, People, Verdict};
use super::{ChangeKind, Commit, Source, Trail, Who, short};
use crate::model::Model;

/// One change, as an auditor reads it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TrailRow {
    /// Content revision (1 for the first version; reviews keep the number); none for a deletion.
    pub revision: Option<usize>,
    /// The date the change reached the mainline.
    pub date: String,
    /// Short commit id.
    pub commit: String,
    /// The document's id, if it is a document.
    pub document: String,
    /// The file's path in that commit.
    pub path: String,
    /// added, modified, deleted, renamed from …, or reviewed.
    #[serde(serialize_with = "serialize_display")]
    pub change: ChangeKind,
    /// The author's name.
    pub author: String,
    /// Whose approval counts, or why none does.
    pub approved_by: String,
    /// approved, approved (merged pull request), unapproved, self-approved, approved by non-approver.
    pub status: ApprovalStatus,
    /// The pull request, when known.
    pub pull_request: Option<u64>,
    /// The commit subject.
    pub summary: String,
}

/// The rows of the review trail: every change of the files `path_filter` accepts, in commits
/// `commit_filter` accepts, oldest first per file.
pub fn trail_rows(
    model: &Model,
    trail: &Trail,
    path_filter: impl Fn(&str) -> bool,
    commit_filter: impl Fn(&Commit) -> bool,
) -> Vec<TrailRow> {
    let mut rows = Vec::new();
    for (path, changes) in trail.changes.iter().filter(|(p, _)| path_filter(p)) {
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
            let verdict = Some(&change.judgement.verdict);
            rows.push(TrailRow {
                revision: (change.kind != ChangeKind::Deleted).then_some(revision),
                date: commit.date.to_string(),
                commit: short(&commit.id).to_string(),
                document: document.clone(),
                path: change.path.clone(),
                change: change.kind.clone(),
                author: display(&commit.author),
                approved_by: approved_by(verdict, commit, model),
                status: verdict.map_or(ApprovalStatus::Unknown, Verdict::status),
                pull_request: commit.pull_request,
                summary: commit.summary.clone(),
            });
        }
    }
    rows
}

fn serialize_display<S: serde::Serializer>(
    value: &impl std::fmt::Display,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

fn display(who: &Who) -> String {
    match who {
        Who::Email { name, .. } if !name.is_empty() => name.clone(),
        other => other.to_string(),
    }
}

fn approved_by(verdict: Option<&Verdict>, commit: &Commit, model: &Model) -> String {
    let name = |key: &str| model.person_name(key);
    match verdict {
        Some(Verdict::Approved { by, weak: false }) => by
            .iter()
            .map(|k| format!("{} ({})", name(k), provenance(commit, k, model)))
            .collect::<Vec<_>>()
            .join(", "),
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
        Some(Verdict::Unsigned(people)) => people
            .iter()
            .map(|k| format!("{} (not signed)", name(k)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Verdict::UnknownAuthor) => "none counts: the author is no person".to_string(),
        Some(Verdict::Unapproved) | None => String::new(),
    }
}

/// Where the approval of a person that counts is recorded: `trailer`, `note by …`, `review #N`.
fn provenance(commit: &Commit, person: &str, model: &Model) -> String {
    let Some(people) = model.config.as_ref().map(|c| People::new(&c.data)) else {
        return String::new();
    };
    let sources: Vec<String> = commit
        .approvals
        .iter()
        .filter(|a| people.resolve(&a.who) == Some(person))
        .map(|a| match &a.source {
            Source::Trailer { commit: carrier } if *carrier == commit.id => "trailer".to_string(),
            Source::Trailer { commit: carrier } => format!("trailer in merge {}", short(carrier)),
            Source::Note {
                written_by: Some(writer),
                ..
            } => format!("note by {}", display(writer)),
            Source::Note { .. } => "note".to_string(),
            Source::Review { pull_request } => format!("review of #{pull_request}"),
            Source::MergedPullRequest { pull_request } => format!("merge of #{pull_request}"),
        })
        .collect();
    sources.join(", ")
}
