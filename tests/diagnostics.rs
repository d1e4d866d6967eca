//! One test per diagnostic code: a small valid repository broken in one way, asserting the code,
//! the file, the line and the column of the finding.

mod common;

use common::{ATTACHMENT, CONTROL, Fixture, POLICY, evidence, sha256_hex};
use crosswalk::diag::Code;

#[test]
fn the_fixture_is_clean() {
    assert_eq!(Fixture::valid().check(), vec![]);
}

#[test]
fn cw001_unreadable_file() {
    let f = Fixture::valid();
    f.write("policies/binary.md", b"+++\n\x00\x01\x02");
    f.only(Code::UnreadableFile)
        .at("policies/binary.md", 1, 1)
        .message_contains("binary");
    f.write("policies/binary.md", b"+++\nid = \"\xff\"\n+++\n");
    f.only(Code::UnreadableFile).message_contains("UTF-8");
}

#[test]
fn cw002_front_matter() {
    let f = Fixture::valid();
    f.write("policies/plain.md", "# Just a heading\n");
    f.only(Code::FrontMatter)
        .at("policies/plain.md", 1, 1)
        .message_contains("missing");
    f.write("policies/plain.md", "+++\nid = \"POL-B\"\n");
    f.only(Code::FrontMatter)
        .at("policies/plain.md", 1, 1)
        .message_contains("not closed");
    f.write("policies/plain.md", "");
    f.only(Code::FrontMatter).message_contains("empty");
}

#[test]
fn cw003_toml_syntax() {
    let f = Fixture::valid();
    f.edit(
        "controls/c-1.md",
        "title = \"Access review\"",
        "title = \"Access review",
    );
    f.only(Code::TomlSyntax).at("controls/c-1.md", 3, 23);
}

#[test]
fn cw004_unknown_key_with_suggestion() {
    let f = Fixture::valid();
    f.edit("controls/c-1.md", "frequency = ", "frequncy = ");
    let findings = f.check();
    let unknown = findings
        .iter()
        .find(|x| x.code == Code::UnknownKey)
        .expect("unknown key");
    unknown
        .at("controls/c-1.md", 6, 1)
        .help_contains("did you mean `frequency`?");
    // The missing required key is reported in the same run.
    let missing = findings
        .iter()
        .find(|x| x.code == Code::MissingKey)
        .expect("missing key");
    missing
        .at("controls/c-1.md", 1, 1)
        .message_contains("`frequency`");
}

#[test]
fn cw004_every_violation_of_a_file_at_once() {
    let f = Fixture::valid();
    f.edit(
        "policies/access.md",
        "review = \"annual\"",
        "reveiw = \"annual\"\nowners = 1\ncolour = \"red\"",
    );
    let codes: Vec<Code> = f.check().iter().map(|x| x.code).collect();
    assert_eq!(
        codes,
        vec![
            Code::MissingKey,
            Code::UnknownKey,
            Code::UnknownKey,
            Code::UnknownKey
        ]
    );
}

#[test]
fn cw004_unknown_key_in_config() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[people.bob]\n",
        "[people.bob]\nemail = \"bob@test.example\"\n",
    );
    f.only(Code::UnknownKey)
        .at("crosswalk.toml", 11, 1)
        .help_contains("`emails`");
}

#[test]
fn cw005_invalid_value() {
    let f = Fixture::valid();
    f.edit(
        "controls/c-1.md",
        "status = \"implemented\"",
        "status = \"done\"",
    );
    f.only(Code::InvalidValue)
        .at("controls/c-1.md", 7, 10)
        .message_contains("status");
    f.edit(
        "controls/c-1.md",
        "status = \"done\"",
        "status = \"implemented\"",
    );
    f.edit(
        "controls/c-1.md",
        "frequency = \"quarterly\"",
        "frequency = \"hourly\"",
    );
    f.only(Code::InvalidValue).at("controls/c-1.md", 6, 13);
    f.edit("controls/c-1.md", "frequency = \"hourly\"", "frequency = 3");
    f.only(Code::InvalidValue).at("controls/c-1.md", 6, 13);
}

#[test]
fn cw005_quoted_date() {
    let f = Fixture::valid();
    f.edit(
        "evidence/2026/review.md",
        "collected = 2026-10-01",
        "collected = \"2026-10-01\"",
    );
    f.only(Code::InvalidValue)
        .at("evidence/2026/review.md", 5, 13)
        .message_contains("without quotes");
}

#[test]
fn cw005_invalid_layout_glob() {
    let f = Fixture::valid();
    f.write(
        "crosswalk.toml",
        format!("{}\n[layout]\nrisks = [\"risks/[*.md\"]\n", common::CONFIG),
    );
    f.only(Code::InvalidValue)
        .at("crosswalk.toml", 15, 10)
        .message_contains("glob");
}

#[test]
fn cw006_missing_key() {
    let f = Fixture::valid();
    f.edit("policies/access.md", "classification = \"internal\"\n", "");
    f.only(Code::MissingKey)
        .at("policies/access.md", 1, 1)
        .message_contains("`classification`");
}

#[test]
fn cw010_duplicate_id() {
    let f = Fixture::valid();
    f.write(
        "controls/c-2.md",
        CONTROL.replace("Access review", "Another review"),
    );
    f.only(Code::DuplicateId)
        .at("controls/c-2.md", 2, 6)
        .message_contains("`C-1`");
}

#[test]
fn cw010_duplicate_catalog_id() {
    let f = Fixture::valid();
    f.write(
        "frameworks/iso.toml",
        common::CATALOG.replace("id = \"mini\"", "id = \"iso27001\""),
    );
    f.only(Code::DuplicateId)
        .at("frameworks/iso.toml", 1, 6)
        .message_contains("built-in");
}

const CROSSWALK: &str = "id = \"mini-iso\"\ntitle = \"Mini to ISO\"\nfrom = \"mini\"\nto = \"iso27001\"\n\n[[relations]]\nfrom = \"M.2\"\nto = \"A.5.18\"\ntype = \"intersect\"\n";

#[test]
fn a_user_crosswalk_is_checked() {
    let f = Fixture::valid();
    f.write("frameworks/mini-iso.crosswalk.toml", CROSSWALK);
    assert_eq!(f.check(), vec![]);
    f.write(
        "frameworks/mini-iso.crosswalk.toml",
        format!("{CROSSWALK}\n[[relations]]\nfrom = \"M.2\"\nto = \"A.9.2.5\"\ntype = \"subset\"\n\n[[relations]]\nfrom = \"M.2\"\nto = \"A.5.18\"\ntype = \"equal\"\n"),
    );
    let codes: Vec<(Code, usize, usize)> = f
        .check()
        .iter()
        .map(|x| (x.code, x.line, x.column))
        .collect();
    assert_eq!(
        codes,
        vec![
            (Code::SupersededRequirement, 13, 6),
            (Code::DuplicateId, 17, 8)
        ]
    );
    f.write(
        "frameworks/mini-iso.crosswalk.toml",
        CROSSWALK.replace("to = \"iso27001\"", "to = \"iso2700\""),
    );
    f.only(Code::UnknownFramework)
        .at("frameworks/mini-iso.crosswalk.toml", 4, 6)
        .help_contains("`iso27001`");
    f.write(
        "frameworks/mini-iso.crosswalk.toml",
        CROSSWALK.replace("intersect", "overlap"),
    );
    f.only(Code::InvalidValue)
        .at("frameworks/mini-iso.crosswalk.toml", 9, 8);
}

