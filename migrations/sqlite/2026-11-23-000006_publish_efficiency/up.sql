-- Whether a published product also shows its efficiency figures (budget, cost per active
-- user) on its public stats page (issue 11). Off by default: publishing spend is the
-- product's choice. Kept equivalent to ../../postgres/2026-11-23-000006_publish_efficiency.
ALTER TABLE products ADD COLUMN publish_efficiency BOOLEAN NOT NULL DEFAULT 0;
