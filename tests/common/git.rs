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

    /// Adds a note under refs/notes/crosswalk, written by alice.
    pub fn note(&self, commit: Oid, text: &str) {
        self.note_by(ALICE, "2026-06-01", commit, text);
    }

    /// Stages every change in the work tree and commits it on HEAD, with an author and a committer
    /// that differ, each with its own date.
    pub fn commit_by(
        &self,
        author: (&str, &str),
        author_date: &str,
        committer: (&str, &str),
        committer_date: &str,
        message: &str,
    ) -> Oid {
        let tree = self.repo.find_tree(self.stage()).unwrap();
        let parents = self.head_commit().into_iter().collect::<Vec<_>>();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        self.repo
            .commit(
                Some("HEAD"),
                &signature(author, author_date),
                &signature(committer, committer_date),
                message,
                &tree,
                &parents,
            )
            .unwrap()
    }

    /// Stages every change in the work tree and commits it on HEAD as a signed commit, the way
    /// `git commit -S` does: `sign` gets the commit object's bytes (without the signature) and returns
    /// the armoured signature that goes into its `gpgsig` header.
    pub fn commit_signed(
        &self,
        author: (&str, &str),
        committer: (&str, &str),
        date: &str,
        message: &str,
        sign: impl FnOnce(&[u8]) -> String,
    ) -> Oid {
        let tree = self.repo.find_tree(self.stage()).unwrap();
        let parents = self.head_commit().into_iter().collect::<Vec<_>>();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        let buffer = self
            .repo
            .commit_create_buffer(
                &signature(author, date),
                &signature(committer, date),
                message,
                &tree,
                &parents,
            )
            .unwrap();
        let content = std::str::from_utf8(&buffer).unwrap();
        let oid = self
            .repo
            .commit_signed(content, &sign(content.as_bytes()), None)
            .unwrap();
        self.move_head(oid);
        oid
    }

    /// Checks the tree of `branch` out, lets `edit` change the work tree, and commits the result as a
    /// merge of HEAD and `branch`. When `edit` changes anything, this is an evil merge: its tree holds
    /// a change that is in neither parent.
    pub fn merge_edited(
        &self,
        branch: Oid,
        committer: (&str, &str),
        date: &str,
        message: &str,
        edit: impl FnOnce(&Fixture),
    ) -> Oid {
        let head = self.repo.head().unwrap().peel_to_commit().unwrap();
        let other = self.repo.find_commit(branch).unwrap();
        self.repo
            .checkout_tree(
                other.as_object(),
                Some(git2::build::CheckoutBuilder::new().force()),
            )
            .unwrap();
        edit(&self.fixture);
        let tree = self.repo.find_tree(self.stage()).unwrap();
        let sig = signature(committer, date);
        let oid = self
            .repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &[&head, &other])
            .unwrap();
        self.repo
            .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
            .unwrap();
        oid
    }

    /// Adds a note under refs/notes/crosswalk, written (authored and committed) by `who` on `date`.
    pub fn note_by(&self, who: (&str, &str), date: &str, commit: Oid, text: &str) {
        let sig = signature(who, date);
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

    /// Makes `link` (relative to the root) a symbolic link to `target`, as `ln -s target link` does.
    #[cfg(unix)]
    pub fn symlink(&self, link: &str, target: &str) {
        let path = self.fixture.path(link);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, path).unwrap();
    }

    /// Makes `path` (relative to the root) a submodule, as a checked-out `git submodule add` leaves
    /// it: a repository there holding `files` in one commit, a `.gitmodules` entry, and a gitlink in
    /// one commit on HEAD (by `author` on `date`). Returns that commit.
    pub fn commit_submodule(
        &self,
        path: &str,
        files: &[(&str, &str)],
        author: (&str, &str),
        date: &str,
        message: &str,
    ) -> Oid {
        let sig = signature(author, date);
        let inner = Repository::init(self.fixture.path(path)).unwrap();
        let mut index = inner.index().unwrap();
        for (name, content) in files {
            self.fixture.write(&format!("{path}/{name}"), content);
            index.add_path(Path::new(name)).unwrap();
        }
        index.write().unwrap();
        let tree = inner.find_tree(index.write_tree().unwrap()).unwrap();
        let inner_head = inner
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &[])
            .unwrap();
        let gitmodules = format!("[submodule \"{path}\"]\n\tpath = {path}\n\turl = ../{path}\n");
        self.fixture.write(".gitmodules", gitmodules);
        let mut index = self.repo.index().unwrap();
        let gitlink = git2::IndexEntry {
            ctime: git2::IndexTime::new(0, 0),
            mtime: git2::IndexTime::new(0, 0),
            dev: 0,
            ino: 0,
            mode: 0o160000,
            uid: 0,
            gid: 0,
            file_size: 0,
            id: inner_head,
            flags: 0,
            flags_extended: 0,
            path: path.as_bytes().to_vec(),
        };
        index.add(&gitlink).unwrap();
        index.add_path(Path::new(".gitmodules")).unwrap();
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let head = self.head_commit().unwrap();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &[&head])
            .unwrap()
    }

    /// Drops paths from the index (for files that no longer exist as such, e.g. under a folder that
    /// became a symbolic link), so that the next commit does not keep them.
    pub fn forget(&self, paths: &[&str]) {
        let mut index = self.repo.index().unwrap();
        for path in paths {
            index.remove_path(Path::new(path)).unwrap();
        }
        index.write().unwrap();
    }

    /// The commit HEAD points at, if any.
    pub fn head_commit(&self) -> Option<git2::Commit<'_>> {
        self.repo.head().ok().map(|h| h.peel_to_commit().unwrap())
    }

    /// Points the branch HEAD names (born or not) at `commit`.
    fn move_head(&self, commit: Oid) {
        let head = self.repo.find_reference("HEAD").unwrap();
        let branch = head
            .symbolic_target()
            .unwrap()
            .unwrap_or("refs/heads/main")
            .to_string();
        self.repo
            .reference(&branch, commit, true, "commit (signed)")
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
