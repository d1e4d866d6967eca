//! Rendering: the Statement of Applicability and the mapping matrix, in Markdown and CSV.

mod common;

use common::{AS_OF, Fixture, stdout};

/// The fixture with ISO 27001 in scope: A.7.5 excluded, A.5.31 included for legal reasons, the
/// control claiming A.5.15 and treating a risk.
fn with_iso() -> Fixture {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n\n[frameworks.iso27001.excluded]\n\"A.7.5\" = \"No premises | all in the cloud.\"\n\n[frameworks.iso27001.reasons]\n\"A.5.31\" = [\"legal\", \"contractual\"]\n",
    );
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\", \"M.2\"]\niso27001 = [\"A.5.15\", \"A.5.31\"]",
    );
    f.write(
        "risks/r-1.md",
        "+++\nid = \"R-1\"\ntitle = \"Stale access\"\nowner = \"alice\"\nlikelihood = 3\nimpact = 4\ntreatment = \"mitigate\"\ncontrols = [\"C-1\"]\n+++\n",
    );
    f
}

#[test]
fn soa_rows_in_markdown() {
    let text = stdout(&with_iso().run(&["soa", "--as-of", AS_OF]));
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| A.")).collect();
    assert_eq!(rows.len(), 93);
    assert_eq!(
        rows[14],
        "| A.5.15 | Access control | organizational | yes | Risk treatment: R-1 | C-1 | implemented | evidenced | EV-1 (2026-10-01) |"
    );
    assert!(rows.contains(&"| A.5.31 | Legal, statutory, regulatory and contractual requirements | organizational | yes | Risk treatment: R-1. Required: legal, contractual | C-1 | implemented | evidenced | EV-1 (2026-10-01) |"));
    assert!(rows.contains(&"| A.7.5 | Protecting against physical and environmental threats | physical | no | No premises \\| all in the cloud. |  | excluded | excluded |  |"));
    assert!(rows.contains(&"| A.8.1 | User endpoint devices | technological | yes | Baseline control: no risk or requirement recorded |  | not implemented | uncovered |  |"));
    assert!(text.contains("92 of 93 controls applicable, 1 excluded; 2 evidenced as operated (2%), 0 implemented but without the evidence (not counted)."));
    assert!(text.contains("from an uncommitted tree; evidence judged as of 2026-11-24."));
}

#[test]
fn soa_csv_snapshot_of_the_first_rows() {
    let text = stdout(&with_iso().run(&["soa", "--format", "csv", "--as-of", AS_OF]));
    let head: String = text.split_inclusive("\r\n").take(3).collect();
    insta::assert_snapshot!(head.replace('\r', "␍"));
}

#[test]
fn matrix_markdown_and_csv() {
    let f = with_iso();
    f.write(
        "controls/c-2.md",
        common::CONTROL
            .replace("C-1", "C-2")
            .replace("Access review", "=cmd|' /C calc'!A0")
            .replace("status = \"implemented\"", "status = \"planned\"")
            // Every two years by its own account, but ISO 27001 A.5.18 expects a yearly review.
            .replace("frequency = \"quarterly\"", "frequency = \"P2Y\"")
            .replace("[satisfies]\n", "[satisfies]\niso27001 = [\"A.5.18\"]\n"),
    );
    insta::assert_snapshot!(stdout(&f.run(&["matrix", "--as-of", AS_OF])));
    let csv = stdout(&f.run(&["matrix", "--format", "csv", "--as-of", AS_OF]));
    insta::assert_snapshot!(csv.replace('\r', "␍"));
}

