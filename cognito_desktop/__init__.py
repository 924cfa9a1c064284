"""Cognito Desktop: sign in through Amazon Cognito and work with AWS from the desktop."""

__version__ = "0.1.0"
