package dev.migrator.model;

/**
 * How application traffic moves to the target at cutover, and back on rollback: a DNS record in
 * Route 53, a shell command, or an HTTP webhook. Each has its own undo.
 */
public class TrafficSwitch {
  /** route53, command or webhook. */
  public String type;

  /** command: run with /bin/sh -c on the worker; MIGRATOR_* variables describe the cutover. */
  public String command;
  /** command: run on rollback. */
  public String undoCommand;

  /** webhook: POSTed a JSON body {"migrationId","action":"switch"|"switch-back","target":host:port}. */
  public String url;

  /** route53: hosted zone id, record name (e.g. db.example.com.), type CNAME, TTL. */
  public String hostedZoneId;
  public String recordName;
  public long ttl = 60;
  /** route53: value the record gets at cutover (default: target host); rollback restores the old value. */
  public String targetValue;
}