#[test]
fn soa_needs_iso27001_in_scope() {
    let output = Fixture::valid().run(&["soa"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("iso27001 is not in scope"));
}

#[test]
fn build_is_deterministic_and_leaves_other_files_alone() {
    let f = with_iso();
    f.write("out/notes.txt", "mine");
    let first = stdout(&f.run(&["build", "--as-of", AS_OF]));
    assert!(
        first.contains("soa.md") && first.contains("matrix.csv"),
        "{first}"
    );
    let before: Vec<String> = ["soa.md", "soa.csv", "matrix.md", "matrix.csv"]
        .iter()
        .map(|n| f.read(&format!("out/{n}")))
        .collect();
    stdout(&f.run(&["build", "--as-of", AS_OF]));
    let after: Vec<String> = ["soa.md", "soa.csv", "matrix.md", "matrix.csv"]
        .iter()
        .map(|n| f.read(&format!("out/{n}")))
        .collect();
    assert_eq!(before, after);
    assert_eq!(f.read("out/notes.txt"), "mine");
}

#[test]
fn templates_are_overridable_from_the_repository() {
    let f = with_iso();
    f.write(
        "templates/soa.md",
        "SoA of {{ organization }}: {{ rows | length }} rows",
    );
    assert_eq!(
        stdout(&f.run(&["soa", "--as-of", AS_OF])),
        "SoA of Test Co: 93 rows\n"
    );
    f.write("templates/soa.md", "{% for %}");
    let output = f.run(&["soa", "--as-of", AS_OF]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("template soa.md"));
}

#[test]
fn soa_xlsx_reopens_cell_by_cell() {
    use calamine::{Reader, Xlsx};
    let f = with_iso();
    stdout(&f.run(&[
        "soa", "--format", "xlsx", "--as-of", AS_OF, "--out", "soa.xlsx",
    ]));
    let mut workbook: Xlsx<_> = calamine::open_workbook(f.path("soa.xlsx")).unwrap();
    assert_eq!(workbook.sheet_names(), vec!["SoA"]);
    let range = workbook.worksheet_range("SoA").unwrap();
    assert_eq!(range.get_size(), (94, 9));
    let cell = |row: usize, column: usize| range.get((row, column)).unwrap().to_string();
    assert_eq!(cell(0, 0), "Control");
    assert_eq!(
        (cell(0, 7), cell(0, 8)),
        ("Operated".into(), "Latest evidence".into())
    );
    assert_eq!(cell(15, 7), "evidenced");
    assert_eq!(
        (cell(15, 0), cell(15, 4), cell(15, 5)),
        ("A.5.15".into(), "Risk treatment: R-1".into(), "C-1".into())
    );
    let excluded = (1..94).find(|&r| cell(r, 0) == "A.7.5").unwrap();
    assert_eq!(
        (cell(excluded, 3), cell(excluded, 6)),
        ("no".into(), "excluded".into())
    );
    assert_eq!(cell(excluded, 4), "No premises | all in the cloud.");
}

#[test]
fn the_site_links_every_page_and_sanitises_bodies() {
    let f = with_iso();
    f.edit(
        "policies/access.md",
        "Access is reviewed.",
        "Access is reviewed.\n\n<script>alert('x')</script> <b onclick=\"steal()\">bold</b> {{ organization }} & <i>ok</i>\n\n## Scope & purpose",
    );
    stdout(&f.run(&["build", "--as-of", AS_OF]));
    let index = f.read("out/site/index.html");
    assert!(index.contains("href=\"policies/POL-A.html\""), "{index}");
    assert!(index.contains("href=\"controls/C-1.html\""));
    assert!(
        index.contains("<div class=\"figure\">1% <span class=\"muted\">evidenced</span></div>"),
        "ISO: 2 of 115 evidenced: {index}"
    );
    assert!(
        index.contains(
            "2 of 115 applicable requirements evidenced; 0 claimed without evidence (0%); 0 partial; 113 uncovered; 1 excluded"
        )
    );
    assert!(
        index.contains("<svg class=\"chart\""),
        "a coverage chart, inline"
    );
    assert!(
        index.contains("<div class=\"figure\">100% <span class=\"muted\">evidenced</span></div>"),
        "mini: 2 of 2 evidenced"
    );
    let policy = f.read("out/site/policies/POL-A.html");
    assert!(
        !policy.contains("<script>alert") && !policy.contains("onclick"),
        "{policy}"
    );
    assert!(policy.contains("<b>bold</b>") && policy.contains("<i>ok</i>"));
    assert!(
        policy.contains("{{ organization }}"),
        "body text is not a template"
    );
    assert!(
        policy.contains("<h2 id=\"scope-purpose\">Scope &amp; purpose</h2>"),
        "{policy}"
    );
    assert!(policy.contains("No git history"), "not committed yet");
    let gaps = f.read("out/site/gaps.html");
    assert!(
        gaps.contains("<td>A.8.1</td><td>User endpoint devices</td>"),
        "{gaps}"
    );
    assert!(
        gaps.contains("2 of 2 applicable requirements evidenced by implemented controls that operated; 0 claimed by implemented controls without that evidence (not counted); 0 only by partial or planned controls; 0 by none."),
        "{gaps}"
    );
    // The operating timeline: C-1 (quarterly, no observation window) is judged over the one
    // period before the judging date, evidenced by EV-1.
    let control = f.read("out/site/controls/C-1.html");
    assert!(control.contains("<h2>Operating timeline</h2>"), "{control}");
    assert!(
        control.contains("class=\"cell evidenced\" role=\"listitem\" title=\"the quarterly period before 2026-11-24 (2026-08-24 to 2026-11-24): evidenced: EV-1\""),
        "{control}"
    );
    assert!(
        gaps.contains("1 of 1 operating controls operated in every period so far"),
        "{gaps}"
    );
    for page in ["soa.html", "matrix.html", "gaps.html", "controls/C-1.html"] {
        let html = f.read(&format!("out/site/{page}"));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{page} must work offline"
        );
    }
}

