"""The programme's rules as plain functions of plain values: no database, no clock of their own."""
