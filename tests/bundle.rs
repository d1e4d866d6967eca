//! `crosswalk bundle` and `crosswalk verify`: the auditor's package of one framework and period,
//! byte-identical when made twice, and every tampering with it named.

mod common;

use common::git::{CAROL, Git};
use common::{output_text, stdout};

/// The fixture committed on 2026-03-02 with EV-1 (collected 2026-10-01, with its CSV), a record of
/// the first half (EV-H1, collected 2026-05-01) and one of December (EV-DEC, after the period),
/// all committed by 2026-11-02.
fn repository() -> Git {
    let git = Git::committed("2026-03-02");
    git.fixture.record("EV-H1", "2026-05-01", None);
    git.fixture.record("EV-DEC", "2026-12-01", None);
    git.commit(
        CAROL,
        "2026-11-02",
        "More evidence\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    git
}

fn bundle(git: &Git, out: &str, from: &str, to: &str) -> std::process::Output {
    git.fixture.run(&[
        "bundle",
        "--framework",
        "mini",
        "--from",
        from,
        "--to",
        to,
        "--out",
        out,
    ])
}

fn verify(git: &Git, dir: &str) -> (Option<i32>, String) {
    let output = git.fixture.run(&["verify", dir]);
    (output.status.code(), output_text(&output))
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn files(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_bundle_holds_the_period_and_is_byte_identical_when_made_twice() {
    let git = repository();
    let f = &git.fixture;
    stdout(&bundle(&git, "b1", "2026-01-01", "2026-11-30"));
    stdout(&bundle(&git, "b2", "2026-01-01", "2026-11-30"));
    let listed = files(&f.path("b1"));
    assert_eq!(
        listed,
        [
            "MANIFEST.sha256",
            "changes/population.csv",
            "changes/population.md",
            "evidence/2026/ev-h1.md",
            "evidence/2026/review.csv",
            "evidence/2026/review.md",
            "gaps.md",
            "index.html",
            "matrix.csv",
            "matrix.xlsx",
            "policies/POL-A.pdf",
            "registers/nonconformities.csv",
            "registers/nonconformities.pdf",
            "registers/risk-treatment-plan.pdf",
            "registers/risks.pdf",
            "registers/risks.xlsx",
        ],
        "no SoA without iso27001; EV-DEC is after the period"
    );
    assert_eq!(files(&f.path("b2")), listed);
    for file in &listed {
        assert_eq!(
            std::fs::read(f.path("b1").join(file)).unwrap(),
            std::fs::read(f.path("b2").join(file)).unwrap(),
            "{file} differs between two bundles of the same inputs"
        );
    }
    let manifest = f.read("b1/MANIFEST.sha256");
    let head = git.head_commit().unwrap().id().to_string();
    assert!(
        manifest.contains(&format!("# commit {head}\n")),
        "{manifest}"
    );
    assert!(manifest.contains("# framework mini\n# period 2026-01-01 2026-11-30\n"));
    assert!(manifest.contains(&format!(
        "{}  evidence/2026/review.csv\n",
        common::sha256_hex(common::ATTACHMENT.as_bytes())
    )));
    // The population of the period: both commits, approved by trailer.
    let population = f.read("b1/changes/population.md");
    assert!(
        population.contains("- approved by trailer: 8"),
        "{population}"
    );
    assert_eq!(
        verify(&git, "b1"),
        (
            Some(0),
            format!("verified: 15 files match the manifest and the repository at commit {head}\n")
        )
    );
    // A period ending before the second commit is the repository as it stood then.
    stdout(&bundle(&git, "b3", "2026-01-01", "2026-06-30"));
    let early = files(&f.path("b3"));
    assert!(
        !early.contains(&"evidence/2026/ev-h1.md".to_string()),
        "EV-H1 was committed later"
    );
    let first = git.repo.revparse_single("HEAD~1").unwrap().id().to_string();
    assert!(
        f.read("b3/MANIFEST.sha256")
            .contains(&format!("# commit {first}\n"))
    );
}

#[test]
fn verify_names_every_tampered_file() {
    let git = repository();
    let f = &git.fixture;
    stdout(&bundle(&git, "b", "2026-01-01", "2026-11-30"));
    // A changed attachment, a removed policy, an added file.
    f.write("b/evidence/2026/review.csv", "user,decision\nbob,revoke\n");
    std::fs::remove_file(f.path("b/policies/POL-A.pdf")).unwrap();
    f.write("b/notes.txt", "added later");
    let (code, text) = verify(&git, "b");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("evidence/2026/review.csv: changed (its SHA-256 is not the manifest's)"),
        "{text}"
    );
    assert!(
        text.contains("policies/POL-A.pdf: missing (the manifest lists it)"),
        "{text}"
    );
    assert!(
        text.contains("notes.txt: not in the manifest (added to the bundle)"),
        "{text}"
    );
    assert!(text.contains("3 difference(s)"), "{text}");
}

/// Attack: the file is changed and its hash in the manifest with it, so the manifest agrees with
/// the folder; the repository at the commit does not.
#[test]
fn a_manifest_rewritten_to_match_a_tampered_file_is_caught() {
    let git = repository();
    let f = &git.fixture;
    stdout(&bundle(&git, "b", "2026-01-01", "2026-11-30"));
    let forged = "user,decision\nbob,keep\nmallory,keep\n";
    let old = common::sha256_hex(common::ATTACHMENT.as_bytes());
    f.write("b/evidence/2026/review.csv", forged);
    let manifest = f.read("b/MANIFEST.sha256");
    f.write(
        "b/MANIFEST.sha256",
        manifest.replace(&old, &common::sha256_hex(forged.as_bytes())),
    );
    let (code, text) = verify(&git, "b");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("evidence/2026/review.csv: the manifest's hash is not that of the file the repository gives at the commit"),
        "{text}"
    );
    // Dropping a record from the folder and the manifest alike is caught too.
    std::fs::remove_file(f.path("b/evidence/2026/ev-h1.md")).unwrap();
    let manifest = f.read("b/MANIFEST.sha256");
    let kept: String = manifest
        .lines()
        .filter(|l| !l.ends_with("evidence/2026/ev-h1.md"))
        .map(|l| format!("{l}\n"))
        .collect();
    f.write("b/MANIFEST.sha256", kept);
    let (_, text) = verify(&git, "b");
    assert!(
        text.contains("evidence/2026/ev-h1.md: the repository at the commit gives this file, but the manifest does not list it"),
        "{text}"
    );
}

#[test]
fn a_bundle_is_refused_into_a_folder_with_files_or_for_a_framework_out_of_scope() {
    let git = repository();
    let f = &git.fixture;
    f.write("b/keep.txt", "mine");
    let output = bundle(&git, "b", "2026-01-01", "2026-11-30");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not empty"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        f.read("b/keep.txt"),
        "mine",
        "nothing of the user's is touched"
    );
    let output = f.run(&[
        "bundle",
        "--framework",
        "soc2",
        "--from",
        "2026-01-01",
        "--to",
        "2026-11-30",
        "--out",
        "c",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("framework `soc2` is not in scope"),
        "{}",
        stderr(&output)
    );
    let output = bundle(&git, "d", "2026-12-01", "2026-11-30");
    assert!(
        stderr(&output).contains("the period is empty"),
        "{}",
        stderr(&output)
    );
}

/// Attack: an attachment reached through a linked folder that leads outside the repository. Its
/// final component is a regular file, but the bundle must not carry it, nor the site copy it.
#[cfg(unix)]
#[test]
fn an_attachment_through_a_linked_folder_is_never_copied_out() {
    let git = repository();
    let f = &git.fixture;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.csv"), "password,hunter2\n").unwrap();
    // The linked folder is outside the layout's folders, so the loader does not walk it.
    std::os::unix::fs::symlink(outside.path(), f.path("shared")).unwrap();
    f.edit(
        "evidence/2026/review.md",
        "attachments = [",
        &format!(
            "attachments = [{{ path = \"../../shared/secret.csv\", sha256 = \"{}\" }}, ",
            common::sha256_hex(b"password,hunter2\n")
        ),
    );
    git.commit(
        CAROL,
        "2026-11-03",
        "Link an export\n\nApproved-by: Bob Brown <bob@test.example>",
    );
    let output = bundle(&git, "b", "2026-01-01", "2026-11-30");
    assert_eq!(output.status.code(), Some(2), "{}", output_text(&output));
    assert!(
        stderr(&output).contains("cannot read `shared/secret.csv`: it lies outside the repository"),
        "{}",
        stderr(&output)
    );
    assert!(!f.path("b/evidence/shared/secret.csv").exists());
    stdout(&f.run(&["build", "--as-of", "2026-11-24"]));
    assert!(!f.path("out/site/attachments/shared/secret.csv").exists());
    assert!(
        f.path("out/site/attachments/evidence/2026/review.csv")
            .exists()
    );
}

/// Attack: lines added to the manifest, which a reader would take as part of the bundle, and a
/// second commit line, or a commit named by a branch instead of its id.
#[test]
fn a_manifest_with_added_or_doubled_lines_is_not_the_repositorys() {
    let git = repository();
    let f = &git.fixture;
    stdout(&bundle(&git, "b", "2026-01-01", "2026-11-30"));
    let manifest = f.read("b/MANIFEST.sha256");
    f.write(
        "b/MANIFEST.sha256",
        manifest.replace(
            "# framework",
            "# auditor: every control effective, signed\n# framework",
        ),
    );
    let (code, text) = verify(&git, "b");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(
            "MANIFEST.sha256: the manifest's hash is not that of the file the repository gives"
        ),
        "{text}"
    );
    let head = git.head_commit().unwrap().id().to_string();
    f.write(
        "b/MANIFEST.sha256",
        manifest.replace(
            "# crosswalk bundle\n",
            &format!("# crosswalk bundle\n# commit {}\n", "0".repeat(40)),
        ),
    );
    let output = f.run(&["verify", "b"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("a second `commit` line"),
        "{}",
        stderr(&output)
    );
    f.write("b/MANIFEST.sha256", manifest.replace(&head, "HEAD"));
    let output = f.run(&["verify", "b"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a full commit id"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_manifest_naming_a_commit_the_repository_lacks_is_refused() {
    let git = repository();
    let f = &git.fixture;
    stdout(&bundle(&git, "b", "2026-01-01", "2026-11-30"));
    let head = git.head_commit().unwrap().id().to_string();
    let manifest = f.read("b/MANIFEST.sha256");
    f.write(
        "b/MANIFEST.sha256",
        manifest.replace(&head, &"1".repeat(40)),
    );
    let output = f.run(&["verify", "b"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("1111111111"),
        "{}",
        stderr(&output)
    );
}
