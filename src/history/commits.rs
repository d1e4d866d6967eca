//! Commit assembly: each changing commit of the walk as a [`Commit`] with its approvals (trailers,
//! notes with who wrote them, forge reviews, merged pull requests the forge made).

use std::collections::HashMap;

use git2::Oid;

use super::git::{Note, civil_date, summary};
use super::rules::Rules;
use super::walk::{Node, ReadOptions};
use super::{Approval, Change, ChangeKind, Commit, Source, Trail, Who, trailers};

pub(super) struct Context<'a> {
    pub(super) nodes: &'a [Node],
    pub(super) merged_by: &'a [Option<usize>],
    /// When each commit reached the mainline (see [`super::walk::landing_times`]).
    pub(super) landed: &'a [(i64, i32)],
    pub(super) notes: &'a HashMap<Oid, Note>,
    pub(super) options: &'a ReadOptions<'a>,
}

impl Context<'_> {
    /// The commit at `index` with every approval recorded for it, judged-by `rules` (the rules
    /// before it) for whether a merged pull request counts.
    pub(super) fn commit(&self, index: usize, rules: Option<&Rules>) -> Commit {
        let node = &self.nodes[index];
        let merge = self.merged_by[index].map(|m| &self.nodes[m]);
        let landed = merge.unwrap_or(node);
        let mut approvals = self.approvals_recorded_on(node);
        let mut pull_request = trailers::pull_request(summary(&node.message));
        if let Some(merge) = merge {
            approvals.extend(self.approvals_recorded_on(merge));
            pull_request = pull_request.or_else(|| trailers::pull_request(summary(&merge.message)));
        }
        let pull_request = pull_request.or_else(|| self.review_of(landed).map(|pr| pr.number));
        let counted = rules.filter(|r| r.merged_pull_requests);
        if let (Some(number), Some(rules)) = (pull_request, counted) {
            // Only the forge's own commit is evidence of a merged pull request: its merge commit,
            // or a squash commit it wrote. Anyone can type `(#123)` or "Merge pull request".
            let by_forge = |n: &Node| match &n.committer {
                Who::Email { email, .. } => rules.forge_emails.contains(&email.to_lowercase()),
                _ => false,
            };
            let merged = match merge {
                Some(m) => trailers::is_pull_request_merge(summary(&m.message)) && by_forge(m),
                None => trailers::pull_request(summary(&node.message)).is_some() && by_forge(node),
            };
            if merged {
                approvals.push(Approval {
                    who: Who::Unnamed,
                    source: Source::MergedPullRequest {
                        pull_request: number,
                    },
                });
            }
        }
        let parent_time = node.parents.iter().map(|&p| self.nodes[p].time).max();
        Commit {
            id: node.id.to_string(),
            summary: summary(&node.message).to_string(),
            author: node.author.clone(),
            committer: node.committer.clone(),
            date: civil_date(self.landed[index].0, self.landed[index].1),
            author_date: civil_date(node.author_time, node.author_offset_minutes),
            committer_date: civil_date(node.time, node.offset_minutes),
            dated_before_parent: parent_time.is_some_and(|t| node.time < t),
            is_merge: node.parents.len() > 1,
            merged_by: merge.map(|m| m.id.to_string()),
            pull_request,
            approvals,
            reviewed_ids: match node.message.contains(trailers::REVIEW_KEY) {
                true => trailers::parse(&node.message).reviewed_ids,
                false => Vec::new(),
            },
        }
    }

    /// Trailers in the message and in the note of one commit, and imported reviews of it.
    fn approvals_recorded_on(&self, node: &Node) -> Vec<Approval> {
        let note = self.notes.get(&node.id);
        let mut approvals = recorded_approvals(&node.id.to_string(), &node.message, note);
        if let Some(pr) = self.review_of(node) {
            approvals.extend(pr.approved_by.iter().map(|login| Approval {
                who: Who::Login(login.clone()),
                source: Source::Review {
                    pull_request: pr.number,
                },
            }));
        }
        approvals
    }

    fn review_of(&self, node: &Node) -> Option<&super::reviews::PullRequest> {
        self.options.reviews?.get(&node.id.to_string())
    }
}

/// The approvals that a commit's message and its note under [`super::NOTES_REF`] record, as
/// trailers, each with where it is recorded and which commit's signature vouches for it.
pub(super) fn recorded_approvals(
    commit: &str,
    message: &str,
    note: Option<&Note>,
) -> Vec<Approval> {
    let mut approvals: Vec<Approval> = trailers::parse(message)
        .approvers
        .into_iter()
        .map(|who| Approval {
            who,
            source: Source::Trailer {
                commit: commit.to_string(),
            },
        })
        .collect();
    if let Some(note) = note {
        // A note is all trailers: give it a subject line so the last paragraph parses as trailers.
        let approvers = trailers::parse(&format!("note\n\n{}", note.text.trim())).approvers;
        let note_commit = note.commit.map(|id| id.to_string());
        approvals.extend(approvers.into_iter().map(|who| Approval {
            who,
            source: Source::Note {
                commit: commit.to_string(),
                written_by: note.writer.clone(),
                note_commit: note_commit.clone(),
            },
        }));
    }
    approvals
}

/// Appends a change to its file's trail, moving a renamed file's trail to its new path.
pub(super) fn record_change(trail: &mut Trail, change: Change) {
    let mut changes = match &change.kind {
        ChangeKind::Renamed { from } => trail.changes.remove(from).unwrap_or_default(),
        _ => trail.changes.remove(&change.path).unwrap_or_default(),
    };
    let path = change.path.clone();
    changes.push(change);
    trail.changes.insert(path, changes);
}
