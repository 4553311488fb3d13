//! `ladder import` (SPEC 9) on fixtures of each format: the written project checks
//! with `--deny warnings` and builds, the text survives, the summary and the errors
//! for bad sources are reviewed snapshots, a bad source or a non-empty folder leaves
//! nothing behind, and CSV round-trips through `ladder export --format csv`.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn ladder() -> Command {
    let mut cmd = Command::cargo_bin("ladder").expect("the ladder binary");
    cmd.env("NO_COLOR", "1").current_dir(fixtures());
    cmd
}

/// Imports `source` (relative to tests/fixtures) into a fresh folder; returns the
/// output and the folder's parent (kept alive by the caller).
fn import(format: &str, source: &str) -> (std::process::Output, tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    let output = ladder()
        .args(["import", "--from", format, source])
        .arg(&out)
        .output()
        .expect("run ladder import");
    (output, tmp, out)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn export(root: &Path, format: &str) -> String {
    let out = ladder()
        .args(["export", "--format", format, "--root"])
        .arg(root)
        .output()
        .expect("run ladder export");
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn checks_and_builds(root: &Path) {
    ladder()
        .args(["check", "--deny", "warnings", "--root"])
        .arg(root)
        .assert()
        .success();
    ladder()
        .args(["build", "--root"])
        .arg(root)
        .assert()
        .success();
    assert!(root.join("site/index.html").is_file());
}

#[test]
fn each_format_imports_a_project_that_checks_and_builds() {
    for (format, source) in [
        ("csv", "import-csv/ladder.csv"),
        ("ft", "import-ft"),
        ("html", "import-html"),
    ] {
        let (output, _tmp, out) = import(format, source);
        assert!(
            output.status.success(),
            "{format}: {}",
            text(&output.stderr)
        );
        checks_and_builds(&out);
        insta::assert_snapshot!(format!("summary_{format}"), text(&output.stdout));
    }
}

#[test]
fn csv_cells_with_commas_and_line_breaks_survive() {
    let (output, _tmp, out) = import("csv", "import-csv/ladder.csv");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: Value = serde_json::from_str(&export(&out, "json")).expect("json");
    let levels = &json["tracks"][0]["levels"];
    assert_eq!(levels[0]["title"], "Support Engineer, Tier 1");
    assert_eq!(levels[0]["code"], "S1");
    assert_eq!(levels[0]["band_name"], "Entry");
    assert_eq!(
        levels[0]["summary"]["text"],
        "Solves the customer's problem, or finds who can."
    );
    assert_eq!(
        levels[0]["competencies"][0]["text"],
        "Reads logs; writes clear replies. Knows when to escalate, and to whom."
    );
    assert_eq!(
        levels[0]["responsibilities"][1]["text"],
        "Keep the help centre, current and correct"
    );
    assert_eq!(
        levels[1]["competencies"][0]["text"],
        "Finds the bug behind \"it is slow\" and files it with steps."
    );
    assert_eq!(levels[1]["inherits"], "support/s1");
}

#[test]
fn ft_and_html_keep_levels_labels_and_lists() {
    let (_, _tmp, out) = import("ft", "import-ft");
    let json: Value = serde_json::from_str(&export(&out, "json")).expect("json");
    let track = &json["tracks"][0];
    assert_eq!(track["title"], "Platform Engineering");
    assert_eq!(
        track["dimensions"],
        serde_json::json!(["Delivery", "Systems & Reliability", "Working With Others"])
    );
    let lead = &track["levels"][2];
    assert_eq!(lead["band"], 3);
    assert_eq!(lead["competencies"][2]["label"], "Working With Others");
    assert_eq!(
        lead["competencies"][2]["text"],
        "Grows two or more engineers into the next level. Runs the group's design reviews."
    );

    let (_, _tmp2, out) = import("html", "import-html");
    let json: Value = serde_json::from_str(&export(&out, "json")).expect("json");
    let track = &json["tracks"][0];
    assert_eq!(track["title"], "Design Engineering");
    let one = &track["levels"][0];
    assert_eq!(one["title"], "Design Engineer 1");
    assert_eq!(one["competencies"][0]["label"], "Craft");
    assert!(one["competencies"][0]["markdown"]
        .as_str()
        .unwrap_or_default()
        .contains("\n  - empty lists"));
    assert_eq!(
        one["responsibilities"][0]["text"],
        "Own small features end to end"
    );
    assert_eq!(track["levels"][1]["band"], 2);
}

#[test]
fn a_bad_source_is_an_error_with_file_and_line_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join("empty.csv"), "").expect("write");
    std::fs::write(
        tmp.path().join("latin1.csv"),
        b"track,level,level_title,band,competency,text\nt,a,Caf\xe9,1,X,y\n",
    )
    .expect("write");
    let cases = [
        (
            "csv",
            "import-csv-bad/missing-column.csv".to_string(),
            "missing_column",
        ),
        ("ft", "import-ft-bad".to_string(), "ft_unknown_level"),
        ("html", "import-html-bad".to_string(), "html_no_h1"),
        (
            "csv",
            tmp.path().join("empty.csv").display().to_string(),
            "empty_csv",
        ),
        (
            "csv",
            tmp.path().join("latin1.csv").display().to_string(),
            "not_utf8",
        ),
    ];
    for (format, source, name) in cases {
        let (output, _t, out) = import(format, &source);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{name}: {}",
            text(&output.stderr)
        );
        assert!(!out.exists(), "{name}: the folder was written");
        let shown = text(&output.stderr).replace(&tmp.path().display().to_string(), "TMP");
        insta::assert_snapshot!(format!("bad_{name}"), shown);
    }
    let (output, _t, out) = import("csv", "no-such-file.csv");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("cannot read no-such-file.csv"));
    assert!(!out.exists());
}

