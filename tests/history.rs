//! Git history as evidence: real repositories built with git2 (several authors, merges, renames,
//! trailers, notes, forge reviews, a shallow clone), each history diagnostic, and the exact rows of
//! `crosswalk history` and `crosswalk log`.

mod common;

use common::git::{ALICE, BOB, CAROL, Git};
use common::{AS_OF, only, stdout};
use crosswalk::diag::Code;

/// The approved fixture of 2026-03-02, then a change to the policy committed on 2026-04-01.
fn policy_changed(author: (&str, &str), message: &str) -> (Git, git2::Oid) {
    let git = Git::committed("2026-03-02");
    git.fixture.edit(
        "policies/access.md",
        "Access is reviewed.",
        "Access is reviewed quarterly.",
    );
    let change = git.commit(author, "2026-04-01", message);
    (git, change)
}

#[test]
fn an_approved_history_is_clean() {
    let git = Git::committed("2026-03-02");
    assert_eq!(git.fixture.check_history(None), vec![]);
}

#[test]
fn cw040_shallow_history() {
    let git = Git::committed("2026-03-02");
    git.make_shallow();
    only(git.fixture.check_history(None), Code::ShallowHistory)
        .at("crosswalk.toml", 1, 1)
        .help_contains("fetch-depth: 0");
}

#[test]
fn cw041_no_commits() {
    let git = Git::new();
    only(git.fixture.check_history(None), Code::NoCommits).at("crosswalk.toml", 1, 1);
}

#[test]
fn cw042_uncommitted_change() {
    let git = Git::committed("2026-03-02");
    git.fixture.edit(
        "controls/c-1.md",
        "Alice reviews access.",
        "Alice reviews access monthly.",
    );
    git.fixture.write("evidence/2026/new.csv", "a\n");
    let findings = git.fixture.check_history(None);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    findings[0].at("controls/c-1.md", 1, 1);
    findings[1].at("evidence/2026/new.csv", 1, 1);
    assert!(findings.iter().all(|f| f.code == Code::UncommittedChange));
}

