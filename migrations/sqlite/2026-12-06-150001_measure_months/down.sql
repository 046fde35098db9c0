DROP TABLE measure_months;
