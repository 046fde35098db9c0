DROP TRIGGER matrix_versions_spend ON spend;
DROP TRIGGER matrix_versions_indicators ON indicators;
DROP FUNCTION matrix_versions_bump();
DROP TABLE matrix_versions;
