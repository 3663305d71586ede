/**
 * {@code ./deptcrypt quarantine redrive}: the quarantine reader opens chosen dead letters with its own KMS credentials
 * and puts them back on the ingest topic, exactly once (a transaction writes the ingest record and the re-drive log
 * together; a dead letter already in the log is never re-driven again), so that events that arrived before their
 * department existed are sealed for it once it does. Nothing is printed or logged of what a dead letter says.
 */
package io.deptcrypt.control.redrive;
