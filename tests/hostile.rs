//! Hostile input, safe output: repositories built to make crosswalk slow, loud or wrong, each with
//! the bound it must keep (time, output size, every other document still rendered).

mod common;

use common::{AS_OF, Fixture, stdout};

/// A control whose `[satisfies]` lists `n` unknown ids on one line.
fn unknown_ids(n: usize) -> Fixture {
    let f = Fixture::valid();
    let ids: Vec<String> = (0..n).map(|i| format!("\"X.{i}\"")).collect();
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        &format!("mini = [\"M.1\", \"M.2\", {}]", ids.join(", ")),
    );
    f
}

#[test]
fn many_findings_on_one_line_print_a_bounded_report() {
    let n = 20_000;
    let f = unknown_ids(n);
    let size = std::fs::metadata(f.path("controls/c-1.md")).unwrap().len() as usize;
    let started = std::time::Instant::now();
    let human = f.run(&["check", "--no-history", "--as-of", AS_OF]);
    let elapsed = started.elapsed();
    assert_eq!(human.status.code(), Some(1));
    let text = String::from_utf8_lossy(&human.stdout);
    // 20 findings shown with their line, then a count of the rest: linear in the file, not
    // quadratic (20,000 copies of a 200 KB line would be 4 GB).
    assert_eq!(text.matches("error[CW012/unknown-requirement]").count(), 20);
    assert!(
        text.contains(
            "note[CW012/unknown-requirement]: 19980 more such findings in controls/c-1.md not shown"
        ),
        "{}",
        &text[text.len().saturating_sub(2_000)..]
    );
    assert!(
        text.contains(&format!("{n} errors and 0 warnings")),
        "every finding counts"
    );
    // The line is far too long to print: each finding names its place instead, so the report is
    // a few kilobytes however long the line (20 copies of it would be 20 times the file).
    assert!(
        text.contains("(the line is ") && text.contains(" bytes long, too long to show)"),
        "{}",
        &text[..2_000.min(text.len())]
    );
    assert!(
        text.len() < 64 * 1024 && text.len() < size,
        "{} bytes of output for a {size}-byte file",
        text.len()
    );
    assert!(elapsed < std::time::Duration::from_secs(60), "{elapsed:?}");
    // JSON and SARIF list every finding; github annotates 20 and says how many more.
    let json: serde_json::Value = serde_json::from_slice(
        &f.run(&[
            "check",
            "--no-history",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), n);
    // Suggestions are worked out for the first 100 unknown ids of a file only.
    let helped = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !d["help"].is_null())
        .count();
    assert!(helped <= 100, "{helped}");
    let github = f.run(&[
        "check",
        "--no-history",
        "--as-of",
        AS_OF,
        "--format",
        "github",
    ]);
    let github = String::from_utf8_lossy(&github.stdout);
    assert_eq!(github.matches("::error ").count(), 20);
    assert!(github.contains("::notice file=controls/c-1.md,title=CW012 unknown-requirement::19980 more CW012 findings"), "{github}");
}

#[test]
fn columns_stay_right_far_along_a_long_line_of_multibyte_text() {
    let f = Fixture::valid();
    let ids: Vec<String> = (0..2_000).map(|i| format!("\"É.{i}\"")).collect();
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        &format!("mini = [\"M.1\", \"M.2\", {}]", ids.join(", ")),
    );
    let findings = f.check();
    let last = findings.last().unwrap();
    let line = f
        .read("controls/c-1.md")
        .lines()
        .nth(8)
        .unwrap()
        .to_string();
    // The span starts at the opening quote: column = characters before it + 1.
    let column = line
        .find("\"É.1999\"")
        .map(|b| line[..b].chars().count() + 1)
        .unwrap();
    last.at("controls/c-1.md", 9, column)
        .message_contains("`É.1999` is not a requirement");
}

