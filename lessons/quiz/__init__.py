"""Quiz bank, grading and rendering; the app and the notebooks share it."""

from lessons.quiz.bank import Bank, Choice, Question, load_bank
from lessons.text import Text

__all__ = ["Bank", "Choice", "Question", "Text", "load_bank"]
