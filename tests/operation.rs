//! Attacks on "coverage means operated" by someone who wants a green figure without the control
//! having operated: each test starts from a repository whose quarterly control C-1 has evidence for
//! every quarter of its 2026 observation window so far (the gap report says 100% evidenced), makes
//! one change, and asserts that the figure and the findings say what an auditor would.

mod common;

use common::{AS_OF, Fixture};
use crosswalk::diag::Code;
use serde_json::Value;

/// C-1 with evidence for Q1, Q2, Q3 and (EV-1, 2026-10-01) Q4, as of 2026-11-24.
fn operated() -> Fixture {
    let f = Fixture::windowed();
    f.record("EV-Q1", "2026-02-10", None);
    f.record("EV-Q2", "2026-05-12", None);
    f.record("EV-Q3", "2026-08-03", None);
    assert_eq!(f.check(), vec![], "the starting point is clean");
    assert_eq!(mini(&f)["percent"], 100);
    f
}

fn gaps(f: &Fixture) -> Value {
    let output = f.run(&["gaps", "--format", "json", "--as-of", AS_OF]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The mini framework's figures in the gap report.
fn mini(f: &Fixture) -> Value {
    gaps(f)["frameworks"][0].clone()
}

fn codes(f: &Fixture) -> Vec<Code> {
    f.check().iter().map(|x| x.code).collect()
}

#[test]
fn a_record_dated_in_the_missing_quarter_but_collected_in_the_future() {
    let f = operated();
    f.remove("evidence/2026/ev-q3.md");
    // Dated after the judging date: it proves nothing yet, so Q3 stays missing.
    f.record("EV-Q3", "2026-12-15", Some(("2026-07-01", "2026-09-30")));
    assert_eq!(
        codes(&f),
        vec![Code::OperatingPeriodMissing, Code::EvidenceFromFuture]
    );
    assert_eq!(mini(&f)["percent"], 0, "claimed, not evidenced");
    assert_eq!(mini(&f)["claimed"], 2);
}

#[test]
fn a_period_stretched_past_its_collection_day_to_cover_the_gap() {
    let f = operated();
    f.remove("evidence/2026/ev-q3.md");
    // Collected in Q2, claiming to show Q3 as well: a record cannot see the future.
    f.record("EV-Q2", "2026-05-12", Some(("2026-04-01", "2026-09-30")));
    assert_eq!(
        codes(&f),
        vec![Code::OperatingPeriodMissing, Code::InvalidPeriod]
    );
    assert_eq!(mini(&f)["percent"], 0);
}

#[test]
fn evidence_of_another_control_does_not_count() {
    let f = operated();
    f.write(
        "controls/c-2.md",
        common::CONTROL
            .replace("C-1", "C-2")
            .replace("mini = [\"M.1\", \"M.2\"]", "mini = [\"M.2\"]"),
    );
    std::fs::write(
        f.path("evidence/2026/ev-q3.md"),
        f.read("evidence/2026/ev-q3.md")
            .replace("controls = [\"C-1\"]", "controls = [\"C-2\"]"),
    )
    .unwrap();
    let findings = f.check();
    let missing: Vec<_> = findings
        .iter()
        .filter(|x| x.code == Code::OperatingPeriodMissing)
        .collect();
    assert_eq!(
        missing.len(),
        3,
        "C-1 misses Q3, C-2 Q1 and Q2: {findings:#?}"
    );
    missing[0].message_contains("control `C-1` has no evidence for 2026-Q3");
    // M.1 rests on C-1 alone: claimed; M.2 is also claimed by C-2, which lacks Q1 and Q2.
    let mini = mini(&f);
    assert_eq!(
        (mini["evidenced"].as_u64(), mini["claimed"].as_u64()),
        (Some(0), Some(2))
    );
}

#[test]
fn a_planned_or_partial_control_with_full_evidence_is_not_evidenced() {
    let f = operated();
    f.edit(
        "controls/c-1.md",
        "status = \"implemented\"",
        "status = \"partial\"",
    );
    assert_eq!(codes(&f), vec![Code::RequirementPartiallyCovered; 2]);
    let mini = mini(&f);
    assert_eq!(
        (mini["evidenced"].as_u64(), mini["partial"].as_u64()),
        (Some(0), Some(2))
    );
    f.edit(
        "controls/c-1.md",
        "status = \"partial\"",
        "status = \"planned\"",
    );
    assert!(codes(&f).contains(&Code::ControlPlanned));
    assert_eq!(gaps(&f)["frameworks"][0]["percent"], 0);
}

#[test]
fn one_record_claiming_the_whole_window_shows_in_every_cell() {
    // Allowed (a log export can cover months), but the timeline names the one record in every
    // period it claims, so the auditor sees what carries the figure.
    let f = Fixture::windowed();
    f.record("EV-ALL", "2026-10-01", Some(("2026-01-01", "2026-10-01")));
    f.remove("evidence/2026/review.md");
    assert_eq!(f.check(), vec![]);
    let gaps = gaps(&f);
    let evidence: Vec<&Value> = gaps["timeline"][0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["evidence"])
        .collect();
    assert!(
        evidence
            .iter()
            .all(|e| **e == serde_json::json!(["EV-ALL"])),
        "{evidence:?}"
    );
}

#[test]
fn a_hostile_observation_window_is_reported_not_cut_into_periods() {
    let f = operated();
    f.edit(
        "controls/c-1.md",
        "frequency = \"quarterly\"",
        "frequency = \"daily\"",
    );
    f.edit(
        "crosswalk.toml",
        "start = 2026-01-01, end = 2026-12-31",
        "start = 0001-01-01, end = 9999-12-31",
    );
    let started = std::time::Instant::now();
    let findings = f.check();
    // Not millions of daily periods: one error for the window, and freshness as of the date.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let codes: Vec<Code> = findings.iter().map(|x| x.code).collect();
    assert_eq!(
        codes,
        vec![Code::InvalidPeriod, Code::EvidenceStale],
        "{findings:#?}"
    );
    let output = f.run(&["check", "--no-history", "--as-of", AS_OF]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_window_that_ends_before_it_starts_fails_the_run() {
    let f = operated();
    f.edit(
        "crosswalk.toml",
        "start = 2026-01-01, end = 2026-12-31",
        "start = 2026-12-31, end = 2026-01-01",
    );
    f.only(Code::InvalidPeriod)
        .message_contains("ends (2026-01-01) before it starts (2026-12-31)");
}

#[test]
fn the_timeline_and_figures_say_as_of_when() {
    let f = operated();
    let gaps = gaps(&f);
    assert_eq!(gaps["as_of"], AS_OF);
    let states: Vec<&str> = gaps["timeline"][0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, vec!["evidenced"; 4]);
    // A week before Q4's record existed, Q4 is not yet due and Q3's record is the fresh one.
    let output = f.run(&["gaps", "--format", "json", "--as-of", "2026-09-20"]);
    let earlier: Value = serde_json::from_slice(&output.stdout).unwrap();
    let states: Vec<&str> = earlier["timeline"][0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        vec!["evidenced", "evidenced", "evidenced", "not yet due"]
    );
}