#[test]
fn cw011_unknown_framework() {
    let f = Fixture::valid();
    f.edit(
        "controls/c-1.md",
        "[satisfies]\n",
        "[satisfies]\nmnii = [\"M.1\"]\n",
    );
    f.only(Code::UnknownFramework)
        .at("controls/c-1.md", 9, 1)
        .help_contains("did you mean `mini`?");
}

#[test]
fn cw012_unknown_requirement_with_suggestion() {
    let f = Fixture::valid();
    f.edit(
        "policies/access.md",
        "mini = [\"M.1\"]",
        "mini = [\"M.1\", \"m.2\"]",
    );
    f.only(Code::UnknownRequirement)
        .at("policies/access.md", 9, 16)
        .help_contains("did you mean `M.2`?");
}

#[test]
fn cw027_an_alias_is_counted_and_warned() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n[frameworks.iso27001]\n",
    );
    f.edit(
        "policies/access.md",
        "mini = [\"M.1\"]",
        "mini = [\"M.1\"]\niso27001 = [\"8.24\"]",
    );
    let findings = f.check();
    let alias = findings
        .iter()
        .find(|x| x.code == Code::RequirementAlias)
        .expect("alias");
    alias
        .at("policies/access.md", 10, 13)
        .message_contains("`8.24` is written for `A.8.24` (Use of cryptography)")
        .help_contains("write `A.8.24`");
    assert!(findings.iter().all(|x| x.code != Code::UnknownRequirement));
}

/// A risk of the valid fixture: mitigated by C-1, residual 2 × 3 under inherent 3 × 4.
const RISK: &str = "+++\nid = \"R-1\"\ntitle = \"Access creep\"\nowner = \"alice\"\napprovers = [\"bob\"]\nlikelihood = 3\nimpact = 4\ntreatment = \"mitigate\"\ncontrols = [\"C-1\"]\nresidual = { likelihood = 2, impact = 3 }\n+++\nAccess accumulates.\n";

fn with_risk() -> Fixture {
    let f = Fixture::valid();
    f.write("risks/r-1.md", RISK);
    assert_eq!(f.check(), vec![], "the risk as written is clean");
    f
}

#[test]
fn cw070_a_residual_score_above_the_inherent_one() {
    let f = with_risk();
    f.edit(
        "risks/r-1.md",
        "residual = { likelihood = 2, impact = 3 }",
        "residual = { likelihood = 4, impact = 4 }",
    );
    f.only(Code::RiskResidualAboveInherent)
        .at("risks/r-1.md", 10, 12)
        .message_contains(
            "risk `R-1` has a residual score of 16 (4 × 4) above its inherent score of 12 (3 × 4)",
        );
}

#[test]
fn cw071_mitigation_with_no_control_or_only_planned_ones() {
    let f = with_risk();
    f.edit("risks/r-1.md", "controls = [\"C-1\"]", "controls = []");
    f.only(Code::RiskTreatmentWithoutControls)
        .at("risks/r-1.md", 8, 13)
        .message_contains("risk `R-1` is treated by mitigation but names no control");
    // Attack: a planned control named to make the register look treated.
    f.edit("risks/r-1.md", "controls = []", "controls = [\"C-1\"]");
    f.edit(
        "controls/c-1.md",
        "status = \"implemented\"",
        "status = \"planned\"",
    );
    let findings = f.check();
    let finding = findings
        .iter()
        .find(|x| x.code == Code::RiskTreatmentWithoutControls)
        .expect("planned controls reduce nothing");
    finding.message_contains("its controls (`C-1`) are all planned");
}

#[test]
fn cw072_acceptance_without_criteria_or_above_them() {
    let f = with_risk();
    f.edit(
        "risks/r-1.md",
        "treatment = \"mitigate\"",
        "treatment = \"accept\"",
    );
    f.only(Code::RiskAcceptedAboveThreshold)
        .at("risks/r-1.md", 8, 13)
        .message_contains("sets no risk acceptance criterion")
        .help_contains("[risk] accept_max_score");
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n\n[risk]\naccept_max_score = 4\n",
    );
    f.only(Code::RiskAcceptedAboveThreshold).message_contains(
        "risk `R-1` is accepted at a score of 6, above the acceptance criterion of 4",
    );
    // At or under the criterion, acceptance stands; the residual score is what is retained.
    f.edit(
        "crosswalk.toml",
        "accept_max_score = 4",
        "accept_max_score = 6",
    );
    assert_eq!(f.check(), vec![]);
}

#[test]
fn cw013_superseded_iso_2013_id() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n[frameworks.iso27001]\n",
    );
    f.edit(
        "policies/access.md",
        "mini = [\"M.1\"]",
        "mini = [\"M.1\"]\niso27001 = [\"A.9.2.3\"]",
    );
    let findings = f.check();
    let superseded = findings
        .iter()
        .find(|x| x.code == Code::SupersededRequirement)
        .expect("superseded");
    superseded
        .at("policies/access.md", 10, 13)
        .message_contains("2013")
        .help_contains("`A.8.2` (Privileged access rights)");
}

#[test]
fn cw014_framework_not_in_scope() {
    let f = Fixture::valid();
    f.edit(
        "controls/c-1.md",
        "[satisfies]\n",
        "[satisfies]\nsoc2 = [\"CC6.1\"]\n",
    );
    f.only(Code::FrameworkNotInScope)
        .at("controls/c-1.md", 9, 1)
        .help_contains("[frameworks.soc2]");
}

#[test]
fn cw015_unknown_person() {
    let f = Fixture::valid();
    f.edit(
        "policies/access.md",
        "approvers = [\"bob\"]",
        "approvers = [\"bbo\"]",
    );
    f.only(Code::UnknownPerson)
        .at("policies/access.md", 5, 14)
        .help_contains("did you mean `bob`?");
}

#[test]
fn cw016_unknown_policy() {
    let f = Fixture::valid();
    f.edit(
        "controls/c-1.md",
        "policy = \"POL-A\"",
        "policy = \"POL-AA\"",
    );
    f.only(Code::UnknownPolicy)
        .at("controls/c-1.md", 4, 10)
        .help_contains("`POL-A`");
}

#[test]
fn cw017_unknown_control() {
    let f = Fixture::valid();
    f.edit(
        "evidence/2026/review.md",
        "controls = [\"C-1\"]",
        "controls = [\"C-1\", \"C-9\"]",
    );
    f.only(Code::UnknownControl)
        .at("evidence/2026/review.md", 4, 20);
    f.write(
        "risks/r-1.md",
        "+++\nid = \"R-1\"\ntitle = \"Stale access\"\nowner = \"alice\"\nlikelihood = 3\nimpact = 4\ntreatment = \"mitigate\"\napprovers = [\"bob\"]\ncontrols = [\"C-2\"]\n+++\n",
    );
    let findings = f.check();
    assert_eq!(findings.len(), 2);
    findings[1].at("risks/r-1.md", 9, 13);
}

#[test]
fn cw018_unknown_category() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\ncategories = [\"core\", \"extar\"]\n",
    );
    f.only(Code::UnknownCategory)
        .at("crosswalk.toml", 5, 23)
        .help_contains("did you mean `extra`?");
}

