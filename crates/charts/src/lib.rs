//! pilote-charts
