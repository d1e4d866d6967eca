//! The review trail as rows an auditor reads: one per change, with its author, approvers and status.

use super::approval::{ApprovalStatus, People, Verdict, judge};
use super::{ChangeKind, Commit, Trail, Who, short};
use crate::model::Model;
use crate::model::approvers::Approvers;

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
            rows.push(TrailRow {
                revision: (change.kind != ChangeKind::Deleted).then_some(revision),
                date: commit.date.to_string(),
                commit: short(&commit.id).to_string(),
                document: document.clone(),
                path: change.path.clone(),
                change: change.kind.clone(),
                author: display(&commit.author),
                approved_by: approved_by(verdict.as_ref(), commit, model),
                status: verdict
                    .as_ref()
                    .map_or(ApprovalStatus::Unknown, Verdict::status),
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
