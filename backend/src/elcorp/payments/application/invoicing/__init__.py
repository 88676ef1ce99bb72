"""Invoice use cases, one module per part of an invoice's life: `drafts` (issuers and new
drafts), `issuing` (issue, void), `payment` (pay, settle a decided payment), `credit_notes`,
`queries` (read, search, print) and `reminders`. Each works on the `Invoice` aggregate
through the invoices unit of work; `common` holds what they share (who may act for which
invoice, the settings, the unit-of-work port). `payments.application.invoices.InvoiceService`
is the facade the wiring and the HTTP layer call."""
