"""Written input on records: uploaded documents (content-addressed files) and Markdown notes."""
