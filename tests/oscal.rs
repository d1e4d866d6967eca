//! OSCAL in and out: exports validated against the official OSCAL 1.2.1 schemas (`tests/oscal/`),
//! and imports of small OSCAL files made here, each validated against its schema first.

mod common;

use common::{AS_OF, Fixture, stdout};
use serde_json::{Value, json};

fn schema(name: &str) -> jsonschema::Validator {
    let path = format!(
        "{}/tests/oscal/oscal_{name}_schema.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(name: &str, value: &Value) {
    let validator = schema(name);
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
}

/// The valid fixture with ISO 27001 in scope: C-1 claims a clause (`6.1.3`) and an Annex A control.
fn with_iso() -> Fixture {
    let f = Fixture::valid();
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n[frameworks.iso27001]\n[frameworks.iso27001.excluded]\n\"A.7.5\" = \"No premises of our own.\"\n",
    );
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\", \"M.2\"]\niso27001 = [\"6.1.3\", \"A.5.18\"]",
    );
    f
}

fn export(f: &Fixture, model: &str) -> Value {
    let output = f.run(&["export", "oscal", "--model", model, "--as-of", AS_OF]);
    serde_json::from_str(&stdout(&output)).unwrap()
}

#[test]
fn the_component_definition_is_valid_oscal_with_stable_uuids() {
    let f = with_iso();
    let value = export(&f, "component-definition");
    assert_valid("component", &value);
    let definition = &value["component-definition"];
    assert_eq!(definition["metadata"]["oscal-version"], "1.2.1");
    let component = &definition["components"][0];
    assert_eq!(component["title"], "C-1 Access review");
    assert_eq!(component["type"], "process-procedure");
    assert_eq!(component["description"], "Alice reviews access.");
    let implementations = component["control-implementations"].as_array().unwrap();
    let iso = implementations
        .iter()
        .find(|i| i["description"] == "How C-1 meets ISO/IEC 27001:2022.")
        .unwrap();
    let ids: Vec<&str> = iso["implemented-requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["control-id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["req-6.1.3", "a.5.18"],
        "OSCAL tokens start with a letter"
    );
    // The schema is really applied: the id as the catalog writes it is not an OSCAL token.
    let mut raw = value.clone();
    raw["component-definition"]["components"][0]["control-implementations"][0]["implemented-requirements"]
        [0]["control-id"] = json!("6.1.3");
    assert!(!schema("component").is_valid(&raw));
    let props = &iso["implemented-requirements"][0]["props"];
    assert_eq!(props[0]["value"], "6.1.3", "the catalog's id is kept");
    assert_eq!(props[1]["value"], "implemented");
    // The same repository exports the same bytes; a UUID is derived from ids, not drawn.
    let again = export(&f, "component-definition");
    assert_eq!(value, again);
    f.edit(
        "controls/c-1.md",
        "Alice reviews access.",
        "Alice reviews access monthly.",
    );
    let changed = export(&f, "component-definition");
    assert_eq!(
        changed["component-definition"]["components"][0]["uuid"],
        component["uuid"]
    );
}

