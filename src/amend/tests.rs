//! Tests of reading and applying amendments.