#[test]
fn cw020_requirement_uncovered() {
    let f = Fixture::valid();
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\"]",
    );
    f.only(Code::RequirementUncovered)
        .at("crosswalk.toml", 4, 13)
        .message_contains("`M.2` (Review access)")
        .help_contains("exclude it");
}

#[test]
fn cw021_exclusion_without_justification() {
    let f = Fixture::valid();
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\"]",
    );
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\nexcluded = { \"M.2\" = \"  \" }\n",
    );
    f.only(Code::ExclusionWithoutJustification)
        .at("crosswalk.toml", 5, 22);
    // Zero-width spaces and a byte-order mark look like text to a program, not to an auditor.
    f.edit("crosswalk.toml", "\"  \"", "\"\u{200B}\u{200B}\u{FEFF}\"");
    f.only(Code::ExclusionWithoutJustification)
        .message_contains("nothing but white space or invisible characters");
}

#[test]
fn cw022_excluded_requirement_claimed() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\nexcluded = { \"M.2\" = \"We have no access to review.\" }\n",
    );
    f.only(Code::ExcludedRequirementClaimed)
        .at("controls/c-1.md", 9, 16);
}

#[test]
fn cw023_requirement_not_excludable() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\nexcluded = { \"M.1\" = \"Policies are overrated.\" }\n",
    );
    let findings = f.check();
    let finding = findings
        .iter()
        .find(|x| x.code == Code::RequirementNotExcludable)
        .expect("not excludable");
    finding
        .at("crosswalk.toml", 5, 14)
        .message_contains("mandatory");
}

#[test]
fn cw024_requirement_partially_covered() {
    let f = Fixture::valid();
    f.edit(
        "controls/c-1.md",
        "status = \"implemented\"",
        "status = \"partial\"",
    );
    let findings = f.check();
    assert_eq!(findings.len(), 2, "{findings:#?}");
    findings[0]
        .at("crosswalk.toml", 4, 13)
        .message_contains("`M.1`");
    assert!(
        findings
            .iter()
            .all(|x| x.code == Code::RequirementPartiallyCovered)
    );
}

#[test]
fn cw025_control_planned() {
    let f = Fixture::valid();
    f.write(
        "controls/c-2.md",
        CONTROL
            .replace("C-1", "C-2")
            .replace("status = \"implemented\"", "status = \"planned\""),
    );
    f.only(Code::ControlPlanned).at("controls/c-2.md", 7, 10);
}

/// A second small catalog in scope, related to `mini` by a user crosswalk.
const MINI2: &str = r#"id = "mini2"
version = "1"
title = "Mini Two"

[[groups]]
id = "core"
title = "Core"
required = true

[[requirements]]
id = "N.1"
title = "Name a policy owner"
group = "core"

[[requirements]]
id = "N.2"
title = "Check access"
group = "core"
"#;

const MINI_MINI2: &str = r#"id = "mini-mini2"
title = "Mini to Mini Two"
from = "mini"
to = "mini2"

[[relations]]
from = "M.1"
to = "N.1"
type = "equal"
rationale = "both ask for an owned policy"

[[relations]]
from = "M.2"
to = "N.2"
type = "intersect"
"#;

#[test]
fn cw026_crosswalk_suggestion() {
    let f = Fixture::valid();
    let mini2 = format!(
        "{MINI2}\n[[requirements]]\nid = \"N.3\"\ntitle = \"Log access\"\ngroup = \"core\"\n"
    );
    f.write("frameworks/mini2.toml", mini2);
    let crosswalk = format!(
        "{MINI_MINI2}\n[[relations]]\nfrom = \"M.2\"\nto = \"N.3\"\ntype = \"subset\"\nrationale = \"reviewing access is part of logging it\"\n"
    );
    f.write("frameworks/mini-mini2.crosswalk.toml", crosswalk);
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n[frameworks.mini2]\n",
    );
    let hints: Vec<_> = f
        .check()
        .into_iter()
        .filter(|x| x.code == Code::CrosswalkSuggestion)
        .collect();
    // The strong relations suggest (equal, subset); the intersect one (M.2 ~ N.2) does not.
    assert_eq!(hints.len(), 2, "{hints:#?}");
    hints[0]
        .at("controls/c-1.md", 9, 9)
        .message_contains("relates to Mini Two `N.1` (Name a policy owner) (equal)")
        .message_contains("this control may also satisfy it")
        .help_contains("add \"N.1\" to `mini2`")
        .help_contains("both ask for an owned policy");
    hints[1]
        .at("controls/c-1.md", 9, 16)
        .message_contains("`N.3` (Log access) (subset)")
        .message_contains("may satisfy part of it");
    assert!(hints.iter().all(|h| !h.message.contains("N.2")));
    // `--no-hints` and `[check] hints = false` turn them off; nothing else changes.
    let without = f.run(&[
        "check",
        "--no-history",
        "--as-of",
        "2026-11-24",
        "--no-hints",
    ]);
    let stdout = String::from_utf8_lossy(&without.stdout);
    assert!(!stdout.contains("CW026"), "{stdout}");
    assert!(stdout.contains("CW020"), "{stdout}");
    f.edit(
        "crosswalk.toml",
        "[people.alice]",
        "[check]\nhints = false\n\n[people.alice]",
    );
    let codes: Vec<Code> = f.check().iter().map(|x| x.code).collect();
    assert!(!codes.contains(&Code::CrosswalkSuggestion), "{codes:?}");
    assert!(codes.contains(&Code::RequirementUncovered), "{codes:?}");
    f.edit("crosswalk.toml", "hints = false", "hints = true");
    // Once a control claims N.1 and N.3, nothing is suggested (N.2 stays uncovered).
    f.edit(
        "controls/c-1.md",
        "[satisfies]\n",
        "[satisfies]\nmini2 = [\"N.1\", \"N.3\"]\n",
    );
    let codes: Vec<Code> = f.check().iter().map(|x| x.code).collect();
    assert_eq!(codes, vec![Code::RequirementUncovered]);
}

