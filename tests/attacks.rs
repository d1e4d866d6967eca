//! Attacks on the history check by someone with push access: each test builds a clean, approved
//! history (`crosswalk check` exits 0), then makes one attack with real commits, and asserts the
//! finding that must catch it, through the binary and its JSON report, as CI would run it.
//!
//! The rule behind most of them: a change is judged by the repository as it was *before* the change
//! (settings, people, approvers, layout, signers read from the first parent), every change that
//! reaches HEAD is judged (merges, symbolic links and every file that shapes an output included), and
//! only evidence that the author cannot write themselves counts as approval.

mod common;

use std::path::Path;
use std::process::Output;

use common::git::{ALICE, BOB, CAROL, Git};
use common::{AS_OF, Fixture};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// Git's identity variables, which must not leak into a run from the environment of the tests.
const GIT_IDENTITY: [&str; 6] = [
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE",
];

/// Runs the binary in `dir` with NO_COLOR=1, git's identity variables cleared and `env` set.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    for name in GIT_IDENTITY {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

/// The outcome of `crosswalk check --format json`.
struct Checked {
    exit: Option<i32>,
    report: Value,
    stderr: String,
}

impl Checked {
    fn findings(&self) -> &[Value] {
        self.report["diagnostics"]
            .as_array()
            .map_or(&[][..], Vec::as_slice)
    }

    /// Everything the run said, for assertion messages.
    fn listing(&self) -> String {
        format!(
            "exit code {:?}\nfindings: {}\nstderr: {}",
            self.exit,
            serde_json::to_string_pretty(&self.report["diagnostics"]).unwrap(),
            self.stderr
        )
    }

    fn find(&self, code: &str, path: &str) -> Option<&Value> {
        self.findings()
            .iter()
            .find(|f| f["code"] == code && f["file"] == path)
    }

    /// Asserts exit code 1 and a finding with this code on this file; returns it.
    fn expect(&self, code: &str, path: &str) -> &Value {
        assert_eq!(
            self.exit,
            Some(1),
            "the attack must fail the check (expected {code} on {path})\n{}",
            self.listing()
        );
        self.find(code, path)
            .unwrap_or_else(|| panic!("expected a {code} finding on {path}\n{}", self.listing()))
    }

    /// Asserts exit code 1 and some finding that `matches` accepts; returns it.
    fn expect_any(&self, what: &str, matches: impl Fn(&Value) -> bool) -> &Value {
        assert_eq!(
            self.exit,
            Some(1),
            "the attack must fail the check (expected {what})\n{}",
            self.listing()
        );
        self.findings()
            .iter()
            .find(|f| matches(f))
            .unwrap_or_else(|| panic!("expected {what}\n{}", self.listing()))
    }
}

