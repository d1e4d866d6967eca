//! Catalog hierarchy and aliases: clause items and other spellings of an id are accepted (an alias
//! with a warning), a parent is covered when it is claimed or when all its in-scope items are, an
//! item is covered when its parent is claimed, and a catalog's hierarchy and aliases are checked.

mod common;

use common::{AS_OF, Fixture};
use crosswalk::diag::Code;
use serde_json::Value;

/// The mini catalog with `M.3`, whose items are `M.3.a` and `M.3.b`, which C-1 does not claim.
fn nested() -> Fixture {
    let f = Fixture::valid();
    f.write(
        "frameworks/mini.toml",
        format!(
            "{}\n[[requirements]]\nid = \"M.3\"\ntitle = \"Watch\"\ngroup = \"core\"\n\n[[requirements]]\nid = \"M.3.a\"\ntitle = \"Watch logs\"\ngroup = \"core\"\nparent = \"M.3\"\naliases = [\"W-A\"]\n\n[[requirements]]\nid = \"M.3.b\"\ntitle = \"Watch alerts\"\ngroup = \"core\"\nparent = \"M.3\"\n",
            common::CATALOG
        ),
    );
    f
}

/// [`nested`], with C-1 claiming `M.3`: clean.
fn claimed() -> Fixture {
    let f = nested();
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\", \"M.2\", \"M.3\"]",
    );
    f
}

/// Each mini requirement's coverage state in the gap report.
fn states(f: &Fixture) -> Vec<(String, String)> {
    let output = f.run(&["gaps", "--format", "json", "--as-of", AS_OF]);
    let gaps: Value = serde_json::from_slice(&output.stdout).unwrap();
    gaps["frameworks"][0]["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn state(f: &Fixture, id: &str) -> String {
    states(f)
        .into_iter()
        .find(|(r, _)| r == id)
        .unwrap_or_else(|| panic!("{id} not in the gap report"))
        .1
}

#[test]
fn clause_items_and_other_spellings_are_requirements_and_aliases_warn() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n[frameworks.iso27001]\n",
    );
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\", \"M.2\"]\niso27001 = [\"4.2.a\", \"6.1.3.c\", \"9.2.1.b\", \"6.1.3(c)\", \"6.1.3 d)\", \"5.15\", \"9.1.f\", \"10.2.a\"]",
    );
    let findings = f.check();
    assert!(
        findings.iter().all(|x| !matches!(
            x.code,
            Code::UnknownRequirement | Code::SupersededRequirement
        )),
        "{findings:#?}"
    );
    let aliases: Vec<_> = common::with_code(&findings, Code::RequirementAlias);
    assert_eq!(aliases.len(), 3, "{aliases:#?}");
    aliases[0]
        .at("controls/c-1.md", 10, 44)
        .message_contains("`6.1.3(c)` is written for `6.1.3.c`")
        .help_contains("write `6.1.3.c`");
    aliases[1].message_contains(
        "`6.1.3 d)` is written for `6.1.3.d` (Statement of Applicability produced)",
    );
    aliases[2]
        .message_contains("`5.15` is written for `A.5.15` (Access control)")
        .help_contains("it counts as `A.5.15`");
    // Counted as the catalog's id: A.5.15 is evidenced through its alias, and so are the items.
    let output = f.run(&["gaps", "--format", "json", "--as-of", AS_OF]);
    let gaps: Value = serde_json::from_slice(&output.stdout).unwrap();
    let iso = gaps["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "iso27001")
        .unwrap();
    let status = |id: &str| {
        iso["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("A.5.15"), "evidenced");
    assert_eq!(status("6.1.3.c"), "evidenced");
    assert_eq!(status("6.1.3.a"), "uncovered");
    assert_eq!(status("6.1.3"), "partial", "two of its six items");
}

#[test]
fn a_parent_is_covered_through_all_its_items_and_partial_through_some() {
    let f = nested();
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\", \"M.2\", \"M.3.a\", \"M.3.b\"]",
    );
    assert_eq!(f.check(), vec![], "all items: the parent is covered");
    assert_eq!(state(&f, "M.3"), "evidenced");

    f.edit("controls/c-1.md", ", \"M.3.b\"]", "]");
    assert_eq!(state(&f, "M.3"), "partial");
    assert_eq!(state(&f, "M.3.b"), "uncovered");
    let findings = f.check();
    let codes: Vec<Code> = findings.iter().map(|x| x.code).collect();
    assert_eq!(
        codes,
        vec![
            Code::RequirementUncovered,
            Code::RequirementPartiallyCovered
        ],
        "{findings:#?}"
    );
    findings[0].message_contains("`M.3.b` (Watch alerts) is not covered");
    findings[1]
        .message_contains(
            "`M.3` (Watch) is covered only in part: 1 of its 2 items is not (`M.3.b`)",
        )
        .help_contains("when every one of its items is");
}

#[test]
fn claiming_a_parent_covers_its_items_and_its_uncovered_items_are_its_finding() {
    let f = nested();
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\", \"M.2\", \"M.3\"]",
    );
    assert_eq!(f.check(), vec![]);
    assert_eq!(state(&f, "M.3.a"), "evidenced");
    assert_eq!(state(&f, "M.3.b"), "evidenced");
    // Nothing claims M.3 or its items: one finding, for the parent, naming its items.
    f.edit("controls/c-1.md", ", \"M.3\"]", "]");
    let finding = f.only(Code::RequirementUncovered);
    finding.message_contains("`M.3` (Watch) is not covered by any control, nor are its 2 items");
    // In a group (a second uncovered requirement), its line names its items.
    f.edit("controls/c-1.md", ", \"M.2\"]", "]");
    let text = common::output_text(&f.run(&["check", "--no-history", "--as-of", AS_OF]));
    assert!(text.contains("`M.3` Watch (and its 2 items)"), "{text}");
    assert!(!text.contains("`M.3.a`"), "{text}");
}