#[test]
fn cw026_hints_print_as_help_and_are_counted_apart() {
    let f = Fixture::valid();
    f.write("frameworks/mini2.toml", MINI2);
    f.write("frameworks/mini-mini2.crosswalk.toml", MINI_MINI2);
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n[frameworks.mini2]\n",
    );
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini2]\n",
        "[frameworks.mini2]\nexcluded = {}\n",
    );
    // Another control claims N.2; N.1 stays uncovered (an error) and C-1's claim of M.1 hints at it.
    f.write(
        "controls/c-2.md",
        CONTROL
            .replace("C-1", "C-2")
            .replace("mini = [\"M.1\", \"M.2\"]", "mini2 = [\"N.2\"]"),
    );
    f.edit(
        "evidence/2026/review.md",
        "controls = [\"C-1\"]",
        "controls = [\"C-1\", \"C-2\"]",
    );
    let codes: Vec<Code> = f.check().iter().map(|x| x.code).collect();
    assert_eq!(
        codes,
        vec![Code::CrosswalkSuggestion, Code::RequirementUncovered]
    );
    let output = f.run(&["check", "--no-history", "--as-of", "2026-11-24"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("help[CW026/crosswalk-suggestion]"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 error, 0 warnings and 1 hint in"),
        "{stdout}"
    );
}

#[test]
fn cw036_frequency_laxer_than_required_and_the_stricter_applies() {
    let f = Fixture::valid();
    f.edit(
        "frameworks/mini.toml",
        "title = \"Review access\"\ngroup = \"extra\"\n",
        "title = \"Review access\"\ngroup = \"extra\"\ncadence = \"monthly\"\ncadence_basis = \"auditors expect it\"\n",
    );
    let findings = f.check();
    let codes: Vec<Code> = findings.iter().map(|x| x.code).collect();
    assert_eq!(
        codes,
        vec![Code::FrequencyLaxerThanRequired, Code::EvidenceStale]
    );
    findings[0]
        .at("controls/c-1.md", 6, 13)
        .message_contains("operates quarterly, but Mini Standard `M.2` (Review access) expects monthly (auditors expect it)")
        .help_contains("frequency = \"monthly\"");
    // Evidence of 2026-10-01 is within a quarter of 2026-11-24 but not within a month.
    findings[1]
        .at("evidence/2026/review.md", 5, 13)
        .message_contains("monthly (mini M.2) frequency");
    // Declaring the stricter frequency answers the warning; the evidence is still stale.
    f.edit(
        "controls/c-1.md",
        "frequency = \"quarterly\"",
        "frequency = \"monthly\"",
    );
    f.only(Code::EvidenceStale)
        .message_contains("its monthly frequency");
    f.edit(
        "evidence/2026/review.md",
        "collected = 2026-10-01",
        "collected = 2026-11-01",
    );
    assert_eq!(f.check(), vec![]);
    // A laxer cadence than the control's own changes nothing.
    f.edit(
        "frameworks/mini.toml",
        "cadence = \"monthly\"",
        "cadence = \"annual\"",
    );
    assert_eq!(f.check(), vec![]);
}

#[test]
fn cw030_attachment_missing() {
    let f = Fixture::valid();
    std::fs::remove_file(f.path("evidence/2026/review.csv")).unwrap();
    f.only(Code::AttachmentMissing)
        .at("evidence/2026/review.md", 7, 25)
        .message_contains("evidence/2026/review.csv");
}

#[test]
fn cw031_attachment_outside_repository() {
    let f = Fixture::valid();
    let record = evidence(&sha256_hex(ATTACHMENT.as_bytes()));
    f.write(
        "evidence/2026/review.md",
        record.replace("review.csv", "../../../etc/passwd"),
    );
    f.only(Code::AttachmentOutsideRepository)
        .at("evidence/2026/review.md", 7, 25);
}

#[cfg(unix)]
#[test]
fn cw031_attachment_symlink_out_of_repository() {
    let f = Fixture::valid();
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), ATTACHMENT).unwrap();
    std::fs::remove_file(f.path("evidence/2026/review.csv")).unwrap();
    std::os::unix::fs::symlink(outside.path(), f.path("evidence/2026/review.csv")).unwrap();
    f.only(Code::AttachmentOutsideRepository)
        .message_contains("symbolic link");
}

#[test]
fn cw032_attachment_hash_mismatch() {
    let f = Fixture::valid();
    f.write("evidence/2026/review.csv", "user,decision\nbob,revoke\n");
    f.only(Code::AttachmentHashMismatch)
        .at("evidence/2026/review.md", 7, 48)
        .help_contains(&sha256_hex(b"user,decision\nbob,revoke\n"));
}

#[test]
fn cw033_evidence_stale() {
    let f = Fixture::valid();
    f.edit(
        "evidence/2026/review.md",
        "collected = 2026-10-01",
        "collected = 2026-08-23",
    );
    f.only(Code::EvidenceStale)
        .at("evidence/2026/review.md", 5, 13)
        .message_contains("quarterly");
    // One day later it is within the quarter.
    f.edit(
        "evidence/2026/review.md",
        "collected = 2026-08-23",
        "collected = 2026-08-24",
    );
    assert_eq!(f.check(), vec![]);
}

#[test]
fn cw034_control_without_evidence() {
    let f = Fixture::valid();
    std::fs::remove_file(f.path("evidence/2026/review.md")).unwrap();
    f.only(Code::ControlWithoutEvidence)
        .at("controls/c-1.md", 7, 10)
        .message_contains(
            "is implemented but no evidence record collected by 2026-11-24 proves it",
        );
    // A record dated after the judging date proves nothing: the control is still without evidence.
    f.write(
        "evidence/2026/review.md",
        evidence(&sha256_hex(ATTACHMENT.as_bytes())).replace("2026-10-01", "2026-12-01"),
    );
    let codes: Vec<Code> = f.check().iter().map(|x| x.code).collect();
    assert_eq!(
        codes,
        vec![Code::ControlWithoutEvidence, Code::EvidenceFromFuture]
    );
}

#[test]
fn cw035_evidence_from_future() {
    let f = Fixture::valid();
    f.edit(
        "evidence/2026/review.md",
        "collected = 2026-10-01",
        "collected = 2027-01-05",
    );
    let findings = f.check();
    assert_eq!(
        findings[0].code,
        Code::ControlWithoutEvidence,
        "future evidence proves nothing yet"
    );
    findings[1].at("evidence/2026/review.md", 5, 13);
    assert_eq!(findings[1].code, Code::EvidenceFromFuture);
}

#[test]
fn cw037_operating_period_missing_exactly_the_quarter_without_evidence() {
    let f = Fixture::windowed();
    // EV-1 (2026-10-01) proves Q4; Q1 and Q2 get records; Q3 has none.
    f.record("EV-Q1", "2026-02-10", None);
    f.record("EV-Q2", "2026-05-12", None);
    let findings = f.check();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    findings[0]
        .at("controls/c-1.md", 6, 13)
        .message_contains("control `C-1` has no evidence for 2026-Q3 (2026-07-01 to 2026-09-30), a quarterly period of the observation window 2026-01-01 to 2026-12-31")
        .help_contains("collected between 2026-07-01 and 2026-09-30")
        .help_contains("its latest is `EV-1`")
        .help_contains("period = { start = 2026-07-01, end = 2026-09-30 }");
    assert_eq!(findings[0].code, Code::OperatingPeriodMissing);
    // The quarter in progress (Q4 as of 2026-11-24) is not due: without EV-1 only Q3 would be
    // missing, but EV-1 is also the only fresh record, so freshness fails instead.
    f.record("EV-Q3", "2026-08-03", None);
    assert_eq!(f.check(), vec![]);
}

#[test]
fn cw037_a_period_record_covers_every_period_it_overlaps() {
    let f = Fixture::windowed();
    // One export covering February to August proves Q1, Q2 and Q3.
    f.record(
        "EV-EXPORT",
        "2026-09-02",
        Some(("2026-02-01", "2026-08-31")),
    );
    assert_eq!(f.check(), vec![]);
    // Cut short to June, it leaves Q3 without evidence.
    f.record(
        "EV-EXPORT",
        "2026-09-02",
        Some(("2026-02-01", "2026-06-30")),
    );
    let findings = f.check();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    findings[0].message_contains("2026-Q3");
}

