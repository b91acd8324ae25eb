"""What a reader or a run cannot do now for a reason outside chaxin; each message is one line."""


class ServerUnreachable(RuntimeError):
    """The station server (CHAXIN_POSTGRES_URL) cannot be reached; the message has the server's reason."""


class NothingPublished(LookupError):
    """No published data to read yet; the message says what to run."""
