"""Payments' public API: what other contexts and the composition root may call.

Each context's part in the privacy programme is published here: payments' eraser of a
data subject's personal data (erasure, POPIA s24).
"""

from __future__ import annotations

from elcorp.payments.application.personal_data_erasure import PaymentsPersonalDataErasure

__all__ = ["PaymentsPersonalDataErasure"]
