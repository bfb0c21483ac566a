"""What changes review's data: one function per use case, each run in the caller's unit of work."""
