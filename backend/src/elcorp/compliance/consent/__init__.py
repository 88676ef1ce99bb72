"""Consent: purposes, published privacy notices, consent records with signed receipts, the
marketing digest sent only on a current grant."""