#[test]
fn policy_pages_show_git_document_control_and_drafts() {
    use common::git::{CAROL, Git};
    let git = Git::committed("2026-03-02");
    stdout(&git.fixture.run(&["build"]));
    let page = git.fixture.read("out/site/policies/POL-A.html");
    assert!(
        page.contains(
            "<td>1</td><td>2026-03-02</td><td>added</td><td>Carol Chen</td><td>Bob Brown (trailer)</td>"
        ),
        "{page}"
    );
    assert!(!page.contains("DRAFT"));
    assert!(
        page.contains("evidence judged as of 2026-03-02"),
        "HEAD's date by default"
    );

    git.fixture.edit(
        "policies/access.md",
        "Access is reviewed.",
        "Access is reviewed quarterly.",
    );
    git.commit(CAROL, "2026-04-01", "Quarterly reviews");
    stdout(&git.fixture.run(&["build"]));
    let page = git.fixture.read("out/site/policies/POL-A.html");
    assert!(
        page.contains("DRAFT: this policy has changes that carry no approval yet."),
        "{page}"
    );
}

#[test]
fn model_json_validates_against_its_schema() {
    let f = with_iso();
    stdout(&f.run(&["build", "--as-of", AS_OF]));
    let model: serde_json::Value = serde_json::from_str(&f.read("out/model.json")).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&stdout(&f.run(&["schema", "model"]))).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&model)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        model["controls"][0]["satisfies"]["iso27001"],
        serde_json::json!(["A.5.15", "A.5.31"])
    );
    assert_eq!(
        model["frameworks"][0]["excluded"]["A.7.5"],
        "No premises | all in the cloud."
    );
    assert_eq!(
        model["risks"][0]["fields"]["residual"],
        serde_json::Value::Null
    );
}

fn pdf_text(path: &std::path::Path) -> (usize, String) {
    let document = lopdf::Document::load(path).unwrap();
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    let text = document.extract_text(&pages).unwrap();
    (pages.len(), text)
}

#[test]
fn policy_pdfs_have_title_document_control_and_a_hostile_body_renders_safely() {
    use common::git::Git;
    let git = Git::committed("2026-03-02");
    let hostile = "Access is reviewed.\n\n#let x = 1 $math$ *not bold* _x_ <label> @ref // comment [bracket] \\ \"q\" `code` {{ organization }} <script>alert(1)</script>\n\n| a | b |\n|---|---|\n| #1 | ]) |\n\n```\n#set page(width: 1pt)\n```\n";
    git.fixture
        .edit("policies/access.md", "Access is reviewed.", hostile);
    git.commit(
        common::git::CAROL,
        "2026-03-05",
        "Hostile body\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    stdout(&git.fixture.run(&["build"]));
    let (pages, text) = pdf_text(&git.fixture.path("out/policies/POL-A.pdf"));
    assert!(pages >= 3, "title page, document control, body: {pages}");
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Access Policy",
        "Document control",
        "Revision Date Change Author Approved by",
        "2026-03-02 added Carol Chen Bob Brown",
        "2026-03-05 modified Carol Chen Bob Brown",
        "#let x = 1 $math$",
        "// comment [bracket]",
        "{{ organization }}",
        "#set page(width: 1pt)",
    ] {
        assert!(flat.contains(expected), "missing {expected:?} in {flat}");
    }
    assert!(
        !flat.contains("<script>"),
        "raw HTML tags are dropped from the PDF"
    );
    let html = git.fixture.read("out/site/policies/POL-A.html");
    assert!(
        html.contains("#let x = 1 $math$") && !html.contains("<script>alert"),
        "{html}"
    );
}

#[test]
fn soa_pdf_lists_every_annex_a_control() {
    let f = with_iso();
    stdout(&f.run(&[
        "soa", "--format", "pdf", "--as-of", AS_OF, "--out", "soa.pdf",
    ]));
    let (pages, text) = pdf_text(&f.path("soa.pdf"));
    assert!(pages >= 3, "{pages}");
    for id in ["A.5.1", "A.5.37", "A.6.8", "A.7.14", "A.8.34"] {
        assert!(text.contains(id), "{id} missing");
    }
    assert!(text.contains("No premises | all in the cloud."));
}

