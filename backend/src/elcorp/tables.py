"""Every context's table definitions, gathered on one `metadata`.

The contexts all declare their tables on the kernel's `MetaData` (with the client's
naming convention), each in the infrastructure module of the concept it stores. Importing
this module imports every one of them, so `metadata` here is complete: Alembic's
environment (`backend/migrations/env.py`) compares it with the database, and the
schema-vs-code test (`tests/integration/test_schema_matches_code.py`) checks that a freshly
migrated database has exactly these tables, columns, keys, indexes and constraints.

A new module that declares a `Table` is added below, or neither Alembic nor that test sees it
(`tests/integration/test_schema_matches_code.py::test_every_table_module_is_gathered`).
"""

from __future__ import annotations

from elcorp.compliance.audit.infrastructure import tables as compliance_tables
from elcorp.compliance.consent.infrastructure import consent_store, notices_store
from elcorp.compliance.incidents.infrastructure import breach, incidents
from elcorp.compliance.privacy.infrastructure import access_bundle, privacy_register, privacy_requests
from elcorp.compliance.reports.infrastructure import reports
from elcorp.compliance.retention.infrastructure import retention_tables
from elcorp.compliance.risks.infrastructure import risks_tables
from elcorp.compliance.sla.infrastructure import sla
from elcorp.governance.infrastructure import tables as governance_tables
from elcorp.identity.infrastructure import tables as identity_tables
from elcorp.payments.infrastructure import document_numbers, invoices, reconciliation, settlement, vehicles
from elcorp.payments.infrastructure import tables as payments_tables
from elcorp.shared.infrastructure import tables as kernel_tables
from elcorp.shared.infrastructure.db import metadata

# The modules that declare tables, by context (the imports above are what fills `metadata`).
TABLE_MODULES = (
    kernel_tables,
    identity_tables,
    governance_tables,
    payments_tables,
    vehicles,
    invoices,
    document_numbers,
    reconciliation,
    settlement,
    compliance_tables,
    access_bundle,
    breach,
    consent_store,
    incidents,
    notices_store,
    privacy_register,
    privacy_requests,
    reports,
    retention_tables,
    risks_tables,
    sla,
)

__all__ = ["TABLE_MODULES", "metadata"]