/// A document git ignores is checked in the working tree but can never be committed: reported, not
/// loaded in silence.
#[test]
fn cw042_an_ignored_document_is_reported() {
    let git = Git::committed("2026-11-02");
    git.fixture
        .write(".gitignore", "evidence/2026/private.csv\n");
    git.commit(
        common::git::ALICE,
        "2026-11-03",
        "Ignore a private export\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    git.fixture.write("evidence/2026/private.csv", "secret\n");
    let findings = git.fixture.check_history(None);
    let finding = only(findings, Code::UncommittedChange);
    finding
        .at("evidence/2026/private.csv", 1, 1)
        .message_contains("is ignored by git (a `.gitignore` rule)");
}

/// A whole ignored folder is one entry in git's status: it is entered when it may hold compliance
/// files, so every file in it is reported; an ignored build folder elsewhere is not.
#[test]
fn cw042_every_file_of_an_ignored_folder_is_reported() {
    let git = Git::committed("2026-11-02");
    git.fixture.write(
        ".gitignore",
        "evidence/private/
target/
",
    );
    git.commit(
        common::git::ALICE,
        "2026-11-03",
        "Ignore private exports\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    git.fixture.write("evidence/private/a.csv", "secret\n");
    git.fixture
        .write("evidence/private/deeper/b.csv", "secret\n");
    git.fixture.write("target/debug/c.md", "build output\n");
    let findings = git.fixture.check_history(None);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    findings[0]
        .at("evidence/private/a.csv", 1, 1)
        .message_contains("is ignored by git");
    findings[1]
        .at("evidence/private/deeper/b.csv", 1, 1)
        .message_contains("is ignored by git");
}

#[test]
fn cw043_review_overdue() {
    let git = Git::committed("2025-11-01");
    only(git.fixture.check_history(None), Code::ReviewOverdue)
        .at("policies/access.md", 6, 10)
        .message_contains("last reviewed 2025-11-01")
        .help_contains("crosswalk review POL-A");
}

#[test]
fn cw044_change_unapproved() {
    let (git, _) = policy_changed(CAROL, "Review access quarterly");
    only(git.fixture.check_history(None), Code::ChangeUnapproved)
        .at("policies/access.md", 2, 6)
        .message_contains("Carol Chen")
        .help_contains("one of `alice`, `bob`");
}

#[test]
fn cw045_self_approval() {
    let (git, _) = policy_changed(
        BOB,
        "Review access quarterly\n\nApproved-by: Bob Brown <BOB@test.example>",
    );
    only(git.fixture.check_history(None), Code::SelfApproval)
        .at("policies/access.md", 2, 6)
        .message_contains("`bob`");
}

#[test]
fn cw046_approver_not_authorised() {
    let (git, _) = policy_changed(
        ALICE,
        "Review access quarterly\n\nReviewed-by: Carol Chen <carol@test.example>",
    );
    only(git.fixture.check_history(None), Code::ApproverNotAuthorised)
        .at("policies/access.md", 2, 6)
        .message_contains("carol");
}

#[test]
fn cw047_unknown_approver() {
    let (git, _) = policy_changed(
        CAROL,
        "Review access quarterly\n\nApproved-by: Mallory <mallory@elsewhere.example>\nApproved-by: Bob Brown <bob@test.example>",
    );
    only(git.fixture.check_history(None), Code::UnknownApprover)
        .at("policies/access.md", 2, 6)
        .message_contains("mallory@elsewhere.example");
}

#[test]
fn changes_before_the_judged_window_are_not_judged() {
    let git = Git::new();
    git.fixture.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n[history]\nsince = 2026-01-01\n",
    );
    git.commit(CAROL, "2025-12-15", "Before the observation window");
    git.fixture
        .edit("controls/c-1.md", "Alice reviews", "Alice reviews monthly");
    git.commit(
        CAROL,
        "2026-03-02",
        "Monthly reviews\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    let findings = git.fixture.check_history(None);
    // Only the review cadence of the policy, whose one change predates the window, is a finding.
    only(findings, Code::ReviewOverdue);
}

#[test]
fn a_note_approves_after_the_fact() {
    let (git, change) = policy_changed(CAROL, "Review access quarterly");
    git.note(change, "Approved-by: Bob Brown <bob@test.example>\n");
    assert_eq!(git.fixture.check_history(None), vec![]);
}

#[test]
fn a_merge_commit_approves_the_changes_it_brings_in() {
    let git = Git::committed("2026-03-02");
    git.fixture.edit(
        "policies/access.md",
        "Access is reviewed.",
        "Access is reviewed quarterly.",
    );
    let branch = git.commit_aside(CAROL, "2026-04-01", "Review access quarterly");
    git.merge(
        branch,
        ALICE,
        "2026-04-03",
        "Merge branch 'quarterly'\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    assert_eq!(git.fixture.check_history(None), vec![]);
    let rows = stdout(&git.fixture.run(&["history", "POL-A", "--format", "csv"]));
    let last = rows.lines().last().unwrap();
    assert!(
        last.starts_with("2,2026-04-03,"),
        "the change landed with the merge: {last}"
    );
}

#[test]
fn forge_reviews_approve_a_squash_merge() {
    let (git, squash) = policy_changed(CAROL, "Review access quarterly (#7)");
    assert_eq!(
        git.fixture.check_history(None)[0].code,
        Code::ChangeUnapproved
    );
    let reviews = format!(
        r#"[{{"number": 7, "author": {{"login": "carol-gh"}}, "mergeCommit": {{"oid": "{squash}"}},
            "reviews": [{{"author": {{"login": "Bob-GH"}}, "state": "APPROVED", "submittedAt": "2026-04-01T10:00:00Z"}}]}}]"#
    );
    assert_eq!(git.fixture.check_history(Some(&reviews)), vec![]);
    // The author approving their own pull request is self-approval.
    let own = reviews.replace("Bob-GH", "carol-gh");
    assert_eq!(
        git.fixture.check_history(Some(&own))[0].code,
        Code::SelfApproval
    );
}

