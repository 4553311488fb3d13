//! `ladder ids`: pins every item's current id into the Markdown as an explicit
//! `{#id}` (SPEC 10), so that rewording an item no longer changes its id.
//!
//! Like a formatter, it changes nothing but the ` {#id}` it appends at the end of each
//! label line or list item that has none (where the front end says one goes), and
//! checks its own work: the project is loaded again from the new text and every item
//! must have the same id as before, now explicit. Without `--write` it prints what it
//! would pin; `--check` fails (exit 1) when anything is left to pin, for CI.

use crate::diagnostic::plural;
use anyhow::Context;
use clap::Args;
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use super::Common;
use crate::diagnostic;
use crate::model::Ladder;
use crate::source::{load_files, read_project_files, InputFiles};

#[derive(Debug, Args)]
pub struct IdsArgs {
    #[command(flatten)]
    pub common: Common,
    /// Write the `{#id}`s into the Markdown files (default: only list them)
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Exit 1 when any competency or responsibility has no explicit `{#id}`
    #[arg(long)]
    pub check: bool,
}

/// One `{#id}` to insert: the file, the byte offset, and the id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Pin {
    file: Arc<str>,
    offset: usize,
    line: u32,
    id: String,
}

/// Every item's id, by level, in order: what must not change.
fn all_ids(ladder: &Ladder) -> Vec<(String, Vec<(String, bool)>)> {
    ladder
        .levels()
        .map(|(r, level)| {
            let ids = level
                .competencies
                .iter()
                .map(|c| &c.id)
                .chain(level.responsibilities.iter().map(|x| &x.id))
                .map(|id| (id.id.clone(), id.explicit))
                .collect();
            (ladder.level_key(r), ids)
        })
        .collect()
}

/// The `{#id}`s to write, sorted by file and offset. A matrix row stands for several
/// levels' competencies: it is pinned once when they share the id, and left alone
/// when they do not (a written id would give them all the same).
fn pins(ladder: &Ladder) -> Vec<Pin> {
    let mut at: BTreeMap<(Arc<str>, usize), Vec<Pin>> = BTreeMap::new();
    for (_, level) in ladder.levels() {
        let items = level
            .competencies
            .iter()
            .map(|c| &c.id)
            .chain(level.responsibilities.iter().map(|x| &x.id));
        for id in items.filter(|id| !id.explicit) {
            if let Some(span) = &id.pin_at {
                at.entry((span.file.clone(), span.start))
                    .or_default()
                    .push(Pin {
                        file: span.file.clone(),
                        offset: span.start,
                        line: span.line,
                        id: id.id.clone(),
                    });
            }
        }
    }
    at.into_values()
        .filter_map(|mut same| {
            same.dedup_by(|a, b| a.id == b.id);
            (same.len() == 1).then(|| same.remove(0))
        })
        .collect()
}

/// `files` with `pins` inserted.
fn pinned(files: &InputFiles, pins: &[Pin]) -> anyhow::Result<(InputFiles, Vec<Arc<str>>)> {
    let mut out = files.clone();
    let mut changed = Vec::new();
    for file in &mut out.content {
        let mine: Vec<&Pin> = pins.iter().filter(|p| p.file == file.path).collect();
        if mine.is_empty() {
            continue;
        }
        let mut text = std::str::from_utf8(&file.bytes)
            .with_context(|| format!("{} is not UTF-8", file.path))?
            .to_string();
        // From the end, so that earlier offsets stay true.
        for p in mine.iter().rev() {
            text.insert_str(p.offset, &format!(" {{#{}}}", p.id));
        }
        file.bytes = Arc::from(text.into_bytes());
        changed.push(file.path.clone());
    }
    Ok((out, changed))
}

pub fn run(args: IdsArgs) -> anyhow::Result<ExitCode> {
    let root = &args.common.root;
    let files = read_project_files(root)?;
    let project = load_files(&files);
    let diagnostics = crate::check::check_project(&project, false);
    if diagnostic::has_errors(&diagnostics) {
        let text =
            diagnostic::render_human(&diagnostics, &project.sources, super::use_color_stderr());
        eprint!("{text}");
        eprintln!("error: fix the errors above before pinning ids");
        return Ok(ExitCode::from(super::LADDER_ERRORS));
    }
    let pins = pins(&project.ladder);
    let (new_files, changed) = pinned(&files, &pins)?;
    // The new text must give every item the id it had, now written.
    let after = load_files(&new_files);
    let before_ids = all_ids(&project.ladder);
    let after_ids = all_ids(&after.ladder);
    let pinned_ids: usize = after_ids
        .iter()
        .flat_map(|(_, ids)| ids)
        .filter(|(_, explicit)| *explicit)
        .count();
    let same = before_ids.len() == after_ids.len()
        && before_ids.iter().zip(&after_ids).all(|((k1, a), (k2, b))| {
            k1 == k2 && a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0)
        });
    if !same || diagnostic::has_errors(&crate::check::check_project(&after, false)) {
        anyhow::bail!(
            "pinning the ids would change them; nothing was written (please report this as a bug)"
        );
    }
    let total: usize = after_ids.iter().map(|(_, ids)| ids.len()).sum();
    let left = total - pinned_ids;
    let mut stdout = std::io::stdout().lock();
    if !args.write {
        for p in &pins {
            writeln!(stdout, "{}:{}: {{#{}}}", p.file, p.line, p.id)?;
        }
        if pins.is_empty() {
            writeln!(stdout, "every item's id is pinned")?;
        } else {
            writeln!(
                stdout,
                "{} to pin in {} (run `ladder ids --write`)",
                plural(pins.len(), "id", "ids"),
                plural(changed.len(), "file", "files")
            )?;
        }
        let unpinned = before_ids
            .iter()
            .flat_map(|(_, ids)| ids)
            .any(|(_, explicit)| !explicit);
        return Ok(if args.check && unpinned {
            ExitCode::from(super::LADDER_ERRORS)
        } else {
            ExitCode::SUCCESS
        });
    }
    for path in &changed {
        let Some(file) = new_files.content.iter().find(|f| &f.path == path) else {
            continue;
        };
        write_atomically(&root.join(&**path), &file.bytes)?;
    }
    writeln!(
        stdout,
        "pinned {} in {}",
        plural(pins.len(), "id", "ids"),
        plural(changed.len(), "file", "files")
    )?;
    if left > 0 {
        writeln!(
            stdout,
            "{} could not be pinned (a competency matrix row shared by levels with different ids)",
            plural(left, "item", "items")
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename,
/// so that an editor or a watcher never sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .with_context(|| format!("{} has no folder", path.display()))?;
    let name = path
        .file_name()
        .with_context(|| format!("{} has no file name", path.display()))?;
    // A dot file that `ladder serve`'s watcher and the front end ignore.
    let tmp = dir.join(format!(
        ".{}.ladder-ids-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::write(&tmp, bytes)
        .and_then(|()| match std::fs::metadata(path) {
            Ok(meta) => std::fs::set_permissions(&tmp, meta.permissions()),
            Err(_) => Ok(()),
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("writing {}", path.display()));
    }
    Ok(())
}
