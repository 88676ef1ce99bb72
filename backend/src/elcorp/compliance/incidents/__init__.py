"""Incidents: the incident workflow and priority matrix, incidents opened from alarms, POPIA
s22 breach notification (letters, deadlines, escalation)."""