#[test]
fn nothing_is_rendered_from_a_repository_with_broken_files() {
    let f = with_iso();
    f.write("policies/broken.md", "+++\nid = \"POL-B\"\n");
    let output = f.run(&["build", "--as-of", AS_OF]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("run `crosswalk check`"));
    assert!(!f.path("out").exists());
}

#[test]
fn gaps_count_coverage_single_points_and_overlap_exactly() {
    let f = with_iso();
    f.write(
        "controls/c-2.md",
        common::CONTROL
            .replace("C-1", "C-2")
            .replace("status = \"implemented\"", "status = \"planned\"")
            .replace(
                "mini = [\"M.1\", \"M.2\"]",
                "mini = [\"M.2\"]\niso27001 = [\"A.8.1\", \"A.5.15\"]",
            ),
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &f.run(&["gaps", "--format", "json", "--as-of", AS_OF]),
    ))
    .unwrap();
    let iso = &json["frameworks"][0];
    assert_eq!(iso["id"], "iso27001");
    let counts: Vec<u64> = [
        "applicable",
        "evidenced",
        "partial",
        "uncovered",
        "excluded",
        "percent",
    ]
    .iter()
    .map(|k| iso[k].as_u64().unwrap())
    .collect();
    // The figures count the requirements that are not items of another: 23 clauses and 93 Annex A
    // controls, one excluded.
    assert_eq!(counts, vec![115, 2, 1, 112, 1, 1]);
    let single: Vec<&str> = iso["single_points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        single,
        vec!["A.5.15", "A.5.31"],
        "A.5.15 also has C-2, but C-2 is only planned"
    );
    let mini = &json["frameworks"][1];
    assert_eq!(
        (mini["evidenced"].as_u64(), mini["applicable"].as_u64()),
        (Some(2), Some(2))
    );
    let overlaps: Vec<(String, u64, u64)> = json["overlaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["framework"].as_str().unwrap().to_string(),
                o["met"].as_u64().unwrap(),
                o["applicable"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        overlaps,
        vec![
            ("ISO/IEC 27001:2022".into(), 2, 115),
            ("Mini Standard".into(), 2, 2)
        ]
    );
    assert_eq!(json["controls"][0]["id"], "C-2");

    let markdown = stdout(&f.run(&["gaps", "--framework", "mini", "--as-of", AS_OF]));
    assert!(
        markdown.contains("| Mini Standard | 2 | 2 | 0 | 0 | 0 | 0 | 100% (claimed 0%) | 2 |"),
        "{markdown}"
    );
    assert!(!markdown.contains("ISO/IEC 27001:2022 |"), "{markdown}");
    let csv = stdout(&f.run(&["gaps", "--format", "csv", "--as-of", AS_OF]));
    assert!(
        csv.contains("ISO/IEC 27001:2022,A.8.1,User endpoint devices,partial,C-2,,\r\n"),
        "{csv}"
    );
    assert_eq!(
        f.run(&["gaps", "--framework", "soc2"]).status.code(),
        Some(2)
    );
}

#[test]
fn trace_walks_requirement_to_controls_policies_evidence_and_related_requirements() {
    let f = with_iso();
    // A requirement: its control, the control's policy, evidence and risk, and the SOC 2 criteria
    // the built-in crosswalk relates to it.
    insta::assert_snapshot!(stdout(&f.run(&[
        "trace",
        "iso27001:A.5.15",
        "--as-of",
        AS_OF
    ])));
    // A control, by id.
    insta::assert_snapshot!(stdout(&f.run(&["trace", "C-1", "--as-of", AS_OF])));
    // Evidence as JSON: it reaches its control and that control's requirements, not other evidence.
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &f.run(&["trace", "EV-1", "--format", "json", "--as-of", AS_OF]),
    ))
    .unwrap();
    assert_eq!(json["subject"]["kind"], "evidence");
    assert_eq!(json["controls"][0]["id"], "C-1");
    assert_eq!(json["controls"][0]["fresh"], true);
    assert_eq!(json["controls"][0]["operated"], true);
    assert_eq!(json["evidence"].as_array().unwrap().len(), 1);
    assert_eq!(json["policies"][0]["id"], "POL-A");
    assert_eq!(json["risks"][0]["id"], "R-1");
    let requirements: Vec<String> = json["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}:{}",
                r["framework"].as_str().unwrap(),
                r["id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        requirements,
        ["iso27001:A.5.15", "iso27001:A.5.31", "mini:M.1", "mini:M.2"]
    );
    // An excluded requirement is traced with its justification; a bare id finds its catalog.
    let excluded = stdout(&f.run(&["trace", "A.7.5", "--as-of", AS_OF]));
    assert!(excluded.contains("iso27001:A.7.5 Protecting against physical and environmental threats [excluded] by no control"), "{excluded}");
    assert!(
        excluded.contains("excluded: No premises | all in the cloud."),
        "{excluded}"
    );
}