#[test]
fn merged_pull_requests_count_only_when_opted_in() {
    let git = Git::committed("2026-03-02");
    let merge_branch = |committer, date: &str, text: &str, subject: &str| {
        git.fixture
            .edit("policies/access.md", "Access is reviewed", text);
        let branch = git.commit_aside(CAROL, date, "Review access quarterly");
        git.merge(branch, committer, date, subject);
    };
    // Before the opt-in, a merged pull request is no approval.
    merge_branch(
        ("GitHub", "noreply@github.com"),
        "2026-04-02",
        "Access is reviewed quarterly and",
        "Merge pull request #8 from acme/quarterly",
    );
    assert_eq!(
        git.fixture.check_history(None)[0].code,
        Code::ChangeUnapproved
    );
    git.fixture.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n[history]\nmerged_pull_requests = \"approved\"\n",
    );
    git.commit(
        CAROL,
        "2026-04-03",
        "Count merged pull requests\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    // After it, the forge's merge counts, weakly.
    merge_branch(
        ("GitHub", "noreply@github.com"),
        "2026-04-04",
        "Access is reviewed monthly and",
        "Merge pull request #9 from acme/monthly",
    );
    let findings = git.fixture.check_history(None);
    assert_eq!(
        findings.len(),
        1,
        "only #8, merged before the opt-in: {findings:#?}"
    );
    let rows = stdout(&git.fixture.run(&["history", "POL-A", "--format", "csv"]));
    assert!(
        rows.contains(
            "merged pull request #9 (reviewer not named),approved (merged pull request),#9"
        ),
        "{rows}"
    );
    // A merge anyone could make by hand, named like the forge's, is no evidence.
    merge_branch(
        ALICE,
        "2026-04-05",
        "Access is reviewed weekly and",
        "Merge pull request #10 from acme/weekly",
    );
    assert_eq!(git.fixture.check_history(None).len(), 2);
}

#[test]
fn history_follows_renames_and_log_lists_the_window() {
    let git = Git::committed("2026-03-02");
    std::fs::rename(
        git.fixture.path("policies/access.md"),
        git.fixture.path("policies/access-control.md"),
    )
    .unwrap();
    git.commit(
        CAROL,
        "2026-05-04",
        "Rename the access policy\n\nApproved-by: Alice Archer <alice@test.example>",
    );
    git.fixture.edit(
        "controls/c-1.md",
        "Alice reviews access.",
        "Alice reviews access monthly.",
    );
    git.commit(ALICE, "2026-06-10", "Monthly access reviews");

    let history = stdout(&git.fixture.run(&["history", "POL-A"]));
    insta::assert_snapshot!("history_after_rename", history);
    let by_path =
        stdout(
            &git.fixture
                .run(&["history", "policies/access-control.md", "--format", "json"]),
        );
    let rows: serde_json::Value = serde_json::from_str(&by_path).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[1]["change"], "renamed from policies/access.md");

    let log = stdout(&git.fixture.run(&[
        "log",
        "--since",
        "2026-05-01",
        "--until",
        "2026-12-31",
        "--format",
        "csv",
    ]));
    insta::assert_snapshot!("log_from_may", log.replace('\r', "␍"));
}

