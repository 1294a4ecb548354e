//! Spec: support.
