"""Shared model base, mixins and the audit log."""
