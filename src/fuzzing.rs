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
    for tag in tags(&html) {
        assert_safe_tag(&tag, &html);
    }
    assert!(
        html.matches("<blockquote>").count() <= text.len(),
        "output grows faster than the input"
    );
    let typst = crate::render::markdown::to_typst(text);
    assert!(!typst.to_ascii_lowercase().contains("#link(\"javascript:"));
    let _ = crate::render::markdown::to_plain_typst(text);
}

/// The tags of serialised HTML, lowercased, each as (name, [(attribute, value)]). Text never holds
/// a raw `<` (the serialiser writes `&lt;`), so a tag starts at every `<`; inside it, a quoted value
/// may hold `>`.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut rest = lower.as_str();
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!')
            .collect();
        rest = &rest[name.len()..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with('>') || rest.starts_with("/>") {
                break;
            }
            let key: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '=' | '>'))
                .collect();
            rest = &rest[key.len()..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix("=\"") {
                let end = after.find('"').unwrap_or(after.len());
                value = after[..end].to_string();
                rest = after.get(end + 1..).unwrap_or_default();
            } else if key.is_empty() {
                rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
            }
            attributes.push((key, value));
        }
        found.push((name, attributes));
    }
    found
}

/// No tag loads or runs anything: no script, image, frame, style sheet or embedded object, no
/// event handler, no style but alignment, and every link target safe.
fn assert_safe_tag((name, attributes): &(String, Vec<(String, String)>), html: &str) {
    let name = name.trim_start_matches('/');
    assert!(
        !matches!(
            name,
            "script"
                | "img"
                | "iframe"
                | "style"
                | "object"
                | "embed"
                | "link"
                | "meta"
                | "svg"
                | "math"
        ),
        "<{name}> survived in {html}"
    );
    for (key, value) in attributes {
        assert!(
            !key.starts_with("on") && key != "src" && key != "srcset",
            "{key}= survived in {html}"
        );
        if key == "style" {
            assert!(
                value.starts_with("text-align:") && !value.contains(';'),
                "style=\"{value}\" survived in {html}"
            );
        }
        if key == "href" {
            assert!(safe_target(value), "a link to {value} survived in {html}");
        }
    }
}

/// Whether a link target of the HTML is one the sanitiser allows: `http`, `https`, `mailto`, an
/// anchor, or a relative link. The target is read as a browser reads it (URL standard): tabs and
/// line breaks removed, leading spaces and controls trimmed, and a scheme only when the text before
/// the first `:` is one (a letter, then letters, digits, `+`, `-`, `.`). So `mailto:javascript:x`
/// is a mail address and `javas%5dcript:x` a relative path, while `java<TAB>script:x` is a script.
fn safe_target(target: &str) -> bool {
    // The serialiser writes `&amp;`, never a numeric reference, so `&#58;` would hide a colon.
    if target.contains("&#") {
        return false;
    }
    let read: String = target
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let Some((scheme, _)) = read.split_once(':') else {
        return true;
    };
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    !is_scheme || matches!(scheme, "http" | "https" | "mailto")
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
        revision: "1",
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

/// A repository whose file number `data[0] % 6` of [`REPOSITORY`] is the rest of `data`, written
/// to a temporary folder, loaded and checked as `crosswalk check --no-history` would: findings or
/// an error, never a panic, and every finding's span inside its file.
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
    if let Ok((workspace, findings)) = crate::check(dir.path(), &options()) {
        assert_inside(&workspace.files, &findings);
    }
}

/// The front matter and body of one document of [`REPOSITORY`] (`data[0] % 3` picks the policy,
/// the control or the evidence record; the rest of `data` is the file), checked in memory.
pub fn front_matter(data: &[u8]) {
    let Some((&which, content)) = data.split_first() else {
        return;
    };
    check_in_memory(3 + usize::from(which) % 3, content);
}

/// A framework catalog in place of `frameworks/mini.toml`, checked in memory.
pub fn catalog(data: &[u8]) {
    check_in_memory(1, data);
}

/// A crosswalk file in place of `frameworks/mini-self.crosswalk.toml`, checked in memory.
pub fn crosswalk(data: &[u8]) {
    check_in_memory(2, data);
}

fn options() -> Options {
    Options {
        as_of: jiff::civil::date(2026, 11, 24),
        history: None,
        hints: true,
    }
}

