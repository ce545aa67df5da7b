"""Refugee Dialogues and language cafés: browse, book, waitlist, reminders, staff lists.

series.py    events as staff write them (content/events.yaml, the CLI), and their dates
content.py   reading event series from a YAML file, every problem with its file and line
series_form.py  pure: the series form staff fill in -> a series, problems per field, the
             preview of the next dates, what an edit does to the stored dates
seating.py   who gets a seat and who waits (pure rules)
calendar.py  the .ics file of a booking
store.py     events and bookings in the database (booking under a lock on the event)
changes.py   what staff change, one way for the CLI and the console: a series saved (edited
             without losing bookings), a date or series cancelled, a date moved; audited
attendance.py  who comes to a date: rows, CSV and an Excel file
staff_message.py  a short message from staff to everyone booked, in each one's language
             (machine drafts where a model is installed), through the outbox
actions.py   the actions the events flows call
privacy.py   the events' privacy slice: the person's bookings as /mydata shows them
review.py    the series' titles and descriptions as the translators' review queue sees them
cli.py       `welcomebot events import|add|list|cancel|move|attendees`
"""