#[test]
fn cw037_evidence_after_the_window_or_in_the_future_proves_nothing_for_it() {
    let f = Fixture::windowed();
    f.edit("crosswalk.toml", "end = 2026-12-31", "end = 2026-09-30");
    // As of 2026-11-24 the window (Q1 to Q3) is over; EV-1 (2026-10-01) was collected after it.
    f.record("EV-Q1", "2026-02-10", None);
    f.record("EV-Q2", "2026-05-12", None);
    // A record collected after the window, claiming Q3, proves nothing for the window.
    f.record("EV-LATE", "2026-10-05", Some(("2026-07-01", "2026-09-30")));
    let missing: Vec<_> = f
        .check()
        .into_iter()
        .filter(|x| x.code == Code::OperatingPeriodMissing)
        .collect();
    assert_eq!(missing.len(), 1, "{missing:#?}");
    missing[0].message_contains("2026-Q3");
    // Nor does a record dated after the judging date, even inside the window.
    f.edit("crosswalk.toml", "end = 2026-09-30", "end = 2026-12-31");
    f.record("EV-LATE", "2026-11-30", Some(("2026-07-01", "2026-09-30")));
    let codes: Vec<Code> = f.check().iter().map(|x| x.code).collect();
    assert_eq!(
        codes,
        vec![Code::OperatingPeriodMissing, Code::EvidenceFromFuture],
        "Q3 stays missing"
    );
}

#[test]
fn cw038_evidence_gap_in_a_continuous_control() {
    let f = Fixture::windowed();
    f.edit(
        "controls/c-1.md",
        "frequency = \"quarterly\"",
        "frequency = \"continuous\"\nmax_gap = \"P7D\"",
    );
    // Weekly exports cover 2026-01-01 to 2026-11-22, except a 10-day hole 2026-03-10 to 03-19.
    f.record("EV-A", "2026-03-09", Some(("2026-01-01", "2026-03-09")));
    f.record("EV-B", "2026-11-22", Some(("2026-03-20", "2026-11-22")));
    f.remove("evidence/2026/review.md");
    let findings = f.check();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    findings[0]
        .at("controls/c-1.md", 7, 11)
        .message_contains("continuous control `C-1` leaves 2026-03-10 to 2026-03-19 uncovered (10 days), longer than its max_gap of P7D allows")
        .help_contains("covers 2026-03-10 to 2026-03-19");
    assert_eq!(findings[0].code, Code::EvidenceGap);
    // A hole of exactly seven days is allowed.
    f.record("EV-A", "2026-03-12", Some(("2026-01-01", "2026-03-12")));
    assert_eq!(f.check(), vec![]);
    // Evidence that stops: the open stretch to the judging date is a gap too.
    f.record("EV-B", "2026-11-10", Some(("2026-03-20", "2026-11-10")));
    let findings = f.check();
    let gap: Vec<_> = findings
        .iter()
        .filter(|x| x.code == Code::EvidenceGap)
        .collect();
    assert_eq!(gap.len(), 1, "{findings:#?}");
    gap[0].message_contains("has no evidence since 2026-11-11: 13 days to the judging date");
}

#[test]
fn cw039_invalid_period() {
    let f = Fixture::windowed();
    f.record("EV-Q1", "2026-02-10", None);
    f.record("EV-Q2", "2026-05-12", None);
    // A period that ends after the record was collected claims operation it cannot have seen:
    // reported, and the record counts for its collection day alone (so Q3 stays missing).
    f.record("EV-Q3", "2026-06-30", Some(("2026-06-01", "2026-09-30")));
    let findings = f.check();
    let codes: Vec<Code> = findings.iter().map(|x| x.code).collect();
    assert_eq!(
        codes,
        vec![Code::OperatingPeriodMissing, Code::InvalidPeriod],
        "{findings:#?}"
    );
    findings[1]
        .at("evidence/2026/ev-q3.md", 6, 10)
        .message_contains("ends 2026-09-30, after the record was collected (2026-06-30)");
    f.record("EV-Q3", "2026-09-30", Some(("2026-09-30", "2026-07-01")));
    findings_of(&f, Code::InvalidPeriod)[0]
        .message_contains("ends (2026-07-01) before it starts (2026-09-30)");
    // A max_gap on a control that is not continuous.
    f.record("EV-Q3", "2026-08-03", None);
    f.edit(
        "controls/c-1.md",
        "frequency = \"quarterly\"",
        "frequency = \"quarterly\"\nmax_gap = \"P7D\"",
    );
    f.only(Code::InvalidPeriod)
        .at("controls/c-1.md", 7, 11)
        .message_contains("max_gap applies only to a continuous control");
    // An observation window that ends before it starts, or runs for centuries.
    f.edit("controls/c-1.md", "\nmax_gap = \"P7D\"", "");
    f.edit(
        "crosswalk.toml",
        "start = 2026-01-01, end = 2026-12-31",
        "start = 2026-01-01, end = 9999-12-31",
    );
    let window = findings_of(&f, Code::InvalidPeriod);
    window[0]
        .at("crosswalk.toml", 5, 15)
        .message_contains("longer than three years");
}

fn findings_of(f: &Fixture, code: Code) -> Vec<common::Finding> {
    f.check().into_iter().filter(|x| x.code == code).collect()
}

#[test]
fn no_evidence_at_all_is_zero_percent_evidenced_and_fails() {
    let f = Fixture::valid();
    f.remove("evidence/2026/review.md");
    f.remove("evidence/2026/review.csv");
    let output = f.run(&["check", "--no-history", "--as-of", "2026-11-24"]);
    assert_eq!(output.status.code(), Some(1));
    let output = f.run(&["gaps", "--format", "json", "--as-of", "2026-11-24"]);
    let gaps: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mini = &gaps["frameworks"][0];
    assert_eq!(mini["percent"], 0, "{mini}");
    assert_eq!(mini["evidenced"], 0);
    assert_eq!(mini["claimed"], 2);
    assert_eq!(mini["claimed_percent"], 100);
    assert_eq!(mini["requirements"][0]["status"], "claimed");
}

