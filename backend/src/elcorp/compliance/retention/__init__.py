"""Retention: erasure against the FIA retention periods, legal holds, retention policies and
the daily purge with its evidence."""
