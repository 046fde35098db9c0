DROP TABLE runner_jobs;
DROP TABLE indicator_sources;
