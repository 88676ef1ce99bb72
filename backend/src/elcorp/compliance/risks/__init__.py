"""Risks (POPIA s19): the risk register, controls, treatment and review reminders."""
