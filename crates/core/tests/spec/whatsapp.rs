//! Spec: whatsapp.
