"""The identity bounded context: users, credentials, devices and refresh tokens, MFA, password
reset, email verification, profile.

Other contexts reach it only through `elcorp.identity.application.api` or domain events.
"""
