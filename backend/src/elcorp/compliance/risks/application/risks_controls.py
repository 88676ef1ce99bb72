"""The catalogue of controls (safeguards, POPIA s19(1)) that risks link to: listed, added
and changed by risk managers, each change audited (`risk_control.created`,
`risk_control.updated`) with the control's state before and after."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from elcorp.compliance.risks.application.risks_ports import RisksUnitOfWork
from elcorp.compliance.risks.domain.risks import Control, ControlStatus, ControlType
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.clock import Clock
from elcorp.shared.domain.errors import NotFound


class ControlCatalogue:
    def __init__(self, uow: Callable[[], RisksUnitOfWork], clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def controls(self) -> list[Control]:
        with self._uow() as uow:
            return uow.controls.all()

    def control(self, control_id: uuid.UUID) -> Control:
        with self._uow() as uow:
            found = uow.controls.get(control_id)
        if found is None:
            raise NotFound("Control not found")
        return found

    def add_control(
        self,
        actor: uuid.UUID,
        *,
        name: str,
        description: str,
        type: ControlType,
        status: ControlStatus,
        reference: str | None,
    ) -> Control:
        now = self._clock.now()
        control = Control(uuid.uuid4(), name, description, type, status, reference, now, now)
        with self._uow() as uow:
            uow.controls.add(control)
            uow.audit.record(
                "risk_control.created",
                Actor(str(actor)),
                Resource("risk_control", str(control.id)),
                Changes(after=control_audited(control)),
            )
            uow.commit()
        return control

    def change_control(self, actor: uuid.UUID, control_id: uuid.UUID, changes: Mapping[str, Any]) -> Control:
        with self._uow() as uow:
            control = uow.controls.get(control_id, for_update=True)
            if control is None:
                raise NotFound("Control not found")
            before = control_audited(control)
            for key in ("name", "description", "reference"):
                if key in changes:
                    setattr(control, key, changes[key])
            if changes.get("type") is not None:
                control.type = ControlType(changes["type"])
            if changes.get("status") is not None:
                control.status = ControlStatus(changes["status"])
            control.updated_at = self._clock.now()
            uow.controls.save(control)
            uow.audit.record(
                "risk_control.updated",
                Actor(str(actor)),
                Resource("risk_control", str(control.id)),
                Changes(before, control_audited(control)),
            )
            uow.commit()
        return control


def control_audited(control: Control) -> dict[str, Any]:
    return {
        "name": control.name,
        "type": control.type.value,
        "status": control.status.value,
        "reference": control.reference,
    }
