"""Text processing: sentence splitting and actor detection. No storage or web code here."""
