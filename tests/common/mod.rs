//! Fixture repositories for the integration tests: a small valid repository in a temp dir that each
//! test breaks in one way.

#![allow(dead_code)]

pub mod git;

use std::path::{Path, PathBuf};

use crosswalk::diag::{Code, Diagnostic};

/// The date every test judges evidence as of.
pub const AS_OF: &str = "2026-11-24";

pub const CONFIG: &str = r#"[organization]
name = "Test Co"

[frameworks.mini]

[people.alice]
name = "Alice Archer"
emails = ["alice@test.example"]

[people.bob]
name = "Bob Brown"
emails = ["bob@test.example"]
"#;

pub const CATALOG: &str = r#"id = "mini"
version = "1"
title = "Mini Standard"

[[groups]]
id = "core"
title = "Core"
required = true

[[groups]]
id = "extra"
title = "Extra"
required = true
excludable = true

[[requirements]]
id = "M.1"
title = "Have a policy"
group = "core"

[[requirements]]
id = "M.2"
title = "Review access"
group = "extra"
"#;

pub const POLICY: &str = r#"+++
id = "POL-A"
title = "Access Policy"
owner = "alice"
approvers = ["bob"]
review = "annual"
classification = "internal"
[satisfies]
mini = ["M.1"]
+++
# Access

Access is reviewed.
"#;

pub const CONTROL: &str = r#"+++
id = "C-1"
title = "Access review"
policy = "POL-A"
owner = "alice"
frequency = "quarterly"
status = "implemented"
[satisfies]
mini = ["M.1", "M.2"]
+++
## Description
Alice reviews access.
"#;

pub const ATTACHMENT: &str = "user,decision\nbob,keep\n";

pub fn evidence(sha256: &str) -> String {
    format!(
        r#"+++
id = "EV-1"
title = "Access review Q4"
controls = ["C-1"]
collected = 2026-10-01
collector = "alice"
attachments = [{{ path = "review.csv", sha256 = "{sha256}" }}]
+++
Reviewed.
"#
    )
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A repository in a temp dir.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// The small valid repository.
    pub fn valid() -> Self {
        let fixture = Fixture {
            dir: tempfile::tempdir().unwrap(),
        };
        fixture.write("crosswalk.toml", CONFIG);
        fixture.write("frameworks/mini.toml", CATALOG);
        fixture.write("policies/access.md", POLICY);
        fixture.write("controls/c-1.md", CONTROL);
        fixture.write(
            "evidence/2026/review.md",
            evidence(&sha256_hex(ATTACHMENT.as_bytes())),
        );
        fixture.write("evidence/2026/review.csv", ATTACHMENT);
        fixture
    }

    /// The small valid repository with an observation window on `mini` (2026): C-1 (quarterly)
    /// then needs evidence for every quarter that has ended.
    pub fn windowed() -> Self {
        let fixture = Fixture::valid();
        fixture.edit(
            "crosswalk.toml",
            "[frameworks.mini]\n",
            "[frameworks.mini]\nobservation = { start = 2026-01-01, end = 2026-12-31 }\n",
        );
        fixture
    }

    /// Writes an evidence record of C-1 (no attachment) at `evidence/2026/<id lower-case>.md`,
    /// with an optional `period = { start, end }` on its sixth line.
    pub fn record(&self, id: &str, collected: &str, period: Option<(&str, &str)>) {
        let period = period.map_or(String::new(), |(start, end)| {
            format!("period = {{ start = {start}, end = {end} }}\n")
        });
        self.write(
            &format!("evidence/2026/{}.md", id.to_lowercase()),
            format!(
                "+++\nid = \"{id}\"\ntitle = \"Access review {id}\"\ncontrols = [\"C-1\"]\ncollected = {collected}\n{period}collector = \"alice\"\n+++\nReviewed.\n"
            ),
        );
    }

    /// Removes a file.
    pub fn remove(&self, relative: &str) {
        std::fs::remove_file(self.path(relative)).unwrap();
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, content: impl AsRef<[u8]>) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    /// Replaces text in a file; the old text must be there.
    pub fn edit(&self, relative: &str, from: &str, to: &str) {
        let text = self.read(relative);
        assert!(text.contains(from), "{relative} does not contain {from:?}");
        self.write(relative, text.replacen(from, to, 1));
    }

    /// Runs every check; findings as (code, path, line, column, message).
    pub fn check(&self) -> Vec<Finding> {
        let options = crosswalk::check::Options {
            as_of: AS_OF.parse().unwrap(),
            history: None,
            hints: true,
        };
        let (workspace, findings) = crosswalk::check(self.root(), &options).unwrap();
        findings
            .iter()
            .map(|d| Finding::new(&workspace.files, d))
            .collect()
    }

    /// Runs every check, git history included, with optional forge reviews (their JSON).
    pub fn check_history(&self, reviews: Option<&str>) -> Vec<Finding> {
        let history = crosswalk::check::HistoryOptions {
            reviews: reviews.map(|json| crosswalk::history::reviews::parse(json).unwrap()),
        };
        let options = crosswalk::check::Options {
            as_of: AS_OF.parse().unwrap(),
            history: Some(history),
            hints: true,
        };
        let (workspace, findings) = crosswalk::check(self.root(), &options).unwrap();
        findings
            .iter()
            .map(|d| Finding::new(&workspace.files, d))
            .collect()
    }

    /// The only finding of `check`, which must have this code.
    pub fn only(&self, code: Code) -> Finding {
        only(self.check(), code)
    }

    /// Runs the binary here.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

impl Finding {
    fn new(files: &crosswalk::diag::Files, d: &Diagnostic) -> Self {
        let (start, _) = files.range(d.file, &d.span);
        Finding {
            code: d.code,
            path: files.get(d.file).path.clone(),
            line: start.line,
            column: start.column,
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }

    /// Asserts the location.
    pub fn at(&self, path: &str, line: usize, column: usize) -> &Self {
        assert_eq!(
            (self.path.as_str(), self.line, self.column),
            (path, line, column),
            "{self:#?}"
        );
        self
    }

    pub fn help_contains(&self, text: &str) -> &Self {
        assert!(
            self.help.as_deref().unwrap_or_default().contains(text),
            "{self:#?}"
        );
        self
    }

    pub fn message_contains(&self, text: &str) -> &Self {
        assert!(self.message.contains(text), "{self:#?}");
        self
    }
}

/// The findings that have this code, in order.
pub fn with_code(findings: &[Finding], code: Code) -> Vec<&Finding> {
    findings.iter().filter(|x| x.code == code).collect()
}

/// The only finding, which must have this code.
pub fn only(findings: Vec<Finding>, code: Code) -> Finding {
    assert_eq!(
        findings.len(),
        1,
        "expected exactly one finding, got {findings:#?}"
    );
    assert_eq!(findings[0].code, code, "{findings:#?}");
    findings.into_iter().next().unwrap()
}

/// The standard output of a run, whatever its exit code.
pub fn output_text(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The standard output of a run that must have succeeded (its standard error otherwise).
pub fn stdout(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}
