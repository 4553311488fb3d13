//! `ladder serve` re-renders only the files an edit can have changed
//! (`render::render_update`). These tests edit a copy of the example ladder the way an
//! author does, one edit after another, and after each one compare the incremental
//! site with a full `render_site` of the same model, file by file and byte for byte.
//! They also check that the incremental render really reused the files the edit did
//! not touch (the same allocation as the previous site's), so a change that made every
//! edit a full render would fail here too.

use std::path::Path;
use std::sync::Arc;

use ladder::render::{render_site, render_update, Previous, SiteFiles, Theme};

/// A third track whose first level inherits from a level of the technical track, so
/// that an edit there reaches pages of another track through `inherits`.
const PLATFORM: &str = "---
title: Platform Path
id: platform
summary: Engineers who run the shared platform.
levels:
  - title: Platform Engineer
    id: platform-engineer
    code: P4
    band: 4
    inherits: technical/staff-engineer
  - title: Senior Platform Engineer
    id: senior-platform-engineer
    code: P5
    band: 5
    inherits: platform-engineer
---

# Platform Path

## Platform Engineer

Runs the shared platform that product teams deploy to.

### Technical Ability

Keeps the platform's services healthy and their costs known.

### Responsibilities

- Own the on-call rotation of the platform.

## Senior Platform Engineer

Shapes the platform for the next year of growth.

### Technical Ability

Designs the platform's services for the teams that build on them.

### Responsibilities

- Plan the platform's capacity with the product groups.
";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content"), &dir.path().join("content"));
    std::fs::copy(repo.join("ladder.yaml"), dir.path().join("ladder.yaml")).unwrap();
    std::fs::write(dir.path().join("content/platform.md"), PLATFORM).unwrap();
    dir
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join("content").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Loads the project, checks it has no errors, and renders it both ways.
fn render_both(root: &Path, theme: &Arc<Theme>, previous: Option<&Previous>) -> Previous {
    let project = ladder::source::load_project(root).unwrap();
    let diagnostics = ladder::check::check_project(&project, false);
    assert!(
        !ladder::diagnostic::has_errors(&diagnostics),
        "the edited ladder has errors: {diagnostics:#?}"
    );
    let ladder = Arc::new(project.ladder);
    let incremental = render_update(ladder.clone(), theme.clone(), previous).unwrap();
    let full = render_site(&ladder, theme).unwrap();
    assert_same(&incremental.materialize().unwrap(), &full);
    Previous {
        ladder,
        site: incremental,
    }
}

fn assert_same(incremental: &SiteFiles, full: &SiteFiles) {
    let a: Vec<&std::sync::Arc<str>> = incremental.files.keys().collect();
    let b: Vec<&std::sync::Arc<str>> = full.files.keys().collect();
    assert_eq!(a, b, "the two renders list different files");
    for (path, bytes) in &full.files {
        assert!(
            incremental.files[path] == *bytes,
            "{path} differs between the incremental and the full render"
        );
    }
}

fn reused(now: &Previous, before: &Previous, path: &str) -> bool {
    match (now.site.files.get(path), before.site.files.get(path)) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        _ => false,
    }
}

fn page(site: &Previous, path: &str) -> String {
    String::from_utf8(site.site.get(path).unwrap().unwrap().to_vec()).unwrap()
}

