"""Audit trail: sequencing and hash-chaining of the kernel's audit_log, signed checkpoints,
verification, signed exports and archives, the audit-log API and its alarms."""
