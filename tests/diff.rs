//! `crosswalk diff`: base and head repositories built with git2, the Markdown report's sections
//! asserted exactly (a change that removes the only control of a requirement, renames a document and
//! rewrites an exclusion), and the JSON form.

mod common;

use common::git::{ALICE, BOB, CAROL, Git};
use common::stdout;

/// The fixture with ISO 27001 in scope (A.7.5 excluded, C-1 claiming A.5.15), committed and
/// approved on a branch `base`; then three commits on HEAD.
fn changed() -> Git {
    let git = Git::new();
    let f = &git.fixture;
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n\n[frameworks.iso27001.excluded]\n\"A.7.5\" = \"No premises.\"\n",
    );
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\", \"M.2\"]\niso27001 = [\"A.5.15\"]",
    );
    let base = git.commit(
        CAROL,
        "2026-03-02",
        "Adopt the ISMS\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    git.repo
        .branch("base", &git.repo.find_commit(base).unwrap(), false)
        .unwrap();
    // The only control of M.2 stops claiming it.
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\"]",
    );
    f.edit(
        "controls/c-1.md",
        "frequency = \"quarterly\"",
        "frequency = \"monthly\"",
    );
    git.commit(
        ALICE,
        "2026-04-01",
        "Narrow C-1\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    // The policy is renamed and edited.
    let text = f.read("policies/access.md");
    std::fs::remove_file(f.path("policies/access.md")).unwrap();
    f.write(
        "policies/access-control.md",
        text.replace(
            "Access is reviewed.",
            "Access is reviewed.\nAccess is logged.",
        ),
    );
    git.commit(CAROL, "2026-04-02", "Rename the access policy");
    // The exclusion's justification is rewritten.
    f.edit(
        "crosswalk.toml",
        "\"No premises.\"",
        "\"Fully remote: no offices.\"",
    );
    git.commit(
        BOB,
        "2026-04-03",
        "Reword the A.7.5 exclusion\n\nApproved-by: Alice Archer <alice@test.example>",
    );
    git
}

#[test]
fn markdown_report_of_a_change() {
    let git = changed();
    let report = stdout(&git.fixture.run(&["diff", "base"]));
    insta::assert_snapshot!(report);
}

#[test]
fn json_report_and_an_unknown_revision() {
    let git = changed();
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &git.fixture
            .run(&["diff", "base", "HEAD", "--format", "json"]),
    ))
    .unwrap();
    let uncovered: Vec<&serde_json::Value> = json["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["left_uncovered"] == true)
        .collect();
    assert_eq!(uncovered.len(), 1);
    assert_eq!(uncovered[0]["id"], "M.2");
    assert_eq!(uncovered[0]["lost"][0], "C-1");
    let renamed = json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["change"] == "renamed")
        .unwrap();
    assert_eq!(renamed["old_path"], "policies/access.md");
    assert_eq!(renamed["body_lines"], serde_json::json!([1, 0]));
    let introduced: Vec<&str> = json["introduced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(introduced.contains(&"CW020"), "{introduced:?}");
    // The working tree is untouched and the same report comes from HEAD's parent chain alone.
    assert!(git.fixture.path("policies/access-control.md").is_file());
    let output = git.fixture.run(&["diff", "no-such-branch"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("`no-such-branch` is not a revision"));
}

#[test]
fn an_approval_given_later_in_a_note_counts() {
    let git = changed();
    let rename = git.repo.revparse_single("HEAD~1").unwrap().id();
    git.note(rename, "Approved-by: Bob Brown <bob@test.example>");
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &git.fixture.run(&["diff", "base", "--format", "json"]),
    ))
    .unwrap();
    let policy = json["approvals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["document"] == "POL-A")
        .unwrap();
    let approved = policy["approved_by"][0].as_str().unwrap();
    assert!(approved.starts_with("Bob Brown ("), "{approved}");
}

/// Hints (CW026) are reported for the files a change touched, not for the whole repository: a new
/// crosswalk gives C-1 (untouched) two suggestions and the new C-2 one; only C-2's is in the report.
#[test]
fn hints_only_for_what_the_change_touched() {
    let git = Git::new();
    let f = &git.fixture;
    f.write(
        "frameworks/mini2.toml",
        "id = \"mini2\"\nversion = \"1\"\ntitle = \"Mini Two\"\n\n[[groups]]\nid = \"core\"\ntitle = \"Core\"\nrequired = true\n\n[[requirements]]\nid = \"N.1\"\ntitle = \"Name a policy owner\"\ngroup = \"core\"\n\n[[requirements]]\nid = \"N.2\"\ntitle = \"Check access\"\ngroup = \"core\"\n",
    );
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n[frameworks.mini2]\n",
    );
    let base = git.commit(
        CAROL,
        "2026-03-02",
        "Adopt Mini Two\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    git.repo
        .branch("base", &git.repo.find_commit(base).unwrap(), false)
        .unwrap();
    f.write(
        "frameworks/mini-mini2.crosswalk.toml",
        "id = \"mini-mini2\"\ntitle = \"Mini to Mini Two\"\nfrom = \"mini\"\nto = \"mini2\"\n\n[[relations]]\nfrom = \"M.1\"\nto = \"N.1\"\ntype = \"equal\"\nrationale = \"both ask for an owned policy\"\n\n[[relations]]\nfrom = \"M.2\"\nto = \"N.2\"\ntype = \"equal\"\nrationale = \"both review access\"\n",
    );
    f.write(
        "controls/c-2.md",
        common::CONTROL
            .replace("C-1", "C-2")
            .replace("mini = [\"M.1\", \"M.2\"]", "mini = [\"M.2\"]"),
    );
    git.commit(
        ALICE,
        "2026-04-01",
        "Relate Mini to Mini Two; C-2\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &git.fixture.run(&["diff", "base", "--format", "json"]),
    ))
    .unwrap();
    let hints: Vec<&str> = json["introduced"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "CW026")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(hints, vec!["controls/c-2.md"], "{json:#}");
    // check itself still reports all three.
    let check = git
        .fixture
        .run(&["check", "--no-history", "--as-of", "2026-11-24"]);
    let check = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.matches("help[CW026/").count(), 3, "{check}");
}

/// The PR comment escapes what a change writes: a title with raw HTML that would close the table
/// cell, and a file name with a backtick that would close its code span.
#[test]
fn the_comment_escapes_titles_and_paths_for_markdown() {
    let git = Git::new();
    let f = &git.fixture;
    f.write("controls/c`2|x.md", common::CONTROL.replace("C-1", "C-2"));
    let base = git.commit(
        CAROL,
        "2026-03-02",
        "Adopt\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    git.repo
        .branch("base", &git.repo.find_commit(base).unwrap(), false)
        .unwrap();
    f.edit(
        "controls/c`2|x.md",
        "title = \"Access review\"",
        "title = \"x</td><td>approved by CEO</td></tr><tr><td>**ok**\"",
    );
    git.commit(
        ALICE,
        "2026-04-01",
        "Retitle C-2\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    let report = stdout(&git.fixture.run(&["diff", "base"]));
    assert!(
        !report.contains("</td>") && !report.contains("<td>"),
        "{report}"
    );
    assert!(
        report.contains("&lt;/td&gt;&lt;td&gt;approved by CEO"),
        "{report}"
    );
    assert!(report.contains("``controls/c`2\\|x.md``"), "{report}");
    assert!(!report.contains("**ok**"), "{report}");
}
