"""What courses tells the apps above it.

`lesson_first_opened`: a person's reading of a lesson was recorded and a passed quiz may be waiting
for it (a course that asks for every lesson to be read before its quiz completes it). Sent inside
the transaction that recorded the reading, with `staff` and `version`; quizzes receives it
(`quizzes.receivers`) and records the completion when every lesson is read.
"""

from django.dispatch import Signal

lesson_first_opened = Signal()
