//! Spec: telegram.
