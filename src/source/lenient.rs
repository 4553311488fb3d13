//! Every wrongly typed value of a track's front matter in one run.
//!
//! serde stops at the first value of the wrong type, so a file with `order: first` and
//! `band: five` in three levels used to report `order` only, and the author found the
//! rest one fix at a time. When the front matter does not deserialize, each key is read
//! on its own ([`yaml::pick_in`]), and each level key level by level, skipping the levels
//! already found wrong ([`EachLevel`]), so that one bad value hides no other.
//!
//! This runs only on the failure path: a clean file is parsed once, as before.

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, SeqAccess, Visitor};
use std::collections::BTreeSet;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

use super::track::Src;
use super::yaml;
use crate::diagnostic::Diagnostic;

/// At most this many wrongly typed values are reported per file: past that the author
/// has a systematic mistake to fix, and each more costs a parse of the front matter.
const MAX_REPORTED: usize = 100;

/// The type errors of the front matter in `yaml` (a byte range of the file), each
/// once, in source order. Empty when none is found (the caller keeps its own error).
pub(crate) fn type_errors(src: &Src, yaml: Range<usize>) -> Vec<Diagnostic> {
    // Not YAML (or over the parser's limits): there are no values to look at, and the
    // caller's error says why.
    if yaml::from_str_in::<IgnoredAny>(src.path, src.text, yaml.start, yaml.end).is_err() {
        return Vec::new();
    }
    let mut found: Vec<Diagnostic> = Vec::new();
    macro_rules! top {
        ($key:literal: $ty:ty) => {
            if let Err(d) = yaml::pick_in::<$ty>(src.path, src.text, yaml.start, yaml.end, $key) {
                found.push(d);
            }
        };
    }
    top!("title": String);
    top!("id": String);
    top!("summary": String);
    top!("description": String);
    top!("order": yaml::Int);
    top!("weight": yaml::Int);
    top!("dimensions": Vec<String>);

    // Where each level starts, to tell which level an error is in.
    let starts = match level_starts(src, yaml.clone()) {
        Ok(starts) => starts,
        Err(d) => {
            found.push(d);
            Vec::new()
        }
    };
    if !starts.is_empty() {
        for key in ["title", "id", "code", "inherits"] {
            each_level::<String>(src, yaml.clone(), key, &starts, &mut found);
        }
        each_level::<yaml::BandValue>(src, yaml.clone(), "band", &starts, &mut found);
    }

    found.sort_by_key(|d| d.span.start);
    found.dedup_by(|a, b| a.span.start == b.span.start && a.message == b.message);
    if found.len() >= MAX_REPORTED {
        found.truncate(MAX_REPORTED);
        if let Some(last) = found.last_mut() {
            last.help = Some(format!(
                "only the first {MAX_REPORTED} wrongly typed values of this file are listed; \
                 fix these and check again"
            ));
        }
    }
    found
}

/// The byte offset at which each level entry of `levels:` starts.
fn level_starts(src: &Src, yaml: Range<usize>) -> Result<Vec<usize>, Diagnostic> {
    let levels = yaml::pick_in::<Vec<serde_saphyr::Spanned<IgnoredAny>>>(
        src.path, src.text, yaml.start, yaml.end, "levels",
    )?;
    Ok(levels
        .into_iter()
        .flatten()
        .map(|l| yaml::span_of(src.path, src.text, yaml.start, &l.referenced).start)
        .collect())
}

/// Reads `key` of every level as a `T`; each level whose value is wrong is reported
/// and skipped in the next pass, until a pass goes through.
fn each_level<T: DeserializeOwned>(
    src: &Src,
    yaml: Range<usize>,
    key: &'static str,
    starts: &[usize],
    found: &mut Vec<Diagnostic>,
) {
    let mut skip: BTreeSet<usize> = BTreeSet::new();
    while found.len() < MAX_REPORTED {
        let result = yaml::with_deserializer_in(src.path, src.text, yaml.start, yaml.end, |y| {
            let seed = yaml::Pick {
                key: "levels",
                seed: EachLevel::<T> {
                    key,
                    skip: &skip,
                    _t: PhantomData,
                },
            };
            seed.deserialize(y).map(drop)
        });
        let Err(d) = result else { break };
        // The level the error is in: the last one starting at or before it.
        let level = starts
            .partition_point(|&s| s <= d.span.start)
            .checked_sub(1);
        found.push(d);
        match level {
            Some(i) if skip.insert(i) => {}
            // Not inside a level, or in one already skipped: nothing more to learn.
            _ => break,
        }
    }
}

/// The level list: `key` of each level read as a `T`, the levels in `skip` skipped.
struct EachLevel<'a, T> {
    key: &'static str,
    skip: &'a BTreeSet<usize>,
    _t: PhantomData<T>,
}

impl<'de, T: serde::Deserialize<'de>> DeserializeSeed<'de> for EachLevel<'_, T> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for EachLevel<'_, T> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of levels")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            let more = if self.skip.contains(&i) {
                s.next_element::<IgnoredAny>()?.is_some()
            } else {
                s.next_element_seed(yaml::Pick {
                    key: self.key,
                    seed: PhantomData::<T>,
                })?
                .is_some()
            };
            if !more {
                return Ok(());
            }
            i += 1;
        }
    }
}
