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

/// One hostile file added to the valid repository, and the finding it must give: its code, file
/// and line, with the report bounded in time and size.
struct Case {
    name: &'static str,
    path: &'static str,
    bytes: Vec<u8>,
    expect: Option<(crosswalk::diag::Code, usize, &'static str)>,
}

fn hostile_corpus() -> Vec<Case> {
    use crosswalk::diag::Code;
    let front = |body: &str| {
        format!(
            "+++\nid = \"C-9\"\ntitle = \"Hostile\"\npolicy = \"POL-A\"\nowner = \"alice\"\nfrequency = \"quarterly\"\nstatus = \"planned\"\n{body}\n+++\nBody.\n"
        )
    };
    let keys: String = (0..10_000).map(|i| format!("k{i} = 1\n")).collect();
    let deep = format!("x = {}{}", "[".repeat(10_000), "]".repeat(10_000));
    let mut big = front("").into_bytes();
    big.extend(std::iter::repeat_n(b'a', 50 * 1024 * 1024));
    vec![
        Case {
            name: "empty",
            path: "policies/empty.md",
            bytes: Vec::new(),
            expect: Some((Code::FrontMatter, 1, "")),
        },
        Case {
            name: "unclosed front matter",
            path: "controls/unclosed.md",
            bytes: b"+++\nid = \"C-9\"\ntitle = \"Unclosed\"\n".to_vec(),
            expect: Some((Code::FrontMatter, 1, "")),
        },
        Case {
            name: "+++ in a code fence of the body",
            path: "controls/c-1.md",
            bytes: format!(
                "{}\n```toml\n+++\nid = \"C-2\"\n+++\n```\n",
                common::CONTROL
            )
            .into_bytes(),
            expect: None,
        },
        Case {
            name: "invalid UTF-8",
            path: "policies/latin1.md",
            bytes: b"+++\nid = \"POL-\xe9\"\n+++\n".to_vec(),
            expect: Some((
                Code::UnreadableFile,
                1,
                "not valid UTF-8: invalid byte at line 2, column 11 (offset 14)",
            )),
        },
        Case {
            name: "NUL",
            path: "controls/nul.md",
            bytes: b"+++\nid = \"C-9\0\"\n+++\n".to_vec(),
            expect: Some((Code::UnreadableFile, 1, "binary")),
        },
        Case {
            name: "50 MB body",
            path: "controls/big.md",
            bytes: big,
            expect: Some((Code::UnreadableFile, 1, "too large")),
        },
        Case {
            name: "10,000 keys",
            path: "controls/keys.md",
            bytes: front(&keys).into_bytes(),
            expect: Some((Code::UnknownKey, 8, "k0")),
        },
        Case {
            name: "10,000-deep TOML",
            path: "controls/deep.md",
            bytes: front(&deep).into_bytes(),
            expect: Some((Code::TomlSyntax, 8, "")),
        },
        Case {
            name: "look-alike id (Cyrillic Р in POL-A)",
            path: "controls/c-1.md",
            bytes: common::CONTROL
                .replace("\"POL-A\"", "\"\u{420}OL-A\"")
                .into_bytes(),
            expect: Some((Code::UnknownPolicy, 4, "U+0420")),
        },
    ]
}

#[test]
fn the_hostile_corpus_is_reported_precisely_and_boundedly() {
    for case in hostile_corpus() {
        let f = Fixture::valid();
        f.write(case.path, &case.bytes);
        let started = std::time::Instant::now();
        let human = f.run(&["check", "--no-history", "--as-of", AS_OF]);
        let elapsed = started.elapsed();
        let name = case.name;
        assert!(
            elapsed < std::time::Duration::from_secs(20),
            "{name}: {elapsed:?}"
        );
        assert!(
            human.stdout.len() < 64 * 1024 && human.stderr.len() < 4 * 1024,
            "{name}: {} bytes of output",
            human.stdout.len()
        );
        let findings = f.check();
        let Some((code, line, text)) = case.expect else {
            assert!(findings.is_empty(), "{name}: {findings:#?}");
            assert_eq!(human.status.code(), Some(0), "{name}");
            continue;
        };
        assert_eq!(human.status.code(), Some(1), "{name}");
        let first = findings
            .iter()
            .find(|x| x.path == case.path)
            .unwrap_or_else(|| panic!("{name}: nothing reported in {}: {findings:#?}", case.path));
        assert_eq!((first.code, first.line), (code, line), "{name}: {first:#?}");
        let said = format!("{} {}", first.message, first.help.as_deref().unwrap_or(""));
        assert!(said.contains(text), "{name}: {first:#?}");
    }
}

/// Symbolic links that loop (to their own folder, or to each other) are reported, never followed.
#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_not_followed() {
    let f = Fixture::valid();
    std::os::unix::fs::symlink(".", f.path("policies/self")).unwrap();
    std::os::unix::fs::symlink("b.md", f.path("controls/a.md")).unwrap();
    std::os::unix::fs::symlink("a.md", f.path("controls/b.md")).unwrap();
    let started = std::time::Instant::now();
    let findings = f.check();
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let links: Vec<&str> = findings
        .iter()
        .filter(|x| x.code == crosswalk::diag::Code::SymlinkInComplianceFolder)
        .map(|x| x.path.as_str())
        .collect();
    assert_eq!(
        links,
        ["controls/a.md", "controls/b.md", "policies/self"],
        "{findings:#?}"
    );
}