#[test]
fn trace_of_an_unknown_or_ambiguous_id_fails_with_a_suggestion() {
    let f = with_iso();
    let output = f.run(&["trace", "C-2"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no requirement or document has the id `C-2`: did you mean `C-1`?"),
        "{stderr}"
    );
    f.write(
        "frameworks/mini3.toml",
        common::CATALOG.replace("id = \"mini\"", "id = \"mini3\""),
    );
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n[frameworks.mini3]\n",
    );
    let output = f.run(&["trace", "M.1"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "`M.1` is a requirement of several catalogs: say which, e.g. `mini:M.1` or `mini3:M.1`"
        ),
        "{stderr}"
    );
    stdout(&f.run(&["trace", "mini3:M.1"]));
}

#[test]
fn matrix_xlsx_has_a_timeline_sheet_with_a_row_per_period() {
    use calamine::{Reader, Xlsx};
    let f = Fixture::windowed();
    f.record("EV-Q1", "2026-02-10", None);
    stdout(&f.run(&[
        "matrix",
        "--format",
        "xlsx",
        "--as-of",
        AS_OF,
        "--out",
        "matrix.xlsx",
    ]));
    let mut workbook: Xlsx<_> = calamine::open_workbook(f.path("matrix.xlsx")).unwrap();
    assert_eq!(workbook.sheet_names(), vec!["Matrix", "Timeline"]);
    let range = workbook.worksheet_range("Timeline").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "Control",
            "Title",
            "Frequency",
            "Window",
            "Period",
            "Start",
            "End",
            "State",
            "Evidence"
        ]
    );
    let periods: Vec<(&str, &str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[4].as_str(), r[7].as_str(), r[8].as_str()))
        .collect();
    assert_eq!(
        periods,
        vec![
            ("2026-Q1", "evidenced", "EV-Q1"),
            ("2026-Q2", "missing", ""),
            ("2026-Q3", "missing", ""),
            ("2026-Q4", "evidenced", "EV-1"),
        ]
    );
    assert_eq!(rows[1][3], "2026-01-01 to 2026-12-31");
}

/// Four risks for the register: R-1 3×4 mitigated to 1×4 by C-1 (implemented, evidenced), R-2 3×4
/// mitigated by a planned control (not rated), R-3 accepted at 2×2, R-4 transferred at 1×5 → 1×2.
fn with_register() -> common::git::Git {
    use common::git::Git;
    let git = Git::new();
    let f = &git.fixture;
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n\n[risk]\naccept_max_score = 4\n",
    );
    f.write(
        "controls/c-2.md",
        "+++\nid = \"C-2\"\ntitle = \"Hardware keys\"\npolicy = \"POL-A\"\nowner = \"bob\"\nfrequency = \"annual\"\nstatus = \"planned\"\n[satisfies]\nmini = [\"M.1\"]\n+++\n",
    );
    let risk = |id: &str, rest: &str| {
        format!(
            "+++\nid = \"{id}\"\ntitle = \"Risk {id}\"\nowner = \"alice\"\napprovers = [\"bob\"]\n{rest}\n+++\nWhy it matters.\n"
        )
    };
    f.write(
        "risks/r-1.md",
        risk("R-1", "likelihood = 3\nimpact = 4\ntreatment = \"mitigate\"\ncontrols = [\"C-1\"]\nresidual = { likelihood = 1, impact = 4 }"),
    );
    f.write(
        "risks/r-2.md",
        risk(
            "R-2",
            "likelihood = 3\nimpact = 4\ntreatment = \"mitigate\"\ncontrols = [\"C-2\"]",
        ),
    );
    f.write(
        "risks/r-3.md",
        risk("R-3", "likelihood = 2\nimpact = 2\ntreatment = \"accept\""),
    );
    f.write(
        "risks/r-4.md",
        risk("R-4", "likelihood = 1\nimpact = 5\ntreatment = \"transfer\"\nresidual = { likelihood = 1, impact = 2 }"),
    );
    git.commit(
        common::git::CAROL,
        "2026-11-02",
        "Risk register\n\nApproved-by: Alice Archer <alice@test.example>",
    );
    git
}

