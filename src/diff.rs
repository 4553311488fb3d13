//! Semantic diff of two ladder models.