#[test]
fn timeline_cells_in_the_gaps_json() {
    let f = Fixture::windowed();
    f.record("EV-Q1", "2026-02-10", None);
    f.record("EV-Q3", "2026-08-03", Some(("2026-07-01", "2026-09-30")));
    let output = f.run(&["gaps", "--format", "json", "--as-of", "2026-11-24"]);
    let gaps: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let timeline = &gaps["timeline"][0];
    assert_eq!(timeline["control"], "C-1");
    assert_eq!(timeline["window"], "2026-01-01 to 2026-12-31");
    assert_eq!(timeline["operated"], false);
    let cells: Vec<(String, String, String, Vec<String>)> = timeline["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["label"].as_str().unwrap().to_string(),
                c["start"].as_str().unwrap().to_string(),
                c["state"].as_str().unwrap().to_string(),
                c["evidence"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    let cell = |label: &str, start: &str, state: &str, evidence: &[&str]| {
        (
            label.to_string(),
            start.to_string(),
            state.to_string(),
            evidence.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        cells,
        vec![
            cell("2026-Q1", "2026-01-01", "evidenced", &["EV-Q1"]),
            cell("2026-Q2", "2026-04-01", "missing", &[]),
            cell("2026-Q3", "2026-07-01", "evidenced", &["EV-Q3"]),
            cell("2026-Q4", "2026-10-01", "evidenced", &["EV-1"]),
        ]
    );
    assert_eq!(gaps["operated"]["every_period"], 0);
    assert_eq!(gaps["operated"]["periods_due"], 4);
    assert_eq!(gaps["operated"]["periods_evidenced"], 3);
    assert_eq!(
        gaps["frameworks"][0]["requirements"][0]["status"],
        "claimed"
    );
}

#[test]
fn cw051_codeowners_unsafe() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[people.bob]\n",
        "[people.bob]\ngithub = \"bob\\n* @attacker\"\n",
    );
    f.only(Code::CodeownersUnsafe)
        .at("crosswalk.toml", 10, 9)
        .message_contains("is not a GitHub login or `org/team`");
    // The block leaves Bob out rather than writing the attacker's rule.
    assert!(f.run(&["codeowners"]).status.success());
    let written = f.read(".github/CODEOWNERS");
    assert!(!written.contains("@attacker"), "{written}");
    assert!(
        written.contains("\n/controls/c-1.md alice@test.example\n"),
        "{written}"
    );
    // An attachment literally named `*` owns itself, not every file.
    f.edit("crosswalk.toml", "github = \"bob\\n* @attacker\"\n", "");
    f.write("evidence/2026/*", "star\n");
    f.edit(
        "evidence/2026/review.md",
        "attachments = [",
        &format!(
            "attachments = [{{ path = \"*\", sha256 = \"{}\" }}, ",
            sha256_hex(b"star\n")
        ),
    );
    assert!(f.run(&["codeowners"]).status.success());
    let written = f.read(".github/CODEOWNERS");
    assert!(
        written.contains("\n/evidence/2026/\\* alice@test.example bob@test.example\n"),
        "{written}"
    );
    assert!(!written.contains("\n/evidence/2026/* "), "{written}");
}

#[test]
fn cw050_codeowners_out_of_date() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[people.bob]\n",
        "[people.bob]\ngithub = \"bob-gh\"\n",
    );
    // A team's own rule above the block, kept by `crosswalk codeowners`.
    f.write(".github/CODEOWNERS", "* @acme/platform\n");
    let output = f.run(&["codeowners"]);
    assert!(output.status.success());
    let written = f.read(".github/CODEOWNERS");
    assert!(
        written.starts_with("* @acme/platform\n\n# BEGIN crosswalk"),
        "{written}"
    );
    assert!(
        written.contains("\n/controls/c-1.md alice@test.example @bob-gh\n"),
        "{written}"
    );
    assert!(
        written.contains("\n/evidence/2026/review.csv alice@test.example @bob-gh\n"),
        "{written}"
    );
    assert_eq!(f.check(), vec![]);
    assert_eq!(f.run(&["codeowners", "--check"]).status.code(), Some(0));
    // Evidence of the control gets another approver: the committed block is stale.
    f.edit(
        "controls/c-1.md",
        "owner = \"alice\"",
        "owner = \"alice\"\napprovers = [\"bob\"]",
    );
    f.edit(
        "crosswalk.toml",
        "[people.bob]\n",
        "[people.carol]\nname = \"Carol Chen\"\n\n[people.bob]\n",
    );
    f.edit(
        "policies/access.md",
        "approvers = [\"bob\"]",
        "approvers = [\"carol\"]",
    );
    f.only(Code::CodeownersOutOfDate)
        .at(".github/CODEOWNERS", 3, 1)
        .help_contains("crosswalk codeowners");
    assert_eq!(f.run(&["codeowners", "--check"]).status.code(), Some(1));
    assert!(f.run(&["codeowners"]).status.success());
    assert_eq!(f.check(), vec![]);
    assert!(
        f.read(".github/CODEOWNERS")
            .starts_with("* @acme/platform\n")
    );
}

#[test]
fn crlf_and_bom_keep_positions() {
    let f = Fixture::valid();
    let policy = POLICY
        .replace("approvers = [\"bob\"]", "approvers = [\"carol\"]")
        .replace('\n', "\r\n");
    f.write("policies/access.md", format!("\u{feff}{policy}"));
    f.only(Code::UnknownPerson).at("policies/access.md", 5, 14);
}

#[test]
fn every_code_has_a_test_here_or_in_the_history_tests() {
    let source = [include_str!("diagnostics.rs"), include_str!("history.rs")].concat();
    let attacks = include_str!("attacks.rs");
    for code in Code::ALL {
        let name = format!("fn {}_", code.id().to_lowercase());
        // The attacks assert the codes that catch them by id, in the JSON report.
        let attacked = attacks.contains(&format!("expect(\"{}\"", code.id()))
            || attacks.contains(&format!("== \"{}\"", code.id()));
        assert!(
            source.contains(&name) || attacked,
            "no test named {name}… (nor an attack asserting it) for {}",
            code.name()
        );
    }
}

/// Bad values are said in the schema's words: the allowed values, the nearest one, and a case or
/// whitespace slip named on its own (not "not valid under any of the schemas listed in 'oneOf'",
/// not a regex).
#[test]
fn cw005_names_the_allowed_values_and_the_slip() {
    let f = Fixture::valid();
    f.edit(
        "controls/c-1.md",
        "status = \"implemented\"",
        "status = \"Implemented\"",
    );
    f.only(Code::InvalidValue)
        .at("controls/c-1.md", 7, 10)
        .message_contains("`Implemented` is not a valid `status`: expected one of `implemented`, `partial`, `planned`")
        .help_contains("write it in lower case: `implemented`");
    f.edit(
        "controls/c-1.md",
        "status = \"Implemented\"",
        "status = \"implemented\"",
    );
    f.edit(
        "controls/c-1.md",
        "frequency = \"quarterly\"",
        "frequency = \"quartely\"",
    );
    let finding = f.only(Code::InvalidValue);
    finding
        .message_contains("expected continuous, daily, weekly")
        .help_contains("did you mean `quarterly`?");
    assert!(!finding.message.contains('^'), "no regex: {finding:#?}");
    f.edit(
        "controls/c-1.md",
        "frequency = \"quartely\"",
        "frequency = \" quarterly\"",
    );
    f.only(Code::InvalidValue)
        .help_contains("write it without the spaces around it: `quarterly`");
    f.edit(
        "controls/c-1.md",
        "frequency = \" quarterly\"",
        "frequency = \"quarterly\"",
    );
    let upper = common::sha256_hex(common::ATTACHMENT.as_bytes()).to_uppercase();
    f.write("evidence/2026/review.md", common::evidence(&upper));
    f.only(Code::InvalidValue)
        .message_contains("expected lower-case hex SHA-256")
        .help_contains("write it in lower case");
}

#[test]
fn cw006_missing_key_says_what_to_write() {
    let f = Fixture::valid();
    f.edit("policies/access.md", "classification = \"internal\"\n", "");
    f.only(Code::MissingKey)
        .at("policies/access.md", 1, 1)
        .help_contains("add `classification = …`")
        .help_contains("`public`, `internal`, `confidential`, `restricted`");
}

#[test]
fn cw002_yaml_front_matter_is_named() {
    let f = Fixture::valid();
    f.write("policies/yaml.md", "---\ntitle: Access\n---\n# Access\n");
    f.only(Code::FrontMatter)
        .at("policies/yaml.md", 1, 1)
        .message_contains("that is YAML front matter")
        .help_contains("replace both `---` lines with `+++`");
}

