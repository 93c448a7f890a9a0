"""Answerers turn a question and retrieved passages into a cited answer."""
