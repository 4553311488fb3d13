//! YAML through serde-saphyr, with its locations turned into our [`Span`]s and its
//! errors into `front-matter` diagnostics (with "did you mean" for unknown keys).
//!
//! The parser runs with a budget (nesting depth, alias expansion, event count) so that
//! deeply nested documents and alias bombs fail fast with a diagnostic.

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::diagnostic::{did_you_mean, Diagnostic, Lint};
use crate::model::Span;

/// Parses `yaml`, which starts at byte `offset` of the file `file_text` at `path`.
pub fn from_str<T: DeserializeOwned>(
    path: &Arc<str>,
    file_text: &str,
    offset: usize,
) -> Result<T, Diagnostic> {
    let end = file_text.len();
    from_str_in(path, file_text, offset, end)
}

/// Like [`from_str`] for `file_text[offset..end]`.
pub fn from_str_in<T: DeserializeOwned>(
    path: &Arc<str>,
    file_text: &str,
    offset: usize,
    end: usize,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str_with_options::<T>(&file_text[offset..end], options())
        .map_err(|e| error_at(path, file_text, offset, &e))
}

/// Runs `f` on a deserializer of `file_text[offset..end]`, with the limits of
/// [`from_str_in`]: for seeds and visitors that read a document piecemeal.
pub fn with_deserializer_in<'de, R>(
    path: &Arc<str>,
    file_text: &'de str,
    offset: usize,
    end: usize,
    f: impl for<'e> FnOnce(serde_saphyr::Deserializer<'de, 'e>) -> Result<R, serde_saphyr::Error>,
) -> Result<R, Diagnostic> {
    serde_saphyr::with_deserializer_from_str_with_options(&file_text[offset..end], options(), f)
        .map_err(|e| error_at(path, file_text, offset, &e))
}

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        with_snippet: false,
        budget: serde_saphyr::budget! {
            max_depth: 64,
            max_events: 200_000,
            max_aliases: 1_000,
            max_anchors: 1_000,
        },
    }
}

fn error_at(
    path: &Arc<str>,
    file_text: &str,
    offset: usize,
    e: &serde_saphyr::Error,
) -> Diagnostic {
    let span = match e.location() {
        Some(loc) => span_of(path, file_text, offset, &loc),
        None => Span::from_offsets(path, file_text, offset, offset),
    };
    error_diagnostic(span, &e.to_string())
}

/// Converts a serde-saphyr location inside YAML that starts at `offset` of `file_text`.
pub fn span_of(
    path: &Arc<str>,
    file_text: &str,
    offset: usize,
    loc: &serde_saphyr::Location,
) -> Span {
    let (start, end) = byte_range(file_text, offset, loc);
    Span::from_offsets(path, file_text, start, end)
}

/// [`span_of`] through the file's line index: for the many values of one front
/// matter (a scan from the start of the file per value was quadratic in its length).
pub fn span_indexed(
    lines: &crate::model::LineIndex,
    path: &Arc<str>,
    file_text: &str,
    offset: usize,
    loc: &serde_saphyr::Location,
) -> Span {
    let (start, end) = byte_range(file_text, offset, loc);
    lines.span(path, file_text, start, end)
}

/// The byte range of `loc` in `file_text`, for YAML starting at `offset`.
fn byte_range(file_text: &str, offset: usize, loc: &serde_saphyr::Location) -> (usize, usize) {
    let start = match loc.span().byte_offset() {
        Some(b) => offset + b as usize,
        None => line_col_to_offset(file_text, offset, loc.line(), loc.column()),
    };
    let len = loc.span().byte_len().unwrap_or(0) as usize;
    (start, start + len)
}

fn line_col_to_offset(text: &str, offset: usize, line: u64, col: u64) -> usize {
    let yaml = &text[offset..];
    let mut pos = 0;
    for _ in 1..line.max(1) {
        match yaml[pos..].find('\n') {
            Some(i) => pos += i + 1,
            None => break,
        }
    }
    let col_bytes: usize = yaml[pos..]
        .chars()
        .take(col.saturating_sub(1) as usize)
        .map(char::len_utf8)
        .sum();
    offset + pos + col_bytes
}

