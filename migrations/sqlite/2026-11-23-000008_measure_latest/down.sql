DROP TABLE measure_latest;