#[test]
fn the_risk_register_places_every_risk_on_both_heat_maps() {
    let git = with_register();
    let f = &git.fixture;
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &f.run(&["risks", "--format", "json", "--as-of", AS_OF]),
    ))
    .unwrap();
    let register = &json["register"];
    let counts = |map: &str| -> Vec<Vec<u64>> {
        serde_json::from_value(register[map]["counts"].clone()).unwrap()
    };
    // counts[likelihood - 1][impact - 1]
    let inherent = counts("inherent");
    assert_eq!(inherent[2][3], 2, "R-1 and R-2 at 3 × 4");
    assert_eq!(inherent[1][1], 1, "R-3 at 2 × 2");
    assert_eq!(inherent[0][4], 1, "R-4 at 1 × 5");
    assert_eq!(inherent.iter().flatten().sum::<u64>(), 4);
    let residual = counts("residual");
    assert_eq!(residual[0][3], 1, "R-1 treated to 1 × 4");
    assert_eq!(
        residual[2][3], 1,
        "R-2 has no residual rating: it stays at 3 × 4"
    );
    assert_eq!(residual[1][1], 1, "R-3 is retained as it is");
    assert_eq!(residual[0][1], 1, "R-4 transferred to 1 × 2");
    assert_eq!(residual.iter().flatten().sum::<u64>(), 4);
    assert_eq!(
        register["inherent"]["ids"][2][3],
        serde_json::json!(["R-1", "R-2"])
    );
    assert_eq!(
        json["headline"],
        "4 risks; inherent 0 critical, 2 high, 1 medium, 1 low; residual 0 critical, 1 high, 0 medium, 3 low; acceptance criterion: score at most 4; 1 above it after treatment"
    );
    // The treatment plan: where each treatment stands, and the owner's approval from history.
    let states: Vec<(&str, &str)> = register["plan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            ("R-1", "in place"),
            ("R-2", "not started"),
            ("R-3", "retained"),
            ("R-4", "by decision")
        ]
    );
    assert_eq!(
        register["rows"][0]["owner_approval"],
        "Alice Archer, 2026-11-02"
    );
    assert_eq!(register["rows"][2]["within"], "yes");
    assert_eq!(register["rows"][1]["within"], "no");
}

#[test]
fn the_heat_map_svg_shows_each_cells_count_and_the_site_and_pdf_carry_it() {
    let git = with_register();
    let f = &git.fixture;
    stdout(&f.run(&["build", "--as-of", AS_OF]));
    let html = f.read("out/site/risks.html");
    assert_eq!(html.matches("<svg ").count(), 2, "inherent and residual");
    assert!(html.contains("<title>likelihood 3 × impact 4 = 12: R-1, R-2</title>"));
    assert!(html.contains("<title>likelihood 2 × impact 2 = 4: R-3</title>"));
    // A cell within the criterion (≤ 4) is outlined in green; one above it is not.
    let cell = |tooltip: &str| {
        let at = html.find(tooltip).unwrap();
        html[at..at + 300].to_string()
    };
    assert!(cell("likelihood 2 × impact 2 = 4").contains("stroke=\"#1e7b4b\""));
    assert!(cell("likelihood 3 × impact 4 = 12").contains("stroke=\"#ffffff\""));
    let plan = f.read("out/site/treatment-plan.html");
    assert!(plan.contains("not started") && plan.contains("controls/C-2.html"));
    let (_, text) = pdf_text(&f.path("out/risks.pdf"));
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Risk register: Test Co"), "{flat}");
    assert!(flat.contains("3 × 4 = 12 (high)"), "{flat}");
    let (_, text) = pdf_text(&f.path("out/risk-treatment-plan.pdf"));
    assert!(text.contains("Risk treatment plan"), "{text}");
    let csv = f.read("out/risks.csv");
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("R-1,Risk R-1,Alice Archer,3,4,12,high,mitigate,C-1,1,4,4,low,yes,yes,"),
        "{csv}"
    );
}

