"""Domain errors that services raise and views turn into a message at the field."""


class ServiceError(Exception):
    """A domain error the view turns into a message."""


class TransitionNotAllowed(ServiceError):
    """The workflow of this kind does not allow the requested status change."""


class InvalidInput(ServiceError):
    """Input that passed the form but breaks a rule of the registry."""


class DuplicateSubmission(ServiceError):
    """A filing form was sent again with a submission key that already produced an item."""