/// [`REPOSITORY`] with file `replaced` swapped for `content`, loaded without touching the disk (the
/// load stage's own functions split and decode it) and checked without history.
fn check_in_memory(replaced: usize, content: &[u8]) -> Vec<crate::diag::Diagnostic> {
    let mut loaded = crate::load::Loaded {
        root: std::env::temp_dir().join("crosswalk-fuzz-nowhere"),
        ..Default::default()
    };
    let text = |i: usize| {
        if i == replaced {
            crate::load::decode(content.to_vec())
        } else {
            Ok(REPOSITORY[i].1.to_owned())
        }
    };
    crate::load::add_config(&mut loaded, text(0));
    for (i, kind) in KINDS.into_iter().enumerate().skip(1) {
        crate::load::load_file(&mut loaded, kind, REPOSITORY[i].0.to_owned(), text(i));
    }
    static VALIDATORS: std::sync::OnceLock<crate::model::schema::Validators> =
        std::sync::OnceLock::new();
    let validators = VALIDATORS.get_or_init(crate::model::schema::Validators::new);
    let mut diagnostics = std::mem::take(&mut loaded.diagnostics);
    let config = crate::model::parse_config(&loaded, validators, &mut diagnostics);
    let layout = crate::model::layout(config.as_ref(), &mut diagnostics);
    let model = crate::model::build(&loaded, config, validators, &mut diagnostics);
    let mut workspace = crate::Workspace {
        files: loaded.files,
        model,
        diagnostics,
        layout,
    };
    let mut findings = std::mem::take(&mut workspace.diagnostics);
    if let Ok(found) = crate::check::run(&mut workspace, &options()) {
        findings.extend(found);
    }
    assert_inside(&workspace.files, &findings);
    findings
}

/// What each file of [`REPOSITORY`] is.
const KINDS: [crate::load::Kind; 6] = {
    use crate::load::Kind;
    [
        Kind::Config,
        Kind::Catalog,
        Kind::Crosswalk,
        Kind::Policy,
        Kind::Control,
        Kind::Evidence,
    ]
};

/// Every finding's span lies inside its file, on character boundaries, and renders.
fn assert_inside(files: &crate::diag::Files, findings: &[crate::diag::Diagnostic]) {
    for finding in findings {
        let file = files.get(finding.file);
        assert!(
            finding.span.start <= finding.span.end && finding.span.end <= file.text.len(),
            "{finding:?} points outside {}",
            file.path
        );
        assert!(
            file.text.is_char_boundary(finding.span.start)
                && file.text.is_char_boundary(finding.span.end),
            "{finding:?} cuts a character of {}",
            file.path
        );
        let _ = files.range(finding.file, &finding.span);
    }
}

fn write(root: &Path, path: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = root.join(path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    fn codes(replaced: usize, content: &str) -> Vec<Code> {
        check_in_memory(replaced, content.as_bytes())
            .iter()
            .map(|f| f.code)
            .collect()
    }

    #[test]
    fn the_html_oracle_reads_tags_not_text() {
        let safe = "<p>a &lt;img src=x onerror=y&gt; onerror= <a href=\"https://a.example/?q=>\" rel=\"noopener\">b</a></p><td style=\"text-align: center\">c</td>";
        for tag in tags(safe) {
            assert_safe_tag(&tag, safe);
        }
        for unsafe_html in [
            "<img src=\"x\">",
            "<p onclick=\"x\">",
            "<a href=\"javascript:x\">",
            "<td style=\"position: fixed\">",
            "<p style=\"text-align: left; color: red\">",
        ] {
            let caught = std::panic::catch_unwind(|| {
                for tag in tags(unsafe_html) {
                    assert_safe_tag(&tag, unsafe_html);
                }
            });
            assert!(caught.is_err(), "{unsafe_html} passed");
        }
    }

    #[test]
    fn link_targets_are_read_as_a_browser_reads_them() {
        for unsafe_target in [
            "javascript:x",
            " \u{1}java\tscript:x",
            "data:text/html,x",
            "vbscript:x",
            "java&#58;script:x",
        ] {
            assert!(!safe_target(unsafe_target), "{unsafe_target}");
        }
        for safe in [
            "https://a.example",
            "mailto:javascript:x",
            "javas%5dcript:x",
            "#top",
            "/a:b",
            "a/b:c",
            "http://x",
        ] {
            assert!(safe_target(safe), "{safe}");
        }
    }

    #[test]
    fn the_repository_in_memory_is_clean_and_a_broken_file_is_reported() {
        // The seed repository has evidence for its first quarter only: stale, two quarters missing.
        let seed = codes(3, REPOSITORY[3].1);
        assert_eq!(
            seed,
            [
                Code::EvidenceStale,
                Code::OperatingPeriodMissing,
                Code::OperatingPeriodMissing
            ]
        );
        assert!(codes(3, "no front matter").contains(&Code::FrontMatter));
        assert!(codes(1, "id = 1").len() > seed.len());
        let crosswalk = REPOSITORY[2].1.replace("to = \"M.1\"", "to = \"M.9\"");
        assert!(codes(2, &crosswalk).len() > seed.len());
    }
}