#[test]
fn the_ssp_is_valid_oscal_and_does_not_hide_what_nothing_claims() {
    let f = with_iso();
    let value = export(&f, "ssp");
    assert_valid("ssp", &value);
    let plan = &value["system-security-plan"];
    assert_eq!(plan["system-characteristics"]["system-name"], "Test Co");
    let components = plan["system-implementation"]["components"]
        .as_array()
        .unwrap();
    assert_eq!(components[0]["type"], "this-system");
    assert_eq!(components[1]["title"], "C-1 Access review");
    let requirements = plan["control-implementation"]["implemented-requirements"]
        .as_array()
        .unwrap();
    let find = |id: &str| {
        requirements
            .iter()
            .find(|r| r["props"][0]["value"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let a518 = find("A.5.18");
    assert_eq!(
        a518["by-components"][0]["component-uuid"],
        components[1]["uuid"]
    );
    assert_eq!(
        a518["by-components"][0]["implementation-status"]["state"],
        "implemented"
    );
    let excluded = find("A.7.5");
    assert_eq!(
        excluded["by-components"][0]["implementation-status"]["state"],
        "not-applicable"
    );
    assert_eq!(
        excluded["by-components"][0]["description"],
        "No premises of our own."
    );
    // Items of a claimed clause are covered through it, but only claims are listed as
    // implementations; what nothing claims is counted in the description.
    assert!(
        requirements
            .iter()
            .all(|r| r["props"][0]["value"] != "6.1.3.a")
    );
    let description = plan["control-implementation"]["description"]
        .as_str()
        .unwrap();
    assert!(
        description.contains("requirements in scope are claimed by no control and not excluded"),
        "{description}"
    );
    // M.1, M.2, 6.1.3, A.5.18, A.7.5 are listed.
    assert_eq!(requirements.len(), 5);
}

/// A small catalog in the shape NIST publishes: families with controls and enhancements, a
/// withdrawn control, and a CSF-like nested group.
fn oscal_catalog() -> Value {
    let label = |v: &str| json!([{"name": "label", "value": v}]);
    json!({"catalog": {
        "uuid": "74c8ba1e-5cd4-4ad1-bbfd-d888e2f6c724",
        "metadata": {
            "title": "Small Security Controls",
            "last-modified": "2026-01-01T00:00:00Z",
            "version": "5.1",
            "oscal-version": "1.2.1"
        },
        "groups": [
            {"id": "ac", "class": "family", "title": "Access Control", "controls": [
                {"id": "ac-1", "class": "SP800-53", "title": "Policy and Procedures", "props": label("AC-1")},
                {"id": "ac-2", "class": "SP800-53", "title": "Account Management", "props": [
                    {"name": "label", "value": "AC-2"},
                    {"name": "label", "class": "zero-padded", "value": "AC-02"}
                ], "controls": [
                    {"id": "ac-2.1", "class": "SP800-53-enhancement", "title": "Automated Account Management", "props": label("AC-2(1)")}
                ]},
                {"id": "ac-3", "class": "SP800-53", "title": "Old Control", "props": [
                    {"name": "label", "value": "AC-3"},
                    {"name": "status", "value": "withdrawn"}
                ]}
            ]},
            {"id": "gv", "title": "Govern", "groups": [
                {"id": "gv.oc", "title": "Organizational Context", "props": label("GV.OC"), "controls": [
                    {"id": "gv.oc-01", "title": "Mission understood", "props": label("GV.OC-01")}
                ]}
            ]}
        ]
    }})
}

#[test]
fn an_oscal_catalog_becomes_a_catalog_with_its_hierarchy() {
    let f = Fixture::valid();
    let catalog = oscal_catalog();
    assert_valid("catalog", &catalog);
    let file = f.path("small.json");
    std::fs::write(&file, catalog.to_string()).unwrap();
    let output = f.run(&[
        "import",
        "oscal-catalog",
        file.to_str().unwrap(),
        "--id",
        "small",
    ]);
    let text = common::output_text(&output);
    assert!(text.contains("imported 5 requirements"), "{text}");
    assert!(text.contains("1 withdrawn controls left out"), "{text}");
    assert!(
        text.contains("add `[frameworks.small]` to crosswalk.toml"),
        "{text}"
    );
    let written = f.read("frameworks/small.toml");
    for expected in [
        "id = \"small\"",
        "version = \"5.1\"",
        "id = \"AC-2(1)\"\ntitle = \"Automated Account Management\"\ngroup = \"ac\"\nparent = \"AC-2\"\naliases = [\"ac-2.1\"]",
        "aliases = [\"ac-2\", \"AC-02\"]",
        "id = \"GV.OC-01\"\ntitle = \"Mission understood\"\ngroup = \"gv\"\nparent = \"GV.OC\"",
    ] {
        assert!(written.contains(expected), "{expected}\n---\n{written}");
    }
    assert!(!written.contains("AC-3"), "withdrawn");
    // The written catalog is valid: it checks, and references in OSCAL's own ids resolve to it.
    f.edit(
        "crosswalk.toml",
        "[frameworks.mini]\n",
        "[frameworks.mini]\n[frameworks.small]\n",
    );
    f.edit(
        "controls/c-1.md",
        "mini = [\"M.1\", \"M.2\"]",
        "mini = [\"M.1\", \"M.2\"]\nsmall = [\"AC-1\", \"ac-2\", \"AC-2(1)\", \"GV.OC\"]",
    );
    let findings = f.check();
    let codes: Vec<_> = findings.iter().map(|x| x.code).collect();
    assert!(
        codes
            .iter()
            .all(|c| matches!(c, crosswalk::diag::Code::RequirementAlias)),
        "{findings:#?}"
    );
    assert_eq!(codes.len(), 1, "`ac-2` is an alias of AC-2: {findings:#?}");
    let tree = stdout(&f.run(&["frameworks", "show", "small"]));
    assert!(tree.contains("\n    AC-2(1)"), "{tree}");
    // Never over a catalog that is there.
    let again = f.run(&[
        "import",
        "oscal-catalog",
        file.to_str().unwrap(),
        "--id",
        "small",
    ]);
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn an_oscal_mapping_becomes_a_crosswalk() {
    let f = Fixture::valid();
    let file = f.path("small.json");
    std::fs::write(&file, oscal_catalog().to_string()).unwrap();
    stdout(&f.run(&[
        "import",
        "oscal-catalog",
        file.to_str().unwrap(),
        "--id",
        "small",
    ]));
    let item = |id: &str| json!({"type": "control", "id-ref": id});
    let map = |uuid: &str, relationship: &str, sources: Value, targets: Value| json!({"uuid": uuid, "relationship": relationship, "sources": sources, "targets": targets});
    let mapping = json!({"mapping-collection": {
        "uuid": "0b0c3c63-4d27-4f39-a9d0-3e8e0f8b1a70",
        "metadata": {
            "title": "Small to Mini",
            "last-modified": "2026-01-01T00:00:00Z",
            "version": "1",
            "oscal-version": "1.2.1"
        },
        "provenance": {
            "method": "human",
            "matching-rationale": "semantic",
            "status": "complete",
            "mapping-description": "A test mapping."
        },
        "mappings": [{
            "uuid": "9c2a4a8e-5f49-4a8e-8a57-4b5b4e3b7f1d",
            "source-resource": {"type": "catalog", "href": "small.json"},
            "target-resource": {"type": "catalog", "href": "mini.json"},
            "maps": [
                map("3f1b6a4e-8f0a-4d5c-9b7e-1a2b3c4d5e6f", "subset-of", json!([item("ac-2.1")]), json!([item("M.2")])),
                map("4a2c7b5f-9a1b-4e6d-8c8f-2b3c4d5e6f70", "intersects-with", json!([item("ac-1")]), json!([item("M.1"), item("M.9")])),
                map("5b3d8c6a-0b2c-4f7e-9d9a-3c4d5e6f7081", "no-relationship", json!([item("ac-2")]), json!([item("M.1")]))
            ]
        }]
    }});
    assert_valid("mapping", &mapping);
    let file = f.path("map.json");
    std::fs::write(&file, mapping.to_string()).unwrap();
    let output = f.run(&[
        "import",
        "oscal-mapping",
        file.to_str().unwrap(),
        "--from",
        "small",
        "--to",
        "mini",
    ]);
    let text = common::output_text(&output);
    assert_eq!(output.status.code(), Some(1), "M.9 is reported: {text}");
    assert!(
        text.contains("mappings[0].maps[1]: `M.9` is not a requirement of Mini Standard; left out"),
        "{text}"
    );
    assert!(
        text.contains("1 `no-relationship` entries left out"),
        "{text}"
    );
    let crosswalk = f.read("frameworks/small-mini.crosswalk.toml");
    for expected in [
        "from = \"small\"\nto = \"mini\"",
        "from = \"AC-2(1)\"\nto = \"M.2\"\ntype = \"subset\"\nsource = \"published\"",
        "from = \"AC-1\"\nto = \"M.1\"\ntype = \"intersect\"",
    ] {
        assert!(crosswalk.contains(expected), "{expected}\n---\n{crosswalk}");
    }
    // The crosswalk written is one `check` accepts.
    let findings = f.check();
    assert!(
        findings.iter().all(|x| !matches!(
            x.code,
            crosswalk::diag::Code::UnknownRequirement | crosswalk::diag::Code::UnknownFramework
        )),
        "{findings:#?}"
    );
    let missing = f.run(&[
        "import",
        "oscal-mapping",
        file.to_str().unwrap(),
        "--from",
        "small",
    ]);
    assert_eq!(missing.status.code(), Some(2));
}

/// The example company's own exports (this repository's root, with its history) are valid OSCAL.
#[test]
fn the_example_exports_are_valid_oscal() {
    let root = env!("CARGO_MANIFEST_DIR");
    for (model, schema_name) in [("component-definition", "component"), ("ssp", "ssp")] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_crosswalk"))
            .args(["-C", root, "export", "oscal", "--model", model])
            .output()
            .unwrap();
        let value: Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_valid(schema_name, &value);
    }
}