#[test]
fn a_claim_through_an_alias_counts_for_the_requirement() {
    let f = nested();
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\", \"M.2\", \"W-A\", \"M.3.b\"]",
    );
    f.only(Code::RequirementAlias)
        .at("controls/c-1.md", 9, 23)
        .message_contains("`W-A` is written for `M.3.a` (Watch logs) of Mini Standard");
    assert_eq!(state(&f, "M.3.a"), "evidenced");
    assert_eq!(state(&f, "M.3"), "evidenced");
}

#[test]
fn cw012_a_parent_the_catalog_does_not_have() {
    let f = claimed();
    f.edit(
        "frameworks/mini.toml",
        "parent = \"M.3\"\naliases",
        "parent = \"M.4\"\naliases",
    );
    let findings = f.check();
    let unknown: Vec<_> = common::with_code(&findings, Code::UnknownRequirement);
    assert_eq!(unknown.len(), 1, "{findings:#?}");
    unknown[0]
        .at("frameworks/mini.toml", 35, 10)
        .message_contains(
            "requirement `M.3.a` has the parent `M.4`, which is not a requirement of `mini`",
        );
}

#[test]
fn cw005_a_requirement_that_is_its_own_ancestor() {
    let f = nested();
    f.edit(
        "frameworks/mini.toml",
        "id = \"M.3\"\ntitle = \"Watch\"\ngroup = \"core\"\n",
        "id = \"M.3\"\ntitle = \"Watch\"\ngroup = \"core\"\nparent = \"M.3.b\"\n",
    );
    let findings = f.check();
    let cycles: Vec<_> = common::with_code(&findings, Code::InvalidValue);
    assert_eq!(cycles.len(), 2, "M.3 and M.3.b: {findings:#?}");
    cycles[0].message_contains("requirement `M.3` is its own ancestor: M.3 → M.3.b → M.3");
    // The loop stops coverage from descending forever; the check still ends.
    assert!(findings.iter().all(|x| x.code != Code::UnreadableFile));
}

#[test]
fn cw010_an_alias_that_is_another_requirements_id() {
    let f = claimed();
    f.edit(
        "frameworks/mini.toml",
        "aliases = [\"W-A\"]",
        "aliases = [\"M.3.b\"]",
    );
    f.only(Code::DuplicateId)
        .at("frameworks/mini.toml", 36, 12)
        .message_contains("alias `M.3.b` of `M.3.a` already stands for `M.3.b`");
}

/// Attack: claims written as other spellings of the ids, so that a rule looking the id up as
/// written would not see them. The observation window still applies: Q1–Q3 have no evidence.
#[test]
fn a_claim_spelled_another_way_does_not_escape_the_observation_window() {
    let f = Fixture::windowed();
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M 1\", \"M-2\"]",
    );
    let codes: Vec<Code> = f.check().iter().map(|x| x.code).collect();
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == Code::OperatingPeriodMissing)
            .count(),
        3,
        "{codes:?}"
    );
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == Code::RequirementAlias)
            .count(),
        2,
        "{codes:?}"
    );
}

