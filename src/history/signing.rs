//! Signed mode: SSH signatures on commits, verified in Rust (no `git` or `ssh-keygen`), against an
//! allowed-signers file in git's `gpg.ssh.allowedSignersFile` format:
//!
//! ```text
//! # principals              options              key
//! bob@acme.example          namespaces="git"     ssh-ed25519 AAAAC3Nza…
//! dana@acme.example,dana@home.example            ssh-ed25519 AAAAC3Nza…
//! ```
//!
//! An approval counts in signed mode only when the commit carrying it (the commit whose message
//! holds the trailer, or the notes commit that wrote the note) carries an SSH signature over its
//! content, in the `git` namespace, by a key the file lists for one of the approver's emails.

use std::str::FromStr;

use git2::{Oid, Repository};
use ssh_key::{PublicKey, SshSig};

/// The namespace git signs commits in.
const NAMESPACE: &str = "git";

/// One line of an allowed-signers file.
#[derive(Clone, Debug)]
struct Entry {
    principals: Vec<String>,
    key: PublicKey,
}

/// A parsed allowed-signers file. Lines that do not parse are skipped (and name nobody).
#[derive(Clone, Debug, Default)]
pub(super) struct AllowedSigners {
    entries: Vec<Entry>,
}

impl AllowedSigners {
    /// Parses the file's text.
    pub(super) fn parse(text: &str) -> Self {
        let entries = text.lines().filter_map(parse_line).collect();
        AllowedSigners { entries }
    }

    /// Whether `key` is listed for one of `emails` (compared case-insensitively; `*` in a listed
    /// principal matches any run of characters).
    pub(super) fn lists(&self, key: &PublicKey, emails: &[String]) -> bool {
        self.entries.iter().any(|entry| {
            entry.key.key_data() == key.key_data()
                && entry
                    .principals
                    .iter()
                    .any(|p| emails.iter().any(|e| matches(p, &e.to_lowercase())))
        })
    }
}

fn parse_line(line: &str) -> Option<Entry> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let (principals, rest) = line.split_once(char::is_whitespace)?;
    let mut rest = rest.trim_start();
    // Options come before the key type: `namespaces="git",valid-after="…"`.
    if !rest.starts_with("ssh-") && !rest.starts_with("ecdsa-") && !rest.starts_with("sk-") {
        let (options, key) = split_options(rest)?;
        let namespaces = options
            .split(',')
            .find_map(|o| o.trim().strip_prefix("namespaces="))
            .map(|v| v.trim_matches('"'));
        if namespaces.is_some_and(|n| !n.split(',').any(|n| n == NAMESPACE)) {
            return None;
        }
        rest = key;
    }
    let key = PublicKey::from_str(rest.trim()).ok()?;
    Some(Entry {
        principals: principals
            .split(',')
            .map(|p| p.trim().to_lowercase())
            .collect(),
        key,
    })
}

/// Splits `options key…` where options may hold quoted spaces.
fn split_options(text: &str) -> Option<(&str, &str)> {
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return Some((&text[..i], text[i..].trim_start())),
            _ => {}
        }
    }
    None
}

/// A principal pattern (`*` matches any run of characters) against an email.
fn matches(pattern: &str, email: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == email,
        Some((head, tail)) => {
            let Some(rest) = email.strip_prefix(head) else {
                return false;
            };
            (0..=rest.len()).any(|i| rest.is_char_boundary(i) && matches(tail, &rest[i..]))
        }
    }
}

/// The key whose valid SSH signature (namespace `git`) a commit carries, if any.
pub(super) fn signing_key(repo: &Repository, commit: Oid) -> Option<PublicKey> {
    let (signature, signed) = repo.extract_signature(&commit, None).ok()?;
    let signature = std::str::from_utf8(&signature).ok()?;
    let sshsig = SshSig::from_pem(signature).ok()?;
    if sshsig.namespace() != NAMESPACE {
        return None;
    }
    let key = PublicKey::from(sshsig.public_key().clone());
    key.verify(NAMESPACE, &signed, &sshsig).ok()?;
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_patterns() {
        assert!(matches("bob@acme.example", "bob@acme.example"));
        assert!(!matches("bob@acme.example", "bob+x@acme.example"));
        assert!(matches("*@acme.example", "bob@acme.example"));
        assert!(!matches("*@acme.example", "bob@acme.example.evil"));
    }

    #[test]
    fn lines_with_options_and_comments() {
        let key =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
        let text = format!(
            "# team\nbob@acme.example namespaces=\"git\" {key}\ncarol@acme.example namespaces=\"file\" {key}\n\nbroken line\n"
        );
        let signers = AllowedSigners::parse(&text);
        let key = PublicKey::from_str(key).unwrap();
        assert!(signers.lists(&key, &["BOB@acme.example".into()]));
        assert!(
            !signers.lists(&key, &["carol@acme.example".into()]),
            "a key for another namespace is not a git signer"
        );
    }
}
