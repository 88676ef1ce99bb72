"""The compliance bounded context: the audit trail, retention and purge, POPIA (consent,
data-subject requests, breach notification), SLAs, incidents, risks, regulatory reports.

Other contexts reach it only through `elcorp.compliance.application.api` or domain events.
"""
