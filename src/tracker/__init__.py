"""tracker: follow AI model launch news and turn it into traceable facts."""

__version__ = "0.1.0"
