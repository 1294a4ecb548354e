//! Spec: sinks.
