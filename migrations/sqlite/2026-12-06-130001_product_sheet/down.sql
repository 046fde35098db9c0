DROP TABLE product_incubators;
DROP TABLE product_tags;
DROP TABLE product_sheets;
