"""Elcorp Namibia platform: a modular-monolith REST API with four bounded contexts.

identity, payments, governance and compliance sit on a shared kernel (`elcorp.shared`).
`main.create_app()` is the only place that builds the Flask app; `bootstrap` is the
composition root that wires adapters from `config.Settings`.
"""

__version__ = "0.1.0"
