// Package bench is the threaded sanity benchmark: its embedded workload
// script, the runner and the statistics.
package bench
