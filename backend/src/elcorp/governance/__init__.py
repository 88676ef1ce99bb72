"""The governance bounded context: roles and permissions (RBAC), policies (PBAC),
organizations and teams, service-request workflows with approval chains.

Other contexts reach it only through `elcorp.governance.application.api` or domain events.
"""
