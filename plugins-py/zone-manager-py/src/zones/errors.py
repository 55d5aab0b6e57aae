"""The engine saying no: the three WIT `engine-error` cases as one Python exception."""

INVALID_CONFIG = "invalid-config"
INVALID_INPUT = "invalid-input"
BAD_STATE = "bad-state"


class Refusal(Exception):
    """An answer, not a bug: the adapter turns it into a WIT error value (never a trap)."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
        self.message = message


def invalid_config(message):
    return Refusal(INVALID_CONFIG, message)


def invalid_input(message):
    return Refusal(INVALID_INPUT, message)


def bad_state(message):
    return Refusal(BAD_STATE, message)
