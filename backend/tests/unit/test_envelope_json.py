"""The envelope's JSON encoder writes a Decimal as fixed-point text, never in exponent
notation (Flask's own encoder uses `str()`: Decimal("0.00000000") became "0E-8")."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from flask import Flask

from elcorp.shared.interfaces import envelope


def encoded(data: object) -> object:
    with Flask(__name__).app_context():
        return json.loads(envelope.success(data).get_data(as_text=True))["data"]


def test_decimals_are_written_in_fixed_point_never_in_exponent_notation():
    data = {
        "zero": Decimal("0.00000000"),
        "tiny": Decimal("1E-8"),
        "large": Decimal("1E+3"),
        "plain": Decimal("12.50"),
    }

    assert encoded(data) == {"zero": "0.00000000", "tiny": "0.00000001", "large": "1000", "plain": "12.50"}


def test_other_values_keep_flasks_encoding():
    some_id = uuid.uuid4()

    found = encoded({"id": some_id, "at": datetime(2026, 5, 1, tzinfo=UTC)})

    assert found == {"id": str(some_id), "at": "Fri, 01 May 2026 00:00:00 GMT"}
