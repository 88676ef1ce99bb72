"""Security primitives shared by every context: field encryption, rate-limit keys, HTTP
security headers. Token handling and password hashing join here with the identity context."""
