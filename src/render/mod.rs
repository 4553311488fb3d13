//! Renders the site from the model: pages through Tera templates, assets, the search
//! index and `ladder.json`; the output writer swaps a fresh folder into place.