/// `crosswalk check --format json --as-of AS_OF` in `dir`, plus `extra` arguments.
fn check_in(dir: &Path, extra: &[&str]) -> Checked {
    let mut args = vec!["check", "--format", "json", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    let output = run(dir, &args, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    Checked {
        exit: output.status.code(),
        report: serde_json::from_str(&stdout).unwrap_or(Value::Null),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `crosswalk check` with history.
fn check(git: &Git) -> Checked {
    check_in(git.root(), &[])
}

/// Asserts that the history is clean before the attack, so that the attack is what trips the check.
fn assert_clean(git: &Git) {
    let checked = check(git);
    assert_eq!(
        checked.exit,
        Some(0),
        "the history must be clean before the attack\n{}",
        checked.listing()
    );
}

/// Asserts the finding's line and column.
fn at(finding: &Value, line: u64, column: u64) {
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(line), Some(column)),
        "{}",
        serde_json::to_string_pretty(finding).unwrap()
    );
}

/// A JSON listing of the binary (`history`, `log`): its rows.
fn rows(dir: &Path, args: &[&str]) -> Vec<Value> {
    let output = run(dir, args, &[]);
    assert!(
        output.status.success(),
        "crosswalk {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let value = serde_json::from_slice::<Value>(&output.stdout).unwrap();
    // `log` wraps its rows with the query and the reconciliation; `history` is the rows alone.
    let rows = value.get("rows").unwrap_or(&value);
    rows.as_array().unwrap().clone()
}

/// The first 10 characters of a commit id, as crosswalk prints it.
fn short(id: git2::Oid) -> String {
    id.to_string()[..10].to_string()
}

const APPROVED_BY_BOB: &str = "\n\nApproved-by: Bob Brown <bob@test.example>";

/// `subject` with an `Approved-by: Bob Brown` trailer.
fn approved(subject: &str) -> String {
    format!("{subject}{APPROVED_BY_BOB}")
}

/// Edits the body of POL-A.
fn edit_policy(git: &Git) {
    git.fixture.edit(
        "policies/access.md",
        "Access is reviewed.",
        "Access is reviewed quarterly.",
    );
}

/// Edits the body of C-1.
fn edit_control(fixture: &Fixture, path: &str) {
    fixture.edit(
        path,
        "Alice reviews access.",
        "Alice reviews access monthly.",
    );
}

/// Inserts `text` into crosswalk.toml right after `[frameworks.mini]`.
fn configure(git: &Git, text: &str) {
    git.fixture.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        &format!("[frameworks.mini]\n{text}"),
    );
}

// ---------------------------------------------------------------------------------------------
// 1. Settings changed in the change they would excuse
// ---------------------------------------------------------------------------------------------

/// Attack: one unapproved commit moves `[history] since` past itself and edits a policy; judged
/// under HEAD's settings the edit falls before the window. Settings must come from the first parent.
#[test]
fn moving_history_since_past_the_change_itself() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    configure(&git, "[history]\nsince = 2099-01-01\n");
    edit_policy(&git);
    git.commit(CAROL, "2026-04-01", "Review access quarterly");
    check(&git).expect("CW044", "policies/access.md");
}

/// Attack: as above, with a SOC 2 observation window on the framework whose start moves into the
/// future in the same unapproved commit.
#[test]
fn moving_the_observation_window_past_the_change_itself() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    configure(
        &git,
        "observation = { start = 2099-01-01, end = 2099-12-31 }\n",
    );
    edit_policy(&git);
    git.commit(CAROL, "2026-04-01", "Review access quarterly");
    check(&git).expect("CW044", "policies/access.md");
}

// ---------------------------------------------------------------------------------------------
// 2. Backdated commits
// ---------------------------------------------------------------------------------------------

