-- Small reads run in one process. With the default parallel_setup_cost (1000) PostgreSQL planned parallel workers for
-- reads of a few thousand rollup rows (the cockpit's 30-day trend: ~3,400 rows, cost ~3,700), and starting two worker
-- processes took longer than the read itself (bench:cockpit, PG_STATS_EXPLAIN_MS: "Workers Launched: 2" on 69 ms
-- statements that read 600 buffers). Ten times the cost keeps parallel plans for the large scans (exports, recounts).
-- A setting of this database, for every session (and a replica of it); left as it is where the role may not set it.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET parallel_setup_cost = 10000', current_database());
  -- This session too (it goes back to the pool after the migrations).
  PERFORM set_config('parallel_setup_cost', '10000', false);
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'parallel_setup_cost not set: this role does not own the database';
END $$;
