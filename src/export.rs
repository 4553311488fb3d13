//! The model as JSON (with `schema_version`) or CSV, and JSON Schemas of the inputs.
