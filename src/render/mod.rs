//! Renders the site from the model: pages through Tera templates, assets, the search
//! index and `ladder.json`; the output writer swaps a fresh folder into place.
//!
//! Contract used by the drivers (`build`, `serve`):
//! - [`Theme::load`] reads the theme (built-in default, `themes/<name>/`, project
//!   `templates/` overrides, `static/`) once; template errors are diagnostics.
//! - [`render_site`] is a pure function of the model and the theme: it returns every
//!   output file in memory ([`SiteFiles`]), deterministic byte for byte.
//! - [`write_site`] writes a [`SiteFiles`] to the output folder atomically.

use std::collections::BTreeMap;

/// Every file of a rendered site, keyed by its path relative to the site root
/// (`/`-separated, e.g. `managing/team-lead/index.html`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteFiles {
    pub files: BTreeMap<String, Vec<u8>>,
}
