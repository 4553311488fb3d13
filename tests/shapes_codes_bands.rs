//! Ladders as companies already write them (SPEC section 8), the shapes that reach past
//! the front end into every back end: levels without codes (8.1) and a level spanning
//! grades (8.8). Through the real binary on fixture projects (`tests/fixtures/shape-*/`):
//! the model each yields, the exact diagnostics, and what the pages, the export and the
//! diff show. (tests/shapes.rs holds the shapes of the front end alone.)

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

/// `ladder check --deny warnings` on the project at `root`, expecting exit `code`:
/// what it printed.
fn checked(root: &Path, code: i32) -> String {
    let r = check(root);
    assert_eq!(r.code, code, "{}", r.stderr);
    r.stderr
}

/// [`checked`] on fixture `name`.
fn check_fixture(name: &str, code: i32) -> String {
    checked(&fixture(name), code)
}

/// A copy of fixture `name` with `edit` applied to its file `content/FILE`.
fn edited(name: &str, file: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = copy_fixture(name);
    let path = dir.path().join("content").join(file);
    let text = std::fs::read_to_string(&path).expect("the fixture's file");
    std::fs::write(&path, edit(text)).expect("write the copy");
    dir
}

/// Fixture `name` built into a site whose every link resolves.
fn built_site(name: &str) -> Site {
    let built = build_fixture(name, &[]);
    let site = Site::read(built.path());
    site.check_links("/");
    site
}

