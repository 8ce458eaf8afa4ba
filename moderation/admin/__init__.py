"""Django admin for moderation: the flag queue, strikes, sanctions, appeals, the policy table
and the staff access log.

Nothing here edits a row directly: object pages are read-only and every change is a button
or an action that calls moderation.services (which checks permissions again). Message text
is the delivered (masked) text everywhere except the audited reveal page, which writes a
StaffAccess row before it shows anything. HTML only through format_html.

One module per queue: cases (and the decisions list), flags (and reports), users (the
per-user page), sanctions (strikes, sanctions, appeals, the
policy table), access (the staff access log); base holds what they share.
"""

# Importing the modules registers their model admins (Django's autodiscover imports this one).
from moderation.admin import access, cases, decisions, flags, sanctions, users  # noqa: F401
