//! Tests as data: one case per diagnostic code under `tests/codes/<id>/case.toml`, and a snapshot of
//! the full human output of `crosswalk check` for it (`tests/snapshots/codes__<id>.snap`), so that
//! the wording of every message, help line and label is pinned, not only its position.
//!
//! A case starts from the small valid fixture of `tests/common` and changes it:
//!
//! ```toml
//! description = "What the case shows."
//! args = ["check", "--no-history", "--as-of", "2026-11-24"] # the default
//! also = ["CW020"]  # other codes the output has besides the folder's own (default: none)
//!
//! [[write]]             # files written (created or replaced), then
//! path = "policies/plain.md"
//! content = "# Just a heading\n"
//!
//! [[edit]]              # text replaced (the old text must be there), then
//! path = "controls/c-1.md"
//! from = "status = \"implemented\""
//! to = "status = \"done\""
//!
//! remove = ["evidence/2026/review.csv"]   # files removed, then
//!
//! [[link]]              # symbolic links made (`ln -s target path`; Unix only)
//! path = "policies/linked.md"
//! target = "access.md"
//! ```
//!
//! A case with a `[git]` table is a git repository (the fixture of `tests/common/git.rs`, which
//! adds carol to `[people]`): each of its `[[git.commits]]` applies its own `write`, `edit` and
//! `remove` and then commits the whole work tree with a pinned date; the case's top-level changes
//! (links included) come after the last commit and stay uncommitted. `shallow = true` marks the
//! history as cut short after HEAD.
//!
//! Regenerate the snapshots with `INSTA_UPDATE=always cargo test --test codes`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::Fixture;
use common::git::Git;
use crosswalk::diag::{Code, Severity};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// What the case shows; becomes the snapshot's description.
    description: String,
    #[serde(default = "default_args")]
    args: Vec<String>,
    /// Codes the output has besides the folder's own, where one cannot come alone.
    #[serde(default)]
    also: Vec<String>,
    #[serde(default)]
    write: Vec<Write>,
    #[serde(default)]
    edit: Vec<Edit>,
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default)]
    link: Vec<Link>,
    git: Option<GitCase>,
}

