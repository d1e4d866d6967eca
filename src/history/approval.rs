//! Whether a change is approved: how each recorded approval counts.
//!
//! An approval counts when its approver is a person of `[people]` (by email or GitHub login,
//! case-insensitive) who may approve the file ([`crate::model::approvers`]) and is not the change's
//! author (segregation of duties, SOC 2 CC8.1). [`judge`] is the one place this is decided.

use std::collections::{BTreeSet, HashMap};

use super::{Approval, Commit, Source, Who};
use crate::model::Config;

/// How people are recognised in git and on the forge.
pub struct People {
    by_email: HashMap<String, String>,
    by_login: HashMap<String, String>,
}

impl People {
    /// Indexes `[people]`.
    pub fn new(config: &Config) -> Self {
        let mut by_email = HashMap::new();
        let mut by_login = HashMap::new();
        for (key, person) in &config.people {
            for email in &person.emails {
                by_email.insert(email.to_lowercase(), key.get_ref().clone());
            }
            if let Some(login) = &person.github {
                by_login.insert(
                    login.trim_start_matches('@').to_lowercase(),
                    key.get_ref().clone(),
                );
            }
        }
        People { by_email, by_login }
    }

    /// The emails of a person (lower-case).
    pub fn emails_of(&self, person: &str) -> Vec<String> {
        self.by_email
            .iter()
            .filter(|(_, key)| key.as_str() == person)
            .map(|(email, _)| email.clone())
            .collect()
    }

    /// The person key of an identity.
    pub fn resolve(&self, who: &Who) -> Option<&str> {
        match who {
            Who::Email { email, .. } => self.by_email.get(&email.to_lowercase()),
            Who::Login(login) => self.by_login.get(&login.to_lowercase()),
            Who::Unnamed => None,
        }
        .map(String::as_str)
    }
}

/// The outcome for one change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Verdict {
    /// At least one approval counts; `weak` when the only ones are merged pull requests.
    Approved {
        /// The people whose approval counts (empty for an unnamed reviewer).
        by: Vec<String>,
        /// Whether the evidence is a merged pull request only.
        weak: bool,
    },
    /// No approval recorded at all.
    #[default]
    Unapproved,
    /// The only approvals are by the change's author.
    SelfApproved(String),
    /// The only approvals are by people who may not approve this file.
    NotAuthorised(Vec<String>),
    /// The author matches no person of `[people]`: segregation of duties cannot be judged, so no
    /// approval counts.
    UnknownAuthor,
    /// In signed mode, the approvals that would count are not signed by a key the allowed-signers
    /// file lists for their approver (the people named).
    Unsigned(Vec<String>),
}

impl Verdict {
    /// Whether the change counts as approved.
    pub fn is_approved(&self) -> bool {
        matches!(self, Verdict::Approved { .. })
    }

    /// The verdict's kind, for tables.
    pub fn status(&self) -> ApprovalStatus {
        match self {
            Verdict::Approved { weak: false, .. } => ApprovalStatus::Approved,
            Verdict::Approved { weak: true, .. } => ApprovalStatus::ApprovedByMerge,
            Verdict::Unapproved => ApprovalStatus::Unapproved,
            Verdict::SelfApproved(_) => ApprovalStatus::SelfApproved,
            Verdict::NotAuthorised(_) => ApprovalStatus::NotAuthorised,
            Verdict::UnknownAuthor => ApprovalStatus::UnknownAuthor,
            Verdict::Unsigned(_) => ApprovalStatus::Unsigned,
        }
    }
}

/// The kind of a change's verdict, as the review trail shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApprovalStatus {
    /// A named approver's approval counts.
    Approved,
    /// Only a merged pull request counts (weaker evidence).
    ApprovedByMerge,
    /// No approval recorded.
    Unapproved,
    /// Approved only by its author.
    SelfApproved,
    /// Approved only by people who may not approve the file.
    NotAuthorised,
    /// Its author is no person of `[people]`.
    UnknownAuthor,
    /// Approved only by approvals that signed mode rejects.
    Unsigned,
    /// Not judged: `crosswalk.toml` is invalid, so nobody is known.
    Unknown,
}

crate::names!(serialize ApprovalStatus {
    Approved => "approved",
    ApprovedByMerge => "approved (merged pull request)",
    Unapproved => "unapproved",
    SelfApproved => "self-approved",
    NotAuthorised => "approved by non-approver",
    UnknownAuthor => "unknown author",
    Unsigned => "approval not signed",
    Unknown => "unknown",
});

