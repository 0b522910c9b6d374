"""Quiz bank, grading and rendering; the app and the notebooks share it."""

from lessons.quiz.bank import Bank, Choice, Question, Text, load_bank

__all__ = ["Bank", "Choice", "Question", "Text", "load_bank"]
