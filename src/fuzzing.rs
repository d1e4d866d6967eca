//! Entry points for the fuzz targets (`fuzz/`) and for the stable test that replays their corpora
//! (`tests/fuzz_corpus.rs`): one function per parser, each taking arbitrary bytes and asserting what
//! must hold for every input (no panic, bounded output, nothing unsafe in what is rendered). Not
//! part of the tool's interface.

use std::path::Path;

use crate::check::Options;

/// Markdown → HTML, typst and plain typst: no panic; no script, style or remote resource survives
/// the sanitiser; nesting stays bounded.
pub fn markdown(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let html = crate::render::markdown::to_html(text);
    let lower = html.to_ascii_lowercase();
    for forbidden in [
        "<script",
        "<img",
        "<iframe",
        "<style",
        " onerror=",
        " onclick=",
        "javascript:",
    ] {
        assert!(!lower.contains(forbidden), "{forbidden} survived in {html}");
    }
    assert!(
        html.matches("<blockquote>").count() <= text.len(),
        "output grows faster than the input"
    );
    let typst = crate::render::markdown::to_typst(text);
    assert!(!typst.to_ascii_lowercase().contains("#link(\"javascript:"));
    let _ = crate::render::markdown::to_plain_typst(text);
}

/// Markdown body → a typeset policy PDF: typst either typesets it or fails with an error (the build
/// then degrades that one document); it never panics.
pub fn typst(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = crate::render::pdf::policy_source(&crate::render::pdf::PolicyPdf {
        organization: "Fuzz Ltd",
        id: "POL-FUZZ",
        title: "Fuzzed policy",
        owner: "Owner",
        approvers: &[],
        classification: "internal",
        review: "annual",
        effective: "",
        commit: None,
        draft: false,
        history: Vec::new(),
        requirements: Vec::new(),
        body: crate::render::markdown::to_typst(text),
    });
    let date = jiff::civil::date(2026, 11, 24);
    let _ = crate::render::pdf::typeset(source, "POL-FUZZ", date);
}

/// The forge reviews JSON: parsed or refused, never a panic.
pub fn reviews(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::history::reviews::parse(text);
    }
}

/// The files of a small valid repository, by path; [`repository`] replaces one of them.
pub const REPOSITORY: [(&str, &str); 6] = [
    (
        "crosswalk.toml",
        "[organization]\nname = \"Fuzz Ltd\"\n\n[frameworks.mini]\nobservation = { start = 2026-01-01, end = 2026-12-31 }\n\n[people.alice]\nname = \"Alice\"\nemails = [\"alice@fuzz.example\"]\n\n[people.bob]\nname = \"Bob\"\nemails = [\"bob@fuzz.example\"]\n",
    ),
    (
        "frameworks/mini.toml",
        "id = \"mini\"\nversion = \"1\"\ntitle = \"Mini\"\n\n[[groups]]\nid = \"core\"\ntitle = \"Core\"\nrequired = true\n\n[[requirements]]\nid = \"M.1\"\ntitle = \"Have a policy\"\ngroup = \"core\"\n",
    ),
    (
        "frameworks/mini-self.crosswalk.toml",
        "id = \"mini-self\"\ntitle = \"Mini to itself\"\nfrom = \"mini\"\nto = \"mini\"\n\n[[relations]]\nfrom = \"M.1\"\nto = \"M.1\"\ntype = \"equal\"\nrationale = \"the same\"\n",
    ),
    (
        "policies/access.md",
        "+++\nid = \"POL-A\"\ntitle = \"Access\"\nowner = \"alice\"\napprovers = [\"bob\"]\nreview = \"annual\"\nclassification = \"internal\"\n[satisfies]\nmini = [\"M.1\"]\n+++\n# Access\n",
    ),
    (
        "controls/c-1.md",
        "+++\nid = \"C-1\"\ntitle = \"Review\"\npolicy = \"POL-A\"\nowner = \"alice\"\nfrequency = \"quarterly\"\nstatus = \"implemented\"\n[satisfies]\nmini = [\"M.1\"]\n+++\nReviewed.\n",
    ),
    (
        "evidence/2026/q1.md",
        "+++\nid = \"EV-1\"\ntitle = \"Q1\"\ncontrols = [\"C-1\"]\ncollected = 2026-02-01\nperiod = { start = 2026-01-01, end = 2026-01-31 }\ncollector = \"alice\"\n+++\nDone.\n",
    ),
];

/// A repository whose file number `data[0] % 6` of [`REPOSITORY`] is the rest of `data`, loaded
/// and checked as `crosswalk check --no-history` would: findings or an error, never a panic, and
/// every finding's span inside its file.
pub fn repository(data: &[u8]) {
    let Some((&which, content)) = data.split_first() else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let replaced = usize::from(which) % REPOSITORY.len();
    for (i, (path, text)) in REPOSITORY.iter().enumerate() {
        let bytes = if i == replaced {
            content
        } else {
            text.as_bytes()
        };
        if write(dir.path(), path, bytes).is_err() {
            return;
        }
    }
    let options = Options {
        as_of: jiff::civil::date(2026, 11, 24),
        history: None,
        hints: true,
    };
    if let Ok((workspace, findings)) = crate::check(dir.path(), &options) {
        for finding in &findings {
            let file = workspace.files.get(finding.file);
            assert!(
                finding.span.start <= finding.span.end && finding.span.end <= file.text.len(),
                "{finding:?} points outside {}",
                file.path
            );
            let _ = workspace.files.range(finding.file, &finding.span);
        }
    }
}

fn write(root: &Path, path: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = root.join(path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}
