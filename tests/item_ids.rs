//! Item ids (SPEC 10): `{#id}` in the Markdown, ids on level pages and in diff,
//! `ladder ids --write`, and the "Suggest a change" links of `edit_url`.

mod site_support;

use assert_cmd::Command;
use site_support::{build_project, copy_fixture, Site};
use std::path::Path;

fn ladder(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("ladder")
        .expect("the ladder binary")
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("run ladder");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const TRACK: &str = "---\ntitle: T\nlevels:\n  - {title: A, band: 1}\n  - {title: B, band: 2, inherits: a}\n---\n\n\
## A\n\n**Mentoring:** Helps one peer. {#coaching}\n\n**Scope:** A team.\n\n\
**Responsibilities:**\n\n- Fixes bugs in their area\n- Writes tests {#tests}\n\n\
## B\n\n### Scope\n\nA group.\n\n**Responsibilities:**\n\n- Plans the quarter's work\n";

fn project(track: &str, yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("content")).expect("mkdir");
    std::fs::write(dir.path().join("content/t.md"), track).expect("write");
    std::fs::write(dir.path().join("ladder.yaml"), yaml).expect("write");
    dir
}

#[test]
fn level_pages_carry_item_ids_and_the_written_id_is_not_shown() {
    let p = project(TRACK, "title: X\n");
    let out = build_project(p.path(), &[]);
    let site = Site::read(out.path());
    let a = site.page("t/a/index.html");
    assert!(
        a.contains("<section class=\"competency\" data-item=\"coaching\">"),
        "{a}"
    );
    assert!(
        a.contains("<section class=\"competency\" data-item=\"scope\">"),
        "{a}"
    );
    assert!(
        a.contains("<li id=\"r-fixes-bugs-in-their\" data-item=\"fixes-bugs-in-their\">"),
        "{a}"
    );
    assert!(
        a.contains("<li id=\"r-tests\" data-item=\"tests\">Writes tests</li>"),
        "{a}"
    );
    assert!(!a.contains("{#"), "{a}");
    let b = site.page("t/b/index.html");
    assert!(b.contains("<li id=\"r-plans-the-quarters-work\""), "{b}");
    assert!(
        b.contains("<li class=\"inherited\" data-item=\"t/a/tests\">"),
        "{b}"
    );
    // Not set: no "Suggest a change" anywhere.
    assert!(!b.contains("Suggest a change"), "{b}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("ladder.json")).unwrap())
            .unwrap();
    assert_eq!(json["schema_version"], 4);
    let level = &json["tracks"][0]["levels"][0];
    assert_eq!(level["competencies"][0]["id"], "coaching");
    assert_eq!(level["competencies"][0]["id_explicit"], true);
    assert_eq!(level["competencies"][0]["text"], "Helps one peer.");
    assert_eq!(level["responsibilities"][0]["id"], "fixes-bugs-in-their");
    assert_eq!(level["responsibilities"][0]["id_explicit"], false);
}

#[test]
fn a_bad_or_repeated_item_id_is_a_located_error() {
    let track = TRACK
        .replace("{#tests}", "{#coaching}")
        .replace("A team.", "A team. {#Bad.Id}");
    let p = project(&track, "title: X\n");
    let (code, _, err) = ladder(p.path(), &["check"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("error[duplicate-id]: level `a` has two items with the id `coaching`"),
        "{err}"
    );
    assert!(err.contains("content/t.md:17:16"), "{err}");
    assert!(err.contains("item id `Bad.Id` is not a valid id"), "{err}");
    assert!(err.contains("content/t.md:12:20"), "{err}");
}

#[test]
fn edit_and_feedback_links_are_filled_in() {
    let yaml = "title: X\nedit_url: https://git.example/edit/main/{path}#L{line}\nfeedback_url: https://git.example/new?title={track}%2F{level}%2F{item}\n";
    let p = project(TRACK, yaml);
    let out = build_project(p.path(), &[]);
    let site = Site::read(out.path());
    let a = site.page("t/a/index.html");
    assert!(a.contains("<p class=\"suggest\"><a href=\"https://git.example/edit/main/content/t.md#L8\">Suggest a change</a> · <a href=\"https://git.example/new?title=t%2Fa%2F\">Give feedback</a></p>"), "{a}");
    assert!(a.contains("<a href=\"https://git.example/edit/main/content/t.md#L10\" aria-label=\"Suggest a change to Mentoring\">Suggest a change</a>"), "{a}");
    assert!(a.contains("<a href=\"https://git.example/new?title=t%2Fa%2Fcoaching\" aria-label=\"Give feedback on Mentoring\">Give feedback</a>"), "{a}");
    assert!(a.contains("Writes tests <a class=\"suggest\" href=\"https://git.example/edit/main/content/t.md#L17\" aria-label=\"Suggest a change to: Writes tests\">Suggest a change</a>"), "{a}");
    // An inherited item links to where it is written.
    let b = site.page("t/b/index.html");
    assert!(
        b.contains("<a class=\"suggest\" href=\"https://git.example/new?title=t%2Fa%2Ftests\""),
        "{b}"
    );

    let bad = project(TRACK, "edit_url: https://git.example/{file}\n");
    let (code, _, err) = ladder(bad.path(), &["check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("unknown placeholder `{file}`") && err.contains("ladder.yaml:1:11"),
        "{err}"
    );
}

#[test]
fn ids_write_pins_the_ids_and_changes_nothing_else() {
    let p = copy_fixture("site-basic");
    let before = build_project(p.path(), &[]);
    let old_text = std::fs::read_to_string(p.path().join("content/technical.md")).unwrap();
    let (code, out, _) = ladder(p.path(), &["ids", "--check"]);
    assert_eq!(code, 1, "{out}");
    let (code, out, err) = ladder(p.path(), &["ids", "--write"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("pinned "), "{out}");
    let new_text = std::fs::read_to_string(p.path().join("content/technical.md")).unwrap();
    assert_ne!(old_text, new_text);
    // Only ` {#...}`s were added.
    let mut stripped = new_text.clone();
    while let Some(i) = stripped.find(" {#") {
        let end = stripped[i..].find('}').unwrap() + i + 1;
        stripped.replace_range(i..end, "");
    }
    assert_eq!(stripped, old_text);
    // Idempotent, and now every id is pinned.
    let (code, out, _) = ladder(p.path(), &["ids", "--write"]);
    assert_eq!((code, out.as_str()), (0, "pinned 0 ids in 0 files\n"));
    let (code, _, _) = ladder(p.path(), &["ids", "--check"]);
    assert_eq!(code, 0);
    // The site reads the same; only ladder.json says the ids are now written.
    let after = build_project(p.path(), &[]);
    let (b, a) = (Site::read(before.path()), Site::read(after.path()));
    for (path, bytes) in &b.files {
        if path != "ladder.json" {
            assert!(a.files.get(path) == Some(bytes), "{path} changed");
        }
    }
}

#[test]
fn ids_refuse_a_project_with_errors() {
    let p = project(&TRACK.replace("{#tests}", "{#coaching}"), "title: X\n");
    let (code, _, err) = ladder(p.path(), &["ids", "--write"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("duplicate-id"), "{err}");
    assert_eq!(
        std::fs::read_to_string(p.path().join("content/t.md")).unwrap(),
        TRACK.replace("{#tests}", "{#coaching}")
    );
}

#[test]
fn diff_follows_an_item_by_its_id() {
    let base = tempfile::tempdir().expect("temp dir");
    let new_track = TRACK
        .replace(
            "Writes tests {#tests}",
            "Keeps the suite green and fast {#tests}",
        )
        .replace(
            "Fixes bugs in their area",
            "Fixes bugs in their area quickly",
        );
    for (name, text) in [("old", TRACK.to_string()), ("new", new_track)] {
        let root = base.path().join(name);
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("content/t.md"), text).unwrap();
    }
    let out = Command::cargo_bin("ladder")
        .unwrap()
        .current_dir(base.path())
        .args(["diff", "old", "new", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let level = &report["tracks"][0]["levels"][0];
    let resp = level["responsibilities"]
        .as_array()
        .expect("responsibilities");
    let by_id = |id: &str| {
        resp.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id}: {resp:?}"))
    };
    let tests = by_id("tests");
    assert_eq!(tests["status"], "changed", "{resp:?}");
    assert_eq!(tests["class"], "minor");
    assert_eq!(tests["old_text"], "Writes tests");
    assert_eq!(by_id("fixes-bugs-in-their")["status"], "changed");
    assert_eq!(resp.len(), 2, "{resp:?}");
}