#[test]
fn incremental_render_matches_full_render_edit_after_edit() {
    let dir = project();
    let root = dir.path();
    let config = ladder::source::load_project(root).unwrap().ladder.config;
    let theme = Arc::new(Theme::load(root, &config).unwrap());

    // Files that show the whole ladder wait for their first request.
    let project = ladder::source::load_project(root).unwrap();
    let site = render_update(Arc::new(project.ladder), theme.clone(), None).unwrap();
    for path in [
        "ladder.json",
        "print/index.html",
        "data/search.json",
        "compare/4/index.html",
    ] {
        assert!(site.is_pending(path), "{path} was rendered up front");
    }
    assert!(site
        .files
        .contains_key("technical/staff-engineer/index.html"));
    // Asked for once, it is kept.
    let print = site.get("print/index.html").unwrap().unwrap();
    assert!(String::from_utf8_lossy(&print).contains("Platform Path"));
    assert!(!site.is_pending("print/index.html"));

    let first = render_both(root, &theme, None);

    // 1. A competency reworded in the managing track: that track's pages change,
    //    the technical track's do not.
    edit(
        root,
        "managing.md",
        "cutting scope early when a plan slips",
        "cutting scope early when a plan slips badly",
    );
    let second = render_both(root, &theme, Some(&first));
    assert!(page(&second, "managing/team-lead/index.html").contains("plan slips badly"));
    assert!(
        reused(&second, &first, "index.html"),
        "the home page was rendered again"
    );
    assert!(reused(
        &second,
        &first,
        "technical/staff-engineer/index.html"
    ));
    assert!(reused(
        &second,
        &first,
        "platform/platform-engineer/index.html"
    ));
    assert!(!reused(&second, &first, "managing/index.html"));

    // 2. A responsibility added to the technical level the platform track inherits
    //    from: the platform levels (both, through the chain) show it.
    edit(
        root,
        "technical.md",
        "- Plan the group's work with its engineering managers and product leaders.\n",
        "- Plan the group's work with its engineering managers and product leaders.\n\
         - Keep a written map of the group's systems and who owns each.\n",
    );
    let third = render_both(root, &theme, Some(&second));
    for level in ["platform-engineer", "senior-platform-engineer"] {
        let html = page(&third, &format!("platform/{level}/index.html"));
        assert!(html.contains("Keep a written map"), "{level} misses it");
    }
    assert!(reused(&third, &second, "managing/index.html"));
    assert!(reused(&third, &second, "managing/director/index.html"));
    assert!(
        !reused(
            &third,
            &second,
            "technical/senior-staff-engineer/index.html"
        ),
        "the next level's \"what changes\" shows the new responsibility as removed"
    );

    // A responsibility they inherit reworded: the platform track's own model is the
    // same (it holds "responsibility 5 of staff-engineer"), its pages are not.
    edit(
        root,
        "technical.md",
        "including those working towards staff.",
        "including those working towards a staff role.",
    );
    let third = render_both(root, &theme, Some(&third));
    for level in ["platform-engineer", "senior-platform-engineer"] {
        let html = page(&third, &format!("platform/{level}/index.html"));
        assert!(html.contains("towards a staff role"), "{level} misses it");
    }

    // 3. A level renamed: the outline changed, every page may show it.
    edit(
        root,
        "managing.md",
        "title: VP Engineering",
        "title: VP of Engineering",
    );
    edit(
        root,
        "managing.md",
        "\n## VP Engineering",
        "\n## VP of Engineering",
    );
    let fourth = render_both(root, &theme, Some(&third));
    assert!(page(&fourth, "index.html").contains("VP of Engineering"));

    // 4. Prose between levels, then the home page's text.
    edit(
        root,
        "technical.md",
        "## Beyond Senior Engineer\n",
        "## Beyond Senior Engineer\n\nA new first line.\n",
    );
    let fifth = render_both(root, &theme, Some(&fourth));
    assert!(page(&fifth, "technical/index.html").contains("A new first line."));
    assert!(reused(&fifth, &fourth, "managing/index.html"));
    let home = std::fs::read_to_string(root.join("content/_index.md")).unwrap();
    std::fs::write(
        root.join("content/_index.md"),
        format!("{home}\nOne more paragraph.\n"),
    )
    .unwrap();
    let sixth = render_both(root, &theme, Some(&fifth));
    assert!(page(&sixth, "index.html").contains("One more paragraph."));

    // 5. A level removed, then a track removed.
    edit(
        root,
        "platform.md",
        "  - title: Senior Platform Engineer\n    id: senior-platform-engineer\n    code: P5\n    band: 5\n    inherits: platform-engineer\n",
        "",
    );
    let text = std::fs::read_to_string(root.join("content/platform.md")).unwrap();
    let cut = text.find("## Senior Platform Engineer").unwrap();
    std::fs::write(root.join("content/platform.md"), &text[..cut]).unwrap();
    let seventh = render_both(root, &theme, Some(&sixth));
    assert!(!seventh
        .site
        .contains("platform/senior-platform-engineer/index.html"));
    std::fs::remove_file(root.join("content/platform.md")).unwrap();
    let eighth = render_both(root, &theme, Some(&seventh));
    assert!(!eighth.site.contains("platform/index.html"));

    // 6. The same model again: nothing is rendered again.
    let ninth = render_both(root, &theme, Some(&eighth));
    for path in eighth.site.files.keys() {
        assert!(reused(&ninth, &eighth, path), "{path} was rendered again");
    }
}

