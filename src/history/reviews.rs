//! Forge review records: the JSON that
//! `gh pr list --state merged --json number,mergeCommit,reviews,author` prints.

use std::collections::HashMap;

use serde::Deserialize;

/// One merged pull request and its approving reviewers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullRequest {
    /// Its number.
    pub number: u64,
    /// Its author's login.
    pub author: Option<String>,
    /// Logins of the reviewers whose latest review approved it.
    pub approved_by: Vec<String>,
}

/// Pull requests by the id of the commit that merged them (a merge or a squash commit).
pub type Reviews = HashMap<String, PullRequest>;

#[derive(Deserialize)]
struct RawPullRequest {
    number: u64,
    #[serde(default, rename = "mergeCommit")]
    merge_commit: Option<RawCommit>,
    #[serde(default)]
    author: Option<RawUser>,
    #[serde(default)]
    reviews: Vec<RawReview>,
}

#[derive(Deserialize)]
struct RawCommit {
    oid: String,
}

#[derive(Deserialize)]
struct RawUser {
    login: String,
}

#[derive(Deserialize)]
struct RawReview {
    #[serde(default)]
    author: Option<RawUser>,
    #[serde(default)]
    state: String,
    #[serde(default, rename = "submittedAt")]
    submitted_at: Option<String>,
}

/// Parses the review records; the error says what is wrong with the JSON.
pub fn parse(json: &str) -> Result<Reviews, serde_json::Error> {
    let raw: Vec<RawPullRequest> = serde_json::from_str(json)?;
    Ok(raw
        .into_iter()
        .filter_map(|pr| {
            let commit = pr.merge_commit?.oid.to_lowercase();
            let pull_request = PullRequest {
                number: pr.number,
                author: pr.author.map(|a| a.login),
                approved_by: approvers(pr.reviews),
            };
            Some((commit, pull_request))
        })
        .collect())
}

/// Reviewers whose latest review (by submission time) is an approval: a later "changes requested"
/// withdraws an earlier approval; a later comment does not.
fn approvers(mut reviews: Vec<RawReview>) -> Vec<String> {
    reviews.sort_by(|a, b| a.submitted_at.cmp(&b.submitted_at));
    let mut latest: Vec<(String, bool)> = Vec::new();
    for review in reviews {
        let Some(author) = review.author else {
            continue;
        };
        let verdict = match review.state.as_str() {
            "APPROVED" => true,
            "CHANGES_REQUESTED" | "DISMISSED" => false,
            _ => continue,
        };
        match latest.iter_mut().find(|(login, _)| *login == author.login) {
            Some(entry) => entry.1 = verdict,
            None => latest.push((author.login, verdict)),
        }
    }
    latest
        .into_iter()
        .filter(|(_, approved)| *approved)
        .map(|(login, _)| login)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_verdict_counts() {
        let json = r#"[
          {"number": 7, "author": {"login": "sokafor"}, "mergeCommit": {"oid": "ABC123"},
           "reviews": [
             {"author": {"login": "dreyes"}, "state": "CHANGES_REQUESTED", "submittedAt": "2026-03-01T10:00:00Z"},
             {"author": {"login": "dreyes"}, "state": "APPROVED", "submittedAt": "2026-03-02T10:00:00Z"},
             {"author": {"login": "mchen"}, "state": "APPROVED", "submittedAt": "2026-03-01T09:00:00Z"},
             {"author": {"login": "mchen"}, "state": "COMMENTED", "submittedAt": "2026-03-03T09:00:00Z"},
             {"author": {"login": "talvarez"}, "state": "APPROVED", "submittedAt": "2026-03-01T09:00:00Z"},
             {"author": {"login": "talvarez"}, "state": "DISMISSED", "submittedAt": "2026-03-04T09:00:00Z"}
           ]},
          {"number": 8, "mergeCommit": null, "reviews": []}
        ]"#;
        let reviews = parse(json).unwrap();
        assert_eq!(reviews.len(), 1);
        let pr = &reviews["abc123"];
        assert_eq!(pr.number, 7);
        assert_eq!(pr.approved_by, vec!["mchen", "dreyes"]);
    }

    #[test]
    fn rejects_other_json() {
        assert!(parse("{\"number\": 1}").is_err());
    }
}
