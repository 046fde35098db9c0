ALTER TABLE incubators DROP COLUMN committee_months;
