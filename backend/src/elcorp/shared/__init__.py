"""Shared kernel: value objects, events, errors, ports and adapters every context uses.

It imports no bounded context: contexts depend on it, never the reverse.
"""
