"""Welcome Bot: a multilingual chatbot for a city's integration department."""
