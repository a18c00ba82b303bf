//! Placeholder, replaced by the stream decoder.