#[test]
fn the_nonconformity_register_gives_each_state_and_links_its_controls() {
    let f = Fixture::valid();
    let nc = |id: &str, extra: &str| {
        format!(
            "+++\nid = \"{id}\"\ntitle = \"Finding {id}\"\nraised = 2026-06-01\nsource = \"internal-audit\"\nseverity = \"minor\"\nowner = \"alice\"\napprovers = [\"bob\"]\ncontrols = [\"C-1\"]\n{extra}\n[requirements]\nmini = [\"M.2\"]\n+++\nFound.\n"
        )
    };
    f.write("nonconformities/nc-1.md", nc("NC-1", "due = 2026-12-31"));
    f.write(
        "nonconformities/nc-2.md",
        nc(
            "NC-2",
            "due = 2026-07-31\nclosed = 2026-07-20\nverified_by = \"bob\"\nverified = 2026-08-15",
        ),
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&f.run(&[
        "nonconformities",
        "--format",
        "json",
        "--as-of",
        AS_OF,
    ])))
    .unwrap();
    assert_eq!(
        json["headline"],
        "2 nonconformities: 1 open, 0 overdue, 0 closed but not verified, 1 closed and verified"
    );
    assert_eq!(json["rows"][1]["state"], "closed and verified");
    assert_eq!(json["rows"][1]["verified_by"], "Bob Brown");
    assert_eq!(
        json["rows"][0]["requirements"],
        serde_json::json!(["mini M.2"])
    );
    // As of a day before the verification, NC-2 is closed but not yet verified.
    let before: serde_json::Value = serde_json::from_str(&stdout(&f.run(&[
        "nonconformities",
        "--format",
        "json",
        "--as-of",
        "2026-08-01",
    ])))
    .unwrap();
    assert_eq!(before["rows"][1]["state"], "closed, not verified");
    stdout(&f.run(&["build", "--as-of", AS_OF]));
    let page = f.read("out/site/nonconformities.html");
    assert!(
        page.contains("<tr id=\"NC-1\">") && page.contains("href=\"controls/C-1.html\""),
        "{page}"
    );
    let control = f.read("out/site/controls/C-1.html");
    assert!(
        control.contains("href=\"../nonconformities.html#NC-2\""),
        "{control}"
    );
    let (_, text) = pdf_text(&f.path("out/nonconformities.pdf"));
    assert!(text.contains("Register of nonconformities"), "{text}");
    assert!(
        f.read("out/nonconformities.csv")
            .contains("NC-2,Finding NC-2,2026-06-01,internal audit,minor")
    );
}

#[test]
fn each_evidence_record_has_a_page_with_its_controls_and_hashed_attachments() {
    let f = Fixture::valid();
    stdout(&f.run(&["build", "--as-of", AS_OF]));
    let page = f.read("out/site/evidence/EV-1.html");
    assert!(page.contains("href=\"../controls/C-1.html\""), "{page}");
    // The template escapes the path (`/` as `&#x2f;`, which a browser reads back as `/`).
    assert!(
        page.contains("href=\"../attachments/evidence&#x2f;2026&#x2f;review.csv\""),
        "{page}"
    );
    assert!(
        page.contains(&common::sha256_hex(common::ATTACHMENT.as_bytes())),
        "{page}"
    );
    assert_eq!(
        f.read("out/site/attachments/evidence/2026/review.csv"),
        common::ATTACHMENT
    );
    let control = f.read("out/site/controls/C-1.html");
    assert!(
        control.contains("href=\"../evidence/EV-1.html\""),
        "{control}"
    );
}

#[test]
fn revisions_and_the_effective_date_come_from_approved_history_and_a_draft_has_none() {
    use common::git::{CAROL, Git};
    let git = Git::committed("2026-03-02");
    let f = &git.fixture;
    f.edit(
        "policies/access.md",
        "Access is reviewed.",
        "Access is reviewed quarterly.",
    );
    git.commit(
        CAROL,
        "2026-04-01",
        "Quarterly reviews\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    stdout(&f.run(&["build"]));
    let page = f.read("out/site/policies/POL-A.html");
    assert!(page.contains("<dt>Revision</dt><dd>2</dd>"), "{page}");
    assert!(
        page.contains("<dt>Effective</dt><dd>2026-04-01</dd>"),
        "{page}"
    );
    assert!(
        page.contains("<td>Quarterly reviews</td>"),
        "the change summary: {page}"
    );
    let (_, text) = pdf_text(&f.path("out/policies/POL-A.pdf"));
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Change summary"), "{flat}");
    assert!(flat.contains("Quarterly reviews"), "{flat}");
    // An unapproved change makes a DRAFT: no effective date, the approved revision named.
    f.edit("policies/access.md", "quarterly", "monthly");
    git.commit(CAROL, "2026-05-01", "Monthly reviews");
    stdout(&f.run(&["build"]));
    let page = f.read("out/site/policies/POL-A.html");
    assert!(
        page.contains("<dt>Revision</dt><dd>3 (draft; 2 approved)</dd>"),
        "{page}"
    );
    assert!(
        page.contains("none: this is a DRAFT (revision 3 carries no approval; revision 2 was approved 2026-04-01)"),
        "{page}"
    );
    let (_, text) = pdf_text(&f.path("out/policies/POL-A.pdf"));
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("none: this is a DRAFT"), "{flat}");
}

