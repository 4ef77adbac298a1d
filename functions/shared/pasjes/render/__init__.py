"""Passes as PDFs (`pdf`) and a request's passes as one ZIP (`archive`); imports reportlab."""
