//! Ladders as companies already write them (SPEC section 8), shape by shape, through
//! the real binary on fixture projects (`tests/fixtures/shape-*/`): the model each
//! yields, the exact diagnostics, and what the pages, the export and the diff show.

mod site_support;

use assert_cmd::Command;
use site_support::{build_fixture, copy_fixture, fixture, table_rows, text_of, Site};
use std::path::Path;

/// What a run of the binary printed, and how it exited.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ladder(args: &[&str]) -> Run {
    let out = Command::cargo_bin("ladder")
        .expect("the ladder binary is built")
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .args(args)
        .output()
        .expect("ladder runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: text(&out.stdout),
        stderr: text(&out.stderr),
    }
}

/// Asserts that `haystack` holds `needle`, showing the haystack when not.
#[track_caller]
fn has(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "`{needle}` is not in:\n{haystack}"
    );
}

fn check(root: &Path) -> Run {
    let root = root.to_str().expect("UTF-8 path");
    ladder(&["check", "--deny", "warnings", "--root", root])
}

fn export(root: &Path, format: &str) -> String {
    let root = root.to_str().expect("UTF-8 path");
    let r = ladder(&["export", "--format", format, "--root", root]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

fn model(name: &str) -> ladder::model::Ladder {
    let project = ladder::load_project(&fixture(name)).expect("a ladder project");
    assert!(project.diagnostics.is_empty(), "{:?}", project.diagnostics);
    project.ladder
}

// ---------------------------------------------------------------- 8.1 No codes

#[test]
fn levels_without_codes_load_with_no_code() {
    let ladder = model("shape-no-codes");
    let levels: Vec<(&str, &str, Option<&str>, i64)> = ladder
        .levels()
        .map(|(r, l)| {
            (
                ladder.tracks[r.track].id.value.as_str(),
                l.id.value.as_str(),
                l.code(),
                l.band.value,
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            ("engineering", "apprentice-engineer", None, 1),
            ("engineering", "engineer", None, 2),
            ("engineering", "lead-engineer", None, 3),
            ("people", "team-coach", None, 2),
            ("people", "group-coach", None, 3),
            ("support", "support-specialist", Some("S2"), 2),
            ("support", "senior-support-specialist", None, 3),
        ]
    );
}

#[test]
fn levels_without_codes_check_clean() {
    let r = check(&fixture("shape-no-codes"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!(r.stderr, @"ok: 3 tracks, 7 levels, no problems");
}

#[test]
fn a_code_given_twice_is_a_duplicate_but_missing_codes_are_not() {
    let dir = copy_fixture("shape-no-codes");
    let people = dir.path().join("content/people.md");
    let text = std::fs::read_to_string(&people).unwrap();
    // Group Coach takes the support track's code; every other level still has none.
    let text = text.replace("    band: 3\n", "    code: S2\n    band: 3\n");
    std::fs::write(&people, text).unwrap();
    let r = check(dir.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!(r.stderr);
}

#[test]
fn pages_show_the_title_alone_where_there_is_no_code() {
    let built = build_fixture("shape-no-codes", &[]);
    let site = Site::read(built.path());
    site.check_links("/");

    let engineer = site.page("engineering/engineer/index.html");
    has(&engineer, "<title>Engineer · Engineering");
    has(&engineer, "<h1 id=\"title\">Engineer</h1>");
    has(&engineer, "What changes from Apprentice Engineer");
    has(&text_of(&engineer), "inherited from Apprentice Engineer");
    // Previous / next cards name the neighbours by title.
    has(
        &text_of(&engineer),
        "Previous level Apprentice Engineer Next level Lead Engineer",
    );

    // No page has an empty code element or a pair of empty parentheses.
    for (path, bytes) in site.files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        assert!(!html.contains("class=\"code\"></span>"), "{path}");
        assert!(
            !html.contains("class=\"code code-large\"></span>"),
            "{path}"
        );
        assert!(!text_of(&html).contains("()"), "{path}: {}", text_of(&html));
        assert!(!html.contains("()</option>"), "{path}");
    }

    // The home matrix: titles alone, and the one code where it is given.
    let home = site.page("index.html");
    let rows = table_rows(&home, "matrix");
    assert_eq!(
        rows[1..],
        [
            vec![
                "3",
                "Lead Engineer",
                "Group Coach",
                "Senior Support Specialist"
            ],
            vec![
                "2 Practitioner",
                "Engineer",
                "Team Coach",
                "Support Specialist S2"
            ],
            vec![
                "1",
                "Apprentice Engineer",
                "— No level at this band",
                "— No level at this band"
            ],
        ]
    );
    // Track cards name the range by title when there is no code.
    has(
        &text_of(&home),
        "3 levels: Apprentice Engineer to Lead Engineer",
    );

    let band = site.page("compare/2/index.html");
    has(
        &text_of(&band),
        "Engineering Engineer People Leadership Team Coach Support Support Specialist S2 Summary",
    );
    has(
        &text_of(&band),
        "Also holds 2 responsibilities through Apprentice Engineer .",
    );

    let picker = site.page("compare/index.html");
    has(&picker, ">Engineer</option>");
    has(&picker, ">Support Specialist (S2)</option>");

    let search = site.page("data/search.json");
    has(&search, "\"c\":\"Engineering · band 2\"");
    has(&search, "\"c\":\"S2 · Support · band 2\"");
}

#[test]
fn export_gives_a_missing_code_as_null_and_an_empty_cell() {
    let root = fixture("shape-no-codes");
    let json: serde_json::Value = serde_json::from_str(&export(&root, "json")).unwrap();
    let codes: Vec<serde_json::Value> = json["tracks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|t| t["levels"].as_array().into_iter().flatten())
        .map(|l| l["code"].clone())
        .collect();
    assert_eq!(
        codes,
        [
            serde_json::Value::Null,
            serde_json::Value::Null,
            serde_json::Value::Null,
            serde_json::Value::Null,
            serde_json::Value::Null,
            serde_json::json!("S2"),
            serde_json::Value::Null,
        ]
    );
    let csv = export(&root, "csv");
    has(
        &csv,
        "\r\nengineering,Engineering,engineer,Engineer,,2,Practitioner,Summary,",
    );
    has(
        &csv,
        "\r\nsupport,Support,support-specialist,Support Specialist,S2,2,",
    );
}

#[test]
fn the_front_matter_schema_does_not_require_a_code() {
    let r = ladder(&["schema"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let schema: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let level = &schema["properties"]["levels"]["items"];
    assert_eq!(level["required"], serde_json::json!(["title", "band"]));
    assert!(level["properties"]["code"].is_object());
}

#[test]
fn diff_reports_a_code_given_and_a_code_dropped() {
    let old = fixture("shape-no-codes");
    let new = copy_fixture("shape-no-codes");
    let support = new.path().join("content/support.md");
    let text = std::fs::read_to_string(&support).unwrap();
    let text = text.replace("    code: S2\n", "").replace(
        "  - title: Senior Support Specialist\n",
        "  - title: Senior Support Specialist\n    code: S3\n",
    );
    std::fs::write(&support, text).unwrap();
    let (old, new) = (old.to_str().unwrap(), new.path().to_str().unwrap());

    let md = ladder(&["diff", old, new, "--root", new]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    has(
        &md.stdout,
        "#### Support › Support Specialist (band 2)\n\n- Code: ~~S2~~ → *(none)*\n",
    );
    has(
        &md.stdout,
        "#### Support › Senior Support Specialist (S3, band 3)\n\n- Code: *(none)* → **S3**\n",
    );

    let json = ladder(&["diff", old, new, "--root", new, "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["counts"]["levels_recoded"], 2, "{report:#}");
    let support = report["tracks"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["id"] == "support"))
        .expect("the support track changed");
    let changes: Vec<&serde_json::Value> = support["levels"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| &l["code_change"])
        .collect();
    assert_eq!(
        changes,
        [
            &serde_json::json!({ "old": "S2", "new": null }),
            &serde_json::json!({ "old": null, "new": "S3" }),
        ]
    );
}
