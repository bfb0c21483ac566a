"""What review's pages and API read, always within the caller's scope (`scoping`)."""
