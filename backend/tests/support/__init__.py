"""Test support: servers, databases, factories and fakes shared by the test rings."""
