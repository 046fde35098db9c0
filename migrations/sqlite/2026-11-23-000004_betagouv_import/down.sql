DROP INDEX product_events_product_idx;
DROP TABLE product_events;
ALTER TABLE products DROP COLUMN perennisation_mode;
