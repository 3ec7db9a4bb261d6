"""The base of every error a user can fix; the CLI prints these as one line, not a traceback."""

from ground import exits


class MutualError(Exception):
    """An error with a message meant for the person running Mutual."""

    exit_code = exits.FAILURE
