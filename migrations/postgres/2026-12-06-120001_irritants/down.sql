DROP TABLE irritant_votes;
DROP TABLE irritants;
