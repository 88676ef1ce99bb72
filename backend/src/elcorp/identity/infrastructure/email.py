"""Email senders: `.eml` files under VAR_DIR/mail in development, SMTP in production.

Sending happens in the Celery worker (outbox handlers), never inside an HTTP request.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

logger = logging.getLogger(__name__)


def _message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="elcorp.na")
    message.set_content(body)
    return message


class FileEmailSender:
    def __init__(self, directory: Path, sender: str) -> None:
        self._directory = directory
        self._sender = sender

    def send(self, to: str, subject: str, body: str) -> None:
        self._directory.mkdir(parents=True, exist_ok=True)
        path = self._directory / f"{uuid.uuid4().hex}.eml"
        path.write_bytes(bytes(_message(self._sender, to, subject, body)))
        path.chmod(0o600)
        logger.info("email.written path=%s subject=%s", path, subject)


class SmtpEmailSender:
    def __init__(
        self, *, host: str, port: int, sender: str, username: str | None, password: str | None, starttls: bool
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._username, self._password, self._starttls = username, password, starttls

    def send(self, to: str, subject: str, body: str) -> None:
        with smtplib.SMTP(self._host, self._port, timeout=15) as smtp:
            if self._starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self._username and self._password:
                smtp.login(self._username, self._password)
            smtp.send_message(_message(self._sender, to, subject, body))
