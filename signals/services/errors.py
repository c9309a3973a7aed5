"""Domain errors that services raise and views turn into a message at the field."""


class ServiceError(Exception):
    """A domain error the view turns into a message."""


class TransitionNotAllowed(ServiceError):
    """The workflow of this kind does not allow the requested status change."""


class InvalidInput(ServiceError):
    """Input that passed the form but breaks a rule of the registry."""


class DuplicateSubmission(ServiceError):
    """A filing form was sent again with a submission key that already produced an item."""


class NotAllowed(ServiceError):
    """The actor may not take this action on this item (e.g. a member giving an item to someone else)."""


class StaleItem(ServiceError):
    """A console form was filled on an older version of the item: nothing changed. `who` and `when` name the
    last change."""

    def __init__(self, who: str, when):
        super().__init__(f"changed by {who} at {when}")
        self.who, self.when = who, when
