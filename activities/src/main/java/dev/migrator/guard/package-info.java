/**
 * What protects data that is not the migration's: the servers' own identity (so one server named
 * two ways is never both source and target), the sessions that can write through read_only, the
 * source's write lock held across the cutover, and the ownership of target schemas (only what a
 * migration created is ever emptied or dropped by it).
 */
package dev.migrator.guard;
