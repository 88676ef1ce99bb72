"""SLA: policies per case type, tracked cases on the business calendar, breaches and
escalations, the SLA report."""
