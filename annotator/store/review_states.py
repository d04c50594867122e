"""The states of an annotator's review of a sentence, and of a label against its pre-label.

Kept apart from `review` so that the modules `review` builds on (the pre-label shown on a
card) can name them too.
"""

DONE, SKIPPED = "done", "skipped"
REQUEUED = "requeued"  # sent back for another look (e.g. from a model diff): served first
ACCEPTED, CORRECTED, MANUAL = "accepted", "corrected", "manual"
