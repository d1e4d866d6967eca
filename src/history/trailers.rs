//! Commit message trailers (`Approved-by: Name <email>`) and pull request numbers in subjects.

use super::Who;

/// Trailer keys that record an approval (compared case-insensitively).
pub const APPROVAL_KEYS: [&str; 2] = ["Approved-by", "Reviewed-by"];

/// The trailer `crosswalk review` writes: a document reviewed with no content change.
pub const REVIEW_KEY: &str = "Crosswalk-Review";

/// What a message's trailers say.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Trailers {
    /// Approvers named by `Approved-by:` and `Reviewed-by:`.
    pub approvers: Vec<Who>,
    /// Document ids named by `Crosswalk-Review:`.
    pub reviewed_ids: Vec<String>,
}

/// Parses the trailer block of a commit message or a note.
pub fn parse(message: &str) -> Trailers {
    let mut trailers = Trailers::default();
    let Ok(parsed) = git2::message_trailers_strs(message) else {
        return trailers;
    };
    for (key, value) in parsed.iter() {
        if APPROVAL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            trailers.approvers.push(identity(value));
        } else if key.eq_ignore_ascii_case(REVIEW_KEY) {
            trailers.reviewed_ids.extend(
                value
                    .split([',', ' '])
                    .filter(|id| !id.is_empty())
                    .map(str::to_string),
            );
        }
    }
    trailers
}

/// `Name <email>` → a [`Who`]; a value without an address keeps an empty email, which matches nobody.
pub fn identity(value: &str) -> Who {
    let value = value.trim();
    match (value.rfind('<'), value.rfind('>')) {
        (Some(open), Some(close)) if open < close => Who::Email {
            name: value[..open].trim().to_string(),
            email: value[open + 1..close].trim().to_string(),
        },
        _ if value.contains('@') && !value.contains(' ') => Who::Email {
            name: String::new(),
            email: value.to_string(),
        },
        _ => Who::Email {
            name: value.to_string(),
            email: String::new(),
        },
    }
}

/// The pull request a commit subject names: GitHub's `Merge pull request #12 from …` or a squash
/// merge's `Subject (#12)`.
pub fn pull_request(subject: &str) -> Option<u64> {
    if let Some(rest) = subject.strip_prefix("Merge pull request #") {
        return rest.split_whitespace().next()?.parse().ok();
    }
    let inner = subject.trim_end().strip_suffix(')')?;
    let start = inner.rfind("(#")?;
    inner[start + 2..].parse().ok()
}

/// Whether a subject is GitHub's merge commit subject.
pub fn is_pull_request_merge(subject: &str) -> bool {
    subject.starts_with("Merge pull request #")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_of_a_squash_merge() {
        let message = "Tighten access reviews (#42)\n\nBody text.\n\nApproved-by: Dana Reyes <dana@acme.example>\nreviewed-by: priya@acme.example\nCrosswalk-Review: POL-ACCESS\nSigned-off-by: Sam <sam@acme.example>\n";
        let trailers = parse(message);
        assert_eq!(
            trailers.approvers,
            vec![
                Who::Email {
                    name: "Dana Reyes".into(),
                    email: "dana@acme.example".into()
                },
                Who::Email {
                    name: String::new(),
                    email: "priya@acme.example".into()
                },
            ]
        );
        assert_eq!(trailers.reviewed_ids, vec!["POL-ACCESS"]);
    }

    #[test]
    fn no_trailers_in_a_one_line_message() {
        assert_eq!(parse("Approved-by: x <x@y>"), Trailers::default());
    }

    #[test]
    fn pull_request_numbers() {
        assert_eq!(
            pull_request("Merge pull request #12 from acme/access"),
            Some(12)
        );
        assert_eq!(pull_request("Tighten access reviews (#42)"), Some(42));
        assert_eq!(pull_request("Fix (typo)"), None);
        assert_eq!(pull_request("Plain"), None);
    }
}