/// Attack: a commit whose author and committer dates lie before the judged window (and before its
/// own parent) escapes the window. Expect CW044 on the policy, CW060 naming the commit, and the
/// change in the population `crosswalk log` lists for the window.
#[test]
fn backdating_a_commit_before_the_window() {
    let git = Git::committed("2026-02-01");
    configure(&git, "[history]\nsince = 2026-03-01\n");
    git.commit(CAROL, "2026-03-02", &approved("Judge from March"));
    edit_control(&git.fixture, "controls/c-1.md");
    git.commit(CAROL, "2026-05-01", &approved("Monthly access reviews"));
    assert_clean(&git);

    edit_policy(&git);
    let backdated = git.commit(CAROL, "2026-01-15", "Review access quarterly");
    let checked = check(&git);
    checked.expect("CW044", "policies/access.md");
    let dated = checked.expect_any("a CW060 finding naming the backdated commit", |f| {
        f["code"] == "CW060"
    });
    assert!(
        dated["message"]
            .as_str()
            .unwrap()
            .contains(&short(backdated)),
        "CW060 must name commit {}\n{}",
        short(backdated),
        checked.listing()
    );
    assert_eq!(dated["severity"], "error", "{}", checked.listing());

    let population = rows(
        git.root(),
        &["log", "--since", "2026-03-01", "--format", "json"],
    );
    assert!(
        population
            .iter()
            .any(|row| row["commit"] == short(backdated) && row["path"] == "policies/access.md"),
        "the window's population must include the backdated change: {population:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Evil merges
// ---------------------------------------------------------------------------------------------

/// Attack: a merge of an approved branch whose tree also edits the policy (a change in neither
/// parent); the merge carries no approval. The merge's own changes must be judged and listed.
#[test]
fn an_evil_merge_changes_a_policy_that_neither_parent_changed() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    edit_control(&git.fixture, "controls/c-1.md");
    let branch = git.commit_aside(CAROL, "2026-04-01", &approved("Monthly access reviews"));
    let merge = git.merge_edited(
        branch,
        ALICE,
        "2026-04-03",
        "Merge branch 'monthly'",
        |fixture| {
            fixture.edit(
                "policies/access.md",
                "Access is reviewed.",
                "Access is reviewed when convenient.",
            )
        },
    );
    check(&git).expect("CW044", "policies/access.md");
    let history = rows(git.root(), &["history", "POL-A", "--format", "json"]);
    assert!(
        history.iter().any(|row| row["commit"] == short(merge)),
        "the history of POL-A must list the merge that changed it: {history:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Layout escapes
// ---------------------------------------------------------------------------------------------

/// Attack: an approved commit moves `controls/` to `elsewhere/` and leaves a symbolic link
/// `controls -> elsewhere`; the loader follows it, the history does not, so later edits to
/// `elsewhere/c-1.md` are never judged. Expect CW062 at the link and/or CW044 on the edited file.
#[cfg(unix)]
#[test]
fn a_symlinked_compliance_folder() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    std::fs::rename(git.fixture.path("controls"), git.fixture.path("elsewhere")).unwrap();
    git.symlink("controls", "elsewhere");
    git.forget(&["controls/c-1.md"]);
    git.commit(
        CAROL,
        "2026-04-01",
        &approved("Keep the controls elsewhere"),
    );
    edit_control(&git.fixture, "elsewhere/c-1.md");
    git.commit(CAROL, "2026-04-02", "Monthly access reviews");
    check(&git).expect_any("CW062 at `controls` or CW044 on the edited control", |f| {
        (f["code"] == "CW062" && f["file"] == "controls")
            || (f["code"] == "CW044"
                && (f["file"] == "elsewhere/c-1.md" || f["file"] == "controls/c-1.md"))
    });
}

/// Attack: an approved commit points `[layout] controls` outside the folders the history reads,
/// with a glob that climbs out of its folder (`controls/../docs/*.md`); globs must stay inside the
/// repository and may not contain `..`. Expect CW005 at the glob.
#[test]
fn a_layout_glob_with_dot_dot() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    std::fs::create_dir_all(git.fixture.path("docs")).unwrap();
    std::fs::rename(
        git.fixture.path("controls/c-1.md"),
        git.fixture.path("docs/c-1.md"),
    )
    .unwrap();
    configure(&git, "\n[layout]\ncontrols = [\"controls/../docs/*.md\"]\n");
    git.commit(CAROL, "2026-04-01", &approved("Controls live in docs"));
    edit_control(&git.fixture, "docs/c-1.md");
    git.commit(CAROL, "2026-04-02", "Monthly access reviews");
    let checked = check(&git);
    let glob = checked.expect("CW005", "crosswalk.toml");
    at(glob, 7, 13);
}

// ---------------------------------------------------------------------------------------------
// 5. Approvers and people taken from HEAD
// ---------------------------------------------------------------------------------------------

/// Attack: one commit by carol adds dave to `[people]`, names dave an approver of POL-A, edits the
/// policy and carries dave's approval. Dave was nobody before the change: it is not approved.
#[test]
fn a_new_approver_approving_the_change_that_appoints_him() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    let config = git.fixture.read("crosswalk.toml");
    git.fixture.write(
        "crosswalk.toml",
        format!("{config}\n[people.dave]\nname = \"Dave Doe\"\nemails = [\"dave@test.example\"]\n"),
    );
    git.fixture.edit(
        "policies/access.md",
        "approvers = [\"bob\"]",
        "approvers = [\"bob\", \"dave\"]",
    );
    edit_policy(&git);
    git.commit(
        CAROL,
        "2026-04-01",
        "Appoint Dave\n\nApproved-by: Dave Doe <dave@test.example>",
    );
    let checked = check(&git);
    checked.expect_any(
        "CW044 or CW046 on policies/access.md (dave was no approver before the change)",
        |f| (f["code"] == "CW044" || f["code"] == "CW046") && f["file"] == "policies/access.md",
    );
}

/// Attack: an approved commit leaves `crosswalk.toml` unreadable (an unknown key); the next commit
/// fixes it and appoints the approver who approves it. A version whose config does not read must not
/// make the next change "the adoption", judged by its own rules: the rules in force are the last
/// ones that read. Expect CW044 or CW046 on the policy.
#[test]
fn a_broken_config_does_not_let_the_next_change_judge_itself() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    configure(&git, "[history]\nsince_ = 2026-01-01\n");
    git.commit(
        CAROL,
        "2026-03-10",
        "Judge from January\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    git.fixture.edit(
        "crosswalk.toml",
        "since_ = 2026-01-01",
        "since = 2026-01-01",
    );
    let config = git.fixture.read("crosswalk.toml");
    git.fixture.write(
        "crosswalk.toml",
        format!("{config}\n[people.dave]\nname = \"Dave Doe\"\nemails = [\"dave@test.example\"]\n"),
    );
    git.fixture.edit(
        "policies/access.md",
        "approvers = [\"bob\"]",
        "approvers = [\"bob\", \"dave\"]",
    );
    edit_policy(&git);
    git.commit(
        CAROL,
        "2026-04-01",
        "Fix the config and appoint Dave\n\nApproved-by: Dave Doe <dave@test.example>",
    );
    check(&git).expect_any(
        "CW044 or CW046 on policies/access.md (judged by the last config that read)",
        |f| (f["code"] == "CW044" || f["code"] == "CW046") && f["file"] == "policies/access.md",
    );
}

