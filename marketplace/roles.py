"""Staff roles are Django groups, created by a data migration (marketplace 0002).

The moderation app's migrations give each group the least permissions its work needs.
"""

MODERATORS = "Moderators"
DISPUTE_REVIEWERS = "Dispute reviewers"
STAFF_GROUPS = (MODERATORS, DISPUTE_REVIEWERS)
