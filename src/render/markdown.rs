//! Markdown bodies to safe HTML: CommonMark with GitHub tables, footnotes, task lists and
//! strikethrough (pulldown-cmark), headings given anchor ids, then raw HTML sanitised (ammonia).

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// Renders a Markdown body as sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<Event> = Parser::new_ext(markdown, options).collect();
    let events = with_heading_ids(events);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitizer().clean(&html).to_string()
}

/// Gives every heading without an explicit id one made from its text (`## How it is tested` →
/// `how-it-is-tested`), unique within the document.
fn with_heading_ids(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let text: String = events[i + 1..]
                .iter()
                .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                    _ => None,
                })
                .collect();
            let slug = unique(slug(&text), &mut used);
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(slug));
            }
        }
        i += 1;
    }
    events
}

fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "section".into()
    } else {
        slug.into()
    }
}

fn unique(slug: String, used: &mut HashMap<String, usize>) -> String {
    let count = used.entry(slug.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        slug
    } else {
        format!("{slug}-{count}")
    }
}

/// ammonia's defaults, plus what the Markdown renderer emits: heading anchors, task-list
/// checkboxes and footnote references.
fn sanitizer() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(heading, ["id"]);
    }
    builder
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("div", ["class", "id"])
        .add_tag_attributes("sup", ["class", "id"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("th", ["style"]);
    builder
}

/// Renders a Markdown body as typst markup. Text goes in as string literals, so nothing in it is
/// read as typst; raw HTML is dropped (the PDF has no HTML to sanitise). Markdown headings move up
/// one level: a body's `##` sections are the document's top-level headings.
pub fn to_typst(markdown: &str) -> String {
    use super::pdf::{string, text};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH;
    let mut out = String::new();
    let mut code: Option<String> = None;
    for event in Parser::new_ext(markdown, options) {
        if let Some(block) = code.as_mut() {
            match event {
                Event::End(TagEnd::CodeBlock) => {
                    out.push_str(&format!("#raw(block: true, {})\n\n", string(block)));
                    code = None;
                }
                Event::Text(t) => block.push_str(&t),
                _ => {}
            }
            continue;
        }
        let piece = match event {
            Event::Start(tag) => match tag {
                Tag::Heading { level, .. } => {
                    format!("{} ", "=".repeat((level as usize).saturating_sub(1).max(1)))
                }
                Tag::Emphasis => "#emph[".into(),
                Tag::Strong => "#strong[".into(),
                Tag::Strikethrough => "#strike[".into(),
                Tag::List(None) => "#list(tight: true, ".into(),
                Tag::List(Some(start)) => format!("#enum(tight: true, start: {start}, "),
                Tag::Item | Tag::TableCell => "[".into(),
                Tag::Table(alignments) => format!(
                    "#table(columns: {}, stroke: 0.5pt + luma(170), inset: 5pt, ",
                    alignments.len().max(1)
                ),
                Tag::TableHead => "table.header(".into(),
                Tag::Link { dest_url, .. } => format!("#link({})[", string(&dest_url)),
                Tag::BlockQuote(_) => "#quote(block: true)[".into(),
                Tag::FootnoteDefinition(label) => format!("#block[#super[{}] ", text(&label)),
                Tag::CodeBlock(_) => {
                    code = Some(String::new());
                    String::new()
                }
                _ => String::new(),
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => "\n\n".into(),
                TagEnd::Heading(_) => "\n\n".into(),
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => {
                    "]".into()
                }
                TagEnd::Item | TagEnd::TableCell => "], ".into(),
                TagEnd::TableHead => "), ".into(),
                TagEnd::List(_) | TagEnd::Table => ")\n\n".into(),
                TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition => "]\n\n".into(),
                _ => String::new(),
            },
            Event::Text(t) => text(&t),
            Event::Code(t) => format!("#raw({});", string(&t)),
            Event::SoftBreak => " ".into(),
            Event::HardBreak => "#linebreak();".into(),
            Event::Rule => "#line(length: 100%)\n\n".into(),
            Event::TaskListMarker(done) => text(if done { "☒ " } else { "☐ " }),
            Event::FootnoteReference(label) => format!("#super[{}]", text(&label)),
            _ => String::new(),
        };
        out.push_str(&piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_anchors() {
        let html = to_html("## How it is tested\n\n## How it is tested\n\n## Über `AC-03`!\n");
        assert!(html.contains("<h2 id=\"how-it-is-tested\">"), "{html}");
        assert!(html.contains("<h2 id=\"how-it-is-tested-2\">"), "{html}");
        assert!(html.contains("<h2 id=\"über-ac-03\">"), "{html}");
    }

    #[test]
    fn raw_html_is_sanitised_and_tables_render() {
        let html = to_html(
            "<script>alert(1)</script><img src=x onerror=alert(1)>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n",
        );
        assert!(
            !html.contains("<script") && !html.contains("onerror"),
            "{html}"
        );
        assert!(
            html.contains("<table>") && html.contains("<td>2</td>"),
            "{html}"
        );
        assert!(html.contains("type=\"checkbox\""), "{html}");
    }
}
