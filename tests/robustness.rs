//! No input makes crosswalk panic: truncated, binary, empty and oversized files are reported and the
//! other files are still checked.

mod common;

use common::{CONTROL, Fixture};
use crosswalk::diag::Code;

#[test]
fn empty_binary_and_oversized_files_are_diagnosed() {
    let f = Fixture::valid();
    f.write("policies/empty.md", "");
    f.write("controls/binary.md", [0x89, b'P', b'N', b'G', 0, 0, 0xff]);
    f.write("evidence/huge.md", vec![b'a'; 9 * 1024 * 1024]);
    f.write("frameworks/empty.toml", "");
    let codes: Vec<(Code, String)> = f.check().into_iter().map(|x| (x.code, x.path)).collect();
    assert!(
        codes.contains(&(Code::FrontMatter, "policies/empty.md".into())),
        "{codes:?}"
    );
    assert!(
        codes.contains(&(Code::UnreadableFile, "controls/binary.md".into())),
        "{codes:?}"
    );
    assert!(
        codes.contains(&(Code::UnreadableFile, "evidence/huge.md".into())),
        "{codes:?}"
    );
    assert!(
        codes
            .iter()
            .any(|(c, p)| *c == Code::MissingKey && p == "frameworks/empty.toml"),
        "{codes:?}"
    );
}

#[test]
fn every_truncation_of_a_control_is_diagnosed_without_panic() {
    let f = Fixture::valid();
    for cut in 0..CONTROL.len() {
        if !CONTROL.is_char_boundary(cut) {
            continue;
        }
        f.write("controls/c-1.md", &CONTROL[..cut]);
        let findings = f.check();
        let complete_front_matter = CONTROL[..cut].matches("+++").count() == 2;
        if !complete_front_matter {
            assert!(!findings.is_empty(), "cut at {cut} passed silently");
        }
    }
}

#[test]
fn every_truncation_of_the_configuration_is_handled() {
    let f = Fixture::valid();
    for cut in 0..common::CONFIG.len() {
        f.write("crosswalk.toml", &common::CONFIG[..cut]);
        let _ = f.check();
    }
}

#[test]
fn garbage_front_matter_values() {
    let f = Fixture::valid();
    let cases = [
        "id = 1\ntitle = []\nowner = {}\nfrequency = 1979-05-27T07:32:00Z\nstatus = true\npolicy = 3.5\nsatisfies = 7",
        "id = \"C-1\"\n[satisfies.mini.deep]\nx = 1",
        "[[id]]\n[[id]]",
        "id = \"\u{202e}C-1\"\ntitle = \"\u{0}\"",
        "id = 99999999999999999999999",
    ];
    for case in cases {
        f.write("controls/c-1.md", format!("+++\n{case}\n+++\n"));
        assert!(!f.check().is_empty(), "{case}");
    }
}
