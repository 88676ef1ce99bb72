"""The compliance bounded context: the audit trail, retention and purge, POPIA (consent,
data-subject requests, breach notification), SLAs, incidents, risks, regulatory reports.

Cut into feature folders (audit, consent, privacy, retention, incidents, sla, risks,
reports), each with its domain, application, infrastructure and interfaces layers and
its own `wiring.py`; `wiring.py` here composes them. Other contexts reach compliance only
through domain events.
"""