/// Attack: alice makes carol an approver of POL-A in the same commit that carol approves.
#[test]
fn an_approver_appointed_by_the_change_she_approves() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    git.fixture.edit(
        "policies/access.md",
        "approvers = [\"bob\"]",
        "approvers = [\"bob\", \"carol\"]",
    );
    edit_policy(&git);
    git.commit(
        ALICE,
        "2026-04-01",
        "Carol approves access changes\n\nApproved-by: Carol Chen <carol@test.example>",
    );
    check(&git).expect("CW046", "policies/access.md");
}

/// Attack (found beyond the brief): launder an earlier approval by a non-approver by making her an
/// approver later, in a separate, properly approved commit; approvers judged from HEAD make the
/// earlier change count as approved after the fact.
#[test]
fn appointing_an_approver_later_does_not_launder_her_earlier_approval() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    edit_policy(&git);
    git.commit(
        ALICE,
        "2026-04-01",
        "Review access quarterly\n\nApproved-by: Carol Chen <carol@test.example>",
    );
    check(&git).expect("CW046", "policies/access.md");
    git.fixture.edit(
        "policies/access.md",
        "approvers = [\"bob\"]",
        "approvers = [\"bob\", \"carol\"]",
    );
    git.commit(
        ALICE,
        "2026-05-01",
        &approved("Carol approves access changes"),
    );
    check(&git).expect("CW046", "policies/access.md");
}

// ---------------------------------------------------------------------------------------------
// 6. Identities
// ---------------------------------------------------------------------------------------------

/// Attack: bob commits under an address that is not in `[people]` (`bob+x@…`) and approves his
/// own change; the author is unknown, so self-approval cannot be judged. Expect CW061.
#[test]
fn an_author_outside_people_approving_himself() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    edit_policy(&git);
    git.commit(
        ("Bob Brown", "bob+x@test.example"),
        "2026-04-01",
        &approved("Review access quarterly"),
    );
    let checked = check(&git);
    let unknown = checked.expect("CW061", "policies/access.md");
    assert_eq!(unknown["severity"], "error", "{}", checked.listing());
}

/// An author address in other case is still the person: BOB@TEST.EXAMPLE approving as bob is
/// self-approval.
#[test]
fn an_author_address_in_capitals_is_still_the_person() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    edit_policy(&git);
    git.commit(
        ("Bob Brown", "BOB@TEST.EXAMPLE"),
        "2026-04-01",
        &approved("Review access quarterly"),
    );
    check(&git).expect("CW045", "policies/access.md");
}