#[test]
fn the_soa_carries_its_own_version_and_approval() {
    use common::git::{CAROL, Git};
    let git = Git::committed("2026-03-02");
    let f = &git.fixture;
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n\n[frameworks.iso27001.excluded]\n\"A.7.5\" = \"No premises.\"\n",
    );
    git.commit(
        CAROL,
        "2026-04-01",
        "ISO 27001 in scope\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    let soa = stdout(&f.run(&["soa"]));
    assert!(
        soa.contains("- Version: 2 (the revision of crosswalk.toml"),
        "{soa}"
    );
    assert!(
        soa.contains("- Approval: revision 2 approved by Bob Brown (trailer) on 2026-04-01"),
        "{soa}"
    );
    assert!(soa.contains("- Effective: 2026-04-01"), "{soa}");
    f.edit("crosswalk.toml", "No premises.", "No premises at all.");
    git.commit(CAROL, "2026-05-01", "Reword an exclusion");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&f.run(&["soa", "--format", "json"]))).unwrap();
    assert_eq!(
        json["version"][0][1],
        "3 (draft; 2 approved) (the revision of crosswalk.toml, which holds the scope, the exclusions and their justifications)"
    );
    assert!(
        json["version"][2][1]
            .as_str()
            .unwrap()
            .starts_with("none: this is a DRAFT")
    );
}

#[test]
fn the_site_gives_the_open_findings_and_the_change_log_of_the_window() {
    use common::git::{CAROL, Git};
    let git = Git::committed("2026-03-02");
    let f = &git.fixture;
    f.edit(
        "policies/access.md",
        "Access is reviewed.",
        "Access is reviewed quarterly.",
    );
    git.commit(CAROL, "2026-04-01", "Quarterly reviews");
    stdout(&f.run(&["build", "--as-of", AS_OF]));
    let findings = f.read("out/site/findings.html");
    assert!(
        findings.contains("CW044"),
        "the unapproved change is an open finding: {findings}"
    );
    assert!(
        findings.contains("<code>policies&#x2f;access.md:2:6</code>"),
        "{findings}"
    );
    let changes = f.read("out/site/changes.html");
    assert!(changes.contains("<td>Quarterly reviews</td>"), "{changes}");
    assert!(
        changes.contains("<dt>unapproved</dt><dd>1</dd>"),
        "{changes}"
    );
    assert!(
        changes.contains("from the first commit to 2026-11-24"),
        "{changes}"
    );
}

#[test]
fn a_trace_reaches_the_nonconformities_of_its_requirements_and_controls() {
    let f = Fixture::valid();
    let nc = "+++\nid = \"NC-1\"\ntitle = \"Q3 review skipped\"\nraised = 2026-09-01\nsource = \"internal-audit\"\nseverity = \"minor\"\nowner = \"alice\"\napprovers = [\"bob\"]\ndue = 2026-12-15\n[requirements]\nmini = [\"M.2\"]\n+++\nFound.\n";
    f.write("nonconformities/nc-1.md", nc);
    let text = stdout(&f.run(&["trace", "mini:M.2", "--as-of", AS_OF]));
    assert!(text.contains("Nonconformities (1)\n  NC-1 Q3 review skipped (open, due 2026-12-15) nonconformities/nc-1.md"), "{text}");
    // Through its control: C-1 claims M.1 too, so tracing M.1 reaches a nonconformity naming C-1.
    f.edit(
        "nonconformities/nc-1.md",
        "due = 2026-12-15",
        "controls = [\"C-1\"]\ndue = 2026-12-15",
    );
    f.edit("nonconformities/nc-1.md", "mini = [\"M.2\"]", "");
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &f.run(&["trace", "mini:M.1", "--format", "json", "--as-of", AS_OF]),
    ))
    .unwrap();
    assert_eq!(json["nonconformities"][0]["id"], "NC-1");
    // A repository with no nonconformity gets no empty section.
    f.remove("nonconformities/nc-1.md");
    assert!(!stdout(&f.run(&["trace", "mini:M.2", "--as-of", AS_OF])).contains("Nonconformities"));
}

#[test]
fn the_soa_page_links_each_annex_a_control_to_its_nonconformities() {
    let f = with_iso();
    f.write(
        "nonconformities/nc-1.md",
        "+++\nid = \"NC-1\"\ntitle = \"Stale access\"\nraised = 2026-09-01\nsource = \"internal-audit\"\nseverity = \"minor\"\nowner = \"alice\"\napprovers = [\"bob\"]\ndue = 2026-12-15\n[requirements]\niso27001 = [\"A.5.15\"]\n+++\nFound.\n",
    );
    stdout(&f.run(&["build", "--as-of", AS_OF]));
    let soa = f.read("out/site/soa.html");
    assert!(
        soa.contains("<tr><td>A.5.15 <a class=\"badge nc-open\" href=\"nonconformities.html#NC-1\">NC-1</a></td>"),
        "{soa}"
    );
    assert!(
        soa.contains("<tr><td>A.5.16</td>"),
        "no link where none concerns it"
    );
}
