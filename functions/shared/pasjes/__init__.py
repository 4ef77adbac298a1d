"""Pasjesportaal: digital passes for qualification holders of training institutes."""
