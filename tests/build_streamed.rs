//! `ladder build` writes each file as it is rendered (`render::build_site`) instead of
//! rendering the whole site in memory first (`render::render_site`, which `serve`
//! keeps). These tests hold the two to the same bytes, file for file: on the example
//! ladder, on a fixture with content assets and project static files (one of which
//! replaces a page), and on a generated ladder of 1,000 levels.

#[allow(dead_code)]
#[path = "../examples/gen.rs"]
mod gen;

use std::collections::BTreeMap;
use std::path::Path;

use ladder::render::{build_site, render_site, Theme, MARKER};

/// Every file under `dir`, by path relative to it (`/`-separated).
fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let rel = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &format!("{rel}/"), out);
            } else {
                out.insert(rel, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

/// Builds `root` both ways and compares every file.
fn assert_streamed_build_matches_render_site(root: &Path) {
    let project = ladder::load_project(root).unwrap();
    let theme = Theme::load(root, &project.ladder.config).unwrap();
    let in_memory = render_site(&project.ladder, &theme).unwrap();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let written = build_site(&project.ladder, &theme, root, &site).unwrap();

    let mut on_disk = read_tree(&site);
    assert!(
        on_disk.remove(MARKER).is_some(),
        "the marker file is written"
    );
    let expected: BTreeMap<String, Vec<u8>> = in_memory
        .files
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect();
    assert_eq!(
        on_disk.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &expected {
        assert!(on_disk[path] == *bytes, "{path} differs from render_site's");
    }
    assert_eq!(written.files, in_memory.files.len());
    assert_eq!(written.pages, in_memory.page_count());
    assert_eq!(written.bytes, in_memory.total_bytes() as u64);
}

#[test]
fn the_example_ladder_is_written_byte_for_byte_as_render_site_renders_it() {
    assert_streamed_build_matches_render_site(Path::new(env!("CARGO_MANIFEST_DIR")));
}

#[test]
fn assets_and_static_files_land_as_render_site_places_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-links");
    copy_tree(&fixture, root);
    // A project static file that replaces a page, one beside the theme's, and a
    // content asset where a page is (the page wins).
    std::fs::create_dir_all(root.join("static/assets")).unwrap();
    std::fs::write(root.join("static/404.html"), "<p>our own 404</p>\n").unwrap();
    std::fs::write(root.join("static/assets/extra.css"), "p { color: red }\n").unwrap();
    std::fs::write(root.join("content/404.html"), "an asset under a page").unwrap();
    assert_streamed_build_matches_render_site(root);
    let out = tempfile::tempdir().unwrap();
    let project = ladder::load_project(root).unwrap();
    let theme = Theme::load(root, &project.ladder.config).unwrap();
    build_site(&project.ladder, &theme, root, &out.path().join("s")).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.path().join("s/404.html")).unwrap(),
        "<p>our own 404</p>\n"
    );
}

#[test]
fn a_generated_ladder_of_1000_levels_is_written_byte_for_byte_as_render_site_renders_it() {
    let dir = tempfile::tempdir().unwrap();
    write_generated(dir.path(), 1000);
    assert_streamed_build_matches_render_site(dir.path());
}

/// Writes the benchmark generator's ladder of `levels` levels into `root`.
fn write_generated(root: &Path, levels: usize) {
    let tracks = gen::gen_ladder(42, levels);
    for (rel, text) in gen::ladder_files(&tracks, levels) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A page that fails to render once writing has begun (here a project template that
/// reads a variable no page has) fails the build and leaves the previous site as it
/// was, with no half-written folder beside it.
#[test]
fn a_build_failing_while_it_writes_leaves_the_previous_site_intact() {
    use assert_cmd::Command;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-basic"),
        &root,
    );
    let site = dir.path().join("site");
    let build = || {
        let mut cmd = Command::cargo_bin("ladder").unwrap();
        cmd.arg("build")
            .arg("--root")
            .arg(&root)
            .arg("--output")
            .arg(&site);
        cmd
    };
    build().assert().success();
    let before = read_tree(&site);
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/level.html"),
        "<p>{{ no_such_thing.title }}</p>\n",
    )
    .unwrap();
    let out = build().assert().failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("level.html"), "{stderr}");
    assert_eq!(read_tree(&site), before, "previous site untouched");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "only the project and the site: {names:?}");
}

/// A build killed (SIGKILL) while it writes leaves the previous site exactly as it
/// was; the next build replaces it and removes the half-written folder the killed
/// one left beside it.
#[test]
fn a_build_killed_while_it_writes_leaves_the_previous_site_and_the_next_build_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    write_generated(&root, 2000);
    let site = dir.path().join("site");
    let build = || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ladder"));
        cmd.arg("build")
            .arg("--root")
            .arg(&root)
            .arg("--output")
            .arg(&site)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        cmd
    };
    assert!(build().status().unwrap().success());
    let before = read_tree(&site);
    // An edit, so that a finished build would change the site.
    let first = root.join("content/t0001.md");
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(&first, text.replacen("Platform", "Killed", 1)).unwrap();

    let half_written = || -> Option<std::path::PathBuf> {
        std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(".site.ladder-new-"))
            })
    };
    let mut killed = false;
    for _attempt in 0..5 {
        let mut child = build().spawn().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        // Kill it once it has written some pages into its new folder.
        let mut written = false;
        while std::time::Instant::now() < deadline {
            if let Some(tmp) = half_written() {
                let pages = std::fs::read_dir(&tmp).map_or(0, |d| d.count());
                if pages > 3 {
                    written = true;
                    break;
                }
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let _ = child.kill();
        let status = child.wait().unwrap();
        if written && !status.success() {
            killed = true;
            break;
        }
        // The build finished before it could be killed: put the old site back and
        // try again.
        std::fs::remove_dir_all(&site).unwrap();
        std::fs::write(&first, &text).unwrap();
        assert!(build().status().unwrap().success());
        std::fs::write(&first, text.replacen("Platform", "Killed", 1)).unwrap();
    }
    assert!(killed, "no build could be killed while writing");
    assert!(half_written().is_some(), "the killed build left its folder");
    assert!(read_tree(&site) == before, "the previous site is untouched");

    assert!(build().status().unwrap().success());
    assert!(
        half_written().is_none(),
        "the next build removed the leftover"
    );
    let page = std::fs::read_to_string(site.join("t0001/index.html")).unwrap();
    assert!(page.contains("Killed"), "the next build wrote the new site");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "only the project and the site: {names:?}");
}
