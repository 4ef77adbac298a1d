"""What runs Pasjesportaal locally and operates it: tables, data import, the local stack."""