/// `ladder serve`'s session keeps the tracks of its last build and hands the ones an
/// edit did not touch to the next build as they are (their cross references resolved).
/// Edits that change how *other* tracks' references resolve (a level id another track
/// inherits from renamed, a track put first so every track index moves, a track
/// removed) must still give the site a fresh load gives, file for file.
#[test]
fn a_serve_session_matches_a_fresh_build_when_references_move() {
    use ladder::serve::incremental::{Changes, Renderer, Session};

    let dir = project();
    let root = dir.path();
    let mut session = Session::new(root, Renderer);
    let first = session.build_all();
    assert!(first.site.is_some(), "{:#?}", first.diagnostics);

    let rebuild_and_compare = |session: &mut Session<Renderer>, files: &[&str]| -> String {
        let mut changes = Changes::default();
        for file in files {
            changes.content.insert(root.join("content").join(file));
        }
        let build = session.rebuild(&changes);
        // The lints of untouched tracks are reused: they must say what a fresh check says.
        let fresh =
            ladder::check::check_project(&ladder::source::load_project(root).unwrap(), false);
        assert_eq!(build.diagnostics, fresh, "after editing {files:?}");
        let site = build.site.unwrap_or_else(|| {
            panic!(
                "the rebuild after editing {files:?} gave no site: {:#?} {:?}",
                build.diagnostics, build.failure
            )
        });
        let project = ladder::source::load_project(root).unwrap();
        let theme = Theme::load(root, &project.ladder.config).unwrap();
        let full = render_site(&project.ladder, &Arc::new(theme)).unwrap();
        let site = site.materialize().unwrap();
        assert_same(&site, &full);
        String::from_utf8(site.files["platform/platform-engineer/index.html"].to_vec()).unwrap()
    };

    // The technical level the platform track inherits from gets a new id; the
    // platform track's file is untouched but its `inherits` must now name the new id.
    edit(
        root,
        "technical.md",
        "  - title: Staff Engineer\n",
        "  - title: Staff Engineer\n    id: staff\n",
    );
    let mut changes = Changes::default();
    changes.content.insert(root.join("content/technical.md"));
    let broken = session.rebuild(&changes);
    assert!(
        broken.site.is_none(),
        "a dangling inherits must fail the rebuild"
    );
    edit(
        root,
        "platform.md",
        "inherits: technical/staff-engineer",
        "inherits: technical/staff",
    );
    edit(
        root,
        "managing.md",
        "technical.md#staff-engineer",
        "technical.md#staff",
    );
    let html = rebuild_and_compare(&mut session, &["platform.md", "managing.md"]);
    assert!(html.contains("technical/staff/"), "{html}");

    // A responsibility added to that level reaches the platform page through the
    // untouched platform track.
    edit(
        root,
        "technical.md",
        "- Plan the group's work with its engineering managers and product leaders.\n",
        "- Plan the group's work with its engineering managers and product leaders.\n\
         - Keep a written map of the group's systems and who owns each.\n",
    );
    let html = rebuild_and_compare(&mut session, &["technical.md"]);
    assert!(html.contains("Keep a written map"));

    // The platform track put first: every track's index in the ladder moves, so every
    // cross reference of the untouched tracks resolves to new numbers.
    edit(
        root,
        "platform.md",
        "id: platform\n",
        "id: platform\norder: 0\n",
    );
    let html = rebuild_and_compare(&mut session, &["platform.md"]);
    assert!(html.contains("Keep a written map"));

    // A line the platform level inherits is reworded into the platform level's own
    // responsibility, by an edit of the technical track only (the platform track and
    // its list of inherited lines stay as they were): the untouched platform track
    // now has a warning...
    edit(
        root,
        "technical.md",
        "- Keep a written map of the group's systems and who owns each.\n",
        "- Own the on-call rotation of the platform.\n",
    );
    rebuild_and_compare(&mut session, &["technical.md"]);
    let warned = ladder::check::check_project(&ladder::source::load_project(root).unwrap(), false);
    assert!(
        warned
            .iter()
            .any(|d| d.lint.id() == "redundant-responsibility"
                && &*d.span.file == "content/platform.md"),
        "{warned:#?}"
    );
    // (the same files again: nothing to do)
    let mut changes = Changes::default();
    changes.content.insert(root.join("content/technical.md"));
    assert!(session.rebuild(&changes).unchanged);
    // ...and loses it when the line is reworded back.
    edit(
        root,
        "technical.md",
        "- Own the on-call rotation of the platform.\n",
        "- Keep a written map of the group's systems and who owns each.\n",
    );
    rebuild_and_compare(&mut session, &["technical.md"]);

    // Reworded again: the inherited text follows once more with the new order.
    edit(
        root,
        "technical.md",
        "Keep a written map of the group's systems",
        "Keep a current map of the group's systems",
    );
    let html = rebuild_and_compare(&mut session, &["technical.md"]);
    assert!(html.contains("Keep a current map"));

    // A page (SPEC 8.4) added, edited and removed: it is in every page's navigation,
    // so each step must still give what a fresh build gives.
    std::fs::write(
        root.join("content/faq.md"),
        "# Questions\n\nSee [the platform engineer](platform.md#platform-engineer).\n",
    )
    .unwrap();
    rebuild_and_compare(&mut session, &["faq.md"]);
    edit(root, "faq.md", "# Questions", "# Questions people ask");
    rebuild_and_compare(&mut session, &["faq.md"]);
    std::fs::remove_file(root.join("content/faq.md")).unwrap();
    rebuild_and_compare(&mut session, &["faq.md"]);
}

