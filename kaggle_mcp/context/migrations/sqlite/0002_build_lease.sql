-- Build claims lapse unless their builder renews them (epoch seconds; NULL for rows of older releases).
ALTER TABLE contexts ADD COLUMN lease_until REAL;
