DROP TABLE runner_jobs;
DROP TABLE indicator_sources;
-- Measures that came from a source stay; their CHECK is not narrowed again (it would refuse them).
