//! Where things were written: [`Span`] (a place in a source file), [`Spanned`] (a
//! value with its place) and [`LineIndex`] (byte offsets to lines and columns).
//!
//! The bottom of the house: diagnostics, settings and the model all point into the
//! sources with these, and this module needs none of them.

use serde::Serialize;
use std::sync::Arc;

/// A place in a source file. `line` and `col` are 1-based (col counts characters);
/// `start..end` are byte offsets into the file's text, `end` exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
pub struct Span {
    /// Path of the file relative to the project root, with `/` separators
    /// (for example `content/managing.md`).
    pub file: Arc<str>,
    pub line: u32,
    pub col: u32,
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// A span covering `start..end` of `text`, computing line and column.
    pub fn from_offsets(file: &Arc<str>, text: &str, start: usize, end: usize) -> Span {
        let start = floor_char_boundary(text, start.min(text.len()));
        let end = floor_char_boundary(text, end.clamp(start, text.len()));
        let before = &text[..start];
        let line = before.bytes().filter(|&b| b == b'\n').count() as u32 + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..start].chars().count() as u32 + 1;
        Span {
            file: file.clone(),
            line,
            col,
            start,
            end,
        }
    }

    /// A span for a whole file when nothing more precise is known (line 1, col 1).
    pub fn file_start(file: &Arc<str>) -> Span {
        Span {
            file: file.clone(),
            line: 1,
            col: 1,
            start: 0,
            end: 0,
        }
    }
}

/// Start offsets of every line of a text, so that spans cost O(log lines) instead of
/// a scan from the start of the file (which made many spans in a large file quadratic).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// Like [`Span::from_offsets`], using the index.
    pub fn span(&self, file: &Arc<str>, text: &str, start: usize, end: usize) -> Span {
        let start = floor_char_boundary(text, start.min(text.len()));
        let end = floor_char_boundary(text, end.clamp(start, text.len()));
        let line = self.starts.partition_point(|&s| s <= start);
        let line_start = self.starts[line - 1];
        let col = text[line_start..start].chars().count() as u32 + 1;
        Span {
            file: file.clone(),
            line: line as u32,
            col,
            start,
            end,
        }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A value together with the span it was written at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    #[serde(skip)]
    pub span: Span,
}