/// Attack: the requirement that expects a cadence (M.3, quarterly) is covered only through its
/// items, by an annual control: the items expect their parent's cadence.
#[test]
fn items_expect_their_parents_cadence() {
    let f = nested();
    f.edit(
        "frameworks/mini.toml",
        "id = \"M.3\"\ntitle = \"Watch\"\ngroup = \"core\"\n",
        "id = \"M.3\"\ntitle = \"Watch\"\ngroup = \"core\"\ncadence = \"quarterly\"\n",
    );
    f.edit(
        "controls/c-1.md",
        "frequency = \"quarterly\"",
        "frequency = \"annual\"",
    );
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\", \"M.2\", \"M.3.a\", \"M.3.b\"]",
    );
    let findings = f.check();
    let laxer: Vec<_> = common::with_code(&findings, Code::FrequencyLaxerThanRequired);
    assert_eq!(laxer.len(), 2, "one per item claimed: {findings:#?}");
    laxer[0].message_contains(
        "control `C-1` operates annual, but Mini Standard `M.3` (Watch) expects quarterly",
    );
}

/// Attack: an exclusion and a contradiction written with another spelling. The exclusion counts
/// for the requirement, and claiming what is excluded is still a contradiction.
#[test]
fn exclusions_and_their_contradictions_are_read_through_spellings() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n[frameworks.mini.excluded]\n\"M-2\" = \"Not ours.\"\n",
    );
    let codes: Vec<Code> = f.check().iter().map(|x| x.code).collect();
    assert!(
        codes.contains(&Code::ExcludedRequirementClaimed),
        "{codes:?}"
    );
    assert!(codes.contains(&Code::RequirementAlias), "{codes:?}");
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\"]",
    );
    assert_eq!(state(&f, "M.2"), "excluded");
}

/// An item sits in its parent's group: otherwise one could be out of scope, or excludable, while
/// the other is not, and the parent would roll up from what is not in scope.
#[test]
fn cw005_an_item_in_another_group_than_its_parent() {
    let f = claimed();
    f.edit(
        "frameworks/mini.toml",
        "group = \"core\"\nparent = \"M.3\"\naliases",
        "group = \"extra\"\nparent = \"M.3\"\naliases",
    );
    let findings = f.check();
    let wrong: Vec<_> = common::with_code(&findings, Code::InvalidValue);
    assert_eq!(wrong.len(), 1, "{findings:#?}");
    wrong[0].message_contains(
        "requirement `M.3.a` is an item of `M.3` but in group `extra`, not `core`",
    );
}

/// Two requirements spelled alike (`M.4(a)` and `M.4.a`): a reference to either is ambiguous.
#[test]
fn cw010_two_requirements_spelled_alike() {
    let f = claimed();
    f.write(
        "frameworks/mini.toml",
        format!(
            "{}\n[[requirements]]\nid = \"M.4.a\"\ntitle = \"One\"\ngroup = \"core\"\n\n[[requirements]]\nid = \"M.4(a)\"\ntitle = \"Two\"\ngroup = \"core\"\n",
            f.read("frameworks/mini.toml")
        ),
    );
    let findings = f.check();
    assert!(
        findings.iter().any(|x| x.code == Code::DuplicateId
            && x.message
                .contains("`M.4(a)` of `M.4(a)` is spelled like `M.4.a`")),
        "{findings:#?}"
    );
}

/// A parent chain of duplicated ids (the same id twice at every level) cannot make the coverage
/// computation explode: each requirement is judged once, and the duplicates are reported.
#[test]
fn duplicated_ids_along_a_parent_chain_are_judged_once() {
    let f = Fixture::valid();
    let mut catalog = common::CATALOG.to_string();
    for level in 0..40 {
        for _ in 0..2 {
            catalog.push_str(&format!(
                "\n[[requirements]]\nid = \"D.{level}\"\ntitle = \"Level {level}\"\ngroup = \"core\"\n{}",
                if level == 0 {
                    String::new()
                } else {
                    format!("parent = \"D.{}\"\n", level - 1)
                }
            ));
        }
    }
    f.write("frameworks/mini.toml", catalog);
    let findings = f.check();
    assert_eq!(
        findings
            .iter()
            .filter(|x| x.code == Code::DuplicateId)
            .count(),
        40,
        "one per duplicated id"
    );
}