/// Attack: two people share one address (in any case), so an approval by that address is whoever
/// the index happens to keep. Expect CW019 duplicate-email in crosswalk.toml.
#[test]
fn two_people_with_one_email() {
    for shared in ["bob@test.example", "Bob@Test.Example"] {
        let fixture = Fixture::valid();
        assert_eq!(
            check_in(fixture.root(), &["--no-history"]).exit,
            Some(0),
            "the fixture must be clean before the attack"
        );
        let config = fixture.read("crosswalk.toml");
        fixture.write(
            "crosswalk.toml",
            format!("{config}\n[people.mallory]\nname = \"Mallory\"\nemails = [\"{shared}\"]\n"),
        );
        let checked = check_in(fixture.root(), &["--no-history"]);
        let duplicate = checked.expect("CW019", "crosswalk.toml");
        assert_eq!(duplicate["severity"], "error", "{}", checked.listing());
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Merged pull requests as weak evidence
// ---------------------------------------------------------------------------------------------

/// The approved fixture with `[history] merged_pull_requests = "approved"`, and one squash merge
/// written by the forge (committer GitHub), which counts.
fn counting_merged_pull_requests() -> Git {
    let git = Git::committed("2026-03-02");
    configure(&git, "[history]\nmerged_pull_requests = \"approved\"\n");
    git.commit(CAROL, "2026-03-03", &approved("Count merged pull requests"));
    edit_control(&git.fixture, "controls/c-1.md");
    git.commit_by(
        CAROL,
        "2026-03-10",
        ("GitHub", "noreply@github.com"),
        "2026-03-10",
        "Monthly access reviews (#122)",
    );
    assert_clean(&git);
    git
}

/// Attack: a direct push (author and committer carol, not the forge) whose subject ends in
/// `(#123)` passes for a merged pull request.
#[test]
fn a_direct_push_named_like_a_squash_merge() {
    let git = counting_merged_pull_requests();
    edit_policy(&git);
    git.commit(CAROL, "2026-04-01", "Review access quarterly (#123)");
    check(&git).expect("CW044", "policies/access.md");
}

/// Attack: the same direct push also approves itself; self-approval must win over the weak
/// evidence of a (pretended) merged pull request.
#[test]
fn a_self_approved_push_named_like_a_squash_merge() {
    let git = counting_merged_pull_requests();
    edit_policy(&git);
    git.commit(
        CAROL,
        "2026-04-01",
        "Review access quarterly (#123)\n\nApproved-by: Carol Chen <carol@test.example>",
    );
    check(&git).expect("CW045", "policies/access.md");
}

/// Attack (found beyond the brief): a merge commit made by hand (committer carol, not the forge)
/// with GitHub's subject `Merge pull request #124 from …` passes for a merged pull request.
#[test]
fn a_hand_made_merge_named_like_a_pull_request() {
    let git = counting_merged_pull_requests();
    edit_policy(&git);
    let branch = git.commit_aside(CAROL, "2026-04-01", "Review access quarterly");
    git.merge(
        branch,
        CAROL,
        "2026-04-02",
        "Merge pull request #124 from acme/quarterly",
    );
    check(&git).expect("CW044", "policies/access.md");
}

// ---------------------------------------------------------------------------------------------
// 8. Files outside the judged folders that shape the outputs
// ---------------------------------------------------------------------------------------------

/// Attack: `templates/` overrides the rendered SoA but is not read by the history check; an
/// unapproved template goes unnoticed.
#[test]
fn an_unapproved_template() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    git.fixture.write(
        "templates/soa.md",
        "# Statement of Applicability\n\nAll good.\n",
    );
    git.commit(CAROL, "2026-04-01", "A friendlier SoA");
    check(&git).expect("CW044", "templates/soa.md");
}

/// Attack: approved templates that are symbolic links to `../.git/config`; `build` publishes the
/// link's target (the matrix is rendered for the `mini` framework; the SoA only for ISO 27001).
/// Expect CW062 at each link, and no output holding the target's text.
#[cfg(unix)]
#[test]
fn a_template_that_links_out_of_the_repository() {
    const MARKER: &str = "crosswalk-leak-marker-5f1c";
    let git = Git::committed("2026-03-02");
    git.repo
        .config()
        .unwrap()
        .set_str("marker.secret", MARKER)
        .unwrap();
    assert_clean(&git);
    git.symlink("templates/soa.md", "../.git/config");
    git.symlink("templates/matrix.md", "../.git/config");
    git.commit(CAROL, "2026-04-01", &approved("Use the shared templates"));
    let checked = check(&git);
    checked.expect("CW062", "templates/soa.md");
    checked.expect("CW062", "templates/matrix.md");

    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("out");
    let build = run(
        git.root(),
        &[
            "build",
            "--out",
            out_dir.to_str().unwrap(),
            "--as-of",
            AS_OF,
        ],
        &[],
    );
    let leaked: Vec<String> = walk_files(&out_dir)
        .into_iter()
        .filter(|path| {
            std::fs::read(path)
                .map(|bytes| String::from_utf8_lossy(&bytes).contains(MARKER))
                .unwrap_or(false)
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        leaked.is_empty(),
        "build copied .git/config into {leaked:?} (exit {:?}, stderr {})",
        build.status.code(),
        String::from_utf8_lossy(&build.stderr)
    );
}

/// Every regular file under `dir` (none when it does not exist).
fn walk_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(path),
                Ok(kind) if kind.is_file() => files.push(path),
                _ => {}
            }
        }
    }
    files
}

/// Attack: an unapproved change to a framework catalog (what is required at all).
#[test]
fn an_unapproved_catalog_change() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    git.fixture.edit(
        "frameworks/mini.toml",
        "title = \"Review access\"",
        "title = \"Review access, sometimes\"",
    );
    git.commit(CAROL, "2026-04-01", "Relax M.2");
    check(&git).expect("CW044", "frameworks/mini.toml");
}

