ALTER TABLE products DROP COLUMN publish_efficiency;