/// Turns serde-saphyr's message ("error: line 4 column 5: unknown field `bnad`,
/// expected one of title, band") into a diagnostic with a "did you mean" help.
fn error_diagnostic(span: Span, display: &str) -> Diagnostic {
    let first = display.lines().next().unwrap_or(display);
    let mut message = first.strip_prefix("error: ").unwrap_or(first).trim();
    // Drop the "line N column M: " prefix; the span says where.
    if let Some(rest) = message.strip_prefix("line ") {
        if let Some(i) = rest.find(": ") {
            let prefix = &rest[..i];
            if prefix
                .split(" column ")
                .all(|p| p.trim().chars().all(|c| c.is_ascii_digit()))
            {
                message = rest[i + 2..].trim();
            }
        }
    }
    // Without snippets, serde-saphyr appends a location relative to the YAML block;
    // the span already says where, in file coordinates.
    if let Some(i) = message.rfind(" at line ") {
        if message[i..].contains(", column ") {
            message = &message[..i];
        }
    }
    let message = message
        .replace(", set DuplicateKeyPolicy in Options if acceptable", "")
        .replace("duplicate mapping key", "duplicate key");
    let message = match message.as_str() {
        "invalid i64" | "invalid u64" => "expected an integer".to_string(),
        "expected string scalar" => "expected a string".to_string(),
        "expected mapping start" => "expected a mapping (`key: value` lines)".to_string(),
        "expected sequence start" => "expected a list (`- item` lines)".to_string(),
        "invalid boolean" => "expected `true` or `false`".to_string(),
        _ => message,
    };
    // The parser's limits (see `from_str_in`) report a Debug-formatted breach with
    // block-relative positions; say what happened in the author's terms instead.
    if let Some(breach) = message.strip_prefix("budget breached: ") {
        let what = if breach.starts_with("Depth") {
            "the YAML is nested too deeply"
        } else if breach.starts_with("Aliases") || breach.starts_with("Anchors") {
            "the YAML uses too many aliases or anchors"
        } else {
            "the YAML is too large or expands too much through aliases"
        };
        return Diagnostic::new(Lint::FrontMatter, span, what)
            .with_label("parsing stopped here")
            .with_help(
                "ladder limits YAML nesting, size and alias expansion so that no file can stall it; write the values out plainly",
            );
    }
    if let Some((value, expected)) = message
        .strip_prefix("unknown variant `")
        .and_then(|rest| rest.split_once("`, expected one of "))
    {
        let choices: Vec<&str> = expected.split(", ").map(|c| c.trim_matches('`')).collect();
        let mut d = Diagnostic::new(
            Lint::FrontMatter,
            span,
            format!("`{value}` is not one of {}", choices.join(", ")),
        )
        .with_label("not an allowed value");
        if let Some(s) = did_you_mean(value, choices.iter().copied()) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        return d;
    }
    let mut d = Diagnostic::new(Lint::FrontMatter, span, message.clone());
    if let Some((unknown, expected)) = parse_unknown_field(&message) {
        let candidates: Vec<&str> = expected.iter().map(String::as_str).collect();
        let help = match did_you_mean(&unknown, candidates.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known keys here: {}", expected.join(", ")),
        };
        d = Diagnostic::new(
            Lint::FrontMatter,
            d.span,
            format!("unknown key `{unknown}`"),
        )
        .with_label("not a known key")
        .with_help(help);
    } else if message.starts_with("expected an integer, not the quoted string") {
        d = d
            .with_label("wrong type")
            .with_help("remove the quotes: a number in quotes is a string in YAML");
    } else if message.starts_with("expected ") || message.contains("invalid type") {
        d = d.with_label("wrong type");
    }
    d
}

/// An integer written as a YAML number. serde-saphyr also reads a quoted `"5"` into an
/// `i64`; the format says `band` is an integer, and a quoted one is usually a sign the
/// author meant something else (a code, a name), so it is refused with a clear message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Int(pub i64);

impl<'de> serde::Deserialize<'de> for Int {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntVisitor)
    }
}

struct IntVisitor;

