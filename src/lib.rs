//! `ladder` compiles an engineering career ladder, written as Markdown tracks with YAML
//! front matter, into a checked, typed model and from there into a static site, a JSON
//! export or a semantic diff.
//!
//! The pipeline, one module per stage:
//! `source` (files → [`model::Ladder`] + diagnostics) → `check` (lints) →
//! `render` (site) / `export` (JSON, CSV, schema) / `diff` (model vs model).
//! The drivers (`commands`, `serve`) only compose these stages.

// Diagnostics are values returned once per file or stage, never on a hot path, so a
// large `Err` is cheaper to read than a boxed one.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub(crate) mod diff;
pub(crate) mod export;
pub mod history;
pub mod import;
pub(crate) mod links;
pub mod model;
pub mod render;
pub mod serve;
pub mod source;
pub mod span;

pub use source::{load_project, Project};
