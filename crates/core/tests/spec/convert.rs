//! Spec: convert.
