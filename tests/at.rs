//! `--at REV`: the repository as it stood at a tag, a commit or a date, read from git objects with
//! the working tree untouched; the outputs stamped with the commit.

mod common;

use common::git::{CAROL, Git};
use common::stdout;

/// Three tagged states of a repository with ISO 27001 in scope:
/// - `v1` (2026-01-10): A.7.5 excluded, nothing claims A.5.15;
/// - `v2` (2026-04-10): the control also claims A.5.15;
/// - `v3` (2026-07-10): A.7.5 is no longer excluded, and A.7.6 is.
fn three_tags() -> Git {
    let git = Git::new();
    let f = &git.fixture;
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n\n[frameworks.iso27001.excluded]\n\"A.7.5\" = \"No premises.\"\n",
    );
    let tag = |name: &str, id: git2::Oid| {
        let object = git.repo.find_object(id, None).unwrap();
        git.repo.tag_lightweight(name, &object, false).unwrap();
    };
    let approved = "\n\nApproved-by: Bob Brown <bob@test.example>";
    tag(
        "v1",
        git.commit(CAROL, "2026-01-10", &format!("Adopt the ISMS{approved}")),
    );
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\", \"M.2\"]\niso27001 = [\"A.5.15\"]",
    );
    tag(
        "v2",
        git.commit(CAROL, "2026-04-10", &format!("Map C-1 to A.5.15{approved}")),
    );
    f.edit(
        "crosswalk.toml",
        "\"A.7.5\" = \"No premises.\"",
        "\"A.7.6\" = \"No secure areas.\"",
    );
    tag(
        "v3",
        git.commit(CAROL, "2026-07-10", &format!("Premises opened{approved}")),
    );
    git
}

fn soa_row<'a>(soa: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    soa["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap()
}

