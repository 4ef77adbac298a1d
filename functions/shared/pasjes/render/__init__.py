"""Passes as PDFs and a request's passes as one ZIP; imports reportlab.

`renderer` draws a pass and makes its PDF, from `layout` (where everything goes on the card),
`font` (the request's font objects, built once per request) and `qr` (the QR code); `archive`
zips a request's PDFs.
"""
