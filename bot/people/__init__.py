"""People and their privacy.

privacy.py   the person's own slice (their row, the conversation) and the consent answer
importer.py  people imported from a CSV file (`welcomebot people import`), checked line by line

A privacy slice is a feature's part of a person's data (`bot.feature.PrivacySlice`); the
list of every feature's slice, /mydata, /delete and retention are in `bot/privacy.py`.
"""
