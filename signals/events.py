"""Events of the registry (blinker). Higher layers connect receivers; signals/ never imports them.

Every event is sent by a service inside the transaction that caused it, after the
change is flushed, so receivers add their rows (outbox, notices) to the same commit.
Receivers never build history rows themselves: they call a service
(e.g. `signals.services.notices.record`). Keywords are documented per event.
"""

from blinker import Namespace

_ns = Namespace()

registered = _ns.signal("registered", doc="""A new item was registered.

sender: the Signal (flushed, numbered, routed); actor: the User who filed or registered it, or None.""")

status_changed = _ns.signal("status_changed", doc="""An item moved along its workflow.

sender: the Signal; update: the Update holding old_status and new_status; actor: the User or None.""")

moderated = _ns.signal("moderated", doc="""A moderator approved, hid or unhid a public item.

sender: the Signal; action: "approved" | "hidden" | "unhidden"; update: its Update; actor: the User or None.""")

corrected = _ns.signal("corrected", doc="""Staff corrected what an item is or where: its kind (problem ↔ question), its
category, or its point.

sender: the Signal; what: "kind" | "category" | "place"; update: its Update (data holds old and new);
actor: the User or None.""")

notice_recorded = _ns.signal("notice_recorded", doc="""A notice to the filer was written into the item's history.

sender: the Signal; update: the notice Update; notice: its name ("registered", "status", …);
delivery_id: the outbox row that proves it, or None when it was withheld (withheld: the reason).""")

clarification_requested = _ns.signal("clarification_requested", doc="""Staff asked the filer to clarify the item
(the clock stopped); a required notice.

sender: the Signal; update: the clarification_request Update (body: the question); actor: the User.""")

assigned = _ns.signal("assigned", doc="""Staff gave the item to a member of its department (or took it back).

sender: the Signal; update: the internal assignment Update; actor: the User who assigned; assignee: the User
now responsible, or None.""")

replied = _ns.signal("replied", doc="""The department replied on the item, in public or to the filer only; the filer is
told (a required notice).

sender: the Signal; update: the public_reply Update (visibility public or filer); actor: the User.""")

rerouted = _ns.signal("rerouted", doc="""The item went to another department of the municipality; the filer is told
(a required notice) and the new department hears of it.

sender: the Signal; update: the reroute Update (body: the reason, for the filer and staff); actor: the User;
previous: the Department it left.""")

fix_question_asked = _ns.signal("fix_question_asked", doc="""A problem was marked resolved and its filer is asked "Is
it fixed?" (a required notice; the answer is due within signals.services.fix_check.ANSWER_DAYS days).

sender: the Signal; update: the filer-visible fix_question Update (data: asked_on, answer_by); actor: the User who
resolved the item, or None.""")

fix_answered = _ns.signal("fix_answered", doc="""The filer answered "Is it fixed?": yes closed the item, no reopened it
(in progress) with their comment.

sender: the Signal; update: the filer-visible fix_answer Update (body: the comment; data: fixed); fixed: True or
False; actor: the filer's User, or None for a filer without an account.""")

extended = _ns.signal("extended", doc="""An information request's deadline was extended (ZDOI art. 30 or 31) before it
passed; the requester is told the new date, the article and the reason (a required notice).

sender: the Signal; update: the extension Update (data: article, old, new, days); actor: the User.""")

ALL = (registered, status_changed, moderated, corrected, notice_recorded, clarification_requested, assigned, replied,
       rerouted, fix_question_asked, fix_answered, extended)
