//! `ladder` compiles an engineering career ladder, written as Markdown tracks with YAML
//! front matter, into a checked, typed model and from there into a static site, a JSON
//! export or a semantic diff.
//!
//! The pipeline, one module per stage:
//! `source` (files → [`model::Ladder`] + diagnostics) → `check` (lints) →
//! `render` (site) / `export` (JSON, CSV, schema) / `diff` (model vs model).
//! The drivers (`commands`, `serve`) only compose these stages.

pub mod check;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod export;
pub mod model;
pub mod render;
pub mod serve;
pub mod source;

pub use source::{load_project, Project};
