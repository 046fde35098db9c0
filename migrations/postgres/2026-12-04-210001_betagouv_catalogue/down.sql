-- Fails if a product went back to a phase it had been in: such history cannot be kept.
ALTER TABLE phases DROP CONSTRAINT phases_product_id_phase_started_on_key;
ALTER TABLE phases ADD CONSTRAINT phases_product_id_phase_key UNIQUE (product_id, phase);
ALTER TABLE phases DROP COLUMN is_return;
DROP INDEX product_catalogue_betagouv_id_idx;
DROP TABLE product_catalogue;