fn soa_at(git: &Git, at: &str) -> serde_json::Value {
    let text = stdout(&git.fixture.run(&["soa", "--format", "json", "--at", at]));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_soa_of_each_tag_is_the_soa_as_it_stood() {
    let git = three_tags();
    let commit = |name: &str| {
        git.repo
            .revparse_single(name)
            .unwrap()
            .peel_to_commit()
            .unwrap()
            .id()
            .to_string()
    };
    let v1 = soa_at(&git, "v1");
    assert_eq!(soa_row(&v1, "A.7.5")["applicable"], false);
    assert_eq!(soa_row(&v1, "A.7.6")["applicable"], true);
    assert_eq!(soa_row(&v1, "A.5.15")["controls"], serde_json::json!([]));
    assert_eq!(v1["commit"], commit("v1"));
    assert_eq!(
        v1["as_of"], "2026-01-10",
        "judged as of the tag's commit date"
    );

    let v2 = soa_at(&git, "v2");
    assert_eq!(
        soa_row(&v2, "A.5.15")["controls"],
        serde_json::json!(["C-1"])
    );
    assert_eq!(soa_row(&v2, "A.7.5")["applicable"], false);
    assert_eq!(v2["commit"], commit("v2"));

    let v3 = soa_at(&git, "v3");
    assert_eq!(soa_row(&v3, "A.7.5")["applicable"], true);
    assert_eq!(soa_row(&v3, "A.7.6")["applicable"], false);
    assert_eq!(soa_row(&v3, "A.7.6")["justification"], "No secure areas.");
    assert_eq!(v3["commit"], commit("v3"));

    // A date is the last commit of the first-parent line by the end of that day.
    assert_eq!(soa_at(&git, "2026-05-31")["commit"], commit("v2"));
    assert_eq!(soa_at(&git, "2026-04-10")["commit"], commit("v2"));
    assert_eq!(soa_at(&git, "2026-04-09")["commit"], commit("v1"));
    // Markdown carries the stamp: the commit and what was asked for.
    let markdown = stdout(&git.fixture.run(&["soa", "--at", "v1"]));
    assert!(
        markdown.contains(&format!(
            "Rendered by crosswalk from commit {}, the repository as it stood at v1;",
            commit("v1")
        )),
        "{markdown}"
    );
}

#[test]
fn the_working_tree_is_untouched_and_its_changes_are_not_read() {
    let git = three_tags();
    let f = &git.fixture;
    f.edit(
        "controls/c-1.md",
        "iso27001 = [\"A.5.15\"]",
        "iso27001 = [\"A.5.16\"]",
    );
    let before = f.read("controls/c-1.md");
    let head = soa_at(&git, "HEAD");
    assert_eq!(
        soa_row(&head, "A.5.15")["controls"],
        serde_json::json!(["C-1"])
    );
    assert_eq!(soa_row(&head, "A.5.16")["controls"], serde_json::json!([]));
    assert_eq!(f.read("controls/c-1.md"), before);
    // The matrix, the gaps and the build take --at too; build writes to the working tree's out/.
    let matrix = stdout(&f.run(&["matrix", "--format", "csv", "--at", "v1"]));
    assert!(!matrix.contains("A.5.15"), "{matrix}");
    let gaps = stdout(&f.run(&["gaps", "--at", "v1", "--format", "json"]));
    assert!(gaps.contains("\"as_of\": \"2026-01-10\""), "{gaps}");
    stdout(&f.run(&["build", "--at", "v2"]));
    let soa = f.read("out/soa.md");
    assert!(soa.contains("the repository as it stood at v2"), "{soa}");
    // History is read as of the tag: the policy page's document control ends at v2's commit.
    let page = f.read("out/site/policies/POL-A.html");
    assert!(
        page.contains("2026-04-10") && !page.contains("2026-07-10"),
        "{page}"
    );
}

/// Attack: a commit dated before its parent (a backdated commit on top of a later one) must not
/// pass for the state of the earlier day.
#[test]
fn a_backdated_commit_is_not_the_state_of_the_day_it_claims() {
    let git = three_tags();
    let f = &git.fixture;
    f.edit(
        "controls/c-1.md",
        "iso27001 = [\"A.5.15\"]",
        "iso27001 = [\"A.5.15\", \"A.5.16\"]",
    );
    let backdated = git.commit(
        CAROL,
        "2026-02-01",
        "Backdated mapping\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    let at = soa_at(&git, "2026-03-01");
    let v1 = git.repo.revparse_single("v1").unwrap().id().to_string();
    assert_eq!(at["commit"], v1, "the backdated commit landed after v3");
    assert_ne!(at["commit"], backdated.to_string());
    // By the date of its landing (its parent's, 2026-07-10), it is the state.
    assert_eq!(soa_at(&git, "2026-07-10")["commit"], backdated.to_string());
}

#[test]
fn a_date_before_the_first_commit_or_an_unknown_name_is_refused() {
    let git = three_tags();
    let output = git.fixture.run(&["soa", "--at", "2025-12-31"]);
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(
        text.contains("no commit of HEAD's first-parent line had landed by 2025-12-31"),
        "{text}"
    );
    let output = git.fixture.run(&["soa", "--at", "v9"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`v9`"));
}

/// Attack: a commit dated before its parent on top of the history, so that the outputs (judged as
/// of the HEAD commit's date) would judge stale evidence as of a day it was still fresh.
#[test]
fn outputs_are_judged_as_of_the_landing_date_not_a_backdated_claim() {
    let git = Git::committed("2027-02-01");
    let f = &git.fixture;
    f.edit(
        "policies/access.md",
        "Access is reviewed.",
        "Access is reviewed, always.",
    );
    git.commit(
        CAROL,
        "2026-11-01",
        "Backdated\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    let gaps: serde_json::Value =
        serde_json::from_str(&stdout(&f.run(&["gaps", "--format", "json"]))).unwrap();
    assert_eq!(
        gaps["as_of"], "2027-02-01",
        "the state landed with its parent"
    );
    let at: serde_json::Value = serde_json::from_str(&stdout(
        &f.run(&["gaps", "--format", "json", "--at", "HEAD"]),
    ))
    .unwrap();
    assert_eq!(at["as_of"], "2027-02-01");
    assert!(
        at["controls"].to_string().contains("evidence stale"),
        "EV-1 of 2026-10-01 is stale for a quarterly control by 2027-02-01: {}",
        at["controls"]
    );
}
