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
    /// Full commit id (40 characters), to find the commit beyond doubt.
    pub commit_id: String,
    /// The author date the commit claims.
    pub authored: String,
    /// The committer date the commit claims.
    pub committed: String,
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
    /// The commit's place in history (parents before children), for topological order.
    #[serde(skip)]
    pub order: usize,
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
                commit_id: commit.id.clone(),
                authored: commit.author_date.to_string(),
                committed: commit.committer_date.to_string(),
                document: document.clone(),
                path: change.path.clone(),
                change: change.kind.clone(),
                author: display(&commit.author),
                approved_by: approved_by(verdict, commit, model),
                status: verdict.map_or(ApprovalStatus::Unknown, Verdict::status),
                pull_request: commit.pull_request,
                summary: commit.summary.clone(),
                order: change.commit,
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
        Some(Verdict::SelfApproved(person)) => {
            let how = provenance(commit, person, model);
            match how.is_empty() {
                true => format!("{} (the author)", name(person)),
                false => format!("{} (the author: {how})", name(person)),
            }
        }
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
        .filter(|a| {
            let writer = match &a.source {
                Source::Note {
                    written_by: Some(w),
                    ..
                } => people.resolve(w),
                _ => None,
            };
            people.resolve(&a.who) == Some(person) || writer == Some(person)
        })
        .map(|a| match &a.source {
            Source::Trailer { commit: carrier } if *carrier == commit.id => "trailer".to_string(),
            Source::Trailer { commit: carrier } => format!("trailer in merge {}", short(carrier)),
            Source::Note {
                written_by: Some(writer),
                ..
            } => format!("note naming {} by {}", display(&a.who), display(writer)),
            Source::Note { .. } => "note".to_string(),
            Source::Review { pull_request } => format!("review of #{pull_request}"),
            Source::MergedPullRequest { pull_request } => format!("merge of #{pull_request}"),
        })
        .collect();
    sources.join(", ")
}

/// How the changes of a population were approved, for the auditor's reconciliation: every change
/// counted once, under the strongest evidence that counts for it.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Reconciliation {
    /// Changes in the population.
    pub total: usize,
    /// Approved by a trailer in the commit (or its merge).
    pub approved_by_trailer: usize,
    /// Approved by a note under `refs/notes/crosswalk`.
    pub approved_by_note: usize,
    /// Approved by a forge review imported with `--reviews`.
    pub approved_by_review: usize,
    /// Approved only by a merged pull request (weaker evidence).
    pub approved_by_merged_pull_request: usize,
    /// With no approval.
    pub unapproved: usize,
    /// Approved only by their author.
    pub self_approved: usize,
    /// Approved only by people who may not approve the file.
    pub approved_by_non_approver: usize,
    /// By an author who is no person.
    pub unknown_author: usize,
    /// Approved only by approvals signed mode rejects.
    pub not_signed: usize,
    /// Changes made by a commit pushed straight to the mainline (no merge, no pull request).
    pub direct_pushes: usize,
    /// Changes a merge commit made itself (content no parent had).
    pub merges_with_own_changes: usize,
}

/// Reconciles the changes of the commits `commit_filter` accepts.
pub fn reconcile(
    trail: &Trail,
    model: &Model,
    commit_filter: impl Fn(&Commit) -> bool,
) -> Reconciliation {
    let people = model.config.as_ref().map(|c| People::new(&c.data));
    let mut r = Reconciliation::default();
    for change in trail.changes.values().flatten() {
        let commit = &trail.commits[change.commit];
        if !commit_filter(commit) {
            continue;
        }
        r.total += 1;
        if commit.is_merge {
            r.merges_with_own_changes += 1;
        } else if commit.merged_by.is_none() && commit.pull_request.is_none() {
            r.direct_pushes += 1;
        }
        match &change.judgement.verdict {
            Verdict::Approved { weak: true, .. } => r.approved_by_merged_pull_request += 1,
            Verdict::Approved { by, .. } => {
                let counted = commit.approvals.iter().find(|a| {
                    people
                        .as_ref()
                        .and_then(|p| p.resolve(&a.who))
                        .is_some_and(|who| by.iter().any(|b| b == who))
                });
                match counted.map(|a| &a.source) {
                    Some(Source::Note { .. }) => r.approved_by_note += 1,
                    Some(Source::Review { .. }) => r.approved_by_review += 1,
                    _ => r.approved_by_trailer += 1,
                }
            }
            Verdict::Unapproved => r.unapproved += 1,
            Verdict::SelfApproved(_) => r.self_approved += 1,
            Verdict::NotAuthorised(_) => r.approved_by_non_approver += 1,
            Verdict::UnknownAuthor => r.unknown_author += 1,
            Verdict::Unsigned(_) => r.not_signed += 1,
        }
    }
    r
}
