//! Splitting `+++` TOML front matter from a Markdown body, keeping byte ranges.

use std::ops::Range;

/// Why a document has no usable front matter, and where.
#[derive(Debug, PartialEq, Eq)]
pub struct FrontMatterProblem {
    /// What is wrong.
    pub message: String,
    /// Where (the first line, or the unclosed opening delimiter).
    pub span: Range<usize>,
    /// What to do about it.
    pub help: &'static str,
}

const START_WITH_TOML: &str =
    "start the file with a line `+++`, the TOML front matter, and another line `+++`";

/// Splits a document into the byte range of its TOML front matter and that of its body.
///
/// The front matter sits between a first line of exactly `+++` and the next line of exactly `+++`
/// (a trailing `\r` is allowed, so CRLF files work).
pub fn split_front_matter(text: &str) -> Result<(Range<usize>, Range<usize>), FrontMatterProblem> {
    let mut lines = line_ranges(text);
    let Some(first) = lines.next() else {
        return Err(FrontMatterProblem {
            message: "file is empty: a document needs TOML front matter".into(),
            span: 0..0,
            help: START_WITH_TOML,
        });
    };
    if !is_delimiter(&text[first.clone()]) {
        let line = text[first.clone()].trim_end_matches(['\r', '\n']);
        let span = first.start..first.start + line.len();
        if line.trim_end() == "---" {
            return Err(FrontMatterProblem {
                message: "document starts with `---`: that is YAML front matter, and crosswalk reads TOML front matter between `+++` lines".into(),
                span,
                help: "replace both `---` lines with `+++`, and write each `key: value` as TOML: `key = \"value\"`, lists as `[\"a\", \"b\"]`",
            });
        }
        return Err(FrontMatterProblem {
            message: "document does not start with a `+++` line: TOML front matter is missing"
                .into(),
            span,
            help: START_WITH_TOML,
        });
    }
    let toml_start = first.end;
    for line in lines {
        if is_delimiter(&text[line.clone()]) {
            return Ok((toml_start..line.start, line.end..text.len()));
        }
    }
    Err(FrontMatterProblem {
        message: "front matter is not closed: no second `+++` line".into(),
        span: first.start..first.start + 3,
        help: "end the front matter with a line of exactly `+++`, before the Markdown body",
    })
}

fn is_delimiter(line: &str) -> bool {
    line.trim_end_matches(['\n', '\r']) == "+++"
}

/// Byte ranges of the lines of `text`, each including its line terminator.
fn line_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        let range = start..end;
        start = end;
        Some(range)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lf_and_crlf() {
        let text = "+++\nid = \"A\"\n+++\n# Body\n";
        let (toml, body) = split_front_matter(text).unwrap();
        assert_eq!(&text[toml], "id = \"A\"\n");
        assert_eq!(&text[body], "# Body\n");

        let text = "+++\r\nid = \"A\"\r\n+++\r\nBody";
        let (toml, body) = split_front_matter(text).unwrap();
        assert_eq!(&text[toml], "id = \"A\"\r\n");
        assert_eq!(&text[body], "Body");
    }

    #[test]
    fn closing_line_at_end_of_file_without_newline() {
        let text = "+++\nid = \"A\"\n+++";
        let (toml, body) = split_front_matter(text).unwrap();
        assert_eq!(&text[toml], "id = \"A\"\n");
        assert!(body.is_empty());
    }

    #[test]
    fn reports_missing_and_unclosed() {
        assert_eq!(split_front_matter("").unwrap_err().span, 0..0);
        let missing = split_front_matter("# Title\n").unwrap_err();
        assert_eq!(missing.span, 0..7);
        let unclosed = split_front_matter("+++\nid = 1\n").unwrap_err();
        assert!(unclosed.message.contains("not closed"));
        assert!(split_front_matter("++++\n+++\n").is_err());
    }
}