/// Attack (found beyond the brief): crosswalk.toml itself as a symbolic link to a file outside the
/// judged paths; its target's later edits (people, approvers' keys, windows) are never judged.
#[cfg(unix)]
#[test]
fn a_symlinked_config() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    std::fs::create_dir_all(git.fixture.path("settings")).unwrap();
    std::fs::rename(
        git.fixture.path("crosswalk.toml"),
        git.fixture.path("settings/crosswalk.toml"),
    )
    .unwrap();
    git.symlink("crosswalk.toml", "settings/crosswalk.toml");
    git.commit(CAROL, "2026-04-01", &approved("Keep the settings together"));
    git.fixture.edit(
        "settings/crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n[history]\nsince = 2099-01-01\n",
    );
    git.commit(CAROL, "2026-04-02", "Judge from 2099");
    check(&git).expect_any(
        "CW062 at crosswalk.toml or CW044 on the edited settings",
        |f| {
            (f["code"] == "CW062" && f["file"] == "crosswalk.toml")
                || (f["code"] == "CW044"
                    && (f["file"] == "settings/crosswalk.toml" || f["file"] == "crosswalk.toml"))
        },
    );
}

/// Attack (found beyond the brief): a submodule inside a compliance folder. The loader reads the
/// files of its checkout, the history sees only a gitlink, which it skips: a whole control arrives
/// with no approval, and its later changes are gitlink bumps that are never judged.
#[test]
fn a_submodule_in_a_compliance_folder() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    let control = common::CONTROL
        .replace("id = \"C-1\"", "id = \"C-2\"")
        .replace("Alice reviews access.", "Nobody reviews this.");
    git.commit_submodule(
        "controls/vendor",
        &[("c-2.md", &control)],
        CAROL,
        "2026-04-01",
        "Vendor controls",
    );
    check(&git).expect_any(
        "an error at controls/vendor (the submodule) or its control",
        |f| {
            f["severity"] == "error"
                && f["file"]
                    .as_str()
                    .is_some_and(|p| p.starts_with("controls/vendor"))
        },
    );
}

/// Attack (found beyond the brief): past unapproved changes disappear from the check when an
/// approved commit later moves their folder and points `[layout]` at the new one: the history is
/// read only for HEAD's folders.
#[test]
fn moving_a_folder_later_does_not_hide_its_unapproved_past() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    edit_control(&git.fixture, "controls/c-1.md");
    git.commit(CAROL, "2026-04-01", "Monthly access reviews");
    check(&git).expect("CW044", "controls/c-1.md");

    std::fs::rename(git.fixture.path("controls"), git.fixture.path("ctl")).unwrap();
    configure(&git, "\n[layout]\ncontrols = [\"ctl/**/*.md\"]\n");
    git.commit(ALICE, "2026-05-01", &approved("Shorter folder names"));
    check(&git).expect_any(
        "CW044 for the April change, on ctl/c-1.md or controls/c-1.md",
        |f| f["code"] == "CW044" && (f["file"] == "ctl/c-1.md" || f["file"] == "controls/c-1.md"),
    );
}

/// Attack (found beyond the brief): a review dated after the day judged (a commit date in the
/// future) makes an overdue policy look reviewed; a change after `--as-of` is no review as of then.
#[test]
fn a_review_dated_after_the_day_judged() {
    let git = Git::committed("2025-06-01");
    let before = check(&git);
    before.expect("CW043", "policies/access.md");
    git.commit(
        CAROL,
        "2027-01-10",
        "Review POL-A: no changes\n\nCrosswalk-Review: POL-A\nApproved-by: Bob Brown <bob@test.example>",
    );
    check(&git).expect("CW043", "policies/access.md");
}

// ---------------------------------------------------------------------------------------------
// 9. Notes
// ---------------------------------------------------------------------------------------------

