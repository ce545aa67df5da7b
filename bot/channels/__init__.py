"""One adapter per platform; nothing outside this package knows a platform."""