#[test]
fn a_folder_that_is_not_empty_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join("notes.txt"), "mine").expect("write");
    let output = ladder()
        .args(["import", "--from", "csv", "import-csv/ladder.csv"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("is not empty"));
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("read")
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    assert_eq!(names, ["notes.txt"]);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt"))
            .ok()
            .as_deref(),
        Some("mine")
    );
}

/// Export, import, export again: the same CSV, and the same model.
#[test]
fn csv_round_trips_through_export_and_import() {
    round_trip(Path::new(env!("CARGO_MANIFEST_DIR")));
}

/// A ladder whose item ids are pinned (`ladder ids --write`) keeps them through a
/// spreadsheet: the CSV's `item_ids` column carries every explicit id.
#[test]
fn pinned_item_ids_survive_the_csv_round_trip() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = tmp.path().join("pinned");
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::copy(repo.join("ladder.yaml"), project.join("ladder.yaml")).expect("copy");
    std::fs::create_dir_all(project.join("content")).expect("mkdir");
    for entry in std::fs::read_dir(repo.join("content")).expect("content") {
        let entry = entry.expect("entry");
        std::fs::copy(
            entry.path(),
            project.join("content").join(entry.file_name()),
        )
        .expect("copy");
    }
    ladder()
        .args(["ids", "--write", "--root"])
        .arg(&project)
        .assert()
        .success();
    let (_kept, imported) = round_trip(&project);
    let ids = |json: &str| -> Vec<(String, bool)> {
        let v: serde_json::Value = serde_json::from_str(json).expect("JSON");
        let mut out = Vec::new();
        for t in v["tracks"].as_array().expect("tracks") {
            for l in t["levels"].as_array().expect("levels") {
                for kind in ["competencies", "responsibilities"] {
                    for item in l[kind].as_array().into_iter().flatten() {
                        out.push((
                            format!("{}/{}/{}", t["id"], l["id"], item["id"]),
                            item["id_explicit"] == true,
                        ));
                    }
                }
            }
        }
        out
    };
    let before = ids(&export(&project, "json"));
    assert!(before.len() > 100 && before.iter().all(|(_, explicit)| *explicit));
    assert_eq!(ids(&export(&imported, "json")), before);
}

/// What the CSV carries of each level of an exported `ladder.json`: track and level
/// ids, title, code, band, `inherits`, the summary's text, each competency's label
/// and text, each responsibility's text.
fn carried(json: &str) -> Vec<serde_json::Value> {
    let model: serde_json::Value = serde_json::from_str(json).expect("ladder.json");
    let mut out = Vec::new();
    for track in model["tracks"].as_array().expect("tracks") {
        for level in track["levels"].as_array().expect("levels") {
            let texts = |list: &str, fields: &[&str]| -> Vec<serde_json::Value> {
                level[list]
                    .as_array()
                    .expect("items")
                    .iter()
                    .map(|item| fields.iter().map(|f| item[*f].clone()).collect())
                    .collect()
            };
            out.push(serde_json::json!([
                track["id"],
                level["id"],
                level["title"],
                level["code"],
                level["band"],
                level["inherits"],
                level["summary"]["text"],
                texts("competencies", &["label", "text"]),
                texts("responsibilities", &["text"]),
            ]));
        }
    }
    out
}

/// Export as CSV, import, export again: the same CSV and, imported twice, the same
/// model; and the imported model holds every level of `project` with what the CSV
/// carries of it. Returns the first imported project (in the returned folder).
fn round_trip(project: &Path) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let tmp = dir.path();
    let first = export(project, "csv");
    std::fs::write(tmp.join("first.csv"), &first).expect("write");
    let a = tmp.join("a");
    ladder()
        .args(["import", "--from", "csv"])
        .arg(tmp.join("first.csv"))
        .arg(&a)
        .assert()
        .success();
    let second = export(&a, "csv");
    assert_eq!(first, second);
    std::fs::write(tmp.join("second.csv"), &second).expect("write");
    let b = tmp.join("b");
    ladder()
        .args(["import", "--from", "csv"])
        .arg(tmp.join("second.csv"))
        .arg(&b)
        .assert()
        .success();
    assert_eq!(export(&a, "json"), export(&b, "json"));
    assert_eq!(export(&b, "csv"), first);
    let (original, imported) = (
        carried(&export(project, "json")),
        carried(&export(&a, "json")),
    );
    assert!(original.len() > 10, "{} levels", original.len());
    assert_eq!(imported, original);
    (dir, a)
}
