//! `ladder diff --check-version`: whether `version` in ladder.yaml rose by at least
//! the overall class of the changes, like a semver check for a library
//! (docs/versions.md).

use super::classes::{self, Class};
use super::{Report, Side};
use crate::config::Version;

/// How far `new` rose above `old`: the class of the bump, `None` when it did not rise.
/// A release from a pre-release with the same numbers (`3.0.0-rc.1` → `3.0.0`, or
/// `-rc.2`) finishes the bump the pre-release started, so it counts as any bump.
pub fn rise(old: &Version, new: &Version) -> Option<Class> {
    let (o, n) = (
        (old.major, old.minor, old.patch),
        (new.major, new.minor, new.patch),
    );
    if n.0 > o.0 {
        Some(Class::Major)
    } else if n.0 == o.0 && n.1 > o.1 {
        Some(Class::Minor)
    } else if n.0 == o.0 && n.1 == o.1 && n.2 > o.2 {
        Some(Class::Patch)
    } else if n == o && old.pre.is_some() && old.pre != new.pre {
        Some(Class::Major)
    } else {
        None
    }
}

/// The lowest version after `old` that a change of `class` needs.
pub fn needed(old: &Version, class: Class) -> String {
    match class {
        Class::Major => format!("{}.0.0", old.major + 1),
        Class::Minor => format!("{}.{}.0", old.major, old.minor + 1),
        Class::Patch => format!("{}.{}.{}", old.major, old.minor, old.patch + 1),
    }
}

/// `Ok` with a note when the version rose enough, `Err` with the message otherwise.
pub fn check(old: &Side, new: &Side, report: &Report) -> Result<String, String> {
    let Some(first) = classes::first_of_highest(report) else {
        return Ok("version: no change needs a new version".to_string());
    };
    let class = first.class;
    let because = format!("  first {class} change: {}", first.what);
    if !new.config_parses {
        return Err(format!(
            "ladder.yaml of NEW does not parse, so its version is unknown; the ladder changed ({class})\n{because}"
        ));
    }
    let old_version = old.project.ladder.config.version.as_ref();
    let Some(new_version) = new.project.ladder.config.version.as_ref() else {
        let suggest = old_version.map_or("1.0.0".to_string(), |v| needed(v, class));
        return Err(format!(
            "ladder.yaml of NEW has no `version`, but the ladder changed ({class}): add `version: {suggest}`\n{because}"
        ));
    };
    let Some(old_version) = old_version else {
        return Ok(format!(
            "version: {new_version} (OLD has none, so any version is a rise)"
        ));
    };
    match rise(old_version, new_version) {
        Some(bump) if bump >= class => Ok(format!(
            "version: {old_version} → {new_version}, a {bump} bump, enough for {class} changes"
        )),
        _ => Err(format!(
            "the version must rise to at least {} (a {class} change), but it is {new_version} (was {old_version})\n{because}",
            needed(old_version, class)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn rises() {
        assert_eq!(rise(&v("2.3.0"), &v("3.0.0")), Some(Class::Major));
        assert_eq!(rise(&v("2.3.0"), &v("2.4.0")), Some(Class::Minor));
        assert_eq!(rise(&v("2.3.0"), &v("2.3.1")), Some(Class::Patch));
        assert_eq!(rise(&v("2.3.0"), &v("2.3.0")), None);
        assert_eq!(rise(&v("2.3.0"), &v("2.2.9")), None);
        assert_eq!(rise(&v("2.3.0"), &v("3.0.0-rc.1")), Some(Class::Major));
        assert_eq!(rise(&v("3.0.0-rc.1"), &v("3.0.0")), Some(Class::Major));
        assert_eq!(rise(&v("2.3.0"), &v("2.3.0+build.2")), None);
        assert_eq!(needed(&v("2.3.4"), Class::Minor), "2.4.0");
    }
}
