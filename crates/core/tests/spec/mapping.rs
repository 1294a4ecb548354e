//! Spec: mapping.
