"""What the workshop service refuses, each with one plain-English sentence for the user."""

from __future__ import annotations


class WorkshopError(ValueError):
    """A refused request; the message is one plain-English sentence for the user."""


class StoreUnavailableError(WorkshopError):
    """The database stayed away after the retries (lupcore/workshop/retry.py); nothing was written."""


class UnknownRoomError(WorkshopError):
    pass


class NotFacilitatorError(WorkshopError):
    pass


class NotParticipantError(WorkshopError):
    pass


class ActivityClosedError(WorkshopError):
    pass


class InvalidAnswerError(WorkshopError):
    pass


class TooManyTriesError(WorkshopError):
    pass
