"""compliance interfaces: the HTTP blueprint, pydantic request/response schemas and CLI commands.
Thin: parse the request, call one application service, serialise the result."""
