//! Real git repositories for the history tests, built with git2, with pinned dates.

use std::path::Path;

use git2::{Oid, Repository, Signature, Time};

use super::Fixture;

pub const ALICE: (&str, &str) = ("Alice Archer", "alice@test.example");
pub const BOB: (&str, &str) = ("Bob Brown", "bob@test.example");
pub const CAROL: (&str, &str) = ("Carol Chen", "carol@test.example");

/// A fixture repository under git.
pub struct Git {
    pub fixture: Fixture,
    pub repo: Repository,
}

fn signature(who: (&str, &str), date: &str) -> Signature<'static> {
    let date: jiff::civil::Date = date.parse().unwrap();
    let seconds = jiff::tz::Offset::UTC
        .to_timestamp(date.at(12, 0, 0, 0))
        .unwrap()
        .as_second();
    Signature::new(who.0, who.1, &Time::new(seconds, 0)).unwrap()
}

impl Git {
    /// The valid fixture, with carol (not an approver) added to `[people]`, and no commits yet.
    pub fn new() -> Self {
        let fixture = Fixture::valid();
        fixture.write(
            "crosswalk.toml",
            format!(
                "{}\n[people.carol]\nname = \"Carol Chen\"\nemails = [\"carol@test.example\"]\ngithub = \"carol-gh\"\n",
                super::CONFIG.replace("emails = [\"bob@test.example\"]", "emails = [\"bob@test.example\"]\ngithub = \"bob-gh\"")
            ),
        );
        let repo = Repository::init(fixture.root()).unwrap();
        Git { fixture, repo }
    }

    /// The fixture committed once by carol, approved by bob, on `date`.
    pub fn committed(date: &str) -> Self {
        let git = Git::new();
        git.commit(
            CAROL,
            date,
            "Adopt the ISMS\n\nApproved-by: Bob Brown <bob@test.example>",
        );
        git
    }

    /// Stages every change in the work tree and commits it on HEAD.
    pub fn commit(&self, author: (&str, &str), date: &str, message: &str) -> Oid {
        let tree = self.repo.find_tree(self.stage()).unwrap();
        let parents: Vec<git2::Commit> = self
            .repo
            .head()
            .ok()
            .map(|h| h.peel_to_commit().unwrap())
            .into_iter()
            .collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        let sig = signature(author, date);
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap()
    }

    /// Commits the work tree on a side branch off HEAD (HEAD does not move); returns the commit.
    pub fn commit_aside(&self, author: (&str, &str), date: &str, message: &str) -> Oid {
        let tree = self.repo.find_tree(self.stage()).unwrap();
        let head = self.repo.head().unwrap().peel_to_commit().unwrap();
        let sig = signature(author, date);
        let oid = self
            .repo
            .commit(None, &sig, &sig, message, &tree, &[&head])
            .unwrap();
        // Put the work tree and index back to HEAD, as if the change lived on the branch only.
        self.repo
            .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
            .unwrap();
        oid
    }

    /// Merges `branch` into HEAD with a merge commit whose tree is the branch's.
    pub fn merge(&self, branch: Oid, committer: (&str, &str), date: &str, message: &str) -> Oid {
        let head = self.repo.head().unwrap().peel_to_commit().unwrap();
        let other = self.repo.find_commit(branch).unwrap();
        let sig = signature(committer, date);
        let oid = self
            .repo
            .commit(
                Some("HEAD"),
                &sig,
                &sig,
                message,
                &other.tree().unwrap(),
                &[&head, &other],
            )
            .unwrap();
        self.repo
            .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
            .unwrap();
        oid
    }

    /// Adds a note under refs/notes/crosswalk.
    pub fn note(&self, commit: Oid, text: &str) {
        let sig = signature(ALICE, "2026-06-01");
        self.repo
            .note(
                &sig,
                &sig,
                Some("refs/notes/crosswalk"),
                commit,
                text,
                false,
            )
            .unwrap();
    }

    /// Marks the history as cut short after HEAD, as `git clone --depth 1` does.
    pub fn make_shallow(&self) {
        let head = self.repo.head().unwrap().target().unwrap();
        std::fs::write(self.repo.path().join("shallow"), format!("{head}\n")).unwrap();
    }

    fn stage(&self) -> Oid {
        let mut index = self.repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        index.write_tree().unwrap()
    }

    pub fn root(&self) -> &Path {
        self.fixture.root()
    }
}