/// A track folder's level files in a serve session (SPEC 8.5): editing, adding and
/// removing one rebuilds as a track file's edit does, and each time the session gives
/// the site a fresh build gives.
#[test]
fn a_serve_session_follows_the_level_files_of_a_track_folder() {
    use ladder::serve::incremental::{Changes, Renderer, Session};

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shape-track-folder"),
        root,
    );
    let mut session = Session::new(root, Renderer);
    let first = session.build_all();
    assert!(first.site.is_some(), "{:#?}", first.diagnostics);

    let rebuild = |session: &mut Session<Renderer>, file: &str| -> SiteFiles {
        let mut changes = Changes::default();
        changes.content.insert(root.join("content").join(file));
        let build = session.rebuild(&changes);
        let fresh =
            ladder::check::check_project(&ladder::source::load_project(root).unwrap(), false);
        assert_eq!(build.diagnostics, fresh, "after editing {file}");
        let site = build
            .site
            .unwrap_or_else(|| panic!("no site after editing {file}: {:#?}", build.diagnostics))
            .materialize()
            .unwrap();
        let project = ladder::source::load_project(root).unwrap();
        let theme = Theme::load(root, &project.ladder.config).unwrap();
        assert_same(
            &site,
            &render_site(&project.ladder, &Arc::new(theme)).unwrap(),
        );
        site
    };
    let text = |site: &SiteFiles, path: &str| String::from_utf8(site.files[path].to_vec()).unwrap();

    edit(
        root,
        "platform/engineer.md",
        "Keeps one internal service healthy.",
        "Keeps two internal services healthy.",
    );
    let site = rebuild(&mut session, "platform/engineer.md");
    assert!(text(&site, "platform/engineer/index.html").contains("Keeps two internal services"));

    std::fs::write(
        root.join("content/platform/staff.md"),
        "---\ntitle: Staff Platform Engineer\nband: 3\nweight: 3\n---\n\nShapes the platform's direction.\n",
    )
    .unwrap();
    let site = rebuild(&mut session, "platform/staff.md");
    assert!(text(&site, "platform/staff/index.html").contains("Shapes the platform"));
    assert!(text(&site, "platform/index.html").contains("Staff Platform Engineer"));

    std::fs::remove_file(root.join("content/platform/staff.md")).unwrap();
    let site = rebuild(&mut session, "platform/staff.md");
    assert!(!site.files.contains_key("platform/staff/index.html"));
}
