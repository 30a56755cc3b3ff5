"""Campaign batches (seed 002): events in, a recommendation per event out, on a broker or in process."""