/// `"A.5.1 "` is `A.5.1` with a trailing space, not a typo of `A.5.10`; `m.1` differs only in case.
#[test]
fn cw012_whitespace_and_case_slips_get_their_own_help() {
    let f = Fixture::valid();
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1 \", \"m.2\"]",
    );
    let findings = f.check();
    let unknown: Vec<_> = findings
        .iter()
        .filter(|x| x.code == Code::UnknownRequirement)
        .collect();
    assert_eq!(unknown.len(), 2, "{findings:#?}");
    unknown[0].help_contains("did you mean `M.1`? (without the spaces around it)");
    unknown[1].help_contains("did you mean `M.2`? (it differs only in upper and lower case)");
}

/// A file that does not type keeps coverage from being judged: the summary says so, in every
/// format, instead of a short list that looks like a near pass.
#[test]
fn the_summary_says_which_checks_waited() {
    let f = Fixture::valid();
    f.edit(
        "controls/c-1.md",
        "status = \"implemented\"",
        "status = \"done\"",
    );
    let human = common::output_text(&f.run(&["check", "--no-history", "--as-of", common::AS_OF]));
    assert!(
        human.contains("note: coverage, evidence of operation, crosswalk hints and CODEOWNERS were not checked: 1 file did not load or type"),
        "{human}"
    );
    let json: serde_json::Value = serde_json::from_str(&common::output_text(&f.run(&[
        "check",
        "--no-history",
        "--as-of",
        common::AS_OF,
        "--format",
        "json",
    ])))
    .unwrap();
    assert!(
        json["waited"]
            .as_str()
            .unwrap()
            .contains("were not checked")
    );
    let github = common::output_text(&f.run(&[
        "check",
        "--no-history",
        "--as-of",
        common::AS_OF,
        "--format",
        "github",
    ]));
    assert!(
        github.contains("::warning title=checks not run::"),
        "{github}"
    );
    let clean = common::output_text(&Fixture::valid().run(&[
        "check",
        "--no-history",
        "--as-of",
        common::AS_OF,
    ]));
    assert!(!clean.contains("were not checked"), "{clean}");
}

/// One schema error in a file never hides the other checks its parsed parts allow: a policy
/// missing `classification` that also cites a requirement that does not exist gets both findings
/// in one run, and so does a control with a bad status and a dangling policy.
#[test]
fn a_schema_error_does_not_hide_the_reference_checks_of_the_same_file() {
    let f = Fixture::valid();
    f.edit("policies/access.md", "classification = \"internal\"\n", "");
    f.edit(
        "policies/access.md",
        "mini = [\"M.1\"]",
        "mini = [\"M.1\", \"M.9\"]",
    );
    f.edit(
        "controls/c-1.md",
        "status = \"implemented\"",
        "status = \"done\"",
    );
    f.edit(
        "controls/c-1.md",
        "policy = \"POL-A\"",
        "policy = \"POL-NOPE\"",
    );
    f.edit("controls/c-1.md", "owner = \"alice\"", "owner = \"alcie\"");
    let findings = f.check();
    let mut got: Vec<(Code, String, usize)> = findings
        .iter()
        .map(|x| (x.code, x.path.clone(), x.line))
        .collect();
    got.sort();
    for expected in [
        (Code::MissingKey, "policies/access.md", 1),
        (Code::UnknownRequirement, "policies/access.md", 8),
        (Code::InvalidValue, "controls/c-1.md", 7),
        (Code::UnknownPolicy, "controls/c-1.md", 4),
        (Code::UnknownPerson, "controls/c-1.md", 5),
    ] {
        assert!(
            got.iter().any(|(c, p, l)| (*c, p.as_str(), *l) == expected),
            "{expected:?} missing from {got:#?}"
        );
    }
}

/// A typo in `crosswalk.toml` (`email =`) does not hide every document's errors: requirement,
/// policy and control references are still checked, and the summary says what waited.
#[test]
fn a_broken_configuration_still_lets_documents_be_checked() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "emails = [\"bob@test.example\"]",
        "email = \"bob@test.example\"",
    );
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\", \"M.9\"]",
    );
    f.edit(
        "controls/c-1.md",
        "policy = \"POL-A\"",
        "policy = \"POL-NOPE\"",
    );
    let findings = f.check();
    let codes: Vec<(Code, &str)> = findings.iter().map(|x| (x.code, x.path.as_str())).collect();
    for expected in [
        (Code::UnknownKey, "crosswalk.toml"),
        (Code::UnknownRequirement, "controls/c-1.md"),
        (Code::UnknownPolicy, "controls/c-1.md"),
    ] {
        assert!(
            codes.contains(&expected),
            "{expected:?} missing from {codes:?}"
        );
    }
    let human = common::output_text(&f.run(&["check", "--no-history", "--as-of", common::AS_OF]));
    assert!(
        human.contains("note: crosswalk.toml did not load or type (the errors above), so people, scope, coverage"),
        "{human}"
    );
}

/// Suggestions reach further: a dangling policy lists the ids of its kind, an attachment whose
/// name differs only in case is named, `trace` of a 2013 id names what replaced it.
#[test]
fn suggestions_for_dangling_policies_attachments_and_old_ids() {
    let f = Fixture::valid();
    f.edit(
        "controls/c-1.md",
        "policy = \"POL-A\"",
        "policy = \"POL-OPERATIONS\"",
    );
    f.only(Code::UnknownPolicy)
        .help_contains("the `POL-` ids there are: `POL-A`");
    f.edit(
        "controls/c-1.md",
        "policy = \"POL-OPERATIONS\"",
        "policy = \"POL-A\"",
    );
    f.remove("evidence/2026/review.csv");
    f.write("evidence/2026/Review.CSV", common::ATTACHMENT);
    f.only(Code::AttachmentMissing)
        .help_contains("did you mean `Review.CSV`? (it differs only in upper and lower case");
    let trace = f.run(&["trace", "A.9.2.3"]);
    assert_eq!(trace.status.code(), Some(2));
    let said = String::from_utf8_lossy(&trace.stderr);
    assert!(
        said.contains("`A.9.2.3` is the 2013 numbering (Management of privileged access rights), not a requirement of ISO/IEC 27001:2022: it became `A.8.2`"),
        "{said}"
    );
    let trace = f.run(&["trace", "C-99"]);
    assert!(String::from_utf8_lossy(&trace.stderr).contains("the `C-` ids there are: `C-1`"));
}

const NONCONFORMITY: &str = "+++\nid = \"NC-1\"\ntitle = \"Q3 access review skipped\"\nraised = 2026-09-01\nsource = \"internal-audit\"\nseverity = \"minor\"\nowner = \"alice\"\napprovers = [\"bob\"]\ncontrols = [\"C-1\"]\ndue = 2026-12-15\n[requirements]\nmini = [\"M.2\"]\n+++\nThe Q3 review was not done.\n";

fn with_nonconformity() -> Fixture {
    let f = Fixture::valid();
    f.write("nonconformities/nc-1.md", NONCONFORMITY);
    assert_eq!(
        f.check(),
        vec![],
        "the open nonconformity as written is clean"
    );
    f
}

