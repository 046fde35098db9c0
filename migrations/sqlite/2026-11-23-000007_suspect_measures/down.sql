ALTER TABLE measure_history DROP COLUMN suspect;
ALTER TABLE measures DROP COLUMN suspect;