impl<'v> serde::de::Visitor<'v> for IntVisitor {
    type Value = Int;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an integer")
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Int, E> {
        Ok(Int(v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Int, E> {
        i64::try_from(v)
            .map(Int)
            .map_err(|_| E::custom("expected an integer, and this one is too large"))
    }
    fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<Int, E> {
        Err(E::custom("expected an integer, and this one is too large"))
    }
    fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<Int, E> {
        Err(E::custom("expected an integer, and this one is too large"))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Int, E> {
        // `5.0` is a whole number written with a decimal point, not a large
        // one: say how to write it.
        Err(E::custom(if v.fract() != 0.0 {
            "expected an integer, not a fraction".to_string()
        } else if v.abs() < 9.0e15 {
            format!("expected an integer, not the decimal number {v:?}; write `{v:.0}`")
        } else {
            "expected an integer, and this one is too large".to_string()
        }))
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Int, E> {
        Err(E::custom("expected an integer, not a boolean"))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Int, E> {
        if v.trim().parse::<i64>().is_ok() {
            return Err(E::custom(format!(
                "expected an integer, not the quoted string {v:?}"
            )));
        }
        let shown: String = v.chars().take(40).collect();
        Err(E::custom(format!(
            "expected an integer, not the string {shown:?}"
        )))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Int, E> {
        Err(E::custom("expected an integer, found nothing"))
    }
    fn visit_seq<A: serde::de::SeqAccess<'v>>(self, _: A) -> Result<Int, A::Error> {
        Err(serde::de::Error::custom("expected an integer, not a list"))
    }
    fn visit_map<A: serde::de::MapAccess<'v>>(self, _: A) -> Result<Int, A::Error> {
        Err(serde::de::Error::custom(
            "expected an integer, not a mapping",
        ))
    }
}

/// A level's `band`: one integer (`band: 5`), or a list of two for a level that spans
/// grades (`band: [4, 5]`, "IC4/IC5 Senior Engineer"). Whether the low one is below the
/// high one is checked by the caller, which knows where the value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BandValue {
    pub low: i64,
    /// `None` for a single band.
    pub high: Option<i64>,
}

impl<'de> serde::Deserialize<'de> for BandValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BandVisitor)
    }
}

struct BandVisitor;

impl BandVisitor {
    fn single<E>(r: Result<Int, E>) -> Result<BandValue, E> {
        r.map(|Int(low)| BandValue { low, high: None })
    }
}

/// A scalar `band` reads as [`Int`] does, with its messages.
macro_rules! band_scalar {
    ($($method:ident($t:ty)),*) => {
        $(fn $method<E: serde::de::Error>(self, v: $t) -> Result<BandValue, E> {
            Self::single(IntVisitor.$method(v))
        })*
    };
}

impl<'v> serde::de::Visitor<'v> for BandVisitor {
    type Value = BandValue;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an integer, or a list of two integers [low, high]")
    }
    band_scalar!(
        visit_i64(i64),
        visit_u64(u64),
        visit_i128(i128),
        visit_u128(u128),
        visit_f64(f64),
        visit_bool(bool),
        visit_str(&str)
    );
    fn visit_unit<E: serde::de::Error>(self) -> Result<BandValue, E> {
        Self::single(IntVisitor.visit_unit())
    }
    fn visit_map<A: serde::de::MapAccess<'v>>(self, m: A) -> Result<BandValue, A::Error> {
        Self::single(IntVisitor.visit_map(m))
    }
    fn visit_seq<A: serde::de::SeqAccess<'v>>(self, mut s: A) -> Result<BandValue, A::Error> {
        use serde::de::Error;
        let low = s.next_element::<Int>()?;
        let high = s.next_element::<Int>()?;
        let mut more = 0usize;
        while s.next_element::<serde::de::IgnoredAny>()?.is_some() {
            more += 1;
        }
        if let (Some(Int(low)), Some(Int(high)), 0) = (low, high, more) {
            return Ok(BandValue {
                low,
                high: Some(high),
            });
        }
        let n = usize::from(low.is_some()) + usize::from(high.is_some()) + more;
        let what = match n {
            0 => "an empty list".to_string(),
            1 => "a list of one; for a single band write the integer alone".to_string(),
            n => format!("a list of {n}"),
        };
        Err(A::Error::custom(format!(
            "a band range is a list of two integers, `[low, high]`, not {what}"
        )))
    }
}

/// The keys of a YAML mapping with their spans, values skipped: used to report every
/// unknown key of a document in one run (serde stops at the first).
#[derive(Debug, Default)]
pub struct Keys(pub Vec<serde_saphyr::Spanned<String>>);

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = m.next_key::<serde_saphyr::Spanned<String>>()? {
                    let _: serde::de::IgnoredAny = m.next_value()?;
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(V)
    }
}

/// An `unknown key` diagnostic for every key of `keys` not in `known`.
pub fn unknown_keys(
    path: &Arc<str>,
    file_text: &str,
    offset: usize,
    keys: &Keys,
    known: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    for k in &keys.0 {
        if known.contains(&k.value.as_str()) {
            continue;
        }
        let help = match did_you_mean(&k.value, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known keys here: {}", known.join(", ")),
        };
        out.push(unknown_key(path, file_text, offset, k, help));
    }
}

fn unknown_key(
    path: &Arc<str>,
    file_text: &str,
    offset: usize,
    key: &serde_saphyr::Spanned<String>,
    help: String,
) -> Diagnostic {
    Diagnostic::new(
        Lint::FrontMatter,
        span_of(path, file_text, offset, &key.referenced),
        format!("unknown key `{}`", key.value),
    )
    .with_label("not a known key")
    .with_help(help)
}