#[test]
fn a_ten_thousand_deep_document_builds_with_every_other_output() {
    let f = Fixture::valid();
    f.write(
        "policies/deep.md",
        common::POLICY.replace("POL-A", "POL-DEEP").replace(
            "Access is reviewed.",
            &format!(
                "{}deep quote\n\n{}deep list\n\n{}deep emphasis{}\n",
                "> ".repeat(10_000),
                "- ".repeat(10_000),
                "*_".repeat(2_000),
                "_*".repeat(2_000)
            ),
        ),
    );
    let output = f.run(&["build", "--as-of", AS_OF]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for pdf in ["out/policies/POL-A.pdf", "out/policies/POL-DEEP.pdf"] {
        let bytes = std::fs::read(f.path(pdf)).unwrap();
        assert!(bytes.starts_with(b"%PDF"), "{pdf}");
    }
    let html = f.read("out/site/policies/POL-DEEP.html");
    assert!(html.contains("deep quote") && html.contains("deep list"));
    assert!(f.path("out/site/index.html").is_file());
}

#[test]
fn csv_cells_starting_with_tab_or_carriage_return_are_not_formulas() {
    let f = Fixture::valid();
    f.edit(
        "controls/c-1.md",
        "title = \"Access review\"",
        "title = \"\\t=cmd|' /C calc'!A0\"",
    );
    let csv = stdout(&f.run(&["matrix", "--format", "csv", "--as-of", AS_OF]));
    assert!(csv.contains("C-1,'\t=cmd|' /C calc'!A0,"), "{csv}");
}

#[test]
fn a_cell_longer_than_excel_holds_does_not_stop_the_workbook() {
    let f = unknown_ids(5_000);
    let output = f.run(&[
        "matrix", "--format", "xlsx", "--as-of", AS_OF, "--out", "m.xlsx",
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(f.path("m.xlsx").is_file());
}

#[test]
fn a_huge_configuration_is_reported_not_read_whole() {
    let f = Fixture::valid();
    let mut config = f.read("crosswalk.toml");
    config.push_str(&format!("# {}\n", "x".repeat(9 * 1024 * 1024)));
    f.write("crosswalk.toml", config);
    let output = f.run(&[
        "check",
        "--no-history",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = &report["diagnostics"][0];
    assert_eq!(first["code"], "CW001", "{report}");
    assert_eq!(first["file"], "crosswalk.toml");
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .contains("too large to be a compliance file"),
        "{first}"
    );
}

/// A folder of the layout that cannot be read is reported, not skipped. (Root reads every folder
/// whatever its permissions, so there this cannot be set up and the test says so.)
#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::valid();
    f.write(
        "policies/locked/other.md",
        common::POLICY.replace("POL-A", "POL-B"),
    );
    let locked = f.path("policies/locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read_dir(&locked).is_ok() {
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("running as root: a folder without permissions is still readable here");
        return;
    }
    let findings = f.check();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let finding = findings
        .iter()
        .find(|x| x.code == crosswalk::diag::Code::UnreadableFile)
        .unwrap_or_else(|| panic!("{findings:#?}"));
    finding.message_contains("cannot read `policies/locked`");
}

/// Layout globs that climb out of the repository, and a layout folder that is a link to `/`: never
/// followed, reported, and nothing outside the repository is read (or quoted in a message).
#[cfg(unix)]
#[test]
fn the_layout_stays_inside_the_repository() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[people.alice]",
        "[layout]\npolicies = [\"../../etc/*\", \"/etc/passwd\"]\n\n[people.alice]",
    );
    let output = f.run(&["check", "--no-history", "--as-of", AS_OF]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        text.matches("error[CW005/invalid-value]").count(),
        2,
        "{text}"
    );
    assert!(!text.contains("root:"), "nothing read from /etc: {text}");
    f.edit(
        "crosswalk.toml",
        "[layout]\npolicies = [\"../../etc/*\", \"/etc/passwd\"]\n\n",
        "",
    );
    std::fs::rename(f.path("policies"), f.path("kept")).unwrap();
    std::os::unix::fs::symlink("/", f.path("policies")).unwrap();
    let started = std::time::Instant::now();
    let output = f.run(&["check", "--no-history", "--as-of", AS_OF]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("error[CW062/symlink-in-compliance-folder]"),
        "{text}"
    );
    assert!(
        text.contains("in 0 policies"),
        "no .md file of the machine is loaded: {text}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}
