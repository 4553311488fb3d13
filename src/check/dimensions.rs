//! Dimension lints, for tracks that declare `dimensions` (the labels every level should
//! carry): `missing-dimension` (a level lacks one of them) and `unknown-dimension` (a
//! label that is not one of them, often a typo: "did you mean" names the near miss).
//!
//! Labels are compared by their folded key ([`fold_label`]): case and spacing do not
//! matter. `Responsibilities` counts as present when the level has that block, and is
//! never unknown. A level without a section is left to `missing-section`.

use std::collections::HashSet;

use crate::check::quoted_list;
use crate::diagnostic::{did_you_mean, Diagnostic, Lint};
use crate::model::{fold_label, Track};

/// The dimension lints of one track: they read nothing outside it.
pub fn lint_track(track: &Track, out: &mut Vec<Diagnostic>) {
    if track.dimensions.is_empty() {
        return;
    }
    let dimension_keys: Vec<(String, &str)> = track
        .dimensions
        .iter()
        .map(|d| (fold_label(&d.value), d.value.as_str()))
        .collect();
    let declared: HashSet<&str> = dimension_keys.iter().map(|(k, _)| k.as_str()).collect();
    for level in &track.levels {
        let Some(section) = &level.section else {
            continue;
        };
        let mut present: HashSet<&str> =
            level.competencies.iter().map(|c| c.key.as_str()).collect();
        if level.responsibilities_span.is_some() {
            present.insert("responsibilities");
        }
        let mut missing: Vec<&str> = Vec::new();
        let mut seen = HashSet::new();
        for (key, name) in &dimension_keys {
            if !present.contains(key.as_str()) && seen.insert(key) {
                missing.push(name);
            }
        }
        if !missing.is_empty() {
            let (noun, label) = if missing.len() == 1 {
                (
                    "dimension",
                    format!("no `{}` label in this section", missing[0]),
                )
            } else {
                (
                    "dimensions",
                    format!("{} labels missing here", missing.len()),
                )
            };
            let example = missing[0];
            out.push(
                Diagnostic::new(
                    Lint::MissingDimension,
                    section.span.clone(),
                    format!(
                        "level `{}` lacks {noun} {}",
                        level.title.value,
                        quoted_list(&missing)
                    ),
                )
                .with_label(label)
                .with_help(format!(
                    "add a labelled block such as `**{example}:** ...` to this section, \
                     or remove the label from the track's `dimensions`"
                )),
            );
        }

        for c in &level.competencies {
            if declared.contains(c.key.as_str()) {
                continue;
            }
            let names = track.dimensions.iter().map(|d| d.value.as_str());
            // Edit distance is quadratic in length: no guess for a long label.
            let guess = (c.label.len() <= 200)
                .then(|| did_you_mean(&c.label, names))
                .flatten();
            let help = match guess {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "add `{}` to `dimensions` in the front matter of {}, or use one of {}",
                    c.label,
                    track.span.file,
                    quoted_list(
                        &track
                            .dimensions
                            .iter()
                            .map(|d| d.value.as_str())
                            .collect::<Vec<_>>()
                    )
                ),
            };
            out.push(
                Diagnostic::new(
                    Lint::UnknownDimension,
                    c.span.clone(),
                    format!(
                        "label `{}` is not one of the dimensions of track `{}`",
                        c.label, track.id.value
                    ),
                )
                .with_label("not in `dimensions`")
                .with_help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::lints;

    #[test]
    fn folded_labels_match_and_typos_do_not() {
        let t = "---\ntitle: T\ndimensions: [Technical Ability, Communication]\nlevels:\n  - {title: One, code: T1, band: 1}\n  - {title: Two, code: T2, band: 2}\n---\n## One\n**technical  ABILITY:** x\n\n**Communication:** y\n\n## Two\n**Technical Ability:** x\n\n**Comunication:** y\n";
        let got = lints(&[("t.md", t)]);
        assert_eq!(
            got,
            vec![
                ("missing-dimension".into(), "content/t.md".into(), 13, 1),
                ("unknown-dimension".into(), "content/t.md".into(), 16, 1),
            ]
        );
    }

    #[test]
    fn no_dimensions_no_lint() {
        let t = "---\ntitle: T\nlevels:\n  - {title: One, code: T1, band: 1}\n---\n## One\n**Anything:** x\n";
        assert!(lints(&[("t.md", t)]).is_empty());
    }
}
