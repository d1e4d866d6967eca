//! The project's documentation stands on its own: every relative link in its Markdown files
//! resolves to a file inside the repository, and nothing points outside it.

use std::path::{Component, Path, PathBuf};

fn markdown_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), "target" | ".git" | "node_modules") {
                markdown_files(&path, files);
            }
        } else if name.ends_with(".md") {
            files.push(path);
        }
    }
}

/// The targets of `[text](target)` links.
fn links(text: &str) -> Vec<String> {
    text.match_indices("](")
        .filter_map(|(at, _)| {
            let rest = &text[at + 2..];
            let end = rest.find([')', ' ', '\n'])?;
            Some(rest[..end].to_string())
        })
        .collect()
}

#[test]
fn every_relative_link_stays_inside_the_repository_and_resolves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    markdown_files(root, &mut files);
    let mut broken = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let folder = file.parent().unwrap();
        for link in links(&text) {
            if link.contains("://") || link.starts_with('#') || link.starts_with("mailto:") {
                continue;
            }
            let target = link.split('#').next().unwrap();
            let mut depth = folder.strip_prefix(root).unwrap().components().count() as i64;
            let mut inside = true;
            for component in Path::new(target).components() {
                match component {
                    Component::ParentDir => depth -= 1,
                    Component::Normal(_) => depth += 1,
                    Component::RootDir | Component::Prefix(_) => inside = false,
                    Component::CurDir => {}
                }
                inside &= depth >= 0;
            }
            let shown = file.strip_prefix(root).unwrap().display();
            if !inside {
                broken.push(format!("{shown}: `{link}` leaves the repository"));
            } else if !folder.join(target).exists() {
                broken.push(format!("{shown}: `{link}` does not exist"));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn nothing_names_a_folder_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    markdown_files(root, &mut files);
    files.push(root.join("src/lib.rs"));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains("../shared"),
            "{} refers to ../shared, which users do not have",
            file.display()
        );
    }
}