/// Attack: the change's author writes a note naming an approver on her own unapproved commit.
/// A note written by the change's author is self-approval; the trail shows the note as provenance.
#[test]
fn a_note_written_by_the_changes_author() {
    let git = Git::committed("2026-03-02");
    assert_clean(&git);
    edit_policy(&git);
    let change = git.commit(CAROL, "2026-04-01", "Review access quarterly");
    git.note_by(
        CAROL,
        "2026-04-02",
        change,
        "Approved-by: Bob Brown <bob@test.example>\n",
    );
    check(&git).expect("CW045", "policies/access.md");

    let history = rows(git.root(), &["history", "POL-A", "--format", "json"]);
    let row = history
        .iter()
        .find(|row| row["commit"] == short(change))
        .unwrap_or_else(|| panic!("no row for the change: {history:#?}"));
    let provenance = row
        .as_object()
        .unwrap()
        .iter()
        .filter(|(key, _)| key.as_str() != "summary")
        .any(|(_, value)| value.to_string().to_lowercase().contains("note"));
    assert!(
        provenance,
        "the row must say that the approval is recorded in a note: {row:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 10. Signed approvals
// ---------------------------------------------------------------------------------------------

mod signed {
    use super::*;
    use ssh_key::private::Ed25519Keypair;
    use ssh_key::{HashAlg, LineEnding, PrivateKey};

    /// A deterministic ed25519 key.
    fn key(seed: u8) -> PrivateKey {
        PrivateKey::from(Ed25519Keypair::from_seed(&[seed; 32]))
    }

    fn alice() -> PrivateKey {
        key(1)
    }
    fn bob() -> PrivateKey {
        key(2)
    }
    fn carol() -> PrivateKey {
        key(3)
    }

    /// Signs a commit buffer as `git commit -S` with `gpg.format = ssh` does (SSHSIG, namespace
    /// "git", SHA-512, armoured).
    fn ssh(key: &PrivateKey) -> impl FnOnce(&[u8]) -> String + '_ {
        move |buffer| {
            key.sign("git", HashAlg::Sha512, buffer)
                .unwrap()
                .to_pem(LineEnding::LF)
                .unwrap()
                .trim_end()
                .to_string()
        }
    }

    /// A line of git's `gpg.ssh.allowedSignersFile`.
    fn allowed_signer(email: &str, key: &PrivateKey) -> String {
        format!(
            "{email} namespaces=\"git\" {}\n",
            key.public_key().to_openssh().unwrap()
        )
    }

    /// The fixture adopted by carol, then put in signed mode with a signers file listing alice, bob
    /// and carol; both commits committed by bob, carrying his approval and signed with his key (so
    /// that the history is clean whichever commit's settings judge the first one).
    fn signed_repository() -> Git {
        let git = Git::new();
        git.commit_signed(
            CAROL,
            BOB,
            "2026-03-02",
            &approved("Adopt the ISMS"),
            ssh(&bob()),
        );
        configure(
            &git,
            "[history]\nrequire_signed = true\nallowed_signers = \".github/allowed_signers\"\n",
        );
        git.fixture.write(
            ".github/allowed_signers",
            [
                allowed_signer("alice@test.example", &alice()),
                allowed_signer("bob@test.example", &bob()),
                allowed_signer("carol@test.example", &carol()),
            ]
            .concat(),
        );
        git.commit_signed(
            CAROL,
            BOB,
            "2026-03-03",
            &approved("Require signed approvals"),
            ssh(&bob()),
        );
        assert_clean(&git);
        git
    }

    /// Bob's approval in a commit signed with bob's listed key counts.
    #[test]
    fn an_approval_signed_by_the_approvers_key_counts() {
        let git = signed_repository();
        edit_policy(&git);
        git.commit_signed(
            CAROL,
            BOB,
            "2026-04-01",
            &approved("Review access quarterly"),
            ssh(&bob()),
        );
        let checked = check(&git);
        assert_eq!(checked.exit, Some(0), "{}", checked.listing());
    }

    /// Attack: the same approval, unsigned (anyone can type a trailer). Expect CW063.
    #[test]
    fn an_unsigned_approval() {
        let git = signed_repository();
        edit_policy(&git);
        git.commit_by(
            CAROL,
            "2026-04-01",
            BOB,
            "2026-04-01",
            &approved("Review access quarterly"),
        );
        check(&git).expect("CW063", "policies/access.md");
    }

    /// Attack: bob's approval in a commit signed with carol's key (listed, but for carol). Expect
    /// CW063.
    #[test]
    fn an_approval_signed_by_someone_elses_key() {
        let git = signed_repository();
        edit_policy(&git);
        git.commit_signed(
            CAROL,
            BOB,
            "2026-04-01",
            &approved("Review access quarterly"),
            ssh(&carol()),
        );
        check(&git).expect("CW063", "policies/access.md");
    }

    /// Attack: bob's approval in a commit signed with a key listed for nobody. Expect CW063.
    #[test]
    fn an_approval_signed_by_an_unlisted_key() {
        let git = signed_repository();
        edit_policy(&git);
        git.commit_signed(
            CAROL,
            BOB,
            "2026-04-01",
            &approved("Review access quarterly"),
            ssh(&key(9)),
        );
        check(&git).expect("CW063", "policies/access.md");
    }

    /// Attack: a forged note naming bob (notes are unsigned) on an unapproved commit. Expect CW063
    /// or CW044.
    #[test]
    fn a_forged_note() {
        let git = signed_repository();
        edit_policy(&git);
        let change = git.commit(CAROL, "2026-04-01", "Review access quarterly");
        git.note_by(
            ALICE,
            "2026-04-02",
            change,
            "Approved-by: Bob Brown <bob@test.example>\n",
        );
        check(&git).expect_any("CW063 or CW044 on policies/access.md", |f| {
            (f["code"] == "CW063" || f["code"] == "CW044") && f["file"] == "policies/access.md"
        });
    }

    /// Attack (found beyond the brief): the commit adds carol's key for bob's address to the signers
    /// file and signs bob's approval with it. Signers must be read from the first parent.
    #[test]
    fn a_signer_listed_by_the_change_it_signs() {
        let git = signed_repository();
        let signers = git.fixture.read(".github/allowed_signers");
        git.fixture.write(
            ".github/allowed_signers",
            format!("{signers}{}", allowed_signer("bob@test.example", &carol())),
        );
        edit_policy(&git);
        git.commit_signed(
            CAROL,
            BOB,
            "2026-04-01",
            &approved("Review access quarterly"),
            ssh(&carol()),
        );
        check(&git).expect("CW063", "policies/access.md");
    }
}

// ---------------------------------------------------------------------------------------------
// 11. `crosswalk review` and git's identity variables
// ---------------------------------------------------------------------------------------------

/// Attack: with the repository configured as alice but GIT_AUTHOR_*/GIT_COMMITTER_* naming bob,
/// git itself would author the review commit as bob, who then approves his own review. Refuse.
#[test]
fn review_as_yourself_through_git_identity_variables() {
    let git = Git::committed("2026-03-02");
    let mut config = git.repo.config().unwrap();
    config.set_str("user.name", "Alice Archer").unwrap();
    config.set_str("user.email", "alice@test.example").unwrap();
    let before = git.repo.head().unwrap().target().unwrap();
    let output = run(
        git.root(),
        &["review", "POL-A", "--approved-by", "bob"],
        &[
            ("GIT_AUTHOR_NAME", BOB.0),
            ("GIT_AUTHOR_EMAIL", BOB.1),
            ("GIT_COMMITTER_NAME", BOB.0),
            ("GIT_COMMITTER_EMAIL", BOB.1),
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "the review must be refused; stdout {}, stderr {stderr}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(
        stderr.contains("cannot approve your own review"),
        "{stderr}"
    );
    assert_eq!(
        git.repo.head().unwrap().target().unwrap(),
        before,
        "no review commit may be written"
    );
}

// ---------------------------------------------------------------------------------------------
// 12. Nobody independent may approve
// ---------------------------------------------------------------------------------------------

/// A policy whose only possible approver is its owner, given `approvers` (no history needed).
fn only_the_owner_approves(approvers: &str) {
    let fixture = Fixture::valid();
    assert_eq!(
        check_in(fixture.root(), &["--no-history"]).exit,
        Some(0),
        "the fixture must be clean before the attack"
    );
    fixture.edit(
        "policies/access.md",
        "approvers = [\"bob\"]",
        &format!("approvers = {approvers}"),
    );
    let checked = check_in(fixture.root(), &["--no-history"]);
    let finding = checked.expect("CW064", "policies/access.md");
    assert_eq!(
        finding["line"],
        5,
        "at the `approvers` key\n{}",
        checked.listing()
    );
    assert_eq!(finding["severity"], "error", "{}", checked.listing());
}

/// Attack: `approvers = []` leaves the owner as the only approver: her own changes can never be
/// approved independently. Expect CW064 at `approvers`.
#[test]
fn a_policy_with_no_approvers_but_its_owner() {
    only_the_owner_approves("[]");
}

/// Attack: `approvers = ["alice"]`, the owner again. Expect CW064 at `approvers`.
#[test]
fn a_policy_whose_approver_is_its_owner() {
    only_the_owner_approves("[\"alice\"]");
}