/// A verdict and the identities that matched nobody in `[people]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Judgement {
    /// The outcome.
    pub verdict: Verdict,
    /// Approvers recorded by an identity that is not in `[people]`.
    pub unknown: Vec<Who>,
}

/// Whether an approval by a person is vouched for by a signature, in signed mode.
pub type Vouch<'a> = &'a dyn Fn(&Approval, &str) -> bool;

/// Judges one commit's approvals for a file that `allowed` may approve; in signed mode, `signed`
/// says whether an approval by a person is signed by a key listed for them. The one place where
/// approvals are weighed:
/// 1. an author who is no person: nothing counts (segregation of duties cannot be judged);
/// 2. an approval by an allowed person who is not the author (and, in signed mode, signed by a key
///    listed for them): approved;
/// 3. an approval by the author, or a note the author wrote: self-approved, even when a merged pull
///    request would otherwise count (weak evidence never outweighs an explicit self-approval);
/// 4. a merged pull request the forge made (opt-in): approved, weakly;
/// 5. otherwise unsigned, not authorised, or unapproved.
pub fn judge(
    commit: &Commit,
    allowed: &BTreeSet<String>,
    people: &People,
    signed: Option<Vouch>,
) -> Judgement {
    let author = people.resolve(&commit.author);
    let mut valid = Vec::new();
    let mut weak = false;
    let mut own = None;
    let mut unsigned = Vec::new();
    let mut outsiders = Vec::new();
    let mut unknown = Vec::new();
    for approval in &commit.approvals {
        if matches!(approval.source, Source::MergedPullRequest { .. }) {
            weak = true;
            continue;
        }
        let written_by_author = match &approval.source {
            Source::Note {
                written_by: Some(writer),
                ..
            } => author.is_some() && people.resolve(writer) == author,
            _ => false,
        };
        match people.resolve(&approval.who) {
            None => unknown.push(approval.who.clone()),
            Some(person) if Some(person) == author || written_by_author => {
                own = Some(author.unwrap_or(person).to_string())
            }
            Some(person) if allowed.contains(person) => match signed {
                Some(vouch) if !vouch(approval, person) => push_unique(&mut unsigned, person),
                _ => push_unique(&mut valid, person),
            },
            Some(person) => push_unique(&mut outsiders, person),
        }
    }
    let verdict = if author.is_none() {
        Verdict::UnknownAuthor
    } else if !valid.is_empty() {
        Verdict::Approved {
            by: valid,
            weak: false,
        }
    } else if let Some(person) = own {
        Verdict::SelfApproved(person)
    } else if weak && signed.is_none() {
        Verdict::Approved {
            by: Vec::new(),
            weak: true,
        }
    } else if !unsigned.is_empty() {
        Verdict::Unsigned(unsigned)
    } else if !outsiders.is_empty() {
        Verdict::NotAuthorised(outsiders)
    } else {
        Verdict::Unapproved
    };
    unknown.dedup();
    Judgement { verdict, unknown }
}

/// The date of the latest approved change (a review included) of the file at `path`, on or before
/// `as_of` (a change dated after the day judged proves nothing about it).
pub fn last_approved(
    trail: &super::Trail,
    path: &str,
    as_of: jiff::civil::Date,
) -> Option<jiff::civil::Date> {
    trail
        .of(path)
        .iter()
        .filter(|change| change.judgement.verdict.is_approved())
        .map(|change| trail.commits[change.commit].date)
        .filter(|date| *date <= as_of)
        .max()
}

/// Whether a change is the document owner's: approved by the owner, or authored by the owner (who
/// could approve the file before the change, so that naming oneself owner in the change itself
/// does not count) and approved by someone else. A merged pull request names nobody, so it is not
/// the owner's. What a risk owner's acceptance of a risk (ISO 27001 6.1.3 f) rests on.
pub fn approved_by_owner(
    change: &super::Change,
    commit: &Commit,
    owner: &str,
    people: &People,
) -> bool {
    match &change.judgement.verdict {
        Verdict::Approved { by, weak: false } => {
            by.iter().any(|p| p == owner)
                || (people.resolve(&commit.author) == Some(owner) && change.allowed.contains(owner))
        }
        _ => false,
    }
}

fn push_unique(list: &mut Vec<String>, person: &str) {
    if !list.iter().any(|p| p == person) {
        list.push(person.to_string());
    }
}
