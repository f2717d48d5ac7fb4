"""Proposals and invoices: totals, numbers, amounts in words, payment QR codes, PDFs."""
