"""Regulatory reports: monthly CSV/PDF reports from every report source, reproducible, with
their SHA-256."""