/// The keys of `keys` not in `known` that are kept as `extra` (another generator's
/// front matter); a near miss of a known key (at most two edits, `dimentions`) is a
/// `front-matter` error with "did you mean" instead, since it is almost surely a typo.
pub fn extra_keys(
    path: &Arc<str>,
    file_text: &str,
    offset: usize,
    keys: &Keys,
    known: &[&str],
    out: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut extra = Vec::new();
    for k in &keys.0 {
        if known.contains(&k.value.as_str()) {
            continue;
        }
        let near = did_you_mean(&k.value, known.iter().copied())
            .filter(|s| crate::diagnostic::edit_distance(&k.value.to_lowercase(), s) <= 2);
        match near {
            Some(s) => out.push(unknown_key(
                path,
                file_text,
                offset,
                k,
                format!("did you mean `{s}`?"),
            )),
            None => extra.push(k.value.clone()),
        }
    }
    extra
}

/// `unknown field `x`, expected one of a, b` → ("x", ["a", "b"]).
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let end = rest.find('`')?;
    let unknown = rest[..end].to_string();
    let after = &rest[end + 1..];
    let list = after
        .split_once("expected one of ")
        .map(|(_, l)| l)
        .or_else(|| after.split_once("expected ").map(|(_, l)| l))
        .unwrap_or("");
    let expected = list
        .split(',')
        .map(|s| s.trim().trim_matches('`').to_string())
        .filter(|s| !s.is_empty() && !s.contains(' '))
        .collect();
    Some((unknown, expected))
}

/// The value of `key` of the mapping in `file_text[offset..end]`, read as a `T` on its
/// own (`None` when absent): a wrong type elsewhere in the document does not hide it,
/// and its own wrong type is reported where it is. For reporting every problem of a
/// document in one run, where serde stops at the first.
pub fn pick_in<T: DeserializeOwned>(
    path: &Arc<str>,
    file_text: &str,
    offset: usize,
    end: usize,
    key: &'static str,
) -> Result<Option<T>, Diagnostic> {
    with_deserializer_in(path, file_text, offset, end, |y| {
        Pick {
            key,
            seed: PhantomData::<T>,
        }
        .deserialize(y)
    })
}

/// Deserializes a mapping, reading the value of `key` with `seed` and skipping the
/// other values. Keys that are not strings are skipped too.
pub(crate) struct Pick<S> {
    pub key: &'static str,
    pub seed: S,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Pick<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Pick<S> {
    type Value = Option<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        let mut seed = Some(self.seed);
        let mut value = None;
        while let Some(k) = m.next_key::<KeyName>()? {
            match (k.0.as_deref() == Some(self.key), seed.take()) {
                (true, Some(s)) => value = Some(m.next_value_seed(s)?),
                (_, s) => {
                    seed = s;
                    m.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(value)
    }
}

/// A mapping key: its text when it is a string.
struct KeyName(Option<String>);

impl<'de> serde::Deserialize<'de> for KeyName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyName;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<KeyName, E> {
                Ok(KeyName(Some(v.to_string())))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<KeyName, E> {
                Ok(KeyName(None))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<KeyName, E> {
                Ok(KeyName(None))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<KeyName, E> {
                Ok(KeyName(None))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<KeyName, E> {
                Ok(KeyName(None))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<KeyName, E> {
                Ok(KeyName(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        band: Option<i64>,
    }

    fn parse(y: &str) -> Result<Doc, Diagnostic> {
        let p: Arc<str> = Arc::from("x.md");
        from_str::<Doc>(&p, y, 0)
    }

    #[test]
    fn unknown_key_has_hint_and_place() {
        let d = parse("title: a\nbnad: 3\n").unwrap_err();
        assert_eq!(d.message, "unknown key `bnad`");
        assert_eq!((d.span.line, d.span.col), (2, 1));
        assert_eq!(d.help.as_deref(), Some("did you mean `band`?"));
    }

    #[test]
    fn wrong_type_points_at_value() {
        let d = parse("title: a\nband: seven\n").unwrap_err();
        assert_eq!((d.span.line, d.span.col), (2, 7));
    }

    #[test]
    fn alias_bomb_and_depth_fail_cleanly() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            };
            bomb.push_str(&format!(
                "b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(parse(&bomb).is_err());
        let deep = format!("title: {}{}\n", "[".repeat(5000), "]".repeat(5000));
        assert!(parse(&deep).is_err());
    }
}
