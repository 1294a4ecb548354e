//! Spec: pipeline.