/// `ladder diff OLD NEW` of two project folders, in `format`.
fn diff(old: &str, new: &str, format: &str) -> String {
    let r = ladder(&["diff", old, new, "--root", new, "--format", format]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
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

/// The clean fixtures: levels without codes (8.1), and a level spanning two bands
/// where the other track has a level at each (8.8: no band-gap, no band-order).
#[test]
fn shape_fixtures_check_clean() {
    let no_codes = check_fixture("shape-no-codes", 0);
    insta::assert_snapshot!(no_codes, @"ok: 3 tracks, 7 levels, no problems");
    let spanning = check_fixture("shape-spanning-band", 0);
    insta::assert_snapshot!(spanning, @"ok: 2 tracks, 6 levels, no problems");
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
fn a_code_given_twice_is_a_duplicate_but_missing_codes_are_not() {
    // Group Coach takes the support track's code; every other level still has none.
    let dir = edited("shape-no-codes", "people.md", |text| {
        text.replace("    band: 3\n", "    code: S2\n    band: 3\n")
    });
    insta::assert_snapshot!(checked(dir.path(), 1));
}

#[test]
fn pages_show_the_title_alone_where_there_is_no_code() {
    let site = built_site("shape-no-codes");

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
    let new = edited("shape-no-codes", "support.md", |text| {
        text.replace("    code: S2\n", "").replace(
            "  - title: Senior Support Specialist\n",
            "  - title: Senior Support Specialist\n    code: S3\n",
        )
    });
    let (old, new) = (old.to_str().unwrap(), new.path().to_str().unwrap());

    let md = diff(old, new, "markdown");
    has(
        &md,
        "#### Support › Support Specialist (band 2)\n\n- Code: ~~S2~~ → *(none)* — **minor**\n",
    );
    has(
        &md,
        "#### Support › Senior Support Specialist (S3, band 3)\n\n- Code: *(none)* → **S3** — **minor**\n",
    );

    let report: serde_json::Value = serde_json::from_str(&diff(old, new, "json")).unwrap();
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

// ---------------------------------------------------- 8.8 A level spanning grades

/// `track/level` of each level in `refs`.
fn keys(ladder: &ladder::model::Ladder, refs: &[ladder::model::LevelRef]) -> Vec<String> {
    refs.iter().map(|&r| ladder.level_key(r)).collect()
}

#[test]
fn a_level_spanning_bands_sits_at_each_of_them() {
    let ladder = model("shape-spanning-band");
    let senior = ladder
        .levels()
        .find(|(_, l)| l.id.value == "senior-engineer")
        .map(|(r, _)| r)
        .expect("the senior level");
    let level = ladder.level(senior);
    assert_eq!((level.band.value, level.band_high), (4, Some(5)));
    assert_eq!(level.bands().collect::<Vec<_>>(), [4, 5]);
    assert_eq!(level.band_label(), "4–5");

    let rows: Vec<(i64, Vec<String>)> = ladder
        .bands
        .iter()
        .map(|(&band, refs)| (band, keys(&ladder, refs)))
        .collect();
    assert_eq!(
        rows,
        [
            (3, vec!["engineering/engineer".to_string()]),
            (
                4,
                vec![
                    "engineering/senior-engineer".to_string(),
                    "management/team-lead".to_string()
                ]
            ),
            (
                5,
                vec![
                    "engineering/senior-engineer".to_string(),
                    "management/engineering-manager".to_string()
                ]
            ),
            (
                6,
                vec![
                    "engineering/principal-engineer".to_string(),
                    "management/director".to_string()
                ]
            ),
        ]
    );

    let peers = |key: &str| {
        let (r, _) = ladder
            .levels()
            .find(|(r, _)| ladder.level_key(*r) == key)
            .expect("a level");
        keys(&ladder, &ladder.band_peers(r).collect::<Vec<_>>())
    };
    assert_eq!(
        peers("engineering/senior-engineer"),
        ["management/team-lead", "management/engineering-manager"]
    );
    assert_eq!(
        peers("management/engineering-manager"),
        ["engineering/senior-engineer"]
    );
    assert_eq!(
        peers("management/team-lead"),
        ["engineering/senior-engineer"]
    );
}

#[test]
fn band_gap_counts_a_spanning_level_at_each_of_its_bands() {
    let root = fixture("shape-spanning-band-gap-fires");
    let r = ladder(&["check", "--root", root.to_str().expect("UTF-8 path")]);
    assert_eq!(r.code, 0, "a warning: {}", r.stderr);
    insta::assert_snapshot!(r.stderr);
}

#[test]
fn band_order_refuses_overlapping_ranges() {
    insta::assert_snapshot!(check_fixture("shape-spanning-band-order-fires", 1));
}

#[test]
fn a_band_range_must_be_two_integers_going_up() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir(&content).unwrap();
    let track = |levels: &str| {
        let sections: String = ["A", "B", "C"]
            .iter()
            .map(|t| format!("\n## {t}\n\nText.\n"))
            .collect();
        format!("---\ntitle: T\nlevels:\n{levels}---\n{sections}")
    };
    // Ranges that do not go up or are too wide: each is reported where it is written.
    std::fs::write(
        content.join("t.md"),
        track(
            "  - {title: A, band: [5, 4]}\n  - {title: B, band: [6, 6]}\n  - {title: C, band: [7, 70]}\n",
        ),
    )
    .unwrap();
    insta::assert_snapshot!("band_range_going_down", checked(dir.path(), 1));

    // Lists of other lengths.
    std::fs::write(
        content.join("t.md"),
        track("  - {title: A, band: [1, 2, 3]}\n  - {title: B, band: [7]}\n  - {title: C, band: []}\n"),
    )
    .unwrap();
    insta::assert_snapshot!("band_range_lengths", checked(dir.path(), 1));
}

#[test]
fn pages_show_a_spanning_level_in_both_rows_and_on_both_band_pages() {
    let site = built_site("shape-spanning-band");

    let home = site.page("index.html");
    let rows = table_rows(&home, "matrix");
    assert_eq!(
        rows[1..],
        [
            vec!["6", "Principal Engineer IC6", "Director M6"],
            vec!["5 Staff", "Senior Engineer IC4-5", "Engineering Manager M5"],
            vec!["4 Senior", "Senior Engineer IC4-5", "Team Lead M4"],
            vec!["3", "Engineer IC3", "— No level at this band"],
        ]
    );

    for (band, peer) in [(4, "Team Lead"), (5, "Engineering Manager")] {
        let page = text_of(&site.page(&format!("compare/{band}/index.html")));
        has(
            &page,
            &format!("Label Engineering Senior Engineer IC4-5 Management {peer}"),
        );
        assert!(!page.contains("No level at this band on"), "{page}");
    }

    let senior = site.page("engineering/senior-engineer/index.html");
    has(
        &senior,
        "<dt>Band</dt><dd><a href=\"/compare/4/\">4</a>–<a href=\"/compare/5/\">5</a> · Senior–Staff</dd>",
    );
    // Its peers at both bands, and a way to either band page.
    has(
        &text_of(&senior),
        "Management Team Lead M4 Management Engineering Manager M5 Compare band 4 or band 5 label by label.",
    );
    let manager = text_of(&site.page("management/engineering-manager/index.html"));
    has(
        &manager,
        "Same band on other tracks # Engineering Senior Engineer IC4-5",
    );

    // The track page's level header.
    let track = site.page("engineering/index.html");
    has(
        &track,
        "Band <a href=\"/compare/4/\">4</a>–<a href=\"/compare/5/\">5</a>",
    );

    let search = site.page("data/search.json");
    has(&search, "\"c\":\"IC4-5 · Engineering · band 4–5\"");
    let picker = site.page("data/levels.json");
    has(&picker, "\"band\":4,\"band_high\":5,");
    assert_eq!(picker.matches("band_high").count(), 1, "{picker}");
}

#[test]
fn export_gives_the_range_of_a_spanning_level() {
    let root = fixture("shape-spanning-band");
    let json: serde_json::Value = serde_json::from_str(&export(&root, "json")).unwrap();
    let levels: Vec<(serde_json::Value, serde_json::Value)> = json["tracks"][0]["levels"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            (
                l["band"].clone(),
                l.get("band_high").cloned().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            (serde_json::json!(3), serde_json::Value::Null),
            (serde_json::json!(4), serde_json::json!(5)),
            (serde_json::json!(6), serde_json::Value::Null),
        ]
    );
    assert_eq!(
        json["bands"][1],
        serde_json::json!({
            "band": 5,
            "name": "Staff",
            "levels": ["engineering/senior-engineer", "management/engineering-manager"],
        })
    );
    let csv = export(&root, "csv");
    has(
        &csv,
        "\r\nengineering,Engineering,senior-engineer,Senior Engineer,IC4-5,4–5,Senior,Summary,",
    );

    let r = ladder(&["schema"]);
    let schema: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let band = &schema["properties"]["levels"]["items"]["properties"]["band"];
    assert_eq!(band["oneOf"][0]["type"], "integer", "{band}");
    assert_eq!(band["oneOf"][1]["minItems"], 2, "{band}");
}

#[test]
fn diff_reports_a_level_that_comes_to_span_bands() {
    let old = fixture("shape-spanning-band");
    let new = edited("shape-spanning-band", "engineering.md", |text| {
        text.replace("band: [4, 5]", "band: 4")
    });
    let (old, new) = (old.to_str().unwrap(), new.path().to_str().unwrap());

    has(
        &diff(old, new, "markdown"),
        "#### Engineering › Senior Engineer (IC4-5, band 4)\n\n- Band: ~~4–5~~ → **4** — **major**\n",
    );
    // And back: the old side is the single band.
    let report: serde_json::Value = serde_json::from_str(&diff(new, old, "json")).unwrap();
    let level = &report["tracks"][0]["levels"][0];
    assert_eq!(level["band"], serde_json::json!([4, 5]), "{report:#}");
    assert_eq!(
        level["band_change"],
        serde_json::json!({ "old": 4, "new": [4, 5] })
    );
}
