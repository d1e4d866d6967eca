//! The command line: output formats, exit codes, `frameworks`, `schema` and `init`.

mod common;

use common::{AS_OF, Fixture, output_text as stdout};

/// A fixture with an unknown person, an uncovered requirement and a duplicate id.
fn broken() -> Fixture {
    let f = Fixture::valid();
    f.edit(
        "policies/access.md",
        "approvers = [\"bob\"]",
        "approvers = [\"bbo\"]",
    );
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\"]",
    );
    f.write("policies/copy.md", common::POLICY);
    f
}

#[test]
fn exit_codes() {
    let f = Fixture::valid();
    assert_eq!(
        f.run(&["check", "--no-history", "--as-of", AS_OF])
            .status
            .code(),
        Some(0)
    );
    f.edit(
        "controls/c-1.md",
        "status = \"implemented\"",
        "status = \"partial\"",
    );
    assert_eq!(
        f.run(&["check", "--no-history", "--as-of", AS_OF])
            .status
            .code(),
        Some(0),
        "warnings pass by default"
    );
    assert_eq!(
        f.run(&[
            "check",
            "--no-history",
            "--as-of",
            AS_OF,
            "--deny",
            "warnings"
        ])
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        broken()
            .run(&["check", "--no-history", "--as-of", AS_OF])
            .status
            .code(),
        Some(1)
    );
    let empty = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(["check"])
        .current_dir(empty.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a crosswalk repository"));
    assert_eq!(
        f.run(&["check", "--as-of", "yesterday"]).status.code(),
        Some(2)
    );
}

/// `check` of the broken fixture, history skipped, in a format.
fn check_broken(format: &str) -> String {
    let output = broken().run(&[
        "check",
        "--no-history",
        "--as-of",
        AS_OF,
        "--format",
        format,
    ]);
    stdout(&output)
}

#[test]
fn human_output() {
    insta::assert_snapshot!(check_broken("human"));
}

#[test]
fn github_annotations() {
    insta::assert_snapshot!(check_broken("github"));
}

#[test]
fn json_output() {
    let value: serde_json::Value = serde_json::from_str(&check_broken("json")).unwrap();
    assert_eq!(value["errors"], 3);
    let first = &value["diagnostics"][0];
    assert_eq!(first["code"], "CW020");
    assert_eq!(first["file"], "crosswalk.toml");
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(4), Some(13))
    );
    let duplicate = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "CW010")
        .unwrap();
    assert_eq!(duplicate["related"][0]["file"], "policies/access.md");
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let sarif: serde_json::Value = serde_json::from_str(&check_broken("sarif")).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert!(results.iter().any(|r| r["relatedLocations"].is_array()));
    // Every rule id a result names is among the rules.
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn frameworks_show_iso27001_lists_clauses_and_annex_a() {
    let output = Fixture::valid().run(&["frameworks", "show", "iso27001", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let requirements = value["requirements"].as_array().unwrap();
    let annex_a = requirements
        .iter()
        .filter(|r| r["id"].as_str().unwrap().starts_with("A."))
        .count();
    let clauses = requirements
        .iter()
        .filter(|r| r["group"] == "clause")
        .count();
    assert_eq!((annex_a, clauses), (93, 154));
    assert_eq!(requirements[0]["id"], "4.1");
    let item = requirements.iter().find(|r| r["id"] == "6.1.3.c").unwrap();
    assert_eq!(item["parent"], "6.1.3");
    let control = requirements.iter().find(|r| r["id"] == "A.5.15").unwrap();
    assert_eq!(control["aliases"], serde_json::json!(["5.15"]));
    let tree = stdout(&Fixture::valid().run(&["frameworks", "show", "iso27001"]));
    assert!(
        tree.contains("\n    6.1.3          Information security risk treatment\n      6.1.3.a      Risk treatment options selected\n"),
        "{tree}"
    );
    assert!(
        tree.contains("\n  A.5.15           Access control (also written 5.15)\n"),
        "{tree}"
    );
    assert_eq!(requirements.last().unwrap()["id"], "A.8.34");
}

#[test]
fn frameworks_show_soc2_lists_every_criterion() {
    let output = Fixture::valid().run(&["frameworks", "show", "soc2"]);
    let text = stdout(&output);
    let criteria = text.lines().filter(|l| l.starts_with("  ")).count();
    assert_eq!(criteria, 61);
    for id in ["CC1.1", "CC9.2", "A1.3", "C1.2", "PI1.5", "P8.1"] {
        assert!(text.contains(&format!("  {id} ")), "{id} missing");
    }
}

#[test]
fn frameworks_list_includes_user_catalogs() {
    let text = stdout(&Fixture::valid().run(&["frameworks"]));
    assert!(text.contains("frameworks/mini.toml"), "{text}");
    assert!(text.contains("iso27001-soc2    iso27001 ↔ soc2"), "{text}");
    assert_eq!(
        Fixture::valid()
            .run(&["frameworks", "show", "nist"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn committed_schemas_match_the_code() {
    for kind in [
        "policy",
        "control",
        "evidence",
        "risk",
        "nonconformity",
        "config",
        "catalog",
        "crosswalk",
        "model",
    ] {
        let output = Fixture::valid().run(&["schema", kind]);
        let path = format!("{}/schemas/{kind}.schema.json", env!("CARGO_MANIFEST_DIR"));
        if std::env::var_os("UPDATE_SCHEMAS").is_some() {
            std::fs::write(&path, &output.stdout).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            stdout(&output),
            committed,
            "{path} is stale: run UPDATE_SCHEMAS=1 cargo test"
        );
    }
}

#[test]
fn init_writes_the_example_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("acme");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    assert_eq!(run(&["init", "acme"]).status.code(), Some(0));
    assert!(target.join(".git").is_dir(), "init makes a git repository");
    let check = run(&[
        "-C",
        "acme",
        "check",
        "--no-history",
        "--as-of",
        "2026-12-01",
    ]);
    // Judged as of the day the example's evidence runs to: every period so far is evidenced.
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert!(stdout(&check).contains("no findings"));

    let policy = target.join("policies/access-control.md");
    std::fs::write(&policy, "my own words").unwrap();
    let again = run(&["init", "acme"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("nothing was written"));
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), "my own words");
}

#[test]
fn readme_points_to_the_diagnostics_page() {
    let readme = include_str!("../README.md");
    assert!(readme.contains("(docs/DIAGNOSTICS.md)"));
}

/// The possible values of `--format` that `crosswalk COMMAND --help` advertises.
fn advertised_formats(command: &str) -> Vec<String> {
    let help = stdout(
        &std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
            .args([command, "--help"])
            .output()
            .unwrap(),
    );
    let formats = help
        .split("--format <FORMAT>")
        .nth(1)
        .expect("a --format option")
        .split("[default:")
        .next()
        .unwrap();
    formats
        .lines()
        .filter_map(|line| line.trim().strip_prefix("- "))
        .map(|value| value.split(':').next().unwrap().trim().to_string())
        .collect()
}

/// Every format a table command's help offers works on the example company (`matrix --help` once
/// offered `pdf`, which failed), and each command has JSON.
#[test]
fn every_advertised_table_format_works() {
    let dir = tempfile::tempdir().unwrap();
    let init = std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(["init", "acme"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(init.status.code(), Some(0));
    let acme = dir.path().join("acme");
    for command in ["soa", "matrix", "gaps"] {
        let formats = advertised_formats(command);
        assert!(
            formats.contains(&"json".to_string()),
            "{command}: {formats:?}"
        );
        for format in &formats {
            let out = acme.join(format!("{command}.{format}"));
            let output = std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
                .args([command, "--format", format, "--as-of", "2026-11-30"])
                .args(if command == "gaps" {
                    vec![]
                } else {
                    vec!["--out".to_string(), out.display().to_string()]
                })
                .current_dir(&acme)
                .output()
                .unwrap();
            assert_eq!(
                output.status.code(),
                Some(0),
                "{command} --format {format}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    let matrix: serde_json::Value =
        serde_json::from_slice(&std::fs::read(acme.join("matrix.json")).unwrap()).unwrap();
    assert_eq!(matrix["as_of"], "2026-11-30");
    assert!(matrix["rows"].as_array().unwrap().len() > 50);
    assert!(matrix["timeline"].as_array().unwrap().len() > 50);
    let soa: serde_json::Value =
        serde_json::from_slice(&std::fs::read(acme.join("soa.json")).unwrap()).unwrap();
    assert_eq!(soa["rows"].as_array().unwrap().len(), 93);
    assert_eq!(soa["rows"][0]["id"], "A.5.1");
}

#[test]
fn completions_and_manual_pages() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
            .args(args)
            .output()
            .unwrap()
    };
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout(&run(&["completions", shell]));
        assert!(
            script.contains("crosswalk")
                && script.contains("codeowners")
                && script.contains("as-of"),
            "{shell}: {}",
            &script[..script.len().min(500)]
        );
    }
    let page = stdout(&run(&["man"]));
    assert!(
        page.starts_with(".ie") || page.contains(".TH crosswalk 1"),
        "{page}"
    );
    for command in ["check", "gaps", "diff", "soa", "matrix", "completions"] {
        assert!(
            page.contains(command),
            "{command} missing from the manual page"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("man1");
    let wrote = run(&["man", "--out", folder.to_str().unwrap()]);
    assert_eq!(wrote.status.code(), Some(0));
    let check = std::fs::read_to_string(folder.join("crosswalk-check.1")).unwrap();
    assert!(
        check.contains(".TH crosswalk-check 1") && check.contains("no\\-history"),
        "{check}"
    );
    assert!(!folder.join("crosswalk-help.1").exists());
}

/// Uncovered requirements are one finding per framework in the human format, listed in catalog
/// order under the `[frameworks.X]` they belong to; JSON keeps one finding per requirement.
#[test]
fn uncovered_requirements_are_grouped_in_the_human_format() {
    let f = Fixture::valid();
    f.edit("controls/c-1.md", "mini = [\"M.1\", \"M.2\"]", "");
    f.edit("policies/access.md", "mini = [\"M.1\"]", "");
    let human = stdout(&f.run(&["check", "--no-history", "--as-of", AS_OF]));
    assert_eq!(human.matches("error[CW020/").count(), 1, "{human}");
    insta::assert_snapshot!(human);
    let json: serde_json::Value = serde_json::from_str(&stdout(&f.run(&[
        "check",
        "--no-history",
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ])))
    .unwrap();
    let ids: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "CW020")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(
        ids[0].contains("`M.1`") && ids[1].contains("`M.2`"),
        "{ids:?}"
    );
}

fn crosswalk_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// `init --minimal` writes a skeleton for one company whose first check is a short, ordered list:
/// what is missing per framework, and nothing about the skeleton's own documents.
#[test]
fn init_minimal_checks_with_a_short_ordered_list() {
    let dir = tempfile::tempdir().unwrap();
    let wrote = crosswalk_in(dir.path(), &["init", "--minimal", "acme"]);
    assert_eq!(
        wrote.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&wrote.stderr)
    );
    let acme = dir.path().join("acme");
    for file in [
        "crosswalk.toml",
        "README.md",
        "policies/information-security.md",
        "controls/gov-01.md",
        "risks/r-01.md",
    ] {
        assert!(acme.join(file).is_file(), "{file}");
    }
    assert!(
        std::fs::read_to_string(acme.join("crosswalk.toml"))
            .unwrap()
            .contains("CHANGE ME")
    );
    assert!(acme.join(".git").is_dir());
    let check = crosswalk_in(&acme, &["check", "--no-history"]);
    let text = stdout(&check);
    assert_eq!(check.status.code(), Some(1));
    let headlines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("error") || l.starts_with("warning"))
        .collect();
    assert_eq!(
        headlines,
        [
            "error[CW020/requirement-uncovered]: 115 requirements of ISO/IEC 27001:2022 are not covered by any control",
            "error[CW077/mandatory-document-missing]: 11 items of ISO 27001's mandatory documented information are met by no document",
            "error[CW020/requirement-uncovered]: 32 requirements of SOC 2 Trust Services Criteria (2017) are not covered by any control",
        ],
        "{text}"
    );
    assert!(text.lines().count() < 120, "{text}");
    let first = text.find("`4.1` Understanding").unwrap();
    assert!(
        first < text.find("`10.1` Continual").unwrap(),
        "catalog order"
    );
    assert!(text.contains("… and 75 more"), "{text}");
    // A clause's items are not listed apart from it: claiming the clause covers them.
    assert!(
        text.contains("`6.1` Actions to address risks and opportunities (and its 3 items)"),
        "{text}"
    );
    assert!(!text.contains("`6.1.3.a`"), "{text}");
    // Never over what is there.
    let again = crosswalk_in(dir.path(), &["init", "--minimal", "acme"]);
    assert_eq!(again.status.code(), Some(2));
}

/// `new KIND ID` writes a document with every required key where the layout keeps that kind; it
/// refuses an id that exists or that is not an id, and uses the repository's own template.
#[test]
fn new_writes_each_kind_with_every_required_key() {
    let f = Fixture::valid();
    for (kind, id, path) in [
        ("policy", "POL-NEW", "policies/pol-new.md"),
        ("control", "C-NEW", "controls/c-new.md"),
        ("risk", "R-NEW", "risks/r-new.md"),
    ] {
        let output = f.run(&["new", kind, id, "--title", "A \"quoted\" \\ title"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = f.read(path);
        assert!(text.contains(&format!("id = \"{id}\"")), "{text}");
    }
    let evidence = f.run(&["new", "evidence", "EV-NEW"]);
    assert_eq!(evidence.status.code(), Some(0));
    assert!(
        stdout(&evidence).contains("wrote evidence/20"),
        "{}",
        stdout(&evidence)
    );
    // Every new document types: no schema, TOML or front matter finding in them.
    let findings = f.check();
    let broken: Vec<_> = findings
        .iter()
        .filter(|x| {
            x.path.contains("-new")
                && matches!(x.code.id(), "CW002" | "CW003" | "CW004" | "CW005" | "CW006")
        })
        .collect();
    assert!(broken.is_empty(), "{broken:#?}");
    let exists = f.run(&["new", "control", "C-1"]);
    assert_eq!(exists.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&exists.stderr).contains("already exists (controls/c-1.md)"));
    let bad = f.run(&["new", "risk", "../escape"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a valid id"));
    f.write(
        "templates/new/risk.md",
        "+++\nid = {{ id | toml }}\ntitle = \"House style\"\n+++\n",
    );
    assert_eq!(f.run(&["new", "risk", "R-HOUSE"]).status.code(), Some(0));
    assert!(f.read("risks/r-house.md").contains("House style"));
}

/// `import csv` reads the references people write (semicolons, commas, slashes, a 2013 id) and
/// reports every row it cannot take by its row number, writing only new files.
#[test]
fn import_csv_reads_messy_references_and_reports_bad_rows() {
    let f = Fixture::valid();
    f.write(
        "frameworks/mini.toml",
        format!("{}\n[[superseded]]\nid = \"M.0\"\ntitle = \"Old policy\"\nversion = \"0\"\nreplaced_by = [\"M.1\"]\n", common::CATALOG),
    );
    let sheet = f.path("controls.csv");
    std::fs::write(
        &sheet,
        "Control ID,Name,Mini refs,Owner\nC-10,Reviews,\"M.1; M.2\",bob\nC-11,Old,M.0 / M.2,\nbad id,Broken,M.1,\nC-12,Typo,M.7,\nC-1,Exists,M.1,\n",
    )
    .unwrap();
    let output = f.run(&[
        "import",
        "csv",
        sheet.to_str().unwrap(),
        "--map",
        "Control ID=id",
        "--map",
        "Name=title",
        "--map",
        "Mini refs=mini",
    ]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("row 3: `M.0` (0 numbering: Old policy) became `M.1` in Mini Standard"),
        "{text}"
    );
    assert!(text.contains("row 4: `bad id` is not a valid id"), "{text}");
    assert!(
        text.contains("row 5: `M.7` is not a requirement of Mini Standard"),
        "{text}"
    );
    assert!(
        text.contains("row 6: a document with id `C-1` already exists (controls/c-1.md); left out"),
        "{text}"
    );
    assert!(text.contains("imported 2 of 5 rows"), "{text}");
    assert!(
        f.read("controls/c-10.md")
            .contains("mini = [\"M.1\", \"M.2\"]")
    );
    assert!(f.read("controls/c-10.md").contains("owner = \"bob\""));
    let migrated = f.read("controls/c-11.md");
    assert!(
        migrated.contains("mini = [\"M.1\", \"M.2\"]") && migrated.contains("## Imported"),
        "{migrated}"
    );
    assert_eq!(
        f.read("controls/c-1.md"),
        common::CONTROL,
        "never overwritten"
    );
    let bad_map = f.run(&["import", "csv", sheet.to_str().unwrap(), "--map", "Nope=id"]);
    assert_eq!(bad_map.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_map.stderr).contains("the sheet has no column `Nope`"));
}

/// `import xlsx` reads the first sheet of a workbook by its header names.
#[test]
fn import_xlsx_reads_a_workbook_by_its_headers() {
    let f = Fixture::valid();
    let path = f.path("controls.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, text) in ["id", "title", "mini", "status"].iter().enumerate() {
        sheet.write_string(0, column as u16, *text).unwrap();
    }
    for (column, text) in ["C-20", "From Excel", "M.1,\nM.2", "Planned"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, column as u16, *text).unwrap();
    }
    workbook.save(&path).unwrap();
    let output = f.run(&["import", "xlsx", path.to_str().unwrap()]);
    let text = stdout(&output);
    assert!(text.contains("imported 1 of 1 rows"), "{text}");
    let control = f.read("controls/c-20.md");
    assert!(
        control.contains("mini = [\"M.1\", \"M.2\"]") && control.contains("status = \"planned\""),
        "{control}"
    );
}

/// `import comply DIR` brings a strongdm/comply repository's policies, narratives and procedures
/// in as policies and controls: claims under `TSC` read as SOC 2, an unknown standard written as a
/// catalog, bodies made crosswalk Markdown, every file it cannot take named, nothing overwritten.
#[test]
fn import_comply_brings_policies_narratives_and_procedures() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        crosswalk_in(dir.path(), &["init", "--minimal", "acme"])
            .status
            .success()
    );
    let acme = dir.path().join("acme");
    let ours = std::fs::read_to_string(acme.join("policies/information-security.md")).unwrap();
    let comply = dir.path().join("comply");
    let files = [
        ("comply.yml", "name: \"Globex\"\nfilePrefix: \"Globex\"\n"),
        ("policies/README.md", "# Policies\n"),
        (
            "policies/access.md",
            "name: Access Onboarding and Termination Policy\nacronym: AOTP\nsatisfies:\n  TSC:\n    - CC6.1\n    - CC6.2\n    - CC9.9\nmajorRevisions:\n  - date: Jun 1 2018\n    comment: Initial document\n---\n# Policy\n\na. {{.Name}} grants access by role.\n\n    i. HR tells IT.\n",
        ),
        (
            "policies/dupe.md",
            "name: Another\nacronym: AOTP\n---\nText.\n",
        ),
        ("policies/broken.md", "name: [unclosed\n---\nText.\n"),
        (
            "policies/information-security.md",
            "name: Information Security Policy\nacronym: ISP\n---\nTheirs.\n",
        ),
        (
            "policies/custom.md",
            "name: Security Rules\nacronym: SEC\nsatisfies:\n  ACME-SEC: [S-1, S-9]\n---\nRules.\n",
        ),
        (
            "narratives/system.md",
            "---\nname: System Narrative\nacronym: SYS\nsatisfies:\n  TSC: CC2.1\n---\n# System\n\n{{.Name}} runs one product.\n",
        ),
        (
            "procedures/onboard.md",
            "id: \"onboard\"\nname: \"Onboard New User\"\n---\n- [ ] Add the user\n",
        ),
        (
            "procedures/patch.md",
            "id: \"patch\"\nname: \"Apply OS patches\"\ncron: \"0 0 0 15 * *\"\nsatisfies:\n  TSC: [CC6.1]\n---\n# OS Patch Procedure\n\n- [ ] Patch staging\n",
        ),
        (
            "procedures/bomb.md",
            "id: bomb\nname: &a [x, x]\nmore: [*a, *a]\n---\nBoom.\n",
        ),
        (
            "standards/TSC-2017.yml",
            "name: TSC\nCC6.1:\n  family: CC6\n  name: Logical access\n  description: x\nCC6.2:\n  family: CC6\n  name: Registration\n  description: y\n",
        ),
        (
            "standards/acme.yml",
            "name: ACME-SEC\nS-1:\n  family: Access\n  name: Access rules\nS-2:\n  family: Access\n  name: Keys\n",
        ),
    ];
    for (path, text) in files {
        let path = comply.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let output = crosswalk_in(&acme, &["import", "comply", comply.to_str().unwrap()]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    for expected in [
        "claims under `TSC` are read as `soc2`",
        "policies/access.md: `CC9.9` is not a requirement of SOC 2 Trust Services Criteria (2017) (did you mean `CC9.1`?); left out of its claims",
        "policies/dupe.md: its id would be `POL-AOTP`, which another document has; left out",
        "policies/broken.md: line 2, column 1: the YAML metadata cannot be read",
        "procedures/bomb.md: line 3, column 8",
        "an alias (`*name`) is not read",
        "policies/information-security.md: policies/information-security.md already exists; left as it is",
        "policies/custom.md: `S-9` is not a control of the standard `ACME-SEC`; left out of its claims",
        "standards/acme.yml: `ACME-SEC` is not a catalog crosswalk knows; written as frameworks/acme-sec.toml (2 requirements)",
        "add `[frameworks.acme-sec]` to crosswalk.toml",
        "procedures/onboard.md: no `cron` schedule; its frequency is set to `annual`",
        "procedures/patch.md: PRO-PATCH implements `POL-AOTP` (it shares 1 claims with Access Onboarding and Termination Policy)",
        "imported 5 of the 9 comply documents",
    ] {
        assert!(text.contains(expected), "{expected}\n---\n{text}");
    }
    // The check at the end found nothing wrong in what was written but what the notes said: the
    // written catalog is not in scope until crosswalk.toml names it.
    assert!(text.contains("evidence judged as of"), "{text}");
    assert!(text.contains("┌─ policies/custom.md:9:1"), "{text}");
    assert_eq!(text.matches("┌─ policies/").count(), 1, "{text}");
    for place in ["┌─ frameworks/", "CW00"] {
        assert!(!text.contains(place), "{place}\n---\n{text}");
    }
    let read = |path: &str| std::fs::read_to_string(acme.join(path)).unwrap();
    assert_eq!(
        read("policies/information-security.md"),
        ours,
        "never overwritten"
    );
    let access = read("policies/access.md");
    for expected in [
        "id = \"POL-AOTP\"",
        "soc2 = [\"CC6.1\", \"CC6.2\"]",
        "## Policy\n\n1. Globex grants access by role.\n\n   1. HR tells IT.\n",
        "| Jun 1 2018 | Initial document |",
        "Imported from comply's `policies/access.md`",
    ] {
        assert!(access.contains(expected), "{expected}\n---\n{access}");
    }
    let narrative = read("policies/narrative-system.md");
    assert!(
        narrative.contains("id = \"NAR-SYS\"")
            && narrative.contains("soc2 = [\"CC2.1\"]")
            && narrative.contains("## System\n\nGlobex runs one product."),
        "{narrative}"
    );
    let patch = read("controls/procedure-patch.md");
    assert!(
        patch.contains("frequency = \"monthly\"")
            && patch.contains("policy = \"POL-AOTP\"")
            && patch.contains("status = \"planned\"")
            && patch.contains("## Description\n\n### OS Patch Procedure"),
        "{patch}"
    );
    assert!(read("controls/procedure-onboard.md").contains("frequency = \"annual\""));
    assert!(read("policies/custom.md").contains("acme-sec = [\"S-1\"]"));
    let catalog = read("frameworks/acme-sec.toml");
    assert!(
        catalog.contains("title = \"ACME-SEC\"") && catalog.contains("id = \"S-2\""),
        "{catalog}"
    );
    let not_a_folder = crosswalk_in(&acme, &["import", "comply", "crosswalk.toml"]);
    assert_eq!(not_a_folder.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&not_a_folder.stderr).contains("is not a folder"),
        "{}",
        String::from_utf8_lossy(&not_a_folder.stderr)
    );
}

/// `migrate iso27001-2013` shows every 2013 reference rewritten to its 2022 control(s) as a diff,
/// writes only with `--write`, and then changes only those references: comments, spacing, order and
/// the body stay byte for byte.
#[test]
fn migrate_iso27001_2013_rewrites_only_the_references() {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n\n[frameworks.iso27001]\n\n[frameworks.iso27001.excluded]\n# no premises of our own\n\"A.11.1.4\"   =  \"We hold no premises.\"   # reviewed 2026\n\n[frameworks.iso27001.reasons]\n\"A.9.2.5\" = [ \"contractual\" ]\n",
    );
    let control = "+++\n# The access review, still in the 2013 numbering.\nid = \"C-2\"   # kept\ntitle = \"Old numbering\"\npolicy = \"POL-A\"\nowner = \"alice\"\nfrequency = \"quarterly\"\nstatus = \"planned\"\n\n[satisfies]\nmini = [ \"M.1\" ]     # mini stays\niso27001 = [\n    \"A.9.2.5\",\n    \"A.5.15\",   # access control\n  \"A.18.2.3\" ,\n    \"A.12.4.1\", \"A.5.18\",\n]\n+++\n## Description\n\nThe body names A.9.2.5 and stays as it is.\n";
    f.write("controls/c-2.md", control);
    let config = f.read("crosswalk.toml");
    let shown = f.run(&["migrate", "iso27001-2013"]);
    let text = stdout(&shown);
    assert_eq!(
        f.read("controls/c-2.md"),
        control,
        "nothing written without --write"
    );
    for expected in [
        "--- a/controls/c-2.md\n+++ b/controls/c-2.md\n",
        "-    \"A.9.2.5\",\n",
        "# controls/c-2.md: `A.18.2.3` (Technical compliance review, 2013) became `A.5.36` and `A.8.8`: one 2013 control is 2 in ISO/IEC 27001:2022",
        "# controls/c-2.md: `A.9.2.5` (Review of user access rights, 2013) became `A.5.18` (already there, so the old id is removed)",
        "# crosswalk.toml: `A.11.1.4` (Protecting against external and environmental threats, 2013) became `A.7.5`",
        "2 files would change",
    ] {
        assert!(text.contains(expected), "{expected}\n---\n{text}");
    }
    let written = f.run(&["migrate", "iso27001-2013", "--write"]);
    assert!(stdout(&written).contains("rewrote 2 files"));
    let after = f.read("controls/c-2.md");
    assert_eq!(
        after,
        control
            .replace("    \"A.9.2.5\",\n", "")
            .replace("  \"A.18.2.3\" ,", "  \"A.5.36\" , \"A.8.8\",")
            .replace("\"A.12.4.1\"", "\"A.8.15\""),
        "only the references changed"
    );
    assert_eq!(
        f.read("crosswalk.toml"),
        config
            .replace("\"A.11.1.4\"   =", "\"A.7.5\"   =")
            .replace("\"A.9.2.5\" = [", "\"A.5.18\" = ["),
    );
    let again = stdout(&f.run(&["migrate", "iso27001-2013"]));
    assert!(again.contains("nothing to migrate"), "{again}");
    let check = f.run(&[
        "check",
        "--no-history",
        "--as-of",
        common::AS_OF,
        "--format",
        "json",
    ]);
    assert!(!common::output_text(&check).contains("CW013"));
}