fn default_args() -> Vec<String> {
    ["check", "--no-history", "--as-of", common::AS_OF]
        .map(String::from)
        .to_vec()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Write {
    path: String,
    content: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    path: String,
    from: String,
    to: String,
}

/// A symbolic link at `path` (relative to the root) to `target`, as `ln -s target path` makes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Link {
    path: String,
    target: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GitCase {
    #[serde(default)]
    shallow: bool,
    #[serde(default)]
    commits: Vec<Commit>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Commit {
    author: Author,
    /// YYYY-MM-DD; the commit is made at noon UTC.
    date: String,
    message: String,
    #[serde(default)]
    write: Vec<Write>,
    #[serde(default)]
    edit: Vec<Edit>,
    #[serde(default)]
    remove: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Author {
    name: String,
    email: String,
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/codes")
}

/// The case folders, by name, in order.
fn case_folders() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().unwrap().is_dir())
        .map(|entry| entry.file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

fn load(id: &str) -> Case {
    let path = cases_dir().join(id).join("case.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Writes, then edits, then removes.
fn apply(fixture: &Fixture, write: &[Write], edit: &[Edit], remove: &[String]) {
    for w in write {
        fixture.write(&w.path, &w.content);
    }
    for e in edit {
        fixture.edit(&e.path, &e.from, &e.to);
    }
    for path in remove {
        std::fs::remove_file(fixture.path(path))
            .unwrap_or_else(|e| panic!("cannot remove {path}: {e}"));
    }
}

/// The case's repository in a temp dir.
fn build(case: &Case) -> Fixture {
    let fixture = match &case.git {
        None => Fixture::valid(),
        Some(git_case) => {
            let git = Git::new();
            for commit in &git_case.commits {
                apply(&git.fixture, &commit.write, &commit.edit, &commit.remove);
                git.commit(
                    (&commit.author.name, &commit.author.email),
                    &commit.date,
                    &commit.message,
                );
            }
            if git_case.shallow {
                git.make_shallow();
            }
            git.fixture
        }
    };
    apply(&fixture, &case.write, &case.edit, &case.remove);
    for link in &case.link {
        let path = fixture.path(&link.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&link.target, &path)
            .unwrap_or_else(|e| panic!("cannot link {} to {}: {e}", link.path, link.target));
    }
    fixture
}

/// The codes of the findings in human output: `error[CW012/unknown-requirement]: …` lines.
fn codes_in(output: &str) -> BTreeSet<String> {
    output
        .lines()
        .filter_map(|line| {
            let (severity, rest) = line.split_once('[')?;
            if !["error", "warning", "help"].contains(&severity) {
                return None;
            }
            let (id, _) = rest.split_once('/')?;
            Some(id.to_string())
        })
        .collect()
}

/// Runs one case; the text to snapshot.
fn run(id: &str, case: &Case) -> String {
    let fixture = build(case);
    let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
    let output = fixture.run(&args);
    let root = fixture.root();
    let canonical = root.canonicalize().unwrap();
    let stable = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .replace(&canonical.display().to_string(), "[ROOT]")
            .replace(&root.display().to_string(), "[ROOT]")
    };
    let stdout = stable(&output.stdout);
    let stderr = stable(&output.stderr);

    let code = Code::ALL
        .iter()
        .find(|c| c.id() == id)
        .unwrap_or_else(|| panic!("tests/codes/{id} names no code"));
    // codespan-reporting's words: a hint shows as `help`.
    let severity = match code.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Hint => "help",
    };
    let header = format!("\n{severity}[{id}/{}]: ", code.name());
    assert!(
        format!("\n{stdout}").contains(&header),
        "{id}: the output does not show {header:?}:\n{stdout}{stderr}"
    );
    let expected: BTreeSet<String> = case.also.iter().cloned().chain([id.to_string()]).collect();
    assert_eq!(
        codes_in(&stdout),
        expected,
        "{id}: unexpected codes (list the others in `also`):\n{stdout}{stderr}"
    );

    let mut text = format!(
        "$ crosswalk {}\nexit code: {}\n--- stdout\n{stdout}",
        case.args.join(" "),
        output
            .status
            .code()
            .map_or("none (killed by a signal)".to_string(), |c| c.to_string())
    );
    if !stderr.is_empty() {
        text.push_str("--- stderr\n");
        text.push_str(&stderr);
    }
    text
}

#[test]
fn every_case_matches_its_snapshot() {
    let mut failed = Vec::new();
    for id in case_folders() {
        let case = load(&id);
        let result = std::panic::catch_unwind(|| {
            let text = run(&id, &case);
            insta::with_settings!({
                description => case.description.trim(),
                omit_expression => true,
                prepend_module_to_snapshot => true,
            }, {
                insta::assert_snapshot!(id.as_str(), text);
            });
        });
        if result.is_err() {
            failed.push(id);
        }
    }
    assert!(failed.is_empty(), "failed cases: {failed:?}");
}

#[test]
fn every_code_has_a_case() {
    let ids: BTreeSet<&str> = Code::ALL.iter().map(|c| c.id()).collect();
    let folders = case_folders();
    for code in Code::ALL {
        assert!(
            folders.iter().any(|f| f == code.id()),
            "no case tests/codes/{}/case.toml for {}",
            code.id(),
            code.name()
        );
    }
    for folder in &folders {
        assert!(
            ids.contains(folder.as_str()),
            "tests/codes/{folder} names no code"
        );
        assert!(
            cases_dir().join(folder).join("case.toml").is_file(),
            "tests/codes/{folder} has no case.toml"
        );
    }
    // No snapshot is left over from a case that is gone.
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for entry in std::fs::read_dir(snapshots).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(id) = name
            .strip_prefix("codes__")
            .and_then(|n| n.strip_suffix(".snap"))
        {
            assert!(
                folders.iter().any(|f| f == id),
                "tests/snapshots/{name} belongs to no case"
            );
        }
    }
}

/// `src/check/suggestions.rs` → `check::suggestions`; `src/load/mod.rs` → `load`.
fn module_path(file: &Path, src: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// Every `.rs` file below `dir`.
fn sources(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The function (module path and name) around each mention of each code in `src/`, `diag.rs` (the
/// table itself) left out.
fn raising_sites() -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut sites: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for file in files.iter().filter(|f| !f.ends_with("diag.rs")) {
        let whole = std::fs::read_to_string(file).unwrap();
        // A module's unit tests name codes they expect, not codes they raise.
        let text = whole
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        let module = module_path(file, &src);
        for code in Code::ALL {
            let needle = format!("Code::{code:?}");
            for (at, _) in text.match_indices(&needle) {
                let after = text.as_bytes().get(at + needle.len());
                if after.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_') {
                    continue; // a longer variant name
                }
                let function = text[..at]
                    .rmatch_indices("fn ")
                    .map(|(i, _)| &text[i + 3..])
                    .find_map(|rest| {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        (!name.is_empty()).then_some(name)
                    })
                    .unwrap_or_default();
                sites
                    .entry(code.id().to_string())
                    .or_default()
                    .insert(format!("{module}::{function}"));
            }
        }
    }
    sites
}

/// The code table's `raised_by` names exactly the functions that raise each code: a reader who
/// looks up a code finds its rule, and a code raised somewhere new must be added to the table.
#[test]
fn every_code_is_raised_where_the_table_says() {
    let sites = raising_sites();
    let mut wrong = Vec::new();
    for code in Code::ALL {
        let table: BTreeSet<String> = code.raised_by().iter().map(|s| s.to_string()).collect();
        let found = sites.get(code.id()).cloned().unwrap_or_default();
        if table != found {
            wrong.push(format!(
                "{}: the table says {table:?}, the source raises it in {found:?}",
                code.id()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `docs/DIAGNOSTICS.md`, generated from the code table; regenerate with
/// `UPDATE_DOCS=1 cargo test --test codes`.
#[test]
fn the_diagnostics_page_is_current() {
    let mut page = String::from(
        "# Diagnostics\n\n\
         Generated from the code table in `src/diag.rs` by `tests/codes.rs` (`UPDATE_DOCS=1 cargo test \
         --test codes`); do not edit by hand.\n\n\
         Every finding has a stable code and name, a severity that belongs to the code, a message, and \
         a file, line and column. `help` findings (hints) never fail a run; `warning`s fail it only \
         with `--deny warnings`. Each code's \"raised by\" names the function that holds its rule; a \
         test fails when the source and this table disagree. An example of each code's full output is \
         its case under `tests/codes/` and its snapshot in `tests/snapshots/`.\n\n\
         | code | name | severity | what it means | raised by |\n|---|---|---|---|---|\n",
    );
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for code in Code::ALL {
        let links: Vec<String> = code
            .raised_by()
            .iter()
            .map(|path| {
                let module: Vec<&str> = path.rsplitn(2, "::").collect();
                let module = module[1].replace("::", "/");
                let file = match src.join(format!("{module}.rs")).is_file() {
                    true => format!("{module}.rs"),
                    false => format!("{module}/mod.rs"),
                };
                format!("[`{path}`](../src/{file})")
            })
            .collect();
        let severity = match code.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Hint => "hint",
        };
        page.push_str(&format!(
            "| {} | {} | {severity} | {} | {} |\n",
            code.id(),
            code.name(),
            code.description().replace('|', "\\|"),
            links.join(", ")
        ));
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/DIAGNOSTICS.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &page).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == page,
        "docs/DIAGNOSTICS.md is stale: run UPDATE_DOCS=1 cargo test --test codes"
    );
}
