"""Every write to the registry, one function per change, each in one shape:

validate → mutate → add its `Update` and its audit row → flush (one round of writes) → send its event
(signals.events), whose receivers may add more to the same transaction.

Services never commit: the view, the command or `app.unit_of_work` commits once, and
a failed transaction also removes the files it wrote. Services import no web module
(an import-linter contract). The names most callers need are re-exported here.
"""

from signals.services.errors import DuplicateSubmission, InvalidInput, ServiceError, TransitionNotAllowed
from signals.services.filing import (Registration, Sender, SignalInput, attach_documents, file_private, file_public,
                                     register)
from signals.services.status import NEEDS_REASON, change_status

__all__ = ["DuplicateSubmission", "InvalidInput", "ServiceError", "TransitionNotAllowed", "Registration", "Sender",
           "SignalInput", "attach_documents", "file_private", "file_public", "register", "change_status",
           "NEEDS_REASON"]
