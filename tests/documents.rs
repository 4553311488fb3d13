//! A job description and a promotion-case template per level (SPEC 10): printed by
//! `ladder export --format job-description|promotion-case --level ID`, published
//! beside each level page, each expectation tied to its item id, and their templates
//! overridable like the site's.

mod site_support;

use assert_cmd::Command;
use site_support::*;
use std::path::Path;

fn example() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn export(root: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("ladder")
        .expect("the ladder binary")
        .arg("export")
        .arg("--root")
        .arg(root)
        .args(args)
        .assert()
}

fn stdout(root: &Path, args: &[&str]) -> String {
    let out = export(root, args).success().get_output().stdout.clone();
    String::from_utf8(out).expect("UTF-8")
}

/// The item ids a document names in its `<!-- item: ID -->` comments.
fn item_ids(doc: &str) -> Vec<String> {
    doc.split("<!-- item: ")
        .skip(1)
        .filter_map(|rest| rest.split_once(" -->").map(|(id, _)| id.to_string()))
        .collect()
}

#[test]
fn the_job_description_of_the_example_ladder() {
    let doc = stdout(
        example(),
        &[
            "--format",
            "job-description",
            "--level",
            "technical/senior-engineer",
        ],
    );
    insta::assert_snapshot!("job_description_senior_engineer", doc);
}

#[test]
fn the_promotion_case_of_a_level_that_inherits() {
    // Engineering Manager inherits the team lead's responsibilities: they are listed
    // after its own, with the level they come from. A code names the level too.
    let doc = stdout(example(), &["--format", "promotion-case", "--level", "M4"]);
    assert!(doc.contains("(from Team Lead / Senior Engineer)"), "{doc}");
    insta::assert_snapshot!("promotion_case_engineering_manager", doc);
}

#[test]
fn the_site_publishes_both_documents_beside_every_level_page() {
    let built = build_project(example(), &["--base-url", "/careers/ladder/"]);
    let site = Site::read(built.path());
    site.check_links("/careers/ladder/");
    let export: serde_json::Value =
        serde_json::from_slice(&site.files["ladder.json"]).expect("ladder.json");
    let mut levels = 0;
    for track in export["tracks"].as_array().expect("tracks") {
        let tid = track["id"].as_str().expect("track id");
        for level in track["levels"].as_array().expect("levels") {
            let lid = level["id"].as_str().expect("level id");
            levels += 1;
            let page = site.page(&format!("{tid}/{lid}/index.html"));
            let on_page = attr_values(&page, "data-item");
            for (doc, format) in [
                ("job-description.md", "job-description"),
                ("promotion-case.md", "promotion-case"),
            ] {
                let path = format!("{tid}/{lid}/{doc}");
                let published = String::from_utf8(site.files[&path].to_vec()).expect("UTF-8");
                let key = format!("{tid}/{lid}");
                assert_eq!(
                    published,
                    stdout(example(), &["--format", format, "--level", &key]),
                    "{path} is what export prints"
                );
                assert!(
                    page.contains(&format!("/careers/ladder/{path}\"")),
                    "the page of {key} links to its {doc}"
                );
                // Every expectation of the document is an item of the level page.
                let ids = item_ids(&published);
                assert!(!ids.is_empty(), "{path} names no item");
                for id in ids {
                    assert!(
                        on_page.contains(&id),
                        "{path} names item {id}, which the level page does not have ({on_page:?})"
                    );
                }
            }
        }
    }
    assert!(levels > 10);
}

/// A copy of the site-basic fixture with `templates/<name>` holding `text`.
fn with_template(name: &str, text: &str) -> tempfile::TempDir {
    let project = copy_fixture("site-basic");
    let templates = project.path().join("templates");
    std::fs::create_dir_all(&templates).expect("templates folder");
    std::fs::write(templates.join(name), text).expect("write the template");
    project
}

#[test]
fn a_project_template_replaces_a_document() {
    let project = with_template(
        "job-description.md",
        "# Join us as {{ level.title }}\n{% for r in responsibilities %}\n* {{ r.text }}{% endfor %}\n",
    );
    let export: serde_json::Value =
        serde_json::from_str(&stdout(project.path(), &["--format", "json"])).expect("json");
    let track = export["tracks"][0]["id"].as_str().expect("a track");
    let level = &export["tracks"][0]["levels"][0];
    let key = format!("{track}/{}", level["id"].as_str().expect("a level"));
    let doc = stdout(
        project.path(),
        &["--format", "job-description", "--level", &key],
    );
    let title = level["title"].as_str().expect("a title");
    assert!(doc.starts_with(&format!("# Join us as {title}\n")), "{doc}");
    // The promotion case still comes from the theme.
    let case = stdout(
        project.path(),
        &["--format", "promotion-case", "--level", &key],
    );
    assert!(case.starts_with("# Promotion case: "), "{case}");
    // And the site publishes the project's version.
    let built = build_project(project.path(), &[]);
    let site = Site::read(built.path());
    let published = String::from_utf8(site.files[&format!("{key}/job-description.md")].to_vec())
        .expect("UTF-8");
    assert_eq!(published, doc);
}

#[test]
fn a_template_error_in_a_document_is_located() {
    let project = with_template(
        "promotion-case.md",
        "# Case\n\n{% for c in competencies %}\n",
    );
    let out = export(
        project.path(),
        &["--format", "promotion-case", "--level", "technical/senior"],
    )
    .code(1)
    .get_output()
    .stderr
    .clone();
    let err = String::from_utf8_lossy(&out);
    // The line and column of the unclosed `for`, as a reader needs to find it.
    assert!(err.contains("templates/promotion-case.md:3:28"), "{err}");
}

#[test]
fn a_level_that_is_missing_or_ambiguous_is_a_usage_error() {
    let out = export(example(), &["--format", "job-description"])
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&out).contains("needs --level ID"),
        "{}",
        String::from_utf8_lossy(&out)
    );
    let out = export(
        example(),
        &["--format", "job-description", "--level", "nobody"],
    )
    .code(2)
    .get_output()
    .stderr
    .clone();
    assert!(
        String::from_utf8_lossy(&out).contains("no level `nobody`"),
        "{}",
        String::from_utf8_lossy(&out)
    );
}

/// Only the document templates are read among the Markdown files of templates/: a
/// README.md there, with `{{` in its text, is not a template and breaks nothing.
#[test]
fn other_markdown_in_templates_is_not_a_template() {
    let project = with_template(
        "README.md",
        "Our overrides. Tera tags look like {{ this and {% that.\n",
    );
    let doc = stdout(
        project.path(),
        &["--format", "job-description", "--level", "technical/senior"],
    );
    assert!(doc.starts_with("# "), "{doc}");
    build_project(project.path(), &[]);
}