#[test]
fn review_records_an_approved_commit_with_no_content_change() {
    let git = Git::committed("2025-10-01");
    let mut config = git.repo.config().unwrap();
    config.set_str("user.name", "Carol Chen").unwrap();
    config.set_str("user.email", "carol@test.example").unwrap();
    assert_eq!(git.fixture.check_history(None)[0].code, Code::ReviewOverdue);

    // Dated as git would date it from its environment, before the day the check judges.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(["review", "POL-A", "--approved-by", "bob"])
        .current_dir(git.root())
        .env("GIT_AUTHOR_DATE", "2026-11-20T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-11-20T12:00:00Z")
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .output()
        .unwrap();
    assert!(stdout(&output).contains("approved by Bob Brown <bob@test.example>"));
    let head = git.repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(
        head.tree_id(),
        head.parent(0).unwrap().tree_id(),
        "no content change"
    );
    let findings = git.fixture.check_history(None);
    assert!(
        findings.iter().all(|f| f.code != Code::ReviewOverdue),
        "{findings:#?}"
    );

    let rows = stdout(&git.fixture.run(&["history", "POL-A", "--format", "csv"]));
    assert!(
        rows.lines()
            .last()
            .unwrap()
            .contains(",reviewed,Carol Chen,Bob Brown (trailer),approved,"),
        "{rows}"
    );

    // Nobody approves their own review; only approvers of the document may.
    assert_eq!(
        git.fixture
            .run(&["review", "POL-A", "--approved-by", "carol"])
            .status
            .code(),
        Some(2)
    );
    config.set_str("user.email", "bob@test.example").unwrap();
    assert_eq!(
        git.fixture
            .run(&["review", "POL-A", "--approved-by", "bob"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn check_outside_git_is_a_clear_error() {
    let f = common::Fixture::valid();
    let output = f.run(&["check", "--as-of", AS_OF]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--no-history"));
    assert_eq!(
        f.run(&["check", "--as-of", AS_OF, "--no-history"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn an_accepted_finding_stays_visible_and_no_longer_fails_the_run() {
    let (git, change) = policy_changed(CAROL, "Review access quarterly");
    let run = |git: &Git| {
        git.fixture
            .run(&["check", "--as-of", AS_OF, "--format", "json"])
    };
    assert_eq!(run(&git).status.code(), Some(1), "unapproved before");
    git.fixture.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        &format!(
            "[frameworks.mini]\n\n[[accepted]]\ncode = \"CW044\"\ncommit = \"{}\"\nreason = \"Approved in the change board minutes of 2026-04-02.\"\naccepted_by = \"bob\"\n",
            &change.to_string()[..12]
        ),
    );
    git.commit(
        ALICE,
        "2026-04-03",
        "Accept the April change\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    let output = run(&git);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["accepted"], 1);
    let accepted = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "CW044")
        .expect("the finding is still reported");
    assert!(
        accepted["accepted"]
            .as_str()
            .unwrap()
            .contains("accepted by Bob Brown: Approved in the change board minutes"),
        "{accepted}"
    );
    let human = git.fixture.run(&["check", "--as-of", AS_OF]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("accepted[CW044/change-unapproved]"));
    // A reason of zero-width spaces is no reason: the entry accepts nothing.
    git.fixture.edit(
        "crosswalk.toml",
        "reason = \"Approved in the change board minutes of 2026-04-02.\"",
        "reason = \"\u{200B}\u{200B}\"",
    );
    git.commit(
        ALICE,
        "2026-04-04",
        "Reword the acceptance\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    let output = run(&git);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a blank reason accepts nothing"
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (report["accepted"].as_u64(), report["errors"].as_u64()),
        (Some(0), Some(1))
    );
}

/// A brand-new policy whose only change nobody approved is told to get that change approved, not
/// to record a review (a review cannot stand in for an approval); one never committed, to commit.
#[test]
fn cw043_a_never_approved_policy_is_sent_to_approval_not_review() {
    let git = Git::new();
    git.commit(
        common::git::ALICE,
        "2026-11-02",
        "Add the documents without approval",
    );
    let findings = git.fixture.check_history(None);
    let review = findings
        .iter()
        .find(|f| f.code == Code::ReviewOverdue)
        .unwrap_or_else(|| panic!("{findings:#?}"));
    review
        .message_contains("it was never approved")
        .help_contains("the CW044 findings name each change");
    assert!(
        !review
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("crosswalk review"),
        "{review:#?}"
    );
    git.fixture.write(
        "policies/new.md",
        common::POLICY.replace("POL-A", "POL-NEW"),
    );
    let findings = git.fixture.check_history(None);
    let new = findings
        .iter()
        .find(|f| f.code == Code::ReviewOverdue && f.path == "policies/new.md")
        .unwrap_or_else(|| panic!("{findings:#?}"));
    new.message_contains("has never been committed")
        .help_contains("commit it with an `Approved-by: Name <email>` trailer");
}

/// The fixture with an accepted risk of alice's (approvers: bob) and an acceptance criterion,
/// committed on 2026-04-01 by `author` with `message`.
fn risk_accepted(author: (&str, &str), message: &str) -> Git {
    let git = Git::committed("2026-03-02");
    git.fixture.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n\n[risk]\naccept_max_score = 12\n",
    );
    git.fixture.write(
        "risks/r-1.md",
        "+++\nid = \"R-1\"\ntitle = \"Access creep\"\nowner = \"alice\"\napprovers = [\"bob\"]\nlikelihood = 3\nimpact = 4\ntreatment = \"accept\"\n+++\nAccess accumulates.\n",
    );
    git.commit(author, "2026-04-01", message);
    git
}

#[test]
fn cw073_an_acceptance_the_owner_did_not_approve() {
    let git = risk_accepted(
        CAROL,
        "Accept the access-creep risk\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    only(
        git.fixture.check_history(None),
        Code::RiskAcceptanceNotApprovedByOwner,
    )
    .at("risks/r-1.md", 8, 13)
    .message_contains("risk `R-1` is accepted, but its latest change")
    .message_contains("is not approved by its owner `alice`")
    .help_contains("crosswalk review R-1 --approved-by alice");
}

#[test]
fn cw073_the_owner_accepts_by_approving_or_by_authoring() {
    let approved = risk_accepted(
        CAROL,
        "Accept the access-creep risk\n\nApproved-by: Alice Archer <alice@test.example>",
    );
    assert_eq!(approved.fixture.check_history(None), vec![]);
    let authored = risk_accepted(
        ALICE,
        "Accept the access-creep risk\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    assert_eq!(authored.fixture.check_history(None), vec![]);
    // A later change to the accepted risk, approved by bob alone, is no longer the owner's.
    authored
        .fixture
        .edit("risks/r-1.md", "impact = 4", "impact = 3");
    authored.commit(
        CAROL,
        "2026-05-01",
        "Lower the impact\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    only(
        authored.fixture.check_history(None),
        Code::RiskAcceptanceNotApprovedByOwner,
    )
    .message_contains("\"Lower the impact\"");
    // The owner's review of the risk as it stands accepts it again.
    authored.commit(
        CAROL,
        "2026-05-02",
        "Review R-1\n\nCrosswalk-Review: R-1\nApproved-by: Alice Archer <alice@test.example>",
    );
    assert_eq!(authored.fixture.check_history(None), vec![]);
}

/// Attack: carol names herself the owner in the change that accepts the risk, so that her own
/// authorship would be the owner's acceptance; bob approves. She could not approve the risk before.
#[test]
fn cw073_an_owner_named_by_the_accepting_change_cannot_accept_by_authoring_it() {
    let git = Git::committed("2026-03-02");
    git.fixture.write(
        "risks/r-1.md",
        "+++\nid = \"R-1\"\ntitle = \"Access creep\"\nowner = \"alice\"\napprovers = [\"bob\"]\nlikelihood = 3\nimpact = 4\ntreatment = \"mitigate\"\ncontrols = [\"C-1\"]\n+++\nAccess accumulates.\n",
    );
    git.commit(
        CAROL,
        "2026-03-03",
        "Record the risk\n\nApproved-by: Alice Archer <alice@test.example>",
    );
    git.fixture.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n\n[risk]\naccept_max_score = 12\n",
    );
    git.fixture
        .edit("risks/r-1.md", "owner = \"alice\"", "owner = \"carol\"");
    git.fixture.edit(
        "risks/r-1.md",
        "treatment = \"mitigate\"\ncontrols = [\"C-1\"]",
        "treatment = \"accept\"",
    );
    git.commit(
        CAROL,
        "2026-04-01",
        "Take over and accept R-1\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    only(
        git.fixture.check_history(None),
        Code::RiskAcceptanceNotApprovedByOwner,
    )
    .message_contains("not approved by its owner `carol`");
}