#[test]
fn cw074_an_open_nonconformity_past_its_due_date() {
    let f = with_nonconformity();
    f.edit(
        "nonconformities/nc-1.md",
        "due = 2026-12-15",
        "due = 2026-10-31",
    );
    f.only(Code::NonconformityOverdue)
        .at("nonconformities/nc-1.md", 10, 7)
        .message_contains("nonconformity `NC-1` (minor) is open and its corrective action was due 2026-10-31: 24 days overdue as of 2026-11-24");
    // Closed (and verified by another) it is no longer overdue.
    f.edit(
        "nonconformities/nc-1.md",
        "due = 2026-10-31",
        "due = 2026-10-31\nclosed = 2026-10-20\nverified_by = \"bob\"\nverified = 2026-11-01",
    );
    assert_eq!(f.check(), vec![]);
}

#[test]
fn cw075_closed_without_verification_or_verified_before_closing() {
    let f = with_nonconformity();
    f.edit(
        "nonconformities/nc-1.md",
        "due = 2026-12-15",
        "due = 2026-12-15\nclosed = 2026-10-20",
    );
    f.only(Code::NonconformityClosedUnverified)
        .at("nonconformities/nc-1.md", 11, 10)
        .message_contains("is closed on 2026-10-20, but nobody verified")
        .help_contains("verified_by");
    // Attack: a verification dated before the action was taken.
    f.edit(
        "nonconformities/nc-1.md",
        "closed = 2026-10-20",
        "closed = 2026-10-20\nverified_by = \"bob\"\nverified = 2026-10-01",
    );
    f.only(Code::NonconformityClosedUnverified)
        .at("nonconformities/nc-1.md", 13, 12)
        .message_contains("verified on 2026-10-01, before it was closed on 2026-10-20");
    // Attack: a verification dated after the judging date.
    f.edit(
        "nonconformities/nc-1.md",
        "verified = 2026-10-01",
        "verified = 2026-12-20",
    );
    f.only(Code::NonconformityClosedUnverified)
        .message_contains(
            "its verification is dated 2026-12-20, after 2026-11-24: it is not verified yet",
        );
    // Verified but never closed; closed before it was raised.
    f.edit("nonconformities/nc-1.md", "closed = 2026-10-20\n", "");
    f.only(Code::NonconformityClosedUnverified)
        .message_contains("is verified but not closed");
    f.edit(
        "nonconformities/nc-1.md",
        "verified_by = \"bob\"\nverified = 2026-12-20",
        "closed = 2026-08-01\nverified_by = \"bob\"\nverified = 2026-08-02",
    );
    f.only(Code::NonconformityClosedUnverified)
        .message_contains("is closed on 2026-08-01, before it was raised on 2026-09-01");
}

#[test]
fn cw076_verified_by_its_own_owner() {
    let f = with_nonconformity();
    f.edit(
        "nonconformities/nc-1.md",
        "due = 2026-12-15",
        "due = 2026-12-15\nclosed = 2026-10-20\nverified_by = \"alice\"\nverified = 2026-11-01",
    );
    f.only(Code::NonconformityVerifiedByOwner)
        .at("nonconformities/nc-1.md", 12, 15)
        .message_contains("verified by its own owner `alice`");
}

#[test]
fn a_nonconformity_names_real_people_controls_and_requirements() {
    let f = with_nonconformity();
    f.edit(
        "nonconformities/nc-1.md",
        "controls = [\"C-1\"]",
        "controls = [\"C-9\"]",
    );
    f.edit(
        "nonconformities/nc-1.md",
        "mini = [\"M.2\"]",
        "mini = [\"M.7\"]",
    );
    f.edit(
        "nonconformities/nc-1.md",
        "owner = \"alice\"",
        "owner = \"zed\"",
    );
    let codes: Vec<Code> = f.check().iter().map(|x| x.code).collect();
    assert!(codes.contains(&Code::UnknownControl), "{codes:?}");
    assert!(codes.contains(&Code::UnknownPerson), "{codes:?}");
    assert!(codes.contains(&Code::UnknownRequirement), "{codes:?}");
}

#[test]
fn cw077_mandatory_documented_information_met_by_claims_and_registers() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n\n[frameworks.iso27001]\n",
    );
    let missing = |f: &Fixture| -> Vec<String> {
        common::with_code(&f.check(), Code::MandatoryDocumentMissing)
            .iter()
            .map(|x| x.message.clone())
            .collect()
    };
    let all = missing(&f);
    assert_eq!(all.len(), 13, "every item but the rendered SoA: {all:#?}");
    assert!(all[0].contains("for 4.3 (Scope of the ISMS), and no document meets it"));
    let findings = f.check();
    common::with_code(&findings, Code::MandatoryDocumentMissing)[0]
        .at("crosswalk.toml", 6, 13)
        .help_contains("claim the clause (`6.1.3.d` for 6.1.3 d) in a policy's `[satisfies]`");
    // A policy claiming 6.1 meets 6.1.2 and 6.1.3 (the clauses below it); evidence of a control
    // claiming 9.2 meets 9.2; a risk meets 8.2 and 8.3; a nonconformity meets 10.2.
    f.edit(
        "policies/access.md",
        "mini = [\"M.1\"]",
        "mini = [\"M.1\"]\niso27001 = [\"6.1\"]",
    );
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\", \"M.2\"]\niso27001 = [\"9.2\"]",
    );
    f.write("risks/r-1.md", RISK);
    f.write(
        "nonconformities/nc-1.md",
        NONCONFORMITY.replace("mini = [\"M.2\"]", "iso27001 = [\"9.2\"]"),
    );
    let left = missing(&f);
    for met in ["6.1.2 ", "6.1.3 ", "9.2 ", "8.2 ", "8.3 ", "10.2 "] {
        assert!(
            !left.iter().any(|m| m.contains(&format!("for {met}("))),
            "{met} is met: {left:#?}"
        );
    }
    assert_eq!(left.len(), 7, "{left:#?}");
    // Attack: a claim of an item below the clause (9.2.1) is not the audit programme of 9.2.
    f.edit(
        "controls/c-1.md",
        "iso27001 = [\"9.2\"]",
        "iso27001 = [\"9.2.1\"]",
    );
    f.edit(
        "nonconformities/nc-1.md",
        "iso27001 = [\"9.2\"]",
        "iso27001 = [\"9.2.1\"]",
    );
    assert!(
        missing(&f)
            .iter()
            .any(|m| m.contains("for 9.2 (Audit programme"))
    );
    // Attack: a policy claiming a record (9.3, results of management reviews) is not the record;
    // the evidence of a planned control proves nothing yet.
    f.edit(
        "policies/access.md",
        "iso27001 = [\"6.1\"]",
        "iso27001 = [\"6.1\", \"9.3\"]",
    );
    assert!(
        missing(&f)
            .iter()
            .any(|m| m.contains("for 9.3 (Results of management reviews)"))
    );
    f.edit(
        "controls/c-1.md",
        "iso27001 = [\"9.2.1\"]",
        "iso27001 = [\"9.3\"]",
    );
    assert!(
        !missing(&f).iter().any(|m| m.contains("for 9.3 (")),
        "EV-1 of C-1 is the record"
    );
    f.edit(
        "controls/c-1.md",
        "status = \"implemented\"",
        "status = \"planned\"",
    );
    assert!(
        missing(&f).iter().any(|m| m.contains("for 9.3 (")),
        "a planned control's record"
    );
}
