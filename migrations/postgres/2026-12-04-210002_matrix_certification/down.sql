DROP TABLE matrix_certifications;
